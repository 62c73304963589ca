"""Tests for qa_core.views.audit_grades: a tiny council built by hand, every expected number worked
out in the comments; then the small demo store checked against plain SQL and the library.

The hand-made council (months September and October 2026, plus one audit in August):

    service north (HoS Hana Head): team_a (manager Mia), team_b (manager Max)
    service south (HoS Sam Head):  team_c (manager Cal)

    October audits  auditor (role, own service)   case's team  overall  moderated  final
    a1              Mia (TM, north)               team_a       4        -          4
    a2              Mia                           team_a       2        3          3
    a3              Mia                           team_a       3        4          4
    a4              Mia                           team_a       2        -          2
    a5              Mia                           team_a       1        -          1
    a6              Max (TM, north)               team_b       2        2          2
    a7              Max                           team_b       4        3          3
    a8              Hana (HoS, north)             team_c       4        -          4   outside her service
    a9              Sam (HoS, south)              team_c       2        -          2   inside his own: not counted
    a10             Quinn (QA officer, thematic)  team_c       4        -          4
    September: b1 Cal team_c 4, b2 Cal team_c 2, b3 Mia team_a 3.   August: c1 Mia team_a 2.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.rules.audits import ASSESS_MISSES, ASSESS_NO_AUDITS, ASSESS_WORSE, Z_95
from qa_core.store import Store, queries
from qa_core.views import audit_grades as ar

OCT = dt.date(2026, 10, 1)
SEP = dt.date(2026, 9, 1)
AUG = dt.date(2026, 8, 1)
Z_998 = 3.090232306167813  # Φ⁻¹(0.999), statistics.NormalDist().inv_cdf(0.999)


def wilson_pct(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson interval written out, in percent."""
    p = k / n
    denom = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return max(centre - half, 0) * 100, min(centre + half, 1) * 100


def _audit(audit_id, date, team, service, auditor, role, own, overall, moderated=None, tier="tier1", case=None):
    return dict(audit_id=audit_id, audit_date=date, tier=tier, tool="Generic (2A)", case_ref=case or f"CR-{audit_id}",
                team_id=team, service_id=service, auditor=auditor, auditor_role=role, auditor_service=own,
                overall_grade=overall, moderated_grade=moderated, moderator="Moe" if moderated else None)


@pytest.fixture
def tiny() -> Store:
    store = Store(":memory:")
    d = dt.date
    audits = pd.DataFrame([
        _audit("a1", d(2026, 10, 2), "team_a", "north", "Mia", "team_manager", "north", 4),
        _audit("a2", d(2026, 10, 3), "team_a", "north", "Mia", "team_manager", "north", 2, 3),
        _audit("a3", d(2026, 10, 4), "team_a", "north", "Mia", "team_manager", "north", 3, 4),
        _audit("a4", d(2026, 10, 5), "team_a", "north", "Mia", "team_manager", "north", 2),
        _audit("a5", d(2026, 10, 6), "team_a", "north", "Mia", "team_manager", "north", 1),
        _audit("a6", d(2026, 10, 7), "team_b", "north", "Max", "team_manager", "north", 2, 2),
        _audit("a7", d(2026, 10, 8), "team_b", "north", "Max", "team_manager", "north", 4, 3),
        _audit("a8", d(2026, 10, 9), "team_c", "south", "Hana Head", "head_of_service", "north", 4, tier="tier2"),
        _audit("a9", d(2026, 10, 10), "team_c", "south", "Sam Head", "head_of_service", "south", 2, tier="tier2"),
        _audit("a10", d(2026, 10, 31), "team_c", "south", "Quinn", "qa_officer", None, 4, tier="thematic"),
        _audit("b1", d(2026, 9, 1), "team_c", "south", "Cal", "team_manager", "south", 4),
        _audit("b2", d(2026, 9, 15), "team_c", "south", "Cal", "team_manager", "south", 2),
        _audit("b3", d(2026, 9, 30), "team_a", "north", "Mia", "team_manager", "north", 3),
        _audit("c1", d(2026, 8, 20), "team_a", "north", "Mia", "team_manager", "north", 2),
    ])
    audits["moderated_grade"] = audits["moderated_grade"].astype("Int8")
    audits["has_iro"] = audits["audit_id"] == "a7"  # the one case with an IRO (a child in care)
    areas = pd.DataFrame([
        ("a1", "Risk assessment", 4), ("a1", "Voice of the child", 3),
        ("a3", "Risk assessment", 4), ("a3", "Voice of the child", 2),
        ("a8", "Risk assessment", 3), ("a8", "Voice of the child", 4),
        ("a2", "Risk assessment", 3), ("a2", "Voice of the child", 3),
        ("a4", "Risk assessment", 2), ("a4", "Voice of the child", 2),
    ], columns=["audit_id", "area", "grade"])
    actions = pd.DataFrame([
        ("x1", "a1", "Complete a risk assessment", "Ola", d(2026, 10, 10), None),
        ("x2", "a3", "Record the child's views", "Ola", d(2026, 10, 31), None),
        ("x3", "b1", "Update the chronology", "Pat", d(2026, 9, 20), d(2026, 11, 5)),
        ("x4", "b1", "Update the plan", "Pat", d(2026, 9, 25), d(2026, 10, 2)),
        ("x5", "a8", "Arrange a strategy discussion", "Pat", d(2026, 11, 5), None),
    ], columns=["action_id", "audit_id", "description", "owner", "due_date", "completed_date"])
    # The organisation as staff, rules and nothing exempt: the team managers 4 a month, the heads of
    # service 1 a month outside their own service, from August; audits are matched to staff by name.
    staff = pd.DataFrame([
        ("mia", "Mia", "team_manager", "team_a", "north"), ("max", "Max", "team_manager", "team_b", "north"),
        ("cal", "Cal", "team_manager", "team_c", "south"), ("hana", "Hana Head", "head_of_service", None, "north"),
        ("sam", "Sam Head", "head_of_service", None, "south"),
    ], columns=["staff_id", "name", "role", "team_id", "service_id"]).assign(auditor=True)
    rules = pd.DataFrame([("team_manager", AUG, 4, False), ("head_of_service", AUG, 1, True)],
                         columns=["role", "from_month", "audits_per_month", "outside_own_service"])
    store.insert_frames({
        "service": pd.DataFrame([("north", "North", "Hana Head", 1), ("south", "South", "Sam Head", 2)],
                                columns=["service_id", "name", "head_of_service", "sort_order"]),
        "team": pd.DataFrame([("team_a", "north", "Team A", "Mia"), ("team_b", "north", "Team B", "Max"),
                              ("team_c", "south", "Team C", "Cal")],
                             columns=["team_id", "service_id", "name", "manager"]),
        "audit": audits, "audit_area_grade": areas, "audit_action": actions,
        "staff": staff, "audit_expectation_rule": rules,
    })
    yield store
    store.close()


