"""One team's profile on one A4 page, for the heads of service and team managers or, as the
notice-board version, for the office wall: measures with RAG in words and a 12-month trend
line, audits done against expected, the grade mix and the overdue audit actions.

The figures are ``report team --team ID --month M`` (with ``--public`` for the notice board):
``team_profiles.team_report``; the trend lines and the grade intervals come from the same
view's profile (``team_profiles.team_profile``, under ``public_profile`` for the notice board).
The notice-board version is disclosure-controlled and says how many measures and audit figures
are withheld, keeping everything that can be shown. No worker, auditor or case is named."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.errors import QAError
from qa_core.packs.clinic import MEASURE_COLUMNS
from qa_core.packs.common import (
    ColumnSpec,
    PackOptions,
    Progress,
    data_to,
    interval_text,
    measure_cells,
    pct_text,
    report_sheet,
    whole,
)
from qa_core.packs.document import Heading, Note, Pack, Paragraph, Spark, Table
from qa_core.roles import Viewer
from qa_core.rules import disclosure, periods
from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from qa_core.rules.formatting import format_value
from qa_core.store import Store, queries
from qa_core.views import team_profiles

__all__ = ["build", "TEAM_MEASURE_COLUMNS", "TEAM_AUDIT_COLUMNS", "withheld_measures"]

TEAM_MEASURE_COLUMNS = tuple(c for c in MEASURE_COLUMNS if c.field in team_profiles.MEASURE_COLUMNS)
TEAM_AUDIT_COLUMNS = tuple(
    ColumnSpec(c, c.replace("_", " ").capitalize(), "the team's audits this month") for c in team_profiles.AUDIT_COLUMNS
)


def withheld_measures(report: pd.DataFrame) -> int:
    """How many of the team's measures have their value withheld (a disclosure symbol)."""
    return int(report["value"].map(disclosure.is_symbol).sum()) if "value" in report else 0


