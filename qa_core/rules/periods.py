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
quarters, month ends, months before and after, and the financial year (docs/domain.md). English
councils report in financial years, 1 April to 31 March, so quarters are financial: Q1 is April
to June and Q4 January to March, written '2025/26 Q3' (October to December 2025). That label
sorts in time order, so the store keeps quarters in it. A calendar-style '2025-Q3' could mean
either July to September or October to December: it is refused, never guessed.

>>> month_end(dt.date(2028, 2, 1)), window_start(dt.date(2026, 2, 1), 3)
(datetime.date(2028, 2, 29), datetime.date(2025, 12, 1))
>>> quarter_of(dt.date(2026, 8, 1)), shift_quarter("2026/27 Q1", -1), quarter_label("2026/27 Q2")
('2026/27 Q2', '2025/26 Q4', '2026/27 Q2 (July to September 2026)')
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
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
    "QUARTER_HELP",
    "parse_quarter",
    "split_quarter",
    "is_quarter",
    "first_of",
    "add_months",
    "next_month",
    "month_end",
    "window_start",
    "month_label",
    "financial_year",
    "financial_year_label",
    "financial_year_start",
    "year_to_date",
    "quarter_of",
    "quarter_start",
    "quarter_end",
    "quarter_months",
    "quarter_label",
    "quarter_months_label",
    "quarter_short_label",
    "shift_quarter",
    "previous_quarter",
    "same_quarter_last_year",
    "quarter_sql",
]

#: The first and last months the pages show (both inclusive).
FIRST_MONTH = dt.date(2000, 1, 1)
LAST_MONTH = dt.date(2099, 12, 1)
#: How far after today the default month may be (a month's figures can be entered early).
FUTURE_MARGIN_MONTHS = 12
WINDOW_TEXT = "January 2000 to December 2099"
#: A month as the command line and the URL write it: '2026-10'.
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
#: A quarter as the store keeps it: '2025/26 Q3' (the financial year 2025/26, October to December 2025).
QUARTER_RE = re.compile(r"^(\d{4})/(\d{2}) Q([1-4])$")
QUARTER_HELP = "Write quarters as 2025/26 Q3 (the financial year 2025/26: Q3 is October to December 2025)."
#: The forms a person or a file may write a financial quarter in (any case): '2025/26 Q3',
#: '2025/26-Q3', 'Q3 2025/26'.
_FINANCIAL_FORMS = (
    re.compile(r"(?P<year>\d{4})\s*/\s*(?P<second>\d{2})\s*[- ]?\s*[qQ](?P<n>[1-4])", re.ASCII),
    re.compile(r"[qQ](?P<n>[1-4])\s*[- ]?\s*(?P<year>\d{4})\s*/\s*(?P<second>\d{2})", re.ASCII),
)
#: Calendar-style quarters ('2025-Q3', '2025 Q3', 'Q3 2025'): ambiguous here, so refused.
_CALENDAR_FORMS = (
    re.compile(r"(?P<year>\d{4})\s*[- ]?\s*[qQ](?P<n>[1-4])", re.ASCII),
    re.compile(r"[qQ](?P<n>[1-4])\s*[- ]?\s*(?P<year>\d{4})", re.ASCII),
)
#: April: the first month of the financial year.
_FIRST_MONTH_OF_YEAR = 4
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def in_window(month: dt.date) -> bool:
    """Whether the pages show ``month`` (any day of it)."""
    return FIRST_MONTH <= month.replace(day=1) <= LAST_MONTH


def shown_months(months: Iterable[dt.date]) -> list[dt.date]:
    """The months the pages offer, oldest first: those inside the window."""
    return sorted(m for m in months if in_window(m))




def default_month(months: Iterable[dt.date], today: dt.date | None = None,
                  partial: Iterable[dt.date] = ()) -> dt.date | None:
    """The month a page opens on: the latest shown month no more than ``FUTURE_MARGIN_MONTHS``
    after today's month that is not ``partial`` (its data not all in yet: see
    ``qa_core.rules.completeness``); if every such month is partial, the latest of them; if every
    shown month is later than the horizon, the earliest of them (nearest to today); None when
    there is none.

    >>> default_month([dt.date(2030, 1, 1), dt.date(2031, 1, 1)], today=dt.date(2026, 12, 4))
    datetime.date(2030, 1, 1)
    >>> default_month([dt.date(2026, 10, 1), dt.date(2026, 11, 1)], dt.date(2026, 11, 20), [dt.date(2026, 11, 1)])
    datetime.date(2026, 10, 1)
    """
    shown = shown_months(months)
    if not shown:
        return None
    today = today or dt.date.today()
    horizon = add_months(min(max(today.replace(day=1), FIRST_MONTH), LAST_MONTH), FUTURE_MARGIN_MONTHS)
    near = [m for m in shown if m <= horizon]
    skipped = {first_of(m) for m in partial}
    whole = [m for m in near if m not in skipped]
    return whole[-1] if whole else near[-1] if near else shown[0]


