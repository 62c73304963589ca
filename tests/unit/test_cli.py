"""``python -m qa_core``: output formats, the column contract, exit codes and plain errors.

A few tests run the real command in a child process (as a user would); the rest call
``main`` in-process, which is faster.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa_core.__main__ import main
from qa_core.store import MIGRATIONS_DIR, PROJECT_ROOT, Store

AUDIT_CONTRACT = ["group", "outstanding", "good", "requires_improvement", "inadequate", "total",
                  "pct_inadequate", "ci_low", "ci_high", "meets_target"]
RISK_CONTRACT = ["risk_ref", "impact", "likelihood", "score", "band",
                 "gross_impact", "gross_likelihood", "gross_score", "gross_band"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_core", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


# -- through a child process ------------------------------------------------------------------
def test_json_output_parses_and_has_the_contract_keys(demo_db: Path, store: Store) -> None:
    result = run("report", "audits", "--month", "2026-10", "--by", "service", "--format", "json",
                 "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 6
    for row in rows:
        assert set(AUDIT_CONTRACT) <= set(row)
        assert isinstance(row["group"], str)
        assert all(isinstance(row[k], int) for k in AUDIT_CONTRACT[1:6])
        assert isinstance(row["meets_target"], bool)
        assert 0 <= row["ci_low"] <= row["pct_inadequate"] <= row["ci_high"] <= 100
    assert sum(r["total"] for r in rows) == store.scalar(  # graded audits (a yes/no tool's have no grade)
        "SELECT count(overall_grade) FROM audit WHERE strftime(audit_date, '%Y-%m') = '2026-10'")


def test_csv_output_has_the_contract_columns_in_order(demo_db: Path) -> None:
    result = run("report", "audits", "--month", "2024-01", "--db", str(demo_db))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 1
    header = result.stdout.splitlines()[0].split(",")
    assert [c for c in header if c in AUDIT_CONTRACT] == AUDIT_CONTRACT
    row = rows[0]
    assert (row["group"], row["inadequate"], row["total"]) == ("All", "24", "100")
    assert (row["pct_inadequate"], row["ci_low"], row["ci_high"]) == ("24.0", "16.69", "33.23")
    assert row["meets_target"] == "False"


def test_bad_month_exits_1_with_one_plain_line(demo_db: Path) -> None:
    result = run("report", "audits", "--month", "2026-13", "--db", str(demo_db))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "error: '2026-13' is not a month: write it as YYYY-MM, for example 2026-10."]


def test_risks_json_and_the_qa_db_variable(demo_db: Path) -> None:
    result = run("report", "risks", "--format", "json", env={"QA_DB": str(demo_db)})
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 15
    for row in rows:
        assert set(RISK_CONTRACT) <= set(row)
        assert row["quarter"] == "2026/27 Q2"  # July to September 2026
        assert row["score"] == row["impact"] * row["likelihood"]
        assert row["gross_score"] == row["gross_impact"] * row["gross_likelihood"]


# -- in-process ---------------------------------------------------------------------------------
def test_qa_db_variable_is_the_default_store(demo_db: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("QA_DB", str(demo_db))
    assert main(["report", "audits", "--month", "2024-01", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["inadequate"], r["total"]) for r in rows] == [(24, 100)]


def test_a_missing_store_is_a_plain_error(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere.duckdb"
    assert main(["report", "audits", "--db", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: There is no store at {missing}.")
    assert "python -m qa_core demo" in err
    assert not missing.exists()  # reporting never creates a store


@pytest.mark.parametrize("argv", [
    ["report", "audits", "--by", "colour"],
    ["report", "audits", "--grade", "best"],
    ["report", "audits", "--format", "xml"],
    ["report", "tables"],
    [],
])
def test_argument_mistakes_exit_2(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_migrate_command(tmp_path: Path, capsys) -> None:
    db = tmp_path / "m.duckdb"
    assert main(["migrate", "--db", str(db)]) == 0
    files = sorted(p.name for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql"))
    assert files[:3] == ["001_init.sql", "002_import_log.sql", "003_published.sql"]
    assert "008_audit_programme.sql" in files and "010_annex_a.sql" in files
    assert capsys.readouterr().err == f"{db}: applied {', '.join(files)}\n"
    assert main(["migrate", "--db", str(db)]) == 0
    assert capsys.readouterr().err == f"{db}: schema up to date\n"
    with Store(db, read_only=True) as store:
        assert store.migrations()["name"].tolist() == files


def test_csv_of_an_empty_month_leaves_the_percentages_blank(demo_db: Path, capsys) -> None:
    assert main(["report", "audits", "--month", "2019-01", "--db", str(demo_db)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["group"], row["total"], row["inadequate"]) == ("All", "0", "0")
    assert row["pct_inadequate"] == row["ci_low"] == row["ci_high"] == row["meets_target"] == ""


def test_report_floats_are_rounded_half_up() -> None:
    # The command line prints floats to 2 places with a half rounded up, as the pages show figures and DfE
    # rounds: 0.125 -> 0.13 and 0.145 -> 0.15, where pandas' own rounding gives 0.12 and 0.14.
    import pandas as pd

    from qa_core.__main__ import _round

    frame = pd.DataFrame({"x": [0.125, 0.145, None, 20.2], "n": [1, 2, 3, 4], "t": ["a", "b", "c", "d"]})
    assert frame["x"].round(2).tolist()[:2] == [0.12, 0.14]
    out = _round(frame)
    assert out["x"].tolist()[:2] == [0.13, 0.15] and pd.isna(out["x"].iloc[2]) and out["x"].iloc[3] == 20.2
    assert out["n"].tolist() == [1, 2, 3, 4] and out["t"].tolist() == ["a", "b", "c", "d"]