# ------------------------------------------------------------------------------------------
# Grades by month and the p-chart
# ------------------------------------------------------------------------------------------


def test_monthly_grades_counts_final_grades_each_month(tiny):
    frame = ar.monthly_grades(tiny, OCT)
    assert frame["group"].tolist() == ["2026-08", "2026-09", "2026-10"]
    oct_ = frame.iloc[-1]
    # Final grades in October: 1 Outstanding (a5), 3 Good (a4 a6 a9), 2 RI (a2 a7), 4 Inadequate.
    assert [int(oct_[c]) for c in ("outstanding", "good", "requires_improvement", "inadequate", "total")] == \
        [1, 3, 2, 4, 10]
    assert oct_["pct_inadequate"] == pytest.approx(40.0)
    assert (oct_["ci_low"], oct_["ci_high"]) == pytest.approx(wilson_pct(4, 10))
    assert oct_["pct_good_or_better"] == pytest.approx(40.0)
    sep = frame.iloc[1]  # b1 4, b2 2, b3 3: 1 of 3
    assert (int(sep["inadequate"]), int(sep["total"])) == (1, 3)
    # Three months is too few for p-chart limits (12 are needed).
    assert frame[["p_mean", "p_ucl", "p_lcl"]].isna().all().all()
    assert frame["special_cause"].isna().all()
    assert ar.trend_icons(frame) == {"variation": None, "assurance": None}


def test_monthly_grades_keeps_a_month_without_audits_for_the_service(tiny):
    frame = ar.monthly_grades(tiny, OCT, "south")
    aug = frame.iloc[0]
    assert aug["group"] == "2026-08" and int(aug["total"]) == 0
    assert aug["assessment"] == ASSESS_NO_AUDITS and pd.isna(aug["pct_inadequate"])
    assert frame["total"].tolist() == [0, 2, 3]  # Sep b1 b2; Oct a8 a9 a10
    assert frame["inadequate"].tolist() == [0, 1, 2]


def test_monthly_grades_stop_at_the_month_asked_for(tiny):
    assert ar.monthly_grades(tiny, SEP)["group"].tolist() == ["2026-08", "2026-09"]
    # A caller that already has the store's months passes them (no second look-up).
    given = ar.monthly_grades(tiny, OCT, months=[SEP, OCT])
    assert given["group"].tolist() == ["2026-09", "2026-10"] and given["total"].tolist() == [3, 10]


def test_p_chart_limits_on_the_demo_match_the_formula(store):
    frame = ar.monthly_grades(store, OCT)
    assert len(frame) == 36 and (frame["total"] > 0).all()
    # p-bar is all months' inadequate over all audits; limits p ± 3√(p(1−p)/n) for each month.
    p_bar = frame["inadequate"].sum() / frame["total"].sum()
    assert frame["p_mean"].iloc[0] == pytest.approx(p_bar * 100)
    last = frame.iloc[-1]
    sigma = math.sqrt(p_bar * (1 - p_bar) / last["total"])
    assert last["p_ucl"] == pytest.approx((p_bar + 3 * sigma) * 100)
    assert last["p_lcl"] == pytest.approx((p_bar - 3 * sigma) * 100)
    direct = store.query(
        "SELECT count(*) FILTER (WHERE coalesce(moderated_grade, overall_grade) = 4) AS k, count(overall_grade) AS n "
        "FROM audit WHERE audit_date >= '2026-10-01'")
    assert (int(last["inadequate"]), int(last["total"])) == (int(direct["k"][0]), int(direct["n"][0]))
    icons = ar.trend_icons(frame)
    assert icons["variation"] is not None and icons["assurance"]["letter"] in {"P", "F", "?"}


