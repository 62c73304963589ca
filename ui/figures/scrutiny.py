"""The scrutiny report card's figure: one measure's quarterly values on a time axis, with the
target and the published comparators (neighbours' median, England) as labelled lines."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from qa_core.rules import periods
from qa_core.rules.formatting import round_half_up
from qa_core.views import scrutiny
from ui.figures import palette
from ui.figures.palette import DARK_BLUE, GREY, ORANGE, PINK, TURQUOISE
from ui.safe import plain

SHORT_SERIES = 6  # quarters: up to this many are labelled one by one, longer series by year

# fmt: off
# (The figure spec keeps the dense layout it had on the page.)


def reference_lines(row: Mapping[str, Any]) -> list[tuple[str, float, str, str]]:
    """(legend label, value, colour, dash) for the target and the published comparators."""
    unit, year = row["unit"], scrutiny.published_year_label(row["comparator_year"])
    lines = []
    if not pd.isna(row["target"]):
        lines.append((f"Target: {scrutiny.format_value(row['target'], unit)}", row["target"], PINK, "dash"))
    if not pd.isna(row["sn_median"]):
        lines.append((f"Statistical neighbours (median), {year}: {scrutiny.format_value(row['sn_median'], unit)}",
                      row["sn_median"], TURQUOISE, "dot"))
    if not pd.isna(row["england"]):
        lines.append((f"England, {year}: {scrutiny.format_value(row['england'], unit)}", row["england"],
                      ORANGE, "dashdot"))
    return lines


def trend_figure(quarters: list[str], values: list[float | None], row: Mapping[str, Any], title: str, y_title: str,
                 council: str, large: bool) -> dict:
    """Quarterly values on a time axis (each point at its quarter's middle month, ticks at each
    year), with the target and the published comparators as labelled reference lines; ``values``
    are numbers, None for a gap (a withheld or hidden quarter). ``large``: large type.

    A plain dict spec, for ``ui.figures.handover.spec_figure``: no ``go.Figure`` is built (its
    constructor deep-copies and orders every property; the page tests check every spec)."""
    starts = [periods.quarter_start(q) for q in quarters]
    x = [s.replace(day=15, month=s.month + 1).isoformat() for s in starts]  # the middle month of each quarter
    start = starts[0].isoformat()
    end = periods.quarter_start(periods.shift_quarter(quarters[-1], 1)).isoformat()
    values = [None if v is None or math.isnan(v) else round_half_up(float(v), 2) for v in values]
    short = [periods.quarter_short_label(q) for q in quarters]
    traces = [dict(
        type="scatter", x=x, y=values, mode="lines+markers", name=f"{plain(council)}, each quarter",
        line=dict(color=DARK_BLUE, width=2.5), marker=dict(color=DARK_BLUE, size=8), connectgaps=False,
        customdata=short, hovertemplate="%{customdata}: %{y:.1f}<extra></extra>")]
    traces += [dict(type="scatter", x=[start, end], y=[value, value], mode="lines", name=label,
                    line=dict(color=colour, width=2, dash=dash), hoverinfo="skip")
               for label, value, colour, dash in reference_lines(row)]
    layout = dict(
        title=dict(text=plain(title), font=dict(size=16, color="#0b0c0c")), showlegend=True,
        height=420, margin=dict(l=60, r=20, t=50, b=40),
        legend=dict(orientation="h", yanchor="top", y=-0.1, x=0),
        plot_bgcolor="white", font=dict(size=13, color="#0b0c0c"),
        xaxis=dict(type="date", range=[start, end], linecolor=GREY, showgrid=True, gridcolor="#e5e5e5",
                   **(dict(tickvals=x, ticktext=short) if len(x) <= SHORT_SERIES else
                      dict(dtick="M12", tick0="2000-01-01", tickformat="%Y", ticklabelmode="period"))),
        yaxis=dict(title=dict(text=y_title), gridcolor="#e5e5e5", rangemode="tozero", linecolor=GREY),
    )
    sizes = palette.chart_sizes(large)  # large type: larger text, markers and lines
    traces = palette.sized_traces(traces, sizes)
    return dict(data=traces, layout=palette.sized_layout(layout, sizes, palette.legend_rows(traces, sizes)))
