"""Page start-up, once: every page in ``app_pages/`` begins with ``start(key)``.

It checks the viewer's role (``ui.auth.require_page``: a page reached some other way than the
navigation still refuses a role that may not open it), reads the sidebar filters the page reads
according to the page registry (``qa_core.pages``), and draws the page's title. The page then
asks for its frames with those values and draws them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from qa_core.pages import page
from qa_core.roles import Viewer
from ui import auth, filters

__all__ = ["PageStart", "start"]


@dataclass(frozen=True)
class PageStart:
    """Who is looking and the sidebar filters the page reads (None for a filter it does not)."""

    viewer: Viewer
    month: dt.date | None = None
    service_id: str | None = None

    @property
    def month_label(self) -> str:
        """The month in words, "October 2026"."""
        return filters.month_label(self.month)

    @property
    def service_name(self) -> str:
        """The service's name (stored text: escape it for Markdown), or "All services"."""
        return filters.service_name(self.service_id)


def start(key: str, title: str | None = None, anchor: str | bool | None = False,
          needs_service: str | None = None) -> PageStart:  # fmt: skip
    """Start the page ``key``: stop with a message unless the viewer's role may open it, read the
    filters the registry says it reads, and draw its title (``title``, else the registry's; Markdown:
    escape stored text in it). ``needs_service``: the message that stops the page when the sidebar
    shows all services."""
    viewer = auth.require_page(key)
    reads = page(key).filters
    month = filters.selected_month() if "month" in reads else None
    service_id = filters.selected_service() if "service" in reads else None
    st.title(page(key).title if title is None else title, anchor=anchor)
    if needs_service and service_id is None:
        st.info(needs_service)
        st.stop()
    return PageStart(viewer, month, service_id)
