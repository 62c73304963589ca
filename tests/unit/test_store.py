"""The store: migrations, the store file's location, transactions, and the one-writer lock."""

from __future__ import annotations

import datetime as dt
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from qa_core.errors import QAError, StoreLockedError
from qa_core.store import MIGRATIONS_DIR, PROJECT_ROOT, Store, default_db_path

EXPECTED_TABLES = {
    "audit", "audit_action", "audit_area_grade", "staff", "audit_expectation_rule", "audit_exemption",
    "clinic_action", "import_log",
    "commentary", "comparator", "indicator", "indicator_service", "indicator_value",
    "plan_area", "plan_area_rag", "plan_narrative", "plan_priority", "risk", "risk_matrix",
    "risk_matrix_cell", "risk_review", "schema_migration", "service", "setting", "team", "indicator_rating",
    "published_la", "published_measure", "published_value", "statistical_neighbour", "ilacs_judgement",
    "data_version",
    "annex_a_record", "annex_a_count", "annex_a_month",
    "spc_process_change", "commentary_edit", "clinic_meeting", "clinic_meeting_item",  # 007
    "audit_answer", "audit_tool", "audit_tool_item", "audit_theme_plan", "audit_target", "audit_escalation",
    "tier2_allocation",
}


def _columns(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT table_name, column_name, data_type, is_nullable, column_default "
        "FROM information_schema.columns WHERE table_schema = 'main' ORDER BY ALL"
    )


