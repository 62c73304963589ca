"""RAG at a glance: the improvement board's monthly look at every improvement-plan area
([Southampton RAG at a glance]). The whole board on one screen as at the sidebar month, the exceptions (areas
that moved, are Red, or have a priority overdue, at risk or rated Red by its lead, each with its reason), and one
area opened: its priorities with target dates, status and any rating its lead gave with the evidence, key
developments and risks, progress with its evidence, RAG history."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.rules.rag import DEFAULT_DUE_SOON_DAYS
from qa_core.views import improvement_board
from ui import board_data, long_text, packs
from ui.chart_table import chart_with_table, download_csv
from ui.figures.rag import history_figure
from ui.formatters import month_text
from ui.page import start
from ui.safe import md
from ui.tags import BADGE, badge_md

RAG_KEY = ("Ratings are words in coloured tags: Red, Amber, Yellow (between Amber and Green), "
           "Green, and Blue for complete. Previous is the rating before the current one.")
MOVEMENT_WORDS = {"improved": "Improved", "deteriorated": "Deteriorated", "unchanged": "Unchanged",
                  improvement_board.NEW: "First rating"}
ROW_PX = 35  # st.dataframe row height
NARRATIVE_HEADINGS = {"development": "Key developments", "progress": "Progress", "risk": "Key risks"}


def _safe_word(status: str) -> str:
    """Only known words go into markdown; a rating stored as some other word shows as "Other"."""
    return status if status in BADGE or status == "No rating" else "Other"


def _tag(prefix: str, status: str | None) -> str:
    word = status if status in BADGE else "none"  # only known words go into markdown
    return badge_md(word, f"{prefix}: {word}")


# Area leads are senior managers named in the published improvement plan: not case-level
# detail, so every role that may open the board sees it whole.
ctx = start("rag")
month, label, service_id = ctx.month, ctx.month_label, ctx.service_id
st.caption(f"Improvement plan as at {label}, for the improvement board. The plan covers the whole council, "
           "so the Service filter does not apply to this page.")
packs.pack_buttons("board", ctx.viewer, month=month)
if service_id is not None:
    st.info(f"You chose {md(ctx.service_name)} in the sidebar. The improvement plan covers the "
            "whole council: every area is shown.", icon=":material/info:")

report = board_data.rag_board(month)
if report.empty:
    rated = board_data.rating_months()
    first = f" The first ratings are for {month_text(rated[0])}." if rated else ""
    st.info(f"No improvement-plan area had a RAG rating in or before {label}.{first} "
            "Choose a later month in the sidebar.")
    st.stop()

summary = improvement_board.board_summary(report)
stale = board_data.stale_months(report, month)
moved = summary["improved"] + summary["deteriorated"]
tags = " ".join(badge_md(status, f"{_safe_word(status)}: {count}") for status, count in summary["rag_counts"].items())
st.markdown(f"Current ratings of the {summary['areas']} areas: {tags}")
st.write(
    f"**{moved}** moved since the previous rating ({summary['improved']} improved, "
    f"{summary['deteriorated']} deteriorated); **{summary['overdue_priorities']}** of {summary['priorities']} "
    f"priorities are overdue, in {summary['areas_with_overdue']} areas.")
if stale:
    st.warning(f"Some areas have no rating for {label}; their latest earlier rating is shown "
               f"(from {', '.join(month_text(m) for m in stale)}).", icon=":material/history:")

exceptions_only = st.toggle(
    f"Exceptions only ({summary['exceptions']} of {summary['areas']} areas)", key="exceptions",
    bind="query-params",
    help="Areas whose rating improved or deteriorated since the previous rating, areas rated Red, and areas "
         f"with a priority past its target date, due within {DEFAULT_DUE_SOON_DAYS} days and not complete, or "
         "rated Red by its lead. Each says why in 'Why it is an exception'.")
shown = report[report["exception"]] if exceptions_only else report

st.header("Exceptions" if exceptions_only else "All areas", anchor=False)
if shown.empty:
    st.info(f"No area is an exception as at {label}: none moved, is Red or has a priority overdue or at risk.")
    st.stop()
board = board_data.board_table(month, exceptions_only)
table = board.table
st.caption(RAG_KEY + f" Priorities are counted as at the end of {label}; overdue means past the target "
           "date and not complete.")
# Every area on one screen: the table is as tall as its rows, never a scrolling box.
st.dataframe(board.styled.styler(), hide_index=True, width="stretch", height=ROW_PX * (len(table) + 1) + 3)
download_csv(table, f"rag-at-a-glance-{month:%Y-%m}{'-exceptions' if exceptions_only else ''}.csv", "the board",
             "dl_rag_board")

# -- one area ---------------------------------------------------------------------------------
st.header("Open an area", anchor=False)
names = dict(zip(shown["area_id"], shown["area"], strict=True))
pick, _ = st.columns([1, 2])
area_id = pick.selectbox("Area", list(names), key="area", bind="query-params",
                         format_func=lambda a: names[a], help="The list holds the areas on the board above.")
row = shown[shown["area_id"] == area_id].iloc[0]
area = row["area"]

area_md = md(area)  # the area's name in markdown places (headings, captions, messages)
st.subheader(area_md, anchor=False)

st.markdown(f"{_tag('Previous', row['previous_rag'])} → {_tag('Current', row['current_rag'])} "
            f"{md(row['movement_text'])} · priorities: {md(row['priorities_text'])}")
st.text(f"Lead: {row['lead'] or 'not recorded'}")  # recorded text: never markdown or HTML
if row["exception_reason"]:
    st.write(f"Exception: {md(row['exception_reason'])}.")
if isinstance(row["rating_note"], str):
    st.warning(md(row["rating_note"]), icon=":material/rule:")
if row["ofsted_recommendation"]:
    long_text.show_text(f"Ofsted recommendation: {row['ofsted_recommendation']}", key=f"rag_full_ofsted_{area_id}")

st.subheader("Priorities", anchor=False)
priorities = board_data.area_priorities(area_id, month)
if priorities.empty:
    st.info(f"{area_md} has no priorities recorded.")
else:
    overdue = priorities[priorities["status"] == improvement_board.OVERDUE]
    if not overdue.empty:
        late = overdue.sort_values("days_overdue", ascending=False).iloc[0]
        st.warning(f"{len(overdue)} of {len(priorities)} priorities overdue at the end of {label}; "
                   f"the longest is {int(late['days_overdue'])} days past its target date.",
                   icon=":material/schedule:")
    kept = board_data.priorities_table(area_id, month)
    prio_table = kept.table
    st.dataframe(kept.styled.styler(), hide_index=True, width="stretch",
                 column_config={"Priority": st.column_config.TextColumn(width="large")})
    long_text.read_in_full(prio_table, ["Priority"], priorities["priority_id"].tolist(), key=f"rag_full_prio_{area_id}")
    st.caption(f"Status at the end of {label}: Complete (Blue); Overdue (Red: target date passed); "
               f"Due soon (Amber: due within {DEFAULT_DUE_SOON_DAYS} days); On track (Green). RAG is the status's "
               "colour unless the lead has rated the priority, with the evidence named beside it.")
    download_csv(prio_table, f"priorities-{area_id}-{month:%Y-%m}.csv", "the priorities", "dl_rag_priorities")

st.subheader("Progress and risks", anchor=False)
narrative = board_data.area_narrative(area_id, month)
if narrative.empty:
    st.info(f"No key developments, progress or risks have been recorded for {area_md} in or before {label}.")
else:
    written = narrative["month"].iloc[0]
    if written != month:
        st.caption(f"Nothing recorded for {label}: this is the latest narrative, from "
                   f"{month_text(written)}.")
    cols = st.columns(len(NARRATIVE_HEADINGS))
    for col, (kind, heading) in zip(cols, NARRATIVE_HEADINGS.items(), strict=True):
        items = narrative[narrative["kind"] == kind]
        with col, st.container(border=True):
            st.markdown(f"**{heading}**")
            if items.empty:
                st.text("None recorded.")
            for item in items.itertuples():
                # Recorded text: never markdown or HTML, and a long one shortened with the whole a click away.
                long_text.show_text(item.text, key=f"rag_full_{area_id}_{kind}_{item.seq}")
                evidence = item.evidence if isinstance(item.evidence, str) and item.evidence.strip() else None
                long_text.show_text(f"Evidence: {evidence}" if evidence else "Evidence: none named",
                                    key=f"rag_full_evidence_{area_id}_{kind}_{item.seq}")

st.subheader("RAG history", anchor=False)
history = board_data.area_history(area_id, month)
if history.empty:
    st.info(f"{area_md} has no rating in or before {label}.")
else:
    title = improvement_board.history_title(area, history)
    hist_table = pd.DataFrame({
        "Month": [month_text(m) for m in history["month"]],
        "RAG": history["rag"],
        "Movement": history["movement"].map(MOVEMENT_WORDS).fillna(""),
    })
    chart_with_table(history_figure(history, title),
                     f"Chart: {area_md}'s RAG rating each month, worst (Red) at the bottom to best at the top; "
                     "the rating is written on the axis and in each point's label. "
                     f"{md(improvement_board.history_text(history))}",
                     hist_table, f"rag-history-{area_id}-{month:%Y-%m}.csv", "the RAG history", "dl_rag_history",
                     key="rag_history_chart", expander="Show the RAG history as a table", rag_columns=["RAG"])
