"""Import a file: read, validate, then write in one transaction, and log it.

All or nothing: validation runs inside the write transaction and any problem (or any
error from the store) rolls the whole transaction back, so nothing from the file is written.
A process killed mid-import leaves the store as it was: DuckDB only makes a transaction
durable at COMMIT, the import's last step. Loading the same file twice writes nothing the
second time (every row is "unchanged"); the import log records both loads.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from qa_core.errors import QAError
from qa_core.io.importer.formats import FileRejected, read_sheet
from qa_core.io.importer.kinds import KINDS
from qa_core.io.importer.kinds.dfe import spec_for
from qa_core.io.importer.result import SHOWN_PROBLEMS, ImportRejected, ImportResult, Problem
from qa_core.io.importer.validate import Checker, Context
from qa_core.store import Store

__all__ = ["import_file", "validate_file", "import_history", "Progress", "read_source"]

Progress = Callable[[int, int], object]
Stage = Callable[[str], object]
PREVIEW_ROWS = 20
logger = logging.getLogger(__name__)


class _Stop(Exception):
    """Leave the transaction (rolling it back) carrying the result."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result


class _Steps:
    def __init__(self, total: int, progress: Progress | None, stage: Stage | None) -> None:
        self.total, self.done = total, 0
        self.progress, self.stage = progress, stage

    def __call__(self, label: str) -> None:
        if self.stage is not None:
            self.stage(label)
        self.done = min(self.done + 1, self.total - 1)
        if self.progress is not None:
            self.progress(self.done, self.total)

    def finish(self) -> None:
        self.done = self.total
        if self.progress is not None:
            self.progress(self.total, self.total)


def read_source(source: str | Path | bytes | Any, filename: str | None = None) -> tuple[bytes, str]:
    """The file's bytes and name from a path, bytes, or an uploaded file (``getvalue()`` and ``name``)."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), filename or "upload"
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            return path.read_bytes(), filename or path.name
        except FileNotFoundError:
            raise QAError(f"There is no file {path}.") from None
        except IsADirectoryError:
            raise QAError(f"{path} is a folder, not a file.") from None
        except OSError as exc:
            raise QAError(f"Cannot read {path}: {exc.strerror}.") from None
    if hasattr(source, "getvalue"):
        return bytes(source.getvalue()), filename or getattr(source, "name", "upload")
    if hasattr(source, "read"):
        return bytes(source.read()), filename or getattr(source, "name", "upload")
    raise QAError(f"Cannot read a file from {type(source).__name__}.")


@contextmanager
def _cursor(store: Store, write: bool) -> Iterator[Any]:
    """The import's transaction; a plain cursor (nothing written) on a read-only store."""
    if store.read_only:
        if write:
            raise QAError("The store was opened read-only; nothing can be imported.")
        with store.cursor() as cur:  # read-only: nothing is written, so no transaction is needed
            yield cur
        return
    with store.transaction() as cur:
        yield cur


_POOL_GUARD = threading.Lock()
_POOL = {"imports": 0, "before": None}  # imports running, and the default pool before the first of them


#: Files at least this large are read and checked with Arrow's jemalloc pool (``_arrow_pool``).
JEMALLOC_BYTES = 8 << 20


@contextmanager
def _arrow_pool(size: int) -> Iterator[None]:
    """Arrow's jemalloc pool as its default while imports of ``JEMALLOC_BYTES`` or more run (where the build has
    it), the usual one after; smaller files (a month's, typically) keep the usual pool.

    Why: the default pool of Linux wheels, mimalloc, gives memory an import frees back to the system after
    10 ms and takes it again page by page for the next column. Reading and checking a million audits spent
    about a second of processor time in the kernel doing that (read_csv alone: 1.0 s of its 1.8 s); with
    jemalloc, which keeps freed memory a while for reuse, the same work takes 0.3 s (issue 14). Every buffer
    frees to the pool it came from, so another thread allocating meanwhile is merely served by jemalloc too.
    """
    try:
        pool = pa.jemalloc_memory_pool() if size >= JEMALLOC_BYTES else None
    except NotImplementedError:  # a build without jemalloc (Windows wheels): the default pool
        pool = None
    if pool is None:
        yield
        return
    with _POOL_GUARD:
        if _POOL["imports"] == 0:
            _POOL["before"] = pa.default_memory_pool()
            pa.set_memory_pool(pool)
        _POOL["imports"] += 1
    try:
        yield
    finally:
        with _POOL_GUARD:
            _POOL["imports"] -= 1
            if _POOL["imports"] == 0:
                pa.set_memory_pool(_POOL["before"])
                _POOL["before"] = None


