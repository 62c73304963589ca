"""SPC (Making Data Count) charts. Special causes are marked by shape and a text label as well as
colour; the palette is the Government Analysis Function's accessible one (``palette``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ui.figures import palette
from ui.figures.palette import DARK_BLUE, GREY, ORANGE, PINK, TEXT
from ui.filters import large_type
from ui.safe import plain

# fmt: off
# (Kept in the dense layout of the other figure modules: one trace to a statement.)

MARKERS = {
    "improvement": dict(color=DARK_BLUE, symbol="triangle-up", size=11),
    "concern": dict(color=ORANGE, symbol="square", size=10),
    "neutral": dict(color=PINK, symbol="diamond", size=10),
    None: dict(color=GREY, symbol="circle", size=7),
}
LABELS = {"improvement": "Special cause: improvement", "concern": "Special cause: concern",
          "neutral": "Special cause: neither better nor worse", None: "Common cause"}


def spc_figure(points: pd.DataFrame, title: str, y_title: str, target: float | None = None,
               target_label: str = "Target", changes: Sequence[tuple[Any, str]] = (),
               large: bool | None = None) -> go.Figure:
    """:func:`spc_spec` as a ``go.Figure`` (unvalidated), for pages and tests that want a figure object."""
    return go.Figure(spc_spec(points, title, y_title, target, target_label, changes, large), _validate=False)


def spc_spec(points: pd.DataFrame, title: str, y_title: str, target: float | None = None,
             target_label: str = "Target", changes: Sequence[tuple[Any, str]] = (),
             large: bool | None = None) -> dict:
    """An SPC chart, as the plain dict ``{"data": [...], "layout": {...}}`` that
    ``ui.figures.handover.spec_figure`` hands to Streamlit with no ``go.Figure`` made, from records
    with period, value, mean, ucl, lcl, special_cause. ``changes``: the recorded process changes
    (month, reason) where its limits start again, each marked by a dashed line and its reason (stored
    text: escaped here). ``large``: large type (None: the sidebar's switch). The y axis spans the
    values, limits and target, not from 0.

    Built from plain dicts without plotly's per-property validation (it cost more than the
    page's queries); the page tests build every chart, so a bad property would show there.
    (``go.Figure``'s constructor deep-copies and orders every property: a tenth of a clinic run.)
    """
    x = iso_dates(points["period"].tolist())
    values = points["value"].tolist()
    data: list[dict] = [dict(type="scatter", x=x, y=values, mode="lines", showlegend=False,
                             line=dict(color=GREY, width=1.5), name="Value", hoverinfo="skip")]
    causes = points["special_cause"]
    for cause, style in MARKERS.items():
        mask = (causes.isna() if cause is None else causes.eq(cause)).to_numpy()
        if mask.any():
            data.append(dict(type="scatter", mode="markers", marker=style, name=LABELS[cause],
                             x=[v for v, m in zip(x, mask, strict=True) if m],
                             y=[v for v, m in zip(values, mask, strict=True) if m]))
    if points["mean"].notna().any():
        limit = dict(color=GREY, width=1, dash="dot", shape="hv")
        data += [
            dict(type="scatter", x=x, y=points["mean"].tolist(), mode="lines", name="Mean",
                 line=dict(color=GREY, width=1, dash="solid")),
            dict(type="scatter", x=x, y=points["ucl"].tolist(), mode="lines", name="Process limits", line=limit),
            dict(type="scatter", x=x, y=points["lcl"].tolist(), mode="lines", showlegend=False,
                 name="Lower process limit", line=limit),
        ]
    if target is not None:
        data.append(dict(type="scatter", x=[x[0], x[-1]], y=[target, target], mode="lines", name=target_label,
                         line=dict(color=PINK, width=2, dash="dash")))
    layout = dict(
        title=dict(text=title, font=dict(size=18, color="#0b0c0c")),
        yaxis=dict(title=dict(text=y_title), gridcolor="#e5e5e5", **y_range(points, target)),
        xaxis=dict(title=dict(text=None)), height=420, margin=dict(l=60, r=20, t=60, b=40),
        legend=dict(orientation="h", yanchor="top", y=-0.12),
        plot_bgcolor="white", font=dict(size=14, color="#0b0c0c"),
    )
    if len(changes):
        layout["shapes"] = [dict(type="line", xref="x", yref="paper", x0=when, x1=when, y0=0, y1=1,
                                 line=dict(color=TEXT, width=1.5, dash="dash")) for when, _ in changes]
        layout["annotations"] = [dict(x=when, xref="x", y=1, yref="paper", xanchor="left", yanchor="top",
                                      showarrow=False, bgcolor="white", font=dict(size=12, color=TEXT),
                                      text=f"Process change: {plain(_short(reason))}") for when, reason in changes]
    sizes = palette.chart_sizes(large_type() if large is None else large)  # large type: larger text, markers, lines
    data = palette.sized_traces(data, sizes)
    layout = palette.sized_layout(layout, sizes, palette.legend_rows(data, sizes))
    return {"data": data, "layout": layout}


def iso_dates(values: list) -> list:
    """``values`` with each date or time written as Plotly's JSON writes it (``isoformat``; NaT as None),
    the rest as they are: the chart's JSON is the same, and Plotly's encoder no longer takes each
    date through its chain of failed conversions (7 ms for 600 dates, issue 14).

    >>> iso_dates([pd.Timestamp("2026-10-01"), dt.date(2026, 9, 1), pd.NaT, 3])
    ['2026-10-01T00:00:00', '2026-09-01', None, 3]
    """
    return [None if v is pd.NaT else v.isoformat() if isinstance(v, dt.date) else v for v in values]


def y_range(points: pd.DataFrame, target: float | None) -> dict:
    """The y axis from just below to just above the values, limits and target (an 85 to 95%
    series fills the chart rather than a thin band at its top); from 0 only when the data come
    within a fifth of the span of it, and never below 0 for values that cannot be negative."""
    columns = [c for c in ("value", "mean", "ucl", "lcl") if c in points]
    found = pd.concat([pd.to_numeric(points[c], errors="coerce") for c in columns]).dropna().tolist()
    found += [] if target is None else [float(target)]
    if not found:
        return dict(rangemode="tozero")
    low, high = min(found), max(found)
    pad = (high - low) * 0.08 or max(abs(high) * 0.1, 1.0)
    bottom = low - pad
    values = pd.to_numeric(points["value"], errors="coerce").dropna()
    if len(values) and values.min() >= 0 and (bottom < 0 or low <= (high - low) * 0.2):
        bottom = 0.0
    return dict(range=[bottom, high + pad], autorange=False)


def _short(reason: str, limit: int = 60) -> str:
    """A change's reason on the chart: whole when short (the table beside it has it whole)."""
    reason = " ".join(str(reason).split())
    return reason if len(reason) <= limit else reason[: limit - 1].rstrip() + "…"
