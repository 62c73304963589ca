"""The improvement board's exception report: every plan area's RAG at a glance as at the month
(``report rag``'s rows), then each exception with the reason it is one, how its rating moved,
its overdue priorities and its narrative with the evidence named ([Southampton RAG at a glance]).
The plan is council-wide and names no child or case; area leads are named as on the page."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.errors import QAError
from qa_core.packs.common import ColumnSpec, PackOptions, Progress, data_to, plural, report_sheet
from qa_core.packs.document import Heading, Keep, Note, Pack, Paragraph, Table
from qa_core.roles import Viewer
from qa_core.rules import periods
from qa_core.store import Store, queries
from qa_core.views import improvement_board

__all__ = ["build", "BOARD_COLUMNS"]

BOARD_COLUMNS = (
    ColumnSpec("area_id", "Area id", "the plan area's id"),
    ColumnSpec("area", "Area", "the improvement-plan area"),
    ColumnSpec("lead", "Lead", "who leads the area"),
    ColumnSpec("previous_rag", "Previous RAG", "the rating before the current one"),
    ColumnSpec("current_rag", "Current RAG", "the latest rating in or before the month"),
    ColumnSpec("movement", "Movement", "improved, deteriorated, unchanged or new"),
    ColumnSpec("priorities_total", "Priorities", "priorities in the area"),
    ColumnSpec("priorities_complete", "Complete", "completed by the month's end (Blue)"),
    ColumnSpec("priorities_on_track", "On track", "not complete and not overdue (including due soon)"),
    ColumnSpec("priorities_overdue", "Overdue", "target date passed, not complete (Red)"),
    ColumnSpec("exception", "Exception", "the rating moved or a priority is overdue"),
    ColumnSpec("exception_reason", "Why an exception", "what makes it one"),
    ColumnSpec("rag_month", "Rated in", "the month of the current rating"),
)
_NARRATIVE = {"development": "Key developments", "progress": "Progress", "risk": "Key risks"}
_MOVEMENT = {
    "improved": "Improved",
    "deteriorated": "Deteriorated",
    "unchanged": "Unchanged",
    improvement_board.NEW: "First rating",
}


def _sentence(text: object) -> str:
    """Stored text as a sentence: a full stop added where it has no closing punctuation."""
    text = " ".join(str(text).split())
    return text if text[-1:] in ".!?:;" else f"{text}."


def _evidence(evidence: object) -> str:
    return f" Evidence: {' '.join(evidence.split())}" if isinstance(evidence, str) and evidence.strip() else ""


def build(store: Store, options: PackOptions, viewer: Viewer, public: bool, progress: Progress, today: dt.date) -> Pack:
    """The board as at ``options.month`` (None: the latest month with a rating)."""
    progress(0.1, "Reading the board")
    month = options.month
    if month is None:
        rated = improvement_board.rating_months(store)
        if not rated:
            raise QAError("The store holds no improvement-plan ratings yet.")
        month = rated[-1]
    report = improvement_board.rag_report(store, month)
    label = periods.month_label(month)
    pack = Pack(
        "board",
        "RAG at a glance",
        "Improvement board",
        label,
        queries.council_name(store),
        today,
        data_to(store),
        public=False,
        audience=(
            "For the improvement board: every plan area's rating, and the narrative and evidence for "
            "each exception (an area whose rating moved or that has an overdue priority)."
        ),
        filename=f"improvement-board-{periods.month_key(month)}",
    )
    pack.notes = [
        Note(
            "Red, Amber, Yellow, Green, Blue",
            "Off track; at risk; between Amber and Green (used by one council); on track; complete.",
        ),
        Note("Previous", "The rating before the current one (normally the month before)."),
        Note(
            "Priority status",
            "As at the month's last day: Complete (Blue) if completed by then; Overdue (Red) if "
            "its target date has passed; Due soon (Amber) if due within 30 days; else On track.",
        ),
        Note("Exception", "An area whose rating moved (either way) or that has an overdue priority."),
    ]
    if report.empty:
        pack.add(Paragraph(f"No area of the plan had been rated by {label}."))
        return pack
    summary = improvement_board.board_summary(report)
    counts = ", ".join(f"{n} {status}" for status, n in summary["rag_counts"].items())
    pack.add(Heading("The board at a glance"))
    pack.add(
        Paragraph(
            f"{plural(summary['areas'], 'area')}: {counts}. {summary['improved']} improved and "
            f"{summary['deteriorated']} deteriorated since their previous rating; "
            f"{plural(summary['overdue_priorities'], 'priority', 'priorities')} "
            f"overdue in {plural(summary['areas_with_overdue'], 'area')}; "
            f"{plural(summary['exceptions'], 'exception')}.",
            "lead",
        )
    )
    display = pd.DataFrame(
        {
            "Area": report["area"],
            "Lead": report["lead"].fillna("–"),
            "Previous": report["previous_rag"].fillna("–"),
            "Current": report["current_rag"].fillna("Not rated"),
            "Movement": [_MOVEMENT.get(m, "–") if isinstance(m, str) else "–" for m in report["movement"]],
            "Priorities": report["priorities_text"],
            "Exception": [
                r if e else "No" for r, e in zip(report["exception_reason"], report["exception"], strict=True)
            ],
        }
    )
    data, notes = report_sheet(report, BOARD_COLUMNS)
    pack.add(
        Table(
            "Every area",
            display,
            sheet="Board",
            data=data,
            widths=(2.3, 1.5, 1.15, 1.15, 1.45, 2.2, 2.0),
            rag=("Previous", "Current"),
            columns=notes,
            font_size=7.5,
        )
    )

    exceptions = report[report["exception"]]
    pack.add(Heading(f"Exceptions ({len(exceptions)})"))
    if exceptions.empty:
        pack.add(Paragraph("No area moved and none has an overdue priority this month."))
    overdue_rows, narrative_rows = [], []
    for i, (_, area) in enumerate(exceptions.iterrows()):
        progress(0.2 + 0.7 * i / max(len(exceptions), 1), f"Reading {area['area']}")
        pack.add(Heading(str(area["area"]), 2))
        pack.add(Paragraph(f"Why it is an exception: {area['exception_reason']}.", "lead"))
        pack.add(
            Paragraph(
                f"Rating: {area['movement_text']}. Lead: {area['lead'] or 'not recorded'}. "
                f"Priorities: {area['priorities_text']}."
            )
        )
        if isinstance(area["ofsted_recommendation"], str) and area["ofsted_recommendation"].strip():
            pack.add(Paragraph(f"Ofsted recommendation: {area['ofsted_recommendation']}", "note"))
        priorities = improvement_board.area_priorities(store, area["area_id"], month)
        late = priorities[priorities["status"] == improvement_board.OVERDUE]
        if not late.empty:
            pack.add(
                Table(
                    f"Overdue priorities ({len(late)})",
                    pd.DataFrame(
                        {
                            "Priority": late["description"],
                            "Target date": pd.to_datetime(late["target_date"]).dt.strftime("%d %b %Y"),
                            "Days overdue": late["days_overdue"].map("{:,}".format),
                            "Status": late["status"],
                        }
                    ),
                    widths=(5.0, 1.3, 1.1, 1.0),
                    rag=("Status",),
                    numeric=("Days overdue",),
                    font_size=7.5,
                )
            )
            overdue_rows.append(late.assign(area_id=area["area_id"], area=area["area"]))
        narrative = improvement_board.area_narrative(store, area["area_id"], month)
        if narrative.empty:
            pack.add(Paragraph("No narrative has been written for this area yet.", "note"))
        else:
            written = periods.month_label(narrative["month"].iloc[0])
            pack.add(Paragraph(f"Narrative ({written}):", "note"))
            for kind, part in narrative.groupby("kind", sort=False):
                items = [Paragraph(f"• {_sentence(item.text)}{_evidence(item.evidence)}") for item in part.itertuples()]
                pack.add(Keep((Paragraph(_NARRATIVE.get(kind, str(kind).capitalize()), "lead"), items[0])), *items[1:])
            narrative_rows.append(narrative.assign(area_id=area["area_id"], area=area["area"]))
    if overdue_rows:
        frame = pd.concat(overdue_rows, ignore_index=True)
        pack.workbook_only.append(
            Table(
                "Overdue priorities of the exception areas",
                frame[["area_id", "area", "priority_id", "description", "target_date", "days_overdue", "status"]],
                sheet="Overdue priorities",
            )
        )
    if narrative_rows:
        frame = pd.concat(narrative_rows, ignore_index=True)
        pack.workbook_only.append(
            Table(
                "Narrative and evidence of the exception areas",
                frame[["area_id", "area", "month", "kind", "seq", "text", "evidence"]],
                sheet="Narrative",
            )
        )
    return pack
