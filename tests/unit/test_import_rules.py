"""One test per validation rule: each problem comes with the row as the spreadsheet shows it,
the column as the file names it, and a sentence a performance officer understands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from qa_core.io.importer import ImportRejected, Problem, import_file, validate_file
from qa_core.io.importer.fields import read_date, read_grade, read_month, read_quarter
from qa_core.store import Store
from tests.unit.test_import_support import AUDIT_HEADER, audit_row, csv_bytes, open_tiny

VALUES_HEADER = ["code", "period", "org_unit", "numerator", "denominator", "value"]

@pytest.fixture
def tiny() -> Iterator[Store]:
    with open_tiny() as store:
        yield store



def problems(store: Store, kind: str, rows: list[list[object]], name: str = "file.csv") -> list[Problem]:
    result = validate_file(store, kind, csv_bytes(rows), name)
    assert not result.ok
    assert result.problem_count == len(result.problems)
    return result.problems


def only(store: Store, kind: str, rows: list[list[object]]) -> Problem:
    found = problems(store, kind, rows)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


# -- the rules the issue names ---------------------------------------------------------------------
def test_unknown_team(tiny: Store) -> None:
    p = only(tiny, "audits", [AUDIT_HEADER, audit_row("A1", team="Asessment North")])
    assert (p.row, p.column) == (2, "team")
    assert p.message == "There is no team 'Asessment North'. Did you mean 'Assessment North'?"


def test_unknown_indicator(tiny: Store) -> None:
    p = only(tiny, "values", [VALUES_HEADER, ["CONTACT24H", "2026-10", "MASH Team A", 5, 10, None]])
    assert (p.row, p.column) == (2, "code")
    assert p.message.startswith("There is no indicator 'CONTACT24H'. Did you mean 'CONTACT_24H'?")
    assert "Add it to the catalogue first" in p.message


@pytest.mark.parametrize("grade", ["5", "0", "2.5", "Excellent", "-1"])
def test_a_grade_outside_1_to_4(tiny: Store, grade: str) -> None:
    p = only(tiny, "audits", [AUDIT_HEADER, audit_row("A1", grade=grade)])
    assert (p.row, p.column) == (2, "overall_grade")
    assert p.message == (f"'{grade}' is not a grade. Grades are 1 to 4 or their words: 1 Outstanding, 2 Good, "
                         "3 Requires Improvement, 4 Inadequate.")


def test_numerator_above_denominator(tiny: Store) -> None:
    p = only(tiny, "values", [VALUES_HEADER, ["CONTACT_24H", "2026-10", "MASH Team A", 30, 25, None]])
    assert (p.row, p.column) == (2, "numerator")
    assert p.message == "The numerator (30) is larger than the denominator (25); a percentage cannot be over 100%."


def test_numerator_above_denominator_is_fine_for_an_average(tiny: Store) -> None:
    # Days from care to adoption: 3 children, 1,500 days between them (an average of 500).
    result = validate_file(tiny, "values", csv_bytes([VALUES_HEADER, ["ADOPT_DAYS", "2026-10", "MASH Team A",
                                                                      1500, 3, None]]), "v.csv")
    assert result.ok, result.report()


@pytest.mark.parametrize("date, why", [
    ("31/02/2026", "February 2026 has 28 days"),
    ("29/02/2025", "February 2025 has 28 days"),
    ("2026-04-31", "April 2026 has 30 days"),
])
def test_a_date_that_does_not_exist(tiny: Store, date: str, why: str) -> None:
    p = only(tiny, "audits", [AUDIT_HEADER, audit_row("A1", date=date)])
    assert (p.row, p.column) == (2, "audit_date")
    assert p.message == f"'{date}' is not a date that exists: {why}. Write dates as 2026-10-31 or 31/10/2026."


def test_a_date_that_is_not_a_date(tiny: Store) -> None:
    p = only(tiny, "audits", [AUDIT_HEADER, audit_row("A1", date="next Tuesday")])
    assert p.message == "'next Tuesday' is not a date. Write dates as 2026-10-31 or 31/10/2026."


def test_duplicate_keys_within_the_file(tiny: Store) -> None:
    found = problems(tiny, "audits", [AUDIT_HEADER, audit_row("A1"), audit_row("A2"), audit_row("A1")])
    assert [(p.row, p.column) for p in found] == [(2, "audit_id"), (4, "audit_id")]
    assert found[0].message == "The audit A1 appears more than once in this file (also row 4). Keep one row."
    assert found[1].message == "The audit A1 appears more than once in this file (also row 2). Keep one row."


def test_blank_keys_are_blank_not_duplicates(tiny: Store) -> None:
    """A file without a repeated id is told by counting its distinct ids (issue 14); blank ids count as none."""
    found = problems(tiny, "audits", [AUDIT_HEADER, audit_row("A1"), audit_row(""), audit_row(" "), audit_row("B1")])
    assert [(p.row, p.column, p.message) for p in found] == [
        (3, "audit_id", "The audit id is blank; every row needs one."),
        (4, "audit_id", "The audit id is blank; every row needs one."),
    ]
    found = problems(tiny, "audits", [AUDIT_HEADER, audit_row("A1"), audit_row(""), audit_row(" A1 "), audit_row("")])
    assert [(p.row, p.message) for p in found] == [
        (2, "The audit A1 appears more than once in this file (also row 4). Keep one row."),
        (3, "The audit id is blank; every row needs one."),
        (4, "The audit A1 appears more than once in this file (also row 2). Keep one row."),
        (5, "The audit id is blank; every row needs one."),
    ]


def test_duplicate_values_found_through_a_team_named_two_ways(tiny: Store) -> None:
    found = problems(tiny, "values", [VALUES_HEADER,
                                      ["CONTACT_24H", "2026-10", "MASH Team A", 5, 10, None],
                                      ["contact_24h", "October 2026", "front_door_01", 6, 10, None]])
    assert [p.row for p in found] == [2, 3]
    assert found[0].message.startswith("The value of CONTACT_24H for MASH Team A in October 2026 appears more "
                                       "than once in this file (also row 3)")


def test_a_missing_required_column(tiny: Store) -> None:
    header = [h for h in AUDIT_HEADER if h != "overall_grade"]
    row = audit_row("A1")
    del row[AUDIT_HEADER.index("overall_grade")]
    found = problems(tiny, "audits", [header, row])
    assert [(p.row, p.column) for p in found] == [(1, "overall_grade")]
    assert found[0].message.startswith("The required column 'overall_grade' is missing. The header row must name "
                                       "these columns: audit_id, audit_date, tier, team, service, auditor, "
                                       "overall_grade.")


def test_an_empty_file(tiny: Store) -> None:
    p = only(tiny, "values", [])
    assert (p.row, p.column, p.message) == (None, None, "'file.csv' is empty: there is nothing to import.")


def test_a_header_without_rows(tiny: Store) -> None:
    p = only(tiny, "values", [VALUES_HEADER])
    assert p.message == "'file.csv' has a header row but no rows of values under it: there is nothing to import."


def test_a_file_that_is_not_csv_or_xlsx(tiny: Store) -> None:
    result = validate_file(tiny, "values", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "report.pdf")
    assert [str(p) for p in result.problems] == [
        "'report.pdf' is not a CSV or Excel (.xlsx) file. Save the spreadsheet as CSV (comma separated) or as an "
        "Excel workbook (.xlsx) and load it again."]


def test_a_workbook_without_the_kinds_sheet(tiny: Store) -> None:
    import pandas as pd

    from qa_core.io.importer.formats import to_xlsx_bytes

    data = to_xlsx_bytes([("Sheet1", pd.DataFrame({"a": [1]})), ("Notes", pd.DataFrame({"b": [2]}))])
    result = validate_file(tiny, "audits", data, "return.xlsx")
    assert [p.message for p in result.problems] == [
        "The workbook has no sheet called 'audits' (it has 'Sheet1', 'Notes'). Put the audits on a sheet named "
        "'audits', as in the template, and load it again."]


def test_every_problem_at_once_in_row_then_column_order(tiny: Store) -> None:
    found = problems(tiny, "audits", [
        AUDIT_HEADER,
        audit_row("A1"),
        audit_row("A2", date="31/11/2026", grade="5", voice="Excellent"),
        audit_row("A3", team="Nowhere", tier="Tier 9"),
    ])
    assert [(p.row, p.column) for p in found] == [
        (3, "audit_date"), (3, "overall_grade"), (3, "Voice of the child"), (4, "tier"), (4, "team")]
    result = validate_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1"),
                                                      audit_row("A2", grade="5")]), "f.csv")
    assert (result.rows, result.rejected) == (2, 1)


def test_the_error_raised_carries_every_problem(tiny: Store) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", grade="5"),
                                               audit_row("A2", date="x")]), "f.csv", user="t")
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "overall_grade"), (3, "audit_date")]
    assert "2 problems in 2 of 2 rows; nothing was imported" in str(caught.value)
    assert "Row 2, column 'overall_grade': '5' is not a grade." in str(caught.value)


def test_columns_are_named_as_the_file_names_them(tiny: Store) -> None:
    header = ["Audit ID", "Audit date", "Tier", "Team", "Service", "Auditor", "Overall Grade"]
    p = only(tiny, "audits", [header, ["A1", "03/10/2026", "Tier 1", "Assessment North", "Assessment", "Jo", "Great"]])
    assert (p.row, p.column) == (2, "Overall Grade")


# -- grades, dates, months, quarters ---------------------------------------------------------------
@pytest.mark.parametrize("text, grade", [
    ("1", 1), ("4", 4), ("2.0", 2), ("Outstanding", 1), ("good", 2), ("GOOD", 2), ("Requires Improvement", 3),
    ("requires improvement", 3), ("Requires improvement to be good", 3), ("RI", 3), ("Inadequate", 4),
    ("  inadequate ", 4), ("requires_improvement", 3),
])
def test_grades_accept_numbers_and_words_in_any_case(text: str, grade: int) -> None:
    assert read_grade(text) == grade


@pytest.mark.parametrize("text", ["2026-10-03", "03/10/2026", "3/10/2026", "03-10-2026", "03.10.2026", "03/10/26",
                                  "3 Oct 2026", "3 October 2026", "2026-10-03 00:00:00", "2026-10-03T00:00:00"])
def test_dates_accept_iso_and_uk_day_first_forms(text: str) -> None:
    assert read_date(text) == dt.date(2026, 10, 3)


def test_29_february_in_a_leap_year_exists() -> None:
    assert read_date("29/02/2024") == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text", ["2026-10", "10/2026", "October 2026", "oct 2026", "Oct-26", "2026-10-01",
                                  "31/10/2026"])
def test_months(text: str) -> None:
    assert read_month(text) == dt.date(2026, 10, 1)


@pytest.mark.parametrize("text", ["2026/27 Q2", "2026/27-Q2", "Q2 2026/27", "q2 2026/27", "2026/27q2", " 2026/27 Q2 "])
def test_quarters(text: str) -> None:
    assert read_quarter(text) == "2026/27 Q2"  # July to September 2026


@pytest.mark.parametrize(("text", "months", "financial"), [
    ("2026-Q3", "July–September 2026", "2026/27 Q2"), ("2026 Q3", "July–September 2026", "2026/27 Q2"),
    ("q1 2026", "January–March 2026", "2025/26 Q4"), ("2026q4", "October–December 2026", "2026/27 Q3"),
])
def test_a_calendar_quarter_is_refused_naming_the_financial_one(text: str, months: str, financial: str) -> None:
    with pytest.raises(ValueError) as refused:
        read_quarter(text)
    assert str(refused.value) == (f"'{text}' is ambiguous here: {months} is {financial} in the financial year. "
                                  f"Write quarters as {financial}.")


def test_an_impossible_month(tiny: Store) -> None:
    p = only(tiny, "values", [VALUES_HEADER, ["CONTACT_24H", "2026-13", "MASH Team A", 5, 10, None]])
    assert p.message == "'2026-13' is not a month: there is no month 13. Write months as 2026-10 (or October 2026, " \
                        "or a date in the month)."


# -- values -------------------------------------------------------------------------------------------
def test_a_service_or_the_council_is_not_an_org_unit_values_are_held_per_team(tiny: Store) -> None:
    found = problems(tiny, "values", [VALUES_HEADER,
                                      ["CONTACT_24H", "2026-10", "Assessment", 5, 10, None],
                                      ["CONTACT_24H", "2026-10", "la", 5, 10, None]])
    assert found[0].message == ("'Assessment' is a service. Values are held per team; a service's figure is added "
                                "up from its teams, so give one row per team.")
    assert found[1].message.startswith("'la' is the council. Values are held per team")


def test_a_measure_added_up_needs_its_value_and_a_ratio_needs_both_counts(tiny: Store) -> None:
    found = problems(tiny, "values", [VALUES_HEADER,
                                      ["UNALLOC", "2026-10", "Assessment North", None, None, None],
                                      ["CONTACT_24H", "2026-10", "Assessment North", 5, None, None]])
    assert [(p.row, p.column) for p in found] == [(2, "value"), (3, "denominator")]
    assert found[0].message == ("UNALLOC is added up across teams (aggregation 'sum'): give its figure in the "
                                "value column.")


@pytest.mark.parametrize("bad, message", [("-3", "'-3' is negative; it must be 0 or more."),
                                          ("ten", "'ten' is not a number.")])
def test_counts_are_numbers_of_zero_or_more(tiny: Store, bad: str, message: str) -> None:
    p = only(tiny, "values", [VALUES_HEADER, ["CONTACT_24H", "2026-10", "MASH Team A", bad, 10, None]])
    assert (p.column, p.message) == ("numerator", message)


def test_thousands_separators_are_read(tiny: Store) -> None:
    result = validate_file(tiny, "values", csv_bytes([VALUES_HEADER, ["ADOPT_DAYS", "2026-10", "MASH Team A",
                                                                      "1,500", "3", None]]), "v.csv")
    assert result.ok, result.report()


# -- audits ---------------------------------------------------------------------------------------------
def test_a_team_outside_the_service_given(tiny: Store) -> None:
    p = only(tiny, "audits", [AUDIT_HEADER, audit_row("A1", team="MASH Team A", service="Assessment")])
    assert (p.column, p.message) == ("team", "MASH Team A is a team of Front Door and MASH, not of Assessment. "
                                             "Check the team and the service.")


def test_an_unknown_tier(tiny: Store) -> None:
    p = only(tiny, "audits", [AUDIT_HEADER, audit_row("A1", tier="Tier 3")])
    assert p.message == "'Tier 3' is not an audit tier. Use one of: Tier 1, Tier 2, thematic, supervision."


def test_a_blank_required_cell(tiny: Store) -> None:
    p = only(tiny, "audits", [AUDIT_HEADER, audit_row("A1", auditor="   ")])
    assert (p.column, p.message) == ("auditor", "The auditor is blank; every row needs one.")


def test_an_action_for_an_audit_not_held(tiny: Store) -> None:
    p = only(tiny, "audit_actions", [["action_id", "audit_id", "description"], ["X1", "AUD-NOPE", "Do it"]])
    assert (p.column, p.message) == ("audit_id", "There is no audit 'AUD-NOPE' in the store. Load the audit (kind "
                                                 "'audits') before its actions.")


# -- the other kinds ----------------------------------------------------------------------------------
def test_indicator_choices_and_a_percentage_added_up(tiny: Store) -> None:
    header = ["code", "name", "theme", "unit", "polarity", "aggregation", "levels", "services"]
    found = problems(tiny, "indicators", [header,
                                          ["A", "A", "T", "percent", "higher", "sum", "la", "assessment"],
                                          ["B", "B", "T", "furlongs", "sideways", "ratio", "ward", "Nowhere"]])
    assert [(p.row, p.column) for p in found] == [(2, "aggregation"), (3, "unit"), (3, "polarity"), (3, "levels"),
                                                  (3, "services")]
    assert found[0].message == "A percentage is added up as numerators over denominators: use aggregation 'ratio'."
    assert found[1].message == "'furlongs' is not a unit. Use one of: %, rate_per_10k, days, count, number."
    assert found[4].message.startswith("Unknown service 'Nowhere'.")


def test_a_comparator_needs_a_value_or_a_symbol(tiny: Store) -> None:
    p = only(tiny, "comparators", [["code", "period", "comparator", "value", "symbol"],
                                   ["CONTACT_24H", "2025", "England", None, None]])
    assert p.message == "Give a value, or a symbol (c, x, z, k, u, low or ':') saying why there is none."


def test_plan_rows_need_what_their_record_needs(tiny: Store) -> None:
    header = ["record", "area_id", "name", "month", "rag", "priority_id", "description", "narrative_kind", "text"]
    found = problems(tiny, "plan", [header,
                                    ["area", "A1", None, None, None, None, None, None, None],
                                    ["rag", "A1", None, "2026-10", "Purple", None, None, None, None],
                                    ["narrative", "Nowhere", None, "2026-10", None, None, None, "progress", "Text"],
                                    ["memo", "A1", None, None, None, None, None, None, None]])
    assert [(p.row, p.column) for p in found] == [(2, "name"), (3, "rag"), (4, "area_id"), (5, "record")]
    assert found[0].message == "The name is blank; every area row needs one."
    assert found[1].message == "'Purple' is not a RAG rating. Use one of: Red, Amber, Yellow, Green, Blue."
    assert found[2].message.startswith("There is no improvement plan area 'Nowhere'.")


def test_risk_levels_are_1_to_5_or_the_matrix_words(tiny: Store) -> None:
    header = ["risk_ref", "quarter", "title", "gross_impact", "gross_likelihood", "residual_impact",
              "residual_likelihood"]
    ok = validate_file(tiny, "risks", csv_bytes([header, ["R1", "2026/27 Q2", "T", "Catastrophic", "likely", 4, 3]]),
                       "r.csv")
    assert ok.ok, ok.report()
    found = problems(tiny, "risks", [header, ["R1", "2026 Q5", "T", 6, 4, "Huge", 3]])
    assert [(p.column, p.message) for p in found] == [
        ("quarter", "'2026 Q5' is not a quarter. Write quarters as 2025/26 Q3 (the financial year 2025/26: Q3 is "
                    "October to December 2025)."),
        ("gross_impact", "'6' is not an impact level: use 1 to 5 or Insignificant, Minor, Moderate, Major, "
                         "Catastrophic (the Product 5x5 matrix)."),
        ("residual_impact", "'Huge' is not an impact level: use 1 to 5 or Insignificant, Minor, Moderate, Major, "
                            "Catastrophic (the Product 5x5 matrix)."),
    ]


def test_a_risk_register_quarter_is_read_as_a_financial_quarter(tiny: Store) -> None:
    """Issue 13: "Q3 2020/21" in a register is October to December 2020, stored as 2020/21 Q3; a
    calendar-style quarter is refused with its row, its column and the financial quarter meant."""
    header = ["risk_ref", "quarter", "title", "gross_impact", "gross_likelihood", "residual_impact",
              "residual_likelihood"]
    import_file(tiny, "risks", csv_bytes([header, ["R1", "Q3 2020/21", "T", 5, 4, 5, 4],
                                          ["R1", "2020/21-Q4", "T", 5, 4, 4, 4]]), "r.csv", user="t")
    assert tiny.query("SELECT quarter FROM risk_review ORDER BY 1")["quarter"].tolist() == ["2020/21 Q3", "2020/21 Q4"]
    found = problems(tiny, "risks", [header, ["R1", "2020/21 Q4", "T", 5, 4, 4, 4], ["R1", "2020-Q3", "T", 5, 4, 5, 4]])
    assert [(p.row, p.column, p.message) for p in found] == [
        (3, "quarter", "'2020-Q3' is ambiguous here: July–September 2020 is 2020/21 Q2 in the financial year. "
                       "Write quarters as 2020/21 Q2.")]


def test_a_risks_title_is_the_same_in_every_quarter(tiny: Store) -> None:
    header = ["risk_ref", "quarter", "title", "gross_impact", "gross_likelihood", "residual_impact",
              "residual_likelihood"]
    found = problems(tiny, "risks", [header, ["R1", "2026/27 Q1", "Old", 4, 4, 4, 3],
                                     ["R1", "2026/27 Q2", "New", 4, 4, 4, 3]])
    assert [(p.row, p.column) for p in found] == [(2, "title"), (3, "title")]
    assert found[0].message == "R1 has a different title on another row of this file; it must be the same in every " \
                               "quarter."


def test_a_risk_matrix_must_be_whole(tiny: Store) -> None:
    header = ["matrix_id", "name", "kind", "impact", "likelihood", "score", "band"]
    rows = [["m", "M", "product", i, j, i * j, "Low"] for i in (1, 2) for j in (1, 2)][:3]
    found = problems(tiny, "risk_matrix", [header, *rows])
    assert len(found) == 1 and found[0].row == 2
    assert found[0].message.startswith("The matrix m is not usable: matrix 'M' is 2x2 but lacks 1 cell(s)")
