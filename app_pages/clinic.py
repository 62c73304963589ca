"""Performance clinic: the AD chairs it on a shared screen, one service a month. The
service's measures in the Making Data Count style, one measure in detail, the month's
audits, and the actions agreed at earlier clinics (record new ones, mark them done).

Who sees what: action owners are staff names, shown only to those who see the service's
case-level detail (``qa_core.views.clinic``: otherwise "withheld", in the query); only the AD and the
service's own head of service get the forms that record and close actions, and the store
refuses anyone else too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from qa_core.errors import QAError
from qa_core.rules import periods
from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from qa_core.rules.formatting import round_half_up
from qa_core.views import clinic
from ui import annex_a, data, long_text, packs
from ui.chart_table import chart_with_table, table_with_download
from ui.components import ICON_KEY, measures_table
from ui.figures.spc import spc_figure
from ui.formatters import count_texts, fmt_count, fmt_number, value_texts
from ui.page import start
from ui.safe import md, plain
from ui.tags import rag_badge, style_tags


def _save(write: Callable[[], object], flash: Callable[[object], str]) -> None:
    """Run a store write; on success clear the caches and show ``flash(result)`` after the rerun."""
    try:
        result = write()
    except QAError as exc:
        st.error(md(str(exc)))  # a refusal may quote what was typed
    else:
        data.clear_caches()
        st.session_state["clinic_flash"] = flash(result)
        st.rerun()


ctx = start("clinic", needs_service="A clinic covers one service. Choose a service in the sidebar.")
viewer, month, service_id, label = ctx.viewer, ctx.month, ctx.service_id, ctx.month_label

measures = data.clinic_measures(service_id, month)
header = data.clinic_header(service_id, month)
service = md(header["service"])  # the service's name in markdown places
st.subheader(f"{service}: {label}", anchor=False)
st.caption(f"Head of service: {md(header['head_of_service'])}")
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
st.header("Measures", anchor=False)
if measures.empty:
    st.info(f"No measures have values for {service} in {label}.")
    st.stop()
st.caption(ICON_KEY + " Neighbours and England: latest published year (DfE).")
table_with_download(measures_table(measures), f"clinic-{service_id}-{month:%Y-%m}.csv",
                    "the clinic measures", "dl_clinic_measures", rag_columns=["RAG"])

# -- one measure in detail --------------------------------------------------------------
names = dict(zip(measures["code"], measures["name"], strict=True))
code = st.selectbox("Measure to discuss", list(names), key="measure", bind="query-params",
                    format_func=lambda c: names[c])
row = measures[measures["code"] == code].iloc[0]
unit = row["unit"]
series = data.service_series(code, service_id, month)
target = None if pd.isna(row["target"]) else float(row["target"])
points = clinic.measure_points(series, row["polarity"], target)
value_text = fmt_number(row["value"], unit)
count_text = fmt_count(row["numerator"], row["denominator"]) if unit == "%" else ""
# A Plotly title: the measure's name with its HTML escaped.
title = f"{plain(row['name'])}: {value_text} in {label}" + (f" ({count_text})" if count_text else "")
title += f", {row['rag'] or 'no target'}; {row['variation'].lower()}"

st.caption(f"How it is rated: {md(row['rag_rule'])}")
if isinstance(row["rag_note"], str):
    st.write(md(row["rag_note"]))

chart_col, detail_col = st.columns([3, 2])
with chart_col:
    note = "" if points["mean"].notna().any() else " Fewer than 12 months: no limits are shown."
    numbers = pd.DataFrame({
        "Month": points["period"].dt.strftime("%Y-%m"),
        "Numerator": series["numerator"], "Denominator": series["denominator"],
        # Under 12 months the limits are all None (an object column): make them numbers.
        **{name: round_half_up(pd.to_numeric(points[col], errors="coerce"), 2) for name, col in
           [("Value", "value"), ("Mean", "mean"), ("Upper limit", "ucl"), ("Lower limit", "lcl")]},
        "Special cause": points["special_cause"].fillna("none"),
    })
    chart_with_table(spc_figure(points, title, plain(unit), target,
                                f"Target: {fmt_number(target, unit)}" if target is not None else "Target"),
                     f"Chart: {md(row['name'])} for {service} each month, with the mean, process "
                     f"limits{' and target' if target is not None else ''}; special causes are marked by "
                     f"shape and named in the legend.{note}",
                     numbers, f"{code}-{service_id}.csv", "the chart data", "dl_clinic_spc", key="clinic_spc",
                     expander="Show the chart's numbers as a table")
with detail_col:
    st.subheader("Teams this month", anchor=False)
    teams = data.team_breakdown(code, service_id, month, viewer)
    if teams.empty:
        st.write("No team figures for this month.")
    else:
        team_table = pd.DataFrame({
            "Team": teams["team"],
            "Value": value_texts(teams["value"], [unit] * len(teams)),
            "Count": count_texts(teams["numerator"], teams["denominator"], [unit] * len(teams)),
        })
        table_with_download(team_table, f"{code}-{service_id}-{month:%Y-%m}-teams.csv",
                            "the team figures", "dl_clinic_teams")
    st.subheader("Commentary", anchor=False)
    notes = data.commentary(code, service_id, month)
    if notes.empty:
        st.write("No commentary recorded for this month.")
    for n, note_row in enumerate(notes.itertuples()):  # user text: never markdown or HTML; a long one shortened
        long_text.show_text(f"{note_row.text} ({note_row.author})", key=f"clinic_full_note_{code}_{n}")
annex_a.records_section(viewer, code, service_id, month, label)  # an Annex A measure: the records behind it

# -- audits -----------------------------------------------------------------------------
st.header("Audits this month", anchor=False)
audit_row = data.service_audits(service_id, month, None).iloc[0]
if int(audit_row["total"]) == 0:
    st.write(f"No audits of {service} cases were completed in {label}.")
else:
    st.write(
        f"{int(audit_row['inadequate'])} of {int(audit_row['total'])} audits Inadequate "
        f"({audit_row['pct_inadequate']:.1f}%, 95% interval {audit_row['ci_low']:.1f}% to "
        f"{audit_row['ci_high']:.1f}%) against a target of no more than {INADEQUATE_TARGET_PCT:.0f}%: "
        f"**{audit_row['assessment']}**. Good or better: {audit_row['pct_good_or_better']:.1f}%.")
    grade_table = pd.DataFrame([{
        "Outstanding": int(audit_row["outstanding"]), "Good": int(audit_row["good"]),
        "Requires improvement": int(audit_row["requires_improvement"]),
        "Inadequate": int(audit_row["inadequate"]), "Total": int(audit_row["total"])}])
    st.dataframe(grade_table, hide_index=True)
    areas = data.service_audits(service_id, month, "area")
    if not areas.empty:
        weakest = areas.assign(weak=areas["inadequate"] + areas["requires_improvement"]).sort_values(
            ["weak", "group"], ascending=[False, True]).head(3)
        st.write("Weakest areas (graded Requires improvement or Inadequate): " + "; ".join(
            f"{md(r.group)}: {r.weak} of {r.total}" for r in weakest.itertuples()))

# -- actions ----------------------------------------------------------------------------
st.header("Actions", anchor=False)
if flash := st.session_state.pop("clinic_flash", None):
    st.success(flash)
actions = data.clinic_actions(service_id, month, viewer)
manages = clinic.may_manage_actions(viewer, service_id)
if actions.empty:
    st.write("No actions have been agreed at this service's clinics yet.")
else:
    overdue = int((actions["status"] == "Overdue").sum())
    if overdue:
        st.warning(f"{overdue} clinic action{'s' if overdue != 1 else ''} overdue.", icon=":material/schedule:")
    owners_shown = viewer.sees_cases(service_id)
    action_table = pd.DataFrame({
        "Status": actions["status"], "Action": actions["description"], "Owner": actions["owner"],
        "Due": pd.to_datetime(actions["due_date"]).dt.strftime("%d %b %Y"),
        "Measure": actions["measure"].fillna(""),
        "Agreed at": pd.to_datetime(actions["clinic_month"]).dt.strftime("%b %Y"),
        "Done on": pd.to_datetime(actions["completed_date"]).dt.strftime("%d %b %Y").fillna(""),
        "Reference": actions["action_id"],
    })
    if not owners_shown:
        action_table = action_table.drop(columns="Owner")
    st.dataframe(style_tags(long_text.preview_frame(action_table, ["Action"]), {"Status": {"Overdue": "Red"}},
                            bold=True), hide_index=True, width="stretch")
    long_text.read_in_full(action_table, ["Action"], action_table["Reference"].tolist(), key="clinic_full_actions")
    if not owners_shown:
        st.caption("Owners are staff names: they are shown to the service's head of service, the assistant "
                   "director and the QA lead only.")

    open_ids = actions.loc[actions["status"] != "Done", "action_id"].tolist()
    if open_ids and manages:
        with st.form("complete_action"):
            st.write("Mark an action done")
            texts = dict(zip(actions["action_id"], actions["description"], strict=True))
            chosen = st.selectbox("Action", open_ids,
                                  format_func=lambda a: f"{a}: {long_text.preview(texts[a], long_text.LABEL_CHARS)}")
            done_on = st.date_input("Done on", value=min(dt.date.today(), periods.month_end(month)),
                                    format="DD/MM/YYYY")
            if st.form_submit_button("Mark done"):
                _save(lambda: data.complete_clinic_action(chosen, done_on, viewer),
                      lambda _: f"Action {chosen} marked done.")

if not manages:
    st.caption("Actions are recorded and marked done by the assistant director and the service's head of "
               "service.")
    st.stop()

with st.form("new_action", clear_on_submit=True):
    st.write("Record a new action")
    what = st.text_area("What will be done", max_chars=500)
    owner = st.text_input("Owner", max_chars=120)
    due = st.date_input("Due by", value=periods.month_end(month), format="DD/MM/YYYY")
    linked = st.selectbox("Linked measure", [None, *names], format_func=lambda c: "None" if c is None else names[c])
    if st.form_submit_button("Record action"):
        _save(lambda: data.record_clinic_action({
            "service_id": service_id, "clinic_month": month, "description": what,
            "owner": owner, "due_date": due, "code": linked}, viewer), lambda new_id: f"Action {new_id} recorded.")
