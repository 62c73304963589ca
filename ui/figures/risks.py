"""Plotly figures for the risk page: the impact x likelihood heat map and one risk's
trajectory with the matrix's bands shaded, and the register's band cells in the same tints.
Bands are light tints under dark text (contrast well above 4.5:1), and every cell names its
score and band in words, so colour never carries the meaning alone."""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler
from plotly.colors import sample_colorscale

from qa_core.rules.risk import RiskMatrix
from qa_core.views.risk_register import band_ranges
from ui.figures.palette import DARK_BLUE, GREY, PINK, TEXT
from ui.safe import plain
from ui.styled import plain_styler

BORDER = "#505a5f"
# Light tints from low to high risk (GOV.UK tag backgrounds, the top two deepened a little so
# that the steps are easy to tell apart); dark text on each has contrast above 8:1.
BAND_RAMP = ("#cce2d8", "#fff7bf", "#fcc9a5", "#f2a59d")
REFS_PER_LINE = 3


# fmt: off
# (Kept in the dense layout of the other figure modules: one trace to a statement.)


def band_colours(bands: list[str]) -> dict[str, str]:
    """A tint per band, lowest band green through to red for the highest, in order.

    >>> band_colours(["Low", "Moderate", "Significant", "High"])["High"]
    '#f2a59d'
    """
    if len(bands) == 1:
        return {bands[0]: BAND_RAMP[-1]}
    if len(bands) == len(BAND_RAMP):
        return dict(zip(bands, BAND_RAMP, strict=True))
    ramp = [[i / (len(BAND_RAMP) - 1), c] for i, c in enumerate(BAND_RAMP)]
    picks = sample_colorscale(ramp, [i / (len(bands) - 1) for i in range(len(bands))], colortype="rgb")
    return dict(zip(bands, picks, strict=True))


def style_bands(frame: pd.DataFrame, column: str, bands: list[str]) -> Styler:
    """A table whose ``column`` names bands, each cell tinted as the band is on the heat map."""
    tints = band_colours(bands)
    return plain_styler(frame).map(lambda v: f"color: {TEXT}; background-color: {tints[v]}" if v in tints else "",
                           subset=[column])


def level_label(labels: tuple[str, ...], level: int) -> str:
    """'Major (4)' where the matrix names its levels, else '4': escaped, for Plotly's HTML subset
    (the labels are the imported matrix's own words)."""
    return f"{plain(labels[level - 1])} ({level})" if labels else str(level)


def _wrap_refs(refs: str) -> str:
    parts = [plain(p) for p in refs.split(", ") if p]
    lines = [", ".join(parts[i:i + REFS_PER_LINE]) for i in range(0, len(parts), REFS_PER_LINE)]
    return "<br>".join(lines)


def cell_text(score: int, band: str, risks: int, refs: str) -> str:
    """What a heat-map cell says: score and band, then the count and references of its risks."""
    head = f"<b>{score} {plain(band)}</b>"
    if not risks:
        return head
    return f"{head}<br><b>{risks} risk{'s' if risks != 1 else ''}</b><br>{_wrap_refs(refs)}"


