"""The shared sidebar filters (month, service), bound to the URL so a view is a link. They are
drawn only for a role with a page that reads them (not, say, for the administrator's Data page)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from qa_core.pages import FILTERED_PAGES
from qa_core.roles import Viewer
from qa_core.rules import completeness, periods
from qa_core.rules.periods import month_label  # filters.month_label: the pages' month in words
from ui import data

ALL_SERVICES = "all"
# Streamlit sizes text in rem: a larger root size scales headings, text, widgets and tables (a
# table's grid works out its text and row sizes in px when it is drawn: see _redraw_tables).
# On a shared screen: less empty margin beside the page, no heading broken inside a word, and
# no figure (st.metric) cut short with an ellipsis: it wraps instead.
LARGE_TYPE_CSS = """<style>
html { font-size: 22px !important; }
[data-testid="stMainBlockContainer"] { padding-left: 1rem !important; padding-right: 1rem !important;
  padding-top: 4rem !important; }
h1, h2, h3, h4, h5, h6, [data-testid="stHeadingWithActionElements"] {
  overflow-wrap: normal !important; word-break: keep-all !important; hyphens: none !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] *, [data-testid="stMetricLabel"],
[data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: normal !important; word-break: keep-all !important; }
[data-testid="stMetricValue"] { font-size: 1.75rem; line-height: 1.2; }
</style>"""
#: Reload the page (its address keeps the switch, month, service and measure) so every table is
#: drawn again at the new size: a table drawn before the switch keeps the size it was drawn at.
REDRAW_SCRIPT = "<script>window.location.reload();</script>"


def sidebar(viewer: Viewer | None = None) -> None:
    """Month and Service (when one of the viewer's pages reads them) and the Large type switch
    (every page). A signed-in head of service or team manager starts on their own service."""
    viewer = viewer or Viewer()
    with st.sidebar:
        if FILTERED_PAGES.intersection(viewer.pages):
            _month_and_service(viewer)
        st.toggle("Large type (projector)", key="large", bind="query-params",
                  help="Bigger text for a shared screen, e.g. when chairing a clinic.")
    if large_type():
        st.html(LARGE_TYPE_CSS)  # a constant of ours: no user text is ever rendered as HTML
    _redraw_tables()


def large_type() -> bool:
    """Whether the sidebar's Large type switch is on: the one place that reads it (the CSS above
    and the charts' sizes, ``ui.figures.palette.chart_sizes``, follow it)."""
    return bool(st.session_state.get("large"))


def _redraw_tables() -> None:
    """When the switch changes during a visit, reload the page once (``REDRAW_SCRIPT``, a
    constant): the tables' grids size their text when drawn, so without it a table drawn before
    the switch stays small in large type (and large after it is turned off)."""
    shown = st.session_state.get("_large_drawn")
    st.session_state["_large_drawn"] = large_type()
    if shown is not None and shown != large_type():
        st.html(REDRAW_SCRIPT, unsafe_allow_javascript=True)


def _month_and_service(viewer: Viewer) -> None:
    months, labels = data.month_options()
    default = data.default_month()
    names = data.service_names()
    options = [ALL_SERVICES, *names]
    # Only for a signed-in viewer: in the local demo the role changes mid-session and the filter
    # should stay where the user put it (the role picker points it at the new role's service
    # when the picker changes: ui.auth._follow_role).
    own = viewer.scope_service if viewer.who else None
    partial = {periods.month_key(m) for m in data.partial_months()}
    if "month" not in st.session_state:  # a first visit: the link's month, with or without "(partial)"
        linked = _month_of_label(st.query_params.get("month"))
        if linked in months:
            st.session_state["month"] = linked
    if st.session_state.get("month") is not None and st.session_state["month"] not in months:
        del st.session_state["month"]  # e.g. a link to a month outside the window: fall back to the default
    st.selectbox("Month", months, index=months.index(periods.month_key(default)) if default else 0, key="month",
                 bind="query-params", format_func=lambda m: _month_option(m, partial, labels),
                 help=f"Pages open on the latest month whose data is complete. {completeness.RULE_TEXT}")
    for caption in _month_notes():
        st.caption(caption)
    st.selectbox("Service", options, index=options.index(own) if own in options else 0, key="service",
                 bind="query-params", format_func=lambda s: "All services" if s == ALL_SERVICES else names[s])


@data.cached
def _month_notes() -> list[str]:
    """The sidebar's notes under Month: why the newest months are partial, and which stored months
    are left out; worked out once per data version."""
    notes = []
    coverage = data.month_completeness()
    done = completeness.complete_to(coverage)
    later = coverage[coverage["month"] > done] if done is not None else coverage.iloc[0:0]
    if not later.empty:  # the newest months are partial: say why, so the default month is explained
        notes.append(f"Data complete to {month_label(done)}: {completeness.partial_words(later.iloc[-1])}.")
    left_out = data.months_left_out()
    if left_out:
        span = month_label(left_out[0]) + (f" to {month_label(left_out[-1])}" if len(left_out) > 1 else "")
        notes.append(f"Left out: figures or audits for {len(left_out)} month{'s' * (len(left_out) > 1)} ({span}) "
                     f"outside the months the pages show, {periods.WINDOW_TEXT}. Correct those dates and "
                     "import the file again.")
    return notes


def _month_of_label(text: object) -> str | None:
    """'2026-11' for a link's 'November 2026' or 'November 2026 (partial)' (the label changes when the
    month's data completes, so a link made either side of that still opens the month); else None."""
    if not isinstance(text, str):
        return None
    try:
        return periods.month_key(dt.datetime.strptime(text.removesuffix(" (partial)").strip(), "%B %Y").date())
    except ValueError:
        return None


def _month_option(key: str, partial: set[str], labels: dict[str, str]) -> str:
    """'November 2026', or 'November 2026 (partial)' for a month whose data is not all in (the
    labels worked out once per data version: ``data.month_options``)."""
    return labels.get(key, key) + (" (partial)" if key in partial else "")


def selected_month() -> dt.date:
    """The sidebar's month; else the default month (never a month outside the pages' window).
    When that month's data is partial, the page says so at the top (a warning)."""
    value = st.session_state.get("month")
    offered = data.months()
    if value and any(periods.month_key(m) == value for m in offered):
        month = dt.date.fromisoformat(value + "-01")
    else:
        month = data.default_month() or dt.date.today().replace(day=1)
    note = data.partial_note(month)
    if note:
        st.warning(note, icon=":material/hourglass_top:")
    return month


def selected_service() -> str | None:
    value = st.session_state.get("service")
    return None if value in (None, ALL_SERVICES) else value


def service_name(service_id: str | None) -> str:
    if service_id is None:
        return "All services"
    return data.service_names()[service_id]
