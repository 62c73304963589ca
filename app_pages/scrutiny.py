"""Scrutiny trends: the quarterly report card for scrutiny committee members, Cabinet and the
Corporate Parenting Board. A small set of council-wide measures in plain English, each with a
headline sentence, what it shows, a long quarterly trend against the target and the latest
published comparators, and its numbers. No case references or names of staff, ever; figures
based on fewer than 10 are withheld (a reliability rule, for everyone).

Disclosure control (``qa_core.rules.disclosure``): a scrutiny member (``viewer.public``) always sees
the public version: counts of 1 to 5 as ``c``, percentages withheld with them, charts with gaps,
the symbols explained by ``disclosure.NOTE``, and the CSV downloads carry the same symbols.
Other roles see full figures under a "not disclosure-controlled: do not publish" warning, with
a switch to see (and download) exactly what councillors see before sending anything on."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.rules import disclosure, periods
from qa_core.rules.formatting import round_half_up
from qa_core.views import scrutiny
from ui import benchmark_data as bd
from ui import data, packs, scrutiny_data
from ui.chart_table import download_csv, table_with_download
from ui.figures.handover import handed_over
from ui.figures.palette import CONFIG
from ui.figures.scrutiny import reference_lines, trend_figure
from ui.formatters import (
    POLARITY_WORDS,
    card_rag_words,
    card_with_count,
    comparator_text,
    count_text,
    median_words,
    neighbours_text,
    published_counted,
    published_figure,
    quartile_words,
    rank_words,
)
from ui.page import start
from ui.safe import md, md_frame
from ui.tags import rag_badge, style_rag

DIRECTION_WORDS = {"improving": "Better", "worsening": "Worse", "same": "No change", "up": "Up",
                   "down": "Down"}


def option_label(quarter: str) -> str:
    return periods.quarter_label(quarter)  # '2026/27 Q2 (July to September 2026)'


def is_hidden(value: object) -> bool:
    """A disclosure symbol (public figures) in place of a number."""
    return disclosure.is_symbol(value)


def summary_table(report: pd.DataFrame) -> pd.DataFrame:
    """One row per measure, in words. When every comparator is from the same published year
    the year goes in the column headings; otherwise it has its own column."""
    years = report["comparator_year"].dropna().unique()
    same_year = len(years) == 1
    suffix = f", {scrutiny.published_year_label(years[0])}" if same_year else ""
    table = pd.DataFrame({
        "Measure": report["name"],
        "This quarter": [card_with_count(r) for _, r in report.iterrows()],
        "Previous quarter": [card_with_count(r, "previous_", "–") for _, r in report.iterrows()],
        "A year before": [card_with_count(r, "last_year_", "–") for _, r in report.iterrows()],
        "Target": [("None set" if pd.isna(t) else scrutiny.format_value(t, u))
                   for t, u in zip(report["target"], report["unit"], strict=True)],
        "RAG": [card_rag_words(r) for _, r in report.iterrows()],
        "Since last quarter": [DIRECTION_WORDS.get(d, "–") if isinstance(d, str) else "–"
                               for d in report["direction"]],
        f"Neighbours{suffix}": [neighbours_text(v, n, u) for v, n, u in
                                zip(report["sn_median"], report["sn_count"], report["unit"], strict=True)],
        f"England{suffix}": [comparator_text(v, u) for v, u in zip(report["england"], report["unit"], strict=True)],
    })
    if not same_year:
        table["Published year"] = [scrutiny.published_year_label(y) for y in report["comparator_year"]]
    return table


def trend_title(row: pd.Series, series: pd.DataFrame) -> str:
    """The chart's active title: this quarter's value and count, judged against a year before
    (or, without one, against the first quarter shown)."""
    short = periods.quarter_short_label(row["quarter"])
    if row["suppressed"]:
        return f"{short}: based on {scrutiny.SUPPRESSED_TEXT}, so the figure is withheld"
    if is_hidden(row["value"]):
        return f"{short}: not shown ({row['value']}), to protect privacy"
    if pd.isna(pd.to_numeric(row["value"], errors="coerce")):
        return f"No figures for {short}"
    unit = row["unit"]
    now = (f"{scrutiny.format_value(row['value'], unit)} in {short} "
           f"({count_text(row['numerator'])} of {count_text(row['denominator'])})")
    if not isinstance(row["last_year_value"], str) and not pd.isna(row["last_year_value"]):
        words = scrutiny.compare_words(row["value"], row["last_year_value"], row["polarity"])
        return f"{now}: {words} a year earlier ({scrutiny.format_value(row['last_year_value'], unit)})"
    values = pd.to_numeric(series["value"], errors="coerce")  # public symbols are gaps
    earlier = series[values.notna() & (series["quarter"] < row["quarter"])]
    if earlier.empty:
        return now
    first = earlier.iloc[0]
    words = scrutiny.compare_words(row["value"], first["value"], row["polarity"])
    return (f"{now}: {words} in {periods.quarter_short_label(first['quarter'])} "
            f"({scrutiny.format_value(first['value'], unit)})")


def text_alternative(row: pd.Series, series: pd.DataFrame) -> str:
    unit = row["unit"]
    first, last = (periods.quarter_short_label(series["quarter"].iloc[q]) for q in (0, -1))
    parts = [f"Chart: {md(row['name'].lower())}, each quarter from {first} to {last} "
             f"({len(series)} quarter{'s' if len(series) != 1 else ''})."]
    known = series.assign(value=pd.to_numeric(series["value"], errors="coerce"))
    known = known[known["value"].notna()]
    if not known.empty:
        low = known.loc[known["value"].idxmin()]
        high = known.loc[known["value"].idxmax()]
        parts.append(f"Lowest {scrutiny.format_value(low['value'], unit)} in {periods.quarter_label(low['quarter'])}; "
                     f"highest {scrutiny.format_value(high['value'], unit)} in "
                     f"{periods.quarter_label(high['quarter'])}.")
    withheld = series.loc[series["suppressed"], "quarter"]
    if len(withheld):
        parts.append(f"Withheld ({scrutiny.SUPPRESSED_TEXT}): "
                     + ", ".join(periods.quarter_label(q) for q in withheld) + ".")
    hidden = series.loc[~series["suppressed"] & series["value"].map(is_hidden), "quarter"]
    if len(hidden):
        parts.append("Not shown, to protect privacy (gaps in the line): "
                     + ", ".join(periods.quarter_label(q) for q in hidden) + ".")
    lines = reference_lines(row)
    if lines:
        parts.append("Reference lines: " + "; ".join(label for label, *_ in lines) + ".")
    parts.append({"up": "Higher is better.", "down": "Lower is better."}.get(row["polarity"], ""))
    return " ".join(p for p in parts if p)


def numbers_table(series: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    basis = "Counted at the end of the quarter" if row["basis"] == "quarter_end" else "Total for the quarter"
    public = series["value"].map(lambda v: isinstance(v, str)).any() or series["numerator"].map(
        lambda v: isinstance(v, str)).any()
    if public:  # numbers and symbols in one column: written as text, so the table and CSV match
        value, numerator, denominator = (series[c].map(lambda v: v if isinstance(v, str) else f"{v:g}")
                                         for c in ("value", "numerator", "denominator"))
    else:
        value, numerator, denominator = (round_half_up(series["value"], 1), series["numerator"],
                                         series["denominator"])
    withheld = f"Withheld: based on {scrutiny.SUPPRESSED_TEXT}" + (" (u)" if public else "")
    return pd.DataFrame({
        "Quarter": series["quarter_label"],
        "Quarter code": series["quarter"],
        "Value (%)" if row["unit"] == "%" else "Value": value,
        "Numerator": numerator,
        "Denominator": denominator,
        "Note": [withheld if s else ("Not shown, to protect privacy" if is_hidden(v) else basis)
                 for s, v in zip(series["suppressed"], series["value"], strict=True)],
    })


def published_sentence(row: pd.Series, region: str | None) -> str:
    unit = row["unit"]
    if pd.isna(row["comparator_year"]):
        return "There is no published national figure for this measure."
    sn = neighbours_text(row["sn_median"], row["sn_count"], unit)
    return (f"Published figures, {scrutiny.published_year_label(row['comparator_year'])}: "
            f"statistical neighbours (median) {sn}; {md(region) or 'region'} {comparator_text(row['region'], unit)}; "
            f"England {comparator_text(row['england'], unit)}.")


# -- the page ------------------------------------------------------------------------------
viewer = start("scrutiny").viewer
council = data.settings().get("council_name", "Council")
options = scrutiny_data.quarters()
if not options:
    st.info("There is no complete quarter in the store yet: a quarter is shown once all three of its "
            "months have figures.")
    st.stop()
if "quarter" in st.session_state and st.session_state["quarter"] not in options:
    del st.session_state["quarter"]  # e.g. a quarter from an older store: fall back to the newest
quarter = st.selectbox("Quarter", options, key="quarter", bind="query-params", format_func=option_label,
                       help="Financial quarters (April to March years: Q1 is April to June) with figures for all three "
                            "months, newest first.")
label = periods.quarter_label(quarter)
if viewer.public:
    public = True
else:
    public = st.toggle("Show as published (disclosure control)", key="scrutiny_public",
                       help="See, and download, exactly what scrutiny members see: counts of 1 to 5 as c.")
if public:
    st.info(disclosure.NOTE)
else:
    st.warning(f"{disclosure.NOT_CONTROLLED} These are full figures for council staff; switch on "
               "'Show as published' for the version councillors see.")
report, trend = scrutiny_data.card(quarter, public)
names = scrutiny_data.benchmark_names()

st.subheader(f"{md(council)}: children's social care report card, {label}", anchor=False)
st.caption("Council-wide figures for the quarter chosen above: the sidebar's Service and Month filters do "
           "not apply on this page. Nothing here identifies a child, a family or a member of staff; a "
           f"figure based on {scrutiny.SUPPRESSED_TEXT} children or cases is withheld, for every reader, because a "
           "percentage of so few says little (u in the published version)."
           + (" Published version: a figure that would reveal a count of 1 to 5 is shown as c, and is a gap in "
              "its chart." if public else ""))
packs.pack_buttons("scrutiny", viewer, quarter=quarter)
if report.empty:
    st.info("None of the report card's measures has figures in this store.")
    st.stop()

rag_counts = report["rag"].value_counts()
cols = st.columns(4)
for col, status in zip(cols, ["Red", "Amber", "Green"], strict=False):
    with col:
        rag_badge(status, int(rag_counts.get(status, 0)))
with cols[3]:
    rag_badge("Not rated", int(report["rag"].isna().sum()))

st.header("Summary", anchor=False)
st.caption("RAG compares this quarter with the council's target for the measure by that measure's own rule, "
           "written out under each measure ('How it is rated'): under some rules Green means within a set "
           "distance of the target rather than on it, and Amber or Red turns on whether the figure improved on "
           "the previous quarter. 'Neighbours' is the middle value of "
           f"the 10 councils most like {md(names.get('la')) or 'ours'} in DfE's statistical neighbour model. "
           "Neighbours and England: DfE's latest published year (to 31 March) up to the one this quarter falls "
           "in.")
summary = summary_table(report)
# A static table (wraps, fits and prints); st.table renders each cell as markdown: escaped.
st.table(style_rag(md_frame(summary), ["RAG"]).hide(axis="index"))
download_csv(summary, f"scrutiny-{quarter}{'-published' if public else ''}.csv", "the summary", "dl_scrutiny_summary")

for _, row in report.iterrows():
    code = row["code"]
    measure = scrutiny.measure_for(code)
    series = trend[trend["code"] == code].reset_index(drop=True)
    st.divider()
    st.header(md(row["name"]), anchor=False)
    words, chart = st.columns([2, 3], gap="large")
    with words:
        # The headline quotes the measure's stored name: composed again with the name escaped.
        st.markdown(f"**{scrutiny.headline({**row.to_dict(), 'name': md(row['name'])})}**")
        rag = card_rag_words(row)
        target = scrutiny.format_value(row["target"], row["unit"])
        rag_badge(rag)
        st.caption(f"How it is rated: {md(row['rag_rule'])}")
        if isinstance(row["rag_note"], str):
            st.write(md(row["rag_note"]))
        since = DIRECTION_WORDS.get(row["direction"]) if isinstance(row["direction"], str) else None
        st.write((f"Target: {target}." if not pd.isna(row["target"]) else "No target is set for this measure.")
                 + (f" Since the previous quarter: {since.lower()}." if since else ""))
        st.markdown("**What this shows**")
        st.write(row["what_this_shows"])
        st.caption(published_sentence(row, names.get("region")))
    with chart:
        if series.empty:
            st.info(f"No quarterly figures for this measure up to {label}.")
            continue
        title = trend_title(row, series)
        y_title = f"% of {measure.counted}" if measure and row["unit"] == "%" else row["unit"]
        st.plotly_chart(handed_over(trend_figure(series, row, title, y_title, council)), width="stretch",
                        config=CONFIG, key=f"scrutiny_chart_{code}",
                        alt=f"Line chart of {row['name'].lower()} each quarter: {title}.")
        st.caption(text_alternative(row, series))
    # Drawn when opened (a rerun): ten tables nobody opened were half of the page's time (issue 14).
    with st.expander(f"Show the numbers for {md(row['name'].lower())} as a table", key=f"scrutiny_numbers_{code}",
                     on_change="rerun") as numbers:
        if numbers.open:
            table_with_download(numbers_table(series, row),
                                f"scrutiny-{code}-to-{quarter}{'-published' if public else ''}.csv",
                                "these numbers", f"dl_scrutiny_{code}")


# -- any council's published figures ---------------------------------------------------------------
st.divider()
st.header("How any council compares: published figures", anchor=False)
las = bd.las()
published = scrutiny_data.published_measures()
codes = [published[c] for c in report["code"] if c in published]
if las.empty or not codes:
    st.info("The store holds no published figures to compare councils with.")
else:
    la_labels = bd.la_labels()
    la_codes = list(la_labels)
    home = bd.benchmark_la_code()
    if st.session_state.get("scrutiny_la") not in (None, *la_codes):
        del st.session_state["scrutiny_la"]  # a code from another store: fall back to the default
    la = st.selectbox("Local authority", la_codes, index=la_codes.index(home) if home in la_codes else 0,
                      key="scrutiny_la", bind="query-params", format_func=la_labels.get,
                      help="Any of the 153 English local authorities; type to search.")
    la_name = las.loc[las["old_la_code"] == la, "name"].iloc[0]
    la_md = md(la_name)  # the LA's name in markdown places (captions, messages, the link)
    st.caption(f"DfE's published figures for {la_md}, for the report card measures that DfE publishes, in "
               "the latest year with a figure (years to 31 March). Neighbours: the median of "
               f"{la_md}'s 10 statistical neighbours with a figure, and how many had one. Rank among all "
               "councils with a figure, 1 = best. A letter in place of a value is DfE's symbol (c: withheld to "
               "protect confidentiality; x: not available; u: low reliability); it is never counted as 0."
               + (f" {md(council)} is fictional: its comparisons use {la_md}'s figures." if la == home else ""))
    rows = scrutiny_data.published_for(la, tuple(codes))
    if rows.empty:
        st.info(f"No published figures for {la_md} for these measures.")
    else:
        table = pd.DataFrame({
            "Measure": rows["measure_name"],
            "Year": rows["year"].astype(int),
            la_name: [published_counted(v, sym, u, n, d) for v, sym, u, n, d in zip(
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
        })
        table_with_download(table, f"scrutiny-published-{la}.csv", "these published figures", "dl_scrutiny_published")
    st.page_link("app_pages/benchmarks.py", label=f"Every published measure for {la_md}, with charts against "
                 "each neighbour: Benchmarks", icon=":material/leaderboard:", query_params={"la": la})
