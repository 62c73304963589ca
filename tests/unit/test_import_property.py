"""Property: feed the importer mangled files. Whatever arrives, it either imports (and says what it
did) or raises ``ImportRejected`` listing problems, never anything else; and when it refuses a
file, the store's data is exactly as before (the log gains one 'rejected' row)."""

from __future__ import annotations

import codecs
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa_core.io.importer import ImportRejected, import_file
from qa_core.io.importer.formats import to_xlsx_bytes
from qa_core.store import Store
from tests.unit.test_import_support import (
    AUDIT_HEADER,
    DATA_TABLES,
    assert_same,
    audit_row,
    csv_bytes,
    snapshot,
    tiny_store,
)

VALUES = [["code", "period", "org_unit", "numerator", "denominator", "value"],
          ["CONTACT_24H", "2026-10", "MASH Team A", "231", "254", ""],
          ["CONTACT_24H", "2026-10", "Assessment North", "45", "50", ""],
          ["UNALLOC", "2026-10", "assessment_02", "", "", "3"],
          ["ADOPT_DAYS", "2026-09", "MASH Team A", "1500", "3", ""]]
AUDITS = [AUDIT_HEADER, audit_row("A1"), audit_row("A2", date="2026-10-04", grade="Inadequate", voice="4"),
          audit_row("A3", team="MASH Team A", service="front_door", tier="thematic", chronology="", voice=""),
          audit_row("A4", date="30/09/2026", team="assessment_02", grade="RI")]
BASE = {"values": VALUES, "audits": AUDITS}

NASTY = ["", " ", "5", "0", "-1", "2.5", "31/02/2026", "2026-13", "x", "Inadequate", "GOOD", "NaN", "inf",
         "1e400", "999999999999", "=1+1", '"', "'", ";", "\t", "\n", "Assessment", "la", "\u00e9\u00e8", "\ufeff",
         "Tier 9", "MASH Team A", "CONTACT_24H", "2026-10", "A1", "\x00"]
cell = st.one_of(st.sampled_from(NASTY), st.text(max_size=12))


@st.composite
def mangled(draw: st.DrawFn) -> tuple[str, bytes, str]:
    kind = draw(st.sampled_from(sorted(BASE)))
    rows = [list(r) for r in BASE[kind]]
    for _ in range(draw(st.integers(1, 4))):
        how = draw(st.sampled_from(["cell", "cell", "cell", "drop_column", "rename_header", "duplicate_row",
                                    "drop_rows", "extra_cell", "short_row", "blank_row"]))
        if how == "cell" and len(rows) > 1:
            r = draw(st.integers(1, len(rows) - 1))
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(cell)
        elif how == "drop_column" and rows and len(rows[0]) > 1:
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows = [r[:c] + r[c + 1:] for r in rows]
        elif how == "rename_header" and rows:
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(cell)
        elif how == "duplicate_row" and len(rows) > 1:
            rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
        elif how == "drop_rows":
            rows = rows[:draw(st.integers(0, len(rows)))]
        elif how == "extra_cell" and len(rows) > 1:
            rows[draw(st.integers(1, len(rows) - 1))].append(draw(cell))
        elif how == "short_row" and len(rows) > 1:
            rows[draw(st.integers(1, len(rows) - 1))].pop()
        elif how == "blank_row":
            rows.insert(draw(st.integers(1, max(len(rows), 1))), [""] * len(rows[0] if rows else [""]))
    form = draw(st.sampled_from(["csv", "csv", "semicolon", "utf16", "cp1252", "xlsx", "truncated", "bytes"]))
    name = f"{kind}.csv"
    if form == "xlsx":
        import pandas as pd

        width = max((len(r) for r in rows), default=0)
        header = [str(h) for h in (rows[0] if rows else [])] + [f"extra{i}" for i in range(width)]
        frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows[1:]], columns=header[:width]) \
            if width else pd.DataFrame()
        sheet = draw(st.sampled_from([kind, "Sheet1"]))
        return kind, to_xlsx_bytes([(sheet, frame.loc[:, ~frame.columns.duplicated()])]), f"{kind}.xlsx"
    data = csv_bytes(rows, delimiter=";" if form == "semicolon" else ",")
    if form == "utf16":
        data = codecs.BOM_UTF16_LE + data.decode("utf-8").encode("utf-16-le")
    elif form == "cp1252":
        data = data.decode("utf-8").encode("cp1252", errors="replace")
    elif form == "truncated" and data:
        data = data[:draw(st.integers(0, len(data)))]
    elif form == "bytes":
        data = draw(st.binary(max_size=200))
        name = draw(st.sampled_from([f"{kind}.csv", f"{kind}.xlsx", "notes.pdf", "upload"]))
    return kind, data, name


@pytest.fixture(scope="module")
def base() -> tuple[Path, dict]:
    """A store already holding a month of values and audits (so a refusal has something to spoil)."""
    folder = Path(tempfile.mkdtemp(prefix="import-property-"))
    store = tiny_store(folder / "base.duckdb")
    import_file(store, "values", csv_bytes(VALUES), "base.csv", user="base")
    import_file(store, "audits", csv_bytes(AUDITS), "base.csv", user="base")
    before = snapshot(store)
    store.checkpoint()
    store.close()
    yield folder / "base.duckdb", before
    shutil.rmtree(folder, ignore_errors=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mangled())
def test_a_mangled_file_is_imported_whole_or_refused_leaving_the_store_unchanged(
        base: tuple[Path, dict], case: tuple[str, bytes, str]) -> None:
    kind, data, name = case
    path, before = base
    work = path.with_name("work.duckdb")
    shutil.copy(path, work)
    store = Store(work)
    try:
        logged = store.scalar("SELECT count(*) FROM import_log")
        try:
            result = import_file(store, kind, data, name, user="hypothesis")
        except ImportRejected as refused:
            assert_same(before, snapshot(store))
            assert refused.problems and refused.result.problem_count >= len(refused.problems)
            assert all(p.message and (p.row is None or p.row >= 1) for p in refused.problems)
            assert store.query("SELECT status FROM import_log WHERE import_id > ?", [logged])["status"].tolist() == [
                "rejected"]
        else:
            assert result.ok and result.rows > 0
            assert result.added + result.replaced + result.unchanged == result.rows
            # Idempotent: the same file again changes nothing.
            after = snapshot(store)
            again = import_file(store, kind, data, name, user="hypothesis")
            assert (again.added, again.replaced, again.removed) == (0, 0, 0)
            assert_same(after, snapshot(store))
    finally:
        store.close()
        work.unlink(missing_ok=True)
        Path(str(work) + ".wal").unlink(missing_ok=True)


def test_the_base_files_import_cleanly() -> None:
    store = tiny_store()
    try:
        assert import_file(store, "values", csv_bytes(VALUES), "v.csv", user="t").added == 4
        assert import_file(store, "audits", csv_bytes(AUDITS), "a.csv", user="t").added == 4
        assert sorted(snapshot(store)) == DATA_TABLES
    finally:
        store.close()
