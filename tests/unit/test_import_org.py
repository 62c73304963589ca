"""The organisation's import kinds (services, teams, staff, expectations, exemptions): good files land
as written, the same file again changes nothing, a later file updates by id and deletes nothing,
``replace=True`` removes what the file leaves out (refused while something uses it), and every bad
row is named with its row and column. Also the audits kind's ``auditor_id`` and its report of
auditors nobody on the staff list matches."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from qa_core.io.importer import ImportRejected, import_file
from qa_core.store import Store
from tests.unit.test_import_support import csv_bytes

SERVICES = [
    ["service_id", "name", "head_of_service", "sort_order"],
    ["north", "North", "H1", "1"],
    ["south", "South", "", "2"],
]
TEAMS = [
    ["team_id", "name", "service_id", "manager"],
    ["ta", "Team A", "north", "M1"],
    ["tb", "Team B", "North", ""],
    ["tc", "Team C", "south", "M3"],
]
STAFF_HEADER = [
    "staff_id",
    "name",
    "email",
    "role",
    "team_id",
    "service_id",
    "auditor",
    "moderator",
    "start_date",
    "end_date",
]
STAFF = [
    STAFF_HEADER,
    ["H1", "Hana Head", "hana@x.example", "head_of_service", "", "north", "yes", "yes", "", ""],
    ["M1", "Mia Moss", "mia@x.example", "team_manager", "Team A", "", "yes", "no", "01/04/2024", ""],
    ["M3", "Cal Cole", "", "Team Manager", "tc", "south", "yes", "no", "", "15/10/2026"],
    ["W1", "Wyn Webb", "", "social_worker", "ta", "", "no", "no", "", ""],
]
RULES = [
    ["role", "audits_per_month", "outside_own_service", "from_month", "to_month"],
    ["team_manager", "4", "no", "", ""],
    ["head_of_service", "1", "yes", "2024-04", ""],
]
EXEMPT = [["staff_id", "month", "reason", "approved_by"], ["m1", "2026-10", "Annual leave", "Hana Head"]]


def load(store: Store, kind: str, rows: list[list[str]], replace: bool = False):
    return import_file(store, kind, csv_bytes(rows), f"{kind}.csv", user="t", replace=replace)


def refused(store: Store, kind: str, rows: list[list[str]], replace: bool = False) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        load(store, kind, rows, replace)
    return [str(p) for p in caught.value.problems]


def org_tables(store: Store) -> dict[str, list]:
    out = {}
    for table in ("service", "team", "staff", "audit_expectation_rule", "audit_exemption"):
        frame = store.query(f"SELECT * FROM {table} ORDER BY ALL").astype(object)
        out[table] = frame.where(frame.notna(), None).values.tolist()
    return out


@pytest.fixture
def empty() -> Iterator[Store]:
    with Store(":memory:") as store:
        yield store


@pytest.fixture
def council(empty: Store) -> Store:
    for kind, rows in (
        ("services", SERVICES),
        ("teams", TEAMS),
        ("staff", STAFF),
        ("expectations", RULES),
        ("exemptions", EXEMPT),
    ):
        load(empty, kind, rows)
    return empty


def test_the_organisation_lands_as_written(empty: Store) -> None:
    first = load(empty, "services", SERVICES)
    assert (first.added, first.rows) == (2, 2)
    # H1 is not on the staff list yet: accepted, with a line saying so; the name shows once it is.
    assert any("'H1' is not on the staff list yet" in m for m in first.messages)
    assert empty.query(
        "SELECT head_staff_id, head_of_service FROM service WHERE service_id = 'north'"
    ).values.tolist() == [["H1", None]]
    load(empty, "teams", TEAMS)
    staff = load(empty, "staff", STAFF)
    assert staff.added == 4 and "3 auditors in this file." in staff.messages
    assert empty.query(
        "SELECT head_of_service, head_email FROM service WHERE service_id = 'north'"
    ).values.tolist() == [["Hana Head", "hana@x.example"]]
    assert empty.query("SELECT team_id, manager FROM team WHERE manager IS NOT NULL ORDER BY 1").values.tolist() == [
        ["ta", "Mia Moss"],
        ["tc", "Cal Cole"],
    ]
    held = empty.query(
        "SELECT staff_id, role, team_id, service_id, auditor, start_date, end_date FROM staff ORDER BY staff_id"
    ).astype(object)
    held = held.where(held.notna(), None)
    assert held.values.tolist() == [
        ["H1", "head_of_service", None, "north", True, None, None],
        ["M1", "team_manager", "ta", None, True, pd.Timestamp("2024-04-01"), None],
        ["M3", "team_manager", "tc", "south", True, None, pd.Timestamp("2026-10-15")],
        ["W1", "social_worker", "ta", None, False, None, None],
    ]
    rules = load(empty, "expectations", RULES)
    assert rules.added == 2
    assert empty.query(
        "SELECT role, strftime(from_month, '%Y-%m'), audits_per_month, outside_own_service "
        "FROM audit_expectation_rule ORDER BY 1"
    ).values.tolist() == [
        ["head_of_service", "2024-04", 1, True],
        ["team_manager", "2000-01", 4, False],
    ]  # blank: from the start
    exempt = load(empty, "exemptions", EXEMPT)
    assert exempt.added == 1
    assert empty.query("SELECT staff_id FROM audit_exemption").values.tolist() == [["M1"]]  # the id as held


def test_the_same_files_again_change_nothing(council: Store) -> None:
    before = org_tables(council)
    for kind, rows in (
        ("services", SERVICES),
        ("teams", TEAMS),
        ("staff", STAFF),
        ("expectations", RULES),
        ("exemptions", EXEMPT),
    ):
        again = load(council, kind, rows)
        assert (again.added, again.replaced, again.removed, again.unchanged) == (0, 0, 0, again.rows), kind
    assert org_tables(council) == before


def test_a_later_file_updates_by_id_and_deletes_nothing(council: Store) -> None:
    # Mia leaves at the end of October; a new manager joins Team A. Nobody else is mentioned.
    later = load(
        council,
        "staff",
        [
            STAFF_HEADER,
            ["M1", "Mia Moss", "mia@x.example", "team_manager", "ta", "", "yes", "no", "01/04/2024", "31/10/2026"],
            ["M4", "Nia North", "", "team_manager", "ta", "", "yes", "no", "01/11/2026", ""],
        ],
    )
    assert (later.added, later.replaced, later.removed) == (1, 1, 0)
    assert council.scalar("SELECT count(*) FROM staff") == 5
    teams = load(council, "teams", [["team_id", "name", "service_id", "manager"], ["ta", "Team A", "north", "M4"]])
    assert (teams.replaced, teams.removed) == (1, 0)
    assert council.scalar("SELECT manager FROM team WHERE team_id = 'ta'") == "Nia North"
    assert council.scalar("SELECT count(*) FROM team") == 3
    # A column left out keeps its stored values.
    load(council, "services", [["service_id", "name"], ["north", "North Area"]])
    assert council.query(
        "SELECT name, head_staff_id, sort_order FROM service WHERE service_id = 'north'"
    ).values.tolist() == [["North Area", "H1", 1]]


def test_replace_removes_what_the_file_leaves_out(council: Store) -> None:
    result = load(council, "staff", STAFF[:3] + [STAFF[3]], replace=True)  # W1 left out
    assert result.removed == 1
    assert result.messages[0].startswith("With --replace: the file is the whole staff list")
    assert council.scalar("SELECT count(*) FROM staff WHERE staff_id = 'W1'") == 0
    # Removing Mia would leave Team A naming a manager who is not on the list: refused, nothing written.
    before = org_tables(council)
    problems = refused(council, "staff", [STAFF_HEADER, STAFF[1]], replace=True)
    assert any("teams name these as their manager: M1 (1)" in p for p in problems), problems
    assert org_tables(council) == before
    rules = load(council, "expectations", RULES[:2], replace=True)
    assert rules.removed == 1 and council.scalar("SELECT count(*) FROM audit_expectation_rule") == 1
    # Exemptions: the months in the file are replaced as a whole.
    load(council, "exemptions", [*EXEMPT, ["M3", "2026-09", "Training", ""]])
    result = load(council, "exemptions", [["staff_id", "month", "reason"], ["H1", "2026-10", "Covering"]], replace=True)
    assert (result.added, result.removed) == (1, 1)  # M1's October goes; M3's September is another month
    assert sorted(council.query("SELECT staff_id FROM audit_exemption")["staff_id"]) == ["H1", "M3"]


def test_replace_refuses_to_remove_a_service_with_teams(council: Store) -> None:
    problems = refused(council, "services", SERVICES[:2], replace=True)
    assert problems == [
        "With --replace, the services held and not in this file would be removed, but teams belong to these (teams "
        "per service): south (1). Keep them in the file.",
        "With --replace, the services held and not in this file would be removed, but staff work in these (staff "
        "per service): south (1). Keep them in the file.",
    ]
    problems = refused(council, "teams", TEAMS[:3], replace=True)
    assert any("staff work in these (staff per team): tc (1)" in p for p in problems), problems


@pytest.mark.parametrize(
    ("kind", "rows", "expected"),
    [
        (
            "teams",
            [TEAMS[0], ["td", "Team D", "west", ""]],
            "Row 2, column 'service_id': There is no service 'west'. Known services include 'North', 'South'. Load the "
            "services file (kind 'services') before the teams that belong to them.",
        ),
        (
            "teams",
            [TEAMS[0], ["td", "Team A", "north", ""]],
            "Row 2, column 'name': Another team is called 'Team A': ta (held). Names must be unique, because files may "
            "name a service or team instead of its id.",
        ),
        (
            "staff",
            [STAFF_HEADER, ["X1", "Xan", "", "head_of_service", "", "", "yes", "no", "", ""]],
            "Row 2, column 'team_id': A head of service needs a team_id or a service_id: their own service decides "
            "which audits count towards their expectation.",
        ),
        (
            "staff",
            [STAFF_HEADER, ["X1", "Xan", "", "team_manager", "Team Z", "", "yes", "no", "", ""]],
            "Row 2, column 'team_id': There is no team 'Team Z'. Did you mean 'Team C'? Load the teams file (kind "
            "'teams') before the staff who work in them.",
        ),
        (
            "staff",
            [STAFF_HEADER, ["X1", "Xan", "", "team_manager", "ta", "south", "yes", "no", "", ""]],
            "Row 2, column 'service_id': Team A is a team of North, not of South. Give the team's service, or leave "
            "service_id blank.",
        ),
        (
            "staff",
            [STAFF_HEADER, ["X1", "Xan", "xan at x", "chief", "ta", "", "maybe", "no", "02/05/2026", "01/05/2026"]],
            "Row 2, column 'email': 'xan at x' is not an email address.",
        ),
        (
            "exemptions",
            [EXEMPT[0], ["Z9", "2026-10", "Leave", ""]],
            "Row 2, column 'staff_id': There is no staff member 'Z9' on the staff list. Load the staff file (kind "
            "'staff') before their exemptions.",
        ),
        (
            "expectations",
            [RULES[0], ["team_manager", "3", "no", "2026-04", ""]],
            "Row 2, column 'from_month': This rule for team_manager (April 2026 to now) overlaps a rule held (the "
            "start to now). Give the earlier rule a to_month before the later one starts, or import with --replace.",
        ),
        (
            "expectations",
            [RULES[0], ["qa_lead", "2", "", "2026-04", "2026-03"]],
            "Row 2, column 'to_month': The rule ends (March 2026) before it starts (April 2026).",
        ),
    ],
)
def test_bad_rows_are_named(council: Store, kind: str, rows: list[list[str]], expected: str) -> None:
    before = org_tables(council)
    problems = refused(council, kind, rows)
    assert expected in problems, problems
    assert org_tables(council) == before


def test_every_problem_of_a_staff_row_at_once(council: Store) -> None:
    problems = refused(
        council,
        "staff",
        [STAFF_HEADER, ["X1", "Xan", "xan at x", "chief", "ta", "", "maybe", "no", "02/05/2026", "01/05/2026"]],
    )
    assert problems == [
        "Row 2, column 'email': 'xan at x' is not an email address.",
        "Row 2, column 'role': 'chief' is not a role. Use one of: assistant_director, head_of_service, team_manager, "
        "practice_manager, qa_lead, social_worker, other.",
        "Row 2, column 'auditor': 'maybe' is not yes or no. Write yes or no.",
        "Row 2, column 'end_date': The end date 01/05/2026 is before the start date 02/05/2026.",
    ]


def test_two_rules_of_one_file_may_not_overlap(empty: Store) -> None:
    problems = refused(
        empty,
        "expectations",
        [RULES[0], ["team_manager", "4", "", "2024-04", ""], ["team_manager", "3", "", "2025-04", ""]],
    )
    assert problems == [
        "Row 2, column 'from_month': This rule for team_manager (April 2024 to now) overlaps row 3 of this file "
        "(April 2025 to now). Give the earlier rule a to_month before the later one starts, or import with "
        "--replace.",
        "Row 3, column 'from_month': This rule for team_manager (April 2025 to now) overlaps row 2 of this file "
        "(April 2024 to now). Give the earlier rule a to_month before the later one starts, or import with "
        "--replace.",
    ]
    ok = load(
        empty,
        "expectations",
        [RULES[0], ["team_manager", "4", "", "2024-04", "2025-03"], ["team_manager", "3", "", "2025-04", ""]],
    )
    assert ok.added == 2


def test_a_team_with_values_cannot_move_service(council: Store) -> None:
    council.execute(
        "INSERT INTO indicator VALUES ('X', 'X', 'T', 'count', 'up', NULL, 'none', 0, 'la', 'sum', NULL, NULL, NULL, 1)"
    )
    council.execute("INSERT INTO indicator_value VALUES ('X', DATE '2026-10-01', 'ta', NULL, NULL, 3)")
    problems = refused(council, "teams", [TEAMS[0], ["ta", "Team A", "south", "M1"]])
    assert problems[0].startswith("Row 2, column 'service_id': The team ta is held in North with values or audits")
    moved = load(council, "teams", [TEAMS[0], ["tb", "Team B", "south", ""]])  # nothing recorded for Team B yet
    assert moved.replaced == 1 and council.scalar("SELECT service_id FROM team WHERE team_id = 'tb'") == "south"


# -- audits and the staff list -----------------------------------------------------------------------
AUDITS = ["audit_id", "audit_date", "tier", "team", "service", "auditor", "overall_grade"]


def test_audits_give_auditor_id_or_are_matched_by_name(council: Store) -> None:
    problems = refused(
        council,
        "audits",
        [[*AUDITS, "auditor_id"], ["A1", "2026-10-02", "Tier 1", "ta", "north", "Mia Moss", "Good", "Q7"]],
    )
    assert problems == [
        "Row 2, column 'auditor_id': There is no staff member 'Q7' on the staff list. Load the "
        "staff file (kind 'staff') before audits that give auditor_id, or leave it blank to match "
        "the auditor by name."
    ]
    result = load(
        council,
        "audits",
        [
            [*AUDITS, "auditor_id"],
            ["A1", "2026-10-02", "Tier 1", "ta", "north", "Mia Moss", "Good", "m1"],
            ["A2", "2026-10-03", "Tier 1", "ta", "north", "MIA MOSS", "Good", ""],
            ["A3", "2026-10-04", "Tier 2", "tc", "south", "Hana Head", "Good", ""],
            ["A4", "2026-10-05", "thematic", "tc", "south", "Quinn", "Good", ""],
            ["A5", "2026-10-20", "Tier 1", "tc", "south", "Cal Cole", "Good", ""],
        ],
    )
    assert result.added == 5
    assert (
        "2 auditor names not on the staff list (in post on the audit's day): Cal Cole (1 audit), Quinn "
        "(1 audit). Their audits are imported but count towards nobody's expectation: add them to the staff "
        "list, or give auditor_id."
    ) in result.messages  # Cal left on 15 October
    assert council.query("SELECT audit_id, auditor_id FROM audit ORDER BY 1").astype(object).where(
        lambda f: f.notna(), None
    ).values.tolist() == [["A1", "M1"], ["A2", None], ["A3", None], ["A4", None], ["A5", None]]


def test_unmatched_auditors_are_counted_audit_by_audit(council: Store) -> None:
    """Audits are matched to the staff list per auditor and day (issue 14): the counts are still of audits, an
    auditor matched on some days and not on others is named with the audits that matched nobody, and a name two
    people in post share is said apart from a name nobody has."""
    load(
        council,
        "staff",
        [STAFF_HEADER, ["M4", "Mia Moss", "", "team_manager", "tc", "south", "yes", "no", "01/10/2026", ""]],
    )
    result = load(
        council,
        "audits",
        [
            AUDITS,
            ["A1", "2026-09-30", "Tier 1", "ta", "north", "Mia Moss", "Good"],  # only M1 in post yet
            ["A2", "2026-10-02", "Tier 1", "ta", "north", "Mia Moss", "Good"],  # M1 and M4 from here on
            ["A3", "2026-10-02", "Tier 1", "ta", "north", "Mia Moss", "Good"],
            ["A4", "2026-10-05", "Tier 1", "ta", "north", "Mia Moss", "Good"],
            ["A5", "2026-10-14", "Tier 1", "tc", "south", "Cal Cole", "Good"],  # in post until the 15th
            ["A6", "2026-10-20", "Tier 1", "tc", "south", "Cal Cole", "Good"],
            ["A7", "2026-10-20", "Tier 1", "tc", "south", "Cal Cole", "Good"],
            ["A8", "2026-10-21", "Tier 1", "tc", "south", "Cal Cole", "Good"],
            ["A9", "2026-10-03", "thematic", "tc", "south", "Quinn", "Good"],
        ],
    )
    assert result.added == 9
    unmatched = [m for m in result.messages if "count towards nobody's expectation" in m]
    assert unmatched == [
        "2 auditor names not on the staff list (in post on the audit's day): Cal Cole (3 audits), Quinn (1 audit). "
        "Their audits are imported but count towards nobody's expectation: add them to the staff list, or give "
        "auditor_id.",
        "1 auditor name shared by more than one person in post on the audit's day: Mia Moss (3 audits). Their "
        "audits are imported but count towards nobody's expectation: give their staff_id as auditor_id.",
    ]
