"""Scrutiny report cards: a small set of council-wide measures, quarter by quarter, in plain
English, with their long trend and the published comparators (docs/domain.md; [Rochdale QA framework], Tier 3).

Who reads it: scrutiny committee members, Cabinet and the Corporate Parenting Board, with no
analyst beside them. So each measure carries a "what this shows" sentence that says which way
is better, each quarter gets a headline sentence with its count, and nothing about individual
children or staff is ever selected (no case references, auditors, owners or team managers).

How a quarter is counted (financial quarters, ``'2025/26 Q3'``; Q1 is April to June, Q3 October
to December, Q4 January to March: ``qa_core.rules.periods``):

* a quarter is *complete* when every one of its three months has indicator values; only
  complete quarters are offered, reported or drawn in a trend;
* a flow measure (referrals, assessments, plans started or ended, audits) sums its monthly
  numerators and denominators over the quarter, in DuckDB, and divides once: never an average
  of monthly percentages. Example: 40 of 50 in July, 45 of 50 in August and 9 of 10 in
  September (2026/27 Q2) is 94 of 110 = 85.5%, not the 86.7% mean of 80%, 90% and 90%;
* a stock measure counted at a date (children in care at 31 March, in DfE's placement
  stability measure) takes the figures of the quarter's last month with data, so a child is
  not counted three times: "at the end of September 2026, 25 of 240 children in care";
* small numbers: where a quarter's denominator is under :data:`MIN_DENOMINATOR` the value and
  its counts are withheld and shown as "fewer than 10" (:func:`is_suppressed` is the one rule).
  This is a *reliability* rule (a percentage of so few says little), for every reader;
* disclosure control (``public=True``: councillors, the public; ``qa_core.rules.disclosure``) comes
  on top: the quarters withheld above carry DfE's ``u`` (low reliability) in their value,
  numerator and denominator; every other numerator, denominator and value follows
  :func:`qa_core.rules.disclosure.apply_rates` (a count of 1 to 5, or one that would reveal such a
  count through numerator + complement = denominator, is ``c``; the percentage is ``c`` with
  it, or when the denominator is under 5; ``:`` where there is no figure). Those columns then
  hold numbers or symbol strings (so CSV and JSON carry ``c``, never the hidden number), the
  headline names no hidden number, and RAG and direction are left out where they would be
  worked from a hidden value.

Comparators are DfE's published figures held in the ``comparator`` table: the latest year
with any row for the measure (not after the reporting year, to 31 March, that the quarter
falls in), the median of the statistical neighbours (with how many of the
10 had a figure), the region and England. A missing or symbol-only figure is "not published".
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules import disclosure
from qa_core.rules.audits import wilson_interval
from qa_core.rules.expectations import expected_audits
from qa_core.rules.formatting import format_value, round_half_up, scale_sql
from qa_core.rules.missing import is_missing
from qa_core.rules.periods import (
    parse_quarter,
    quarter_end,
    quarter_label,
    quarter_sql,
    quarter_start,
    same_quarter_last_year,
    shift_quarter,
    split_quarter,
)
from qa_core.rules.rag import (
    DEFAULT_MIN_DENOMINATOR,
    direction_of_travel,
    rag_comparison_note,
    rag_rule_text,
    rag_status,
)
from qa_core.store import Store, queries

__all__ = [
    "MIN_DENOMINATOR", "SUPPRESSED_TEXT", "NOT_PUBLISHED", "ScrutinyMeasure", "SCRUTINY_MEASURES",
    "REPORT_COLUMNS", "is_suppressed", "published_year_label", "complete_quarters",
    "reporting_year", "quarterly_values", "scrutiny_trend", "public_figures", "UNRELIABLE",
    "scrutiny_comparators", "published_comparators", "latest_comparators", "CardData", "card_data", "card_from",
    "scrutiny_report", "scrutiny_card", "headline", "compare_words", "measure_for",
    "format_value", "AUDIT_INADEQUATE", "AUDIT_COMPLETE", "completion_quarters",
]

#: Reliability rule for this page: a quarter based on fewer than this many (referrals, plans,
#: children, audits ...) is not shown, to any reader. Disclosure control for public output
#: (counts of 1 to 5 as ``c``) is ``qa_core.rules.disclosure``, applied with ``public=True``.
MIN_DENOMINATOR = 10
#: The symbol a public output gives a quarter withheld by the reliability rule.
UNRELIABLE = "u"
SUPPRESSED_TEXT = "fewer than 10"
NOT_PUBLISHED = "not published"

AUDIT_GOOD = "AUDIT_GOOD"
AUDIT_INADEQUATE = "AUDIT_INADEQUATE"
AUDIT_COMPLETE = "AUDIT_COMPLETE"


@dataclass(frozen=True)
class ScrutinyMeasure:
    """One line of the report card.

    ``sentence`` completes "In July to September 2026, ..." with ``{value}`` and ``{count}``
    ("412 of 525"); ``counted`` names the denominator for the small-number sentence.
    ``basis`` is ``"sum"`` (flow: numerators and denominators summed over the quarter) or
    ``"quarter_end"`` (stock: the quarter's last month). ``source`` is ``"indicator"`` (the
    store's ``indicator_value``) or ``"audit"`` (final audit grades, Good or Outstanding).
    """

    code: str
    what_this_shows: str
    sentence: str
    counted: str
    basis: str = "sum"
    source: str = "indicator"


SCRUTINY_MEASURES: tuple[ScrutinyMeasure, ...] = (
    ScrutinyMeasure(
        "REREF_12M",
        "How often a child comes back to children's social care within a year of an earlier "
        "referral. A high figure can mean that earlier help did not last. Lower is better.",
        "{value} of referrals ({count}) were for a child referred within the previous 12 months",
        "referrals"),
    ScrutinyMeasure(
        "ASSESS_45WD",
        "Whether families hear in good time what help they need: the legal timescale for an "
        "assessment is 45 working days. Higher is better.",
        "{value} of assessments ({count}) were completed within 45 working days",
        "assessments completed"),
    ScrutinyMeasure(
        "CPP_SUBSEQ",
        "How many children starting a child protection plan have been on one before. A high "
        "figure can mean earlier plans ended before the child was safe. Lower is better.",
        "{value} of child protection plans started ({count}) were a child's second or later plan",
        "child protection plans started"),
    ScrutinyMeasure(
        "CPP_2YRS",
        "How many child protection plans went on for 2 years or more. A plan should make a child "
        "safe well within 2 years; a long plan can mean drift. Lower is better.",
        "{value} of child protection plans that ended ({count}) had lasted 2 years or more",
        "child protection plans ended"),
    ScrutinyMeasure(
        "CLA_PLACEMENT_3",
        "How many children in our care have moved home 3 or more times in a year. A stable home "
        "matters for a child's wellbeing and schooling. Lower is better.",
        "{value} of children in care ({count}) had lived in 3 or more placements in the past year",
        "children in care", basis="quarter_end"),
    ScrutinyMeasure(
        "CL_ACCOM",
        "Whether young people who have left our care live somewhere suitable and safe. "
        "Higher is better.",
        "{value} of care leavers ({count}) were in suitable accommodation",
        "care leavers"),
    ScrutinyMeasure(
        "CL_EET",
        "Whether young people who have left our care are in education, a job or training. "
        "Higher is better.",
        "{value} of care leavers ({count}) were in education, employment or training",
        "care leavers"),
    ScrutinyMeasure(
        AUDIT_GOOD,
        "Managers check a sample of children's case files every month and grade the work. This "
        "is the share graded Good or Outstanding (after moderation). Higher is better.",
        "{value} of case-file audits ({count}) found practice Good or Outstanding",
        "audits", source="audit"),
    ScrutinyMeasure(
        AUDIT_INADEQUATE,
        "The share of case-file audits graded Inadequate (after moderation). The council's target is no more than "
        "10% [Gloucestershire QA committee minutes]. A quarter holds a few hundred audits, so the range the true "
        "figure probably lies in is shown too. Lower is better.",
        "{value} of case-file audits ({count}) were graded Inadequate (95% interval {interval}), against a target "
        "of no more than 10%",
        "audits", source="audit"),
    ScrutinyMeasure(
        AUDIT_COMPLETE,
        "Managers are expected to audit a set number of case files each month (team managers 4, heads of service "
        "1 outside their own service). This is the share of the expected audits that were done, counted manager "
        "by manager so one manager's extra audits never hide another's missing ones. Higher is better.",
        "{value} of the case-file audits expected of managers ({count}) were done",
        "expected audits", source="completion"),
)
_AUDIT_META = dict(name="Case-file audits graded Good or Outstanding", unit="%", polarity="up",
                   target=None, rag_rule="none", tolerance=0.0, min_denominator=float(DEFAULT_MIN_DENOMINATOR))
#: The catalogue entries of the measures worked out from the audits rather than the indicators.
_PROGRAMME_META = {
    AUDIT_GOOD: _AUDIT_META,
    AUDIT_INADEQUATE: dict(name="Case-file audits graded Inadequate", unit="%", polarity="down", target=10.0,
                           rag_rule="tolerance", tolerance=0.0,
                           min_denominator=float(DEFAULT_MIN_DENOMINATOR)),
    AUDIT_COMPLETE: dict(name="Expected case-file audits done", unit="%", polarity="up", target=None,
                         rag_rule="none", tolerance=0.0, min_denominator=float(DEFAULT_MIN_DENOMINATOR)),
}

REPORT_COLUMNS = [
    "code", "name", "what_this_shows", "unit", "quarter", "quarter_label", "basis", "value",
    "numerator", "denominator", "suppressed", "previous_value", "previous_numerator",
    "previous_denominator", "previous_suppressed", "last_year_value", "last_year_numerator",
    "last_year_denominator", "last_year_suppressed", "target", "rag", "direction", "polarity",
    "sn_median", "sn_count", "region", "england", "comparator_year", "months", "headline",
    "rag_rule", "rag_note",
]
TREND_COLUMNS = ["code", "quarter", "quarter_label", "period_end", "numerator", "denominator",
                 "value", "suppressed", "months"]


# -- the small-number rule -----------------------------------------------------------------
def is_suppressed(numerator: Any, denominator: Any) -> Any:
    """The one small-number rule: a figure is withheld when its denominator is under
    ``MIN_DENOMINATOR``. Takes scalars (returns a bool) or columns (returns a boolean Series).

    A missing denominator is "no data", not suppression. The numerator is accepted so that
    full disclosure control (counts of 1 to 5) can be added here without changing callers.

    >>> is_suppressed(3, 9), is_suppressed(0, 10), is_suppressed(None, None)
    (True, False, False)
    """
    if isinstance(denominator, pd.Series):
        den = pd.to_numeric(denominator).astype("float64")
        return (den.notna() & (den < MIN_DENOMINATOR)).astype(bool)
    if is_missing(denominator):
        return False
    return bool(float(denominator) < MIN_DENOMINATOR)


# -- quarters ------------------------------------------------------------------------------
def published_year_label(period: Any) -> str:
    """DfE's children in need and looked-after years end on 31 March.

    >>> published_year_label('2025')
    'year to March 2025'
    """
    if is_missing(period):
        return NOT_PUBLISHED
    text = str(period)
    return f"year to March {text}" if re.fullmatch(r"\d{4}", text) else text


def complete_quarters(store: Store) -> list[str]:
    """Financial quarters ('2025/26 Q3') in which all three months have indicator values,
    oldest first."""
    frame = store.query(
        f"""
        SELECT {quarter_sql('period')} AS quarter
        FROM indicator_value GROUP BY 1 HAVING count(DISTINCT month(period)) = 3 ORDER BY 1
        """)
    return frame["quarter"].tolist()


# -- the store's figures by quarter --------------------------------------------------------
def _measures(store: Store) -> pd.DataFrame:
    """The scrutiny measures the store can supply, with their catalogue entries, in order."""
    codes = [m.code for m in SCRUTINY_MEASURES if m.source == "indicator"]
    catalogue = store.query(
        "SELECT code, name, unit, polarity, target, rag_rule, tolerance, coalesce(r.min_denominator, $default) "
        "AS min_denominator FROM indicator LEFT JOIN indicator_rating r USING (code) "
        "WHERE list_contains($codes, code)",
        {"codes": codes, "default": float(DEFAULT_MIN_DENOMINATOR)}).set_index("code")
    has_audits = bool(store.scalar("SELECT count(*) > 0 FROM audit"))
    has_rules = bool(store.scalar("SELECT count(*) > 0 FROM audit_expectation_rule"))
    rows = []
    for order, m in enumerate(SCRUTINY_MEASURES):
        if m.source in ("audit", "completion"):
            if not has_audits or (m.source == "completion" and not has_rules):
                continue
            meta = dict(_PROGRAMME_META[m.code])
        elif m.code in catalogue.index:
            meta = catalogue.loc[m.code].to_dict()
        else:
            continue
        rows.append({"code": m.code, "order": order, "what_this_shows": m.what_this_shows,
                     "basis": m.basis, **meta})
    frame = pd.DataFrame(rows, columns=["code", "order", "what_this_shows", "basis", "name", "unit",
                                        "polarity", "target", "rag_rule", "tolerance", "min_denominator"])
    frame["target"] = pd.to_numeric(frame["target"]).astype("float64")
    return frame


def quarterly_values(store: Store, until: str | None = None) -> pd.DataFrame:
    """Every scrutiny measure's council-wide figures for every complete quarter (up to
    ``until``): ``code, quarter, numerator, denominator, value, suppressed, months, period_end``.

    ``period_end`` is the last month counted (the quarter end for a stock measure). Summing
    and dividing happen in DuckDB; suppressed quarters keep ``value``, ``numerator`` and
    ``denominator`` empty.
    """
    indicator_codes = [m.code for m in SCRUTINY_MEASURES if m.source == "indicator"]
    end_codes = [m.code for m in SCRUTINY_MEASURES if m.basis == "quarter_end"]
    stop = None if until is None else quarter_start(shift_quarter(until, 1))
    frame = store.query(
        f"""
        WITH monthly AS (
            SELECT v.code, v.period, sum(v.numerator) AS num, sum(v.denominator) AS den,
                   sum(v.value) AS val
            FROM indicator_value v
            WHERE list_contains($codes, v.code) AND ($stop IS NULL OR v.period < $stop)
            GROUP BY v.code, v.period
        ), complete AS (
            SELECT {quarter_sql('period')} AS quarter
            FROM indicator_value WHERE $stop IS NULL OR period < $stop
            GROUP BY 1 HAVING count(DISTINCT month(period)) = 3
        ), by_quarter AS (
            SELECT code, {quarter_sql('period')} AS quarter,
                   count(*) AS months, max(period) AS last_month,
                   sum(num) AS sum_num, sum(den) AS sum_den, sum(val) AS sum_val,
                   arg_max(num, period) AS end_num, arg_max(den, period) AS end_den,
                   arg_max(val, period) AS end_val
            FROM monthly GROUP BY 1, 2
        ), chosen AS (
            SELECT q.code, q.quarter, q.months, i.aggregation, {scale_sql('i.unit')} AS scale,
                   list_contains($end_codes, q.code) AS at_end,
                   CASE WHEN list_contains($end_codes, q.code) THEN end_num ELSE sum_num END AS numerator,
                   CASE WHEN list_contains($end_codes, q.code) THEN end_den ELSE sum_den END AS denominator,
                   CASE WHEN list_contains($end_codes, q.code) THEN end_val ELSE sum_val END AS plain,
                   CASE WHEN list_contains($end_codes, q.code) THEN q.last_month
                        ELSE NULL END AS period_end
            FROM by_quarter q JOIN indicator i USING (code) JOIN complete c USING (quarter)
        ), audits AS (
            SELECT {quarter_sql('audit_date')} AS quarter,
                   count(DISTINCT month(audit_date)) AS months,
                   count(*) FILTER (WHERE coalesce(moderated_grade, overall_grade) <= 2)::DOUBLE
                       AS numerator,
                   count(*) FILTER (WHERE coalesce(moderated_grade, overall_grade) = 4)::DOUBLE AS inadequate,
                   count(overall_grade)::DOUBLE AS denominator  -- graded audits (a yes/no tool's have no grade)
            FROM audit WHERE $stop IS NULL OR audit_date < $stop
            GROUP BY 1
        )
        SELECT code, quarter, numerator, denominator, months, period_end,
               CASE WHEN aggregation = 'sum' THEN plain
                    ELSE numerator / nullif(denominator, 0) * scale END AS value
        FROM chosen
        UNION ALL
        SELECT '{AUDIT_GOOD}', a.quarter, a.numerator, a.denominator, a.months, NULL,
               a.numerator / nullif(a.denominator, 0) * 100
        FROM audits a JOIN complete c USING (quarter)
        UNION ALL
        SELECT '{AUDIT_INADEQUATE}', a.quarter, a.inadequate, a.denominator, a.months, NULL,
               a.inadequate / nullif(a.denominator, 0) * 100
        FROM audits a JOIN complete c USING (quarter)
        """,
        {"codes": indicator_codes, "end_codes": end_codes, "stop": stop},
    )
    frame = frame.sort_values(["code", "quarter"], ignore_index=True)
    suppressed = is_suppressed(frame["numerator"], frame["denominator"])
    frame["suppressed"] = suppressed
    for col in ("numerator", "denominator", "value"):
        frame[col] = frame[col].astype("float64").where(~suppressed)
    frame["months"] = frame["months"].astype("int64")
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame


def scrutiny_trend(store: Store, quarter: str | None = None, public: bool = False) -> pd.DataFrame:
    """Each measure's quarterly series for every complete quarter up to ``quarter``
    (default: the latest), with ``quarter_label`` for tables and charts; ``public``: with
    disclosure control (see the module notes)."""
    frame = quarterly_values(store, quarter)
    frame["quarter_label"] = [quarter_label(q) for q in frame["quarter"]]
    return public_figures(frame[TREND_COLUMNS]) if public else frame[TREND_COLUMNS]


def public_figures(frame: pd.DataFrame, prefixes: tuple[str, ...] = ("",)) -> pd.DataFrame:
    """``frame`` (report or trend rows) with each ``{prefix}numerator``, ``denominator`` and
    ``value`` under disclosure control: ``u`` where the reliability rule withheld the quarter
    (``{prefix}suppressed``), else :func:`qa_core.rules.disclosure.apply_rates` (all these measures
    are percentages of their denominator). Values are rounded to 1 decimal place, as shown."""
    out = frame.copy()
    for prefix in prefixes:
        num, den, val = (f"{prefix}{c}" for c in ("numerator", "denominator", "value"))
        unreliable = out[f"{prefix}suppressed"].to_numpy(dtype=bool)
        for col in (num, den, val):
            out[col] = out[col].astype(object)
            out.loc[unreliable, col] = UNRELIABLE
        out = disclosure.apply_rates(out, num, den, val)
    return out


def reporting_year(quarter: str) -> str:
    """The DfE reporting year (to 31 March) a quarter falls in: its financial year's end.

    >>> reporting_year('2023/24 Q4'), reporting_year('2026/27 Q3')
    ('2024', '2027')
    """
    year, _ = split_quarter(quarter)
    return str(year + 1)


def scrutiny_comparators(store: Store, codes: list[str] | None = None,
                         quarter: str | None = None) -> pd.DataFrame:
    """Per measure, its latest published year (with ``quarter``: the latest one not after the
    reporting year the quarter falls in, so January to March 2024 is set beside the year to
    March 2024, not a later year): the statistical neighbours' median (and how many
    neighbours had a figure), the region and England, with DfE symbols where no value."""
    return latest_comparators(published_comparators(store, codes), quarter)


def published_comparators(store: Store, codes: list[str] | None = None) -> pd.DataFrame:
    """Every published year's comparators for the measures (a row per measure and year), read once:
    :func:`latest_comparators` picks a quarter's year from it."""
    codes = codes or [m.code for m in SCRUTINY_MEASURES]
    return store.query(
        """
        SELECT code, period AS comparator_year,
               max(value) FILTER (WHERE comparator = 'statistical_neighbours') AS sn_median,
               max(n_used) FILTER (WHERE comparator = 'statistical_neighbours') AS sn_count,
               max(symbol) FILTER (WHERE comparator = 'statistical_neighbours') AS sn_symbol,
               max(value) FILTER (WHERE comparator = 'region') AS region,
               max(value) FILTER (WHERE comparator = 'england') AS england,
               max(symbol) FILTER (WHERE comparator = 'england') AS england_symbol
        FROM comparator
        WHERE list_contains($codes, code) AND comparator IN ('statistical_neighbours', 'region', 'england')
        GROUP BY code, period
        ORDER BY code, period
        """,
        {"codes": codes},
    )


