"""What the Scrutiny page shows for one quarter, worked out once per data version and view (quarter,
published or full figures, large type): the summary table, and each measure's words, chart and
text alternative. The page only draws it, so a rerun of a view already shown works nothing out
again, and a new view works on plain values (ten rows and their quarters), not on frames row by row
(issue 14: the words and charts were about half of a warm rerun).

Every text here is what the page wrote before this module: stored words (measure names, rules,
notes) are escaped with ``md`` where they reach Markdown, and the figures are disclosure-controlled
when ``public`` (the card's own columns hold the symbols)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from qa_core.rules import disclosure, periods
from qa_core.rules.formatting import round_half_up
from qa_core.views import scrutiny
from ui.figures.handover import spec_figure
from ui.figures.scrutiny import reference_lines, trend_figure
from ui.formatters import card_rag_words, card_with_count, comparator_text, count_text, neighbours_text
from ui.safe import md

__all__ = [
    "DIRECTION_WORDS",
    "Series",
    "MeasureView",
    "CardView",
    "numeric",
    "summary_table",
    "escaped",
    "trend_title",
    "text_alternative",
    "numbers_table",
    "published_sentence",
    "card_view",
]

DIRECTION_WORDS = {"improving": "Better", "worsening": "Worse", "same": "No change", "up": "Up", "down": "Down"}

Row = Mapping[str, Any]  # one report row (``scrutiny.card_from``) as a dict


@dataclass(frozen=True)
class Series:
    """One measure's quarterly trend as plain lists, oldest first (``value``: a number, NaN, or a
    disclosure symbol in the published version)."""

    quarter: list[str]
    value: list[Any]
    suppressed: list[bool]


@dataclass(frozen=True)
class MeasureView:
    """One measure's section of the card, ready to draw (Markdown already escaped)."""

    code: str
    heading: str
    headline: str  # bold Markdown
    rag: str
    rule: str  # the caption saying how it is rated
    note: str | None  # the rating's note, when there is one
    target: str
    what: str
    published: str  # the caption with the published figures
    expander: str  # the label of "Show the numbers"
    empty: str | None  # the message shown instead of a chart when no quarter has figures
    figure: go.Figure | None  # the chart, handed over (``ui.figures.handover.spec_figure``) for st.plotly_chart
    alt: str | None
    described: str | None  # the chart's text alternative


@dataclass(frozen=True)
class CardView:
    """The whole card for one view: the RAG counts (Red, Amber, Green, not rated) and each measure."""

    rag_counts: tuple[int, int, int, int]
    codes: tuple[str, ...]
    measures: tuple[MeasureView, ...]


def numeric(value: Any) -> float:
    """A value as a number: NaN for a missing value or a disclosure symbol (as ``pd.to_numeric(...,
    errors="coerce")`` reads it).

    >>> numeric(12.5), numeric("c"), numeric(None)
    (12.5, nan, nan)
    """
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return math.nan
    return math.nan if value is None or pd.isna(value) else float(value)


def summary_table(report: pd.DataFrame) -> pd.DataFrame:
    """One row per measure, in words. When every comparator is from the same published year
    the year goes in the column headings; otherwise it has its own column."""
    rows = report.to_dict("records")
    years = report["comparator_year"].dropna().unique()
    same_year = len(years) == 1
    suffix = f", {scrutiny.published_year_label(years[0])}" if same_year else ""
    table = pd.DataFrame({
        "Measure": report["name"],
        "This quarter": [card_with_count(r) for r in rows],
        "Previous quarter": [card_with_count(r, "previous_", "–") for r in rows],
        "A year before": [card_with_count(r, "last_year_", "–") for r in rows],
        "Target": [("None set" if pd.isna(r["target"]) else scrutiny.format_value(r["target"], r["unit"]))
                   for r in rows],
        "RAG": [card_rag_words(r) for r in rows],
        "Since last quarter": [DIRECTION_WORDS.get(r["direction"], "–") if isinstance(r["direction"], str) else "–"
                               for r in rows],
        f"Neighbours{suffix}": [neighbours_text(r["sn_median"], r["sn_count"], r["unit"]) for r in rows],
        f"England{suffix}": [comparator_text(r["england"], r["unit"]) for r in rows],
    })  # fmt: skip
    if not same_year:
        table["Published year"] = [scrutiny.published_year_label(r["comparator_year"]) for r in rows]
    return table


