"""How a process opens the store file: briefly, shared between its threads, and politely to others.

What DuckDB 2.0 does (measured on the large demo store, see ``docs/scaling.md``): a file is open
read-write in one process *or* read-only in any number; a process that meets the other kind gets
"Could not set lock on file ... (PID n)". Inside one process every connection to a file must be
of the same kind ("different configuration" otherwise). Opening a database costs about 18 ms
(DuckDB builds its catalogue of functions each time), a cursor of an open one a few microseconds.

So each process keeps one in-memory DuckDB for its whole life and *attaches* each store file to it
only while the file is in use (``ATTACH ... (READ_ONLY)``, then ``DETACH``): attaching costs a few
milliseconds against the 18 ms of opening a database, and the file is locked exactly as by opening
it, from ``ATTACH`` to ``DETACH``. The attached file is the *base*:

* **Readers** take a cursor of the base, opening it read-only when nothing is open. When the base
  is read-write (a write of this process is under way), readers take cursors of that instead and
  see what was last committed. An idle read-only base lingers for ``LINGER`` seconds, so the
  queries of one page share one open, and is then closed: between uses nothing holds the file.
* **Writers** (one at a time: ``Store.transaction`` holds the file's write lock) wait for this
  process's readers to finish, close the read-only base, and open it read-write for the write.
  It is closed again (DuckDB writes its log into the file) as soon as the last cursor is done.
* **The gate** is a sidecar file, ``<store>.lock``, that a writer holds (``flock``, exclusive) from
  before it opens the store read-write until it has closed it. A process's readers look at it
  before they open or join a read-only base: while another process's writer waits or writes, they
  close their base as soon as it is idle and wait, so a writer is never starved by a busy app.
* **Waiting** is bounded: a process that finds the file held keeps trying for ``wait_seconds()``
  (``QA_STORE_WAIT``, default 5 s), then gives up with ``Locked`` naming the holder.
"""

from __future__ import annotations

import atexit
import os
import re
import threading
import time
from contextlib import suppress
from pathlib import Path

import duckdb

try:  # the gate needs flock (Linux, macOS); elsewhere writers and readers just retry
    import fcntl
except ImportError:  # pragma: no cover - not on the supported platforms
    fcntl = None

__all__ = ["Locked", "StoreFile", "file_for", "release_idle", "wait_seconds", "LINGER", "GATE_SUFFIX"]

#: Seconds an idle read-only base stays open for the next query (a page's queries share one open).
LINGER = 0.25
#: Seconds between tries while the file is held elsewhere.
POLL = 0.01
#: Default seconds to keep trying before giving up (``QA_STORE_WAIT`` overrides).
DEFAULT_WAIT = 5.0
GATE_SUFFIX = ".lock"
_PID_RE = re.compile(r"\(PID (\d+)\)")


