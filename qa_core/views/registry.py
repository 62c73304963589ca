"""The report kinds of ``python -m qa_core report KIND``: one entry each, in the order the
command line lists them. An entry names the page whose role rules apply (``qa_core.pages``) and
the function that builds the frame from the store, the parsed command-line options, the viewer
and whether the output is public (disclosure control). Adding a kind is one entry here and
its view; the options themselves are declared once in ``qa_core.__main__``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from qa_core.errors import QAError
from qa_core.pages import PAGE_KEYS
from qa_core.roles import Viewer
from qa_core.rules.periods import parse_month, parse_quarter
from qa_core.store import Store, queries
from qa_core.views import audit_grades, benchmarks, clinic, improvement_board, risk_register, scrutiny, team_profiles

__all__ = ["ReportKind", "REPORTS"]

#: ``build(store, args, viewer, public)``: the frame the kind prints.
Build = Callable[[Store, argparse.Namespace, Viewer, bool], pd.DataFrame]


@dataclass(frozen=True)
class ReportKind:
    """A ``report`` kind: its name, the page a role must be able to open, and its builder."""

    kind: str
    page: str
    build: Build

    def __post_init__(self) -> None:
        if self.page not in PAGE_KEYS:
            raise ValueError(f"Report kind {self.kind!r} names no page: {self.page!r}.")


def _month_or_latest(store: Store, args: argparse.Namespace) -> dt.date | None:
    return parse_month(args.month) if args.month else queries.latest_month(store)


def _audits(store: Store, args: argparse.Namespace, viewer: Viewer, public: bool) -> pd.DataFrame:
    month = parse_month(args.month) if args.month else None
    return audit_grades.audits_report(
        store, month=month, by=args.by, grade=args.grade, service_id=args.service, viewer=viewer
    )


def _completion(store: Store, args: argparse.Namespace, viewer: Viewer, public: bool) -> pd.DataFrame:
    month = parse_month(args.month) if args.month else None
    return audit_grades.completion_report(store, month=month, by=args.by, service_id=args.service, viewer=viewer)


def _risks(store: Store, args: argparse.Namespace, viewer: Viewer, public: bool) -> pd.DataFrame:
    return risk_register.risks_report(store, quarter=args.quarter, matrix_id=args.matrix)


def _clinic(store: Store, args: argparse.Namespace, viewer: Viewer, public: bool) -> pd.DataFrame:
    if not args.service:
        raise QAError("report clinic needs --service (a service id, e.g. assessment).")
    return clinic.clinic_report(store, args.service, _month_or_latest(store, args))


def _rag(store: Store, args: argparse.Namespace, viewer: Viewer, public: bool) -> pd.DataFrame:
    return improvement_board.rag_report(store, _month_or_latest(store, args))


def _team(store: Store, args: argparse.Namespace, viewer: Viewer, public: bool) -> pd.DataFrame:
    return team_profiles.team_report(
        store, _month_or_latest(store, args), service_id=args.service, team_id=args.team, public=public
    )


def _scrutiny(store: Store, args: argparse.Namespace, viewer: Viewer, public: bool) -> pd.DataFrame:
    quarter = parse_quarter(args.quarter) if args.quarter else None
    return scrutiny.scrutiny_report(store, quarter, public=public)


def _benchmark(store: Store, args: argparse.Namespace, viewer: Viewer, public: bool) -> pd.DataFrame:
    if not args.la:
        raise QAError("report benchmark needs --la (an LA code such as 356 or E08000007, or a name).")
    return benchmarks.benchmark_report(store, la=args.la, measure=args.measure, year=args.year)


#: Every report kind by name, in the order ``report --help`` lists them.
REPORTS: dict[str, ReportKind] = {
    entry.kind: entry
    for entry in (
        ReportKind("audits", "audits", _audits),
        ReportKind("completion", "audits", _completion),
        ReportKind("risks", "risks", _risks),
        ReportKind("clinic", "clinic", _clinic),
        ReportKind("rag", "rag", _rag),
        ReportKind("team", "teams", _team),
        ReportKind("scrutiny", "scrutiny", _scrutiny),
        ReportKind("benchmark", "benchmarks", _benchmark),
    )
}
