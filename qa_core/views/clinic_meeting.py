"""The record of a clinic meeting, and its actions as the chair reads them.

A clinic has a date, a chair, attendees and apologies, decisions, and the actions agreed at it
(the service's ``clinic_action`` rows for the month the clinic reviewed). The meeting starts
from the actions agreed at the previous clinic, so they are listed first with their status.
Choices (docs/domain.md, "The clinic meeting"):

* a new action is due four weeks after the meeting by default (``DUE_AFTER_DAYS``): after the
  meeting, and before the next monthly clinic, which hears whether it was done;
* "Overdue" is judged against today, not against the month under review: an action due last
  week is overdue now, whichever month's figures are on the screen;
* people never see internal ids such as ``CA-assessment-202610-3``: an action is "October 2026
  clinic, action 3" (``action_label``);
* the names of the chair, attendees and those sending apologies are staff names: like action
  owners, only a viewer who sees the service's case-level detail gets them (others get counts).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.roles import AccessDenied, Viewer
from qa_core.rules.periods import month_label
from qa_core.store import Store, queries
from qa_core.views.clinic import check_action, insert_action, may_manage_actions
from qa_core.views.refusals import clean_date, clean_names, clean_text, refuse

__all__ = [
    "DUE_AFTER_DAYS",
    "default_due_date",
    "action_status",
    "action_label",
    "record_meeting",
    "meeting",
    "meetings",
    "previous_clinic",
    "meeting_actions",
    "ClinicRecords",
    "clinic_records",
    "meeting_from",
    "previous_clinic_from",
    "meeting_actions_from",
]

#: A new action is due this many days after the meeting unless the chair says otherwise.
DUE_AFTER_DAYS = 28
NAME_CHARS = 120
DECISION_CHARS = 1_000
_ITEM_KINDS = {"attendees": "attendee", "apologies": "apology", "decisions": "decision"}


def default_due_date(meeting_date: dt.date | None = None, today: dt.date | None = None) -> dt.date:
    """Four weeks after the meeting (after today when no meeting date is given).

    >>> default_due_date(dt.date(2026, 11, 5))
    datetime.date(2026, 12, 3)
    """
    return (meeting_date or today or dt.date.today()) + dt.timedelta(days=DUE_AFTER_DAYS)


def action_status(due: dt.date | None, completed: dt.date | None, today: dt.date) -> str:
    """Done once completed; Overdue when its due date has passed today; else Open.

    >>> action_status(dt.date(2026, 11, 30), None, dt.date(2026, 12, 4))
    'Overdue'
    >>> action_status(dt.date(2026, 12, 4), None, dt.date(2026, 12, 4))  # due today: not yet overdue
    'Open'
    """
    if completed is not None and not pd.isna(completed):
        return "Done"
    if due is not None and not pd.isna(due) and pd.Timestamp(due).date() < today:
        return "Overdue"
    return "Open"


def action_label(clinic_month: dt.date, number: int) -> str:
    """How people refer to an action: "October 2026 clinic, action 3".

    >>> action_label(dt.date(2026, 10, 1), 3)
    'October 2026 clinic, action 3'
    """
    return f"{month_label(clinic_month)} clinic, action {number}"


def _service_name(store: Store, service_id: str) -> str:
    services = queries.services(store).set_index("service_id")
    if service_id not in services.index:
        raise QAError(f"There is no service {service_id!r}.")
    return str(services.loc[service_id, "name"])


def _collect(problems: list[str], check: Callable[[], Any]) -> Any:
    """``check()``, or None with its refusal added to ``problems`` (so every field is reported at once)."""
    try:
        return check()
    except QAError as exc:
        problems.append(str(exc))
        return None


def _day(value: Any) -> str:
    return f"{value.day} {value:%B %Y}"


def record_meeting(
    store: Store,
    record: dict,
    actions: Sequence[dict] = (),
    viewer: Viewer | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[str]:
    """Record a clinic meeting and the actions agreed at it, all or nothing; the new actions' ids.

    ``record``: service_id, clinic_month (the month reviewed), meeting_date, chair, attendees and
    apologies (lists of names), decisions (list of texts), recorded_by (optional). Each action:
    description, owner, due_date (default: ``default_due_date``), code (optional). Refusals are
    plain sentences naming the field (QAError); AccessDenied unless ``viewer`` is the AD or the
    service's head of service (None: the AD)."""
    today = today or dt.date.today()
    service_id = record.get("service_id")
    if service_id not in set(queries.services(store)["service_id"]):
        raise QAError(f"The meeting was not saved: there is no service {service_id!r}.")
    if not may_manage_actions(viewer, service_id):
        raise AccessDenied(
            f"The meeting was not saved: the {viewer.describe()} role cannot record {service_id}'s "
            "clinic; the assistant director and that service's head of service can."
        )
    problems: list[str] = []

    def field(check: Callable[[], Any]) -> Any:
        return _collect(problems, check)

    month = field(lambda: clean_date(record.get("clinic_month"), "the clinic month"))
    held = field(lambda: clean_date(record.get("meeting_date"), "the meeting date"))
    chair = field(lambda: clean_text(record.get("chair"), "the chair", min_chars=2, max_chars=NAME_CHARS))
    attendees = field(lambda: clean_names(record.get("attendees"), "the attendees", max_chars=NAME_CHARS)) or []
    apologies = field(lambda: clean_names(record.get("apologies"), "the apologies", max_chars=NAME_CHARS)) or []
    decisions = [
        field(lambda d=d, n=n: clean_text(d, f"decision {n}", min_chars=3, max_chars=DECISION_CHARS))
        for n, d in enumerate([d for d in record.get("decisions") or () if d and str(d).strip()], 1)
    ]
    recorded_by = record.get("recorded_by")
    if recorded_by is not None:
        recorded_by = field(lambda: clean_text(recorded_by, "who recorded it", min_chars=2, max_chars=NAME_CHARS))
    month = month.replace(day=1) if month else None
    if month and held and held < month:
        problems.append(f"the meeting date is before {month_label(month)}, the month the clinic reviewed")
    if held and held > today:
        problems.append("the meeting date is in the future: record a meeting once it has taken place")
    both = {a.casefold() for a in attendees} & {a.casefold() for a in apologies}
    if both:
        problems.append(
            f"{', '.join(a for a in attendees if a.casefold() in both)} is listed both as attending "
            "and as sending apologies"
        )
    if problems:
        raise refuse("The meeting", problems)
    items = []
    for n, action in enumerate(actions, 1):
        given = {"due_date": default_due_date(held)} | {k: v for k, v in action.items() if v is not None}
        try:
            item = check_action(store, given | {"service_id": service_id, "clinic_month": month}, viewer)
        except QAError as exc:
            problems.append(f"action {n}: {str(exc).removeprefix('The action was not saved: ').rstrip('.')}")
            continue
        if item.due_date < held:
            problems.append(f"action {n}: the due date is before the meeting")
        items.append(item)
    if problems:
        raise refuse("The meeting", problems)
    with store.transaction() as cur:
        earlier = cur.execute(
            "SELECT meeting_date FROM clinic_meeting WHERE service_id = ? AND clinic_month = ?", [service_id, month]
        ).fetchall()
        if earlier:
            raise QAError(
                f"The meeting was not saved: the {month_label(month)} clinic for "
                f"{_service_name(store, service_id)} is already recorded (held on "
                f"{_day(pd.Timestamp(earlier[0][0]))})."
            )
        cur.execute(
            "INSERT INTO clinic_meeting VALUES (?, ?, ?, ?, ?, ?)",
            [service_id, month, held, chair, recorded_by, now or dt.datetime.now().replace(microsecond=0)],
        )
        for key, kind in _ITEM_KINDS.items():
            for seq, text in enumerate(
                {"attendees": attendees, "apologies": apologies, "decisions": decisions}[key], 1
            ):
                cur.execute(
                    "INSERT INTO clinic_meeting_item VALUES (?, ?, ?, ?, ?)", [service_id, month, kind, seq, text]
                )
        return [insert_action(cur, item) for item in items]


