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

import streamlit as st

from qa_core.rules import disclosure, periods
from qa_core.views import scrutiny
from ui import benchmark_data as bd
from ui import data, packs, scrutiny_data
from ui.chart_table import download_csv, table_with_download
from ui.figures.palette import CONFIG
from ui.filters import large_type
from ui.page import start
from ui.safe import md
from ui.tags import rag_badge


def option_label(quarter: str) -> str:
    return periods.quarter_label(quarter)  # '2026/27 Q2 (July to September 2026)'


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
# The card's words, charts and tables for this view, worked out once per data version (ui.scrutiny_view).
view = scrutiny_data.card_view(quarter, public, large_type())
names = scrutiny_data.benchmark_names()

st.subheader(f"{md(council)}: children's social care report card, {label}", anchor=False)
st.caption("Council-wide figures for the quarter chosen above: the sidebar's Service and Month filters do "
           "not apply on this page. Nothing here identifies a child, a family or a member of staff; a "
           f"figure based on {scrutiny.SUPPRESSED_TEXT} children or cases is withheld, for every reader, because a "
           "percentage of so few says little (u in the published version)."
           + (" Published version: a figure that would reveal a count of 1 to 5 is shown as c, and is a gap in "
              "its chart." if public else ""))
packs.pack_buttons("scrutiny", viewer, quarter=quarter)
if not view.measures:
    st.info("None of the report card's measures has figures in this store.")
    st.stop()

cols = st.columns(4)
for col, status, count in zip(cols, ["Red", "Amber", "Green"], view.rag_counts, strict=False):
    with col:
        rag_badge(status, count)
with cols[3]:
    rag_badge("Not rated", view.rag_counts[3])

st.header("Summary", anchor=False)
st.caption("RAG compares this quarter with the council's target for the measure by that measure's own rule, "
           "written out under each measure ('How it is rated'): under some rules Green means within a set "
           "distance of the target rather than on it, and Amber or Red turns on whether the figure improved on "
           "the previous quarter. 'Neighbours' is the middle value of "
           f"the 10 councils most like {md(names.get('la')) or 'ours'} in DfE's statistical neighbour model. "
           "Neighbours and England: DfE's latest published year (to 31 March) up to the one this quarter falls "
           "in.")
summary, _ = scrutiny_data.summary(quarter, public)
# A static table (wraps, fits and prints); st.table renders each cell as markdown: escaped.
st.table(scrutiny_data.summary_style(quarter, public).styler())
download_csv(summary, f"scrutiny-{quarter}{'-published' if public else ''}.csv", "the summary", "dl_scrutiny_summary")

for measure in view.measures:
    code = measure.code
    st.divider()
    st.header(measure.heading, anchor=False)
    words, chart = st.columns([2, 3], gap="large")
    with words:
        st.markdown(measure.headline)
        rag_badge(measure.rag)
        st.caption(measure.rule)
        if measure.note is not None:
            st.write(measure.note)
        st.write(measure.target)
        st.markdown("**What this shows**")
        st.write(measure.what)
        st.caption(measure.published)
    with chart:
        if measure.figure is None:
            st.info(measure.empty)
            continue
        st.plotly_chart(measure.figure, width="stretch", config=CONFIG, key=f"scrutiny_chart_{code}",
                        alt=measure.alt)
        st.caption(measure.described)
    # Drawn when opened (a rerun): ten tables nobody opened were half of the page's time (issue 14).
    with st.expander(measure.expander, key=f"scrutiny_numbers_{code}", on_change="rerun") as numbers:
        if numbers.open:
            table_with_download(scrutiny_data.numbers(quarter, public, code),
                                f"scrutiny-{code}-to-{quarter}{'-published' if public else ''}.csv",
                                "these numbers", f"dl_scrutiny_{code}")


# -- any council's published figures ---------------------------------------------------------------
st.divider()
st.header("How any council compares: published figures", anchor=False)
las = bd.las()
published = scrutiny_data.published_measures()
codes = [published[c] for c in view.codes if c in published]
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
    la_name, table = scrutiny_data.published_table(la, tuple(codes))
    la_md = md(la_name)  # the LA's name in markdown places (captions, messages, the link)
    st.caption(f"DfE's published figures for {la_md}, for the report card measures that DfE publishes, in "
               "the latest year with a figure (years to 31 March). Neighbours: the median of "
               f"{la_md}'s 10 statistical neighbours with a figure, and how many had one. Rank among all "
               "councils with a figure, 1 = best. A letter in place of a value is DfE's symbol (c: withheld to "
               "protect confidentiality; x: not available; u: low reliability); it is never counted as 0."
               + (f" {md(council)} is fictional: its comparisons use {la_md}'s figures." if la == home else ""))
    if table.empty:
        st.info(f"No published figures for {la_md} for these measures.")
    else:
        table_with_download(table, f"scrutiny-published-{la}.csv", "these published figures", "dl_scrutiny_published")
    st.page_link("app_pages/benchmarks.py", label=f"Every published measure for {la_md}, with charts against "
                 "each neighbour: Benchmarks", icon=":material/leaderboard:", query_params={"la": la})
