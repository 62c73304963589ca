"""The clinic's numbers and its actions, on a private copy of the demo store."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.store import Store
from qa_core.views import clinic

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def rw_store(demo_db, tmp_path):
    path = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, path)
    with Store(path) as store:
        yield store


def test_header_counts_match_the_measures(store):
    measures = clinic.clinic_measures(store, "assessment", OCT)
    header = clinic.clinic_header(store, "assessment", OCT, measures)
    assert header["service"] == "Assessment"
    assert header["red"] + header["amber"] + header["green"] + header["no_target"] == len(measures)
    assert header["red"] == int((measures["rag"] == "Red").sum())
    # The demo plants a deterioration in assessment timeliness: the latest point is a concern.
    assess = measures[measures["code"] == "ASSESS_45WD"].iloc[0]
    assert assess["special_cause"] == "concern"
    assert header["special_cause_concern"] >= 1


def test_team_breakdown_sums_to_the_service_figure(store):
    measures = clinic.clinic_measures(store, "front_door", OCT)
    service = measures[measures["code"] == "CONTACT_24H"].iloc[0]
    teams = clinic.team_breakdown(store, "CONTACT_24H", "front_door", OCT)
    assert len(teams) == 4
    assert teams["numerator"].sum() == service["numerator"]
    assert teams["denominator"].sum() == service["denominator"]
    # Pooled value, not the mean of the team percentages.
    assert service["value"] == pytest.approx(teams["numerator"].sum() / teams["denominator"].sum() * 100)


def test_published_comparators_join_where_a_measure_has_one(store):
    measures = clinic.clinic_measures(store, "front_door", OCT).set_index("code")
    assert measures.loc["REREF_12M", "comparator_year"] == "2025"
    assert measures.loc["REREF_12M", "sn_count"] == 10
    england = store.scalar("SELECT value FROM comparator WHERE code = 'REREF_12M' AND period = '2025' "
                           "AND comparator = 'england'")
    assert measures.loc["REREF_12M", "england"] == england
    assert measures["england"].isna()["CONTACT_24H"]  # no published equivalent


def test_action_status_done_overdue_open(store):
    acts = clinic.actions(store, "front_door", OCT).set_index("action_id")
    # Demo: due 2026-10-05 and not done by the end of October → Overdue.
    assert acts.loc["CA-front_door-202608-1", "status"] == "Overdue"
    assert acts.loc["CA-front_door-202608-2", "status"] == "Done"
    assert acts.loc["CA-front_door-202610-1", "status"] == "Open"


def test_record_and_complete_an_action(rw_store):
    new_id = clinic.record_action(rw_store, {
        "service_id": "assessment", "clinic_month": OCT, "description": "  Review the late assessments ",
        "owner": "Head of Assessment", "due_date": dt.date(2026, 11, 30), "code": "ASSESS_45WD"})
    acts = clinic.actions(rw_store, "assessment", OCT).set_index("action_id")
    assert acts.loc[new_id, "description"] == "Review the late assessments"
    assert acts.loc[new_id, "status"] == "Open"
    clinic.complete_action(rw_store, new_id, dt.date(2026, 10, 28))
    assert clinic.actions(rw_store, "assessment", OCT).set_index("action_id").loc[new_id, "status"] == "Done"
    with pytest.raises(QAError, match="already marked done"):
        clinic.complete_action(rw_store, new_id, dt.date(2026, 10, 29))


@pytest.mark.parametrize("change, message", [
    ({"description": ""}, "description"),
    ({"owner": "   "}, "owner"),
    ({"due_date": dt.date(2026, 9, 1)}, "before the clinic month"),
    ({"service_id": "nowhere"}, "no service"),
    ({"code": "NOPE"}, "no measure"),
])
def test_bad_actions_are_refused_and_nothing_is_written(rw_store, change, message):
    before = rw_store.scalar("SELECT count(*) FROM clinic_action")
    action = {"service_id": "assessment", "clinic_month": OCT, "description": "Do a thing",
              "owner": "Someone", "due_date": dt.date(2026, 11, 30), "code": None, **change}
    with pytest.raises(QAError, match=message):
        clinic.record_action(rw_store, action)
    assert rw_store.scalar("SELECT count(*) FROM clinic_action") == before


def test_report_clinic_prints_what_the_page_shows(demo_db, store, capsys):
    import json

    from qa_core.__main__ import main

    assert main(["report", "clinic", "--db", str(demo_db), "--service", "assessment",
                 "--month", "2026-10", "--format", "json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    measures = clinic.clinic_measures(store, "assessment", OCT).set_index("code")
    assert set(rows) == set(measures.index)
    row = rows["ASSESS_45WD"]
    assert row["numerator"] == measures.loc["ASSESS_45WD", "numerator"]
    assert row["value"] == pytest.approx(row["numerator"] / row["denominator"] * 100, abs=0.01)
    assert row["rag"] == measures.loc["ASSESS_45WD", "rag"]
    assert row["special_cause"] == "concern"


def test_report_clinic_needs_a_known_service(demo_db, capsys):
    from qa_core.__main__ import main

    assert main(["report", "clinic", "--db", str(demo_db)]) == 1
    assert "needs --service" in capsys.readouterr().err
    assert main(["report", "clinic", "--db", str(demo_db), "--service", "nowhere"]) == 1
    assert "no service 'nowhere'" in capsys.readouterr().err


# -- who sees what ------------------------------------------------------------------------------

def test_action_owners_are_withheld_from_viewers_without_the_service(store):
    from qa_core.roles import Viewer

    full = clinic.actions(store, "assessment", OCT)
    assert not full.empty and (full["owner"] != "withheld").all()
    for viewer, shown in [(Viewer(), True), (Viewer("qa_lead"), True),
                          (Viewer("head_of_service", "assessment"), True),
                          (Viewer("head_of_service", "cp_court"), False),
                          (Viewer("team_manager", "assessment_01", scope_service="assessment"), False)]:
        seen = clinic.actions(store, "assessment", OCT, viewer)
        # Same actions, same what/status/due; only the owner differs.
        assert seen["action_id"].tolist() == full["action_id"].tolist()
        assert seen["status"].tolist() == full["status"].tolist()
        assert (seen["owner"].tolist() == full["owner"].tolist()) if shown else (seen["owner"] == "withheld").all()


def test_team_managers_names_only_for_the_teams_the_viewer_sees(store):
    from qa_core.roles import Viewer

    teams = clinic.team_breakdown(store, "ASSESS_45WD", "assessment", OCT,
                                  Viewer("team_manager", "assessment_01", scope_service="assessment"))
    named = teams.set_index("team_id")["manager"]
    assert named["assessment_01"] == "Leah Carrow"
    assert named.drop("assessment_01").isna().all()
    assert clinic.team_breakdown(store, "ASSESS_45WD", "assessment", OCT)["manager"].notna().all()


def test_only_the_ad_and_the_services_head_record_and_close_actions(rw_store):
    from qa_core.roles import AccessDenied, Viewer

    assert clinic.may_manage_actions(None, "assessment") and clinic.may_manage_actions(Viewer(), "assessment")
    assert clinic.may_manage_actions(Viewer("head_of_service", "assessment"), "assessment")
    assert not clinic.may_manage_actions(Viewer("head_of_service", "cp_court"), "assessment")
    assert not clinic.may_manage_actions(Viewer("qa_lead"), "assessment")
    assert not clinic.may_manage_actions(Viewer("team_manager", "assessment_01"), "assessment")
    new = {"service_id": "assessment", "clinic_month": OCT, "description": "Review the late assessments",
           "owner": "Priya Jessop", "due_date": dt.date(2026, 11, 30)}
    before = rw_store.scalar("SELECT count(*) FROM clinic_action")
    for viewer in (Viewer("qa_lead"), Viewer("head_of_service", "cp_court"), Viewer("scrutiny")):
        with pytest.raises(AccessDenied, match="not saved"):
            clinic.record_action(rw_store, new, viewer)
    assert rw_store.scalar("SELECT count(*) FROM clinic_action") == before  # nothing written
    action_id = clinic.record_action(rw_store, new, Viewer("head_of_service", "assessment"))
    with pytest.raises(AccessDenied):
        clinic.complete_action(rw_store, action_id, dt.date(2026, 11, 2), Viewer("team_manager", "assessment_01"))
    clinic.complete_action(rw_store, action_id, dt.date(2026, 11, 2), Viewer("head_of_service", "assessment"))
    done = rw_store.query("SELECT completed_date FROM clinic_action WHERE action_id = ?", [action_id])
    assert done["completed_date"].iloc[0] == pd.Timestamp(2026, 11, 2)


def test_measure_points_is_the_xmr_chart_of_the_series_for_its_polarity():
    from qa_core.rules.spc import xmr

    # 12 months alternating 10, 12 then a spike of 24: above the upper limit (20.22, worked in
    # tests/unit/test_spc.py); a concern for a lower-is-better measure, an improvement when higher is better.
    series = pd.DataFrame({"period": pd.date_range("2025-11-01", periods=12, freq="MS").date,
                           "value": [10, 12] * 5 + [10, 24]})
    down = clinic.measure_points(series, "down", 15.0)
    assert list(down["period"]) == list(pd.to_datetime(series["period"]))
    expected = pd.DataFrame(xmr(series["value"].tolist(), improvement="down", target=15.0))
    pd.testing.assert_frame_equal(down.drop(columns="period"), expected)
    assert down["special_cause"].iloc[-1] == "concern"
    assert clinic.measure_points(series, "up", None)["special_cause"].iloc[-1] == "improvement"
    assert clinic.measure_points(series, "neither", None)["special_cause"].iloc[-1] == "neutral"
