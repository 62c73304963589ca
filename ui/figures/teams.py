"""Figures for the Team profiles page: small multiples (each team's months in its own panel on
one shared axis and scale) and one team's grade mix with Wilson intervals. Names in titles and
labels are escaped by the page (``html.escape``) before they are wrapped here."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
# fmt: off
# (The figure specs keep the dense layout they had on the page.)


def wrap_lines(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters for a Plotly title or label."""
    return "<br>".join(textwrap.wrap(text, width))


@dataclass(frozen=True)
class PanelPoints:
    """One measure's team-months on the small multiples' shared x axis, ordered by ``x`` (each
    team's months together, teams in panel order): arrays of equal length."""

    team_id: np.ndarray
    x: np.ndarray
    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    hover: np.ndarray


#: ``panel_points`` for a measure no team has a value for.
EMPTY_POINTS = PanelPoints(team_id=np.array([], dtype=object), x=np.array([], dtype="float64"),
                           value=np.array([], dtype="float64"), numerator=np.array([], dtype="float64"),
                           denominator=np.array([], dtype="float64"), hover=np.array([], dtype=object))


def panel_points(series: pd.DataFrame, teams: pd.DataFrame | Mapping[str, Sequence[str]],
                 months: list[pd.Timestamp]) -> dict[str, PanelPoints]:
    """Every measure's team-months placed on the small multiples' shared x axis (team k's month i
    at k * (months + GAP) + i, ``teams``' ``team_id`` in panel order), with the hover label: code → its
    points, computed once for all the charts with whole arrays (each team's name made plain and each
    month's label written once)."""
    n_months = len(months)
    if not len(series) or not n_months:
        return {}
    k = pd.Index(teams["team_id"]).get_indexer(series["team_id"])  # -1: not one of the teams
    first = months[0]
    periods = series["period"].to_numpy(dtype="datetime64[us]").astype("datetime64[M]").astype("int64")
    slot = periods - ((first.year - 1970) * 12 + first.month - 1)  # month number in the window
    keep = np.flatnonzero((k >= 0) & (slot >= 0) & (slot < n_months))
    code_index, codes = pd.factorize(series["code"].to_numpy(dtype=object)[keep])
    x = k[keep] * float(n_months + GAP) + slot[keep]
    order = np.lexsort((x, code_index))  # by measure, then along the axis (stable)
    rows, x, code_index = keep[order], x[order], code_index[order]
    names = series["team"].to_numpy(dtype=object)[rows]
    name_index, unique_names = pd.factorize(names)
    plain_names = np.array([plain(name) for name in unique_names], dtype=object)[name_index]
    labels = np.array([m.strftime("%b %Y") for m in months], dtype=object)
    hover = plain_names + ", " + labels[slot[rows]]
    team_ids = series["team_id"].to_numpy(dtype=object)[rows]
    values = series["value"].to_numpy(dtype="float64")[rows]
    numerators = series["numerator"].to_numpy(dtype="float64")[rows]
    denominators = series["denominator"].to_numpy(dtype="float64")[rows]
    bounds = np.r_[0, np.flatnonzero(np.diff(code_index)) + 1, len(rows)]
    return {str(codes[code_index[a]]): PanelPoints(team_id=team_ids[a:b], x=x[a:b], value=values[a:b],
                                                   numerator=numerators[a:b], denominator=denominators[a:b],
                                                   hover=hover[a:b])
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)}


def panels_figure(points: PanelPoints, teams: pd.DataFrame | Mapping[str, Sequence[str]],
                  months: list[pd.Timestamp], unit: str, target: float | None, title: str, status: dict[str, str],
                  large: bool | None = None) -> dict:
    """Small multiples on one x axis: each team's months occupy their own panel (same y scale),
    so a measure needs four traces, not several per team. ``teams``: team_id and ``label`` (the
    name as the panel shows it), in panel order; ``status``: team_id → the lines under it
    (this month's value, RAG and count); ``large``: large type (None: the sidebar's switch).
    The figure as plain dicts, for ``ui.figures.handover.spec_figure`` (``go.Figure(spec)`` checks it)."""
    n_months = len(months)
    sizes = chart_sizes(large_type() if large is None else large)  # large type: larger text, markers and lines
    big = sizes.large
    # Lines: one trace; a gap (NaN) before each team's first month breaks the line between panels.
    team_ids = points.team_id
    starts = np.r_[False, team_ids[1:] != team_ids[:-1]]
    at = np.arange(len(team_ids)) + np.cumsum(starts)  # each point's position once the gaps are inserted
    size = len(team_ids) + int(starts.sum())
    xs, ys, hover = np.full(size, np.nan), np.full(size, np.nan), np.full(size, "", dtype=object)
    counts = np.full((size, 2), np.nan)
    xs[at] = points.x
    ys[at] = points.value
    hover[at] = points.hover
    counts[at] = np.column_stack([points.numerator, points.denominator])
    value_hover = ("%{y:.1f}% (%{customdata[0]:,.0f} of %{customdata[1]:,.0f})" if unit == "%"
                   else "%{y:,.1f}")
    last = points.x % (n_months + GAP) == n_months - 1
    bounds = ys[~np.isnan(ys)]
    if target is not None:
        bounds = np.append(bounds, target)
    low, high = (float(bounds.min()), float(bounds.max())) if len(bounds) else (0.0, 1.0)
    pad = (high - low) * 0.08 or 1.0
    y_range = [low - pad, high + pad]
    team_ids, labels = list(teams["team_id"]), list(teams["label"])
    n_teams = len(team_ids)
    left = np.arange(n_teams) * (n_months + GAP) - 0.5
    right = left + n_months
    gap = np.full(n_teams, np.nan)
    panel_x = np.column_stack([left, right, right, left, left, gap]).ravel()
    panel_y = np.tile([y_range[0], y_range[0], y_range[1], y_range[1], y_range[0], np.nan], n_teams)
    annotations = [dict(x=(lo + hi) / 2, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                        font=dict(size=16 if big else 12, color="#0b0c0c"),
                        text=f"<b>{label}</b><br>{status.get(team_id, 'no value')}")
                   for lo, hi, team_id, label in zip(left.tolist(), right.tolist(), team_ids, labels, strict=True)]
    data = [
        dict(type="scatter", x=panel_x, y=panel_y, mode="lines", fill="toself", fillcolor=PANEL_FILL,
             line=dict(width=0), hoverinfo="skip", showlegend=False, name="Panel"),
        dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color=DARK_BLUE, width=2), name="Team value",
             text=hover, customdata=counts, hovertemplate="%{text}: " + value_hover + "<extra></extra>",
             showlegend=False),
        dict(type="scatter", x=points.x[last], y=points.value[last], mode="markers", hoverinfo="skip",
             marker=dict(color=DARK_BLUE, size=7), showlegend=False, name="This month"),
    ]
    if target is not None:
        data.append(dict(type="scatter", x=np.column_stack([left, right, gap]).ravel(),
                         y=np.tile([target, target, np.nan], n_teams), mode="lines",
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
                   range=[-0.8, n_teams * (n_months + GAP) - GAP - 0.2]),
        yaxis=dict(title=dict(text=UNIT_TITLES.get(unit, unit)), gridcolor="#dcdcdc", zeroline=False,
                   range=y_range, **(dict(tickfont=dict(size=sizes.text)) if big else {})),
    )
    # Built from known-good parts as plain dicts (the page tests validate one): Plotly's validation
    # and go.Figure's deep copy cost more than everything else on the page.
    return {"data": sized_traces(data, sizes), "layout": layout}


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
