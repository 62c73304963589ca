"""The SPC chart marks each recorded process change with a dashed line and its reason, escaped
(stored text never becomes a link or markup in Plotly's HTML subset)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.views import clinic
from ui.figures.spc import spc_figure


def _points() -> pd.DataFrame:
    series = pd.DataFrame(
        {"period": pd.date_range("2024-10-01", periods=25, freq="MS").date, "value": [10, 12] * 6 + [20, 24] * 6 + [34]}
    )
    return clinic.measure_points(series, "up", 5.0, [dt.date(2025, 10, 1)])


def test_a_recorded_change_is_a_dashed_line_with_its_reason():
    reason = '<a href="https://x.example">New</a> visiting model for every team, with a named worker per child'
    fig = spc_figure(_points(), "Visits", "count", 5.0, changes=[(pd.Timestamp("2025-10-01"), reason)])
    (line,) = fig.layout.shapes
    assert line.line.dash == "dash" and line.x0 == line.x1 == pd.Timestamp("2025-10-01")
    (note,) = fig.layout.annotations
    assert note.text.startswith("Process change: &lt;a href=")
    assert "<a" not in note.text and note.text.endswith("…") and len(note.text) < 120
    # The limits step at the change: 11 ± 5.32 before, 22 ± 10.64 after.
    ucl = next(t for t in fig.data if t.name == "Process limits").y
    assert round(ucl[11], 2) == 16.32 and round(ucl[12], 2) == 32.64


def test_no_changes_no_marks():
    fig = spc_figure(_points(), "Visits", "count", 5.0)
    assert not fig.layout.shapes and not fig.layout.annotations