def latest_comparators(comparators: pd.DataFrame, quarter: str | None = None) -> pd.DataFrame:
    """Each measure's row of its latest published year in ``comparators`` (with ``quarter``: not after
    the reporting year it falls in; see :func:`scrutiny_comparators`)."""
    rows = comparators if quarter is None else comparators[comparators["comparator_year"] <= reporting_year(quarter)]
    latest = rows.groupby("code", sort=False)["comparator_year"].transform("max")
    return rows[rows["comparator_year"] == latest].reset_index(drop=True)


# -- words ---------------------------------------------------------------------------------
def measure_for(code: str) -> ScrutinyMeasure | None:
    return next((m for m in SCRUTINY_MEASURES if m.code == code), None)


def _count(numerator: Any, denominator: Any) -> str:
    """'412 of 525'; a disclosure symbol stands as it is ('c of 92')."""
    return f"{_number(numerator)} of {_number(denominator)}"


def _number(x: Any) -> str:
    return x if isinstance(x, str) else f"{x:,.0f}"


def compare_words(value: float, other: float, polarity: str) -> str:
    """'better than' / 'worse than' / 'the same as' (at the one decimal place shown); for a
    measure with no better direction, 'higher than' / 'lower than'.

    >>> compare_words(20.6, 22.6, 'down'), compare_words(74.7, 77.05, 'up')
    ('better than', 'worse than')
    """
    if round_half_up(value, 1) == round_half_up(other, 1):
        return "the same as"
    if polarity not in ("up", "down"):
        return "higher than" if value > other else "lower than"
    better = value > other if polarity == "up" else value < other
    return "better than" if better else "worse than"


