"""Audit grades: the QA lead's monthly read of case-file audits, shared with the AD and the
improvement board. The month's headline, then one tab per question in the order the QA lead
asks them: grades by month (p-chart against the 10% target), services and teams against the
target (funnel plot, never a ranking), the areas behind Inadequate grades, completion against
expectation, moderation, overdue audit actions, and the escalations due.

Follows the sidebar Month and Service; the comparison window, the comparison level, the
open tab and each toggle are bound to the URL, so a view is a link.

Who sees what: every figure is an aggregate except the overdue actions, the escalations and
completion by manager, which name cases and people. Their queries return only the rows the
viewer may see (``qa_core.roles``); where that is none for the chosen service the page says why
instead of showing the table, and a role with no case-level rights at all gets no such tabs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from qa_core.rules import periods
from qa_core.rules.audits import (
    AUDIT_ROLE_LABELS,
    ESCALATION,
    GRADE_COLUMNS,
    GRADES,
    INADEQUATE,
)
from qa_core.rules.formatting import round_half_up
from qa_core.views.audit_grades import DEFAULT_WINDOW, ESCALATION_NOTE, WINDOWS, trend_icons
from ui import audit_data, audit_programme, data, long_text, packs
from ui.chart_table import chart_with_table, download_csv
from ui.figures.audits import areas_figure, funnel_figure, grade_bars_figure, moderation_figure, p_chart_figure
from ui.figures.handover import spec_figure
from ui.figures.palette import CONFIG
from ui.formatters import TIER_WORDS, interval, pct, pct_of, plural
from ui.page import start
from ui.safe import md, plain
from ui.styled import number_styler
from ui.tags import ASSESSMENT_TAGS, GRADE_TAGS, style_tags

TABS = ["Grades by month", "Against the 10% target", "Areas behind Inadequate", "Completion", "Moderation",
        "Overdue audit actions", "Escalations due",
        *audit_programme.TABS]  # the programme: tools, themes, the escalation record, auditors, Tier 2
# -- small helpers ----------------------------------------------------------------------------

def tag_style(frame: pd.DataFrame, columns: dict) -> pd.io.formats.style.Styler:
    """Numbers to one decimal place with thousands separators, and text cells in tag colours."""
    return style_tags(number_styler(frame), columns)


def rows_height(n: int, most: int) -> int | str:
    """Tall enough to show every row (up to ``most`` pixels); Streamlit's own size up to 10 rows."""
    return "auto" if n <= 10 else min(38 + 35 * (n + 1), most)


# -- the filters ------------------------------------------------------------------------------

ctx = start("audits")
viewer, month, service_id, label = ctx.viewer, ctx.month, ctx.service_id, ctx.month_label
scope = md(ctx.service_name)  # shown only in markdown places
cases = f"{scope} cases" if service_id else "the council's cases"
where = scope if service_id else "the council"
first_month = data.months()[0]
month_key = month.strftime("%Y-%m")
slug = f"{service_id or 'council'}-{month_key}"
st.caption(f"{label} · {scope} · final grades (the moderator's where an audit was moderated), "
           "all audit tiers. Target: no more than 10% of audits Inadequate.")
packs.pack_buttons("audits", viewer, month=month, service=service_id)

choice_col, compare_col = st.columns([1, 2])
with choice_col:
    window = st.selectbox(
        "Period for comparisons", WINDOWS, index=WINDOWS.index(DEFAULT_WINDOW), key="audit_window",
        bind="query-params", format_func=lambda w: "This month only" if w == 1 else f"{w} months to the month",
        help="Used by the funnel plot, the areas behind Inadequate grades and moderation: one month "
             "holds too few audits per team to compare fairly.")
start = max(periods.window_start(month, window), first_month)
period = label if start == month else f"{start:%B %Y} to {label}"
with compare_col:
    if service_id is None:
        by = st.radio("Compare", ["service", "team"], key="audit_compare", bind="query-params", horizontal=True,
                      format_func=lambda b: "Services" if b == "service" else "Teams across the council")
    else:
        by = "team"
        st.write("")
        st.caption(f"Comparing the teams of {scope}.")