# ------------------------------------------------------------------------------------------
# Funnel
# ------------------------------------------------------------------------------------------


def test_funnel_limits_worked_example():
    # n = 36 at 10%: √(0.1 × 0.9 / 36) = 0.05, so 95% limits 10 ± 1.96 × 5 and 99.8% 10 ± 3.09 × 5.
    row = ar.funnel_limits([36]).iloc[0]
    assert row["lower_95"] == pytest.approx(10 - Z_95 * 5)
    assert row["upper_95"] == pytest.approx(10 + Z_95 * 5)  # 19.80
    assert row["lower_998"] == 0.0  # 10 − 15.45 is clipped at 0
    assert row["upper_998"] == pytest.approx(10 + Z_998 * 5)  # 25.45
    assert ar.Z_998 == pytest.approx(Z_998)
    zero = ar.funnel_limits([0]).iloc[0]
    assert zero[["lower_95", "upper_95"]].isna().all()
    with pytest.raises(QAError):
        ar.funnel_limits([-1])
    with pytest.raises(QAError):
        ar.funnel_limits([10], target_pct=0)


def test_funnel_by_service_over_a_window(tiny):
    frame = ar.funnel(tiny, OCT, window=2)  # September and October
    assert frame["name"].tolist() == ["North", "South"]  # the organisation's order
    north, south = frame.iloc[0], frame.iloc[1]
    # North: a1..a7 (finals 4 3 4 2 1 2 3) and b3 (3): 2 inadequate of 8. South: a8 a9 a10 b1 b2: 3 of 5.
    assert (int(north["inadequate"]), int(north["total"])) == (2, 8)
    assert (int(south["inadequate"]), int(south["total"])) == (3, 5)
    assert south["pct_inadequate"] == pytest.approx(60.0)
    assert (south["ci_low"], south["ci_high"]) == pytest.approx(wilson_pct(3, 5))  # 23.1% to 88.2%
    assert south["assessment"] == ASSESS_WORSE
    # South's 95% limit at n = 5 is 10 + 1.96 × √(0.09 / 5) = 36.3%; its 99.8% limit 51.5%: 60% is beyond both.
    se = math.sqrt(0.09 / 5) * 100
    assert south["upper_95"] == pytest.approx(10 + Z_95 * se)
    assert south["upper_998"] == pytest.approx(10 + Z_998 * se)
    assert south["position"] == "above the 99.8% limit"
    assert north["position"] == "within the limits" and north["assessment"] == ASSESS_MISSES  # 25%, n = 8
    assert frame["window_start"].iloc[0] == SEP and frame["window_end"].iloc[0] == dt.date(2026, 10, 31)


def test_funnel_by_team_for_one_service_and_for_the_council(tiny):
    north = ar.funnel(tiny, OCT, "north", window=1)
    assert north["name"].tolist() == ["Team A", "Team B"]
    team_a = north.iloc[0]
    # Team A in October: a1..a5, finals 4 3 4 2 1: 2 of 5 = 40%; Wilson 95% 11.8% to 76.9%, wholly above 10%.
    assert (int(team_a["inadequate"]), int(team_a["total"])) == (2, 5)
    assert team_a["assessment"] == ASSESS_WORSE
    assert team_a["position"] == "above the 95% limit"  # 95% limit 36.3% < 40% < 99.8% limit 51.5%
    council = ar.funnel(tiny, OCT, by="team", window=1)
    assert council["name"].tolist() == ["Team A", "Team B", "Team C"]
    assert council["service"].tolist() == ["North", "North", "South"]
    # A team with no audits in the window is still a row.
    aug = ar.funnel(tiny, AUG, by="team", window=1)
    assert aug["total"].tolist() == [1, 0, 0]
    assert aug["assessment"].tolist()[1:] == [ASSESS_NO_AUDITS] * 2
    assert aug["position"].tolist()[1:] == ["no audits"] * 2
    with pytest.raises(QAError):
        ar.funnel(tiny, OCT, by="auditor")


def test_funnel_position_agrees_with_the_wilson_verdict_on_the_demo(store):
    # Beyond the 95% funnel limit ⇔ the Wilson 95% interval excludes 10%, for every team and window.
    for window in ar.WINDOWS:
        frame = ar.funnel(store, OCT, by="team", window=window)
        above = frame["position"].str.startswith("above")
        below = frame["position"].str.startswith("below")
        assert (above == (frame["assessment"] == ASSESS_WORSE)).all()
        assert (below == (frame["assessment"] == "better than target (significant)")).all()
    # The teams' counts add up to the council's months in the window.
    frame = ar.funnel(store, OCT, by="team", window=12)
    months = ar.monthly_grades(store, OCT).tail(12)
    assert frame["total"].sum() == months["total"].sum()
    assert frame["inadequate"].sum() == months["inadequate"].sum()


