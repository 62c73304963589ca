"""Benchmarks in a real browser: open Stockport from a link, switch to Cumberland by typing in
the local authority box, and see the neighbour chart with a suppressed neighbour listed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import whole_page_screenshot

pytestmark = pytest.mark.e2e


def test_benchmarks_from_a_link_then_switch_la(page, app_url, screenshots):
    page.goto(app_url + "/benchmarks?la=Stockport+%28North+West%29&year=2024")
    expect(page.get_by_role("heading", name="Stockport, 2024: every published measure")).to_be_visible()
    expect(page.get_by_text("Kestrel Vale Council is fictional; its published comparisons use Stockport's figures")
           ).to_be_visible()
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.get_by_text(re.compile(r"Stockport 20\.9%")).first).to_be_visible()
    whole_page_screenshot(page, screenshots / "benchmarks-stockport.png")

    la = page.get_by_role("combobox", name="Local authority")
    la.click()
    la.fill("Cumberl")
    page.get_by_role("option", name="Cumberland (North West)").click()
    expect(page.get_by_role("heading", name="Cumberland, 2024: every published measure")).to_be_visible()
    expect(page).to_have_url(re.compile(r"la=Cumberland"))
    expect(page.get_by_text("Kestrel Vale Council is fictional")).to_have_count(0)
    expect(charts.get_by_text("Cumberland (selected)").first).to_be_visible()  # the rerun has finished

    measure = page.get_by_role("combobox", name="Measure", exact=True)
    measure.click()
    measure.fill("Re-referrals within 12")
    page.get_by_role("option", name="Re-referrals within 12 months of a previous referral").click()
    expect(page.get_by_text("Herefordshire, County of: u (low reliability)")).to_be_visible()
    expect(charts.get_by_text("Cumberland (selected)").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"bm_measure="))
    whole_page_screenshot(page, screenshots / "benchmarks-cumberland-neighbours.png")
