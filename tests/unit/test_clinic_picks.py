"""The clinic's detail reads once per data version and picks each month, service and measure from
what it read (issue 14): the series, the team figures, the process changes, the commentary, the
meeting and its actions. Every pick must equal the library's own read (which the command line and
the packs still use), names withheld for each viewer exactly as the read withholds them, and a
pick must read nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest

from qa_core.roles import Viewer
from qa_core.store import Store, queries
from qa_core.views import baselines, clinic, clinic_meeting, commentary
from tests.unit.clinic_files import OCT, council_store

TODAY = dt.date(2026, 11, 10)


def _viewers(store: Store, service: str) -> list[Viewer | None]:
    teams = queries.teams(store)
    own = teams.loc[teams["service_id"] == service, "team_id"].tolist()
    other = teams.loc[teams["service_id"] != service, ["team_id", "service_id"]]
    other_service = next(s for s in queries.services(store)["service_id"] if s != service)
    found: list[Viewer | None] = [None, Viewer(), Viewer("qa_lead"), Viewer("head_of_service", scope=service),
                                  Viewer("head_of_service", scope=other_service), Viewer("scrutiny")]
    if own:
        found.append(Viewer("team_manager", scope=own[0], scope_service=service))
    if not other.empty:
        found.append(Viewer("team_manager", scope=other["team_id"].iloc[0],
                            scope_service=other["service_id"].iloc[0]))
    return found


def _same(picked: object, read: object) -> None:
    if isinstance(read, pd.DataFrame):
        pd.testing.assert_frame_equal(picked, read, check_exact=True)
    else:
        assert type(picked) is type(read)
        assert picked == read


def _every_pick_equals_its_read(store: Store, months: list[dt.date]) -> int:
    """Each pick against the library's read for ``months`` and every service, measure and viewer; how many."""
    series, values = queries.indicator_series_all(store), queries.team_values_all(store)
    changes, notes = baselines.all_process_changes(store), commentary.all_service_commentary(store)
    records = clinic_meeting.clinic_records(store)
    codes = list(queries.indicators(store)["code"])
    core = store.query("SELECT code, service_id FROM indicator_service")
    compared = 0
    for code in codes:
        _same(baselines.process_changes_from(changes, code, None), baselines.process_changes(store, code, None))
        compared += 1
    _same(baselines.process_changes_from(changes), baselines.process_changes(store))
    for service in queries.services(store)["service_id"]:
        viewers = _viewers(store, service)
        its_codes = core.loc[core["service_id"] == service, "code"].tolist()  # the clinic's measures
        for code in codes:
            _same(queries.indicator_series_from(series, code, service),
                  queries.indicator_series(store, code, "service", service))
            _same(baselines.process_changes_from(changes, code, service),
                  baselines.process_changes(store, code, service))
            compared += 2
        for month in months:
            _same(commentary.service_commentary_from(notes, service, month),
                  commentary.service_commentary(store, service, month))
            _same(clinic_meeting.previous_clinic_from(records, service, month),
                  clinic_meeting.previous_clinic(store, service, month))
            compared += 2
            for viewer in viewers:
                _same(clinic_meeting.meeting_from(records, service, month, viewer),
                      clinic_meeting.meeting(store, service, month, viewer))
                _same(clinic_meeting.meeting_actions_from(records, service, month, viewer, TODAY),
                      clinic_meeting.meeting_actions(store, service, month, viewer, TODAY))
                _same(queries.clinic_actions_from(records.actions, service, month, viewer),
                      queries.clinic_actions(store, service, month, viewer))
                compared += 3
                for code in its_codes:
                    _same(queries.team_values_from(values, code, service, month, viewer),
                          clinic.team_breakdown(store, code, service, month, viewer))
                    compared += 1
    return compared


def test_each_pick_equals_the_librarys_read_on_the_demo(store: Store) -> None:
    months = queries.months(store)
    assert _every_pick_equals_its_read(store, months[::9] + months[-2:]) > 1000
    # the demo has what the picks must reproduce: meetings, actions, commentary, a process change
    records = clinic_meeting.clinic_records(store)
    assert not records.meetings.empty and not records.actions.empty
    assert not commentary.all_service_commentary(store).empty and not baselines.all_process_changes(store).empty


