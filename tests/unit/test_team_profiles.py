"""Team profiles: a hand-worked small store, checks against the demo council, the printable
page and the ``report team`` command.

The hand-worked store (October 2026, month end Friday 31 October):

Service S1 has teams T1 (manager M1) and T2 (managers M2 and M3); service S2 has team U1.
Measures: P1 (% , higher better, target 90, tolerance rule 5) and C1 (count summed, lower
better, target 2, travel rule 1) belong to S1; P2 belongs to S2 only (a stray T1 row for P2
must not appear).

=====  ======================  =====================  ==================================
team   P1 Sep -> Oct            C1 Sep -> Oct          expected
=====  ======================  =====================  ==================================
T1     40/50=80% -> 45/50=90%  6 -> 5                 P1 Green, improving (on target);
                                                        C1 worse by 3 > 1 but improving:
                                                        Amber
T2     18/20=90% -> 17/20=85%  3 -> 4                 P1 worse by 5 <= 5: Amber,
                                                        worsening; C1 worse by 2 > 1 and
                                                        worsening: Red
=====  ======================  =====================  ==================================

Audits in October (final grade = moderated where moderated):
T1 cases: A1 M1 Good, A2 M1 RI, A3 M1 RI moderated to Inadequate, A4 QA officer Good, A5 M2
Outstanding -> 1 Outstanding, 2 Good, 1 RI, 1 Inadequate of 5: 20.0%, Wilson 3.62% to 62.45%.
T2 cases: B1..B4 M2 (Good, Good, RI, Inadequate), B5 by S1's Head of Service H1 (Good; inside
H1's own service) -> 3 Good, 1 RI, 1 Inadequate of 5.
Done against expected: M1 did 3 of 4 (A5 is M2's); M2 did 5 of 4 (B1..B4 and A5: a team
manager's audit counts wherever it is); M3 did 0 of 4. T1: 3 of 4, shortfall 1. T2: 5 of 8,
shortfall 0 + 4 = 4 (M2's extra audit does not hide M3's shortfall).
Actions on T1's audits at 31 October: due 10 Oct open (21 days: 2 to 4 weeks), due 20 Oct
completed 5 Nov (11 days: up to 2 weeks), due 15 Sep open on September audit A0 (46 days:
more than 4 weeks), due 31 Oct open (not yet overdue), due 5 Oct completed 6 Oct (done).
T1 overdue 3; T2 overdue 0 (its one action is due in November).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pytest

from qa_core.__main__ import main
from qa_core.errors import QAError
from qa_core.rules.rag import direction_of_travel, rag_status
from qa_core.store import Store, queries
from qa_core.views import audit_grades, team_profile_html, team_profiles

OCT = dt.date(2026, 10, 1)
SEP = dt.date(2026, 9, 1)


def _audit(audit_id, date, team, service, auditor, role, own, grade, moderated=None, tier="tier1"):
    return dict(audit_id=audit_id, audit_date=date, tier=tier, tool="Generic (2A)", case_ref="CR1",
                team_id=team, service_id=service, auditor=auditor, auditor_role=role, auditor_service=own,
                overall_grade=grade, moderated_grade=moderated, moderator=None)


@pytest.fixture
def small() -> Store:
    store = Store(":memory:")
    d = dt.date
    audits = pd.DataFrame([
        _audit("A0", d(2026, 9, 3), "T1", "S1", "M1", "team_manager", "S1", 3),
        _audit("A1", d(2026, 10, 2), "T1", "S1", "M1", "team_manager", "S1", 2),
        _audit("A2", d(2026, 10, 6), "T1", "S1", "M1", "team_manager", "S1", 3),
        _audit("A3", d(2026, 10, 9), "T1", "S1", "M1", "team_manager", "S1", 3, moderated=4),
        _audit("A4", d(2026, 10, 12), "T1", "S1", "Q1", "qa_officer", None, 2, tier="thematic"),
        _audit("A5", d(2026, 10, 31), "T1", "S1", "M2", "team_manager", "S1", 1),
        _audit("B1", d(2026, 10, 1), "T2", "S1", "M2", "team_manager", "S1", 2),
        _audit("B2", d(2026, 10, 2), "T2", "S1", "M2", "team_manager", "S1", 2),
        _audit("B3", d(2026, 10, 3), "T2", "S1", "M2", "team_manager", "S1", 3),
        _audit("B4", d(2026, 10, 4), "T2", "S1", "M2", "team_manager", "S1", 4),
        _audit("B5", d(2026, 10, 5), "T2", "S1", "H1", "head_of_service", "S1", 2, tier="tier2"),
        _audit("C1", d(2026, 11, 2), "T2", "S1", "M3", "team_manager", "S1", 2),  # November: not counted
        _audit("U1a", d(2026, 10, 7), "U1", "S2", "H1", "head_of_service", "S1", 4, tier="tier2"),
    ])
    audits["moderated_grade"] = audits["moderated_grade"].astype("Int8")
    store.insert_frames({
        "setting": pd.DataFrame({"key": ["council_name"], "value": ["Testshire Council"]}),
        "service": pd.DataFrame({"service_id": ["S1", "S2"], "name": ["Service One", "Service Two"],
                                 "head_of_service": ["H1", "H2"], "sort_order": [1, 2]}),
        "team": pd.DataFrame({"team_id": ["T1", "T2", "U1"], "service_id": ["S1", "S1", "S2"],
                              "name": ["Team One", "Team Two", "Team U"], "manager": ["M1", "M2", "MU"]}),
        "indicator": pd.DataFrame({
            "code": ["P1", "C1", "P2"], "name": ["Percent measure", "Count measure", "Other service measure"],
            "theme": "T", "unit": ["%", "count", "%"], "polarity": ["up", "down", "up"],
            "target": [90.0, 2.0, 50.0], "rag_rule": ["tolerance", "travel", "tolerance"],
            "tolerance": [5.0, 1.0, 0.0], "aggregation": ["ratio", "sum", "ratio"], "sort_order": [1, 2, 3]}),
        "indicator_service": pd.DataFrame({"code": ["P1", "C1", "P2"], "service_id": ["S1", "S1", "S2"]}),
        "indicator_value": pd.DataFrame([
            dict(code="P1", period=SEP, team_id="T1", numerator=40.0, denominator=50.0, value=None),
            dict(code="P1", period=OCT, team_id="T1", numerator=45.0, denominator=50.0, value=None),
            dict(code="P1", period=SEP, team_id="T2", numerator=18.0, denominator=20.0, value=None),
            dict(code="P1", period=OCT, team_id="T2", numerator=17.0, denominator=20.0, value=None),
            dict(code="C1", period=SEP, team_id="T1", numerator=None, denominator=None, value=6.0),
            dict(code="C1", period=OCT, team_id="T1", numerator=None, denominator=None, value=5.0),
            dict(code="C1", period=SEP, team_id="T2", numerator=None, denominator=None, value=3.0),
            dict(code="C1", period=OCT, team_id="T2", numerator=None, denominator=None, value=4.0),
            dict(code="P2", period=OCT, team_id="T1", numerator=1.0, denominator=2.0, value=None),
            dict(code="P2", period=OCT, team_id="U1", numerator=3.0, denominator=4.0, value=None),
        ]),
        "audit": audits,
        "audit_action": pd.DataFrame([
            dict(action_id="X1", audit_id="A2", description="Update the chronology", owner="W1",
                 due_date=d(2026, 10, 10), completed_date=None),
            dict(action_id="X2", audit_id="A3", description="Record the child's views", owner="W2",
                 due_date=d(2026, 10, 20), completed_date=d(2026, 11, 5)),
            dict(action_id="X3", audit_id="A0", description="Review the plan", owner="W3",
                 due_date=d(2026, 9, 15), completed_date=None),
            dict(action_id="X4", audit_id="A3", description="Complete a risk assessment", owner="W4",
                 due_date=d(2026, 10, 31), completed_date=None),
            dict(action_id="X5", audit_id="A1", description="Update the assessment", owner="W5",
                 due_date=d(2026, 10, 5), completed_date=d(2026, 10, 6)),
            dict(action_id="X6", audit_id="B4", description="Update the assessment", owner="W6",
                 due_date=d(2026, 11, 10), completed_date=None),
        ]),
        # The staff list and the rules: team managers 4 a month, heads of service 1 a month outside their
        # own service, from September; M2, M3 and H1 joined on 1 October (so only M1 is expected in September).
        "staff": pd.DataFrame([
            dict(staff_id="m1", name="M1", role="team_manager", team_id="T1", service_id="S1", start_date=None),
            dict(staff_id="m2", name="M2", role="team_manager", team_id="T2", service_id="S1", start_date=OCT),
            dict(staff_id="m3", name="M3", role="team_manager", team_id="T2", service_id="S1", start_date=OCT),
            dict(staff_id="h1", name="H1", role="head_of_service", team_id=None, service_id="S1", start_date=OCT),
        ]).assign(auditor=True),
        "audit_expectation_rule": pd.DataFrame([
            dict(role="team_manager", from_month=SEP, audits_per_month=4, outside_own_service=False),
            dict(role="head_of_service", from_month=SEP, audits_per_month=1, outside_own_service=True),
        ]),
    })
    yield store
    store.close()


# -- the hand-worked store ------------------------------------------------------------------
def test_report_measures_rag_and_direction(small: Store) -> None:
    report = team_profiles.team_report(small, OCT, "S1")
    assert list(report.columns[:19]) == [
        "service_id", "team_id", "team", "code", "name", "unit", "value", "numerator", "denominator", "target",
        "rag", "direction", "previous", "audits_done", "audits_expected", "pct_inadequate", "inadequate",
        "audits_total", "overdue_actions"]
    rows = report.set_index(["team_id", "code"])
    assert list(rows.index) == [("T1", "P1"), ("T1", "C1"), ("T2", "P1"), ("T2", "C1")]  # no stray P2
    assert rows.loc[("T1", "P1"), "value"] == pytest.approx(90.0)
    assert (rows.loc[("T1", "P1"), "numerator"], rows.loc[("T1", "P1"), "denominator"]) == (45, 50)
    assert rows.loc[("T1", "P1"), "previous"] == pytest.approx(80.0)
    assert (rows.loc[("T1", "P1"), "rag"], rows.loc[("T1", "P1"), "direction"]) == ("Green", "improving")
    assert (rows.loc[("T1", "C1"), "rag"], rows.loc[("T1", "C1"), "direction"]) == ("Amber", "improving")
    assert rows.loc[("T2", "P1"), "value"] == pytest.approx(85.0)
    assert (rows.loc[("T2", "P1"), "rag"], rows.loc[("T2", "P1"), "direction"]) == ("Amber", "worsening")
    assert (rows.loc[("T2", "C1"), "rag"], rows.loc[("T2", "C1"), "direction"]) == ("Red", "worsening")


def test_report_audit_columns(small: Store) -> None:
    teams = team_profiles.team_report(small, OCT, "S1").drop_duplicates("team_id").set_index("team_id")
    t1, t2 = teams.loc["T1"], teams.loc["T2"]
    assert (t1["audits_done"], t1["audits_expected"], t1["audits_shortfall"]) == (3, 4, 1)
    assert t1["pct_complete"] == pytest.approx(75.0)
    assert (t2["audits_done"], t2["audits_expected"], t2["audits_shortfall"]) == (5, 8, 4)
    assert [int(t1[c]) for c in ("outstanding", "good", "requires_improvement", "inadequate")] == [1, 2, 1, 1]
    assert t1["audits_total"] == 5
    assert t1["pct_inadequate"] == pytest.approx(20.0)
    assert (round(t1["ci_low"], 2), round(t1["ci_high"], 2)) == (3.62, 62.45)
    assert t1["pct_good_or_better"] == pytest.approx(60.0)
    assert [int(t2[c]) for c in ("outstanding", "good", "requires_improvement", "inadequate")] == [0, 3, 1, 1]
    assert (t1["overdue_actions"], t1["overdue_up_to_2_weeks"], t1["overdue_2_to_4_weeks"],
            t1["overdue_over_4_weeks"]) == (3, 1, 1, 1)
    assert t2["overdue_actions"] == 0


def test_the_staff_list_decides_role_and_own_service(small: Store) -> None:
    # What the audits file recorded about the auditor does not decide what counts: the staff list does.
    small.execute("UPDATE audit SET auditor_role = 'qa_officer' WHERE audit_id = 'A1'")
    small.execute("UPDATE audit SET auditor_role = 'Head-of-Service', auditor_service = 'S2' WHERE audit_id = 'B5'")
    small.execute("UPDATE staff SET team_id = 'T2' WHERE staff_id = 'h1'")
    teams = team_profiles.team_report(small, OCT, "S1").drop_duplicates("team_id").set_index("team_id")
    assert teams.loc["T1", "audits_done"] == 3  # A1 is M1's, a team manager on the staff list
    # H1 now sits with T2 and is still S1's: B5 (a case of S1, whatever the file said) is inside their own
    # service and does not count; U1a (S2) does. M2 5 of 4, M3 0 of 4, H1 1 of 1: 6 of 9, shortfall 0 + 4 + 0.
    assert (teams.loc["T2", "audits_done"], teams.loc["T2", "audits_expected"],
            teams.loc["T2", "audits_shortfall"]) == (6, 9, 4)


def test_one_team_and_all_teams(small: Store) -> None:
    one = team_profiles.team_report(small, OCT, team_id="T2")
    assert set(one["team_id"]) == {"T2"} and len(one) == 2
    assert one["audits_expected"].iloc[0] == 8
    both = team_profiles.team_report(small, OCT, "S1", "T1")
    assert set(both["team_id"]) == {"T1"}
    everyone = team_profiles.team_report(small, OCT)
    assert list(dict.fromkeys(everyone["team_id"])) == ["T1", "T2", "U1"]
    u1 = everyone[everyone["team_id"] == "U1"].set_index("code")
    assert u1.loc["P2", "value"] == pytest.approx(75.0)
    # H1's audit of a U1 case counts in U1's grade mix; H1's expectation belongs to no team.
    assert (u1.loc["P2", "audits_total"], u1.loc["P2", "inadequate"], u1.loc["P2", "audits_expected"]) == (1, 1, 0)


def test_a_team_without_values_keeps_one_row_with_its_audits(small: Store) -> None:
    small.execute("DELETE FROM indicator_value WHERE team_id = 'T2' AND period = ?", [OCT])
    report = team_profiles.team_report(small, OCT, "S1")
    t2 = report[report["team_id"] == "T2"]
    assert len(t2) == 1 and pd.isna(t2["code"].iloc[0])
    assert (t2["audits_total"].iloc[0], t2["audits_done"].iloc[0]) == (5, 5)


def test_a_month_with_nothing_gives_zeros_not_errors(small: Store) -> None:
    report = team_profiles.team_report(small, dt.date(2020, 1, 1), "S1")
    assert len(report) == 2 and report["code"].isna().all()
    assert (report["audits_total"] == 0).all() and (report["audits_expected"] == 0).all()
    assert report["pct_inadequate"].isna().all()


@pytest.mark.parametrize("service, team, message", [
    ("NOPE", None, "There is no service 'NOPE'"),
    (None, "NOPE", "There is no team 'NOPE'"),
    ("S2", "T1", "belongs to the service 'S1'"),
])
def test_unknown_or_mismatched_scope_is_a_clear_error(small: Store, service, team, message) -> None:
    with pytest.raises(QAError, match=re.escape(message)):
        team_profiles.team_report(small, OCT, service, team)


def test_profile_of_one_team(small: Store) -> None:
    profile = team_profiles.team_profile(small, OCT, "T1")
    assert (profile.council, profile.service, profile.team) == ("Testshire Council", "Service One", "Team One")
    assert list(profile.measures["code"]) == ["P1", "C1"]
    p1 = profile.measures.iloc[0]
    assert p1["trend"] == [None] * 10 + [80.0, 90.0]  # twelve months, oldest first; no data before September
    assert profile.trend_months[0] == dt.date(2025, 11, 1) and profile.trend_months[-1] == OCT
    assert len(profile.trend_table) == 4
    grades = profile.grades.set_index("label")
    assert grades.loc["Inadequate", "audits"] == 1
    assert grades.loc["Good", "pct"] == pytest.approx(40.0)
    assert (round(grades.loc["Good", "ci_low"], 2), round(grades.loc["Good", "ci_high"], 2)) == (11.76, 76.93)
    assert profile.overdue["actions"].tolist() == [1, 1, 1]
    assert profile.audits["audits_done"] == 3


def test_profile_html_is_self_contained_and_escaped(small: Store) -> None:
    small.execute("UPDATE team SET name = '<script>alert(1)</script> & Co' WHERE team_id = 'T1'")
    html = team_profile_html.profile_html(team_profiles.team_profile(small, OCT, "T1"), generated=dt.date(2026, 11, 3))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "@media print" in html and "size: A4" in html
    assert "<link" not in html and "src=" not in html  # nothing fetched from elsewhere
    for text in ("Testshire Council", "Service One", "October 2026", "Percent measure", "Green", "Amber",
                 "45 of 50", "90%", "3 of 4", "20.0% (1 of 5)", "3.6% to 62.4%", "31 October 2026",
                 "Produced on 03 November 2026"):
        assert text in html, text
    assert "M1" not in html and "W1" not in html and "CR1" not in html  # no auditor, worker or case


@pytest.mark.parametrize("rag, value, target, words", [
    ("Red", 70.0, 90.0, "Red"), (None, None, 426.0, "No value"), (None, 40.0, None, "No target"),
    (None, 40.0, 50.0, "No rating"),
])
def test_rag_words_say_why_there_is_no_rating(rag, value, target, words) -> None:
    assert team_profile_html.rag_words(rag, value, target) == words


def test_a_missing_value_is_not_called_no_target(small: Store) -> None:
    small.execute("UPDATE indicator_value SET numerator = NULL, denominator = 0 WHERE team_id = 'T1' "
                  "AND code = 'P1' AND period = ?", [OCT])
    html = team_profile_html.profile_html(team_profiles.team_profile(small, OCT, "T1"))
    row = re.search(r"<tr><td>Percent measure</td>.*?</tr>", html).group(0)
    assert "No value" in row and "No target" not in row


def _same_view(picked: tuple[pd.DataFrame, pd.DataFrame], read: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    for a, b in zip(picked, read, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_team_view_picked_from_one_read_equals_the_months_own_read(small: Store) -> None:
    """The page reads a service once (team_data) and picks a month (team_view_from): the same
    report and series as team_view's own queries for that month, for every month and window."""
    months = [dt.date(2026, 8, 1), SEP, OCT, dt.date(2026, 11, 1)]
    data = team_profiles.team_data(small, months)
    for service in ("S1", "S2"):
        for month in months:
            for window in (1, 2, 24):
                _same_view(team_profiles.team_view_from(data, month, service, months=window),
                           team_profiles.team_view(small, month, service, months=window))
    for month, service in ((dt.date(2026, 7, 1), "S1"), (OCT, "S9")):
        with pytest.raises(QAError, match="not among what was read"):
            team_profiles.team_view_from(data, month, service)


