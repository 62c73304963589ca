"""Recorded process changes (qa_core.views.baselines) on a council store built from files: the
measures table, the chart and ``report clinic`` fix limits on a 12-month baseline and
recalculate them only from a recorded change."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.roles import AccessDenied, Viewer
from qa_core.store import Store, queries
from qa_core.views import baselines, clinic, home
from tests.unit.clinic_files import MONTHS, OCT, council_store

CHANGE = {
    "code": "VISITS",
    "service_id": "assessment",
    "month": MONTHS[12],
    "reason": "New visiting model",
    "recorded_by": "Assistant Director",
}
WHEN = dt.datetime(2026, 11, 3, 10, 0)


@pytest.fixture
def store() -> Iterator[Store]:
    with council_store() as opened:
        yield opened


def _row(store: Store, service: str = "assessment", code: str = "VISITS") -> pd.Series:
    return home.indicator_summary(store, OCT, service).set_index("code").loc[code]


def test_without_a_recorded_change_the_first_twelve_months_set_the_limits(store: Store) -> None:
    # SHIFT (tests/unit/clinic_files.py): limits from 10, 12 ... (mean 11, 5.68 to 16.32) for all
    # 25 months, so the jump to 20, 24 and the 34 are special causes, high; target 5 < 5.68: passes.
    row = _row(store)
    assert (row["variation_code"], row["assurance_code"], row["baseline_month"]) == (
        "improvement_high",
        "pass",
        "2024-10",
    )


def test_a_recorded_change_recalculates_the_limits_from_its_month(store: Store) -> None:
    baselines.record_process_change(store, CHANGE, now=WHEN)
    # From October 2025 (month 12): baseline 20, 24 ... → mean 22, limits 11.36 to 32.64. The
    # latest month (34) is above 32.64: still improvement (high); target 5 < 11.36: passes.
    row = _row(store)
    assert (row["variation_code"], row["assurance_code"], row["baseline_month"]) == (
        "improvement_high",
        "pass",
        "2025-10",
    )
    # The chart draws the same limits as the table judged by.
    series = queries.indicator_series(store, "VISITS", "service", "assessment")
    points = clinic.measure_points(series, "up", 5.0, baselines.change_months(store, "VISITS", "assessment"))
    assert points["mean"].iloc[11] == pytest.approx(11) and points["ucl"].iloc[11] == pytest.approx(16.32)
    assert points["mean"].iloc[12] == pytest.approx(22) and points["ucl"].iloc[24] == pytest.approx(32.64)
    assert points["special_cause"].iloc[-1] == "improvement"
    assert points["special_cause"].iloc[12:24].isna().all()
    # The other service and the other measure are untouched.
    assert _row(store, "front_door")["baseline_month"] == "2024-10"
    assert _row(store, code="LATE")["baseline_month"] == "2024-10"


def test_a_change_too_recent_for_twelve_months_leaves_no_limits_and_says_why(store: Store) -> None:
    baselines.record_process_change(store, CHANGE | {"month": dt.date(2026, 5, 17)}, now=WHEN)  # any day: May
    row = _row(store)
    assert pd.isna(row["variation_code"]) and row["assurance_code"] == "none" and pd.isna(row["baseline_month"])
    assert row["variation"] == "Not enough data (fewer than 12 months since the process change)"
    held = baselines.process_changes(store, "VISITS", "assessment")
    assert held["month"].tolist() == [dt.date(2026, 5, 1)]


def test_a_council_change_applies_to_every_service_and_the_council(store: Store) -> None:
    baselines.record_process_change(store, CHANGE | {"service_id": None}, now=WHEN)
    assert _row(store)["baseline_month"] == "2025-10"
    assert _row(store, "front_door")["baseline_month"] == "2025-10"
    council = home.indicator_summary(store, OCT).set_index("code")
    assert council.loc["VISITS", "baseline_month"] == "2025-10"
    assert baselines.process_changes(store, "VISITS", "front_door")["level"].tolist() == ["whole council"]


def test_report_clinic_gains_the_icon_codes_and_the_baseline_month(tmp_path: Path, capsys) -> None:
    from qa_core.__main__ import main

    path = tmp_path / "council.duckdb"
    with council_store(path) as store:
        baselines.record_process_change(store, CHANGE, now=WHEN)
    assert (
        main(
            ["report", "clinic", "--db", str(path), "--service", "assessment", "--month", "2026-10", "--format", "json"]
        )
        == 0
    )
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert list(rows["VISITS"]) == clinic.REPORT_COLUMNS  # every earlier field kept, in order, then the new
    assert (rows["VISITS"]["variation_icon"], rows["VISITS"]["assurance_icon"], rows["VISITS"]["baseline_month"]) == (
        "improvement_high",
        "pass",
        "2025-10",
    )
    # LATE: 3 of 20 every month (15%), limits 15 to 15; lower is better and the target 10 is below: fails.
    assert (rows["LATE"]["variation_icon"], rows["LATE"]["assurance_icon"]) == ("common_cause", "fail")
    assert clinic.REPORT_COLUMNS[:17] == [
        "code",
        "name",
        "unit",
        "value",
        "numerator",
        "denominator",
        "target",
        "rag",
        "previous",
        "direction",
        "variation",
        "assurance",
        "special_cause",
        "sn_median",
        "sn_count",
        "england",
        "comparator_year",
    ]


# -- refusals ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "viewer",
    [
        Viewer("head_of_service", "assessment"),
        Viewer("qa_lead"),
        Viewer("team_manager", "assessment_01"),
        Viewer("scrutiny"),
        Viewer("admin"),
    ],
)
def test_only_the_assistant_director_records_a_change(store: Store, viewer: Viewer) -> None:
    with pytest.raises(AccessDenied, match="assistant director can"):
        baselines.record_process_change(store, CHANGE, viewer)
    assert store.scalar("SELECT count(*) FROM spc_process_change") == 0
    baselines.record_process_change(store, CHANGE, Viewer("assistant_director"))
    assert store.scalar("SELECT count(*) FROM spc_process_change") == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"code": "NOPE"}, "there is no measure 'NOPE'"),
        ({"service_id": "nowhere"}, "there is no service 'nowhere'"),
        ({"month": None}, "the month is missing"),
        ({"month": "2026-05"}, "the month is not a date"),
        ({"reason": "  "}, "the reason is empty"),
        ({"reason": "ok"}, r"the reason is too short \(at least 3 characters\)"),
        ({"reason": "x" * 1001}, "the reason is too long"),
        ({"recorded_by": ""}, "who recorded it is empty"),
    ],
)
def test_bad_changes_are_refused_in_plain_words(store: Store, change: dict, message: str) -> None:
    with pytest.raises(QAError, match=f"^The process change was not saved: {message}"):
        baselines.record_process_change(store, CHANGE | change)
    assert store.scalar("SELECT count(*) FROM spc_process_change") == 0


def test_a_change_recorded_twice_is_refused_and_one_removed_restores_the_old_limits(store: Store) -> None:
    baselines.record_process_change(store, CHANGE, now=WHEN)
    with pytest.raises(QAError, match="already recorded"):
        baselines.record_process_change(store, CHANGE | {"reason": "Again"}, now=WHEN)
    with pytest.raises(AccessDenied):
        baselines.remove_process_change(store, "VISITS", "assessment", MONTHS[12], Viewer("qa_lead"))
    baselines.remove_process_change(store, "VISITS", "assessment", MONTHS[12])
    assert _row(store)["baseline_month"] == "2024-10"
    with pytest.raises(QAError, match="no process change"):
        baselines.remove_process_change(store, "VISITS", "assessment", MONTHS[12])


def test_change_indices_maps_months_to_the_first_point_on_or_after():
    months = [dt.date(2026, m, 1) for m in (1, 2, 4, 5)]
    assert baselines.change_indices(months, [dt.date(2026, 3, 1)]) == [2]
    assert baselines.change_indices(months, [dt.date(2026, 1, 1)]) == []  # the series' start is a phase anyway
    assert baselines.change_indices(months, [dt.date(2026, 6, 1)]) == []  # after the series
    assert baselines.change_indices(months, [dt.date(2026, 4, 1), dt.date(2026, 3, 1)]) == [2]


# -- the import kind -------------------------------------------------------------------------------
CHANGES_HEADER = ["code", "org_unit", "month", "reason", "recorded_by"]


def test_process_changes_load_from_a_file_all_or_nothing_and_only_once(store: Store) -> None:
    from qa_core.io.importer import ImportRejected, export_kind, import_file
    from tests.unit.test_import_support import csv_bytes

    rows = [CHANGES_HEADER, ["VISITS", "Assessment", "2025-10", "New visiting model", "Assistant Director"]]
    result = import_file(store, "process_changes", csv_bytes(rows), "changes.csv", user="admin")
    assert (result.added, result.replaced, result.unchanged) == (1, 0, 0)
    assert _row(store)["baseline_month"] == "2025-10"
    again = import_file(store, "process_changes", csv_bytes(rows), "changes.csv", user="admin")
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 1)
    rows[1][3] = "New visiting model, one named worker per child"
    assert import_file(store, "process_changes", csv_bytes(rows), "changes.csv", user="admin").replaced == 1
    assert baselines.process_changes(store, "VISITS", "assessment")["reason"].item().endswith("per child")
    bad = [
        CHANGES_HEADER,
        ["VISITS", "la", "2025-06", "Council-wide change", "AD"],
        ["LATE", "Front Door", "2025-10", "Not a Front Door measure", "AD"],
        ["VISITS", "Asessment", "2025-10", "Misspelt", "AD"],
        ["VISITS", "council", "June 2025", "Same as row 2", "AD"],
    ]
    with pytest.raises(ImportRejected) as refused:
        import_file(store, "process_changes", csv_bytes(bad), "bad.csv", user="admin")
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {(3, "code"), (4, "org_unit"), (2, "code"), (5, "code")}
    assert store.scalar("SELECT count(*) FROM spc_process_change") == 1  # nothing of the bad file written
    exported = export_kind(store, "process_changes", "csv")
    with council_store() as other:
        assert import_file(other, "process_changes", exported, "changes.csv", user="admin").added == 1
        assert other.query("SELECT * FROM spc_process_change").equals(store.query("SELECT * FROM spc_process_change"))
