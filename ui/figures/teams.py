"""Figures for the Team profiles page: small multiples (each team's months in its own panel on
one shared axis and scale) and one team's grade mix with Wilson intervals. Names in titles and
labels are escaped by the page (``html.escape``) before they are wrapped here."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qa_core.views.team_profile_html import format_target
from ui.figures.palette import DARK_BLUE, ORANGE, PINK, chart_sizes, sized_traces
from ui.filters import large_type
from ui.safe import plain

GAP = 3  # empty months between two teams' panels
UNIT_TITLES = {"%": "%", "count": "Count", "days": "Days", "number": "Number", "rate_per_10k": "Rate per 10,000"}
PANEL_FILL = "#f3f2f1"
#: ``panel_points`` for a measure no team has a value for.
EMPTY_POINTS = pd.DataFrame(
    {"code": [], "team_id": [], "x": [], "value": [], "numerator": [], "denominator": [], "hover": []}
)

# fmt: off
# (The figure specs keep the dense layout they had on the page.)


def wrap_lines(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters for a Plotly title or label."""
    return "<br>".join(textwrap.wrap(text, width))


def panel_points(series: pd.DataFrame, teams: pd.DataFrame, months: list[pd.Timestamp]) -> pd.DataFrame:
    """Every measure's team-months placed on the small multiples' shared x axis (team k's month i
    at k * (months + GAP) + i), with the hover label; computed once for all the charts."""
    n_months = len(months)
    order = pd.Series(np.arange(len(teams)), index=teams["team_id"].to_numpy())
    periods = pd.DatetimeIndex(pd.to_datetime(series["period"]))
    first = months[0]
    slot = (periods.year - first.year) * 12 + (periods.month - first.month)  # month number in the window
    k = series["team_id"].map(order).to_numpy(dtype="float64")
    keep = ~np.isnan(k) & (slot >= 0) & (slot < n_months)
    frame = series.loc[keep, ["code", "team_id", "value", "numerator", "denominator"]]
    # Each team's name made plain once and each month's label written once, not once a point.
    names = series["team"].to_numpy()[keep]
    plain_names = pd.Series(names).map({name: plain(name) for name in pd.unique(names)}).to_numpy()
    labels = np.array([m.strftime("%b %Y") for m in months], dtype=object)
    frame = frame.assign(x=k[keep] * (n_months + GAP) + slot[keep],
                         hover=plain_names + ", " + pd.Index(labels[np.asarray(slot[keep], dtype="int64")]))
    return frame.sort_values(["code", "x"], kind="stable")


