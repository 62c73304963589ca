"""The performance clinic page on the demo council (October 2026)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.store import Store
from qa_core.views import clinic, clinic_summary
from tests.pages.conftest import open_page, open_tables


def _open_clinic(app, service="assessment", month=None):
    return open_page(app, "clinic", service=service, month=month)


def test_all_services_shows_every_service_clinic_to_open(app, demo_db):
    # Before issue 15 the page stopped at "choose a service in the sidebar".
    open_page(app, "clinic")
    today = dt.date.today()
    with Store(demo_db, read_only=True) as store:
        summary = clinic_summary.services_summary(store, dt.date(2026, 10, 1), today)
    assert not app.info
    assert app.subheader[0].value == "Every service's clinic: October 2026"
    cards = [t.value for t in app.text]
    for row in summary.itertuples():
        expected = f"Red {row.red} · Amber {row.amber} · Green {row.green} · no target {row.no_target}"
        assert any(card.startswith(expected) and f"{row.overdue_actions} overdue of" in card for card in cards)
    table = next(d.value for d in app.dataframe if "Service" in d.value.columns).set_index("Service")
    assert table["Overdue actions"].to_dict() == dict(zip(summary["service"], summary["overdue_actions"], strict=True))
    assert table["Special-cause concern"].sum() == summary["special_cause_concern"].sum() > 0
    app.button(key="open_clinic_assessment").click().run()
    assert not app.exception
    assert app.subheader[0].value == "Assessment: October 2026"
    assert app.session_state["service"] == "assessment"


def test_clinic_header_and_summary_for_assessment(app, demo_db):
    _open_clinic(app)
    assert app.subheader[0].value == "Assessment: October 2026"
    with Store(demo_db, read_only=True) as store:
        measures = clinic.clinic_measures(store, "assessment", dt.date(2026, 10, 1))
    badges = [m.value for m in app.markdown if "-badge[" in m.value]
    assert f":red-badge[Red: {int((measures['rag'] == 'Red').sum())}]" in badges
    summary = app.dataframe[0].value
    assert list(summary["Measure"]) == list(measures["name"])
    # Short enough for 1280 px with the sidebar: the neighbours, England and the rule are in the detail.
    assert list(summary.columns) == ["Measure", "Value (count)", "Target", "RAG", "Trend", "Var.", "Assur.", "In words"]
    assert all(uri.startswith("data:image/svg+xml;base64,") for uri in summary["Var."])
    # The first measure is selected; its team breakdown sits beside the chart.
    assert app.selectbox(key="measure").value == measures["code"].iloc[0]
    audits = [m.value for m in app.markdown if "audits Inadequate" in m.value]
    assert audits and "against a target of no more than 10%" in audits[0]


def test_selecting_a_measure_shows_its_teams_and_commentary(app):
    _open_clinic(app)
    app.selectbox(key="measure").set_value("ASSESS_45WD").run()
    assert not app.exception
    teams = next(d.value for d in app.dataframe if "Team" in d.value.columns)
    assert set(teams["Team"]) == {"Assessment North", "Assessment South", "Assessment East", "Assessment West"}
    assert all(" of " in c for c in teams["Count"])
    assert any("Figures checked with team managers" in t.value for t in app.text)


def _widget(elements, label):
    return next(e for e in elements if e.label == label)


def _actions(app) -> pd.DataFrame:
    """Every action listed (the groups' tables one after another)."""
    return pd.concat([d.value for d in app.dataframe if "What will be done" in d.value.columns], ignore_index=True)


def test_recording_an_action_persists_it(app):
    _open_clinic(app)
    _widget(app.text_area, "What will be done").input("Dip-sample late assessments with each team manager")
    _widget(app.text_input, "Owner").input("Assessment head of service")
    # A new action is due four weeks after this clinic's meeting (none recorded: after today), not at month end.
    assert _widget(app.date_input, "Due by").value == dt.date.today() + dt.timedelta(days=28)
    app.button(key="FormSubmitter:new_action-Record action").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == ["Recorded as October 2026 clinic, action 3."]
    actions = _actions(app).set_index("Action")
    assert actions.loc["October 2026 clinic, action 3", "What will be done"] == (
        "Dip-sample late assessments with each team manager"
    )
    assert actions.loc["October 2026 clinic, action 3", "Status"] == "Open"


def test_a_bad_action_is_refused_with_a_plain_message(app):
    _open_clinic(app)
    _widget(app.text_area, "What will be done").input("Review the late assessments")
    _widget(app.text_input, "Owner").input("  ")
    app.button(key="FormSubmitter:new_action-Record action").click().run()
    assert not app.exception
    assert [e.value.replace("\\", "") for e in app.error] == ["The action was not saved: the owner is empty."]


def test_marking_an_action_done(app):
    _open_clinic(app, service="front_door")
    before = _actions(app)
    overdue = before.loc[before["Status"] == "Overdue", "Action"].iloc[0]
    picker = _widget(app.selectbox, "Action")
    picker.select_index(next(i for i, o in enumerate(picker.options) if o.startswith(overdue + ":")))
    next(b for b in app.button if b.label == "Mark done").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == [f"{overdue} marked done."]
    assert _actions(app).set_index("Action").loc[overdue, "Status"] == "Done"


def test_each_measures_rule_is_in_the_table_and_under_the_chosen_measure(app, demo_db):
    # Child Protection and Court, October 2026: caseload 17.5 is Green against the council's target of 18
    # (lower is better) though the neighbours' median is 15.0 and England 15.2: said under the measure.
    app.session_state["measure"] = "CASELOAD"
    _open_clinic(app, service="cp_court")
    with Store(demo_db, read_only=True) as store:
        measures = clinic.clinic_measures(store, "cp_court", dt.date(2026, 10, 1)).set_index("code")
    caseload = measures.loc["CASELOAD"]
    assert caseload["rag"] == "Green" and caseload["value"] > caseload["sn_median"]
    rule = next(c.value for c in app.caption if c.value.startswith("How it is rated: "))
    assert rule.replace("\\", "") == "How it is rated: " + caseload["rag_rule"]
    assert caseload["rag_rule"].startswith("Green: 18.0 or lower (on or better than the 18.0 target; lower is better)")
    note = [m.value.replace("\\", "") for m in app.markdown if "though worse than" in m.value]
    assert note == [
        "Green against the council's own target of 18.0, though worse than our statistical neighbours "
        "(15.0) and England (15.2)."
    ]


def test_the_charts_numbers_are_made_once_their_expander_is_opened(app, demo_db):
    open_page(app, "clinic", service="assessment", month="2026-10", measure="ASSESS_45WD")
    assert not any("Special cause" in d.value.columns for d in app.dataframe)  # closed: not drawn (nor made)
    open_tables(app)
    numbers = next(d.value for d in app.dataframe if "Special cause" in d.value.columns)
    assert list(numbers.columns) == [
        "Month",
        "Numerator",
        "Denominator",
        "Value",
        "Mean",
        "Upper limit",
        "Lower limit",
        "Special cause",
    ]
    with Store(demo_db, read_only=True) as store:
        row = clinic.clinic_measures(store, "assessment", dt.date(2026, 10, 1)).set_index("code").loc["ASSESS_45WD"]
    last = numbers.iloc[-1]
    assert last["Month"] == "2026-10"
    assert (last["Numerator"], last["Denominator"]) == (row["numerator"], row["denominator"])
    assert last["Value"] == round(row["value"], 2)
