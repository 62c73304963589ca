"""Cached wrappers for the Audit grades page, keyed on plain values (dates, strings, ints).

Each calls ``qa_core.audit_reports`` on the one store connection (``ui.data.get_store``);
``ui.data.clear_caches`` clears these too (it clears every ``st.cache_data``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from qa_core import audit_reports
from qa_core.audits import GRADES, INADEQUATE
from ui import data
from ui.data import get_store


@st.cache_data(show_spinner=False)
def monthly_grades(month: dt.date, service_id: str | None) -> pd.DataFrame:
    return audit_reports.monthly_grades(get_store(), month, service_id, months=data.months())


@st.cache_data(show_spinner=False)
def funnel(month: dt.date, service_id: str | None, window: int, by: str) -> pd.DataFrame:
    return audit_reports.funnel(get_store(), month, service_id, window, by)


@st.cache_data(show_spinner=False)
def area_drivers(month: dt.date, service_id: str | None, window: int) -> pd.DataFrame:
    return audit_reports.area_drivers(get_store(), month, service_id, window)


@st.cache_data(show_spinner=False)
def completion(month: dt.date, service_id: str | None, by: str) -> pd.DataFrame:
    return audit_reports.audit_completion(get_store(), month, service_id, by)


@st.cache_data(show_spinner=False)
def moderation(month: dt.date, service_id: str | None, window: int, by: str | None) -> pd.DataFrame:
    return audit_reports.moderation(get_store(), month, service_id, window, by)


@st.cache_data(show_spinner=False)
def moderation_grid(month: dt.date, service_id: str | None, window: int) -> pd.DataFrame:
    return audit_reports.moderation_grid(get_store(), month, service_id, window)


@st.cache_data(show_spinner=False)
def overdue_actions(month: dt.date, service_id: str | None) -> pd.DataFrame:
    return audit_reports.overdue_actions(get_store(), month, service_id)


@st.cache_data(show_spinner=False)
def escalations_due(month: dt.date, service_id: str | None, every_grade: bool) -> pd.DataFrame:
    grades = tuple(GRADES) if every_grade else (INADEQUATE,)
    return audit_reports.escalations_due(get_store(), month, service_id, grades)
