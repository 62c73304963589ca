"""The Store: the one place that opens DuckDB connections: connect, migrate, query, write.
Other modules run SQL through a Store (or a cursor of its transaction), never a connection of
their own; the importer also catches ``duckdb.Error`` from the cursor its write runs on.

One process owns the store file read-write (DuckDB allows one writer process). A second
process that finds it locked gets a ``StoreLockedError`` naming the process to stop, before
anything is read or written. Every write runs in one transaction, so a failure or a kill
leaves the store as it was.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from qa_core.errors import QAError, StoreLockedError

__all__ = ["Store", "default_db_path", "MIGRATIONS_DIR", "PROJECT_ROOT"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_DB = PROJECT_ROOT / "data" / "qa.duckdb"
_PID_RE = re.compile(r"\(PID (\d+)\)")
# One write lock per store file in this process (DuckDB shares one database between the
# connections a process opens to a file), so two sessions' writes never interleave.
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock_for(path: str | Path) -> threading.RLock:
    """The process-wide write lock of a store file (a fresh one for an in-memory store)."""
    if str(path) == ":memory:":
        return threading.RLock()
    key = str(Path(path).resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.RLock())


def default_db_path() -> Path:
    """The store file: ``$QA_DB`` if set, else ``data/qa.duckdb`` in the project."""
    env = os.environ.get("QA_DB")
    return Path(env) if env else DEFAULT_DB


def _describe_process(pid: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"PID {pid}"
    cmd = " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)
    cmd = " ".join(cmd.split())  # one line: an argument may hold newlines (python -c "...")
    return f"PID {pid}: {cmd[:160]}" if cmd else f"PID {pid}"


def _locked_message(path: Path, error: Exception) -> str:
    match = _PID_RE.search(str(error))
    who = _describe_process(match.group(1)) if match else "another process"
    stop = f"Stop that process (kill {match.group(1)})" if match else "Stop that process"
    return (
        f"The store {path} is in use by another process ({who}). Only one process may "
        f"open it at a time. {stop}, or point this one at another file with --db or QA_DB, "
        "and try again. Nothing was changed."
    )


class Store:
    """A DuckDB store file, migrated to the latest schema on open.

    >>> store = Store(":memory:")
    >>> int(store.query("SELECT count(*) AS n FROM service")["n"][0])
    0
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        if path is None:
            path = default_db_path()
        self.path = path if path == ":memory:" else Path(path)
        target = str(self.path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(target, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(_locked_message(Path(target), exc)) from None
            raise QAError(f"Cannot open the store {target}: {exc}") from None
        self.read_only = read_only
        self._write_lock = _write_lock_for(self.path)
        self.applied: list[str] = [] if read_only else self.migrate()  # applied by this open

    # -- schema ---------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply numbered migrations not yet recorded; safe to run any number of times."""
        con = self._con
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migration ("
            " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        done = {row[0] for row in con.execute("SELECT version FROM schema_migration").fetchall()}
        applied = []
        for file in sorted(MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")):
            version = int(file.name[:3])
            if version in done:
                continue
            with self.transaction() as cur:
                cur.execute(file.read_text(encoding="utf-8"))
                cur.execute(
                    "INSERT INTO schema_migration (version, name) VALUES (?, ?)",
                    [version, file.name],
                )
            applied.append(file.name)
        return applied

    def migrations(self) -> pd.DataFrame:
        return self.query("SELECT version, name, applied_at FROM schema_migration ORDER BY 1")

    # -- reading --------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a parameterised query on its own cursor (safe across threads)."""
        cur = self._con.cursor()
        try:
            return cur.execute(sql, params or []).df()
        except duckdb.Error as exc:
            raise QAError(f"Query failed: {exc}") from None
        finally:
            cur.close()

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row (None for no row); a failure is a QAError, as in ``query``."""
        cur = self._con.cursor()
        try:
            row = cur.execute(sql, params or []).fetchone()
        except duckdb.Error as exc:
            raise QAError(f"Query failed: {exc}") from None
        finally:
            cur.close()
        return None if row is None else row[0]

    def table_counts(self) -> dict[str, int]:
        names = self.query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'main' ORDER BY table_name"
        )["table_name"]
        return {n: int(self.scalar(f'SELECT count(*) FROM "{n}"')) for n in names}

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for a run of reads (closed afterwards); no transaction."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    # -- writing --------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: commit on success, roll back on any error.

        Writes in this process take turns: the store file's write lock is held from BEGIN to
        COMMIT, so what a transaction reads (say, an import's "is this row held already?") stays
        true until it commits, and two sessions' imports end as one of them after the other would.
        """
        if self.read_only:
            raise QAError("The store was opened read-only; nothing can be written.")
        with self._write_lock:
            cur = self._con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                cur.close()
                raise
            cur.execute("COMMIT")
            cur.close()

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> None:
        with self.transaction() as cur:
            cur.execute(sql, params or [])

    def insert_frames(
        self,
        frames: Mapping[str, pd.DataFrame],
        cur: duckdb.DuckDBPyConnection | None = None,
    ) -> dict[str, int]:
        """Bulk-insert each frame into the table of the same name, in one transaction.

        Columns are matched by name, so a frame may hold them in any order and leave
        defaulted columns out. Pass ``cur`` to join a transaction already open.
        """
        if cur is None:
            with self.transaction() as own:
                return self.insert_frames(frames, own)
        counts = {}
        for table, frame in frames.items():
            if frame.empty:
                counts[table] = 0
                continue
            cols = ", ".join(f'"{c}"' for c in frame.columns)
            cur.register("_incoming", frame)
            try:
                cur.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
            finally:
                # After a failed insert the transaction is aborted and unregister fails too;
                # let the insert's own error (e.g. the CHECK it broke) be the one raised.
                with suppress(duckdb.Error):
                    cur.unregister("_incoming")
            counts[table] = len(frame)
        return counts

    def set_setting(self, key: str, value: str) -> None:
        self.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", [key, value])

    def setting(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM setting WHERE key = ?", [key])
        return default if value is None else value

    def checkpoint(self) -> None:
        """Write the WAL into the file, so the file alone holds everything."""
        self._con.execute("CHECKPOINT")

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
