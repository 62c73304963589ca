"""Cached reads and the writes of the clinic as the assistant director runs it: every service's
clinic at a glance, the meeting record and its actions, commentary with its history, and the
recorded process changes that reset a chart's limits. Keyed on plain values; ``today`` is a
parameter (the page passes ``datetime.date.today()``) so "overdue" moves on each day without a
stale cache. The writes go straight to the views (they check the role again) and return what the
page tells the user; the caller clears the caches (``ui.data.clear_caches``) after a write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qa_core.roles import Viewer
from qa_core.rules.formatting import round_half_up
from qa_core.store import queries
from qa_core.views import audit_grades, baselines, clinic, clinic_audits, clinic_meeting, clinic_summary, commentary
from ui import data
from ui.data import cached, get_store


@cached
def services_summary(month: dt.date, today: dt.date) -> pd.DataFrame:
    """One row per service for the "All services" clinic (``views.clinic_summary``)."""
    return clinic_summary.services_summary(get_store(), month, today)


@cached
def _records() -> clinic_meeting.ClinicRecords:
    """Every service's meetings and actions, read once per data version (a write moves it on): a change
    of month or service picks from them (``views.clinic_meeting.*_from``) and reads nothing. Names are
    withheld by the pickers, per viewer, as the reads withhold them."""
    return clinic_meeting.clinic_records(get_store())


@dataclass(frozen=True)
class _Held:
    """Which clinics have a record, worked out once per data version from what was read: most months
    of most services have no meeting, action or commentary (every month before the clinic began), and
    picking "nothing" from the records cost 1 to 4 ms each (issue 14). Those get the pickers' own
    answer for no records, worked out once here (it does not depend on the service or month)."""

    meetings: frozenset  # (service_id, clinic month) with a meeting recorded
    first_action: dict  # service_id -> the first clinic month with an action agreed
    first_held: dict  # service_id -> the first clinic month with a meeting or an action
    notes: frozenset  # (service_id, month) with commentary
    no_actions: dict  # names withheld (True/False) -> ``meeting_actions_from`` with no actions
    no_notes: pd.DataFrame  # ``service_commentary_from`` with no commentary


def _firsts(frames: list[pd.DataFrame]) -> dict:
    found: dict = {}
    for frame in frames:
        for service, month in zip(frame["service_id"], frame["clinic_month"], strict=True):
            found[service] = min(found.get(service, month), month)
    return found


@cached
def _held() -> _Held:
    records, notes = _records(), _service_commentary_all()
    no_records = dataclasses.replace(records, actions=records.actions.iloc[0:0])
    day = dt.date(2000, 1, 1)  # any: nothing is picked
    return _Held(
        meetings=frozenset(zip(records.meetings["service_id"], records.meetings["clinic_month"], strict=True)),
        first_action=_firsts([records.actions]),
        first_held=_firsts([records.meetings, records.actions]),
        notes=frozenset(zip(notes["service_id"], notes["period"], strict=True)),
        no_actions={
            withheld: clinic_meeting.meeting_actions_from(no_records, "", day, viewer, day)
            for withheld, viewer in ((False, None), (True, Viewer("scrutiny")))
        },
        no_notes=commentary.service_commentary_from(notes.iloc[0:0], "", day),
    )


@cached
def meeting_actions(service_id: str, month: dt.date, viewer: Viewer, today: dt.date) -> pd.DataFrame:
    """The service's actions, the previous clinic's first, with ``label`` and ``status`` (against ``today``)."""
    held = _held()
    first = held.first_action.get(service_id)
    if first is None or first > pd.Timestamp(month.replace(day=1)):  # none agreed by this clinic
        return held.no_actions[viewer is not None and not viewer.sees_cases(service_id)]
    return clinic_meeting.meeting_actions_from(_records(), service_id, month, viewer, today)


@cached
def meeting(service_id: str, month: dt.date, viewer: Viewer) -> dict | None:
    """The meeting recorded for ``month``'s clinic, or None (names only for viewers who see the service's detail)."""
    if (service_id, pd.Timestamp(month.replace(day=1))) not in _held().meetings:
        return None
    return clinic_meeting.meeting_from(_records(), service_id, month, viewer)


@cached
def previous_meeting(service_id: str, month: dt.date, viewer: Viewer) -> dict | None:
    """The meeting of the clinic before ``month``'s, if one was recorded."""
    first = _held().first_held.get(service_id)
    if first is None or first >= pd.Timestamp(month.replace(day=1)):  # no clinic before this one
        return None
    records = _records()
    previous = clinic_meeting.previous_clinic_from(records, service_id, month)
    return clinic_meeting.meeting_from(records, service_id, previous, viewer) if previous else None


