"""At a glance: the month's headline for the council or one service — measures by RAG,
audits against the 10% inadequate target, the improvement plan, and the highest risks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from qa_core.rules.formatting import round_half_up
from qa_core.views.risk_register import high_bands
from ui import audit_data, data, risk_data
from ui.chart_table import chart_with_table, table_with_download
from ui.components import ICON_KEY, measures_table
from ui.figures.audits import inadequate_points
from ui.figures.spc import spc_figure
from ui.page import start
from ui.safe import md
from ui.tags import rag_badge

RAGS = ["Red", "Amber", "Green"]

# Every panel is an aggregate; the plan and risk panels are shown to the roles whose page list
# holds the improvement board (rag) and the risk register (risks), as their own pages are.
council = data.settings().get("council_name", "Council")
ctx = start("home", f"{md(council)}: at a glance", anchor=None)
viewer, month, service_id, label = ctx.viewer, ctx.month, ctx.service_id, ctx.month_label
st.caption(f"{label} · {md(ctx.service_name)}")

summary = data.indicator_summary(month, service_id)
audits = audit_data.monthly_grades(month, service_id)  # the p-chart as the Audit grades page draws it
this_month = audits[audits["group"] == month.strftime("%Y-%m")]
shows_plan, shows_risks = viewer.can_open("rag"), viewer.can_open("risks")
plan = data.plan_rag(month) if shows_plan else None
quarter_risks = data.risks_as_at(month) if shows_risks else None

panels = iter(st.columns(2 + shows_plan + shows_risks, border=True))
col_measures, col_audits = next(panels), next(panels)
col_plan = next(panels) if shows_plan else st.empty()
col_risks = next(panels) if shows_risks else st.empty()
with col_measures:
    st.subheader("Measures", anchor=False)
    if summary.empty:
        st.write("No measures have values for this month.")
    else:
        counts = summary["rag"].value_counts()
        for status in RAGS:
            rag_badge(status, int(counts.get(status, 0)))
        no_target = int(summary["rag"].isna().sum())
        concern = int((summary["special_cause"] == "concern").sum())
        st.write(f"{no_target} without a target · {concern} showing special-cause concern "
                 f"(of {len(summary)} measures)")

with col_audits:
    st.subheader("Audits", anchor=False)
    if this_month.empty or int(this_month["total"].iloc[0]) == 0:
        st.write("No audits were completed this month.")
    else:
        row = this_month.iloc[0]
        st.metric("Inadequate", f"{row['pct_inadequate']:.1f}%",
                  help="Share of audits whose final grade (moderated where moderated) is Inadequate.")
        st.write(f"{int(row['inadequate'])} of {int(row['total'])} audits; 95% interval "
                 f"{row['ci_low']:.1f}% to {row['ci_high']:.1f}%. Target: no more than "
                 f"{INADEQUATE_TARGET_PCT:.0f}%: **{row['assessment']}**.")

with col_plan:
    if not shows_plan:
        pass
    elif plan["current_rag"].isna().all():
        st.subheader("Improvement plan", anchor=False)
        st.write("No improvement-plan ratings up to this month.")
    else:
        st.subheader("Improvement plan", anchor=False)
        counts = plan["current_rag"].value_counts()
        for status in ["Red", "Amber", "Yellow", "Green", "Blue"]:
            if counts.get(status):
                rag_badge(status, int(counts[status]))
        moved = int((plan["previous_rag"].notna() & (plan["previous_rag"] != plan["current_rag"])).sum())
        st.write(f"{moved} of {len(plan)} areas changed rating since the month before.")

with col_risks:
    if not shows_risks:
        pass
    elif quarter_risks.empty:
        st.subheader("Risk register", anchor=False)
        st.write("No risk register review on or before this quarter.")
    else:
        st.subheader("Risk register", anchor=False)
        quarter = quarter_risks["quarter"].iloc[0]
        bands = high_bands(risk_data.matrix(risk_data.register_matrix_id()))
        high = quarter_risks[quarter_risks["band"].isin(bands)]
        top = quarter_risks.iloc[0]
        st.write(f"{len(high)} of {len(quarter_risks)} risks high-scoring ({' or '.join(md(b) for b in bands)}) in "
                 f"{md(quarter)} (residual score). Highest: {md(top['risk_ref'])}, score {top['score']} "
                 f"({md(top['band'])}).")

st.header("Measures this month", anchor=False)
if summary.empty:
    st.info("There are no indicator values for this month and service.")
else:
    table = measures_table(summary)
    st.caption(ICON_KEY)
    table_with_download(table, f"measures-{month:%Y-%m}.csv", "the measures table", "dl_measures",
                        rag_columns=["RAG"])

st.header("Inadequate audits by month", anchor=False)
graded = audits[audits["total"] > 0].reset_index(drop=True)
if graded.empty:
    st.info("No audits up to this month.")
else:
    points = inadequate_points(graded)
    last = graded.iloc[-1]
    first = graded.iloc[0]
    title = (f"Inadequate audits: {last['pct_inadequate']:.0f}% in {label} "
             f"({int(last['inadequate'])} of {int(last['total'])}), from "
             f"{first['pct_inadequate']:.0f}% in {pd.Timestamp(points['period'].iloc[0]):%B %Y}")
    fig = spc_figure(points, title, "% of audits graded Inadequate", INADEQUATE_TARGET_PCT,
                     "Target: 10%")
    numbers = pd.DataFrame({
        "Month": graded["group"], "Inadequate": graded["inadequate"], "Audits": graded["total"],
        "% inadequate": round_half_up(graded["pct_inadequate"], 1),
        "95% interval low": round_half_up(graded["ci_low"], 1),
        "95% interval high": round_half_up(graded["ci_high"], 1),
        "Upper limit %": round_half_up(points["ucl"], 1), "Lower limit %": round_half_up(points["lcl"], 1),
        "Special cause": points["special_cause"].fillna("none"),
    })
    chart_with_table(fig, f"Chart: percentage of audits graded Inadequate each month (p-chart with limits "
                          f"that vary with the number of audits), against the 10% target. {title}.",
                     numbers, "inadequate-audits-by-month.csv", "audits by month", "dl_audits")
