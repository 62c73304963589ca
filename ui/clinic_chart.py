"""The chosen measure's SPC chart on the clinic page, and the process changes behind its limits.

The chart is ``ui.figures.spc.spc_spec`` with the recorded process changes marked, plus the
published comparators as reference lines (the statistical neighbours' median and England, where
DfE publishes them) and a y-axis that starts near the data with the target in view: a series
between 85% and 95% drawn from 0 is a thin band in which no shift can be seen.

The assistant director records a process change here (``views.baselines``: only the AD may);
refusals are the view's plain sentences."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import pandas as pd
import streamlit as st

from qa_core.errors import QAError
from qa_core.roles import Viewer
from qa_core.rules.periods import month_label
from qa_core.views import baselines
from ui import clinic_data, data
from ui.data import cached
from ui.figures.palette import DARK_BLUE, TURQUOISE
from ui.figures.spc import iso_dates, spc_spec
from ui.formatters import fmt_count, fmt_number
from ui.safe import md, plain

__all__ = [
    "y_range",
    "with_references",
    "changes_table",
    "show_changes",
    "chart_title",
    "measure_spec",
    "measure_chart",
    "CHANGES_KEY",
]


def y_range(values: Iterable[object], unit: str) -> tuple[float, float] | None:
    """The y-axis range for ``values`` (the series, its limits, target and reference lines): the
    data's span with a margin of a tenth of it each side, so the axis starts near the data; never
    below 0 for data that cannot be negative, never above 100 for a percentage. None: no values.

    >>> y_range([85, 95, 90.0, None], "%")
    (84.0, 96.0)
    >>> y_range([2, 2], "count")
    (1.0, 3.0)
    """
    found = [float(v) for v in values if v is not None and not pd.isna(v) and math.isfinite(float(v))]
    if not found:
        return None
    low, high = min(found), max(found)
    pad = (high - low) / 10 if high > low else max(abs(high) / 10, 1.0)
    bottom, top = low - pad, high + pad
    if low >= 0:
        bottom = max(bottom, 0.0)
    if unit == "%":
        top = min(top, 100.0) if high <= 100 else top
    return round(bottom, 6), round(top, 6)


def with_references(
    spec: dict,
    points: pd.DataFrame,
    unit: str,
    target: float | None,
    sn_median: object,
    england: object,
    year: object,
) -> dict:
    """``spec`` (a figure as plain dicts, ``ui.figures.spc.spc_spec``) with the neighbours' median and
    England as dotted reference lines (each named in the legend with its year) and the y-axis set by
    ``y_range``: a new spec, ``spec`` is left as it was."""
    x = iso_dates(points["period"].tolist())  # as the chart's JSON writes them (``spc.iso_dates``)
    when = f" ({int(float(year))})" if year is not None and not pd.isna(year) else ""
    refs, lines = [], []
    for value, name, colour, dash in (
        (sn_median, "Neighbours' median", TURQUOISE, "dot"),
        (england, "England", DARK_BLUE, "dashdot"),
    ):
        if value is not None and not pd.isna(value) and x:
            refs.append(float(value))
            lines.append(
                dict(
                    type="scatter",
                    x=[x[0], x[-1]],
                    y=[value, value],
                    mode="lines",
                    name=f"{name}{when}: {fmt_number(value, unit)}",
                    line=dict(color=colour, width=2, dash=dash),
                    hoverinfo="skip",
                )
            )
    values = [*points["value"], *points.get("ucl", []), *points.get("lcl", []), *refs]
    if target is not None:
        values.append(target)
    span = y_range(values, unit)
    layout = spec["layout"]
    if span is not None:
        layout = {
            **layout,
            "yaxis": {**layout.get("yaxis", {}), "range": list(span), "rangemode": "normal", "autorange": False},
        }
    return {**spec, "data": [*spec["data"], *lines], "layout": layout}


def changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    """The recorded changes as the page lists them: from which month, where, why, who."""
    return pd.DataFrame(
        {
            "From": [month_label(m) for m in changes["month"]],
            "Applies to": changes["level"],
            "Reason": changes["reason"],
            "Recorded by": changes["recorded_by"],
            "Recorded on": pd.to_datetime(changes["recorded_at"]).dt.strftime("%d %b %Y"),
        }
    )


def _record(change: dict, viewer: Viewer) -> None:
    try:
        clinic_data.record_process_change(change, viewer)
    except QAError as exc:
        st.error(md(str(exc)))  # the view's plain sentence (it may quote what was typed)
    else:
        data.clear_caches()
        st.session_state["clinic_change_flash"] = f"Process change recorded from {month_label(change['month'])}."
        st.session_state[_REOPEN] = True  # its label now counts one more: open again, on the list with it
        st.rerun()


#: The "Process changes" expander's key (kept open across the rerun that records a change; a test sets it True).
CHANGES_KEY = "clinic_process_changes"
_REOPEN = "clinic_process_changes_reopen"


def show_changes(code: str, name: str, service_id: str, months: list[dt.date], viewer: Viewer) -> None:
    """The process changes that reset ``code``'s limits for the service, and (for the AD) a form to record
    one. After a change is recorded the expander opens again, with the new change on its list."""
    changes = clinic_data.process_changes(code, service_id)
    label = f"Process changes ({len(changes)})" if len(changes) else "Process changes: none recorded"
    if st.session_state.pop(_REOPEN, False):
        st.session_state[CHANGES_KEY] = True
    with st.expander(label, key=CHANGES_KEY, on_change="rerun"):  # drawn closed too: a reason typed stays typed
        _changes_body(changes, code, name, service_id, months, viewer)


def _changes_body(
    changes: pd.DataFrame, code: str, name: str, service_id: str, months: list[dt.date], viewer: Viewer
) -> None:
    """What the "Process changes" expander holds: the rule, the changes and (for the AD) the form."""
    st.caption(
        "Limits are fixed on the first 12 months and recalculated only from a recorded process change "
        "(a new service model, a restructure); each starts a new 12-month baseline."
    )
    if changes.empty:
        st.write("No process change is recorded for this measure.")
    else:
        shown = changes_table(changes)
        if not viewer.sees_cases(service_id):  # a staff name, like an action's owner
            shown = shown.drop(columns="Recorded by")
        st.dataframe(shown, hide_index=True, width="stretch")
    if not baselines.may_record_changes(viewer):
        st.caption("Process changes are recorded by the assistant director.")
        return
    with st.form("process_change", clear_on_submit=True):
        st.write(f"Record a process change to {md(name)}")
        month = st.selectbox("From the month", list(reversed(months)), format_func=month_label)
        reason = st.text_area("Reason (what changed in the service)", max_chars=baselines.REASON_CHARS)
        council = st.checkbox("It applies to the whole council (every service's chart)")
        who = st.text_input("Recorded by", value="Assistant Director", max_chars=baselines.NAME_CHARS)
        if st.form_submit_button("Record the process change"):
            _record(
                {
                    "code": code,
                    "service_id": None if council else service_id,
                    "month": month,
                    "reason": reason,
                    "recorded_by": who,
                },
                viewer,
            )


def chart_title(name: str, value_text: str, label: str, count_text: str, rag: object, variation: str) -> str:
    """The chart's title (Plotly HTML: stored text escaped)."""
    title = f"{plain(name)}: {value_text} in {label}" + (f" ({count_text})" if count_text else "")
    return title + f", {rag or 'no target'}; {variation.lower()}"


