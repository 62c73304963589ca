"""Projector and zoom: every page at 1280 by 720 (a projector), and the main pages at 200% zoom
(WCAG 1.4.4 Resize text, 1.4.10 Reflow: a 1280 by 720 window zoomed to 200% is a 640 by 360 CSS
view at twice the pixel density). Nothing may scroll sideways and the page's title must show;
the screenshots are for a person to look at (overlapping text is not something a test sees)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import whole_page_screenshot
from tests.e2e.test_accessibility import existing_pages, settle

pytestmark = pytest.mark.e2e

#: Where each page opens: the clinic and team pages need one service to show their content.
START = {"home": "/", "clinic": "/clinic?service=Assessment", "teams": "/teams?service=Assessment"}
ZOOMED = ["home", "clinic", "audits", "scrutiny", "benchmarks", "accessibility"]
_OVERFLOW = """() => {
  const main = document.querySelector('[data-testid=stMain]');
  return {page: document.documentElement.scrollWidth - window.innerWidth,
          main: main ? main.scrollWidth - main.clientWidth : 0};
}"""


def _open(page: Page, base: str, key: str) -> None:
    page.goto(base + START.get(key, f"/{key}"))
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    settle(page)


def _no_sideways_scroll(page: Page, key: str) -> None:
    over = page.evaluate(_OVERFLOW)
    assert over["page"] <= 0 and over["main"] <= 0, f"{key}: scrolls sideways by {over} CSS pixels"


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context.new_page()
    context.close()


@pytest.fixture
def zoomed(browser):
    context = browser.new_context(viewport={"width": 640, "height": 360}, device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("key", existing_pages("assistant_director"))
def test_every_page_on_a_projector(projector, app_url, screenshots, key):
    _open(projector, app_url, key)
    _no_sideways_scroll(projector, key)
    projector.screenshot(path=str(screenshots / f"projector-{key}-first-screen.png"))
    whole_page_screenshot(projector, screenshots / f"projector-{key}.png")


@pytest.mark.parametrize("key", [k for k in ZOOMED if k in existing_pages("assistant_director")])
def test_main_pages_at_200_percent(zoomed, app_url, screenshots, key):
    _open(zoomed, app_url, key)
    _no_sideways_scroll(zoomed, key)
    # At this width the sidebar folds away behind its button, which must still be reachable.
    expect(zoomed.get_by_test_id("stExpandSidebarButton").or_(zoomed.get_by_test_id("stSidebarCollapseButton"))
           .first).to_be_visible()
    zoomed.screenshot(path=str(screenshots / f"zoom200-{key}-first-screen.png"))
    whole_page_screenshot(zoomed, screenshots / f"zoom200-{key}.png")
