"""The improvement board's "RAG at a glance" ([Southampton RAG at a glance]): every improvement-plan area as at a
month, with its previous and current RAG, how it moved, its priorities by status and the
overdue ones; and, for one area, its priorities, narrative with evidence and RAG history.

"As at" a month means: the area's latest rating in or before that month is current, the
rating before that one is previous (normally the month before), and priorities are rated
by progress against their target date at the **end** of the month, with the rule of
:func:`qa_core.rules.rag.priority_status` (Blue complete, Red overdue, Amber due within 30 days,
Green on track). Priorities are counted in DuckDB; the status rule is written once in SQL
(``_STATUS_SQL``) and checked against ``priority_status`` in the tests.

An area is an **exception** (what the board's "exceptions only" shows, each with its reason in
``exception_reason``) when its rating moved either way, when it is Red (an area that stays Red
needs the board's attention as much as one that turned Red), when a priority is overdue, when a
priority is at risk of falling out of timescale (not complete and due within 30 days), or when its
lead has rated a priority Red that is not (yet) overdue. A lead may rate a priority themselves, with the evidence
(``plan_priority.rag`` and ``evidence``): that rating is shown in place of the one worked out
from the target date, which stays as the priority's ``status``. Where the area's own rating
contradicts its priorities (Red or Amber with every priority complete; Green or Blue with a
priority overdue or rated Red by its lead) ``rating_note`` says so, so the board never reads a
rating that its priorities argue against without being told.

The plan covers the whole council: nothing here takes a service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.missing import is_missing
from qa_core.rules.periods import first_of, month_end
from qa_core.rules.rag import (
    AMBER,
    BLUE,
    DEFAULT_DUE_SOON_DAYS,
    DETERIORATED,
    GREEN,
    IMPROVED,
    RAG_ORDER,
    RED,
    UNCHANGED,
    normalise_rag,
    rag_movement,
    rag_rank,
)
from qa_core.store import Store

__all__ = [
    "BOARD_COLUMNS", "REPORT_COLUMNS", "PRIORITY_STATUSES", "COMPLETE", "OVERDUE", "DUE_SOON",
    "ON_TRACK", "NO_TARGET_DATE", "NEW", "month_end", "rating_months", "rag_report", "board_summary",
    "movement_text", "priorities_text", "area_priorities", "area_narrative", "area_history",
    "rag_runs", "history_title", "history_text", "BoardData", "board_data", "rag_report_from",
    "area_priorities_from", "area_narrative_from", "area_history_from", "rag_reports_from", "report_of_month",
    "all_priorities_from", "priorities_of",
]

#: The columns the command line and the page rely on, in this order.
REPORT_COLUMNS = [
    "area_id", "area", "lead", "previous_rag", "current_rag", "movement", "priorities_total",
    "priorities_complete", "priorities_on_track", "priorities_overdue", "exception",
]
#: Everything ``rag_report`` returns: the report columns, then helpful extras.
BOARD_COLUMNS = [
    *REPORT_COLUMNS, "rag_month", "previous_month", "priorities_due_soon", "movement_text",
    "priorities_text", "exception_reason", "ofsted_recommendation", "priorities_lead_red", "rating_note",
]

# Priority statuses (words shown on the page) and the RAG colour each carries.
COMPLETE = "Complete"
OVERDUE = "Overdue"
DUE_SOON = "Due soon"
ON_TRACK = "On track"
NO_TARGET_DATE = "No target date"
PRIORITY_STATUSES: dict[str, str | None] = {
    COMPLETE: BLUE, OVERDUE: RED, DUE_SOON: AMBER, ON_TRACK: GREEN, NO_TARGET_DATE: None,
}

#: ``movement`` for an area whose current rating is its first.
NEW = "new"

# The rule of rag.priority_status, as at $as_of (the month's last day), in SQL so that the
# board's counts are aggregated in DuckDB. A completion after $as_of does not count yet.
_STATUS_SQL = f"""CASE
    WHEN p.completed_date IS NOT NULL AND p.completed_date <= $as_of THEN '{COMPLETE}'
    WHEN p.target_date IS NULL THEN '{NO_TARGET_DATE}'
    WHEN p.target_date < $as_of THEN '{OVERDUE}'
    WHEN p.target_date <= CAST($as_of AS DATE) + CAST($soon AS INTEGER) THEN '{DUE_SOON}'
    ELSE '{ON_TRACK}' END"""

_LETTERS = {"R": RED, "A": AMBER, "Y": "Yellow", "G": GREEN, "B": BLUE}


def _clean_rag(value: Any) -> str | None:
    """A stored rating in its canonical spelling (letters R/A/Y/G/B allowed); None if missing.

    An unknown word is kept as it is (shown, but never compared)."""
    if is_missing(value):
        return None
    text = str(value).strip()
    if text.upper() in _LETTERS:
        return _LETTERS[text.upper()]
    try:
        return normalise_rag(text)
    except QAError:
        return text


def _objects(values: Any, index: pd.Index | None = None) -> pd.Series:
    """Values as an object column in which a missing value is None (not NaN)."""
    # Made from a list (a Series mapped and masked with where cost 0.7 ms a column, five columns a board).
    return pd.Series([None if is_missing(v) else v for v in values], index=values.index if index is None else index,
                     dtype="object")


def _movement(previous: str | None, current: str | None) -> str | None:
    if is_missing(current):
        return None
    if is_missing(previous):
        return NEW
    try:
        return rag_movement(previous, current)
    except QAError:  # an unknown word cannot be compared
        return None


def movement_text(previous: str | None, current: str | None) -> str:
    """How an area's rating moved, in words for the board.

    >>> movement_text("Amber", "Green")
    'Improved from Amber to Green'
    >>> movement_text("Green", "Green"), movement_text(None, "Red")
    ('Unchanged at Green', 'First rating: Red')
    """
    previous, current = _clean_rag(previous), _clean_rag(current)
    if current is None:
        return "Not yet rated"
    moved = _movement(previous, current)
    if moved == NEW:
        return f"First rating: {current}"
    if moved == IMPROVED:
        return f"Improved from {previous} to {current}"
    if moved == DETERIORATED:
        return f"Deteriorated from {previous} to {current}"
    if moved == UNCHANGED:
        return f"Unchanged at {current}"
    return f"From {previous} to {current}"


def priorities_text(complete: int, on_track: int, overdue: int) -> str:
    """Priorities counted by status, leaving out the statuses with none.

    >>> priorities_text(3, 2, 1)
    '3 complete, 2 on track, 1 overdue'
    >>> priorities_text(0, 4, 0), priorities_text(0, 0, 0)
    ('4 on track', 'No priorities')
    """
    parts = [f"{n} {word}" for n, word in ((complete, "complete"), (on_track, "on track"),
                                           (overdue, "overdue")) if n]
    return ", ".join(parts) if parts else "No priorities"


def _exception_reason(movement: str | None, overdue: int, current: str | None = None, due_soon: int = 0,
                      lead_red: int = 0, due_soon_days: int = DEFAULT_DUE_SOON_DAYS) -> str:
    """Why an area is an exception, in words; '' when it is not one.

    >>> _exception_reason("unchanged", 0, "Red")
    'Still Red'
    >>> _exception_reason("deteriorated", 1, "Red", due_soon=2)
    'Deteriorated; 1 overdue priority; 2 priorities due within 30 days and not complete'
    """
    parts = []
    if movement in (IMPROVED, DETERIORATED):
        parts.append(movement.capitalize())
    elif current == RED:
        parts.append("Still Red" if movement == UNCHANGED else "Red")
    if overdue:
        parts.append(f"{overdue} overdue priorit{'y' if overdue == 1 else 'ies'}")
    if due_soon:
        parts.append(f"{due_soon} priorit{'y' if due_soon == 1 else 'ies'} due within {due_soon_days} days and "
                     "not complete")
    if lead_red:
        parts.append(f"{lead_red} priorit{'y' if lead_red == 1 else 'ies'} rated Red by the lead")
    return "; ".join(parts)


def _rating_note(current: str | None, total: int, complete: int, overdue: int, lead_red: int) -> str | None:
    """A note where the area's rating argues against its priorities; None where it does not.

    >>> _rating_note("Red", 3, 3, 0, 0)
    'Rated Red although all 3 of its priorities are complete: the rating rests on more than the priorities.'
    >>> _rating_note("Green", 4, 1, 2, 0)
    'Rated Green although 2 of its 4 priorities are overdue.'
    """
    if current in (RED, AMBER) and total and complete == total:
        done = "its one priority is" if total == 1 else f"all {total} of its priorities are"
        return f"Rated {current} although {done} complete: the rating rests on more than the priorities."
    if current in (GREEN, BLUE) and (overdue or lead_red):
        parts = []
        if overdue:
            parts.append(f"{overdue} of its {total} priorities {'is' if overdue == 1 else 'are'} overdue")
        if lead_red:
            whole = "" if overdue else f" of its {total} priorities"
            parts.append(f"{lead_red}{whole} {'is' if lead_red == 1 else 'are'} rated Red by the lead")
        return f"Rated {current} although {' and '.join(parts)}."
    if current == BLUE and total and complete < total:
        return f"Rated Blue (complete) although {total - complete} of its {total} priorities are not complete."
    return None


def _month_text(value: Any) -> str | None:
    if is_missing(value):
        return None
    day = pd.Timestamp(value)
    return f"{day.year:04d}-{day.month:02d}"  # strftime('%Y') drops the zeros of a year before 1000


def rating_months(store: Store) -> list[dt.date]:
    """Months in which any area was rated, oldest first."""
    frame = store.query("SELECT DISTINCT month FROM plan_area_rag ORDER BY month")
    return [pd.Timestamp(v).date() for v in frame["month"]]


def rag_report(store: Store, month: dt.date | None) -> pd.DataFrame:
    """The board as at ``month``: one row per plan area, in plan order.

    Columns :data:`REPORT_COLUMNS` then the extras in :data:`BOARD_COLUMNS`:

    * ``current_rag`` is the latest rating in or before ``month`` (``rag_month``, 'YYYY-MM'),
      ``previous_rag`` the one before it (``previous_month``);
    * ``movement``: 'improved', 'deteriorated', 'unchanged' (:func:`qa_core.rules.rag.rag_movement`),
      'new' for a first rating, None if the area is not yet rated;
    * priorities as at the month's last day: ``priorities_complete`` (Blue),
      ``priorities_overdue`` (Red: target date passed, not complete) and
      ``priorities_on_track`` (the rest, including ``priorities_due_soon``, due within 30 days);
      they add up to ``priorities_total``;
    * ``exception``: the area moved (improved or deteriorated), is Red, or has a priority overdue, due
      within 30 days and not complete, or rated Red by its lead; ``exception_reason`` says which;
    * ``rating_note``: where the area's rating argues against its priorities (module notes).

    A month before any rating gives an empty frame with these columns; ``None`` means the
    latest month with a rating.
    """
    if month is None:
        rated = rating_months(store)
        if not rated:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in BOARD_COLUMNS})
        month = rated[-1]
    return rag_report_from(BoardData(_boards(store, [month]), *[pd.DataFrame()] * 3), month)


@dataclass(frozen=True)
class BoardData:
    """The board as at each of some months, and every area's priorities, narrative and ratings, read
    once (:func:`board_data`): a page that moves between months and areas picks from it."""

    boards: pd.DataFrame  # the board's counted rows for each month asked for (``month``: its first day)
    priorities: pd.DataFrame  # every priority's status as at the end of each month asked for
    narrative: pd.DataFrame  # every narrative row
    ratings: pd.DataFrame  # every area's rating each month


def board_data(store: Store, months: list[dt.date]) -> BoardData:
    """Read, in four queries, what the board and its areas need as at any of ``months``."""
    narrative = store.query("SELECT area_id, month, kind, seq, text, evidence FROM plan_narrative")
    ratings = store.query("SELECT area_id, month, rag FROM plan_area_rag ORDER BY area_id, month")
    return BoardData(_boards(store, months), _priorities(store, months), narrative, ratings)


#: The board's months, each with its last day (``as_of``): ``_STATUS_SQL`` as at each month's end.
_MONTHS_SQL = ("months AS (SELECT start, (start + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS as_of "
               "FROM (SELECT unnest($months)::DATE AS start))")
_STATUS_AT_MONTH_END = _STATUS_SQL.replace("$as_of", "m.as_of")


def _month_params(months: list[dt.date]) -> dict[str, Any]:
    return {"months": sorted({first_of(m) for m in months}) or [dt.date(2000, 1, 1)], "soon": DEFAULT_DUE_SOON_DAYS}


def _boards(store: Store, months: list[dt.date]) -> pd.DataFrame:
    months_sql, at_month_end, params = _MONTHS_SQL, _STATUS_AT_MONTH_END, _month_params(months)
    return store.query(
        f"""
        WITH {months_sql},
        ranked AS (
            SELECT m.start, r.area_id, r.month, r.rag,
                   row_number() OVER (PARTITION BY m.start, r.area_id ORDER BY r.month DESC) AS k
            FROM months m JOIN plan_area_rag r ON r.month <= m.as_of
        ),
        ratings AS (
            SELECT start, area_id,
                   max(rag) FILTER (WHERE k = 1) AS current_rag,
                   max(month) FILTER (WHERE k = 1) AS rag_month,
                   max(rag) FILTER (WHERE k = 2) AS previous_rag,
                   max(month) FILTER (WHERE k = 2) AS previous_month
            FROM ranked WHERE k <= 2 GROUP BY start, area_id
        ),
        counts AS (
            SELECT start, area_id, count(*) AS total,
                   count(*) FILTER (WHERE status = '{COMPLETE}') AS complete,
                   count(*) FILTER (WHERE status = '{OVERDUE}') AS overdue,
                   count(*) FILTER (WHERE status = '{DUE_SOON}') AS due_soon,
                   count(*) FILTER (WHERE status NOT IN ('{COMPLETE}', '{OVERDUE}')
                                      AND lower(trim(lead_rag)) IN ('red', 'r')) AS lead_red
            FROM (SELECT m.start, p.area_id, p.rag AS lead_rag, {at_month_end} AS status
                  FROM months m, plan_priority p)
            GROUP BY start, area_id
        )
        SELECT m.start AS month, a.area_id, a.name AS area, a.lead, a.ofsted_recommendation,
               r.previous_rag, r.current_rag, r.rag_month, r.previous_month,
               coalesce(c.total, 0) AS priorities_total,
               coalesce(c.complete, 0) AS priorities_complete,
               coalesce(c.overdue, 0) AS priorities_overdue,
               coalesce(c.due_soon, 0) AS priorities_due_soon,
               coalesce(c.lead_red, 0) AS priorities_lead_red
        FROM months m CROSS JOIN plan_area a
        LEFT JOIN ratings r ON r.start = m.start AND r.area_id = a.area_id
        LEFT JOIN counts c ON c.start = m.start AND c.area_id = a.area_id
        ORDER BY m.start, a.sort_order, a.name, a.area_id
        """,
        params,
    )


def _priorities(store: Store, months: list[dt.date]) -> pd.DataFrame:
    months_sql, at_month_end, params = _MONTHS_SQL, _STATUS_AT_MONTH_END, _month_params(months)
    return store.query(
        f"""
        WITH {months_sql}
        SELECT m.start AS month, p.area_id, p.priority_id, p.description, p.target_date,
               CASE WHEN p.completed_date <= m.as_of THEN p.completed_date END AS completed_date,
               {at_month_end} AS status,
               CASE WHEN ({at_month_end}) = '{OVERDUE}' THEN date_diff('day', p.target_date, m.as_of)
                    ELSE 0 END AS days_overdue,
               p.rag AS lead_rag, p.evidence
        FROM months m, plan_priority p
        ORDER BY m.start, p.area_id, p.target_date NULLS LAST, p.priority_id
        """,
        params,
    )


def _month_rows(frame: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """The rows of ``month`` (its first day in the "month" column, at any time of day), without that column.

    Compared as datetimes, not as a date object made for every row (6,000 priorities on the large demo), and
    the rows and other columns taken at once (a pick, then dropping the column, copied the pick again).
    """
    months = frame["month"]
    if not pd.api.types.is_datetime64_dtype(months.dtype):
        months = pd.to_datetime(months)
    rows = np.flatnonzero((months.dt.normalize() == pd.Timestamp(first_of(month))).to_numpy())
    return frame.iloc[rows, [i for i, name in enumerate(frame.columns) if name != "month"]]


def _no_board() -> pd.DataFrame:
    """The report of a month no area is rated in."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in BOARD_COLUMNS})


