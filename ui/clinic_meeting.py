"""The clinic meeting and its actions on the clinic page (``views.clinic_meeting``).

The meeting starts from the actions agreed at the previous clinic, so they are listed first with
their status (overdue judged against today), then this clinic's, then older ones. People never
see internal ids: an action is "October 2026 clinic, action 3". The meeting record (date, chair,
attendees, apologies, decisions) is shown, and recorded with the actions agreed at it by the
assistant director or the service's head of service; names of people are staff names, shown only
to those who see the service's case-level detail (the view withholds them, in the query).
Refusals are the views' plain sentences naming the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from qa_core.errors import QAError
from qa_core.roles import Viewer
from qa_core.rules.periods import month_label
from qa_core.views import clinic, clinic_meeting
from ui import clinic_data, data, long_text
from ui.clinic_measures import row_height
from ui.safe import md
from ui.styled import KeptStyle, keep_style
from ui.tags import style_tags

__all__ = [
    "ACTION_SLOTS",
    "MEETING_FORM_KEY",
    "lines",
    "meeting_words",
    "actions_table",
    "show_meeting",
    "show_actions",
]

#: How many actions the meeting form takes at once (more can be added with "Record a new action").
ACTION_SLOTS = 3
#: The "Record the meeting" expander's key (a test sets it True, as a click opens it).
MEETING_FORM_KEY = "clinic_record_meeting"
_GROUPS = {"previous": "Agreed at the previous clinic", "this": "Agreed at this clinic", "earlier": "Earlier clinics"}


def lines(text: str | None) -> list[str]:
    """One entry per non-blank line of a text box (names, decisions).

    >>> lines(" Priya Jessop\\n\\n Ben Okafor ")
    ['Priya Jessop', 'Ben Okafor']
    """
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def meeting_words(record: dict) -> list[str]:
    """The meeting record in sentences (stored text: the caller escapes it for Markdown)."""
    held = f"Held on {_day(record['meeting_date'])}"
    if not record["names_shown"]:
        return [
            f"{held}: {record['attendee_count']} attended, {record['apology_count']} sent apologies.",
            "Names of those present are shown to the service's head of service, the assistant director and "
            "the QA lead only.",
        ]
    out = [
        f"{held}, chaired by {record['chair']}.",
        "Attended: " + (", ".join(record["attendees"]) or "nobody recorded") + ".",
        "Apologies: " + (", ".join(record["apologies"]) or "none") + ".",
    ]
    return out


def _save(write: Callable[[], object], flash: Callable[[object], str]) -> None:
    """Run a store write; on success clear the caches and show ``flash(result)`` after the rerun."""
    try:
        result = write()
    except QAError as exc:
        st.error(md(str(exc)))  # a refusal may quote what was typed
    else:
        data.clear_caches()
        st.session_state["clinic_flash"] = flash(result)
        st.rerun()


def show_meeting(service_id: str, month: dt.date, label: str, viewer: Viewer, names: dict[str, str]) -> dict | None:
    """The month's meeting record, or (for those who may) the form that records it with its actions.
    ``names``: the measures' codes and names for the actions' linked measure. Returns the record."""
    record = clinic_data.meeting(service_id, month, viewer)
    if record is not None:
        for sentence in meeting_words(record):
            st.write(md(sentence))
        if record["decisions"]:
            st.write("Decisions:")
            for n, decision in enumerate(record["decisions"], 1):
                st.text(f"{n}. {long_text.preview(decision)}")
        return record
    st.write(f"No meeting is recorded for the {label} clinic yet.")
    previous = clinic_data.previous_meeting(service_id, month, viewer)
    if previous is not None:
        st.caption(
            f"The previous clinic ({month_label(previous['clinic_month'])}) was held on "
            f"{_day(previous['meeting_date'])}."
        )
    if not clinic.may_manage_actions(viewer, service_id):
        st.caption("The meeting is recorded by the assistant director or the service's head of service.")
        return None
    today = dt.date.today()
    if today < month:
        return None
    # Drawn closed too (about 1.5 ms a run): what the chair has typed but not yet saved stays in its boxes when
    # the expander is closed, as it would not if the form were drawn only while open.
    with st.expander("Record the meeting", key=MEETING_FORM_KEY, on_change="rerun"):
        _meeting_form(service_id, month, label, viewer, names, today)
    return None


def _meeting_form(
    service_id: str, month: dt.date, label: str, viewer: Viewer, names: dict[str, str], today: dt.date
) -> None:
    """The form that records the meeting and the actions agreed at it."""
    with st.form("clinic_meeting", clear_on_submit=False):
        held = st.date_input("Meeting date", value=today, min_value=month, max_value=today, format="DD/MM/YYYY")
        chair = st.text_input("Chair", value="Assistant Director", max_chars=clinic_meeting.NAME_CHARS)
        attendees = st.text_area("Attendees (one name a line)")
        apologies = st.text_area("Apologies (one name a line)")
        decisions = st.text_area("Decisions (one a line)")
        st.write(f"Actions agreed (up to {ACTION_SLOTS} here; due four weeks after the meeting unless a date is set)")
        actions = []
        for n in range(1, ACTION_SLOTS + 1):
            what = st.text_input(f"Action {n}: what will be done", max_chars=500, key=f"meeting_action_{n}_what")
            owner = st.text_input(f"Action {n}: owner", max_chars=120, key=f"meeting_action_{n}_owner")
            due = st.date_input(
                f"Action {n}: due by (blank: four weeks after the meeting)",
                value=None,
                format="DD/MM/YYYY",
                key=f"meeting_action_{n}_due",
            )
            code = st.selectbox(
                f"Action {n}: linked measure",
                [None, *names],
                key=f"meeting_action_{n}_code",
                format_func=lambda c: "None" if c is None else names[c],
            )
            if what or owner:
                actions.append({"description": what, "owner": owner, "due_date": due, "code": code})
        if st.form_submit_button("Record the meeting"):
            record = {
                "service_id": service_id,
                "clinic_month": month,
                "meeting_date": held,
                "chair": chair,
                "attendees": lines(attendees),
                "apologies": lines(apologies),
                "decisions": lines(decisions),
            }
            _save(
                lambda: clinic_data.record_meeting(record, actions, viewer, today),
                lambda ids: (
                    f"The {label} clinic is recorded"
                    + (f", with {len(ids)} action{'s' * (len(ids) != 1)}." if ids else ".")
                ),
            )


#: The actions tables' column widths (px): with wrapped rows they fit 1280 px with the sidebar and large type.
_ACTION_COLUMNS = {
    "Action": st.column_config.TextColumn("Action", width=150),
    "Status": st.column_config.TextColumn("Status", width=95),
    "What will be done": st.column_config.TextColumn("What will be done", width=190),
    "Owner": st.column_config.TextColumn("Owner", width=100),
    "Due": st.column_config.TextColumn("Due", width=70),
    "Done on": st.column_config.TextColumn("Done on", width=70),
    "Measure": st.column_config.TextColumn("Measure", width=160),  # a measure's name, in 3 lines at most
}


def actions_table(actions: pd.DataFrame, owners_shown: bool) -> pd.DataFrame:
    """The actions as the page lists them: no internal id, the label people use instead."""
    table = pd.DataFrame(
        {
            "Action": actions["label"],
            "Status": actions["status"],
            "What will be done": actions["description"],
            "Owner": actions["owner"],
            "Due": pd.to_datetime(actions["due_date"]).dt.strftime("%d %b %Y"),
            "Done on": pd.to_datetime(actions["completed_date"]).dt.strftime("%d %b %Y").fillna(""),
            "Measure": actions["measure"].fillna(""),
        }
    )
    return table if owners_shown else table.drop(columns="Owner")


@dataclass
class ShownActions:
    """A clinic's actions as the page lists them, worked out once per view (``shown_actions``):
    ``actions`` (``clinic_data.meeting_actions``' rows), ``table`` (``actions_table``: also what
    "read in full" picks from), each group's heading and styled rows, and how many are overdue."""

    actions: pd.DataFrame
    table: pd.DataFrame
    groups: list[tuple[str, KeptStyle]]
    overdue: int


