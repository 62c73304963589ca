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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

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
]

#: The first and last months the pages show (both inclusive).
FIRST_MONTH = dt.date(2000, 1, 1)
LAST_MONTH = dt.date(2099, 12, 1)
#: How far after today the default month may be (a month's figures can be entered early).
FUTURE_MARGIN_MONTHS = 12
WINDOW_TEXT = "January 2000 to December 2099"
_QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")


def in_window(month: dt.date) -> bool:
    """Whether the pages show ``month`` (any day of it)."""
    return FIRST_MONTH <= month.replace(day=1) <= LAST_MONTH


def shown_months(months: Iterable[dt.date]) -> list[dt.date]:
    """The months the pages offer, oldest first: those inside the window."""
    return sorted(m for m in months if in_window(m))


def _add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


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
    horizon = _add_months(min(max(today.replace(day=1), FIRST_MONTH), LAST_MONTH), FUTURE_MARGIN_MONTHS)
    near = [m for m in shown if m <= horizon]
    return near[-1] if near else shown[0]


def shown_quarters(quarters: Iterable[str]) -> list[str]:
    """Quarters ('YYYY-Qn') inside the window, oldest first; anything else is left out."""
    kept = []
    for quarter in quarters:
        match = _QUARTER_RE.match(str(quarter))
        if match and in_window(dt.date(int(match.group(1)), (int(match.group(2)) - 1) * 3 + 1, 1)):
            kept.append(str(quarter))
    return sorted(kept)


def month_key(month: dt.date) -> str:
    """'2026-10' for any month (``strftime('%Y')`` drops leading zeros before the year 1000)."""
    return f"{month.year:04d}-{month.month:02d}"