def rag_report_from(data: BoardData, month: dt.date) -> pd.DataFrame:
    """:func:`rag_report` as at ``month`` (one of the months :func:`board_data` read)."""
    frame = _month_rows(data.boards, month).reset_index(drop=True)
    if frame.empty or frame["current_rag"].isna().all():
        return _no_board()
    return _reported(frame)[BOARD_COLUMNS].reset_index(drop=True)


def rag_reports_from(data: BoardData) -> pd.DataFrame:
    """:func:`rag_report_from` for every month :func:`board_data` read, at once: its columns after
    ``month`` (the month's first day), the months with no area rated left out. A page picks a month's
    rows with :func:`report_of_month`: the words are worked out row by row either way, and most of a
    month's own cost (6 ms on the large demo) was the pandas steps around its dozen rows."""
    frame = data.boards.reset_index(drop=True)
    rated = frame["current_rag"].notna().groupby(frame["month"]).transform("any").to_numpy(dtype=bool)
    return _reported(frame.iloc[np.flatnonzero(rated)].reset_index(drop=True))[["month", *BOARD_COLUMNS]]


def report_of_month(reports: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """A month's :func:`rag_report_from` picked from :func:`rag_reports_from`'s rows."""
    frame = _month_rows(reports, month)
    return _no_board() if frame.empty else frame.reset_index(drop=True)


def _reported(frame: pd.DataFrame) -> pd.DataFrame:
    """The board's rows (``_boards``' columns, of one month or many) with the report's words worked out (in
    ``frame``, a frame of the caller's own: with copy-on-write, the board it was taken from is not changed)."""
    frame["previous_rag"] = _objects(frame["previous_rag"].map(_clean_rag))
    frame["current_rag"] = _objects(frame["current_rag"].map(_clean_rag))
    for col in ("priorities_total", "priorities_complete", "priorities_overdue", "priorities_due_soon",
                "priorities_lead_red"):
        frame[col] = frame[col].astype("int64")
    frame["priorities_on_track"] = (frame["priorities_total"] - frame["priorities_complete"]
                                    - frame["priorities_overdue"])
    pairs = list(zip(frame["previous_rag"], frame["current_rag"], strict=True))
    frame["movement"] = _objects([_movement(p, c) for p, c in pairs], frame.index)
    frame["movement_text"] = [movement_text(p, c) for p, c in pairs]
    frame["priorities_text"] = [
        priorities_text(c, t, o) for c, t, o in
        zip(frame["priorities_complete"], frame["priorities_on_track"], frame["priorities_overdue"], strict=True)]
    frame["exception_reason"] = [
        _exception_reason(m, o, c, d, r) for m, o, c, d, r in zip(
            frame["movement"], frame["priorities_overdue"], frame["current_rag"], frame["priorities_due_soon"],
            frame["priorities_lead_red"], strict=True)]
    frame["exception"] = frame["exception_reason"] != ""
    frame["rating_note"] = _objects([
        _rating_note(c, t, k, o, r) for c, t, k, o, r in zip(
            frame["current_rag"], frame["priorities_total"], frame["priorities_complete"],
            frame["priorities_overdue"], frame["priorities_lead_red"], strict=True)], frame.index)
    frame["rag_month"] = _objects(frame["rag_month"].map(_month_text))
    frame["previous_month"] = _objects(frame["previous_month"].map(_month_text))
    return frame


def board_summary(report: pd.DataFrame) -> dict[str, Any]:
    """Headline counts for the board from :func:`rag_report`'s frame.

    ``rag_counts`` holds the current ratings worst first (only those that occur), with
    'No rating' last for areas not yet rated.
    """
    current = report["current_rag"]
    counts = current.value_counts()
    ordered = {status: int(counts[status]) for status in RAG_ORDER if counts.get(status)}
    ordered.update({str(s): int(n) for s, n in counts.items() if s not in RAG_ORDER})
    if current.isna().any():
        ordered["No rating"] = int(current.isna().sum())
    return {
        "areas": len(report),
        "rag_counts": ordered,
        "improved": int((report["movement"] == IMPROVED).sum()),
        "deteriorated": int((report["movement"] == DETERIORATED).sum()),
        "unchanged": int((report["movement"] == UNCHANGED).sum()),
        "new": int((report["movement"] == NEW).sum()),
        "overdue_priorities": int(report["priorities_overdue"].sum()),
        "areas_with_overdue": int((report["priorities_overdue"] > 0).sum()),
        "priorities": int(report["priorities_total"].sum()),
        "exceptions": int(report["exception"].sum()),
    }


def area_priorities(store: Store, area_id: str, month: dt.date) -> pd.DataFrame:
    """One area's priorities as at ``month``'s last day, by target date.

    Columns: priority_id, description, target_date, completed_date (None until it counts:
    a completion after the month is not shown), status (Complete, Overdue, Due soon,
    On track, No target date), rag (the lead's own rating where one is recorded and the priority
    is not complete, else the status's colour: Blue, Red, Amber, Green, None), rag_by ('lead' or
    'target date'), evidence (for the lead's rating), days_overdue.
    """
    priorities = _priorities(store, [month])
    return area_priorities_from(BoardData(pd.DataFrame(), priorities, pd.DataFrame(), pd.DataFrame()), area_id, month)


def area_priorities_from(data: BoardData, area_id: str, month: dt.date) -> pd.DataFrame:
    """:func:`area_priorities` from what :func:`board_data` read."""
    return _area_rows(_month_rows(data.priorities, month), area_id)


def all_priorities_from(data: BoardData) -> pd.DataFrame:
    """:func:`area_priorities_from` for every area and month :func:`board_data` read, at once (``month``
    and ``area_id`` kept): a page picks one with :func:`priorities_of`."""
    return _rated_priorities(data.priorities.reset_index(drop=True))


def priorities_of(every: pd.DataFrame, area_id: str, month: dt.date) -> pd.DataFrame:
    """An area's priorities as at ``month``, picked from :func:`all_priorities_from`'s rows."""
    return _area_rows(_month_rows(every, month), area_id, rated=True)


def _area_rows(frame: pd.DataFrame, area_id: str, rated: bool = False) -> pd.DataFrame:
    """One area's rows of ``frame`` without ``area_id`` (rows and columns taken at once), rated as
    :func:`area_priorities` gives them (``rated``: ``frame`` is rated already)."""
    rows = np.flatnonzero((frame["area_id"] == area_id).to_numpy())
    frame = frame.iloc[rows, [i for i, name in enumerate(frame.columns) if name != "area_id"]].reset_index(drop=True)
    return frame if rated else _rated_priorities(frame)


def _rated_priorities(frame: pd.DataFrame) -> pd.DataFrame:
    """Priorities (``_priorities``' columns) with their RAG, who rated it, its evidence and days overdue
    (in ``frame``, a frame of the caller's own, as ``_reported``'s)."""
    by_date = frame["status"].map(PRIORITY_STATUSES)
    lead = frame["lead_rag"].map(_clean_rag).where(frame["status"] != COMPLETE)
    frame["rag"] = _objects(lead.where(lead.notna(), by_date))
    frame["rag_by"] = ["lead" if isinstance(r, str) else "target date" for r in lead]
    frame["evidence"] = _objects(frame["evidence"].where(lead.notna()))
    frame["days_overdue"] = frame["days_overdue"].astype("int64")
    return frame.drop(columns="lead_rag")


def area_narrative(store: Store, area_id: str, month: dt.date) -> pd.DataFrame:
    """The area's narrative for the latest month with any, in or before ``month``.

    Columns: month (date), kind ('development', 'progress', 'risk'), seq, text, evidence
    (None where no evidence was named). Empty if nothing was written by then.
    """
    return area_narrative_from(BoardData(pd.DataFrame(), pd.DataFrame(), store.query(
        "SELECT area_id, month, kind, seq, text, evidence FROM plan_narrative WHERE area_id = $area",
        {"area": area_id}), pd.DataFrame()), area_id, month)


_KIND_ORDER = {"development": 1, "progress": 2, "risk": 3}


def area_narrative_from(data: BoardData, area_id: str, month: dt.date) -> pd.DataFrame:
    """:func:`area_narrative` from what :func:`board_data` read."""
    rows = data.narrative[data.narrative["area_id"] == area_id]
    days = pd.to_datetime(rows["month"]).dt.date
    written = days[days <= month_end(first_of(month))]
    rows = rows[days == written.max()] if len(written) else rows.iloc[0:0]
    order = rows["kind"].map(_KIND_ORDER).fillna(4)
    rows = rows.assign(_order=order).sort_values(["_order", "kind", "seq"], kind="stable")
    out = rows[["month", "kind", "seq", "text", "evidence"]].reset_index(drop=True)
    return out.assign(month=pd.to_datetime(out["month"]).dt.date)


def area_history(store: Store, area_id: str, month: dt.date) -> pd.DataFrame:
    """The area's rating each month up to ``month``, oldest first.

    Columns: month (date), rag, rank (0 Red ... 4 Blue; None for an unknown word),
    movement against the rating before it ('improved', 'deteriorated', 'unchanged', 'new').
    """
    ratings = store.query("SELECT area_id, month, rag FROM plan_area_rag WHERE area_id = $area ORDER BY month",
                          {"area": area_id})
    return area_history_from(BoardData(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), ratings), area_id, month)


