"""The viewer of this session: who is signed in, as which role. (Stub: always the assistant
director until sign-in and the local demo role picker are built.)"""

from __future__ import annotations

import streamlit as st

from qa_core.roles import Viewer


def current_viewer() -> Viewer:
    """The session's Viewer, set by dashboard.py before the page runs."""
    viewer = st.session_state.get("viewer")
    return viewer if isinstance(viewer, Viewer) else Viewer()


def require_page(page: str) -> Viewer:
    """The viewer, after stopping the page with a message if their role may not open it
    (navigation already hides such pages; this guards a page run any other way)."""
    viewer = current_viewer()
    if not viewer.can_open(page):
        st.error(f"Your role ({viewer.describe()}) cannot see this page.")
        st.stop()
    return viewer
