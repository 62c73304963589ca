"""``python -m qa_core import|export|templates``: the command-line side of the importer.

``import`` prints progress lines on standard error, then the report on standard output; a
refused file prints every problem (row, column, sentence) on standard error and exits 1.
"""

from __future__ import annotations

import argparse
import os
import secrets
import stat
import sys
import time
from pathlib import Path
from typing import Any

from qa_core.errors import QAError
from qa_core.io.importer.export import FORMATS, export_frame, export_kind
from qa_core.io.importer.kinds import KINDS
from qa_core.io.importer.load import import_file
from qa_core.io.importer.result import ImportRejected
from qa_core.store import Store, default_db_path

__all__ = ["add_subcommands", "cmd_import", "cmd_export", "cmd_templates"]


def _db(args: argparse.Namespace) -> Path:
    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        raise QAError(f"There is no store at {db}. Create one with `python -m qa_core init --db PATH --council NAME` "
                      "(a council's own, empty) or `python -m qa_core demo` (the demo council), or pass --db.")
    return db


def cmd_import(args: argparse.Namespace) -> int:
    db = _db(args)
    started = time.perf_counter()
    state = {"stage": ""}

    def stage(words: str) -> None:
        state["stage"] = words

    def progress(done: int, total: int) -> None:
        words = "done" if done >= total else state["stage"]
        print(f"import {args.kind}: [{100 * done // max(total, 1):3d}%] {time.perf_counter() - started:6.1f} s  "
              f"{words}", file=sys.stderr, flush=True)

    with Store(db, read_only=args.dry_run) as store:
        try:
            result = import_file(store, args.kind, args.file, user=args.user, dry_run=args.dry_run,
                                 progress=progress, stage=stage, replace=args.replace)
        except ImportRejected as exc:
            print(exc.result.report(), file=sys.stderr)
            return 1
    print(result.report())
    return 0


_DUCKDB_NAMES = (".duckdb", ".wal")


def _out_path(out: str, db: Path) -> Path:
    """The file ``export --out`` may write: never the store or any DuckDB file (a CSV written over
    the store would destroy it), never through a symbolic link, never a folder or a device."""
    path = Path(out)
    if path.is_symlink():
        raise QAError(f"{out} is a symbolic link: export writes only to a plain file. Give the real file's path.")
    if path.is_dir():
        raise QAError(f"{out} is a folder: give a file name in it, e.g. {path / 'export.csv'}.")
    if not path.parent.is_dir():
        raise QAError(f"There is no folder {path.parent}: create it first, or write the export somewhere else.")
    resolved = path.resolve()
    if resolved == db.resolve() or (path.exists() and db.exists() and path.samefile(db)):
        raise QAError(f"{out} is the store itself: exporting over it would destroy it. Choose another file.")
    if resolved.name.lower().endswith(_DUCKDB_NAMES):
        raise QAError(f"{out} is named as a DuckDB store ({', '.join(_DUCKDB_NAMES)}): export will not write over "
                      "a store. Name the export .csv or .xlsx.")
    if path.exists():
        if not path.is_file():
            raise QAError(f"{out} is not a regular file (a device or a pipe): export writes only to a plain file.")
        try:
            with path.open("rb") as existing:
                magic = existing.read(12)[8:12]
        except OSError as exc:
            raise QAError(f"Could not write {out}: {exc.strerror or exc}.") from None
        if magic == b"DUCK":
            raise QAError(f"{out} is a DuckDB store: export will not write over it. Choose another file.")
    return path


def _write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: into a new file beside it, then renamed over it, so
    a failure (a full disc, a kill) leaves the old file as it was and no half-written export."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if path.exists():
                os.chmod(temp, stat.S_IMODE(path.stat().st_mode))  # keep the old export's permissions
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise QAError(f"Could not write {path}: {exc.strerror or exc}.") from None


def cmd_export(args: argparse.Namespace) -> int:
    db = _db(args)
    out = _out_path(args.out, db) if args.out else None
    with Store(db, read_only=True) as store:
        if out is not None:
            data = export_kind(store, args.kind, args.format)
            _write_file(out, data)
            rows = len(export_frame(store, args.kind))
            print(f"Wrote {rows:,} rows of {args.kind} to {args.out}.", file=sys.stderr)
            return 0
        data = export_kind(store, args.kind, args.format)
    if args.format == "csv":
        sys.stdout.write(data.decode("utf-8-sig"))
        sys.stdout.flush()
    elif sys.stdout.isatty():
        raise QAError("An XLSX workbook is not text: write it to a file with --out FILE.")
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from qa_core.io.importer.templates import TEMPLATE_DIR, write_templates

    written = write_templates(args.out or TEMPLATE_DIR)
    print(f"Wrote {len(written)} files to {written[0].parent}.", file=sys.stderr)
    return 0


def add_subcommands(sub: Any) -> None:
    """Register ``import``, ``export`` and ``templates`` on the CLI's subparsers."""
    kinds = list(KINDS)
    imp = sub.add_parser("import", help="load a CSV or XLSX file into the store: all of it or nothing",
                         description="Load a CSV or XLSX file. Every problem is reported (row, column, what is "
                                     "wrong) and nothing is written unless the whole file is good.")
    imp.add_argument("kind", choices=kinds)
    imp.add_argument("file", help="the CSV or XLSX file")
    imp.add_argument("--db", help="store file (default: $QA_DB or data/qa.duckdb)")
    imp.add_argument("--dry-run", action="store_true", help="check the file and say what would change; write nothing")
    imp.add_argument("--user", help="who is importing, for the import log (default: the login name)")
    imp.add_argument("--replace", action="store_true",
                     help="the file is the whole set: rows held and not in it are removed (services, teams, staff, "
                          "expectations, exemptions for its months, risks for its quarters)")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", help="write what the store holds for a kind, in the format import reads")
    exp.add_argument("kind", choices=kinds)
    exp.add_argument("--db", help="store file (default: $QA_DB or data/qa.duckdb)")
    exp.add_argument("--format", choices=FORMATS, default="csv")
    exp.add_argument("--out", help="file to write (default: CSV to standard output)")
    exp.set_defaults(func=cmd_export)

    tpl = sub.add_parser("templates", help="rewrite the import templates and their README in data/templates")
    tpl.add_argument("--out", help="folder to write them to (default: data/templates)")
    tpl.set_defaults(func=cmd_templates)