def area_history_from(data: BoardData, area_id: str, month: dt.date) -> pd.DataFrame:
    """:func:`area_history` from what :func:`board_data` read."""
    rows = data.ratings[data.ratings["area_id"] == area_id]
    frame = rows.loc[pd.to_datetime(rows["month"]).dt.date <= month_end(first_of(month)),
                     ["month", "rag"]].reset_index(drop=True)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    frame["rag"] = _objects(frame["rag"].map(_clean_rag))
    frame["rank"] = [rag_rank(r) if r in RAG_ORDER else None for r in frame["rag"]]
    previous = frame["rag"].shift(1)
    frame["movement"] = _objects([_movement(p, c) for p, c in zip(previous, frame["rag"], strict=True)],
                                 frame.index)
    return frame


def rag_runs(history: pd.DataFrame) -> list[dict[str, Any]]:
    """Consecutive months with the same rating, from :func:`area_history`'s frame.

    Each run: rag, start, end (dates) and months (how many ratings in the run).
    """
    runs: list[dict[str, Any]] = []
    for rag, month in zip(history["rag"], history["month"], strict=True):
        if runs and runs[-1]["rag"] == rag:
            runs[-1]["end"] = month
            runs[-1]["months"] += 1
        else:
            runs.append({"rag": rag, "start": month, "end": month, "months": 1})
    return runs


