"""Working days (``qa_core.rules.working_days``): Monday to Friday less England and Wales bank holidays,
counted after the start date up to and including the end date. Each expected figure is counted by hand
in the comment beside it, from the calendar and GOV.UK's list of bank holidays."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.rules.working_days import (
    add_working_days,
    bank_holidays,
    first_working_day,
    is_working_day,
    last_working_day,
    working_days,
    working_days_between,
)

D = dt.date


def test_the_next_working_day_is_one_and_the_same_day_none() -> None:
    assert working_days_between(D(2025, 6, 10), D(2025, 6, 11)) == 1  # Tue -> Wed
    assert working_days_between(D(2025, 6, 10), D(2025, 6, 10)) == 0
    assert working_days_between(D(2025, 6, 13), D(2025, 6, 16)) == 1  # Fri -> Mon: the weekend does not count
    assert working_days_between(D(2025, 6, 14), D(2025, 6, 16)) == 1  # Sat -> Mon
    assert working_days_between(D(2025, 6, 16), D(2025, 6, 13)) == -1  # an end before the start


def test_a_deadline_across_a_bank_holiday_and_a_weekend() -> None:
    # Thu 21 Aug 2025: Fri 22 (1); Sat 23, Sun 24; Mon 25 the summer bank holiday; Tue 26 to Fri 29 (5);
    # Mon 1 to Fri 5 Sep (10); Mon 8 to Fri 12 (15). Monday to Friday alone would count 16 to Fri 12 Sep.
    assert working_days_between(D(2025, 8, 21), D(2025, 9, 12)) == 15
    assert working_days_between(D(2025, 8, 21), D(2025, 9, 15)) == 16
    assert int(np.busday_count(np.datetime64("2025-08-22"), np.datetime64("2025-09-13"))) == 16  # no holidays
    assert add_working_days(D(2025, 8, 21), 15) == D(2025, 9, 12)


def test_christmas_with_boxing_day_on_a_saturday() -> None:
    # 2026: Christmas Day is a Friday, Boxing Day a Saturday, so Monday 28 December is the substitute holiday.
    assert D(2026, 12, 28) in bank_holidays(2026)
    assert not is_working_day(D(2026, 12, 28))
    # Thu 24 Dec 2026 -> Tue 29 Dec: Fri 25, Sat, Sun, Mon 28 are not working days: 1.
    assert working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1


def test_one_off_bank_holidays_count() -> None:
    # The state funeral, Monday 19 September 2022, and the coronation, Monday 8 May 2023.
    assert working_days_between(D(2022, 9, 16), D(2022, 9, 20)) == 1
    assert working_days_between(D(2023, 5, 5), D(2023, 5, 9)) == 1


def test_a_leap_day_is_a_working_day() -> None:
    # Thursday 29 February 2024: Wed 28 Feb -> Fri 1 Mar is 2 working days (29 Feb and 1 Mar).
    assert is_working_day(D(2024, 2, 29))
    assert working_days_between(D(2024, 2, 28), D(2024, 3, 1)) == 2


def test_45_working_days_across_easter_and_three_may_bank_holidays() -> None:
    # Mon 3 Apr 2023: Good Friday 7 Apr, Easter Monday 10 Apr, 1 May, 8 May (coronation) and 29 May are
    # bank holidays. 4-6 Apr (3), 11-14 (7), 17-21 (12), 24-28 (17), 2-5 May (21), 9-12 (25), 15-19 (30),
    # 22-26 (35), 30 May-2 Jun (39), 5-9 Jun (44), Mon 12 Jun (45).
    assert working_days_between(D(2023, 4, 3), D(2023, 6, 12)) == 45
    assert add_working_days(D(2023, 4, 3), 45) == D(2023, 6, 12)


def test_first_and_last_working_days_of_a_month() -> None:
    assert first_working_day(D(2023, 1, 1)) == D(2023, 1, 3)  # Sun 1 Jan; Mon 2 Jan the substitute holiday
    assert last_working_day(D(2024, 2, 1)) == D(2024, 2, 29)  # a leap year's Thursday
    assert last_working_day(D(2026, 5, 1)) == D(2026, 5, 29)  # 31 May 2026 is a Sunday


def test_whole_columns_with_missing_dates() -> None:
    starts = pd.Series([D(2025, 8, 21), None, D(2024, 2, 28)])
    ends = pd.Series([D(2025, 9, 12), D(2025, 1, 1), D(2024, 3, 1)])
    got = working_days(starts, ends)
    assert got[0] == 15 and np.isnan(got[1]) and got[2] == 2


def test_years_outside_the_calendar_are_refused() -> None:
    with pytest.raises(QAError, match="1990"):
        working_days_between(D(1989, 12, 29), D(1990, 1, 2))
    with pytest.raises(QAError):
        bank_holidays(2100)
