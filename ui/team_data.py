"""Cached queries for the team profiles page, keyed on plain values (ids and dates).

The service-level frames are fetched once per service and month; one team's profile is
built from them without another query (``team_profiles.build_profile``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.store import queries
from qa_core.views import team_profiles
from ui import data, teams_side
from ui.data import cached, get_store, months, services, settings

#: Months of history in the small multiples.
SMALL_MULTIPLE_MONTHS = 24


@cached
def team_view(service_id: str, month: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The month's team report (one row per team and measure, with the team's audit figures)
    and every team's monthly figures for the last ``SMALL_MULTIPLE_MONTHS`` months: picked from
    what ``_team_data`` read once (a month the pages do not offer is read on its own)."""
    data = _team_data()
    if month in data.months and service_id in data.services:
        return team_profiles.team_view_from(data, month, service_id, months=SMALL_MULTIPLE_MONTHS)
    return team_profiles.team_view(get_store(), month, service_id, months=SMALL_MULTIPLE_MONTHS,
                                  catalogue=indicators())


@cached
def _team_data() -> team_profiles.TeamData:
    """Every team's audits in every shown month and every team-month, read once per data version."""
    return team_profiles.team_data(get_store(), months(), catalogue=indicators())


@cached
def indicators() -> pd.DataFrame:
    return queries.indicators(get_store())


@cached
def service_values(service_id: str, month: dt.date) -> pd.DataFrame:
    """The service's own figure for each measure in the month (summed in DuckDB, every month and
    service at once: picked here, no query)."""
    return team_profiles.service_month_from(data.service_series_all(), data.indicator_members(), month, service_id)


@cached
def side_by_side(service_id: str, month: dt.date, service: str, label: str, large: bool) -> teams_side.SideBySide:
    """The teams side by side (table, sentences, one chart per measure, the numbers behind them) for
    the service (``service``: its name) in the month (``label``: as the page writes it), in large type
    or not: worked out once per data version, so a rerun of a view already shown only draws it."""
    report, series = team_view(service_id, month)
    return teams_side.side_by_side(report, series, service_values(service_id, month), service, month, label,
                                   SMALL_MULTIPLE_MONTHS, large)


@cached
def team_profile_for(team_id: str, service_id: str, month: dt.date) -> team_profiles.TeamProfile:
    """One team's profile, built from the service's cached frames (no further query)."""
    report, series = team_view(service_id, month)
    audits = report[report["team_id"] == team_id].iloc[0]
    names = services().set_index("service_id")["name"]
    team = {"team_id": team_id, "team": audits["team"], "service_id": service_id, "service": names[service_id]}
    council = settings().get("council_name", "Council")
    return team_profiles.build_profile(council, team, month, series, indicators(), audits)
