"""Export writes what the store holds in the format import reads: exporting every kind from the
demo store and importing the files into a store holding only the organisation gives the same rows.
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

from qa_core.importer import KINDS, LOAD_ORDER, export_frame, export_kind, import_file, validate_file
from qa_core.importer.templates import TEMPLATE_DIR, readme_text, template_files
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
    target = Store(path)
    target.insert_frames({t: source.query(f"SELECT * FROM {t}") for t in ("service", "team", "setting")})
    return target


def recent_demo(demo_db: Path, tmp_path: Path) -> Store:
    """The demo store with only its last two months of values and audits (XLSX is slow to write)."""
    store = Store(copy_demo(demo_db, tmp_path))
    old = "(SELECT audit_id FROM audit WHERE audit_date < DATE '2026-09-01')"
    store.execute(f"DELETE FROM audit_action WHERE audit_id IN {old}")
    store.execute(f"DELETE FROM audit_area_grade WHERE audit_id IN {old}")
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
    areas = store.query("SELECT DISTINCT area FROM audit_area_grade")["area"]
    assert set(frame.columns[13:]) == set(areas)
    assert len(frame) == store.scalar("SELECT count(*) FROM audit")
    first = frame.iloc[0]
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
        ["README.md", *(f"{k}.{x}" for k in KINDS for x in ("csv", "xlsx"))])


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
