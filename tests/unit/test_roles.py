"""qa_core.roles: who sees what. Each expected value is worked by hand from the rules in the
module's docstring (aggregates for any role that may open a page; case-level detail only for
the AD, the QA lead, a head of service in their service and a team manager in their team)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.pages import PAGE_KEYS
from qa_core.roles import (
    ROLES,
    AccessDenied,
    Grant,
    RoleMap,
    Viewer,
    load_role_map,
    resolve_viewer,
    restrict,
)

# -- Viewer -------------------------------------------------------------------------------------

def test_the_default_viewer_is_the_assistant_director_with_every_page() -> None:
    viewer = Viewer()
    assert viewer.role == "assistant_director"
    assert viewer.pages == PAGE_KEYS
    assert viewer.describe() == "Assistant director"
    assert not viewer.public and viewer.may_export_cases and viewer.sees_any_cases


@pytest.mark.parametrize(("role", "scope"), [("head_of_service", None), ("team_manager", None)])
def test_scoped_roles_need_a_scope(role: str, scope: str | None) -> None:
    with pytest.raises(QAError, match="needs a scope"):
        Viewer(role, scope)


@pytest.mark.parametrize("role", ["assistant_director", "qa_lead", "scrutiny", "admin"])
def test_unscoped_roles_refuse_a_scope(role: str) -> None:
    with pytest.raises(QAError, match="takes no scope"):
        Viewer(role, "assessment")


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(QAError, match="no role 'councillor'"):
        Viewer("councillor")


def test_page_lists_and_refusals() -> None:
    scrutiny = Viewer("scrutiny")
    assert scrutiny.pages == ("scrutiny", "benchmarks", "accessibility")
    assert scrutiny.can_open("scrutiny") and not scrutiny.can_open("audits")
    with pytest.raises(AccessDenied, match="cannot see the audits view"):
        scrutiny.require("audits")
    Viewer("admin").require("data")  # no error
    with pytest.raises(AccessDenied):
        Viewer("head_of_service", "assessment").require("data")
    # Every role can open the accessibility statement; only the AD and admin the data page.
    assert all("accessibility" in pages for pages in ROLES.values())
    assert sorted(r for r, pages in ROLES.items() if "data" in pages) == ["admin", "assistant_director"]


def test_sees_cases_by_role() -> None:
    # (service, team) pairs: own service and own team, own service other team, other service.
    hos = Viewer("head_of_service", "assessment")
    assert hos.sees_cases("assessment", "assessment_01") is True
    assert hos.sees_cases("assessment", None) is True
    assert hos.sees_cases("cp_court", "cp_court_01") is False
    assert hos.sees_cases(None) is False
    tm = Viewer("team_manager", "assessment_01", scope_service="assessment")
    assert tm.sees_cases("assessment", "assessment_01") is True
    assert tm.sees_cases("assessment", "assessment_02") is False
    assert tm.sees_cases("assessment") is False  # a service-level row is not the team's
    for role in ("assistant_director", "qa_lead"):
        assert Viewer(role).sees_cases("cp_court", "cp_court_03") is True
    for role in ("scrutiny", "admin"):
        assert Viewer(role).sees_cases("assessment", "assessment_01") is False
        assert not Viewer(role).sees_any_cases and not Viewer(role).may_export_cases
    assert Viewer("scrutiny").public and not Viewer("admin").public


def test_case_filter_gives_sql_and_parameters() -> None:
    assert Viewer().case_filter() == ("TRUE", {})
    assert Viewer("qa_lead").case_filter("a.service_id", "a.team_id") == ("TRUE", {})
    assert Viewer("head_of_service", "cp_court").case_filter("a.service_id", "a.team_id") == (
        "a.service_id = $viewer_scope", {"viewer_scope": "cp_court"})
    assert Viewer("team_manager", "cp_court_02").case_filter("a.service_id", "a.team_id") == (
        "a.team_id = $viewer_scope", {"viewer_scope": "cp_court_02"})
    assert Viewer("scrutiny").case_filter() == ("FALSE", {})
    assert Viewer("admin").case_filter() == ("FALSE", {})


def test_case_filter_selects_the_right_rows_in_duckdb(store) -> None:
    # The demo store's audits of October 2026, counted three ways by hand-checkable SQL: the
    # head of service's filter must count exactly the rows of their service.
    month = "WHERE audit_date >= DATE '2026-10-01' AND audit_date < DATE '2026-11-01'"
    by_service = store.query(f"SELECT service_id, count(*) AS n FROM audit {month} GROUP BY 1")
    expected = int(by_service.loc[by_service["service_id"] == "assessment", "n"].iloc[0])
    cond, params = Viewer("head_of_service", "assessment").case_filter()
    got = store.query(f"SELECT count(*) AS n FROM audit {month} AND {cond}", params)
    assert int(got["n"].iloc[0]) == expected
    cond, params = Viewer("scrutiny").case_filter()
    assert int(store.query(f"SELECT count(*) AS n FROM audit {month} AND {cond}", params)["n"].iloc[0]) == 0


def test_restrict_filters_a_frame() -> None:
    frame = pd.DataFrame({
        "case_ref": ["CR000001", "CR000002", "CR000003"],
        "service_id": ["assessment", "assessment", "cp_court"],
        "team_id": ["assessment_01", "assessment_02", "cp_court_01"],
    })
    assert restrict(frame, Viewer()).equals(frame)
    assert restrict(frame, Viewer("head_of_service", "assessment"))["case_ref"].tolist() == ["CR000001", "CR000002"]
    assert restrict(frame, Viewer("team_manager", "assessment_02"))["case_ref"].tolist() == ["CR000002"]
    assert restrict(frame, Viewer("scrutiny")).empty
    assert list(restrict(frame, Viewer("admin")).columns) == list(frame.columns)  # same columns, no rows
    # A frame without the scope's column gives a scoped viewer nothing (never everything).
    assert restrict(frame.drop(columns="team_id"), Viewer("team_manager", "assessment_02")).empty


# -- resolve_viewer -----------------------------------------------------------------------------

def test_resolve_viewer_by_id_and_by_name(store) -> None:
    by_id = resolve_viewer(store, "head_of_service", "assessment")
    by_name = resolve_viewer(store, "head_of_service", "  ASSESSMENT ")
    assert by_id == by_name == Viewer("head_of_service", "assessment", scope_service="assessment")
    team = resolve_viewer(store, "team_manager", "Assessment North", who="leah@example.org")
    assert (team.scope, team.scope_service, team.who) == ("assessment_01", "assessment", "leah@example.org")
    assert resolve_viewer(store, "qa_lead") == Viewer("qa_lead")


def test_resolve_viewer_refuses_unknown_scopes_and_roles(store) -> None:
    with pytest.raises(QAError, match="no service 'Nowhere'"):
        resolve_viewer(store, "head_of_service", "Nowhere")
    with pytest.raises(QAError, match="no team 'assessment'"):  # a service is not a team
        resolve_viewer(store, "team_manager", "assessment")
    with pytest.raises(QAError, match="no role"):
        resolve_viewer(store, "mayor")
    with pytest.raises(QAError, match="needs a scope"):
        resolve_viewer(store, "team_manager")


# -- load_role_map ------------------------------------------------------------------------------

def test_a_missing_or_unreadable_file_gives_nobody_a_role(tmp_path: Path) -> None:
    # Fails closed (issue 11): no file is no role for anyone, never the local demo.
    with pytest.raises(QAError, match="does not exist, so nobody can be given a role"):
        load_role_map(tmp_path / "absent.toml")
    with pytest.raises(QAError, match="cannot be read .*so nobody can be given a role"):
        load_role_map(tmp_path)  # a folder where the file should be: unreadable as a file


def test_the_local_demo_is_off_unless_the_file_turns_it_on(tmp_path: Path) -> None:
    assert RoleMap().local_demo is False and RoleMap().local_demo_open_to_network is False
    path = tmp_path / "roles.toml"
    path.write_text('[groups."qa-team"]\nrole = "qa_lead"\n', encoding="utf-8")
    roles = load_role_map(path)
    assert roles.local_demo is False and roles.local_demo_open_to_network is False
    path.write_text("local_demo = true\nlocal_demo_open_to_network = true\n", encoding="utf-8")
    roles = load_role_map(path)
    assert roles.local_demo is True and roles.local_demo_open_to_network is True


def test_users_first_then_groups_in_file_order(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text(
        'local_demo = false\n'
        '[users."Priya@Example.org"]\nrole = "head_of_service"\nscope = "assessment"\n'
        '[groups."qa-team"]\nrole = "qa_lead"\n'
        '[groups."councillors"]\nrole = "scrutiny"\n', encoding="utf-8")
    roles = load_role_map(path)
    assert roles.local_demo is False
    # The user's own entry wins over their groups; emails match ignoring case and spaces.
    assert roles.grant_for(" priya@example.ORG ", ["qa-team"]) == Grant("head_of_service", "assessment")
    # In two listed groups: the first listed in the file (qa-team) wins.
    assert roles.grant_for("sam@example.org", ["Councillors", "QA-team"]) == Grant("qa_lead")
    assert roles.grant_for("sam@example.org", ["other"]) is None


@pytest.mark.parametrize(("text", "message"), [
    ("local_demo = ", "not valid TOML"),
    ('[users."a@b.c"]\nscope = "x"\n', "needs a role"),
    ('[users."a@b.c"]\nrole = "boss"\n', "no role 'boss'"),
    ('[users."a@b.c"]\nrole = "team_manager"\n', "needs a scope"),
    ('[groups."g"]\nrole = "qa_lead"\nscope = "assessment"\n', "takes no scope"),
    ('local_demo = "yes"\n', "local_demo must be true or false"),
    ("local_demo_open_to_network = 1\n", "local_demo_open_to_network must be true or false"),
    ('users = "everyone"\n', r"\[users\] must be a table"),
])
def test_bad_role_files_are_refused_plainly(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QAError, match=message):
        load_role_map(path)


def test_the_shipped_role_file_loads() -> None:
    roles = load_role_map()  # data/roles.toml: the demo council's people, the local demo on, not opened up
    assert roles.local_demo is True and roles.local_demo_open_to_network is False
    assert roles.grant_for("ad@kestrelvale.example") == Grant("assistant_director")
