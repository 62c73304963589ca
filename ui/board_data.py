"""Cached queries for the RAG-at-a-glance page (improvement board), keyed on plain values.

Each wraps one function of :mod:`qa_core.views.improvement_board` over the one store connection
(``ui.data.get_store``); ``ui.data.clear_caches`` clears these too.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.rules import periods
from qa_core.views import improvement_board
from ui.data import cached, get_store


@cached
def rating_months() -> list[dt.date]:
    return periods.shown_months(improvement_board.rating_months(get_store()))


@cached
def rag_board(month: dt.date) -> pd.DataFrame:
    return improvement_board.rag_report(get_store(), month)


@cached
def area_priorities(area_id: str, month: dt.date) -> pd.DataFrame:
    return improvement_board.area_priorities(get_store(), area_id, month)


@cached
def area_narrative(area_id: str, month: dt.date) -> pd.DataFrame:
    return improvement_board.area_narrative(get_store(), area_id, month)


@cached
def area_history(area_id: str, month: dt.date) -> pd.DataFrame:
    frame = improvement_board.area_history(get_store(), area_id, month)
    return frame.loc[frame["month"].map(periods.in_window).astype(bool)].reset_index(drop=True)
