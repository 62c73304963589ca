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
PURPLE = "#A285D1"
#: The Analysis Function's categorical order: each colour has 3:1 contrast with the next one and
#: with white (.streamlit/config.toml gives Streamlit's own charts the same list).
CATEGORICAL = (DARK_BLUE, TURQUOISE, PINK, ORANGE, GREY, PURPLE)

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


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#rrggbb`` colour (0 black to 1 white)."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white); text needs
    4.5, adjacent chart colours and other graphics 3."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(colour: str, opacity: float, under: str = "#ffffff") -> str:
    """The colour seen when ``colour`` is drawn at ``opacity`` over ``under`` (a shaded band)."""
    top = [int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    bottom = [int(under.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(opacity * t + (1 - opacity) * b):02x}" for t, b in zip(top, bottom, strict=True))
