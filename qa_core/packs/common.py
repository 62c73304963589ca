"""Small pieces every pack kind uses: the options a pack is asked for, progress reporting, the
month the store's data runs to, and figures written as the pages write them (a percentage with
its count, a disclosure symbol as it is)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from qa_core.rules import disclosure
from qa_core.rules.formatting import format_value
from qa_core.rules.missing import is_missing
from qa_core.store import Store, queries
from qa_core.views import completeness

__all__ = [
    "PackOptions",
    "Progress",
    "no_progress",
    "data_to",
    "measure_cells",
    "count_text",
    "value_text",
    "pct_text",
    "interval_text",
    "whole",
    "report_sheet",
    "ColumnSpec",
    "rag_text",
    "plural",
]

#: ``progress(fraction, message)``: fraction from 0 to 1, and what is being done.
Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str) -> None:
    """The default: say nothing."""


@dataclass(frozen=True)
class PackOptions:
    """What a pack covers: a month (None: the latest), a service, a team, a quarter (None: the
    latest complete one), and for the team profile whether it is the notice-board version."""

    month: dt.date | None = None
    service: str | None = None
    team: str | None = None
    quarter: str | None = None
    notice_board: bool = False


def data_to(store: Store) -> dt.date | None:
    """The latest month whose data is complete (``views.completeness``: the indicator values and
    audits are in), as the pages' "Data complete to"; else the last month the store holds."""
    return completeness.complete_to(store) or queries.latest_month(store)


def whole(value: object) -> str:
    """A count as text: '1,234'; a disclosure symbol as it is; '–' when missing."""
    if isinstance(value, str):
        return value
    if is_missing(value):
        return "–"
    number = float(value)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.1f}"


def count_text(numerator: object, denominator: object) -> str:
    """'163 of 216' beside a percentage; symbols as they are ('c of 92'); '' when there is none."""
    if is_missing(numerator) or is_missing(denominator):
        return ""
    return f"{whole(numerator)} of {whole(denominator)}"


def value_text(value: object, unit: str) -> str:
    """A measure's value as the pages write it; a disclosure symbol as it is."""
    if isinstance(value, str):
        return value
    return format_value(value, unit)


def pct_text(value: object, digits: int = 1) -> str:
    if isinstance(value, str):
        return value
    return "–" if is_missing(value) else f"{float(value):.{digits}f}%"


def interval_text(low: object, high: object) -> str:
    if isinstance(low, str) or isinstance(high, str):
        return low if isinstance(low, str) else str(high)
    return "–" if is_missing(low) or is_missing(high) else f"{float(low):.1f}% to {float(high):.1f}%"


def rag_text(rag: object, value: object = 0.0, target: object = None) -> str:
    """The RAG cell in words: the rating, or why there is none."""
    if not is_missing(rag):
        return str(rag)
    if disclosure.is_symbol(value):
        return "Not shown"
    if is_missing(value):
        return "No value"
    return "No target" if is_missing(target) else "No rating"



def measure_cells(measures: pd.DataFrame) -> dict[str, object]:
    """The columns every pack's measures table begins with: Measure, Value, Count (a percentage's),
    Target, RAG in words and Direction, from a frame of ``name, value, unit, numerator, denominator,
    target, rag, direction``."""
    return {
        "Measure": measures["name"],
        "Value": [value_text(v, u) for v, u in zip(measures["value"], measures["unit"], strict=True)],
        "Count": [
            count_text(n, d) if u == "%" else ""
            for n, d, u in zip(measures["numerator"], measures["denominator"], measures["unit"], strict=True)
        ],
        "Target": [format_value(t, u) for t, u in zip(measures["target"], measures["unit"], strict=True)],
        "RAG": [
            rag_text(r, v, t) for r, v, t in zip(measures["rag"], measures["value"], measures["target"], strict=True)
        ],
        "Direction": measures["direction"].fillna("–"),
    }


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


@dataclass(frozen=True)
class ColumnSpec:
    """A spreadsheet column taken from a report field: its heading and what it means."""

    field: str
    heading: str
    meaning: str


def report_sheet(frame: pd.DataFrame, spec: Sequence[ColumnSpec]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The report frame's fields under readable headings, and the notes for them ('… (report
    field ``value``)'), so a reader can match the sheet with ``python -m qa_core report``."""
    present = [c for c in spec if c.field in frame.columns]
    sheet = pd.DataFrame({c.heading: frame[c.field].to_numpy() for c in present}, index=range(len(frame)))
    notes = {c.heading: f"{c.meaning} (report field: {c.field})" for c in present}
    return sheet, notes
