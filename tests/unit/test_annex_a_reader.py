"""Reading an Annex A (``qa_core.io.annex_a.reader`` and ``workbook``): sheets and headers across years,
dates three ways, coded answers with or without their letter, formulas worked out or refused, and every
problem named by sheet, row and column."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from qa_core.io.annex_a.reader import read_annex_a
from qa_core.io.annex_a.spec import list_number, normalise
from qa_core.io.annex_a.workbook import SheetCells, _iterparse_sheet, _scan_sheet
from qa_core.io.importer.formats import FileRejected
from tests.unit.annex_a_support import D, serial, workbook

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "public" / "SYNTHETIC_annex_a_sample_socialfinance.xlsx"
REFERRALS = ["Child Unique ID", "Date of Referral", "Referral NFA?", "Allocated Team"]


def problems(book) -> list[str]:
    return [str(p) for p in book.sorted_problems()]


def test_sheet_names_and_header_spellings_across_years() -> None:
    assert [list_number(n) for n in ("List 3", "list3", " LIST 03 ", "List 3 - Referrals", "List 12", "Notes")] == [
        3,
        3,
        3,
        3,
        None,
        None,
    ]
    assert normalise("Date Started to be Looked After ") == normalise("date started to be in care")
    assert normalise("Suitability of Accomodation") == normalise("Suitability of Accommodation")
    assert normalise("Referral NFA?") == "referral nfa"
    book = read_annex_a(
        workbook(
            {
                "list 8": [
                    ["CHILD UNIQUE ID ", "Date started to be in care", "Date of latest statutory review "],
                    ["X1", D(2024, 1, 5), D(2024, 2, 1)],
                ],
                "List 3": [
                    ["Child Unique ID", "Referral Date", "Number of referrals in the last 12 months"],
                    ["X2", "05/01/2024", 1],
                ],
            }
        ),
        "years.xlsx",
    )
    assert book.ok, problems(book)
    assert book.lists[8].headers == {
        "child_id": "CHILD UNIQUE ID",
        "cla_start": "Date started to be in care",
        "cla_review": "Date of latest statutory review",
    }
    assert book.lists[3].frame["prior_referrals"].tolist() == [1]


def test_dates_as_excel_dates_serial_numbers_and_text() -> None:
    book = read_annex_a(
        workbook(
            {
                "List 1": [
                    ["Child Unique ID", "Date of Contact"],
                    ["A", D(2024, 2, 29)],
                    ["B", serial(D(2024, 2, 29))],
                    ["C", "29/02/2024"],
                    ["D", "2024-02-29"],
                    ["E", "29 Feb 2024"],
                    ["F", float(serial(D(2024, 2, 29))) + 0.75],  # a date and a time of day
                ]
            }
        ),
        "dates.xlsx",
    )
    assert book.ok, problems(book)
    assert pd.to_datetime(book.lists[1].frame["contact_date"]).dt.date.tolist() == [D(2024, 2, 29)] * 6


def test_coded_answers_with_or_without_their_letter() -> None:
    book = read_annex_a(
        workbook(
            {
                "List 9": [
                    ["Child Unique ID", "LA in Touch", "Suitability of Accommodation", "Activity Status"],
                    ["A", "a) Yes", "a) Suitable", "F1: Full time in higher education"],
                    ["B", "Yes", "Suitable", "F1"],
                    ["C", "y", "suitable", "full time in higher education"],
                    ["D", "b) No", "b) Unsuitable", "G5: Not in education, employment or training - other"],
                    ["E", "No", "Unsuitable", "G6"],
                    ["F", "c) Died", None, None],
                    ["G", "d) Refu", "Not suitable", "p3"],
                ]
            }
        ),
        "codes.xlsx",
    )
    assert book.ok, problems(book)
    frame = book.lists[9].frame
    assert frame["in_touch"].tolist() == ["yes", "yes", "yes", "no", "no", "died", "refu"]
    assert frame["suitability"].tolist() == ["suitable"] * 3 + ["unsuitable"] * 2 + [None, "unsuitable"]
    assert frame["activity"].tolist() == ["eet"] * 3 + ["neet"] * 2 + [None, "eet"]


def test_a_formula_without_a_stored_value_is_worked_out() -> None:
    book = read_annex_a(
        workbook(
            {
                "List 4": [
                    [
                        "Child Unique ID",
                        "Continuous Assessment Start Date",
                        "Continuous Assessment Date of Authorisation",
                    ],
                    ["A", D(2024, 1, 2), "=B2+5"],
                    ["B", "=B2+1", "=C2+B3-B2"],
                    ["C", D(2024, 1, 2), "=$C$2 - 1 + 2"],
                ]
            }
        ),
        "formulas.xlsx",
    )
    assert book.ok, problems(book)
    frame = book.lists[4].frame
    assert pd.to_datetime(frame["assess_start"]).dt.date.tolist() == [D(2024, 1, 2), D(2024, 1, 3), D(2024, 1, 2)]
    assert pd.to_datetime(frame["assess_end"]).dt.date.tolist() == [D(2024, 1, 7), D(2024, 1, 8), D(2024, 1, 8)]


@pytest.mark.parametrize(
    "formula, why",
    [
        ("=VLOOKUP(A2,Sheet2!A:B,2,FALSE)", "not simple arithmetic"),
        ("='List 1'!B2+5", "not simple arithmetic"),
        ("=C2+1", "refers back to itself"),
        ("=A2+5", "holds text"),
    ],
)
def test_other_formulas_are_refused_naming_sheet_row_and_column(formula: str, why: str) -> None:
    book = read_annex_a(
        workbook(
            {
                "List 4": [
                    [
                        "Child Unique ID",
                        "Continuous Assessment Start Date",
                        "Continuous Assessment Date of Authorisation",
                    ],
                    ["A", D(2024, 1, 2), formula],
                ]
            }
        ),
        "formulas.xlsx",
    )
    assert not book.ok
    (problem,) = book.sorted_problems()
    assert (problem.sheet, problem.row, problem.column) == ("List 4", 2, "Continuous Assessment Date of Authorisation")
    assert why in problem.message and "save it" in problem.message
    assert str(problem).startswith("Sheet 'List 4', row 2, column 'Continuous Assessment Date of Authorisation': ")


def _strip_cached_values(data: bytes) -> bytes:
    """The workbook with every formula's stored value removed (as a program that does not calculate saves it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"(<f[^>]*(?:/>|>[^<]*</f>))<v>[^<]*</v>", rb"\1", content)
            target.writestr(info, content)
    return out.getvalue()


