"""RAG ratings, direction of travel and improvement-plan priority status.

Why this module exists: every council rates its measures Red/Amber/Green, but each
applies its own rule, so the rule is configuration per measure (docs/domain.md, "RAG
ratings for measures"). Two rules cover the practice we have seen:

* ``"tolerance"`` - green on or better than target, amber within a tolerance of it,
  red beyond the tolerance;
* ``"travel"`` - the common rule in performance clinics: green on or within a tolerance
  of target; outside tolerance, amber if improving or maintained against the previous
  period and red if worsening.

Measures without a target (demand measures) or with a neutral polarity get no RAG at
all (``None``): they are tracked for direction only, and :func:`direction_of_travel`
then says "up"/"down" without judging it.

Improvement-plan priorities are rated differently: by progress against their target
date (:func:`priority_status`), with Blue for "complete" - a common fourth status. A
fifth, Yellow, appears in one council's plan; :data:`RAG_ORDER` places it between Amber
and Green so that movement between ratings can be judged.

All tolerances are absolute and in the measure's own unit (percentage points for a
percentage). Everything here is a pure function: no I/O, no Streamlit. Bad input raises
:class:`~qa_core.errors.QAError`.

What a rating means is said where it is shown: :func:`rag_rule_text` states the rule applied
to a measure in words ("Green: 22.0% or lower (on the 20.0% target or within 2 percentage
points of it; lower is better); ..."), so that no key promises a simpler rule than the one
used: under "travel", 20.6% against a 20% target is Green. A rating that would rest on a
handful of cases is not given (:func:`too_few`: a denominator under the measure's minimum,
:data:`DEFAULT_MIN_DENOMINATOR` unless the catalogue says otherwise); the count is shown
instead. :func:`rag_comparison_note` explains a rating that points the other way from the
published comparators ("Red against the council's own target of 20.0%, though better than our
statistical neighbours (26.6%) and England (23.9%)").
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.formatting import format_value
from qa_core.rules.missing import is_missing

__all__ = [
    "AMBER",
    "BLUE",
    "DEFAULT_DUE_SOON_DAYS",
    "DEFAULT_MIN_DENOMINATOR",
    "DETERIORATED",
    "DOWN",
    "FLOAT_SLACK",
    "GREEN",
    "IMPROVED",
    "IMPROVING",
    "POLARITIES",
    "POLARITY_DOWN",
    "POLARITY_NEUTRAL",
    "POLARITY_UP",
    "RAG_ORDER",
    "RED",
    "RULES",
    "RULE_NONE",
    "RULE_TOLERANCE",
    "RULE_TRAVEL",
    "SAME",
    "UNCHANGED",
    "UP",
    "WORSENING",
    "YELLOW",
    "direction_of_travel",
    "is_overdue",
    "normalise_rag",
    "priority_status",
    "rag_comparison_note",
    "rag_movement",
    "rag_rank",
    "rag_rule_text",
    "rag_status",
    "too_few",
    "too_few_words",
]

# --- statuses ----------------------------------------------------------------------------

RED = "Red"
AMBER = "Amber"
YELLOW = "Yellow"
GREEN = "Green"
BLUE = "Blue"  # "complete" in improvement plans

#: Worst to best. Yellow sits between Amber and Green; Blue (complete) is best.
RAG_ORDER: tuple[str, ...] = (RED, AMBER, YELLOW, GREEN, BLUE)

_RANK = {status.lower(): rank for rank, status in enumerate(RAG_ORDER)}

# --- polarities and rules ----------------------------------------------------------------

POLARITY_UP = "up"  # higher is better
POLARITY_DOWN = "down"  # lower is better
POLARITY_NEUTRAL = "neutral"  # no better direction (e.g. demand measures)
POLARITIES: tuple[str, ...] = (POLARITY_UP, POLARITY_DOWN, POLARITY_NEUTRAL)

RULE_TOLERANCE = "tolerance"
RULE_TRAVEL = "travel"
RULE_NONE = "none"
RULES: tuple[str, ...] = (RULE_TOLERANCE, RULE_TRAVEL, RULE_NONE)

# --- direction of travel and movement words ----------------------------------------------

IMPROVING = "improving"
WORSENING = "worsening"
SAME = "same"
UP = "up"  # neutral polarity: moved up, no judgement
DOWN = "down"  # neutral polarity: moved down, no judgement

IMPROVED = "improved"
DETERIORATED = "deteriorated"
UNCHANGED = "unchanged"

#: Absolute slack for float comparisons, so that a value computed as 87.1 against a
#: target of 90.1 with tolerance 3 is "exactly at tolerance" (90.1 - 87.1 is
#: 2.9999999999999915 in binary floating point). Far below any reported precision.
FLOAT_SLACK = 1e-9

#: A not-yet-complete priority whose target date is this many days away or fewer is Amber.
DEFAULT_DUE_SOON_DAYS = 30

#: A measure's figure based on fewer cases than this (its denominator) gets no rating, only its
#: count: 0 of 1 is not "Red". The catalogue may set another minimum per measure.
DEFAULT_MIN_DENOMINATOR = 5


# --- helpers -----------------------------------------------------------------------------


def _number(value: Any, what: str) -> float:
    """A present, finite number as float, or QAError."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.number)):
        raise QAError(f"{what} must be a number, not {value!r}")
    number = float(value)
    if math.isinf(number):
        raise QAError(f"{what} must be finite, not {value!r}")
    return number


