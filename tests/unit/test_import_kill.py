"""A process killed mid-import leaves the store as it was before the import.

Two kills, both inside the import's transaction: the real command line, killed as soon as it says
it is writing the area grades (the audits are already inserted, uncommitted); and an import whose
progress callback holds it just before COMMIT (everything written, nothing committed). After each
kill the store is reopened as the app would open it and every table is compared, row for row (a
count and a hash of every row), with the store before.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bench.imports import audit_csv
from qa_core.io.importer import import_file
from qa_core.store import PROJECT_ROOT, Store
from tests.unit.test_import_support import csv_bytes

ROWS = 100_000  # enough that writing takes a while; small enough for the normal suite


def state(path: Path) -> dict[str, tuple[int, int]]:
    """Every table's row count and the sum of its rows' hashes."""
    with Store(path) as store:  # read-write, as the app opens it (replays the log of committed work)
        tables = store.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
        return {t: tuple(store.query(f'SELECT count(*) AS n, coalesce(sum(hash(x)), 0)::VARCHAR AS h FROM "{t}" x')
                         .iloc[0]) for t in tables["table_name"]}


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory, demo_db: Path) -> Path:
    with Store(demo_db, read_only=True) as store:
        teams = list(store.query("SELECT team_id, name, service_id, manager FROM team").itertuples(index=False))
    path = tmp_path_factory.mktemp("kill") / "audits.csv"
    path.write_bytes(audit_csv(teams, ROWS))
    return path


def wait_for(proc: subprocess.Popen, stream: str, wanted: str, limit: float = 180.0) -> list[str]:
    """Lines from the child's stream until one contains ``wanted`` (fails if it ends first)."""
    pipe = getattr(proc, stream)
    seen: list[str] = []
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        ready, _, _ = select.select([pipe], [], [], 1.0)
        if not ready:
            assert proc.poll() is None, f"the import ended before '{wanted}': {seen}"
            continue
        line = pipe.readline()
        if not line:
            pytest.fail(f"the import ended before '{wanted}': {seen}")
        seen.append(line)
        if wanted in line:
            return seen
    pytest.fail(f"no '{wanted}' within {limit} s: {seen}")


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_killing_the_command_line_while_it_writes_leaves_the_store_as_before(
        big_file: Path, demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    before = state(db)
    proc = subprocess.Popen([sys.executable, "-m", "qa_core", "import", "audits", str(big_file), "--db", str(db)],
                            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = wait_for(proc, "stderr", "writing area grades")
        kill(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert lines[0].startswith("import audits: [") and not any("done" in line for line in lines)
    assert state(db) == before


def test_killing_an_import_just_before_commit_leaves_the_store_as_before(
        big_file: Path, demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    before = state(db)
    holder = textwrap.dedent("""
        import sys, time
        from qa_core.io.importer import import_file
        from qa_core.store import Store

        def stage(words):
            if words == "committing":  # every row written, inside the transaction
                print("holding before commit", flush=True)
                time.sleep(300)

        import_file(Store(sys.argv[1]), "audits", sys.argv[2], user="kill test", stage=stage)
    """)
    proc = subprocess.Popen([sys.executable, "-c", holder, str(db), str(big_file)], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(proc, "stdout", "holding before commit")
        kill(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert state(db) == before
    # The store is whole: the next import goes through.
    with Store(db) as store:
        result = import_file(store, "values", csv_bytes([["code", "period", "org_unit", "numerator", "denominator"],
                                                         ["CONTACT_24H", "2026-11", "MASH Team A", 5, 10]]),
                             "after.csv", user="t")
        assert result.added == 1