def test_the_social_finance_samples_shared_formulas_give_what_excel_stored() -> None:
    """List 10 and List 11 of the sample hold shared formulas (=H2+5 copied across); worked out by the reader
    without Excel's stored values, they give exactly the dates Excel stored."""
    stored = read_annex_a(SAMPLE.read_bytes(), "sample.xlsx")
    stripped_bytes = _strip_cached_values(SAMPLE.read_bytes())
    assert b'<f t="shared" si="0"/><v>' not in stripped_bytes
    worked = read_annex_a(stripped_bytes, "sample.xlsx")
    assert stored.ok and worked.ok, problems(worked)
    for number in (10, 11):
        pd.testing.assert_frame_equal(stored.lists[number].frame, worked.lists[number].frame)
    assert pd.to_datetime(worked.lists[10].frame["adoption_order"]).dt.date.tolist()[:2] == [D(2009, 8, 31)] * 2


def test_the_fast_scanner_and_the_xml_parser_read_the_same_cells() -> None:
    data = SAMPLE.read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    from qa_core.io.annex_a.workbook import _book_parts, _shared_strings

    sheets, shared, _ = _book_parts(archive, "sample")
    strings = _shared_strings(archive, shared)
    for name, part in sheets:
        fast, slow = SheetCells(name), SheetCells(name)
        assert _scan_sheet(archive, part, strings, fast, "sample")
        _iterparse_sheet(archive, part, strings, slow, "sample")
        assert fast.cells == slow.cells, name


def test_unknown_sheets_are_reported_and_skipped() -> None:
    book = read_annex_a(
        workbook({"Cover": [["Annex A"]], "List 1": [["Child Unique ID", "Date of Contact"], ["A", D(2024, 1, 2)]]}),
        "x.xlsx",
    )
    assert book.ok and list(book.lists) == [1]
    assert book.warnings == ["Sheets that are not Annex A lists were skipped: 'Cover'."]


