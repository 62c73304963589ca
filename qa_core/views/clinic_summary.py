"""Every service's clinic at a glance, for the clinic page when no one service is chosen ("All
services"): the assistant director picks the clinic to open from what needs attention. Counts
only (RAG, special-cause concerns, open and overdue actions, last meeting), the same for every
role that may open the clinic."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.store import Store, queries
from qa_core.views import clinic, home

__all__ = ["SUMMARY_COLUMNS", "services_summary"]

SUMMARY_COLUMNS = [
    "service_id",
    "service",
    "head_of_service",
    "measures",
    "red",
    "amber",
    "green",
    "no_target",
    "special_cause_concern",
    "open_actions",
    "overdue_actions",
    "last_meeting",
]


def services_summary(store: Store, month: dt.date, today: dt.date | None = None) -> pd.DataFrame:
    """One row per service (in the services' order): its clinic's RAG counts and special-cause
    concerns for ``month`` (as that service's clinic header counts them), its actions agreed up to
    ``month`` still open and, of those, overdue against ``today``, and the date of its latest
    recorded meeting up to ``month``'s clinic."""
    today = today or dt.date.today()
    actions = store.query(
        "SELECT service_id, count(*) FILTER (WHERE completed_date IS NULL) AS open_actions, "
        "count(*) FILTER (WHERE completed_date IS NULL AND due_date < $today) AS overdue_actions "
        "FROM clinic_action WHERE clinic_month <= $month GROUP BY service_id",
        {"today": today, "month": month},
    ).set_index("service_id")
    met = store.query(
        "SELECT service_id, max(meeting_date) AS last_meeting FROM clinic_meeting "
        "WHERE clinic_month <= ? GROUP BY service_id",
        [month],
    ).set_index("service_id")
    rows = []
    indicators = home.summary_data(store)  # read once for every service
    for service_id in queries.services(store)["service_id"]:
        measures = home.summary_from(indicators, month, service_id)
        header = clinic.clinic_header(store, service_id, month, measures)
        last = met["last_meeting"].get(service_id)
        rows.append(
            {
                **{
                    k: header[k]
                    for k in (
                        "service_id",
                        "service",
                        "head_of_service",
                        "measures",
                        "red",
                        "amber",
                        "green",
                        "no_target",
                        "special_cause_concern",
                    )
                },
                "open_actions": int(actions["open_actions"].get(service_id, 0)),
                "overdue_actions": int(actions["overdue_actions"].get(service_id, 0)),
                "last_meeting": None if last is None or pd.isna(last) else pd.Timestamp(last).date(),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