# ------------------------------------------------------------------------------------------
# Areas behind Inadequate grades
# ------------------------------------------------------------------------------------------


def test_area_drivers_hand_worked(tiny):
    frame = ar.area_drivers(tiny, OCT, window=1).set_index("area")
    assert list(frame.index) == ["Risk assessment", "Voice of the child"]  # 66.7% before 33.3%
    risk, voice = frame.loc["Risk assessment"], frame.loc["Voice of the child"]
    # Inadequate audits with area grades: a1, a3, a8 (a10 is thematic: no areas).
    assert int(risk["inadequate_audits"]) == 3 and int(risk["inadequate_total"]) == 4
    # Risk: Inadequate in a1 and a3, RI in a8.
    assert (int(risk["area_inadequate"]), int(risk["area_ri"]), int(risk["area_weak"])) == (2, 1, 3)
    assert risk["pct_area_inadequate"] == pytest.approx(200 / 3)
    assert risk["pct_area_weak"] == pytest.approx(100.0)
    assert (risk["ci_low"], risk["ci_high"]) == pytest.approx(wilson_pct(2, 3))
    # Across all 5 audits with area grades (a1 a2 a3 a4 a8): Inadequate 2 (a1 a3), Inadequate or RI 4.
    assert (int(risk["all_audits"]), int(risk["all_inadequate"]), int(risk["all_weak"])) == (5, 2, 4)
    assert risk["pct_all_inadequate"] == pytest.approx(40.0)
    assert risk["pct_all_weak"] == pytest.approx(80.0)
    # Voice: Inadequate in a8, RI in a1; over all audits Inadequate 1 (a8), Inadequate or RI 3 (a1 a2 a8).
    assert (int(voice["area_inadequate"]), int(voice["area_ri"])) == (1, 1)
    assert voice["pct_area_weak"] == pytest.approx(200 / 3)
    assert (int(voice["all_inadequate"]), int(voice["all_weak"])) == (1, 3)


def test_area_drivers_for_a_service_and_when_nothing_is_inadequate(tiny):
    south = ar.area_drivers(tiny, OCT, "south", window=1)
    assert south["inadequate_audits"].tolist() == [1, 1]  # a8 only
    assert int(south["inadequate_total"].iloc[0]) == 2  # a8 and the thematic a10
    aug = ar.area_drivers(tiny, AUG, window=1)  # c1 is not an audit with area grades
    assert aug.empty


def test_area_drivers_on_the_demo_match_sql(store):
    frame = ar.area_drivers(store, OCT, window=12).set_index("area")
    direct = store.query("""
        SELECT g.area, count(*) AS n, count(*) FILTER (WHERE g.grade = 4) AS k
        FROM audit a JOIN audit_area_grade g USING (audit_id)
        WHERE a.audit_date >= '2025-11-01' AND a.audit_date < '2026-11-01'
          AND coalesce(a.moderated_grade, a.overall_grade) = 4
        GROUP BY g.area""").set_index("area")
    assert set(frame.index) == set(direct.index) and len(frame) == 24  # three graded tools' eight areas
    for area, row in direct.iterrows():
        assert int(frame.loc[area, "inadequate_audits"]) == int(row["n"])
        assert int(frame.loc[area, "area_inadequate"]) == int(row["k"])
    assert frame["pct_area_inadequate"].is_monotonic_decreasing


# ------------------------------------------------------------------------------------------
# Completion against expectation
# ------------------------------------------------------------------------------------------


def test_completion_per_auditor_applies_the_head_of_service_rule(tiny):
    frame = ar.audit_completion(tiny, OCT).set_index("auditor")
    assert list(frame.index) == ["Mia", "Max", "Cal", "Hana Head", "Sam Head"]  # team managers, then HoS
    expect = {  # expected, counted, not counted, shortfall
        "Mia": (4, 5, 0, 0), "Max": (4, 2, 0, 2), "Cal": (4, 0, 0, 4),
        "Hana Head": (1, 1, 0, 0),  # a8 is outside her service: it counts
        "Sam Head": (1, 0, 1, 1),  # a9 is inside his own service: done but not counted
    }
    for name, (exp, done, not_counted, short) in expect.items():
        row = frame.loc[name]
        assert (int(row["expected"]), int(row["done"]), int(row["not_counted"]), int(row["shortfall"])) == \
            (exp, done, not_counted, short), name
    assert frame.loc["Mia", "pct_complete"] == pytest.approx(125.0)
    assert frame.loc["Max", "pct_complete"] == pytest.approx(50.0)
    assert bool(frame.loc["Mia", "met"]) and not bool(frame.loc["Sam Head", "met"])
    assert frame.loc["Hana Head", "role"] == "Head of Service"
    assert frame.loc["Max", "unit"] == "Team B"


