"""The Benchmarks page's two charts keep their legend clear of the x axis and their title inside a chart
drawn beside another (seen at 1280x720: the trend's legend covered its years, the bars' legend their axis
title, and a 60-character title line was cut off at the right); in large type they take the page's sizes."""

from __future__ import annotations

import pandas as pd

from ui.figures.benchmarks import CHART_WIDTH, TITLE_CHARS, neighbour_bars, neighbours_spec, trend_spec
from ui.figures.palette import LARGE_SIZES, NORMAL_SIZES, legend_rows

TITLE = ("Stockport: Percentage of re-referrals to children's social care within 12 months 21.5% in 2025, "
         "neighbours' median 20.2% (10 of 10), England 22.6%")


def _series() -> pd.DataFrame:
    years = list(range(2016, 2026))
    return pd.DataFrame({"year": years, "la_value": [20.0] * 10, "sn_median": [21.0] * 10,
                         "region_value": [22.0] * 10, "england_value": [23.0] * 10})


def _bars():
    have = pd.DataFrame({"name": [f"Neighbour {i}" for i in range(10)], "value": [10.0 + i for i in range(10)]})
    return neighbour_bars(have, "Stockport", 15.5, "Low")[0]


def test_the_legend_sits_below_the_axis_labels_and_title_with_the_plot_kept() -> None:
    for spec, axis_title in ((trend_spec(_series(), TITLE, "Stockport", "North West", "%"), False),
                             (neighbours_spec(_bars(), TITLE, "%", 20.2), True)):
        lay = spec["layout"]
        margin = lay["margin"]
        plot = lay["height"] - margin["t"] - margin["b"]
        # Ticks 14 px x 2.2 = 31 px, an axis title 14 x 1.6 = 22 px more; the legend 4 px below them.
        ticks = 31 + (22 if axis_title else 0)
        assert lay["legend"]["orientation"] == "h" and lay["legend"]["yanchor"] == "top"
        assert abs(lay["legend"]["y"] * plot + ticks + 4) < 1e-9
        rows = legend_rows(spec["data"], NORMAL_SIZES, CHART_WIDTH)
        assert margin["b"] == ticks + round(rows * 14 * 1.5) + 12  # room for every row of it
    spec = trend_spec(_series(), TITLE, "Stockport", "North West", "%")
    trend = spec["layout"]
    assert legend_rows(spec["data"], NORMAL_SIZES, CHART_WIDTH) == 2  # four names on a 400 px chart: two rows
    # The plot is as tall as before (440 px less the title and the 40 px the axis had).
    assert trend["height"] - trend["margin"]["t"] - trend["margin"]["b"] == 440 - trend["margin"]["t"] - 40


def test_a_title_line_fits_a_chart_beside_another() -> None:
    lines = trend_spec(_series(), TITLE, "Stockport", "North West", "%")["layout"]["title"]["text"].split("<br>")
    assert len(lines) == 4 and max(len(line) for line in lines) <= TITLE_CHARS
    assert " ".join(lines) == TITLE


def test_large_type_takes_the_pages_sizes() -> None:
    lay = neighbours_spec(_bars(), TITLE, "%", 20.2, LARGE_SIZES)["layout"]
    assert lay["font"]["size"] == 20 and lay["xaxis"]["tickfont"]["size"] == 20
    assert lay["legend"]["orientation"] == "h" and lay["legend"]["y"] < 0
    assert all(len(line) <= LARGE_SIZES.title_chars for line in lay["title"]["text"].split("<br>"))
