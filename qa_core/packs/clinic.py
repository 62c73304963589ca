"""The performance clinic pack: one service, one month, for the clinic the assistant director
chairs. The measures table as ``report clinic`` gives it (value with its count, target, RAG in
words, direction, SPC variation and assurance, neighbours' median and England), an SPC chart
with its commentary for every measure that is Red or shows special-cause concern, the month's
audits of the service, and the actions agreed at its clinics with the meeting record.

Who sees what is the clinic page's: the measures and grade counts are aggregates; action owners
come from ``clinic.actions`` ("withheld" unless the viewer sees the service's case-level
detail), and the Inadequate audits list comes from ``audit_grades.escalations_due`` with the
viewer, so it holds only the cases the viewer may see.

The meeting record (issue 15) has its own section, filled by :func:`meeting_record_blocks`: the
date, chair, attendees and apologies (names only for those who see the service's case-level
detail), the decisions and the actions agreed at it, by their labels, never internal ids.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.errors import QAError
from qa_core.packs import charts
from qa_core.packs.common import (
    ColumnSpec,
    PackOptions,
    Progress,
    count_text,
    data_to,
    interval_text,
    measure_cells,
    pct_text,
    plural,
    rag_text,
    report_sheet,
    value_text,
)
from qa_core.packs.document import Block, Chart, Heading, Keep, Note, Pack, Paragraph, Table
from qa_core.roles import Viewer
from qa_core.rules import periods
from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from qa_core.rules.formatting import format_value
from qa_core.store import Store, queries
from qa_core.views import audit_grades, clinic, clinic_meeting
from qa_core.views.baselines import change_months

__all__ = ["build", "MEASURE_COLUMNS", "AUDIT_COLUMNS", "charted", "meeting_record_blocks", "ICON_NOTES"]

#: The Measures sheet: ``report clinic``'s fields under readable headings.
MEASURE_COLUMNS = (
    ColumnSpec("code", "Code", "the measure's code in the catalogue"),
    ColumnSpec("name", "Measure", "the measure's name"),
    ColumnSpec("unit", "Unit", "%, count, days, number or rate_per_10k"),
    ColumnSpec("value", "Value", "the service's figure for the month"),
    ColumnSpec("numerator", "Numerator", "the count the value is worked out from (summed over teams)"),
    ColumnSpec("denominator", "Denominator", "what the numerator is out of (summed over teams)"),
    ColumnSpec("target", "Target", "the council's target for the measure"),
    ColumnSpec("rag", "RAG", "Red, Amber or Green by the measure's own rule; empty: no target"),
    ColumnSpec("previous", "Previous month", "the service's figure the month before"),
    ColumnSpec("direction", "Direction", "improving, worsening or same (up or down with no better direction)"),
    ColumnSpec("variation", "SPC variation", "Making Data Count variation of the latest month"),
    ColumnSpec("assurance", "SPC assurance", "whether the process limits pass, fail or straddle the target"),
    ColumnSpec("special_cause", "Special cause", "improvement, concern or neither in the latest month"),
    ColumnSpec("sn_median", "Neighbours' median", "median of the statistical neighbours, latest published year"),
    ColumnSpec("sn_count", "Neighbours with a figure", "how many of the 10 neighbours had a figure"),
    ColumnSpec("england", "England", "England's figure, latest published year"),
    ColumnSpec("comparator_year", "Published year", "the DfE year (to 31 March) the comparators are for"),
)
#: The Audits sheet: ``report audits --service ID --month M``'s fields.
AUDIT_COLUMNS = (
    ColumnSpec("group", "Group", "the service (All), or the audit area"),
    ColumnSpec("outstanding", "Outstanding", "audits graded Outstanding (final grade)"),
    ColumnSpec("good", "Good", "audits graded Good"),
    ColumnSpec("requires_improvement", "Requires improvement", "audits graded Requires improvement"),
    ColumnSpec("inadequate", "Inadequate", "audits graded Inadequate"),
    ColumnSpec("total", "Total", "audits completed in the month"),
    ColumnSpec("pct_inadequate", "% inadequate", "Inadequate as a percentage of the total"),
    ColumnSpec("ci_low", "95% interval from", "Wilson 95% interval, lower end"),
    ColumnSpec("ci_high", "95% interval to", "Wilson 95% interval, upper end"),
    ColumnSpec("pct_good_or_better", "% good or better", "Good or Outstanding as a percentage of the total"),
    ColumnSpec("meets_target", "Meets target", "no more than 10% Inadequate (compared as counts)"),
    ColumnSpec("assessment", "Verdict", "against the 10% target, significant only when the interval says so"),
)
ICON_NOTES = (
    Note(
        "H / L",
        "Variation: the latest month is a special cause, high or low (improvement or concern by the "
        "measure's better direction).",
    ),
    Note("C", "Variation: common cause (ordinary month-to-month noise)."),
    Note(
        "P / F / ?",
        "Assurance: the target is beyond the process limits on the good side (consistently passes), "
        "on the bad side (consistently fails), or within them (hit or miss).",
    ),
    Note(
        "RAG",
        "Red, Amber or Green by the measure's own rule against its target; 'No target': watched for direction only.",
    ),
    Note("Count", "The numerator and denominator a percentage is worked out from."),
    Note("Limits", "Process limits need 12 months: they are fixed on the first 12 (the baseline) and worked out "
         "again only from a recorded process change, as on the clinic page."),
)


def charted(measures: pd.DataFrame) -> pd.DataFrame:
    """The measures the pack draws an SPC chart for: Red, or special-cause concern."""
    if measures.empty:
        return measures
    return measures[(measures["rag"] == "Red") | (measures["special_cause"] == "concern")]


def meeting_record_blocks(
    store: Store, service_id: str, month: dt.date, viewer: Viewer, today: dt.date | None = None
) -> list[Block]:
    """The clinic's meeting record: when it was held, the chair, who attended and sent apologies
    (names only for a viewer who sees the service's case-level detail, else how many), the
    decisions, and the actions agreed at it by their labels ("October 2026 clinic, action 3"),
    status judged against ``today``."""
    label = periods.month_label(month)
    record = clinic_meeting.meeting(store, service_id, month, viewer)
    if record is None:
        return [Paragraph(f"No meeting recorded for this service's clinic in {label}.")]
    held = record["meeting_date"]
    day = f"{held.day} {held:%B %Y}"
    if record["names_shown"]:
        blocks: list[Block] = [
            Paragraph(f"The {label} clinic was held on {day}, chaired by {record['chair']}.", "lead"),
            Paragraph("Attended: " + (", ".join(record["attendees"]) or "nobody recorded") + "."),
            Paragraph("Apologies: " + (", ".join(record["apologies"]) or "none") + "."),
        ]
    else:
        blocks = [
            Paragraph(
                f"The {label} clinic was held on {day}: {plural(record['attendee_count'], 'person', 'people')} "
                f"attended and {record['apology_count']} sent apologies.",
                "lead",
            ),
            Paragraph(
                "Names of those present are shown to the service's head of service, the assistant director and "
                "the QA lead only.",
                "note",
            ),
        ]
    if record["decisions"]:
        blocks += [Paragraph(f"Decision {n}: {text}") for n, text in enumerate(record["decisions"], 1)]
    else:
        blocks.append(Paragraph("No decisions recorded.", "note"))
    actions = clinic_meeting.meeting_actions(store, service_id, month, viewer, today)
    agreed = actions[actions["agreed"] == "this"] if not actions.empty else actions
    if agreed.empty:
        blocks.append(Paragraph("No actions were agreed at this clinic.", "note"))
        return blocks
    owners = viewer.sees_cases(service_id)
    display = pd.DataFrame(
        {
            "Action": agreed["label"],
            "What will be done": agreed["description"],
            **({"Owner": agreed["owner"]} if owners else {}),
            "Due": pd.to_datetime(agreed["due_date"]).dt.strftime("%d %b %Y"),
            "Status": agreed["status"],
            "Measure": agreed["measure"].fillna(""),
        }
    )
    data = agreed[["label", "description", "owner", "due_date", "completed_date", "status", "code"]]
    if not owners:
        data = data.drop(columns="owner")
    blocks.append(
        Table(
            f"Actions agreed at the {label} clinic",
            display,
            sheet="Meeting actions",
            data=data.reset_index(drop=True),
            widths=(1.9, 4.0, 1.3, 1.1, 0.9, 2.0) if owners else (1.9, 4.8, 1.1, 0.9, 2.4),
            rag=("Status",),
            font_size=7.5,
        )
    )
    return blocks


def _measures_table(measures: pd.DataFrame) -> Table:
    display = pd.DataFrame(
        {
            **measure_cells(measures),
            "Variation": [
                f"{letter}: {_short_variation(cause, text)}"
                for letter, cause, text in zip(
                    measures["variation_letter"], measures["special_cause"], measures["variation"], strict=True
                )
            ],
            "Assurance": [
                f"{letter}: {_ASSURANCE.get(letter, str(text).split(':')[0].lower())}"
                for letter, text in zip(measures["assurance_letter"], measures["assurance"], strict=True)
            ],
            "Neighbours": [
                "" if pd.isna(v) else format_value(v, u)
                for v, u in zip(measures["sn_median"], measures["unit"], strict=True)
            ],
            "England": [
                "" if pd.isna(v) else format_value(v, u)
                for v, u in zip(measures["england"], measures["unit"], strict=True)
            ],
        }
    )
    sheet, notes = report_sheet(measures, MEASURE_COLUMNS)
    years = sorted({str(y) for y in measures["comparator_year"].dropna()})
    caption = "Neighbours (median of the 10 statistical neighbours) and England: DfE's latest published year" + (
        f" ({', '.join('year to March ' + y for y in years)})." if years else "; none published."
    )
    return Table(
        "The service's measures this month",
        display,
        sheet="Measures",
        data=sheet,
        widths=(2.7, 0.95, 1.25, 0.9, 1.0, 1.25, 1.45, 1.25, 1.25, 1.0),
        rag=("RAG",),
        numeric=("Value", "Count", "Target", "Neighbours", "England"),
        columns=notes,
        font_size=7,
        caption=caption,
    )


_ASSURANCE = {"P": "passes", "F": "fails", "?": "hit or miss"}


def _short_variation(cause: object, text: object) -> str:
    """'concern', 'improvement', 'neither' or 'common cause' (the letter says high or low)."""
    if isinstance(cause, str):
        return {"neutral": "neither"}.get(cause, cause)
    return "common cause" if str(text).lower().startswith("common") else str(text).lower()


def _spc_block(store: Store, row: pd.Series, service_id: str, service: str, month: dt.date) -> Chart:
    series = queries.indicator_series(store, row["code"], "service", service_id)
    months = pd.to_datetime(series["period"]).dt.date
    series = series.loc[((months <= month) & months.map(periods.in_window)).astype(bool)].reset_index(drop=True)
    target = None if pd.isna(row["target"]) else float(row["target"])
    # The page's limits: fixed on the baseline, recalculated only from a recorded process change.
    frame = clinic.measure_points(series, row["polarity"], target, change_months(store, row["code"], service_id))
    frame = frame.drop(columns="period")
    points = frame.astype(object).where(frame.notna(), None).to_dict("records")  # None, never NaN, where no limit
    unit = row["unit"]
    count = count_text(row["numerator"], row["denominator"]) if unit == "%" else ""
    title = (
        f"{value_text(row['value'], unit)} in {periods.month_label(month)}"
        + (f" ({count})" if count else "")
        + f", {rag_text(row['rag'], row['value'], row['target'])}; "
        f"{str(row['variation']).lower()}"
    )
    png = charts.spc_chart(
        [pd.Timestamp(p).date() for p in series["period"]],
        [p["value"] for p in points],
        [p["mean"] for p in points],
        [p["ucl"] for p in points],
        [p["lcl"] for p in points],
        [p["special_cause"] for p in points],
        "%" if unit == "%" else unit,
        target,
        f"Target: {format_value(target, unit)}" if target is not None else "Target",
    )
    limits = any(p["mean"] is not None for p in points)
    concerns = [
        pd.Timestamp(p).strftime("%b %Y")
        for p, c in zip(series["period"], points, strict=True)
        if c["special_cause"] == "concern"
    ]
    alt = (
        f"SPC chart of {row['name'].lower()} for {service} each month, {len(series)} months to "
        f"{periods.month_label(month)}: {value_text(row['value'], unit)} this month"
        + (f", target {format_value(target, unit)}" if target is not None else "")
        + (". Mean and process limits shown" if limits else ". Fewer than 12 months: no limits")
        + (f". Special-cause concern in: {', '.join(concerns)}." if concerns else ". No special-cause concern.")
    )
    return Chart(png, alt, 180, 62, caption=alt, title=title)


def _commentary(store: Store, code: str, service_id: str, month: dt.date) -> list[str]:
    notes = queries.commentary(store, code, "service", service_id, month)
    return [f"{r.text} ({r.author})" for r in notes.itertuples()]


def build(store: Store, options: PackOptions, viewer: Viewer, public: bool, progress: Progress, today: dt.date) -> Pack:
    """The clinic pack for ``options.service`` in ``options.month`` (None: the latest month)."""
    service_id = options.service
    if not service_id:
        raise QAError("pack clinic needs --service (a service id, e.g. assessment).")
    month = options.month or queries.latest_month(store)
    if month is None:
        raise QAError("The store holds no months of figures yet.")
    progress(0.05, "Reading the service's measures")
    report = clinic.clinic_report(store, service_id, month)  # exactly what `report clinic` prints
    measures = clinic.clinic_measures(store, service_id, month)
    header = clinic.clinic_header(store, service_id, month, measures)
    service, label = header["service"], periods.month_label(month)
    pack = Pack(
        "clinic",
        "Performance clinic pack",
        service,
        label,
        queries.council_name(store),
        today,
        data_to(store),
        public=False,
        audience=(
            f"For the performance clinic for {service}, chaired by the assistant director. Prepared for "
            f"the {viewer.describe().lower()}; head of service: {header['head_of_service']}."
        ),
        filename=f"clinic-{service_id}-{periods.month_key(month)}",
    )
    pack.notes = list(ICON_NOTES)
    pack.ogl = bool(report["comparator_year"].notna().any()) if not report.empty else False

    pack.add(Heading("Summary"))
    pack.add(
        Paragraph(
            f"{header['red']} Red, {header['amber']} Amber and {header['green']} Green of "
            f"{plural(header['measures'], 'measure')}; {header['no_target']} without a target; "
            f"{header['special_cause_concern']} showing special-cause concern.",
            "lead",
        )
    )
    if measures.empty:
        pack.add(Paragraph(f"No measures have values for {service} in {label}."))
    else:
        measures = measures.set_index("code").loc[report["code"]].reset_index()  # the report's order
        pack.add(_measures_table(measures))

        drawn = charted(measures)
        pack.add(Heading("Measures to discuss"))
        if drawn.empty:
            pack.add(Paragraph("No measure is Red or shows special-cause concern this month."))
        else:
            pack.add(
                Paragraph(
                    f"{plural(len(drawn), 'measure')} {'is' if len(drawn) == 1 else 'are'} Red or "
                    "show special-cause concern: each is charted below with its commentary.",
                    "note",
                )
            )
        for i, (_, row) in enumerate(drawn.iterrows()):
            progress(0.15 + 0.6 * i / max(len(drawn), 1), f"Drawing the chart for {row['name']}")
            comments = _commentary(store, row["code"], service_id, month)
            pack.add(
                Keep(
                    (
                        Heading(row["name"], 2),
                        _spc_block(store, row, service_id, service, month),
                        *(
                            [Paragraph(f"Commentary: {c}") for c in comments]
                            if comments
                            else [Paragraph("No commentary recorded for this month.", "note")]
                        ),
                    )
                )
            )
        others = [
            (r["name"], c)
            for _, r in measures[~measures["code"].isin(drawn["code"])].iterrows()
            for c in _commentary(store, r["code"], service_id, month)
        ]
        if others:
            pack.add(Heading("Commentary on other measures", 2))
            pack.add(*(Paragraph(f"{name}: {c}") for name, c in others))

    progress(0.8, "Reading the month's audits")
    _audits(pack, store, service_id, service, month, viewer)
    progress(0.9, "Reading the actions")
    _actions(pack, store, service_id, month, viewer)
    pack.add(Heading("Meeting record"))
    pack.add(*meeting_record_blocks(store, service_id, month, viewer, today))
    return pack


def _audits(pack: Pack, store: Store, service_id: str, service: str, month: dt.date, viewer: Viewer) -> None:
    pack.add(Heading("Audits this month"))
    summary = audit_grades.audits_report(store, month=month, service_id=service_id)
    row = summary.iloc[0]
    label = periods.month_label(month)
    if int(row["total"]) == 0:
        pack.add(Paragraph(f"No audits of {service} cases were completed in {label}."))
        return
    pack.add(
        Paragraph(
            f"{int(row['inadequate'])} of {int(row['total'])} audits Inadequate ({pct_text(row['pct_inadequate'])}, "
            f"95% interval {interval_text(row['ci_low'], row['ci_high'])}) against a target of no more than "
            f"{INADEQUATE_TARGET_PCT:.0f}%: {row['assessment']}. Good or better: {pct_text(row['pct_good_or_better'])}."
        )
    )
    areas = audit_grades.audits_report(store, month=month, by="area", service_id=service_id)
    both = pd.concat([summary, areas], ignore_index=True)
    display = pd.DataFrame(
        {
            "Audits of": ["All audits"] + areas["group"].tolist(),
            "Outstanding": both["outstanding"].map("{:,}".format),
            "Good": both["good"].map("{:,}".format),
            "Requires improvement": both["requires_improvement"].map("{:,}".format),
            "Inadequate": both["inadequate"].map("{:,}".format),
            "Total": both["total"].map("{:,}".format),
            "% inadequate": both["pct_inadequate"].map(pct_text),
            "95% interval": [interval_text(lo, hi) for lo, hi in zip(both["ci_low"], both["ci_high"], strict=True)],
        }
    )
    sheet, notes = report_sheet(both, AUDIT_COLUMNS)
    pack.add(
        Table(
            "Final grades: all audits, then each audit area's own grade",
            display,
            sheet="Audits",
            data=sheet,
            widths=(3.2, 1.2, 0.9, 1.4, 1.2, 0.9, 1.2, 1.9),
            numeric=(
                "Outstanding",
                "Good",
                "Requires improvement",
                "Inadequate",
                "Total",
                "% inadequate",
                "95% interval",
            ),
            columns=notes,
            font_size=7.5,
            caption="The first row counts each audit's overall final grade (moderated where moderated); the "
            "others count the grades given to each area of practice.",
        )
    )
    cases = audit_grades.escalations_due(store, month, service_id, viewer=viewer)
    if not viewer.sees_any_cases:
        pack.add(
            Paragraph(
                "Case references are shown to the service's head of service, the assistant director "
                "and the QA lead only.",
                "note",
            )
        )
    elif not cases.empty:
        frame = pd.DataFrame(
            {
                "Case": cases["case_ref"],
                "Team": cases["team"],
                "Audit date": pd.to_datetime(cases["audit_date"]).dt.strftime("%d %b %Y"),
                "Auditor": cases["auditor"],
                "Moderated": cases["moderated"].map({True: "yes", False: "no"}),
                "Escalate to": cases["escalate_to"],
            }
        )
        data = cases[
            [
                "case_ref",
                "audit_id",
                "audit_date",
                "service",
                "team",
                "tier",
                "auditor",
                "grade_name",
                "moderated",
                "escalate_to",
            ]
        ]
        pack.add(
            Table(
                f"Audits graded Inadequate this month ({len(cases)})",
                frame,
                sheet="Inadequate audits",
                data=data,
                widths=(1.2, 1.6, 1.1, 1.4, 0.9, 3.5),
                font_size=7.5,
            )
        )
    elif viewer.sees_cases(service_id):
        pack.add(Paragraph("No audit of the service's cases was graded Inadequate this month.", "note"))
    else:
        pack.add(
            Paragraph(
                "Case references for this service are shown to its head of service, the assistant "
                "director and the QA lead only.",
                "note",
            )
        )


def _actions(pack: Pack, store: Store, service_id: str, month: dt.date, viewer: Viewer) -> None:
    pack.add(Heading("Actions"))
    actions = clinic.actions(store, service_id, month, viewer)
    if actions.empty:
        pack.add(Paragraph("No actions have been agreed at this service's clinics yet."))
        return
    overdue = int((actions["status"] == "Overdue").sum())
    done = int((actions["status"] == "Done").sum())
    pack.add(
        Paragraph(
            f"{plural(len(actions), 'action')} agreed: {done} done, {overdue} overdue, "
            f"{len(actions) - done - overdue} open at the end of {periods.month_label(month)}.",
            "lead",
        )
    )
    owners = viewer.sees_cases(service_id)
    display = pd.DataFrame(
        {
            "Status": actions["status"],
            "Action": actions["description"],
            **({"Owner": actions["owner"]} if owners else {}),
            "Agreed": pd.to_datetime(actions["clinic_month"]).dt.strftime("%b %Y"),
            "Due": pd.to_datetime(actions["due_date"]).dt.strftime("%d %b %Y"),
            "Done on": pd.to_datetime(actions["completed_date"]).dt.strftime("%d %b %Y").fillna(""),
            "Measure": actions["measure"].fillna(""),
        }
    )
    data = actions[
        ["action_id", "clinic_month", "code", "measure", "description", "owner", "due_date", "completed_date", "status"]
    ]
    if not owners:
        data = data.drop(columns="owner")
    widths = (0.9, 4.0, 1.3, 0.9, 1.1, 1.1, 2.0) if owners else (0.9, 4.8, 0.9, 1.1, 1.1, 2.2)
    pack.add(
        Table(
            "Actions agreed at this service's clinics",
            display,
            sheet="Actions",
            data=data,
            widths=widths,
            rag=("Status",),
            font_size=7.5,
            caption=None
            if owners
            else "Owners are staff names: they are shown to the service's head of "
            "service, the assistant director and the QA lead only.",
        )
    )