# -- the month's headline ---------------------------------------------------------------------

monthly = audit_data.monthly_grades(month, service_id)
now = monthly.iloc[-1]
total_now = int(now["total"])
completion_all = audit_data.completion(month, service_id, "all", viewer)
moderation_all = audit_data.moderation(month, service_id, window, None).iloc[0]
overdue_total = audit_data.overdue_count(month, service_id)
sees_cases, case_note = audit_data.case_scope(viewer, service_id)
month_end = periods.month_end(month)

cols = st.columns(5, border=True)
with cols[0]:
    st.metric("Inadequate", pct(now["pct_inadequate"]) if total_now else "No audits",
              help="Share of the month's audits whose final grade is Inadequate, with a Wilson 95% interval.")
    if total_now:
        st.write(f"{int(now['inadequate'])} of {total_now} audits; 95% interval "
                 f"{interval(now['ci_low'], now['ci_high'])}: **{now['assessment']}**.")
with cols[1]:
    st.metric("Good or better", pct(now["pct_good_or_better"]) if total_now else "No audits")
    if total_now:
        st.write(f"{int(now['outstanding']) + int(now['good'])} of {total_now} audits graded "
                 "Good or Outstanding.")
with cols[2]:
    if completion_all.empty or int(completion_all["expected"].iloc[0]) == 0:
        st.metric("Completed", "No expectation")
    else:
        c = completion_all.iloc[0]
        st.metric("Completed", pct(c["pct_complete"]), help="Audits counted against the month's expectation.")
        st.write(f"{int(c['done'])} of {int(c['expected'])} expected; "
                 f"{plural(int(c['shortfall']), 'audit')} short.")
with cols[3]:
    if int(moderation_all["moderated"]) == 0:
        st.metric("Moderation agreement", "None moderated")
        st.write(f"No audits moderated, {period}.")
    else:
        st.metric("Moderation agreement", pct(moderation_all["pct_agreement"]))
        st.write(f"{int(moderation_all['agreed'])} of {int(moderation_all['moderated'])} moderated grades "
                 f"kept, {period}.")
with cols[4]:
    st.metric("Overdue audit actions", f"{overdue_total:,}")
    st.write(f"Audit actions due before {month_end:%d %B %Y} and not done by then.")

# -- the tabs: only the open one is computed ------------------------------------------------------

CASE_TABS = ("Overdue audit actions", "Escalations due")
shown_tabs = TABS if viewer.sees_any_cases else [t for t in TABS if t not in CASE_TABS]
tabs = dict(zip(shown_tabs, st.tabs(shown_tabs, key="audit_tab", bind="query-params"), strict=True))


def case_rows_withheld() -> bool:
    """Say why case-level rows are missing or partial; True when there are none to show."""
    if not sees_cases:
        st.info(case_note, icon=":material/lock:")
        return True
    if case_note:
        st.caption(case_note)
    return False


