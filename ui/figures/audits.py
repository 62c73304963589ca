"""Figures for the Audit grades page: grades by month (stacked bars), the inadequate p-chart,
the funnel plot against the 10% target, the areas behind Inadequate grades and the moderation
matrix. Grades and funnel positions differ by pattern or marker shape as well as colour."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.rules.audits import GRADE_COLUMNS, GRADES, INADEQUATE_TARGET_PCT
from qa_core.views.audit_grades import funnel_limits
from ui.figures.palette import (
    DARK_BLUE,
    GREY,
    ORANGE,
    PINK,
    TURQUOISE,
    chart_sizes,
    legend_rows,
    sized_layout,
    sized_traces,
)
from ui.figures.spc import spc_spec
from ui.filters import large_type
from ui.safe import plain

TARGET = INADEQUATE_TARGET_PCT
# The theme's categorical order: each colour 3:1 or more against the next (tests/unit/test_contrast.py),
# and orange for the worst grade, as on the SPC charts.
GRADE_COLOURS = {"Outstanding": DARK_BLUE, "Good": TURQUOISE, "Requires Improvement": PINK, "Inadequate": ORANGE}
# ...and a pattern each, so the stacked segments differ by more than colour.
GRADE_PATTERNS = {"Outstanding": "", "Good": "/", "Requires Improvement": ".", "Inadequate": "x"}
#: The moderation matrix's axis words.
SHORT_GRADES = {"Outstanding": "Outstanding", "Good": "Good", "Requires Improvement": "RI", "Inadequate": "Inadequate"}
POSITION_STYLE = {  # funnel position → marker (shape and colour, and the words in the legend)
    "above the 99.8% limit": dict(color=ORANGE, symbol="square", size=13),
    "above the 95% limit": dict(color=ORANGE, symbol="triangle-up", size=12),
    "within the limits": dict(color=DARK_BLUE, symbol="circle", size=10),
    "below the 95% limit": dict(color=TURQUOISE, symbol="triangle-down", size=12),
    "below the 99.8% limit": dict(color=TURQUOISE, symbol="diamond", size=13),
}
MAX_LABELS = 30  # beyond this many points, only those outside the 95% limits are labelled

# fmt: off
# (The figure specs keep the dense layout they had on the page: one trace to a statement.)


def _layout(title: str, height: int, **rest: object) -> dict:
    """The page's chart layout as a plain dict: title, height, margins, white plot, legend below, and
    ``rest`` (the axes: give the y axis the light grid, ``gridcolor="#e5e5e5"``)."""
    return dict(**rest, title=dict(text=title, font=dict(size=17, color="#0b0c0c")), height=height,
                margin=dict(l=60, r=20, t=60, b=40), plot_bgcolor="white", font=dict(size=14, color="#0b0c0c"),
                legend=dict(orientation="h", yanchor="top", y=-0.15, traceorder="normal"))


def _sized_spec(data: list[dict], layout: dict) -> dict:
    """A figure built as plain dicts, in large type when it is on (``palette.sized_figure`` for dicts)."""
    sizes = chart_sizes(large_type())
    if sizes.large:
        data = sized_traces(data, sizes)
        layout = sized_layout(layout, sizes, legend_rows(data, sizes))
    return {"data": data, "layout": layout}


def grade_bars_figure(monthly: pd.DataFrame, title: str) -> dict:
    """Audits each month stacked by final grade (``views.audit_grades.monthly_grades`` rows), as plain
    dicts for ``handover.spec_figure``: Plotly's validation of every property (``go.Bar``,
    ``update_layout``) cost more than the page's numbers. The page tests draw every chart."""
    months = monthly["month"].to_numpy()
    data = [dict(type="bar", x=months, y=monthly[col].to_numpy(), name=g,
                 marker=dict(color=GRADE_COLOURS[g], line=dict(color="white", width=1),
                             pattern=dict(shape=GRADE_PATTERNS[g])),
                 hovertemplate=f"%{{x|%B %Y}}: %{{y}} {g}<extra></extra>")
            for g, col in zip(GRADES.values(), GRADE_COLUMNS, strict=True)]
    layout = _layout(title, 380, barmode="stack", xaxis=dict(title={}),
                     yaxis=dict(title=dict(text="Audits (final grade)"), gridcolor="#e5e5e5"))
    return _sized_spec(data, layout)


def inadequate_points(monthly: pd.DataFrame) -> pd.DataFrame:
    """The p-chart's points (period, value, mean, ucl, lcl, special_cause, in %) from
    ``views.audit_grades.monthly_grades`` rows."""
    return pd.DataFrame({
        "period": monthly["month"], "value": monthly["pct_inadequate"], "mean": monthly["p_mean"],
        "ucl": monthly["p_ucl"], "lcl": monthly["p_lcl"], "special_cause": monthly["special_cause"],
    })


