"""The Audit grades page's programme tabs: results per tool and area, the thematic programme, the
escalation record (with its form), auditor capacity and exemptions, and the Tier 2 allocation. Each
tab is one function taking the page's choices (:class:`Choices`); ``app_pages/audits.py`` lists them.

Case references and people's names reach only the rows the viewer may see (the views filter them in
SQL); the counts beside them are aggregates every role on the page sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from qa_core.errors import QAError
from qa_core.roles import Viewer
from qa_core.rules.audits import AUDIT_ROLE_LABELS, GRADES
from qa_core.rules.deadlines import DUE, LATE, ON_TIME, OVERDUE
from qa_core.rules.periods import month_end
from qa_core.views.audit_grades import ESCALATION_NOTE
from qa_core.views.audit_programme import GRADINGS, may_record_escalations
from ui import audit_data, data, programme_data
from ui.chart_table import chart_with_table, download_csv
from ui.figures.palette import DARK_BLUE, GREY, GRID, ORANGE, TEXT, TURQUOISE
from ui.formatters import interval, pct_of, plural
from ui.safe import md
from ui.tags import style_tags

__all__ = ["TABS", "CASE_TABS", "Choices", "RENDER"]

#: The programme's tabs, after the page's own.
TABS = ["Tools and areas", "Thematic audits", "Escalation record", "Auditors", "Tier 2 allocation"]
STATUS_TAGS = {OVERDUE: "Red", LATE: "Amber", ON_TIME: "Green", "Met": "Green", "Not met": "Red", "Not recorded": "Red"}
TOLD_WORDS = {OVERDUE: "Overdue", DUE: "Not yet due", LATE: "Told late", ON_TIME: "Told on time"}
DONE_WORDS = {OVERDUE: "Overdue", DUE: "Not yet due", LATE: "Done late", ON_TIME: "Done on time"}


@dataclass(frozen=True)
class Choices:
    """What the page has chosen: the month (and its label), the service (None: the council), the viewer,
    the comparison window and its words, and a slug for file names."""

    month: dt.date
    label: str
    service_id: str | None
    viewer: Viewer
    window: int
    period: str
    slug: str


def _day(value: object) -> str:
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%d %b %Y}"


def _withheld(c: Choices) -> bool:
    """Say why case-level rows are missing or partial; True when there are none to show."""
    sees, note = audit_data.case_scope(c.viewer, c.service_id)
    if not sees:
        st.info(note, icon=":material/lock:")
        return True
    if note:
        st.caption(note)
    return False


# -- tools and areas --------------------------------------------------------------------------


def tools_tab(c: Choices) -> None:
    tools = programme_data.tool_results(c.month, c.service_id, c.window)
    if tools.empty:
        st.info(f"No audits in {c.period}.")
        return
    st.subheader(f"Results by audit tool, {c.period}", anchor=False)
    table = pd.DataFrame(
        {
            "Tool": tools["tool"],
            "How it grades": tools["grading"].map(GRADINGS),
            "Audits": tools["audits"],
            "Result": [
                pct_of(r.pct_yes, r.yes, r.answered) + " of answers yes"
                if r.grading == "yes_no"
                else (pct_of(r.pct_inadequate, r.inadequate, r.total) + " Inadequate" if r.total else "No grades")
                for r in tools.itertuples()
            ],
            "95% interval": [
                interval(r.yes_ci_low, r.yes_ci_high) if r.grading == "yes_no" else interval(r.ci_low, r.ci_high)
                for r in tools.itertuples()
            ],
            "Against the 10% target": tools["assessment"],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    download_csv(tools, f"audit-tools-{c.slug}-{c.window}m.csv", "the results by tool", "dl_audit_tools")
    st.caption(
        "A graded tool (1 Outstanding to 4 Inadequate) is read against the 10% target; a yes/no tool (the "
        "supervision file audit) reports compliance, the share of its questions answered yes, and is never "
        "graded. Tools are the council's list (Data page, audit_tools); a tool an audit names that is not on it "
        "is shown by the name the audit gave."
    )
    areas = programme_data.area_results(c.month, c.service_id, c.window)
    if areas.empty:
        st.info(f"No audit graded an area or answered a question in {c.period}.")
        return
    names = list(dict.fromkeys(areas["tool"]))
    chosen = st.selectbox("Areas and questions of", names, key="audit_tool", bind="query-params")
    rows = areas[areas["tool"] == chosen]
    yes_no = (rows["grading"] == "yes_no").all()
    st.subheader(f"{md(chosen)}: {'questions' if yes_no else 'areas'}, {c.period}", anchor=False)
    shown = pd.DataFrame(
        {
            "No.": rows["seq"].astype("object").where(rows["seq"].notna(), ""),
            "Question" if yes_no else "Area": rows["item"],
        }
    )
    if yes_no:
        shown["Answered yes"] = [
            pct_of(p, k, n) for p, k, n in zip(rows["pct_yes"], rows["yes"], rows["answered"], strict=True)
        ]
    else:
        for col, word in (
            ("outstanding", "Outstanding"),
            ("good", "Good"),
            ("requires_improvement", "RI"),
            ("inadequate", "Inadequate"),
        ):
            shown[word] = rows[col].to_numpy()
        shown["Inadequate or RI"] = [
            pct_of(p, k, n) for p, k, n in zip(rows["pct_weak"], rows["weak"], rows["answered"], strict=True)
        ]
    shown["95% interval"] = [interval(lo, hi) for lo, hi in zip(rows["ci_low"], rows["ci_high"], strict=True)]
    st.dataframe(shown, hide_index=True, width="stretch")
    download_csv(rows, f"audit-areas-{c.slug}-{c.window}m.csv", "these areas", "dl_audit_areas")
    st.caption("Counts beside every percentage; the interval is Wilson's 95%. In the tool's own order.")


# -- the thematic programme --------------------------------------------------------------------


def themes_tab(c: Choices) -> None:
    coverage, per_year, months = programme_data.theme_coverage(c.month)
    span = f"{months[0]:%B %Y} to {c.label}"
    if coverage.empty:
        st.info(f"No theme was planned or audited from {span}. The plan is imported as audit_themes (Data page).")
    else:
        met = int(coverage["meets"].sum())
        st.subheader(f"{met} of {len(coverage)} themes audited in at least {per_year} months, {span}", anchor=False)
        table = pd.DataFrame(
            {
                "Theme": coverage["theme"],
                "Months planned": coverage["planned_months"],
                "Months audited": coverage["audited_months"],
                "Audits": coverage["audits"],
                "Planned, not audited": coverage["planned_not_audited"],
                "Audited in": coverage["audited_in"],
                "Coverage": ["Met" if m else "Not met" for m in coverage["meets"]],
                "Plan": [f"{n} of {per_year}" for n in coverage["planned_months"]],
            }
        )
        st.dataframe(style_tags(table, {"Coverage": STATUS_TAGS}), hide_index=True, width="stretch")
        download_csv(table, f"theme-coverage-{c.slug}.csv", "the coverage", "dl_theme_coverage")
        st.caption(
            f"Each theme is to be audited in at least {per_year} months a year (the framework: at least twice "
            "a year; a council may set its own, audit_targets). Met: audited in that many months of the 12; "
            "Plan: the months the imported plan gives it. Council-wide, whatever the service chosen."
        )
    results = programme_data.theme_results(c.month, c.service_id)
    if not results.empty:
        st.subheader(f"Results by theme, {span}", anchor=False)
        table = pd.DataFrame(
            {
                "Theme": results["theme"],
                "Month": [f"{pd.Timestamp(m):%b %Y}" for m in results["month"]],
                "Audits": results["audits"],
                "Inadequate": [
                    pct_of(p, k, n) if n else "–"
                    for p, k, n in zip(results["pct_inadequate"], results["inadequate"], results["total"], strict=True)
                ],
                "95% interval": [
                    interval(lo, hi) for lo, hi in zip(results["ci_low"], results["ci_high"], strict=True)
                ],
                "Good or better": [
                    pct_of(p, g + o, n) if n else "–"
                    for p, g, o, n in zip(
                        results["pct_good_or_better"],
                        results["good"],
                        results["outstanding"],
                        results["total"],
                        strict=True,
                    )
                ],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch")
        download_csv(results, f"theme-results-{c.slug}.csv", "the results by theme", "dl_theme_results")
        st.caption(
            "A thematic audit's theme is the one its file gives, else the theme planned for its month with "
            "its tool. Months hold a handful of audits each: read the counts and intervals, not the order."
        )
    _remedial(c)


def _remedial(c: Choices) -> None:
    days = int(programme_data.targets_in_force(c.month)["remedial_working_days"] or 0)
    counts = programme_data.remedial_counts(c.month, c.service_id)
    total = sum(counts.values())
    st.subheader(f"Remedial work from thematic audits in {c.label}", anchor=False)
    if not total:
        st.write(f"No remedial actions were recorded on thematic audits in {c.label}.")
        return
    st.markdown(
        f"**{plural(counts[OVERDUE], 'remedial action')} overdue** at {month_end(c.month):%d %B %Y}, "
        f"{counts['Done late']} done late, {counts['Done on time']} done on time, {counts[DUE]} not yet due "
        f"(of {total})."
    )
    st.caption(
        f"Due within {days} working days of the audit (the framework: within five days), counted Monday to "
        "Friday without England's bank holidays; breaches (overdue, done late) are flagged whatever due date "
        "was recorded on the action."
    )
    if _withheld(c):
        return
    rows = programme_data.remedial_actions(c.month, c.service_id, c.viewer)
    if rows.empty:
        st.info("None on the cases listed to you.")
        return
    table = pd.DataFrame(
        {
            "Status": rows["status"].map(DONE_WORDS),
            "Case reference": rows["case_ref"],
            "Theme": rows["theme"].fillna(""),
            "Action": rows["description"],
            "Owner": rows["owner"],
            "Audit date": rows["audit_date"].map(_day),
            f"Deadline ({days} working days)": rows["deadline"].map(_day),
            "Due date recorded": rows["due_date"].map(_day),
            "Done on": rows["completed_date"].map(_day),
            "Team": rows["team"],
            "Action ref": rows["action_id"],
        }
    )
    st.dataframe(
        style_tags(table, {"Status": {"Overdue": "Red", "Done late": "Amber", "Done on time": "Green"}}),
        hide_index=True,
        width="stretch",
    )
    if c.viewer.may_export_cases:
        download_csv(table, f"remedial-actions-{c.slug}.csv", "the remedial actions", "dl_remedial")


# -- the escalation record ----------------------------------------------------------------------


def escalations_tab(c: Choices) -> None:
    days = int(programme_data.targets_in_force(c.month)["escalation_working_days"] or 0)
    counts = programme_data.escalation_counts(c.month, c.service_id)
    total = sum(counts.values())
    if flash := st.session_state.pop("audit_escalation_flash", None):
        st.success(flash)
    if not total:
        st.info(f"No graded audits were completed in {c.label}: nothing to escalate.")
        return
    cols = st.columns(4, border=True)
    for col, status in zip(cols, (OVERDUE, DUE, LATE, ON_TIME), strict=True):
        with col:
            st.metric(
                TOLD_WORDS[status],
                f"{counts[status]:,}",
                help="People an audit's grade goes to, by whether they were told within the time limit.",
            )
    st.caption(
        f"Each graded audit of {c.label} and each person its final grade goes to, told within {days} working "
        "days of the audit (no source sets a time: the council sets its own, audit_targets). Overdue: not "
        f"recorded as told by {month_end(c.month):%d %B %Y} with the time passed. {ESCALATION_NOTE}"
    )
    if _withheld(c):
        return
    rows = programme_data.escalation_record(c.month, c.service_id, c.viewer)
    if rows.empty:
        st.info("None on the cases listed to you.")
        return
    only_open = st.toggle("Only those not yet recorded as told", key="audit_escalation_open", bind="query-params")
    shown = rows[rows["told_on"].isna()] if only_open else rows
    table = pd.DataFrame(
        {
            "Status": shown["status"].map(TOLD_WORDS),
            "Case reference": shown["case_ref"],
            "Audit": shown["audit_id"],
            "Final grade": shown["grade_name"],
            "Tell": shown["notify_role"].map(AUDIT_ROLE_LABELS),
            "Who": shown["expected_name"].fillna(""),
            "Told": shown["told_name"].fillna(""),
            "Told on": shown["told_on"].map(_day),
            "Deadline": shown["deadline"].map(_day),
            "Recorded by": shown["recorded_by"].fillna(""),
            "Team": shown["team"],
        }
    )
    st.dataframe(
        style_tags(table, {"Status": {"Overdue": "Red", "Told late": "Amber", "Told on time": "Green"}}),
        hide_index=True,
        width="stretch",
        height="auto" if len(table) <= 10 else 600,
    )
    if c.viewer.may_export_cases:
        download_csv(table, f"escalation-record-{c.slug}.csv", "the escalation record", "dl_escalation_record")
    _record_form(c, rows)


def _record_form(c: Choices, rows: pd.DataFrame) -> None:
    if not may_record_escalations(c.viewer):
        st.caption("Escalations are recorded by the QA lead and by the auditors (team managers, heads of service).")
        return
    waiting = rows[rows["told_on"].isna()]
    if waiting.empty:
        st.caption("Every escalation of the month listed to you is recorded.")
        return
    options = [f"{a}|{r}" for a, r in zip(waiting["audit_id"], waiting["notify_role"], strict=True)]
    words = {
        f"{r.audit_id}|{r.notify_role}": f"{r.audit_id} ({r.case_ref}, {r.grade_name}): "
        f"{AUDIT_ROLE_LABELS[r.notify_role]}"
        for r in waiting.itertuples()
    }
    expected = {f"{r.audit_id}|{r.notify_role}": r.expected_name for r in waiting.itertuples()}
    with st.form("record_escalation", clear_on_submit=True):
        st.write("Record that someone was told")
        chosen = st.selectbox("Escalation", options, format_func=lambda o: words[o], key="audit_escalation_pick")
        name = st.text_input("Name of the person told (blank: as listed)", max_chars=200, key="audit_escalation_name")
        told_on = st.date_input(
            "Told on", value=min(dt.date.today(), month_end(c.month)), format="DD/MM/YYYY", key="audit_escalation_day"
        )
        if st.form_submit_button("Record as told", key="audit_escalation_save"):
            audit_id, role = chosen.split("|", 1)
            given = name.strip() or (None if pd.isna(expected[chosen]) else expected[chosen])
            try:
                programme_data.record_escalation(audit_id, role, told_on, given, c.viewer)
            except QAError as exc:
                st.error(md(str(exc)))
            else:
                data.clear_caches()
                st.session_state["audit_escalation_flash"] = (
                    f"Recorded: the {AUDIT_ROLE_LABELS[role]} was told of {md(audit_id)} on {told_on:%d %B %Y}."
                )
                st.rerun()


# -- auditors --------------------------------------------------------------------------------------


def _capacity_figure(frame: pd.DataFrame, title: str) -> go.Figure:
    x = [f"{pd.Timestamp(m):%b %Y}" for m in frame["month"]]
    fig = go.Figure()
    fig.add_scatter(
        x=x,
        y=frame["auditors"],
        name="Trained auditors",
        mode="lines+markers",
        line={"color": DARK_BLUE, "width": 3},
        marker={"symbol": "circle", "size": 8},
    )
    fig.add_scatter(
        x=x,
        y=frame["moderators"],
        name="Moderators",
        mode="lines+markers",
        line={"color": TURQUOISE, "width": 3},
        marker={"symbol": "square", "size": 8},
    )
    for col, name, colour in (
        ("auditors_target", "Auditors target", ORANGE),
        ("moderators_target", "Moderators target", GREY),
    ):
        if frame[col].notna().any():
            fig.add_scatter(x=x, y=frame[col], name=name, mode="lines", line={"color": colour, "dash": "dash"})
    fig.update_layout(
        title={"text": title, "font": {"color": TEXT}},
        plot_bgcolor="white",
        height=380,
        margin={"t": 60, "b": 40, "l": 50, "r": 20},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": "People at the end of the month", "gridcolor": GRID, "rangemode": "tozero"},
    )
    return fig


def auditors_tab(c: Choices) -> None:
    frame = programme_data.capacity(c.month)
    last = frame.iloc[-1]
    want = last["auditors_target"]
    against = (
        f" against a target of {want:.0f} ({int(last['auditors_short'])} short)"
        if pd.notna(want) and int(last["auditors_short"])
        else (f", meeting the target of {want:.0f}" if pd.notna(want) else " (no target set)")
    )
    title = f"{int(last['auditors'])} trained auditors and {int(last['moderators'])} moderators at the end of {c.label}"
    table = pd.DataFrame(
        {
            "Month": [f"{pd.Timestamp(m):%B %Y}" for m in frame["month"]],
            "Trained auditors": frame["auditors"],
            "Joined": frame["joined"],
            "Left": frame["left"],
            "Moved to moderating": frame["moved_to_moderator"],
            "Moderators": frame["moderators"],
            "New moderators": frame["became_moderator"],
            "Auditors target": frame["auditors_target"],
            "Auditors short": frame["auditors_short"],
            "Moderators target": frame["moderators_target"],
            "Moderators short": frame["moderators_short"],
        }
    )
    chart_with_table(
        _capacity_figure(frame, title + against),
        (
            "Chart: trained auditors and moderators in post at the end of each of the last 12 months (from the staff "
            "list: the auditor and moderator flags, the days they were trained or became moderators, and their dates "
            "in post), with the council's targets as dashed lines. Each month, auditors = last month's + joined − left "
            "− moved to moderating (those who stopped auditing when they became moderators). Council-wide."
        ),
        table,
        f"auditor-capacity-{c.month:%Y-%m}.csv",
        "the auditor numbers",
        "dl_capacity",
        key="audit_capacity",
        expander=None,
    )
    st.subheader("Exemptions from the audit expectation, last 12 months", anchor=False)
    if not c.viewer.sees_any_cases:
        return
    rows = programme_data.exemptions(c.month, c.viewer)
    if rows.empty:
        st.write("No exemptions listed to you in the last 12 months.")
        return
    unapproved = int((~rows["approved"]).sum())
    st.write(
        f"{plural(len(rows), 'exemption')}; {plural(unapproved, 'has', 'have')} no approver recorded."
        if unapproved
        else f"{plural(len(rows), 'exemption')}, each with who approved it."
    )
    shown = pd.DataFrame(
        {
            "Month": [f"{pd.Timestamp(m):%B %Y}" for m in rows["month"]],
            "Name": rows["name"],
            "Role": rows["role"].str.replace("_", " "),
            "Service": rows["service"],
            "Team": rows["team"],
            "Reason": rows["reason"],
            "Approved by": rows["approved_by"].fillna("Not recorded"),
        }
    )
    st.dataframe(style_tags(shown, {"Approved by": STATUS_TAGS}), hide_index=True, width="stretch")
    st.caption(
        "Exemptions are approved by the Director (the committee's rule): one with no approver recorded is "
        "flagged. A month exempt counts as neither expected nor missed."
    )


# -- Tier 2 -----------------------------------------------------------------------------------------


def tier2_tab(c: Choices) -> None:
    summary = programme_data.tier2_summary(c.month)
    if not summary["heads"]:
        st.info(
            f"No Tier 2 cases were allocated for {c.label}. They are picked at the start of the month with "
            f"`python -m qa_core select-tier2 --month {c.month:%Y-%m}`."
        )
        return
    st.markdown(
        f"**{summary['allocated']} of {summary['heads']} heads of service were allocated a case for "
        f"{c.label}; {summary['audited']} of those cases were audited at Tier 2 in the month.**"
    )
    st.caption(
        "Each head of service audits one case a month outside their own service, picked at random at the start "
        "of the month (the framework, appendix 4) from the cases the store knows, less any audited at Tier 2 in "
        "the year before; `python -m qa_core select-tier2 --month YYYY-MM --seed N` picks and records them, the "
        "same picks for the same data and seed."
    )
    if _withheld(c):
        return
    rows = programme_data.tier2_allocations(c.month, c.viewer)
    if rows.empty:
        st.info("None of the allocations is listed to you.")
        return
    table = pd.DataFrame(
        {
            "Head of service": rows["head_of_service"],
            "Their service": rows["head_service"].fillna(""),
            "Case reference": rows["case_ref"].fillna("no eligible case"),
            "Case's service": rows["service"].fillna(""),
            "Team": rows["team"].fillna(""),
            "Audited": [
                f"Yes, {_day(d)} ({GRADES.get(int(g), '')})" if a and pd.notna(g) else ("Yes" if a else "Not yet")
                for a, d, g in zip(rows["audited"], rows["audit_date"], rows["grade"], strict=True)
            ],
            "Seed": rows["seed"],
        }
    )
    st.dataframe(style_tags(table, {"Audited": {"Not yet": "Red"}}), hide_index=True, width="stretch")
    if c.viewer.may_export_cases:
        download_csv(table, f"tier2-allocation-{c.slug}.csv", "the allocation", "dl_tier2")


RENDER = {
    "Tools and areas": tools_tab,
    "Thematic audits": themes_tab,
    "Escalation record": escalations_tab,
    "Auditors": auditors_tab,
    "Tier 2 allocation": tier2_tab,
}
#: Tabs that list cases or names beneath their counts (shown to every role on the page; rows only to some).
CASE_TABS = ("Escalation record", "Tier 2 allocation")
