"""The clinic's faster pieces (issue 14) give what the slower ones gave: the month's audits graded
once for every month and service, the weakest areas, the actions in the chair's order, the
chart's numbers with each distinct number rounded once, a chart with no process change, and the
SPC chart built as plain dicts. Expected values are worked by hand where the data is made here."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from qa_core.rules.formatting import round_half_up
from qa_core.store import Store, queries
from qa_core.views import audit_grades, baselines, clinic, clinic_audits, clinic_meeting
from ui import clinic_measures
from ui.clinic_chart import measure_spec, with_references, y_range
from ui.clinic_data import chart_numbers
from ui.figures.handover import spec_figure
from ui.figures.spc import iso_dates, spc_figure, spc_spec
from ui.tags import style_rag


def test_every_months_audits_graded_at_once_equal_each_months_own(store: Store) -> None:
    counts = audit_grades.report_counts(store)
    reports = clinic_audits.audit_reports(counts)
    months = queries.months(store)
    for month in [*months[::5], months[-1], dt.date(1999, 1, 1)]:
        for service in [*queries.services(store)["service_id"], "nowhere"]:
            for by in (None, "area"):
                pd.testing.assert_frame_equal(
                    clinic_audits.audit_report_from(reports, month, by, service),
                    audit_grades.audits_report_from(counts, month, by, service),
                    check_exact=True,
                )


def test_a_months_audits_by_hand() -> None:
    # 1 Outstanding, 6 Good, 2 RI, 1 Inadequate of 10: 10.0% inadequate, which meets the 10% target.
    counts = pd.DataFrame(
        {
            "kind": ["audit", "area", "area"],
            "month": ["2026-10"] * 3,
            "service_id": ["assessment"] * 3,
            "group": ["All", "Voice", "Plans"],
            "outstanding": [1, 0, 2],
            "good": [6, 3, 4],
            "requires_improvement": [2, 1, 0],
            "inadequate": [1, 1, 0],
        }
    )
    reports = clinic_audits.audit_reports(counts)
    month = clinic_audits.audit_report_from(reports, dt.date(2026, 10, 1), None, "assessment").iloc[0]
    assert (month["total"], month["pct_inadequate"], bool(month["meets_target"])) == (10, 10.0, True)
    areas = clinic_audits.audit_report_from(reports, dt.date(2026, 10, 1), "area", "assessment")
    assert areas["group"].tolist() == ["Plans", "Voice"]  # by label, as the query orders them
    assert clinic_audits.weakest_areas(areas) == [("Voice", 2, 5), ("Plans", 0, 6)]
    assert clinic_audits.audit_report_from(reports, dt.date(2026, 9, 1), "area", "assessment").empty


def test_weakest_areas_most_first_then_by_name() -> None:
    areas = pd.DataFrame(
        {
            "group": ["Risk", "Voice", "Plans", "Health"],
            "requires_improvement": [1, 2, 1, 0],
            "inadequate": [1, 0, 1, 0],
            "total": [4, 5, 6, 3],
        }
    )
    assert clinic_audits.weakest_areas(areas) == [("Plans", 2, 6), ("Risk", 2, 4), ("Voice", 2, 5)]


def _actions() -> pd.DataFrame:
    """Actions of two clinics as ``queries.clinic_actions`` gives them (newest clinic first)."""
    made = pd.to_datetime(["2026-10-20 10:00", "2026-10-20 10:00", "2026-09-15 09:00", "2026-10-20 09:00", None])
    return pd.DataFrame(
        {
            "action_id": ["CA-a-202610-2", "CA-a-202610-10", "CA-a-202609-1", "CA-a-202610-1", "odd-id"],
            "service_id": "a",
            "clinic_month": pd.to_datetime(["2026-10-01", "2026-10-01", "2026-09-01", "2026-10-01", "2026-09-01"]),
            "code": None,
            "description": list("VWXYZ"),
            "owner": "Owner",
            "due_date": pd.to_datetime(["2026-11-01", "2026-12-01", "2026-10-01", "2026-11-30", "2026-10-13"]),
            "completed_date": pd.to_datetime([None, None, "2026-09-30", None, None]),
            "created_at": made,
            "measure": None,
        }
    )


def test_actions_in_the_chairs_order_by_hand() -> None:
    # September's clinic is the previous one: its actions first (X made first, then the id with no
    # number, made at no recorded time, last); then October's, by when made, then the id's number
    # (2 before 10, not as text).
    out = clinic_meeting._in_chair_order(
        _actions(), dt.date(2026, 10, 1), lambda: dt.date(2026, 9, 1), dt.date(2026, 11, 10)
    )
    assert out["description"].tolist() == ["X", "Z", "Y", "V", "W"]
    assert out["number"].tolist() == [1, 2, 1, 2, 3]
    assert out["label"].tolist() == [
        "September 2026 clinic, action 1",
        "September 2026 clinic, action 2",
        "October 2026 clinic, action 1",
        "October 2026 clinic, action 2",
        "October 2026 clinic, action 3",
    ]
    assert out["agreed"].tolist() == ["previous", "previous", "this", "this", "this"]
    assert out["status"].tolist() == ["Done", "Overdue", "Open", "Overdue", "Open"]
    assert out["clinic_month"].tolist()[:2] == [dt.date(2026, 9, 1)] * 2
    assert out["number"].dtype == "int64" and list(out.index) == [0, 1, 2, 3, 4]


def test_chart_numbers_round_each_distinct_number_as_round_half_up_does() -> None:
    points = pd.DataFrame(
        {
            "period": pd.date_range("2026-01-01", periods=4, freq="MS"),
            "value": [2.675, 0.125, np.nan, -0.005],
            "mean": [1.005] * 4,
            "ucl": [None] * 4,
            "lcl": [-0.0, -0.0, 0.0, 0.0],
            "special_cause": [None, "concern", None, "improvement"],
        }
    )
    series = pd.DataFrame({"numerator": [1, 2, 3, 4], "denominator": [10, 20, 30, 40]})
    numbers = chart_numbers(series, points)
    assert numbers["Value"].tolist()[:2] == [2.68, 0.13] and np.isnan(numbers["Value"][2])
    assert numbers["Value"][3] == -0.01 and numbers["Mean"].tolist() == [1.01] * 4
    assert [str(v) for v in numbers["Lower limit"]] == ["-0.0", "-0.0", "0.0", "0.0"]  # the sign kept, as before
    assert numbers["Upper limit"].isna().all() and numbers["Upper limit"].dtype == "float64"
    for column, source in [("Value", "value"), ("Mean", "mean"), ("Upper limit", "ucl"), ("Lower limit", "lcl")]:
        pd.testing.assert_series_equal(
            numbers[column], round_half_up(pd.to_numeric(points[source], errors="coerce"), 2), check_names=False
        )
    assert numbers["Month"].tolist() == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert numbers["Special cause"].tolist() == ["none", "concern", "none", "improvement"]


def test_a_chart_with_no_change_gets_the_empty_pick(store: Store) -> None:
    changes = baselines.all_process_changes(store)
    none = baselines.process_changes_from(changes.iloc[0:0])
    pd.testing.assert_frame_equal(none, baselines.process_changes_from(changes, "NO_SUCH_MEASURE", "assessment"))


def _points() -> pd.DataFrame:
    series = pd.DataFrame(
        {"period": pd.date_range("2024-10-01", periods=25, freq="MS").date, "value": [10, 12] * 6 + [20, 24] * 6 + [34]}
    )
    return clinic.measure_points(series, "up", 5.0, [dt.date(2025, 10, 1)])


def test_iso_dates_are_what_plotly_writes() -> None:
    values = [pd.Timestamp("2026-10-01"), dt.date(2026, 9, 1), pd.NaT, 3, "x"]
    assert iso_dates(values) == ["2026-10-01T00:00:00", "2026-09-01", None, 3, "x"]
    assert json.loads(pio.to_json({"data": [{"x": values}]}, validate=False)) == {"data": [{"x": iso_dates(values)}]}


def test_the_spc_spec_is_the_figure_plotly_would_build() -> None:
    changes = [(pd.Timestamp("2025-10-01"), "New model")]
    spec = spc_spec(_points(), "Visits", "count", 5.0, changes=changes, large=False)
    go.Figure(spec)  # every property valid (validated)
    shown = json.loads(pio.to_json(spec_figure(spec), validate=False))
    assert shown == json.loads(
        pio.to_json(spc_figure(_points(), "Visits", "count", 5.0, changes=changes, large=False), validate=False)
    )


def test_reference_lines_as_plotlys_add_scatter_and_update_yaxes_drew_them() -> None:
    points = _points()
    spec = spc_spec(points, "Visits", "%", 50.0, large=False)
    drawn = with_references(spec, points, "%", 50.0, 40.0, 45.5, 2025)
    fig = go.Figure(spec, _validate=False)  # as the page drew it before (spc_figure), then Plotly's validated API
    for value, name, colour, dash in (
        (40.0, "Neighbours' median (2025): 40.0%", "#28A197", "dot"),
        (45.5, "England (2025): 45.5%", "#12436D", "dashdot"),
    ):
        fig.add_scatter(
            x=[points["period"].iloc[0], points["period"].iloc[-1]],
            y=[value, value],
            mode="lines",
            name=name,
            line=dict(color=colour, width=2, dash=dash),
            hoverinfo="skip",
        )
    span = y_range([*points["value"], *points["ucl"], *points["lcl"], 40.0, 45.5, 50.0], "%")
    fig.update_yaxes(range=list(span), rangemode="normal", autorange=False)
    assert json.loads(pio.to_json(spec_figure(drawn), validate=False)) == json.loads(pio.to_json(fig, validate=False))
    assert spec["data"][-1]["name"] != "England (2025): 45.5%"  # the spec handed in is left as it was
    row = pd.Series(
        {
            "unit": "%",
            "target": 50.0,
            "numerator": 5,
            "denominator": 10,
            "name": "Visits <b>",
            "value": 50.0,
            "rag": "Green",
            "variation": "Common cause",
            "sn_median": None,
            "england": None,
            "comparator_year": None,
        }
    )
    title = measure_spec(row, points, [], "October 2026", large=False)["layout"]["title"]["text"]
    assert title.startswith("Visits &lt;b&gt;: 50.0% in October 2026 (5 of 10)")


def test_the_clinics_with_no_records_get_the_pickers_own_answer(demo_db, monkeypatch) -> None:
    """Most months have no meeting, action or commentary: those answers are worked out once (``_held``)
    and are what the pickers give, for every viewer (names withheld or not)."""
    from qa_core.roles import Viewer
    from qa_core.views import commentary
    from ui import clinic_data

    monkeypatch.setenv("QA_DB", str(demo_db))
    st.cache_resource.clear()  # the store handle and the results kept from it: this store's
    records, notes = clinic_data._records(), clinic_data._service_commentary_all()
    viewers = [None, Viewer("assistant_director"), Viewer("head_of_service", scope="assessment"), Viewer("scrutiny")]
    for month in (dt.date(2019, 5, 1), dt.date(2026, 7, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)):
        for service in ("assessment", "cp_court", "nowhere"):
            pd.testing.assert_frame_equal(
                clinic_data.service_commentary(service, month),
                commentary.service_commentary_from(notes, service, month),
            )
            for viewer in viewers:
                pd.testing.assert_frame_equal(
                    clinic_data.meeting_actions(service, month, viewer, dt.date(2026, 11, 10)),
                    clinic_meeting.meeting_actions_from(records, service, month, viewer, dt.date(2026, 11, 10)),
                )
                if service != "nowhere":
                    assert clinic_data.meeting(service, month, viewer) == clinic_meeting.meeting_from(
                        records, service, month, viewer
                    )
                    previous = clinic_meeting.previous_clinic_from(records, service, month)
                    assert clinic_data.previous_meeting(service, month, viewer) == (
                        clinic_meeting.meeting_from(records, service, previous, viewer) if previous else None
                    )
    assert clinic_data.meeting_actions("assessment", dt.date(2019, 5, 1), None, dt.date(2026, 11, 10)).empty
    st.cache_resource.clear()


def _marshalled(styler) -> tuple[str, pd.DataFrame]:
    """What Streamlit sends for a Styler: its cells' css (the table's id blanked) and display text."""
    import re

    import pyarrow as pa
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    proto = ArrowData()
    marshall_styler(proto, styler, "t")
    css = re.sub(r"#T_\w+?_row", "#T_row", proto.styler.styles)
    return css, pa.ipc.open_stream(proto.styler.display_values).read_all().to_pandas()


def test_the_measures_table_kept_sends_what_style_rag_sends(monkeypatch) -> None:
    shown = pd.DataFrame({"Measure": ["Visits", "Plans"], "RAG": ["Red", "No target"], "Trend": ["↑", "–"]})
    monkeypatch.setattr(clinic_measures, "shown_table", lambda service_id, month: shown)
    kept = clinic_measures.shown_style.__wrapped__("assessment", dt.date(2026, 10, 1))
    css, text = _marshalled(kept.styler())
    assert css == "#T_row0_col1 { color: #2a0b06; background-color: #f4cdc6 }"  # the Red tag, by hand
    assert text["Measure"].tolist() == ["Visits", "Plans"] and text["RAG"].tolist() == ["Red", "No target"]
    fresh_css, fresh_text = _marshalled(style_rag(shown, ["RAG"]))
    assert (css, text.to_dict()) == (fresh_css, fresh_text.to_dict())
    assert _marshalled(kept.styler())[0] == css  # drawn again: the same


def test_the_scrutiny_summary_kept_sends_what_its_styler_sends(monkeypatch) -> None:
    from ui import scrutiny_data
    from ui.styled import number_styler

    shown = pd.DataFrame({"Measure": ["Visits &lt;b&gt;", "Plans"], "Value": [12.34, 3.0], "RAG": ["Amber", "Green"]})
    monkeypatch.setattr(scrutiny_data, "summary", lambda quarter, public: (shown, shown))
    kept = scrutiny_data.summary_style.__wrapped__("2026/27 Q2", False)
    css, text = _marshalled(kept.styler())
    fresh_css, fresh_text = _marshalled(style_rag(number_styler(shown), ["RAG"]).hide(axis="index"))
    assert (css, text.to_dict()) == (fresh_css, fresh_text.to_dict())
    assert text["Value"].tolist() == ["12.3", "3.0"] and "background-color" in css  # one place; Amber tinted
    assert kept.translated["body"] and all(cell.get("is_visible") is False
                                           for row in kept.translated["body"] for cell in row[:1])  # no index
