"""A measure's unit, once: the scale that turns numerator / denominator into the reported
value (percent ×100, rate per 10,000 children ×10,000, anything else ×1), in Python and as the
SQL CASE the named queries use, and how a value is written wherever it is shown (pages,
reports, printable pages), so that a figure reads the same on every screen and on paper.

>>> scale_sql()
"CASE i.unit WHEN '%' THEN 100 WHEN 'rate_per_10k' THEN 10000 ELSE 1 END"
"""

from __future__ import annotations

from typing import Any

from qa_core.errors import QAError
from qa_core.rules.missing import is_missing

__all__ = ["PERCENT", "PER_10K", "SCALE_BY_UNIT", "scale_for_unit", "scale_sql", "format_value"]

PERCENT = 100.0
PER_10K = 10_000.0

#: Multiplier turning numerator / denominator into the unit a measure is reported in.
SCALE_BY_UNIT: dict[str, float] = {
    "%": PERCENT,
    "rate_per_10k": PER_10K,
    "days": 1.0,
    "count": 1.0,
    "number": 1.0,
}


def scale_for_unit(unit: str) -> float:
    """The scale for a measure's unit (see ``SCALE_BY_UNIT``); QAError if the unit is unknown.

    >>> scale_for_unit("%"), scale_for_unit("rate_per_10k"), scale_for_unit("days")
    (100.0, 10000.0, 1.0)
    """
    key = unit.strip().casefold() if isinstance(unit, str) else unit
    if key not in SCALE_BY_UNIT:
        known = ", ".join(SCALE_BY_UNIT)
        raise QAError(f"Unknown unit {unit!r} (known units: {known}).")
    return SCALE_BY_UNIT[key]


def scale_sql(unit_column: str = "i.unit") -> str:
    """``SCALE_BY_UNIT`` as a SQL CASE over ``unit_column`` (a column name of ours, never user
    text): the scale of every unit that is not 1, else 1."""
    whens = " ".join(f"WHEN '{unit}' THEN {scale:g}" for unit, scale in SCALE_BY_UNIT.items() if scale != 1)
    return f"CASE {unit_column} {whens} ELSE 1 END"


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
