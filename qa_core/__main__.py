"""The command line: ``python -m qa_core demo|report|migrate ...``.

Every failure the user can act on is a ``QAError``: printed as one plain line on standard
error with exit status 1. Argument mistakes exit 2 (argparse's convention).

``report KIND --role ROLE [--scope SERVICE_OR_TEAM]`` prints exactly what that role sees on
the kind's page (``qa_core.roles``; default the assistant director): a role that cannot open
the page is refused (exit 1, the reason on standard error), and case-level rows (the audits
grouped ``--by auditor``) are only those the role may see. ``--public`` applies disclosure
control to the scrutiny and team reports whatever the role (an export for publication).
"""

from __future__ import annotations

import argparse
import inspect
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from qa_core import roles
from qa_core.errors import QAError
from qa_core.io.cells import neutralise_frame
from qa_core.store import Store, default_db_path, queries
from qa_core.views import audit_grades, clinic, risk_register

REPORT_KINDS = ("audits", "risks", "clinic", "rag", "team", "scrutiny", "benchmark")
CLINIC_COLUMNS = [
    "code", "name", "unit", "value", "numerator", "denominator", "target", "rag", "previous",
    "direction", "variation", "assurance", "special_cause", "sn_median", "sn_count", "england",
    "comparator_year",
]


def _open_existing(db: Path) -> Store:
    if not db.exists():
        raise QAError(f"There is no store at {db}. Build the demo one with "
                      "`python -m qa_core demo` (or `make run`), or pass --db.")
    return Store(db, read_only=True)


def _emit(frame: pd.DataFrame, fmt: str) -> None:
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", date_format="iso", double_precision=10))
        json.dump(records, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        neutralise_frame(frame).to_csv(sys.stdout, index=False)  # no stored text opens as a formula


def _round(frame: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: frame[c].round(digits) for c in floats})


def cmd_demo(args: argparse.Namespace) -> int:
    from qa_core.demo import build_demo

    db = Path(args.db) if args.db else default_db_path()
    if args.if_missing and db.exists():
        print(f"Store {db} already exists; leaving it as it is.", file=sys.stderr)
        return 0
    counts = build_demo(db, scale=args.scale, seed=args.seed, force=args.force)
    seconds = counts.pop("_seconds")
    print(f"Built the {args.scale} demo store at {db} in {seconds:.2f} s "
          f"(seed {args.seed}): {counts['audit']:,} audits, {counts['indicator_value']:,} "
          f"indicator values, {counts['team']} teams.", file=sys.stderr)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    db = Path(args.db) if args.db else default_db_path()
    with Store(db) as store:
        applied = store.applied + store.migrate()  # opening read-write already migrates
    print(f"{db}: " + (f"applied {', '.join(applied)}" if applied else "schema up to date"),
          file=sys.stderr)
    return 0


def _public_keyword(function: object, public: bool) -> dict:
    """``{"public": ...}`` when ``function`` takes the disclosure keyword, else nothing."""
    return {"public": public} if "public" in inspect.signature(function).parameters else {}


