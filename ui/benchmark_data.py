"""Cached wrappers over ``qa_core.views.benchmarks`` for the Benchmarks page, keyed on plain values
(an LA's old code, a measure code, a year), and the page's summary table (its values written by
``ui.formatters``)."""

from __future__ import annotations

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


# -- display ----------------------------------------------------------------------------------

def summary_table(rep: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """The page's summary: one row a measure, figures as text, symbols kept."""
    rep = rep.merge(meta[["measure", "topic", "source"]], on="measure", how="left")
    rep["topic"] = rep["topic"].fillna(rep["source"])
    rep = rep.sort_values(["topic", "measure_name"], kind="stable")
    out = []
    for r in rep.itertuples(index=False):
        has_value = r.la_value is not None and not pd.isna(r.la_value)
        out.append({
            "Value": published_counted(r.la_value, r.la_symbol, r.unit, r.la_numerator, r.la_denominator),
            "Neighbours' median": median_words(r.sn_median, r.sn_count, r.unit),
            "Region": published_counted(r.region_value, r.region_symbol, r.unit, r.region_numerator,
                                        r.region_denominator),
            "England": published_counted(r.england_value, r.england_symbol, r.unit, r.england_numerator,
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