def shown_quarters(quarters: Iterable[str]) -> list[str]:
    """Quarters in the canonical form ('2025/26 Q3') inside the window, oldest first; anything
    else (a calendar-style '2026-Q3' left in an old store, a typo) is left out."""
    return sorted(str(q) for q in quarters if is_quarter(q) and in_window(quarter_start(str(q))))


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


# --- quarters: the financial year ----------------------------------------------------------


def financial_year(day: dt.date) -> int:
    """The year the financial year holding ``day`` starts in (1 April to 31 March).

    >>> financial_year(dt.date(2026, 3, 31)), financial_year(dt.date(2026, 4, 1))
    (2025, 2026)
    """
    return day.year if day.month >= _FIRST_MONTH_OF_YEAR else day.year - 1


def financial_year_label(year: int) -> str:
    """'2025/26' for the financial year starting in April 2025."""
    return f"{year:04d}/{(year + 1) % 100:02d}"


def financial_year_start(day: dt.date) -> dt.date:
    """1 April of the financial year holding ``day``."""
    return dt.date(financial_year(day), _FIRST_MONTH_OF_YEAR, 1)


def year_to_date(month: dt.date) -> list[dt.date]:
    """The months of the financial year up to and including ``month``'s, oldest first: the
    months a "year to date" figure counts.

    >>> [m.month for m in year_to_date(dt.date(2026, 2, 1))]
    [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2]
    """
    start, last = financial_year_start(month), first_of(month)
    months = [start]
    while months[-1] < last:
        months.append(add_months(months[-1], 1))
    return months


def _label(year: int, n: int) -> str:
    return f"{financial_year_label(year)} Q{n}"


def _first_month(year: int, n: int) -> tuple[int, int]:
    """(calendar year, month) of the first month of financial quarter ``n`` of ``year``/``year+1``."""
    index = year * 12 + (_FIRST_MONTH_OF_YEAR - 1) + 3 * (n - 1)
    return index // 12, index % 12 + 1


def _months_words(year: int, n: int) -> str:
    """'October to December 2025' (the calendar year of the quarter's months)."""
    cal_year, first = _first_month(year, n)
    return f"{_MONTH_NAMES[first - 1]} to {_MONTH_NAMES[first + 1]} {cal_year:04d}"


def _calendar_refusal(text: str, year: int, n: int) -> str:
    """Why '2025-Q3' is refused: the same three months in the financial year, in words."""
    first = 3 * n - 2
    fin_year = year if first >= _FIRST_MONTH_OF_YEAR else year - 1
    fin_n = (first - _FIRST_MONTH_OF_YEAR) % 12 // 3 + 1
    if not 1 <= year <= 9999:
        return f"{text!r} is not a quarter here. {QUARTER_HELP}"
    months = f"{_MONTH_NAMES[first - 1]}–{_MONTH_NAMES[first + 1]} {year:04d}"
    label = _label(fin_year, fin_n)
    return (f"{text!r} is ambiguous here: {months} is {label} in the financial year. "
            f"Write quarters as {label}.")


def _read_quarter(text: str) -> tuple[int, int]:
    """(first year of the financial year, quarter number) from any accepted form; QAError else.
    Pages label hundreds of quarters a run, from a few dozen distinct ones: each is read once."""
    return _read_quarter_text(text if isinstance(text, str) else str(text))


@functools.lru_cache(maxsize=4096)
def _read_quarter_text(text: str) -> tuple[int, int]:
    shown = text.strip()
    m = _FINANCIAL_FORMS[0].fullmatch(shown) or _FINANCIAL_FORMS[1].fullmatch(shown)
    if m:
        year, second, n = int(m["year"]), int(m["second"]), int(m["n"])
        if (year + 1) % 100 != second:
            raise QAError(f"{shown!r} is not a quarter: a financial year runs from April to March, so the year "
                          f"starting in {year:04d} is {financial_year_label(year)}. {QUARTER_HELP}")
        if not 1 <= _first_month(year, n)[0] <= 9999:  # its months must be dates (years 1 to 9999)
            raise QAError(f"{shown!r} is not a quarter: its months are not in the years 1 to 9999. {QUARTER_HELP}")
        return year, n
    m = _CALENDAR_FORMS[0].fullmatch(shown) or _CALENDAR_FORMS[1].fullmatch(shown)
    if m:
        raise QAError(_calendar_refusal(shown, int(m["year"]), int(m["n"])))
    raise QAError(f"{shown!r} is not a quarter. {QUARTER_HELP}")


