"""The clinic with no one service chosen ("All services"): every service's clinic at a glance,
so the assistant director opens the one that needs attention (``views.clinic_summary``). Each
service gets a card with its RAG counts, special-cause concerns, actions and last meeting, and a
button that sets the sidebar's Service filter (the page then reruns as that service's clinic).
Counts only: the same for every role that may open the clinic."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from ui import clinic_data
from ui.chart_table import download_csv
from ui.formatters import plural
from ui.safe import md

__all__ = ["summary_words", "show_services"]


def _day(value: object) -> str:
    return "none recorded" if value is None or pd.isna(value) else f"{value.day} {value:%B %Y}"


def summary_words(row: pd.Series) -> list[str]:
    """A service's clinic in short lines of plain words (our own text: numbers and the date only)."""
    rag = f"Red {row['red']} · Amber {row['amber']} · Green {row['green']} · no target {row['no_target']}"
    return [
        rag,
        f"{plural(int(row['special_cause_concern']), 'measure')} showing special-cause concern",
        f"{int(row['overdue_actions'])} overdue of {plural(int(row['open_actions']), 'open action')}",
        f"Last meeting: {_day(row['last_meeting'])}",
    ]


def _choose(service_id: str) -> None:
    """The button's callback: point the sidebar's Service filter at the service (before the rerun)."""
    st.session_state["service"] = service_id


def show_services(month: dt.date, label: str) -> None:
    """Every service's clinic for ``month``, each with a button that opens it."""
    summary = clinic_data.services_summary(month, dt.date.today())
    st.subheader(f"Every service's clinic: {label}", anchor=False)
    st.caption(
        "Choose a service to open its clinic (or choose it in the sidebar). Overdue is judged against today's date."
    )
    if summary.empty:
        st.info("There are no services in the store yet.")
        return
    columns = st.columns(3)
    for n, row in enumerate(summary.itertuples(index=False)):
        row = pd.Series(row._asdict())
        with columns[n % 3].container(border=True):
            st.markdown(f"**{md(row['service'])}**")
            st.caption(f"Head of service: {md(row['head_of_service'])}")
            st.text("\n".join(summary_words(row)))
            st.button(
                f"Open the {md(row['service'])} clinic",
                key=f"open_clinic_{row['service_id']}",
                on_click=_choose,
                args=(row["service_id"],),
                width="stretch",
            )
    table = pd.DataFrame(
        {
            "Service": summary["service"],
            "Measures": summary["measures"],
            "Red": summary["red"],
            "Amber": summary["amber"],
            "Green": summary["green"],
            "No target": summary["no_target"],
            "Special-cause concern": summary["special_cause_concern"],
            "Open actions": summary["open_actions"],
            "Overdue actions": summary["overdue_actions"],
            "Last meeting": [_day(d) if d is not None and not pd.isna(d) else "" for d in summary["last_meeting"]],
        }
    )
    with st.expander("Every service as a table"):
        st.dataframe(table, hide_index=True, width="stretch")
        download_csv(table, f"clinic-services-{month:%Y-%m}.csv", "every service's clinic", "dl_clinic_services")