def _tolerance(tolerance: Any) -> float:
    if is_missing(tolerance):
        raise QAError("tolerance must be a number (use 0 for none), not missing")
    number = _number(tolerance, "tolerance")
    if number < 0:
        raise QAError(f"tolerance must not be negative, not {tolerance!r}")
    return number


def _choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    """Case-insensitive match against ``allowed``; QAError names the allowed values."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key in allowed:
            return key
    raise QAError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")


def _date(value: Any, what: str) -> dt.date:
    """A date from datetime.date / datetime / pandas Timestamp / numpy datetime64."""
    if is_missing(value):
        raise QAError(f"{what} is required")
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):  # includes pd.Timestamp
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise QAError(f"{what} must be a date, not {value!r}")


# --- statuses ----------------------------------------------------------------------------


def normalise_rag(status: str) -> str:
    """The canonical spelling of a RAG status; QAError if it is not one.

    >>> normalise_rag(" amber ")
    'Amber'
    """
    if isinstance(status, str) and status.strip().lower() in _RANK:
        return RAG_ORDER[_RANK[status.strip().lower()]]
    raise QAError(f"unknown RAG status {status!r}; expected one of {', '.join(RAG_ORDER)}")


def rag_rank(status: str) -> int:
    """Position of a status in :data:`RAG_ORDER`: 0 is worst (Red), 4 best (Blue).

    Use it to sort or to compare two ratings; case-insensitive.

    >>> rag_rank("Red"), rag_rank("yellow"), rag_rank("BLUE")
    (0, 2, 4)
    """
    return RAG_ORDER.index(normalise_rag(status))


# --- direction of travel and RAG ---------------------------------------------------------


def direction_of_travel(
    current: float | None,
    previous: float | None,
    polarity: str,
    tolerance: float = 0.0,
) -> str | None:
    """How a measure moved since the previous period, judged by its polarity.

    Returns "improving" / "worsening" / "same" for polarity "up" or "down", and
    "up" / "down" / "same" for "neutral" (no judgement). A change no bigger than
    ``tolerance`` (absolute, measure's unit) is "same". ``None`` if either value is
    missing.

    >>> direction_of_travel(12.0, 15.0, "down")   # re-referrals fell: lower is better
    'improving'
    >>> direction_of_travel(88.0, 87.5, "up", tolerance=1)  # moved 0.5 <= 1
    'same'
    """
    polarity = _choice(polarity, POLARITIES, "polarity")
    tol = _tolerance(tolerance)
    if is_missing(current) or is_missing(previous):
        return None
    change = _number(current, "current value") - _number(previous, "previous value")
    if abs(change) <= tol + FLOAT_SLACK:
        return SAME
    if polarity == POLARITY_NEUTRAL:
        return UP if change > 0 else DOWN
    better = change > 0 if polarity == POLARITY_UP else change < 0
    return IMPROVING if better else WORSENING


def _worse_by(value: float, target: float, polarity: str) -> float:
    """How far ``value`` is on the wrong side of ``target`` (0 if on or better)."""
    gap = target - value if polarity == POLARITY_UP else value - target
    return max(gap, 0.0)


def rag_status(
    value: float | None,
    target: float | None,
    polarity: str,
    rule: str = RULE_TOLERANCE,
    tolerance: float = 0.0,
    previous: float | None = None,
    *,
    denominator: float | None = None,
    min_denominator: float | None = None,
) -> str | None:
    """RAG rating of a value against its target under a configurable rule.

    ``None`` (no rating) when value or target is missing, polarity is "neutral", the
    rule is "none", or the value rests on too few cases (``denominator`` under
    ``min_denominator``, see :func:`too_few`). "Worse by" is how far the value is on the wrong
    side of target. :func:`rag_rule_text` says the same rule in words.

    * rule "tolerance": on/better than target Green; worse by <= tolerance Amber;
      worse by more Red. ``previous`` is ignored.
    * rule "travel": on target or worse by <= tolerance Green; outside tolerance,
      Amber if improving or maintained against ``previous`` (any change, however small,
      in the wrong direction is worsening) and Red if worsening. Outside tolerance with
      no previous value is Red: there is no evidence of improvement.

    Polarity and rule are checked first, so bad configuration is reported even when the
    value is missing.

    Target 90%, higher better, value 87.5 is 2.5 points worse:

    >>> rag_status(87.5, 90, "up", tolerance=3)
    'Amber'
    >>> rag_status(85, 90, "up", rule="travel", tolerance=3, previous=84)
    'Amber'
    """
    polarity = _choice(polarity, POLARITIES, "polarity")
    rule = _choice(rule, RULES, "RAG rule")
    tol = _tolerance(tolerance)
    if polarity == POLARITY_NEUTRAL or rule == RULE_NONE:
        return None
    if is_missing(value) or is_missing(target) or too_few(denominator, min_denominator):
        return None
    worse_by = _worse_by(_number(value, "value"), _number(target, "target"), polarity)

    if rule == RULE_TOLERANCE:
        if worse_by <= FLOAT_SLACK:
            return GREEN
        return AMBER if worse_by <= tol + FLOAT_SLACK else RED

    # rule == RULE_TRAVEL
    if worse_by <= tol + FLOAT_SLACK:
        return GREEN
    travel = direction_of_travel(value, previous, polarity)
    if travel in (IMPROVING, SAME):
        return AMBER
    return RED  # worsening, or no previous value: no evidence of improvement


def too_few(denominator: Any, min_denominator: Any = DEFAULT_MIN_DENOMINATOR) -> bool:
    """True when a figure rests on fewer cases than the measure's minimum, so it gets its count
    and no rating. A missing denominator (a measure that is a plain count) is never too few; a
    missing minimum means :data:`DEFAULT_MIN_DENOMINATOR`.

    >>> too_few(1, 5), too_few(5, 5), too_few(None, 5), too_few(3, None)
    (True, False, False, True)
    """
    if is_missing(denominator):
        return False
    minimum = DEFAULT_MIN_DENOMINATOR if is_missing(min_denominator) else _number(min_denominator, "minimum")
    return _number(denominator, "denominator") < minimum


def too_few_words(numerator: Any, denominator: Any, min_denominator: Any = DEFAULT_MIN_DENOMINATOR,
                  unit: str = "%") -> str:
    """What a page shows in place of a rating that would rest on too few cases: the count (for an
    average, such as days to adoption, how many it is an average of).

    >>> too_few_words(0, 1, 5), too_few_words(978, 2, 5, "days")
    ('0 of 1: too few to rate (fewer than 5)', 'An average of 2: too few to rate (fewer than 5)')
    """
    minimum = DEFAULT_MIN_DENOMINATOR if is_missing(min_denominator) else _number(min_denominator, "minimum")

    def count(x: Any) -> str:
        return "?" if is_missing(x) else f"{float(x):,.1f}".removesuffix(".0")

    counted = (f"{count(numerator)} of {count(denominator)}" if unit in ("%", "rate_per_10k")
               else f"An average of {count(denominator)}")
    return f"{counted}: too few to rate (fewer than {minimum:g})"


def _gap(tolerance: float, unit: str) -> str:
    amount = f"{tolerance:g}"
    if unit == "%":
        return f"{amount} percentage point{'' if tolerance == 1 else 's'}"
    if unit == "days":
        return f"{amount} day{'' if tolerance == 1 else 's'}"
    return amount


def rag_rule_text(
    target: float | None,
    polarity: str,
    rule: str = RULE_TOLERANCE,
    tolerance: float = 0.0,
    unit: str = "",
    min_denominator: float | None = None,
) -> str:
    """The rule :func:`rag_status` applies to a measure, in words: each colour with the values
    that earn it, so a key or a hover never promises a simpler rule than the one used.
    ``min_denominator`` (a ratio measure's minimum number of cases) adds the line on too few cases.

    >>> rag_rule_text(20, "down", "travel", 2, "%")
    'Green: 22.0% or lower (on the 20.0% target or within 2 percentage points of it; lower is better); \
Amber: above 22.0%, but better than or the same as the previous period; Red: above 22.0% and worse than \
the previous period, or with no previous figure to compare.'
    >>> rag_rule_text(90, "up", "tolerance", 5, "%")
    'Green: 90.0% or higher (on or better than the 90.0% target; higher is better); Amber: below 90.0%, \
down to 85.0% (within 5 percentage points of the target); Red: below 85.0%.'
    """
    polarity = _choice(polarity, POLARITIES, "polarity")
    rule = _choice(rule, RULES, "RAG rule")
    tol = _tolerance(tolerance)
    if polarity == POLARITY_NEUTRAL:
        return "Not rated: this measure has no better direction, so only its direction is shown."
    if is_missing(target):
        return "Not rated: no target is set, so only its direction is shown."
    if rule == RULE_NONE:
        return "Not rated: this measure's rule is 'none', so only its direction is shown."
    goal = _number(target, "target")
    down = polarity == POLARITY_DOWN
    better, past, reach = (("lower is better", "above", "or lower") if down else ("higher is better", "below",
                                                                                  "or higher"))
    edge_value = goal + tol if down else goal - tol
    t, edge = format_value(goal, unit), format_value(edge_value, unit)
    if rule == RULE_TOLERANCE or tol == 0:
        green = f"Green: {t} {reach} (on or better than the {t} target; {better})"
    else:
        green = f"Green: {edge} {reach} (on the {t} target or within {_gap(tol, unit)} of it; {better})"
    if rule == RULE_TOLERANCE:
        if tol == 0:
            text = f"{green}; Red: {past} {t}. No Amber: the tolerance is 0."
        else:
            toward = "up to" if down else "down to"
            text = (f"{green}; Amber: {past} {t}, {toward} {edge} (within {_gap(tol, unit)} of the target); "
                    f"Red: {past} {edge}.")
    else:
        text = (f"{green}; Amber: {past} {edge}, but better than or the same as the previous period; "
                f"Red: {past} {edge} and worse than the previous period, or with no previous figure to compare.")
    if not is_missing(min_denominator):
        minimum = _number(min_denominator, "minimum")
        text += (f" Not rated when based on fewer than {minimum:g} case{'' if minimum == 1 else 's'}: the count "
                 "is shown instead.")
    return text


def rag_comparison_note(
    rag: str | None,
    value: float | None,
    polarity: str,
    target: float | None,
    unit: str = "",
    comparators: tuple[tuple[str, Any], ...] = (),
) -> str | None:
    """A sentence where a rating against the council's own target points the other way from the
    published comparators: Red or Amber though better than every comparator given, or Green though
    worse than every one. None otherwise (or with no rating or no comparator).

    ``comparators`` are ``(words, value)`` pairs such as ``("our statistical neighbours", 26.6)``;
    missing values are left out. Figures are compared as shown (one decimal place).

    >>> print(rag_comparison_note("Red", 23.4, "down", 20, "%", (("neighbours", 26.55), ("England", 23.9))))
    Red against the council's own target of 20.0%, though better than neighbours (26.6%) and England (23.9%).
    """
    if is_missing(rag) or is_missing(value) or is_missing(target) or polarity not in (POLARITY_UP, POLARITY_DOWN):
        return None
    shown = [(words, float(v)) for words, v in comparators if not is_missing(v)]
    if not shown:
        return None
    mine = float(format_value(value, "number").replace(",", ""))

    def side(other: float) -> int:  # 1 better than the comparator, -1 worse, 0 the same as shown
        theirs = float(format_value(other, "number").replace(",", ""))
        if mine == theirs:
            return 0
        return 1 if (mine > theirs) == (polarity == POLARITY_UP) else -1

    sides = {side(v) for _, v in shown}
    listed = " and ".join(f"{words} ({format_value(v, unit)})" for words, v in shown)
    own = f"against the council's own target of {format_value(target, unit)}"
    if rag in (RED, AMBER) and sides == {1}:
        return f"{rag} {own}, though better than {listed}."
    if rag == GREEN and sides == {-1}:
        return f"{rag} {own}, though worse than {listed}."
    return None


# --- improvement-plan priorities ---------------------------------------------------------


def _completed_by(completed_date: Any, as_of: dt.date) -> bool:
    if is_missing(completed_date):
        return False
    return _date(completed_date, "completed_date") <= as_of


def is_overdue(target_date: Any, completed_date: Any, as_of: Any) -> bool:
    """True if the priority was not complete at ``as_of`` and its target date has passed.

    A target date equal to ``as_of`` is due today, not overdue. A completion dated after
    ``as_of`` does not count at ``as_of``.

    >>> is_overdue(dt.date(2025, 3, 31), None, dt.date(2025, 4, 1))
    True
    """
    as_of_date = _date(as_of, "as_of")
    if _completed_by(completed_date, as_of_date):
        return False
    return _date(target_date, "target_date") < as_of_date


def priority_status(
    target_date: Any,
    completed_date: Any,
    as_of: Any,
    due_soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> str:
    """Rate an improvement-plan priority by progress against its target date.

    Completed on or before ``as_of`` -> Blue (however late against target); otherwise
    target date before ``as_of`` -> Red (overdue); target date from ``as_of`` to
    ``due_soon_days`` days after it, inclusive -> Amber; later -> Green. Dates may be
    ``datetime.date``, ``datetime`` or pandas Timestamps; ``completed_date`` may be
    None/NaT. A completion dated after ``as_of`` counts as not yet complete.

    As of 1 April 2025, target 30 April (29 days away), not complete:

    >>> priority_status(dt.date(2025, 4, 30), None, dt.date(2025, 4, 1))
    'Amber'
    """
    if isinstance(due_soon_days, (bool, np.bool_)) or not isinstance(
        due_soon_days, (int, np.integer)
    ):
        raise QAError(f"due_soon_days must be a whole number of days, not {due_soon_days!r}")
    if due_soon_days < 0:
        raise QAError(f"due_soon_days must not be negative, not {due_soon_days!r}")
    as_of_date = _date(as_of, "as_of")
    if _completed_by(completed_date, as_of_date):
        return BLUE
    days_left = (_date(target_date, "target_date") - as_of_date).days
    if days_left < 0:
        return RED
    if days_left <= due_soon_days:
        return AMBER
    return GREEN


def rag_movement(previous: str | None, current: str | None) -> str | None:
    """How a rating moved: "improved", "deteriorated" or "unchanged" (Blue is best).

    ``None`` when there is no previous rating (the item is new) or no current rating.

    >>> rag_movement("Red", "Amber"), rag_movement("Green", "Yellow")
    ('improved', 'deteriorated')
    """
    if is_missing(previous) or is_missing(current):
        return None
    before, now = rag_rank(previous), rag_rank(current)  # type: ignore[arg-type]
    if now > before:
        return IMPROVED
    if now < before:
        return DETERIORATED
    return UNCHANGED
