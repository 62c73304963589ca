"""Completion against expectation from the staff list, the rules and the exemptions, with every
number worked by hand.

The council (October 2026 unless said):

    services N (north) and S (south); teams TA and TB in N, TC in S
    rules   team_manager: 3 a month April-September 2026, 4 a month from October 2026
            head_of_service: 1 a month from April 2026, only audits outside their own service count

    staff           role  team  in post                 October audits (case's service)
    ann  Ann Ash    TM    TA    always                  3 (N)                 -> 3 of 4, shortfall 1
    bob  Bob Birch  TM    TB    always, exempt October  2 (N)                 -> neither: 0 of 0, 2 not counted
    cat  Cat Cole   TM    TC    left 15 October         1 (S)                 -> part month: 0 of 0, 1 not counted
    dan  Dan Dale   TM    TC    started 16 October      1 (S)                 -> part month: 0 of 0, 1 not counted
    hal  Hal Hart   HoS   (N)   always                  1 in TC (S), 1 in TA  -> 1 of 1; the one in N not counted
    sue  Sue Shaw   HoS   (S)   always                  1 in TC (S): her own  -> 0 of 1, shortfall 1
    eve  Eve Ash    SW    TA    always, not an auditor  -                     -> not on the roster
    Quinn (not on the staff list) did a thematic audit: it belongs to nobody's expectation.

    October, council: expected 4 + 1 + 1 = 6, done 3 + 1 = 4 (66.7%), shortfall 1 + 1 = 2,
    exempt 1 (Bob), part month 2 (Cat, Dan), not counted 2 + 1 + 1 + 1 + 1 = 6.
    North (Ann, Bob, Hal): 5 expected, 4 done, shortfall 1 (80%). South (Cat, Dan, Sue): 1, 0, 1.
    September: Ann 2 of 3 (the old rule), Cat 1 of 3, Bob 0 of 3; Dan had not started.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.roles import Viewer
from qa_core.rules.expectations import expected_audits
from qa_core.store import Store, queries
from qa_core.views import audit_grades, team_profiles

OCT = dt.date(2026, 10, 1)
SEP = dt.date(2026, 9, 1)
NOV = dt.date(2026, 11, 1)


# -- the rule, on its own --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "exempt", "expected", "part"),
    [
        (None, None, False, 4, False),  # in post throughout
        (dt.date(2026, 10, 1), None, False, 4, False),  # joined on the 1st: a whole month
        (dt.date(2026, 10, 2), None, False, 0, True),  # joined on the 2nd: part month
        (None, dt.date(2026, 10, 30), False, 0, True),  # left on the 30th: part month
        (None, dt.date(2026, 10, 31), False, 4, False),  # left on the last day: whole month
        (None, None, True, 0, False),  # exempt: neither expected nor missed
        (dt.date(2026, 11, 1), None, False, 0, False),  # not yet in post: not part of the month
        (dt.date(2026, 10, 10), dt.date(2026, 10, 20), False, 0, True),  # in and out within the month
    ],
)
def test_expected_audits_by_hand(start, end, exempt, expected, part) -> None:
    roster = pd.DataFrame({"audits_per_month": [4], "start_date": [start], "end_date": [end], "exempt": [exempt]})
    out = expected_audits(roster, OCT).iloc[0]
    assert (int(out["expected"]), bool(out["part_month"])) == (expected, part)


def test_expected_audits_refuses_a_broken_roster() -> None:
    with pytest.raises(QAError):
        expected_audits(pd.DataFrame({"audits_per_month": [4]}), OCT)
    with pytest.raises(QAError):
        expected_audits(
            pd.DataFrame({"audits_per_month": [2.5], "start_date": [None], "end_date": [None], "exempt": [False]}), OCT
        )


# -- the store ---------------------------------------------------------------------------------
def _audit(
    audit_id: str,
    day: dt.date,
    team: str,
    service: str,
    auditor: str,
    tier: str = "tier1",
    auditor_id: str | None = None,
) -> dict:
    return dict(
        audit_id=audit_id,
        audit_date=day,
        tier=tier,
        team_id=team,
        service_id=service,
        auditor=auditor,
        auditor_role="team_manager",
        auditor_service=None,
        overall_grade=2,
        auditor_id=auditor_id,
    )


@pytest.fixture
def council() -> Store:
    store = Store(":memory:")
    d = dt.date
    audits = [
        _audit("a1", d(2026, 10, 2), "TA", "N", "Ann Ash"),
        _audit("a2", d(2026, 10, 3), "TA", "N", "ann ash "),
        _audit("a3", d(2026, 10, 4), "TA", "N", "Someone Else", auditor_id="ann"),  # the id wins over the name
        _audit("b1", d(2026, 10, 5), "TB", "N", "Bob Birch"),
        _audit("b2", d(2026, 10, 6), "TB", "N", "Bob Birch"),
        _audit("c1", d(2026, 10, 3), "TC", "S", "Cat Cole"),
        _audit("d1", d(2026, 10, 20), "TC", "S", "Dan Dale"),
        _audit("h1", d(2026, 10, 7), "TC", "S", "Hal Hart", "tier2"),
        _audit("h2", d(2026, 10, 8), "TA", "N", "Hal Hart", "tier2"),
        _audit("s1", d(2026, 10, 9), "TC", "S", "Sue Shaw", "tier2"),
        _audit("q1", d(2026, 10, 9), "TC", "S", "Quinn", "thematic"),
        _audit("a9", d(2026, 9, 9), "TA", "N", "Ann Ash"),
        _audit("a8", d(2026, 9, 10), "TA", "N", "Ann Ash"),
        _audit("c9", d(2026, 9, 11), "TC", "S", "Cat Cole"),
    ]
    staff = pd.DataFrame(
        [
            ("ann", "Ann Ash", "team_manager", "TA", None, True, None, None),
            ("bob", "Bob Birch", "team_manager", "TB", None, True, None, None),
            ("cat", "Cat Cole", "team_manager", "TC", None, True, None, d(2026, 10, 15)),
            ("dan", "Dan Dale", "team_manager", "TC", None, True, d(2026, 10, 16), None),
            ("hal", "Hal Hart", "head_of_service", None, "N", True, None, None),
            ("sue", "Sue Shaw", "head_of_service", None, "S", True, None, None),
            ("eve", "Eve Ash", "social_worker", "TA", None, False, None, None),
        ],
        columns=["staff_id", "name", "role", "team_id", "service_id", "auditor", "start_date", "end_date"],
    )
    rules = pd.DataFrame(
        [
            ("team_manager", d(2026, 4, 1), d(2026, 9, 1), 3, False),
            ("team_manager", d(2026, 10, 1), None, 4, False),
            ("head_of_service", d(2026, 4, 1), None, 1, True),
            ("social_worker", d(2026, 4, 1), None, 2, False),  # Eve is no auditor: it never applies to her
        ],
        columns=["role", "from_month", "to_month", "audits_per_month", "outside_own_service"],
    )
    store.insert_frames(
        {
            "service": pd.DataFrame(
                [("N", "North", 1), ("S", "South", 2)], columns=["service_id", "name", "sort_order"]
            ),
            "team": pd.DataFrame(
                [("TA", "N", "Team A"), ("TB", "N", "Team B"), ("TC", "S", "Team C")],
                columns=["team_id", "service_id", "name"],
            ),
            "audit": pd.DataFrame(audits),
            "staff": staff,
            "audit_expectation_rule": rules,
            "audit_exemption": pd.DataFrame(
                [("bob", OCT, "Annual leave for three weeks", "Dee Director")],
                columns=["staff_id", "month", "reason", "approved_by"],
            ),
        }
    )
    yield store
    store.close()


def _row(frame: pd.DataFrame, key: str, value: str) -> pd.Series:
    found = frame[frame[key] == value]
    assert len(found) == 1, (value, frame)
    return found.iloc[0]


def test_per_person_by_hand(council: Store) -> None:
    people = audit_grades.audit_completion(council, OCT)
    assert people["auditor"].tolist() == ["Ann Ash", "Bob Birch", "Cat Cole", "Dan Dale", "Hal Hart", "Sue Shaw"]
    numbers = {
        r.auditor: (r.expected, r.done, r.not_counted, r.shortfall, r.exempt, r.part_month) for r in people.itertuples()
    }
    assert numbers == {
        "Ann Ash": (4, 3, 0, 1, 0, 0),  # a team manager expected 4 doing 3: shortfall 1
        "Bob Birch": (0, 0, 2, 0, 1, 0),  # exempt: neither expected nor missed; his 2 are shown, not counted
        "Cat Cole": (0, 0, 1, 0, 0, 1),  # a leaver mid-month
        "Dan Dale": (0, 0, 1, 0, 0, 1),  # a joiner mid-month
        "Hal Hart": (1, 1, 1, 0, 0, 0),  # one outside his service counts; the one inside does not
        "Sue Shaw": (1, 0, 1, 1, 0, 0),  # a head of service auditing inside her own service: not done
    }
    ann = _row(people, "auditor", "Ann Ash")
    assert ann["pct_complete"] == pytest.approx(75.0) and not ann["met"]
    assert pd.isna(_row(people, "auditor", "Bob Birch")["pct_complete"])  # nothing expected: no percentage
    notes = dict(zip(people["auditor"], people["note"], strict=True))
    assert notes["Bob Birch"].startswith("Exempt this month (Annual leave for three weeks, approved by Dee Director)")
    assert "neither expected nor missed" in notes["Bob Birch"]
    assert notes["Cat Cole"] == (
        "Left on 15 October 2026: not expected in a month not worked in full. "
        "1 audit done this month shown, not counted."
    )
    assert notes["Dan Dale"] == (
        "Started on 16 October 2026: expected from the first whole month in post. "
        "1 audit done this month shown, not counted."
    )
    assert notes["Sue Shaw"] == "1 not counted: inside their own service (only audits outside it count)."
    assert notes["Ann Ash"] == ""
    assert _row(people, "auditor", "Hal Hart")["unit"] == "Head of Service audits (outside own service)"


def test_groups_by_hand(council: Store) -> None:
    everyone = audit_grades.audit_completion(council, OCT, by="all").iloc[0]
    assert (
        everyone["expected"],
        everyone["done"],
        everyone["shortfall"],
        everyone["exempt"],
        everyone["part_month"],
        everyone["not_counted"],
    ) == (6, 4, 2, 1, 2, 6)
    assert everyone["pct_complete"] == pytest.approx(100 * 4 / 6)
    services = audit_grades.audit_completion(council, OCT, by="service").set_index("service")
    assert services.loc["North", ["expected", "done", "shortfall", "exempt"]].tolist() == [5, 4, 1, 1]
    assert services.loc["North", "pct_complete"] == pytest.approx(80.0)
    assert services.loc["South", ["expected", "done", "shortfall", "part_month"]].tolist() == [1, 0, 1, 2]
    teams = audit_grades.audit_completion(council, OCT, by="team")
    assert teams["unit"].tolist() == ["Team A", "Team B", "Team C", "Head of Service audits (outside own service)"]
    assert teams.set_index("unit").loc["Team C", ["expected", "done", "part_month"]].tolist() == [0, 0, 2]


def test_rules_by_month(council: Store) -> None:
    sep = audit_grades.audit_completion(council, SEP).set_index("auditor")
    assert "Dan Dale" not in sep.index  # not yet in post
    assert sep.loc["Ann Ash", ["expected", "done", "shortfall"]].tolist() == [3, 2, 1]  # the April-September rule
    assert sep.loc["Cat Cole", ["expected", "done"]].tolist() == [3, 1]
    assert sep.loc["Bob Birch", ["expected", "done", "exempt"]].tolist() == [3, 0, 0]
    nov = audit_grades.audit_completion(council, NOV).set_index("auditor")
    assert "Cat Cole" not in nov.index  # left in October
    assert nov.loc["Dan Dale", ["expected", "done"]].tolist() == [4, 0]  # his first whole month
    before = audit_grades.audit_completion(council, dt.date(2026, 3, 1))
    assert before.empty  # no rule yet


def test_several_months_in_one_pass(council: Store) -> None:
    """A roster of several months read at once (what a quarter's completion uses) is each month's
    roster, and the rule applied row by row with each row's month gives each month's figures."""
    months = [dt.date(2026, 3, 1), SEP, OCT, NOV]
    many = expected_audits(queries.completion_rosters(council, months))
    assert sorted(many["month"].dt.date.unique()) == [SEP, OCT, NOV]  # March: no rule yet, nobody expected
    for month in months:
        one = expected_audits(queries.completion_roster(council, month), month)
        got = many[many["month"] == pd.Timestamp(month)]
        columns = ["staff_id", "audits", "counting", "exempt", "whole_month", "part_month", "expected"]
        pd.testing.assert_frame_equal(got[columns].reset_index(drop=True), one[columns].reset_index(drop=True),
                                      check_dtype=len(one) > 0)
    october = many[many["month"] == pd.Timestamp(OCT)].set_index("auditor")
    assert october["expected"].to_dict() == {"Ann Ash": 4, "Bob Birch": 0, "Cat Cole": 0, "Dan Dale": 0,
                                             "Hal Hart": 1, "Sue Shaw": 1}  # 6 expected, by hand
    assert october.loc[["Cat Cole", "Dan Dale"], "part_month"].all()
    assert many[many["month"] == pd.Timestamp(NOV)].set_index("auditor").loc["Dan Dale", "expected"] == 4
    with pytest.raises(QAError):
        queries.completion_rosters(council, [])
    with pytest.raises(QAError):  # a roster of several months needs their month column
        expected_audits(many.drop(columns="month"))


def test_the_team_profiles_agree(council: Store) -> None:
    teams = team_profiles.team_audits(council, OCT).set_index("team_id")
    assert teams.loc["TA", ["audits_done", "audits_expected", "audits_shortfall", "managers"]].tolist() == [3, 4, 1, 1]
    assert teams.loc["TB", ["audits_done", "audits_expected", "managers"]].tolist() == [0, 0, 0]
    assert teams.loc["TC", ["audits_done", "audits_expected", "managers"]].tolist() == [0, 0, 0]


def test_who_sees_which_people(council: Store) -> None:
    def names(viewer: Viewer | None) -> list[str]:
        return audit_grades.audit_completion(council, OCT, viewer=viewer)["auditor"].tolist()

    assert names(Viewer("qa_lead")) == names(None)
    assert names(Viewer("head_of_service", "N")) == ["Ann Ash", "Bob Birch", "Hal Hart"]
    assert names(Viewer("team_manager", "TC")) == ["Cat Cole", "Dan Dale"]
    assert names(Viewer("scrutiny")) == []
    # Grouped rows are aggregates: the same for every viewer.
    pd.testing.assert_frame_equal(
        audit_grades.audit_completion(council, OCT, by="service", viewer=Viewer("scrutiny")),
        audit_grades.audit_completion(council, OCT, by="service"),
    )


def test_two_people_of_one_name_need_the_auditor_id(council: Store) -> None:
    council.execute(
        "INSERT INTO staff (staff_id, name, role, team_id, auditor) "
        "VALUES ('ann2', 'Ann Ash', 'team_manager', 'TB', TRUE)"
    )
    people = audit_grades.audit_completion(council, OCT).set_index("staff_id")
    # a1 and a2 name "Ann Ash", now two people: they belong to neither; a3 carries ann's id.
    assert people.loc["ann", ["done", "not_counted"]].tolist() == [1, 0]
    assert people.loc["ann2", ["expected", "done"]].tolist() == [4, 0]


def test_the_completion_report(council: Store) -> None:
    report = audit_grades.completion_report(council, OCT, by="service")
    assert list(report.columns[:6]) == ["group", "expected", "done", "exempt", "shortfall", "pct_complete"]
    assert report["group"].tolist() == ["North", "South"]
    whole = audit_grades.completion_report(council, OCT)
    assert whole[["group", "expected", "done", "exempt", "shortfall"]].values.tolist() == [["All", 6, 4, 1, 2]]
    people = audit_grades.completion_report(council, OCT, by="auditor")
    assert "note" in people.columns and people["group"].iloc[0] == "Ann Ash"
    with pytest.raises(QAError, match="auditor, team or service"):
        audit_grades.completion_report(council, OCT, by="area")


def test_the_rules_in_words(council: Store) -> None:
    from qa_core.rules.expectations import rules_in_words

    assert rules_in_words(audit_grades.expectation_rules(council, OCT)) == (
        "Team Managers are expected to audit 4 cases a month; Social Workers 2 cases a month; Heads of Service 1 "
        "case a month outside their own service (their audits inside it are shown as not counted)."
    )
    assert rules_in_words(audit_grades.expectation_rules(council, SEP)).startswith(
        "Team Managers are expected to audit 3 cases a month"
    )
    assert rules_in_words(audit_grades.expectation_rules(council, dt.date(2026, 3, 1))) == ""
