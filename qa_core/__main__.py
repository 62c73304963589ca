"""The command line: ``python -m qa_core demo|init|status|report|pack|migrate|select-tier2|import|export ...``.

Every failure the user can act on is a ``QAError``: printed as one plain line on standard
error with exit status 1. Argument mistakes exit 2 (argparse's convention).

``report KIND --role ROLE [--scope SERVICE_OR_TEAM]`` prints exactly what that role sees on
the kind's page (``qa_core.roles``; default the assistant director): a role that cannot open
the page is refused (exit 1, the reason on standard error), and case-level rows (the audits
grouped ``--by auditor``) are only those the role may see. ``--public`` applies disclosure
control to the scrutiny and team reports whatever the role (an export for publication).
``report completion --by auditor`` names people: only those whose case-level detail the role sees.

``init`` creates a council's own empty store (``qa_core.io.council``); ``status`` says what a store
holds and what each page still needs (``qa_core.views.readiness``), read only.
The kinds, the page each answers to and how each is built are ``qa_core.views.registry``.

``pack KIND --out FILE.pdf|FILE.xlsx`` writes the meeting paper of ``qa_core.packs`` with the
same ``--role``, ``--scope`` and ``--public`` rules as ``report``; progress goes to standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from qa_core import roles
from qa_core.errors import QAError
from qa_core.io.cells import neutralise_frame
from qa_core.rules.formatting import round_half_up
from qa_core.store import Store, default_db_path, queries
from qa_core.views.registry import REPORTS


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
    """Report floats to ``digits`` places, a half rounded up as DfE rounds (and as the pages show
    figures): 0.125 is 0.13, where pandas' own rounding gives 0.12."""
    floats = frame.select_dtypes("float").columns
    return frame.assign(**{c: round_half_up(frame[c], digits) for c in floats})


