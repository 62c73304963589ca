"""The councillors' report card for a quarter, for the scrutiny committee's agenda pack: A4,
plain English, each measure's headline sentence, what it shows, its quarterly trend with every
quarter labelled, the target, the statistical neighbours' median and England, and the symbols
explained at the end.

Disclosure control is always on, whoever asks for it: the figures are
``scrutiny.scrutiny_card(store, quarter, public=True)``, exactly what ``report scrutiny
--public`` prints and what scrutiny members see on the page, so no count of 1 to 5 reaches the
paper (the symbol ``c`` stands in its place, and the trend line has a gap).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.errors import QAError
from qa_core.packs import charts
from qa_core.packs.common import ColumnSpec, PackOptions, Progress, data_to, report_sheet, whole
from qa_core.packs.document import Chart, Heading, Keep, Note, Pack, Paragraph, Table
from qa_core.packs.style import ORANGE, PINK, TURQUOISE
from qa_core.roles import Viewer
from qa_core.rules import disclosure, periods
from qa_core.rules.missing import is_missing
from qa_core.store import Store, queries
from qa_core.views import scrutiny

__all__ = ["build", "REPORT_COLUMNS", "TREND_COLUMNS", "DIRECTION_WORDS", "summary_table"]

DIRECTION_WORDS = {"improving": "Better", "worsening": "Worse", "same": "No change", "up": "Up", "down": "Down"}
REPORT_COLUMNS = (
    ColumnSpec("code", "Code", "the measure's code"),
    ColumnSpec("name", "Measure", "the measure's name"),
    ColumnSpec("quarter", "Quarter", "the quarter reported"),
    ColumnSpec("quarter_label", "Quarter in words", "its months"),
    ColumnSpec("basis", "Basis", "sum: the quarter's months added up; quarter_end: the quarter's last month"),
    ColumnSpec("unit", "Unit", "% for every measure on the card"),
    ColumnSpec("value", "Value", "this quarter's figure (or a symbol)"),
    ColumnSpec("numerator", "Numerator", "the count the value is worked out from (or a symbol)"),
    ColumnSpec("denominator", "Denominator", "what the numerator is out of (or a symbol)"),
    ColumnSpec("suppressed", "Fewer than 10", "TRUE where the quarter is based on fewer than 10 (shown as u)"),
    ColumnSpec("previous_value", "Previous quarter", "the quarter before's figure"),
    ColumnSpec("previous_numerator", "Previous numerator", "its numerator"),
    ColumnSpec("previous_denominator", "Previous denominator", "its denominator"),
    ColumnSpec("last_year_value", "A year before", "the same quarter a year earlier"),
    ColumnSpec("last_year_numerator", "A year before: numerator", "its numerator"),
    ColumnSpec("last_year_denominator", "A year before: denominator", "its denominator"),
    ColumnSpec("target", "Target", "the council's target"),
    ColumnSpec("rag", "RAG", "Red, Amber or Green against the target; empty where not rated or not shown"),
    ColumnSpec("direction", "Since last quarter", "improving, worsening or same"),
    ColumnSpec("polarity", "Better is", "up: higher is better; down: lower is better"),
    ColumnSpec("sn_median", "Neighbours' median", "median of the 10 statistical neighbours with a figure"),
    ColumnSpec("sn_count", "Neighbours with a figure", "how many of the 10 had one"),
    ColumnSpec("region", "Region", "the region's published figure"),
    ColumnSpec("england", "England", "England's published figure"),
    ColumnSpec("comparator_year", "Published year", "the DfE year (to 31 March) of the comparators"),
    ColumnSpec("headline", "Headline", "the sentence the card prints"),
)
TREND_COLUMNS = (
    ColumnSpec("code", "Code", "the measure's code"),
    ColumnSpec("quarter", "Quarter", "the quarter"),
    ColumnSpec("quarter_label", "Quarter in words", "its months"),
    ColumnSpec("value", "Value", "the quarter's figure (or a symbol)"),
    ColumnSpec("numerator", "Numerator", "the count it is worked out from (or a symbol)"),
    ColumnSpec("denominator", "Denominator", "what the numerator is out of (or a symbol)"),
    ColumnSpec("suppressed", "Fewer than 10", "TRUE where based on fewer than 10 (u)"),
    ColumnSpec("months", "Months", "months of figures in the quarter"),
)


def _with_count(row: pd.Series, prefix: str = "", missing: str = "no figures") -> str:
    """'20.6% (193 of 937)'; a withheld figure as its symbol: 'c (c of 92)', 'u'."""
    value, suppressed = row[f"{prefix}value"], bool(row[f"{prefix}suppressed"])
    if suppressed:
        return f"{scrutiny.UNRELIABLE} (fewer than 10)"
    if (not isinstance(value, str) and is_missing(value)) or value == ":":
        return missing
    shown = value if isinstance(value, str) else scrutiny.format_value(value, row["unit"])
    return f"{shown} ({whole(row[f'{prefix}numerator'])} of {whole(row[f'{prefix}denominator'])})"


def _rag_words(row: pd.Series) -> str:
    if not is_missing(row["rag"]):
        return str(row["rag"])
    if disclosure.is_symbol(row["value"]):
        return "Not shown"
    return "No target" if is_missing(row["target"]) else "Not rated"


def _comparator(value: object, unit: str) -> str:
    return scrutiny.NOT_PUBLISHED if is_missing(value) else scrutiny.format_value(value, unit)


def _neighbours(value: object, count: object, unit: str) -> str:
    if is_missing(value):
        return scrutiny.NOT_PUBLISHED
    text = scrutiny.format_value(value, unit)
    return text if is_missing(count) or int(count) >= 10 else f"{text} (median of {int(count)} published)"


def summary_table(report: pd.DataFrame) -> pd.DataFrame:
    """One row per measure, in words, as the page's summary table writes it."""
    return pd.DataFrame(
        {
            "Measure": report["name"],
            "This quarter": [_with_count(r) for _, r in report.iterrows()],
            "Previous quarter": [_with_count(r, "previous_", "–") for _, r in report.iterrows()],
            "A year before": [_with_count(r, "last_year_", "–") for _, r in report.iterrows()],
            "Target": [
                "None set" if is_missing(t) else scrutiny.format_value(t, u)
                for t, u in zip(report["target"], report["unit"], strict=True)
            ],
            "RAG": [_rag_words(r) for _, r in report.iterrows()],
            "Since last quarter": [
                DIRECTION_WORDS.get(d, "–") if isinstance(d, str) else "–" for d in report["direction"]
            ],
            "Neighbours": [
                _neighbours(v, n, u)
                for v, n, u in zip(report["sn_median"], report["sn_count"], report["unit"], strict=True)
            ],
            "England": [_comparator(v, u) for v, u in zip(report["england"], report["unit"], strict=True)],
        }
    )


