"""Who is expected to audit how many case files in a month: the rule applied to each person.

A council's QA framework sets expectations by role (the seed frameworks: team managers 4 a
month; heads of service 1 a month *outside their own service*). The store holds those as
rules (``audit_expectation_rule``), the staff list with dates in post, and exemptions. This
module turns one month's roster (one row per auditor whose role has a rule that month) into
what each person was expected to do, and which of their audits count.

The rule, chosen so nobody is marked as missing audits for a month they could not do them:

* a person is **expected** their rule's number in a month only if they were **in post for the
  whole of it** (started on or before the 1st, left on or after the last day; a blank start or
  end date means "before the data" or "still in post") and **not exempt** that month;
* a **part month** (a joiner who started after the 1st, a leaver who left before the last day)
  and an **exempt** month count as neither expected nor done: nothing is missed, and the audits
  done in it are shown beside the figures (``not_counted``), never lost;
* with ``outside_own_service``, only audits of cases outside the person's own service count; an
  audit inside it (or any audit, while their own service is not recorded) is done but not counted.

Pure functions over small frames (one row per person): no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from qa_core.errors import QAError

__all__ = ["FROM_THE_START", "STAFF_ROLES", "STAFF_ROLE_LABELS", "expected_audits", "month_note", "rules_in_words"]

#: A rule's first month when it applies "from the start" (a blank ``from_month`` in the import).
FROM_THE_START = dt.date(2000, 1, 1)

#: The roles a staff list may give (the ``staff`` import kind's ``role`` column).
STAFF_ROLES: tuple[str, ...] = (
    "assistant_director",
    "head_of_service",
    "team_manager",
    "practice_manager",
    "qa_lead",
    "social_worker",
    "other",
)
STAFF_ROLE_LABELS: dict[str, str] = {
    "assistant_director": "Assistant Director",
    "head_of_service": "Head of Service",
    "team_manager": "Team Manager",
    "practice_manager": "Practice Manager",
    "qa_lead": "QA Lead",
    "social_worker": "Social Worker",
    "other": "Other",
}


def _day(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise QAError(f"Not a date: {value!r}.")


def _long(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _days(values: pd.Series) -> pd.Series:
    """A column of dates (blank: NaT) as datetime64, refusing anything that is not a date."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.normalize()
    for value in values:
        _day(value)  # a non-date is a QAError naming it, as before
    return pd.to_datetime(pd.Series(list(values), index=values.index, dtype="object"))


def expected_audits(roster: pd.DataFrame, month: dt.date | None = None) -> pd.DataFrame:
    """The roster with each person's ``expected`` audits for ``month`` and why.

    ``roster``: one row per person with ``audits_per_month`` (their role's rule), ``start_date``,
    ``end_date`` (either may be blank) and ``exempt`` (bool: an exemption is recorded for the month).
    Adds ``whole_month`` (in post all month), ``part_month`` (in post only part of it) and
    ``expected`` (the rule's number, or 0 for a part month or an exempt month). With ``month``
    None, each row's own ``month`` column says its month (a roster of several months at once).

    Worked example, October 2026 under "4 a month": in post since 2025 → 4; started 2 October
    (a joiner) → 0, part month; left 30 October (a leaver) → 0, part month; left 31 October → 4;
    in post all month but exempt → 0.
    """
    for col in ("audits_per_month", "start_date", "end_date", "exempt", *(("month",) if month is None else ())):
        if col not in roster.columns:
            raise QAError(f"The roster has no {col!r} column.")
    out = roster.copy()
    if month is None:
        first = pd.to_datetime(out["month"]).dt.to_period("M").dt.to_timestamp()
        last = first + pd.offsets.MonthEnd(0)
    else:
        first = pd.Timestamp(month.replace(day=1))
        last = pd.Timestamp(month.replace(day=calendar.monthrange(month.year, month.month)[1]))
    starts, ends = _days(out["start_date"]), _days(out["end_date"])
    whole = ((starts.isna() | (starts <= first)) & (ends.isna() | (ends >= last))).to_numpy(dtype=bool)
    in_post = ((starts.isna() | (starts <= last)) & (ends.isna() | (ends >= first))).to_numpy(dtype=bool)
    per_month = pd.to_numeric(out["audits_per_month"], errors="coerce").fillna(0).to_numpy()
    if (per_month < 0).any() or (per_month != np.floor(per_month)).any():
        raise QAError("Audits a month must be whole numbers, 0 or more.")
    exempt = out["exempt"].fillna(False).astype(bool).to_numpy()
    out["whole_month"] = whole
    out["part_month"] = in_post & ~whole
    out["expected"] = np.where(whole & ~exempt, per_month, 0).astype("int64")
    return out


