"""At a glance: the month's headline for the council or one service — measures by RAG,
audits against the 10% inadequate target, the improvement plan, and the highest risks."""

from __future__ import annotations

import streamlit as st

from ui import data, home_data
from ui.chart_table import chart_with_table, table_with_download
from ui.components import ICON_KEY
from ui.filters import large_type
from ui.page import start
from ui.safe import md
from ui.styled import number_styler
from ui.tags import rag_badge, style_rag

# Every panel is an aggregate; the plan and risk panels are shown to the roles whose page list
# holds the improvement board (rag) and the risk register (risks), as their own pages are.
council = data.settings().get("council_name", "Council")
ctx = start("home", f"{md(council)}: at a glance", anchor=None)
viewer, month, service_id, label = ctx.viewer, ctx.month, ctx.service_id, ctx.month_label
st.caption(f"{label} · {md(ctx.service_name)}")

shows_plan, shows_risks = viewer.can_open("rag"), viewer.can_open("risks")
# What this view shows, worked out once per data version (ui.home_data): a rerun only draws it.
view = home_data.glance_view(month, service_id, label, shows_plan, shows_risks, large_type())

# Side by side; in large type two to a row, so a panel's heading ("Improvement plan") fits its panel
# on a projector at 1280 px (headings are never broken inside a word there: ui.filters).
count = 2 + shows_plan + shows_risks
per_row = 2 if large_type() else count
panels = iter([cell for first in range(0, count, per_row)
               for cell in st.columns(min(per_row, count - first), border=True)])
col_measures, col_audits = next(panels), next(panels)
col_plan = next(panels) if shows_plan else st.empty()
col_risks = next(panels) if shows_risks else st.empty()
with col_measures:
    st.subheader("Measures", anchor=False)
    if view.measure_counts is None:
        st.write("No measures have values for this month.")
    else:
        for status, count in view.measure_counts:
            rag_badge(status, count)
        st.write(view.measures_words)

with col_audits:
    st.subheader("Audits", anchor=False)
    if view.audit_metric is None:
        st.write("No audits were completed this month.")
    else:
        st.metric("Inadequate", view.audit_metric,
                  help="Share of audits whose final grade (moderated where moderated) is Inadequate.")
        st.write(view.audit_words)

with col_plan:
    if not shows_plan:
        pass
    elif view.plan_counts is None:
        st.subheader("Improvement plan", anchor=False)
        st.write("No improvement-plan ratings up to this month.")
    else:
        st.subheader("Improvement plan", anchor=False)
        for status, count in view.plan_counts:
            rag_badge(status, count)
        st.write(view.plan_words)

with col_risks:
    if not shows_risks:
        pass
    elif view.risk_words is None:
        st.subheader("Risk register", anchor=False)
        st.write("No risk register review on or before this quarter.")
    else:
        st.subheader("Risk register", anchor=False)
        st.write(view.risk_words)

st.header("Measures this month", anchor=False)
if view.table is None:
    st.info("There are no indicator values for this month and service.")
else:
    st.caption(ICON_KEY)
    table_with_download(view.table, f"measures-{month:%Y-%m}.csv", "the measures table", "dl_measures",
                        shown=style_rag(number_styler(view.table), ["RAG"]))

st.header("Inadequate audits by month", anchor=False)
if view.chart is None:
    st.info("No audits up to this month.")
else:
    chart_with_table(view.chart, view.chart_caption, view.numbers, "inadequate-audits-by-month.csv",
                     "audits by month", "dl_audits")
