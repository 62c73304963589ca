"""``ui.figures.handover``: a figure handed to ``st.plotly_chart`` without Plotly's deep copy must give
the very JSON Plotly's own ``to_dict`` gives, and leave the figure as it was."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.basedatatypes import BaseFigure

from ui.figures.handover import handed_over, plain_dict, spec_figure


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


def _spec() -> dict:
    """A figure as the pages build theirs (plain dicts, arrays and Series), to hand over with no go.Figure."""
    return {"data": [{"type": "scatter", "x": np.arange(4.0), "y": pd.Series([1.0, np.nan, 3.0, 4.5]),
                      "text": np.array(["a", "b", "c", "d"], dtype=object), "customdata": np.ones((4, 2)),
                      "line": {"color": "#12436d", "width": 2}, "name": "Team"},
                     {"type": "bar", "x": ["A", "B"], "y": [1, 2], "marker": {"color": ["#111", "#222"]}}],
            "layout": {"title": {"text": "Spec"}, "height": 300, "xaxis": {"range": np.array([0, 3])},
                       "annotations": [{"x": 1, "y": 1, "text": "<b>A</b>", "showarrow": False}]}}


def test_a_spec_figure_sends_the_json_a_figure_built_from_the_same_spec_sends() -> None:
    import json

    spec = _spec()
    via_figure = pio.to_json(handed_over(go.Figure(spec, _validate=False)), validate=False)
    direct = pio.to_json(spec_figure(spec), validate=False)
    assert json.loads(direct) == json.loads(via_figure)  # the same content (keys in the spec's order)
    assert json.loads(direct)["layout"]["template"] == json.loads(pio.to_json(go.Figure(), validate=False))[
        "layout"]["template"]  # Plotly's default template, as go.Figure adds it
    assert isinstance(spec["data"][0]["x"], np.ndarray) and "template" not in spec["layout"]  # the spec unchanged


def test_a_spec_figure_keeps_a_template_it_names() -> None:
    spec = _spec()
    spec["layout"]["template"] = {"layout": {"font": {"size": 20}}}
    assert spec_figure(spec).to_dict()["layout"]["template"] == {"layout": {"font": {"size": 20}}}


def test_a_figure_already_handed_over_is_handed_on_as_it_is() -> None:
    """``chart_with_table`` hands over what it is given: a ``spec_figure`` passes through unchanged."""
    ready = spec_figure(_spec())
    assert handed_over(ready) is ready
    assert pio.to_json(handed_over(ready), validate=False) == pio.to_json(ready, validate=False)


def test_arrays_sent_as_they_are_get_plotlys_own_typed_array_spec() -> None:
    from _plotly_utils.utils import to_typed_array_spec

    from ui.figures.handover import _typed

    grid = np.arange(12.0).reshape(3, 4)
    arrays = [np.array([1.5, np.nan, -0.0, 1e300]), grid, np.asfortranarray(grid), grid[:, 1], grid[::2, ::3],
              np.arange(5, dtype="int32"), np.arange(5, dtype="uint8"), np.array([-3, 7], dtype="int16"),
              np.array([0.25], dtype="float32"), np.float64(2.5) * np.ones(()),
              np.arange(5), np.array([2**40]), np.array([], dtype="float64"),  # int64 narrowed, or empty: Plotly's
              np.array(["a", "b"], dtype=object), np.array([True, False])]
    for array in arrays:
        mine, plotlys = _typed(array), to_typed_array_spec(array)
        if isinstance(plotlys, dict):
            assert mine == plotlys, array
        else:
            assert isinstance(mine, np.ndarray) and np.array_equal(mine, plotlys) and mine.dtype == plotlys.dtype
    # Worked example: [1.0, 2.0] as little-endian float64 bytes, base64 (8 + 8 bytes).
    assert _typed(np.array([1.0, 2.0])) == {"dtype": "f8", "bdata": "AAAAAAAA8D8AAAAAAAAAQA=="}
    assert _typed(np.zeros((2, 3)))["shape"] == "2, 3"
