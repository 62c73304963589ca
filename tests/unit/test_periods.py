"""The months and quarters the pages show (qa_core.rules.periods): the window, the default month."""

from __future__ import annotations

import datetime as dt

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
