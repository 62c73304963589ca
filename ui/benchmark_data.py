"""Cached wrappers over ``qa_core.views.benchmarks`` for the Benchmarks page, keyed on plain values
(an LA's old code, a measure code, a year), and the page's summary table (its values written by
``ui.formatters``)."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from qa_core.views import benchmarks
from ui.data import cached, get_store
from ui.formatters import POLARITY_WORDS, median_words, published_counted, quartile_words, rank_words


@cached
def las() -> pd.DataFrame:
    """The current LAs (153), by name."""
    return benchmarks.list_las(get_store(), current_only=True)


@cached
def la_labels() -> dict[str, str]:
    """Old LA code → "Name (Region)", by name: the options of an LA picker (a selectbox shows
    its options as plain text, so the names are not escaped)."""
    frame = las()
    return {c: f"{n} ({r})" for c, n, r in zip(frame["old_la_code"], frame["name"], frame["region_name"], strict=True)}


@cached
def la_names() -> dict[str, str]:
    """Old LA code → name, and old LA code → region: once per data version, not a scan of every LA
    on every run of the page."""
    frame = las()
    return dict(zip(frame["old_la_code"], frame["name"], strict=True))


@cached
def la_regions() -> dict[str, str]:
    """Old LA code → its region's name (the first row of a code, as a lookup in ``las`` takes it)."""
    frame = las()
    found: dict[str, str] = {}
    for code, region in zip(frame["old_la_code"], frame["region_name"], strict=True):
        found.setdefault(code, region)
    return found


@cached
def measure_names() -> dict[str, str]:
    """Measure code → its published name."""
    frame = measures()
    return dict(zip(frame["measure"], frame["name"], strict=True))


@cached
def benchmark_la_code() -> str | None:
    """The old code of the real LA the council is benchmarked as (setting ``benchmark_la``)."""
    row = benchmarks.benchmark_la(get_store())
    return None if row is None else str(row["old_la_code"])


@cached
def measures() -> pd.DataFrame:
    return benchmarks.measures(get_store())


@cached
def years() -> list[int]:
    """Every year the store holds a published figure for, oldest first."""
    frame = get_store().query("SELECT DISTINCT year FROM published_value ORDER BY year")
    return [int(y) for y in frame["year"]]


@cached(show_spinner="Reading the published figures…")
def published() -> benchmarks.Published:
    """Every LA's published figures and ranks, read once per data version: each LA's report is
    worked out of these, so changing the LA reads nothing from the store (issue 14)."""
    return benchmarks.published(get_store())


@cached
def la_report(la_code: str) -> pd.DataFrame:
    """Every measure and year for one LA (``benchmarks.benchmark_report``): the page's table (one
    year) and trend (one measure) are both rows of it, so a change of LA works out one report."""
    return benchmarks.benchmark_report(get_store(), la_code, data=published())


@cached
def report(la_code: str, year: int) -> pd.DataFrame:
    """Every measure for one LA and year."""
    frame = la_report(la_code)
    return frame[frame["year"] == year].reset_index(drop=True)


@cached
def trend(la_code: str, measure: str) -> pd.DataFrame:
    """One measure for one LA, year by year, with its comparators."""
    frame = la_report(la_code)
    return frame[frame["measure"] == measure].reset_index(drop=True)


@cached
def neighbours(la_code: str, measure: str, year: int) -> pd.DataFrame:
    return benchmarks.neighbour_values(get_store(), la_code, measure, year, data=published())


@cached
def _ilacs_all() -> pd.DataFrame:
    return benchmarks.all_ilacs(get_store())


@cached
def ilacs(la_code: str) -> pd.DataFrame:
    """The LA's ILACS inspections, picked from every judgement read once (no query a change of LA)."""
    return benchmarks.ilacs_judgements(get_store(), la_code, data=published(), judgements=_ilacs_all())


@cached
def _neighbours_latest_ilacs_all() -> pd.DataFrame:
    """Every LA's neighbours with each one's latest ILACS judgement (``la_code`` the LA), read once."""
    frame = get_store().query("""
        SELECT s.la_code, s.rank, s.neighbour_code, l.name, s.closeness, j.inspection_date, j.inspection_type,
               j.overall_effectiveness
        FROM statistical_neighbour s
        LEFT JOIN published_la l ON l.old_la_code = s.neighbour_code
        LEFT JOIN ilacs_judgement j ON j.la_code = s.neighbour_code OR j.new_la_code = l.new_la_code
        QUALIFY row_number() OVER (PARTITION BY s.la_code, s.rank ORDER BY j.inspection_date DESC NULLS LAST) = 1
        ORDER BY s.la_code, s.rank""")
    return pd.DataFrame({
        "la_code": frame["la_code"],
        "Neighbour": frame["name"] + " (" + frame["neighbour_code"] + ")",
        "Closeness": frame["closeness"],
        "Latest inspection": pd.to_datetime(frame["inspection_date"]).dt.strftime("%d %b %Y").fillna("none recorded"),
        "Type": frame["inspection_type"].fillna(""),
        "Overall effectiveness": frame["overall_effectiveness"].fillna(""),
    })


