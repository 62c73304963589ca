"""Commentary on the chosen measure for the service and month: the current text with its author
and time, every earlier version (an edit never overwrites), and a form for those who may write it
(the service's own head of service and the assistant director; ``views.commentary`` checks again).

Commentary is typed text: it goes to ``st.text`` (``ui.long_text``), never Markdown or HTML; the
author's name goes through ``md`` on its way to a caption."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from qa_core.errors import QAError
from qa_core.roles import Viewer
from qa_core.views import commentary
from ui import clinic_data, data, long_text
from ui.safe import md

__all__ = ["written_words", "show_commentary"]

_SOURCES = {"app": "in the app", "import": "by import", "demo": "demo data", "before history": "before history"}


def written_words(author: object, when: object) -> str:
    """ "Priya Jessop, 21 Oct 2026 09:00" (stored text: escape it for Markdown)."""
    stamp = "" if when is None or pd.isna(when) else f", {pd.Timestamp(when):%d %b %Y %H:%M}"
    return f"{author}{stamp}"


def _current(code: str, service_id: str, month: dt.date) -> pd.Series | None:
    notes = clinic_data.service_commentary(service_id, month)
    found = notes[notes["code"] == code]
    return None if found.empty else found.iloc[0]


def show_commentary(
    code: str, service_id: str, month: dt.date, viewer: Viewer, default_author: str, editable: bool = True
) -> None:
    """The commentary, its history and (with ``editable`` and the role for it) the form."""
    note = _current(code, service_id, month)
    if note is None:
        st.write("No commentary recorded for this month.")
    else:
        long_text.show_text(str(note["text"]), key=f"clinic_full_note_{code}")
        st.caption(f"Written by {md(written_words(note['author'], note['updated_at']))}")
        if int(note["versions"]) > 1:
            with st.expander(f"Earlier versions ({int(note['versions']) - 1})"):
                history = clinic_data.commentary_history(code, service_id, month)
                for version in history.iloc[1:].itertuples():
                    st.caption(
                        f"Version {version.version}: {md(written_words(version.author, version.written_at))}"
                        f" ({_SOURCES.get(version.source, md(version.source))})"
                    )
                    st.text(long_text.preview(version.text))
    if not editable:
        return
    if not commentary.may_write_commentary(viewer, service_id):
        st.caption("Commentary is written by the service's head of service and the assistant director.")
        return
    with st.form(f"commentary_{code}"):
        # Prefilled for editing, unless too long for the form (e.g. a 1 MiB import): then typed afresh.
        editing = "" if note is None or len(str(note["text"])) > commentary.TEXT_CHARS else str(note["text"])
        text = st.text_area(
            "Commentary (plain text)",
            value=editing,
            max_chars=commentary.TEXT_CHARS,
            key=f"commentary_text_{code}_{month:%Y%m}",
        )
        author = st.text_input(
            "Written by", value=default_author, max_chars=commentary.AUTHOR_CHARS, key=f"commentary_author_{code}"
        )
        if st.form_submit_button("Save commentary"):
            try:
                status = clinic_data.write_commentary(code, service_id, month, text, author, viewer)
            except QAError as exc:
                st.error(md(str(exc)))
            else:
                data.clear_caches()
                st.session_state["clinic_commentary_flash"] = {
                    "added": "Commentary saved.",
                    "replaced": "Commentary saved; the earlier version is kept.",
                    "unchanged": "The commentary is unchanged.",
                }[status]
                st.rerun()
    if flash := st.session_state.pop("clinic_commentary_flash", None):
        st.success(flash)
