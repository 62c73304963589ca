"""Cached queries for the RAG-at-a-glance page (improvement board), keyed on plain values.

Each wraps one function of :mod:`qa_core.views.improvement_board` over the one store connection
(``ui.data.get_store``); ``ui.data.clear_caches`` clears these too.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.rules import periods
from qa_core.views import improvement_board
from ui import data
from ui.data import cached, get_store


@cached
def rating_months() -> list[dt.date]:
    return periods.shown_months(improvement_board.rating_months(get_store()))


@cached
def _board() -> improvement_board.BoardData:
    """The board as at every month the sidebar offers, and every area's details, read once per data
    version: a change of month or area picks from it and reads nothing."""
    return improvement_board.board_data(get_store(), data.months())


def _board_for(month: dt.date) -> improvement_board.BoardData:
    """What :func:`_board` read, or (for a month the sidebar does not offer) that month read alone."""
    return _board() if month in set(data.months()) else improvement_board.board_data(get_store(), [month])


@cached
def rag_board(month: dt.date) -> pd.DataFrame:
    return improvement_board.rag_report_from(_board_for(month), month)


@cached
def area_priorities(area_id: str, month: dt.date) -> pd.DataFrame:
    return improvement_board.area_priorities_from(_board_for(month), area_id, month)


@cached
def area_narrative(area_id: str, month: dt.date) -> pd.DataFrame:
    return improvement_board.area_narrative_from(_board(), area_id, month)


@cached
def area_history(area_id: str, month: dt.date) -> pd.DataFrame:
    frame = improvement_board.area_history_from(_board(), area_id, month)
    return frame.loc[frame["month"].map(periods.in_window).astype(bool)].reset_index(drop=True)
