"""The charts' colours: the Government Analysis Function's accessible palette, the text and
grid colours every figure uses, and WCAG 2.2's contrast arithmetic that checks them
(tests/unit/test_contrast.py).

>>> round(contrast_ratio(DARK_BLUE, "#ffffff"), 1)
10.2
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

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
#: Chart text (titles, labels) and the light grid lines behind the data.
TEXT = "#0b0c0c"
GRID = "#e5e5e5"
#: Plotly's options for every chart on the pages: no Plotly logo in the toolbar.
CONFIG = {"displaylogo": False}


@dataclass(frozen=True)
class ChartSizes:
    """Text sizes (px), marker and line scale for the charts: normal, or large type for a shared
    screen (a projector read from the back of a room: axis text 18 px or more)."""

    large: bool
    text: int  #: axis ticks, axis titles, legend
    title: int
    note: int  #: annotations (process changes, panel labels)
    marker: float  #: times each marker's normal size
    line: float  #: times each line's normal width
    title_chars: int  #: characters to a title line before it wraps (large type only)


NORMAL_SIZES = ChartSizes(large=False, text=14, title=18, note=12, marker=1.0, line=1.0, title_chars=0)
LARGE_SIZES = ChartSizes(large=True, text=20, title=22, note=18, marker=1.6, line=1.8, title_chars=40)
#: The height (px) kept clear above a large-type title for Plotly's toolbar and Streamlit's.
TOOLBAR_BAND = 36


def chart_sizes(large: bool) -> ChartSizes:
    """The sizes for normal or large type (``ui.filters.large_type`` says which is on)."""
    return LARGE_SIZES if large else NORMAL_SIZES


def title_lines(title: str, sizes: ChartSizes) -> str:
    """A chart title broken into lines (``<br>``) that fit a half-width chart in large type, so
    it is never cut off at the right; unchanged in normal type. Breaks only between words."""
    if not sizes.large or sizes.title_chars <= 0:
        return title
    return "<br>".join(line for part in title.split("<br>") for line in textwrap.wrap(part, sizes.title_chars)) or title


def legend_rows(traces: list[dict], sizes: ChartSizes, width: int = 520) -> int:
    """How many rows a horizontal legend of ``traces`` takes on a chart ``width`` px wide (the
    narrowest a chart is drawn at in large type: a column beside a table)."""
    rows, used = 0, width
    for trace in traces:
        if trace.get("showlegend") is False or not trace.get("name"):
            continue
        item = 45 + 0.55 * sizes.text * len(str(trace["name"]))
        if used + item > width:
            rows, used = rows + 1, 0
        used += item
    return rows


def sized_layout(layout: dict, sizes: ChartSizes, legend: int = 0) -> dict:
    """``layout`` (a Plotly layout as a dict) in large type: axis ticks, axis titles and legend at
    ``sizes.text``; the title wrapped and placed below a band kept clear for the toolbars
    (hovering a chart shows them over its top edge); margins and height grown so the plot keeps
    its size, and the legend (``legend`` rows, below the plot) clear of the axis labels.
    Normal type: ``layout`` unchanged."""
    if not sizes.large:
        return layout
    for axis in [key for key in layout if key.startswith(("xaxis", "yaxis"))] or ["xaxis", "yaxis"]:
        spec = layout.setdefault(axis, {})
        spec["tickfont"] = {**spec.get("tickfont", {}), "size": sizes.text}
        if isinstance(spec.get("title"), dict):
            spec["title"]["font"] = {**spec["title"].get("font", {}), "size": sizes.text}
        elif isinstance(spec.get("title"), str):
            spec["title"] = dict(text=spec["title"], font=dict(size=sizes.text))
    layout["font"] = {**layout.get("font", {}), "size": sizes.text, "color": TEXT}
    for note in layout.get("annotations", []):
        note["font"] = {**note.get("font", {}), "size": sizes.note}
    margin = {"l": 60, "r": 20, "t": 60, "b": 40, **layout.get("margin", {})}
    plot = max(layout.get("height", 420) - margin["t"] - margin["b"], 300)
    title = layout.get("title", {})
    words = title.get("text") if isinstance(title, dict) else title
    if words:
        wrapped = title_lines(str(words), sizes)
        margin["t"] = TOOLBAR_BAND + round((wrapped.count("<br>") + 1) * sizes.title * 1.3) + 16
    ticks = round(sizes.text * 2.2) + (round(sizes.text * 1.6) if _has_title(layout.get("xaxis", {})) else 0)
    margin["l"] = max(margin["l"], round(sizes.text * 4.5))
    margin["b"] = ticks + round(legend * sizes.text * 1.5) + 12
    height = plot + margin["t"] + margin["b"]
    layout.update(margin=margin, height=height)
    if words:
        layout["title"] = dict(
            text=wrapped,
            font=dict(size=sizes.title, color=TEXT),
            x=0,
            xref="paper",
            xanchor="left",
            y=1 - TOOLBAR_BAND / height,
            yref="container",
            yanchor="top",
        )
    layout["legend"] = {**layout.get("legend", {}), "font": dict(size=sizes.text)}
    if legend and layout["legend"].get("orientation") == "h":
        layout["legend"].update(yanchor="top", y=-(ticks + 4) / plot)
    return layout


def _has_title(axis: dict) -> bool:
    title = axis.get("title")
    return bool(title.get("text") if isinstance(title, dict) else title)


def sized_traces(traces: list[dict], sizes: ChartSizes) -> list[dict]:
    """``traces`` (Plotly traces as dicts) with marker sizes and line widths scaled for large type."""
    if not sizes.large:
        return traces
    for trace in traces:
        marker, line = trace.get("marker"), trace.get("line")
        if isinstance(marker, dict) and "size" in marker and marker["size"] > 2:  # not a 1 px error-bar carrier
            trace["marker"] = {**marker, "size": round(marker["size"] * sizes.marker, 1)}
        if isinstance(line, dict) and "width" in line and line["width"] > 0:
            trace["line"] = {**line, "width": round(line["width"] * sizes.line, 1)}
    return traces


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#rrggbb`` colour (0 black to 1 white)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white); text needs
    4.5, adjacent chart colours and other graphics 3."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(colour: str, opacity: float, under: str = "#ffffff") -> str:
    """The colour seen when ``colour`` is drawn at ``opacity`` over ``under`` (a shaded band)."""
    top = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    bottom = [int(under.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(opacity * t + (1 - opacity) * b):02x}" for t, b in zip(top, bottom, strict=True))


def sized_figure(fig: go.Figure, sizes: ChartSizes) -> go.Figure:
    """A built figure in large type (``sized_traces`` and ``sized_layout``); as it was in normal."""
    if not sizes.large:
        return fig
    spec = fig.to_plotly_json()
    traces = sized_traces(spec["data"], sizes)
    return go.Figure(
        {"data": traces, "layout": sized_layout(spec["layout"], sizes, legend_rows(traces, sizes))}, _validate=False
    )
