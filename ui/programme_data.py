"""Cached wrappers for the Audit grades page's programme tabs (``qa_core.views.audit_programme``), keyed on
plain values and the viewer; the one write (recording an escalation) goes through here too, and the
caller clears the caches (``ui.data.clear_caches``)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from qa_core.roles import Viewer
from qa_core.views import audit_programme
from ui.data import get_store


@st.cache_data(show_spinner=False)
def tool_results(month: dt.date, service_id: str | None, window: int) -> pd.DataFrame:
    return audit_programme.tool_results(get_store(), month, service_id, window)


@st.cache_data(show_spinner=False)
def area_results(month: dt.date, service_id: str | None, window: int) -> pd.DataFrame:
    return audit_programme.area_results(get_store(), month, service_id, window)


@st.cache_data(show_spinner=False)
def theme_results(month: dt.date, service_id: str | None) -> pd.DataFrame:
    return audit_programme.theme_results(get_store(), month, service_id, 12)


@st.cache_data(show_spinner=False)
def theme_coverage(month: dt.date) -> tuple[pd.DataFrame, int, list[dt.date]]:
    return audit_programme.theme_coverage(get_store(), month)


@st.cache_data(show_spinner=False)
def remedial_counts(month: dt.date, service_id: str | None) -> dict[str, int]:
    return audit_programme.remedial_counts(get_store(), month, service_id, 1)


@st.cache_data(show_spinner=False)
def remedial_actions(month: dt.date, service_id: str | None, viewer: Viewer) -> pd.DataFrame:
    return audit_programme.remedial_actions(get_store(), month, service_id, 1, viewer)


@st.cache_data(show_spinner=False)
def escalation_counts(month: dt.date, service_id: str | None) -> dict[str, int]:
    return audit_programme.escalation_counts(get_store(), month, service_id)


@st.cache_data(show_spinner=False)
def escalation_record(month: dt.date, service_id: str | None, viewer: Viewer) -> pd.DataFrame:
    return audit_programme.escalation_record(get_store(), month, service_id, viewer)


@st.cache_data(show_spinner=False)
def targets_in_force(month: dt.date) -> dict[str, float | None]:
    store = get_store()
    return {
        name: audit_programme.target(store, name, month)
        for name in (
            "auditors",
            "moderators",
            "escalation_working_days",
            "remedial_working_days",
            "theme_audits_per_year",
        )
    }


def record_escalation(audit_id: str, notify_role: str, told_on: dt.date, told_name: str | None, viewer: Viewer) -> None:
    """Record that someone was told of an audit's grade (checked and refused as the view says)."""
    audit_programme.record_escalation(get_store(), audit_id, notify_role, told_on, told_name, viewer)


@st.cache_data(show_spinner=False)
def capacity(month: dt.date) -> pd.DataFrame:
    return audit_programme.capacity(get_store(), month, 12)


@st.cache_data(show_spinner=False)
def exemptions(month: dt.date, viewer: Viewer) -> pd.DataFrame:
    return audit_programme.exemptions(get_store(), month, 12, viewer)


@st.cache_data(show_spinner=False)
def tier2_allocations(month: dt.date, viewer: Viewer) -> pd.DataFrame:
    return audit_programme.tier2_allocations(get_store(), month, viewer)


@st.cache_data(show_spinner=False)
def tier2_summary(month: dt.date) -> dict[str, int]:
    return audit_programme.tier2_summary(get_store(), month)
