"""The Audit grades page in a real browser: opened from links (council, then one service in
another month), the funnel reached through its tab, the comparison switched to teams, and the
URL following each choice (a view is a link)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
CHART = 30_000  # ms: plotly draws after the page; the machine is shared, so allow time


def _whole_page(page) -> None:
    """Streamlit scrolls inside its main block, so a full-page screenshot stops at the viewport:
    make the viewport as tall as the content first."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": int(height) + 40})


def test_council_funnel_from_a_link_then_compare_teams(page, app_url, screenshots):
    page.goto(app_url + "/audits?audit_tab=Against+the+10%25+target")
    expect(page.get_by_role("heading", name="Audit grades")).to_be_visible()
    expect(page.get_by_text("October 2026 · All services")).to_be_visible()
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.get_by_text(re.compile(r"services? (above|within|below) .*November 2025 to October 2026")).first
           ).to_be_visible(timeout=CHART)
    expect(page.get_by_role("heading", name=re.compile("Services against the target"))).to_be_visible()
    # Switch the comparison to teams: the URL follows, and every team is labelled on the funnel.
    page.get_by_text("Teams across the council").click()
    expect(page).to_have_url(re.compile(r"audit_compare=Teams"))
    expect(page.get_by_role("heading", name=re.compile("Teams against the target"))).to_be_visible()
    expect(chart.get_by_text(re.compile(r"^Assessment North \(\d+%, \d+\)$")).first).to_be_visible(timeout=CHART)
    expect(chart.get_by_text(re.compile(r"of 24 teams|All 24 teams|No team above")).first).to_be_visible(timeout=CHART)
    _whole_page(page)
    expect(chart.get_by_text(re.compile(r"^Assessment North \(\d+%, \d+\)$")).first).to_be_visible(timeout=CHART)
    page.screenshot(path=str(screenshots / "audits-council.png"), full_page=True)


def test_one_service_in_another_month_with_a_shorter_period(page, app_url, screenshots):
    page.goto(app_url + "/audits?service=Assessment&month=June+2025")
    expect(page.get_by_text("June 2025 · Assessment")).to_be_visible()
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.get_by_text(re.compile(r"of audits were Inadequate in June 2025 \(\d+ of \d+\)")).first
           ).to_be_visible(timeout=CHART)
    # A shorter period for comparisons, chosen as a user would; then the funnel of the service's teams.
    period = page.get_by_role("combobox", name="Period for comparisons")
    period.click()
    page.get_by_role("option", name="3 months to the month").click()
    expect(page).to_have_url(re.compile(r"audit_window=3"))
    page.get_by_role("tab", name="Against the 10% target").click()
    expect(page).to_have_url(re.compile(r"audit_tab=Against"))
    funnel_title = re.compile(r"^(All \d+ teams|\d+ of \d+ teams|No team) .*April 2025 to June 2025")
    expect(page.get_by_test_id("stPlotlyChart").get_by_text(funnel_title).first).to_be_visible(timeout=CHART)
    expect(page.get_by_role("heading", name="Teams against the target, April 2025 to June 2025")).to_be_visible()
    _whole_page(page)
    expect(page.get_by_test_id("stPlotlyChart").get_by_text(funnel_title).first).to_be_visible(timeout=CHART)
    page.screenshot(path=str(screenshots / "audits-service.png"), full_page=True)
