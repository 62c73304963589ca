"""RAG at a glance in a real browser: the whole board from a link, then the exceptions only
with an area opened (its priorities, RAG history chart and narrative)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_board_from_a_link(page, app_url, screenshots):
    page.set_viewport_size({"width": 1440, "height": 1400})  # Streamlit scrolls inside: show the board whole
    page.goto(app_url + "/rag?month=2026-10")
    expect(page.get_by_role("heading", name="RAG at a glance")).to_be_visible()
    expect(page.get_by_text("the Service filter does not apply")).to_be_visible()
    expect(page.get_by_role("heading", name="All areas")).to_be_visible()
    board = page.get_by_test_id("stDataFrame").first
    expect(board).to_be_visible()
    expect(page.get_by_text("Current ratings of the 12 areas")).to_contain_text("Red: 4")
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.get_by_text(re.compile(r"Leadership and Stability: Red in October 2026")).first).to_be_visible()
    page.screenshot(path=str(screenshots / "rag-board.png"), full_page=True)


def test_exceptions_only_and_open_an_area(page, app_url, screenshots):
    page.set_viewport_size({"width": 1440, "height": 2700})  # the whole page in one screenshot
    page.goto(app_url + "/rag?month=2026-10")
    expect(page.get_by_role("heading", name="All areas")).to_be_visible()
    page.get_by_text(re.compile(r"^Exceptions only")).click()
    expect(page.get_by_role("heading", name="Exceptions")).to_be_visible()
    expect(page).to_have_url(re.compile(r"exceptions=true"))
    area = page.get_by_role("combobox", name="Area")
    area.click()
    area.fill("Care Le")
    page.get_by_role("option", name="Care Leavers").click()
    expect(page.get_by_role("heading", name="Care Leavers")).to_be_visible()
    expect(page).to_have_url(re.compile(r"area=Care(\+|%20)Leavers"))
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.get_by_text(re.compile(r"Care Leavers: Red in October 2026, down from Amber")).first).to_be_visible()
    expect(page.get_by_text("Key posts remain vacant pending recruitment")).to_be_visible()
    page.screenshot(path=str(screenshots / "rag-area-exceptions.png"), full_page=True)

    # The link reproduces the view: exceptions only, Care Leavers open.
    page.goto(page.url)
    expect(page.get_by_role("heading", name="Exceptions")).to_be_visible()
    expect(page.get_by_role("heading", name="Care Leavers")).to_be_visible()