def grades_tab() -> None:
    graded = monthly[monthly["total"] > 0]
    if graded.empty:
        st.info(f"No audits of {cases} up to {label}.")
        return
    if total_now == 0:
        st.info(f"No audits of {cases} were completed in {label}; the charts show earlier months.")
    counts = ", ".join(f"{int(now[c])} {GRADES[g]}" for g, c in zip(GRADES, GRADE_COLUMNS, strict=True))
    title = (f"{label}: {total_now} audits graded: {counts}" if total_now
             else f"No audits graded in {label}")
    st.plotly_chart(spec_figure(grade_bars_figure(monthly, title)), width="stretch", config=CONFIG,
                    key="audit_grade_bars")
    st.caption(f"Chart: number of audits each month from {first_month:%B %Y} to {label}, stacked by final "
               "grade (Outstanding plain, Good striped, Requires Improvement dotted, Inadequate crossed, from the "
               "bottom). The same numbers are in the table below the p-chart.")

    show_ci = st.toggle("Show each month's 95% interval on the p-chart", key="audit_show_ci",
                        bind="query-params")
    first = graded.iloc[0]
    if total_now:
        title = (f"{pct(now['pct_inadequate'])} of audits were Inadequate in {label} "
                 f"({int(now['inadequate'])} of {total_now}), against the 10% target")
    else:
        title = "Inadequate audits by month, against the 10% target"
    title += f"; {pct(first['pct_inadequate'], 0)} in {pd.Timestamp(first['month']):%B %Y}"
    icons = trend_icons(monthly)
    if icons["variation"] is None:
        spc_note = ("Fewer than 12 months with audits: the chart shows the months without process limits.")
    else:
        assurance = icons["assurance"]
        spc_note = (f"Variation: {icons['variation']['letter']}, {icons['variation']['label'].lower()} in "
                    f"{label}. Assurance: {assurance['letter']}, {assurance['label'].lower()}.")
    special = int(monthly["special_cause"].notna().sum())
    table = pd.DataFrame({
        "Month": monthly["group"],
        "Outstanding": monthly["outstanding"], "Good": monthly["good"],
        "Requires Improvement": monthly["requires_improvement"], "Inadequate": monthly["inadequate"],
        "Audits": monthly["total"], "% inadequate": round_half_up(monthly["pct_inadequate"], 1),
        "95% interval low": round_half_up(monthly["ci_low"], 1),
        "95% interval high": round_half_up(monthly["ci_high"], 1),
        "% good or better": round_half_up(monthly["pct_good_or_better"], 1),
        "Against the 10% target": monthly["assessment"],
        "Centre line %": round_half_up(monthly["p_mean"], 1),
        "Lower limit %": round_half_up(monthly["p_lcl"], 1), "Upper limit %": round_half_up(monthly["p_ucl"], 1),
        "Special cause": monthly["special_cause"].fillna("none"),
    })
    chart_with_table(
        spec_figure(p_chart_figure(monthly, title, show_ci)),
        f"Chart: percentage of audits graded Inadequate each month (a p-chart: the centre line is all months' "
        f"inadequate audits over all audits, {pct(monthly['p_mean'].iloc[-1])}; the process limits are 3 sigma "
        f"and widen in months with fewer audits), with the 10% target as a dashed line. {spc_note} "
        f"{plural(special, 'month')} flagged as special cause (marked by shape and named in the legend).",
        table, f"audit-grades-by-month-{slug}.csv", "grades by month", "dl_audit_months", key="audit_p_chart",
        shown=tag_style(table, {"Against the 10% target": ASSESSMENT_TAGS}))


