"""Disclosure control for figures that councillors or the public see (docs/domain.md,
"Disclosure control"; [DfE statistics symbols]). Written once here; the scrutiny report card and the notice-board
team profile call it when ``public`` is true.

The symbols (:data:`SYMBOLS`, explained on every page that applies them by :data:`NOTE`):

* ``c`` confidential: a count of 1 to 5, or a count withheld so that such a count cannot be
  worked out from a total (secondary suppression);
* ``0`` a true zero (zeros are never hidden, and a missing figure never becomes ``0``);
* ``:`` not available (no figure in the store);
* ``z`` not applicable (a percentage of nothing: the denominator is 0);
* ``k`` a figure that rounds to zero at the precision shown but is not zero;
* ``u`` low reliability: a scrutiny quarter based on fewer than 10 (DfE's "u"), withheld.

Representation: a protected column holds Python objects, each either a number (``int`` for a
count, ``float`` rounded to the shown precision for a value) or one of the symbols as a string,
so a CSV or JSON made from it carries ``"c"``, never the hidden number.

Percentages (and other ratios) are withheld (``c``) when their numerator is withheld or their
denominator is under :data:`MIN_RATE_DENOMINATOR` (5).

Secondary suppression works on *lines*: a set of parts and the total they add up to (a
numerator and its complement add up to the denominator; the grades of a team's audits add up
to its total; a row or a column of a grid adds up to its margin). See :func:`line_mask` for
the exact algorithm and :func:`grid_mask` for a two-way table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from qa_core.rules.formatting import round_half_up
from qa_core.rules.missing import is_missing

__all__ = ["SYMBOLS", "NOTE", "NOT_CONTROLLED", "MIN_RATE_DENOMINATOR", "SMALL_MAX",
           "is_small", "is_symbol", "suppress_count", "line_mask", "grid_mask", "protect_counts",
           "protect_grid", "pair_mask", "apply_rates", "cell", "show", "numeric"]

#: The largest count that is never shown (counts 1 to ``SMALL_MAX`` are ``c``).
SMALL_MAX = 5
#: A percentage or rate whose denominator is under this is withheld.
MIN_RATE_DENOMINATOR = 5

SYMBOLS: dict[str, str] = {
    "c": "confidential: a count of 1 to 5, or a figure withheld so that one cannot be worked out from a total",
    "0": "a true zero",
    ":": "not available",
    "z": "not applicable",
    "k": "rounds to zero, but is not zero",
    "u": "low reliability: based on fewer than 10, so not shown",
}

#: The one sentence, shown on every page and printout that applies disclosure control.
NOTE = ("Disclosure control applies to these figures. Symbols: "
        + "; ".join(f"{symbol} = {meaning}" for symbol, meaning in SYMBOLS.items())
        + f". A percentage is not shown when its count is c or it is out of fewer than {MIN_RATE_DENOMINATOR}.")

#: The warning on full (not disclosure-controlled) figures.
NOT_CONTROLLED = "Figures are not disclosure-controlled: do not publish."


# -- primitives ------------------------------------------------------------------------------
def numeric(values: Any) -> np.ndarray:
    """Values as a float array (missing and symbols as NaN)."""
    return pd.to_numeric(pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values,
                         errors="coerce").to_numpy(dtype="float64")


def is_small(values: Any) -> np.ndarray:
    """True where a count is 1 to 5 (more than 0, at most ``SMALL_MAX``); False for 0 and missing."""
    v = numeric(np.atleast_1d(np.asarray(values, dtype=object)))
    with np.errstate(invalid="ignore"):
        return (v > 0) & (v <= SMALL_MAX)


def is_symbol(value: Any) -> bool:
    """True for a disclosure symbol (a string in :data:`SYMBOLS` other than "0")."""
    return isinstance(value, str) and value in SYMBOLS and value != "0"


def _count_value(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def show(values: Any, mask: Any, symbol: str = "c") -> pd.Series:
    """Counts for display: ``symbol`` where ``mask``; ``:`` where missing; else the count (an
    int when whole). Keeps the index of a Series."""
    index = values.index if isinstance(values, pd.Series) else None
    v = numeric(values)
    m = np.asarray(mask, dtype=bool)
    out = np.where(np.isnan(v), ":", None).astype(object)
    shown = ~np.isnan(v) & ~m
    out[shown] = [_count_value(x) for x in v[shown]]
    out[m] = symbol
    given = np.array([is_symbol(x) for x in np.atleast_1d(np.asarray(values, dtype=object))], dtype=bool)
    out[given] = np.atleast_1d(np.asarray(values, dtype=object))[given]  # a symbol given stays
    return pd.Series(out, index=index, dtype=object)


def suppress_count(value: Any) -> Any:
    """One count, or a column of counts, for a public output: 1 to 5 become ``c``, ``0`` stays
    ``0``, a missing count is ``:``; a symbol passes through.

    >>> suppress_count(3), suppress_count(0), suppress_count(12), suppress_count(None)
    ('c', 0, 12, ':')
    """
    if isinstance(value, pd.Series):
        return show(value, is_small(value))
    if is_symbol(value):
        return value
    if is_missing(value):
        return ":"
    return "c" if is_small([value])[0] else _count_value(float(value))


# -- secondary suppression -------------------------------------------------------------------
def line_mask(values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Which cells to withhold in each line of a table of counts, each line being one row of
    ``values``: its parts in every column but the last, their total in the last column.

    The algorithm (DfE-style; the same one for one-way tables and each line of a grid):

    1. *Primary*: a cell (part or total) holding 1 to 5 is withheld (as is any cell already
       True in ``mask``). Zeros and missing values (NaN) are never primary.
    2. *Secondary*: a line with exactly one withheld cell lets a reader recover it by
       subtraction (a part: total minus the other parts; the total: the sum of the parts). In
       each such line, withhold the smallest part that is more than 0 and not yet withheld
       (the first of equal ones, in column order). If there is no such part, withhold the
       total (when it is the lone withheld cell, nothing more can be done: every other part is
       0 or missing, so the line is left as it is).
    3. Repeat step 2 until no line has exactly one withheld cell, so every line ends with 0 or
       at least 2 withheld cells. Each pass only adds cells, so it stops.

    Missing parts (NaN) are never chosen and never count as withheld (a reader cannot subtract
    a figure that is not there, but they are not relied on to protect anything either).

    >>> line_mask(np.array([[3, 10, 12, 25]])).tolist()  # 3 is c; 10 must go too: 25-10-12=3
    [[True, True, False, False]]
    """
    v = np.atleast_2d(np.asarray(values, dtype="float64"))
    m = is_small(v.ravel()).reshape(v.shape)
    if mask is not None:
        m = m | np.asarray(mask, dtype=bool)
    parts = v[:, :-1]
    rows = np.arange(len(v))
    for _ in range(v.shape[1] + 1):
        lone = m.sum(axis=1) == 1
        if not lone.any():
            break
        candidate = ~m[:, :-1] & (parts > 0)
        pick = np.argmin(np.where(candidate, parts, np.inf), axis=1)
        has = candidate[rows, pick]
        m[rows[lone & has], pick[lone & has]] = True
        total_free = lone & ~has & ~m[:, -1]
        m[total_free, -1] = True
        if not (lone & has).any() and not total_free.any():
            break  # lines left with one withheld cell have nothing else to withhold
    return m


