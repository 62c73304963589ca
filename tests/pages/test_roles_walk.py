"""Every role walks every page in its list (and the audits tabs and the clinic where case detail
lives): no exception, and nothing on screen (text, tables, charts, widgets) holds a case
reference or a person's name that the role may not see.

The names come from the store, as in tests/unit/test_cli_roles.py: auditors, team managers and
audit-action and clinic-action owners, each allowed where the viewer sees a row it belongs to.
Heads of service, risk owners and improvement-plan leads are senior managers named in the
council's published papers: the clinic names its service's head, and an escalation names the
head of the audited service, so the head of the viewer's own service and of the clinic's service
are allowed too; risk owners and plan leads are not case-level detail.

The role is set as the local-demo picker sets it (``role``, ``role_scope``) and as the
resolved ``viewer`` as well, so the walk holds whether or not the picker has run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from qa_core.roles import ROLES, Viewer, resolve_viewer
from qa_core.store import Store
from tests.pages.conftest import SCOPES, open_page, walk_elements

ROOT = Path(__file__).resolve().parents[2]
CASE_REF = re.compile(r"CR\d{6}")
OWN, OTHER = "assessment", "cp_court"
AUDIT_VIEWS = [  # (tab, extra session state): the tabs with case-level rows, and completion by manager
    ("Overdue audit actions", {}),
    ("Escalations due", {}),
    ("Escalations due", {"audit_every_grade": True}),
    ("Completion", {"audit_completion_by": "auditor"}),
]


@pytest.fixture(scope="module")
def names(demo_db: Path) -> dict:
    with Store(demo_db, read_only=True) as store:
        rows = store.query("""
            SELECT auditor AS name, service_id, team_id FROM audit
            UNION SELECT manager, service_id, team_id FROM team
            UNION SELECT x.owner, a.service_id, a.team_id FROM audit_action x JOIN audit a USING (audit_id)
            UNION SELECT owner, service_id, NULL FROM clinic_action
            UNION SELECT chair, service_id, NULL FROM clinic_meeting
            UNION SELECT text, service_id, NULL FROM clinic_meeting_item WHERE kind IN ('attendee', 'apology')
            UNION SELECT recorded_by, org_id, NULL FROM spc_process_change WHERE org_level = 'service'
        """)
        heads = dict(store.query("SELECT service_id, head_of_service FROM service").itertuples(index=False))
        public = set(store.query("SELECT owner AS name FROM risk UNION SELECT lead FROM plan_area")["name"])
        viewers = {role: resolve_viewer(store, role, SCOPES.get(role)) for role in ROLES}
        refs = store.query("SELECT case_ref, service_id, team_id FROM audit")
    people: dict[str, set] = {}
    for name, service, team in rows.itertuples(index=False):
        people.setdefault(name, set()).add((service, team))
    return {"people": people, "heads": heads, "public": public, "viewers": viewers, "refs": refs}


def forbidden(names: dict, viewer: Viewer, clinic_service: str | None = None) -> set[str]:
    home = viewer.scope_service or viewer.scope if viewer.role in SCOPES else None
    allowed = names["public"] | {names["heads"].get(home), names["heads"].get(clinic_service)}
    return {n for n, rows in names["people"].items()
            if n not in allowed and not any(viewer.sees_cases(s, t) for s, t in rows)}


def screen_text(app: AppTest) -> str:
    """Everything the page put on screen: element values (tables as CSV), widget options and
    labels, chart specs, and each element's raw message as a backstop."""
    parts = []
    for element in [*walk_elements(app.main), *walk_elements(app.sidebar)]:
        value = getattr(element, "value", None)
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv(index=False))
        elif value is not None:
            parts.append(str(value))
        for attr in ("label", "options", "body"):
            if getattr(element, attr, None) is not None:
                parts.append(str(getattr(element, attr)))
        proto = getattr(element, "proto", None)
        if proto is not None:
            parts.append(str(proto))
    return "\n".join(parts)


def open_as(app: AppTest, viewer: Viewer, page: str, service: str = "all", **state: object) -> AppTest:
    return open_page(app, page, viewer=viewer, month="2026-10", service=service, **state)


