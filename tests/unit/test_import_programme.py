"""Import kinds of the audit programme (audit_tools, audit_themes, audit_targets, audit_escalations), audits on
a yes/no tool (answers, no grade) and the staff list's auditor_from and moderator_from: good files, each kind of
bad row named by row and column, all or nothing, and loading the same file twice changes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qa_core.io.importer import ImportRejected, import_file
from qa_core.store import Store
from tests.unit.test_import_support import csv_bytes, open_tiny, snapshot

TOOLS = [
    ["tool_id", "name", "grading", "seq", "item", "tier", "source"],
    ["gen", "Generic (2A)", "graded", "1", "Chronology", "Tier 1", "appendix 2A"],
    ["gen", "Generic (2A)", "graded", "2", "Voice of the child", "Tier 1", "appendix 2A"],
    ["sup", "Supervision", "yes/no", "1", "File structured", "supervision", "appendix 11"],
    ["sup", "Supervision", "yes/no", "2", "Seen monthly", "supervision", "appendix 11"],
]
AUDITS = [
    [
        "audit_id",
        "audit_date",
        "tier",
        "team",
        "service",
        "auditor",
        "overall_grade",
        "tool",
        "has_iro",
        "Chronology",
        "Voice of the child",
        "File structured",
        "Seen monthly",
    ],
    [
        "A1",
        "03/10/2026",
        "Tier 1",
        "Assessment North",
        "Assessment",
        "Jodie Fenwick",
        "RI",
        "gen",
        "yes",
        "2",
        "3",
        "",
        "",
    ],
    [
        "S1",
        "04/10/2026",
        "supervision",
        "Assessment North",
        "Assessment",
        "Jodie Fenwick",
        "",
        "Supervision",
        "",
        "",
        "",
        "yes",
        "no",
    ],
]


@pytest.fixture
def tiny() -> Iterator[Store]:
    with open_tiny() as store:
        yield store


def _load(store: Store, kind: str, rows: list[list[str]]):
    return import_file(store, kind, csv_bytes(rows), f"{kind}.csv", user="t")


def _problems(store: Store, kind: str, rows: list[list[str]]) -> set[tuple[int | None, str | None]]:
    before = snapshot(store)
    with pytest.raises(ImportRejected) as caught:
        _load(store, kind, rows)
    assert snapshot(store).keys() == before.keys()
    for table, frame in snapshot(store).items():  # all or nothing
        assert frame.equals(before[table]), table
    return {(p.row, p.column) for p in caught.value.result.problems}


def test_tools_load_and_load_again_unchanged(tiny: Store) -> None:
    first = _load(tiny, "audit_tools", TOOLS)
    assert first.added == 4
    assert tiny.query("SELECT tool_id, grading, sort_order FROM audit_tool ORDER BY 1").values.tolist() == [
        ["gen", "graded", 1],
        ["sup", "yes_no", 2],
    ]
    again = _load(tiny, "audit_tools", TOOLS)
    assert (again.added, again.replaced, again.unchanged, again.removed) == (0, 0, 4, 0)
    # A tool's file replaces its items: one item of gen left, the other removed; sup kept.
    shorter = _load(tiny, "audit_tools", TOOLS[:2])
    assert shorter.removed == 1 and tiny.scalar("SELECT count(*) FROM audit_tool_item") == 3


def test_bad_tool_rows(tiny: Store) -> None:
    rows = [
        *TOOLS,
        ["gen", "Generic (2A)", "graded", "2", "Another", "Tier 1", "appendix 2A"],  # seq 2 twice
        ["plo", "Generic (2A)", "graded", "1", "Chronology", "Tier 1", ""],  # another tool's name
        ["x", "X tool", "stars", "1", "Q", "", ""],  # not a way of grading
        ["sup", "Supervision", "graded", "3", "Third", "supervision", "appendix 11"],
    ]  # sup's grading differs
    problems = _problems(tiny, "audit_tools", rows)
    assert {(3, "tool_id"), (6, "tool_id"), (7, "name"), (8, "grading"), (9, "grading")} <= problems


def test_a_yes_no_tool_audit_has_answers_and_no_grade(tiny: Store) -> None:
    _load(tiny, "audit_tools", TOOLS)
    result = _load(tiny, "audits", AUDITS)
    assert result.added == 2
    assert tiny.query(
        "SELECT audit_id, coalesce(overall_grade::VARCHAR, 'none') AS g, "
        "coalesce(has_iro::VARCHAR, 'not said') AS iro FROM audit ORDER BY 1"
    ).values.tolist() == [["A1", "3", "true"], ["S1", "none", "not said"]]
    assert tiny.query("SELECT audit_id, item, answer FROM audit_answer ORDER BY 2").values.tolist() == [
        ["S1", "File structured", True],
        ["S1", "Seen monthly", False],
    ]
    assert tiny.scalar("SELECT count(*) FROM audit_area_grade WHERE audit_id = 'S1'") == 0
    again = _load(tiny, "audits", AUDITS)
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 2)
    changed = [row[:] for row in AUDITS]
    changed[2][-1] = "yes"  # a changed answer replaces the audit
    assert _load(tiny, "audits", changed).replaced == 1
    assert tiny.scalar("SELECT count(*) FROM audit_answer WHERE answer") == 2


def test_grades_and_answers_in_the_wrong_place_are_refused(tiny: Store) -> None:
    _load(tiny, "audit_tools", TOOLS)
    rows = [
        AUDITS[0],
        [
            "A2",
            "03/10/2026",
            "Tier 1",
            "Assessment North",
            "Assessment",
            "Jodie Fenwick",
            "",
            "gen",
            "",
            "2",
            "",
            "",
            "",
        ],  # a graded tool's audit with no grade
        [
            "A3",
            "03/10/2026",
            "Tier 1",
            "Assessment North",
            "Assessment",
            "Jodie Fenwick",
            "Good",
            "gen",
            "",
            "yes",
            "",
            "",
            "",
        ],  # an answer on a graded tool
        [
            "S2",
            "04/10/2026",
            "supervision",
            "Assessment North",
            "Assessment",
            "Jodie Fenwick",
            "Good",
            "sup",
            "",
            "",
            "",
            "yes",
            "2",
        ],  # a grade on a yes/no tool, and a question graded
        [
            "S3",
            "04/10/2026",
            "supervision",
            "Assessment North",
            "Assessment",
            "Jodie Fenwick",
            "",
            "sup",
            "maybe",
            "",
            "",
            "perhaps",
            "",
        ],
    ]  # not yes or no
    problems = _problems(tiny, "audits", rows)
    assert {
        (2, "overall_grade"),
        (3, "Chronology"),
        (4, "overall_grade"),
        (4, "Seen monthly"),
        (5, "has_iro"),
        (5, "File structured"),
    } <= problems


def test_themes_targets_and_escalations(tiny: Store) -> None:
    _load(tiny, "audit_tools", TOOLS)
    _load(tiny, "audits", AUDITS)
    themes = [["month", "theme", "tool"], ["2026-10", "Neglect", "gen"], ["2026-11", "Exploitation", "Generic (2A)"]]
    assert _load(tiny, "audit_themes", themes).added == 2
    assert tiny.query("SELECT tool_id FROM audit_theme_plan")["tool_id"].tolist() == ["gen", "gen"]
    assert _load(tiny, "audit_themes", themes).unchanged == 2
    assert _problems(tiny, "audit_themes", [themes[0], ["2026-12", "Pre-birth", "nope"]]) == {(2, "tool")}
    # October's plan given again without Neglect: the month's plan is replaced.
    assert _load(tiny, "audit_themes", [themes[0], ["2026-10", "Pre-birth", ""]]).removed == 1

    targets = [["target", "value", "from_month"], ["auditors", "85", "2018-11"], ["escalation_working_days", "3", ""]]
    assert _load(tiny, "audit_targets", targets).added == 2
    assert _problems(
        tiny,
        "audit_targets",
        [targets[0], ["auditors", "8.5", ""], ["sickness", "5", ""], ["theme_audits_per_year", "0", ""]],
    ) == {(2, "value"), (3, "target"), (4, "value")}

    told = [
        ["audit_id", "told", "told_name", "told_on"],
        ["A1", "iro", "Ivy Iro", "05/10/2026"],
        ["A1", "HoS", "", "2026-10-06"],
    ]
    result = _load(tiny, "audit_escalations", told)
    assert result.added == 2
    assert tiny.query("SELECT notify_role, recorded_by FROM audit_escalation ORDER BY 1").values.tolist() == [
        ["head_of_service", "imported from audit_escalations.csv"],
        ["iro", "imported from audit_escalations.csv"],
    ]
    assert _load(tiny, "audit_escalations", told).unchanged == 2
    bad = [
        told[0],
        ["NOPE", "iro", "", "05/10/2026"],
        ["A1", "assistant_director", "", "05/10/2026"],
        ["A1", "team_manager", "", "01/10/2026"],
        ["S1", "team_manager", "", "05/10/2026"],
    ]
    assert _problems(tiny, "audit_escalations", bad) == {(2, "audit_id"), (3, "told"), (4, "told_on"), (5, "told")}


def test_staff_training_and_moderating_dates(tiny: Store) -> None:
    header = ["staff_id", "name", "role", "team_id", "auditor", "moderator", "auditor_from", "moderator_from"]
    good = [header, ["P1", "Pat Pine", "practice_manager", "", "no", "yes", "01/01/2026", "12/10/2026"]]
    assert _load(tiny, "staff", good).added == 1
    assert tiny.query("SELECT auditor_from, moderator_from FROM staff").astype(str).values.tolist() == [
        ["2026-01-01", "2026-10-12"]
    ]
    bad = [
        header,
        ["P2", "Ann A", "practice_manager", "", "yes", "no", "", "12/10/2026"],
        ["P3", "Ben B", "practice_manager", "", "no", "no", "01/01/2026", ""],
        ["P4", "Cat C", "practice_manager", "", "no", "yes", "12/10/2026", "01/01/2026"],
    ]
    assert _problems(tiny, "staff", bad) == {(2, "moderator_from"), (3, "auditor_from"), (4, "moderator_from")}
