"""Large type on a projector (issue 15): the clinic at 1280 by 720 and 1920 by 1080 with the
sidebar's Large type switch on (bound to the address: ``large=true``). Nothing scrolls sideways,
the measures table ends inside the window, chart axis text is 18 px or more, headings keep their
words whole, and a table drawn before the switch is turned on is drawn again in large type.
The screenshots are for a person to look at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import whole_page_screenshot
from tests.e2e.test_accessibility import settle

pytestmark = pytest.mark.e2e

CLINIC = "/clinic?service=Assessment"
#: Everything in the main block that is wider than its box and may scroll (a grid's scroller too).
_SIDEWAYS = """() => {
  const se = document.scrollingElement, main = document.querySelector('[data-testid=stMain]');
  const over = Array.from(main.querySelectorAll('*')).filter(e => e.clientWidth > 20
      && e.scrollWidth > e.clientWidth + 1 && !['visible', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX))
    .map(e => `${e.closest('[data-testid]')?.dataset.testid}: ${e.scrollWidth} > ${e.clientWidth}`);
  return {page: [se.scrollWidth, se.clientWidth], main: [main.scrollWidth, main.clientWidth], over};
}"""
_TICKS = """() => Array.from(document.querySelectorAll('[data-testid=stPlotlyChart] .xtick text, '
  + '[data-testid=stPlotlyChart] .ytick text')).map(t => parseFloat(getComputedStyle(t).fontSize))"""
_HEADINGS = """() => Array.from(document.querySelectorAll('[data-testid=stMain] h1, [data-testid=stMain] h2, '
  + '[data-testid=stMain] h3')).map(h => {
    const s = getComputedStyle(h);
    return {text: h.textContent, wordBreak: s.wordBreak, overflowWrap: s.overflowWrap,
            wide: h.scrollWidth > h.clientWidth + 1};
  })"""
#: The first table's height: its grid sizes rows (and their text) by the page's text size when it is
#: drawn, and draws on a canvas, so the rows' height is what a test can read.
_GRID_HEIGHT = "() => document.querySelector('[data-testid=stDataFrame]')?.getBoundingClientRect().height ?? 0"


def _open_large(page: Page, base: str) -> None:
    page.goto(base + CLINIC + "&large=true")
    expect(page.get_by_role("heading", name="Measures")).to_be_visible()
    settle(page)


@pytest.fixture(params=[(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def screen(browser, request):
    context = browser.new_context(viewport={"width": request.param[0], "height": request.param[1]})
    yield context.new_page(), f"{request.param[0]}x{request.param[1]}"
    context.close()


def test_the_clinic_in_large_type_fits_the_screen(screen, app_url, screenshots):
    page, size = screen
    _open_large(page, app_url)
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "22px"
    width = page.viewport_size["width"]
    table = page.get_by_test_id("stDataFrame").first.bounding_box()
    assert table["x"] + table["width"] <= width, f"{size}: the measures table ends at {table}, past {width}"
    ticks = page.evaluate(_TICKS)
    assert ticks and min(ticks) >= 18, f"{size}: chart axis text {sorted(set(ticks))} px"
    for heading in page.evaluate(_HEADINGS):
        assert heading["wordBreak"] == "keep-all" and heading["overflowWrap"] == "normal", heading
        assert not heading["wide"], f"{size}: heading wider than its box: {heading['text']}"
    page.screenshot(path=str(screenshots / f"large-type-clinic-{size}-first-screen.png"))
    page.get_by_test_id("stPlotlyChart").first.screenshot(path=str(screenshots / f"large-type-clinic-chart-{size}.png"))
    whole_page_screenshot(page, screenshots / f"large-type-clinic-{size}.png")
    sideways = page.evaluate(_SIDEWAYS)
    assert sideways["page"][0] <= sideways["page"][1] and sideways["main"][0] <= sideways["main"][1], sideways


def test_no_clinic_table_scrolls_sideways_in_large_type(screen, app_url):
    page, size = screen
    _open_large(page, app_url)
    sideways = page.evaluate(_SIDEWAYS)
    assert not sideways["over"], f"{size}: these scroll sideways: {sideways['over']}"


def test_turning_large_type_on_redraws_the_tables(projector_page, app_url):
    projector_page.goto(app_url + CLINIC)
    expect(projector_page.get_by_role("heading", name="Measures")).to_be_visible()
    settle(projector_page)
    normal = projector_page.evaluate(_GRID_HEIGHT)
    projector_page.get_by_text("Large type (projector)").click()
    expect(projector_page).to_have_url(re.compile(r"large=true"))
    # The rows grow with the text (22 / 16 = 1.375 times); a table left as drawn would stay as it was.
    projector_page.wait_for_function(f"() => ({_GRID_HEIGHT})() > {normal} * 1.3")
    settle(projector_page)
    assert projector_page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "22px"


@pytest.fixture
def projector_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    yield context.new_page()
    context.close()
