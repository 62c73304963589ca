"""Issue 11, finding 12: two imports at once through the app (two sessions: two threads of one
process sharing one Store) give what one of the two serial orders would give.

The overlap is forced, not hoped for: import A stops inside its transaction, once it has checked
its file against the store and just before it compares and writes ("comparing N rows with the
store"), and waits there until import B has either got as far itself (the overlap that went
wrong: both read "not held" and both wrote) or is waiting for the store's write lock (the fix:
B's check starts only after A has committed). The lock is observed through a wrapper the test
puts in its place, so the test knows which happened without any timing. With the lock taken out
of ``Store.transaction`` B always gets as far, and each run then ended with one import "added"
and the other refused at COMMIT with a duplicate-key conflict, which no serial order gives (the
issue saw both say "added"): these tests failed on each of three runs.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pandas as pd
import pytest

from qa_core.io.importer import ImportResult, import_file
from qa_core.store import Store
from tests.unit.test_import_support import copy_demo, csv_bytes

HEADER = ["code", "period", "org_unit", "numerator", "denominator", "value"]
NOV = dt.date(2026, 11, 1)
WAIT = 60.0  # a safety net against a hang: each wait returns as soon as its event is set


class WatchedLock:
    """Stands in for a Store's write lock: notes when a thread has to wait for it."""

    def __init__(self, lock, *contended: threading.Event) -> None:
        self._lock, self._contended = lock, contended

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if self._lock.acquire(blocking=False):
            return True
        for event in self._contended:
            event.set()
        return self._lock.acquire(blocking, timeout)

    def release(self) -> None:
        self._lock.release()

    __enter__ = acquire

    def __exit__(self, *exc: object) -> None:
        self.release()


@pytest.fixture
def store_path(demo_db: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_db, tmp_path)


def _november(store: Store, numerator_shift: int, teams: slice) -> bytes:
    """November 2026 values for a slice of October's rows (numerators shifted, so two files differ)."""
    rows = store.query(
        "SELECT code, team_id, numerator, denominator, value FROM indicator_value "
        "WHERE period = DATE '2026-10-01' AND numerator IS NOT NULL ORDER BY code, team_id"
    )
    rows = rows.iloc[teams]
    return csv_bytes(
        [
            HEADER,
            *(
                [r.code, "2026-11", r.team_id, int(r.numerator) + numerator_shift, int(r.denominator), None]
                for r in rows.itertuples()
            ),
        ]
    )


def _held(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT code, team_id, numerator, denominator FROM indicator_value WHERE period = $m ORDER BY code, team_id",
        {"m": NOV},
    )


def _counts(result: ImportResult | BaseException) -> tuple[int, int, int] | str:
    if isinstance(result, BaseException):
        return f"{type(result).__name__}: {result}"
    return result.added, result.replaced, result.unchanged


def _at_once(store: Store, first: bytes, second: bytes) -> tuple[object, object]:
    """Import ``first`` (A) and ``second`` (B) on two threads, A stopped inside its transaction
    until B has reached the same point or waits for the write lock; the two results."""
    a_inside, go_on = threading.Event(), threading.Event()  # go on: B got as far as A, or waits for the lock
    lock = getattr(store, "_write_lock", None)
    if lock is not None:
        store._write_lock = WatchedLock(lock, go_on)
    results: dict[str, object] = {}

    def stage_a(words: str) -> None:
        if words.startswith("comparing"):
            a_inside.set()
            assert go_on.wait(WAIT), "import B neither overlapped nor waited for the lock"

    def stage_b(words: str) -> None:
        if words.startswith("comparing"):
            go_on.set()

    def run(name: str, body: bytes, stage) -> None:
        try:
            results[name] = import_file(store, "values", body, f"{name}.csv", user=name, stage=stage)
        except BaseException as exc:  # reported by the test, not lost in the thread
            results[name] = exc

    a = threading.Thread(target=run, args=("A", first, stage_a))
    a.start()
    assert a_inside.wait(WAIT), f"import A did not reach its write: {results}"
    b = threading.Thread(target=run, args=("B", second, stage_b))
    b.start()
    a.join(WAIT)
    b.join(WAIT)
    assert not a.is_alive() and not b.is_alive()
    if lock is not None:
        store._write_lock = lock
    return results["A"], results["B"]


def test_the_same_new_file_imported_twice_at_once_is_added_once(store_path: Path) -> None:
    with Store(store_path) as store:
        body = _november(store, 0, slice(0, 12))
        a, b = _at_once(store, body, body)
        assert (_counts(a), _counts(b)) == ((12, 0, 0), (0, 0, 12))  # A first, then B finds every row held
        assert len(_held(store)) == 12
        log = store.query("SELECT user_name, rows_added, rows_unchanged FROM import_log ORDER BY import_id")
        assert log.tail(2).values.tolist() == [["A", 12, 0], ["B", 0, 12]]


def test_two_files_touching_the_same_rows_end_as_one_serial_order_would(store_path: Path, tmp_path: Path) -> None:
    with Store(store_path) as store:
        first, second = _november(store, 0, slice(0, 12)), _november(store, 1, slice(6, 18))  # 6 rows shared
    serial = {}
    for order in ("AB", "BA"):
        path = tmp_path / f"{order}.duckdb"
        path.write_bytes(store_path.read_bytes())
        with Store(path) as one:
            bodies = {"A": first, "B": second}
            counts = [_counts(import_file(one, "values", bodies[n], f"{n}.csv", user=n)) for n in order]
            serial[order] = (counts if order == "AB" else counts[::-1], _held(one))
    with Store(store_path) as store:
        a, b = _at_once(store, first, second)
        counts, held = [_counts(a), _counts(b)], _held(store)
    # A went first (it held the store while B waited): exactly the A-then-B order.
    assert counts == serial["AB"][0] == [(12, 0, 0), (6, 6, 0)]
    pd.testing.assert_frame_equal(held, serial["AB"][1])
    assert not held.equals(serial["BA"][1])  # the two orders differ, so the check above means something


def test_writes_wait_for_each_other_within_a_process(store_path: Path) -> None:
    """Any two Store objects on one file share the lock: a second transaction waits for the first."""
    with Store(store_path) as one, Store(store_path) as two:
        inside, waited, done = threading.Event(), threading.Event(), []
        two._write_lock = WatchedLock(two._write_lock, waited)

        def second() -> None:
            with two.transaction() as cur:
                done.append(cur.execute("SELECT count(*) FROM setting").fetchone()[0])

        with one.transaction():
            inside.set()
            thread = threading.Thread(target=second)
            thread.start()
            assert waited.wait(WAIT)  # the second writer is waiting for the first
            assert done == []
        thread.join(WAIT)
        assert done and not thread.is_alive()
