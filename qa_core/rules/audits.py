"""Case-file audit rules: grades, the 10% inadequate target, completion, moderation, escalation.

Why this module exists: audit findings are read monthly by Heads of Service and the
Assistant Director, usually from a handful of audits per team. The rules here keep those
readings honest:

* percentages are always computed from **counts** (never by averaging percentages), so a
  service's figure is exactly the pooled figure of its teams;
* every percentage of inadequate audits comes with a **Wilson 95% interval**, so a team with
  4 audits is not called "failing" on noise;
* audit **completion** is measured against expectation (the seed frameworks: team managers 4 a
  month; Heads of Service 1 a month *outside their own service*; a council's own rules are data,
  applied by ``qa_core.rules.expectations``), with each auditor's shortfall summed before
  aggregating so one manager's over-completion cannot hide another's shortfall;
* **moderation** agreement and direction, and the **escalation** list for each grade, follow
  the ``[Rochdale QA framework]`` and the ``[Gloucestershire QA committee minutes]`` target
  (sources: docs/sources.md).

Grades are integers 1-4 (1 Outstanding ... 4 Inadequate): lower is better. Everything here is
pure and vectorised (numpy / pandas groupby), with no I/O, so it stays fast at a million audits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.missing import is_missing

__all__ = [
    "ASSESS_BETTER",
    "ASSESS_MEETS",
    "ASSESS_MISSES",
    "ASSESS_NO_AUDITS",
    "ASSESS_WORSE",
    "ESCALATION",
    "EXPECTED_PER_MONTH",
    "GOOD",
    "GRADES",
    "GRADE_COLUMNS",
    "HEAD_OF_SERVICE_MONTHLY",
    "INADEQUATE",
    "INADEQUATE_TARGET_PCT",
    "OUTSTANDING",
    "REQUIRES_IMPROVEMENT",
    "AUDIT_ROLE_LABELS",
    "TEAM_MANAGER_MONTHLY",
    "Z_95",
    "completion",
    "counts_towards_expectation",
    "escalation_for",
    "escalations",
    "expected_per_month",
    "final_grade",
    "grade_counts",
    "grade_summary",
    "moderation_matrix",
    "moderation_summary",
    "parse_grade",
    "parse_grades",
    "wilson_interval",
]

# --- grades -------------------------------------------------------------------------------

OUTSTANDING = 1
GOOD = 2
REQUIRES_IMPROVEMENT = 3
INADEQUATE = 4

GRADES: dict[int, str] = {
    OUTSTANDING: "Outstanding",
    GOOD: "Good",
    REQUIRES_IMPROVEMENT: "Requires Improvement",
    INADEQUATE: "Inadequate",
}
#: Report column for each grade, in grade order (1..4).
GRADE_COLUMNS: tuple[str, ...] = ("outstanding", "good", "requires_improvement", "inadequate")

# Words accepted by parse_grade, after lower-casing and collapsing spaces/underscores/hyphens.
_GRADE_WORDS: dict[str, int] = {
    "outstanding": OUTSTANDING,
    "good": GOOD,
    "requires improvement": REQUIRES_IMPROVEMENT,
    "requires improvement to be good": REQUIRES_IMPROVEMENT,  # Ofsted's wording
    "ri": REQUIRES_IMPROVEMENT,
    "inadequate": INADEQUATE,
}
_NUMERAL = re.compile(r"([1-4])(?:\.0*)?")
_SEPARATORS = re.compile(r"[\s_\-]+")

# --- the target and its interval ----------------------------------------------------------

#: [Gloucestershire QA committee minutes]: no more than 10% of audits graded inadequate.
INADEQUATE_TARGET_PCT = 10.0
#: Two-sided 95% standard normal quantile (Φ⁻¹(0.975)).
Z_95 = 1.959963984540054
_PCT = 100.0

ASSESS_WORSE = "worse than target (significant)"
ASSESS_BETTER = "better than target (significant)"
ASSESS_MEETS = "meets target"
ASSESS_MISSES = "misses target"
ASSESS_NO_AUDITS = "no audits"

# --- completion against expectation -------------------------------------------------------
# The seed frameworks' numbers: the demo council's expectation rules are made from them. What a
# store expects is its own rules (``audit_expectation_rule``), never these constants.

#: Tier 1: each team/practice manager audits at least 4 cases a month.
TEAM_MANAGER_MONTHLY = 4
#: Tier 2: each Head of Service audits 1 case a month outside their own service.
HEAD_OF_SERVICE_MONTHLY = 1
TEAM_MANAGER = "team_manager"
HEAD_OF_SERVICE = "head_of_service"
ASSISTANT_DIRECTOR = "assistant_director"
IRO = "iro"
EXPECTED_PER_MONTH: dict[str, int] = {
    TEAM_MANAGER: TEAM_MANAGER_MONTHLY,
    HEAD_OF_SERVICE: HEAD_OF_SERVICE_MONTHLY,
}

# --- escalation ([Rochdale QA framework], appendices 2A/2B) ------------------------------

ESCALATION: dict[int, tuple[str, ...]] = {
    INADEQUATE: (HEAD_OF_SERVICE, ASSISTANT_DIRECTOR),
    REQUIRES_IMPROVEMENT: (HEAD_OF_SERVICE, TEAM_MANAGER, IRO),
    GOOD: (TEAM_MANAGER,),
    OUTSTANDING: (TEAM_MANAGER, HEAD_OF_SERVICE, ASSISTANT_DIRECTOR),
}
#: The QA framework's roles in words: who audits (the completion table) and who is told (escalation).
AUDIT_ROLE_LABELS: dict[str, str] = {
    HEAD_OF_SERVICE: "Head of Service",
    ASSISTANT_DIRECTOR: "Assistant Director",
    TEAM_MANAGER: "Team Manager",
    IRO: "IRO / conference chair",
}

_ALL = "All"


# ==========================================================================================
# Grades
# ==========================================================================================


def parse_grade(x: Any) -> int:
    """Read one grade as an integer 1-4 from a number, a numeral or the grade's words.

    >>> parse_grade(2.0), parse_grade("4"), parse_grade("Requires Improvement to be good")
    (2, 4, 3)
    >>> parse_grade("RI"), parse_grade("  good ")
    (3, 2)

    Anything else (5, 0, 2.5, "bad", None, True) raises ``QAError``.
    """
    if isinstance(x, bool | np.bool_):
        raise QAError(f"Not a grade: {x!r} (grades are 1-4 or their names).")
    if isinstance(x, int | np.integer):
        n = int(x)
    elif isinstance(x, float | np.floating):
        if not math.isfinite(x) or not float(x).is_integer():
            raise QAError(f"Not a grade: {x!r} (grades are 1-4 or their names).")
        n = int(x)
    elif isinstance(x, str):
        text = _SEPARATORS.sub(" ", x.strip().casefold())
        if text in _GRADE_WORDS:
            return _GRADE_WORDS[text]
        match = _NUMERAL.fullmatch(text)
        if match is None:
            raise QAError(f"Not a grade: {x!r} (grades are 1-4 or their names).")
        n = int(match.group(1))
    else:
        raise QAError(f"Not a grade: {x!r} (grades are 1-4 or their names).")
    if n not in GRADES:
        raise QAError(f"Not a grade: {x!r} (grades are 1-4 or their names).")
    return n


def parse_grades(values: pd.Series) -> pd.Series:
    """Vectorised ``parse_grade``: a Series of grades as ``Int64``, missing values kept as NA.

    Numbers are checked with array operations; text is parsed once per *distinct* value,
    so a million rows of "Good"/"Inadequate" cost four parses.

    >>> parse_grades(pd.Series(["Good", 4, None])).tolist()
    [2, 4, <NA>]
    """
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        arr = s.to_numpy(dtype="float64", na_value=np.nan)
        bad = ~np.isnan(arr) & ~np.isin(arr, list(GRADES))
        if bad.any():
            raise QAError(f"Not a grade: {arr[bad][0]!r} (grades are 1-4 or their names).")
        return pd.Series(pd.array(arr, dtype="Int64"), index=s.index, name=s.name)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    lookup = np.array([parse_grade(u) for u in uniques] + [0], dtype="int64")
    parsed = lookup[codes]  # code -1 (missing) picks the trailing 0
    return pd.Series(
        pd.array(np.where(codes < 0, np.nan, parsed), dtype="Int64"), index=s.index, name=s.name
    )


def final_grade(overall: Any, moderated: Any) -> Any:
    """The grade that stands: the moderated grade where there is one, else the overall grade.

    Works on scalars (returns ``int`` or ``None``) and on Series (returns an ``Int64`` Series,
    aligned on position with ``overall``); both inputs are validated as grades.

    >>> final_grade(2, 4), final_grade("Good", None)
    (4, 2)
    >>> final_grade(pd.Series([2, 3]), pd.Series([None, 1])).tolist()
    [2, 1]
    """
    if isinstance(overall, pd.Series) or isinstance(moderated, pd.Series):
        index = overall.index if isinstance(overall, pd.Series) else moderated.index
        o = _as_grade_series(overall, index)
        m = _as_grade_series(moderated, index)
        return m.where(m.notna(), o).rename("final_grade")
    if not is_missing(moderated):
        return parse_grade(moderated)
    if not is_missing(overall):
        return parse_grade(overall)
    return None


def _as_grade_series(x: Any, index: pd.Index) -> pd.Series:
    if isinstance(x, pd.Series):
        if len(x) != len(index):
            raise QAError("Overall and moderated grades must be the same length.")
        return pd.Series(parse_grades(x).array, index=index)
    grade = pd.NA if is_missing(x) else parse_grade(x)
    return pd.Series(pd.array([grade] * len(index), dtype="Int64"), index=index)


# ==========================================================================================
# The 10% target: Wilson interval and grade summaries
# ==========================================================================================


def wilson_interval(
    successes: int, n: int, z: float = Z_95
) -> tuple[float, float] | tuple[None, None]:
    """Wilson score interval for ``successes`` out of ``n``, as proportions 0-1.

    centre = (p + z²/2n) / (1 + z²/n); half-width = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n).

    >>> [round(v, 4) for v in wilson_interval(1, 10)]   # published: (0.0179, 0.4042)
    [0.0179, 0.4042]
    >>> wilson_interval(0, 0)
    (None, None)
    """
    for name, value in (("successes", successes), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            if not (isinstance(value, float | np.floating) and float(value).is_integer()):
                raise QAError(f"{name} must be a whole number, not {value!r}.")
    successes, n = int(successes), int(n)
    if successes < 0 or n < 0:
        raise QAError(f"Counts cannot be negative ({successes} of {n}).")
    if successes > n:
        raise QAError(f"More successes than trials ({successes} of {n}).")
    if n == 0:
        return (None, None)
    low, high = _wilson_arrays(np.array([successes]), np.array([n]), z)
    return (float(low[0]), float(high[0]))


def _wilson_arrays(k: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson bounds for arrays of counts; NaN where n == 0. Clipped to [0, 1]."""
    k = k.astype("float64")
    n = n.astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        denom = 1.0 + z2 / n
        centre = (p + z2 / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
        low = np.clip(centre - half, 0.0, 1.0)
        high = np.clip(centre + half, 0.0, 1.0)
    # The exact bounds at the ends are 0 and 1; keep them exact despite rounding.
    low = np.where(k == 0, 0.0, low)
    high = np.where(k == n, 1.0, high)
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def grade_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """Add totals, % inadequate with its Wilson interval, % good or better and the target verdict.

    ``counts`` has any grouping columns plus whole-number columns ``outstanding``, ``good``,
    ``requires_improvement``, ``inadequate``. Returns a copy with ``total``,
    ``pct_inadequate``, ``ci_low``, ``ci_high`` (all 0-100), ``pct_good_or_better``,
    ``meets_target`` (nullable boolean: NA when total is 0) and ``assessment``.

    Worked example, 2 inadequate of 10: pct 20.0, Wilson 95% (5.67, 50.98); the interval
    straddles 10 so the verdict is "misses target" (not significant). 30 of 100: (21.9, 39.6),
    wholly above 10 → "worse than target (significant)".
    """
    missing = [c for c in GRADE_COLUMNS if c not in counts.columns]
    if missing:
        raise QAError(f"Grade counts are missing column(s): {', '.join(missing)}.")
    out = counts.copy()
    arrays = []
    for col in GRADE_COLUMNS:
        arrays.append(_count_array(out[col], col))
        out[col] = arrays[-1]
    outstanding, good, ri, inadequate = arrays
    total = outstanding + good + ri + inadequate
    has = total > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        pct_inad = np.where(has, inadequate * _PCT / total, np.nan)
        pct_good = np.where(has, (outstanding + good) * _PCT / total, np.nan)
    low, high = _wilson_arrays(inadequate, total, Z_95)
    target = INADEQUATE_TARGET_PCT / _PCT
    # Compare counts, not a rounded percentage: exactly 10% meets the target.
    meets = inadequate * _PCT <= INADEQUATE_TARGET_PCT * total
    assessment = np.select(
        [~has, low > target, high < target, meets],
        [ASSESS_NO_AUDITS, ASSESS_WORSE, ASSESS_BETTER, ASSESS_MEETS],
        default=ASSESS_MISSES,
    )
    out["total"] = total
    out["pct_inadequate"] = pct_inad
    out["ci_low"] = low * _PCT
    out["ci_high"] = high * _PCT
    out["pct_good_or_better"] = pct_good
    out["meets_target"] = pd.arrays.BooleanArray(meets & has, ~has)
    out["assessment"] = pd.array(assessment, dtype="str")
    return out


def _count_array(col: pd.Series, name: str, noun: str = "count") -> np.ndarray:
    """Whole, non-negative, present numbers as int64, or a QAError naming the column."""
    if not pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        raise QAError(f"Column {name!r} must hold whole numbers ({noun}s).")
    if col.isna().any():
        raise QAError(f"Column {name!r} has a missing {noun}.")
    arr = col.to_numpy(dtype="float64")
    if (arr < 0).any():
        raise QAError(f"Column {name!r} has a negative {noun}.")
    if not np.array_equal(arr, np.floor(arr)):
        raise QAError(f"Column {name!r} has a {noun} that is not a whole number.")
    return arr.astype("int64")


def _group_columns(frame: pd.DataFrame, by: str | Sequence[Hashable] | None) -> list[Hashable]:
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    unknown = [c for c in cols if c not in frame.columns]
    if unknown:
        raise QAError(f"Unknown grouping column(s): {', '.join(map(str, unknown))}.")
    return cols


def grade_counts(
    audits: pd.DataFrame,
    by: str | list[str] | None = None,
    grade_col: str = "grade",
) -> pd.DataFrame:
    """Count grades per group from one row per audit (or per audit area), then summarise.

    Every grade column is present even when zero. ``by=None`` (or ``[]``) gives one row with
    ``group`` = "All". Rows with no grade are left out; groups whose key is missing form
    their own (NA) group so group totals always add up to the whole.

    Worked example: team A 1 inadequate of 4 (25%), team B 1 of 16 (6.25%). Averaging the
    teams gives 15.6% (misses); pooled, the service has 2 of 20 = 10.0% (meets the target).
    This function always pools.
    """
    cols = _group_columns(audits, by)
    if grade_col not in audits.columns:
        raise QAError(f"No grade column {grade_col!r} in the audits.")
    grades = parse_grades(audits[grade_col])
    graded = grades.notna().to_numpy()
    g = grades.to_numpy(dtype="int64", na_value=0)[graded]
    if not cols:
        counts = np.bincount(g, minlength=len(GRADES) + 1)[1:]
        frame = pd.DataFrame([counts], columns=list(GRADE_COLUMNS))
        frame.insert(0, "group", pd.array([_ALL], dtype="str"))
        return grade_summary(frame)
    sub = audits.loc[graded, cols].reset_index(drop=True)
    key = pd.Series(g, index=sub.index, name="__grade__")
    table = (
        sub.groupby([*cols, key], dropna=False, sort=True, observed=True)
        .size()
        .unstack("__grade__", fill_value=0)
        .reindex(columns=list(GRADES), fill_value=0)
    )
    table.columns = list(GRADE_COLUMNS)
    table = table.reset_index()
    return grade_summary(table)


# ==========================================================================================
# Completion against expectation
# ==========================================================================================


def _norm_role(role: Any) -> str:
    if not isinstance(role, str):
        return ""
    return _SEPARATORS.sub("_", role.strip().casefold())


def expected_per_month(role: str) -> int:
    """Audits a month expected of someone in ``role`` (team_manager 4, head_of_service 1, else 0).

    Case and spacing are forgiven: "Team Manager" is team_manager.

    >>> expected_per_month("team_manager"), expected_per_month("head_of_service")
    (4, 1)
    >>> expected_per_month("social_worker")
    0
    """
    return EXPECTED_PER_MONTH.get(_norm_role(role), 0)


def counts_towards_expectation(auditor_role: Any, auditor_service: Any, audit_service: Any) -> Any:
    """Whether an audit counts towards its auditor's monthly expectation.

    A team manager's audit counts wherever it is; a Head of Service's counts only when the
    case is OUTSIDE their own service (and both services are known); nobody else has an
    expectation, so nothing else counts. Scalars give ``bool``; any Series gives a bool Series.

    >>> counts_towards_expectation("head_of_service", "Children in Care", "Children in Care")
    False
    >>> counts_towards_expectation("head_of_service", "Children in Care", "MASH")
    True
    """
    series = [x for x in (auditor_role, auditor_service, audit_service) if isinstance(x, pd.Series)]
    if not series:
        role = _norm_role(auditor_role)
        if role == TEAM_MANAGER:
            return True
        if role == HEAD_OF_SERVICE:
            if is_missing(auditor_service) or is_missing(audit_service):
                return False
            return bool(auditor_service != audit_service)
        return False
    index = series[0].index
    if any(len(x) != len(index) for x in series):
        raise QAError("Auditor role, auditor service and audit service differ in length.")

    def col(x: Any) -> pd.Series:
        if isinstance(x, pd.Series):
            return pd.Series(x.array, index=index)
        return pd.Series([x] * len(index), index=index, dtype=object)

    # Normalise each distinct role once, not once per row.
    codes, uniques = pd.factorize(col(auditor_role), use_na_sentinel=True)
    norm = np.array([_norm_role(u) for u in uniques] + [""], dtype=object)[codes]
    own, audited = col(auditor_service), col(audit_service)
    known = (own.notna() & audited.notna()).to_numpy()
    outside = known & (own.astype("str") != audited.astype("str")).to_numpy(dtype=bool)
    result = (norm == TEAM_MANAGER) | ((norm == HEAD_OF_SERVICE) & outside)
    return pd.Series(result.astype(bool), index=index)


def _whole_non_negative(col: pd.Series, name: str) -> pd.Series:
    return pd.Series(_count_array(col, name, noun="value"), index=col.index)


def completion(
    done: pd.DataFrame,
    expected: pd.DataFrame,
    by: str | list[str] | None = None,
) -> pd.DataFrame:
    """Audits done against expectation, per auditor-month or summed over a grouping.

    ``expected``: one row per (``auditor``, ``month``) with ``expected`` (and any descriptive
    columns such as ``auditor_role``, ``team``, ``service``). ``done``: rows with ``auditor``,
    ``month`` and ``done`` (already filtered with ``counts_towards_expectation``); if there is
    no ``done`` column each row is one audit. Audits by someone with no expectation row count
    with expected 0.

    Returns ``done``, ``expected``, ``pct_complete`` (done/expected × 100 from the sums; NaN when
    nothing was expected), ``shortfall`` (Σ per auditor-month of max(expected − done, 0)) and
    ``met`` (no shortfall, i.e. done >= expected for each auditor-month in the row).

    Worked example, one team: A did 6 of 4, B did 1 of 4. Team: done 7, expected 8,
    87.5% complete, shortfall 0 + 3 = 3 (not 8 − 7 = 1), met False.
    """
    for frame, name, needed in (
        (expected, "expected", ("auditor", "month", "expected")),
        (done, "done", ("auditor", "month")),
    ):
        absent = [c for c in needed if c not in frame.columns]
        if absent:
            raise QAError(f"The {name} frame is missing column(s): {', '.join(absent)}.")
    keys = ["auditor", "month"]
    wanted = [] if by is None else ([by] if isinstance(by, str) else list(by))
    unknown = [c for c in wanted if c not in expected.columns and c not in done.columns]
    if unknown:
        raise QAError(f"Unknown grouping column(s): {', '.join(map(str, unknown))}.")
    exp = expected.copy()
    exp["expected"] = _whole_non_negative(exp["expected"], "expected")
    if exp.duplicated(keys).any():
        raise QAError("The expected frame has more than one row for an auditor and month.")
    counts = done[keys].copy()
    if "done" in done.columns:
        counts["done"] = _whole_non_negative(done["done"], "done")
    else:
        counts["done"] = 1
    per = counts.groupby(keys, dropna=False, sort=False)["done"].sum().reset_index()
    # Grouping columns the done frame carries (e.g. team) label auditor-months that have no
    # expectation row; where both frames have them, the expected frame (the roster) wins.
    fallback = [c for c in wanted if c not in keys and c in done.columns]
    if fallback:
        first = done.groupby(keys, dropna=False, sort=False)[fallback].first().reset_index()
        first.columns = keys + [f"{c}__done" for c in fallback]
        per = per.merge(first, on=keys, how="left")
    try:
        merged = exp.merge(per, on=keys, how="outer", sort=True)
    except (ValueError, TypeError) as exc:
        raise QAError(f"Cannot match done to expected on auditor and month: {exc}") from exc
    for c in fallback:
        if c in merged.columns:
            merged[c] = merged[c].where(merged[c].notna(), merged[f"{c}__done"])
        else:
            merged[c] = merged[f"{c}__done"]
        merged = merged.drop(columns=f"{c}__done")
    merged["done"] = merged["done"].fillna(0).astype("int64")
    merged["expected"] = merged["expected"].fillna(0).astype("int64")
    merged["shortfall"] = (merged["expected"] - merged["done"]).clip(lower=0)

    cols = _group_columns(merged, by)
    if cols:
        merged = (
            merged.groupby(cols, dropna=False, sort=True)[["done", "expected", "shortfall"]]
            .sum()
            .reset_index()
        )
    d = merged["done"].to_numpy(dtype="float64")
    e = merged["expected"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        merged["pct_complete"] = np.where(e > 0, d * _PCT / e, np.nan)
    merged["met"] = merged["shortfall"].to_numpy() == 0
    measures = ["done", "expected", "pct_complete", "shortfall", "met"]
    lead = [c for c in merged.columns if c not in measures]
    return merged[lead + measures]


# ==========================================================================================
# Moderation
# ==========================================================================================


def _moderated_pairs(audits: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    for c in ("overall_grade", "moderated_grade"):
        if c not in audits.columns:
            raise QAError(f"No {c!r} column in the audits.")
    o = parse_grades(audits["overall_grade"])
    m = parse_grades(audits["moderated_grade"])
    both = (o.notna() & m.notna()).to_numpy()
    return (
        both,
        o.to_numpy(dtype="int64", na_value=0)[both],
        m.to_numpy(dtype="int64", na_value=0)[both],
    )


def moderation_summary(audits: pd.DataFrame, by: str | list[str] | None = None) -> pd.DataFrame:
    """How often moderators agreed with the auditor's grade, and which way they moved it.

    Uses rows with both ``overall_grade`` and ``moderated_grade``. Returns ``moderated``,
    ``agreed``, ``pct_agreement``, ``upgraded`` (moderator's grade better, i.e. lower),
    ``downgraded`` and ``mean_shift`` (mean of moderated − overall; positive means the
    moderator judged the work worse). ``by=None`` gives one row with ``group`` = "All".

    Worked example: pairs (2→2), (2→3), (1→2), (3→2): agreed 1 of 4 = 25%, upgraded 1,
    downgraded 2, mean shift (0 + 1 + 1 − 1) / 4 = +0.25.
    """
    cols = _group_columns(audits, by)
    both, o, m = _moderated_pairs(audits)
    shift = m - o
    frame = pd.DataFrame(
        {
            "moderated": np.ones(len(o), dtype="int64"),
            "agreed": (shift == 0).astype("int64"),
            "upgraded": (shift < 0).astype("int64"),
            "downgraded": (shift > 0).astype("int64"),
            "_shift": shift,
        }
    )
    sums = ["moderated", "agreed", "upgraded", "downgraded", "_shift"]
    if cols:
        keys = audits.loc[both, cols].reset_index(drop=True)
        out = (
            frame.groupby([keys[c] for c in cols], dropna=False, sort=True, observed=True)[sums]
            .sum()
            .reset_index()
        )
    else:
        out = pd.DataFrame([frame[sums].sum().to_numpy()], columns=sums).astype("int64")
        out.insert(0, "group", pd.array([_ALL], dtype="str"))
    n = out["moderated"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_agreement"] = np.where(n > 0, out["agreed"].to_numpy() * _PCT / n, np.nan)
        out["mean_shift"] = np.where(n > 0, out["_shift"].to_numpy() / n, np.nan)
    lead = list(cols) if cols else ["group"]
    return out[
        lead
        + ["moderated", "agreed", "pct_agreement", "upgraded", "downgraded", "mean_shift"]
    ]


def moderation_matrix(audits: pd.DataFrame) -> pd.DataFrame:
    """A 4×4 count table: auditor's overall grade (rows) × moderator's grade (columns).

    Index and columns are the grade names in grade order, named ``overall`` and ``moderated``;
    every cell is present. The diagonal is agreement; above it the moderator judged worse.

    >>> df = pd.DataFrame({"overall_grade": [2, 2], "moderated_grade": [2, 3]})
    >>> int(moderation_matrix(df).loc["Good", "Requires Improvement"])
    1
    """
    _, o, m = _moderated_pairs(audits)
    k = len(GRADES)
    cells = np.bincount((o - 1) * k + (m - 1), minlength=k * k).reshape(k, k)
    names = list(GRADES.values())
    return pd.DataFrame(
        cells,
        index=pd.Index(names, name="overall", dtype="str"),
        columns=pd.Index(names, name="moderated", dtype="str"),
    )


# ==========================================================================================
# Escalation
# ==========================================================================================


def escalation_for(grade: Any) -> tuple[str, ...]:
    """Who must be told of an audit with this overall grade (role keys; see ``AUDIT_ROLE_LABELS``).

    >>> escalation_for("Inadequate")
    ('head_of_service', 'assistant_director')
    >>> escalation_for(2)
    ('team_manager',)
    """
    return ESCALATION[parse_grade(grade)]


def escalations(audits: pd.DataFrame) -> pd.DataFrame:
    """One row per (audit, role to notify) for each audit's final grade.

    The final grade is ``final_grade(overall_grade, moderated_grade)`` when those columns are
    present, else the ``grade`` column. Audits with no grade yield no rows. Columns:
    ``audit_id``, ``grade``, ``grade_name``, ``notify_role``, ``notify_label``; roles are
    listed in the framework's order within each audit.

    The IRO or conference chair is told "where relevant" (appendices 2A and 4): with a ``has_iro``
    column, only for the audits it marks true (a case with an IRO or conference chair); an audit
    that does not say is not escalated to one. Without the column every IRO row is kept.

    Example: audit 7 graded Inadequate gives two rows, head_of_service then assistant_director.
    """
    if "audit_id" not in audits.columns:
        raise QAError("No 'audit_id' column in the audits.")
    if "overall_grade" in audits.columns:
        moderated = audits["moderated_grade"] if "moderated_grade" in audits.columns else None
        grades = final_grade(audits["overall_grade"], moderated)
    elif "grade" in audits.columns:
        grades = parse_grades(audits["grade"])
    else:
        raise QAError("The audits need an 'overall_grade' (or 'grade') column.")
    graded = grades.notna().to_numpy()
    g = grades.to_numpy(dtype="int64", na_value=0)[graded]

    # A small lookup of (grade, position) → role index, then array takes: no per-row Python.
    role_keys = list(AUDIT_ROLE_LABELS)
    k = len(GRADES)
    width = max(len(r) for r in ESCALATION.values())
    lengths = np.zeros(k + 1, dtype="int64")
    table = np.zeros((k + 1, width), dtype="int64")
    for grade, roles in ESCALATION.items():
        lengths[grade] = len(roles)
        table[grade, : len(roles)] = [role_keys.index(r) for r in roles]
    reps = lengths[g]
    row = np.repeat(np.arange(len(g)), reps)
    position = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
    g_rep = g[row]
    role_idx = table[g_rep, position]
    names = pd.array([""] + list(GRADES.values()), dtype="str")
    out = pd.DataFrame(
        {
            "audit_id": audits["audit_id"].array[graded].take(row),
            "grade": g_rep,
            "grade_name": names.take(g_rep),
            "notify_role": pd.array(role_keys, dtype="str").take(role_idx),
            "notify_label": pd.array(list(AUDIT_ROLE_LABELS.values()), dtype="str").take(role_idx),
        }
    )
    if "has_iro" in audits.columns:
        has_iro = audits["has_iro"].astype("boolean").fillna(False).to_numpy(dtype=bool)[graded][row]
        out = out[(out["notify_role"] != IRO).to_numpy() | has_iro].reset_index(drop=True)
    return out
