"""The months and quarters the pages show, whatever the store holds.

A store may hold a month no import would accept today (an old store, another tool, a typo such as
9999-12): the pages must still open. They show months from January 2000 to December 2099 only,
so a month, its month end, the month or quarter after it and a trend of months before it are all
ordinary dates; rows dated outside that window are left out of the pages (and counted, so the
page can say so). The default month is the latest one not more than a year after today, so one
far-future row does not make every page open on an empty month.

>>> shown_months([dt.date(1, 1, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(9999, 12, 1)])
[datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)]
>>> default_month([dt.date(2026, 10, 1), dt.date(2062, 10, 1)], today=dt.date(2026, 12, 4))
datetime.date(2026, 10, 1)

Every month and quarter helper of the library lives here, once: reading 'YYYY-MM' and
'YYYY-Qn', month ends, months before and after, and calendar quarters ('2026-Q3' is July to
September, as the risk register and the scrutiny report card use them).

>>> month_end(dt.date(2028, 2, 1)), window_start(dt.date(2026, 2, 1), 3)
(datetime.date(2028, 2, 29), datetime.date(2025, 12, 1))
>>> quarter_of(dt.date(2026, 8, 1)), shift_quarter("2026-Q1", -1), quarter_label("2026-Q3")
('2026-Q3', '2025-Q4', 'July to September 2026')
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from qa_core.errors import QAError

__all__ = [
    "FIRST_MONTH",
    "LAST_MONTH",
    "FUTURE_MARGIN_MONTHS",
    "WINDOW_TEXT",
    "in_window",
    "shown_months",
    "default_month",
    "shown_quarters",
    "month_key",
    "MONTH_RE",
    "QUARTER_RE",
    "parse_month",
    "parse_quarter",
    "split_quarter",
    "first_of",
    "add_months",
    "next_month",
    "month_end",
    "window_start",
    "month_label",
    "quarter_of",
    "quarter_start",
    "quarter_label",
    "quarter_short_label",
    "shift_quarter",
    "previous_quarter",
]

#: The first and last months the pages show (both inclusive).
FIRST_MONTH = dt.date(2000, 1, 1)
LAST_MONTH = dt.date(2099, 12, 1)
#: How far after today the default month may be (a month's figures can be entered early).
FUTURE_MARGIN_MONTHS = 12
WINDOW_TEXT = "January 2000 to December 2099"
#: A month as the command line and the URL write it: '2026-10'.
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
#: A calendar quarter: '2026-Q3' (July to September 2026).
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def in_window(month: dt.date) -> bool:
    """Whether the pages show ``month`` (any day of it)."""
    return FIRST_MONTH <= month.replace(day=1) <= LAST_MONTH


def shown_months(months: Iterable[dt.date]) -> list[dt.date]:
    """The months the pages offer, oldest first: those inside the window."""
    return sorted(m for m in months if in_window(m))




def default_month(months: Iterable[dt.date], today: dt.date | None = None) -> dt.date | None:
    """The month a page opens on: the latest shown month no more than ``FUTURE_MARGIN_MONTHS``
    after today's month; if every shown month is later than that, the earliest of them (nearest
    to today); None when there is none.

    >>> default_month([dt.date(2030, 1, 1), dt.date(2031, 1, 1)], today=dt.date(2026, 12, 4))
    datetime.date(2030, 1, 1)
    """
    shown = shown_months(months)
    if not shown:
        return None
    today = today or dt.date.today()
    horizon = add_months(min(max(today.replace(day=1), FIRST_MONTH), LAST_MONTH), FUTURE_MARGIN_MONTHS)
    near = [m for m in shown if m <= horizon]
    return near[-1] if near else shown[0]


def shown_quarters(quarters: Iterable[str]) -> list[str]:
    """Quarters ('YYYY-Qn') inside the window, oldest first; anything else is left out."""
    kept = []
    for quarter in quarters:
        match = QUARTER_RE.match(str(quarter))
        if match and in_window(quarter_start(str(quarter))):
            kept.append(str(quarter))
    return sorted(kept)


def month_key(month: dt.date) -> str:
    """'2026-10' for any month (``strftime('%Y')`` drops leading zeros before the year 1000)."""
    return f"{month.year:04d}-{month.month:02d}"


# --- months ------------------------------------------------------------------------------------


def parse_month(text: str) -> dt.date:
    """'2026-10' → date(2026, 10, 1); anything else is a QAError."""
    m = MONTH_RE.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise QAError(f"{text!r} is not a month: write it as YYYY-MM, for example 2026-10.")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def first_of(month: Any) -> dt.date:
    """The first day of ``month``'s month (a date, datetime or pandas Timestamp)."""
    if not isinstance(month, dt.date):
        raise QAError(f"{month!r} is not a month (a date).")
    return dt.date(month.year, month.month, 1)