def funnel_tab() -> None:
    frame = audit_data.funnel(month, service_id, window, by)
    noun, nouns = ("service", "services") if by == "service" else ("team", "teams")
    shown = frame[frame["total"] > 0]
    if shown.empty:
        st.info(f"No audits of {cases} in {period}: nothing to compare.")
        return
    above = shown["position"].str.startswith("above")
    below = shown["position"].str.startswith("below")
    if above.any():
        title = f"{int(above.sum())} of {len(shown)} {nouns} above the 95% limit around the 10% target ({period})"
    elif below.any():
        title = f"No {noun} above the funnel; {int(below.sum())} of {len(shown)} below the 95% limit ({period})"
    else:
        title = f"All {len(shown)} {nouns} within the funnel around the 10% target ({period})"
    fig, all_labelled = funnel_figure(frame, title, noun, period)
    st.plotly_chart(spec_figure(fig), width="stretch", config=CONFIG, key="audit_funnel")
    labels = ("Each point is labelled with its name, % inadequate and number of audits."
              if all_labelled else
              f"With {len(shown)} {nouns}, only the points beyond the 95% limits are labelled; hover over a point, "
              "or read the table, for the rest.")
    st.caption(
        f"Chart: each {noun}'s percentage of audits graded Inadequate (final grade) against its number of "
        f"audits, {period}, with the 10% target and funnel limits around it: 95% (dotted) and 99.8% (dashed). "
        "The limits are Wilson (score) limits: 10% ± z·√(0.1 × 0.9 / n), the spread worked out at the target, not "
        "at each point's own %, which makes them the Wilson interval turned round: a point beyond the 95% limit is "
        "exactly one whose Wilson 95% interval excludes 10% (the table's \"significant\" verdicts). Points "
        f"inside the funnel differ from 10% no more than chance would make them: do not rank {nouns} on them. "
        + labels)
    table = pd.DataFrame({
        noun.capitalize(): frame["name"],
        "Audits": frame["total"], "Inadequate": frame["inadequate"],
        "% inadequate": round_half_up(frame["pct_inadequate"], 1),
        "95% interval": [interval(lo, hi) for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)],
        "Against the 10% target": frame["assessment"],
        "Position in the funnel": frame["position"],
    })
    if by == "team" and service_id is None:
        table.insert(1, "Service", frame["service"])
    st.subheader(f"{nouns.capitalize()} against the target, {period}", anchor=False)
    st.dataframe(tag_style(table, {"Against the 10% target": ASSESSMENT_TAGS}), hide_index=True, width="stretch",
                 height=rows_height(len(table), 880))
    csv = table.assign(**{
        "Outstanding": frame["outstanding"], "Good": frame["good"],
        "Requires Improvement": frame["requires_improvement"],
        "95% interval low": round_half_up(frame["ci_low"], 2),
        "95% interval high": round_half_up(frame["ci_high"], 2),
        "95% limit low": round_half_up(frame["lower_95"], 2), "95% limit high": round_half_up(frame["upper_95"], 2),
        "99.8% limit low": round_half_up(frame["lower_998"], 2),
        "99.8% limit high": round_half_up(frame["upper_998"], 2),
    })
    download_csv(csv, f"audit-funnel-{by}-{slug}-{window}m.csv", "the funnel figures", "dl_audit_funnel")
    st.caption(f"In the organisation's order, never ranked by %. The verdict uses each {noun}'s Wilson 95% "
               "interval: \"significant\" only where the whole interval is above (or below) 10%.")


def areas_tab() -> None:
    areas = audit_data.area_drivers(month, service_id, window)
    if areas.empty or int(areas["inadequate_audits"].max()) == 0:
        st.info(f"No Inadequate audits with area grades for {where}, {period}.")
        return
    top = areas.iloc[0]
    n_inad = int(areas["inadequate_audits"].max())
    title = (f"{plain(top['area'])} was graded Inadequate in {pct(top['pct_area_inadequate'], 0)} of Inadequate audits "
             f"({int(top['area_inadequate'])} of {int(top['inadequate_audits'])}), {period}")
    total_inad = int(areas["inadequate_total"].iloc[0])
    table = pd.DataFrame({
        "Area": areas["area"],
        "In Inadequate audits: area Inadequate": [pct_of(v, k, n) for v, k, n in zip(
            areas["pct_area_inadequate"], areas["area_inadequate"], areas["inadequate_audits"], strict=True)],
        "95% interval": [interval(lo, hi) for lo, hi in zip(areas["ci_low"], areas["ci_high"], strict=True)],
        "Area RI": areas["area_ri"],
        "Area Inadequate or RI": [pct_of(v, k, n) for v, k, n in zip(
            areas["pct_area_weak"], areas["area_weak"], areas["inadequate_audits"], strict=True)],
        "In all audits: area Inadequate": [pct_of(v, k, n) for v, k, n in zip(
            areas["pct_all_inadequate"], areas["all_inadequate"], areas["all_audits"], strict=True)],
    })
    chart_with_table(
        spec_figure(areas_figure(areas, title)),
        f"Chart: for the {n_inad} audits graded Inadequate ({period}) that graded each area, the share in which "
        "the area itself was graded Inadequate (pink, with counts) or Requires Improvement (orange), highest "
        "first; the white diamond is how often the area was graded Inadequate across all audits, for "
        "comparison. "
        + (f"{plural(total_inad - n_inad, 'other Inadequate audit')} (thematic) do not grade areas. "
           if total_inad > n_inad else ""),
        table, f"audit-areas-{slug}-{window}m.csv", "the area figures", "dl_audit_areas", key="audit_areas",
        expander=None)