def test_completion_sums_shortfalls_manager_by_manager(tiny):
    services = ar.audit_completion(tiny, OCT, by="service").set_index("service")
    north = services.loc["North"]
    # North: Mia 5 of 4, Max 2 of 4, Hana 1 of 1: 8 of 9 done, but the shortfall is Max's 2, not 9 − 8 = 1.
    assert (int(north["expected"]), int(north["done"]), int(north["shortfall"])) == (9, 8, 2)
    assert north["pct_complete"] == pytest.approx(800 / 9)
    south = services.loc["South"]
    assert (int(south["expected"]), int(south["done"]), int(south["shortfall"]), int(south["not_counted"])) == \
        (5, 0, 5, 1)
    everyone = ar.audit_completion(tiny, OCT, by="all").iloc[0]
    assert (int(everyone["expected"]), int(everyone["done"]), int(everyone["shortfall"])) == (14, 8, 7)
    assert everyone["pct_complete"] == pytest.approx(800 / 14)


def test_completion_by_team_puts_heads_of_service_in_one_row(tiny):
    teams = ar.audit_completion(tiny, OCT, by="team")
    assert teams["unit"].tolist() == ["Team A", "Team B", "Team C", "Head of Service audits (outside own service)"]
    hos = teams.iloc[-1]
    assert hos["service"] == "All services"
    assert (int(hos["expected"]), int(hos["done"]), int(hos["not_counted"]), int(hos["shortfall"])) == (2, 1, 1, 1)
    south = ar.audit_completion(tiny, OCT, "south", by="team")
    assert south["unit"].tolist() == ["Team C", "Head of Service audits (outside own service)"]
    assert south["service"].tolist() == ["South", "South"]
    assert south["done"].tolist() == [0, 0]
    only = ar.audit_completion(tiny, OCT, "south")
    assert only["auditor"].tolist() == ["Cal", "Sam Head"]
    with pytest.raises(QAError):
        ar.audit_completion(tiny, OCT, by="month")


def test_completion_on_the_demo_adds_up(store):
    people = ar.audit_completion(store, OCT)
    total = ar.audit_completion(store, OCT, by="all").iloc[0]
    assert int(total["expected"]) == int(people["expected"].sum()) == 24 * 4 + 6
    assert int(total["done"]) == int(people["done"].sum())
    assert int(total["shortfall"]) == int(people["shortfall"].sum())
    # Team managers' counted audits are all their audits that month, wherever the case was.
    direct = store.query("SELECT auditor, count(*) AS n FROM audit WHERE auditor_role = 'team_manager' "
                         "AND audit_date >= '2026-10-01' GROUP BY auditor").set_index("auditor")["n"]
    managers = people[people["role"] == "Team Manager"].set_index("auditor")["done"]
    assert managers.sum() == direct.sum()
    assert (managers[direct.index] == direct).all()


# ------------------------------------------------------------------------------------------
# Moderation
# ------------------------------------------------------------------------------------------


def test_moderation_hand_worked(tiny):
    row = ar.moderation(tiny, OCT, window=1).iloc[0]
    # Moderated: a2 2→3 (down), a3 3→4 (down), a6 2→2 (kept), a7 4→3 (up).
    assert (int(row["audits"]), int(row["moderated"]), int(row["agreed"])) == (10, 4, 1)
    assert row["pct_moderated"] == pytest.approx(40.0)
    assert row["pct_agreement"] == pytest.approx(25.0)
    assert (row["agreement_ci_low"], row["agreement_ci_high"]) == pytest.approx(wilson_pct(1, 4))
    assert (int(row["upgraded"]), int(row["downgraded"])) == (1, 2)
    assert row["mean_shift"] == pytest.approx(0.25)  # (1 + 1 + 0 − 1) / 4
    # Good or better by the auditor: a2 a4 a5 a6 a9; moderated: a2 and a6.
    assert (int(row["good_audits"]), int(row["good_moderated"])) == (5, 2)
    assert row["pct_good_moderated"] == pytest.approx(40.0)


def test_moderation_by_service_and_the_matrix(tiny):
    frame = ar.moderation(tiny, OCT, window=1, by="service").set_index("service")
    assert int(frame.loc["North", "moderated"]) == 4
    south = frame.loc["South"]
    assert (int(south["audits"]), int(south["moderated"])) == (3, 0)
    assert pd.isna(south["pct_agreement"])  # nothing moderated: no agreement rate, not 0%
    grid = ar.moderation_grid(tiny, OCT, window=1)
    assert int(grid.to_numpy().sum()) == 4 and int(np.trace(grid.to_numpy())) == 1
    assert int(grid.loc["Good", "Requires Improvement"]) == 1
    assert int(grid.loc["Requires Improvement", "Inadequate"]) == 1
    assert int(grid.loc["Inadequate", "Requires Improvement"]) == 1
    teams = ar.moderation(tiny, OCT, "north", window=1, by="team")
    assert teams["team"].tolist() == ["Team A", "Team B"] and teams["moderated"].tolist() == [2, 2]
    empty = ar.moderation(tiny, AUG, "south", window=1)
    assert int(empty["audits"].iloc[0]) == 0 and int(empty["moderated"].iloc[0]) == 0