def meeting(store: Store, service_id: str, clinic_month: dt.date, viewer: Viewer | None = None) -> dict | None:
    """The meeting held for ``service_id``'s ``clinic_month`` clinic, or None: date, chair,
    attendees, apologies, decisions (lists), counts of each, and ``names_shown``. The names are
    None unless ``viewer`` sees the service's case-level detail (None: the AD)."""
    month = clinic_month.replace(day=1)
    head = store.query("SELECT * FROM clinic_meeting WHERE service_id = ? AND clinic_month = ?", [service_id, month])
    if head.empty:
        return None
    items = store.query(
        "SELECT kind, text FROM clinic_meeting_item WHERE service_id = ? AND clinic_month = ? ORDER BY kind, seq",
        [service_id, month],
    )
    return _record(head.iloc[0], items, _service_name(store, service_id), service_id, month, viewer)


def _record(row: pd.Series, items: pd.DataFrame, service: str, service_id: str, month: dt.date,
            viewer: Viewer | None) -> dict:
    """:func:`meeting`'s dict from the meeting's row, its items (kind, text; by kind and seq) and the service's name."""
    kinds, texts = items["kind"].tolist(), items["text"].tolist()
    listed = {key: [t for k, t in zip(kinds, texts, strict=True) if k == kind] for key, kind in _ITEM_KINDS.items()}
    shown = viewer is None or viewer.sees_cases(service_id)
    return {
        "service_id": service_id,
        "service": service,
        "clinic_month": month,
        "meeting_date": pd.Timestamp(row["meeting_date"]).date(),
        "names_shown": shown,
        "chair": row["chair"] if shown else None,
        "attendees": listed["attendees"] if shown else None,
        "apologies": listed["apologies"] if shown else None,
        "attendee_count": len(listed["attendees"]),
        "apology_count": len(listed["apologies"]),
        "decisions": listed["decisions"],
        "recorded_by": row["recorded_by"] if shown else None,
        "recorded_at": row["recorded_at"],
    }