def _references(row: pd.Series) -> list[tuple[str, float, str, str]]:
    unit, year = row["unit"], scrutiny.published_year_label(row["comparator_year"])
    lines = []
    if not is_missing(row["target"]):
        lines.append((f"Target: {scrutiny.format_value(row['target'], unit)}", float(row["target"]), PINK, "dash"))
    if not is_missing(row["sn_median"]):
        lines.append(
            (
                f"Neighbours' median, {year}: {scrutiny.format_value(row['sn_median'], unit)}",
                float(row["sn_median"]),
                TURQUOISE,
                "dot",
            )
        )
    if not is_missing(row["england"]):
        lines.append(
            (
                f"England, {year}: {scrutiny.format_value(row['england'], unit)}",
                float(row["england"]),
                ORANGE,
                "dashdot",
            )
        )
    return lines


def _chart(row: pd.Series, series: pd.DataFrame, council: str) -> Chart:
    measure = scrutiny.measure_for(row["code"])
    labels = [periods.quarter_short_label(q) for q in series["quarter"]]
    values = pd.to_numeric(series["value"], errors="coerce")
    y_label = f"% of {measure.counted}" if measure and row["unit"] == "%" else str(row["unit"])
    png = charts.quarter_chart(
        labels,
        [None if pd.isna(v) else float(v) for v in values],
        _references(row),
        y_label,
        f"{council}, each quarter",
    )
    known = series.assign(value=values)[values.notna()]
    parts = [f"Line chart of {str(row['name']).lower()} each quarter, {labels[0]} to {labels[-1]}."]
    if not known.empty:
        low, high = known.loc[known["value"].idxmin()], known.loc[known["value"].idxmax()]
        parts.append(
            f"Lowest {scrutiny.format_value(low['value'], row['unit'])} in "
            f"{periods.quarter_short_label(low['quarter'])}; highest "
            f"{scrutiny.format_value(high['value'], row['unit'])} in "
            f"{periods.quarter_short_label(high['quarter'])}."
        )
    gaps = series.loc[values.isna(), "quarter"]
    if len(gaps):
        parts.append(
            "Not shown, to protect privacy or because based on fewer than 10 (gaps in the line): "
            + ", ".join(periods.quarter_short_label(q) for q in gaps)
            + "."
        )
    parts.append({"up": "Higher is better.", "down": "Lower is better."}.get(row["polarity"], ""))
    alt = " ".join(p for p in parts if p)
    # The text alternative is the figure's /Alt; it is printed too where it explains gaps in the line.
    return Chart(png, alt, 180, 50, caption=alt if len(gaps) else None)


