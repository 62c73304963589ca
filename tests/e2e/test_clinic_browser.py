"""The performance clinic in a real browser: open it for a service from a link, pick a
measure, and see its chart and team breakdown."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import settle

pytestmark = pytest.mark.e2e


def test_clinic_from_a_link_and_select_a_measure(page, app_url, screenshots):
    page.goto(app_url + "/clinic?service=Assessment")
    expect(page.get_by_role("heading", name="Assessment: October 2026")).to_be_visible()
    settle(page)  # the page still drawing can move the list's options under the table as they are clicked
    measure = page.get_by_role("combobox", name="Measure to discuss")
    measure.click()
    measure.fill("Assessments completed within 45")
    page.get_by_role("option", name="Assessments completed within 45 working days").click()
    chart = page.get_by_test_id("stPlotlyChart")
    expect(
        chart.get_by_text(re.compile(r"Assessments completed within 45 working days: [\d.]+% in October")).first
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Teams this month")).to_be_visible()
    expect(page.get_by_role("heading", name="Actions")).to_be_visible()
    expect(page).to_have_url(re.compile(r"measure="))
    page.screenshot(path=str(screenshots / "clinic-assessment.png"), full_page=True)