def test_every_team_month_read_at_once_has_its_previous_month_with_a_row(small: Store) -> None:
    """The one read of every team-month takes ``previous`` from the row before (each team's months of a
    measure together, in order): by hand, Team One's P1 is 40 of 50 (80%) in September and 45 of 50 (90%)
    in October, so October's previous is 80; a first month has none. The same frame as the window query."""
    every = team_profiles._series_all(small)
    got = [(t, c, p.month, v, None if np.isnan(x) else x) for t, c, p, v, x in zip(
        every["team_id"], every["code"], every["period"], every["value"], every["previous"], strict=True)]
    assert got == [("T1", "P1", 9, 80.0, None), ("T1", "P1", 10, 90.0, 80.0), ("T1", "C1", 9, 6.0, None),
                   ("T1", "C1", 10, 5.0, 6.0), ("T2", "P1", 9, 90.0, None), ("T2", "P1", 10, 85.0, 90.0),
                   ("T2", "C1", 9, 3.0, None), ("T2", "C1", 10, 4.0, 3.0), ("U1", "P2", 10, 75.0, None)]
    pd.testing.assert_frame_equal(every, team_profiles._series(small, None, None, None, None), check_exact=True)


def test_team_audits_of_many_months_are_each_months_own(small: Store) -> None:
    months = [dt.date(2026, 8, 1), SEP, OCT, dt.date(2026, 11, 1)]
    many = team_profiles.team_audits_months(small, months)
    for month in months:
        one = many[many["month"] == pd.Timestamp(month)].drop(columns="month").reset_index(drop=True)
        pd.testing.assert_frame_equal(one, team_profiles.team_audits(small, month))


