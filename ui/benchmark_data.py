"""Cached wrappers over ``qa_core.views.benchmarks`` for the Benchmarks page, keyed on plain values
(an LA's old code, a measure code, a year), and the small display helpers the page needs."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.io.published import PUBLISHED_SYMBOLS
from qa_core.rules.formatting import round_half_up
from qa_core.views import benchmarks
from ui.data import get_store

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
POLARITY_WORDS = {"High": "higher is better", "Low": "lower is better", "-": "neither (not ranked)"}


@st.cache_data(show_spinner=False)
def las() -> pd.DataFrame:
    """The current LAs (153), by name."""
    return benchmarks.list_las(get_store(), current_only=True)


@st.cache_data(show_spinner=False)
def la_labels() -> dict[str, str]:
    """Old LA code → "Name (Region)", by name: the options of an LA picker (a selectbox shows
    its options as plain text, so the names are not escaped)."""
    frame = las()
    return {c: f"{n} ({r})" for c, n, r in zip(frame["old_la_code"], frame["name"], frame["region_name"], strict=True)}


@st.cache_data(show_spinner=False)
def benchmark_la_code() -> str | None:
    """The old code of the real LA the council is benchmarked as (setting ``benchmark_la``)."""
    row = benchmarks.benchmark_la(get_store())
    return None if row is None else str(row["old_la_code"])


@st.cache_data(show_spinner=False)
def measures() -> pd.DataFrame:
    return benchmarks.measures(get_store())


@st.cache_data(show_spinner=False)
def years() -> list[int]:
    """Every year the store holds a published figure for, oldest first."""
    frame = get_store().query("SELECT DISTINCT year FROM published_value ORDER BY year")
    return [int(y) for y in frame["year"]]


@st.cache_data(show_spinner="Comparing with neighbours, region and England…")
def report(la_code: str, year: int) -> pd.DataFrame:
    """Every measure for one LA and year (``benchmarks.benchmark_report``)."""
    return benchmarks.benchmark_report(get_store(), la_code, year=year)


@st.cache_data(show_spinner=False)
def trend(la_code: str, measure: str) -> pd.DataFrame:
    """One measure for one LA, year by year, with its comparators."""
    return benchmarks.la_trend(get_store(), la_code, measure)


@st.cache_data(show_spinner=False)
def neighbours(la_code: str, measure: str, year: int) -> pd.DataFrame:
    return benchmarks.neighbour_values(get_store(), la_code, measure, year)


@st.cache_data(show_spinner=False)
def ilacs(la_code: str) -> pd.DataFrame:
    return benchmarks.ilacs_judgements(get_store(), la_code)


@st.cache_data(show_spinner=False)
def neighbours_latest_ilacs(la_code: str) -> pd.DataFrame:
    """Each of the LA's 10 neighbours with its latest ILACS judgement (blank when none)."""
    frame = get_store().query("""
        SELECT s.rank, s.neighbour_code, l.name, s.closeness, j.inspection_date, j.inspection_type,
               j.overall_effectiveness
        FROM statistical_neighbour s
        LEFT JOIN published_la l ON l.old_la_code = s.neighbour_code
        LEFT JOIN ilacs_judgement j ON j.la_code = s.neighbour_code OR j.new_la_code = l.new_la_code
        WHERE s.la_code = ?
        QUALIFY row_number() OVER (PARTITION BY s.rank ORDER BY j.inspection_date DESC NULLS LAST) = 1
        ORDER BY s.rank""", [la_code])
    return pd.DataFrame({
        "Neighbour": frame["name"] + " (" + frame["neighbour_code"] + ")",
        "Closeness": frame["closeness"],
        "Latest inspection": pd.to_datetime(frame["inspection_date"]).dt.strftime("%d %b %Y").fillna("none recorded"),
        "Type": frame["inspection_type"].fillna(""),
        "Overall effectiveness": frame["overall_effectiveness"].fillna(""),
    })


# -- display ----------------------------------------------------------------------------------

def is_percent(unit: object) -> bool:
    return isinstance(unit, str) and unit.startswith("%")