def p_chart_figure(monthly: pd.DataFrame, title: str, show_ci: bool) -> dict:
    """The inadequate p-chart with its 2-sigma band and, with ``show_ci``, each month's Wilson
    95% interval, as plain dicts for ``handover.spec_figure`` (``spc_spec`` and the traces added to it)."""
    # The months as the text Plotly's JSON encoder writes for them (Timestamp.isoformat), so the encoder
    # is not called once a point for each of spc_spec's traces.
    points = inadequate_points(monthly).assign(period=[month.isoformat() for month in monthly["month"]])
    spec = spc_spec(points, title, "% of audits graded Inadequate", TARGET, "Target: no more than 10%", large=False)
    data, layout = spec["data"], spec["layout"]
    months = monthly["month"].to_numpy()
    if points["mean"].notna().any():
        band = dict(color="#b1b4b6", width=1, dash="dash", shape="hv")
        data.append(dict(type="scatter", x=months, y=monthly["p_upper_2s"].to_numpy(), mode="lines",
                         name="2-sigma band", line=band))
        data.append(dict(type="scatter", x=months, y=monthly["p_lower_2s"].to_numpy(), mode="lines",
                         showlegend=False, name="Lower 2-sigma", line=dict(band)))
    if show_ci:
        pct = monthly["pct_inadequate"]
        data.append(dict(
            type="scatter", x=months, y=pct.to_numpy(), mode="markers", name="95% interval (Wilson)",
            marker=dict(size=1, color=GREY),
            error_y=dict(type="data", symmetric=False, color=GREY, thickness=1,
                         array=(monthly["ci_high"] - pct).to_numpy(), arrayminus=(pct - monthly["ci_low"]).to_numpy())))
    layout["title"] = {**layout["title"], "font": {**layout["title"]["font"], "size": 17}}
    return _sized_spec(data, layout)  # large type: sized once every trace is in


def spread(values: np.ndarray, gap: float, high: float) -> np.ndarray:
    """Label heights near ``values`` but at least ``gap`` apart and no higher than ``high``
    (a one-dimensional label layout: sort, push up, then push down from the top)."""
    order = np.argsort(values, kind="stable")
    y = np.asarray(values, dtype="float64")[order]
    for i in range(1, len(y)):
        y[i] = max(y[i], y[i - 1] + gap)
    if len(y) and y[-1] > high:
        y[-1] = high
        for i in range(len(y) - 2, -1, -1):
            y[i] = min(y[i], y[i + 1] - gap)
    out = np.empty_like(y)
    out[order] = y
    return out


def funnel_figure(frame: pd.DataFrame, title: str, noun: str, period: str) -> tuple[dict, bool]:
    """The funnel plot as plain dicts for ``handover.spec_figure``, and whether every point carries a
    label (more than ``MAX_LABELS``: only the points beyond the 95% limits do)."""
    shown = frame[frame["total"] > 0]
    n_max = max(int(shown["total"].max()), 10)
    x_end = n_max * 1.1
    grid = funnel_limits(np.unique(np.concatenate([np.arange(1, 21), np.linspace(1, x_end, 200)])))
    labelled = shown if len(shown) <= MAX_LABELS else shown[shown["position"] != "within the limits"]
    # Show the points and the funnel's 99.8% limit at the smallest number of audits plotted.
    y_top = float(funnel_limits(shown["total"].min())["upper_998"].iloc[0])
    y_max = min(max(float(shown["pct_inadequate"].max()), y_top, 25.0) * 1.12, 105.0)
    height = max(520, 20 * len(labelled) + 260)
    line = dict(color=GREY, width=1.5)
    n = grid["n"].to_numpy()
    data = [
        dict(type="scatter", x=n, y=grid["upper_998"].to_numpy(), mode="lines", name="99.8% limits",
             line=line | dict(dash="dash"), hoverinfo="skip"),
        dict(type="scatter", x=n, y=grid["lower_998"].to_numpy(), mode="lines", showlegend=False,
             name="99.8% lower limit", line=line | dict(dash="dash"), hoverinfo="skip"),
        dict(type="scatter", x=n, y=grid["upper_95"].to_numpy(), mode="lines", name="95% limits",
             line=line | dict(dash="dot"), hoverinfo="skip"),
        dict(type="scatter", x=n, y=grid["lower_95"].to_numpy(), mode="lines", showlegend=False,
             name="95% lower limit", line=line | dict(dash="dot"), hoverinfo="skip"),
        dict(type="scatter", x=[0, x_end], y=[TARGET, TARGET], mode="lines", name="Target: 10%",
             line=dict(color=PINK, width=2, dash="dashdot"), hoverinfo="skip"),
    ]
    for position, style in POSITION_STYLE.items():
        part = shown[shown["position"] == position]
        if part.empty:
            continue
        data.append(dict(
            type="scatter", x=part["total"].to_numpy(), y=part["pct_inadequate"].to_numpy(), mode="markers",
            name=position.capitalize(), marker=style | dict(line=dict(color="white", width=1)),
            text=part["name"].map(plain).to_numpy(),
            customdata=np.stack([part["inadequate"], part["ci_low"], part["ci_high"], part["service"].map(plain)],
                                axis=1),
            hovertemplate=("%{text} (%{customdata[3]})<br>%{y:.1f}% inadequate: %{customdata[0]} of "
                           "%{x} audits<br>95% interval %{customdata[1]:.1f}% to %{customdata[2]:.1f}%"
                           "<extra></extra>")))
    # Labels in a column right of the funnel, spread so they never overlap, with a leader line.
    plot_px = height - 200
    label_y = spread(labelled["pct_inadequate"].to_numpy(), 17 * y_max / plot_px, y_max * 0.98)
    notes = [dict(x=total, y=pct, ax=x_end * 1.03, ay=y, axref="x", ayref="y",
                  text=f"{plain(name)} ({pct:.0f}%, {int(total)})", showarrow=True, arrowhead=0, arrowwidth=0.7,
                  arrowcolor="#6f777b", standoff=6, xanchor="left", font=dict(size=12, color="#0b0c0c"))
             for name, total, pct, y in zip(labelled["name"], labelled["total"].tolist(),
                                            labelled["pct_inadequate"].tolist(), label_y, strict=True)]
    layout = _layout(
        title, height,
        xaxis=dict(title=dict(text=f"Number of audits per {noun} ({period})"), range=[0, x_end * 1.42],
                   gridcolor="#e5e5e5", tickformat=",d"),
        yaxis=dict(title=dict(text="% of audits graded Inadequate"), range=[0, y_max], gridcolor="#e5e5e5"))
    if notes:
        layout["annotations"] = notes
    # Not resized for large type: its labels are spaced for their 12 px text.
    return {"data": data, "layout": layout}, len(labelled) == len(shown)


