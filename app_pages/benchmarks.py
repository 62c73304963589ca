"""Benchmarks: scrutiny members and senior managers set any English LA beside its 10 DfE
statistical neighbours, its region and England, measure by measure, from the published
figures (DfE LAIT and tables, Ofsted ILACS). Suppressed or missing figures keep their symbol,
never 0, and are left out of medians and ranks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.io.published import ATTRIBUTION, PUBLISHED_SYMBOLS
from ui import benchmark_data as bd
from ui import data
from ui.chart_table import chart_with_table, download_csv, numbers_key, table_with_download
from ui.figures.benchmarks import neighbour_bars, neighbours_spec, trend_spec
from ui.figures.handover import spec_figure
from ui.figures.palette import CONFIG, chart_sizes
from ui.filters import large_type
from ui.formatters import (
    ORDINALS,
    POLARITY_WORDS,
    median_words,
    published_figure,
    published_number,
    symbol_words,
)
from ui.page import start
from ui.safe import md

DEFAULT_MEASURE = "ReReferral"


start("benchmarks")
settings = data.settings()
council = settings.get("council_name", "The council")
home = bd.benchmark_la_code()
las = bd.las()
if las.empty:
    st.info("The store holds no published figures for English local authorities. Build the demo store "
            "or import the published files (Data page).")
    st.stop()

names = bd.la_names()
labels = bd.la_labels()
codes = list(labels)
years = bd.years()
meta = bd.measures()
measure_names = bd.measure_names()

pick_la, pick_year = st.columns([3, 1])
la = pick_la.selectbox("Local authority", codes, index=codes.index(home) if home in codes else 0, key="la",
                       bind="query-params", format_func=labels.get,
                       help="Any of the 153 English local authorities; type to search.")
year = pick_year.selectbox("Year", list(reversed(years)), index=0, key="year", bind="query-params",
                           help="Year to 31 March (workforce measures: at 30 September).")
la_name = names[la]
region = bd.la_regions()[la]
# Published names are imported text: escaped wherever markdown or Plotly's HTML shows them.
la_md, region_md = md(la_name), md(region)

if la == home:
    st.info(f"{md(council)} is fictional; its published comparisons use {la_md}'s figures.",
            icon=":material/info:")
st.caption("This page compares published figures for whole local authorities: the sidebar's Month and "
           "Service do not apply to it.")

# -- (1) every measure ------------------------------------------------------------------------
st.header(f"{la_md}, {year}: every published measure", anchor=False)
rep = bd.report(la, year)
if rep.empty:
    st.info(f"No figures are published for {year}.")
    st.stop()
ranked, counts = bd.quartile_counts(rep)
if not ranked:
    st.write(f"No ranked measure has a figure for {la_md} in {year}.")
else:
    st.write(f"Of the {ranked} measures with a better direction and a figure for {la_md} in {year}: "
             + ", ".join(f"**{counts.get(q, 0)}** in the {ORDINALS[q]} quartile" for q in (1, 2, 3, 4))
             + " (1st is the best quarter of all LAs).")
summary = bd.summary(la, year)
st.caption(f"Neighbours' median: the median of {la_md}'s 10 DfE statistical neighbours with a figure, "
           f"and how many had one. Region: {region_md}. Rank among all LAs with a figure (1 = best), ties share "
           "a rank. A letter or dash in place of a value is DfE's symbol (see the notes at the foot of the "
           "page); it is never counted as 0.")
st.dataframe(summary, hide_index=True, width="stretch", height=420, column_config={
    "Measure": st.column_config.TextColumn(pinned=True, width="large"),
    "Neighbours with no figure": st.column_config.TextColumn(width="large")})
download_csv(summary, f"benchmarks-{la}-{year}.csv", "every measure", "dl_bm_summary")

# -- (2) one measure in detail ----------------------------------------------------------------
st.header("One measure in detail", anchor=False)
sizes = chart_sizes(large_type())  # large type: larger text, markers and lines, as on every page
options = list(meta["measure"])
measure = st.selectbox("Measure", options, index=options.index(DEFAULT_MEASURE) if DEFAULT_MEASURE in options else 0,
                       key="bm_measure", bind="query-params", format_func=measure_names.get)
row = rep[rep["measure"] == measure]
m_meta = meta[meta["measure"] == measure].iloc[0]
unit, polarity, m_name = m_meta["unit"], m_meta["polarity"], m_meta["name"]
m_md = md(m_name)
st.caption(f"{m_md} ({md(unit)}); {md(POLARITY_WORDS.get(polarity, polarity))}. "
           f"Source: {md(m_meta['source'])}.")

series = bd.trend(la, measure)
# Side by side; in large type one above the other, so each chart has the page's width on a projector (its
# names and the long measure titles at 20 px squeezed the bars into a sliver beside each other).
trend_col, bar_col = (st.container(), st.container()) if sizes.large else st.columns(2)
with trend_col:
    st.subheader("Over the years", anchor=False)
    if series.empty:
        st.info(f"No figures are published for {m_md}.")
    else:
        end = bd.latest_with_figure(series, year)  # the year picked above, else the latest with a figure
        if end is None:
            title = f"{la_name} has no published figure for {m_name} in any year"
        else:
            title = (f"{la_name}: {m_name} {published_number(end['la_value'], unit)} in {int(end['year'])}, "
                     f"neighbours' median {median_words(end['sn_median'], end['sn_count'], unit)}, "
                     f"England {published_figure(end['england_value'], end['england_symbol'], unit)}")
        gaps = int(series["la_value"].isna().sum())
        numbers = bd.trend_numbers(la, measure, la_name, region, unit, polarity)
        chart_with_table(spec_figure(trend_spec(series, title, la_name, region, unit, sizes)),
                         f"Chart: {m_md} for {la_md} each year ({len(series)} years) as a solid line, with its "
                         f"neighbours' median, {region_md} and England. "
                         + (f"{gaps} year{'s' if gaps != 1 else ''} without a figure for {la_md} "
                            "are gaps, not zeros." if gaps else ""),
                         numbers, f"benchmarks-{la}-{measure}-trend.csv", "the trend", "dl_bm_trend", key="bm_trend",
                         expander="Show the chart's numbers as a table")

with bar_col:
    st.subheader(f"Against each neighbour, {year}", anchor=False)
    nb = bd.neighbours(la, measure, year)
    la_value = row["la_value"].iloc[0] if not row.empty else None
    la_symbol = row["la_symbol"].iloc[0] if not row.empty else None
    has_la = la_value is not None and not pd.isna(la_value)
    have = nb[~nb["missing"]]
    if have.empty and not has_la:
        st.info(f"Neither {la_md} nor its neighbours have a figure for {m_md} in {year}.")
    else:
        bars, you = neighbour_bars(have, la_name, float(la_value) if has_la else None, polarity)
        median = row["sn_median"].iloc[0] if not row.empty else None
        count = int(row["sn_count"].iloc[0]) if not row.empty else 0
        where = ""
        if has_la:
            position = bars["label"].tolist()[::-1].index(you) + 1
            where = (f" ({'best' if position == 1 else ORDINALS.get(position, f'{position}th')}"
                     f" of {len(bars)} with a figure)" if polarity in ("High", "Low") else "")
        title = (f"{la_name} {published_figure(la_value, la_symbol, unit)}{where} against its neighbours' median "
                 f"{median_words(median, count, unit)} for {m_name}, {year}")
        st.plotly_chart(spec_figure(neighbours_spec(bars, title, unit, median, sizes)), width="stretch", config=CONFIG,
                        key="bm_neighbours")
        order = "best at the top" if polarity in ("High", "Low") else "largest at the top"
        st.caption(f"Chart: bars for {la_md} (orange, labelled 'selected') and each neighbour with a figure, "
                   f"{order}; the dashed line is the neighbours' median.")
    missing = nb[nb["missing"]]
    if not has_la:
        st.write(f"{la_md} has no figure: {md(symbol_words(la_symbol))}.")
    if not missing.empty:
        st.write(f"Neighbours with no figure ({len(missing)} of 10, not drawn and left out of the median):")
        for n in missing.itertuples():
            st.text(f"{n.name}: {symbol_words(n.symbol)}")
    # Tables in a closed expander are drawn once it is opened (the opening reruns the page), as
    # chart_with_table's are: unseen tables were much of an LA change's time (issue 14).
    with st.expander("Show the neighbours' figures as a table", key=numbers_key("dl_bm_neighbours"),
                     on_change="rerun") as opened:
        if opened.open:
            table_with_download(bd.neighbour_numbers(la, measure, year, unit),
                                f"benchmarks-{la}-{measure}-{year}-neighbours.csv", "the neighbours' figures",
                                "dl_bm_neighbours")

# -- (3) Ofsted ----------------------------------------------------------------------------------
st.header("Ofsted inspections (ILACS)", anchor=False)
judgements = bd.ilacs(la)
if judgements.empty:
    st.info(f"No ILACS inspection of {la_md} is recorded.")
else:
    latest = judgements.iloc[0]
    st.write(f"{la_md}'s latest inspection, {pd.Timestamp(latest['inspection_date']):%d %B %Y}: "
             f"overall effectiveness **{md(latest['overall_effectiveness'])}**.")
    st.dataframe(bd.ilacs_shown(la), hide_index=True, width="stretch")
with st.expander(f"{la_md}'s neighbours' latest inspections", key=numbers_key("bm_neighbour_ilacs"),
                 on_change="rerun") as opened:
    if opened.open:
        st.dataframe(bd.neighbours_latest_ilacs(la), hide_index=True, width="stretch")

# -- notes ---------------------------------------------------------------------------------------
st.divider()
st.caption("Symbols used by DfE in place of a figure (never counted as 0, left out of medians and ranks): "
           + "; ".join(f"{s} {meaning}" for s, meaning in PUBLISHED_SYMBOLS.items())
           + ". 'no figure': nothing was published (e.g. the LA did not exist that year).")
st.caption("Statistical neighbours: DfE's children's services statistical neighbour model. " + ATTRIBUTION
           + " Crown copyright.")
