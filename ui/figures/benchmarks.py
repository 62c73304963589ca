"""Figures for the Benchmarks page: one measure year by year for an LA against its neighbours'
median, its region and England, and the LA against each neighbour (bars, best at the top).
Titles and labels quote published names, so they go through ``ui.safe.plain``."""

from __future__ import annotations

import textwrap

import pandas as pd

from ui.figures.palette import (
    DARK_BLUE,
    GREY,
    NORMAL_SIZES,
    ORANGE,
    TURQUOISE,
    ChartSizes,
    legend_rows,
    sized_layout,
    sized_traces,
)
from ui.formatters import published_number
from ui.safe import plain

# fmt: off
# (The figure specs keep the dense layout they had on the page.)


#: Characters to a title line: the charts sit side by side, about 400 px wide, and a title at 17 px
#: wider than that was cut off at the right.
TITLE_CHARS = 45
#: The narrowest the charts are drawn (px), for how many rows their legend takes.
CHART_WIDTH = 400


def wrapped(title: str, width: int = TITLE_CHARS) -> str:
    return "<br>".join(textwrap.wrap(title, width))


def layout(title: str, height: int, **extra) -> dict:
    """A chart's layout; the title (it quotes stored names) has its HTML escaped for Plotly."""
    return dict(title=dict(text=wrapped(plain(title)), font=dict(size=17, color="#0b0c0c")), height=height,
                plot_bgcolor="white", font=dict(size=14, color="#0b0c0c"),
                margin=dict(l=60, r=40, t=40 + 24 * len(textwrap.wrap(title, TITLE_CHARS)), b=40), **extra)


def _placed(spec: dict, sizes: ChartSizes, title: str) -> dict:
    """The legend below the plot and clear of the x axis's labels and title, however many rows it
    takes on a chart side by side with another (a legend placed at a fixed fraction of the plot's
    height covered the years of the trend and the bars' axis title); in large type, the page's
    large-type sizes (``palette.sized_layout``, which wraps ``title`` for them). The plot keeps its height."""
    data, lay = spec["data"], spec["layout"]
    lay["legend"] = {**lay.get("legend", {}), "orientation": "h"}
    if sizes.large:  # the page draws the charts one above the other, each the page's width
        lay["title"]["text"] = plain(title)
        sized_traces(data, sizes)
        return {"data": data, "layout": sized_layout(lay, sizes, legend_rows(data, sizes))}
    rows = legend_rows(data, sizes, CHART_WIDTH)
    margin = lay["margin"]
    plot = lay["height"] - margin["t"] - margin["b"]
    ticks = round(sizes.text * 2.2) + (round(sizes.text * 1.6) if lay.get("xaxis", {}).get("title") else 0)
    margin["b"] = ticks + round(rows * sizes.text * 1.5) + 12
    lay["height"] = plot + margin["t"] + margin["b"]
    lay["legend"].update(yanchor="top", y=-(ticks + 4) / plot)
    return spec


def trend_spec(series: pd.DataFrame, title: str, la_name: str, region: str, unit: str,
               sizes: ChartSizes = NORMAL_SIZES) -> dict:
    """The LA (solid line), its neighbours' median, its region and England, year by year
    (``views.benchmarks.la_trend`` rows); a year without a figure is a gap. A figure as plain dicts
    (``ui.figures.handover.spec_figure``: no ``go.Figure``, whose validated traces were a tenth of a run)."""
    x = series["year"].tolist()
    lines = [(la_name, "la_value", DARK_BLUE, "solid", 3, "circle"),
             ("Neighbours' median", "sn_median", ORANGE, "dash", 2, "square"),
             (region, "region_value", TURQUOISE, "dot", 2, "diamond"),
             ("England", "england_value", GREY, "dashdot", 2, "triangle-up")]
    data = [dict(type="scatter", x=x, y=series[col].tolist(), name=plain(name), mode="lines+markers",
                 line=dict(color=colour, dash=dash, width=width), marker=dict(symbol=symbol, size=8, color=colour))
            for name, col, colour, dash, width, symbol in lines]
    return _placed({"data": data,
                    "layout": layout(title, 440, yaxis=dict(title=dict(text=plain(unit)), gridcolor="#e5e5e5",
                                                           rangemode="tozero"), xaxis=dict(dtick=1))}, sizes, title)


def neighbour_bars(have: pd.DataFrame, la_name: str, la_value: float | None, polarity: str) -> tuple[pd.DataFrame, str]:
    """The bars (label, value, is_la), best at the top, and the LA's own label: each neighbour
    with a figure (``have``) and the LA when it has one (``la_value``)."""
    you = plain(f"{la_name} (selected)")  # the bars' labels are Plotly axis words and hover text
    labels, values = [plain(n) for n in have["name"].tolist()], have["value"].tolist()
    number = list(range(len(labels)))  # each bar's row label: the neighbours 0, 1, ..., the LA 0
    if la_value is not None:
        labels, values, number = [*labels, you], [*values, la_value], [*number, 0]
    # Best at the top, ties in the neighbours' order (a stable sort); sorted on plain lists, not a frame.
    order = sorted(range(len(values)), key=values.__getitem__, reverse=polarity == "Low")
    bars = pd.DataFrame({"label": [labels[i] for i in order], "value": [values[i] for i in order],
                         "is_la": [i == len(have) for i in order]}, index=[number[i] for i in order])
    return bars, you


def neighbours_spec(bars: pd.DataFrame, title: str, unit: str, median: object,
                    sizes: ChartSizes = NORMAL_SIZES) -> dict:
    """The LA (orange) against each neighbour (``neighbour_bars``), with the neighbours' median
    as a dashed line: a figure as plain dicts, as :func:`trend_spec`."""
    labels = bars["label"].tolist()
    data = [dict(type="bar", x=bars["value"].tolist(), y=labels, orientation="h",
                 marker=dict(color=[ORANGE if s else DARK_BLUE for s in bars["is_la"]]),
                 text=[published_number(v, unit) for v in bars["value"]], textposition="outside", cliponaxis=False,
                 hovertemplate="%{y}: %{text}<extra></extra>", showlegend=False)]
    if median is not None and not pd.isna(median):
        data.append(dict(type="scatter", x=[float(median)] * 2, y=[labels[0], labels[-1]], mode="lines",
                         name=f"Neighbours' median {published_number(median, unit)}",
                         line=dict(color=GREY, dash="dash", width=2), hoverinfo="name"))
    return _placed({"data": data,
                    "layout": layout(title, 150 + 34 * len(bars),
                                     xaxis=dict(title=dict(text=plain(unit)), gridcolor="#e5e5e5", rangemode="tozero"),
                                     yaxis=dict(automargin=True))}, sizes, title)
