"""The Team profiles page's side-by-side view worked out without Streamlit (``ui.teams_side``) and
its small multiples (``ui.figures.teams``), on frames written by hand."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from ui.figures.handover import spec_figure
from ui.figures.teams import GAP, panel_points, panels_figure
from ui.teams_side import side_by_side, side_table, title_sentence

OCT = dt.date(2026, 10, 1)


def _report() -> pd.DataFrame:
    """Two teams as the team report has them (one row per team and measure, the audits repeated):
    T1 rated Red, Green and no rating on three measures, with 5 of 8 audits done and 1 of 5
    Inadequate (Wilson 95%: 3.6% to 62.4%); T2 Amber on one measure, nothing expected, no audits."""
    rows = [
        ("t1", "Team <One>", "A", "Measure A", "%", 80.0, 80.0, 100.0, 85.0, "Red"),
        ("t1", "Team <One>", "B", "Measure B", "%", 95.0, 19.0, 20.0, 85.0, "Green"),
        ("t1", "Team <One>", "C", "Measure C", "count", 12.0, np.nan, np.nan, np.nan, None),
        ("t2", "Team Two", "A", "Measure A", "%", 84.0, 42.0, 50.0, 85.0, "Amber"),
    ]
    frame = pd.DataFrame(
        rows, columns=["team_id", "team", "code", "name", "unit", "value", "numerator", "denominator", "target", "rag"]
    )
    audits = {"t1": (5, 8, 1, 5, 20.0, 3.6, 62.4, 2), "t2": (0, 0, 0, 0, np.nan, np.nan, np.nan, 0)}
    columns = [
        "audits_done",
        "audits_expected",
        "inadequate",
        "audits_total",
        "pct_inadequate",
        "ci_low",
        "ci_high",
        "overdue_actions",
    ]
    for i, column in enumerate(columns):
        frame[column] = [audits[t][i] for t in frame["team_id"]]
    return frame.assign(service_id="s1", period=pd.Timestamp(OCT))


def test_the_side_table_counts_each_teams_ratings_with_its_audits_beside_their_counts() -> None:
    table = side_table(_report())
    assert table.to_dict("list") == {
        "Team": ["Team <One>", "Team Two"],
        "Red": [1, 0],
        "Amber": [0, 1],
        "Green": [1, 0],
        "No rating": [1, 0],  # measure C has no target
        "Audits done (of expected)": ["5 of 8 (62.5%)", "0 (none expected)"],
        "Inadequate audits": ["1 of 5 (20.0%; 95% interval 4% to 62%)", "No audits"],
        "Overdue audit actions": [2, 0],
    }
    assert [str(t) for t in table.dtypes] == ["str", "int64", "int64", "int64", "int64", "str", "str", "int64"]


def test_the_active_title_counts_ratings_or_gives_the_range_with_the_services_figure() -> None:
    rated = title_sentence(
        "%", 85.0, [80.0, 90.0, 70.0], ["Red", "Green", None], (163, 216, 163 / 216 * 100), "October 2026"
    )
    assert rated == (
        "3 teams in October 2026: 1 Red, 0 Amber, 1 Green against a target of 85%; the service 75.5% (163 of 216)"
    )
    unrated = title_sentence("count", None, [12.0, math.nan, 30.0], [None] * 3, None, "October 2026")
    assert unrated == "3 teams in October 2026 ranged from 12 to 30"
    empty = title_sentence("%", 85.0, [math.nan], [None], None, "October 2026")
    assert empty == "No team values in October 2026 (target 85%)"


def _series() -> pd.DataFrame:
    """Team-months: t2 in August and October, t1 in September, one month before the window and a
    team not on the page."""
    rows = [
        ("t2", "Team Two", "A", "2026-08-01", 1.0),
        ("t2", "Team Two", "A", "2026-10-01", 3.0),
        ("t1", "Team <One>", "A", "2026-09-01", 2.0),
        ("t1", "Team <One>", "B", "2026-10-01", 9.0),
        ("t1", "Team <One>", "A", "2026-07-01", 0.5),
        ("t9", "Elsewhere", "A", "2026-09-01", 7.0),
    ]
    frame = pd.DataFrame(rows, columns=["team_id", "team", "code", "period", "value"])
    return frame.assign(period=pd.to_datetime(frame["period"]), numerator=frame["value"] * 10, denominator=10.0)


MONTHS = list(pd.date_range("2026-08-01", periods=3, freq="MS"))


def test_panel_points_place_each_team_month_on_the_shared_axis() -> None:
    points = panel_points(_series(), {"team_id": ["t1", "t2"]}, MONTHS)
    assert set(points) == {"A", "B"}
    a = points["A"]  # t1 is panel 0, t2 panel 1 (x = panel * (3 months + GAP) + month in the window)
    assert a.team_id.tolist() == ["t1", "t2", "t2"]
    assert a.x.tolist() == [1.0, 3.0 + GAP, 3.0 + GAP + 2]
    assert a.value.tolist() == [2.0, 1.0, 3.0] and a.numerator.tolist() == [20.0, 10.0, 30.0]
    assert a.hover.tolist() == ["Team &lt;One&gt;, Sep 2026", "Team Two, Aug 2026", "Team Two, Oct 2026"]
    assert points["B"].x.tolist() == [2.0]


def test_the_small_multiples_are_a_valid_figure_with_a_gap_between_panels() -> None:
    points = panel_points(_series(), {"team_id": ["t1", "t2"]}, MONTHS)["A"]
    teams = {"team_id": ["t1", "t2"], "label": ["Team &lt;One&gt;", "Team Two"]}
    spec = panels_figure(points, teams, MONTHS, "%", 2.5, "<b>Measure A</b>", {"t1": "2.0% · Red"}, large=False)
    go.Figure(spec)  # every property valid (raises otherwise)
    line = spec["data"][1]
    assert np.isnan(line["x"]).tolist() == [False, True, False, False]  # the line breaks between the two teams
    assert spec["data"][2]["x"].tolist() == [3.0 + GAP + 2]  # this month's marker: t2's October only
    assert [a["text"] for a in spec["layout"]["annotations"]] == [
        "<b>Team &lt;One&gt;</b><br>2.0% · Red",
        "<b>Team Two</b><br>no value",
    ]
    assert spec["layout"]["yaxis"]["range"] == [1.0 - 0.16, 3.0 + 0.16]  # values and target 1 to 3, 8% padding
    shown = json.loads(pio.to_json(spec_figure(spec), validate=False))
    assert shown == json.loads(pio.to_json(go.Figure(spec, _validate=False), validate=False))


def test_the_view_draws_one_chart_per_measure_and_the_numbers_behind_them() -> None:
    report, series = _report(), _series().assign(service_id="s1")
    service = pd.DataFrame({"code": ["A"], "numerator": [122.0], "denominator": [150.0], "value": [122 / 150 * 100]})
    view = side_by_side(report, series, service, "Service <S>", OCT, "October 2026", 3, False)
    assert [c.code for c in view.charts] == ["A", "B", "C"] and view.per_row == 2
    assert view.first_month == pd.Timestamp("2026-08-01")
    a = view.charts[0]
    assert a.caption.startswith("Chart: Measure A for each of Service \\<S\\>'s teams, August 2026 to October 2026")
    assert a.caption.endswith(
        "In October 2026: Team \\<One\\> 80.0% (80 of 100, Red); Team Two 84.0% (42 of 50, Amber)."
    )
    assert "2 teams in October 2026: 1 Red, 1 Amber, 0 Green" in a.figure.to_dict()["layout"]["title"]["text"]
    assert view.summary == (
        "2 teams. Measures: 1 Red, 1 Amber, 1 Green. Audits by the team managers: 5 done of 8 "
        "expected. Audit actions overdue at the end of the month: 2."
    )
    numbers = view.numbers  # measures A, B and C charted: every team-month of theirs, as read
    assert numbers["Measure"].tolist() == ["Measure A", "Measure A", "Measure A", "Measure B", "Measure A", "Measure A"]
    assert numbers["Month"].tolist()[:3] == ["2026-08", "2026-10", "2026-09"]
    assert numbers["Value"].tolist() == [1.0, 3.0, 2.0, 9.0, 0.5, 7.0]
