"""Cached data for the scrutiny page, keyed on plain values (quarter strings).

Kept beside ``ui/data.py`` (which other pages own) so the scrutiny page can be built without
editing shared files; the wrappers follow the same pattern and use its one store.
"""

from __future__ import annotations

import pandas as pd

from qa_core.io import published
from qa_core.rules import periods
from qa_core.views import benchmarks, scrutiny
from ui import benchmark_data
from ui.data import cached, get_store


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
    return report, trend[trend["quarter"].isin(periods.shown_quarters(trend["quarter"]))].reset_index(drop=True)


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
