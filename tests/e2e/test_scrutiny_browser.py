"""The scrutiny report card in a real browser: open it from a link for a quarter, change the
quarter with the selector (the URL follows), and see the headline, trend charts and summary."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
SLOW = 30_000  # ms: the first render opens the store and draws 8 charts on a shared 2-core machine


def heading(page, quarter_label: str):
    return page.get_by_role("heading", name=re.compile(f"report card, {quarter_label}"))


def whole_page_screenshot(page, path) -> None:
    """Streamlit scrolls inside its main section, so a full-page screenshot alone shows one
    screen: grow the viewport to the content's height first, then put it back."""
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight, ...Array.from(document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stMainBlockContainer]'))"
        ".map(e => e.scrollHeight))")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 12_000)})
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(10, timeout=SLOW)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def test_scrutiny_latest_quarter_then_choose_another(page, app_url, screenshots):
    page.goto(app_url + "/scrutiny")
    expect(heading(page, r"2026\/27 Q2 \(July to September 2026\)")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text(re.compile(r"In 2026\/27 Q2 \(July to September 2026\), [\d.]+% of assessments "
                                       r"\(\d+ of \d+\)"))).to_be_visible()
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(10, timeout=SLOW)
    expect(charts.first.get_by_text(re.compile(r"% in 2026\/27 Q2")).first).to_be_visible()
    expect(page.get_by_role("heading", name="Summary")).to_be_visible()
    expect(page.get_by_text("Service and Month filters do not apply", exact=False)).to_be_visible()
    whole_page_screenshot(page, screenshots / "scrutiny-2026-27-Q2.png")

    # The main interaction: another quarter. The URL carries the choice (a view is a link).
    quarter = page.get_by_role("combobox", name="Quarter")
    quarter.click()
    quarter.fill("2025/26 Q2")
    page.get_by_role("option", name="2025/26 Q2 (July to September 2025)").click()
    expect(heading(page, r"2025\/26 Q2 \(July to September 2025\)")).to_be_visible(timeout=SLOW)
    expect(page).to_have_url(re.compile(r"quarter=2025(%2F|/)26(\+|%20)Q2"))
    expect(charts.first.get_by_text(re.compile(r"% in 2025\/26 Q2")).first).to_be_visible()


def test_scrutiny_opens_from_a_link_for_the_earliest_quarter(page, app_url, screenshots):
    page.goto(app_url + "/scrutiny?quarter=2023%2F24+Q4+(January+to+March+2024)")
    expect(heading(page, r"2023\/24 Q4 \(January to March 2024\)")).to_be_visible(timeout=SLOW)
    expect(page.get_by_text(re.compile(r"In 2023\/24 Q4 \(January to March 2024\), [\d.]+% of referrals"))
           ).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(10, timeout=SLOW)
    whole_page_screenshot(page, screenshots / "scrutiny-2023-24-Q4.png")


def test_a_measures_numbers_table_appears_when_opened(page, app_url):
    """Each measure's numbers are drawn when its expander is opened (issue 14): in the browser,
    opening one shows that table and its download, and closing it again keeps the page whole."""
    page.goto(app_url + "/scrutiny")
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(10, timeout=SLOW)
    downloads = page.get_by_role("button", name="Download these numbers (CSV)")
    expect(downloads).to_have_count(0)
    page.get_by_text(re.compile(r"^Show the numbers for ")).nth(1).click()
    expect(downloads).to_have_count(1, timeout=SLOW)
    expect(page.get_by_test_id("stExpander").nth(1).get_by_test_id("stDataFrame")).to_be_visible(timeout=SLOW)
    expect(heading(page, r"2026\/27 Q2 \(July to September 2026\)")).to_be_visible()
