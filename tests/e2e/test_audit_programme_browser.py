"""The escalation record in a real browser, on a private copy of the demo council (this test writes): the QA
lead opens Audit grades, sees the escalations not done in time flagged as overdue, and records one as told;
the overdue count falls by one and the page says what was recorded. Then the Tier 2 allocation tab."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qa_core.store import Store
from qa_core.views import audit_programme
from tests.e2e.conftest import streamlit_server, whole_page_screenshot
from tests.e2e.test_accessibility import open_page, pick_role, settle, settle_after_rerun, watch_runs

pytestmark = pytest.mark.e2e


def _metric(page, label: str):
    return (
        page.get_by_test_id("stMetric")
        .filter(has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True))
        .get_by_test_id("stMetricValue")
    )


def test_qa_lead_records_an_overdue_escalation(browser, demo_db: Path, tmp_path: Path, screenshots) -> None:
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db, read_only=True) as store:
        overdue = audit_programme.escalation_counts(store, dt.date(2026, 10, 1))["Overdue"]
    assert overdue > 0
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        with streamlit_server(db) as url:
            page.goto(url)
            settle(page)
            pick_role(page, "qa_lead")
            open_page(page, "qa_lead", "audits")
            watch_runs(page)
            page.get_by_role("tab", name="Escalation record").click()
            settle_after_rerun(page)
            expect(page).to_have_url(re.compile(r"audit_tab=Escalation"))
            expect(_metric(page, "Overdue")).to_have_text(str(overdue))
            expect(page.get_by_text(re.compile(r"not recorded as told by 31 October 2026"))).to_be_visible()
            # The form lists the escalations not yet recorded, overdue first: record the first as told.
            form = page.get_by_test_id("stForm")
            expect(form.get_by_text("Record that someone was told")).to_be_visible()
            chosen = form.get_by_role("combobox", name="Escalation").input_value()
            audit_id = chosen.split(" ", 1)[0]
            form.get_by_role("textbox", name=re.compile("Name of the person told")).fill("Told In Browser")
            watch_runs(page)
            form.get_by_role("button", name="Record as told").click()
            settle_after_rerun(page)
            expect(
                page.get_by_text(
                    re.compile(
                        rf"Recorded: the .* was told of {re.escape(audit_id)} on 31 October "
                        r"2026\."
                    )
                )
            ).to_be_visible()
            expect(_metric(page, "Overdue")).to_have_text(str(overdue - 1))
            expect(_metric(page, "Told late")).to_be_visible()
            whole_page_screenshot(page, screenshots / "audits-escalation-record.png")
            # The Tier 2 allocation: who was given which case, and whether it was audited.
            watch_runs(page)
            page.get_by_role("tab", name="Tier 2 allocation").click()
            settle_after_rerun(page)
            expect(
                page.get_by_text(
                    re.compile(
                        r"6 of 6 heads of service were allocated a case for October 2026; "
                        r"\d of those cases were audited"
                    )
                )
            ).to_be_visible()
    finally:
        context.close()
    with Store(db, read_only=True) as store:  # the server has stopped: the record is in the store
        held = store.query(
            "SELECT recorded_by FROM audit_escalation WHERE audit_id = ? AND told_name = ?",
            [audit_id, "Told In Browser"],
        )
    assert held["recorded_by"].tolist() == ["QA lead"]
