"""How a measure's value is written wherever it is shown (pages, reports, printable pages),
so that a figure reads the same on every screen and on paper."""

from __future__ import annotations

from typing import Any

from qa_core.rules.missing import is_missing

__all__ = ["format_value"]


def format_value(value: Any, unit: str = "") -> str:
    """One decimal place for a percentage, days or a plain number; whole numbers for counts
    and rates; '–' when there is no value.

    >>> format_value(87.456, "%"), format_value(12.34, "days"), format_value(1234.5, "count")
    ('87.5%', '12.3', '1,234')
    >>> format_value(None, "%")
    '–'
    """
    if is_missing(value):
        return "–"
    value = float(value)
    if unit == "%":
        return f"{value:.1f}%"
    if unit in ("days", "number"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"
