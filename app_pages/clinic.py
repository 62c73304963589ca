"""Performance clinic: the AD chairs it on a shared screen, one service a month. With no service
chosen, every service's clinic at a glance to pick from; for a service, its measures in the Making
Data Count style (a row click opens one measure's chart), the measure in detail with its process
changes and commentary, the month's audits, the meeting record and the actions (the previous
clinic's first); and a "present" view, one measure per screen with the keyboard.

Who sees what: action owners and the names at the meeting are staff names, shown only to those who
see the service's case-level detail (``qa_core.views``: otherwise withheld, in the query); only the AD
and the service's own head of service get the forms that record the meeting and actions and write
commentary, only the AD records a process change, and the store refuses anyone else too."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from ui import (
    annex_a,
    clinic_chart,
    clinic_commentary,
    clinic_data,
    clinic_measures,
    clinic_meeting,
    clinic_overview,
    clinic_present,
    data,
    packs,
)
from ui.chart_table import chart_with_table, table_with_download
from ui.figures.handover import spec_figure
from ui.filters import large_type
from ui.formatters import count_texts, value_texts
from ui.page import start
from ui.safe import md
from ui.tags import rag_badge

ctx = start("clinic")
viewer, month, service_id, label = ctx.viewer, ctx.month, ctx.service_id, ctx.month_label
if service_id is None:  # "All services": every service's clinic to pick from
    clinic_overview.show_services(month, label)
    st.stop()

measures = data.clinic_measures(service_id, month)
header = data.clinic_header(service_id, month)
service = md(header["service"])  # the service's name in markdown places
st.subheader(f"{service}: {label}", anchor=False)
st.caption(f"Head of service: {md(header['head_of_service'])}")
present = clinic_present.present_toggle()
if not present:  # the present view goes straight to its one measure
    packs.pack_buttons("clinic", viewer, month=month, service=service_id)
    cols = st.columns(5)
    with cols[0]:
        rag_badge("Red", header["red"])
    with cols[1]:
        rag_badge("Amber", header["amber"])
    with cols[2]:
        rag_badge("Green", header["green"])
    with cols[3]:
        st.write(f"{header['no_target']} without a target")
    with cols[4]:
        st.write(f"**{header['special_cause_concern']}** showing special-cause concern")

# -- summary ----------------------------------------------------------------------------
if measures.empty:
    st.info(f"No measures have values for {service} in {label}.")
    st.stop()
names = dict(zip(measures["code"], measures["name"], strict=True))
if not present:
    st.header("Measures", anchor=False)
    clinic_measures.show_measures(
        measures, f"clinic-{service_id}-{month:%Y-%m}.csv", shown=clinic_measures.shown_style(service_id, month)
    )

# -- one measure in detail --------------------------------------------------------------
code = st.selectbox(
    "Measure to discuss", list(names), key="measure", bind="query-params", format_func=lambda c: names[c]
)
row, series, points, changes = clinic_data.measure_view(code, service_id, month)
unit = row["unit"]
target = None if pd.isna(row["target"]) else float(row["target"])
figure = spec_figure(clinic_chart.measure_chart(code, service_id, month, label, large_type()))
refs = [
    n
    for n, v in (("the neighbours' median", row.get("sn_median")), ("England", row.get("england")))
    if v is not None and not pd.isna(v)
]
note = "" if points["mean"].notna().any() else " Fewer than 12 months: no limits are shown."
caption = (
    f"Chart: {md(row['name'])} for {service} each month, with the mean, process limits"
    f"{' and target' if target is not None else ''}"
    f"{'; ' + ' and '.join(refs) + ' (latest published year) as reference lines' if refs else ''}"
    f"{'; the recorded process change' + ('s' if len(changes) > 1 else '') + ' dashed' if changes else ''}"
    f"; special causes are marked by shape and named in the legend.{note}"
)
meeting = clinic_data.meeting(service_id, month, viewer)
author = header["head_of_service"] if viewer.role == "head_of_service" else "Assistant Director"

if present:  # one measure per screen, for the projector
    clinic_present.show_controls(list(names), names, code)
    clinic_present.heading(row)
    clinic_present.numbers_row(row)
    st.plotly_chart(figure, width="stretch", key="clinic_present_spc")
    st.caption(caption)
    st.caption(f"How it is rated: {md(row['rag_rule'])}")
    left, right = st.columns(2)
    with left:
        st.subheader("Commentary", anchor=False)
        clinic_commentary.show_commentary(code, service_id, month, viewer, author, editable=False)
    with right:
        st.subheader("Actions on this measure", anchor=False)
        clinic_meeting.show_actions(service_id, month, viewer, names, None, code=code)
    st.stop()

st.caption(f"How it is rated: {md(row['rag_rule'])}")
if isinstance(row["rag_note"], str):
    st.write(md(row["rag_note"]))
if flash := st.session_state.pop("clinic_change_flash", None):
    st.success(flash)
chart_with_table(
    figure,
    caption,
    lambda: clinic_data.measure_numbers(code, service_id, month),  # made only once its expander is open
    f"{code}-{service_id}.csv",
    "the chart data",
    "dl_clinic_spc",
    key="clinic_spc",
    expander="Show the chart's numbers as a table",
)
clinic_chart.show_changes(code, row["name"], service_id, list(pd.to_datetime(series["period"]).dt.date), viewer)

teams_col, notes_col = st.columns(2)
with teams_col:
    st.subheader("Teams this month", anchor=False)
    teams = clinic_data.team_breakdown(code, service_id, month, viewer)
    if teams.empty:
        st.write("No team figures for this month.")
    else:
        team_table = pd.DataFrame(
            {
                "Team": teams["team"],
                "Value": value_texts(teams["value"], [unit] * len(teams)),
                "Count": count_texts(teams["numerator"], teams["denominator"], [unit] * len(teams)),
            }
        )
        table_with_download(
            team_table, f"{code}-{service_id}-{month:%Y-%m}-teams.csv", "the team figures", "dl_clinic_teams"
        )
with notes_col:
    st.subheader("Commentary", anchor=False)
    clinic_commentary.show_commentary(code, service_id, month, viewer, author)
annex_a.records_section(viewer, code, service_id, month, label)  # an Annex A measure: the records behind it

# -- audits -----------------------------------------------------------------------------
st.header("Audits this month", anchor=False)
audit_row = clinic_data.service_audits(service_id, month, None).iloc[0]
if int(audit_row["total"]) == 0:
    st.write(f"No audits of {service} cases were completed in {label}.")
else:
    st.write(
        f"{int(audit_row['inadequate'])} of {int(audit_row['total'])} audits Inadequate "
        f"({audit_row['pct_inadequate']:.1f}%, 95% interval {audit_row['ci_low']:.1f}% to "
        f"{audit_row['ci_high']:.1f}%) against a target of no more than {INADEQUATE_TARGET_PCT:.0f}%: "
        f"**{audit_row['assessment']}**. Good or better: {audit_row['pct_good_or_better']:.1f}%."
    )
    grade_table = pd.DataFrame(
        [
            {
                "Outstanding": int(audit_row["outstanding"]),
                "Good": int(audit_row["good"]),
                "Requires improvement": int(audit_row["requires_improvement"]),
                "Inadequate": int(audit_row["inadequate"]),
                "Total": int(audit_row["total"]),
            }
        ]
    )
    st.dataframe(grade_table, hide_index=True)
    if weakest := clinic_data.weakest_areas(service_id, month):
        st.write(
            "Weakest areas (graded Requires improvement or Inadequate): "
            + "; ".join(f"{md(area)}: {weak} of {total}" for area, weak, total in weakest)
        )

# -- the meeting and its actions ----------------------------------------------------------
st.header("The meeting", anchor=False)
if flash := st.session_state.pop("clinic_flash", None):
    st.success(flash)
clinic_meeting.show_meeting(service_id, month, label, viewer, names)
st.header("Actions", anchor=False)
clinic_meeting.show_actions(service_id, month, viewer, names, meeting["meeting_date"] if meeting else None)
