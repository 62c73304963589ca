"""Plotly figure builders. Special causes are marked by shape and a text label as well as
colour; the palette is the Government Analysis Function's accessible one."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

DARK_BLUE = "#12436D"
ORANGE = "#F46A25"
GREY = "#3D3D3D"
TURQUOISE = "#28A197"
PINK = "#801650"

MARKERS = {
    "improvement": dict(color=DARK_BLUE, symbol="triangle-up", size=11),
    "concern": dict(color=ORANGE, symbol="square", size=10),
    "neutral": dict(color=PINK, symbol="diamond", size=10),
    None: dict(color=GREY, symbol="circle", size=7),
}
LABELS = {"improvement": "Special cause: improvement", "concern": "Special cause: concern",
          "neutral": "Special cause: neither better nor worse", None: "Common cause"}


def spc_figure(points: pd.DataFrame, title: str, y_title: str, target: float | None = None,
               target_label: str = "Target") -> go.Figure:
    """An SPC chart from records with period, value, mean, ucl, lcl, special_cause."""
    fig = go.Figure()
    x = points["period"]
    fig.add_trace(go.Scatter(x=x, y=points["value"], mode="lines", line=dict(color=GREY, width=1.5),
                             name="Value", showlegend=False, hoverinfo="skip"))
    for cause, style in MARKERS.items():
        mask = points["special_cause"].isna() if cause is None else points["special_cause"].eq(cause)
        if mask.any():
            fig.add_trace(go.Scatter(x=x[mask], y=points["value"][mask], mode="markers",
                                     marker=style, name=LABELS[cause]))
    if points["mean"].notna().any():
        fig.add_trace(go.Scatter(x=x, y=points["mean"], mode="lines", name="Mean",
                                 line=dict(color=GREY, width=1, dash="solid")))
        fig.add_trace(go.Scatter(x=x, y=points["ucl"], mode="lines", name="Process limits",
                                 line=dict(color=GREY, width=1, dash="dot", shape="hv")))
        fig.add_trace(go.Scatter(x=x, y=points["lcl"], mode="lines", showlegend=False,
                                 name="Lower process limit",
                                 line=dict(color=GREY, width=1, dash="dot", shape="hv")))
    if target is not None:
        fig.add_trace(go.Scatter(x=[x.iloc[0], x.iloc[-1]], y=[target, target], mode="lines",
                                 name=target_label, line=dict(color=PINK, width=2, dash="dash")))
    fig.update_layout(
        title=dict(text=title, font=dict(size=18, color="#0b0c0c")),
        yaxis_title=y_title, xaxis_title=None, height=420, margin=dict(l=60, r=20, t=60, b=40),
        legend=dict(orientation="h", yanchor="top", y=-0.12),
        plot_bgcolor="white", font=dict(size=14, color="#0b0c0c"),
    )
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return fig