def test_moderation_on_the_demo_matches_sql(store):
    row = ar.moderation(store, OCT, window=12).iloc[0]
    direct = store.query("""
        SELECT count(moderated_grade) AS m, count(*) FILTER (WHERE moderated_grade = overall_grade) AS agreed,
               count(*) FILTER (WHERE moderated_grade > overall_grade) AS down
        FROM audit WHERE audit_date >= '2025-11-01' AND audit_date < '2026-11-01'""").iloc[0]
    assert (int(row["moderated"]), int(row["agreed"]), int(row["downgraded"])) == \
        (int(direct["m"]), int(direct["agreed"]), int(direct["down"]))
    by_service = ar.moderation(store, OCT, window=12, by="service")
    assert int(by_service["moderated"].sum()) == int(row["moderated"])


# ------------------------------------------------------------------------------------------
# Overdue actions and escalations
# ------------------------------------------------------------------------------------------


def test_overdue_actions_at_the_end_of_the_month(tiny):
    frame = ar.overdue_actions(tiny, OCT)
    # x3 due 20 Sep, done 5 Nov: 41 days overdue at 31 Oct. x1 due 10 Oct, not done: 21 days.
    # x2 is due on 31 Oct itself (not yet overdue), x4 was done on 2 Oct, x5 is due in November.
    assert frame["action_id"].tolist() == ["x3", "x1"]
    assert frame["days_overdue"].tolist() == [41, 21]
    assert frame["case_ref"].tolist() == ["CR-b1", "CR-a1"]
    assert frame["completed_date"].iloc[0] == pd.Timestamp(2026, 11, 5) and pd.isna(frame["completed_date"].iloc[1])
    assert frame["grade_name"].tolist() == ["Inadequate", "Inadequate"]
    assert ar.overdue_actions(tiny, OCT, "north")["action_id"].tolist() == ["x1"]
    # At the end of September: x3 (10 days) and x4 (due 25 Sep, done only on 2 Oct: 5 days).
    sep = ar.overdue_actions(tiny, SEP)
    assert sep["action_id"].tolist() == ["x3", "x4"] and sep["days_overdue"].tolist() == [10, 5]
    assert ar.overdue_actions(tiny, AUG).empty


def test_overdue_actions_on_the_demo_match_sql(store):
    frame = ar.overdue_actions(store, OCT)
    n = store.scalar("SELECT count(*) FROM audit_action WHERE due_date < DATE '2026-10-31' "
                     "AND (completed_date IS NULL OR completed_date > DATE '2026-10-31')")
    assert len(frame) == n > 0
    assert frame["days_overdue"].is_monotonic_decreasing and (frame["days_overdue"] > 0).all()


def test_escalations_due_for_inadequate_audits(tiny):
    frame = ar.escalations_due(tiny, OCT)
    assert frame["audit_id"].tolist() == ["a1", "a3", "a8", "a10"]  # final grade Inadequate, by date
    assert frame["case_ref"].tolist() == ["CR-a1", "CR-a3", "CR-a8", "CR-a10"]
    assert frame["escalate_to"].tolist() == [
        "Head of Service (Hana Head); Assistant Director", "Head of Service (Hana Head); Assistant Director",
        "Head of Service (Sam Head); Assistant Director", "Head of Service (Sam Head); Assistant Director"]
    assert frame["moderated"].tolist() == [False, True, False, False]  # a3 moderated from RI to Inadequate
    assert frame["overall_grade"].tolist() == [4, 3, 4, 4]
    # a7 was Inadequate by the auditor but moderated to RI: its escalation is RI's.
    every = ar.escalations_due(tiny, OCT, grades=(1, 2, 3, 4)).set_index("audit_id")
    assert len(every) == 10
    assert every.loc["a7", "escalate_to"] == "Head of Service (Hana Head); Team Manager (Max); IRO / conference chair"
    assert every.loc["a4", "escalate_to"] == "Team Manager (Mia)"
    # a2 (moderated to RI) is a case with no IRO: the IRO is told only where the audit says there is one.
    assert every.loc["a2", "escalate_to"] == "Head of Service (Hana Head); Team Manager (Mia)"
    assert every.loc["a5", "escalate_to"] == "Team Manager (Mia); Head of Service (Hana Head); Assistant Director"
    assert ar.escalations_due(tiny, OCT, "north")["audit_id"].tolist() == ["a1", "a3"]
    none = ar.escalations_due(tiny, AUG)
    assert none.empty and "case_ref" in none.columns
    with pytest.raises(QAError):
        ar.escalations_due(tiny, OCT, grades=(5,))


