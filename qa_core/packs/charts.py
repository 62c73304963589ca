"""Charts drawn for print, with matplotlib (pip-installed, no browser): PNG at 220 dots per inch,
drawn at the size they are printed so that their text is true to its point size (7.5 to 8 pt),
white background, labelled axes, no toolbar. The active title is printed above the chart as text
by the PDF (so it can be read aloud and searched), not drawn into the picture. Meaning never
rests on colour: special causes differ by shape and are named in the legend, reference lines
differ by dash and are labelled.

The figures are built with ``matplotlib.figure.Figure`` (not pyplot), so nothing is global and
nothing opens a window.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from collections.abc import Sequence

from qa_core.packs.style import DARK_BLUE, GREY, ORANGE, PINK, TEXT, TURQUOISE

__all__ = ["spc_chart", "quarter_chart", "MM", "DPI"]

MM = 1 / 25.4  # inches per mm
DPI = 220
_MARKERS = {
    "improvement": dict(color=DARK_BLUE, marker="^", size=34, label="Special cause: improvement"),
    "concern": dict(color=ORANGE, marker="s", size=28, label="Special cause: concern"),
    "neutral": dict(color=PINK, marker="D", size=24, label="Special cause: neither better nor worse"),
    None: dict(color=GREY, marker="o", size=12, label="Common cause"),
}
_DASHES = {"dash": (0, (5, 2)), "dot": (0, (1, 1.5)), "dashdot": (0, (5, 1.5, 1, 1.5)), "solid": "-"}


def _figure(width_mm: float, height_mm: float):
    from matplotlib import rcParams
    from matplotlib.figure import Figure

    rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "axes.titlesize": 9,
            "axes.labelsize": 8,
            "xtick.labelsize": 7.5,
            "ytick.labelsize": 7.5,
            "legend.fontsize": 7.5,
            "text.color": TEXT,
            "axes.labelcolor": TEXT,
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "axes.edgecolor": GREY,
            "svg.fonttype": "none",
        }
    )
    figure = Figure(figsize=(width_mm * MM, height_mm * MM), dpi=DPI, facecolor="white", layout="constrained")
    figure.get_layout_engine().set(w_pad=1 / 25.4, h_pad=1 / 25.4)
    axes = figure.add_subplot()
    axes.set_facecolor("white")
    axes.grid(axis="y", color="#E5E5E5", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _png(figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return out.getvalue()


def _two_lines(label: str) -> str:
    """'Jan–Mar 2026' → 'Jan–Mar' over '2026', so every quarter's label fits without turning."""
    head, _, tail = label.rpartition(" ")
    return f"{head}\n{tail}" if head else label


def _legend_below(figure, axes, columns: int) -> None:
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        figure.legend(
            handles, labels, loc="outside lower left", ncols=columns, frameon=False, handlelength=2.4, columnspacing=1.2
        )


def spc_chart(
    periods: Sequence[dt.date],
    values: Sequence[float | None],
    mean: Sequence[float | None],
    upper: Sequence[float | None],
    lower: Sequence[float | None],
    causes: Sequence[str | None],
    y_label: str,
    target: float | None = None,
    target_label: str = "Target",
    width_mm: float = 180,
    height_mm: float = 62,
) -> bytes:
    """A Making Data Count chart: the monthly line, each point shaped by its special cause,
    the mean and process limits (when there are 12 points or more), and the target."""
    import matplotlib.dates as mdates

    figure, axes = _figure(width_mm, height_mm)
    x = list(periods)
    y = [float("nan") if v is None else float(v) for v in values]
    axes.plot(x, y, color=GREY, linewidth=1.1, zorder=2)
    for cause, style in _MARKERS.items():
        points = [(d, v) for d, v, c in zip(x, y, causes, strict=True) if c == cause]
        if points:
            axes.scatter(
                [d for d, _ in points],
                [v for _, v in points],
                s=style["size"],
                marker=style["marker"],
                color=style["color"],
                label=style["label"],
                zorder=3,
                edgecolors="none",
            )
    if any(m is not None for m in mean):
        axes.plot(x, [float("nan") if m is None else m for m in mean], color=GREY, linewidth=0.9, label="Mean")
        axes.plot(
            x,
            [float("nan") if u is None else u for u in upper],
            color=GREY,
            linewidth=0.9,
            linestyle=_DASHES["dot"],
            drawstyle="steps-mid",
            label="Process limits",
        )
        axes.plot(
            x,
            [float("nan") if v is None else v for v in lower],
            color=GREY,
            linewidth=0.9,
            linestyle=_DASHES["dot"],
            drawstyle="steps-mid",
        )
    if target is not None:
        axes.plot(
            [x[0], x[-1]], [target, target], color=PINK, linewidth=1.4, linestyle=_DASHES["dash"], label=target_label
        )
    axes.set_ylabel(y_label)
    axes.set_xlabel("Month")
    axes.set_ylim(bottom=0)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    _legend_below(figure, axes, 4)
    return _png(figure)


def quarter_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    references: Sequence[tuple[str, float, str, str]],
    y_label: str,
    series_label: str,
    width_mm: float = 180,
    height_mm: float = 56,
) -> bytes:
    """A quarterly trend with every quarter labelled on the axis, a gap where a figure is
    withheld, and reference lines (label, value, colour, dash: 'dash', 'dot' or 'dashdot') for
    the target, the statistical neighbours and England."""
    figure, axes = _figure(width_mm, height_mm)
    x = list(range(len(labels)))
    y = [float("nan") if v is None else float(v) for v in values]
    axes.plot(x, y, color=DARK_BLUE, linewidth=1.8, marker="o", markersize=3.5, label=series_label, zorder=3)
    colours = {PINK, TURQUOISE, ORANGE}
    for label, value, colour, dash in references:
        axes.plot(
            [-0.3, len(labels) - 0.7],
            [value, value],
            color=colour if colour in colours else GREY,
            linewidth=1.3,
            linestyle=_DASHES.get(dash, "-"),
            label=label,
        )
    axes.set_xticks(x)
    axes.set_xticklabels([_two_lines(label) for label in labels])
    axes.set_xlim(-0.5, len(labels) - 0.5)
    axes.set_ylabel(textwrap.fill(y_label, 24))
    axes.set_xlabel("Quarter")
    axes.set_ylim(bottom=0)
    _legend_below(figure, axes, 2)
    return _png(figure)
