"""Team profiles: a Head of Service looks at their teams side by side before the clinic, and
prints one profile per team for the office notice board. No worker, auditor or case is named.

Two views (a control bound to the URL; a link naming a team opens on its profile):
* Teams side by side: the month's table (RAG counts, audits done against expectation,
  inadequate audits with intervals, overdue actions), then small multiples: one chart per
  measure, one panel per team on the same scale, 24 months.
* Team profile: one team's measures with RAG and a 12-month trend, audits done against
  expectation, grade mix with Wilson intervals, overdue audit actions, and a printable A4 page.
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import streamlit as st

from qa_core.rules import disclosure, periods
from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from qa_core.rules.formatting import round_half_up
from qa_core.views.team_profile_html import profile_html, rag_words
from ui import packs, team_data
from ui.chart_table import chart_with_table, download_csv, numbers_key, table_with_download
from ui.figures.palette import CONFIG
from ui.figures.teams import grade_figure, wrap_lines
from ui.filters import large_type
from ui.formatters import count_texts, format_target, pct_share, value_texts
from ui.page import start
from ui.safe import md
from ui.tags import rag_badge, style_rag
from ui.teams_side import RAGS

# Printing the page itself: drop the app's chrome, the widgets and the downloads (static CSS only).
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stExpander"], [data-testid="stSelectbox"],
  [data-testid="stDecoration"] { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], .stApp { overflow: visible !important;
    position: static !important; height: auto !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stPlotlyChart"], [data-testid="stDataFrame"] { break-inside: avoid; }
}
</style>"""


# -- the two views --------------------------------------------------------------------------
def _teams_view(service_id: str, service: str, month: dt.date, label: str, report: pd.DataFrame) -> None:
    """The service's teams side by side: the month's table, then one small chart per measure
    (worked out once per view and data version: ``team_data.side_by_side``)."""
    view = team_data.side_by_side(service_id, month, service, label, large_type())
    st.header("Teams side by side", anchor=False)
    st.write(view.summary)
    st.caption("Red, Amber, Green: how many of the team's measures have each rating this month (no rating: no target, "
               "or no value this month). Inadequate audits: "
               "audits of the team's cases by final grade (moderated where moderated), with a 95% interval; with "
               f"a handful of audits the interval is wide, so teams are not ranked. Target: no more than "
               f"{INADEQUATE_TARGET_PCT:.0f}% Inadequate.")
    table_with_download(view.table, f"teams-{service_id}-{month:%Y-%m}.csv", "the teams table", "dl_teams_side")
    download_csv(report, f"team-report-{service_id}-{month:%Y-%m}.csv", "the full team report", "dl_team_report",
                 note="every team and measure")

    st.header(f"Measures by team: {team_data.SMALL_MULTIPLE_MONTHS} months to {label}", anchor=False)
    if not view.charts:
        st.info(f"No measures have team values for {md(service)} in {label}.")
    else:
        st.caption("One chart per measure; each grey panel is one team, all on the same scale, with the target as "
                   "a dashed line. Above each panel: the team's value this month and its RAG rating.")
        for i, chart in enumerate(view.charts):
            if i % view.per_row == 0:  # a new row of columns each time, so the reading order is row by row
                grid = st.columns(view.per_row)
            with grid[i % view.per_row]:
                st.plotly_chart(chart.figure, width="stretch", config=CONFIG, key=f"teams_sm_{chart.code}")
                st.caption(chart.caption)
        # Drawn once opened (a rerun): its ~2,000 rows were a quarter of a rerun's time (issue 14).
        with st.expander("Show the numbers behind these charts as a table (team, month and measure)",
                         key=numbers_key("dl_teams_small_multiples"), on_change="rerun") as opened:
            if opened.open:
                table_with_download(view.numbers,
                                    f"teams-{service_id}-{view.first_month:%Y-%m}-to-{month:%Y-%m}.csv",
                                    "the numbers behind the charts", "dl_teams_small_multiples")


