"""Team profiles in a real browser: a Head of Service opens their service's teams from a link,
reads the small multiples, picks a team and downloads its printable profile."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from qa_core.rules import disclosure

pytestmark = pytest.mark.e2e
WAIT = 30_000  # ms: the first render (and each rerun) can be slow on a busy machine


def _full_height(page) -> None:
    """Streamlit scrolls inside its own container, so a full-page screenshot needs a tall window."""
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(int(height) + 100, 12000)})


def test_small_multiples_from_a_link(page, app_url, screenshots):
    page.goto(app_url + "/teams?service=Assessment")
    expect(page.get_by_role("heading", name="Assessment: October 2026")).to_be_visible(timeout=WAIT)
    expect(page.get_by_role("heading", name="Teams side by side")).to_be_visible(timeout=WAIT)
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts.first.get_by_text(re.compile(r"4 teams in October 2026: \d+ Red")).first).to_be_visible(timeout=WAIT)
    expect(charts.first.get_by_text("Assessment North").first).to_be_visible(timeout=WAIT)
    _full_height(page)
    sickness = charts.filter(has_text="Sickness days per employee (rolling 12 months)")
    expect(sickness.get_by_text(re.compile(r"4 teams in October 2026: \d+ Red"))).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Target 85%")).to_be_visible(timeout=WAIT)
    page.screenshot(path=str(screenshots / "teams-small-multiples.png"), full_page=True)


def test_pick_a_team_and_download_its_printable_profile(page, app_url, screenshots, tmp_path):
    page.goto(app_url + "/teams?service=Children+in+Care&team=Permanence")
    expect(page.get_by_role("heading", name="Permanence: October 2026")).to_be_visible(timeout=WAIT)
    team = page.get_by_role("combobox", name="Team")
    team.click()
    team.fill("Fostering")
    page.get_by_role("option", name="Fostering Support").click()
    expect(page.get_by_role("heading", name="Fostering Support: October 2026")).to_be_visible(timeout=WAIT)
    expect(page).to_have_url(re.compile(r"team=Fostering"), timeout=WAIT)
    expect(page.get_by_role("heading", name="Case-file audits")).to_be_visible(timeout=WAIT)
    _full_height(page)
    grades = page.get_by_text(re.compile(r"audits of Fostering Support cases were Inadequate")).first
    expect(grades).to_be_visible(timeout=WAIT)
    page.screenshot(path=str(screenshots / "teams-profile.png"), full_page=True)

    # The run that drew this team must have finished: a download button from a run still in progress
    # can be replaced, its file gone, before the click reaches it (seen once in the whole suite).
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=WAIT)
    expect(page.locator("[data-testid=stElementContainer][data-stale=true]")).to_have_count(0, timeout=WAIT)
    with page.expect_download(timeout=WAIT) as download:
        page.get_by_role("button", name="Download printable profile for the notice board (A4, HTML)").click()
    saved = tmp_path / "profile.html"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert download.value.suggested_filename == "team-profile-children_in_care_04-2026-10-notice-board.html"
    assert "Fostering Support: team profile" in text and "Kestrel Vale Council" in text
    assert "For the notice board" in text and disclosure.NOTE in text  # the disclosure-controlled version
    assert "@media print" in text
    # The downloaded page itself, as it prints.
    printable = page.context.new_page()
    printable.goto(saved.as_uri())
    printable.emulate_media(media="print")
    expect(printable.get_by_role("heading", name="Fostering Support: team profile")).to_be_visible(timeout=WAIT)
    printable.screenshot(path=str(screenshots / "teams-profile-printable.png"), full_page=True)