def month_note(row: pd.Series, month: dt.date) -> str:
    """Why a person's month counts as it does, in words ("" when it simply counts).

    ``row`` carries ``exempt``, ``reason``, ``approved_by``, ``part_month``, ``start_date``,
    ``end_date``, ``outside_own_service``, ``own_service_known`` and ``not_counted``.
    """
    notes: list[str] = []
    if bool(row.get("exempt")):
        approved = row.get("approved_by")
        by = f", approved by {approved}" if isinstance(approved, str) and approved.strip() else ""
        notes.append(f"Exempt this month ({row.get('reason')}{by}): counts as neither expected nor missed.")
    elif bool(row.get("part_month")):
        start, end = _day(row.get("start_date")), _day(row.get("end_date"))
        first = month.replace(day=1)
        if start is not None and start > first:
            notes.append(f"Started on {_long(start)}: expected from the first whole month in post.")
        if end is not None and end.month == month.month and end.year == month.year:
            notes.append(f"Left on {_long(end)}: not expected in a month not worked in full.")
    not_counted = int(row.get("not_counted") or 0)
    if not_counted and not bool(row.get("exempt")) and not bool(row.get("part_month")):
        if bool(row.get("outside_own_service")) and not bool(row.get("own_service_known", True)):
            notes.append(
                f"{not_counted} not counted: their own service is not recorded, so no audit can be "
                "shown to be outside it."
            )
        elif bool(row.get("outside_own_service")):
            notes.append(f"{not_counted} not counted: inside their own service (only audits outside it count).")
    elif not_counted:
        notes.append(f"{not_counted} audit{'s' if not_counted != 1 else ''} done this month shown, not counted.")
    return " ".join(notes)


#: The roles in the plural, for sentences about everyone in a role.
STAFF_ROLE_PLURALS: dict[str, str] = {
    "assistant_director": "Assistant Directors",
    "head_of_service": "Heads of Service",
    "team_manager": "Team Managers",
    "practice_manager": "Practice Managers",
    "qa_lead": "QA Leads",
    "social_worker": "Social Workers",
    "other": "Others",
}


def rules_in_words(rules: pd.DataFrame) -> str:
    """The expectation rules in force, as one sentence for the page ("" when there are none).

    ``rules``: ``role``, ``audits_per_month``, ``outside_own_service``; a rule counting only audits
    outside the person's own service says so.

    >>> rules_in_words(pd.DataFrame({"role": ["team_manager"], "audits_per_month": [4],
    ...                              "outside_own_service": [False]}))
    'Team Managers are expected to audit 4 cases a month.'
    """
    parts, outside = [], False
    for i, r in enumerate(rules.itertuples(index=False)):
        who = STAFF_ROLE_PLURALS.get(r.role, str(r.role))
        n = int(r.audits_per_month)
        where = " outside their own service" if bool(r.outside_own_service) else ""
        outside = outside or bool(r.outside_own_service)
        parts.append(
            f"{who} {'are expected to audit ' if i == 0 else ''}{n} case{'' if n == 1 else 's'} a month{where}"
        )
    if not parts:
        return ""
    return "; ".join(parts) + (" (their audits inside it are shown as not counted)." if outside else ".")
