"""The demo council's clinic records (qa_core.demo.clinic_data): commentary with an edit kept in
its history, one recorded process change where its series steps, past meetings with actions."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.rules.spc import xmr
from qa_core.store import Store, queries
from qa_core.views import baselines, clinic, clinic_meeting, clinic_summary, commentary

OCT, SEP = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
TODAY = dt.date(2026, 11, 10)


def test_commentary_differs_by_measure_and_keeps_its_edits(store: Store) -> None:
    october = store.query("SELECT text FROM commentary WHERE period = ?", [OCT])["text"]
    assert october.nunique() >= 5  # not one sentence repeated for every measure
    history = commentary.commentary_history(store, "ASSESS_45WD", "assessment", OCT)
    assert history["version"].tolist() == [2, 1] and (history["author"] == "Priya Jessop").all()
    current = commentary.current_commentary(store, "ASSESS_45WD", "assessment", OCT)
    assert current["text"].item() == history["text"].iloc[0]
    assert current["text"].item().startswith("Figures checked with team managers: the fall in assessments")
    # Every current text is the latest version of its history.
    latest = store.query(
        "SELECT code, period, org_id, last(text ORDER BY edit_id) AS text FROM commentary_edit "
        "GROUP BY ALL ORDER BY ALL"
    )
    held = store.query("SELECT code, period, org_id, text FROM commentary ORDER BY ALL")
    pd.testing.assert_frame_equal(latest, held)


def test_the_recorded_process_change_resets_the_limits_where_the_series_steps(store: Store) -> None:
    changes = baselines.process_changes(store, "CWD_REVIEWS", "disabilities")
    assert changes["month"].tolist() == [dt.date(2025, 9, 1)]
    assert "disability hub" in changes["reason"].item()
    row = clinic.clinic_report(store, "disabilities", OCT).set_index("code").loc["CWD_REVIEWS"]
    assert row["baseline_month"] == "2025-09" and row["variation_icon"] == "common_cause"
    # Without the recorded change the step (+8 points from September 2025) is a special cause.
    series = queries.indicator_series(store, "CWD_REVIEWS", "service", "disabilities")
    unrecorded = xmr(series["value"].tolist(), improvement="up", baseline=12)
    assert unrecorded[-1]["special_cause"] == "improvement"


def test_past_meetings_start_the_october_clinic_from_septembers_actions(store: Store) -> None:
    september = clinic_meeting.meeting(store, "assessment", SEP)
    assert september["meeting_date"] == dt.date(2026, 9, 21) and september["chair"] == "Assistant Director"
    assert september["attendees"][0] == "Priya Jessop" and september["apology_count"] == 1
    assert clinic_meeting.meeting(store, "assessment", OCT) is None  # October's is for the user to record
    actions = clinic_meeting.meeting_actions(store, "assessment", OCT, today=TODAY)
    assert actions["agreed"].tolist()[:2] == ["previous", "previous"]
    assert actions["label"].tolist()[:2] == ["September 2026 clinic, action 1", "September 2026 clinic, action 2"]
    summary = clinic_summary.services_summary(store, OCT, today=TODAY)
    assert len(summary) == 6 and (summary["last_meeting"] == dt.date(2026, 9, 21)).all()
    assert summary["overdue_actions"].sum() > 0
