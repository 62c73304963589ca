"""How far the store's monthly data is complete: each month's coverage judged by
``qa_core.rules.completeness``, for the months the pages show. The pages open on the latest
complete month and label later ones partial; the command line's ``status`` can say the same."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.rules import completeness
from qa_core.rules.completeness import partial_months
from qa_core.rules.periods import in_window, month_label
from qa_core.store import Store, queries

__all__ = ["month_completeness", "complete_to", "partial_months", "partial_note"]


def month_completeness(store: Store) -> pd.DataFrame:
    """One row per month the pages show (``qa_core.rules.periods``' window), oldest first: its
    coverage, what is usual and whether it is complete (``completeness.COLUMNS``)."""
    coverage = queries.month_coverage(store)
    months = pd.to_datetime(coverage["month"]).dt.date
    return completeness.assess(coverage.assign(month=months)[months.map(in_window).astype(bool)])


def complete_to(store: Store) -> dt.date | None:
    """The latest month whose data is complete (None for a store with no months)."""
    return completeness.complete_to(month_completeness(store))


def partial_note(frame: pd.DataFrame, month: dt.date) -> str | None:
    """A sentence for a page showing ``month`` when its data is partial, else None: e.g. "Data
    complete to October 2026. November 2026 has audits for 1 of the usual 24 teams and no
    indicator values yet (...): its figures are not final."."""
    row = frame[frame["month"] == month]
    if row.empty or bool(row["complete"].iloc[0]):
        return None
    done = completeness.complete_to(frame)
    before = f"Data complete to {month_label(done)}. " if done else ""
    return f"{before}{completeness.partial_words(row.iloc[0])}: its figures are not final."
