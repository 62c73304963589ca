"""The Store: the one place that opens DuckDB connections: connect, migrate, query, write.
Other modules run SQL through a Store (or a cursor of its transaction), never a connection of
their own; the importer also catches ``duckdb.Error`` from the cursor its write runs on.

A Store is a handle, not a connection: nothing holds the file between uses (``access``). Reads
take a read-only cursor for their batch; a write opens the file read-write for its transaction
and closes it. A process that finds the file held by another keeps trying for a few seconds,
then gets a ``StoreLockedError`` naming the process to stop. Every write runs in one
transaction, so a failure or a kill leaves the store as it was, and bumps the store's data
version (``data_version``), on which the app keys its cached results.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from qa_core.errors import QAError, StoreLockedError
from qa_core.store import access

__all__ = ["Store", "default_db_path", "MIGRATIONS_DIR", "PROJECT_ROOT"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DEFAULT_DB = PROJECT_ROOT / "data" / "qa.duckdb"
#: A store's file signature is trusted to mean "no write since" only once the file is this many
#: seconds older than the moment the signature was taken (file times are coarse: a write in the
#: same tick could leave the time unchanged).
SETTLED_SECONDS = 1.0
# One write lock per store file in this process (every Store on a file shares the file's one
# open database), so two sessions' writes never interleave.
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


def _locked_message(path: Path, pid: str | None, waited: float) -> str:
    who = _describe_process(pid) if pid else "another process"
    stop = f"Stop that process (kill {pid})" if pid else "Stop that process"
    return (
        f"The store {path} is in use by another process ({who}), which held it for the {waited:g} seconds "
        f"this one waited. Only one process may write to it at a time, and none may read it meanwhile. {stop}, "
        "or point this one at another file with --db or QA_DB, and try again. Nothing was changed."
    )


class _Memory:
    """An in-memory store: one connection for its whole life (closing it would lose the data)."""

    def __init__(self) -> None:
        self.con = duckdb.connect(":memory:")

    def acquire(self, write: bool) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def release(self, cur: duckdb.DuckDBPyConnection, write: bool) -> None:
        cur.close()

    def close_idle(self, *, force: bool = False) -> None:
        """Closing the store closes the connection, and with it the data."""
        if force:
            self.con.close()


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
        self.read_only = read_only
        self._write_lock = _write_lock_for(self.path)
        if self.path == ":memory:":
            self._file: access.StoreFile | _Memory = _Memory()
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = access.file_for(self.path)
            self._watched = (str(self.path), f"{self.path}.wal")
        if read_only:
            with self._reading():  # open now, so a missing or held file is reported here
                pass
        self.applied: list[str] = [] if read_only else self.migrate()  # applied by this open

    # -- opening ------------------------------------------------------------------------------
    @contextmanager
    def _opened(self, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor from the file's shared database; a held file or a failed open is a QAError."""
        started = time.monotonic()
        try:
            cur = self._file.acquire(write)
        except access.Locked as held:
            waited = round(time.monotonic() - started, 1)
            raise StoreLockedError(_locked_message(Path(str(self.path)), held.pid, waited)) from None
        except duckdb.Error as exc:
            raise QAError(f"Cannot open the store {self.path}: {exc}") from None
        try:
            yield cur
        finally:
            self._file.release(cur, write)

    @contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._opened(write=False) as cur:
            yield cur

    # -- schema ---------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply numbered migrations not yet recorded; safe to run any number of times.

        Also makes sure the store has its data version (``data_version``: an id for this store and
        a count every write bumps); it is not a numbered migration, so it never competes for a number.
        A store with nothing to apply is only looked at, read-only (``_up_to_date``): opening it
        read-write would take the file from every other process's readers for nothing.
        """
        if self._up_to_date():
            return []
        with self._write_lock, self._opened(write=True) as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
            con.execute("CREATE TABLE IF NOT EXISTS data_version (store_id VARCHAR NOT NULL, version BIGINT NOT NULL)")
            if con.execute("SELECT count(*) FROM data_version").fetchone()[0] == 0:
                con.execute("INSERT INTO data_version VALUES (?, 0)", [uuid.uuid4().hex])
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

    def _up_to_date(self) -> bool:
        """Does the store file already record every numbered migration and hold its data version?
        Seen through a read-only open (which the reads that follow share); a new file, or one whose
        tables are missing or that cannot be read, is not (``migrate`` then opens it read-write,
        as before, and reports what is wrong). A file held by another process's writer is waited
        for as any read is."""
        if isinstance(self._file, _Memory) or not Path(self.path).exists():
            return False
        wanted = {int(file.name[:3]) for file in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")}
        try:
            with self._reading() as cur:
                done = {row[0] for row in cur.execute("SELECT version FROM schema_migration").fetchall()}
                versioned = cur.execute("SELECT count(*) FROM data_version").fetchone()[0] > 0
        except StoreLockedError:
            raise
        except (duckdb.Error, QAError):  # e.g. no schema_migration table yet, or not a store at all
            return False
        return versioned and wanted <= done

    def migrations(self) -> pd.DataFrame:
        return self.query("SELECT version, name, applied_at FROM schema_migration ORDER BY 1")

    # -- the data version -------------------------------------------------------------------
    def _signature(self) -> tuple[object, float]:
        """The store file's (and its write-ahead log's) identity, size and time; the newest time."""
        parts, newest = [], 0.0
        for path in self._watched:
            try:
                st = os.stat(path)
            except OSError:
                parts.append(None)
                continue
            parts.append((st.st_ino, st.st_size, st.st_mtime_ns))
            newest = max(newest, st.st_mtime)
        return tuple(parts), newest

    def data_version(self) -> str:
        """An id that changes with every committed write ("<store id>:<count>").

        Cheap when nothing changed (two ``stat`` calls): it reads the store only when the file's
        signature moved since it last looked (or while the file is freshly written). While another
        process writes, it answers what it last read rather than wait: that write is not visible
        until it ends.
        """
        file = self._file
        if isinstance(file, _Memory):
            return self._read_version()
        signature, newest = self._signature()
        seen = file.seen
        if seen is not None and seen[0] == signature and seen[1] - newest > SETTLED_SECONDS:
            return seen[2]
        if seen is not None and file.gate.foreign_writer():
            return seen[2]
        taken = time.time()
        version = self._read_version()
        file.seen = (signature, taken, version)
        return version

    def _read_version(self) -> str:
        with self._reading() as cur:
            try:
                row = cur.execute("SELECT store_id || ':' || version FROM data_version").fetchone()
            except duckdb.CatalogException:  # a store no writer of this version has opened yet
                return "unversioned"
        return str(row[0]) if row else "unversioned"

    # -- reading --------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Run a parameterised query on its own cursor (safe across threads)."""
        with self._reading() as cur:
            try:
                return cur.execute(sql, params or []).df()
            except duckdb.Error as exc:
                raise QAError(f"Query failed: {exc}") from None

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row (None for no row); a failure is a QAError, as in ``query``."""
        with self._reading() as cur:
            try:
                row = cur.execute(sql, params or []).fetchone()
            except duckdb.Error as exc:
                raise QAError(f"Query failed: {exc}") from None
        return None if row is None else row[0]

    def table_counts(self) -> dict[str, int]:
        with self._reading():  # one open for the whole count
            names = self.query(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' ORDER BY table_name"
            )["table_name"]
            return {n: int(self.scalar(f'SELECT count(*) FROM "{n}"')) for n in names}

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for a run of reads (closed afterwards); no transaction."""
        with self._reading() as cur:
            yield cur

    # -- writing --------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: commit on success, roll back on any error; the commit bumps the data version.

        Writes in this process take turns: the store file's write lock is held from BEGIN to
        COMMIT, so what a transaction reads (say, an import's "is this row held already?") stays
        true until it commits, and two sessions' imports end as one of them after the other would.
        The file is open read-write only from just before BEGIN until the last cursor is done.
        """
        if self.read_only:
            raise QAError("The store was opened read-only; nothing can be written.")
        with self._write_lock, self._opened(write=True) as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("UPDATE data_version SET version = version + 1")
            cur.execute("COMMIT")

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
        """Write the WAL into the file, so the file alone holds everything (closing the file after a
        write does this too)."""
        with self._write_lock, self._opened(write=True) as con:
            con.execute("CHECKPOINT")

    def close(self) -> None:
        """Let go of the file now rather than after ``access.LINGER`` (if no other reader is using it).
        The Store stays usable: it opens the file again when next asked."""
        self._file.close_idle(force=True)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
