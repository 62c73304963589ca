"""The clinic as the assistant director runs it (issue 15), on the demo council in October 2026:
commentary written, edited and shown with its history; the meeting recorded with its people and
actions; the previous clinic's actions first; plain refusals; no internal id on the screen; process
changes; the present view; and who may do what."""

from __future__ import annotations

import datetime as dt
import os
import re

import pandas as pd
from streamlit.testing.v1 import AppTest

from qa_core.roles import Viewer
from qa_core.store import Store
from qa_core.views import clinic_meeting, commentary
from tests.pages.conftest import open_page, walk_elements
from ui.clinic_chart import CHANGES_KEY
from ui.clinic_meeting import MEETING_FORM_KEY

OCT = dt.date(2026, 10, 1)
INTERNAL_ID = re.compile(r"CA-[a-z_]+-\d{6}-\d+")


def _widget(elements, label):
    return next(e for e in elements if e.label == label)


def _all_text(app: AppTest) -> str:
    """Everything the page shows as text, tables included."""
    parts = []
    for element in walk_elements(app._tree):
        value = getattr(element, "value", None)
        if type(element).__name__ in ("Selectbox", "Multiselect", "Radio"):
            value = None  # a chooser's value is what the page keeps, not what it shows: its options are shown
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
        elif isinstance(value, str):
            parts.append(value)
        for attr in ("label", "options"):
            got = getattr(element, attr, None)
            parts.extend(got if isinstance(got, list) else [got] if isinstance(got, str) else [])
    return "\n".join(parts)


def _open(app: AppTest, viewer: Viewer, service: str = "assessment", **state: object) -> AppTest:
    return open_page(app, "clinic", viewer=viewer, service=service, month="2026-10", **state)


def _texts(app: AppTest) -> list[str]:
    return [t.value for t in app.text]


def test_commentary_written_edited_and_shown_with_its_history(app, demo_db):
    hos = Viewer("head_of_service", "assessment")
    _open(app, hos, measure="S47_NO_ICPC")
    box = _widget(app.text_area, "Commentary (plain text)")
    before = box.value  # the demo's current commentary, prefilled for editing
    box.input("First view: the figure is within the usual range. [link](https://x.example)")
    app.button(key="FormSubmitter:commentary_S47_NO_ICPC-Save commentary").click().run()
    assert not app.exception
    assert [s.value for s in app.success] == ["Commentary saved; the earlier version is kept."]
    # Shown as plain text (st.text), the link as typed, not rendered.
    assert "First view: the figure is within the usual range. [link](https://x.example)" in _texts(app)
    _widget(app.text_area, "Commentary (plain text)").input("Second view: checked with the team managers.")
    app.button(key="FormSubmitter:commentary_S47_NO_ICPC-Save commentary").click().run()
    assert not app.exception
    texts = _texts(app)
    assert texts.index("Second view: checked with the team managers.") < texts.index(
        "First view: the figure is within the usual range. [link](https://x.example)"
    )  # the history, below
    assert before in texts
    with Store(demo_db, read_only=True) as store:
        head = store.scalar("SELECT head_of_service FROM service WHERE service_id = 'assessment'")
    written = [c.value for c in app.caption if c.value.startswith("Written by ")]
    assert written[0].startswith(f"Written by {head}, ")  # the head of service's name, and the time
    expander = next(e for e in app.expander if e.label.startswith("Earlier versions"))
    assert expander.label == "Earlier versions (2)"
    with Store(os.environ["QA_DB"], read_only=True) as store:
        history = commentary.commentary_history(store, "S47_NO_ICPC", "assessment", OCT)
    assert history["text"].tolist()[:2] == [
        "Second view: checked with the team managers.",
        "First view: the figure is within the usual range. [link](https://x.example)",
    ]
    assert set(history["source"].iloc[:2]) == {"app"}


def test_a_head_of_another_service_reads_the_commentary_but_cannot_write_it(app):
    _open(app, Viewer("head_of_service", "front_door"), measure="S47_NO_ICPC")
    assert not [t for t in app.text_area if t.label == "Commentary (plain text)"]
    assert any(
        c.value == "Commentary is written by the service's head of service and the assistant director."
        for c in app.caption
    )
    assert not [b for b in app.button if b.label in ("Record the meeting", "Record action", "Mark done")]
    assert any("Figures checked" in t or "team managers" in t for t in _texts(app))  # but reads it