def completion_tab() -> None:
    views = ["team", "auditor"] if sees_cases else ["team"]  # a manager's row names them
    view = st.segmented_control("Show", views, default="team", key="audit_completion_by",
                                bind="query-params", required=True,
                                format_func=lambda v: "By team" if v == "team" else "By manager")
    view = view if view in views else "team"
    frame = audit_data.completion(month, service_id, view, viewer)
    if view == "auditor" and case_note:
        st.caption(case_note + " Everyone else's audits are in the By team view.")
    if frame.empty:
        gaps = audit_data.completion_gaps()
        st.info(f"No audit expectations recorded for {where} in {label}."
                + (f" Missing: {'; '.join(gaps)}." if gaps else "")
                + " The staff list, the expectation rules and any exemptions are loaded on the Data page.")
        return
    c = completion_all.iloc[0]
    exempt, part = frame["exempt"] > 0, frame["part_month"] > 0
    nothing = frame["expected"] == 0
    short = int((~frame["met"]).sum())
    rows = "managers" if view == "auditor" else "rows"
    away = []
    if int(c["exempt"]):
        away.append(plural(int(c["exempt"]), "person exempt", "people exempt"))
    if int(c["part_month"]):
        away.append(plural(int(c["part_month"]), "person in post for part of the month",
                           "people in post for part of the month"))
    st.markdown(
        f"**{pct(c['pct_complete'])} of expected audits counted in {label} ({int(c['done'])} of "
        f"{int(c['expected'])})**; {plural(int(c['shortfall']), 'audit')} short, in {short} of the {len(frame)} "
        f"{rows} below. {audit_data.expectation_words(month)}"
        + (f" {' and '.join(away)}: a month exempt or not worked in full counts as neither expected nor "
           "missed." if away else ""))
    table = pd.DataFrame({
        "Status": np.select([nothing & exempt, nothing & part, frame["met"]],
                            ["Exempt", "Part month", "Met"], "Short by " + frame["shortfall"].astype(str)),
    })
    if view == "auditor":
        table["Manager"] = frame["auditor"]
        table["Role"] = frame["role"]
    if service_id is None:
        table["Service"] = frame["service"]
    team = frame["unit"]
    if view == "auditor":
        team = team.where(frame["role"] != "Head of Service", "Tier 2 (outside own service)")
    table["Team"] = team
    table["Expected"] = frame["expected"]
    table["Counted"] = frame["done"]
    table["% complete"] = [pct_of(p, d, e) if e else "–" for p, d, e in
                           zip(frame["pct_complete"], frame["done"], frame["expected"], strict=True)]
    table["Not counted"] = frame["not_counted"]
    table["Shortfall"] = frame["shortfall"]
    if exempt.any():
        table["Exempt"] = frame["exempt"]
    if part.any():
        table["Part month"] = frame["part_month"]
    if view == "auditor" and frame["note"].str.len().gt(0).any():
        table["Note"] = frame["note"]  # plain text in a table cell: never Markdown
    colours = {s: "Red" for s in table["Status"] if s.startswith("Short")} | {"Met": "Green"}
    st.dataframe(tag_style(table, {"Status": colours}), hide_index=True, width="stretch",
                 height=rows_height(len(table), 900))
    if view == "team" or viewer.may_export_cases:
        download_csv(table, f"audit-completion-{view}-{slug}.csv", "the completion table", "dl_audit_completion")
    st.caption("Shortfall is summed manager by manager, so one manager's extra audits never hide another's "
               "missing ones. A team's row is its manager's audits, wherever the cases were. Who is expected "
               "comes from the staff list, the expectation rules and the exemptions held (the Data page).")


