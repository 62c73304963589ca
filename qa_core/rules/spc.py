"""Statistical process control (SPC) charts as NHS England's "Making Data Count" draws them
([NHS England Making Data Count] in docs/sources.md).

Performance clinics look at a measure month by month. A line going up or down is not by
itself news: SPC separates the ordinary month-to-month noise of a process (common cause
variation) from signals worth discussing (special cause variation), and says whether a
target can be expected to be met at all (assurance). This module does the arithmetic only;
the app draws the charts and icons.

Decisions the spec leaves open:

* Missing months (``None``/NaN) are kept as records (``index`` and ``target`` set, the rest
  None) but skipped: moving ranges, trends and runs treat the non-missing points either
  side of a gap as consecutive.
* A point in two trends (the peak or valley where an upward run turns into a downward one)
  takes the side of the trend that ends at it, so a peak counts as high and a valley as low.
* Limits are only recalculated at a recorded process change (``process_changes``); a phase
  with fewer than ``MIN_POINTS_FOR_LIMITS`` non-missing points gets no limits and no flags.
* ``baseline``: the limits of a phase come from its first ``baseline`` non-missing points
  (``BASELINE_POINTS``, 12, on the pages) and stay fixed for the rest of the phase, so a new
  month never moves them; ``None`` (the default here) uses every point of the phase.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterator, Sequence
from typing import Any

from qa_core.errors import QAError

__all__ = [
    "BASELINE_POINTS", "MIN_POINTS_FOR_LIMITS", "MR_SCREEN_FACTOR", "P_LIMIT_SIGMAS", "XMR_LIMIT_FACTOR",
    "XMR_TWO_SIGMA_FACTOR", "assurance_icon", "improvement_for", "p_chart", "variation_icon", "xmr",
    "baseline_of", "icon_codes", "VARIATION_CODES", "ASSURANCE_CODES",
]

XMR_LIMIT_FACTOR = 2.66  # 3 / d2 (d2 = 1.128 for ranges of 2 points): 3 sigma from mean mR
XMR_TWO_SIGMA_FACTOR = 1.773  # 2 / 1.128: the 2 sigma band
MR_SCREEN_FACTOR = 3.267  # D4 for n = 2: upper limit of the moving ranges
P_LIMIT_SIGMAS = 3
MIN_POINTS_FOR_LIMITS = 12
#: The baseline the pages fix limits on: the first 12 non-missing months of each phase
#: (docs/domain.md, "Baselines and process changes").
BASELINE_POINTS = 12
MIN_RUN_LENGTH = 3

IMPROVEMENTS = ("up", "down", "neutral")
_MEANING = {  # (improvement, side) -> special_cause
    ("up", "high"): "improvement",
    ("up", "low"): "concern",
    ("down", "high"): "concern",
    ("down", "low"): "improvement",
    ("neutral", "high"): "neutral",
    ("neutral", "low"): "neutral",
}
_VARIATION_LABELS = {
    "improvement": "Special cause improvement",
    "concern": "Special cause concern",
    "neutral": "Special cause neutral variation",
}
_ASSURANCE = {
    "pass": {"code": "pass", "letter": "P", "label": "Consistently passes the target"},
    "fail": {"code": "fail", "letter": "F", "label": "Consistently fails the target"},
    "hit_or_miss": {"code": "hit_or_miss", "letter": "?",
                    "label": "Hit or miss: the target lies within the process limits"},
}
_FLAG_KEYS = ("mean", "ucl", "lcl", "upper_2s", "lower_2s", "special_cause", "side", "rule")

Record = dict[str, Any]
Floats = Sequence[float]


def improvement_for(polarity: object) -> str:
    """The direction that is an improvement for a measure of this polarity ("up" or "down");
    "neutral" for a measure tracked for its direction only (or with no polarity).

    >>> improvement_for("down"), improvement_for("neither"), improvement_for(None)
    ('down', 'neutral', 'neutral')
    """
    return polarity if polarity in ("up", "down") else "neutral"


def xmr(
    values: Sequence[float | None],
    improvement: str = "up",
    run_length: int = 7,
    target: float | None = None,
    process_changes: Sequence[int] = (),
    screen_moving_ranges: bool = False,
    baseline: int | None = None,
) -> list[Record]:
    """XmR (individuals) chart: one record per month with its limits and special cause.

    With ``baseline`` the limits come from the first ``baseline`` non-missing points of each
    phase and are extended, unchanged, over the rest of it.

    >>> recs = xmr([10, 12] * 6)  # mean 11, every mR 2, ucl = 11 + 2.66 * 2
    >>> round(recs[0]["ucl"], 2), recs[0]["special_cause"]
    (16.32, None)
    >>> round(xmr([10, 12] * 6 + [30], baseline=12)[-1]["ucl"], 2)  # month 13 leaves them be
    16.32
    """
    _check_options(improvement, run_length)
    _check_baseline(baseline)
    xs = [_number(v, "value") for v in values]
    target = _number(target, "target")
    records = [_blank(i, x, target) for i, x in enumerate(xs)]
    for phase in _phases(len(xs), process_changes):
        points = [r for r in records[phase.start : phase.stop] if r["value"] is not None]
        for prev, cur in zip(points, points[1:], strict=False):
            cur["moving_range"] = abs(cur["value"] - prev["value"])
        if len(points) < MIN_POINTS_FOR_LIMITS:
            continue
        base = points[:baseline] if baseline else points
        mean = sum(r["value"] for r in base) / len(base)
        mrs = [r["moving_range"] for r in base[1:]]
        mr_bar = sum(mrs) / len(mrs)
        if screen_moving_ranges:
            kept = [m for m in mrs if m <= MR_SCREEN_FACTOR * mr_bar]
            mr_bar = sum(kept) / len(kept)
        for r in points:
            r.update(mean=mean, ucl=mean + XMR_LIMIT_FACTOR * mr_bar,
                     lcl=mean - XMR_LIMIT_FACTOR * mr_bar,
                     upper_2s=mean + XMR_TWO_SIGMA_FACTOR * mr_bar,
                     lower_2s=mean - XMR_TWO_SIGMA_FACTOR * mr_bar)
        _flag(points, improvement, run_length)
    return records


def p_chart(
    numerators: Sequence[float | None],
    denominators: Sequence[float | None],
    improvement: str = "down",
    run_length: int = 7,
    target: float | None = None,
    process_changes: Sequence[int] = (),
    baseline: int | None = None,
) -> list[Record]:
    """p-chart for a proportion (0-1) whose denominator varies month to month.

    p-bar is the phase's total numerator over its total denominator; each point gets its
    own limits p-bar +/- 3 * sqrt(p-bar * (1 - p-bar) / n), clipped to [0, 1] (p-bar from the
    phase's first ``baseline`` points when given). A zero or
    missing denominator is a missing month. ``moving_range`` is always None.

    >>> recs = p_chart([5, 8] * 6, [10, 40] * 6)  # p-bar = 78 / 300 = 0.26
    >>> round(recs[0]["mean"], 2), round(recs[1]["ucl"], 3)  # 0.26 + 3 * sqrt(.26*.74/40)
    (0.26, 0.468)
    """
    _check_options(improvement, run_length)
    _check_baseline(baseline)
    if len(numerators) != len(denominators):
        raise QAError(f"{len(numerators)} numerators but {len(denominators)} denominators")
    target = _number(target, "target")
    records = []
    for i, (num, den) in enumerate(zip(numerators, denominators, strict=True)):
        num, den = _number(num, "numerator"), _number(den, "denominator")
        if (num is not None and num < 0) or (den is not None and den < 0):
            raise QAError(f"Point {i}: numerator and denominator cannot be negative")
        if num is not None and den is not None and num > den:
            raise QAError(f"Point {i}: numerator {num:g} is larger than denominator {den:g}")
        value = num / den if num is not None and den else None
        records.append(_blank(i, value, target) | {"numerator": num, "denominator": den})
    for phase in _phases(len(records), process_changes):
        points = [r for r in records[phase.start : phase.stop] if r["value"] is not None]
        if len(points) < MIN_POINTS_FOR_LIMITS:
            continue
        base = points[:baseline] if baseline else points
        p_bar = sum(r["numerator"] for r in base) / sum(r["denominator"] for r in base)
        for r in points:
            sigma = math.sqrt(p_bar * (1 - p_bar) / r["denominator"])
            r.update(mean=p_bar, ucl=_clip(p_bar + P_LIMIT_SIGMAS * sigma),
                     lcl=_clip(p_bar - P_LIMIT_SIGMAS * sigma),
                     upper_2s=_clip(p_bar + 2 * sigma), lower_2s=_clip(p_bar - 2 * sigma))
        _flag(points, improvement, run_length)
    return records


def variation_icon(records: Sequence[Record]) -> dict[str, str] | None:
    """The variation icon: the kind of variation shown by the latest non-missing point.

    >>> variation_icon(xmr([10, 12] * 6))["code"]
    'common_cause'
    """
    latest = _latest(records)
    if latest is None or latest["mean"] is None:
        return None
    if latest["special_cause"] is None:
        return {"code": "common_cause", "letter": "C", "label": "Common cause variation"}
    kind, side = latest["special_cause"], latest["side"]
    return {"code": f"{kind}_{side}", "letter": side[0].upper(),
            "label": f"{_VARIATION_LABELS[kind]} ({side})"}


def assurance_icon(
    records: Sequence[Record], improvement: str, target: float | None
) -> dict[str, str] | None:
    """The assurance icon: can the process be relied on to meet the target?

    Uses the limits of the latest non-missing point (its phase; for a p-chart, its own).
    A target on a limit is hit or miss.

    >>> assurance_icon(xmr([10, 12] * 6), "up", 5)["code"]  # lcl = 11 - 5.32 = 5.68 > 5
    'pass'
    """
    _check_options(improvement)
    target = _number(target, "target")
    latest = _latest(records)
    if target is None or improvement == "neutral" or latest is None or latest["ucl"] is None:
        return None
    if latest["lcl"] <= target <= latest["ucl"]:
        return dict(_ASSURANCE["hit_or_miss"])
    above = target > latest["ucl"]  # target above every likely value
    return dict(_ASSURANCE["fail" if above == (improvement == "up") else "pass"])


#: The variation icons of Making Data Count: the latest point's kind of variation.
VARIATION_CODES = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
#: The assurance icons; "none" where Making Data Count shows none (no target, no better direction,
#: or no limits yet).
ASSURANCE_CODES = ("pass", "fail", "hit_or_miss", "none")


def icon_codes(records: Sequence[Record], improvement: str, target: float | None) -> tuple[str | None, str]:
    """The (variation, assurance) icon codes for a chart's records: one of ``VARIATION_CODES``
    (None while there are no limits: too few months) and one of ``ASSURANCE_CODES``. Why one
    function: the table, the chart and ``report clinic`` must show the same pair.

    >>> icon_codes(xmr([10, 12] * 6), "up", 5)
    ('common_cause', 'pass')
    >>> icon_codes(xmr([10, 12] * 6), "neutral", 5)  # no better direction: no assurance
    ('common_cause', 'none')
    """
    variation = variation_icon(records)
    assurance = assurance_icon(records, improvement, target)
    return (variation["code"] if variation else None, assurance["code"] if assurance else "none")


def baseline_of(
    values: Sequence[float | None], process_changes: Sequence[int] = (), baseline: int | None = BASELINE_POINTS
) -> tuple[int, int] | None:
    """(first, last) index of the baseline points the latest non-missing point's limits come from,
    or None when its phase has no limits (fewer than ``MIN_POINTS_FOR_LIMITS`` points). Lets a
    report name the months its limits rest on.

    >>> baseline_of([10, 12] * 8)  # 16 points: limits from points 0 to 11
    (0, 11)
    >>> baseline_of([10, 12] * 8, process_changes=[4])  # a change at point 4: 12 points left
    (4, 15)
    """
    _check_baseline(baseline)
    xs = [_number(v, "value") for v in values]
    present = [i for i, x in enumerate(xs) if x is not None]
    if not present:
        return None
    phase = next(p for p in _phases(len(xs), process_changes) if present[-1] in p)
    points = [i for i in present if i in phase]
    if len(points) < MIN_POINTS_FOR_LIMITS:
        return None
    base = points[:baseline] if baseline else points
    return base[0], base[-1]


# --- special-cause rules, shared by both charts -------------------------------------------


def _special_causes(
    values: Floats, means: Floats, ucl: Floats, lcl: Floats, upper_2s: Floats,
    lower_2s: Floats, run_length: int,
) -> list[tuple[str, int] | None]:
    """(side, rule) per point of one phase of non-missing points, or None; rule 1 wins."""
    n = len(values)
    found: list[tuple[str, int] | None] = [None] * n

    def mark(i: int, side: str, rule: int) -> None:
        if found[i] is None:  # rules are applied in order, so the first one met decides
            found[i] = (side, rule)

    for i, x in enumerate(values):  # rule 1: beyond a process limit
        if x > ucl[i] or x < lcl[i]:
            mark(i, "high" if x > ucl[i] else "low", 1)
    steps = [_sign(b - a) for a, b in zip(values, values[1:], strict=False)]
    for start, stop, side in _runs(steps, run_length - 1):  # rule 2: trend
        for i in range(start, stop + 1):  # k steps cover k + 1 points; at a turning point
            mark(i, side, 2)  # the earlier trend (the one ending there) wins
    sides = [_sign(x - m) for x, m in zip(values, means, strict=True)]
    for i in range(n - 2):  # rule 3: 2 of 3 beyond 2 sigma, all 3 on one side
        side = sides[i]
        if side is None or sides[i + 1] != side or sides[i + 2] != side:
            continue
        beyond = [j for j in range(i, i + 3)
                  if (values[j] > upper_2s[j] if side == "high" else values[j] < lower_2s[j])]
        if len(beyond) >= 2:
            for j in beyond:
                mark(j, side, 3)
    for start, stop, side in _runs(sides, run_length):  # rule 4: run on one side of mean
        for i in range(start, stop):
            mark(i, side, 4)
    return found


def _flag(points: list[Record], improvement: str, run_length: int) -> None:
    """Apply the rules to one phase's non-missing records (limits already set)."""
    columns = [[r[k] for r in points] for k in ("value", "mean", "ucl", "lcl",
                                                 "upper_2s", "lower_2s")]
    for r, found in zip(points, _special_causes(*columns, run_length), strict=True):
        if found is not None:
            side, rule = found
            r.update(side=side, rule=rule, special_cause=_MEANING[improvement, side])


def _runs(keys: Sequence[str | None], min_length: int) -> Iterator[tuple[int, int, str]]:
    """(start, stop, key) of each maximal run of equal non-None keys at least min_length long."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] is not None and i - start >= min_length:
                yield start, i, keys[start]
            start = i


def _sign(d: float) -> str | None:
    return "high" if d > 0 else "low" if d < 0 else None


def _clip(p: float) -> float:
    return min(1.0, max(0.0, p))


#: A month's record before its phase is worked out, in the records' key order.
_BLANK: Record = dict.fromkeys(("index", "value", "moving_range", "target", *_FLAG_KEYS))


def _blank(index: int, value: float | None, target: float | None) -> Record:
    # A copy of the template, its keys in place (a chart's months were 20,000 of these a clinic page's runs).
    return {**_BLANK, "index": index, "value": value, "target": target}


def _latest(records: Sequence[Record]) -> Record | None:
    return next((r for r in reversed(records) if r["value"] is not None), None)


def _number(v: Any, what: str) -> float | None:
    """A finite float, or None for a missing value (None or NaN)."""
    if v.__class__ is float and -math.inf < v < math.inf:  # the usual case, as ``float(v)`` gives it back
        return v
    if v is None:
        return None
    try:
        if isinstance(v, bool | str):
            raise TypeError
        f = float(v)
    except (TypeError, ValueError):
        raise QAError(f"{what.capitalize()} {v!r} is not a number") from None
    if math.isnan(f):
        return None
    if math.isinf(f):
        raise QAError(f"{what.capitalize()} {v!r} is not a finite number")
    return f


def _index(v: Any) -> int | None:
    """v as an int if it is a whole-number type (int, numpy integer; not bool), else None."""
    if isinstance(v, bool):
        return None
    try:
        return operator.index(v)
    except TypeError:
        return None


def _check_options(improvement: str, run_length: int = MIN_RUN_LENGTH) -> None:
    if improvement not in IMPROVEMENTS:
        raise QAError(f"Unknown improvement direction {improvement!r}; use up, down or neutral")
    if _index(run_length) is None or run_length < MIN_RUN_LENGTH:
        raise QAError(f"Run length must be a whole number of at least {MIN_RUN_LENGTH}")


def _check_baseline(baseline: int | None) -> None:
    if baseline is not None and (_index(baseline) is None or baseline < MIN_POINTS_FOR_LIMITS):
        raise QAError(f"A baseline must be a whole number of at least {MIN_POINTS_FOR_LIMITS} points")


def _phases(n: int, process_changes: Sequence[int]) -> list[range]:
    """Split indices 0..n-1 into phases starting at each recorded process change."""
    starts = set()
    for c in process_changes:
        if _index(c) is None or not 0 <= c < n:
            raise QAError(f"Process change {c!r} is not the index of a point (0 to {n - 1})")
        starts.add(_index(c))
    bounds = sorted(starts | {0, n})
    return [range(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