@dataclass(frozen=True)
class ClinicRecords:
    """Every service's clinic records, read once (:func:`clinic_records`): a page that moves between
    months and services picks each meeting and its actions from them (``*_from``) and reads nothing again.
    Names are all there (none withheld): the pickers withhold them as the reads do for their viewer."""

    services: pd.DataFrame  # queries.services
    meetings: pd.DataFrame  # every clinic_meeting row
    items: pd.DataFrame  # every clinic_meeting_item row, by service_id, clinic_month, kind, seq
    actions: pd.DataFrame  # queries.clinic_actions_all


def clinic_records(store: Store) -> ClinicRecords:
    """Read, in four queries, what :func:`meeting_from`, :func:`previous_clinic_from` and
    :func:`meeting_actions_from` need for any service and month."""
    return ClinicRecords(
        queries.services(store),
        store.query("SELECT * FROM clinic_meeting ORDER BY service_id, clinic_month"),
        store.query("SELECT service_id, clinic_month, kind, text FROM clinic_meeting_item "
                    "ORDER BY service_id, clinic_month, kind, seq"),
        queries.clinic_actions_all(store),
    )


def _of(frame: pd.DataFrame, service_id: str, month: dt.date) -> pd.DataFrame:
    return frame[((frame["service_id"] == service_id)
                  & (frame["clinic_month"] == pd.Timestamp(month))).to_numpy(dtype=bool)]


def meeting_from(records: ClinicRecords, service_id: str, clinic_month: dt.date,
                 viewer: Viewer | None = None) -> dict | None:
    """:func:`meeting` picked from :func:`clinic_records`."""
    month = clinic_month.replace(day=1)
    head = _of(records.meetings, service_id, month)
    if head.empty:
        return None
    items = _of(records.items, service_id, month)
    services = records.services.set_index("service_id")
    if service_id not in services.index:
        raise QAError(f"There is no service {service_id!r}.")
    return _record(queries.as_queried(head.reset_index(drop=True)).iloc[0], items,
                   str(services.loc[service_id, "name"]), service_id, month, viewer)


def meetings(store: Store, service_id: str) -> pd.DataFrame:
    """The service's recorded meetings, newest first: clinic_month, meeting_date and how many
    attended, sent apologies and decisions were taken (no names)."""
    return store.query(
        """
        SELECT m.clinic_month, m.meeting_date,
               count(*) FILTER (WHERE i.kind = 'attendee') AS attendees,
               count(*) FILTER (WHERE i.kind = 'apology') AS apologies,
               count(*) FILTER (WHERE i.kind = 'decision') AS decisions
        FROM clinic_meeting m LEFT JOIN clinic_meeting_item i USING (service_id, clinic_month)
        WHERE m.service_id = ? GROUP BY ALL ORDER BY m.clinic_month DESC
        """,
        [service_id],
    )


def previous_clinic(store: Store, service_id: str, clinic_month: dt.date) -> dt.date | None:
    """The month reviewed by the service's last clinic before ``clinic_month``'s: the latest earlier
    month with a recorded meeting or with actions agreed."""
    found = store.scalar(
        "SELECT max(m) FROM (SELECT clinic_month AS m FROM clinic_meeting WHERE service_id = $s "
        "UNION ALL SELECT clinic_month FROM clinic_action WHERE service_id = $s) WHERE m < $month",
        {"s": service_id, "month": clinic_month.replace(day=1)},
    )
    return None if found is None or pd.isna(found) else pd.Timestamp(found).date()


