"""A measure's unit, once: the scale that turns numerator / denominator into the reported
value (percent ×100, rate per 10,000 children ×10,000, anything else ×1), in Python and as the
SQL CASE the named queries use, and how a value is written wherever it is shown (pages,
reports, printable pages), so that a figure reads the same on every screen and on paper.

A half rounds up, as DfE rounds its figures (``round_half_up``): County Durham's ICPCs within 15
working days in 2022 are 549 of 720 = 76.25%, published as 76.3, where Python's ``round`` and
pandas' ``round`` give 76.2 (they round a half to the even digit). Every figure the project
rounds before it shows or ranks it goes through ``round_half_up``.

>>> scale_sql()
"CASE i.unit WHEN '%' THEN 100 WHEN 'rate_per_10k' THEN 10000 ELSE 1 END"
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.missing import is_missing

__all__ = ["PERCENT", "PER_10K", "SCALE_BY_UNIT", "scale_for_unit", "scale_sql", "format_value", "round_half_up"]

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


def _half_up(value: float, digits: int) -> float:
    # The number as written (repr: the shortest text that reads back as the same float), so a
    # figure such as 2.675, held in binary as 2.67499..., rounds as the 2.675 a person sees.
    if not np.isfinite(value):
        return value
    exponent = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(exponent, rounding=ROUND_HALF_UP))


#: Below this (|value| × 10**digits) a float holds a number's fraction to within 1.5e-8 (its ulp), far
#: closer than ``_NEAR_HALF``: which way it rounds is plain from the float.
_PLAIN_BELOW = 2.0**26
_NEAR_HALF = 1e-6


def _half_up_array(numbers: np.ndarray, digits: int) -> np.ndarray:
    """``_half_up`` of every number of a float array (NaN and infinities as they are), with array
    arithmetic where the float shows plainly which way the number as written rounds, and through
    ``Decimal`` where it does not: a fraction within ``_NEAR_HALF`` of a half, or a number too large
    (or ``digits`` negative). The result is then the same float: the whole number k (rounded half
    away from zero) divided by 10**digits, a division that rounds correctly to the float nearest
    k / 10**digits, which is the float ``Decimal``'s answer reads back as.
    """
    out = np.array(numbers, dtype="float64", copy=True)
    if digits < 0 or not out.size:
        return np.array([v if not np.isfinite(v) else _half_up(v, digits) for v in out], dtype="float64")
    scale = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.abs(out) * scale
        fraction = scaled - np.floor(scaled)
        plain = (scaled < _PLAIN_BELOW) & (np.abs(fraction - 0.5) >= _NEAR_HALF)  # False for NaN and inf
        out[plain] = np.copysign(np.floor(scaled[plain] + 0.5) / scale, out[plain])
    for i in np.flatnonzero(~plain & np.isfinite(out)):
        out[i] = _half_up(out[i], digits)
    return out


def round_half_up(value: Any, digits: int = 1) -> Any:
    """``value`` rounded to ``digits`` decimal places with a half rounded up (away from zero), as
    DfE rounds; a missing value stays missing. Takes a number, a pandas Series or DataFrame or a
    numpy array and returns the same kind (a Series keeps its index and comes back as float).

    >>> round_half_up(76.25), round_half_up(0.125, 2), round_half_up(2.675, 2), round_half_up(-0.25)
    (76.3, 0.13, 2.68, -0.3)
    >>> round(76.25, 1)   # Python's own rule, for comparison: a half to the even digit
    76.2
    """
    if isinstance(value, pd.DataFrame):
        return value.apply(round_half_up, digits=digits)
    if isinstance(value, pd.Series):
        numbers = pd.to_numeric(value, errors="coerce").astype("float64")
        return pd.Series(_half_up_array(numbers.to_numpy(), digits), index=numbers.index, name=numbers.name)
    if isinstance(value, np.ndarray):
        return _half_up_array(value.astype("float64").ravel(), digits).reshape(value.shape)
    if is_missing(value):
        return value
    return _half_up(float(value), digits)


def format_value(value: Any, unit: str = "") -> str:
    """One decimal place for a percentage, days or a plain number; whole numbers for counts
    and rates; '–' when there is no value.

    >>> format_value(87.456, "%"), format_value(12.34, "days"), format_value(1234.5, "count")
    ('87.5%', '12.3', '1,235')
    >>> format_value(None, "%")
    '–'
    >>> format_value(76.25, "%")   # a half rounds up, as DfE rounds
    '76.3%'
    """
    if is_missing(value):
        return "–"
    value = round_half_up(float(value), 1 if unit in ("%", "days", "number") else 0)
    if unit == "%":
        return f"{value:.1f}%"
    if unit in ("days", "number"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"
