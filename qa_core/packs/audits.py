"""The monthly audit report to the QA committee: final grades with % Inadequate against the 10%
target and its Wilson 95% interval, by service and by audit area (``report audits`` with
``--by service`` and ``--by area``), the p-chart of % Inadequate by month, completion against
expectation, moderation, the escalations due and the overdue audit actions.

Who sees what is the Audit grades page's: the grades, completion by service and moderation
are aggregates; the escalations and the overdue actions name cases and people, so they come
from the views with the viewer and hold only the cases it may see (the count of overdue
actions, an aggregate, is given to everyone who may open the page)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.errors import QAError
from qa_core.packs import charts
from qa_core.packs.clinic import AUDIT_COLUMNS
from qa_core.packs.common import (
    PackOptions,
    Progress,
    data_to,
    interval_text,
    pct_text,
    plural,
    report_sheet,
)
from qa_core.packs.document import Chart, Heading, Note, Pack, Paragraph, Table
from qa_core.roles import Viewer
from qa_core.rules import periods
from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from qa_core.store import Store, queries
from qa_core.views import audit_grades

__all__ = ["build", "CHART_MONTHS"]

#: Months of the p-chart printed (the limits use every month the store holds).
CHART_MONTHS = 24


def _grades_display(frame: pd.DataFrame, first: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            first: frame["group"],
            "Outstanding": frame["outstanding"].map("{:,}".format),
            "Good": frame["good"].map("{:,}".format),
            "Requires improvement": frame["requires_improvement"].map("{:,}".format),
            "Inadequate": frame["inadequate"].map("{:,}".format),
            "Total": frame["total"].map("{:,}".format),
            "% inadequate": frame["pct_inadequate"].map(pct_text),
            "95% interval": [interval_text(lo, hi) for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)],
            "Against 10%": frame["assessment"],
        }
    )


_GRADE_WIDTHS = (30, 19, 11, 19, 17.5, 11, 17.5, 25, 30)  # mm (relative)
_GRADE_NUMBERS = ("Outstanding", "Good", "Requires improvement", "Inadequate", "Total", "% inadequate", "95% interval")


def build(store: Store, options: PackOptions, viewer: Viewer, public: bool, progress: Progress, today: dt.date) -> Pack:
    """The QA report for ``options.month`` (None: the latest month), for the council or
    ``options.service``."""
    month = options.month or queries.latest_month(store)
    if month is None:
        raise QAError("The store holds no months of figures yet.")
    service_id = options.service
    services = queries.services(store).set_index("service_id")["name"]
    if service_id is not None and service_id not in services.index:
        raise QAError(f"There is no service {service_id!r} (services: {', '.join(services.index)}).")
    where = services[service_id] if service_id else "The council"
    label = periods.month_label(month)
    progress(0.05, "Counting the month's grades")
    council = audit_grades.audits_report(store, month=month, service_id=service_id)
    pack = Pack(
        "audits",
        "Monthly audit report",
        f"Case-file audits: {where.lower() if not service_id else where}",
        label,
        queries.council_name(store),
        today,
        data_to(store),
        public=False,
        audience=(
            "For the QA committee: final grades (the moderator's where an audit was moderated) against "
            "the target of no more than 10% Inadequate, completion, moderation, escalations and overdue "
            f"actions. Prepared for the {viewer.describe().lower()}."
        ),
        filename=f"audit-report-{service_id or 'council'}-{periods.month_key(month)}",
    )
    pack.notes = [
        Note("Final grade", "The moderator's grade where the audit was moderated, else the auditor's."),
        Note("95% interval", "Wilson score interval for % Inadequate: with few audits it is wide."),
        Note(
            "Against 10%",
            "'worse than target (significant)' or 'better than target (significant)' only when the "
            "whole interval is above or below 10%; otherwise 'meets' or 'misses' the target.",
        ),
        Note(
            "Completion",
            "Team managers are expected to audit 4 cases a month, heads of service 1 outside their "
            "own service; worked out per auditor, so one manager's extra audits do not hide "
            "another's shortfall.",
        ),
        Note(
            "Moderation",
            "Agreement: the moderator kept the auditor's grade; upgraded: the moderator's grade is "
            "better; downgraded: worse.",
        ),
    ]
    row = council.iloc[0]
    pack.add(Heading("This month"))
    if int(row["total"]) == 0:
        pack.add(Paragraph(f"No audits were completed in {label}.", "lead"))
    else:
        pack.add(
            Paragraph(
                f"{int(row['inadequate'])} of {int(row['total'])} audits Inadequate: {pct_text(row['pct_inadequate'])} "
                f"(95% interval {interval_text(row['ci_low'], row['ci_high'])}) against a target of no more than "
                f"{INADEQUATE_TARGET_PCT:.0f}%: {row['assessment']}. Good or better: "
                f"{pct_text(row['pct_good_or_better'])} ({int(row['outstanding']) + int(row['good'])} of "
                f"{int(row['total'])}).",
                "lead",
            )
        )

    progress(0.15, "Drawing the p-chart")
    monthly = audit_grades.monthly_grades(store, month, service_id).tail(CHART_MONTHS)
    if int(monthly["total"].sum()):
        shown = monthly[monthly["total"] > 0]
        causes = [c for c in shown["special_cause"]]
        png = charts.spc_chart(
            [m.date() for m in shown["month"]],
            shown["pct_inadequate"].tolist(),
            _nones(shown["p_mean"]),
            _nones(shown["p_ucl"]),
            _nones(shown["p_lcl"]),
            causes,
            "% of audits Inadequate",
            INADEQUATE_TARGET_PCT,
            "Target: no more than 10%",
            height_mm=60,
        )
        alt = (
            f"p-chart of the % of audits graded Inadequate each month, {shown['group'].iloc[0]} to "
            f"{shown['group'].iloc[-1]}, with the mean, process limits (which vary with each month's number of "
            f"audits) and the 10% target. This month: {pct_text(row['pct_inadequate'])}."
        )
        pack.add(
            Chart(
                png,
                alt,
                180,
                60,
                caption=alt,
                title=f"% Inadequate by month: {pct_text(row['pct_inadequate'])} in {label}",
            )
        )

    progress(0.35, "Grades by service and by area")
    by_service = audit_grades.audits_report(store, month=month, by="service", service_id=service_id)
    by_area = audit_grades.audits_report(store, month=month, by="area", service_id=service_id)
    both = pd.concat([council.assign(group="All services" if not service_id else where), by_service], ignore_index=True)
    data, notes = report_sheet(pd.concat([council, by_service], ignore_index=True), AUDIT_COLUMNS)
    pack.add(Heading("Grades by service"))
    pack.add(
        Table(
            "Final grades by service",
            _grades_display(both, "Service"),
            sheet="By service",
            data=data,
            widths=_GRADE_WIDTHS,
            numeric=_GRADE_NUMBERS,
            columns=notes,
            font_size=7,
            show_title=False,
            caption="The first row is every audit of the month (report audits); the others each service "
            "(report audits --by service).",
        )
    )
    pack.add(Heading("Grades by audit area"))
    data, notes = report_sheet(by_area, AUDIT_COLUMNS)
    pack.add(
        Table(
            "The grade each area of practice was given",
            _grades_display(by_area, "Area"),
            sheet="By area",
            data=data,
            widths=_GRADE_WIDTHS,
            numeric=_GRADE_NUMBERS,
            columns=notes,
            font_size=7,
            show_title=False,
            caption="Each audit grades several areas of practice: these count the areas' "
            "own grades (report audits --by area).",
        )
    )

    progress(0.55, "Completion and moderation")
    _completion(pack, store, month, service_id, viewer)
    _moderation(pack, store, month, service_id)
    progress(0.75, "Escalations and overdue actions")
    _cases(pack, store, month, service_id, viewer)
    return pack


def _nones(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values]


def _completion(pack: Pack, store: Store, month: dt.date, service_id: str | None, viewer: Viewer) -> None:
    pack.add(Heading("Completion against expectation"))
    every = audit_grades.audit_completion(store, month, service_id, "all", viewer)
    per = audit_grades.audit_completion(store, month, service_id, "service", viewer)
    if every.empty or int(every["expected"].iloc[0]) == 0:
        pack.add(Paragraph("No audits were expected this month."))
        return
    total = every.iloc[0]
    pack.add(
        Paragraph(
            f"{int(total['done'])} of {int(total['expected'])} expected audits done "
            f"({pct_text(total['pct_complete'])}); {plural(int(total['shortfall']), 'audit')} short.",
            "lead",
        )
    )
    frame = pd.concat([every.rename(columns={"scope": "service"}).assign(service="All"), per], ignore_index=True)
    display = pd.DataFrame(
        {
            "Auditors of": frame["service"],
            "Expected": frame["expected"].map("{:,}".format),
            "Done": frame["done"].map("{:,}".format),
            "% complete": frame["pct_complete"].map(pct_text),
            "Shortfall": frame["shortfall"].map("{:,}".format),
            "Not counted": frame["not_counted"].map("{:,}".format),
        }
    )
    pack.add(
        Table(
            "Completion by service",
            display,
            sheet="Completion",
            data=frame[["service", "expected", "done", "not_counted", "pct_complete", "shortfall", "met"]],
            widths=(3.2, 1.1, 1.0, 1.2, 1.1, 1.2),
            numeric=("Expected", "Done", "% complete", "Shortfall", "Not counted"),
            font_size=7.5,
            show_title=False,
            caption="Not counted: a head of service's audits inside their own service, which "
            "do not count towards their one a month.",
        )
    )


def _moderation(pack: Pack, store: Store, month: dt.date, service_id: str | None) -> None:
    window = audit_grades.DEFAULT_WINDOW
    start = periods.window_start(month, window)
    span = f"{periods.month_label(start)} to {periods.month_label(month)}"
    pack.add(Heading(f"Moderation, {span}"))
    frame = pd.concat(
        [
            audit_grades.moderation(store, month, service_id, window, None)
            .rename(columns={"group": "service"})
            .assign(service="All"),
            audit_grades.moderation(store, month, service_id, window, "service"),
        ],
        ignore_index=True,
    )
    display = pd.DataFrame(
        {
            "Audits of": frame["service"],
            "Audits": frame["audits"].map("{:,}".format),
            "Moderated": frame["moderated"].map("{:,}".format),
            "% moderated": frame["pct_moderated"].map(pct_text),
            "Good or better moderated": [
                f"{g:,} of {n:,}" for g, n in zip(frame["good_moderated"], frame["good_audits"], strict=True)
            ],
            "Agreed": frame["agreed"].map("{:,}".format),
            "% agreement": frame["pct_agreement"].map(pct_text),
            "Up": frame["upgraded"].map("{:,}".format),
            "Down": frame["downgraded"].map("{:,}".format),
        }
    )
    pack.add(
        Table(
            "Moderation by service",
            display,
            sheet="Moderation",
            data=frame,
            widths=(30, 14, 19, 19, 28, 14, 20, 9, 12),
            numeric=(
                "Audits",
                "Moderated",
                "% moderated",
                "Good or better moderated",
                "Agreed",
                "% agreement",
                "Up",
                "Down",
            ),
            font_size=7,
            show_title=False,
            caption=f"Over {window} months: one month holds too few moderated audits per service to compare.",
        )
    )


def _cases(pack: Pack, store: Store, month: dt.date, service_id: str | None, viewer: Viewer) -> None:
    label = periods.month_label(month)
    pack.add(Heading("Escalations due"))
    if not viewer.sees_any_cases:
        pack.add(
            Paragraph(
                "Escalations and overdue actions name cases: they are listed for the assistant director, "
                "the QA lead and each service's head of service and team managers only."
            )
        )
    escalations = audit_grades.escalations_due(store, month, service_id, viewer=viewer)
    if viewer.sees_any_cases and escalations.empty:
        pack.add(Paragraph(f"No audit completed in {label} that this role may see was graded Inadequate."))
    elif viewer.sees_any_cases:
        if viewer.role not in ("assistant_director", "qa_lead"):
            pack.add(
                Paragraph(
                    f"Only the cases of your {'service' if viewer.role == 'head_of_service' else 'team'} are listed.",
                    "note",
                )
            )
        pack.add(
            Table(
                f"Audits graded Inadequate in {label} ({len(escalations)})",
                pd.DataFrame(
                    {
                        "Case": escalations["case_ref"],
                        "Service": escalations["service"],
                        "Team": escalations["team"],
                        "Tier": escalations["tier"].astype(str),
                        "Auditor": escalations["auditor"],
                        "Escalate to": escalations["escalate_to"],
                    }
                ),
                sheet="Escalations",
                data=escalations,
                widths=(1.2, 1.6, 1.6, 0.8, 1.4, 3.6),
                font_size=7,
            )
        )
    overdue = audit_grades.overdue_count(store, month, service_id)
    pack.add(Heading("Overdue audit actions"))
    pack.add(
        Paragraph(f"{plural(overdue, 'audit action')} due before the end of {label} and not done by then.", "lead")
    )
    if viewer.sees_any_cases:
        actions = audit_grades.overdue_actions(store, month, service_id, viewer)
        if not actions.empty:
            pack.add(
                Table(
                    f"Overdue actions listed ({len(actions)})",
                    pd.DataFrame(
                        {
                            "Case": actions["case_ref"],
                            "Team": actions["team"],
                            "Action": actions["description"],
                            "Owner": actions["owner"],
                            "Due": pd.to_datetime(actions["due_date"]).dt.strftime("%d %b %Y"),
                            "Days overdue": actions["days_overdue"].map("{:,}".format),
                        }
                    ),
                    sheet="Overdue actions",
                    data=actions,
                    widths=(1.1, 1.5, 3.6, 1.4, 1.1, 0.9),
                    numeric=("Days overdue",),
                    font_size=7,
                )
            )