# -- migrations ------------------------------------------------------------------------------
def test_migrations_are_recorded_and_safe_to_rerun(tmp_path: Path) -> None:
    path = tmp_path / "fresh.duckdb"
    files = sorted(p.name for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    assert files and files[0] == "001_init.sql"

    with Store(path) as store:
        assert store.applied == files  # what opening a new file applied
        recorded = store.migrations()
        assert recorded["name"].tolist() == files
        assert recorded["version"].tolist() == [int(f[:3]) for f in files]
        assert set(store.table_counts()) == EXPECTED_TABLES
        columns_before = _columns(store)
        applied_at = recorded["applied_at"].tolist()

        assert store.migrate() == []  # nothing left to apply
        assert store.migrate() == []
        pd.testing.assert_frame_equal(_columns(store), columns_before)
        assert store.migrations()["applied_at"].tolist() == applied_at

    # Opening again (which migrates) applies nothing and records nothing new.
    with Store(path) as again:
        assert again.applied == []
        assert again.migrations()["name"].tolist() == files
        assert again.migrations()["applied_at"].tolist() == applied_at
        pd.testing.assert_frame_equal(_columns(again), columns_before)
        assert all(n == 0 for t, n in again.table_counts().items() if t not in ("schema_migration", "data_version"))


def test_a_read_only_store_does_not_migrate_or_write(demo_db: Path) -> None:
    with Store(demo_db, read_only=True) as store:
        files = sorted(p.name for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
        assert store.migrations()["version"].tolist() == [int(f[:3]) for f in files]
        with pytest.raises(QAError, match="read-only"):
            store.set_setting("x", "y")


# -- where the store lives ----------------------------------------------------------------------
def test_qa_db_environment_variable_picks_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "elsewhere" / "mine.duckdb"
    monkeypatch.setenv("QA_DB", str(target))
    assert default_db_path() == target
    with Store() as store:  # no path: the environment decides
        assert store.path == target
        store.set_setting("council_name", "Test Council")
    assert target.exists()
    with Store(target, read_only=True) as store:
        assert store.setting("council_name") == "Test Council"

    monkeypatch.delenv("QA_DB")
    assert default_db_path() == PROJECT_ROOT / "data" / "qa.duckdb"


# -- transactions --------------------------------------------------------------------------------
def test_a_transaction_that_raises_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "tx.duckdb"
    with Store(path) as store:
        with pytest.raises(RuntimeError, match="boom"):
            with store.transaction() as cur:
                cur.execute("INSERT INTO setting (key, value) VALUES ('doomed', 'yes')")
                # Visible inside the transaction...
                assert cur.execute("SELECT value FROM setting WHERE key = 'doomed'").fetchone() == ("yes",)
                raise RuntimeError("boom")
        # ...and gone after it.
        assert store.setting("doomed") is None
        assert store.scalar("SELECT count(*) FROM setting") == 0

        with store.transaction() as cur:  # a transaction that succeeds commits
            cur.execute("INSERT INTO setting (key, value) VALUES ('kept', 'yes')")
    with Store(path, read_only=True) as store:
        assert store.setting("kept") == "yes"
        assert store.setting("doomed") is None


def _frames(grade: int) -> dict[str, pd.DataFrame]:
    return {
        "service": pd.DataFrame([dict(service_id="svc", name="Service", sort_order=1)]),
        "team": pd.DataFrame([dict(team_id="svc_01", service_id="svc", name="Team one")]),
        "audit": pd.DataFrame([dict(
            audit_id="AUD-1", audit_date=dt.date(2026, 10, 5), tier="tier1", team_id="svc_01",
            service_id="svc", auditor="A Manager", auditor_role="team_manager", overall_grade=grade,
        )]),
    }


def test_a_failing_query_or_scalar_is_a_plain_qaerror() -> None:
    # Both read methods turn DuckDB's own error into the library's, so callers catch one kind.
    with Store(":memory:") as store:
        for read in (store.query, store.scalar):
            with pytest.raises(QAError, match="Query failed: .*nowhere"):
                read("SELECT count(*) FROM nowhere")
        assert store.scalar("SELECT 41 + $n", {"n": 1}) == 42
        assert store.scalar("SELECT 1 WHERE FALSE") is None


def test_insert_frames_is_all_or_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "frames.duckdb") as store:
        with pytest.raises(duckdb.ConstraintException, match="CHECK"):
            store.insert_frames(_frames(grade=5))  # the third frame breaks a CHECK
        counts = store.table_counts()
        assert (counts["service"], counts["team"], counts["audit"]) == (0, 0, 0)

        # The same frames with a valid grade go in whole.
        assert store.insert_frames(_frames(grade=4)) == {"service": 1, "team": 1, "audit": 1}
        assert store.scalar("SELECT overall_grade FROM audit WHERE audit_id = 'AUD-1'") == 4


def test_insert_frames_rolls_back_with_the_enclosing_transaction(tmp_path: Path) -> None:
    with Store(tmp_path / "joined.duckdb") as store:
        frames = _frames(grade=2)
        with pytest.raises(duckdb.ConstraintException):
            with store.transaction() as cur:
                store.insert_frames({"service": frames["service"], "team": frames["team"]}, cur)
                store.insert_frames({"audit": frames["audit"].assign(audit_id=None)}, cur)  # NOT NULL
        assert store.scalar("SELECT count(*) FROM service") == 0


# -- the lock ------------------------------------------------------------------------------------
HOLDER = """
import sys, time
from qa_core.store import Store
with Store(sys.argv[1]).transaction():  # a write that never ends: the file stays held read-write
    print("ready", flush=True)
    while True:
        time.sleep(60)
"""


@pytest.fixture
def held_store(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
               ) -> Iterator[tuple[Path, subprocess.Popen, dict]]:
    """A copy of the demo store held read-write by another process (killed afterwards); this process
    (and the command lines it starts) keeps trying it for one second, not the default five."""
    monkeypatch.setenv("QA_STORE_WAIT", "1")
    path = tmp_path / "held.duckdb"
    shutil.copyfile(demo_db, path)
    with Store(path, read_only=True) as store:
        counts = store.table_counts()
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        readable, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline() if readable else ""
        if line.strip() != "ready":
            proc.kill()
            pytest.fail(f"the holder process did not start: {proc.communicate()[1]}")
        yield path, proc, counts
    finally:
        proc.kill()
        proc.communicate()


def test_a_second_process_gets_a_plain_lock_error(held_store) -> None:
    path, proc, _ = held_store
    for read_only in (True, False):
        with pytest.raises(StoreLockedError) as caught:
            Store(path, read_only=read_only)
        message = str(caught.value)
        assert f"PID {proc.pid}" in message
        assert f"Stop that process (kill {proc.pid})" in message
        assert str(path) in message
        assert "Nothing was changed" in message
        assert "\n" not in message
    assert isinstance(caught.value, QAError)


def test_the_command_line_reports_a_locked_store_without_a_traceback(held_store) -> None:
    path, proc, _ = held_store
    result = subprocess.run(
        [sys.executable, "-m", "qa_core", "report", "audits", "--db", str(path)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: The store {path} is in use by another process (PID {proc.pid}")
    assert f"kill {proc.pid}" in lines[0]


def test_the_store_is_intact_once_the_holder_stops(held_store) -> None:
    path, proc, counts = held_store
    with pytest.raises(StoreLockedError):
        Store(path)
    proc.kill()
    proc.wait(timeout=60)
    with Store(path) as store:  # read-write: the lock is gone
        assert store.table_counts() == counts
        assert store.migrate() == []
    assert counts["audit"] > 1000 and counts["indicator_value"] > 1000


READER = """
import sys, time
from qa_core.store import Store
with Store(sys.argv[1], read_only=True).cursor():  # a read that never ends: the file stays held read-only
    print("ready", flush=True)
    while True:
        time.sleep(60)
"""


def test_an_up_to_date_store_opens_beside_another_process_reading_it(
    demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opening a store migrates it, but one with nothing to apply is only looked at read-only: it
    # opens while another process (say, a second replica of the app) reads the file, where a
    # read-write open would wait for that reader and then fail. Nothing is written.
    monkeypatch.setenv("QA_STORE_WAIT", "1")
    path = tmp_path / "read.duckdb"
    shutil.copyfile(demo_db, path)
    before = path.read_bytes()
    proc = subprocess.Popen(
        [sys.executable, "-c", READER, str(path)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        readable, _, _ = select.select([proc.stdout], [], [], 60)
        if not readable or proc.stdout.readline().strip() != "ready":
            proc.kill()
            pytest.fail(f"the reader process did not start: {proc.communicate()[1]}")
        with Store(path) as store:
            assert store.applied == []
            assert store.setting("council_name") == "Kestrel Vale Council"
            assert ":" in store.data_version()
    finally:
        proc.kill()
        proc.communicate()
    assert path.read_bytes() == before


# -- the interface ---------------------------------------------------------------------------------
def test_views_importer_and_roles_ask_a_store_only_for_the_interface() -> None:
    """Issue 14: another store (PostgreSQL for the written tables, docs/scaling.md) can stand in
    for the DuckDB one only if the code that uses a store asks it for nothing beyond
    ``qa_core.store.interface``; the DuckDB ``Store`` offers all of it."""
    import ast

    from qa_core.store.interface import ReadStore, WriteStore

    allowed = {name for proto in (ReadStore, WriteStore) for name in [*vars(proto), *proto.__annotations__]
               if not name.startswith("_")}
    used: dict[str, set[str]] = {}
    files = [*(PROJECT_ROOT / "qa_core" / "views").glob("*.py"), *(PROJECT_ROOT / "qa_core" / "io").rglob("*.py"),
             PROJECT_ROOT / "qa_core" / "roles.py", PROJECT_ROOT / "qa_core" / "store" / "queries.py"]
    # ``init`` (io/council.py) makes a new DuckDB file, checkpoints and closes it: creating a store is
    # the backend's own business, not a use of one.
    files = [f for f in files if f.name != "council.py"]
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "store":
                used.setdefault(node.attr, set()).add(file.name)
    assert {"query", "transaction", "setting"} <= set(used)  # the walk found the uses
    assert set(used) <= allowed, {k: v for k, v in used.items() if k not in allowed}
    assert isinstance(Store(":memory:"), WriteStore)
