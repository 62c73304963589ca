"""The clinic meeting record, its actions as the chair takes them, and every service's clinic at
a glance (qa_core.views.clinic_meeting, clinic_summary), on a council store built from files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest

from qa_core.errors import QAError
from qa_core.roles import AccessDenied, Viewer
from qa_core.store import Store
from qa_core.views import clinic, clinic_meeting, clinic_summary, home
from tests.unit.clinic_files import OCT, council_store

AUG, SEP = dt.date(2026, 8, 1), dt.date(2026, 9, 1)
TODAY = dt.date(2026, 11, 10)
SEPT_MEETING = {
    "service_id": "assessment",
    "clinic_month": SEP,
    "meeting_date": dt.date(2026, 10, 6),
    "chair": "Assistant Director",
    "attendees": ["Hana Holloway", "Jodie Fenwick"],
    "apologies": ["Olu Oakhurst"],
    "decisions": ["Dip-sample late visits each month"],
    "recorded_by": "Performance officer",
}


@pytest.fixture
def store() -> Iterator[Store]:
    with council_store() as opened:
        yield opened


def _action(description: str, **given) -> dict:
    return {"description": description, "owner": "Hana Holloway", "code": "VISITS", **given}


def test_a_meeting_is_recorded_with_its_people_decisions_and_actions(store: Store) -> None:
    ids = clinic_meeting.record_meeting(
        store,
        SEPT_MEETING,
        [
            _action("Review the late visits with each team"),
            _action("Report on agency cover", due_date=dt.date(2026, 12, 18), code=None),
        ],
        today=TODAY,
    )
    got = clinic_meeting.meeting(store, "assessment", SEP)
    assert (got["meeting_date"], got["chair"], got["attendees"], got["apologies"], got["decisions"]) == (
        dt.date(2026, 10, 6),
        "Assistant Director",
        ["Hana Holloway", "Jodie Fenwick"],
        ["Olu Oakhurst"],
        ["Dip-sample late visits each month"],
    )
    assert (got["attendee_count"], got["apology_count"], got["names_shown"]) == (2, 1, True)
    held = store.query("SELECT action_id, description, due_date, clinic_month FROM clinic_action ORDER BY 1")
    assert held["action_id"].tolist() == ids
    # The first action's due date was left out: four weeks after the meeting (6 Oct + 28 days).
    assert [d.date() for d in held["due_date"]] == [dt.date(2026, 11, 3), dt.date(2026, 12, 18)]
    assert {d.date() for d in held["clinic_month"]} == {SEP}
    assert clinic_meeting.meetings(store, "assessment")[["attendees", "apologies", "decisions"]].values.tolist() == [
        [2, 1, 1]
    ]


def test_the_previous_clinics_actions_come_first_with_their_status_against_today(store: Store) -> None:
    clinic.record_action(
        store,
        {
            "service_id": "assessment",
            "clinic_month": AUG,
            **_action("August action, done", due_date=dt.date(2026, 9, 20)),
        },
    )
    august_open = clinic.record_action(
        store,
        {
            "service_id": "assessment",
            "clinic_month": AUG,
            **_action("August action, still open", due_date=dt.date(2026, 12, 20)),
        },
    )
    clinic.complete_action(store, store.scalar("SELECT min(action_id) FROM clinic_action"), dt.date(2026, 9, 18))
    clinic_meeting.record_meeting(
        store,
        SEPT_MEETING,
        [
            _action("September action due 3 November"),  # default: 6 Oct + 28 days, passed by 10 November
            _action("September action due in December", due_date=dt.date(2026, 12, 1)),
        ],
        today=TODAY,
    )
    clinic_meeting.record_meeting(
        store,
        SEPT_MEETING | {"clinic_month": OCT, "meeting_date": dt.date(2026, 11, 5)},
        [_action("October action")],
        today=TODAY,
    )
    frame = clinic_meeting.meeting_actions(store, "assessment", OCT, today=TODAY)
    assert frame[["label", "agreed", "status", "description"]].values.tolist() == [
        ["September 2026 clinic, action 1", "previous", "Overdue", "September action due 3 November"],
        ["September 2026 clinic, action 2", "previous", "Open", "September action due in December"],
        ["October 2026 clinic, action 1", "this", "Open", "October action"],
        ["August 2026 clinic, action 1", "earlier", "Done", "August action, done"],
        ["August 2026 clinic, action 2", "earlier", "Open", "August action, still open"],
    ]
    assert frame.loc[frame["label"] == "August 2026 clinic, action 2", "action_id"].item() == august_open
    assert not frame["label"].str.contains("CA-").any()
    # Looking back at the September clinic: August's are then "previous"; overdue is still judged today.
    back = clinic_meeting.meeting_actions(store, "assessment", SEP, today=TODAY)
    assert back["agreed"].tolist() == ["previous", "previous", "this", "this"]
    assert back["status"].tolist() == ["Done", "Open", "Overdue", "Open"]
    # The month-end rule of ``clinic.actions`` would call the September action open in September.
    assert (
        clinic.actions(store, "assessment", SEP)
        .set_index("description")
        .loc["September action due 3 November", "status"]
        == "Open"
    )


def test_names_reach_only_viewers_who_see_the_services_detail(store: Store) -> None:
    clinic_meeting.record_meeting(store, SEPT_MEETING, [_action("An action")], today=TODAY)
    for viewer in (Viewer("head_of_service", "front_door"), Viewer("team_manager", "assessment_01")):
        got = clinic_meeting.meeting(store, "assessment", SEP, viewer)
        assert got["chair"] is None and got["attendees"] is None and got["apologies"] is None
        assert got["recorded_by"] is None and (got["attendee_count"], got["apology_count"]) == (2, 1)
        assert got["decisions"] == ["Dip-sample late visits each month"]
        assert clinic_meeting.meeting_actions(store, "assessment", SEP, viewer, TODAY)["owner"].tolist() == ["withheld"]
    assert clinic_meeting.meeting(store, "assessment", SEP, Viewer("qa_lead"))["chair"] == "Assistant Director"
    assert clinic_meeting.meeting(store, "assessment", AUG) is None


@pytest.mark.parametrize(
    "change, message",
    [
        ({"chair": " "}, "the chair is empty"),
        ({"meeting_date": None}, r"the meeting date is missing \(choose a date\)"),
        ({"meeting_date": dt.date(2026, 8, 31)}, "the meeting date is before September 2026, the month the clinic"),
        ({"meeting_date": dt.date(2026, 11, 11)}, "the meeting date is in the future"),
        ({"attendees": ["Hana Holloway", "hana holloway"]}, "hana holloway is listed twice in the attendees"),
        ({"apologies": ["Jodie Fenwick"]}, "Jodie Fenwick is listed both as attending and as sending apologies"),
        ({"decisions": ["Fine decision", "no"]}, r"decision 2 is too short \(at least 3 characters\)"),
        ({"attendees": ["X"]}, r"a name in the attendees is too short \(at least 2 characters\)"),
    ],
)
def test_a_bad_meeting_is_refused_naming_the_field_and_nothing_is_written(store: Store, change, message) -> None:
    with pytest.raises(QAError, match=f"^The meeting was not saved: .*{message}"):
        clinic_meeting.record_meeting(store, SEPT_MEETING | change, [_action("An action")], today=TODAY)
    assert store.scalar("SELECT count(*) FROM clinic_meeting") == 0
    assert store.scalar("SELECT count(*) FROM clinic_action") == 0


def test_a_bad_action_refuses_the_whole_meeting_in_plain_words(store: Store) -> None:
    with pytest.raises(QAError) as refused:
        clinic_meeting.record_meeting(
            store,
            SEPT_MEETING,
            [_action("Fine"), _action("x", owner=" "), _action("Early", due_date=dt.date(2026, 10, 1))],
            today=TODAY,
        )
    assert str(refused.value) == (
        "The meeting was not saved: action 2: the description (what will be done) is too short (at least 3 "
        "characters); the owner is empty; action 3: the due date is before the meeting."
    )
    assert store.scalar("SELECT count(*) FROM clinic_meeting") + store.scalar("SELECT count(*) FROM clinic_action") == 0


def test_an_action_refusal_never_shows_the_validators_wording(store: Store) -> None:
    # Before: "The action was not saved: description: String should have at least 3 characters."
    first = re.escape(
        "The action was not saved: the description (what will be done) is too short (at least 3 characters)."
    )
    with pytest.raises(QAError, match=f"^{first}$"):
        clinic.record_action(
            store,
            {
                "service_id": "assessment",
                "clinic_month": OCT,
                "description": "ab",
                "owner": "Hana",
                "due_date": dt.date(2026, 11, 30),
            },
        )
    second = re.escape("The action was not saved: the owner is empty; the due date is missing.")
    with pytest.raises(QAError, match=f"^{second}$"):
        clinic.record_action(
            store,
            {"service_id": "assessment", "clinic_month": OCT, "description": "Do it", "owner": "  ", "due_date": None},
        )


def test_a_meeting_twice_and_other_roles_are_refused(store: Store) -> None:
    for viewer in (Viewer("head_of_service", "front_door"), Viewer("qa_lead"), Viewer("team_manager", "assessment_01")):
        with pytest.raises(AccessDenied, match="The meeting was not saved"):
            clinic_meeting.record_meeting(store, SEPT_MEETING, viewer=viewer, today=TODAY)
    clinic_meeting.record_meeting(store, SEPT_MEETING, viewer=Viewer("head_of_service", "assessment"), today=TODAY)
    with pytest.raises(
        QAError, match="the September 2026 clinic for Assessment is already recorded .held on 6 October 2026"
    ):
        clinic_meeting.record_meeting(store, SEPT_MEETING, today=TODAY)
    with pytest.raises(QAError, match="no service 'nowhere'"):
        clinic_meeting.record_meeting(store, SEPT_MEETING | {"service_id": "nowhere"}, today=TODAY)


def test_every_services_clinic_at_a_glance(store: Store) -> None:
    clinic_meeting.record_meeting(
        store,
        SEPT_MEETING,
        [_action("Due 3 November"), _action("Due in December", due_date=dt.date(2026, 12, 1))],
        today=TODAY,
    )
    summary = clinic_summary.services_summary(store, OCT, today=TODAY).set_index("service_id")
    assert list(summary.index) == ["front_door", "assessment"]
    for service_id in summary.index:
        header = clinic.clinic_header(store, service_id, OCT, home.indicator_summary(store, OCT, service_id))
        for key in ("measures", "red", "amber", "green", "no_target", "special_cause_concern"):
            assert summary.loc[service_id, key] == header[key], key
    # Assessment: VISITS (count, target 5, 34 this month) is green and a special cause of improvement;
    # LATE (15% against 10%, lower is better, no tolerance) is red. Front Door: VISITS 10, green.
    assert summary.loc["assessment", ["measures", "red", "green", "special_cause_concern"]].tolist() == [2, 1, 1, 0]
    assert summary.loc["assessment", ["open_actions", "overdue_actions"]].tolist() == [2, 1]
    assert summary.loc["assessment", "last_meeting"] == dt.date(2026, 10, 6)
    assert summary.loc["front_door", ["measures", "open_actions", "overdue_actions"]].tolist() == [1, 0, 0]
    assert summary.loc["front_door", "last_meeting"] is None
    assert list(summary.reset_index().columns) == clinic_summary.SUMMARY_COLUMNS
