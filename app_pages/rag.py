"""RAG at a glance: the improvement board's monthly look at every improvement-plan area
([Southampton RAG at a glance]). The whole board on one screen as at the sidebar month, the exceptions (areas
that moved, are Red, or have a priority overdue, at risk or rated Red by its lead, each with its reason), and one
area opened: its priorities with target dates, status and any rating its lead gave with the evidence, key
developments and risks, progress with its evidence, RAG history."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from qa_core.rules.rag import DEFAULT_DUE_SOON_DAYS, RAG_ORDER
from qa_core.views import improvement_board
from ui import auth, board_data, filters, long_text
from ui.charts import GREY
from ui.components import BADGE, TAG_COLOURS, csv_bytes, style_rag, table_with_download
from ui.safe import md, plain

RAG_KEY = ("Ratings are words in coloured tags: Red, Amber, Yellow (between Amber and Green), "
           "Green, and Blue for complete. Previous is the rating before the current one.")
MOVEMENT_WORDS = {"improved": "Improved", "deteriorated": "Deteriorated", "unchanged": "Unchanged",
                  improvement_board.NEW: "First rating"}
ROW_PX = 35  # st.dataframe row height
NARRATIVE_HEADINGS = {"development": "Key developments", "progress": "Progress", "risk": "Key risks"}


def _month_label(value: str | dt.date | None) -> str:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value + "-01")
    return filters.month_label(value)


def _tag_css(status: str | None) -> str:
    fg_bg = TAG_COLOURS.get(status or "")
    return f"color: {fg_bg[0]}; background-color: {fg_bg[1]}" if fg_bg else ""


def _status_style(frame: pd.DataFrame, column: str) -> pd.io.formats.style.Styler:
    """Colour priority statuses with the tag colour of their RAG; the word stays in the cell."""
    return frame.style.map(lambda value: _tag_css(improvement_board.PRIORITY_STATUSES.get(str(value))), subset=[column])


def _safe_word(status: str) -> str:
    """Only known words go into markdown; a rating stored as some other word shows as "Other"."""
    return status if status in BADGE or status == "No rating" else "Other"


def _tag(prefix: str, status: str | None) -> str:
    word = status if status in BADGE else "none"  # only known words go into markdown
    return f":{BADGE.get(word, 'gray')}-badge[{prefix}: {word}]"


def _history_figure(history: pd.DataFrame, title: str) -> go.Figure:
    """A step chart of the area's rating by month: worst at the bottom, words on the axis,
    tag-coloured bands behind, and the word in each point's hover."""
    # Ratings are stored text: escaped for Plotly's HTML (axis words and hover labels).
    history = history.assign(rag=history["rag"].map(lambda r: plain(r) if isinstance(r, str) else r))
    used = set(history["rag"].dropna())
    levels = [r for r in RAG_ORDER if r in used or r in ("Red", "Amber", "Green")]
    levels += sorted(str(r) for r in used if r not in RAG_ORDER)
    x = pd.to_datetime(history["month"])
    fig = go.Figure()
    for i, level in enumerate(levels):
        fill = TAG_COLOURS.get(level, ("", "#f3f2f1"))[1]
        fig.add_shape(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=i - 0.5, y1=i + 0.5,
                      fillcolor=fill, opacity=0.55, line_width=0, layer="below")
    fig.add_trace(go.Scatter(
        x=x, y=history["rag"], mode="lines+markers", line=dict(color=GREY, width=2, shape="hv"),
        marker=dict(size=11, color=[TAG_COLOURS.get(r, (GREY, "#ffffff"))[1] for r in history["rag"]],
                    line=dict(color=[TAG_COLOURS.get(r, (GREY, GREY))[0] for r in history["rag"]], width=2)),
        customdata=history["rag"], name="RAG rating", showlegend=False,
        hovertemplate="%{x|%B %Y}: %{customdata}<extra></extra>"))
    fig.update_layout(
        title=dict(text=plain(title).replace("; ", "<br>", 1), font=dict(size=16, color="#0b0c0c")),
        height=340, margin=dict(l=80, r=20, t=80, b=40), plot_bgcolor="white",
        font=dict(size=14, color="#0b0c0c"), hovermode="closest")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=levels,
                     range=[-0.5, len(levels) - 0.5], title=None, fixedrange=True)
    fig.update_xaxes(dtick="M2", tickformat="%b %Y", title=None, showgrid=False)
    return fig


# Area leads are senior managers named in the published improvement plan: not case-level
# detail, so every role that may open the board sees it whole.
viewer = auth.require_page("rag")
month = filters.selected_month()
label = filters.month_label(month)
service_id = filters.selected_service()

st.title("RAG at a glance", anchor=False)
st.caption(f"Improvement plan as at {label}, for the improvement board. The plan covers the whole council, "
           "so the Service filter does not apply to this page.")
if service_id is not None:
    st.info(f"You chose {md(filters.service_name(service_id))} in the sidebar. The improvement plan covers the "
            "whole council: every area is shown.", icon=":material/info:")

report = board_data.rag_board(month)
if report.empty:
    rated = board_data.rating_months()
    first = f" The first ratings are for {filters.month_label(rated[0])}." if rated else ""
    st.info(f"No improvement-plan area had a RAG rating in or before {label}.{first} "
            "Choose a later month in the sidebar.")
    st.stop()

