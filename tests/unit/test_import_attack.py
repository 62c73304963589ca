"""The holes an attack on the importer found (issue 11), one test (or a few) per finding.

5 far-future and far-past dates and periods; 6 an XLSX whose sheet declares a wrong size; 8 files
that crashed the importer with a traceback; 10 an encoding decided from the first 64 KiB; 11 text
far longer than a column takes; 14 loose acceptance (negative sums, absurd numbers, non-ASCII
digits, two sheets for one kind). Each refusal must be a plain problem naming the row and column
where there is one, logged as 'rejected', with the store unchanged.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa_core.__main__ import main
from qa_core.io.importer import ImportRejected, ImportResult, Problem, import_file
from qa_core.io.importer.formats import FileRejected, read_sheet, to_xlsx_bytes
from qa_core.store import Store
from tests.unit.raw_xlsx import Repeated, shared_strings_xml, sheet_xml, workbook
from tests.unit.test_import_support import (
    AUDIT_HEADER,
    assert_same,
    audit_row,
    csv_bytes,
    log,
    open_tiny,
    snapshot,
)

VALUES_HEADER = ["code", "period", "org_unit", "numerator", "denominator", "value"]
TODAY = dt.date.today()
NEXT_YEAR = TODAY.year + 1
#: Words no plain message should hold: a traceback, or a Python or Arrow exception's class name.
RAW = re.compile(r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|_csv\.|pyarrow|Arrow")


@pytest.fixture
def tiny() -> Iterator[Store]:
    with open_tiny() as store:
        yield store


def refused(store: Store, kind: str, data: bytes, name: str = "file.csv") -> ImportResult:
    """Import ``data``, expecting a plain refusal that changes nothing but the log's 'rejected' row."""
    before = snapshot(store)
    logged = len(log(store))
    with pytest.raises(ImportRejected) as caught:
        import_file(store, kind, data, name, user="attack")
    result = caught.value.result
    assert_same(before, snapshot(store))
    statuses = log(store)["status"].tolist()[logged:]
    assert statuses == ["rejected"]
    for p in result.problems:
        assert p.message and not RAW.search(p.message), p.message
    return result


def one(result: ImportResult) -> Problem:
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    return result.problems[0]


# -- 5: far-future and far-past dates and periods --------------------------------------------------
@pytest.mark.parametrize("period", ["9999-12", "1999-12", f"{NEXT_YEAR + 1}-01", "0001-01"])
def test_a_period_outside_2000_to_next_year_is_refused_naming_the_range(tiny: Store, period: str) -> None:
    rows = [VALUES_HEADER, ["CONTACT_24H", period, "MASH Team A", 5, 10, None]]
    p = one(refused(tiny, "values", csv_bytes(rows)))
    assert (p.row, p.column) == (2, "period")
    assert f"between January 2000 and December {NEXT_YEAR}" in p.message