def build(store: Store, options: PackOptions, viewer: Viewer, public: bool, progress: Progress, today: dt.date) -> Pack:
    """The team's one-page profile for ``options.month`` (None: the latest month); public (the
    notice board) when asked for or when ``options.notice_board`` is set."""
    if not options.team:
        raise QAError("pack team needs --team (a team id, e.g. assessment_01).")
    public = public or options.notice_board
    month = options.month or queries.latest_month(store)
    if month is None:
        raise QAError("The store holds no months of figures yet.")
    progress(0.1, "Reading the team's figures")
    report = team_profiles.team_report(store, month, service_id=options.service, team_id=options.team, public=public)
    profile = team_profiles.team_profile(store, month, options.team, options.service)
    if public:
        profile = team_profiles.public_profile(profile)
    label = periods.month_label(month)
    audits = report.iloc[0]
    measures = report[report["code"].notna()].reset_index(drop=True)
    pack = Pack(
        "team",
        "Team profile",
        profile.team,
        label,
        profile.council,
        today,
        data_to(store),
        public=public,
        audience=(
            f"{profile.service}. "
            + (
                "For the team's notice board: no worker, auditor or case is named."
                if public
                else "For the head of service and the team manager: full figures, not for the notice board."
            )
        ),
        one_page=True,
        filename=f"team-profile-{options.team}-{periods.month_key(month)}"
        + ("-notice-board" if options.notice_board else ""),
    )
    if public:
        pack.notes = [Note(s, m) for s, m in disclosure.SYMBOLS.items() if s in ("c", ":", "z")]
        pack.notes_heading = "Symbols"
    hidden = withheld_measures(measures)
    audit_hidden = sum(
        disclosure.is_symbol(audits[c]) for c in ("audits_done", "audits_total", "pct_inadequate", "overdue_actions")
    )
    if public:
        shown_count = len(measures) - hidden
        withheld = f"{hidden} of {len(measures)} measures {'is' if hidden == 1 else 'are'} withheld (c)"
        because = f"because {'it' if hidden == 1 else 'they'} would reveal a count of 1 to 5"
        rest = f"the other {shown_count} {'is' if shown_count == 1 else 'are'} shown in full"
        audit_words = (
            f" {audit_hidden} of the 4 audit headline figures {'is' if audit_hidden == 1 else 'are'} withheld "
            "for the same reason."
            if audit_hidden
            else ""
        )
        pack.add(Paragraph(f"Disclosure control: {withheld} {because}; {rest}.{audit_words}", "warning"))
    rags = measures["rag"].value_counts()
    inadequate = (
        f"{pct_text(audits['pct_inadequate'])} ({whole(audits['inadequate'])} of {whole(audits['audits_total'])})"
        if not _zero(audits["audits_total"])
        else "no audits"
    )
    counts = f"{int(rags.get('Red', 0))} Red, {int(rags.get('Amber', 0))} Amber, {int(rags.get('Green', 0))} Green"
    done = f"{whole(audits['audits_done'])} of {whole(audits['audits_expected'])}"
    pack.add(
        Paragraph(
            f"Measures: {counts} of {len(measures)}. Audits done: {done} expected. Inadequate: {inadequate}. "
            f"Overdue audit actions: {whole(audits['overdue_actions'])}.",
            "lead",
        )
    )

    progress(0.5, "Laying out the profile")
    first = profile.trend_months[0] if profile.trend_months else month
    trends = (
        dict(zip(profile.measures["code"], profile.measures["trend"], strict=True))
        if "trend" in profile.measures
        else {}
    )
    display = pd.DataFrame(
        {
            **measure_cells(measures),
            f"Trend, {first:%b %Y} to {month:%b %Y}": [
                _spark(trends.get(c), n, u)
                for c, n, u in zip(measures["code"], measures["name"], measures["unit"], strict=True)
            ],
        }
    )
    data, notes = report_sheet(measures, TEAM_MEASURE_COLUMNS)
    pack.add(Heading(f"Measures in {label}"))
    pack.add(
        Table(
            "Measures",
            display,
            sheet="Measures",
            data=data,
            widths=(3.3, 1.0, 1.3, 0.9, 1.1, 1.2, 2.2),
            rag=("RAG",),
            numeric=("Value", "Count", "Target"),
            columns=notes,
            font_size=7.5,
            show_title=False,
            caption="Value: the team's figure for the month from its count. RAG: the measure's own rule "
            "against its target; direction compares with the previous month.",
        )
    )

    pack.add(Heading("Case-file audits"))
    expected = audits["audits_expected"]
    verdict = (
        ""
        if _zero(audits["audits_total"]) or isinstance(audits["ci_low"], str)
        else (
            f" 95% interval {interval_text(audits['ci_low'], audits['ci_high'])}; target no more than "
            f"{INADEQUATE_TARGET_PCT:.0f}%: {audits['assessment']}."
        )
    )
    pack.add(
        Paragraph(
            (
                f"{whole(audits['audits_done'])} of {whole(expected)} expected audits done by the team's managers "
                f"({pct_text(audits['pct_complete'])}); shortfall {whole(audits['audits_shortfall'])}. "
                if not _zero(expected)
                else "No audits were expected of the team's managers this month. "
            )
            + f"Audits of the team's cases: {inadequate} Inadequate.{verdict}"
        )
    )
    grades = profile.grades
    grade_display = pd.DataFrame(
        {
            "Final grade": grades["label"],
            "Audits": grades["audits"].map(whole),
            "%": grades["pct"].map(pct_text),
            "95% interval": [interval_text(lo, hi) for lo, hi in zip(grades["ci_low"], grades["ci_high"], strict=True)],
        }
    )
    overdue = profile.overdue
    both = (
        pd.DataFrame(
            {
                **grade_display.to_dict("list"),
                "Overdue audit actions": overdue["band"].tolist() + ["Total"],
                "Actions": overdue["actions"].map(whole).tolist() + [whole(audits["overdue_actions"])],
            }
        )
        if len(overdue) + 1 == len(grade_display)
        else None
    )
    grade_data = grades[["label", "audits", "pct", "ci_low", "ci_high"]].rename(columns={"label": "grade"})
    overdue_data = pd.concat(
        [overdue, pd.DataFrame([{"band": "Total", "actions": audits["overdue_actions"]}])], ignore_index=True
    )
    if both is not None:  # one table side by side: the page's two small tables on one row each
        pack.add(
            Table(
                "Grades and overdue actions",
                both,
                widths=(1.6, 0.9, 0.8, 1.7, 2.2, 0.9),
                numeric=("Audits", "%", "95% interval", "Actions"),
                font_size=7.5,
                show_title=False,
                caption=f"Final grade: the moderated grade where moderated. Overdue: due before the end of "
                f"{label} and not done by then.",
            )
        )
        pack.workbook_only += [
            Table("Grades", grade_display, sheet="Grades", data=grade_data),
            Table("Overdue audit actions", overdue_data, sheet="Overdue actions"),
        ]
    else:  # pragma: no cover - the bands and grades are fixed lists of 3 and 4
        pack.add(Table("Grades", grade_display, sheet="Grades", data=grade_data, font_size=7.5))
        pack.add(Table("Overdue audit actions", overdue_data, sheet="Overdue actions", font_size=7.5))
    audit_data, audit_notes = report_sheet(report.iloc[[0]], TEAM_AUDIT_COLUMNS)
    pack.workbook_only.insert(
        0, Table("The team's audits", audit_data, sheet="Audits", data=audit_data, columns=audit_notes)
    )
    trend = profile.trend_table
    pack.workbook_only.append(Table("Each measure's last 12 months", trend, sheet="Trend", data=trend))
    return pack


def _zero(value: object) -> bool:
    return not isinstance(value, str) and float(value) == 0


def _spark(values: list | None, name: str, unit: str) -> Spark:
    known = [v for v in (values or []) if v is not None]
    alt = (
        f"{name}: from {format_value(known[0], unit)} to {format_value(known[-1], unit)} over "
        f"{len(values or [])} months"
        if len(known) >= 2
        else f"{name}: too few months to show a trend"
    )
    return Spark(tuple(values or ()), alt)
