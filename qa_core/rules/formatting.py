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

import math
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


#: Past this, a scaled value's float error could reach the margin below: such values take the exact path.
_FAST_LIMIT = 1e12
#: How far from a half a scaled value must be for its float to decide the rounding. The float
#: ``|value| * 10**digits`` is within ``2**-52`` of its size from the number as written (under 2.3e-4
#: below ``_FAST_LIMIT``), so further than this from a half it rounds the same way as the written number.
_HALF_MARGIN = 1e-3
#: Powers of ten held exactly as floats (10**22 is the last).
_EXACT_POWERS = 22


def _half_up_exact(value: float, digits: int) -> float:
    # The number as written (repr: the shortest text that reads back as the same float), so a
    # figure such as 2.675, held in binary as 2.67499..., rounds as the 2.675 a person sees.
    exponent = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(exponent, rounding=ROUND_HALF_UP))


def _half_up(value: float, digits: int) -> float:
    """One number rounded half up. Where the scaled value is clearly not near a half, the whole
    number it rounds to is exact and dividing it by ``10**digits`` gives the same float as reading
    the rounded decimal (both round correctly to the nearest float); otherwise the exact path."""
    if not np.isfinite(value):
        return value
    if 0 <= digits <= _EXACT_POWERS:
        scale = float(10**digits)
        scaled = abs(float(value)) * scale
        if scaled < _FAST_LIMIT:
            whole = math.floor(scaled)
            fraction = scaled - whole
            if abs(fraction - 0.5) > _HALF_MARGIN:
                return math.copysign((whole + (fraction > 0.5)) / scale, value)
    return _half_up_exact(value, digits)


def _half_up_array(numbers: np.ndarray, digits: int) -> np.ndarray:
    """``_half_up`` of every element of a float64 array at once (missing and infinite values kept);
    only values within the margin of a half (or too large) are rounded one by one, exactly."""
    out = numbers.copy()
    finite = np.isfinite(numbers)
    if not 0 <= digits <= _EXACT_POWERS:
        slow = finite
    else:
        scale = float(10**digits)
        with np.errstate(invalid="ignore", over="ignore"):  # inf and NaN are kept, never rounded
            scaled = np.abs(numbers) * scale
            whole = np.floor(scaled)
            fraction = scaled - whole
            fast = finite & (scaled < _FAST_LIMIT) & (np.abs(fraction - 0.5) > _HALF_MARGIN)
        out[fast] = np.copysign((whole[fast] + (fraction[fast] > 0.5)) / scale, numbers[fast])
        slow = finite & ~fast
    for i in np.flatnonzero(slow):
        out[i] = _half_up_exact(numbers[i], digits)
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
        return pd.Series(_half_up_array(numbers.to_numpy(dtype="float64"), digits), index=numbers.index,
                         name=numbers.name, dtype="float64")
    if isinstance(value, np.ndarray):
        numbers = value.astype("float64")
        return _half_up_array(numbers.ravel(), digits).reshape(numbers.shape)
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