@cached
def _service_commentary_all() -> pd.DataFrame:
    """Every service's current commentary, every month, read once per data version."""
    return commentary.all_service_commentary(get_store())


@cached
def service_commentary(service_id: str, month: dt.date) -> pd.DataFrame:
    """The current commentary on each of the service's measures in ``month`` (with how many versions)."""
    held = _held()
    if (service_id, pd.Timestamp(month.replace(day=1))) not in held.notes:
        return held.no_notes
    return commentary.service_commentary_from(_service_commentary_all(), service_id, month)


@cached
def commentary_history(code: str, service_id: str, month: dt.date) -> pd.DataFrame:
    return commentary.commentary_history(get_store(), code, service_id, month)


@cached
def _process_changes_all() -> pd.DataFrame:
    """Every recorded process change, read once per data version."""
    return baselines.all_process_changes(get_store())


@cached
def _changed() -> tuple[set[str], set[tuple[str, str]], pd.DataFrame]:
    """Which charts have a recorded change, read once per data version: the measures changed for the
    whole council, the (measure, service) pairs changed for one service, and what a chart with none
    gets (``process_changes_from`` of no rows: its columns and their types)."""
    changes = _process_changes_all()
    council = set(changes.loc[(changes["org_level"] == "la").to_numpy(dtype=bool), "code"])
    services = changes[(changes["org_level"] == "service").to_numpy(dtype=bool)]
    pairs = set(zip(services["code"], services["org_id"], strict=True))
    return council, pairs, baselines.process_changes_from(changes.iloc[0:0])


@cached
def process_changes(code: str, service_id: str | None) -> pd.DataFrame:
    """The recorded changes that apply to ``code``'s chart for the service (month, reason, level...).
    Most charts have none: those get the empty frame worked out once (picking it cost 2 ms a chart)."""
    council, pairs, none = _changed()
    if code not in council and (code, service_id) not in pairs:
        return none
    return baselines.process_changes_from(_process_changes_all(), code, service_id)


@dataclass(frozen=True)
class _TeamValues:
    """Every measure's figures for every team and month (``queries.team_values_all``, every manager's
    name) and the rows of each service, measure and month: handed on only through ``team_breakdown``,
    which withholds the names per viewer."""

    frame: pd.DataFrame
    rows: dict  # (service_id, code, month) -> positions in ``frame``


@cached
def _team_values() -> _TeamValues:
    """Every team figure, read once per data version, with its rows by service, measure and month (a
    pick then filters a service's few teams, not every team's every figure: 1 ms of 60,000 rows)."""
    frame = queries.team_values_all(get_store())
    return _TeamValues(frame, frame.groupby(["service_id", "code", "period"], sort=False).indices)


@cached
def team_breakdown(code: str, service_id: str, month: dt.date, viewer: Viewer) -> pd.DataFrame:
    """``views.clinic.team_breakdown`` picked from the figures read once (``queries.team_values_from``
    on the service's, measure's and month's rows): managers withheld as it withholds them."""
    values = _team_values()
    rows = values.rows.get((service_id, code, pd.Timestamp(month)))
    part = values.frame.iloc[0:0] if rows is None else values.frame.take(rows)
    return queries.team_values_from(part, code, service_id, month, viewer)


@cached
def _audit_reports() -> clinic_audits.AuditReports:
    """Every month's and service's audits and their areas, graded once per data version from the grade
    counts read once (``audit_grades.report_counts``): a change of month or service picks its rows."""
    return clinic_audits.audit_reports(audit_grades.report_counts(get_store()))


@cached
def service_audits(service_id: str, month: dt.date, by: str | None) -> pd.DataFrame:
    """The month's audits of the service (``by`` None: one row) or their areas ('area'), as
    ``audit_grades.audits_report`` gives them: picked, no query (``views.clinic_audits``)."""
    return clinic_audits.audit_report_from(_audit_reports(), month, by, service_id)


