"""The one store connection per process, and cached queries keyed on plain values.

Pages call these, never SQL. Caches are cleared after a write (``clear_caches``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from qa_core.demo import build_demo
from qa_core.roles import Viewer
from qa_core.rules import periods
from qa_core.store import Store, default_db_path, queries
from qa_core.views import audit_grades, clinic, completeness, home, risk_register


@st.cache_resource(show_spinner="Opening the store…")
def get_store() -> Store:
    """Open the store read-write, building the demo council on first run."""
    path = default_db_path()
    if not path.exists():
        build_demo(path)
    return Store(path)


def clear_caches() -> None:
    st.cache_data.clear()


@st.cache_data(show_spinner=False)
def settings() -> dict[str, str]:
    frame = get_store().query("SELECT key, value FROM setting")
    return dict(zip(frame["key"], frame["value"], strict=True))


@st.cache_data(show_spinner=False)
def months() -> list[dt.date]:
    """The months the pages offer, oldest first: stored months inside ``periods``' window."""
    return periods.shown_months(queries.months(get_store()))


@st.cache_data(show_spinner=False)
def months_left_out() -> list[dt.date]:
    """Stored months outside the window the pages show (e.g. December 9999): named, not shown."""
    return [m for m in queries.months(get_store()) if not periods.in_window(m)]


@st.cache_data(show_spinner=False)
def month_completeness() -> pd.DataFrame:
    """Each shown month's coverage and whether its data is complete (``qa_core.rules.completeness``)."""
    return completeness.month_completeness(get_store())


def partial_months() -> list[dt.date]:
    """Shown months whose data is not all in yet (``qa_core.rules.completeness``)."""
    return completeness.partial_months(month_completeness())


def default_month() -> dt.date | None:
    """The month a page opens on: the latest whose data is complete, not a far-future outlier
    (see ``periods.default_month``), so an import of a new month's first audits moves no page."""
    return periods.default_month(months(), partial=partial_months())


@st.cache_data(show_spinner=False)
def services() -> pd.DataFrame:
    return queries.services(get_store())


@st.cache_data(show_spinner=False)
def indicator_summary(month: dt.date, service_id: str | None) -> pd.DataFrame:
    return home.indicator_summary(get_store(), month, service_id)


@st.cache_data(show_spinner=False)
def plan_rag(month: dt.date) -> pd.DataFrame:
    return queries.plan_rag_counts(get_store(), month)


@st.cache_data(show_spinner=False)
def risks_as_at(month: dt.date) -> pd.DataFrame:
    """The register as last reviewed in or before ``month``'s quarter (empty if none)."""
    store = get_store()
    this_quarter = periods.quarter_of(month)
    reviewed = [q for q in periods.shown_quarters(queries.quarters(store)) if q <= this_quarter]
    return risk_register.risks_report(store, reviewed[-1]) if reviewed else pd.DataFrame()


@st.cache_data(show_spinner=False)
def clinic_measures(service_id: str, month: dt.date) -> pd.DataFrame:
    return clinic.clinic_measures(get_store(), service_id, month)


@st.cache_data(show_spinner=False)
def service_series(code: str, service_id: str, until: dt.date) -> pd.DataFrame:
    frame = queries.indicator_series(get_store(), code, "service", service_id)
    months = pd.to_datetime(frame["period"]).dt.date
    return frame.loc[((months <= until) & months.map(periods.in_window)).astype(bool)].reset_index(drop=True)


@st.cache_data(show_spinner=False)
def team_breakdown(code: str, service_id: str, month: dt.date, viewer: Viewer) -> pd.DataFrame:
    return clinic.team_breakdown(get_store(), code, service_id, month, viewer)


@st.cache_data(show_spinner=False)
def commentary(code: str, service_id: str, month: dt.date) -> pd.DataFrame:
    return queries.commentary(get_store(), code, "service", service_id, month)


@st.cache_data(show_spinner=False)
def service_audits(service_id: str, month: dt.date, by: str | None) -> pd.DataFrame:
    return audit_grades.audits_report(get_store(), month=month, by=by, service_id=service_id)


@st.cache_data(show_spinner=False)
def clinic_actions(service_id: str, month: dt.date, viewer: Viewer) -> pd.DataFrame:
    """The service's clinic actions; owners "withheld" unless ``viewer`` sees the service's detail."""
    return clinic.actions(get_store(), service_id, month, viewer)


@st.cache_data(show_spinner=False)
def teams() -> pd.DataFrame:
    return queries.teams(get_store())


def clinic_header(service_id: str, month: dt.date, measures: pd.DataFrame) -> dict:
    """The clinic's heading figures (service, head of service, RAG counts) for ``measures``."""
    return clinic.clinic_header(get_store(), service_id, month, measures)


def record_clinic_action(action: dict, viewer: Viewer) -> str:
    """Record a clinic action (``clinic.record_action``: checked, refused unless ``viewer`` may);
    its id. The caller clears the caches."""
    return clinic.record_action(get_store(), action, viewer)


def complete_clinic_action(action_id: str, done_on: dt.date, viewer: Viewer) -> None:
    """Mark a clinic action done (``clinic.complete_action``). The caller clears the caches."""
    clinic.complete_action(get_store(), action_id, done_on, viewer)