def _run(store: Store, kind: str, source: Any, filename: str | None, user: str | None, dry_run: bool,
         progress: Progress | None, stage: Stage | None, replace: bool = False) -> ImportResult:
    """``_run_file``, with a last net: an error nobody foresaw refuses the file plainly (the transaction
    rolls back) and goes to the log with its traceback, so a person sees a sentence, never a traceback."""
    data, name = read_source(source, filename)
    try:
        with _arrow_pool(len(data)):
            return _run_file(store, kind, data, name, user, dry_run, progress, stage, replace)
    except QAError:  # the store is locked or read-only: not a problem with the file
        raise
    except Exception:
        logger.exception("Importing %s as %s failed unexpectedly; the file was refused", name, kind)
        result = ImportResult(kind=kind, filename=name, sha256=hashlib.sha256(data).hexdigest(),
                              user=user or _default_user(), dry_run=dry_run)
        result.problems = [Problem(None, None, (
            f"The importer could not finish reading '{name}': something in it is not handled yet, so nothing "
            "was imported. The details are in the application's log; please pass them (and the file, if you "
            "may) to whoever looks after the dashboard."))]
        result.problem_count = 1
        return result


class _Digest:
    """The file's SHA-256, worked out on a thread of its own once ``start`` is called: hashing releases the
    interpreter, so the second core hashes while the first checks (200 MB: 0.12 s off an import, issue 14)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._hex: str | None = None
        self._thread: threading.Thread | None = None

    def _work(self) -> None:
        self._hex = hashlib.sha256(self._data).hexdigest()

    def start(self) -> None:
        if self._thread is None and self._hex is None:
            self._thread = threading.Thread(target=self._work, name="qa-import-sha256", daemon=True)
            self._thread.start()

    def hexdigest(self) -> str:
        if self._thread is not None:
            self._thread.join()
        elif self._hex is None:
            self._work()
        assert self._hex is not None
        return self._hex


def _run_file(store: Store, kind: str, source: Any, filename: str | None, user: str | None, dry_run: bool,
              progress: Progress | None, stage: Stage | None, replace: bool = False) -> ImportResult:
    started = time.perf_counter()
    data, name = read_source(source, filename)
    digest = _Digest(data)
    result = ImportResult(kind=kind, filename=name, sha256="", user=user or _default_user(), dry_run=dry_run)
    spec = KINDS.get(kind)
    if spec is None:
        result.problems = [Problem(None, None, f"There is no kind of import called '{kind}'. The kinds are: "
                                   f"{', '.join(KINDS)}.")]
        result.problem_count = 1
        result.sha256 = digest.hexdigest()
        return result
    if replace and not spec.replace_all:
        result.problems = [Problem(None, None, f"Importing {kind} has no --replace (replace the whole set): "
                                   f"{spec.replaces} Import the file without it.")]
        result.problem_count = 1
        result.sha256 = digest.hexdigest()
        return result
    steps = _Steps(4 + spec.write_steps, progress, stage)
    steps(f"reading {name} ({len(data) / 1e6:,.1f} MB)")
    try:
        if spec.read is not None:  # a workbook read whole (annex_a): the kind reads and checks every sheet
            checker = spec.read(data, name)
        else:
            sheet = read_sheet(data, name, kind)
    except FileRejected as exc:
        result.problems, result.problem_count = [exc.problem], 1
        return _finish(result, started, steps, digest)
    digest.start()  # hashed beside the checks, which run on one core
    if spec.read is None:
        spec = spec_for(spec, sheet, name)  # comparators: the store format, a DfE EES file or the LAIT long file
        checker = Checker(sheet, spec.model, extra_columns=spec.extra is not None)
        if sheet.n == 0 and not checker.missing:
            checker.add_file(f"'{name}' has a header row but no rows of {kind} under it: there is nothing to import.")
    result.rows = checker.n
    steps(f"checking {checker.n:,} rows of {kind}")
    try:
        with _cursor(store, write=not dry_run) as cur:
            ctx = Context(cur)
            ctx.filename = name
            ctx.replace = replace
            ctx.store = store  # annex_a: its pseudonym key lives beside the store file
            try:
                prepared = spec.prepare(checker, ctx)
            except Exception:
                if checker.ok:
                    raise
                prepared = None  # a rule tripped over values already reported: report those
            if not checker.ok or prepared is None:
                raise _Stop(_rejected(result, checker))
            for table_name, table in prepared.staged.items():
                cur.register(table_name, table)
            steps(f"comparing {checker.n:,} rows with the store")
            outcome = spec.load(cur, prepared, ctx, not dry_run, steps)
            result.added, result.replaced = outcome.added, outcome.replaced
            result.unchanged, result.removed = outcome.unchanged, outcome.removed
            result.messages = [*outcome.messages, *checker.warnings]
            if replace:
                result.messages.insert(0, f"With --replace: {spec.replace_all}")
            main = next(iter(prepared.staged.values()))
            result.preview = main.slice(0, PREVIEW_ROWS).to_pandas()
            if dry_run:
                result.messages = [_would(m) for m in result.messages]
                raise _Stop(result)
            steps("committing")
            result.sha256 = digest.hexdigest()
            result.seconds = round(time.perf_counter() - started, 3)
            result.import_id = _log(cur, result, "imported")
    except _Stop as stop:
        result = stop.result
    except duckdb.Error as exc:
        result.problems = [Problem(None, None, f"The store refused the change, so nothing was imported: "
                                   f"{str(exc).splitlines()[0]}")]
        result.problem_count = 1
    return _finish(result, started, steps, digest)


def _would(message: str) -> str:
    """'... replaced (24 rows)' → '... would be replaced (24 rows)', for a dry run's report."""
    return re.sub(r"\b(replaced|added|removed|kept|left unchanged)\b", r"would be \1", message)