@pytest.fixture
def council() -> Iterator[Store]:
    with council_store() as opened:
        yield opened


def test_each_pick_equals_the_read_on_a_council_from_its_own_files(council: Store) -> None:
    months = [dt.date(2024, 9, 1), dt.date(2025, 4, 1), dt.date(2026, 9, 1), OCT, dt.date(2026, 11, 1)]
    _every_pick_equals_its_read(council, months)  # nothing recorded yet: every clinic table empty
    # Then what the clinic records: a meeting with no recorder, its actions, commentary, changes,
    # and a team without a manager (text columns with no value come back as a query gives them).
    clinic_meeting.record_meeting(
        council, {"service_id": "assessment", "clinic_month": dt.date(2026, 9, 1),
                  "meeting_date": dt.date(2026, 10, 6), "chair": "Assistant Director",
                  "attendees": ["Hana Holloway"], "apologies": [], "decisions": ["Dip-sample late visits"]},
        [{"description": "Review the late visits", "owner": "Hana Holloway", "code": "VISITS"},
         {"description": "Report on agency cover", "owner": "Jodie Fenwick", "code": None}], today=TODAY)
    clinic_meeting.record_meeting(
        council, {"service_id": "front_door", "clinic_month": OCT, "meeting_date": dt.date(2026, 11, 2),
                  "chair": "Assistant Director", "recorded_by": "Performance officer"}, [], today=TODAY)
    commentary.write_commentary(council, "VISITS", "assessment", OCT, "First words", "Hana Holloway")
    commentary.write_commentary(council, "VISITS", "assessment", OCT, "Second words", "Hana Holloway")
    baselines.record_process_change(council, {"code": "VISITS", "service_id": "assessment",
                                              "month": dt.date(2025, 10, 1), "reason": "New model",
                                              "recorded_by": "Assistant Director"})
    council.execute("UPDATE team SET manager = NULL WHERE team_id = 'front_door_01'")
    assert _every_pick_equals_its_read(council, months) > 100
    assert clinic_meeting.meeting_from(clinic_meeting.clinic_records(council), "assessment",
                                       dt.date(2026, 9, 1))["recorded_by"] is None


def test_a_pick_reads_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    series, values = queries.indicator_series_all(store), queries.team_values_all(store)
    changes, notes = baselines.all_process_changes(store), commentary.all_service_commentary(store)
    records = clinic_meeting.clinic_records(store)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pick read the store")

    monkeypatch.setattr(store, "query", no_reading)
    monkeypatch.setattr(store, "scalar", no_reading)
    viewer = Viewer("head_of_service", scope="front_door")
    for service in records.services["service_id"]:
        queries.indicator_series_from(series, "CONTACT_24H", service)
        queries.team_values_from(values, "CONTACT_24H", service, OCT, viewer)
        baselines.process_changes_from(changes, "CWD_REVIEWS", service)
        commentary.service_commentary_from(notes, service, OCT)
        clinic_meeting.meeting_from(records, service, dt.date(2026, 9, 1), viewer)
        clinic_meeting.previous_clinic_from(records, service, OCT)
        clinic_meeting.meeting_actions_from(records, service, OCT, viewer, TODAY)


def test_picks_withhold_names_as_the_reads_do(store: Store) -> None:
    values, records = queries.team_values_all(store), clinic_meeting.clinic_records(store)
    mine, other = Viewer("head_of_service", scope="assessment"), Viewer("head_of_service", scope="front_door")
    assert queries.team_values_from(values, "ASSESS_45WD", "assessment", OCT, mine)["manager"].notna().all()
    assert queries.team_values_from(values, "ASSESS_45WD", "assessment", OCT, other)["manager"].isna().all()
    assert set(clinic_meeting.meeting_actions_from(records, "assessment", OCT, other, TODAY)["owner"]) == {"withheld"}
    assert "withheld" not in set(clinic_meeting.meeting_actions_from(records, "assessment", OCT, mine, TODAY)["owner"])
    held = clinic_meeting.meeting_from(records, "assessment", dt.date(2026, 9, 1), other)
    assert held is not None and held["chair"] is None and held["attendees"] is None