def cmd_report(args: argparse.Namespace) -> int:
    db = Path(args.db) if args.db else default_db_path()
    with _open_existing(db) as store:
        viewer = roles.resolve_viewer(store, args.role, args.scope)
        viewer.require(roles.REPORT_PAGES[args.kind])
        public = bool(args.public) or viewer.public
        if args.kind == "audits":
            month = queries.parse_month(args.month) if args.month else None
            frame = audit_grades.audits_report(store, month=month, by=args.by, grade=args.grade,
                                          service_id=args.service, viewer=viewer)
        elif args.kind == "clinic":
            if not args.service:
                raise QAError("report clinic needs --service (a service id, e.g. assessment).")
            month = queries.parse_month(args.month) if args.month else queries.latest_month(store)
            if args.service not in set(queries.services(store)["service_id"]):
                raise QAError(f"There is no service {args.service!r}.")
            frame = clinic.clinic_measures(store, args.service, month)
            frame = frame[CLINIC_COLUMNS] if not frame.empty else pd.DataFrame(columns=CLINIC_COLUMNS)
        elif args.kind == "rag":
            from qa_core.views.improvement_board import rag_report

            month = queries.parse_month(args.month) if args.month else queries.latest_month(store)
            frame = rag_report(store, month)
        elif args.kind == "team":
            from qa_core.views.team_profiles import team_report

            month = queries.parse_month(args.month) if args.month else queries.latest_month(store)
            frame = team_report(store, month, service_id=args.service, team_id=args.team,
                                **_public_keyword(team_report, public))
        elif args.kind == "scrutiny":
            from qa_core.views.scrutiny import scrutiny_report

            quarter = queries.parse_quarter(args.quarter) if args.quarter else None
            frame = scrutiny_report(store, quarter, **_public_keyword(scrutiny_report, public))
        elif args.kind == "benchmark":
            from qa_core.views.benchmarks import benchmark_report

            if not args.la:
                raise QAError("report benchmark needs --la (an LA code such as 356 or E08000007, or a name).")
            frame = benchmark_report(store, la=args.la, measure=args.measure, year=args.year)
        else:
            frame = risk_register.risks_report(store, quarter=args.quarter, matrix_id=args.matrix)
    _emit(_round(frame), args.format)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m qa_core",
                                     description="Children's social care performance and QA store.")
    sub = parser.add_subparsers(dest="command", required=True)

    def db_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", help="store file (default: $QA_DB or data/qa.duckdb)")

    demo = sub.add_parser("demo", help="build the fictional demo council's store")
    db_option(demo)
    demo.add_argument("--scale", choices=["small", "large"], default="small")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--force", action="store_true", help="replace an existing store")
    demo.add_argument("--if-missing", action="store_true", help="do nothing if the store exists")
    demo.set_defaults(func=cmd_demo)

    migrate = sub.add_parser("migrate", help="bring a store's schema up to date")
    db_option(migrate)
    migrate.set_defaults(func=cmd_migrate)

    report = sub.add_parser("report", help="print the numbers a page shows")
    report.add_argument("kind", choices=REPORT_KINDS)
    db_option(report)
    report.add_argument("--format", choices=["csv", "json"], default="csv")
    report.add_argument("--month", help="audits, clinic, rag, team: YYYY-MM (default: latest)")
    report.add_argument("--by", choices=[k for k in queries.AUDIT_GROUPINGS if k],
                        help="audits: one row per group (default: one row for the council)")
    report.add_argument("--grade", choices=["final", "overall"], default="final",
                        help="audits: 'final' uses the moderated grade where there is one")
    report.add_argument("--service", help="audits, team: only this service; clinic: the service (id)")
    report.add_argument("--team", help="team: only this team (id)")
    report.add_argument("--quarter", help="risks, scrutiny: YYYY-Qn (default: latest)")
    report.add_argument("--matrix", help="risks: matrix id (default: the store's setting)")
    report.add_argument("--la", help="benchmark: the LA (old code 356, new code E08000007 or name)")
    report.add_argument("--measure", help="benchmark: only this published measure (e.g. ReReferral)")
    report.add_argument("--year", type=int, help="benchmark: only this year (YYYY)")
    report.add_argument("--role", choices=list(roles.ROLES), default=roles.DEFAULT_ROLE,
                        help="print what this role sees (default: assistant_director)")
    report.add_argument("--scope", help="head_of_service: the service; team_manager: the team (id or name)")
    report.add_argument("--public", action="store_true",
                        help="scrutiny, team: apply disclosure control (small numbers suppressed) for publication")
    report.set_defaults(func=cmd_report)

    from qa_core.io.importer.cli import add_subcommands  # import, export, templates

    add_subcommands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
