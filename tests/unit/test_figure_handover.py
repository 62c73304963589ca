"""``ui.figures.handover``: a figure handed to ``st.plotly_chart`` without Plotly's deep copy must give
the very JSON Plotly's own ``to_dict`` gives, and leave the figure as it was."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.basedatatypes import BaseFigure

from ui.figures.handover import handed_over, plain_dict


def _figures() -> list[go.Figure]:
    months = pd.date_range("2025-04-01", periods=6, freq="MS")
    checked = go.Figure(go.Scatter(x=months, y=np.array([1.5, 2.0, np.nan, 4.0, 5.25, 6.0]),  # arrays kept
                                   customdata=np.array([[1, 10], [2, 20], [3, 30], [4, 40], [5, 50], [6, 60]]),
                                   mode="lines+markers", name="Council"))
    checked.add_hline(y=3, line_dash="dot", annotation_text="Target 3%")  # shapes and annotations: lists of dicts
    checked.update_yaxes(range=np.array([0, 10]))  # 'range' is never encoded
    unchecked = go.Figure(  # built as the pages build theirs: plain lists, nothing validated
        data=[{"type": "bar", "x": ["A", "B", "C"], "y": [1, 2, 3], "text": ["1", "2", "3"],
               "customdata": [[1, "x"], [2, "y"], [3, "z"]], "marker": {"color": ["#111", "#222", "#333"]}},
              {"type": "scatter", "x": (1, 2), "y": pd.Series([0.5, 0.75]), "hovertemplate": "%{y}"}],
        layout={"title": {"text": "Unchecked"}, "xaxis": {"tickvals": [1, 2], "range": np.array([0, 3])}},
        _validate=False)
    return [checked, unchecked, go.Figure()]


def test_the_handed_over_dictionary_is_plotlys_own_and_the_figure_is_unchanged() -> None:
    for fig in _figures():
        before = pio.to_json(fig.to_dict(), validate=False)
        assert pio.to_json(plain_dict(fig), validate=False) == before
        assert pio.to_json(fig.to_dict(), validate=False) == before  # nothing in the figure was encoded in place
    checked = _figures()[0]
    plain_dict(checked)
    assert isinstance(checked.data[0].y, np.ndarray) and isinstance(checked.data[0].customdata, np.ndarray)


def test_the_arrays_are_encoded_as_plotly_encodes_them() -> None:
    spec = plain_dict(_figures()[0])
    assert set(spec["data"][0]["y"]) == {"dtype", "bdata"}  # a typed array, as Plotly 6 sends it
    unchecked = plain_dict(_figures()[1])
    assert isinstance(unchecked["layout"]["xaxis"]["range"], np.ndarray)  # a skipped key is left alone, as Plotly does
    assert set(unchecked["data"][1]["y"]) == {"dtype", "bdata"} and unchecked["data"][1]["x"] == (1, 2)


def test_streamlit_is_given_a_figure_whose_dictionary_is_ready() -> None:
    fig = _figures()[1]
    shown = handed_over(fig)
    assert isinstance(shown, BaseFigure)
    assert pio.to_json(shown.to_dict(), validate=False) == pio.to_json(fig.to_dict(), validate=False)
