"""Cached queries for the RAG-at-a-glance page (improvement board), keyed on plain values.

Each wraps one function of :mod:`qa_core.views.improvement_board` over the one store connection
(``ui.data.get_store``); ``ui.data.clear_caches`` clears these too. The board's and an area's priorities'
tables are kept per view as drawn (their tag colours worked out: ``ui.styled.keep_style``), so a rerun of
the same view builds neither again.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.rules import periods
from qa_core.views import improvement_board
from ui import data, long_text
from ui.data import cached, get_store
from ui.formatters import month_text
from ui.styled import ShownTable, keep_style
from ui.tags import style_tags


@cached
def rating_months() -> list[dt.date]:
    return periods.shown_months(improvement_board.rating_months(get_store()))


@cached
def _board() -> improvement_board.BoardData:
    """The board as at every month the sidebar offers, and every area's details, read once per data
    version: a change of month or area picks from it and reads nothing."""
    return improvement_board.board_data(get_store(), data.months())


def _offered(month: dt.date) -> bool:
    """Whether the sidebar offers ``month``: what :func:`_board` read covers it."""
    return month in set(data.months())


def _board_for(month: dt.date) -> improvement_board.BoardData:
    """What :func:`_board` read, or (for a month the sidebar does not offer) that month read alone."""
    return _board() if _offered(month) else improvement_board.board_data(get_store(), [month])


@cached
def _reports() -> pd.DataFrame:
    """Every offered month's board report, worked out at once per data version (``rag_reports_from``)."""
    return improvement_board.rag_reports_from(_board())


@cached
def _priorities() -> pd.DataFrame:
    """Every area's priorities as at every offered month, rated at once per data version."""
    return improvement_board.all_priorities_from(_board())


@cached
def rag_board(month: dt.date) -> pd.DataFrame:
    if _offered(month):
        return improvement_board.report_of_month(_reports(), month)
    return improvement_board.rag_report_from(_board_for(month), month)


@cached
def area_priorities(area_id: str, month: dt.date) -> pd.DataFrame:
    if _offered(month):
        return improvement_board.priorities_of(_priorities(), area_id, month)
    return improvement_board.area_priorities_from(_board_for(month), area_id, month)


@cached
def _narrative_days(area_id: str) -> list[dt.date]:
    """The days the area's narrative was written, once per data version."""
    rows = _board().narrative
    days = pd.to_datetime(rows.loc[rows["area_id"] == area_id, "month"]).dt.date
    return sorted({d for d in days if isinstance(d, dt.date)})


@cached
def _narrative_of(area_id: str, written: dt.date) -> pd.DataFrame:
    return improvement_board.area_narrative_from(_board(), area_id, written)


@cached
def area_narrative(area_id: str, month: dt.date) -> pd.DataFrame:
    """The area's latest narrative in or before ``month``: the one written on the latest day by the month's end,
    worked out once for that day (any month from it to the next gives the same)."""
    end = periods.month_end(periods.first_of(month))
    written = [d for d in _narrative_days(area_id) if d <= end]
    if not written:
        return improvement_board.area_narrative_from(_board(), area_id, month)
    return _narrative_of(area_id, written[-1])


#: A month after every rating: the whole of an area's history is "as at" it.
_EVER = dt.date(9999, 12, 1)


@cached
def _whole_history(area_id: str) -> pd.DataFrame:
    """Every rating of the area, oldest first, with rank and movement (``area_history_from``), worked out once
    per data version: a month's history is its first rows."""
    return improvement_board.area_history_from(_board(), area_id, _EVER)


@cached
def area_history(area_id: str, month: dt.date) -> pd.DataFrame:
    """The area's ratings up to ``month`` (those in the window the pages show): the first rows of its whole
    history (each row's movement is against the row before it, so the same), re-typed as worked out alone;
    worked out alone if the ratings up to ``month`` are not the first rows or there are none."""
    whole = _whole_history(area_id)
    end = periods.month_end(periods.first_of(month))
    upto = [m <= end for m in whole["month"]]
    count = sum(upto)
    if count and all(upto[:count]):
        frame = whole.iloc[:count].copy()
        frame["rank"] = [None if pd.isna(r) else int(r) for r in frame["rank"]]  # typed as the list it was
    else:
        frame = improvement_board.area_history_from(_board(), area_id, month)
    return frame.loc[frame["month"].map(periods.in_window).astype(bool)].reset_index(drop=True)


def stale_months(report: pd.DataFrame, month: dt.date) -> list[str]:
    """The months ("2026-09") of the latest earlier ratings the board shows for areas not rated in ``month``."""
    return sorted({m for m in report["rag_month"].dropna() if m != f"{month:%Y-%m}"})


@cached
def board_table(month: dt.date, exceptions_only: bool) -> ShownTable:
    """The board's table as at ``month`` (every area, or the exceptions only), its RAG words and overdue
    priorities in tag colours."""
    report = rag_board(month)
    shown = report[report["exception"]] if exceptions_only else report
    table = pd.DataFrame(
        {
            "Area": shown["area"],
            "Lead": shown["lead"],
            "Previous RAG": shown["previous_rag"].fillna("None"),
            "Current RAG": shown["current_rag"].fillna("None"),
            "Movement": shown["movement_text"],
            "Priorities": shown["priorities_text"],
            "Overdue priorities": shown["priorities_overdue"],
            "Why it is an exception": shown["exception_reason"],
        }
    )
    if shown["rating_note"].notna().any():  # a rating its priorities argue against: said beside it
        table["Note on the rating"] = shown["rating_note"].fillna("")
    if stale_months(report, month):
        table.insert(4, "Rated in", shown["rag_month"].map(month_text))
    styled = style_tags(
        table, {"Previous RAG": None, "Current RAG": None, "Overdue priorities": lambda n: "Red" if n else None}
    )
    return ShownTable(table, keep_style(styled))


@cached
def priorities_table(area_id: str, month: dt.date) -> ShownTable:
    """An area's priorities as at ``month`` as the page's table (its download: whole texts), drawn with the
    long descriptions shortened and status and RAG in tag colours."""
    priorities = area_priorities(area_id, month)
    table = pd.DataFrame(
        {
            "Priority": priorities["description"],
            "Target date": pd.to_datetime(priorities["target_date"]).dt.strftime("%d %b %Y").fillna("None"),
            "Status": priorities["status"],
            "RAG": priorities["rag"].fillna("None"),
            "Rated by": priorities["rag_by"],
            "Evidence for the lead's rating": priorities["evidence"].fillna(""),
            "Completed": pd.to_datetime(priorities["completed_date"]).dt.strftime("%d %b %Y").fillna(""),
            "Days overdue": [str(d) if d > 0 else "" for d in priorities["days_overdue"]],
        }
    )
    styled = style_tags(
        long_text.preview_frame(table, ["Priority"]), {"Status": improvement_board.PRIORITY_STATUSES, "RAG": None}
    )
    return ShownTable(table, keep_style(styled))