@cached
def measure_chart(code: str, service_id: str, month: dt.date, label: str, large: bool) -> dict:
    """The measure's chart (:func:`measure_spec`) for the month, once per data version, label and type size."""
    row, _, points, changes = clinic_data.measure_view(code, service_id, month)
    return measure_spec(row, points, changes, label, large)


def measure_spec(row: pd.Series, points: pd.DataFrame, changes: list, label: str, large: bool | None = None) -> dict:
    """The chosen measure's SPC chart: the changes marked, comparators as reference lines, the
    y-axis near the data (``row``: a row of the clinic's measures; ``large``: large type, None: the
    sidebar's switch). A figure as plain dicts, for
    ``ui.figures.handover.spec_figure``: no ``go.Figure`` is built (its constructor and Plotly's
    validated ``add_scatter``/``update_yaxes`` were a tenth of a clinic run, issue 14)."""
    unit = row["unit"]
    target = None if pd.isna(row["target"]) else float(row["target"])
    count = fmt_count(row["numerator"], row["denominator"]) if unit == "%" else ""
    title = chart_title(row["name"], fmt_number(row["value"], unit), label, count, row["rag"], row["variation"])
    spec = spc_spec(
        points,
        title,
        plain(unit),
        target,
        f"Target: {fmt_number(target, unit)}" if target is not None else "Target",
        changes=changes,
        large=large,
    )
    return with_references(
        spec, points, unit, target, row.get("sn_median"), row.get("england"), row.get("comparator_year")
    )
