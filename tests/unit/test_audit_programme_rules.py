"""The audit programme's rules with hand-worked values: working-day deadlines (a weekend, a bank
holiday, Christmas), theme coverage over a year, auditor capacity across joiners, leavers and moves
to moderator (the Gloucestershire committee's December 2018 figures), the Tier 2 random selection,
the IRO told only where the case has one, and yes/no compliance."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.rules.audit_programme import (
    auditor_capacity,
    compliance_summary,
    select_tier2,
    target_in_force,
    theme_coverage,
)
from qa_core.rules.audits import escalations
from qa_core.rules.deadlines import (
    DUE,
    LATE,
    ON_TIME,
    OVERDUE,
    add_working_days,
    bank_holidays,
    deadline_status,
    is_working_day,
)

D = dt.date


# -- working days ---------------------------------------------------------------------------------
def test_five_working_days_over_a_weekend_and_the_august_bank_holiday():
    # Thursday 21 August 2025: Fri 22 (1), Sat 23 and Sun 24 skipped, Mon 25 August the summer bank
    # holiday skipped, Tue 26 (2), Wed 27 (3), Thu 28 (4), Fri 29 (5).
    assert D(2025, 8, 25) in bank_holidays(2025)
    assert add_working_days(D(2025, 8, 21), 5) == D(2025, 8, 29)
    # Calendar days would have said Tuesday 26 August: the rule is working days.
    assert add_working_days(D(2025, 8, 21), 5) != D(2025, 8, 21) + dt.timedelta(days=5)
    # An audit on a Saturday: Tue 26 (1) ... Mon 1 September (5).
    assert add_working_days(D(2025, 8, 23), 5) == D(2025, 9, 1)


def test_christmas_and_the_boxing_day_substitute():
    # Wed 24 December 2025: 25 and 26 are bank holidays, 27-28 the weekend: Mon 29 (1), Tue 30 (2),
    # Wed 31 (3), 1 January a bank holiday, Fri 2 (4), Mon 5 January 2026 (5).
    assert add_working_days(D(2025, 12, 24), 5) == D(2026, 1, 5)
    # Boxing Day 2026 is a Saturday: Monday 28 December is the holiday in its place.
    assert not is_working_day(D(2026, 12, 28))
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)


def test_working_days_over_a_column_match_one_at_a_time():
    days = pd.Series([D(2025, 8, 21), None, D(2025, 8, 23), D(2025, 12, 24)])
    assert add_working_days(days, 5).tolist() == [D(2025, 8, 29), None, D(2025, 9, 1), D(2026, 1, 5)]
    assert add_working_days(D(2025, 8, 21), 0) == D(2025, 8, 21)
    with pytest.raises(QAError):
        add_working_days(D(2025, 8, 21), -1)
    with pytest.raises(QAError, match="1990"):
        add_working_days(D(1900, 1, 1), 5)


def test_deadline_status_on_time_late_overdue_and_not_yet_due():
    deadline = pd.Series([D(2025, 8, 29)] * 5)
    done = pd.Series([D(2025, 8, 29), D(2025, 9, 1), None, None, D(2025, 9, 3)])
    assert deadline_status(deadline, done, D(2025, 9, 2)).tolist() == [ON_TIME, LATE, OVERDUE, OVERDUE, OVERDUE]
    # On the deadline itself nothing is overdue yet; done after the date asked about is not done then.
    assert deadline_status(deadline, done, D(2025, 8, 29)).tolist() == [ON_TIME, DUE, DUE, DUE, DUE]


# -- themes ---------------------------------------------------------------------------------------
def test_theme_coverage_over_a_financial_year():
    months = [D(2025, 4, 1) + pd.DateOffset(months=i) for i in range(12)]
    months = [m.date() for m in months]  # April 2025 to March 2026
    plan = pd.DataFrame(
        {
            "month": [D(2025, 4, 1), D(2025, 10, 1), D(2025, 5, 1), D(2025, 11, 1), D(2025, 6, 1), D(2024, 12, 1)],
            "theme": ["Neglect", "Neglect", "Exploitation", "Exploitation", "Pre-birth", "Neglect"],
        }
    )
    done = pd.DataFrame(
        {
            "month": [D(2025, 4, 1), D(2025, 10, 1), D(2025, 5, 1), D(2025, 6, 1), D(2025, 9, 1), D(2024, 12, 1)],
            "theme": ["Neglect", "Neglect", "Exploitation", "Pre-birth", "Pre-birth", "Neglect"],
            "audits": [3, 2, 2, 1, 1, 4],
        }
    )
    frame = theme_coverage(plan, done, months, per_year=2).set_index("theme")
    assert list(frame.index) == ["Exploitation", "Neglect", "Pre-birth"]
    # Neglect: planned and audited in April and October (December 2024 is outside the year).
    assert frame.loc["Neglect", ["planned_months", "audited_months", "audits", "meets", "plan_meets"]].tolist() == [
        2,
        2,
        5,
        True,
        True,
    ]
    assert frame.loc["Neglect", "audited_in"] == "Apr 2025, Oct 2025"
    # Exploitation: planned twice, audited only in May: one planned month without an audit, not met.
    assert frame.loc["Exploitation", ["planned_months", "audited_months", "planned_not_audited", "meets"]].tolist() == [
        2,
        1,
        1,
        False,
    ]
    # Pre-birth: planned once (the plan falls short), audited in June and, unplanned, September: met.
    assert frame.loc["Pre-birth", ["planned_months", "audited_months", "plan_meets", "meets"]].tolist() == [
        1,
        2,
        False,
        True,
    ]
    # Three times a year: nobody meets it.
    assert not theme_coverage(plan, done, months, per_year=3)["meets"].any()
    with pytest.raises(QAError):
        theme_coverage(plan, done, months, per_year=0)


# -- capacity -------------------------------------------------------------------------------------
def _pool(movers_still_audit: bool) -> pd.DataFrame:
    """85 trained auditors in post before the data; in December 2018 three leave and three become
    moderators; one more is trained in December; one moderator has been in post throughout."""
    rows = [
        dict(auditor=True, moderator=False, start_date=None, end_date=None, auditor_from=None, moderator_from=None)
        for _ in range(79)
    ]
    rows += [
        dict(
            auditor=True,
            moderator=False,
            start_date=None,
            end_date=D(2018, 12, d),
            auditor_from=None,
            moderator_from=None,
        )
        for d in (3, 14, 31)
    ]
    rows += [
        dict(
            auditor=movers_still_audit,
            moderator=True,
            start_date=None,
            end_date=None,
            auditor_from=D(2017, 6, 1),
            moderator_from=D(2018, 12, d),
        )
        for d in (1, 10, 31)
    ]
    rows += [
        dict(
            auditor=True,
            moderator=False,
            start_date=D(2016, 1, 4),
            end_date=None,
            auditor_from=D(2018, 12, 12),
            moderator_from=None,
        )
    ]
    rows += [
        dict(auditor=False, moderator=True, start_date=None, end_date=None, auditor_from=None, moderator_from=None)
    ]
    return pd.DataFrame(rows)


def test_capacity_across_leavers_and_moves_to_moderator_gloucestershire_december_2018():
    targets = pd.DataFrame({"target": ["auditors"], "from_month": [D(2018, 11, 1)], "value": [85.0]})
    frame = auditor_capacity(
        _pool(movers_still_audit=False), [D(2018, 11, 1), D(2018, 12, 1), D(2019, 1, 1)], targets
    ).set_index("month")
    nov, dec, jan = frame.loc[D(2018, 11, 1)], frame.loc[D(2018, 12, 1)], frame.loc[D(2019, 1, 1)]
    # November: the 85 (79 staying, 3 leaving in December, 3 moving in December); target met.
    assert (nov["auditors"], nov["moderators"], nov["auditors_target"], nov["auditors_short"]) == (85, 1, 85.0, 0)
    # December: 85 + 1 trained - 3 left (one on the 31st, the last day: gone by the month's end)
    # - 3 moved to moderator = 80; moderators 1 + 3.
    assert (dec["joined"], dec["left"], dec["moved_to_moderator"], dec["became_moderator"]) == (1, 3, 3, 3)
    assert (dec["auditors"], dec["moderators"], dec["auditors_short"]) == (80, 4, 5)
    assert dec["auditors"] == nov["auditors"] + dec["joined"] - dec["left"] - dec["moved_to_moderator"]
    assert (jan["auditors"], jan["joined"], jan["left"], jan["moved_to_moderator"]) == (80, 0, 0, 0)


def test_capacity_when_new_moderators_keep_auditing():
    # The committee's later figure: 85 - 3 left = 82 trained auditors, the 3 new moderators among them
    # (they still audit). Without the December trainee: drop the last auditor row.
    pool = _pool(movers_still_audit=True)
    pool = pool.drop(index=pool.index[pool["auditor_from"] == D(2018, 12, 12)])
    dec = auditor_capacity(pool, [D(2018, 12, 1)]).iloc[0]
    assert (dec["auditors"], dec["left"], dec["moved_to_moderator"], dec["became_moderator"], dec["moderators"]) == (
        82,
        3,
        0,
        3,
        4,
    )
    assert pd.isna(dec["auditors_target"]) and pd.isna(dec["auditors_short"])  # no target set: none judged


def test_a_target_in_force_is_the_latest_from_month_not_after_the_month():
    targets = pd.DataFrame(
        {
            "target": ["auditors", "auditors", "escalation_working_days"],
            "from_month": [D(2018, 4, 1), D(2019, 4, 1), D(2018, 1, 1)],
            "value": [85.0, 90.0, 3.0],
        }
    )
    assert target_in_force(targets, "auditors", D(2019, 3, 1)) == 85.0
    assert target_in_force(targets, "auditors", D(2019, 4, 1)) == 90.0
    assert target_in_force(targets, "auditors", D(2018, 3, 1)) is None
    assert target_in_force(targets, "escalation_working_days", D(2020, 1, 1)) == 3.0
    assert target_in_force(targets.iloc[:0], "remedial_working_days", D(2020, 1, 1)) == 5  # the framework's
    with pytest.raises(QAError, match="no audit target"):
        target_in_force(targets, "sickness", D(2020, 1, 1))


# -- Tier 2 ---------------------------------------------------------------------------------------
HEADS = pd.DataFrame(
    {
        "staff_id": ["H3", "H1", "H2", "H4"],
        "head_of_service": ["Cara Head", "Ann Head", "Ben Head", "Dee Vacant"],
        "service_id": ["cic", "front", "assess", None],
    }
)
CASES = pd.DataFrame(
    {
        "case_ref": [f"CR{i:03d}" for i in range(30)],
        "service_id": [["front", "assess", "cic"][i % 3] for i in range(30)],
        "team_id": [f"{['front', 'assess', 'cic'][i % 3]}_01" for i in range(30)],
    }
)


def test_tier2_is_reproducible_and_never_inside_the_heads_own_service():
    first = select_tier2(HEADS, CASES, D(2026, 10, 1), seed=7)
    again = select_tier2(HEADS.sample(frac=1, random_state=3), CASES.sample(frac=1, random_state=4), D(2026, 10, 1), 7)
    pd.testing.assert_frame_equal(first, again)  # the same picks whatever order the rows came in
    assert first["head_staff_id"].tolist() == ["H1", "H2", "H3", "H4"]
    assert list(first.columns[1:]) == [
        "head_of_service",
        "head_of_service_service",
        "case_ref",
        "service_id",
        "team_id",
    ]
    picked = first.dropna(subset=["case_ref"])
    assert (picked["service_id"] != picked["head_of_service_service"]).all()
    assert picked["case_ref"].is_unique
    # A head whose own service is not recorded gets no case (none can be shown to be outside it).
    assert first.set_index("head_staff_id").loc["H4", ["case_ref", "service_id"]].isna().all()
    for seed in range(200):  # never inside their own service, whatever the draw
        for month in (D(2026, 1, 1), D(2026, 7, 1)):
            rows = select_tier2(HEADS, CASES, month, seed).dropna(subset=["case_ref"])
            assert (rows["service_id"] != rows["head_of_service_service"]).all()
    # Another seed or month draws again.
    others = {tuple(select_tier2(HEADS, CASES, D(2026, 10, 1), s)["case_ref"].fillna("")) for s in range(8)}
    assert len(others) > 1


def test_tier2_with_no_case_outside_the_service_picks_none():
    only_front = CASES[CASES["service_id"] == "front"]
    frame = select_tier2(HEADS.iloc[[1]], only_front, D(2026, 10, 1), 1)
    assert frame["case_ref"].isna().all() and frame["head_of_service_service"].tolist() == ["front"]
    with pytest.raises(QAError):
        select_tier2(HEADS, CASES, D(2026, 10, 1), -1)


# -- escalation: the IRO where relevant ----------------------------------------------------------
def test_the_iro_is_told_only_where_the_audit_says_the_case_has_one():
    audits = pd.DataFrame(
        {
            "audit_id": ["a", "b", "c"],
            "overall_grade": [3, 3, 3],
            "moderated_grade": [None] * 3,
            "has_iro": [True, False, None],
        }
    )
    rows = escalations(audits)
    assert rows.groupby("audit_id")["notify_role"].agg(list).to_dict() == {
        "a": ["head_of_service", "team_manager", "iro"],
        "b": ["head_of_service", "team_manager"],
        "c": ["head_of_service", "team_manager"],
    }
    # Without the column (an older caller), the framework's list stands whole.
    assert escalations(audits.drop(columns="has_iro"))["notify_role"].tolist().count("iro") == 3


# -- compliance -----------------------------------------------------------------------------------
def test_yes_no_compliance_with_its_wilson_interval():
    answers = pd.DataFrame({"tool": ["sup"] * 10 + ["other"] * 2, "answer": [True] * 8 + [False] * 2 + [True, True]})
    frame = compliance_summary(answers, by=["tool"]).set_index("tool")
    sup = frame.loc["sup"]
    assert (sup["yes"], sup["answered"], sup["pct_yes"]) == (8, 10, 80.0)
    # Wilson 95% for 8 of 10: 49.0% to 94.3%.
    assert (round(sup["ci_low"], 1), round(sup["ci_high"], 1)) == (49.0, 94.3)
    assert frame.loc["other", "ci_high"] == 100.0
