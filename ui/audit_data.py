"""Cached wrappers for the Audit grades page, keyed on plain values (dates, strings, ints).

Each calls ``qa_core.views.audit_grades`` on the one store connection (``ui.data.get_store``);
``ui.data.cached`` keeps them per data version, so an import refreshes them. The aggregates are
picked from what the ``_``-named functions read once per version, so a change of month, service
or window reads nothing.

The case-level lists take the session's ``Viewer`` (a frozen dataclass: Streamlit hashes it
field by field, so each role and scope has its own cache entry) and the query returns only the
rows that viewer may see.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.roles import Viewer
from qa_core.rules.audits import GRADES, INADEQUATE
from qa_core.rules.expectations import rules_in_words
from qa_core.views import audit_grades
from ui import data
from ui.data import cached, get_store
from ui.safe import md


@cached
def monthly_grades(month: dt.date, service_id: str | None) -> pd.DataFrame:
    return audit_grades.monthly_grades(get_store(), month, service_id, months=data.months(), counts=_grade_counts())


@cached
def funnel(month: dt.date, service_id: str | None, window: int, by: str) -> pd.DataFrame:
    units = data.services() if (by or ("service" if service_id is None else "team")) == "service" else data.teams()
    return audit_grades.funnel(get_store(), month, service_id, window, by, counts=_grade_counts(), units=units)


@cached
def area_drivers(month: dt.date, service_id: str | None, window: int) -> pd.DataFrame:
    return audit_grades.area_drivers(get_store(), month, service_id, window, areas=_area_counts())


@cached
def completion(month: dt.date, service_id: str | None, by: str, viewer: Viewer) -> pd.DataFrame:
    """Picked from every shown month's rosters (a month the pages do not offer is read on its own);
    the month's totals (``by`` 'all', the headline) from every month's, worked out once."""
    rosters = _rosters() if month in data.months() else None
    if by == "all" and rosters is not None:
        picked = audit_grades.completion_total_from(_completion_totals(), month, service_id)
        if picked is not None:
            return picked
    return audit_grades.audit_completion(get_store(), month, service_id, by, viewer, rosters=rosters)


@cached
def expectation_words(month: dt.date) -> str:
    """The expectation rules in force in ``month``, in one sentence ("" when none)."""
    return rules_in_words(audit_grades.expectation_rules(get_store(), month))


@cached
def completion_gaps() -> list[str]:
    """Why completion cannot be shown, if it cannot (no staff, no auditors, no rules...)."""
    from qa_core.views import readiness  # the Audit grades page's only: not imported on the home page's start

    return readiness.completion_gaps(get_store())


@cached
def moderation(month: dt.date, service_id: str | None, window: int, by: str | None) -> pd.DataFrame:
    return audit_grades.moderation(get_store(), month, service_id, window, by, audits=_moderation_audits())


@cached
def moderation_grid(month: dt.date, service_id: str | None, window: int) -> pd.DataFrame:
    return audit_grades.moderation_grid(get_store(), month, service_id, window, audits=_moderation_audits())


@cached
def overdue_count(month: dt.date, service_id: str | None) -> int:
    return audit_grades.overdue_count(get_store(), month, service_id, actions=_actions())


# -- read once per data version: a change of month, service or window picks from these -----------

@cached
def _grade_counts() -> pd.DataFrame:
    return audit_grades.grade_counts_by_month(get_store())


@cached
def _rosters() -> pd.DataFrame:
    return audit_grades.completion_rosters(get_store(), data.months())


@cached
def _completion_totals() -> pd.DataFrame:
    return audit_grades.completion_totals(_rosters())


@cached
def _moderation_audits() -> pd.DataFrame:
    return audit_grades.moderation_audits(get_store())


@cached
def _actions() -> pd.DataFrame:
    return audit_grades.audit_actions(get_store())


@cached
def _area_counts() -> pd.DataFrame:
    return audit_grades.area_counts(get_store())


@cached
def overdue_actions(month: dt.date, service_id: str | None, viewer: Viewer) -> pd.DataFrame:
    return audit_grades.overdue_actions(get_store(), month, service_id, viewer)


@cached
def escalations_due(month: dt.date, service_id: str | None, every_grade: bool, viewer: Viewer) -> pd.DataFrame:
    grades = tuple(GRADES) if every_grade else (INADEQUATE,)
    return audit_grades.escalations_due(get_store(), month, service_id, grades, viewer)


def case_scope(viewer: Viewer, service_id: str | None) -> tuple[bool, str | None]:
    """Whether ``viewer`` sees any case-level rows for the chosen service (None: the council),
    and a sentence saying what is left out (None when they see every row).

    The queries already return only the permitted rows; this only words the page around them.
    """
    if viewer.role in ("assistant_director", "qa_lead"):
        return True, None
    services = data.services().set_index("service_id")["name"]
    if viewer.role == "head_of_service":
        own = md(services.get(viewer.scope, viewer.scope))  # the sentence is shown as markdown
        if service_id == viewer.scope:
            return True, None
        if service_id is None:
            return True, (f"Only {own}'s cases are listed: case-level detail for each service is shown to its "
                          "head of service, the assistant director and the QA lead only.")
    elif viewer.role == "team_manager":
        teams = data.teams().set_index("team_id")
        own = md(teams["name"].get(viewer.scope, viewer.scope))  # the sentence is shown as markdown
        home = viewer.scope_service or teams["service_id"].get(viewer.scope)
        if service_id is None or service_id == home:
            return True, (f"Only {own}'s cases are listed: case-level detail for each team is shown to its team "
                          "manager, its head of service, the assistant director and the QA lead only.")
    return False, ("Case-level detail for this service is shown to its head of service, the assistant director "
                   "and the QA lead only (and each team's own cases to its manager).")