# -- the demo council -----------------------------------------------------------------------
def test_demo_teams_add_up_to_the_service(store: Store) -> None:
    report = team_profiles.team_report(store, OCT, "assessment")
    assert report["team_id"].nunique() == 4
    service = queries.indicator_monthly(store, "assessment", until=OCT)
    service = service[pd.to_datetime(service["period"]) == pd.Timestamp(OCT)].set_index("code")
    sums = report.groupby("code")[["numerator", "denominator"]].sum(min_count=1)
    assert set(sums.index) == set(service.index)
    for code in ("ASSESS_45WD", "SUPERVISION", "CASELOAD"):
        assert sums.loc[code, "numerator"] == service.loc[code, "numerator"]
        assert sums.loc[code, "denominator"] == service.loc[code, "denominator"]
    teams = report.drop_duplicates("team_id")
    grade_counts = queries.audit_grade_counts(store, month=OCT, by=None, service_id="assessment").iloc[0]
    assert teams["audits_total"].sum() == sum(int(grade_counts[c]) for c in
                                              ("outstanding", "good", "requires_improvement", "inadequate"))
    assert (teams["audits_expected"] == 4).all()  # one team manager each, 4 a month


@pytest.mark.parametrize("month", [dt.date(2024, 3, 1), dt.date(2025, 8, 1), OCT])
def test_demo_done_and_shortfall_agree_with_the_audit_grades_page(store: Store, month: dt.date) -> None:
    """A team's audits done against expected are its people's rows on the Audit grades page's
    completion table (the same staff, rules and exemptions), for every team of the council."""
    people = audit_grades.audit_completion(store, month, by="auditor")
    teams = queries.teams(store).set_index("name")["team_id"]
    people = people[people["unit"].isin(teams.index)].assign(team_id=lambda f: f["unit"].map(teams))
    library = people.groupby("team_id")[["done", "expected", "shortfall"]].sum()
    mine = team_profiles.team_audits(store, month).set_index("team_id")
    assert len(mine) == 24
    for col, ours in (("done", "audits_done"), ("expected", "audits_expected"), ("shortfall", "audits_shortfall")):
        assert mine[ours].to_dict() == library[col].astype(int).reindex(mine.index, fill_value=0).to_dict(), col


