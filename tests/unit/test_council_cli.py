"""``init`` (a council's own empty store), ``status`` (what it holds and what each page lacks),
``import --replace`` and ``report completion`` on the command line, on a council built from files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from qa_core.__main__ import main
from qa_core.demo import is_demo_store
from qa_core.io.importer import KINDS, LOAD_ORDER
from qa_core.store import MIGRATIONS_DIR, Store
from qa_core.views.readiness import HELD, readiness
from tests.unit.test_import_org import EXEMPT, RULES, SERVICES, STAFF, TEAMS
from tests.unit.test_import_support import csv_bytes


def write(folder: Path, name: str, rows: list[list[str]]) -> Path:
    path = folder / name
    path.write_bytes(csv_bytes(rows))
    return path


@pytest.fixture
def council(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    db = tmp_path / "council.duckdb"
    assert main(["init", "--db", str(db), "--council", "Testshire Council", "--la", "E08000007"]) == 0
    capsys.readouterr()
    return db


def test_init_makes_an_empty_migrated_store(council: Path, capsys: pytest.CaptureFixture) -> None:
    with Store(council, read_only=True) as store:
        counts = store.table_counts()
        files = sorted(p.name for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
        assert store.migrations()["version"].tolist() == [int(f[:3]) for f in files]
        assert store.setting("council_name") == "Testshire Council"
        assert (store.setting("benchmark_la"), store.setting("benchmark_la_name")) == ("356", "Stockport")
        assert not is_demo_store(store)  # never opens the local demo
        for table in (
            "service",
            "team",
            "staff",
            "indicator",
            "indicator_value",
            "audit",
            "risk",
            "plan_area",
            "audit_expectation_rule",
            "audit_exemption",
            "import_log",
        ):
            assert counts[table] == 0, table  # no demo rows
        assert counts["published_value"] > 100_000 and counts["risk_matrix_cell"] == 25


def test_init_refuses_to_overwrite(council: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    before = council.read_bytes()
    assert main(["init", "--db", str(council), "--council", "Other"]) == 1
    assert "already exists: init never overwrites a store" in capsys.readouterr().err
    assert council.read_bytes() == before
    assert main(["init", "--db", str(tmp_path / "x.duckdb"), "--council", "X", "--la", "Atlantis"]) == 1
    assert "There is no local authority 'Atlantis'" in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()
    assert main(["init", "--db", str(tmp_path / "y.duckdb"), "--council", "  "]) == 1
    assert not (tmp_path / "y.duckdb").exists()


def test_status_says_what_is_missing_then_what_is_held(
    council: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["status", "--db", str(council)]) == 0
    text = capsys.readouterr().out
    assert "Council: Testshire Council (compared as Stockport)" in text
    assert "no expectations: completion cannot be shown (import 'expectations')" in text
    assert "Benchmarks          ready" in text
    for kind, rows in (
        ("services", SERVICES),
        ("teams", TEAMS),
        ("staff", STAFF),
        ("expectations", RULES),
        ("exemptions", EXEMPT),
    ):
        assert (
            main(["import", kind, str(write(tmp_path, f"{kind}.csv", rows)), "--db", str(council), "--user", "officer"])
            == 0
        )
    capsys.readouterr()
    assert main(["status", "--db", str(council), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    kinds = {k["kind"]: k for k in report["kinds"]}
    assert kinds["staff"]["rows"] == 4 and kinds["staff"]["last_by"] == "officer"
    assert kinds["exemptions"]["first"] == kinds["exemptions"]["last"] == "2026-10"
    assert kinds["audits"]["rows"] == 0 and kinds["audits"]["last_import"] is None
    pages = {p["page"]: p for p in report["pages"]}
    assert pages["audits"]["missing"] == "no audits (import 'audits')"
    assert not pages["audits"]["ready"] and pages["data"]["ready"]


def test_status_is_read_only(council: Path, capsys: pytest.CaptureFixture) -> None:
    before = council.read_bytes()
    assert main(["status", "--db", str(council)]) == 0
    assert council.read_bytes() == before


def test_import_replace_on_the_command_line(council: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    for kind, rows in (("services", SERVICES), ("teams", TEAMS), ("staff", STAFF)):
        assert main(["import", kind, str(write(tmp_path, f"{kind}.csv", rows)), "--db", str(council)]) == 0
    capsys.readouterr()
    short = write(tmp_path, "staff-short.csv", STAFF[:4])
    assert main(["import", "staff", str(short), "--db", str(council)]) == 0
    assert "0 were added, 0 replaced, 3 unchanged, 0 removed" in capsys.readouterr().out
    assert main(["import", "staff", str(short), "--db", str(council), "--replace"]) == 0
    out = capsys.readouterr().out
    assert "1 removed" in out and "With --replace: the file is the whole staff list" in out
    assert main(["import", "values", str(short), "--db", str(council), "--replace"]) == 1
    assert "Importing values has no --replace" in capsys.readouterr().err


def test_report_completion_on_a_council_built_from_files(
    council: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    for kind, rows in (
        ("services", SERVICES),
        ("teams", TEAMS),
        ("staff", STAFF),
        ("expectations", RULES),
        ("exemptions", EXEMPT),
    ):
        assert main(["import", kind, str(write(tmp_path, f"{kind}.csv", rows)), "--db", str(council)]) == 0
    audits = [
        ["audit_id", "audit_date", "tier", "team", "service", "auditor", "overall_grade"],
        ["A1", "2026-10-02", "Tier 1", "ta", "north", "Mia Moss", "Good"],  # Mia is exempt in October
        ["A2", "2026-10-03", "Tier 2", "tc", "south", "Hana Head", "Good"],  # outside Hana's own: counts
        ["A3", "2026-10-04", "Tier 2", "ta", "north", "Hana Head", "Good"],
    ]  # inside her own: not done
    assert main(["import", "audits", str(write(tmp_path, "audits.csv", audits)), "--db", str(council)]) == 0
    capsys.readouterr()
    assert main(["report", "completion", "--db", str(council), "--month", "2026-10", "--by", "auditor"]) == 0
    rows = {r["group"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    # Cal left on 15 October (part month); Wyn is no auditor and social workers have no rule.
    assert list(rows) == ["Mia Moss", "Cal Cole", "Hana Head"]
    assert [rows["Mia Moss"][k] for k in ("expected", "done", "exempt", "shortfall", "not_counted")] == [
        "0",
        "0",
        "1",
        "0",
        "1",
    ]
    assert [rows["Hana Head"][k] for k in ("expected", "done", "shortfall", "not_counted", "pct_complete")] == [
        "1",
        "1",
        "0",
        "1",
        "100.0",
    ]
    assert rows["Cal Cole"]["part_month"] == "1"
    assert main(["report", "completion", "--db", str(council), "--month", "2026-10", "--format", "json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert whole == [
        {
            "group": "All",
            "expected": 1,
            "done": 1,
            "exempt": 1,
            "shortfall": 0,
            "pct_complete": 100.0,
            "not_counted": 2,
            "part_month": 1,
            "met": True,
        }
    ]
    assert (
        main(
            ["report", "completion", "--db", str(council), "--by", "auditor", "--role", "team_manager", "--scope", "tc"]
        )
        == 0
    )
    assert [r["group"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))] == ["Cal Cole"]
    assert main(["report", "completion", "--db", str(council), "--by", "tier"]) == 1
    assert "reported by auditor, team or service" in capsys.readouterr().err


def test_the_readiness_list_follows_the_importer() -> None:
    assert [k for k, *_ in HELD] == list(LOAD_ORDER)
    for kind, title, table, _ in HELD:
        assert KINDS[kind].title == title and table in KINDS[kind].tables, kind


def test_readiness_on_the_demo(store: Store) -> None:
    ready = readiness(store)
    assert ready.demo and ready.pages["ready"].all()
    assert ready.kinds.set_index("kind").loc["audits", ["first", "last"]].tolist() == ["2023-11", "2026-10"]