def areas_figure(areas: pd.DataFrame, title: str) -> dict:
    """For the Inadequate audits, how often each area was graded Inadequate or Requires
    Improvement (stacked bars, highest first), with how often across all audits (diamonds); plain
    dicts for ``handover.spec_figure``."""
    plot = areas.iloc[::-1]
    names = plot["area"].map(plain).to_numpy()  # axis words and hover labels
    data = [
        dict(type="bar", y=names, x=plot["pct_area_inadequate"].to_numpy(), orientation="h",
             name="Area graded Inadequate", marker=dict(color=PINK),
             text=[f"{v:.0f}% ({k} of {n})" for v, k, n in
                   zip(plot["pct_area_inadequate"], plot["area_inadequate"], plot["inadequate_audits"], strict=True)],
             textposition="inside", insidetextanchor="end", textfont=dict(color="white"),
             hovertemplate="%{y}: graded Inadequate in %{text} Inadequate audits<extra></extra>"),
        dict(type="bar", y=names, x=(100 * plot["area_ri"] / plot["inadequate_audits"]).to_numpy(), orientation="h",
             name="Area graded Requires Improvement", marker=dict(color=ORANGE, pattern=dict(shape="/")),
             customdata=plot["area_ri"].to_numpy(),
             hovertemplate="%{y}: graded Requires Improvement in %{customdata} Inadequate audits<extra></extra>"),
        dict(type="scatter", y=names, x=plot["pct_all_inadequate"].to_numpy(), mode="markers",
             name="All audits: area graded Inadequate",
             marker=dict(symbol="diamond", size=12, color="white", line=dict(color=GREY, width=2)),
             customdata=np.stack([plot["all_inadequate"], plot["all_audits"]], axis=1),
             hovertemplate="%{y}: graded Inadequate in %{x:.0f}% of all audits "
                           "(%{customdata[0]} of %{customdata[1]})<extra></extra>"),
    ]
    layout = _layout(title, 440, barmode="stack", xaxis=dict(title=dict(text="% of audits"), range=[0, 100]),
                     yaxis=dict(title={}, gridcolor="#e5e5e5"))
    return _sized_spec(data, layout)


def moderation_figure(grid: pd.DataFrame, title: str) -> dict:
    """Moderated audits by the auditor's grade (rows) and the moderator's (columns), with counts;
    plain dicts for ``handover.spec_figure``."""
    names = [SHORT_GRADES[g] for g in grid.columns]
    cells = grid.to_numpy()
    data = [dict(type="heatmap", z=cells, x=names, y=names, colorscale=[[0, "#ffffff"], [1, DARK_BLUE]],
                 showscale=False, text=cells, texttemplate="%{text}", textfont=dict(size=15),
                 hovertemplate="Auditor: %{y}<br>Moderator: %{x}<br>%{z} audits<extra></extra>")]
    layout = _layout(title, 420, yaxis=dict(title=dict(text="Auditor's grade"), autorange="reversed",
                                            gridcolor="#e5e5e5"),
                     xaxis=dict(title=dict(text="Moderator's grade"), side="bottom", tickangle=0))
    layout["margin"] = dict(l=100, r=10, t=60, b=50)
    return _sized_spec(data, layout)