def test_demo_service_month_matches_the_clinic_figures(store: Store) -> None:
    mine = team_profiles.service_month(store, OCT, "children_in_care").set_index("code")
    monthly = queries.indicator_monthly(store, "children_in_care", until=OCT)
    monthly = monthly[pd.to_datetime(monthly["period"]) == pd.Timestamp(OCT)].set_index("code")
    assert set(mine.index) == set(monthly.index)
    for code in mine.index:
        assert mine.loc[code, "value"] == pytest.approx(monthly.loc[code, "value"], nan_ok=True)


def test_demo_team_rag_follows_the_measure_rules(store: Store) -> None:
    report = team_profiles.team_report(store, OCT, "front_door")
    catalogue = queries.indicators(store).set_index("code")
    row = report[(report["team_id"] == "front_door_02") & (report["code"] == "CONTACT_24H")].iloc[0]
    series = queries.indicator_series(store, "CONTACT_24H", "team", "front_door_02").set_index("period")
    now = series.loc[pd.Timestamp(OCT), "value"]
    before = series.loc[pd.Timestamp(SEP), "value"]
    ind = catalogue.loc["CONTACT_24H"]
    assert row["value"] == pytest.approx(now)
    assert row["rag"] == rag_status(now, ind["target"], ind["polarity"], ind["rag_rule"], ind["tolerance"], before)
    assert row["direction"] == direction_of_travel(now, before, ind["polarity"])


