"""Cached data for the scrutiny page, keyed on plain values (quarter strings).

Kept beside ``ui/data.py`` (which other pages own) so the scrutiny page can be built without
editing shared files; the wrappers follow the same pattern and use its one store.
"""

from __future__ import annotations

import pandas as pd

from qa_core.io import published
from qa_core.rules import periods
from qa_core.views import benchmarks, scrutiny
from ui import benchmark_data, data, scrutiny_view
from ui.data import cached, get_store
from ui.formatters import POLARITY_WORDS, median_words, published_counted, published_figure, quartile_words, rank_words
from ui.styled import KeptStyle, keep_style, number_styler
from ui.tags import style_rag


@cached
def _card_data() -> scrutiny.CardData:
    """What every quarter's card is worked from, read once per data version: a change of quarter
    reads nothing from the store."""
    return scrutiny.card_data(get_store())


@cached
def quarters() -> list[str]:
    """Complete financial quarters the pages show (``qa_core.rules.periods``), newest first."""
    return list(reversed(periods.shown_quarters(_card_data().quarters)))


@cached
def card(quarter: str, public: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The quarter's report (one row per measure) and every measure's quarterly trend up to it;
    ``public``: under disclosure control (what scrutiny members see)."""
    report, trend = scrutiny.card_from(_card_data(), quarter, public)
    shown = periods.shown_quarters(trend["quarter"].unique())  # each quarter looked at once, not once a row
    return report, trend[trend["quarter"].isin(shown)].reset_index(drop=True)


@cached
def benchmark_names() -> dict[str, str | None]:
    return published.benchmark_names(get_store())


@cached
def published_measures() -> dict[str, str]:
    """Catalogue code → the published measure it compares with (LAIT/DfE code)."""
    frame = get_store().query("SELECT code, published_measure FROM indicator WHERE published_measure IS NOT NULL")
    return dict(zip(frame["code"], frame["published_measure"], strict=True))


@cached(show_spinner="Reading the published figures…")
def published_for(la_code: str, measure_codes: tuple[str, ...]) -> pd.DataFrame:
    """Any LA's latest published figures for the report card's measures."""
    return benchmarks.latest_published(get_store(), la_code, list(measure_codes), data=benchmark_data.published())


@cached
def card_view(quarter: str, public: bool, large: bool) -> scrutiny_view.CardView:
    """Everything the card shows for a view, worked out once per data version (``ui.scrutiny_view``):
    a rerun of a view already shown draws it and works nothing out."""
    report, trend = card(quarter, public)
    return scrutiny_view.card_view(
        quarter, report, trend, data.settings().get("council_name", "Council"), benchmark_names().get("region"), large
    )


@cached
def summary(quarter: str, public: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary table (for its CSV) and the same with its text escaped for ``st.table``."""
    table = scrutiny_view.summary_table(card(quarter, public)[0])
    return table, scrutiny_view.escaped(table)


@cached
def summary_style(quarter: str, public: bool) -> KeptStyle:
    """The escaped summary as ``st.table`` draws it (numbers to one place, RAG in tag colours, no index),
    worked out once per view: styling it on every rerun was a large part of the page's time (issue 14)."""
    return keep_style(style_rag(number_styler(summary(quarter, public)[1]), ["RAG"]).hide(axis="index"))


@cached
def numbers(quarter: str, public: bool, code: str) -> pd.DataFrame:
    """One measure's numbers table (drawn when its expander is opened)."""
    report, trend = card(quarter, public)
    row = report[report["code"] == code].iloc[0]
    return scrutiny_view.numbers_table(trend[trend["code"] == code].reset_index(drop=True), row)


@cached
def published_table(la_code: str, measure_codes: tuple[str, ...]) -> tuple[str, pd.DataFrame]:
    """An LA's name and its latest published figures for the card's measures, in words (an empty
    table when there are none)."""
    las = benchmark_data.las()
    name = las.loc[las["old_la_code"] == la_code, "name"].iloc[0]
    rows = published_for(la_code, measure_codes)
    if rows.empty:
        return name, rows
    return name, pd.DataFrame({
        "Measure": rows["measure_name"],
        "Year": rows["year"].astype(int),
        name: [published_counted(v, sym, u, n, d) for v, sym, u, n, d in zip(
            rows["la_value"], rows["la_symbol"], rows["unit"], rows["la_numerator"], rows["la_denominator"],
            strict=True)],
        "Neighbours' median": [median_words(v, n, u) for v, n, u in
                               zip(rows["sn_median"], rows["sn_count"], rows["unit"], strict=True)],
        "Region": [published_figure(v, sym, u) for v, sym, u in
                   zip(rows["region_value"], rows["region_symbol"], rows["unit"], strict=True)],
        "England": [published_figure(v, sym, u) for v, sym, u in
                    zip(rows["england_value"], rows["england_symbol"], rows["unit"], strict=True)],
        "Rank": [rank_words(r, o, pol, pd.notna(v)) for r, o, pol, v in
                 zip(rows["rank"], rows["of"], rows["polarity"], rows["la_value"], strict=True)],
        "Quartile": [quartile_words(q) for q in rows["quartile"]],
        "Better is": [POLARITY_WORDS.get(pol, pol) for pol in rows["polarity"]],
    })  # fmt: skip