@cached
def neighbours_latest_ilacs(la_code: str) -> pd.DataFrame:
    """Each of the LA's 10 neighbours with its latest ILACS judgement (blank when none)."""
    every = _neighbours_latest_ilacs_all()
    return every[(every["la_code"] == la_code).to_numpy(dtype=bool)].drop(columns="la_code").reset_index(drop=True)


def quartile_counts(rep: pd.DataFrame) -> tuple[int, dict[int, int]]:
    """How many of a year's measures are ranked into a quartile, and how many in each (1 to 4).

    >>> quartile_counts(pd.DataFrame({"quartile": pd.array([1, None, 1, 4], dtype="Int64")}))
    (3, {1: 2, 4: 1})
    """
    ranked = [int(q) for q in rep["quartile"].tolist() if not pd.isna(q)]
    return len(ranked), dict(Counter(ranked))


def latest_with_figure(series: pd.DataFrame, year: int) -> pd.Series | None:
    """The trend's row for ``year`` if the LA has a figure then, else its latest with one (None: none)."""
    have = [i for i, v in enumerate(series["la_value"].tolist()) if not pd.isna(v)]
    if not have:
        return None
    years = series["year"].tolist()
    chosen = [i for i in have if years[i] == year]
    return series.iloc[(chosen or have)[-1]]


@cached
def summary(la_code: str, year: int) -> pd.DataFrame:
    """The page's summary of one LA and year (:func:`summary_table`), worked out once per data version."""
    return summary_table(report(la_code, year), measures())


@cached
def trend_numbers(la_code: str, measure: str, la_name: str, region: str, unit: str, polarity: str) -> pd.DataFrame:
    """The trend chart's numbers (:func:`trend_table`) for one LA and measure, once per data version."""
    return trend_table(trend(la_code, measure), la_name, region, unit, polarity)


@cached
def neighbour_numbers(la_code: str, measure: str, year: int, unit: str) -> pd.DataFrame:
    """The neighbours' figures as a table (:func:`neighbour_table`), once per data version."""
    return neighbour_table(neighbours(la_code, measure, year), unit)


@cached
def _ilacs_shown_all() -> pd.DataFrame:
    """Every inspection as the page lists them (:func:`ilacs_table`), in ``_ilacs_all``'s order, once."""
    return ilacs_table(_ilacs_all())


@cached
def ilacs_shown(la_code: str) -> pd.DataFrame:
    """The LA's inspections as the page lists them (:func:`ilacs_table`): its rows of every one listed once."""
    keep = benchmarks.ilacs_rows(published().resolved(la_code), _ilacs_all())
    return _ilacs_shown_all()[keep].reset_index(drop=True)


# -- display ----------------------------------------------------------------------------------

