"""Store text in a real browser (issue 6): with a script tag, an image with an onerror
handler, Markdown links and images and a bare link written into every user-text column, every
page shows the payload as text, and the main area holds no link to or image from the payload's
host and runs none of its script."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import streamlit_server
from tests.pages.test_user_text_safety import inject_payloads

pytestmark = pytest.mark.e2e

TALL = {"width": 1440, "height": 4000}
MAIN = "[data-testid='stMain']"
SHOWN = "window.__x=1"  # part of the script payload: visible when shown as text
# (page path, service to pick in the sidebar or None) — the views where the payload shows.
VIEWS = [("", None), ("clinic", "assessment"), ("rag", None), ("audits", "assessment"), ("risks", None),
         ("teams", "assessment"), ("scrutiny", None), ("benchmarks", None), ("data", None)]
# Links and images to the payload's host, in HTML or SVG (Plotly writes xlink:href).
HOSTILE = """() => Array.from(document.querySelectorAll(
  "[data-testid='stMain'] a, [data-testid='stMain'] img, [data-testid='stMain'] image")).filter(
  e => ['href', 'src', 'xlink:href'].some(a => (e.getAttribute(a) || '').includes('evil.example'))).length"""


def _pick_service(page, service: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Service").click()
    page.get_by_role("option", name=re.compile(rf"^{service} ")).click()


@pytest.fixture(scope="module")
def injected_url(demo_db, tmp_path_factory):
    """A server over a copy of the demo store with the payload in every user-text column (read only)."""
    db = tmp_path_factory.mktemp("user_text_browser") / "qa.duckdb"
    shutil.copy(demo_db, Path(db))
    inject_payloads(db)
    with streamlit_server(db) as url:
        yield url


def test_every_page_shows_the_payload_as_text_and_runs_or_loads_nothing(page, injected_url):
    page.set_viewport_size(TALL)
    for path, service in VIEWS:
        page.goto(f"{injected_url}/{path}")
        expect(page.locator(MAIN).get_by_role("heading").first).to_be_visible()
        if service:
            _pick_service(page, service)
        if path != "data":  # the Data page shows no store text until a file is imported
            expect(page.locator(MAIN).get_by_text(SHOWN).first).to_be_visible()
        assert page.locator(f"{MAIN} a[href*='evil.example']").count() == 0, path
        assert page.locator(f"{MAIN} img[src*='evil.example']").count() == 0, path
        assert page.locator("a[href^='mailto']").count() == 0, path  # the email address is no link
        assert page.evaluate(HOSTILE) == 0, path
        assert page.evaluate("() => [typeof window.__x, typeof window.__y]") == ["undefined", "undefined"], path


# What the email address in the payload shows as: the word joiner md puts after the '@' is invisible.
EMAIL_SHOWN = re.compile("x\\.y@\u2060?evil\\.example")


def test_an_email_address_and_a_band_name_are_text_not_links(page, injected_url):
    """Issue 11, finding 13: GFM turns an email address in Markdown into a mailto: link, and a
    risk band name went into the heat map's legend (Plotly HTML) unescaped, so a band named
    '<a href=…>' was a link there. Both now show as typed and link nowhere."""
    page.set_viewport_size(TALL)
    page.goto(injected_url)
    title = page.locator(MAIN).get_by_role("heading").first
    expect(title).to_contain_text(EMAIL_SHOWN)  # the council's name, with its email address, as text
    expect(page.get_by_test_id("stSidebar").get_by_text(EMAIL_SHOWN).first).to_be_visible()
    assert page.locator("a[href^='mailto']").count() == 0

    page.goto(f"{injected_url}/risks")
    chart = page.get_by_test_id("stPlotlyChart").first
    legend = chart.locator(".legend .legendtext")
    # Each band's legend entry shows the stored name as typed, tags and all ...
    expect(legend.first).to_contain_text('<a href="https://evil.example/a">a</a>')
    expect(legend).to_have_count(4)
    # ... and the legend holds no link, nor does anything else in the chart.
    assert chart.locator(".legend a").count() == 0
    assert chart.locator("a").count() == 0
    assert page.locator("a[href^='mailto']").count() == 0
    # A table's own toolbar offers no CSV download (it would bypass the formula quoting): the
    # register's toolbar still opens, with search, but no download.
    table = page.locator("[data-testid='stDataFrame']:visible").first
    table.hover()
    expect(table.get_by_test_id("stElementToolbarButton").first).to_be_visible()
    assert page.get_by_role("button", name="Download as CSV").count() == 0
