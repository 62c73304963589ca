"""``python -m qa_core import``: exit 0 with the report, or non-zero with every problem; progress
lines on standard error; --dry-run writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa_core.__main__ import main
from qa_core.store import PROJECT_ROOT, Store
from tests.unit.test_import_support import AUDIT_HEADER, assert_same, audit_row, copy_demo, csv_bytes, snapshot


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_db, tmp_path)



def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_core", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ})


def test_a_good_file_exits_0_with_the_report_and_progress_lines(demo_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "november.csv"
    path.write_bytes(csv_bytes([AUDIT_HEADER, audit_row("N1", date="2026-11-02"), audit_row("N2", date="2026-11-03")]))
    result = run("import", "audits", str(path), "--db", str(demo_copy), "--user", "Priya")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "november.csv (audits): 2 rows read; 2 were added, 0 replaced, 0 unchanged, 0 removed.",
        "November 2026 audits for Assessment North added (2 audits)"]
    progress = [line for line in result.stderr.splitlines() if line.startswith("import audits: [")]
    assert len(progress) >= 5 and progress[-1].endswith("done") and "[100%]" in progress[-1]
    assert any("writing area grades" in line for line in progress)
    with Store(demo_copy, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM audit WHERE audit_id IN ('N1', 'N2')") == 2
        assert store.query("SELECT user_name, file_name, status FROM import_log").values.tolist() == [
            ["Priya", "november.csv", "imported"]]


def test_a_bad_file_exits_1_with_every_problem_and_writes_nothing(demo_copy: Path, tmp_path: Path) -> None:
    with Store(demo_copy, read_only=True) as store:
        before = snapshot(store)
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([AUDIT_HEADER, audit_row("N1", grade="5"), audit_row("N2", team="Nowhere")]))
    result = run("import", "audits", str(path), "--db", str(demo_copy))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    report = lines[lines.index(next(x for x in lines if x.startswith("bad.csv: "))):]
    assert report[0] == "bad.csv: 2 problems in 2 of 2 rows; nothing was imported. Correct the file and load it again."
    assert report[1].startswith("Row 2, column 'overall_grade': '5' is not a grade.")
    assert report[2].startswith("Row 3, column 'team': There is no team 'Nowhere'.")
    assert result.stdout == ""
    with Store(demo_copy, read_only=True) as store:
        assert_same(before, snapshot(store))


def test_a_dry_run_reports_what_would_change_and_writes_nothing(demo_copy: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with Store(demo_copy, read_only=True) as store:
        before = snapshot(store)
    path = tmp_path / "n.csv"
    path.write_bytes(csv_bytes([AUDIT_HEADER, audit_row("N1", date="2026-11-02")]))
    assert main(["import", "audits", str(path), "--db", str(demo_copy), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("n.csv (audits): 1 row read; 1 would be added, 0 replaced, 0 unchanged, 0 removed. "
                          "Nothing was written (dry run).")
    with Store(demo_copy, read_only=True) as store:
        assert_same(before, snapshot(store))
        assert store.scalar("SELECT count(*) FROM schema_migration") >= 1


def test_plain_errors_for_a_missing_file_or_store(demo_copy: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "values", str(tmp_path / "missing.csv"), "--db", str(demo_copy)]) == 1
    assert "There is no file" in capsys.readouterr().err
    assert main(["import", "values", str(tmp_path / "x.csv"), "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "There is no store at" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_an_unknown_kind_is_an_argument_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["import", "departments", "x.csv"])
    assert caught.value.code == 2
    assert "invalid choice: 'departments'" in capsys.readouterr().err


def test_not_a_csv_or_xlsx_file(demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "minutes.docx"
    path.write_bytes(b"PK\x03\x04 not really")
    assert main(["import", "plan", str(path), "--db", str(demo_copy)]) == 1
    err = capsys.readouterr().err
    assert "minutes.docx: 1 problem; nothing was imported." in err
    assert "'minutes.docx' is not a CSV or Excel (.xlsx) file" in err