def test_a_missing_required_column_names_the_sheet_and_the_column() -> None:
    book = read_annex_a(workbook({"List 3": [["Child Unique ID", "Allocated Team"], ["A", "MASH"]]}), "x.xlsx")
    (problem,) = book.sorted_problems()
    assert (problem.sheet, problem.row, problem.column) == ("List 3", 1, "Date of Referral")
    assert "required column 'Date of Referral' is missing from List 3" in problem.message


def test_bad_cells_name_sheet_row_and_column() -> None:
    book = read_annex_a(
        workbook(
            {
                "List 3": [
                    REFERRALS,
                    ["A", "31/02/2024", "Yes", "MASH"],  # no such day
                    ["B", "12/01/1890", "Maybe", "MASH"],  # a year no Annex A holds; not yes or no
                    [None, D(2024, 1, 2), "No", "MASH"],  # no identifier
                ]
            }
        ),
        "x.xlsx",
    )
    found = [(p.sheet, p.row, p.column) for p in book.sorted_problems()]
    assert found == [
        ("List 3", 2, "Date of Referral"),
        ("List 3", 3, "Date of Referral"),
        ("List 3", 3, "Referral NFA?"),
        ("List 3", 4, "Child Unique ID"),
    ]
    messages = problems(book)
    assert "February 2024 has 29 days" in messages[0]
    assert "Check the year" in messages[1]
    assert "is not Yes or No" in messages[2]


def test_excel_errors_na_is_blank_others_are_problems() -> None:
    data = workbook({"List 3": [REFERRALS, ["A", D(2024, 1, 2), "No", "MASH"], ["B", D(2024, 1, 3), "No", "MASH"]]})
    # Write Excel error cells, as a broken lookup leaves them.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                content = re.sub(rb'<c r="D2"([^>]*)>.*?</c>', b'<c r="D2" t="e"><v>#N/A</v></c>', content)
                content = re.sub(rb'<c r="D3"([^>]*)>.*?</c>', b'<c r="D3" t="e"><v>#REF!</v></c>', content)
            target.writestr(info, content)
    book = read_annex_a(out.getvalue(), "x.xlsx")
    (problem,) = book.sorted_problems()
    assert (problem.sheet, problem.row, problem.column) == ("List 3", 3, "Allocated Team")
    assert "#REF!" in problem.message
    assert book.lists[3].frame["team"].tolist()[0] is None
    assert "List 3: 1 cell of 'Allocated Team' held #N/A" in book.warnings[0]


def test_dates_in_the_wrong_order_are_named_on_the_later_one() -> None:
    book = read_annex_a(
        workbook(
            {
                "List 7": [
                    ["Child Unique ID", "Child Protection Plan Start Date", "Child Protection Plan End Date"],
                    ["A", D(2024, 2, 1), D(2024, 1, 31)],
                ]
            }
        ),
        "x.xlsx",
    )
    (problem,) = book.sorted_problems()
    assert (problem.row, problem.column) == (2, "Child Protection Plan End Date")
    assert "before the Child Protection Plan Start Date" in problem.message


def test_two_sheets_for_one_list_and_a_workbook_with_no_lists_are_refused() -> None:
    book = read_annex_a(workbook({"List 1": [["Child Unique ID"]], "list 01": [["Child Unique ID"]]}), "x.xlsx")
    assert "2 sheets for List 1: 'List 1' and 'list 01'" in problems(book)[0]
    book = read_annex_a(workbook({"Sheet1": [["a"]]}), "x.xlsx")
    assert "has no Annex A lists" in problems(book)[0]


def test_a_file_that_is_not_a_workbook_is_refused_plainly() -> None:
    with pytest.raises(FileRejected, match="not an Excel workbook"):
        read_annex_a(b"Child Unique ID,Date of Contact\nA,01/01/2024\n", "annex.csv")
    with pytest.raises(FileRejected, match="damaged"):
        read_annex_a(b"PK\x03\x04 not really a zip", "annex.xlsx")


def test_names_and_other_columns_are_never_read() -> None:
    book = read_annex_a(
        workbook(
            {
                "List 1": [
                    ["Child Unique ID", "Child's Name", "Date of Contact"],
                    ["A", "Amelia Testchild", dt.date(2024, 1, 2)],
                ]
            }
        ),
        "x.xlsx",
    )
    assert list(book.lists[1].frame.columns) == ["row", "child_id", "contact_date"]
