"""The pieces issue 14's import budget added, each checked on hand-worked cases against what it replaced: the
same codes, rows, counts and digests, only sooner (nothing here asserts a time)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from qa_core.io.importer import formats, import_file, load
from qa_core.io.importer.formats import read_sheet
from qa_core.io.importer.kinds.audits import AuditRow, _each_once, _stack_areas
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, _factorize
from qa_core.store import Store
from tests.unit.test_import_support import AUDIT_HEADER, audit_row, csv_bytes, open_tiny


@pytest.fixture
def tiny() -> Iterator[Store]:
    with open_tiny() as store:
        yield store


def test_factorize_numbers_values_in_order_of_first_appearance_across_chunks() -> None:
    # Chunks as the CSV reader gives them: a later chunk brings new values and blanks; an empty chunk between.
    values = pa.chunked_array(
        [pa.array(["Good", None, "2"]), pa.array([], pa.string()), pa.array(["Inadequate", "2", None, "Good"])]
    )
    codes, uniques = _factorize(values)
    assert codes.tolist() == [0, -1, 1, 2, 1, -1, 0] and codes.dtype == np.int64
    assert uniques == ["Good", "2", "Inadequate"]
    # What pandas' factorize gives for the same cells, and for the cases it is left to (no text, no cells).
    for case in (values, pa.array([None, None], pa.string()), pa.array([], pa.string()), pa.array([3, None, 3])):
        expected, found = pd.factorize(pd.Series(case.to_pylist(), dtype=object), use_na_sentinel=True)
        codes, uniques = _factorize(case)
        assert codes.tolist() == expected.tolist() and uniques == list(found)


def test_prefetched_columns_are_read_exactly_as_without(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [
        AUDIT_HEADER + ["case_ref"],
        audit_row("A1", voice=" Good ") + ["  CR1 "],
        audit_row(" A2", grade="", chronology="") + ["'=1+1"],
        audit_row("A3", tier="thematic") + [""],
    ]
    sheet = read_sheet(csv_bytes(rows), "a.csv", "audits")
    plain = Checker(sheet, AuditRow)
    monkeypatch.setattr("qa_core.io.importer.validate.PREFETCH_ROWS", 0)
    early = Checker(sheet, AuditRow)
    early.prefetch(texts=["audit_id", "case_ref", "moderator"], codes=["tier", "voice_of_the_child", "theme"])
    assert set(early._pending) == {
        ("text", "audit_id"),
        ("text", "case_ref"),
        ("codes", "tier"),
        ("codes", "voice_of_the_child"),
    }  # moderator and theme: not in the file
    for column in ("audit_id", "case_ref", "moderator"):
        assert early.text(column).to_pylist() == plain.text(column).to_pylist()
    for column in ("tier", "voice_of_the_child", "theme"):
        assert early.codes(column)[0].tolist() == plain.codes(column)[0].tolist()
        assert early.codes(column)[1] == plain.codes(column)[1]
    assert early.text("audit_id").to_pylist() == ["A1", "A2", "A3"]
    codes, uniques = early.codes("voice_of_the_child")
    assert (codes.tolist(), uniques) == ([0, 1, 1], ["Good", "3"])  # " Good " trimmed
    assert early.text("case_ref").to_pylist() == ["CR1", "=1+1", None]  # trimmed; the export's quote taken off
    assert not early._pending


def test_areas_are_stacked_audit_by_audit_in_the_files_order(tiny: Store) -> None:
    grid = pa.table(
        {
            "audit_id": ["A1", "A2", "A3"],
            "g0": pa.array([2, None, 4], pa.int8()),
            "g1": pa.array([None, None, 1], pa.int8()),
            "a0": pa.array([None, 5, None], pa.int8()),
            "a1": pa.array([None, 6, None], pa.int8()),
        }
    )
    with tiny.cursor() as cur:
        _stack_areas(cur, grid, ["Chronology", 'Voice "of" the child'])
        assert cur.execute("SELECT * FROM _n_area").fetchall() == [
            ("A1", "Chronology", 2),
            ("A3", "Chronology", 4),
            ("A3", 'Voice "of" the child', 1),
        ]
        assert cur.execute("SELECT * FROM _n_answer").fetchall() == [
            ("A2", "Chronology", True),
            ("A2", 'Voice "of" the child', False),
        ]
        assert [t for _, t, *_ in cur.execute("DESCRIBE _n_area").fetchall()] == ["VARCHAR", "VARCHAR", "TINYINT"]
        # No answer columns: no answers; no area columns at all: nothing either way.
        _stack_areas(cur, grid.select(["audit_id", "g0"]), ["Chronology"])
        assert cur.execute("SELECT count(*) FROM _n_answer").fetchall() == [(0,)]
        _stack_areas(cur, grid.select(["audit_id"]), [])
        assert cur.execute("SELECT count(*) FROM _n_area").fetchall() == [(0,)]
        assert [t for _, t, *_ in cur.execute("DESCRIBE _n_answer").fetchall()] == ["VARCHAR", "VARCHAR", "BOOLEAN"]


def test_each_once_counts_values_given_twice_and_ignores_blanks(tiny: Store) -> None:
    with tiny.cursor() as cur:
        assert _each_once(cur, pa.chunked_array([pa.array(["A1", None]), pa.array(["A2", None])]))
        assert not _each_once(cur, pa.chunked_array([pa.array(["A1", "A2"]), pa.array(["A1"])]))
        assert _each_once(cur, pa.array([], pa.string()))


def test_a_first_load_counts_removed_rows_as_the_full_comparison_does(tiny: Store) -> None:
    import_file(
        tiny,
        "audits",
        csv_bytes([AUDIT_HEADER, audit_row("A1"), audit_row("A2", date="2026-11-02")]),
        "a.csv",
        user="t",
    )
    month = "date_trunc('month', audit_date)::DATE"
    merge = Merge("audit", "_n", ["audit_id"], ["audit_date", "team_id"], scope=[month, "team_id"])
    with tiny.cursor() as cur:
        cur.register(
            "_n",
            pa.table(
                {
                    "audit_id": ["N1"],
                    "audit_date": pa.array([pd.Timestamp("2026-10-20").date()]),
                    "team_id": ["assessment_01"],
                }
            ),
        )
        by = [f"{month} AS month", "team_id"]
        full = merge.removed(cur, by=by)
        assert merge.removed(cur, by=by, none_held=True).equals(full)
        assert full[["team_id", "removed"]].values.tolist() == [["assessment_01", 1]]  # A1, October's


def test_the_sha256_is_the_files_whether_worked_out_beside_or_at_the_end() -> None:
    data = b"audit_id\nA1\n" * 1000
    expected = hashlib.sha256(data).hexdigest()
    beside = load._Digest(data)
    beside.start()
    assert beside.hexdigest() == expected and beside.hexdigest() == expected
    assert load._Digest(data).hexdigest() == expected  # never started: worked out when asked


def test_large_imports_borrow_jemalloc_and_give_the_default_pool_back(
    tiny: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = pa.default_memory_pool().backend_name
    try:
        jemalloc = pa.jemalloc_memory_pool().backend_name
    except NotImplementedError:
        jemalloc = before  # a build without it: the default pool throughout
    with load._arrow_pool(load.JEMALLOC_BYTES - 1):  # a month's file: the usual pool
        assert pa.default_memory_pool().backend_name == before
    with load._arrow_pool(load.JEMALLOC_BYTES):
        assert pa.default_memory_pool().backend_name == jemalloc
        with load._arrow_pool(load.JEMALLOC_BYTES):  # a second import meanwhile (another session)
            assert pa.default_memory_pool().backend_name == jemalloc
        assert pa.default_memory_pool().backend_name == jemalloc
    assert pa.default_memory_pool().backend_name == before
    seen = []
    monkeypatch.setattr(load, "JEMALLOC_BYTES", 0)
    import_file(
        tiny,
        "audits",
        csv_bytes([AUDIT_HEADER, audit_row("A1")]),
        "a.csv",
        user="t",
        stage=lambda words: seen.append(pa.default_memory_pool().backend_name),
    )
    assert set(seen) == {jemalloc} and pa.default_memory_pool().backend_name == before


def test_quoted_line_ends_at_a_blocks_edge_come_back_exactly_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    # Arrow first splits the file at line ends without minding quotes. Comments written over several lines (LF and
    # CRLF), with blocks small enough that their edges fall inside those quoted cells: every cell must come back
    # exactly as written, with its row number. (Arrow's own quote-minding split, at blocks of 64 and 97 bytes,
    # gives two of these CRLF comments back with an LF missing: hence the second read is one block.)
    comments = ["Seen twice.\nPlan updated.", "One line only", "Chronology gaps:\r\n- May\r\n- June", "",
                'Voice: "I want to stay"\nwith Nan']
    rows = [["case", "comment", "grade"]] + [[f"C{i:04d}", comments[i % len(comments)], str(i % 4 + 1)]
                                            for i in range(300)]
    data = csv_bytes(rows)
    expected = [[r[j] or None for r in rows[1:]] for j in range(3)]
    reads: list[bool] = []
    real = formats.pacsv.read_csv

    def read_csv(source, **options):  # noqa: ANN001, ANN003, ANN202 - counts the two ways of reading
        reads.append(options["parse_options"].newlines_in_values)
        return real(source, **options)

    monkeypatch.setattr(formats.pacsv, "read_csv", read_csv)
    for block in (64, 97, 200, 1 << 23):
        monkeypatch.setattr(formats, "ARROW_BLOCK", block)
        reads.clear()
        sheet = read_sheet(data, "comments.csv", "commentary")
        assert [c.to_pylist() for c in sheet.columns] == expected, block
        assert sheet.rows.tolist() == list(range(2, 302))
        # Small blocks end inside a comment: Arrow says so and the file is read again minding quotes. One block
        # holds the whole file: the first read is the only one.
        assert reads == ([False, True] if block < len(data) else [False]), block


@pytest.mark.parametrize(("columns", "between"), [
    *((3, b) for b in (b"\r\n", b"\r\n\r\n", b"  \r\n", b"\t\r\n", b",,\r\n")),
    *((1, b) for b in (b"\r\n", b"\r\n\r\n", b"  \r\n", b"\t\r\n")),
])
def test_blank_lines_give_the_rows_and_numbers_the_row_by_row_reader_gives(columns: int, between: bytes) -> None:
    # Arrow reads a file of several columns without a search for blank lines first: an empty line is a row of
    # nothing (dropped, its number kept) and a line of spaces a ragged row (refused: read row by row). A file of
    # one column is still searched first. Either way the rows and their numbers are the row-by-row reader's.
    rows = [["code", "name", "note"][:columns], ["A1", "One", "x"][:columns], ["A2", "Two", "y"][:columns]]
    data = csv_bytes(rows[:2]) + between + csv_bytes(rows[2:]) + between
    sheet = read_sheet(data, "f.csv", "commentary")
    expected = formats._read_csv_python(data.decode("utf-8"), rows[0], ",")
    assert [c.to_pylist() for c in sheet.columns] == [c.to_pylist() for c in expected.columns]
    assert sheet.rows.tolist() == expected.rows.tolist()
    assert sheet.rows.tolist() == [2, 3 + between.count(b"\n")]