def moderation_tab() -> None:
    if int(moderation_all["moderated"]) == 0:
        st.info(f"No audits of {cases} were moderated, {period}.")
        return
    m = moderation_all
    up, down = int(m["upgraded"]), int(m["downgraded"])
    st.markdown(
        f"**Moderators kept {pct(m['pct_agreement'])} of grades ({int(m['agreed'])} of {int(m['moderated'])}; "
        f"95% interval {interval(m['agreement_ci_low'], m['agreement_ci_high'])})**, {period}. "
        f"They judged {plural(down, 'audit')} worse (moved down) and {plural(up, 'audit')} better (moved up); "
        f"mean shift {m['mean_shift']:+.2f} of a grade. {pct_of(m['pct_moderated'], m['moderated'], m['audits'])} "
        f"of audits were moderated, and {pct_of(m['pct_good_moderated'], m['good_moderated'], m['good_audits'])} "
        "of those the auditor graded Good or Outstanding (these need moderating to give assurance).")
    grid = audit_data.moderation_grid(month, service_id, window)
    cells = grid.to_numpy()
    title = f"{int(np.trace(cells))} of {int(cells.sum())} grades kept; {down} moved down, {up} up"
    matrix_col, table_col = st.columns([5, 8])
    with matrix_col:
        matrix = grid.reset_index().rename(columns={"overall": "Auditor's grade \\ moderator's grade"})
        chart_with_table(spec_figure(moderation_figure(grid, title)),
                         "Chart: moderated audits by the auditor's grade (rows) and the moderator's grade (columns), "
                         "with counts in each cell (RI: Requires Improvement). The diagonal is agreement; right of it "
                         "the moderator judged the work worse.",
                         matrix, f"audit-moderation-matrix-{slug}-{window}m.csv", "the matrix", "dl_audit_matrix",
                         key="audit_moderation_matrix", expander="Show the matrix as a table")
    with table_col:
        frame = audit_data.moderation(month, service_id, window, by)
        noun = "service" if by == "service" else "team"
        st.subheader(f"By {noun}", anchor=False)
        table = pd.DataFrame({noun.capitalize(): frame[noun]})
        table["Moderated"] = [pct_of(p, k, n) for p, k, n in
                              zip(frame["pct_moderated"], frame["moderated"], frame["audits"], strict=True)]
        table["Agreement"] = [pct_of(p, k, n) if n else "–" for p, k, n in
                              zip(frame["pct_agreement"], frame["agreed"], frame["moderated"], strict=True)]
        table["95% interval"] = ["–" if pd.isna(lo) else f"{lo:.0f}–{hi:.0f}%" for lo, hi in
                                 zip(frame["agreement_ci_low"], frame["agreement_ci_high"], strict=True)]
        table["Down"] = frame["downgraded"]
        table["Up"] = frame["upgraded"]
        st.dataframe(table, hide_index=True, width="stretch", height=rows_height(len(table), 700))
        csv = table.assign(**{
            "Service": frame["service"], "Audits": frame["audits"], "Moderated audits": frame["moderated"],
            "Good or better audits": frame["good_audits"], "Good or better moderated": frame["good_moderated"],
            "Agreed": frame["agreed"], "Mean shift": round_half_up(frame["mean_shift"], 3)})
        download_csv(csv, f"audit-moderation-{by}-{slug}-{window}m.csv", "moderation by group", "dl_audit_moderation")
        st.caption("Down: the moderator judged the work worse; up: better. Small numbers: read the interval, "
                   "not the order. The download adds the mean shift and the Good or better audits moderated.")