def test_scrutiny_cannot_see_the_clinic(app):
    open_page(app, "clinic", viewer=Viewer("scrutiny"), service="assessment", check=False)
    assert "Performance clinic" not in [t.value for t in app.title]
    text = _all_text(app)
    assert "Assessment: October 2026" not in text and "Commentary" not in text and "Actions" not in text


def test_a_meeting_recorded_with_attendees_and_actions(app):
    _open(app, Viewer(), **{MEETING_FORM_KEY: True})  # the form is drawn once its expander is opened
    assert "No meeting is recorded for the October 2026 clinic yet." in [m.value for m in app.markdown]
    held = dt.date(2026, 11, 4)
    _widget(app.date_input, "Meeting date").set_value(held)
    _widget(app.text_input, "Chair").input("Dana Director")
    _widget(app.text_area, "Attendees (one name a line)").input("Priya Jessop\nOwen Marsh\n")
    _widget(app.text_area, "Apologies (one name a line)").input("Tess Lowe")
    _widget(app.text_area, "Decisions (one a line)").input("Late assessments reviewed weekly until December.")
    _widget(app.text_input, "Action 1: what will be done").input("Review every assessment past 45 days")
    _widget(app.text_input, "Action 1: owner").input("Priya Jessop")
    _widget(app.text_input, "Action 2: what will be done").input("Agency cover for Assessment South")
    _widget(app.text_input, "Action 2: owner").input("Owen Marsh")
    _widget(app.date_input, "Action 2: due by (blank: four weeks after the meeting)").set_value(dt.date(2026, 11, 20))
    app.button(key="FormSubmitter:clinic_meeting-Record the meeting").click().run()
    assert not app.exception, app.exception
    assert [s.value for s in app.success] == ["The October 2026 clinic is recorded, with 2 actions."]
    shown = [m.value.replace("\\", "") for m in app.markdown]
    assert "Held on 4 November 2026, chaired by Dana Director." in shown
    assert "Attended: Priya Jessop, Owen Marsh." in shown and "Apologies: Tess Lowe." in shown
    assert "1. Late assessments reviewed weekly until December." in _texts(app)
    this = next(
        d.value
        for d in app.dataframe
        if "What will be done" in d.value.columns and d.value["Action"].str.startswith("October 2026").all()
    )
    rows = this.set_index("Action")
    # Numbered after the demo's two October actions; the first due four weeks after the meeting.
    assert rows.loc["October 2026 clinic, action 3", "Due"] == "02 Dec 2026"
    assert rows.loc["October 2026 clinic, action 4", "Due"] == "20 Nov 2026"
    today = dt.date.today()
    assert rows.loc["October 2026 clinic, action 3", "Status"] == clinic_meeting.action_status(
        dt.date(2026, 12, 2), None, today
    )
    assert "Agreed at this clinic (October 2026)" in [s.value for s in app.subheader]
    assert not INTERNAL_ID.search(_all_text(app))


def test_a_refused_meeting_names_the_fields_in_plain_english(app):
    _open(app, Viewer(), **{MEETING_FORM_KEY: True})
    _widget(app.text_input, "Chair").input(" ")
    _widget(app.text_input, "Action 1: what will be done").input("Review the late cases")
    app.button(key="FormSubmitter:clinic_meeting-Record the meeting").click().run()
    assert not app.exception
    message = app.error[0].value.replace("\\", "")
    assert message.startswith("The meeting was not saved: the chair is empty")
    assert "String should" not in message


def test_the_previous_clinics_actions_come_first(app, demo_db):
    _open(app, Viewer(), service="front_door")
    with Store(demo_db, read_only=True) as store:
        expected = clinic_meeting.meeting_actions(store, "front_door", OCT, Viewer(), dt.date.today())
    headings = [s.value for s in app.subheader if s.value.startswith(("Agreed at", "Earlier clinics"))]
    assert headings[0] == "Agreed at the previous clinic (September 2026)"
    tables = [d.value for d in app.dataframe if "What will be done" in d.value.columns]
    assert tables[0]["Action"].str.startswith("September 2026 clinic, action ").all()
    listed = pd.concat(tables, ignore_index=True)
    assert listed["Action"].tolist() == expected["label"].tolist()
    assert listed["Status"].tolist() == expected["status"].tolist()  # overdue judged against today
    assert not INTERNAL_ID.search(_all_text(app))


