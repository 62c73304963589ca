"""The home page in a real browser: it renders the demo council, and changing the service
in the sidebar updates the page and the URL (a view is a link)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_home_renders_demo_council(page, app_url, screenshots):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Kestrel Vale Council: at a glance")).to_be_visible()
    expect(page.get_by_text("October 2026 · All services")).to_be_visible()
    # The p-chart has rendered (plotly draws an svg main layer).
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.get_by_text(re.compile(r"Inadequate audits: \d+% in October 2026")).first).to_be_visible()
    page.screenshot(path=str(screenshots / "home.png"), full_page=True)


def test_service_filter_is_bound_to_the_url(page, app_url, screenshots):
    # Bound widgets keep their displayed label in the URL: a readable, pasteable link.
    page.goto(app_url + "/?service=Assessment&month=June+2025")
    expect(page.get_by_text("June 2025 · Assessment")).to_be_visible()
    expect(page.get_by_role("heading", name="Measures this month")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").get_by_text(re.compile("in June 2025")).first).to_be_visible()
    page.screenshot(path=str(screenshots / "home-assessment-june-2025.png"), full_page=True)
    # Change the month through the sidebar: the URL follows.
    month = page.get_by_role("combobox", name="Month")
    month.click()
    month.fill("May 2025")  # the list is long and virtualised: filter it, as a user would
    page.get_by_role("option", name="May 2025").click()
    expect(page.get_by_text("May 2025 · Assessment")).to_be_visible()
    expect(page).to_have_url(re.compile(r"month=May(\+|%20)2025"))
    expect(page).to_have_url(re.compile(r"service=Assessment"))


def test_the_chart_library_is_fetched_though_no_chart_is_sent_and_takes_no_space(page, app_url):
    # The clinic's every-service view draws no chart, yet the chart code is fetched: the dashboard asks for it
    # first thing (ui.preload), so the browser runs it while the server works out the page.
    page.goto(app_url + "/clinic")
    expect(page.get_by_role("heading", name="Performance clinic")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"Open the .+ clinic")).first).to_be_visible()
    page.wait_for_function(
        "performance.getEntriesByType('resource').some(e => /\\/static\\/js\\/PlotlyChart\\.[^/]+\\.js$/.test(e.name))")
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)
    # The element carrying it is out of the layout: the page's title is the main area's first visible thing.
    holder = page.locator('[data-testid="stElementContainer"]:has(script[data-qa-preload])')
    expect(holder).to_have_count(1)
    expect(holder).to_be_hidden()