def headline(row: dict[str, Any] | pd.Series) -> str:
    """The plain-English sentence for one measure in one quarter: the value with its count,
    then how it compares with the statistical neighbours and England (by the measure's
    polarity), e.g. "In 2026/27 Q2 (July to September 2026), 87.0% of assessments (412 of 474) were
    completed within 45 working days: better than our statistical neighbours (82.0%) and
    England (83.0%), using published figures for the year to March 2025."
    """
    measure = measure_for(row["code"])
    quarter = row["quarter"]
    if measure is not None and measure.basis == "quarter_end":
        end = row.get("period_end")  # the last month counted; else the quarter's last month
        month = pd.Timestamp(quarter_end(quarter))
        when = f"At the end of {(month if is_missing(end) else pd.Timestamp(end)):%B %Y}"
    else:
        when = f"In {quarter_label(quarter)}"
    name = str(row.get("name", row["code"]))
    if bool(row["suppressed"]):
        counted = measure.counted if measure else "cases"
        return (f"{when}, the figure for {name.lower()} is not shown: it is based on {SUPPRESSED_TEXT} "
                f"{counted}, and small numbers are withheld to protect privacy.")
    if is_missing(row["value"]) or row["value"] == ":":
        return f"{when}, no figures were recorded for {name.lower()}."
    if disclosure.is_symbol(row["value"]):  # public output: say why, never the hidden number
        symbol = row["value"]
        counted = measure.counted if measure else "cases"
        den = row.get("denominator")
        total = f" ({counted}: {_number(den)})" if not is_missing(den) else ""
        if symbol == "c":
            return (f"{when}, the figure for {name.lower()} is not shown (c): it would reveal a count of 1 "
                    f"to 5, and small numbers are withheld to protect privacy{total}.")
        return f"{when}, the figure for {name.lower()} is shown as {symbol}: {disclosure.SYMBOLS[symbol]}{total}."
    unit = row["unit"]
    value = format_value(row["value"], unit)
    if measure is not None and not is_missing(row["denominator"]):
        interval = row.get("ci_low"), row.get("ci_high")
        interval = ("not shown" if any(is_missing(v) or isinstance(v, str) for v in interval)
                    else f"{format_value(interval[0], unit)} to {format_value(interval[1], unit)}")
        text = f"{when}, " + measure.sentence.format(value=value, count=_count(row["numerator"], row["denominator"]),
                                                     interval=interval)
    else:
        text = f"{when}, {name.lower()}: {value}"
    parts = [(label, row.get(key)) for label, key in
             (("our statistical neighbours", "sn_median"), ("England", "england"))]
    parts = [(label, float(v)) for label, v in parts if not is_missing(v)]
    if not parts:
        return text + ". No published comparison is available."
    words = [(compare_words(float(row["value"]), v, row["polarity"]), label, format_value(v, unit))
             for label, v in parts]
    if len(words) == 2 and words[0][0] == words[1][0]:
        compared = f"{words[0][0]} {words[0][1]} ({words[0][2]}) and {words[1][1]} ({words[1][2]})"
    else:
        compared = " and ".join(f"{w} {label} ({v})" for w, label, v in words)
    year = published_year_label(row.get("comparator_year"))
    return f"{text}: {compared}, using published figures for the {year}."