def grid_mask(grid: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Cells to withhold in a two-way table with margins: ``grid`` is (rows + 1) x (columns + 1),
    its last column the row totals and its last row the column totals (grand total in the
    corner). Every row (the totals row included) is a line whose total is its last cell; every
    column (the totals column included) is a line whose total is its last cell. :func:`line_mask`
    runs over the rows, then over the columns, again and again until neither adds a cell, so a
    cell withheld for a column is then protected in its row, and the other way round.

    >>> grid_mask(np.array([[2, 8, 10], [9, 7, 16], [11, 15, 26]])).astype(int).tolist()
    [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    """
    v = np.asarray(grid, dtype="float64")
    m = line_mask(v, mask)
    while True:
        before = m.copy()
        m = line_mask(v.T, m.T).T
        m = line_mask(v, m)
        if (m == before).all():
            return m


def protect_counts(frame: pd.DataFrame, count_cols: list[str], total_col: str | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with ``count_cols`` (and ``total_col``) made public, each row one
    line: counts 1 to 5 are ``c``; with a total, secondary suppression as :func:`line_mask`;
    missing is ``:``. Other columns are untouched.

    >>> protect_counts(pd.DataFrame({"a": [3], "b": [10], "c": [12], "t": [25]}), ["a", "b", "c"], "t")
       a  b   c   t
    0  c  c  12  25
    """
    cols = list(count_cols) + ([total_col] if total_col else [])
    values = frame[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    mask = line_mask(values) if total_col else is_small(values.ravel()).reshape(values.shape)
    out = frame.copy()
    for i, col in enumerate(cols):
        out[col] = show(frame[col], mask[:, i])
    return out


def protect_grid(grid: pd.DataFrame, total_label: str = "Total") -> pd.DataFrame:
    """A two-way table of counts with its margins (a row and a column labelled ``total_label``)
    made public by :func:`grid_mask`; the result has the same labels, cells as counts or ``c``."""
    rows = [r for r in grid.index if r != total_label] + [total_label]
    cols = [c for c in grid.columns if c != total_label] + [total_label]
    ordered = grid.loc[rows, cols]
    mask = grid_mask(ordered.apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64"))
    out = pd.DataFrame({c: show(ordered[c], mask[:, j]) for j, c in enumerate(cols)}, index=ordered.index)
    return out.loc[grid.index, grid.columns]


# -- numerators, denominators and percentages ------------------------------------------------
def pair_mask(numerator: Any, denominator: Any, share: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(numerator withheld, denominator withheld) for columns of pairs.

    ``share``: the numerator counts part of the denominator (a percentage), so each pair is the
    line [numerator, complement | denominator]: a numerator of 1 to 5 is ``c`` (and its
    complement, never shown, is the secondary cell); a complement of 1 to 5 ("4 of 92 were not")
    makes the numerator ``c``; a denominator of 1 to 5 makes both ``c``. Otherwise (a rate per
    10,000, an average) numerator and denominator are checked on their own."""
    num, den = numeric(numerator), numeric(denominator)
    if not share:
        return is_small(num), is_small(den)
    lines = np.column_stack([num, den - num, den])
    m = line_mask(lines)
    return m[:, 0], m[:, 2]


def apply_rates(frame: pd.DataFrame, num_col: str, den_col: str, value_col: str, share: bool = True,
                decimals: int = 1) -> pd.DataFrame:
    """A copy of ``frame`` with its numerator, denominator and value (a percentage or rate made
    from them) in public form (see the module's representation): counts by :func:`pair_mask`;
    the value ``c`` when the numerator is withheld or the denominator is under 5, ``z`` when the
    denominator is 0, ``:`` when missing, ``k`` when it rounds to 0 but is not 0, else rounded
    to ``decimals``. A symbol already in a column (e.g. ``u``) is kept."""
    num, den, val = (numeric(frame[c]) for c in (num_col, den_col, value_col))
    num_hidden, den_hidden = pair_mask(num, den, share)
    out = frame.copy()
    out[num_col] = show(frame[num_col], num_hidden)
    out[den_col] = show(frame[den_col], den_hidden)
    value = round_half_up(np.asarray(val, dtype="float64"), decimals)  # a half rounded up, as DfE rounds
    text = np.array([float(x) for x in np.nan_to_num(value)] + [None], dtype=object)[:-1]
    with np.errstate(invalid="ignore"):
        text[(val != 0) & (value == 0)] = "k"
        text[np.isnan(val)] = ":"
        text[den == 0] = "z"
        text[num_hidden | den_hidden | ((den < MIN_RATE_DENOMINATOR) & (den != 0))] = "c"
    out[value_col] = pd.Series(text, index=frame.index, dtype=object)
    for col in (num_col, den_col, value_col):  # keep symbols the caller put there
        given = frame[col].map(is_symbol).to_numpy(dtype=bool)
        out.loc[given, col] = frame.loc[given, col]
    return out


def cell(numerator: Any, denominator: Any, share: bool = True, decimals: int = 1) -> tuple[str, str, str]:
    """(numerator, denominator, percentage) as display text for one pair, by the same rules
    as :func:`apply_rates` (percentage = numerator / denominator x 100).

    >>> cell(3, 40), cell(12, 40), cell(0, 3), cell(None, 40)
    (('c', '40', 'c'), ('12', '40', '30.0%'), ('0', 'c', 'c'), (':', '40', ':'))
    """
    num = float("nan") if is_missing(numerator) else float(numerator)
    den = float("nan") if is_missing(denominator) else float(denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = num / den * 100 if den else float("nan")
    frame = apply_rates(pd.DataFrame({"n": [num], "d": [den], "v": [pct]}), "n", "d", "v", share, decimals)
    n, d, v = frame.iloc[0]
    count = lambda x: x if isinstance(x, str) else f"{x:,}"  # noqa: E731
    return count(n), count(d), (v if isinstance(v, str) else f"{v:.{decimals}f}%")