def _rejected(result: ImportResult, checker: Checker) -> ImportResult:
    result.problems = checker.sorted_problems()
    result.problem_count = checker.count
    result.rejected = int(checker.bad.sum()) if not checker.file_bad else result.rows
    result.messages = list(checker.warnings)
    return result


def _finish(result: ImportResult, started: float, steps: _Steps, digest: _Digest) -> ImportResult:
    result.sha256 = digest.hexdigest()
    result.seconds = round(time.perf_counter() - started, 3)
    steps.finish()
    return result


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container without one)
        return "unknown"


def _log(cur: Any, result: ImportResult, status: str) -> int:
    lines = result.messages if status == "imported" else [str(p) for p in result.problems[:SHOWN_PROBLEMS]]
    row = cur.execute(
        """
        INSERT INTO import_log (imported_at, user_name, file_name, file_sha256, kind, status, rows_in_file,
            rows_added, rows_replaced, rows_unchanged, rows_removed, rows_rejected, problems, seconds, messages)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING import_id
        """,
        [dt.datetime.now().replace(microsecond=0), result.user, result.filename, result.sha256, result.kind, status,
         result.rows, result.added, result.replaced, result.unchanged, result.removed, result.rejected,
         result.problem_count, result.seconds, "\n".join(lines)],
    ).fetchone()
    return int(row[0])


def import_file(
    store: Store,
    kind: str,
    source: str | Path | bytes | Any,
    filename: str | None = None,
    user: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    stage: Stage | None = None,
    replace: bool = False,
) -> ImportResult:
    """Import one CSV or XLSX file of ``kind`` into ``store``: all of it, or nothing.

    ``source`` is a path, the file's bytes, or an uploaded file; ``filename`` names it in
    messages and the log (default: the path's name). ``progress(done, total)`` is called as
    the import moves through its steps; ``stage(words)`` says what each step is doing.
    ``dry_run`` checks everything, counts what would change, and writes nothing. ``replace``: the
    file is the whole set (``KINDS[kind].replace_all`` says what that removes: held rows the file
    does not mention); refused for a kind that has no whole set.

    Returns the ``ImportResult`` (counts, messages such as "October 2026 values for
    Assessment North replaced (24 rows)"). Raises ``ImportRejected`` (a ``QAError``) carrying
    every problem when the file cannot be imported; the refusal is logged.
    """
    result = _run(store, kind, source, filename, user, dry_run, progress, stage, replace)
    if not result.ok:
        if not dry_run and not store.read_only and kind in KINDS:
            with suppress(QAError, duckdb.Error), store.transaction() as cur:
                result.import_id = _log(cur, result, "rejected")
        raise ImportRejected(result)
    return result


def validate_file(
    store: Store,
    kind: str,
    source: str | Path | bytes | Any,
    filename: str | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    stage: Stage | None = None,
    replace: bool = False,
) -> ImportResult:
    """Check a file without writing anything: its problems, or what importing it would change
    (with ``replace``, as the whole set).

    Never raises for a problem in the file: look at ``result.ok`` and ``result.problems``.
    """
    return _run(store, kind, source, filename, user, True, progress, stage, replace)


def import_history(store: Store, limit: int = 100) -> pd.DataFrame:
    """The latest imports, newest first: when, who, file, kind, status and counts."""
    return store.query(
        "SELECT import_id, imported_at, user_name, file_name, file_sha256, kind, status, rows_in_file, rows_added, "
        "rows_replaced, rows_unchanged, rows_removed, rows_rejected, problems, seconds, messages "
        "FROM import_log ORDER BY import_id DESC LIMIT ?", [int(limit)])
