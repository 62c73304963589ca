"""The shared sidebar filters (month, service), bound to the URL so a view is a link."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui import data

ALL_SERVICES = "all"
# Streamlit sizes text in rem: a larger root size scales headings, text, widgets and tables.
LARGE_TYPE_CSS = "<style>html { font-size: 22px !important; }</style>"


def month_label(month: dt.date) -> str:
    return month.strftime("%B %Y")


def sidebar() -> None:
    months = [m.strftime("%Y-%m") for m in reversed(data.months())]
    services = data.services()
    names = dict(zip(services["service_id"], services["name"], strict=True))
    with st.sidebar:
        st.selectbox("Month", months, index=0, key="month", bind="query-params",
                     format_func=lambda m: month_label(dt.date.fromisoformat(m + "-01")))
        st.selectbox("Service", [ALL_SERVICES, *names], index=0, key="service",
                     bind="query-params",
                     format_func=lambda s: "All services" if s == ALL_SERVICES else names[s])
        st.toggle("Large type (projector)", key="large", bind="query-params",
                  help="Bigger text for a shared screen, e.g. when chairing a clinic.")
    if st.session_state.get("large"):
        st.html(LARGE_TYPE_CSS)  # a constant of ours: no user text is ever rendered as HTML


def selected_month() -> dt.date:
    value = st.session_state.get("month") or data.months()[-1].strftime("%Y-%m")
    return dt.date.fromisoformat(value + "-01")


def selected_service() -> str | None:
    value = st.session_state.get("service")
    return None if value in (None, ALL_SERVICES) else value


def service_name(service_id: str | None) -> str:
    if service_id is None:
        return "All services"
    services = data.services()
    return services.loc[services["service_id"] == service_id, "name"].iloc[0]