@data.cached
def shown_actions(service_id: str, month: dt.date, viewer: Viewer, today: dt.date, code: str | None) -> ShownActions:
    """The actions of ``show_actions`` (``code``: only that measure's) with their tables styled, kept
    per view: building and styling them on every rerun was a large part of the clinic's time (issue 14)."""
    actions = clinic_data.meeting_actions(service_id, month, viewer, today)
    if code is not None:
        actions = actions[actions["code"] == code].reset_index(drop=True)
    if actions.empty:
        return ShownActions(actions, pd.DataFrame(), [], 0)
    table = actions_table(actions, viewer.sees_cases(service_id))
    groups = []
    for group, title in _GROUPS.items():
        rows = table[(actions["agreed"] == group).to_numpy()]
        if rows.empty:
            continue
        months = sorted(set(actions.loc[actions["agreed"] == group, "clinic_month"]))
        when = f" ({month_label(months[0])})" if group != "earlier" else ""
        shown = long_text.preview_frame(rows, ["What will be done"])
        groups.append((f"{title}{when}", keep_style(style_tags(shown, {"Status": {"Overdue": "Red"}}, bold=True))))
    return ShownActions(actions, table, groups, int((actions["status"] == "Overdue").sum()))


def show_actions(
    service_id: str,
    month: dt.date,
    viewer: Viewer,
    names: dict[str, str],
    meeting_date: dt.date | None,
    code: str | None = None,
) -> pd.DataFrame:
    """The actions in the chair's order (``code``: only that measure's, without the forms);
    then, for those who may, the forms to mark one done and record a new one."""
    today = dt.date.today()
    shown = shown_actions(service_id, month, viewer, today, code)
    actions, table = shown.actions, shown.table
    manages = clinic.may_manage_actions(viewer, service_id)
    owners_shown = viewer.sees_cases(service_id)
    if actions.empty:
        st.write(
            "No actions have been agreed at this service's clinics yet."
            if code is None
            else "No action is linked to this measure."
        )
    else:
        if shown.overdue:
            st.warning(
                f"{shown.overdue} clinic action{'s' if shown.overdue != 1 else ''} overdue (judged against today, "
                f"{_day(today)}).",
                icon=":material/schedule:",
            )
        for title, kept in shown.groups:
            st.subheader(title, anchor=False)
            st.dataframe(
                kept.styler(),
                hide_index=True,
                width="stretch",
                column_config=_ACTION_COLUMNS,
                row_height=row_height(),
                height="content",
            )
        if code is None:
            long_text.read_in_full(table, ["What will be done"], table["Action"].tolist(), key="clinic_full_actions")
        if not owners_shown:
            st.caption(
                "Owners are staff names: they are shown to the service's head of service, the assistant "
                "director and the QA lead only."
            )
    if code is not None:
        return actions
    if not manages:
        st.caption("Actions are recorded and marked done by the assistant director and the service's head of service.")
        return actions
    labels = dict(zip(actions["action_id"], actions["label"], strict=True))
    texts = dict(zip(actions["action_id"], actions["description"], strict=True))
    open_ids = actions.loc[actions["status"] != "Done", "action_id"].tolist()
    if open_ids:
        with st.form("complete_action"):
            st.write("Mark an action done")
            chosen = st.selectbox(
                "Action",
                open_ids,
                format_func=lambda a: f"{labels[a]}: {long_text.preview(texts[a], long_text.LABEL_CHARS)}",
            )
            done_on = st.date_input("Done on", value=today, max_value=today, format="DD/MM/YYYY")
            if st.form_submit_button("Mark done"):
                _save(
                    lambda: data.complete_clinic_action(chosen, done_on, viewer),
                    lambda _: f"{labels[chosen]} marked done.",
                )
    due_default = clinic_meeting.default_due_date(meeting_date, today)
    with st.form("new_action", clear_on_submit=True):
        st.write("Record a new action")
        what = st.text_area("What will be done", max_chars=500)
        owner = st.text_input("Owner", max_chars=120)
        due = st.date_input(
            "Due by",
            value=due_default,
            format="DD/MM/YYYY",
            help="Four weeks after the meeting (or today, if none is recorded) unless you set a date.",
        )
        linked = st.selectbox("Linked measure", [None, *names], format_func=lambda c: "None" if c is None else names[c])
        if st.form_submit_button("Record action"):
            _save(
                lambda: data.record_clinic_action(
                    {
                        "service_id": service_id,
                        "clinic_month": month,
                        "description": what,
                        "owner": owner,
                        "due_date": due,
                        "code": linked,
                    },
                    viewer,
                ),
                lambda new_id: f"Recorded as {clinic_data.action_label_of(new_id, service_id, month, viewer)}.",
            )
    return actions
