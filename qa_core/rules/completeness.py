"""When a month's data is in: the month the pages open on ("data complete to").

A council's data for a month arrives in pieces: the month's indicator values (an extract from the
case-management system, one value per measure and team) and the audits, team by team, as the
auditors finish them. A month whose pieces are not all in would open every page on a misleading
picture: "No measures have values", or a council's audits rated on one team's first four. So the
pages open on the latest *complete* month, and a later (partial) month can be chosen but says so.

The rule, from the data alone. A month is **complete** when it holds

* indicator values for at least three quarters (:data:`COMPLETE_SHARE`) as many measure-and-team
  pairs as usual, and
* audits from at least three quarters as many teams as usual,

where *usual* is the median of the three calendar months before it (a month with no data counts
as none; months before the store's first month are not counted). The store's first month is
complete: there is nothing to compare it with. A month in the middle of the history may fail too
(a month whose extract was never loaded): it is partial as well. **Data complete to** is the
latest complete month.

Why a median of three months: one partial month before does not lower the bar (November and
December each half in are both partial), and a lasting change (a team closed, a measure
retired) becomes the usual within two months. Why three quarters: teams without an audit in a
month are common (the demo council has 21 to 24 of 24 teams auditing each month), while an
extract not yet loaded, or one team's first audits, is far below it.

>>> frame = assess([
...     {"month": dt.date(2026, 8, 1), "values": 200, "audit_teams": 24},
...     {"month": dt.date(2026, 9, 1), "values": 200, "audit_teams": 21},
...     {"month": dt.date(2026, 10, 1), "values": 200, "audit_teams": 24},
...     {"month": dt.date(2026, 11, 1), "values": 0, "audit_teams": 1}])
>>> frame["complete"].tolist(), complete_to(frame)
([True, True, True, False], datetime.date(2026, 10, 1))
>>> print(partial_words(frame.iloc[-1]))  # doctest: +NORMALIZE_WHITESPACE
November 2026 has audits for 1 of the usual 24 teams and no indicator values yet (usually 200: one
per measure and team)
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from qa_core.rules.periods import add_months, first_of, month_label

__all__ = [
    "COMPLETE_SHARE",
    "USUAL_MONTHS",
    "COLUMNS",
    "assess",
    "complete_to",
    "partial_months",
    "partial_words",
    "RULE_TEXT",
]

#: A month is complete with at least this share of the usual values and of the usual teams auditing.
COMPLETE_SHARE = 0.75
#: How many months before a month set what is usual (their median).
USUAL_MONTHS = 3
#: The columns :func:`assess` returns.
COLUMNS = ["month", "values", "audit_teams", "usual_values", "usual_audit_teams", "complete"]
#: The rule in one sentence, for a page's help text.
RULE_TEXT = (
    "A month's data counts as complete when it has at least three quarters as many indicator values "
    "(one per measure and team) and audits from at least three quarters as many teams as usual: the "
    "median of the three months before it."
)


def assess(coverage: Iterable[Mapping[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Each month's coverage (``month``, ``values``: measure-and-team pairs with a value,
    ``audit_teams``: teams with an audit), oldest first, with what is usual for it and whether
    it is complete (see the module notes). Months may come in any order; duplicates are summed."""
    frame = pd.DataFrame(coverage, columns=["month", "values", "audit_teams"])
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame["month"] = [first_of(pd.Timestamp(m).date() if not isinstance(m, dt.date) else m) for m in frame["month"]]
    frame = frame.groupby("month", as_index=False)[["values", "audit_teams"]].sum().sort_values("month")
    held = {m: (int(v), int(a)) for m, v, a in zip(frame["month"], frame["values"], frame["audit_teams"], strict=True)}
    first = frame["month"].iloc[0]
    rows = []
    for month, (values, teams) in held.items():
        before = [add_months(month, -k) for k in range(1, USUAL_MONTHS + 1)]
        before = [held.get(m, (0, 0)) for m in before if m >= first]
        usual_values = statistics.median(v for v, _ in before) if before else 0
        usual_teams = statistics.median(a for _, a in before) if before else 0
        complete = values >= COMPLETE_SHARE * usual_values and teams >= COMPLETE_SHARE * usual_teams
        rows.append((month, values, teams, usual_values, usual_teams, complete))
    return pd.DataFrame(rows, columns=COLUMNS)


def complete_to(frame: pd.DataFrame) -> dt.date | None:
    """The latest complete month of an :func:`assess` frame (None if none is)."""
    done = frame.loc[frame["complete"].astype(bool), "month"]
    return None if done.empty else done.iloc[-1]


def partial_months(frame: pd.DataFrame) -> list[dt.date]:
    """The months of an :func:`assess` frame that are not complete, oldest first."""
    return frame.loc[~frame["complete"].astype(bool), "month"].tolist()


def _usual(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def partial_words(row: Mapping[str, Any] | pd.Series) -> str:
    """What a partial month is short of, in words (no full stop), e.g. "November 2026 has audits for
    1 of the usual 24 teams and no indicator values yet (usually 200: one per measure and team)"."""
    short = []
    teams, usual_teams = int(row["audit_teams"]), row["usual_audit_teams"]
    values, usual_values = int(row["values"]), row["usual_values"]
    if teams < COMPLETE_SHARE * usual_teams:
        short.append(
            f"audits for {teams:,} of the usual {_usual(usual_teams)} teams"
            if teams
            else f"no audits yet (usually from {_usual(usual_teams)} teams)"
        )
    if values < COMPLETE_SHARE * usual_values:
        short.append(
            f"indicator values for {values:,} of the usual {_usual(usual_values)} measures and teams"
            if values
            else f"no indicator values yet (usually {_usual(usual_values)}: one per measure and team)"
        )
    what = " and ".join(short) if short else "all its data"
    return f"{month_label(row['month'])} has {what}"