# -- the report ----------------------------------------------------------------------------
def _check_quarter(available: list[str], quarter: str | None) -> str:
    if not available:
        raise QAError("The store holds no complete quarter (a quarter needs indicator values for "
                      "all three of its months).")
    if quarter is None:
        return available[-1]
    quarter = parse_quarter(quarter)
    if quarter not in available:
        raise QAError(f"There are no complete figures for {quarter}; quarters available: "
                      f"{', '.join(available)}.")
    return quarter


@dataclass(frozen=True)
class CardData:
    """Everything a report card reads from the store, read once: any quarter's card is worked from it
    (:func:`card_from`), so a page that moves between quarters does not read the store again."""

    quarters: list[str]  # complete quarters, oldest first
    measures: pd.DataFrame  # :func:`_measures`
    values: pd.DataFrame  # :func:`quarterly_values` for every complete quarter
    completion: pd.DataFrame  # :func:`completion_quarters` for every complete quarter (none: no rules)
    comparators: pd.DataFrame  # :func:`published_comparators`

    @functools.cached_property
    def picks(self) -> _CardPicks:
        """What every quarter's card picks its rows from, worked out once (:class:`_CardPicks`)."""
        return _CardPicks(self)


class _CardPicks:
    """A card's rows, ready to be picked by position for any quarter (issue 14: the card was about
    half a quarter change's time, nearly all of it pandas merges and per-row work on ten rows).

    ``base`` holds every row any quarter's trend can show, in trend order (code, then quarter): the
    quarterly values and, when the card has the completion measure, its quarters (a quarter's card
    keeps only the ones it quotes). ``public`` is ``base`` under disclosure control: that rule looks
    at one row at a time (:func:`public_figures`), so applying it once to every row and picking gives
    what applying it to the picked rows gives. The report's figures are the same rows, found by
    (code, quarter)."""

    def __init__(self, data: CardData) -> None:
        self.with_completion = AUDIT_COMPLETE in set(data.measures["code"])
        base = data.values
        if self.with_completion:  # as card_from always joined them: the same dtypes as any quarter's join
            base = pd.concat([base, data.completion], ignore_index=True).sort_values(["code", "quarter"],
                                                                                     ignore_index=True)
        base = base.reset_index(drop=True)
        self.base = base.assign(quarter_label=[quarter_label(q) for q in base["quarter"]])[TREND_COLUMNS]
        self.public = public_figures(self.base)
        self.quarter = self.base["quarter"].to_numpy(dtype=object)
        self.completion = (self.base["code"] == AUDIT_COMPLETE).to_numpy(dtype=bool) if self.with_completion \
            else np.zeros(len(self.base), dtype=bool)
        self.value_quarters = set(data.values["quarter"])  # a completion quarter is shown only beside these
        self.at = {key: i for i, key in enumerate(zip(self.base["code"], self.base["quarter"], strict=True))}
        self.columns = {c: self.base[c].to_numpy() for c in ("value", "numerator", "denominator")}
        self.public_columns = {c: self.public[c].to_numpy(dtype=object) for c in ("value", "numerator", "denominator")}
        self.suppressed = self.base["suppressed"].to_numpy(dtype=bool)
        self.months = self.base["months"].to_numpy(dtype="int64")
        self.period_end = self.base["period_end"].array
        self.labels: dict[str, str] = {}
        self.measures = data.measures.drop(columns="order").reset_index(drop=True)
        self.measure_rows = self.measures.to_dict("records")
        self.comparators = comparators = data.comparators
        self.years: dict[str, list[tuple[str, int]]] = {}  # code → (published year, row), newest first
        for i, (code, year) in enumerate(zip(comparators["code"], comparators["comparator_year"], strict=True)):
            if isinstance(year, str):
                self.years.setdefault(code, []).append((year, i))
        for rows in self.years.values():
            rows.sort(reverse=True)
        self.comparator_columns = {c: comparators[c].to_numpy() for c in ("sn_median", "region", "england")}

    def label(self, quarter: str) -> str:
        """:func:`quarter_label`, worked out once per quarter."""
        text = self.labels.get(quarter)
        if text is None:
            text = self.labels[quarter] = quarter_label(quarter)
        return text

    def rows(self, codes: list[str], quarter: str) -> np.ndarray:
        """Each code's row of ``quarter`` in ``base`` (-1: none), as the card's join finds it: a completion
        quarter only where some value is in that quarter."""
        found = [self.at.get((code, quarter), -1) for code in codes]
        if self.with_completion and quarter not in self.value_quarters:
            found = [-1 if i >= 0 and self.completion[i] else i for i in found]
        return np.asarray(found, dtype="int64")

    def comparator_rows(self, codes: list[str], quarter: str) -> np.ndarray:
        """Each code's row of its latest published year not after ``quarter``'s reporting year (-1: none),
        as :func:`latest_comparators` picks it."""
        year = reporting_year(quarter)
        return np.asarray([next((i for y, i in self.years.get(code, ()) if y <= year), -1) for code in codes],
                          dtype="int64")