def _label(month: dt.date) -> str:
    return month.strftime("%B %Y")


def history_title(area: str, history: pd.DataFrame) -> str:
    """An active title for the area's RAG history chart: where it is and how it got there.

    e.g. 'Assessment: Red in October 2026, down from Green in September 2026; Red in 5 of 18
    months rated'.
    """
    if history.empty:
        return f"{area}: no RAG rating yet"
    runs = rag_runs(history)
    last = runs[-1]
    head = f"{area}: {last['rag']} in {_label(last['end'])}"
    if last["months"] > 1:
        head += f", unchanged for {last['months']} months (since {_label(last['start'])})"
    elif len(runs) == 1:
        head += ", its first rating"
    else:
        before = runs[-2]
        moved = _movement(before["rag"], last["rag"])
        verb = {IMPROVED: "up", DETERIORATED: "down"}.get(moved or "", "changed")
        head += f", {verb} from {before['rag']} in {_label(before['end'])}"
    rated = len(history)
    if rated == 1:
        return head
    same = int((history["rag"] == last["rag"]).sum())
    return f"{head}; {last['rag']} in {same} of {rated} months rated"


def history_text(history: pd.DataFrame) -> str:
    """The RAG history as sentences: a text alternative to the chart.

    e.g. 'Red from May 2025 to July 2025 (3 months); Amber in August 2025 (1 month).'
    """
    if history.empty:
        return "No ratings yet."
    parts = []
    for run in rag_runs(history):
        n = run["months"]
        span = (f"in {_label(run['start'])}" if n == 1
                else f"from {_label(run['start'])} to {_label(run['end'])}")
        parts.append(f"{run['rag']} {span} ({n} month{'s' if n != 1 else ''})")
    return "; ".join(parts) + "."