def test_no_internal_id_is_shown_after_recording_and_completing(app):
    _open(app, Viewer(), service="front_door")
    _widget(app.text_area, "What will be done").input("Check the MASH rota cover")
    _widget(app.text_input, "Owner").input("Front door head of service")
    app.button(key="FormSubmitter:new_action-Record action").click().run()
    assert not app.exception
    picker = _widget(app.selectbox, "Action")
    picker.select_index(0)
    next(b for b in app.button if b.label == "Mark done").click().run()
    assert not app.exception
    assert not INTERNAL_ID.search(_all_text(app))


def test_the_ad_records_a_process_change_and_the_chart_marks_it(app):
    _open(app, Viewer(), measure="ASSESS_45WD", **{CHANGES_KEY: True})  # drawn once the expander is opened
    _widget(app.selectbox, "From the month").set_value(dt.date(2026, 4, 1))
    _widget(app.text_area, "Reason (what changed in the service)").input("Assessment teams restructured into four.")
    app.button(key="FormSubmitter:process_change-Record the process change").click().run()
    assert not app.exception
    assert "Process change recorded from April 2026." in [s.value for s in app.success]
    changes = next(d.value for d in app.dataframe if "Reason" in d.value.columns)
    assert changes.iloc[0].tolist()[:3] == ["April 2026", "this service", "Assessment teams restructured into four."]
    chart = app.get("plotly_chart")[0].proto.spec
    assert "Process change: Assessment teams restructured into four." in chart
    assert "Neighbours' median (2025)" in chart and "England (2025)" in chart


def test_only_the_ad_records_a_process_change(app):
    _open(app, Viewer("head_of_service", "assessment"), measure="ASSESS_45WD", **{CHANGES_KEY: True})
    assert not [t for t in app.text_area if t.label == "Reason (what changed in the service)"]
    assert "Process changes are recorded by the assistant director." in [c.value for c in app.caption]


def test_the_present_view_one_measure_a_screen(app, demo_db):
    _open(app, Viewer(), measure="ASSESS_45WD", present=True)
    assert "Assessments completed within 45 working days" in [h.value for h in app.subheader]
    assert not [d for d in app.dataframe if "Var." in d.value.columns]  # not the table: one measure
    nxt = app.button(key="present_next")
    assert nxt.proto.shortcut.lower() == "right" and app.button(key="present_previous").proto.shortcut.lower() == "left"
    assert "Measure 3 of 9" in [m.value.replace("*", "") for m in app.markdown]
    assert any(t.startswith("Figures checked with team managers") for t in _texts(app))  # its commentary
    nxt.click().run()
    assert not app.exception
    assert app.session_state["measure"] == "UNALLOC_ASSESS"
    assert "Assessments unallocated at month end" in [h.value for h in app.subheader]
    assert not app.header  # one measure: no Measures table, audits or meeting sections
    app.button(key="present_previous").click().run()
    assert app.session_state["measure"] == "ASSESS_45WD"


def test_the_meeting_and_process_change_forms_are_drawn_while_their_expanders_are_closed(app):
    # Drawn closed too, so the browser keeps what a chair has typed but not yet saved when they close
    # "Record the meeting" to look at the chart: a form drawn only while open would lose it.
    _open(app, Viewer(), measure="ASSESS_45WD")
    assert not app.session_state[MEETING_FORM_KEY] and not app.session_state[CHANGES_KEY]  # both closed
    labels = [e.label for e in app.expander]
    assert "Record the meeting" in labels and "Process changes: none recorded" in labels
    assert _widget(app.text_input, "Chair").value == "Assistant Director"
    assert _widget(app.text_area, "Attendees (one name a line)").value == ""
    assert _widget(app.text_area, "Reason (what changed in the service)").value == ""
    assert "No process change is recorded for this measure." in [m.value for m in app.markdown]