def test_escalations_on_the_demo_match_the_month_report(store):
    row = ar.audits_report(store, month=OCT).iloc[0]
    frame = ar.escalations_due(store, OCT)
    assert len(frame) == int(row["inadequate"]) > 0
    assert frame["escalate_to"].str.endswith("; Assistant Director").all()
    heads = queries.services(store).set_index("name")["head_of_service"]
    assert all(f"Head of Service ({heads[s]})" in e for s, e in zip(frame["service"], frame["escalate_to"],
                                                                    strict=True))


# ------------------------------------------------------------------------------------------
# An empty store and bad input
# ------------------------------------------------------------------------------------------


def test_an_empty_store_gives_empty_frames_not_errors():
    with Store(":memory:") as empty:
        monthly = ar.monthly_grades(empty, OCT)
        assert len(monthly) == 1 and int(monthly["total"].iloc[0]) == 0
        assert ar.funnel(empty, OCT).empty
        assert ar.area_drivers(empty, OCT).empty
        assert ar.audit_completion(empty, OCT).empty
        assert int(ar.audit_completion(empty, OCT, by="all")["expected"].sum()) == 0
        assert int(ar.moderation(empty, OCT)["moderated"].iloc[0]) == 0
        assert ar.moderation(empty, OCT, by="team").empty
        assert int(ar.moderation_grid(empty, OCT).to_numpy().sum()) == 0
        assert ar.overdue_actions(empty, OCT).empty
        assert ar.escalations_due(empty, OCT).empty


def test_a_month_must_be_a_date(tiny):
    with pytest.raises(QAError):
        ar.funnel(tiny, "2026-10")


# ------------------------------------------------------------------------------------------
# Who sees what: the case-level lists hold only the rows the viewer may see
# ------------------------------------------------------------------------------------------


def test_overdue_actions_for_each_role(tiny):
    from qa_core.roles import Viewer

    # October's overdue actions are x3 (audit b1: south, team_c) and x1 (audit a1: north, team_a).
    def ids(viewer):
        return ar.overdue_actions(tiny, OCT, viewer=viewer)["action_id"].tolist()

    assert ids(None) == ids(Viewer()) == ids(Viewer("qa_lead")) == ["x3", "x1"]
    assert ids(Viewer("head_of_service", "north")) == ["x1"]
    assert ids(Viewer("head_of_service", "south")) == ["x3"]
    assert ids(Viewer("team_manager", "team_a")) == ["x1"]
    assert ids(Viewer("team_manager", "team_b")) == []
    assert ids(Viewer("scrutiny")) == [] and ids(Viewer("admin")) == []
    # A head of service who picks another service sees none of its actions...
    assert ar.overdue_actions(tiny, OCT, "south", Viewer("head_of_service", "north")).empty
    # ...but the count, an aggregate, is the same for everyone: 2 council-wide, 1 in north.
    assert ar.overdue_count(tiny, OCT) == 2 and ar.overdue_count(tiny, OCT, "north") == 1


def test_escalations_due_for_each_role(tiny):
    from qa_core.roles import Viewer

    # Inadequate in October: a1, a3 (north, team_a), a8, a10 (south, team_c).
    def ids(viewer):
        return ar.escalations_due(tiny, OCT, viewer=viewer)["audit_id"].tolist()

    assert ids(Viewer("qa_lead")) == ["a1", "a3", "a8", "a10"]
    assert ids(Viewer("head_of_service", "south")) == ["a8", "a10"]
    assert ids(Viewer("team_manager", "team_a")) == ["a1", "a3"]
    assert ids(Viewer("team_manager", "team_b")) == []
    assert ids(Viewer("scrutiny")) == []


def test_completion_by_manager_for_each_role(tiny):
    from qa_core.roles import Viewer

    def names(viewer, by="auditor"):
        return ar.audit_completion(tiny, OCT, by=by, viewer=viewer)

    everyone = names(None)["auditor"].tolist()
    assert sorted(everyone) == ["Cal", "Hana Head", "Max", "Mia", "Sam Head"]
    # North's head of service: north's two team managers and herself (her roster row is north's).
    assert sorted(names(Viewer("head_of_service", "north"))["auditor"]) == ["Hana Head", "Max", "Mia"]
    # Team A's manager: only her own row (the Head of Service row has no team).
    mia = names(Viewer("team_manager", "team_a"))
    assert mia["auditor"].tolist() == ["Mia"]
    # Her row's numbers are the same as in the AD's table: filtering never changes a row.
    full = names(None).set_index("auditor").loc["Mia"]
    assert mia.iloc[0][["expected", "done", "shortfall"]].tolist() == full[["expected", "done", "shortfall"]].tolist()
    assert names(Viewer("scrutiny")).empty
    # Grouped views are aggregates: the viewer does not change them.
    pd.testing.assert_frame_equal(names(Viewer("team_manager", "team_a"), "team"), names(None, "team"))