def overdue_tab() -> None:
    if overdue_total == 0:
        st.info(f"No audit actions for {cases} were overdue at {month_end:%d %B %Y}.")
        return
    if case_rows_withheld():
        st.write(f"{plural(overdue_total, 'audit action')} overdue at {month_end:%d %B %Y}.")
        return
    overdue = audit_data.overdue_actions(month, service_id, viewer)
    if overdue.empty:
        st.info(f"{plural(overdue_total, 'audit action')} overdue at {month_end:%d %B %Y}, none on the cases "
                "listed to you.")
        return
    days = overdue["days_overdue"]
    bands = [int((days <= 30).sum()), int(((days > 30) & (days <= 90)).sum()), int((days > 90).sum())]
    st.markdown(
        f"**{plural(len(overdue), 'audit action')} overdue at {month_end:%d %B %Y}**"
        + (f" (of {overdue_total:,} for {where})" if len(overdue) != overdue_total else "")
        + f": {bands[0]} up to 30 days, "
        f"{bands[1]} 31 to 90 days, {bands[2]} over 90 days. Most overdue first.")
    table = pd.DataFrame({
        "Case reference": overdue["case_ref"],
        "Days overdue": overdue["days_overdue"],
        "Due": pd.to_datetime(overdue["due_date"]).dt.strftime("%d %b %Y"),
        "Action": overdue["description"], "Owner": overdue["owner"],
        "Team": overdue["team"], "Service": overdue["service"], "Audit grade": overdue["grade_name"],
        "Audit": overdue["audit_id"],
        "Done later on": pd.to_datetime(overdue["completed_date"]).dt.strftime("%d %b %Y").fillna(""),
    })
    if service_id is not None:
        table = table.drop(columns="Service")
    st.dataframe(long_text.preview_frame(table, ["Action"]), hide_index=True, width="stretch",
                 height=rows_height(len(table), 600))
    long_text.read_in_full(table, ["Action"], (table["Audit"] + ", due " + table["Due"]).tolist(),
                           key="audit_full_overdue")
    if viewer.may_export_cases:
        download_csv(table, f"overdue-audit-actions-{slug}.csv", "the overdue actions", "dl_audit_overdue")
    st.caption("Action and owner are as recorded on the audit. \"Done later on\" is filled only where the "
               "action was completed after the end of the month.")


def escalations_tab() -> None:
    if case_rows_withheld():
        return
    every = st.toggle("Show every grade's escalations (not only Inadequate)", key="audit_every_grade",
                      bind="query-params")
    frame = audit_data.escalations_due(month, service_id, every, viewer)
    if frame.empty:
        what = "audits" if every else "audits graded Inadequate"
        st.info(f"No {what} of {cases} were completed in {label}: no escalations are due.")
        return
    inadequate = int((frame["grade_name"] == GRADES[INADEQUATE]).sum())
    if every:
        st.markdown(f"**{plural(len(frame), 'audit')} completed in {label}**, each with whom its final grade must "
                    f"be escalated to; {inadequate} Inadequate.")
    else:
        told = " and ".join(f"the {AUDIT_ROLE_LABELS[role]}" for role in ESCALATION[INADEQUATE])
        st.markdown(f"**{plural(inadequate, 'audit')} completed in {label} graded Inadequate**: each must be "
                    f"escalated to {told}.")
    table = pd.DataFrame({
        "Case reference": frame["case_ref"],
        "Final grade": frame["grade_name"],
        "Escalate to": frame["escalate_to"],
        "Audit date": pd.to_datetime(frame["audit_date"]).dt.strftime("%d %b %Y"),
        "Service": frame["service"], "Team": frame["team"],
        "Tier": frame["tier"].map(TIER_WORDS).fillna(frame["tier"]),
        "Auditor": frame["auditor"],
        "Auditor's grade": frame["overall_grade"].map(GRADES),
        "Moderated": np.where(frame["moderated"].astype(bool), "Yes", "No"),
        "Audit": frame["audit_id"],
    })
    if service_id is not None:
        table = table.drop(columns="Service")
    st.dataframe(tag_style(table, {"Final grade": GRADE_TAGS}), hide_index=True, width="stretch")
    if viewer.may_export_cases:
        download_csv(table, f"audit-escalations-{slug}.csv", "the escalations", "dl_audit_escalations")
    st.caption(ESCALATION_NOTE)


RENDER = {
    "Grades by month": grades_tab, "Against the 10% target": funnel_tab, "Areas behind Inadequate": areas_tab,
    "Completion": completion_tab, "Moderation": moderation_tab, "Overdue audit actions": overdue_tab,
    "Escalations due": escalations_tab,
}
choices = audit_programme.Choices(month, label, service_id, viewer, window, period, slug)
RENDER.update({name: (lambda render=render: render(choices)) for name, render in audit_programme.RENDER.items()})
for name, tab in tabs.items():
    if tab.open is False:  # lazy tabs: only the open one runs (None would mean "not tracked": run all)
        continue
    with tab:
        RENDER[name]()
