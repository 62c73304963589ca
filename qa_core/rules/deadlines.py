"""Deadlines counted in working days in England: remedial work found by a thematic audit, and the
escalation of an audit's grade.

[Rochdale QA framework], section 3.8: "If remedial work is identified as being necessary this must
be completed within five days of the audit having taken place." Councils count such timescales in
working days, so the deadline is the 5th working day **after** the audit: Monday to Friday, less
the bank holidays of England (and Wales, which shares them): the working days and bank holidays are
``qa_core.rules.working_days``' (the same rule as the Annex A timescales).

Worked example: an audit on Thursday 21 August 2025. Working days after it: Friday 22 (1), Monday
25 August is the summer bank holiday, so Tuesday 26 (2), Wednesday 27 (3), Thursday 28 (4), Friday
29 August (5). Remedial work done on 29 August is on time; on Monday 1 September it is late.

The framework gives no time limit for escalating a grade; :data:`ESCALATION_WORKING_DAYS` is the
dashboard's default until a council sets its own (import kind ``audit_targets``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.working_days import FIRST_YEAR, LAST_YEAR, bank_holidays, holiday_array, is_working_day

__all__ = [
    "REMEDIAL_WORKING_DAYS",
    "ESCALATION_WORKING_DAYS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "bank_holidays",
    "is_working_day",
    "add_working_days",
    "deadline_status",
    "ON_TIME",
    "LATE",
    "OVERDUE",
    "DUE",
    "STATUSES",
]

#: [Rochdale QA framework] 3.8: thematic audits' remedial work is done within 5 (working) days.
REMEDIAL_WORKING_DAYS = 5
#: No source sets one: the dashboard's default time to tell the people an audit's grade goes to.
ESCALATION_WORKING_DAYS = 5
ON_TIME = "Done on time"
LATE = "Done late"
OVERDUE = "Overdue"
DUE = "Not yet due"
#: Every status :func:`deadline_status` gives, in the order pages list them.
STATUSES = (OVERDUE, LATE, DUE, ON_TIME)


def _check(day: dt.date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise QAError(f"Working days are known from {FIRST_YEAR} to {LAST_YEAR}; {day:%d %B %Y} is outside them.")


def add_working_days(start: dt.date | pd.Series, days: int) -> dt.date | pd.Series:
    """The ``days``-th working day after ``start`` (the start day itself is not counted, whatever it
    is). A Series gives a Series of dates (missing stays missing), worked out at once.

    >>> add_working_days(dt.date(2025, 8, 21), 5)   # over a weekend and the 25 August bank holiday
    datetime.date(2025, 8, 29)
    >>> add_working_days(dt.date(2025, 12, 24), 1)  # Christmas Day and Boxing Day skipped
    datetime.date(2025, 12, 29)
    """
    if isinstance(days, bool) or int(days) != days or days < 0:
        raise QAError(f"A number of working days is a whole number of 0 or more, not {days!r}.")
    if days == 0:
        return start
    if isinstance(start, pd.Series):
        when = pd.to_datetime(start)
        known = when.notna().to_numpy()
        out = pd.Series(pd.NaT, index=start.index, dtype="datetime64[s]")
        if known.any():
            first = when[known].dt.date
            for day in (first.min(), first.max()):
                _check(day)
            base = when[known].to_numpy().astype("datetime64[D]")
            # roll forward to the next working day counts that day as the first of ``days``
            moved = np.busday_offset(base, 0, roll="forward", holidays=holiday_array())
            steps = np.where(moved > base, days - 1, days)
            result = np.busday_offset(moved, steps, roll="forward", holidays=holiday_array())
            out[known] = result.astype("datetime64[s]")
        return out.dt.date.where(out.notna(), None)
    _check(start)
    day = np.datetime64(start, "D")
    moved = np.busday_offset(day, 0, roll="forward", holidays=holiday_array())
    steps = days - 1 if moved > day else days
    return np.busday_offset(moved, steps, roll="forward", holidays=holiday_array()).astype(dt.date)


def deadline_status(deadline: pd.Series, done: pd.Series, as_of: dt.date, cut: bool = True) -> pd.Series:
    """Each item's state at ``as_of``: done on or before its deadline (on time), done after it
    (late), not done with the deadline passed (overdue), or not done and not yet due. With ``cut`` an
    item done after ``as_of`` is read as not done at ``as_of``; without it, a later record still
    counts (done on time or late).

    >>> deadline_status(pd.Series([dt.date(2025, 8, 29)] * 3),
    ...                 pd.Series([dt.date(2025, 8, 29), dt.date(2025, 9, 1), None]), dt.date(2025, 9, 30)).tolist()
    ['Done on time', 'Done late', 'Overdue']
    """
    limit = pd.to_datetime(deadline)
    finished = pd.to_datetime(done)
    day = pd.Timestamp(as_of)
    if cut:
        finished = finished.where(finished <= day)
    status = np.select(
        [finished.notna() & (finished <= limit), finished.notna(), limit < day],
        [ON_TIME, LATE, OVERDUE],
        default=DUE,
    )
    return pd.Series(status, index=deadline.index, dtype="str")