def add_months(month: dt.date, n: int) -> dt.date:
    """The first day of the month ``n`` months after ``month``'s (before it when negative)."""
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date | None:
    """The first day of the month after ``month``'s: the end (exclusive) of a month in SQL.
    None after December 9999 (no later date exists: no upper bound)."""
    if (month.year, month.month) == (9999, 12):
        return None
    return add_months(month, 1)


def month_end(month: dt.date) -> dt.date:
    """The last day of ``month``'s month.

    >>> month_end(dt.date(2026, 2, 1))
    datetime.date(2026, 2, 28)
    """
    return dt.date(month.year, month.month, calendar.monthrange(month.year, month.month)[1])


def window_start(month: dt.date, window: int) -> dt.date:
    """First month of the ``window`` months ending with ``month``.

    >>> window_start(dt.date(2026, 10, 1), 12), window_start(dt.date(2026, 10, 1), 1)
    (datetime.date(2025, 11, 1), datetime.date(2026, 10, 1))
    """
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
        raise QAError(f"The window must be a whole number of months (1 or more), not {window!r}.")
    return add_months(first_of(month), -(int(window) - 1))


def month_label(month: dt.date) -> str:
    """'October 2026' (four-digit year for any year)."""
    return f"{month:%B} {month.year:04d}"


# --- quarters ----------------------------------------------------------------------------------


def parse_quarter(text: str) -> str:
    """'2026-Q3' as written (spaces around it dropped); anything else is a QAError."""
    if not QUARTER_RE.match(str(text).strip()):
        raise QAError(f"{text!r} is not a quarter: write it as YYYY-Qn, for example 2026-Q3.")
    return str(text).strip()


def split_quarter(quarter: str) -> tuple[int, int]:
    """'2026-Q3' → (2026, 3); anything else is a QAError."""
    m = QUARTER_RE.match(str(quarter).strip())
    if not m:
        raise QAError(f"{quarter!r} is not a quarter: write it as YYYY-Qn, for example 2026-Q3.")
    return int(m.group(1)), int(m.group(2))


def quarter_of(day: dt.date) -> str:
    """The calendar quarter a day falls in.

    >>> quarter_of(dt.date(2026, 8, 1))
    '2026-Q3'
    """
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(quarter: str) -> dt.date:
    """The first day of the quarter: '2026-Q3' → date(2026, 7, 1)."""
    year, n = split_quarter(quarter)
    return dt.date(year, 3 * n - 2, 1)


def quarter_label(quarter: str) -> str:
    """The quarter in words, for headings and sentences.

    >>> quarter_label('2026-Q3')
    'July to September 2026'
    """
    year, n = split_quarter(quarter)
    return f"{_MONTH_NAMES[3 * n - 3]} to {_MONTH_NAMES[3 * n - 1]} {year}"


def quarter_short_label(quarter: str) -> str:
    """The quarter in short words, for charts.

    >>> quarter_short_label('2026-Q3')
    'Jul–Sep 2026'
    """
    year, n = split_quarter(quarter)
    return f"{_MONTH_NAMES[3 * n - 3][:3]}–{_MONTH_NAMES[3 * n - 1][:3]} {year}"


def shift_quarter(quarter: str, by: int) -> str:
    """The quarter ``by`` quarters later (earlier when negative).

    >>> shift_quarter('2026-Q1', -1), shift_quarter('2026-Q3', -4)
    ('2025-Q4', '2025-Q3')
    """
    year, n = split_quarter(quarter)
    index = year * 4 + (n - 1) + by
    return f"{index // 4}-Q{index % 4 + 1}"


def previous_quarter(quarter: str) -> str:
    """The quarter before ``quarter``: ``previous_quarter('2026-Q1')`` is '2025-Q4'."""
    return shift_quarter(quarter, -1)