summary = improvement_board.board_summary(report)
stale = sorted({m for m in report["rag_month"].dropna() if m != f"{month:%Y-%m}"})
moved = summary["improved"] + summary["deteriorated"]
tags = " ".join(f":{BADGE.get(status, 'gray')}-badge[{_safe_word(status)}: {count}]"
                for status, count in summary["rag_counts"].items())
st.markdown(f"Current ratings of the {summary['areas']} areas: {tags}")
st.write(
    f"**{moved}** moved since the previous rating ({summary['improved']} improved, "
    f"{summary['deteriorated']} deteriorated); **{summary['overdue_priorities']}** of {summary['priorities']} "
    f"priorities are overdue, in {summary['areas_with_overdue']} areas.")
if stale:
    st.warning(f"Some areas have no rating for {label}; their latest earlier rating is shown "
               f"(from {', '.join(_month_label(m) for m in stale)}).", icon=":material/history:")

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
table = pd.DataFrame({
    "Area": shown["area"], "Lead": shown["lead"],
    "Previous RAG": shown["previous_rag"].fillna("None"), "Current RAG": shown["current_rag"].fillna("None"),
    "Movement": shown["movement_text"], "Priorities": shown["priorities_text"],
    "Overdue priorities": shown["priorities_overdue"],
    "Why it is an exception": shown["exception_reason"],
})
if shown["rating_note"].notna().any():  # a rating its priorities argue against: said beside it
    table["Note on the rating"] = shown["rating_note"].fillna("")
if stale:
    table.insert(4, "Rated in", shown["rag_month"].map(_month_label))
st.caption(RAG_KEY + f" Priorities are counted as at the end of {label}; overdue means past the target "
           "date and not complete.")
styled = style_rag(table, ["Previous RAG", "Current RAG"]).map(
    lambda n: _tag_css("Red") if n else "", subset=["Overdue priorities"])
# Every area on one screen: the table is as tall as its rows, never a scrolling box.
st.dataframe(styled, hide_index=True, width="stretch", height=ROW_PX * (len(table) + 1) + 3)
st.download_button("Download the board (CSV)", csv_bytes(table),
                   file_name=f"rag-at-a-glance-{month:%Y-%m}{'-exceptions' if exceptions_only else ''}.csv",
                   mime="text/csv", key="dl_rag_board")

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
    prio_table = pd.DataFrame({
        "Priority": priorities["description"],
        "Target date": pd.to_datetime(priorities["target_date"]).dt.strftime("%d %b %Y").fillna("None"),
        "Status": priorities["status"],
        "RAG": priorities["rag"].fillna("None"),
        "Rated by": priorities["rag_by"],
        "Evidence for the lead's rating": priorities["evidence"].fillna(""),
        "Completed": pd.to_datetime(priorities["completed_date"]).dt.strftime("%d %b %Y").fillna(""),
        "Days overdue": [str(d) if d > 0 else "" for d in priorities["days_overdue"]],
    })
    st.dataframe(_status_style(long_text.preview_frame(prio_table, ["Priority"]), "Status").map(
        lambda value: _tag_css(str(value)), subset=["RAG"]), hide_index=True,
                 width="stretch", column_config={"Priority": st.column_config.TextColumn(width="large")})
    long_text.read_in_full(prio_table, ["Priority"], priorities["priority_id"].tolist(), key=f"rag_full_prio_{area_id}")
    st.caption(f"Status at the end of {label}: Complete (Blue); Overdue (Red: target date passed); "
               f"Due soon (Amber: due within {DEFAULT_DUE_SOON_DAYS} days); On track (Green). RAG is the status's "
               "colour unless the lead has rated the priority, with the evidence named beside it.")
    st.download_button("Download the priorities (CSV)", csv_bytes(prio_table),
                       file_name=f"priorities-{area_id}-{month:%Y-%m}.csv", mime="text/csv",
                       key="dl_rag_priorities")

st.subheader("Progress and risks", anchor=False)
narrative = board_data.area_narrative(area_id, month)
if narrative.empty:
    st.info(f"No key developments, progress or risks have been recorded for {area_md} in or before {label}.")
else:
    written = narrative["month"].iloc[0]
    if written != month:
        st.caption(f"Nothing recorded for {label}: this is the latest narrative, from "
                   f"{filters.month_label(written)}.")
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
    st.plotly_chart(_history_figure(history, title), width="stretch", config={"displaylogo": False},
                    key="rag_history_chart")
    st.caption(f"Chart: {area_md}'s RAG rating each month, worst (Red) at the bottom to best at the top; "
               "the rating is written on the axis and in each point's label. "
               f"{md(improvement_board.history_text(history))}")
    with st.expander("Show the RAG history as a table"):
        hist_table = pd.DataFrame({
            "Month": [filters.month_label(m) for m in history["month"]],
            "RAG": history["rag"],
            "Movement": history["movement"].map(MOVEMENT_WORDS).fillna(""),
        })
        table_with_download(hist_table, f"rag-history-{area_id}-{month:%Y-%m}.csv", "the RAG history",
                            "dl_rag_history", rag_columns=["RAG"])