def test_demo_team_view_picked_from_one_read_equals_each_months_read(store: Store) -> None:
    months = queries.months(store)
    data = team_profiles.team_data(store, months)
    for service in ("assessment", "cp_court", "disabilities"):
        for month in months[::5] + months[-2:]:
            _same_view(team_profiles.team_view_from(data, month, service, months=24),
                       team_profiles.team_view(store, month, service, months=24))


def test_demo_whole_council_and_earliest_month(store: Store) -> None:
    report = team_profiles.team_report(store, OCT)
    assert report["team_id"].nunique() == 24
    first = queries.months(store)[0]
    early = team_profiles.team_report(store, first, "cp_court")
    assert early["previous"].isna().all() and early["direction"].isna().all()


# -- the command line -----------------------------------------------------------------------
def test_cli_report_team_json(demo_db, capsys) -> None:
    code = main(["report", "team", "--db", str(demo_db), "--month", "2026-10", "--service", "assessment",
                 "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    rows = json.loads(out.out)
    assert len(rows) == 4 * 9
    contract = {"team", "code", "rag", "audits_done", "audits_expected", "pct_inadequate", "overdue_actions"}
    assert contract <= set(rows[0])
    assert {r["team_id"] for r in rows} == {"assessment_01", "assessment_02", "assessment_03", "assessment_04"}


def test_cli_report_team_csv_for_one_team(demo_db, capsys) -> None:
    code = main(["report", "team", "--db", str(demo_db), "--service", "assessment", "--team", "assessment_02"])
    out = capsys.readouterr()
    assert code == 0, out.err
    lines = out.out.strip().splitlines()
    assert lines[0].startswith("service_id,team_id,team,code,name,unit,value,numerator,denominator,target,rag")
    assert len(lines) == 1 + 9 and all(",assessment_02,Assessment South," in line for line in lines[1:])


@pytest.mark.parametrize("args, message", [
    (["--team", "nobody"], "error: There is no team 'nobody'"),
    (["--service", "assessment", "--team", "cp_court_01"], "belongs to the service 'cp_court'"),
    (["--service", "nowhere"], "error: There is no service 'nowhere'"),
])
def test_cli_unknown_team_exits_1_with_one_line(demo_db, capsys, args, message) -> None:
    code = main(["report", "team", "--db", str(demo_db), *args])
    out = capsys.readouterr()
    assert code == 1
    assert out.out == ""
    assert message in out.err and len(out.err.strip().splitlines()) == 1


# -- disclosure control (public=True) --------------------------------------------------------
def test_demo_public_profile_html_hides_small_counts(store: Store) -> None:
    from qa_core.rules import disclosure

    profile = team_profiles.team_profile(store, dt.date(2026, 10, 1), "assessment_01")
    # Assessment North, October 2026: 5 audits graded 0 Outstanding, 2 Good, 3 RI, 0 Inadequate.
    assert profile.grades["audits"].tolist() == [0, 2, 3, 0]
    public = team_profiles.public_profile(profile)
    # 2 and 3 are c, the total 5 is c too; the zeros stay 0; with the total hidden, no grade's %
    # or interval is shown (0 to 43.4% would give away 5 audits).
    assert public.grades["audits"].tolist() == [0, "c", "c", 0]
    assert set(public.grades["pct"]) == {"c"} and public.audits["audits_total"] == "c"
    page = team_profile_html.profile_html(profile, dt.date(2026, 11, 1), public=True)
    assert disclosure.NOTE.split(".")[0] in page and "For the notice board" in page
    assert "40.0%" not in page and "43.4%" not in page
    full = team_profile_html.profile_html(profile, dt.date(2026, 11, 1))
    assert "40.0%" in full and disclosure.NOT_CONTROLLED in full


def test_demo_public_team_report_has_no_count_from_1_to_5(store: Store) -> None:
    report = team_profiles.team_report(store, dt.date(2026, 10, 1), "assessment", public=True)
    counts = ["numerator", "denominator", "audits_done", "audits_expected", "audits_total", "overdue_actions",
              "audits_shortfall", "outstanding", "good", "requires_improvement", "inadequate",
              "overdue_up_to_2_weeks", "overdue_2_to_4_weeks", "overdue_over_4_weeks"]
    for col in counts:
        numbers = pd.to_numeric(report[col], errors="coerce")
        assert not ((numbers >= 1) & (numbers <= 5)).any(), col
    assert (report == "c").any().any()
    hidden = report["value"].map(lambda v: v == "c")
    assert report.loc[hidden, "rag"].isna().all()
    assert set(report["previous"].dropna()) == {":"}


def test_the_service_figure_of_any_month_is_picked_from_one_read(store: Store) -> None:
    """Issue 14: the Team profiles page picks the service's own figures from every month's and service's,
    read once; each pick is the month's own query (by code: that query's order is unspecified; sums of
    fractional counts agree to the last bits, added in another order)."""
    series, members = queries.indicator_series_all(store), store.query("SELECT code, service_id FROM indicator_service")
    months = queries.months(store)
    for month in [*months[:2], *months[-2:]]:
        for service in [*queries.services(store)["service_id"], "no_such_service"]:
            want = team_profiles.service_month(store, month, service).sort_values("code", ignore_index=True)
            pd.testing.assert_frame_equal(team_profiles.service_month_from(series, members, month, service), want,
                                          check_exact=False, rtol=1e-12, atol=0, obj=f"{month} {service}")
    assert not team_profiles.service_month_from(series, members, months[-1], "assessment").empty
