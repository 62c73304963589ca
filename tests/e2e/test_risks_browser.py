"""The risk-scores page in a real browser: open it from a link, read the heat map, switch
to gross scores, follow a link to the positional matrix for one service and pick a risk."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TALL = {"width": 1440, "height": 5000}  # the whole page in one screenshot
CHART_WAIT = 30_000  # plotly's script loads on each page visit: allow for a slow, shared machine


def test_risks_from_a_link_then_gross(page, app_url, screenshots):
    page.set_viewport_size(TALL)
    page.goto(app_url + "/risks?risk_quarter=2026%2F27+Q2")
    expect(page.get_by_role("heading", name="Risk scores")).to_be_visible()
    charts = page.get_by_test_id("stPlotlyChart")
    heatmap_title = re.compile(r"Residual scores, 2026\/27 Q2: \d+ of 15 risks in the High band \(15 or more\)")
    expect(charts.first.get_by_text(heatmap_title).first).to_be_visible(timeout=CHART_WAIT)
    expect(charts.first.get_by_text("CSR001").first).to_be_visible()  # references written in the cells
    expect(page.get_by_role("heading", name="High-scoring risks")).to_be_visible()
    expect(page.get_by_text("Reasons for the score").first).to_be_visible()
    expect(charts.nth(1).get_by_text(re.compile(r"CSR001: residual score 20 \(High\)")).first
           ).to_be_visible(timeout=CHART_WAIT)
    page.screenshot(path=str(screenshots / "risks-residual.png"), full_page=True)

    page.get_by_role("radiogroup", name="Scores on the heat map").get_by_role("radio", name="Gross").click()
    expect(charts.first.get_by_text(re.compile(r"Gross scores, 2026\/27 Q2: \d+ of 15 risks in the High band")).first
           ).to_be_visible(timeout=CHART_WAIT)
    expect(page).to_have_url(re.compile(r"risk_view=Gross"))
    page.screenshot(path=str(screenshots / "risks-gross.png"), full_page=True)


def test_positional_matrix_for_one_service_from_a_link(page, app_url, screenshots):
    page.set_viewport_size(TALL)
    page.goto(app_url + "/risks?service=Children+in+Care&risk_matrix=Positional+5x5")
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.first.get_by_text(
        re.compile(r"Residual scores, 2026\/27 Q2: \d+ of 2 risks in the High or Very high bands \(16 or more\)")).first
    ).to_be_visible(timeout=CHART_WAIT)
    expect(page.get_by_text(re.compile(r"The 2 risks held by Children in Care\."))).to_be_visible()
    risk = page.get_by_role("combobox", name="Risk", exact=True)
    risk.click()
    risk.fill("CSR004")
    page.get_by_role("option", name=re.compile(r"^CSR004:")).click()
    expect(charts.nth(1).get_by_text(re.compile(r"CSR004: residual score 19 \(High\)")).first
           ).to_be_visible(timeout=CHART_WAIT)
    expect(page).to_have_url(re.compile(r"risk_ref=CSR004"))
    page.screenshot(path=str(screenshots / "risks-positional.png"), full_page=True)