def parse_quarter(text: str) -> str:
    """A quarter as written by a person or a file, in its canonical form '2025/26 Q3'.

    Takes '2025/26 Q3', '2025/26-Q3' and 'Q3 2025/26' (any case, spaces around them dropped).
    A calendar-style '2025-Q3' could mean July to September or October to December, so it is a
    QAError naming the financial quarter of those months; anything else is a QAError too.

    >>> parse_quarter('q3 2025/26'), parse_quarter('2025/26-Q4')
    ('2025/26 Q3', '2025/26 Q4')
    """
    return _label(*_read_quarter(text))


def split_quarter(quarter: str) -> tuple[int, int]:
    """'2025/26 Q3' → (2025, 3): the year the financial year starts in and the quarter number.
    Any form :func:`parse_quarter` takes; anything else is a QAError."""
    return _read_quarter(quarter)


def is_quarter(text: object) -> bool:
    """Whether ``text`` is a quarter in the canonical form ('2025/26 Q3')."""
    if not isinstance(text, str) or not QUARTER_RE.fullmatch(text):
        return False
    try:
        return parse_quarter(text) == text
    except QAError:
        return False


def quarter_of(day: dt.date) -> str:
    """The financial quarter a day falls in.

    >>> quarter_of(dt.date(2026, 3, 31)), quarter_of(dt.date(2026, 4, 1)), quarter_of(dt.date(2025, 10, 1))
    ('2025/26 Q4', '2026/27 Q1', '2025/26 Q3')
    """
    return _label(financial_year(day), (day.month - _FIRST_MONTH_OF_YEAR) % 12 // 3 + 1)


def quarter_start(quarter: str) -> dt.date:
    """The first day of the quarter: '2025/26 Q3' → 1 October 2025, '2025/26 Q4' → 1 January 2026."""
    year, month = _first_month(*split_quarter(quarter))
    return dt.date(year, month, 1)


def quarter_end(quarter: str) -> dt.date:
    """The last day of the quarter: '2025/26 Q4' → 31 March 2026."""
    return month_end(add_months(quarter_start(quarter), 2))


def quarter_months(quarter: str) -> list[dt.date]:
    """The first days of the quarter's three months, oldest first."""
    start = quarter_start(quarter)
    return [add_months(start, i) for i in range(3)]


def quarter_label(quarter: str) -> str:
    """The quarter for headings and sentences: its label and its months in words.

    >>> quarter_label('2025/26 Q3'), quarter_label('2025/26 Q4')
    ('2025/26 Q3 (October to December 2025)', '2025/26 Q4 (January to March 2026)')
    """
    year, n = split_quarter(quarter)
    return f"{_label(year, n)} ({_months_words(year, n)})"


def quarter_months_label(quarter: str) -> str:
    """The quarter's months in words: 'October to December 2025'."""
    return _months_words(*split_quarter(quarter))


def quarter_short_label(quarter: str) -> str:
    """The quarter for a chart's axis or hover: its canonical label.

    >>> quarter_short_label('Q1 2026/27')
    '2026/27 Q1'
    """
    return parse_quarter(quarter)


def shift_quarter(quarter: str, by: int) -> str:
    """The quarter ``by`` quarters later (earlier when negative).

    >>> shift_quarter('2026/27 Q1', -1), shift_quarter('2025/26 Q4', 1), shift_quarter('2026/27 Q2', -4)
    ('2025/26 Q4', '2026/27 Q1', '2025/26 Q2')
    """
    year, n = split_quarter(quarter)
    index = year * 4 + (n - 1) + by
    return _label(index // 4, index % 4 + 1)


def previous_quarter(quarter: str) -> str:
    """The quarter before ``quarter``: ``previous_quarter('2026/27 Q1')`` is '2025/26 Q4'."""
    return shift_quarter(quarter, -1)


def same_quarter_last_year(quarter: str) -> str:
    """The same quarter of the financial year before: '2025/26 Q4' → '2024/25 Q4'."""
    return shift_quarter(quarter, -4)


def quarter_sql(column: str) -> str:
    """A DuckDB expression for the financial quarter ('2025/26 Q3') of the DATE ``column``
    (a trusted column name, never user text): three months earlier, the calendar year is the
    financial year's first and the calendar quarter is the financial one."""
    shifted = f"({column} - INTERVAL 3 MONTH)"
    return (f"printf('%04d/%02d Q%d', year({shifted}), (year({shifted}) + 1) % 100, "
            f"quarter({shifted}))")