def _taken(values: Any, rows: np.ndarray) -> Any:
    """``values`` at ``rows``, missing (as a left join leaves it) where a row is -1."""
    return pd.api.extensions.take(values, rows, allow_fill=True)


def _floats(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    out = np.full(len(rows), np.nan)
    found = rows >= 0
    out[found] = values[rows[found]]
    return out


def _none_if_nan(value: float) -> float | None:
    return None if math.isnan(value) else value


def card_data(store: Store) -> CardData:
    """Read what every quarter's report card needs, in five queries."""
    quarters = complete_quarters(store)
    measures = _measures(store)
    completion = completion_quarters(store, quarters if AUDIT_COMPLETE in set(measures["code"]) else [])
    return CardData(quarters, measures, quarterly_values(store), completion,
                    published_comparators(store, measures["code"].tolist()))


def scrutiny_report(store: Store, quarter: str | None, public: bool = False) -> pd.DataFrame:
    """One row per scrutiny measure for ``quarter`` (None: the latest complete quarter):
    the value with its numerator and denominator, the previous quarter and the same quarter
    a year before, target, RAG (against the previous quarter for the "travel" rule),
    direction since the previous quarter, the latest published comparators and a headline.

    A quarter that is not complete in the store is a QAError naming the quarters available.
    ``public``: disclosure control (module notes): the numerator, denominator and value columns
    (this quarter, previous, a year before) hold numbers or symbols such as ``"c"``.
    """
    return scrutiny_card(store, quarter, public)[0]


def scrutiny_card(store: Store, quarter: str | None, public: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The report (as :func:`scrutiny_report`) and the trend (as :func:`scrutiny_trend`) for
    a quarter, from one pass over the store: what the page shows (``public``: both under
    disclosure control)."""
    return card_from(card_data(store), quarter, public)


def card_from(data: CardData, quarter: str | None, public: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`scrutiny_card` for one quarter from what :func:`card_data` read (nothing read again).

    Rows are picked by position from :attr:`CardData.picks` and the ten report rows are worked out in
    plain Python: the same frames, column types included, as joining the quarter's rows in pandas gave."""
    quarter = _check_quarter(data.quarters, quarter)
    picks = data.picks
    previous, last_year = shift_quarter(quarter, -1), same_quarter_last_year(quarter)
    keep = picks.quarter <= quarter
    if picks.with_completion:  # completion only in the quarters the card quotes
        quoted = {q for q in (quarter, previous, last_year) if q in picks.value_quarters}
        keep &= ~picks.completion | np.fromiter((q in quoted for q in picks.quarter), bool, len(picks.quarter))
    trend = (picks.public if public else picks.base)[keep].reset_index(drop=True)
    if trend.empty:  # a column of no labels is a float column, as assigning none makes it
        trend = trend.assign(quarter_label=[])[TREND_COLUMNS]

    measures = picks.measure_rows
    codes = [m["code"] for m in measures]
    rows = {prefix: picks.rows(codes, q) for prefix, q in (("", quarter), ("previous_", previous),
                                                           ("last_year_", last_year))}
    figures = {f"{prefix}{c}": _floats(picks.columns[c], at)
               for prefix, at in rows.items() for c in ("value", "numerator", "denominator")}
    suppressed = {f"{prefix}suppressed": np.where(at >= 0, picks.suppressed[np.maximum(at, 0)], False)
                  for prefix, at in rows.items()}
    now = rows[""]
    published = picks.comparator_rows(codes, quarter)
    comparators = picks.comparators
    sn_median, region, england = (_floats(np.asarray(picks.comparator_columns[c], dtype="float64"), published)
                                  for c in ("sn_median", "region", "england"))
    years = comparators["comparator_year"].to_numpy(dtype=object)
    comparator_year = [None if i < 0 or is_missing(years[i]) else years[i] for i in published]
    rags, directions, rules, notes, ci_low, ci_high = [], [], [], [], [], []
    for k, m in enumerate(measures):  # one rule call per measure (ten rows): plain values, no frames
        value, prev = _none_if_nan(float(figures["value"][k])), _none_if_nan(float(figures["previous_value"][k]))
        target = _none_if_nan(float(m["target"]))
        denominator, numerator = float(figures["denominator"][k]), float(figures["numerator"][k])
        rag = rag_status(value, target, m["polarity"], m["rag_rule"], m["tolerance"], prev,
                         denominator=denominator, min_denominator=m["min_denominator"])
        rags.append(rag)
        directions.append(direction_of_travel(value, prev, m["polarity"]))
        rules.append(rag_rule_text(target, m["polarity"], m["rag_rule"], m["tolerance"], m["unit"],
                                   m["min_denominator"]))
        notes.append(rag_comparison_note(rag, value, m["polarity"], target, m["unit"],
                                         (("our statistical neighbours", float(sn_median[k])),
                                          ("England", float(england[k])))))
        low, high = (None, None) if m["code"] != AUDIT_INADEQUATE or math.isnan(numerator) or math.isnan(denominator) \
            else wilson_interval(int(numerator), int(denominator))
        ci_low.append(np.nan if low is None else low * 100)
        ci_high.append(np.nan if high is None else high * 100)
    if public:  # each row's figures as the disclosure rule leaves that row (":" where there is none)
        for prefix, at in rows.items():
            for c in ("value", "numerator", "denominator"):
                column = picks.public_columns[c]
                figures[f"{prefix}{c}"] = np.array([column[i] if i >= 0 else ":" for i in at] + [None],
                                                   dtype=object)[:-1]
        hidden = [disclosure.is_symbol(v) for v in figures["value"]]
        before = [disclosure.is_symbol(v) for v in figures["previous_value"]]
        # an interval would narrow down a withheld count: withheld with it
        ci_low, ci_high = ([v if h else float(c) for c, v, h in zip(ci, figures["value"], hidden, strict=True)]
                           for ci in (ci_low, ci_high))
        rags = [None if h else r for r, h in zip(rags, hidden, strict=True)]  # nothing worked from a hidden value
        notes = [None if h else n for n, h in zip(notes, hidden, strict=True)]
        directions = [None if h or b else d for d, h, b in zip(directions, hidden, before, strict=True)]
    period_end = _taken(picks.period_end, now)
    headlines = [headline({
        **m, "quarter": quarter, "period_end": period_end[k], "suppressed": bool(suppressed["suppressed"][k]),
        "value": figures["value"][k], "numerator": figures["numerator"][k], "denominator": figures["denominator"][k],
        "ci_low": ci_low[k], "ci_high": ci_high[k], "sn_median": float(sn_median[k]), "england": float(england[k]),
        "comparator_year": comparator_year[k]}) for k, m in enumerate(measures)]
    m = picks.measures
    n = len(measures)
    key = m["code"]  # joined with the rows' and the comparators' codes: one text type, or objects if they differ
    if {key.dtype, picks.base["code"].dtype, comparators["code"].dtype} != {key.dtype}:
        key = key.astype(object)

    def listed(values: list) -> Any:  # a column assigned from a list: inferred, and a float column when empty
        return pd.Series(values).array if values else np.array([], dtype="float64")

    def objects(values: list | np.ndarray) -> pd.Series:  # a Series, so its objects are not read as text
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return pd.Series(out, dtype=object, copy=False)

    numbers = objects if public else (lambda values: np.asarray(values, dtype="float64"))
    column = {
        "code": key, "name": m["name"].array, "what_this_shows": m["what_this_shows"].array,
        "unit": m["unit"].array, "quarter": pd.array([quarter] * n, dtype="str"),
        "quarter_label": pd.array([picks.label(quarter)] * n, dtype="str"),
        "basis": m["basis"].array,
        **{f"{prefix}{c}": numbers(figures[f"{prefix}{c}"]) for prefix in rows for c in ("value", "numerator",
                                                                                          "denominator")},
        **{c: np.asarray(v, dtype=bool) for c, v in suppressed.items()},
        "target": m["target"].to_numpy(dtype="float64"),
        "rag": objects(rags), "direction": objects(directions), "polarity": m["polarity"].array,
        "sn_median": sn_median, "sn_count": pd.to_numeric(pd.Series(_taken(comparators["sn_count"].array, published)))
        .astype("Int64").array,
        "region": region, "england": england, "comparator_year": objects(comparator_year),
        "months": np.where(now >= 0, picks.months[np.maximum(now, 0)], 0).astype("int64"),
        "headline": listed(headlines), "rag_rule": objects(rules), "rag_note": objects(notes),
        "sn_symbol": pd.Series(_taken(comparators["sn_symbol"].array, published)),
        "england_symbol": pd.Series(_taken(comparators["england_symbol"].array, published)),
        "period_end": period_end, "ci_low": numbers(ci_low), "ci_high": numbers(ci_high),
    }
    report = pd.DataFrame({c: column[c] for c in REPORT_COLUMNS + ["sn_symbol", "england_symbol", "period_end",
                                                                   "ci_low", "ci_high"]})
    return report, trend


def completion_quarters(store: Store, quarters: list[str]) -> pd.DataFrame:
    """The share of expected audits done, per financial quarter (rows as :func:`quarterly_values` gives them):
    each month's expectation and shortfall worked out manager by manager (``audit_grades.audit_completion``),
    the expected audits done (expected less shortfall) summed over the quarter's months over the audits
    expected. The rosters of every month of the quarters asked for are read in one pass."""
    rows = []
    quarter_of_month = {pd.Timestamp(quarter_start(q)) + pd.DateOffset(months=k): q for q in quarters for k in range(3)}
    months = [m.date() for m in quarter_of_month]
    if months:  # as views.audit_grades.audit_completion counts them: expected less shortfall is
        roster = expected_audits(queries.completion_rosters(store, months))  # min(expected, counted) a person
        counted = np.where(roster["whole_month"] & ~roster["exempt"].astype(bool), roster["counting"], 0)
        roster = roster.assign(
            quarter=roster["month"].map(quarter_of_month),
            done=np.minimum(roster["expected"].to_numpy(dtype="int64"), counted.astype("int64")))
        sums = roster.groupby("quarter")[["expected", "done"]].sum()
        for q in quarters:
            expected = int(sums.at[q, "expected"]) if q in sums.index else 0
            done = int(sums.at[q, "done"]) if q in sums.index else 0
            if expected:
                rows.append(dict(code=AUDIT_COMPLETE, quarter=q, numerator=float(done), denominator=float(expected),
                                 months=3, period_end=pd.NaT, value=done * 100.0 / expected))
    frame = pd.DataFrame(rows, columns=["code", "quarter", "numerator", "denominator", "months", "period_end",
                                        "value"])
    suppressed = is_suppressed(frame["numerator"], frame["denominator"])
    frame["suppressed"] = suppressed
    for col in ("numerator", "denominator", "value"):
        frame[col] = frame[col].astype("float64").where(~suppressed)
    frame["months"] = frame["months"].astype("int64")
    frame["period_end"] = pd.to_datetime(frame["period_end"])
    return frame