def panels_figure(points: pd.DataFrame, teams: pd.DataFrame, months: list[pd.Timestamp], unit: str,
                   target: float | None, title: str, status: dict[str, str]) -> go.Figure:
    """Small multiples on one x axis: each team's months occupy their own panel (same y scale),
    so a measure needs four traces, not several per team. ``teams``: team_id, team and
    ``label`` (the name as the panel shows it); ``status``: team_id → the lines under it
    (this month's value, RAG and count)."""
    n_months = len(months)
    sizes = chart_sizes(large_type())  # large type: larger text, markers and lines
    big = sizes.large
    # Lines: one trace; a gap (NaN) before each team's first month breaks the line between panels.
    team_ids = points["team_id"].to_numpy()
    starts = np.r_[False, team_ids[1:] != team_ids[:-1]]
    at = np.arange(len(points)) + np.cumsum(starts)  # each point's position once the gaps are inserted
    size = len(points) + int(starts.sum())
    xs, ys, hover = np.full(size, np.nan), np.full(size, np.nan), np.full(size, "", dtype=object)
    counts = np.full((size, 2), np.nan)
    xs[at] = points["x"].to_numpy(dtype="float64")
    ys[at] = points["value"].to_numpy(dtype="float64")
    hover[at] = points["hover"].to_numpy()
    counts[at] = points[["numerator", "denominator"]].to_numpy(dtype="float64")
    value_hover = ("%{y:.1f}% (%{customdata[0]:,.0f} of %{customdata[1]:,.0f})" if unit == "%"
                   else "%{y:,.1f}")
    last = points["x"].to_numpy() % (n_months + GAP) == n_months - 1
    finite = ys[~np.isnan(ys)]
    bounds = [*finite, *([target] if target is not None else [])]
    low, high = (min(bounds), max(bounds)) if bounds else (0.0, 1.0)
    pad = (high - low) * 0.08 or 1.0
    y_range = [low - pad, high + pad]
    left = np.arange(len(teams)) * (n_months + GAP) - 0.5
    right = left + n_months
    gap = np.full(len(teams), np.nan)
    panel_x = np.column_stack([left, right, right, left, left, gap]).ravel()
    panel_y = np.tile([y_range[0], y_range[0], y_range[1], y_range[1], y_range[0], np.nan], len(teams))
    annotations = [dict(x=(lo + hi) / 2, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                        font=dict(size=16 if big else 12, color="#0b0c0c"),
                        text=f"<b>{label}</b><br>{status.get(team_id, 'no value')}")
                   for lo, hi, team_id, label in zip(left, right, teams["team_id"], teams["label"], strict=True)]
    data = [
        dict(type="scatter", x=panel_x, y=panel_y, mode="lines", fill="toself", fillcolor=PANEL_FILL,
             line=dict(width=0), hoverinfo="skip", showlegend=False, name="Panel"),
        dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color=DARK_BLUE, width=2), name="Team value",
             text=hover, customdata=counts, hovertemplate="%{text}: " + value_hover + "<extra></extra>",
             showlegend=False),
        dict(type="scatter", x=points["x"].to_numpy(dtype="float64")[last],
             y=points["value"].to_numpy(dtype="float64")[last], mode="markers", hoverinfo="skip",
             marker=dict(color=DARK_BLUE, size=7), showlegend=False, name="This month"),
    ]
    if target is not None:
        data.append(dict(type="scatter", x=np.column_stack([left, right, gap]).ravel(),
                         y=np.tile([target, target, np.nan], len(teams)), mode="lines",
                         line=dict(color=PINK, width=2, dash="dash"),
                         name=f"Target {format_target(target, unit)}", hoverinfo="skip"))
    # Month labels on the first panel only (every panel covers the same months).
    tickvals = sorted({0, n_months - 1})
    # Room for the title (at least three lines, so charts side by side line up) and the panel
    # labels (team, value and RAG, and the count for a percentage) above the panels.
    title_lines = max(title.count("<br>") + 1, 3)
    # Large type: the title below a band kept clear for the toolbars, and taller lines of text.
    band, title_px, label_px = (36, 28, 22) if big else (10, 20, 17)
    top = title_px * title_lines + band + 5 + label_px * 3
    plot = 300 if big else 230
    layout = dict(
        title=dict(text=title, font=dict(size=sizes.title if big else 15, color="#0b0c0c"), x=0, xanchor="left",
                   xref="paper", y=1 - band / (top + plot), yref="container", yanchor="top"),
        height=top + plot, margin=dict(l=80 if big else 60, r=10, t=top, b=90 if big else 60), annotations=annotations,
        plot_bgcolor="white", font=dict(size=sizes.text if big else 12, color="#0b0c0c"), hovermode="closest",
        legend=dict(orientation="h", yanchor="top", y=-0.2, x=1, xanchor="right"),
        xaxis=dict(tickvals=tickvals, ticktext=[months[i].strftime("%b %Y") for i in tickvals], tickangle=0,
                   showgrid=False, zeroline=False, tickfont=dict(size=sizes.text if big else 10),
                   range=[-0.8, len(teams) * (n_months + GAP) - GAP - 0.2]),
        yaxis=dict(title=dict(text=UNIT_TITLES.get(unit, unit)), gridcolor="#dcdcdc", zeroline=False,
                   range=y_range, **(dict(tickfont=dict(size=sizes.text)) if big else {})),
    )
    # The figure is built here from known-good parts (the page tests validate one), so plotly's
    # per-property validation is skipped: it cost more than everything else on the page.
    return go.Figure({"data": sized_traces(data, sizes), "layout": layout}, _validate=False)


def grade_figure(grades: pd.DataFrame, title: str) -> go.Figure:
    """Each grade's share of the team's audits as a bar, its Wilson 95% interval as a line; the
    counts are in the axis labels so they never collide with the interval."""
    shown = grades.fillna({"pct": 0, "ci_low": 0, "ci_high": 0})
    total = int(shown["audits"].sum())
    labels = [f"{g}: {a} of {total} ({p:.0f}%)" for g, a, p in
              zip(shown["label"], shown["audits"], shown["pct"], strict=True)]
    pct = shown["pct"].to_numpy(dtype="float64")
    bar = dict(type="bar", y=labels, x=pct, orientation="h", marker=dict(color=DARK_BLUE), name="Share of audits",
               error_x=dict(type="data", symmetric=False, array=shown["ci_high"].to_numpy(dtype="float64") - pct,
                            arrayminus=pct - shown["ci_low"].to_numpy(dtype="float64"), color=ORANGE, thickness=2,
                            width=6),
               customdata=shown[["ci_low", "ci_high"]].to_numpy(dtype="float64"),
               hovertemplate="%{y}<br>95% interval %{customdata[0]:.0f}% to %{customdata[1]:.0f}%<extra></extra>")
    layout = dict(title=dict(text=title, font=dict(size=15, color="#0b0c0c"), x=0, xanchor="left"),
                  height=300, margin=dict(l=10, r=20, t=80, b=50), plot_bgcolor="white",
                  font=dict(size=13, color="#0b0c0c"), showlegend=False,
                  yaxis=dict(autorange="reversed"),
                  xaxis=dict(title=dict(text="% of the team's audits (bar) and its 95% interval (line)"),
                             range=[0, 100], gridcolor="#dcdcdc", ticksuffix="%"))
    return go.Figure({"data": [bar], "layout": layout}, _validate=False)
