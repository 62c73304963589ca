"""Aggregate ratio indicators up the hierarchy (team → service → local authority).

Why this module exists: a service's percentage is not the mean of its teams' percentages.
A team of 2 children and a team of 200 would count equally in a mean; the true figure for
the service is Σ numerators / Σ denominators. Indicators are therefore stored and moved
around as numerator and denominator, and only turned into a value here, at the level asked
for. Averages (e.g. "average days to adoption" = total days / children) are ratios too and
aggregate the same way, so this covers %, rates per 10,000 and averages alike (the scale of
each unit is ``qa_core.rules.formatting.SCALE_BY_UNIT``).

Pure and vectorised (pandas groupby), no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.formatting import PERCENT
from qa_core.rules.missing import is_missing

__all__ = ["aggregate_ratio", "ratio_value"]


def ratio_value(numerator: Any, denominator: Any, scale: float = PERCENT) -> float | None:
    """numerator / denominator × scale, or None when either is missing or the denominator is 0.

    >>> ratio_value(45, 60)          # 45 of 60 assessments in time
    75.0
    >>> ratio_value(3, 25_000, 10_000.0)   # 3 per 25,000 children → 1.2 per 10,000
    1.2
    >>> ratio_value(5, 0) is None
    True
    """
    if is_missing(numerator) or is_missing(denominator):
        return None
    try:
        num, den = float(numerator), float(denominator)
    except (TypeError, ValueError) as exc:
        raise QAError(f"Not a number: {numerator!r} / {denominator!r}.") from exc
    if not (math.isfinite(num) and math.isfinite(den)):
        raise QAError(f"Not a finite number: {numerator!r} / {denominator!r}.")
    if den < 0:
        raise QAError(f"Negative denominator: {denominator!r}.")
    if den == 0:
        return None
    return num * scale / den


def _numeric(col: pd.Series, name: str) -> pd.Series:
    if not pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        raise QAError(f"Column {name!r} must be numeric.")
    arr = col.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(arr).any():
        raise QAError(f"Column {name!r} has an infinite value.")
    return pd.Series(arr, index=col.index)


def aggregate_ratio(
    values: pd.DataFrame,
    by: str | Sequence[Hashable],
    scale: float = PERCENT,
    numerator: str = "numerator",
    denominator: str = "denominator",
    proportion: bool = False,
) -> pd.DataFrame:
    """Sum numerators and denominators per group and give value = Σnum / Σden × scale.

    Returns the ``by`` columns, the summed ``numerator`` and ``denominator`` (under the names
    given, so the result can be aggregated again one level up), ``value`` (NaN when the
    denominator sum is 0), ``n_units`` (rows that contributed) and ``n_missing`` (rows left
    out because numerator or denominator was missing). ``by=[]`` gives one overall row.

    With ``proportion=True`` each row must have 0 ≤ numerator ≤ denominator; a negative
    denominator is always an error.

    Worked example: service S has team A 9/10 (90%) and team B 45/90 (50%). The mean of the
    percentages is 70%; the service's value is (9 + 45) / (10 + 90) = 54%.
    """
    cols = [by] if isinstance(by, str) else list(by)
    unknown = [c for c in cols if c not in values.columns]
    if unknown:
        raise QAError(f"Unknown grouping column(s): {', '.join(map(str, unknown))}.")
    for name in (numerator, denominator):
        if name not in values.columns:
            raise QAError(f"No {name!r} column in the values.")
    if not math.isfinite(scale):
        raise QAError(f"Scale must be a finite number, not {scale!r}.")
    num = _numeric(values[numerator], numerator)
    den = _numeric(values[denominator], denominator)
    missing = num.isna() | den.isna()
    present = ~missing
    if (den[present] < 0).any():
        raise QAError(f"Column {denominator!r} has a negative value.")
    if proportion:
        if (num[present] < 0).any():
            raise QAError(f"Column {numerator!r} has a negative value in a proportion.")
        if (num[present] > den[present]).any():
            raise QAError(f"{numerator!r} exceeds {denominator!r} in a proportion.")

    work = pd.DataFrame(
        {
            "_num": num.where(present, 0.0).to_numpy(),
            "_den": den.where(present, 0.0).to_numpy(),
            "_units": present.to_numpy().astype("int64"),
            "_missing": missing.to_numpy().astype("int64"),
        }
    )
    if cols:
        keys = values[cols].reset_index(drop=True)
        out = (
            work.groupby([keys[c] for c in cols], dropna=False, sort=True, observed=True)
            .sum()
            .reset_index()
        )
    else:
        out = pd.DataFrame([work.sum().to_numpy()], columns=list(work.columns))
    n_den = out["_den"].to_numpy(dtype="float64")
    n_num = out["_num"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(n_den > 0, n_num * scale / n_den, np.nan)
    result = out[cols].copy() if cols else pd.DataFrame(index=out.index)
    result[numerator] = _maybe_int(n_num, values[numerator])
    result[denominator] = _maybe_int(n_den, values[denominator])
    result["value"] = value
    result["n_units"] = out["_units"].to_numpy(dtype="int64")
    result["n_missing"] = out["_missing"].to_numpy(dtype="int64")
    return result


def _maybe_int(summed: np.ndarray, original: pd.Series) -> np.ndarray:
    """Keep integer inputs (e.g. counts of children) as integers after summing."""
    if pd.api.types.is_integer_dtype(original.dtype):
        return summed.astype("int64")
    return summed