def check(app: AppTest, names: dict, viewer: Viewer, where: str, clinic_service: str | None = None) -> str:
    text = screen_text(app)
    refs = names["refs"]
    seen = refs[[viewer.sees_cases(s, t) for s, t in zip(refs["service_id"], refs["team_id"], strict=True)]]
    shown = set(CASE_REF.findall(text))
    assert shown <= set(seen["case_ref"]), f"{where}: case references the role may not see: {sorted(shown)[:5]}"
    leaked = sorted(n for n in forbidden(names, viewer, clinic_service) if re.search(rf"\b{re.escape(n)}\b", text))
    assert leaked == [], f"{where}: names the role may not see: {leaked}"
    return text


def existing(pages: tuple[str, ...]) -> list[str]:
    return [p for p in pages if (ROOT / "app_pages" / f"{p}.py").exists()]


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_every_role(app: AppTest, names: dict, role: str) -> None:
    viewer = names["viewers"][role]
    for page in existing(viewer.pages):
        service = OWN if page == "clinic" else "all"
        open_as(app, viewer, page, service)
        check(app, names, viewer, f"{role} on {page}", OWN if page == "clinic" else None)


@pytest.mark.parametrize("role", [r for r in ROLES if "audits" in ROLES[r]])
@pytest.mark.parametrize("service", ["all", OWN, OTHER])
def test_the_audits_case_tabs(app: AppTest, names: dict, role: str, service: str) -> None:
    viewer = names["viewers"][role]
    for tab, state in AUDIT_VIEWS:
        open_as(app, viewer, "audits", service, audit_tab=tab, **state)
        text = check(app, names, viewer, f"{role} on audits/{tab} {state} ({service})")
        sees = viewer.role in ("assistant_director", "qa_lead") or (service != OTHER)
        if tab == "Overdue audit actions" and sees:
            # The rows shown are exactly the viewer's overdue actions (the demo has some in each).
            assert CASE_REF.search(text), f"{role} sees no case on {tab} ({service})"
        if not sees and tab != "Completion":
            assert "Case-level detail for this service is shown to its head of service" in text


def test_a_head_of_service_sees_only_their_services_case_references(app: AppTest, names: dict,
                                                                    demo_db: Path) -> None:
    viewer = names["viewers"]["head_of_service"]
    open_as(app, viewer, "audits", "all", audit_tab="Overdue audit actions")
    shown = set(CASE_REF.findall(screen_text(app)))
    # Their service's overdue actions, every one (worked in SQL here, not by the page's query).
    with Store(demo_db, read_only=True) as store:
        expected = store.query(
            "SELECT a.case_ref FROM audit_action x JOIN audit a USING (audit_id) WHERE a.service_id = $s "
            "AND x.due_date < DATE '2026-10-31' AND (x.completed_date IS NULL OR x.completed_date > DATE '2026-10-31')",
            {"s": OWN})
    table = next(d.value for d in app.dataframe if "Case reference" in d.value.columns)
    assert len(table) == len(expected) > 0
    assert sorted(table["Case reference"]) == sorted(expected["case_ref"]) and shown == set(expected["case_ref"])


@pytest.mark.parametrize("role", [r for r in ROLES if "clinic" in ROLES[r]])
@pytest.mark.parametrize("service", [OWN, OTHER])
def test_the_clinic_actions_and_their_forms(app: AppTest, names: dict, role: str, service: str) -> None:
    viewer = names["viewers"][role]
    open_as(app, viewer, "clinic", service)
    check(app, names, viewer, f"{role} on clinic ({service})", service)
    table = next(d.value for d in app.dataframe if "What will be done" in d.value.columns)
    owners = viewer.sees_cases(service)
    assert ("Owner" in table.columns) == owners
    manages = role == "assistant_director" or (role == "head_of_service" and service == OWN)
    assert any(t.label == "Owner" for t in app.text_input) == manages, f"{role} ({service}): the new-action form"
    assert any("Mark done" == b.label for b in app.button) == manages


def test_the_data_page_records_the_role_in_the_local_demo(app: AppTest, names: dict) -> None:
    open_as(app, names["viewers"]["admin"], "data")
    assert app.title[0].value == "Data"