def previous_clinic_from(records: ClinicRecords, service_id: str, clinic_month: dt.date) -> dt.date | None:
    """:func:`previous_clinic` picked from :func:`clinic_records`."""
    month = pd.Timestamp(clinic_month.replace(day=1))
    held = [m for frame in (records.meetings, records.actions)
            for m in frame.loc[(frame["service_id"] == service_id).to_numpy(dtype=bool), "clinic_month"] if m < month]
    return pd.Timestamp(max(held)).date() if held else None


#: The order of the ``agreed`` groups: the previous clinic's actions first.
AGREED_ORDER = {"previous": 0, "this": 1, "earlier": 2}
_ID_NUMBER = re.compile(r"-(\d+)$")


def meeting_actions(
    store: Store, service_id: str, clinic_month: dt.date, viewer: Viewer | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """Every action agreed at the service's clinics up to ``clinic_month``'s, in the order the
    chair takes them: those agreed at the previous clinic first, then this clinic's, then earlier
    ones (newest clinic first), each group by its number. Columns: ``label`` (what people see
    instead of the id), ``agreed`` (previous, this, earlier), ``status`` judged against ``today``
    (Done, Overdue, Open), and the action's own columns (``owner`` "withheld" unless ``viewer``
    sees the service's case-level detail; ``action_id`` kept for the forms, never to show)."""
    today = today or dt.date.today()
    month = clinic_month.replace(day=1)
    frame = queries.clinic_actions(store, service_id, month, viewer)
    return _in_chair_order(frame, month, lambda: previous_clinic(store, service_id, month), today)


def meeting_actions_from(records: ClinicRecords, service_id: str, clinic_month: dt.date,
                         viewer: Viewer | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """:func:`meeting_actions` picked from :func:`clinic_records`."""
    today = today or dt.date.today()
    month = clinic_month.replace(day=1)
    frame = queries.clinic_actions_from(records.actions, service_id, month, viewer)
    return _in_chair_order(frame, month, lambda: previous_clinic_from(records, service_id, month), today)


def _in_chair_order(frame: pd.DataFrame, month: dt.date, previous_of: Callable[[], dt.date | None],
                    today: dt.date) -> pd.DataFrame:
    """:func:`meeting_actions` from the service's actions up to ``month`` (``queries.clinic_actions``)
    and the month of its previous clinic (``previous_of()``, asked only when there are actions).

    The order is worked out on plain lists and the rows taken once (two pandas sorts, a group count
    and eight new columns were most of a clinic page's pick, issue 14): each clinic's actions are
    numbered by when they were made (then the id's number, then the id; a missing one last), and
    the list runs previous clinic, this clinic, then earlier ones newest first, each by number."""
    if frame.empty:
        return frame.assign(
            number=pd.Series(dtype="int64"),
            label=pd.Series(dtype="str"),
            agreed=pd.Series(dtype="str"),
            status=pd.Series(dtype="str"),
        )
    months = pd.to_datetime(frame["clinic_month"]).dt.date.tolist()
    ids = frame["action_id"].tolist()
    created = frame["created_at"].tolist()
    suffixes = [_id_number(action_id) for action_id in ids]
    made = sorted(range(len(ids)), key=lambda i: (months[i], _last_if_missing(created[i]),
                                                  _last_if_missing(suffixes[i]), ids[i]))
    number = [0] * len(ids)
    counted: dict[dt.date, int] = {}
    for i in made:
        number[i] = counted[months[i]] = counted.get(months[i], 0) + 1
    previous = previous_of()
    agreed = ["this" if m == month else "previous" if m == previous else "earlier" for m in months]
    order = sorted(made, key=lambda i: (AGREED_ORDER[agreed[i]], -months[i].toordinal(), number[i]))
    statuses = [action_status(d, c, today) for d, c in zip(frame["due_date"], frame["completed_date"], strict=True)]
    out = frame.take(order).reset_index(drop=True)
    out["clinic_month"] = [months[i] for i in order]
    out["number"] = np.array([number[i] for i in order], dtype="int64")
    out["label"] = [action_label(months[i], number[i]) for i in order]
    out["agreed"] = [agreed[i] for i in order]
    out["status"] = [statuses[i] for i in order]
    return out


def _id_number(action_id: str) -> float:
    """The number an action's id ends with ("CA-assessment-202610-3": 3), NaN when none."""
    found = _ID_NUMBER.search(action_id)
    return float(found.group(1)) if found else math.nan


def _last_if_missing(value: object) -> tuple:
    """A sort key that puts a missing value (None, NaN, NaT) after every other."""
    return (1, 0) if pd.isna(value) else (0, value)
