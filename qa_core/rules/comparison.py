"""Comparing an LA's published figure with every LA's and with its neighbours', the way DfE does
in LAIT ([DfE LAIT]; docs/domain.md, "Benchmarks"), so that a council quotes the band DfE shows.

- **Quartile bands A to D** are cut by value, not by rank: the 25th, 50th and 75th percentiles of
  all LAs' figures that year, worked out as R's default ``quantile`` (type 7: linear
  interpolation between order statistics, ``(1 - h) * x[lo] + h * x[hi]``). Where low is good,
  A is a figure at or below the 25th percentile, B above it up to the 50th, C above that up to
  the 75th and D above the 75th. Where high is good the letters run the other way: A above the
  75th percentile, B above the 50th up to the 75th, C above the 25th up to the 50th, D at or
  below the 25th. A figure exactly on a cut point takes the band below the cut. A measure with
  no better direction has no band.
- **A joint return** (two LAs publishing one figure, such as North and West Northamptonshire's
  workforce returns) is one figure in a median, however many of the neighbours share it.

Pure functions: no I/O.

>>> cuts = quartile_cuts([10, 20, 30, 40, 50])
>>> cuts
(20.0, 30.0, 40.0)
>>> [quartile_band(v, cuts, "Low") for v in (10, 20, 30, 40, 50)]
['A', 'A', 'B', 'C', 'D']
>>> [quartile_band(v, cuts, "High") for v in (10, 20, 30, 40, 50)]
['D', 'D', 'C', 'B', 'A']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.missing import is_missing

__all__ = ["BANDS", "BAND_NUMBER", "quantile_r7", "quartile_cuts", "quartile_band", "median_once", "medians_once"]

#: The bands, best first; ``quartile`` 1 is band A.
BANDS: tuple[str, ...] = ("A", "B", "C", "D")
BAND_NUMBER = {band: number for number, band in enumerate(BANDS, start=1)}
_LOW = {"low", "down"}  # DfE's "Low" (lower is better) and the catalogue's "down"
_HIGH = {"high", "up"}


def quantile_r7(ordered: Sequence[float], p: float) -> float:
    """The ``p`` quantile of already sorted numbers, exactly as R's default ``quantile`` works it
    out (type 7), including its order of floating-point operations, so that a figure lying on a
    cut point falls on the same side as in DfE's tool.

    >>> quantile_r7([1, 2, 3, 4, 5, 6, 7, 8], 0.25)   # index 1 + 7 x 0.25 = 2.75
    2.75
    """
    n = len(ordered)
    if n == 0:
        raise QAError("A quantile needs at least one figure.")
    if not 0 <= p <= 1:
        raise QAError(f"A quantile's probability runs from 0 to 1, not {p!r}.")
    index = 1 + (n - 1) * p  # R counts from 1
    lo, hi = math.floor(index), math.ceil(index)
    low_value = float(ordered[lo - 1])
    if index > lo and float(ordered[hi - 1]) != low_value:
        h = index - lo
        return (1 - h) * low_value + h * float(ordered[hi - 1])
    return low_value


def quartile_cuts(values: Iterable[Any]) -> tuple[float, float, float] | None:
    """The 25th, 50th and 75th percentiles of the figures that have a value (missing ones are
    left out, never read as 0); None when there are none.

    >>> quartile_cuts([20, 10, None, 20, 20, 30])
    (20.0, 20.0, 20.0)
    """
    ordered = sorted(float(v) for v in values if not is_missing(v))
    if not ordered:
        return None
    return quantile_r7(ordered, 0.25), quantile_r7(ordered, 0.5), quantile_r7(ordered, 0.75)


def quartile_band(value: Any, cuts: tuple[float, float, float] | None, polarity: str) -> str | None:
    """DfE's quartile band (A best) of ``value`` among figures cut at ``cuts`` (see
    :func:`quartile_cuts`), by ``polarity`` ("Low"/"down": lower is better; "High"/"up": higher is
    better). None when the value or the cuts are missing or the measure has no better direction.

    >>> quartile_band(16.7, (16.75, 20.6, 24.3), "Low"), quartile_band(16.7, (16.75, 20.6, 24.3), "High")
    ('A', 'D')
    """
    key = str(polarity).strip().lower()
    if is_missing(value) or cuts is None or key not in _LOW | _HIGH:
        return None
    q25, q50, q75 = cuts
    v = float(value)
    # Which quarter of the spread of figures the value sits in, lowest first; a value on a cut
    # point sits in the quarter below it.
    position = 0 if v <= q25 else 1 if v <= q50 else 2 if v <= q75 else 3
    return BANDS[position] if key in _LOW else BANDS[3 - position]


def median_once(values: Sequence[Any], returns: Sequence[Any]) -> tuple[float | None, int]:
    """The median of the figures with each return counted once, and how many figures that is.

    ``returns`` names where each value came from: an LA's code, or the code of the joint return it
    shares with another LA (``"940 / 941"``); values with the same return are one figure (the
    first is taken). Missing values are left out.

    Swindon's neighbours' vacancy rates in 2021 include North and West Northamptonshire's joint
    return of 39.6% once, not twice:

    >>> median_once([10.0, 39.6, 39.6, 12.0, 14.0], ["1", "940 / 941", "940 / 941", "2", "3"])
    (13.0, 4)
    """
    if len(values) != len(returns):
        raise QAError("Each value needs the return it came from.")
    frame = pd.DataFrame({"group": 0, "value": pd.to_numeric(pd.Series(list(values), dtype=object)),
                          "source": list(returns)})
    found = medians_once(frame, ["group"])
    if found.empty:
        return None, 0
    return float(found["median"].iloc[0]), int(found["count"].iloc[0])


def medians_once(frame: pd.DataFrame, by: list[str], value: str = "value", source: str = "source") -> pd.DataFrame:
    """``median_once`` for every group of ``frame`` at once: ``by`` columns, ``median`` and ``count``
    (groups with no figure are left out). Each ``source`` counts once in its group, its first figure taken."""
    once = frame[frame[value].notna()].drop_duplicates([*by, source])
    return once.groupby(by, sort=False)[value].agg(median="median", count="count").reset_index()
