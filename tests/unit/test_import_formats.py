"""Reading files: CSV encodings and delimiters, row numbers as the spreadsheet shows them, XLSX
sheets and cells, and the files that are not CSV or XLSX at all."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator

import openpyxl
import pytest

from qa_core.io.importer import validate_file
from qa_core.io.importer.formats import FileRejected, _is_utf8, _utf8_error, normalise_header, read_sheet
from qa_core.store import Store
from tests.unit.test_import_support import AUDIT_HEADER, audit_row, csv_bytes, open_tiny


@pytest.fixture
def tiny() -> Iterator[Store]:
    with open_tiny() as store:
        yield store



def texts(data: bytes, name: str = "f.csv", kind: str = "audits") -> dict[str, list[str | None]]:
    sheet = read_sheet(data, name, kind)
    return {h: c.to_pylist() for h, c in zip(sheet.headers, sheet.columns, strict=True)}


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- CSV ------------------------------------------------------------------------------------------
def test_a_byte_order_mark_and_semicolons_are_read() -> None:
    data = b"\xef\xbb\xbf" + csv_bytes([["code", "name"], ["A", "Caf\u00e9"]], delimiter=";")
    assert texts(data) == {"code": ["A"], "name": ["Caf\u00e9"]}


def test_excel_unicode_text_utf16_tab_separated_is_read() -> None:
    data = "code\tname\r\nA\tZo\u00eb\r\n".encode("utf-16")
    assert texts(data) == {"code": ["A"], "name": ["Zo\u00eb"]}


def test_windows_1252_is_read() -> None:
    data = "code,name\r\nA,Caf\u00e9 \u2013 north\r\n".encode("cp1252")
    assert texts(data) == {"code": ["A"], "name": ["Caf\u00e9 \u2013 north"]}


@pytest.mark.parametrize("text", [
    b"plain ASCII", "Zo\u00eb \u00a3 \u20ac \U0001f600".encode(), "\ufffe\uffff".encode(),  # UTF-8
    b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80",  # never UTF-8:
    b"Caf\xe9", b"\xe2\x82", b"ok \xc3",  # surrogates, overlong forms, beyond U+10FFFF, Windows-1252, cut short
])
def test_the_quick_utf8_check_agrees_with_python(text: bytes) -> None:
    """A large file is told to be UTF-8 in place (issue 14); it must say what Python's strict decoder says, or a
    Windows-1252 file would be read as UTF-8 (or the reverse)."""
    try:
        text.decode("utf-8")
        expected = True
    except UnicodeDecodeError:
        expected = False
    assert _is_utf8(text) is expected
    assert (_utf8_error(text) is None) is expected


def test_non_ascii_utf8_after_the_first_mebibyte_is_read_as_utf8() -> None:
    rows = [["code", "name"]] + [[f"A{i}", "plain"] for i in range(60_000)] + [["Z", "Zo\u00eb \u2013 \u00a3"]]
    assert texts(csv_bytes(rows))["name"][-1] == "Zo\u00eb \u2013 \u00a3"


def test_blank_cells_are_missing_and_quoted_commas_kept() -> None:
    data = b'code,name,note\r\nA,,"one, two"\r\n'
    assert texts(data) == {"code": ["A"], "name": [None], "note": ["one, two"]}


def test_blank_lines_keep_the_row_numbers_a_spreadsheet_shows(tiny: Store) -> None:
    body = csv_bytes([AUDIT_HEADER, audit_row("A1")]) + b"\r\n,,,,,,,,\r\n" + csv_bytes([audit_row("A2", grade="9")])
    result = validate_file(tiny, "audits", body, "f.csv")
    assert [(p.row, p.column) for p in result.problems] == [(5, "overall_grade")]
    assert result.rows == 2


def test_a_cell_spanning_lines_is_one_row(tiny: Store) -> None:
    rows = [AUDIT_HEADER, audit_row("A1", auditor="Jodie\nFenwick"), audit_row("A2", grade="9")]
    result = validate_file(tiny, "audits", csv_bytes(rows), "f.csv")
    assert [p.row for p in result.problems] == [3]


def test_a_row_with_the_wrong_number_of_cells_is_a_problem_on_its_row(tiny: Store) -> None:
    body = csv_bytes([AUDIT_HEADER, audit_row("A1")]) + b"A2,03/10/2026,Tier 1\r\n" + csv_bytes([audit_row("A3")])
    result = validate_file(tiny, "audits", body, "f.csv")
    assert [str(p) for p in result.problems] == [
        "Row 3: This row has 3 cells but the header row has 9 columns. Check for a stray separator or a missing "
        "quote."]


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(FileRejected, match="'f.csv' is empty: there is nothing to import."):
        read_sheet(data, "f.csv", "values")


@pytest.mark.parametrize("name, data, why", [
    ("report.pdf", b"%PDF-1.7\n", ""),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, " (it is an old-style Excel .xls workbook)"),
    ("notes.docx", b"PK\x03\x04rest", ""),
    ("picture.png", b"\x89PNG\r\n\x1a\n", ""),
    ("data.csv", b"\x00\x01\x02binary", " (it holds binary data, not text)"),
    ("return.csv", b"PK\x03\x04rest", " (it is a zipped file, perhaps an Excel workbook named .csv)"),
    ("return.xlsx", b"code,name\nA,B\n", " (it is named .xlsx but is not an Excel workbook)"),
])
def test_a_file_that_is_not_csv_or_xlsx_is_refused(name: str, data: bytes, why: str) -> None:
    with pytest.raises(FileRejected) as caught:
        read_sheet(data, name, "values")
    if name == "notes.docx":  # a zip that is not a workbook
        assert caught.value.problem.message.startswith(f"'{name}' is not a CSV or Excel (.xlsx) file (")
    else:
        assert caught.value.problem.message == (
            f"'{name}' is not a CSV or Excel (.xlsx) file{why}. Save the spreadsheet as CSV (comma separated) or "
            "as an Excel workbook (.xlsx) and load it again.")


def test_headers_are_matched_ignoring_case_spaces_and_underscores() -> None:
    assert normalise_header(" Audit ID ") == "audit_id"
    assert normalise_header("Overall-grade") == "overall_grade"
    assert normalise_header("ORG UNIT") == "org_unit"


def test_a_column_named_twice_and_an_unnamed_column_with_values(tiny: Store) -> None:
    rows = [["code", "period", "Org unit", "org_unit", "numerator", "denominator", ""],
            ["CONTACT_24H", "2026-10", "MASH Team A", "MASH Team A", "1", "2", "stray"]]
    result = validate_file(tiny, "values", csv_bytes(rows), "v.csv")
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (1, "org_unit", "The column 'org_unit' appears twice (columns C and D). Keep one of them."),
        (1, "column G", "Column G has values but no name in the header row. Give it a name, or delete the column."),
    ]


def test_unknown_columns_are_ignored_and_named_in_the_report(tiny: Store) -> None:
    rows = [["code", "period", "org_unit", "numerator", "denominator", "Notes"],
            ["CONTACT_24H", "2026-10", "MASH Team A", "1", "2", "checked"]]
    result = validate_file(tiny, "values", csv_bytes(rows), "v.csv")
    assert result.ok
    assert "These columns are not part of the format and were ignored: 'Notes'." in result.messages


# -- XLSX -----------------------------------------------------------------------------------------
def test_xlsx_cells_are_read_as_the_text_the_importer_expects() -> None:
    data = workbook({"Notes": [["ignored"]], "Audits": [
        ["audit_id", "audit_date", "overall_grade", "score", "flag"],
        ["A1", dt.datetime(2026, 10, 3), 2.0, 2.5, True],
        [None, None, None, None, None],
        ["A2", dt.date(2026, 10, 4), "Good", None, False],
    ]})
    sheet = read_sheet(data, "return.xlsx", "audits")
    assert list(sheet.rows) == [2, 4]
    assert {h: c.to_pylist() for h, c in zip(sheet.headers, sheet.columns, strict=True)} == {
        "audit_id": ["A1", "A2"], "audit_date": ["2026-10-03", "2026-10-04"], "overall_grade": ["2", "Good"],
        "score": ["2.5", None], "flag": ["yes", "no"]}


def test_the_sheet_is_found_ignoring_case_and_spaces() -> None:
    data = workbook({"Audit Actions": [["action_id"], ["X"]]})
    assert read_sheet(data, "a.xlsx", "audit_actions").n == 1


def test_a_workbook_without_the_kinds_sheet_names_the_sheets_it_has() -> None:
    data = workbook({"Sheet1": [["a"], [1]]})
    with pytest.raises(FileRejected, match=r"The workbook has no sheet called 'values' \(it has 'Sheet1'\)"):
        read_sheet(data, "v.xlsx", "values")


def test_a_workbook_whose_header_is_not_in_row_1() -> None:
    data = workbook({"values": [[None], ["Title of the return"], ["code"]]})
    with pytest.raises(FileRejected, match="The column names are in row 2; they must be in row 1"):
        read_sheet(data, "v.xlsx", "values")


def test_a_damaged_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    with pytest.raises(FileRejected, match="'v.xlsx' is not a CSV or Excel"):
        read_sheet(out.getvalue(), "v.xlsx", "values")


def test_an_xlsx_import_reports_spreadsheet_rows(tiny: Store) -> None:
    data = workbook({"audits": [AUDIT_HEADER, audit_row("A1"), [None] * 9, audit_row("A2", grade="7")]})
    result = validate_file(tiny, "audits", data, "return.xlsx")
    assert [(p.row, p.column) for p in result.problems] == [(4, "overall_grade")]