def escaped(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` as ``ui.safe.md_frame`` escapes it for ``st.table`` (its text cells and column names),
    in one pass over its few rows."""
    return pd.DataFrame({
        md(c) if isinstance(c, str) else c: [md(v) if isinstance(v, str) else v for v in table[c].tolist()]
        if table[c].dtype == object or pd.api.types.is_string_dtype(table[c]) else table[c]
        for c in table.columns
    })  # fmt: skip


def trend_title(row: Row, series: Series) -> str:
    """The chart's active title: this quarter's value and count, judged against a year before
    (or, without one, against the first quarter shown with a figure)."""
    short = periods.quarter_short_label(row["quarter"])
    if row["suppressed"]:
        return f"{short}: based on {scrutiny.SUPPRESSED_TEXT}, so the figure is withheld"
    if disclosure.is_symbol(row["value"]):
        return f"{short}: not shown ({row['value']}), to protect privacy"
    if math.isnan(numeric(row["value"])):
        return f"No figures for {short}"
    unit = row["unit"]
    now = (f"{scrutiny.format_value(row['value'], unit)} in {short} "
           f"({count_text(row['numerator'])} of {count_text(row['denominator'])})")  # fmt: skip
    if not isinstance(row["last_year_value"], str) and not pd.isna(row["last_year_value"]):
        words = scrutiny.compare_words(row["value"], row["last_year_value"], row["polarity"])
        return f"{now}: {words} a year earlier ({scrutiny.format_value(row['last_year_value'], unit)})"
    first = next((k for k, (q, v) in enumerate(zip(series.quarter, series.value, strict=True))
                  if not math.isnan(numeric(v)) and q < row["quarter"]), None)  # fmt: skip
    if first is None:
        return now
    value = series.value[first]
    words = scrutiny.compare_words(row["value"], value, row["polarity"])
    return (f"{now}: {words} in {periods.quarter_short_label(series.quarter[first])} "
            f"({scrutiny.format_value(value, unit)})")  # fmt: skip


def text_alternative(row: Row, series: Series) -> str:
    """The chart in words: its span, lowest and highest quarters, the quarters withheld or hidden,
    its reference lines and which way is better."""
    unit, quarters = row["unit"], series.quarter
    count = len(quarters)
    parts = [
        f"Chart: {md(row['name'].lower())}, each quarter from {periods.quarter_short_label(quarters[0])} to "
        f"{periods.quarter_short_label(quarters[-1])} ({count} quarter{'s' if count != 1 else ''})."
    ]
    known = [(v, q) for v, q in zip(map(numeric, series.value), quarters, strict=True) if not math.isnan(v)]
    if known:
        low = min(known, key=lambda k: k[0])  # the first of equal ones, as idxmin finds it
        high = max(known, key=lambda k: k[0])
        parts.append(
            f"Lowest {scrutiny.format_value(low[0], unit)} in {periods.quarter_label(low[1])}; "
            f"highest {scrutiny.format_value(high[0], unit)} in {periods.quarter_label(high[1])}."
        )
    withheld = [q for q, s in zip(quarters, series.suppressed, strict=True) if s]
    if withheld:
        parts.append(
            f"Withheld ({scrutiny.SUPPRESSED_TEXT}): " + ", ".join(periods.quarter_label(q) for q in withheld) + "."
        )
    hidden = [
        q
        for q, v, s in zip(quarters, series.value, series.suppressed, strict=True)
        if not s and disclosure.is_symbol(v)
    ]
    if hidden:
        parts.append(
            "Not shown, to protect privacy (gaps in the line): "
            + ", ".join(periods.quarter_label(q) for q in hidden)
            + "."
        )
    lines = reference_lines(row)
    if lines:
        parts.append("Reference lines: " + "; ".join(label for label, *_ in lines) + ".")
    parts.append({"up": "Higher is better.", "down": "Lower is better."}.get(row["polarity"], ""))
    return " ".join(p for p in parts if p)


def numbers_table(series: pd.DataFrame, row: Row) -> pd.DataFrame:
    """A measure's trend as the table under "Show the numbers" (and its CSV): numbers and
    symbols in one column are written as text, so the table and the CSV match."""
    basis = "Counted at the end of the quarter" if row["basis"] == "quarter_end" else "Total for the quarter"
    public = (
        series["value"].map(lambda v: isinstance(v, str)).any()
        or series["numerator"].map(lambda v: isinstance(v, str)).any()
    )
    if public:
        value, numerator, denominator = (
            series[c].map(lambda v: v if isinstance(v, str) else f"{v:g}")
            for c in ("value", "numerator", "denominator")
        )
    else:
        value, numerator, denominator = (round_half_up(series["value"], 1), series["numerator"], series["denominator"])
    withheld = f"Withheld: based on {scrutiny.SUPPRESSED_TEXT}" + (" (u)" if public else "")
    return pd.DataFrame({
        "Quarter": series["quarter_label"],
        "Quarter code": series["quarter"],
        "Value (%)" if row["unit"] == "%" else "Value": value,
        "Numerator": numerator,
        "Denominator": denominator,
        "Note": [withheld if s else ("Not shown, to protect privacy" if disclosure.is_symbol(v) else basis)
                 for s, v in zip(series["suppressed"], series["value"], strict=True)],
    })  # fmt: skip


def published_sentence(row: Row, region: str | None) -> str:
    """The published comparators in one caption (the region's name escaped)."""
    unit = row["unit"]
    if pd.isna(row["comparator_year"]):
        return "There is no published national figure for this measure."
    sn = neighbours_text(row["sn_median"], row["sn_count"], unit)
    return (
        f"Published figures, {scrutiny.published_year_label(row['comparator_year'])}: "
        f"statistical neighbours (median) {sn}; {md(region) or 'region'} {comparator_text(row['region'], unit)}; "
        f"England {comparator_text(row['england'], unit)}."
    )


def _series_of(trend: pd.DataFrame) -> dict[str, Series]:
    """Each measure's trend rows as plain lists, in one pass over the trend."""
    out: dict[str, Series] = {}
    for code, quarter, value, suppressed in zip(
        trend["code"], trend["quarter"], trend["value"], trend["suppressed"], strict=True
    ):
        series = out.get(code)
        if series is None:
            series = out[code] = Series([], [], [])
        series.quarter.append(quarter)
        series.value.append(value)
        series.suppressed.append(bool(suppressed))
    return out


def _measure_view(
    row: Row, series: Series | None, label: str, council: str, region: str | None, large: bool
) -> MeasureView:
    """One measure's section, as the page wrote it."""
    measure = scrutiny.measure_for(row["code"])
    name = row["name"]
    since = DIRECTION_WORDS.get(row["direction"]) if isinstance(row["direction"], str) else None
    target = scrutiny.format_value(row["target"], row["unit"])
    common = dict(
        code=row["code"], heading=md(name),
        # The headline quotes the measure's stored name: composed again with the name escaped.
        headline=f"**{scrutiny.headline({**row, 'name': md(name)})}**",
        rag=card_rag_words(row), rule=f"How it is rated: {md(row['rag_rule'])}",
        note=md(row["rag_note"]) if isinstance(row["rag_note"], str) else None,
        target=(f"Target: {target}." if not pd.isna(row["target"]) else "No target is set for this measure.")
        + (f" Since the previous quarter: {since.lower()}." if since else ""),
        what=row["what_this_shows"], published=published_sentence(row, region),
        expander=f"Show the numbers for {md(name.lower())} as a table",
    )  # fmt: skip
    if series is None:
        return MeasureView(
            **common,
            empty=f"No quarterly figures for this measure up to {label}.",
            figure=None,
            alt=None,
            described=None,
        )
    title = trend_title(row, series)
    y_title = f"% of {measure.counted}" if measure and row["unit"] == "%" else row["unit"]
    values = [numeric(v) for v in series.value]  # public symbols are gaps
    figure = spec_figure(trend_figure(series.quarter, values, row, title, y_title, council, large))
    return MeasureView(
        **common,
        empty=None,
        figure=figure,
        alt=f"Line chart of {name.lower()} each quarter: {title}.",
        described=text_alternative(row, series),
    )


def card_view(
    quarter: str, report: pd.DataFrame, trend: pd.DataFrame, council: str, region: str | None, large: bool
) -> CardView:
    """The card for one view from the quarter's report and trend (``scrutiny_data.card``)."""
    rows = report.to_dict("records")
    label = periods.quarter_label(quarter)
    series = _series_of(trend)
    rags = [r["rag"] for r in rows]
    counts = tuple(sum(r == status for r in rags) for status in ("Red", "Amber", "Green"))
    not_rated = sum(r is None or (not isinstance(r, str) and pd.isna(r)) for r in rags)
    return CardView(
        rag_counts=(*counts, not_rated),
        codes=tuple(r["code"] for r in rows),
        measures=tuple(_measure_view(r, series.get(r["code"]), label, council, region, large) for r in rows),
    )
