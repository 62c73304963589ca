"""The "papers for the meeting" on a page: one call, ``pack_buttons(kind, viewer, ...)``, gives
"Prepare pack (PDF)" and "Prepare pack (XLSX)" buttons; once prepared (with a progress bar),
each becomes "Download pack (PDF)" / "Download pack (XLSX)".

A pack is built only when asked for (never on a rerun), for the viewer looking: the library's
``build_pack`` applies the same role rules as ``python -m qa_core pack``, so what a role cannot
see never enters its pack. A prepared file is kept in the session for the same page, options and
viewer only; changing the month or service asks for a new one. The libraries are pure pip
(fpdf2, matplotlib): no browser is needed, and if they are missing the page still opens and the
buttons say what to install.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from qa_core.errors import QAError
from qa_core.roles import Viewer
from ui.data import get_store

__all__ = ["pack_buttons"]

_LABELS = {
    "clinic": "the clinic pack",
    "scrutiny": "the report card",
    "board": "the board's exception report",
    "audits": "the monthly audit report",
    "team": "the team profile",
}


def _ready(slot: str, key: tuple) -> tuple[bytes, str] | None:
    kept = st.session_state.get(slot)
    return (kept[1], kept[2]) if kept and kept[0] == key else None


def pack_buttons(
    kind: str,
    viewer: Viewer,
    *,
    month: dt.date | None = None,
    service: str | None = None,
    team: str | None = None,
    quarter: str | None = None,
) -> None:
    """The pack buttons for ``kind`` (a ``qa_core.packs.PACKS`` name) with the page's filters."""
    try:
        from qa_core import packs
    except ImportError as error:  # a machine set up before the pack libraries were added
        st.info(
            f"Meeting packs need the PDF and chart libraries ({error.name}): run `make run` again, or "
            "`pip install -r requirements.txt`, to install them.",
            icon=":material/info:",
        )
        return
    with st.container(border=True, key=f"pack_{kind}_box"):
        st.markdown(
            f":material/description: **Papers for the meeting:** {_LABELS.get(kind, 'the pack')}, as a PDF "
            "(A4) or a spreadsheet (XLSX)."
        )
        notice_board = False
        if kind == "team":
            notice_board = st.toggle(
                "Notice-board version (disclosure-controlled)",
                key=f"pack_{kind}_board",
                help="Counts of 1 to 5 shown as c; the page says how many measures are withheld.",
            )
        if kind == "scrutiny":
            st.caption(
                "The report card is always disclosure-controlled (counts of 1 to 5 shown as c), whoever prepares it."
            )
        elif kind != "team" or not notice_board:
            st.caption(
                "For council staff: figures are not disclosure-controlled. What your role cannot see on the "
                "page is left out of the pack too."
            )
        options = packs.PackOptions(month=month, service=service, team=team, quarter=quarter, notice_board=notice_board)
        key = (kind, options, viewer)
        columns = st.columns(2)
        for fmt, column in zip(("pdf", "xlsx"), columns, strict=True):
            slot = f"pack_{kind}_{fmt}"
            with column:
                ready = _ready(slot, key)
                if ready:
                    st.download_button(
                        f"Download pack ({fmt.upper()})",
                        ready[0],
                        file_name=ready[1],
                        mime=packs.MIME[fmt],
                        key=f"{slot}_download",
                        icon=":material/download:",
                        type="primary",
                    )
                elif st.button(f"Prepare pack ({fmt.upper()})", key=f"{slot}_prepare"):
                    _prepare(packs, kind, options, viewer, fmt, slot, key)


def _prepare(packs, kind: str, options, viewer: Viewer, fmt: str, slot: str, key: tuple) -> None:
    """Build the pack with a progress bar, keep it for this session and rerun to offer it."""
    with st.status(f"Preparing the {fmt.upper()} pack…", expanded=True) as status:
        bar = st.progress(0.0, text="Starting")

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        try:
            pack = packs.build_pack(get_store(), kind, options, viewer, progress=progress)
            bar.progress(1.0, text=f"Writing the {fmt.upper()} file")
            data = packs.pack_bytes(pack, fmt)
        except QAError as error:
            status.update(label="The pack could not be prepared", state="error")
            st.error(str(error))  # the library's plain message
            return
        status.update(label=f"The {fmt.upper()} pack is ready", state="complete")
    st.session_state[slot] = (key, data, packs.file_name(pack, fmt))
    st.rerun()