@cached
def weakest_areas(service_id: str, month: dt.date) -> list[tuple[str, int, int]]:
    """The month's three weakest audit areas for the service: (area, graded RI or Inadequate, graded)."""
    return clinic_audits.weakest_areas(service_audits(service_id, month, "area"))


@cached
def measure_view(
    code: str, service_id: str, month: dt.date
) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, list[tuple[pd.Timestamp, str]]]:
    """The measure in detail for the month, worked out once per data version: its row of the clinic's
    measures, its monthly series, and the chart's points and process changes (``measure_points``)."""
    measures = data.clinic_measures(service_id, month)
    row = measures.iloc[measures["code"].tolist().index(code)]
    series = data.service_series(code, service_id, month)
    target = None if pd.isna(row["target"]) else float(row["target"])
    points, changes = measure_points(series, row["polarity"], target, code, service_id)
    return row, series, points, changes


@cached
def measure_numbers(code: str, service_id: str, month: dt.date) -> pd.DataFrame:
    """The chart's numbers as the page's table (``chart_numbers`` of :func:`measure_view`), once per data
    version: made only when the table is shown (its expander opened), not with every chart."""
    _, series, points, _ = measure_view(code, service_id, month)
    return chart_numbers(series, points)


def chart_numbers(series: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """The chart's numbers as the page shows and downloads them: each month's count, value, mean,
    limits (to 2 places, a half rounded up) and special cause."""
    return pd.DataFrame(
        {
            "Month": points["period"].dt.strftime("%Y-%m"),
            "Numerator": series["numerator"],
            "Denominator": series["denominator"],
            # Under 12 months the limits are all None (an object column): make them numbers.
            **{
                name: _rounded(points[col])
                for name, col in [("Value", "value"), ("Mean", "mean"), ("Upper limit", "ucl"), ("Lower limit", "lcl")]
            },
            "Special cause": points["special_cause"].fillna("none"),
        }
    )


def _rounded(values: pd.Series, digits: int = 2) -> pd.Series:
    """``round_half_up(pd.to_numeric(values, errors="coerce"), digits)`` with each distinct number
    rounded once: a mean or limit is the same number every month of its phase, and rounding one
    (through ``Decimal``) cost more than the rest of the table."""
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    done: dict[str, float] = {}

    def one(value: float) -> float:
        if np.isnan(value):
            return value
        key = repr(value)  # not the float itself: 0.0 and -0.0 are equal keys but round apart
        if key not in done:
            done[key] = round_half_up(value, digits)
        return done[key]

    return numbers.map(one)


def measure_points(
    series: pd.DataFrame, polarity: object, target: float | None, code: str, service_id: str | None
) -> tuple[pd.DataFrame, list[tuple[pd.Timestamp, str]]]:
    """The chart's records, limits fixed on the baseline and reset at each recorded change, and
    the changes as (month, reason) for ``spc_figure(changes=...)``."""
    changes = process_changes(code, service_id)
    points = clinic.measure_points(series, polarity, target, list(changes["month"]))
    return points, [(pd.Timestamp(m), r) for m, r in zip(changes["month"], changes["reason"], strict=True)]


def write_commentary(code: str, service_id: str, month: dt.date, text: str, author: str, viewer: Viewer) -> str:
    """Save commentary (``views.commentary.write_commentary``): "added", "replaced" or "unchanged"."""
    return commentary.write_commentary(get_store(), code, service_id, month, text, author, viewer)


def record_meeting(record: dict, actions: list[dict], viewer: Viewer, today: dt.date | None = None) -> list[str]:
    """Record a meeting and its actions, all or nothing (``views.clinic_meeting.record_meeting``;
    a meeting date after ``today``, by default the real one, is refused)."""
    return clinic_meeting.record_meeting(get_store(), record, actions, viewer, today)


def record_process_change(change: dict, viewer: Viewer) -> None:
    """Record a process change (the AD only; ``views.baselines.record_process_change``)."""
    baselines.record_process_change(get_store(), change, viewer)


def action_label_of(action_id: str, service_id: str, month: dt.date, viewer: Viewer) -> str:
    """What people call the action ``action_id`` ("October 2026 clinic, action 3"), never the id itself."""
    actions = meeting_actions(service_id, month, viewer, dt.date.today())
    found = actions.loc[actions["action_id"] == action_id, "label"]
    return str(found.iloc[0]) if not found.empty else "a new action"