def test_audits_by_auditor_counts_only_the_viewers_audits(tiny):
    from qa_core.roles import Viewer

    # October, team_a: Mia's five audits (a1-a5). South: a8 (Hana Head), a9 (Sam Head), a10 (Quinn).
    tm = ar.audits_report(tiny, OCT, by="auditor", viewer=Viewer("team_manager", "team_a"))
    assert tm["group"].tolist() == ["Mia"] and tm["total"].tolist() == [5]
    hos = ar.audits_report(tiny, OCT, by="auditor", viewer=Viewer("head_of_service", "south"))
    assert sorted(hos["group"]) == ["Hana Head", "Quinn", "Sam Head"] and hos["total"].sum() == 3
    # By team (an aggregate) the viewer changes nothing.
    pd.testing.assert_frame_equal(ar.audits_report(tiny, OCT, by="team", viewer=Viewer("team_manager", "team_a")),
                                  ar.audits_report(tiny, OCT, by="team"))


def test_the_escalation_note_names_each_grades_roles_in_order():
    # The page states the framework's escalation table in a sentence; it must name exactly the roles
    # of rules.audits.ESCALATION for each grade, in that order.
    from qa_core.rules.audits import AUDIT_ROLE_LABELS, ESCALATION, GRADES

    def words(text: str) -> str:
        return text.lower().replace(" / ", "/")

    body = ar.ESCALATION_NOTE.split("): ", 1)[1].split(". The final grade")[0]
    stated = dict(part.split(": ", 1) for part in body.split("; "))
    assert list(stated) == [GRADES[g] for g in (4, 3, 2, 1)]
    for grade, roles in ESCALATION.items():
        named = [words(r) for r in stated[GRADES[grade]].replace(" and ", ", ").split(", ")]
        assert named == [words(AUDIT_ROLE_LABELS[r]) for r in roles], GRADES[grade]


def _roster_row(month: str, staff: str, role: str, service: str, per_month: int, audits: int, counting: int,
                start: str | None = None, exempt: bool = False) -> dict:
    return {"month": pd.Timestamp(month), "staff_id": staff, "auditor": f"Person {staff}", "role": role,
            "team_id": f"{service}_t" if role == "team_manager" else None, "service_id": service,
            "service": service.upper(), "service_order": 1 if service == "s1" else 2,
            "team": f"{service} team" if role == "team_manager" else None, "audits_per_month": per_month,
            "outside_own_service": role == "head_of_service", "start_date": pd.Timestamp(start) if start else pd.NaT,
            "end_date": pd.NaT, "exempt": exempt, "reason": "Leave" if exempt else None,
            "approved_by": None, "audits": audits, "counting": counting}


def test_completion_totals_of_every_month_and_service_worked_by_hand() -> None:
    """October: A (team manager, s1) did 6 of 4, B (s1) 1 of 4, C (head of service, s2) 2 audits of which
    1 outside s2 (1 expected). November: A exempt, D joined on 10 November (a part month, 2 audits not
    counted), C 1 of 1.

    Council, October: expected 4 + 4 + 1 = 9, counted 6 + 1 + 1 = 8, not counted 1 (C's inside s2),
    shortfall 0 + 3 + 0 = 3 (not 9 - 8 = 1), 8 / 9 = 88.9%. s1: 8, 7, shortfall 3, 87.5%. s2: 1 of 1.
    Council, November: expected 1 (C), counted 1, not counted 2 (D's), one exempt, one part month."""
    rosters = pd.DataFrame([
        _roster_row("2026-10-01", "A", "team_manager", "s1", 4, 6, 6),
        _roster_row("2026-10-01", "B", "team_manager", "s1", 4, 1, 1),
        _roster_row("2026-10-01", "C", "head_of_service", "s2", 1, 2, 1),
        _roster_row("2026-11-01", "A", "team_manager", "s1", 4, 0, 0, exempt=True),
        _roster_row("2026-11-01", "C", "head_of_service", "s2", 1, 1, 1),
        _roster_row("2026-11-01", "D", "team_manager", "s1", 4, 2, 2, start="2026-11-10"),
    ])
    totals = ar.completion_totals(rosters)
    columns = ["expected", "done", "not_counted", "shortfall", "met", "exempt", "part_month"]

    def row(month: dt.date, service: str | None) -> list:
        picked = ar.completion_total_from(totals, month, service)
        assert picked["scope"].tolist() == ["All"] and len(picked) == 1
        return [*picked[columns].iloc[0].tolist(), round(float(picked["pct_complete"].iloc[0]), 1)]

    oct_, nov = dt.date(2026, 10, 1), dt.date(2026, 11, 1)
    assert row(oct_, None) == [9, 8, 1, 3, False, 0, 0, 88.9]
    assert row(oct_, "s1") == [8, 7, 0, 3, False, 0, 0, 87.5]
    assert row(oct_, "s2") == [1, 1, 1, 0, True, 0, 0, 100.0]
    assert row(nov, None) == [1, 1, 2, 0, True, 1, 1, 100.0]
    assert row(nov, "s1")[:7] == [0, 0, 2, 0, True, 1, 1]  # nothing expected: no percentage
    assert ar.completion_total_from(totals, nov, "s3") is None
    assert ar.completion_total_from(totals, dt.date(2026, 12, 1), None) is None
