"""The clinic's "records behind this number" for an Annex A measure (AA_ codes): the children's records
the selected figure counted, pseudonymised, for roles with case-level rights only (the rows are
filtered in the query by ``Viewer.case_filter``; a role without case rights is told so and sees none).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from qa_core.io.annex_a import CODES
from qa_core.roles import Viewer
from qa_core.views import annex_a_records
from ui import data
from ui.components import csv_bytes

__all__ = ["records_section"]


@st.cache_data(show_spinner=False)
def _records(code: str, service_id: str, month: dt.date, viewer: Viewer) -> pd.DataFrame:
    return annex_a_records.records_behind(data.get_store(), code, month, service_id=service_id, viewer=viewer)


@st.cache_data(show_spinner=False)
def _total(code: str, service_id: str, month: dt.date) -> dict[str, int]:
    return annex_a_records.records_total(data.get_store(), code, month, service_id=service_id)


def _table(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    labels = annex_a_records.record_labels(code)
    table = frame[list(labels)].copy()
    for column in ("birth_month",):
        table[column] = pd.to_datetime(table[column]).dt.strftime("%b %Y").fillna("")
    for column in ("start_date", "end_date", "review_date"):
        if column in table:
            table[column] = pd.to_datetime(table[column]).dt.strftime("%d/%m/%Y").fillna("")
    if "met" in table:
        table["met"] = table["met"].map({True: "Yes", False: "No"}).fillna("")
    if "working_days" in table:
        table["working_days"] = table["working_days"].astype("Int64").astype("string").fillna("")
    table["worker"] = table["worker"].fillna("")
    return table.rename(columns=labels)


def records_section(viewer: Viewer, code: str, service_id: str, month: dt.date, label: str) -> None:
    """Under the clinic's measure in detail: the records behind an Annex A figure (nothing for other codes)."""
    if code not in CODES:
        return
    total = _total(code, service_id, month)
    with st.expander(f"The children's records behind this number ({total['records']:,})"):
        if not viewer.sees_any_cases:
            st.write(
                "These are case-level records: they are shown to the assistant director, the QA lead, and a "
                "head of service or team manager for their own service or team."
            )
            return
        frame = _records(code, service_id, month, viewer)
        st.caption(
            f"Every record counted in this figure for {label}, from the council's Annex A. Children are "
            "shown by a pseudonym (the same child has the same one in every list); dates of birth by month. "
            "Records not counted in the numerator come first."
        )
        if len(frame) < total["records"]:
            st.write(
                f"You see {len(frame):,} of the {total['records']:,} records: those of the "
                f"{'team' if viewer.role == 'team_manager' else 'service'} whose cases your role sees."
            )
        if frame.empty:
            st.write("No records to show.")
            return
        table = _table(frame, code)
        st.dataframe(table, hide_index=True, width="stretch")
        if viewer.may_export_cases:
            st.download_button(
                "Download these records (CSV)",
                csv_bytes(table),
                file_name=f"{code}-{service_id}-{month:%Y-%m}-records.csv",
                mime="text/csv",
                key="dl_annex_a_records",
            )
