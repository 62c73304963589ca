"""Recorded SPC process changes: where a measure's limits are recalculated.

Making Data Count fixes a chart's limits on a baseline and recalculates them only when the
process itself changed (a new service model, a restructure), and the chart says where and why
(docs/domain.md, "Baselines and process changes"). The assistant director records such a
change for a measure and a service, from a month, with a reason; a change recorded for the
council applies to the council's series and to every service's. Nothing recalculates limits
automatically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from qa_core.errors import QAError
from qa_core.roles import AccessDenied, Viewer
from qa_core.rules.periods import month_label
from qa_core.store import Store, queries
from qa_core.views.refusals import clean_date, clean_text, refuse

__all__ = [
    "COUNCIL",
    "REASON_CHARS",
    "change_indices",
    "changes_by_code",
    "change_months",
    "process_changes",
    "all_process_changes",
    "process_changes_from",
    "may_record_changes",
    "record_process_change",
    "remove_process_change",
]

#: The org_id (and org_level) of a change recorded for the whole council.
COUNCIL = "la"
REASON_CHARS = 1_000
NAME_CHARS = 120
_COLUMNS = ["code", "org_level", "org_id", "month", "reason", "recorded_by", "recorded_at"]


def may_record_changes(viewer: Viewer | None) -> bool:
    """Only the assistant director (None counts as the AD) records or removes a process change:
    it resets the limits every reader of the measure sees."""
    return viewer is None or viewer.role == "assistant_director"


def _scope_sql(service_id: str | None) -> tuple[str, dict]:
    """Changes that apply to the council's series (council ones) or a service's (its own and the council's)."""
    if service_id is None:
        return "org_level = 'la'", {}
    return "(org_level = 'la' OR (org_level = 'service' AND org_id = $service))", {"service": service_id}


def process_changes(store: Store, code: str | None = None, service_id: str | None = None) -> pd.DataFrame:
    """The changes that apply to ``code``'s series (every measure's when None) for ``service_id``
    (None: the council), oldest first, with ``level`` in words for the chart's note."""
    where, params = _scope_sql(service_id)
    return _shaped(store.query(
        f"SELECT {', '.join(_COLUMNS)} FROM spc_process_change WHERE {where} AND ($code IS NULL OR code = $code) "
        "ORDER BY code, month, org_level",
        {"code": code, **params},
    ))


def all_process_changes(store: Store) -> pd.DataFrame:
    """Every recorded change, as stored (``month`` a timestamp, no ``level``), in :func:`process_changes`'
    order, read once for :func:`process_changes_from` to pick any measure's and service's from."""
    return store.query(f"SELECT {', '.join(_COLUMNS)} FROM spc_process_change ORDER BY code, month, org_level")


def process_changes_from(changes: pd.DataFrame, code: str | None = None, service_id: str | None = None) -> pd.DataFrame:
    """:func:`process_changes` picked from :func:`all_process_changes`."""
    council = changes["org_level"] == "la"
    scope = council if service_id is None else council | ((changes["org_level"] == "service")
                                                          & (changes["org_id"] == service_id))
    if code is not None:
        scope &= changes["code"] == code
    return _shaped(queries.as_queried(changes[scope.to_numpy(dtype=bool)].reset_index(drop=True)))


def _shaped(frame: pd.DataFrame) -> pd.DataFrame:
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["level"] = frame["org_level"].map({"la": "whole council", "service": "this service"})
    return frame


def changes_by_code(store: Store, service_id: str | None = None) -> dict[str, list[dt.date]]:
    """Every measure's change months for a service's series (or the council's), in one query."""
    frame = process_changes(store, None, service_id)
    return {code: sorted(set(group["month"])) for code, group in frame.groupby("code")}


def change_months(store: Store, code: str, service_id: str | None = None) -> list[dt.date]:
    """The months from which ``code``'s limits are recalculated, for a service (or the council)."""
    return changes_by_code(store, service_id).get(code, [])


def change_indices(months: Sequence[dt.date], changes: Sequence[dt.date]) -> list[int]:
    """The position in ``months`` (a series' months, in order) where each change takes effect:
    the first month on or after it. A change before the series or after its end is left out.

    >>> months = [dt.date(2026, m, 1) for m in (1, 2, 4, 5)]
    >>> change_indices(months, [dt.date(2026, 3, 1), dt.date(2025, 1, 1), dt.date(2027, 1, 1)])
    [2]
    """
    found = []
    for change in changes:
        at = next((i for i, m in enumerate(months) if m >= change), None)
        if at is not None and at > 0:
            found.append(at)
    return sorted(set(found))


def _check(store: Store, change: dict, viewer: Viewer | None) -> tuple[str, str, str, dt.date]:
    if not may_record_changes(viewer):
        raise AccessDenied(
            f"The process change was not saved: the {viewer.describe()} role cannot record "
            "process changes; the assistant director can."
        )
    problems = []
    code = change.get("code")
    if code not in set(queries.indicators(store)["code"]):
        problems.append(f"there is no measure {code!r}" if code else "the measure is missing")
    service_id = change.get("service_id")
    if service_id is not None and service_id not in set(queries.services(store)["service_id"]):
        problems.append(f"there is no service {service_id!r}")
    try:
        month = clean_date(change.get("month"), "the month")
    except QAError as exc:
        problems.append(str(exc))
        month = None
    if problems:
        raise refuse("The process change", problems)
    level, org = ("service", service_id) if service_id is not None else ("la", COUNCIL)
    return code, level, org, month.replace(day=1)


def record_process_change(
    store: Store, change: dict, viewer: Viewer | None = None, now: dt.datetime | None = None
) -> None:
    """Record a process change: ``code``, ``service_id`` (None: the whole council), ``month`` (its
    first month; any day of it will do), ``reason`` and ``recorded_by``. Refused in plain words
    (QAError) when a field is wrong or the change is already recorded; AccessDenied unless
    ``viewer`` is the AD (None: the AD)."""
    code, level, org, month = _check(store, change, viewer)
    problems = []
    try:
        reason = clean_text(change.get("reason"), "the reason", min_chars=3, max_chars=REASON_CHARS)
    except QAError as exc:
        problems.append(str(exc))
    try:
        who = clean_text(change.get("recorded_by"), "who recorded it", min_chars=2, max_chars=NAME_CHARS)
    except QAError as exc:
        problems.append(str(exc))
    if problems:
        raise refuse("The process change", problems)
    with store.transaction() as cur:
        held = cur.execute(
            "SELECT 1 FROM spc_process_change WHERE code = ? AND org_level = ? AND org_id = ? AND month = ?",
            [code, level, org, month],
        ).fetchone()
        if held:
            raise QAError(
                f"The process change was not saved: a change to {code} from {month_label(month)} is "
                "already recorded there."
            )
        cur.execute(
            "INSERT INTO spc_process_change VALUES (?, ?, ?, ?, ?, ?, ?)",
            [code, level, org, month, reason, who, now or dt.datetime.now().replace(microsecond=0)],
        )


def remove_process_change(
    store: Store, code: str, service_id: str | None, month: dt.date, viewer: Viewer | None = None
) -> None:
    """Remove a change recorded by mistake (the AD only); the limits go back to the earlier baseline."""
    code, level, org, month = _check(store, {"code": code, "service_id": service_id, "month": month}, viewer)
    with store.transaction() as cur:
        gone = cur.execute(
            "DELETE FROM spc_process_change WHERE code = ? AND org_level = ? AND org_id = ? AND month = ? RETURNING 1",
            [code, level, org, month],
        ).fetchall()
        if not gone:
            raise QAError(f"There is no process change to {code} from {month_label(month)} to remove.")
