"""The children's records behind an Annex A measure's number: "why is this number what it is".

For one measure (an AA_ code), month and service (or team): every record the figure counted, with its
pseudonymised child, team, worker, the dates the measure read and whether it met the measure. These
rows are case-level detail, so they are filtered **in the query** by the viewer's case filter
(``Viewer.case_filter``): the assistant director and QA lead see every team's, a head of service their
service's, a team manager their team's, and every other role none. How many records the figure counted
in all (an aggregate) is given apart, so a scoped viewer knows they see part of it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.errors import QAError
from qa_core.roles import Viewer
from qa_core.store import Store, queries

__all__ = ["records_behind", "records_total", "record_labels", "RECORD_COLUMNS"]

RECORD_COLUMNS = [
    "child",
    "team",
    "worker",
    "birth_month",
    "start_date",
    "end_date",
    "review_date",
    "working_days",
    "met",
    "answer",
]

#: Per list: what its record's start, end and review dates are.
_DATE_LABELS = {
    1: ("Date of contact", None, None),
    3: ("Date of referral", None, None),
    4: ("Assessment started", "Authorised", None),
    5: ("Strategy discussion", "ICPC held", None),
    7: ("Plan started", "Plan ended", "Latest review conference"),
    8: ("Started to be looked after", "Ceased to be looked after", "Latest statutory review"),
    9: (None, None, None),
}
_LIST_OF = {
    "AA_CONTACTS": 1,
    "AA_REFERRALS": 3,
    "AA_REREF_12M": 3,
    "AA_REF_NFA": 3,
    "AA_ASSESS_45WD": 4,
    "AA_SEEN_IN_ASSESS": 4,
    "AA_S47": 5,
    "AA_S47_NO_ICPC": 5,
    "AA_ICPC_15WD": 5,
    "AA_CPP_OPEN": 7,
    "AA_CPP_2YRS": 7,
    "AA_CLA_REVIEW_IN_DATE": 8,
    "AA_CL_IN_TOUCH": 9,
    "AA_CL_SUITABLE": 9,
    "AA_CL_EET": 9,
}


def record_labels(code: str) -> dict[str, str]:
    """Column → heading for the code's records; columns the code's list does not use are left out."""
    if code not in _LIST_OF:
        raise QAError(f"{code} is not an Annex A measure (its records are not held).")
    start, end, review = _DATE_LABELS[_LIST_OF[code]]
    labels = {"child": "Child (pseudonym)", "team": "Team", "worker": "Allocated worker", "birth_month": "Born"}
    for column, label in (("start_date", start), ("end_date", end), ("review_date", review)):
        if label:
            labels[column] = label
    if code in ("AA_ASSESS_45WD", "AA_ICPC_15WD"):
        labels["working_days"] = "Working days"
    if code not in ("AA_CONTACTS", "AA_REFERRALS", "AA_S47", "AA_CPP_OPEN"):
        labels["met"] = "Counted in the numerator"
    if _LIST_OF[code] in (3, 4, 5, 9):
        labels["answer"] = "Answers in the list"
    return labels


def _where(code: str, month: dt.date, service_id: str | None, team_id: str | None) -> tuple[str, dict]:
    if code not in _LIST_OF:
        raise QAError(f"{code} is not an Annex A measure (its records are not held).")
    return (
        "c.code = $code AND c.period = $month AND ($service IS NULL OR t.service_id = $service) "
        "AND ($team IS NULL OR t.team_id = $team)",
        {"code": code, "month": month, "service": service_id, "team": team_id},
    )


def records_total(
    store: Store, code: str, month: dt.date, service_id: str | None = None, team_id: str | None = None
) -> dict[str, int]:
    """How many records the figure counted, and how many met the measure (aggregates: any viewer)."""
    where, params = _where(code, month, service_id, team_id)
    row = store.query(
        f"SELECT count(*) AS records, count(*) FILTER (WHERE c.met) AS met FROM annex_a_count c "
        f"JOIN team t ON t.team_id = c.team_id WHERE {where}",
        params,
    )
    return {"records": int(row["records"].iloc[0]), "met": int(row["met"].iloc[0])}


def records_behind(
    store: Store,
    code: str,
    month: dt.date,
    service_id: str | None = None,
    team_id: str | None = None,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """The records behind ``code``'s figure for ``month`` (a service's, a team's or, with neither, the
    council's) that ``viewer`` may see (None: the assistant director). Those not meeting the measure
    come first: they are the ones a clinic asks about."""
    where, params = _where(code, month, service_id, team_id)
    cases, case_params = queries.case_condition(viewer, "t.service_id", "t.team_id")
    return store.query(
        f"""
        SELECT r.child, t.name AS team, r.worker, r.birth_month, r.start_date, r.end_date, r.review_date,
               c.working_days, c.met, r.answer
        FROM annex_a_count c
        JOIN annex_a_record r USING (record_id)
        JOIN team t ON t.team_id = c.team_id
        WHERE {where} AND {cases}
        ORDER BY c.met NULLS FIRST, r.start_date, r.end_date, t.name, r.child
        """,
        {**params, **case_params},
    )[RECORD_COLUMNS]
