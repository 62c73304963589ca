"""The children's records behind an Annex A number are case-level detail: filtered in the query by the
viewer's case filter, for every role. The figure's total (an aggregate) is the same for everyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from qa_core.errors import QAError
from qa_core.io.importer import import_file
from qa_core.roles import ROLES, Viewer
from qa_core.store import Store
from qa_core.views import annex_a_records
from tests.unit.annex_a_support import hand_worked_workbook, org_store

JUNE = dt.date(2023, 6, 1)


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    held = org_store()
    import_file(held, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    yield held
    held.close()


#: (role, scope, scope's service) → the teams whose records of AA_ASSESS_45WD for June 2023 it sees
#: (the figure counts A1 for Assessment North and A2 for Assessment South).
CASES = [
    ("assistant_director", None, None, ["Assessment North", "Assessment South"]),
    ("qa_lead", None, None, ["Assessment North", "Assessment South"]),
    ("head_of_service", "assessment", None, ["Assessment North", "Assessment South"]),
    ("head_of_service", "cp", None, []),
    ("team_manager", "north", "assessment", ["Assessment North"]),
    ("team_manager", "south", "assessment", ["Assessment South"]),
    ("team_manager", "sg1", "cp", []),
    ("scrutiny", None, None, []),
    ("admin", None, None, []),
]


def test_every_role_is_covered() -> None:
    assert {role for role, *_ in CASES} == set(ROLES)


@pytest.mark.parametrize("role, scope, service, teams", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_each_role_sees_only_the_records_its_case_rights_allow(
    store: Store, role: str, scope: str | None, service: str | None, teams: list[str]
) -> None:
    viewer = Viewer(role, scope=scope, scope_service=service)
    rows = annex_a_records.records_behind(store, "AA_ASSESS_45WD", JUNE, viewer=viewer)
    assert sorted(rows["team"]) == teams
    if teams:
        assert rows["worker"].notna().all()  # staff names: only where the role sees the team's cases
    # The figure's size is an aggregate: the same for every role.
    assert annex_a_records.records_total(store, "AA_ASSESS_45WD", JUNE) == {"records": 2, "met": 1}


def test_a_service_and_a_team_narrow_the_records(store: Store) -> None:
    ad = Viewer("assistant_director")
    assert len(annex_a_records.records_behind(store, "AA_ASSESS_45WD", JUNE, service_id="assessment", viewer=ad)) == 2
    only = annex_a_records.records_behind(store, "AA_ASSESS_45WD", JUNE, team_id="south", viewer=ad)
    assert only["team"].tolist() == ["Assessment South"] and only["met"].tolist() == [False]
    assert annex_a_records.records_behind(store, "AA_ASSESS_45WD", JUNE, service_id="cp", viewer=ad).empty


def test_only_annex_a_measures_have_records(store: Store) -> None:
    with pytest.raises(QAError, match="not an Annex A measure"):
        annex_a_records.records_behind(store, "REREF_12M", JUNE)
    labels = annex_a_records.record_labels("AA_ICPC_15WD")
    assert labels["start_date"] == "Strategy discussion" and labels["working_days"] == "Working days"
    assert "met" not in annex_a_records.record_labels("AA_CONTACTS")
