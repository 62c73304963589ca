"""The team profiles page on the demo council (October 2026): teams side by side, the small
multiples, one team's profile, and the empty states."""

from __future__ import annotations

import datetime as dt
import json
import os

import pandas as pd
import pytest

from qa_core.store import Store
from qa_core.views import team_profile_html, team_profiles
from tests.pages.conftest import open_page, open_tables

OCT = dt.date(2026, 10, 1)


PROFILE = "Team profile"


def _open(app, service="assessment", month=None, view=None):
    return open_page(app, "teams", service=service, month=month, view=view)


def _charts(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def _title(spec: dict) -> str:
    return spec["layout"]["title"]["text"]


def test_all_services_asks_for_a_service(app):
    open_page(app, "teams")
    assert "choose a service in the sidebar" in app.info[0].value.lower()
    assert not app.get("plotly_chart")


def test_teams_side_by_side_match_the_store(app, demo_db):
    _open(app)
    assert app.session_state["view"] == "Teams side by side"  # the default view
    assert app.subheader[0].value == "Assessment: October 2026"
    with Store(demo_db, read_only=True) as store:
        report = team_profiles.team_report(store, OCT, "assessment")
    teams = report.drop_duplicates("team_id").set_index("team")
    side = app.dataframe[0].value.set_index("Team")
    assert list(side.index) == list(teams.index)
    for team, row in teams.iterrows():
        mine = report[report["team"] == team]
        assert side.loc[team, "Red"] == int((mine["rag"] == "Red").sum())
        assert side.loc[team, "Green"] == int((mine["rag"] == "Green").sum())
        assert side.loc[team, "Overdue audit actions"] == row["overdue_actions"]
        assert side.loc[team, "Audits done (of expected)"].startswith(
            f"{row['audits_done']} of {row['audits_expected']} (")
        assert side.loc[team, "Inadequate audits"].startswith(f"{row['inadequate']} of {row['audits_total']} (")
    summary = next(m.value for m in app.markdown if m.value.startswith("4 teams."))
    assert f"{int(teams['audits_done'].sum())} done of {int(teams['audits_expected'].sum())} expected" in summary


def test_small_multiples_one_chart_per_measure_with_active_titles(app, demo_db):
    _open(app)
    with Store(demo_db, read_only=True) as store:
        report = team_profiles.team_report(store, OCT, "assessment")
    codes = list(dict.fromkeys(report["code"]))
    specs = _charts(app)
    assert len(specs) == len(codes)  # one per measure
    assess = report[report["code"] == "ASSESS_45WD"]
    title = next(_title(s) for s in specs if "Assessments completed within 45" in _title(s))
    reds = int((assess["rag"] == "Red").sum())
    assert f"4 teams in October 2026: {reds} Red" in title.replace("<br>", " ")
    assert "against a target of 85%" in title.replace("<br>", " ")
    # Each team is a labelled panel with this month's value and RAG word.
    panel = next(s for s in specs if "Assessments completed within 45" in _title(s))
    labels = [a["text"] for a in panel["layout"]["annotations"]]
    north = assess[assess["team"] == "Assessment North"].iloc[0]
    assert any("Assessment North" in t and f"{north['value']:.1f}% · {north['rag']}" in t for t in labels)
    line = panel["data"][1]
    assert line["text"][0] == "Assessment East, Nov 2024"  # hover: team and month, then value and count
    assert "of %{customdata[1]" in line["hovertemplate"]
    # The numbers behind the charts (drawn once opened): team × month × measure with numerator and denominator.
    assert not any("Numerator" in d.value.columns and "Team" in d.value.columns for d in app.dataframe)
    open_tables(app)
    numbers = next(d.value for d in app.dataframe if "Numerator" in d.value.columns and "Team" in d.value.columns)
    assert set(numbers["Team"]) == set(report["team"])
    assert numbers["Month"].nunique() == 24
    assert set(numbers["Measure"]) == set(report["name"])


def test_profile_of_the_chosen_team(app, demo_db):
    _open(app, view=PROFILE)
    assert len(app.get("plotly_chart")) == 1  # only the grade mix: the small multiples are in the other view
    picker = app.selectbox(key="team")
    assert picker.value == "assessment_03"  # Assessment East: the first team by name
    picker.set_value("assessment_02").run()
    assert not app.exception
    assert "Assessment South: October 2026" in [s.value for s in app.subheader]
    with Store(demo_db, read_only=True) as store:
        profile = team_profiles.team_profile(store, OCT, "assessment_02")
    a = profile.audits
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Audits done"] == f"{a['audits_done']} of {a['audits_expected']}"
    assert metrics["Inadequate audits"] == f"{a['inadequate']} of {a['audits_total']}"
    assert metrics["Overdue audit actions"] == str(a["overdue_actions"])
    table = next(d.value for d in app.dataframe if "Direction" in d.value.columns)
    assert list(table["Measure"]) == list(profile.measures["name"])
    assert list(table["RAG"]) == [team_profile_html.rag_words(r, v, t) for r, v, t in
                                  profile.measures[["rag", "value", "target"]].itertuples(index=False)]
    assert "No target" in set(table["RAG"])  # S47 enquiries not leading to an ICPC: no target
    assert all(len(trend) >= 2 for trend in table.filter(like="Last 12 months").iloc[:, 0])
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Download printable profile for the notice board (A4, HTML)" in labels
    assert "Download with full figures (not for display)" in labels
    grade_title = _title(_charts(app)[-1])
    assert f"{a['inadequate']} of {a['audits_total']} audits of Assessment South cases" in grade_title
    overdue = next(d.value for d in app.dataframe if "How long overdue" in d.value.columns)
    assert overdue["Actions"].sum() == a["overdue_actions"]


def test_switching_service_falls_back_to_its_first_team(app):
    _open(app, view=PROFILE)
    app.selectbox(key="team").set_value("assessment_04").run()
    app.session_state["service"] = "cp_court"
    app.run()
    assert not app.exception
    assert app.selectbox(key="team").value == "cp_court_04"  # Court and PLO, first by name
    assert "Court and PLO: October 2026" in [s.value for s in app.subheader]


@pytest.mark.parametrize("month", ["2023-11", "2025-04"])
def test_earlier_months_render(app, month):
    _open(app, service="care_leavers", month=month)
    label = dt.date.fromisoformat(month + "-01").strftime("%B %Y")
    assert app.subheader[0].value == f"Care Leavers: {label}"
    assert app.get("plotly_chart")
    app.session_state["view"] = PROFILE
    app.run()
    assert not app.exception
    assert f"Cared For 1: {label}" not in [s.value for s in app.subheader]  # Care Leavers' teams only
    assert any(s.value.endswith(f": {label}") and s.value != f"Care Leavers: {label}" for s in app.subheader)


def test_a_month_without_values_or_audits_shows_empty_states(app):
    with Store(os.environ["QA_DB"]) as store:
        store.execute("DELETE FROM indicator_value WHERE period = ? AND team_id LIKE 'disabilities%'", [OCT])
        store.execute("DELETE FROM audit_action WHERE audit_id IN (SELECT audit_id FROM audit WHERE "
                      "team_id LIKE 'disabilities%' AND audit_date >= ?)", [OCT])
        store.execute("DELETE FROM audit_area_grade WHERE audit_id IN (SELECT audit_id FROM audit WHERE "
                      "team_id LIKE 'disabilities%' AND audit_date >= ?)", [OCT])
        store.execute("DELETE FROM audit WHERE team_id LIKE 'disabilities%' AND audit_date >= ?", [OCT])
        store.checkpoint()
    _open(app, service="disabilities")
    infos = [i.value for i in app.info]
    assert any("No measures have team values for Children with Disabilities in October 2026" in i for i in infos)
    side = app.dataframe[0].value
    assert (side["Inadequate audits"] == "No audits").all()
    assert (side["Red"] + side["Amber"] + side["Green"] + side["No rating"] == 0).all()
    app.session_state["view"] = PROFILE
    app.run()
    assert not app.exception
    infos = [i.value for i in app.info]
    assert any(i.startswith("No measures have values for") for i in infos)
    assert any("cases were completed in October 2026" in i for i in infos)


def test_a_team_measure_of_0_of_1_shows_its_count_and_no_colour(app, demo_db):
    # Safeguarding 1 (cp_court_01), October 2026: care proceedings within 26 weeks, 0 of 1. A rating on one
    # case says nothing: the cell shows the count, uncoloured, never Red or Amber.
    app.session_state["team"] = "cp_court_01"
    _open(app, service="cp_court", view=PROFILE)
    with Store(demo_db, read_only=True) as store:
        profile = team_profiles.team_profile(store, OCT, "cp_court_01")
    plo = profile.measures.set_index("code").loc["PLO_26WK"]
    assert (plo["numerator"], plo["denominator"]) == (0, 1) and pd.isna(plo["rag"])
    element = next(d for d in app.dataframe if "Direction" in d.value.columns)
    table = element.value
    row = list(table["Measure"]).index(plo["name"])
    assert table["RAG"].iloc[row] == "0 of 1: too few to rate (fewer than 5)"
    assert table["How it is rated"].iloc[row].endswith(
        "Not rated when based on fewer than 5 cases: the count is shown instead.")
    # The tag colours go on the rated cells only (the styler's CSS names each coloured cell).
    css = element.proto.arrow_data.styler.styles
    col = list(table.columns).index("RAG")
    assert f"_row{row}_col{col}" not in css
    rated = [i for i, word in enumerate(table["RAG"]) if word in ("Red", "Amber", "Green")]
    assert rated and all(f"_row{i}_col{col}" in css for i in rated)