def build(store: Store, options: PackOptions, viewer: Viewer, public: bool, progress: Progress, today: dt.date) -> Pack:
    """The report card for ``options.quarter`` (None: the latest complete quarter), always under
    disclosure control."""
    progress(0.05, "Reading the quarter's figures")
    report, trend = scrutiny.scrutiny_card(store, options.quarter, public=True)  # always published figures
    if report.empty:
        raise QAError("None of the report card's measures has figures in this store.")
    quarter = str(report["quarter"].iloc[0])
    label = str(report["quarter_label"].iloc[0])
    trend = trend[trend["quarter"].isin(periods.shown_quarters(trend["quarter"]))].reset_index(drop=True)
    council = queries.council_name(store)
    pack = Pack(
        "scrutiny",
        "Children's social care report card",
        "Council-wide",
        label,
        council,
        today,
        data_to(store),
        public=True,
        audience=(
            "For the scrutiny committee's agenda pack, Cabinet and the Corporate Parenting Board. "
            "Council-wide figures in plain English: nothing here identifies a child, a family or a "
            "member of staff."
        ),
        filename=f"scrutiny-report-card-{_slug(quarter)}",
    )
    pack.ogl = bool(report["comparator_year"].notna().any())
    rag = report["rag"].value_counts()
    pack.add(Heading("At a glance"))
    pack.add(
        Paragraph(
            f"{len(report)} measures for {label}: {int(rag.get('Red', 0))} Red, {int(rag.get('Amber', 0))} Amber, "
            f"{int(rag.get('Green', 0))} Green and {int(report['rag'].isna().sum())} not rated (no target set, or "
            "the figure is not shown).",
            "lead",
        )
    )
    years = report["comparator_year"].dropna().unique()
    year_words = (
        f" Neighbours and England: published figures for the {scrutiny.published_year_label(years[0])}."
        if len(years) == 1
        else " Neighbours and England: DfE's latest published year for each measure."
    )
    data, notes = report_sheet(report, REPORT_COLUMNS)
    pack.add(
        Table(
            "Summary",
            summary_table(report),
            sheet="Report card",
            data=data,
            widths=(2.2, 1.6, 1.6, 1.6, 1.0, 1.0, 1.15, 1.5, 1.15),
            rag=("RAG",),
            font_size=7,
            numeric=("Target", "Neighbours", "England"),
            columns=notes,
            caption="RAG compares this quarter with the council's target: Green on target; Amber close to it, "
            "or off target but improving; Red off target. 'Neighbours' is the middle value of the 10 "
            "councils most like ours in DfE's statistical neighbour model." + year_words,
        )
    )
    names = dict(zip(report["code"], report["name"], strict=True))
    trend_data, trend_notes = report_sheet(
        trend.assign(name=trend["code"].map(names)),
        (TREND_COLUMNS[0], ColumnSpec("name", "Measure", "the measure's name"), *TREND_COLUMNS[1:]),
    )
    pack.add(Heading("The measures"))
    for i, (_, row) in enumerate(report.iterrows()):
        progress(0.1 + 0.8 * i / len(report), f"Drawing the trend for {row['name']}")
        series = trend[trend["code"] == row["code"]].reset_index(drop=True)
        since = DIRECTION_WORDS.get(row["direction"]) if isinstance(row["direction"], str) else None
        target = (
            "No target is set."
            if is_missing(row["target"])
            else f"Target: {scrutiny.format_value(row['target'], row['unit'])}."
        )
        pack.add(
            Keep(
                (
                    Heading(str(row["name"]), 2),
                    Paragraph(str(row["headline"]), "lead"),
                    Paragraph(
                        f"What this shows: {row['what_this_shows']} {target} RAG: {_rag_words(row)}."
                        + (f" Since the previous quarter: {since.lower()}." if since else "")
                    ),
                    _chart(row, series, council)
                    if not series.empty
                    else Paragraph(f"No quarterly figures for this measure up to {label}.", "note"),
                )
            )
        )
    pack.workbook_only.append(
        Table(
            "Every quarter's figures (the charts' numbers)",
            trend_data,
            sheet="Trend",
            data=trend_data,
            columns=trend_notes,
        )
    )
    pack.notes_heading = "What the symbols and words mean"
    pack.notes = [Note(symbol, meaning) for symbol, meaning in disclosure.SYMBOLS.items()] + [
        Note(
            "fewer than 10",
            "A quarter based on fewer than 10 children or cases is not shown (u), for every "
            "reader: a percentage of so few says little.",
        ),
        Note("RAG", "Red, Amber or Green against the council's target; 'Not shown' where the figure is withheld."),
        Note(
            "Quarters",
            "Quarters with figures for all three months. A flow measure adds up the "
            "quarter's months; a measure counted at a date takes the quarter's last month.",
        ),
        Note(
            "Neighbours",
            "The median of the 10 councils most like ours (DfE's statistical neighbour model), "
            "from their latest published year.",
        ),
    ]
    progress(0.95, "Laying out the card")
    return pack


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text).strip("-").lower()
