"""ui.clinic_data, what the clinic page will call, run inside Streamlit (AppTest) over a copy of
the demo store: a commentary written, edited and read back with its history; a meeting recorded
with its actions; the previous clinic's actions first; every service at a glance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest


@pytest.fixture
def db(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setenv("QA_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def test_the_clinic_accessors_write_and_read_back(db: Path) -> None:
    def script():
        import datetime as dt

        import streamlit as st

        from qa_core.roles import Viewer
        from ui import clinic_data, data

        oct_, today = dt.date(2026, 10, 1), dt.date(2026, 11, 10)
        hos = Viewer("head_of_service", "assessment")
        first = clinic_data.write_commentary("S47_NO_ICPC", "assessment", oct_, "First thoughts", "Priya Jessop", hos)
        data.clear_caches()
        second = clinic_data.write_commentary(
            "S47_NO_ICPC", "assessment", oct_, "Checked: no change", "Priya Jessop", hos
        )
        data.clear_caches()
        history = clinic_data.commentary_history("S47_NO_ICPC", "assessment", oct_)
        current = clinic_data.service_commentary("assessment", oct_).set_index("code").loc["S47_NO_ICPC"]
        ids = clinic_data.record_meeting(
            {
                "service_id": "assessment",
                "clinic_month": oct_,
                "meeting_date": dt.date(2026, 11, 4),
                "chair": "Assistant Director",
                "attendees": ["Priya Jessop"],
                "apologies": [],
                "decisions": [],
            },
            [{"description": "Review the late assessments", "owner": "Priya Jessop"}],
            Viewer(),
            today,
        )
        data.clear_caches()
        actions = clinic_data.meeting_actions("assessment", oct_, Viewer(), today)
        summary = clinic_data.services_summary(oct_, today)
        points, changes = clinic_data.measure_points(
            data.service_series("CWD_REVIEWS", "disabilities", oct_), "up", 90.0, "CWD_REVIEWS", "disabilities"
        )
        st.session_state["out"] = dict(
            statuses=(first, second),
            versions=history["text"].tolist(),
            current=current["text"],
            new_action=actions.set_index("action_id").loc[ids[0], ["label", "agreed", "status"]].tolist(),
            first_agreed=actions["agreed"].iloc[0],
            meeting=clinic_data.meeting("assessment", oct_, Viewer())["chair"],
            services=len(summary),
            change=[(str(m.date()), r[:20]) for m, r in changes],
            baseline_mean_steps=points["mean"].iloc[21] != points["mean"].iloc[23],
        )

    app = AppTest.from_function(script, default_timeout=60).run()
    assert not app.exception
    out = app.session_state["out"]
    assert out["statuses"] == ("replaced", "replaced")  # the demo has commentary on every measure already
    assert out["versions"][:2] == ["Checked: no change", "First thoughts"] and len(out["versions"]) == 3
    assert out["current"] == "Checked: no change"
    assert out["new_action"] == ["October 2026 clinic, action 3", "this", "Open"]  # 2 demo actions already
    assert out["first_agreed"] == "previous" and out["meeting"] == "Assistant Director"
    assert out["services"] == 6
    assert out["change"] == [("2025-09-01", "Plan reviews moved t")] and out["baseline_mean_steps"]