def cmd_demo(args: argparse.Namespace) -> int:
    from qa_core.demo import build_demo

    db = Path(args.db) if args.db else default_db_path()
    if args.if_missing and db.exists():
        print(f"Store {db} already exists; leaving it as it is.", file=sys.stderr)
        return 0
    counts = build_demo(db, scale=args.scale, seed=args.seed, force=args.force, annex_a=args.annex_a)
    seconds = counts.pop("_seconds")
    print(f"Built the {args.scale} demo store at {db} in {seconds:.2f} s "
          f"(seed {args.seed}): {counts['audit']:,} audits, {counts['indicator_value']:,} "
          f"indicator values, {counts['team']} teams.", file=sys.stderr)
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from qa_core.io.council import create_council_store

    db = Path(args.db) if args.db else default_db_path()
    counts = create_council_store(db, args.council, args.la)
    with Store(db, read_only=True) as store:
        la = store.setting("benchmark_la_name")
    print(f"Created an empty store for {args.council.strip()} at {db}"
          + (f", compared as {la} in published figures" if la else "")
          + f" ({counts['published_value']:,} published figures for every English LA). Next: import the "
          "organisation (services, teams, staff, expectations), then the indicators and the month's figures; "
          "`python -m qa_core status --db " + str(db) + "` says what is still missing.", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from qa_core.views.readiness import readiness, status_json, status_text

    db = Path(args.db) if args.db else default_db_path()
    with _open_existing(db) as store:
        ready = readiness(store)
    print(status_json(ready, str(db)) if args.format == "json" else status_text(ready, str(db)))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    db = Path(args.db) if args.db else default_db_path()
    with Store(db) as store:
        applied = store.applied + store.migrate()  # opening read-write already migrates
    print(f"{db}: " + (f"applied {', '.join(applied)}" if applied else "schema up to date"),
          file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    db = Path(args.db) if args.db else default_db_path()
    kind = REPORTS[args.kind]
    with _open_existing(db) as store:
        viewer = roles.resolve_viewer(store, args.role, args.scope)
        viewer.require(kind.page)
        public = bool(args.public) or viewer.public
        frame = kind.build(store, args, viewer, public)
    _emit(_round(frame), args.format)
    return 0


def cmd_pack(args: argparse.Namespace) -> int:
    from qa_core import packs
    from qa_core.rules.periods import parse_month, parse_quarter

    fmt = packs.format_for(args.out)
    db = Path(args.db) if args.db else default_db_path()
    options = packs.PackOptions(month=parse_month(args.month) if args.month else None, service=args.service,
                                team=args.team, quarter=parse_quarter(args.quarter) if args.quarter else None,
                                notice_board=args.notice_board)

    def progress(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%}] {message}", file=sys.stderr)

    with _open_existing(db) as store:
        viewer = roles.resolve_viewer(store, args.role, args.scope)
        pack = packs.build_pack(store, args.kind, options, viewer, args.public, progress)
    data = packs.pack_bytes(pack, fmt)
    out = Path(args.out)
    try:
        out.write_bytes(data)
    except OSError as error:
        raise QAError(f"Cannot write {out}: {error.strerror or error}.") from error
    print(f"Wrote {out} ({len(data):,} bytes).", file=sys.stderr)
    return 0


def cmd_select_tier2(args: argparse.Namespace) -> int:
    from qa_core.rules.periods import parse_month
    from qa_core.views.audit_programme import select_tier2

    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        raise QAError(f"There is no store at {db}. Pass --db, or build the demo with `python -m qa_core demo`.")
    with Store(db) as store:
        picks, said = select_tier2(store, parse_month(args.month), args.seed, replace=args.replace,
                                   user=_user())
    _emit(picks, args.format)
    print(said, file=sys.stderr)
    return 0


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without one)
        return "unknown"


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
    demo.add_argument("--annex-a", action="store_true",
                      help="with the demo council's Annex A: its measures (AA_...) and the records behind them")
    demo.set_defaults(func=cmd_demo)

    init = sub.add_parser("init", help="create a new, empty store for a council's own data (no demo rows)")
    db_option(init)
    init.add_argument("--council", required=True, help="the council's name, as pages show it")
    init.add_argument("--la", help="the LA it is compared as in published figures: DfE's code (356), the ONS code "
                                   "or the name")
    init.set_defaults(func=cmd_init)

    status = sub.add_parser("status", help="what the store holds, and what each page still needs (read only)")
    db_option(status)
    status.add_argument("--format", choices=["text", "json"], default="text")
    status.set_defaults(func=cmd_status)

    migrate = sub.add_parser("migrate", help="bring a store's schema up to date")
    db_option(migrate)
    migrate.set_defaults(func=cmd_migrate)

    report = sub.add_parser("report", help="print the numbers a page shows")
    report.add_argument("kind", choices=list(REPORTS))
    db_option(report)
    report.add_argument("--format", choices=["csv", "json"], default="csv")
    report.add_argument("--month", help="audits, completion, clinic, rag, team: YYYY-MM (default: latest)")
    report.add_argument("--by", choices=[k for k in queries.AUDIT_GROUPINGS if k],
                        help="audits: one row per group (default: one row for the council); completion: auditor, "
                             "team or service")
    report.add_argument("--grade", choices=["final", "overall"], default="final",
                        help="audits: 'final' uses the moderated grade where there is one")
    report.add_argument("--service", help="audits, team: only this service; clinic: the service (id)")
    report.add_argument("--team", help="team: only this team (id)")
    report.add_argument("--quarter", help="risks, scrutiny: a financial quarter, e.g. 2025/26-Q3 or '2025/26 Q3' "
                        "(October to December 2025; default: latest)")
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

    from qa_core.packs import PACKS

    pack = sub.add_parser("pack", help="write a meeting paper (PDF or XLSX) for a role")
    pack.add_argument("kind", choices=list(PACKS))
    db_option(pack)
    pack.add_argument("--out", required=True, help="the file to write: .pdf or .xlsx (the extension chooses)")
    pack.add_argument("--month", help="clinic, board, audits, team: YYYY-MM (default: latest)")
    pack.add_argument("--service", help="clinic: the service (id); audits, team: only this service")
    pack.add_argument("--team", help="team: the team (id)")
    pack.add_argument("--quarter", help="scrutiny: the quarter (default: the latest complete one)")
    pack.add_argument("--notice-board", action="store_true",
                      help="team: the notice-board version (disclosure-controlled)")
    pack.add_argument("--role", choices=list(roles.ROLES), default=roles.DEFAULT_ROLE,
                      help="the pack this role may see (default: assistant_director)")
    pack.add_argument("--scope", help="head_of_service: the service; team_manager: the team (id or name)")
    pack.add_argument("--public", action="store_true",
                      help="scrutiny, team: disclosure control for publication (the scrutiny card always has it)")
    pack.set_defaults(func=cmd_pack)
    tier2 = sub.add_parser("select-tier2", help="pick each head of service's Tier 2 case for a month, at random "
                                                "outside their own service, and record the allocation")
    db_option(tier2)
    tier2.add_argument("--month", required=True, help="the month, YYYY-MM")
    tier2.add_argument("--seed", type=int, default=0, help="the random seed (default 0): the same store and seed "
                                                           "give the same picks")
    tier2.add_argument("--format", choices=["csv", "json"], default="csv")
    tier2.add_argument("--replace", action="store_true",
                       help="the month is already allocated with other picks: record these in their place")
    tier2.set_defaults(func=cmd_select_tier2)

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