def heatmap_figure(cells: pd.DataFrame, matrix: RiskMatrix, title: str) -> dict:
    """The matrix as a grid: impact across, likelihood up, each cell tinted by its band and
    showing its score, band, and how many risks sit in it and which.

    A plain dict spec (adding shapes one by one is slow in plotly, and so is go.Figure's copy)."""
    ranges = band_ranges(matrix)
    colours = band_colours(ranges["band"].tolist())
    rank = dict(zip(ranges["band"], ranges["rank"], strict=True))
    n_bands = len(ranges)
    size = matrix.size
    levels = list(range(1, size + 1))
    grid = {(r.likelihood, r.impact): r for r in cells.itertuples()}
    z = [[rank[grid[(lk, i)].band] for i in levels] for lk in levels]
    text = [[cell_text(int(grid[(lk, i)].score), grid[(lk, i)].band, int(grid[(lk, i)].risks), grid[(lk, i)].refs)
             for i in levels] for lk in levels]
    hover = [[f"Impact: {level_label(matrix.impact_labels, i)}<br>"
              f"Likelihood: {level_label(matrix.likelihood_labels, lk)}<br>"
              f"Score {int(grid[(lk, i)].score)}, {plain(grid[(lk, i)].band)}<br>"
              f"Risks: {int(grid[(lk, i)].risks)}" for i in levels] for lk in levels]
    ordered = [colours[b] for b in ranges["band"]]
    scale = ([[0, ordered[0]], [1, ordered[0]]] if n_bands == 1 else
             [[k / (n_bands - 1), c] for k, c in enumerate(ordered)])
    data = [dict(
        type="heatmap", x=levels, y=levels, z=z, zmin=0, zmax=max(n_bands - 1, 1), colorscale=scale,
        showscale=False, text=text, texttemplate="%{text}", textfont=dict(color=TEXT, size=13),
        customdata=hover, hovertemplate="%{customdata}<extra></extra>", xgap=3, ygap=3, showlegend=False,
    )]
    data += [dict(type="scatter", x=[None], y=[None], mode="markers",
                  name=f"{plain(row.band)}: {row.low} to {row.high}",  # a legend entry is Plotly HTML too
                  marker=dict(symbol="square", size=16, color=colours[row.band], line=dict(color=BORDER, width=1)))
             for row in ranges.itertuples()]
    shapes = [dict(type="rect", x0=row.impact - 0.47, x1=row.impact + 0.47, y0=row.likelihood - 0.47,
                   y1=row.likelihood + 0.47, line=dict(color=TEXT, width=2), layer="above")
              for row in cells[cells["risks"] > 0].itertuples()]
    axis = dict(tickvals=levels, tickfont=dict(color=TEXT), showgrid=False, zeroline=False, range=[0.5, size + 0.5])
    layout = dict(
        title=dict(text=plain(title), font=dict(size=18, color=TEXT)),
        xaxis=dict(axis, title=dict(text="Impact", font=dict(color=TEXT)),
                   ticktext=[level_label(matrix.impact_labels, i) for i in levels]),
        yaxis=dict(axis, title=dict(text="Likelihood", font=dict(color=TEXT)),
                   ticktext=[level_label(matrix.likelihood_labels, lk) for lk in levels]),
        shapes=shapes, height=190 + 100 * size, margin=dict(l=150, r=20, t=60, b=110),
        legend=dict(orientation="h", yanchor="top", y=-0.14, x=0,
                    title=dict(text="Bands:", side="left", font=dict(color=TEXT))),
        plot_bgcolor="white", font=dict(size=14, color=TEXT),
    )
    return {"data": data, "layout": layout}  # our own spec, handed over as it is (ui.figures.handover)


STAGE_STYLES = {
    "gross": dict(name="Gross (before controls)", color=GREY, dash="dash", symbol="square"),
    "residual": dict(name="Residual (after controls)", color=DARK_BLUE, dash="solid", symbol="circle"),
    "target": dict(name="Target", color=PINK, dash="dot", symbol="diamond"),
}


def trajectory_figure(points: pd.DataFrame, matrix: RiskMatrix, title: str) -> dict:
    """Gross, residual and target scores by quarter over the matrix's bands, shaded and named."""
    ranges = band_ranges(matrix)
    colours = band_colours(ranges["band"].tolist())
    top = int(ranges["high"].max())
    lows = ranges["low"].tolist()
    shapes, annotations = [], []
    for k, row in enumerate(ranges.itertuples()):
        y0 = 0 if k == 0 else lows[k] - 0.5
        y1 = top + 1 if k == len(ranges) - 1 else lows[k + 1] - 0.5
        shapes.append(dict(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=y0, y1=y1,
                           fillcolor=colours[row.band], opacity=0.55, line=dict(width=0), layer="below"))
        annotations.append(dict(x=1, xref="paper", xanchor="left", y=(y0 + y1) / 2, yref="y", showarrow=False,
                                text=f"{plain(row.band)}<br>{row.low}-{row.high}", align="left",
                                font=dict(size=12, color=TEXT)))
    data = []
    for stage, style in STAGE_STYLES.items():
        score = points[f"{stage}_score"]
        if score.isna().all():
            continue
        data.append(dict(
            type="scatter", x=points["quarter"].tolist(), y=score.astype("float64").tolist(), mode="lines+markers",
            name=style["name"],
            line=dict(color=style["color"], dash=style["dash"], width=3 if stage == "residual" else 2),
            marker=dict(symbol=style["symbol"], size=9, color=style["color"]),
            customdata=[plain(b) for b in points[f"{stage}_band"].fillna("no target")],
            hovertemplate="%{x}: %{y} (%{customdata})<extra>" + style["name"] + "</extra>",
        ))
    layout = dict(
        title=dict(text=plain(title), font=dict(size=18, color=TEXT)),
        height=440, margin=dict(l=60, r=110, t=60, b=40), plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=-0.12), font=dict(size=14, color=TEXT),
        xaxis=dict(type="category", tickfont=dict(color=TEXT)),
        yaxis=dict(title=dict(text="Score", font=dict(color=TEXT)), range=[0, top + 1], gridcolor="#e5e5e5",
                   zeroline=False, tickfont=dict(color=TEXT)),
        shapes=shapes, annotations=annotations,
    )
    return {"data": data, "layout": layout}  # our own spec, handed over as it is (ui.figures.handover)