def summary_table(rep: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """The page's summary: one row a measure, figures as text, symbols kept. By topic (the source
    where a measure has none) and name; its words worked out column by column from plain lists and
    the table made once (a merge, a sort and a dozen columns set one by one were most of its cost)."""
    info = meta.set_index("measure")
    topic = rep["measure"].map(info["topic"]).fillna(rep["measure"].map(info["source"]))
    topics, names = topic.tolist(), rep["measure_name"].tolist()
    order = sorted(range(len(rep)), key=lambda i: (_missing_last(topics[i]), _missing_last(names[i])))
    rep, topic = rep.take(order).reset_index(drop=True), topic.take(order).reset_index(drop=True)
    r = {c: rep[c].tolist() for c in (
        "la_value", "la_symbol", "unit", "la_numerator", "la_denominator", "sn_median", "sn_count",
        "region_value", "region_symbol", "region_numerator", "region_denominator", "england_value",
        "england_symbol", "england_numerator", "england_denominator", "rank", "of", "polarity", "quartile",
        "la_joint_return", "note", "predecessor_note", "sn_joint_return_note")}
    units, polarities = r["unit"], r["polarity"]
    return pd.DataFrame({
        "Measure": rep["measure_name"],
        "Value": [published_counted(*v) for v in zip(r["la_value"], r["la_symbol"], units, r["la_numerator"],
                                                      r["la_denominator"], strict=True)],
        "Neighbours' median": [median_words(*v) for v in zip(r["sn_median"], r["sn_count"], units, strict=True)],
        "Region": [published_counted(*v) for v in zip(r["region_value"], r["region_symbol"], units,
                                                       r["region_numerator"], r["region_denominator"], strict=True)],
        "England": [published_counted(*v) for v in zip(r["england_value"], r["england_symbol"], units,
                                                        r["england_numerator"], r["england_denominator"], strict=True)],
        "Rank": [rank_words(rank, of, polarity, value is not None and not pd.isna(value))
                 for rank, of, polarity, value in zip(r["rank"], r["of"], polarities, r["la_value"], strict=True)],
        "Quartile": [quartile_words(q) for q in r["quartile"]],
        "Better is": [POLARITY_WORDS.get(p, p) for p in polarities],
        "Neighbours with no figure": rep["missing_neighbours"].fillna(""),
        "Topic": topic,
        "Unit": rep["unit"].fillna(""),
        "Note": [" ".join(x for x in (j and f"Joint return {j}.", n, p, s and f"Neighbours: {s}.")
                          if isinstance(x, str))
                 for j, n, p, s in zip(r["la_joint_return"], r["note"], r["predecessor_note"],
                                       r["sn_joint_return_note"], strict=True)],
        "Code": rep["measure"],
    })


def _missing_last(value: object) -> tuple:
    """A sort key that puts a missing value after every text, as ``sort_values`` does."""
    return (1, "") if pd.isna(value) else (0, value)


def trend_table(series: pd.DataFrame, la_name: str, region: str, unit: str, polarity: str) -> pd.DataFrame:
    """The trend chart's numbers: each year's figures as text, with their counts and symbols."""
    return pd.DataFrame({
        "Year": series["year"],
        la_name: [published_counted(v, s, unit, n, d) for v, s, n, d in zip(
            series["la_value"], series["la_symbol"], series["la_numerator"], series["la_denominator"],
            strict=True)],
        "Neighbours' median": [median_words(v, n, unit) for v, n in
                               zip(series["sn_median"], series["sn_count"], strict=True)],
        region: [published_counted(v, s, unit, n, d) for v, s, n, d in zip(
            series["region_value"], series["region_symbol"], series["region_numerator"],
            series["region_denominator"], strict=True)],
        "England": [published_counted(v, s, unit, n, d) for v, s, n, d in zip(
            series["england_value"], series["england_symbol"], series["england_numerator"],
            series["england_denominator"], strict=True)],
        "Rank": [rank_words(r, o, polarity, pd.notna(v)) for r, o, v in
                 zip(series["rank"], series["of"], series["la_value"], strict=True)],
        "Quartile": [quartile_words(q) for q in series["quartile"]],
        "Neighbours with no figure": series["missing_neighbours"].fillna(""),
        "Note": series["note"].fillna(""),
    })


def neighbour_table(nb: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The LA's neighbours and their figures (``neighbours``) as the page's table."""
    return pd.DataFrame({
        "Neighbour": nb["name"], "Code": nb["neighbour_code"], "Closeness rank": nb["rank"],
        "Closeness": nb["closeness"],
        "Value": [published_counted(v, s, unit, n, d, "no figure published") for v, s, n, d in
                  zip(nb["value"], nb["symbol"], nb["numerator"], nb["denominator"], strict=True)],
        "Joint return": nb["joint_return"].fillna(""),
    })


def ilacs_table(judgements: pd.DataFrame) -> pd.DataFrame:
    """The LA's ILACS inspections (``ilacs``) as the page lists them, newest first."""
    return pd.DataFrame({
        "Inspected": pd.to_datetime(judgements["inspection_date"]).dt.strftime("%d %b %Y"),
        "Published": pd.to_datetime(judgements["publication_date"]).dt.strftime("%d %b %Y").fillna(""),
        "Type": judgements["inspection_type"],
        "Overall effectiveness": judgements["overall_effectiveness"].fillna(""),
        "Leaders": judgements["leaders"].fillna(""),
        "Help and protection": judgements["help_and_protection"].fillna(""),
        "Children in care": judgements["children_in_care"].fillna(""),
        "Care leavers": judgements["care_leavers"].fillna("not judged"),
    })
