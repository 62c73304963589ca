"""SPC (Making Data Count) charts. Special causes are marked by shape and a text label as well as
colour; the palette is the Government Analysis Function's accessible one (``palette``)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.figures.palette import DARK_BLUE, GREY, ORANGE, PINK

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
               target_label: str = "Target") -> go.Figure:
    """An SPC chart from records with period, value, mean, ucl, lcl, special_cause.

    Built from plain dicts without plotly's per-property validation (it cost more than the
    page's queries); the page tests build every chart, so a bad property would show there.
    """
    x = points["period"].tolist()
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
        yaxis=dict(title=dict(text=y_title), gridcolor="#e5e5e5", rangemode="tozero"),
        xaxis=dict(title=dict(text=None)), height=420, margin=dict(l=60, r=20, t=60, b=40),
        legend=dict(orientation="h", yanchor="top", y=-0.12),
        plot_bgcolor="white", font=dict(size=14, color="#0b0c0c"),
    )
    return go.Figure({"data": data, "layout": layout}, _validate=False)
