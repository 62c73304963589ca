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
    assert periods.shown_quarters(["9999-Q4", "2026-Q3", "0001-Q1", "1999-Q4", "2000-Q1", "10000-Q1", "2026-Q5"]) == [
        "2000-Q1",
        "2026-Q3",
    ]


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


def test_quarter_words_and_arithmetic() -> None:
    assert periods.quarter_label("2026-Q3") == "July to September 2026"
    assert periods.quarter_label("2024-Q1") == "January to March 2024"
    assert periods.quarter_short_label("2025-Q4") == "Oct–Dec 2025"
    assert periods.quarter_of(D(2026, 9, 30)) == "2026-Q3"
    assert periods.quarter_of(D(2026, 1, 1)) == "2026-Q1" and periods.quarter_of(D(2026, 7, 1)) == "2026-Q3"
    assert periods.quarter_start("2026-Q4") == D(2026, 10, 1)
    assert periods.shift_quarter("2026-Q1", -1) == "2025-Q4"
    assert periods.shift_quarter("2026-Q3", -4) == "2025-Q3"
    assert periods.shift_quarter("2025-Q4", 1) == "2026-Q1"
    assert periods.previous_quarter("2026-Q1") == "2025-Q4" and periods.previous_quarter("2026-Q3") == "2026-Q2"
    assert periods.parse_quarter(" 2026-Q3 ") == "2026-Q3"
    assert periods.split_quarter("2026-Q3") == (2026, 3)
    for bad in ("2026-Q5", "2026 Q3", "Q3 2026"):
        with pytest.raises(QAError, match="is not a quarter: write it as YYYY-Qn"):
            periods.quarter_label(bad)

