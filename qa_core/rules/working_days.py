"""Working days in England: Monday to Friday, less England and Wales bank holidays.

Timescales in children's social care are set in working days (an assessment within 45 working
days, an initial child protection conference within 15 working days of the strategy discussion,
a child in care's first review within 20 working days). A deadline of N working days counts the
working days **after** the start date up to and including the end date: authorised on the next
working day is 1, on the same day 0.

Bank holidays come from the maintained ``holidays`` package (``country_holidays("GB",
subdiv="ENG")``: England and Wales share their bank holidays), with its substitute days (Boxing
Day 2026 falls on a Saturday, so Monday 28 December is the holiday) and one-off days (the state
funeral of 19 September 2022, the coronation of 8 May 2023).

>>> import datetime as dt
>>> working_days_between(dt.date(2025, 8, 21), dt.date(2025, 9, 12))  # across a weekend and 25 August
15
>>> working_days_between(dt.date(2025, 8, 21), dt.date(2025, 8, 22))
1
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from qa_core.errors import QAError

__all__ = [
    "bank_holidays",
    "is_working_day",
    "working_days_between",
    "working_days",
    "add_working_days",
    "holiday_array",
    "first_working_day",
    "last_working_day",
    "ASSESSMENT_DAYS",
    "ICPC_DAYS",
    "FIRST_CLA_REVIEW_DAYS",
    "FIRST_YEAR",
    "LAST_YEAR",
]

#: Statutory timescales, in working days (Working Together to Safeguard Children; the care planning
#: regulations for a child in care's first review).
ASSESSMENT_DAYS = 45
ICPC_DAYS = 15
FIRST_CLA_REVIEW_DAYS = 20
#: The years whose bank holidays are known here (future years by the package's rules; a bank holiday
#: announced later arrives with a newer ``holidays``): every date an import accepts falls inside them.
FIRST_YEAR = 1990
LAST_YEAR = 2099


@lru_cache(maxsize=1)
def _holiday_array() -> np.ndarray:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def holiday_array() -> np.ndarray:
    """Every England and Wales bank holiday from ``FIRST_YEAR`` to ``LAST_YEAR``, for numpy's
    business-day functions (``np.busday_offset(..., holidays=holiday_array())``)."""
    return _holiday_array()


def bank_holidays(year: int) -> list[dt.date]:
    """England and Wales bank holidays of ``year`` (substitute days included), in date order."""
    _check_year(year)
    days = _holiday_array()
    chosen = days[(days >= np.datetime64(f"{year}-01-01")) & (days <= np.datetime64(f"{year}-12-31"))]
    return [d.astype(dt.date) for d in chosen]


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise QAError(f"Working days are known from {FIRST_YEAR} to {LAST_YEAR}; {year} is outside them.")


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    _check_year(day.year)
    return bool(np.is_busday(np.datetime64(day, "D"), holidays=_holiday_array()))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier).

    >>> working_days_between(dt.date(2024, 2, 28), dt.date(2024, 3, 1))  # 29 February is a Thursday
    2
    """
    for day in (start, end):
        _check_year(day.year)
    if end < start:
        return -working_days_between(end, start)
    a = np.datetime64(start, "D") + 1
    b = np.datetime64(end, "D") + 1
    return int(np.busday_count(a, b, holidays=_holiday_array()))


def working_days(starts: pd.Series | np.ndarray, ends: pd.Series | np.ndarray) -> np.ndarray:
    """``working_days_between`` for whole columns: a float array, NaN where either date is missing.

    Dates outside the years known here count as missing (an import refuses such dates first).
    """
    a = pd.to_datetime(pd.Series(starts)).to_numpy(dtype="datetime64[D]")
    b = pd.to_datetime(pd.Series(ends)).to_numpy(dtype="datetime64[D]")
    low, high = np.datetime64(f"{FIRST_YEAR}-01-01"), np.datetime64(f"{LAST_YEAR}-12-31")
    ok = ~np.isnat(a) & ~np.isnat(b) & (a >= low) & (a <= high) & (b >= low) & (b <= high)
    out = np.full(len(a), np.nan)
    if ok.any():
        low_day, high_day = np.minimum(a[ok], b[ok]), np.maximum(a[ok], b[ok])
        sign = np.where(b[ok] < a[ok], -1, 1)
        out[ok] = sign * np.busday_count(low_day + 1, high_day + 1, holidays=_holiday_array())
    return out


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``start`` (the deadline a timescale of ``n`` sets).

    >>> add_working_days(dt.date(2025, 8, 21), 15)
    datetime.date(2025, 9, 12)
    """
    _check_year(start.year)
    if n < 0:
        raise QAError("A number of working days to add is 0 or more.")
    if n == 0:
        return start
    day = np.busday_offset(np.datetime64(start, "D") + 1, n - 1, roll="forward", holidays=_holiday_array())
    return day.astype(dt.date)


def first_working_day(month: dt.date) -> dt.date:
    """The first working day of ``month``'s month.

    >>> first_working_day(dt.date(2026, 1, 1))  # New Year's Day is a Thursday
    datetime.date(2026, 1, 2)
    """
    _check_year(month.year)
    start = np.datetime64(month.replace(day=1), "D")
    return np.busday_offset(start, 0, roll="forward", holidays=_holiday_array()).astype(dt.date)


def last_working_day(month: dt.date) -> dt.date:
    """The last working day of ``month``'s month.

    >>> last_working_day(dt.date(2026, 5, 1))  # 31 May 2026 is a Sunday; 25 May is a bank holiday
    datetime.date(2026, 5, 29)
    """
    _check_year(month.year)
    end = (pd.Timestamp(month.replace(day=1)) + pd.offsets.MonthEnd(0)).date()
    return np.busday_offset(np.datetime64(end, "D"), 0, roll="backward", holidays=_holiday_array()).astype(dt.date)
