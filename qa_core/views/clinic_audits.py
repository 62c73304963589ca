"""The clinic's "Audits this month": ``audit_grades.audits_report_from`` for every month and service
worked out at once, so a change of month or service picks its rows instead of grouping and grading
again (two reports a change were a tenth of a clinic page's run, issue 14).

Every row of a report is graded on its own counts (``rules.audits.grade_summary`` works row by row), so
grading every month's and service's rows together gives each row the very values a report of its own
month and service gives; the rows of one month and service are in the same order (by group label).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.audits import GRADE_COLUMNS, grade_summary
from qa_core.rules.periods import first_of
from qa_core.views.audit_grades import AUDIT_REPORT_COLUMNS, audits_report_from

__all__ = ["AuditReports", "audit_reports", "audit_report_from", "weakest_areas"]

_KINDS = {None: "audit", "area": "area"}


@dataclass(frozen=True)
class AuditReports:
    """Every month's and service's report (``audits_report_from`` with ``by`` None or 'area'), graded once."""

    table: pd.DataFrame  # AUDIT_REPORT_COLUMNS of every (kind, month, service_id, group), in that order
    at: dict[tuple[str, str, str], tuple[int, int]]  # (kind, "2026-10", service_id) -> its rows in ``table``
    none: pd.DataFrame  # the counts with no row: what a month and service with no audits is reported from
    empty: dict[str, pd.DataFrame] = field(default_factory=dict)  # kind -> that report, made when first asked for


def audit_reports(counts: pd.DataFrame) -> AuditReports:
    """:class:`AuditReports` from ``audit_grades.report_counts`` (every month's and service's counts)."""
    keys = ["kind", "month", "service_id", "group"]
    summed = counts.groupby(keys, sort=True)[list(GRADE_COLUMNS)].sum().reset_index()
    for col in GRADE_COLUMNS:
        summed[col] = summed[col].astype("int64")
    graded = grade_summary(summed)
    # As lists (not iterating the text columns: 20 ms of the clinic's first view for 11,000 rows, issue 14).
    blocks = list(zip(graded["kind"].tolist(), graded["month"].tolist(), graded["service_id"].tolist(), strict=True))
    at: dict[tuple[str, str, str], tuple[int, int]] = {}
    start = 0
    for i in range(1, len(blocks) + 1):
        if i == len(blocks) or blocks[i] != blocks[start]:
            at[blocks[start]] = (start, i)
            start = i
    return AuditReports(graded[AUDIT_REPORT_COLUMNS].reset_index(drop=True), at, counts.iloc[0:0])


def audit_report_from(reports: AuditReports, month: dt.date, by: str | None, service_id: str) -> pd.DataFrame:
    """``audits_report_from(counts, month, by, service_id)`` for one service, picked from ``reports``."""
    if by not in _KINDS:
        raise QAError(f"Only the month's audits and its areas are picked from what was read, not {by!r}.")
    kind = _KINDS[by]
    found = reports.at.get((kind, f"{first_of(month):%Y-%m}", service_id))
    if found is None:
        if kind not in reports.empty:  # from the function itself, once (two cost 20 ms when read every time)
            reports.empty[kind] = audits_report_from(reports.none, dt.date(2000, 1, 1), by)
        return reports.empty[kind].copy()
    return reports.table.iloc[found[0] : found[1]].reset_index(drop=True)


def weakest_areas(areas: pd.DataFrame, n: int = 3) -> list[tuple[str, int, int]]:
    """The ``n`` areas with the most grades of Requires improvement or Inadequate, as (area, those
    grades, all grades), most first and then by name (an area report: ``audit_report_from(by='area')``).

    >>> areas = pd.DataFrame({"group": ["Voice", "Plans", "Risk"], "requires_improvement": [1, 2, 0],
    ...                       "inadequate": [1, 0, 1], "total": [5, 6, 4]})
    >>> weakest_areas(areas, 2)
    [('Plans', 2, 6), ('Voice', 2, 5)]
    """
    rows = zip(areas["group"], areas["inadequate"], areas["requires_improvement"], areas["total"], strict=True)
    weak = [(group, inadequate + ri, total) for group, inadequate, ri, total in rows]
    return sorted(weak, key=lambda row: (-row[1], row[0]))[:n]