def wait_seconds() -> float:
    """How long a process keeps trying a held store before it gives up (``QA_STORE_WAIT``)."""
    try:
        return max(0.0, float(os.environ.get("QA_STORE_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


class Locked(Exception):
    """The store stayed held by another process for the whole wait; ``pid`` names it when known."""

    def __init__(self, pid: str | None, detail: str) -> None:
        super().__init__(detail)
        self.pid = pid


def _lock_conflict(exc: Exception) -> str | None:
    """The holder's PID ("" when unnamed) if ``exc`` says the file is held, else None."""
    text = str(exc)
    if isinstance(exc, duckdb.IOException) and "lock" in text.lower():
        match = _PID_RE.search(text)
        return match.group(1) if match else ""
    if "different configuration" in text or "file handle conflict" in text.lower():
        return str(os.getpid())  # a connection of this process opened outside the Store
    return None


class _Gate:
    """The sidecar ``<store>.lock``: held exclusively by a writer from before its open to after its close."""

    def __init__(self, store_path: Path) -> None:
        self.path = Path(str(store_path) + GATE_SUFFIX)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def foreign_writer(self) -> bool:
        """Does another process hold the gate (a writer waiting or writing)? Never asked while held here."""
        if fcntl is None or self.held:
            return False
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return False  # no gate yet: nobody has written through one
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return False
        finally:
            os.close(fd)  # also drops the shared lock just taken
        return False

    def take(self) -> bool:
        """Hold the gate (True), or False while another process's writer holds it."""
        if fcntl is None or self.held:
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return True  # a folder this process may not write to: it cannot write the store either
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        with suppress(OSError):  # who holds it, for the message another process may show
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the lock
            self._fd = None

    def holder(self) -> str | None:
        """The PID the current holder wrote into the gate, if any."""
        with suppress(OSError, ValueError):
            text = self.path.read_text(encoding="ascii").strip()
            return str(int(text)) if text else None
        return None


_INSTANCE: list[duckdb.DuckDBPyConnection] = []  # this process's in-memory DuckDB, made on first use
_INSTANCE_GUARD = threading.Lock()
_ALIASES = iter(range(1, 1 << 62))


def _instance() -> duckdb.DuckDBPyConnection:
    """The in-memory DuckDB every store file of this process is attached to (one for its whole life)."""
    with _INSTANCE_GUARD:
        if not _INSTANCE:
            _INSTANCE.append(duckdb.connect(":memory:"))
        return _INSTANCE[0]


class StoreFile:
    """One store file as this process sees it: the shared base, its users, the gate, the version seen.

    Every field is guarded by ``cond``; the file is only attached or detached while holding it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.alias = f"qa_store_{next(_ALIASES)}"  # the name it is attached under; cursors ``USE`` it
        self.cond = threading.Condition()
        self.con: duckdb.DuckDBPyConnection | None = None
        self.mode: str | None = None  # "ro" or "rw" while the base is open
        self.inode: int | None = None
        self.users = 0  # cursors handed out and not yet returned
        self.writers = 0  # this process's writers waiting for, or holding, the read-write base
        self.idle_since: float | None = None
        self.gate = _Gate(path)
        self.seen: tuple[object, float, str] | None = None  # (file signature, when taken, data version)
        self._reading = threading.local()  # per thread: read cursors held (a write then would wait forever)

    # -- opening and closing -----------------------------------------------------------------
    def _open(self, mode: str) -> None:
        root = _instance()
        quoted = str(self.path).replace("'", "''")
        with _INSTANCE_GUARD:  # attaching and detaching change the instance's catalogue: one at a time
            root.execute(f"ATTACH '{quoted}' AS {self.alias}" + (" (READ_ONLY)" if mode == "ro" else ""))
        self.con, self.mode = root, mode
        with suppress(OSError):
            self.inode = os.stat(self.path).st_ino

    def _close(self) -> None:
        con, self.con, self.mode, self.idle_since = self.con, None, None, None
        try:
            if con is not None:
                with _INSTANCE_GUARD:
                    con.execute(f"DETACH {self.alias}")  # read-write: DuckDB folds its log into the file here
        finally:
            self.gate.release()
            self.cond.notify_all()

    def _replaced(self) -> bool:
        """Has the file been replaced since the base opened it (``demo --force``, a restore)?"""
        try:
            return os.stat(self.path).st_ino != self.inode
        except OSError:
            return False

    def close_idle(self, *, force: bool = False) -> None:
        """Close the read-only base if nobody is using it and it has lingered long enough (or ``force``)."""
        with self.cond:
            if self.con is None or self.users or self.mode != "ro":
                return
            if force or self.writers or time.monotonic() - (self.idle_since or 0) >= LINGER \
                    or self.gate.foreign_writer():
                self._close()

    # -- cursors ----------------------------------------------------------------------------
    def acquire(self, write: bool) -> duckdb.DuckDBPyConnection:
        """A cursor on the store: read-only for reads (what was last committed), read-write for a
        write (the caller holds the file's write lock). Give it back with ``release``."""
        depth = getattr(self._reading, "depth", 0)
        if write and depth:
            raise RuntimeError("A write cannot start while the same thread holds a read of the store.")
        cur = self._acquire_write() if write else self._acquire_read()
        if not write:
            self._reading.depth = depth + 1
        return cur

    def release(self, cur: duckdb.DuckDBPyConnection, write: bool) -> None:
        if not write:
            self._reading.depth -= 1
        self._release(cur)

    def _acquire_read(self) -> duckdb.DuckDBPyConnection:
        deadline, pid, detail = time.monotonic() + wait_seconds(), None, "held by another process"
        with self.cond:
            while True:
                if self.con is not None and self.mode == "rw":
                    return self._join()
                if self.con is not None:  # read-only base
                    foreign = self.gate.foreign_writer()
                    if not self.writers and not foreign and not (self.users == 0 and self._replaced()):
                        return self._join()
                    if self.users == 0:
                        self._close()
                        continue
                    if foreign:
                        pid, detail = self.gate.holder(), "a writer of another process is waiting"
                elif not self.writers:
                    if self.gate.foreign_writer():
                        pid, detail = self.gate.holder(), "another process is writing"
                    else:
                        try:
                            self._open("ro")
                            continue
                        except duckdb.Error as exc:
                            held = _lock_conflict(exc)
                            if held is None:
                                raise
                            pid, detail = held or None, str(exc)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Locked(pid, detail)
                self.cond.wait(min(POLL, remaining))

    def _acquire_write(self) -> duckdb.DuckDBPyConnection:
        deadline, pid, detail = time.monotonic() + wait_seconds(), None, "held by another process"
        with self.cond:
            self.writers += 1
            try:
                while True:
                    if self.con is not None and self.mode == "rw":
                        return self._join()
                    if self.con is not None:  # this process's readers: let them finish, then close
                        if self.users == 0:
                            self._close()
                            continue
                    elif not self.gate.take():
                        pid, detail = self.gate.holder(), "another process's writer holds the store"
                    else:
                        try:
                            self._open("rw")
                            continue
                        except duckdb.Error as exc:
                            held = _lock_conflict(exc)
                            if held is None:
                                self.gate.release()
                                raise
                            pid, detail = held or None, str(exc)
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        if self.con is None:
                            self.gate.release()
                        raise Locked(pid, detail)
                    self.cond.wait(min(POLL, remaining))
            finally:
                self.writers -= 1

    # -- shared -----------------------------------------------------------------------------
    def _join(self) -> duckdb.DuckDBPyConnection:
        cur = self.con.cursor()
        try:
            cur.execute(f"USE {self.alias}")  # unqualified names are the store's tables
        except BaseException:
            cur.close()
            raise
        self.users += 1
        self.idle_since = None
        return cur

    def _release(self, cur: duckdb.DuckDBPyConnection) -> None:
        with self.cond:
            try:
                cur.close()
            finally:
                self.users -= 1
                if self.users == 0:
                    if self.mode == "rw" or self.writers:
                        self._close()  # never keep the file from another writer or process
                    else:
                        self.idle_since = time.monotonic()
                        _REAPER.wake()
                self.cond.notify_all()


class _Reaper:
    """One thread per process that closes idle read-only bases once they have lingered."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._thread: threading.Thread | None = None
        self._guard = threading.Lock()

    def wake(self) -> None:
        with self._guard:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="qa-store-reaper", daemon=True)
                self._thread.start()
        self._event.set()

    def _run(self) -> None:
        while True:
            self._event.wait()
            self._event.clear()
            while True:
                with _FILES_GUARD:
                    files = list(_FILES.values())
                lingering = False
                for file in files:
                    file.close_idle()
                    lingering = lingering or (file.con is not None and file.mode == "ro")
                if not lingering:
                    break
                time.sleep(POLL * 2)  # checks the gate too, so another process's writer waits ~20 ms


_REAPER = _Reaper()
_FILES: dict[str, StoreFile] = {}
_FILES_GUARD = threading.Lock()


def file_for(path: Path) -> StoreFile:
    """This process's one ``StoreFile`` for ``path`` (however it is spelt)."""
    key = str(path.resolve())
    with _FILES_GUARD:
        found = _FILES.get(key)
        if found is None:
            found = _FILES[key] = StoreFile(Path(key))
        return found


def release_idle() -> None:
    """Let go of every idle store file of this process now, without lingering (also at exit).
    ``bench.pages`` calls it so each timed view pays for attaching the store, as a person clicking
    seconds after the last query would."""
    with _FILES_GUARD:
        files = list(_FILES.values())
    for file in files:
        file.close_idle(force=True)


@atexit.register
def _at_exit() -> None:
    """Let go of every store file, then close the in-memory DuckDB (DuckDB would otherwise be torn
    down after Python's objects, and complain)."""
    release_idle()
    with _INSTANCE_GUARD:
        if _INSTANCE:
            _INSTANCE.pop().close()
