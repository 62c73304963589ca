"""The Audit grades page on the demo council, checked against ``qa_core.views.audit_grades`` and plain
SQL on the store: October 2026 and June 2025, council and one service, every tab, each choice
(period, comparison level, completion view, interval toggle, every-grade toggle), the earliest
month, and a council whose store holds no audits at all."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from qa_core.store import Store
from qa_core.views import audit_grades as ar
from tests.pages.conftest import app_over, open_page, open_tables, sign_in, walk_elements

OCT = dt.date(2026, 10, 1)
JUNE_2025 = dt.date(2025, 6, 1)
TABS = ["Grades by month", "Against the 10% target", "Areas behind Inadequate", "Completion", "Moderation",
        "Overdue audit actions", "Escalations due", "Tools and areas", "Thematic audits", "Escalation record",
        "Auditors", "Tier 2 allocation"]


def _open(app: AppTest, tab: str | None = None, **state: object) -> AppTest:
    return open_page(app, "audits", audit_tab=tab, **state)


def _charts(app: AppTest) -> list[dict]:
    """The plotly figures on the page, as their JSON specs."""
    return [json.loads(e.proto.spec) for e in walk_elements(app.main)
            if type(e).__name__ == "UnknownElement" and getattr(e, "type", "") == "plotly_chart"]


def _titles(app: AppTest) -> list[str]:
    return [c["layout"]["title"]["text"] for c in _charts(app)]


def _text(app: AppTest) -> str:
    return "\n".join(str(m.value) for m in [*app.markdown, *app.caption, *app.info])


def _table(app: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if column in d.value.columns)


@pytest.fixture
def demo(demo_db):
    with Store(demo_db, read_only=True) as store:
        yield store


# ------------------------------------------------------------------------------------------
# The headline and the first tab
# ------------------------------------------------------------------------------------------


def test_council_headline_for_october_2026(app, demo):
    _open(app)
    assert app.title[0].value == "Audit grades"
    assert app.caption[0].value.startswith("October 2026 · All services")
    month = ar.monthly_grades(demo, OCT).iloc[-1]
    done = ar.audit_completion(demo, OCT, by="all").iloc[0]
    moderation = ar.moderation(demo, OCT, window=12).iloc[0]
    overdue = ar.overdue_actions(demo, OCT)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Inadequate"] == f"{month['pct_inadequate']:.1f}%"
    assert metrics["Good or better"] == f"{month['pct_good_or_better']:.1f}%"
    assert metrics["Completed"] == f"{done['pct_complete']:.1f}%"
    assert metrics["Moderation agreement"] == f"{moderation['pct_agreement']:.1f}%"
    assert metrics["Overdue audit actions"] == f"{len(overdue):,}"
    text = _text(app)
    assert f"{int(month['inadequate'])} of {int(month['total'])} audits; 95% interval" in text
    assert f"{int(done['done'])} of {int(done['expected'])} expected" in text
    assert f"{int(moderation['agreed'])} of {int(moderation['moderated'])} moderated grades kept" in text
    assert [t.label for t in app.tabs] == TABS


def test_grades_tab_shows_counts_and_the_p_chart(app, demo):
    open_tables(_open(app))
    month = ar.monthly_grades(demo, OCT)
    last = month.iloc[-1]
    titles = _titles(app)
    assert titles[0] == (f"October 2026: {int(last['total'])} audits graded: {int(last['outstanding'])} Outstanding, "
                         f"{int(last['good'])} Good, {int(last['requires_improvement'])} Requires Improvement, "
                         f"{int(last['inadequate'])} Inadequate")
    assert titles[1].startswith(f"{last['pct_inadequate']:.1f}% of audits were Inadequate in October 2026 "
                                f"({int(last['inadequate'])} of {int(last['total'])}), against the 10% target")
    p_chart = _charts(app)[1]
    names = {trace.get("name") for trace in p_chart["data"]}
    assert {"Process limits", "Target: no more than 10%", "2-sigma band"} <= names
    assert "95% interval (Wilson)" not in names
    table = _table(app, "Centre line %")
    assert len(table) == 36
    assert table["Audits"].tolist() == month["total"].tolist()
    assert table["Inadequate"].iloc[-1] == int(last["inadequate"])
    assert table["Against the 10% target"].iloc[-1] == last["assessment"]
    assert "Variation:" in _text(app) and "Assurance:" in _text(app)


def test_interval_toggle_adds_wilson_bars(app):
    _open(app)
    app.toggle(key="audit_show_ci").set_value(True).run()
    assert not app.exception
    p_chart = _charts(app)[1]
    bars = [t for t in p_chart["data"] if t.get("name") == "95% interval (Wilson)"]
    assert bars and "error_y" in bars[0]


# ------------------------------------------------------------------------------------------
# Funnel
# ------------------------------------------------------------------------------------------


def test_funnel_compares_services_then_teams(app, demo):
    _open(app, tab="Against the 10% target")
    services = ar.funnel(demo, OCT, window=12)
    table = _table(app, "Position in the funnel")
    assert table["Service"].tolist() == services["name"].tolist()  # organisation order, not ranked
    assert table["Audits"].tolist() == services["total"].tolist()
    assert table["Against the 10% target"].tolist() == services["assessment"].tolist()
    above = int(services["position"].str.startswith("above").sum())
    title = _titles(app)[0]
    assert title.startswith(f"{above} of 6 services above the 95% limit") if above else "within" in title
    assert "November 2025 to October 2026" in title
    assert "Wilson (score) limits" in _text(app)

    app.radio(key="audit_compare").set_value("team").run()
    assert not app.exception
    teams = ar.funnel(demo, OCT, by="team", window=12)
    table = _table(app, "Position in the funnel")
    assert len(table) == 24 and table["Team"].tolist() == teams["name"].tolist()
    assert table["Inadequate"].tolist() == teams["inadequate"].tolist()
    # Every team is a labelled point: 24 annotations, one per team.
    funnel = _charts(app)[0]
    labels = [a["text"] for a in funnel["layout"]["annotations"]]
    assert len(labels) == 24 and all(any(lbl.startswith(n + " (") for lbl in labels) for n in teams["name"])


def test_period_choice_changes_the_window(app, demo):
    _open(app, tab="Against the 10% target")
    app.selectbox(key="audit_window").set_value(3).run()
    assert not app.exception
    services = ar.funnel(demo, OCT, window=3)
    table = _table(app, "Position in the funnel")
    assert table["Audits"].tolist() == services["total"].tolist()
    assert "August 2026 to October 2026" in _titles(app)[0]


# ------------------------------------------------------------------------------------------
# Areas, completion, moderation
# ------------------------------------------------------------------------------------------


def test_areas_tab(app, demo):
    _open(app, tab="Areas behind Inadequate")
    areas = ar.area_drivers(demo, OCT, window=12)
    top = areas.iloc[0]
    assert _titles(app)[0].startswith(
        f"{top['area']} was graded Inadequate in {top['pct_area_inadequate']:.0f}% of Inadequate audits "
        f"({int(top['area_inadequate'])} of {int(top['inadequate_audits'])})")
    table = _table(app, "In Inadequate audits: area Inadequate")
    assert table["Area"].tolist() == areas["area"].tolist()
    assert table["In Inadequate audits: area Inadequate"].iloc[0] == (
        f"{top['pct_area_inadequate']:.1f}% ({int(top['area_inadequate'])} of {int(top['inadequate_audits'])})")


def test_completion_tab_by_team_and_by_manager(app, demo):
    _open(app, tab="Completion")
    teams = ar.audit_completion(demo, OCT, by="team")
    table = _table(app, "Shortfall")
    assert table["Team"].tolist() == teams["unit"].tolist()
    assert table["Counted"].tolist() == teams["done"].tolist()
    assert table["Team"].iloc[-1] == "Head of Service audits (outside own service)"
    short = teams[~teams["met"]]
    assert set(table.loc[table["Status"] != "Met", "Team"]) == set(short["unit"])

    app.session_state["audit_completion_by"] = "auditor"
    app.run()
    assert not app.exception
    people = ar.audit_completion(demo, OCT)
    table = _table(app, "Manager")
    assert table["Manager"].tolist() == people["auditor"].tolist()
    assert table["% complete"].iloc[0] == (f"{people['pct_complete'].iloc[0]:.1f}% "
                                           f"({people['done'].iloc[0]} of {people['expected'].iloc[0]})")


def test_moderation_tab(app, demo):
    _open(app, tab="Moderation")
    row = ar.moderation(demo, OCT, window=12).iloc[0]
    text = _text(app)
    assert f"Moderators kept {row['pct_agreement']:.1f}% of grades ({int(row['agreed'])} of {int(row['moderated'])}" \
        in text
    assert _titles(app)[0].startswith(f"{int(row['agreed'])} of {int(row['moderated'])} grades kept; "
                                      f"{int(row['downgraded'])} moved down, {int(row['upgraded'])} up")
    services = ar.moderation(demo, OCT, window=12, by="service")
    table = _table(app, "Agreement")
    assert table["Service"].tolist() == services["service"].tolist()
    assert table["Down"].tolist() == services["downgraded"].tolist()


# ------------------------------------------------------------------------------------------
# Case-level lists: case references only here
# ------------------------------------------------------------------------------------------


def test_overdue_actions_tab(app, demo):
    _open(app, tab="Overdue audit actions")
    overdue = ar.overdue_actions(demo, OCT)
    table = _table(app, "Case reference")
    assert len(table) == len(overdue)
    assert table["Days overdue"].tolist() == overdue["days_overdue"].tolist()
    assert f"{len(overdue)} audit actions overdue at 31 October 2026" in _text(app)


def test_escalations_tab_and_every_grade_toggle(app, demo):
    _open(app, tab="Escalations due")
    due = ar.escalations_due(demo, OCT)
    table = _table(app, "Case reference")
    assert table["Case reference"].tolist() == due["case_ref"].tolist()
    assert set(table["Final grade"]) == {"Inadequate"}
    assert table["Escalate to"].str.contains("Head of Service").all()
    assert table["Escalate to"].str.endswith("Assistant Director").all()
    app.toggle(key="audit_every_grade").set_value(True).run()
    assert not app.exception
    everything = _table(app, "Case reference")
    n = demo.scalar("SELECT count(overall_grade) FROM audit WHERE audit_date >= DATE '2026-10-01'")  # graded
    assert len(everything) == n > len(table)
    assert "Team Manager (" in " ".join(everything["Escalate to"])


def test_case_references_appear_only_in_the_action_and_escalation_tables(app):
    _open(app)
    for tab in TABS:
        app.session_state["audit_tab"] = tab
        app.run()
        assert not app.exception, tab
        with_refs = [d for d in app.dataframe if "Case reference" in d.value.columns]
        if tab in ("Overdue audit actions", "Escalations due", "Thematic audits", "Escalation record",
                   "Tier 2 allocation"):  # remedial work, the escalation record and the Tier 2 cases list cases
            assert len(with_refs) == 1, tab
        else:
            assert not with_refs, tab
            cells = " ".join(" ".join(map(str, d.value.astype(str).to_numpy().ravel())) for d in app.dataframe)
            assert not re.search(r"\bCR\d{6}\b", cells), tab


# ------------------------------------------------------------------------------------------
# A service, another month, the earliest month
# ------------------------------------------------------------------------------------------


def test_one_service_in_june_2025(app, demo):
    _open(app, service="assessment", month="2025-06")
    assert app.caption[0].value.startswith("June 2025 · Assessment")
    month = ar.monthly_grades(demo, JUNE_2025, "assessment").iloc[-1]
    assert {m.label: m.value for m in app.metric}["Inadequate"] == f"{month['pct_inadequate']:.1f}%"
    assert not app.radio  # a service's teams are compared; no services/teams choice
    app.session_state["audit_tab"] = "Against the 10% target"
    app.run()
    assert not app.exception
    teams = ar.funnel(demo, JUNE_2025, "assessment", window=12)
    table = _table(app, "Position in the funnel")
    assert table["Team"].tolist() == teams["name"].tolist() and "Service" not in table.columns
    assert table["Audits"].tolist() == teams["total"].tolist()
    app.session_state["audit_tab"] = "Overdue audit actions"
    app.run()
    overdue = ar.overdue_actions(demo, JUNE_2025, "assessment")
    assert len(_table(app, "Case reference")) == len(overdue)


def test_every_tab_in_the_earliest_month(app):
    _open(app, month="2023-11")
    assert "Fewer than 12 months with audits" in _text(app)
    for tab in TABS[1:]:
        app.session_state["audit_tab"] = tab
        app.run()
        assert not app.exception, tab
    app.session_state["audit_tab"] = "Against the 10% target"
    app.run()
    assert "November 2023" in _titles(app)[0]  # the window starts at the first month with data


# ------------------------------------------------------------------------------------------
# Empty state: a council whose store has no audits
# ------------------------------------------------------------------------------------------


@pytest.fixture
def empty_app(tmp_path, monkeypatch):
    db = tmp_path / "empty.duckdb"
    with Store(db) as store:
        store.insert_frames({
            "setting": pd.DataFrame([("council_name", "Empty Vale")], columns=["key", "value"]),
            "service": pd.DataFrame([("north", "North", "Hana Head", 1)],
                                    columns=["service_id", "name", "head_of_service", "sort_order"]),
            "team": pd.DataFrame([("team_a", "north", "Team A", "Mia")],
                                 columns=["team_id", "service_id", "name", "manager"]),
            "indicator": pd.DataFrame([("X", "A measure", "Theme", "%", "up")],
                                      columns=["code", "name", "theme", "unit", "polarity"]),
            "indicator_value": pd.DataFrame([("X", OCT, "team_a", 1.0, 2.0)],
                                            columns=["code", "period", "team_id", "numerator", "denominator"]),
        })
        store.checkpoint()
    for app in app_over(db, monkeypatch):  # a council's store (not the demo): shown only after sign-in
        yield sign_in(app, "ad@kestrelvale.example")


def test_a_store_without_audits_shows_clear_empty_states(empty_app):
    _open(empty_app)
    metrics = {m.label: m.value for m in empty_app.metric}
    assert metrics["Inadequate"] == "No audits"
    assert metrics["Completed"] == "No expectation"
    assert metrics["Overdue audit actions"] == "0"
    expected = {
        "Grades by month": "No audits of the council's cases up to October 2026.",
        "Against the 10% target": "No audits of the council's cases in October 2026",
        "Areas behind Inadequate": "No Inadequate audits with area grades for the council",
        "Completion": "No audit expectations recorded for the council in October 2026",
        "Moderation": "No audits of the council's cases were moderated",
        "Overdue audit actions": "No audit actions for the council's cases were overdue at 31 October 2026.",
        "Escalations due": "No audits graded Inadequate of the council's cases were completed in October 2026",
    }
    for tab, message in expected.items():
        empty_app.session_state["audit_tab"] = tab
        empty_app.run()
        assert not empty_app.exception, tab
        assert any(message in i.value for i in empty_app.info), (tab, [i.value for i in empty_app.info])