def test_a_period_at_the_ends_of_the_range_is_accepted(tiny: Store) -> None:
    rows = [
        VALUES_HEADER,
        ["CONTACT_24H", "2000-01", "MASH Team A", 5, 10, None],
        ["CONTACT_24H", f"{NEXT_YEAR}-12", "MASH Team A", 5, 10, None],
    ]
    assert import_file(tiny, "values", csv_bytes(rows), "v.csv", user="t").added == 2


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "31/12/1989", f"01/01/{NEXT_YEAR + 1}"])
def test_an_audit_date_outside_its_range_is_refused(tiny: Store, date: str) -> None:
    p = one(refused(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", date=date)])))
    assert (p.row, p.column) == (2, "audit_date")
    assert f"between 1 January 1990 and 31 December {NEXT_YEAR}" in p.message


def test_a_due_date_may_be_years_ahead_but_not_centuries(tiny: Store) -> None:
    import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1")]), "a.csv", user="t")
    header = ["action_id", "audit_id", "description", "due_date", "completed_date"]
    ahead = f"{TODAY.year + 5}-06-30"
    assert (
        import_file(
            tiny, "audit_actions", csv_bytes([header, ["X1", "A1", "Do it", ahead, ""]]), "x.csv", user="t"
        ).added
        == 1
    )
    p = one(refused(tiny, "audit_actions", csv_bytes([header, ["X2", "A1", "Do it", "9999-12-31", ""]])))
    assert (p.row, p.column) == (2, "due_date")
    assert f"31 December {TODAY.year + 10}" in p.message
    # A completion is an event: it cannot be years ahead.
    p = one(refused(tiny, "audit_actions", csv_bytes([header, ["X3", "A1", "Do it", "", ahead]])))
    assert (p.row, p.column) == (2, "completed_date")


@pytest.mark.parametrize("quarter", ["9998/99 Q4", "1999/00 Q3", f"{NEXT_YEAR}/{(NEXT_YEAR + 1) % 100:02d} Q4"])
def test_a_quarter_outside_2000_to_next_year_is_refused(tiny: Store, quarter: str) -> None:
    header = [
        "risk_ref",
        "quarter",
        "title",
        "gross_impact",
        "gross_likelihood",
        "residual_impact",
        "residual_likelihood",
    ]
    p = one(refused(tiny, "risks", csv_bytes([header, ["R1", quarter, "A risk", 3, 3, 2, 2]])))
    assert (p.row, p.column) == (2, "quarter")
    # Quarters starting January 2000 (1999/00 Q4) to December next year (its financial year's Q3).
    assert f"from 1999/00 Q4 to {NEXT_YEAR}/{(NEXT_YEAR + 1) % 100:02d} Q3" in p.message


def test_plan_months_and_target_dates_have_ranges(tiny: Store) -> None:
    header = ["record", "area_id", "name", "month", "rag", "priority_id", "description", "target_date"]
    rows = [
        header,
        ["area", "AR1", "Front door", "", "", "", "", ""],
        ["rag", "AR1", "", "9999-12", "Red", "", "", ""],
        ["priority", "AR1", "", "", "", "P1", "Faster", "01/01/2500"],
    ]
    found = {(p.row, p.column) for p in refused(tiny, "plan", csv_bytes(rows)).problems}
    assert found == {(3, "month"), (4, "target_date")}


def _store_with_an_audit_in(path: Path, month: dt.date) -> None:
    """A store holding one audit dated in ``month`` (written directly, as an older store may hold it)."""
    store = Store(path)
    with open_tiny() as tiny:
        frames = {t: tiny.query(f"SELECT * FROM {t}") for t in ("setting", "service", "team")}
    store.insert_frames(frames)
    store.execute(
        "INSERT INTO audit (audit_id, audit_date, tier, team_id, service_id, auditor, auditor_role, "
        "overall_grade) VALUES ('A1', ?, 'tier1', 'assessment_01', 'assessment', 'Jo', 'team_manager', 4)",
        [month],
    )
    store.close()


@pytest.mark.parametrize("month", [dt.date(9999, 12, 31), dt.date(1, 1, 1)])
def test_report_audits_copes_with_any_stored_month(
    tmp_path: Path, month: dt.date, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "odd.duckdb"
    _store_with_an_audit_in(db, month)
    assert main(["report", "audits", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("group,") and out[1].startswith("All,0,0,0,1,1,100.0")
    shown = f"{month.year:04d}-{month.month:02d}"
    assert main(["report", "audits", "--db", str(db), "--month", shown, "--by", "month"]) == 0
    assert main(["report", "audits", "--db", str(db), "--by", "month"]) == 0


# -- 6: an XLSX whose sheet declares a wrong size ---------------------------------------------------
AUDITS = [AUDIT_HEADER, *(audit_row(f"A{i}", date=f"0{i}/10/2026") for i in range(1, 6))]


def test_a_sheet_declaring_too_small_a_size_is_read_whole_and_deletes_nothing(tiny: Store) -> None:
    import_file(tiny, "audits", csv_bytes(AUDITS), "audits.csv", user="t")
    before = snapshot(tiny)
    lying = workbook([("audits", sheet_xml(AUDITS, dimension="A1:V2"))])
    assert read_sheet(lying, "audits.xlsx", "audits").n == 5
    result = import_file(tiny, "audits", lying, "audits.xlsx", user="t")
    assert (result.rows, result.unchanged, result.removed) == (5, 5, 0)
    assert_same(before, snapshot(tiny))


def test_the_same_with_shared_strings(tiny: Store) -> None:
    strings: list[str] = []
    xml = sheet_xml(AUDITS, dimension="A1:B1", shared=strings)
    sheet = read_sheet(workbook([("audits", xml)], shared_strings_xml(strings)), "a.xlsx", "audits")
    assert sheet.n == 5 and sheet.columns[0].to_pylist() == ["A1", "A2", "A3", "A4", "A5"]


@pytest.mark.timeout(120)  # a guard against the old hang (minutes), not a benchmark
def test_a_sheet_declaring_the_whole_grid_is_read_by_its_content(tiny: Store) -> None:
    last = [(1_048_576, "B1048576", "")]  # an empty cell in Excel's last row
    book = workbook([("audits", sheet_xml(AUDITS, dimension="A1:XFD1048576", extra_cells=last))])
    assert len(book) < 5000
    result = import_file(tiny, "audits", book, "audits.xlsx", user="t")
    assert (result.rows, result.added) == (5, 5)


@pytest.mark.timeout(120)
def test_values_far_to_the_right_are_refused_naming_the_row_without_reading_the_empty_grid(tiny: Store) -> None:
    far = [(r, f"XFD{r}", "") for r in range(7, 20_007)] + [(20_007, "XFD20007", "stray")]
    book = workbook([("audits", sheet_xml(AUDITS, extra_cells=far))])
    p = one(refused(tiny, "audits", book, "audits.xlsx"))
    assert p.row == 20_007 and "right of the last named column" in p.message


def test_more_text_in_a_workbook_cell_than_excel_allows_is_refused_naming_the_cell(tiny: Store) -> None:
    rows = [AUDIT_HEADER, audit_row("A1"), audit_row("A2", auditor="x" * 300_000)]
    p = one(refused(tiny, "audits", workbook([("audits", sheet_xml(rows))]), "audits.xlsx"))
    assert "cell F3" in p.message and "32,767 characters" in p.message and "audits.xlsx" in p.message


# -- 8: files that crashed the importer -------------------------------------------------------------
GOOD_VALUES = [
    VALUES_HEADER,
    ["CONTACT_24H", "2026-10", "MASH Team A", "5", "10", ""],
    ["UNALLOC", "2026-10", "Assessment South", "", "", "3"],
]


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be", "utf-32-le"])
def test_a_utf32_csv_with_its_byte_order_mark_is_read(tiny: Store, encoding: str) -> None:
    text = csv_bytes(GOOD_VALUES).decode()
    data = text.encode(encoding)
    if encoding != "utf-32":  # the plain codec writes the mark itself
        data = (codecs.BOM_UTF32_BE if encoding.endswith("be") else codecs.BOM_UTF32_LE) + data
    assert import_file(tiny, "values", data, "v.csv", user="t").added == 2


def test_a_csv_with_old_mac_line_ends_is_read(tiny: Store) -> None:
    data = csv_bytes(GOOD_VALUES).replace(b"\r\n", b"\r")
    sheet = read_sheet(data, "v.csv", "values")
    assert sheet.rows.tolist() == [2, 3] and sheet.columns[0].to_pylist() == ["CONTACT_24H", "UNALLOC"]
    assert import_file(tiny, "values", data, "v.csv", user="t").added == 2


@pytest.mark.parametrize("data", [b"\xff\xfe" + b"c\x00o\x00d", b"\xfe\xff\x00c\x00o\x00d\x00e\x00,\xd8"])
def test_damaged_utf16_is_refused_plainly(tiny: Store, data: bytes) -> None:
    p = one(refused(tiny, "values", data))
    assert "UTF-16" in p.message


@pytest.mark.parametrize("cell", ["99999999999999999999", "2147483648", "-2147483649"])
def test_a_whole_number_too_large_for_the_store_is_refused_by_validation(tiny: Store, cell: str) -> None:
    header = ["code", "name", "theme", "unit", "polarity", "sort_order"]
    rows = [header, ["NEW1", "New", "Theme", "%", "up", "1"], ["NEW2", "New two", "Theme", "%", "up", cell]]
    p = one(refused(tiny, "indicators", csv_bytes(rows)))
    assert (p.row, p.column) == (3, "sort_order")
    assert "2,147,483,647" in p.message or "0 or more" in p.message


def test_a_cell_over_the_csv_field_limit_is_a_problem_on_its_row(tiny: Store) -> None:
    data = (
        csv_bytes([AUDIT_HEADER, audit_row("A1"), audit_row("A2")])
        + b"  \r\n"
        + csv_bytes([audit_row("A3", auditor="x" * 200_000)])
    )  # the line of spaces sends it to the csv module
    p = one(refused(tiny, "audits", data))
    assert p.row == 5 and "200,000 characters" in p.message


def _one_giant_shared_string(mebibytes: int) -> bytes:
    """An audits workbook whose auditor is a shared string of ``mebibytes`` MiB of 'A' (it compresses to little)."""
    strings: list[str] = []
    xml = sheet_xml([AUDIT_HEADER, audit_row("A1", auditor="placeholder")], shared=strings)
    before = "".join(f"<si><t>{s}</t></si>" for s in strings[: strings.index("placeholder")])
    after = "".join(f"<si><t>{s}</t></si>" for s in strings[strings.index("placeholder") + 1 :])
    table = Repeated(
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{before}<si><t>'.encode(),
        b"A" * (1 << 20),
        mebibytes,
        f"</t></si>{after}</sst>".encode(),
    )
    book = workbook([("audits", xml)], table)
    assert len(book) < max(mebibytes, 1) << 11  # about 1 KiB per MiB
    return book


@pytest.mark.parametrize(("mebibytes", "expected"), [(1024, "unpacks to 1,074 MB"), (100, "32,767 characters")])
def test_a_workbook_with_a_huge_shared_string_is_refused_quickly_in_little_memory(
    tiny: Store, mebibytes: int, expected: str
) -> None:
    """The gigabyte string of the attack is refused by the table's size; a smaller one (100 MiB, under the
    table's limit) by its own length, after its first megabyte is unpacked."""
    book = _one_giant_shared_string(mebibytes)
    tracemalloc.start()
    try:
        p = one(refused(tiny, "audits", book, "audits.xlsx"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert expected in p.message and "audits.xlsx" in p.message
    assert peak < 64 << 20


def test_a_number_in_an_xlsx_too_large_for_a_whole_number_column(tiny: Store) -> None:
    header = ["code", "name", "theme", "unit", "polarity", "sort_order"]
    book = workbook([("indicators", sheet_xml([header, ["NEW1", "New", "Theme", "%", "up", 1e20]]))])
    p = one(refused(tiny, "indicators", book, "i.xlsx"))
    assert (p.row, p.column) == (2, "sort_order")


def test_a_damaged_shared_string_reference_is_refused_plainly(tiny: Store) -> None:
    xml = sheet_xml([AUDIT_HEADER, audit_row("A1")]).replace(
        b'<c r="A2" t="inlineStr"><is><t>A1</t></is></c>', b'<c r="A2" t="s"><v>99</v></c>'
    )
    p = one(refused(tiny, "audits", workbook([("audits", xml)], shared_strings_xml(["x"])), "a.xlsx"))
    assert p.row is None and "a.xlsx" in p.message


def test_an_unexpected_failure_is_a_plain_refusal_and_is_logged(
    tiny: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from qa_core.io.importer.kinds import KINDS

    def boom(*args: object) -> None:
        raise RuntimeError("a bug the importer has not met before")

    monkeypatch.setitem(KINDS, "values", dataclasses.replace(KINDS["values"], load=boom))
    p = one(refused(tiny, "values", csv_bytes(GOOD_VALUES)))
    assert p.message.startswith("The importer could not finish reading 'file.csv'")
    assert "a bug the importer has not met before" in caplog.text  # the details go to the log


# -- 10: the encoding, decided from the whole file --------------------------------------------------
def _late_accent(encoding: str, name: str = "Zo\u00eb Bront\u00eb") -> bytes:
    rows = [AUDIT_HEADER, *(audit_row(f"A{i}") for i in range(1, 1500)), audit_row("A1500", auditor=name)]
    assert len(csv_bytes(rows[:-1])) > 65536  # the accent comes after the first 64 KiB
    return csv_bytes(rows).decode().encode(encoding)


def test_windows_1252_after_the_first_64_kib_is_read_as_windows_1252(tiny: Store) -> None:
    import_file(tiny, "audits", _late_accent("cp1252"), "a.csv", user="t")
    auditors = set(tiny.query("SELECT auditor FROM audit")["auditor"])
    assert auditors == {"Jodie Fenwick", "Zo\u00eb Bront\u00eb"}


def test_utf8_and_windows_1252_mixed_in_one_file_is_refused_naming_the_row(tiny: Store) -> None:
    rows = [AUDIT_HEADER, audit_row("A1", auditor="Ren\u00e9e")] + [audit_row(f"A{i}") for i in range(2, 1500)]
    data = csv_bytes(rows) + csv_bytes([audit_row("A1500", auditor="Zo\u00eb")]).decode().encode("cp1252")
    p = one(refused(tiny, "audits", data))
    assert p.row == 1501 and "UTF-8" in p.message and "Windows-1252" in p.message


def test_a_byte_neither_utf8_nor_windows_1252_is_refused_naming_the_row(tiny: Store) -> None:
    data = csv_bytes([AUDIT_HEADER, audit_row("A1"), audit_row("A2")]) + b"A3,03/10/2026,Tier 1,x\x81y\r\n"
    p = one(refused(tiny, "audits", data))
    assert p.row == 4 and "0x81" in p.message


def test_nothing_is_ever_stored_with_replacement_characters(tiny: Store) -> None:
    for data in (_late_accent("cp1252"), _late_accent("utf-8"), _late_accent("utf-16")):
        tiny.execute("DELETE FROM audit_area_grade")
        tiny.execute("DELETE FROM audit")
        import_file(tiny, "audits", data, "a.csv", user="t")
        assert not tiny.scalar("SELECT count(*) FROM audit WHERE contains(auditor, '\ufffd')")


# -- 11: text longer than a column takes ------------------------------------------------------------
def test_a_narrative_of_a_mebibyte_is_refused_naming_the_column_and_limit(tiny: Store) -> None:
    header = ["record", "area_id", "name", "month", "narrative_kind", "text"]
    rows = [
        header,
        ["area", "AR1", "Front door", "", "", ""],
        ["narrative", "AR1", "", "2026-10", "progress", "x" * (1 << 20)],
    ]
    p = one(refused(tiny, "plan", csv_bytes(rows)))
    assert (p.row, p.column) == (3, "text")
    assert "1,048,576 characters" in p.message and "10,000" in p.message
    assert len(p.message) < 300


def test_a_name_longer_than_200_characters_is_refused(tiny: Store) -> None:
    p = one(refused(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", auditor="J" * 201)])))
    assert (p.row, p.column) == (2, "auditor") and "200" in p.message
    assert (
        import_file(
            tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", auditor="J" * 200)]), "a.csv", user="t"
        ).added
        == 1
    )


def test_a_huge_cell_in_a_coded_column_is_not_echoed_in_the_message(tiny: Store) -> None:
    result = refused(
        tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", grade="G" * 50_000, chronology="2" * 50_000)])
    )
    assert {(p.row, p.column) for p in result.problems} == {(2, "overall_grade"), (2, "Chronology")}
    assert all(len(p.message) < 300 for p in result.problems)


def test_a_column_name_longer_than_200_characters_is_refused(tiny: Store) -> None:
    header = [*AUDIT_HEADER, "Area " + "z" * 300]
    result = refused(tiny, "audits", csv_bytes([header, [*audit_row("A1"), "Good"]]))
    p = one(result)
    assert p.row == 1 and "305 characters" in p.message and len(p.message) < 300


def test_long_text_in_a_dfe_file_is_refused_and_never_echoed_whole(tiny: Store) -> None:
    header = ["measure_short", "year", "geographic_level", "la_number", "area_name", "value"]
    rows = [header, ["ReReferral", "2024", "Local authority", "356", "S" * 300_000, "2" * 300_000]]
    result = refused(tiny, "comparators", csv_bytes(rows), "lait.csv")
    assert (2, "area_name") in {(p.row, p.column) for p in result.problems}
    assert any("300,000 characters" in p.message and p.column == "value" for p in result.problems)
    assert all(len(p.message) <= 600 for p in result.problems)


# -- 14: loose acceptance ---------------------------------------------------------------------------
def test_a_negative_value_of_a_measure_added_up_is_refused(tiny: Store) -> None:
    p = one(refused(tiny, "values", csv_bytes([VALUES_HEADER, ["UNALLOC", "2026-10", "MASH Team A", "", "", "-3"]])))
    assert (p.row, p.column) == (2, "value") and "negative" in p.message


@pytest.mark.parametrize("cell", ["1e308", "1e13", "-1e13", "inf", "nan", "1e400"])
def test_a_number_not_finite_or_absurdly_large_is_refused(tiny: Store, cell: str) -> None:
    rows = [VALUES_HEADER, ["CONTACT_24H", "2026-10", "MASH Team A", "5", cell, ""]]
    p = one(refused(tiny, "values", csv_bytes(rows)))
    assert (p.row, p.column) == (2, "denominator")


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("numerator", "\u0663"),
        ("denominator", "\uff11\uff10"),
        ("period", "\uff12\uff10\uff12\uff16-10"),
        ("period", "\u0662\u0660\u0662\u0666-\u0661\u0660"),
        ("numerator", "\u0967\u0968"),
    ],
)
def test_digits_other_than_0_to_9_are_refused(tiny: Store, column: str, cell: str) -> None:
    row = {
        "code": "CONTACT_24H",
        "period": "2026-10",
        "org_unit": "MASH Team A",
        "numerator": "5",
        "denominator": "10",
        "value": "",
    }
    row[column] = cell
    p = one(refused(tiny, "values", csv_bytes([VALUES_HEADER, list(row.values())])))
    assert (p.row, p.column) == (2, column)
    assert "0 to 9" in p.message


def test_non_ascii_digits_in_dates_quarters_counts_and_risk_levels(tiny: Store) -> None:
    p = one(refused(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", date="\uff10\uff13/10/2026")])))
    assert (p.row, p.column) == (2, "audit_date")
    header = [
        "risk_ref",
        "quarter",
        "title",
        "gross_impact",
        "gross_likelihood",
        "residual_impact",
        "residual_likelihood",
    ]
    result = refused(tiny, "risks", csv_bytes([header, ["R1", "2026-Q\uff13", "A risk", "\uff13", 3, 2, 2]]))
    assert {(p.row, p.column) for p in result.problems} == {(2, "quarter"), (2, "gross_impact")}


def test_two_sheets_matching_the_kind_are_refused_naming_both(tiny: Store) -> None:
    frame = __import__("pandas").DataFrame([audit_row("A1")], columns=AUDIT_HEADER)
    book = to_xlsx_bytes([("audits", frame), ("Audits ", frame)])
    with pytest.raises(FileRejected) as caught:
        read_sheet(book, "a.xlsx", "audits")
    assert "'audits'" in str(caught.value) and "'Audits '" in str(caught.value)
    refused(tiny, "audits", book, "a.xlsx")


# -- found by the fuzz test (test_import_fuzz.py) ---------------------------------------------------
def test_a_plan_file_naming_an_area_already_held_imports_again(tiny: Store) -> None:
    """The area is held and in the file under the same id and name: that is one area, not two."""
    header = ["record", "area_id", "name", "month", "narrative_kind", "text"]
    rows = [
        header,
        ["area", "AR1", "Front door", "", "", ""],
        ["narrative", "Front door", "", "2026-10", "progress", "Rose to 91%"],
    ]
    assert import_file(tiny, "plan", csv_bytes(rows), "p.csv", user="t").added == 2
    again = import_file(tiny, "plan", csv_bytes(rows), "p.csv", user="t")
    assert (again.added, again.replaced, again.removed, again.unchanged) == (0, 0, 0, 2)


@pytest.mark.parametrize("year", ["9999", "1066", f"{NEXT_YEAR + 1}"])
def test_a_published_year_outside_2000_to_next_year_is_refused(tiny: Store, year: str) -> None:
    """5 again, for the comparators kind's DfE LAIT shape: its year is a period too."""
    header = ["measure_short", "year", "geographic_level", "la_number", "area_name", "value"]
    rows = [
        header,
        ["ReReferral", "2024", "Local authority", "356", "Stockport", "21.4"],
        ["ReReferral", year, "Local authority", "356", "Stockport", "21.4"],
    ]
    p = one(refused(tiny, "comparators", csv_bytes(rows), "lait.csv"))
    assert (p.row, p.column) == (3, "year") and f"2000 and {NEXT_YEAR}" in p.message


def test_the_command_line_prints_plain_problems_and_exits_1_for_the_files_that_crashed_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    from qa_core.store import PROJECT_ROOT
    from tests.unit.test_import_support import tiny_store

    db = tmp_path / "qa.duckdb"
    tiny_store(db).close()
    header = ["code", "name", "theme", "unit", "polarity", "sort_order"]
    files = {
        "huge.csv": (
            "indicators",
            csv_bytes([header, ["N1", "New", "Theme", "%", "up", "99999999999999999999"]]),
            "Row 2, column 'sort_order'",
        ),
        "odd.csv": ("audits", csv_bytes([AUDIT_HEADER, audit_row("A1")]) + b"A2,x\x81\r\n", "Row 3: 'odd.csv'"),
        "sst.xlsx": (
            "audits",
            workbook(
                [
                    (
                        "audits",
                        sheet_xml([AUDIT_HEADER, audit_row("A1")]).replace(
                            b'<c r="A2" t="inlineStr"><is><t>A1</t></is></c>', b'<c r="A2" t="s"><v>7</v></c>'
                        ),
                    )
                ],
                shared_strings_xml(["x"]),
            ),
            "'sst.xlsx' looks like a damaged Excel workbook",
        ),
    }
    for name, (kind, data, expected) in files.items():
        (tmp_path / name).write_bytes(data)
        run = subprocess.run(
            [sys.executable, "-m", "qa_core", "import", kind, str(tmp_path / name), "--db", str(db)],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 1, run.stderr
        assert expected in run.stderr and "Traceback" not in run.stderr, run.stderr
    with Store(db, read_only=True) as store:
        assert log(store)["status"].tolist() == ["rejected"] * 3


def test_a_risk_register_without_its_optional_service_column_updates_a_held_risk(tiny: Store) -> None:
    """The store's own refusal ('Referenced table "n" not found') once reached the user for this file."""
    header = [
        "risk_ref",
        "quarter",
        "title",
        "gross_impact",
        "gross_likelihood",
        "residual_impact",
        "residual_likelihood",
    ]
    rows = [[*header[:3], "service", *header[3:]], ["R1", "2026/27 Q2", "Practice varies", "Assessment", 5, 4, 4, 3]]
    import_file(tiny, "risks", csv_bytes(rows), "r.csv", user="t")
    result = import_file(
        tiny, "risks", csv_bytes([header, ["R1", "2026/27 Q2", "Practice still varies", 5, 4, 4, 3]]), "r.csv", user="t"
    )
    assert (result.replaced, result.added) == (1, 0)
    held = tiny.query("SELECT title, service_id FROM risk").values.tolist()
    assert held == [["Practice still varies", "assessment"]]  # the service left out is kept


def test_a_shared_string_table_too_large_to_hold_is_refused_before_it_is_read(tiny: Store) -> None:
    """Many short strings (no one of them too long) still fill memory: the table's size is bounded too."""
    strings: list[str] = []
    xml = sheet_xml([AUDIT_HEADER, audit_row("A1")], shared=strings)

    table = Repeated(
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings).encode(),
        b"<si><t>x</t></si>" * (1 << 16),  # 1 MiB of one-letter strings
        300,
        b"</sst>",
    )
    tracemalloc.start()
    try:
        p = one(refused(tiny, "audits", workbook([("audits", xml)], table), "audits.xlsx"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "250 MB" in p.message and "audits.xlsx" in p.message
    assert peak < 64 << 20


def test_a_plan_file_renaming_an_area_cannot_refer_to_it_by_its_old_name(tiny: Store) -> None:
    """Once imported, the old name is gone, so the same file would be refused the second time."""
    header = ["record", "area_id", "name", "month", "narrative_kind", "text"]
    import_file(tiny, "plan", csv_bytes([header, ["area", "AR1", "Front door", "", "", ""]]), "p.csv", user="t")
    rows = [
        header,
        ["area", "AR1", "Front door and MASH", "", "", ""],
        ["narrative", "Front door", "", "2026-10", "progress", "Rose to 91%"],
    ]
    p = one(refused(tiny, "plan", csv_bytes(rows)))
    assert (p.row, p.column) == (3, "area_id") and "Front door and MASH" in p.message
