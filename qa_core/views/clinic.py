"""The performance clinic: one service, one month. The numbers the AD chairs from, and the
actions agreed at clinics (recorded and completed through the store, validated first).

Who sees what: the measures are aggregates. Action owners and team managers' names are staff
names, shown only to a viewer who sees the service's (or team's) case-level detail; an
action's what, status and due date stay, since they are the service's management actions,
not detail about a case. Only the assistant director, who chairs the clinic, and the service's
own head of service may record actions or mark them done (``may_manage_actions``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field, ValidationError, field_validator

from qa_core.errors import QAError
from qa_core.roles import AccessDenied, Viewer
from qa_core.rules.periods import month_end
from qa_core.rules.rag import rag_comparison_note
from qa_core.rules.spc import BASELINE_POINTS, improvement_for, xmr
from qa_core.store import Store, queries
from qa_core.views import home
from qa_core.views.baselines import change_indices
from qa_core.views.refusals import explain, refuse

__all__ = ["NewAction", "REPORT_COLUMNS", "clinic_measures", "clinic_report", "clinic_header", "team_breakdown",
           "clinic_measures_from", "clinic_header_from",
           "actions", "record_action", "complete_action", "may_manage_actions", "measure_points",
           "check_action", "insert_action"]

#: The columns of ``python -m qa_core report clinic``.
REPORT_COLUMNS = [
    "code", "name", "unit", "value", "numerator", "denominator", "target", "rag", "previous",
    "direction", "variation", "assurance", "special_cause", "sn_median", "sn_count", "england",
    "comparator_year", "rag_rule", "rag_note", "variation_icon", "assurance_icon", "baseline_month",
]
#: The form's words for each field of an action, for refusals that name the field.
ACTION_FIELDS = {"description": "the description (what will be done)", "owner": "the owner",
                 "due_date": "the due date", "service_id": "the service", "clinic_month": "the clinic month",
                 "code": "the linked measure"}


def may_manage_actions(viewer: Viewer | None, service_id: str) -> bool:
    """The AD (None counts as the AD) and the service's own head of service record and close
    clinic actions; everyone else who opens the clinic reads them."""
    if viewer is None or viewer.role == "assistant_director":
        return True
    return viewer.role == "head_of_service" and viewer.scope == service_id


def _check_manage(viewer: Viewer | None, service_id: str) -> None:
    if not may_manage_actions(viewer, service_id):
        raise AccessDenied(f"The action was not saved: the {viewer.describe()} role cannot record or close "
                           f"actions for {service_id}; the assistant director and that service's head of "
                           "service can.")


def clinic_measures(store: Store, service_id: str, month: dt.date) -> pd.DataFrame:
    """The service's core measures for the month with the latest published comparators.

    ``rag_note`` says why a measure has no rating though it has a value and target (too few cases:
    its count) or, where its rating against the council's own target points the other way from the
    published comparators, says so ("Red against the council's own target of 20.0%, though better than
    our statistical neighbours (26.6%) and England (23.9%)")."""
    return clinic_measures_from(home.indicator_summary(store, month, service_id), queries.latest_comparators(store))


def clinic_measures_from(summary: pd.DataFrame, comparators: pd.DataFrame) -> pd.DataFrame:
    """:func:`clinic_measures` from the service's month summary (``views.home.summary_from``) and
    ``queries.latest_comparators``, read once by a page that moves between months and services."""
    if summary.empty:
        return summary
    # A left join on the measure's code, each measure's row in place (a merge cost more than the rest):
    # a measure with no comparators gets blanks, and a count column with a blank becomes float, as a merge's.
    found = comparators.set_index("code").reindex(summary["code"].to_numpy()).reset_index(drop=True)
    out = pd.concat([summary, found], axis=1)
    columns = (out[c].tolist() for c in ("rag", "value", "polarity", "target", "unit", "sn_median", "england"))
    notes = [
        rag_comparison_note(rag, value, polarity, target, unit, (("our statistical neighbours", sn), ("England", en)))
        for rag, value, polarity, target, unit, sn, en in zip(*columns, strict=True)
    ]
    out["rag_note"] = [n if n is not None else few for n, few in zip(notes, out["rag_note"], strict=True)]
    return out


def clinic_report(store: Store, service_id: str, month: dt.date | None) -> pd.DataFrame:
    """The clinic's measures for a service as ``report clinic`` prints them (:data:`REPORT_COLUMNS`)."""
    if service_id not in set(queries.services(store)["service_id"]):
        raise QAError(f"There is no service {service_id!r}.")
    frame = clinic_measures(store, service_id, month)
    if frame.empty:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    frame = frame.assign(variation_icon=frame["variation_code"], assurance_icon=frame["assurance_code"])
    return frame[REPORT_COLUMNS]


def clinic_header(store: Store, service_id: str, month: dt.date, measures: pd.DataFrame) -> dict:
    return clinic_header_from(queries.services(store), service_id, month, measures)


def clinic_header_from(services: pd.DataFrame, service_id: str, month: dt.date, measures: pd.DataFrame) -> dict:
    """:func:`clinic_header` from ``queries.services`` read once: the service, its head and the month's RAG counts."""
    ids = services["service_id"].tolist()
    if service_id not in ids:
        raise QAError(f"There is no service {service_id!r}.")
    at = ids.index(service_id)
    # Counted on plain lists: a few dozen values, where a frame's index and counts cost a millisecond.
    rags = measures["rag"].tolist() if not measures.empty else []
    causes = measures["special_cause"].tolist() if not measures.empty else []
    return {
        "service_id": service_id, "service": services["name"].iloc[at],
        "head_of_service": services["head_of_service"].iloc[at],
        "month": month.strftime("%Y-%m"),
        "red": rags.count("Red"), "amber": rags.count("Amber"), "green": rags.count("Green"),
        "no_target": sum(1 for rag in rags if pd.isna(rag)),
        "special_cause_concern": causes.count("concern"),
        "measures": len(measures),
    }


def measure_points(series: pd.DataFrame, polarity: object, target: float | None,
                   changes: Sequence[dt.date] = ()) -> pd.DataFrame:
    """One measure's XmR chart for the clinic, from its monthly ``series`` (period, value): the
    SPC records (value, mean, limits, special_cause...) with the month as ``period``, judged
    against the measure's ``polarity`` (``rules.spc.improvement_for``) and ``target``. Limits are
    fixed on the first ``BASELINE_POINTS`` months and recalculated from each month in ``changes``
    (``views.baselines.change_months``), as the measures table computes them."""
    months = list(pd.to_datetime(series["period"]).dt.date)
    points = pd.DataFrame(xmr(series["value"].tolist(), improvement=improvement_for(polarity), target=target,
                              process_changes=change_indices(months, changes), baseline=BASELINE_POINTS))
    points["period"] = pd.to_datetime(series["period"])
    return points


def team_breakdown(store: Store, code: str, service_id: str, month: dt.date,
                   viewer: Viewer | None = None) -> pd.DataFrame:
    """One measure per team; ``manager`` only for the teams whose detail ``viewer`` sees."""
    return queries.team_values(store, code, service_id, month, viewer)


def actions(store: Store, service_id: str, as_of: dt.date, viewer: Viewer | None = None) -> pd.DataFrame:
    """Actions agreed at this service's clinics up to ``as_of``'s month, with a status:
    Done, Overdue (past due and not done at the end of the month) or Open. ``owner`` is
    "withheld" unless ``viewer`` sees the service's case-level detail."""
    frame = queries.clinic_actions(store, service_id, as_of, viewer)
    if frame.empty:
        return frame.assign(status=pd.Series(dtype="str"))
    end = month_end(as_of)
    done = frame["completed_date"].notna()
    overdue = ~done & (pd.to_datetime(frame["due_date"]).dt.date < end)
    frame["status"] = "Open"
    frame.loc[overdue, "status"] = "Overdue"
    frame.loc[done, "status"] = "Done"
    return frame


class NewAction(BaseModel):
    """An action agreed at a clinic: what, who, by when, and the measure it is about."""

    service_id: str = Field(min_length=1)
    clinic_month: dt.date
    description: str = Field(min_length=3, max_length=500)
    owner: str = Field(min_length=2, max_length=120)
    due_date: dt.date
    code: str | None = None

    @field_validator("description", "owner")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("is empty")
        return value


def record_action(store: Store, action: dict | NewAction, viewer: Viewer | None = None) -> str:
    """Validate and store a new clinic action; returns its id. Raises QAError on bad input and
    AccessDenied unless ``viewer`` may manage the service's actions (None: the AD)."""
    item = check_action(store, action, viewer)
    with store.transaction() as cur:
        return insert_action(cur, item)


def check_action(store: Store, action: dict | NewAction, viewer: Viewer | None = None) -> NewAction:
    """The action, validated (QAError naming the field in plain words; AccessDenied for a viewer
    who may not manage the service's actions); nothing is written."""
    try:
        item = action if isinstance(action, NewAction) else NewAction(**action)
    except ValidationError as exc:
        raise refuse("The action", explain(exc, ACTION_FIELDS)) from None
    _check_manage(viewer, item.service_id)
    if item.due_date < item.clinic_month:
        raise QAError("The action was not saved: the due date is before the clinic month.")
    known = set(queries.services(store)["service_id"])
    if item.service_id not in known:
        raise QAError(f"The action was not saved: there is no service {item.service_id!r}.")
    if item.code is not None and item.code not in set(queries.indicators(store)["code"]):
        raise QAError(f"The action was not saved: there is no measure {item.code!r}.")
    return item


def insert_action(cur: Any, item: NewAction) -> str:
    """Write a checked action inside the caller's transaction; its new id."""
    seq = cur.execute(
        "SELECT count(*) + 1 FROM clinic_action WHERE service_id = ? AND clinic_month = ?",
        [item.service_id, item.clinic_month]).fetchone()[0]
    action_id = f"CA-{item.service_id}-{item.clinic_month:%Y%m}-{seq}"
    while cur.execute("SELECT 1 FROM clinic_action WHERE action_id = ?", [action_id]).fetchone():
        seq += 1
        action_id = f"CA-{item.service_id}-{item.clinic_month:%Y%m}-{seq}"
    cur.execute(
        "INSERT INTO clinic_action (action_id, service_id, clinic_month, code, description, owner,"
        " due_date) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [action_id, item.service_id, item.clinic_month, item.code, item.description, item.owner,
         item.due_date])
    return action_id


def complete_action(store: Store, action_id: str, completed: dt.date, viewer: Viewer | None = None) -> None:
    """Mark an action done on ``completed``; an unknown or already-done action is a QAError, and
    a viewer who may not manage the action's service gets AccessDenied (None: the AD)."""
    found = store.query("SELECT completed_date, service_id FROM clinic_action WHERE action_id = ?", [action_id])
    if found.empty:
        raise QAError(f"There is no action {action_id!r}.")
    _check_manage(viewer, str(found["service_id"].iloc[0]))
    if pd.notna(found["completed_date"].iloc[0]):
        raise QAError(f"Action {action_id} is already marked done.")
    store.execute("UPDATE clinic_action SET completed_date = ? WHERE action_id = ?", [completed, action_id])