def fmt_value(value: object, unit: object) -> str:
    """'20.9%' for a percentage unit, else '3,447' or '281.6'; '' when there is no value."""
    if value is None or pd.isna(value):
        return ""
    value = round_half_up(float(value), 1)  # a half rounded up, as DfE rounds
    if is_percent(unit):
        return f"{value:.1f}%"
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def shown(value: object, symbol: object, unit: object, none: str = "no figure") -> str:
    """A figure, or its DfE symbol (never 0), or ``none`` when nothing was published."""
    if value is not None and not pd.isna(value):
        return fmt_value(value, unit)
    if isinstance(symbol, str) and symbol:
        return symbol
    return none


def counted(value: object, symbol: object, unit: object, numerator: object, denominator: object,
            none: str = "no figure") -> str:
    """A figure with the counts DfE publishes behind it: '4.9% (13 of 265)'; a rate per 10,000
    '77 (493 of 64,311 children)'; without counts as ``shown``."""
    text = shown(value, symbol, unit, none)
    if value is None or pd.isna(value) or numerator is None or pd.isna(numerator):
        return text
    if denominator is None or pd.isna(denominator):
        return f"{text} ({float(numerator):,.0f})"
    return f"{text} ({float(numerator):,.0f} of {float(denominator):,.0f})"


def symbol_words(symbol: object) -> str:
    """'u (low reliability)'; 'nothing published' when there is no symbol either."""
    if isinstance(symbol, str) and symbol:
        return f"{symbol} ({PUBLISHED_SYMBOLS.get(symbol, 'no figure')})"
    return "nothing published"


def quartile_words(quartile: object) -> str:
    """DfE's LAIT band: 'Band C (3rd quartile of 4; A is best)'."""
    if quartile is None or pd.isna(quartile):
        return ""
    return f"Band {'ABCD'[int(quartile) - 1]} ({ORDINALS[int(quartile)]} quartile of 4; A is best)"


def rank_words(rank: object, of: object, polarity: str, has_value: bool) -> str:
    if polarity not in ("High", "Low"):
        return "not ranked"
    if not has_value or rank is None or pd.isna(rank):
        return "no figure"
    return f"{int(rank)} of {int(of)}"


def median_words(median: object, count: int, unit: object) -> str:
    if median is None or pd.isna(median):
        return "no figures (0 of 10)"
    return f"{fmt_value(median, unit)} ({int(count)} of 10)"


def summary_table(rep: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """The page's summary: one row a measure, figures as text, symbols kept."""
    rep = rep.merge(meta[["measure", "topic", "source"]], on="measure", how="left")
    rep["topic"] = rep["topic"].fillna(rep["source"])
    rep = rep.sort_values(["topic", "measure_name"], kind="stable")
    out = []
    for r in rep.itertuples(index=False):
        has_value = r.la_value is not None and not pd.isna(r.la_value)
        out.append({
            "Value": counted(r.la_value, r.la_symbol, r.unit, r.la_numerator, r.la_denominator),
            "Neighbours' median": median_words(r.sn_median, r.sn_count, r.unit),
            "Region": counted(r.region_value, r.region_symbol, r.unit, r.region_numerator, r.region_denominator),
            "England": counted(r.england_value, r.england_symbol, r.unit, r.england_numerator,
                               r.england_denominator),
            "Rank": rank_words(r.rank, r.of, r.polarity, has_value),
            "Quartile": quartile_words(r.quartile),
            "Better is": POLARITY_WORDS.get(r.polarity, r.polarity),
        })
    table = pd.DataFrame(out, index=rep.index)
    table.insert(0, "Measure", rep["measure_name"])
    table["Neighbours with no figure"] = rep["missing_neighbours"].fillna("")
    table["Topic"] = rep["topic"]
    table["Unit"] = rep["unit"].fillna("")
    table["Note"] = [" ".join(x for x in (j and f"Joint return {j}.", n, p, s and f"Neighbours: {s}.")
                              if isinstance(x, str))
                     for j, n, p, s in zip(rep["la_joint_return"], rep["note"], rep["predecessor_note"],
                                           rep["sn_joint_return_note"], strict=True)]
    table["Code"] = rep["measure"]
    return table.reset_index(drop=True)
