"""Months and quarters (qa_core.rules.periods): the window the pages show, the default month, and the
month and quarter arithmetic every module uses, each worked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from qa_core.errors import QAError
from qa_core.rules import periods

D = dt.date


def test_months_outside_2000_to_2099_are_left_out() -> None:
    stored = [D(9999, 12, 1), D(1, 1, 1), D(1999, 12, 1), D(2000, 1, 1), D(2026, 10, 1), D(2099, 12, 1), D(2100, 1, 1)]
    assert periods.shown_months(stored) == [D(2000, 1, 1), D(2026, 10, 1), D(2099, 12, 1)]
    assert periods.in_window(D(2099, 12, 31)) and not periods.in_window(D(1999, 12, 31))


def test_the_default_month_ignores_months_more_than_a_year_after_today() -> None:
    today = D(2026, 12, 4)  # the horizon is December 2027
    stored = [D(2026, 9, 1), D(2026, 10, 1), D(2027, 12, 1), D(2028, 1, 1), D(2062, 10, 1), D(9999, 12, 1)]
    assert periods.default_month(stored, today) == D(2027, 12, 1)
    assert periods.default_month(stored[:2] + stored[3:], today) == D(2026, 10, 1)


def test_the_default_month_when_every_month_is_far_ahead_or_none_is_shown() -> None:
    today = D(2026, 12, 4)
    assert periods.default_month([D(2062, 10, 1), D(2030, 1, 1)], today) == D(2030, 1, 1)  # nearest to today
    assert periods.default_month([D(9999, 12, 1), D(1, 1, 1)], today) is None
    assert periods.default_month([], today) is None
    # A clock far outside the window still gives an answer, not an overflow.
    assert periods.default_month([D(2026, 10, 1)], D(9999, 12, 31)) == D(2026, 10, 1)
    assert periods.default_month([D(2026, 10, 1)], D(1, 1, 1)) == D(2026, 10, 1)


def test_quarters_outside_the_window_and_malformed_quarters_are_left_out() -> None:
    stored = ["9999/00 Q4", "2026/27 Q2", "0001/02 Q1", "1999/00 Q3", "1999/00 Q4", "2099/00 Q3", "2099/00 Q4",
              "2026/28 Q1", "2026/27 Q5", "2026-Q3", "2026/27  Q2", "Q2 2026/27"]
    # Only the canonical form, starting January 2000 to December 2099; a calendar '2026-Q3' left
    # in an old store and the other ways of writing a quarter are not shown.
    assert periods.shown_quarters(stored) == ["1999/00 Q4", "2026/27 Q2", "2099/00 Q3"]


def test_a_month_key_keeps_four_digits_for_any_year() -> None:
    assert periods.month_key(D(1, 1, 1)) == "0001-01"
    assert periods.month_key(D(2026, 10, 1)) == "2026-10"


def test_months_are_read_from_yyyy_mm_only() -> None:
    assert periods.parse_month(" 2026-10 ") == D(2026, 10, 1)
    for bad in ("2026-13", "2026-1", "October 2026", "2026-10-01"):
        with pytest.raises(QAError, match="is not a month: write it as YYYY-MM"):
            periods.parse_month(bad)


def test_month_arithmetic() -> None:
    # February 2028 is a leap month; December rolls into the next year.
    assert periods.month_end(D(2028, 2, 1)) == D(2028, 2, 29)
    assert periods.month_end(D(2026, 2, 14)) == D(2026, 2, 28)
    assert periods.month_end(D(2026, 12, 1)) == D(2026, 12, 31)
    assert periods.next_month(D(2026, 12, 15)) == D(2027, 1, 1)
    assert periods.next_month(D(9999, 12, 1)) is None  # no later date: no upper bound
    assert periods.month_end(D(9999, 12, 1)) == D(9999, 12, 31)
    assert periods.add_months(D(2026, 1, 31), -1) == D(2025, 12, 1)
    assert periods.first_of(dt.datetime(2026, 10, 9, 13, 5)) == D(2026, 10, 1)
    with pytest.raises(QAError, match="is not a month"):
        periods.first_of("2026-10")
    assert periods.month_label(D(2026, 10, 1)) == "October 2026"
    assert periods.month_label(D(999, 1, 1)) == "January 0999"


def test_window_start_counts_back_whole_months() -> None:
    oct_ = D(2026, 10, 1)
    assert periods.window_start(oct_, 1) == oct_
    assert periods.window_start(oct_, 12) == D(2025, 11, 1)
    assert periods.window_start(D(2026, 2, 1), 3) == D(2025, 12, 1)  # Dec, Jan, Feb
    for bad in (0, -1, 1.5, True, "12"):
        with pytest.raises(QAError):
            periods.window_start(oct_, bad)


def test_financial_quarters_run_april_to_march() -> None:
    # The boundary of the financial year: 31 March is the last day of Q4, 1 April the first of Q1.
    assert periods.quarter_of(D(2026, 3, 31)) == "2025/26 Q4"
    assert periods.quarter_of(D(2026, 4, 1)) == "2026/27 Q1"
    assert periods.quarter_of(D(2026, 6, 30)) == "2026/27 Q1" and periods.quarter_of(D(2026, 7, 1)) == "2026/27 Q2"
    assert periods.quarter_of(D(2025, 10, 1)) == "2025/26 Q3" and periods.quarter_of(D(2025, 12, 31)) == "2025/26 Q3"
    assert periods.quarter_of(D(2026, 1, 1)) == "2025/26 Q4"
    assert periods.financial_year(D(2026, 3, 31)) == 2025 and periods.financial_year(D(2026, 4, 1)) == 2026
    assert periods.financial_year_label(2099) == "2099/00" and periods.financial_year_label(2009) == "2009/10"
    assert periods.financial_year_start(D(2026, 2, 14)) == D(2025, 4, 1)


def test_q4_spans_two_calendar_years() -> None:
    q4 = "2025/26 Q4"
    assert periods.quarter_start(q4) == D(2026, 1, 1) and periods.quarter_end(q4) == D(2026, 3, 31)
    assert periods.quarter_months(q4) == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]
    assert periods.quarter_label(q4) == "2025/26 Q4 (January to March 2026)"
    assert periods.quarter_months_label(q4) == "January to March 2026"
    assert periods.quarter_start("2025/26 Q3") == D(2025, 10, 1)
    assert periods.quarter_end("2025/26 Q3") == D(2025, 12, 31)
    assert periods.quarter_start("2025/26 Q1") == D(2025, 4, 1) and periods.quarter_end("2025/26 Q1") == D(2025, 6, 30)
    assert periods.quarter_end("2027/28 Q4") == D(2028, 3, 31)
    # Moving across the year end and across the financial year's end.
    assert periods.shift_quarter("2025/26 Q3", 1) == q4 and periods.shift_quarter(q4, 1) == "2026/27 Q1"
    assert periods.previous_quarter("2026/27 Q1") == q4 and periods.previous_quarter(q4) == "2025/26 Q3"
    assert periods.shift_quarter("2026/27 Q2", -5) == "2025/26 Q1"
    assert periods.shift_quarter("2099/00 Q4", 1) == "2100/01 Q1"


def test_year_to_date_and_the_same_quarter_last_year_follow_the_financial_year() -> None:
    assert periods.year_to_date(D(2026, 4, 1)) == [D(2026, 4, 1)]  # the first month of a year
    assert periods.year_to_date(D(2026, 3, 15)) == [periods.add_months(D(2025, 4, 1), k) for k in range(12)]
    assert periods.year_to_date(D(2026, 1, 1))[0] == D(2025, 4, 1) and len(periods.year_to_date(D(2026, 1, 1))) == 10
    assert periods.same_quarter_last_year("2025/26 Q4") == "2024/25 Q4"  # January to March 2025
    assert periods.quarter_months(periods.same_quarter_last_year("2026/27 Q1"))[0] == D(2025, 4, 1)


def test_every_accepted_form_gives_the_canonical_label() -> None:
    for text in ("2025/26 Q3", "2025/26-Q3", "Q3 2025/26", " q3 2025/26 ", "2025/26q3", "2025 / 26 - Q3", "Q3-2025/26"):
        assert periods.parse_quarter(text) == "2025/26 Q3", text
    assert periods.split_quarter("Q4 2099/00") == (2099, 4)
    assert periods.quarter_short_label("Q1 2026/27") == "2026/27 Q1"
    assert periods.is_quarter("2025/26 Q3") and not periods.is_quarter("Q3 2025/26") and not periods.is_quarter(None)


@pytest.mark.parametrize(
    ("calendar", "financial", "months"),
    [
        ("2025-Q3", "2025/26 Q2", "July–September 2025"),
        ("2026-Q1", "2025/26 Q4", "January–March 2026"),
        ("2026 Q2", "2026/27 Q1", "April–June 2026"),
        ("Q4 2026", "2026/27 Q3", "October–December 2026"),
        ("2026q4", "2026/27 Q3", "October–December 2026"),
    ],
)
def test_a_calendar_quarter_is_refused_with_the_financial_quarter_of_its_months(
        calendar: str, financial: str, months: str) -> None:
    with pytest.raises(QAError) as refused:
        periods.parse_quarter(calendar)
    assert str(refused.value) == (f"{calendar!r} is ambiguous here: {months} is {financial} in the financial year. "
                                  f"Write quarters as {financial}.")
    # The label it names is the same three months, as a financial quarter.
    assert periods.quarter_months_label(financial) == months.replace("–", " to ")


def test_other_quarters_are_refused_plainly() -> None:
    for bad in ("2025/27 Q3", "2025/2026 Q3", "2026/27 Q5", "Q0 2026/27", "2026-Q5", "autumn", "", "2026/27"):
        with pytest.raises(QAError, match="is not a quarter"):
            periods.parse_quarter(bad)
    with pytest.raises(QAError, match="the year starting in 2025 is 2025/26"):
        periods.parse_quarter("2025/27 Q3")
    with pytest.raises(QAError, match="is not a quarter"):
        periods.quarter_label("2026-Q5")
    with pytest.raises(QAError, match="ambiguous"):
        periods.quarter_start("2026-Q3")  # every helper reads quarters the same way


def test_the_sql_expression_gives_the_same_quarter_as_quarter_of() -> None:
    import duckdb

    days = [D(2026, 3, 31), D(2026, 4, 1), D(2025, 12, 31), D(2026, 1, 1), D(2026, 9, 30), D(2000, 1, 1),
            D(2099, 12, 1)]
    with duckdb.connect() as con:
        got = con.execute(f"SELECT {periods.quarter_sql('d')} FROM unnest($days) t(d)", {"days": days}).fetchall()
    assert [g[0] for g in got] == [periods.quarter_of(d) for d in days]