def _profile_view(service_id: str, month: dt.date, label: str, teams: pd.DataFrame) -> None:
    """One team's monthly profile, with its printable A4 page."""
    st.header("Team profile", anchor=False)
    names = dict(zip(teams["team_id"], teams["team"], strict=True))
    pick, _ = st.columns([1, 2])
    team_id = pick.selectbox("Team", list(names), key="team", bind="query-params", format_func=lambda t: names[t])
    profile = team_data.team_profile_for(team_id, service_id, month)
    audits = profile.audits
    team_md = md(profile.team)  # the team's name in markdown places
    st.subheader(f"{team_md}: {label}", anchor=False)
    packs.pack_buttons("team", ctx.viewer, month=month, service=service_id, team=team_id)
    board, full = st.columns(2)
    board.download_button("Download printable profile for the notice board (A4, HTML)",
                          lambda: profile_html(profile, public=True).encode("utf-8"),  # made on the click
                          file_name=f"team-profile-{team_id}-{month:%Y-%m}-notice-board.html", mime="text/html",
                          key="dl_team_profile", icon=":material/print:", type="primary")
    full.download_button("Download with full figures (not for display)", lambda: profile_html(profile).encode("utf-8"),
                         file_name=f"team-profile-{team_id}-{month:%Y-%m}-full.html", mime="text/html",
                         key="dl_team_profile_full")
    st.caption("Open the downloaded page in a browser and print it. The notice-board version is disclosure-"
               "controlled (counts of 1 to 5 shown as c, with the symbols explained on the page); the full version "
               f"is for managers only. {disclosure.NOT_CONTROLLED[:-1]} the full version or this page. Neither "
               "names a worker, auditor or case.")

    measures = profile.measures
    cards = st.columns(4, border=True)
    with cards[0]:
        st.write("**Measures**")
        rag_counts = measures["rag"].value_counts()
        for status in RAGS:
            rag_badge(status, int(rag_counts.get(status, 0)))
        st.caption(f"of {len(measures)} measures")
    with cards[1]:
        done, expected = int(audits["audits_done"]), int(audits["audits_expected"])
        st.metric("Audits done", f"{done} of {expected}" if expected else f"{done}",
                  help="Audits by the team's managers that count towards their expectation for the month.")
        st.caption(f"{pct_share(done, expected)} of expected; shortfall {int(audits['audits_shortfall'])}"
                   if expected else "No audits expected this month")
    with cards[2]:
        total = int(audits["audits_total"])
        st.metric("Inadequate audits", f"{int(audits['inadequate'])} of {total}" if total else "No audits",
                  help="Audits of the team's cases this month, by final grade.")
        st.caption(f"{audits['pct_inadequate']:.1f}%; 95% interval {audits['ci_low']:.1f}% to "
                   f"{audits['ci_high']:.1f}%: {audits['assessment']}" if total else "No audits this month")
    with cards[3]:
        st.metric("Overdue audit actions", int(audits["overdue_actions"]),
                  help="Audit actions due before the last day of the month and not completed by then.")
        st.caption(f"at {periods.month_end(month):%d %B %Y}")

    st.subheader("Measures", anchor=False)
    if measures.empty:
        st.info(f"No measures have values for {team_md} in {label}.")
    else:
        trend_label = f"{profile.trend_months[0]:%b %Y} to {profile.trend_months[-1]:%b %Y}"
        table = pd.DataFrame({
            "Measure": measures["name"],
            "Value": value_texts(measures["value"], measures["unit"]),
            "Count": count_texts(measures["numerator"], measures["denominator"], measures["unit"]),
            "Target": [format_target(t, u) for t, u in
                       zip(measures["target"], measures["unit"], strict=True)],
            "RAG": [rag_words(r, v, t, n) for r, v, t, n in zip(
                measures["rag"], measures["value"], measures["target"], measures["rag_note"], strict=True)],
            "How it is rated": measures["rag_rule"],
            "Direction": measures["direction"].fillna("–"),
            # Months without a value are left out of the line (the table below shows them as blanks).
            "Last 12 months": [[v for v in (trend if isinstance(trend, list) else []) if v is not None]
                               for trend in measures["trend"]],
        })
        st.dataframe(style_rag(table, ["RAG"]), hide_index=True, width="stretch", key="team_measures",
                     column_config={"Last 12 months": st.column_config.LineChartColumn(
                         f"Last 12 months ({trend_label})", help="The team's value each month, oldest first.")})
        st.caption(f"RAG uses each measure's own rule against its target; direction compares {label} with the "
                   "month before. The trend line is the team's value each month; its numbers are below.")
        wide_numbers = round_half_up(profile.trend_table.assign(
            Month=pd.to_datetime(profile.trend_table["period"]).dt.strftime("%Y-%m")).pivot(
            index="code", columns="Month", values="value"), 2)
        csv = table.drop(columns="Last 12 months").assign(code=measures["code"]).merge(
            wide_numbers, left_on="code", right_index=True, how="left").drop(columns="code")
        with st.expander("Show the 12 months' numbers as a table", key=numbers_key("team_trend_numbers"),
                         on_change="rerun") as opened:
            if opened.open:  # drawn once opened (a rerun), as every chart's numbers are
                st.dataframe(pd.DataFrame({
                    "Measure": profile.trend_table["name"],
                    "Month": pd.to_datetime(profile.trend_table["period"]).dt.strftime("%Y-%m"),
                    "Numerator": profile.trend_table["numerator"],
                    "Denominator": profile.trend_table["denominator"],
                    "Value": round_half_up(profile.trend_table["value"], 2)}), hide_index=True, width="stretch")
        download_csv(csv, f"team-measures-{team_id}-{month:%Y-%m}.csv", "the measures with 12 months of values",
                     "dl_team_measures")

    st.subheader("Case-file audits", anchor=False)
    audit_col, action_col = st.columns([3, 2])
    with audit_col:
        if expected:
            st.write(f"The team's managers did {done} of the {expected} audits expected of them in {label} "
                     f"({pct_share(done, expected)}); shortfall {int(audits['audits_shortfall'])}.")
        else:
            st.write(f"No audits were expected of the team's managers in {label}.")
        if not total:
            st.info(f"No audits of {team_md} cases were completed in {label}.")
        else:
            title = (f"{int(audits['inadequate'])} of {total} audits of {{team}} cases were Inadequate in "
                     f"{label} ({audits['pct_inadequate']:.1f}%, 95% interval {audits['ci_low']:.1f}% to "
                     f"{audits['ci_high']:.1f}%)")
            chart_title = wrap_lines(html.escape(title.format(team=profile.team)), 70)
            grade_table = pd.DataFrame({
                "Final grade": profile.grades["label"], "Audits": profile.grades["audits"],
                "%": round_half_up(profile.grades["pct"], 1),
                "95% interval": [f"{lo:.1f}% to {hi:.1f}%" for lo, hi in
                                 zip(profile.grades["ci_low"], profile.grades["ci_high"], strict=True)]})
            chart_with_table(grade_figure(profile.grades, chart_title),
                             f"Chart: the grade mix of the team's {total} audits in {label}, each grade's share with "
                             f"its 95% interval. {title.format(team=team_md)}; target no more than "
                             f"{INADEQUATE_TARGET_PCT:.0f}%: {audits['assessment']}.",
                             grade_table, f"team-grades-{team_id}-{month:%Y-%m}.csv", "the grade mix",
                             "dl_team_grades", key="teams_grades", expander="Show the grade mix as a table")
    with action_col:
        overdue_total = int(audits["overdue_actions"])
        month_end = periods.month_end(month)
        st.write(f"**{overdue_total}** audit action{'s' if overdue_total != 1 else ''} on this team's audits "
                 f"{'were' if overdue_total != 1 else 'was'} overdue at {month_end:%d %B %Y}.")
        overdue = profile.overdue.rename(columns={"band": "How long overdue", "actions": "Actions"})
        table_with_download(overdue, f"team-overdue-{team_id}-{month:%Y-%m}.csv", "the overdue actions",
                            "dl_team_overdue")
        st.caption("Overdue: due before the last day of the month and not completed by then.")


# -- the page ------------------------------------------------------------------------------
VIEWS = ("Teams side by side", "Team profile")

ctx = start("teams", needs_service="Team profiles compare the teams of one service. Choose a service in the sidebar.")
month, service_id, label = ctx.month, ctx.service_id, ctx.month_label
st.html(PRINT_CSS)

service = ctx.service_name
st.subheader(f"{md(service)}: {label}", anchor=False)
report, _ = team_data.team_view(service_id, month)
if report.empty:
    st.info(f"{md(service)} has no teams recorded.")
    st.stop()
# A link that names a team opens on its profile; otherwise the teams side by side.
view = st.segmented_control("Show", VIEWS, default=VIEWS[1] if st.query_params.get("team") else VIEWS[0],
                            required=True, key="view", bind="query-params")
if view == VIEWS[1]:
    _profile_view(service_id, month, label, report.drop_duplicates("team_id")[["team_id", "team"]])
else:
    _teams_view(service_id, service, month, label, report)
