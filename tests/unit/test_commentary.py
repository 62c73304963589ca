"""Commentary (qa_core.views.commentary, the ``commentary`` import kind, store.commentary) on a
council store built from files: written by the service's head of service or the AD, edits kept
as history, never overwritten; imports all or nothing, a second load changes nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa_core.errors import QAError
from qa_core.io.importer import ImportRejected, export_kind, import_file
from qa_core.roles import AccessDenied, Viewer
from qa_core.store import MIGRATIONS_DIR, Store
from qa_core.views import commentary
from tests.unit.clinic_files import OCT, council_store
from tests.unit.test_import_support import csv_bytes

HEADER = ["code", "month", "org_unit", "text", "author"]
T1, T2 = dt.datetime(2026, 11, 2, 9, 0), dt.datetime(2026, 11, 4, 16, 30)


@pytest.fixture
def store() -> Iterator[Store]:
    with council_store() as opened:
        yield opened


def _history(store: Store) -> list[tuple]:
    return [
        tuple(r)
        for r in store.query(
            "SELECT code, org_level, org_id, text, author, source FROM commentary_edit ORDER BY edit_id"
        ).itertuples(index=False)
    ]


# -- written in the app ---------------------------------------------------------------------------
def test_an_edit_keeps_the_earlier_text_in_the_history(store: Store) -> None:
    hos = Viewer("head_of_service", "assessment")
    assert (
        commentary.write_commentary(
            store, "VISITS", "assessment", OCT, "  Visits rose after the new model. ", "Hana Holloway", hos, now=T1
        )
        == "added"
    )
    assert (
        commentary.write_commentary(
            store,
            "VISITS",
            "assessment",
            OCT,
            "Visits rose; agency cover ends in December.",
            "Assistant Director",
            None,
            now=T2,
        )
        == "replaced"
    )
    current = commentary.current_commentary(store, "VISITS", "assessment", OCT)
    assert current[["text", "author"]].values.tolist() == [
        ["Visits rose; agency cover ends in December.", "Assistant Director"]
    ]
    assert current["updated_at"].iloc[0] == T2
    history = commentary.commentary_history(store, "VISITS", "assessment", OCT)
    assert history[["version", "text", "author", "source"]].values.tolist() == [
        [2, "Visits rose; agency cover ends in December.", "Assistant Director", "app"],
        [1, "Visits rose after the new model.", "Hana Holloway", "app"],
    ]
    assert history["written_at"].tolist() == [T2, T1]
    # Saving the same text again writes nothing.
    assert (
        commentary.write_commentary(
            store,
            "VISITS",
            "assessment",
            OCT,
            "Visits rose; agency cover ends in December.",
            "Assistant Director",
            now=T2,
        )
        == "unchanged"
    )
    assert len(commentary.commentary_history(store, "VISITS", "assessment", OCT)) == 2
    shown = commentary.service_commentary(store, "assessment", OCT)
    assert shown[["code", "versions"]].values.tolist() == [["VISITS", 2]]


@pytest.mark.parametrize(
    "viewer",
    [
        Viewer("head_of_service", "front_door"),
        Viewer("qa_lead"),
        Viewer("team_manager", "assessment_01"),
        Viewer("scrutiny"),
        Viewer("admin"),
    ],
)
def test_only_the_services_head_and_the_ad_write_its_commentary(store: Store, viewer: Viewer) -> None:
    with pytest.raises(AccessDenied, match="not saved.*the assistant director and that service's head"):
        commentary.write_commentary(store, "VISITS", "assessment", OCT, "A note", "Someone", viewer)
    assert store.scalar("SELECT count(*) FROM commentary") == 0
    assert not commentary.may_write_commentary(viewer, "assessment")
    assert commentary.may_write_commentary(Viewer("head_of_service", "assessment"), "assessment")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"text": "   "}, "the commentary is empty"),
        ({"text": "ok"}, r"the commentary is too short \(at least 3 characters\)"),
        ({"text": "x" * 10_001}, r"the commentary is too long \(10,001 characters; at most 10,000\)"),
        ({"author": ""}, "the author is empty"),
        ({"code": "LATE", "service_id": "front_door"}, "there is no measure 'LATE' in this service's clinic"),
        ({"month": "October"}, "the month is not a date"),
    ],
)
def test_bad_commentary_is_refused_in_plain_words(store: Store, change: dict, message: str) -> None:
    args = {"code": "VISITS", "service_id": "assessment", "month": OCT, "text": "Visits rose", "author": "Hana"}
    with pytest.raises(QAError, match=f"^The commentary was not saved: {message}"):
        commentary.write_commentary(store, **(args | change))
    assert store.scalar("SELECT count(*) FROM commentary_edit") == 0


# -- the import kind ------------------------------------------------------------------------------
FILE = [
    HEADER,
    ["VISITS", "2026-10", "Assessment", "Visits rose after the new model.", "Hana Holloway"],
    ["visits", "October 2026", "front_door", "Steady all year.", "Dev Denholm"],
    ["LATE", "2026-10", "Assessment North", "One team's note.", "Jodie Fenwick"],
    ["VISITS", "2026-10", "la", "Council-wide: steady.", "Assistant Director"],
]


def test_an_import_adds_and_a_second_load_changes_nothing(store: Store) -> None:
    result = import_file(store, "commentary", csv_bytes(FILE), "commentary.csv", user="t")
    assert (result.added, result.replaced, result.unchanged) == (4, 0, 0)
    assert result.messages == ["4 commentaries added."]
    assert sorted(_history(store)) == sorted(
        [
            ("VISITS", "service", "assessment", "Visits rose after the new model.", "Hana Holloway", "import"),
            ("VISITS", "service", "front_door", "Steady all year.", "Dev Denholm", "import"),
            ("LATE", "team", "assessment_01", "One team's note.", "Jodie Fenwick", "import"),
            ("VISITS", "la", "la", "Council-wide: steady.", "Assistant Director", "import"),
        ]
    )
    before = (store.query("SELECT * FROM commentary ORDER BY ALL"), store.query("SELECT * FROM commentary_edit"))
    again = import_file(store, "commentary", csv_bytes(FILE), "commentary.csv", user="t")
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 4)
    assert store.query("SELECT * FROM commentary ORDER BY ALL").equals(before[0])
    assert store.query("SELECT * FROM commentary_edit").equals(before[1])


def test_a_changed_text_replaces_the_current_one_and_keeps_the_old(store: Store) -> None:
    import_file(store, "commentary", csv_bytes(FILE), "commentary.csv", user="t")
    changed = [HEADER, ["VISITS", "2026-10", "assessment", "Visits rose; cover ends in December.", "Hana Holloway"]]
    result = import_file(store, "commentary", csv_bytes(changed), "edit.csv", user="t")
    assert (result.added, result.replaced, result.removed) == (0, 1, 0)
    assert "the earlier text is kept" in result.messages[0]
    history = commentary.commentary_history(store, "VISITS", "assessment", OCT)
    assert history["text"].tolist() == ["Visits rose; cover ends in December.", "Visits rose after the new model."]
    assert store.scalar("SELECT count(*) FROM commentary") == 4  # the others are kept


def test_a_bad_file_is_refused_whole_naming_row_and_column(store: Store) -> None:
    bad = [
        HEADER + ["written_at"],
        ["VISITS", "2026-10", "Assessment", "Fine row", "Hana", "03/11/2026 14:05"],
        ["LATE", "2026-10", "Front Door", "Not a Front Door measure", "Dev", ""],
        ["VISITS", "2026-10", "Asessment", "Misspelt unit", "Hana", ""],
        ["VISITS", "2026-10", "front_door", "", "Dev", "2026-11-03 25:00"],
    ]
    with pytest.raises(ImportRejected) as refused:
        import_file(store, "commentary", csv_bytes(bad), "bad.csv", user="t")
    found = {(p.row, p.column): p.message for p in refused.value.problems}
    assert set(found) == {(3, "code"), (4, "org_unit"), (5, "text"), (5, "written_at")}
    assert "LATE is not one of Front Door's clinic measures" in found[3, "code"]
    assert "There is no service or team 'Asessment'. Did you mean 'assessment'?" in found[4, "org_unit"]
    assert "is not a time of day" in found[5, "written_at"]
    assert store.scalar("SELECT count(*) FROM commentary") == 0  # the good row was not written either
    assert store.scalar("SELECT count(*) FROM commentary_edit") == 0


def test_written_at_dates_the_text_and_the_export_reads_back(store: Store, tmp_path: Path) -> None:
    dated = [HEADER + ["written_at"], ["VISITS", "2026-10", "Assessment", "Dated note", "Hana", "03/11/2026 14:05"]]
    import_file(store, "commentary", csv_bytes(dated), "dated.csv", user="t")
    assert commentary.current_commentary(store, "VISITS", "assessment", OCT)["updated_at"].iloc[0] == dt.datetime(
        2026, 11, 3, 14, 5
    )
    exported = export_kind(store, "commentary", "csv")
    assert exported.decode("utf-8-sig").splitlines() == [
        "code,month,org_unit,text,author,written_at",
        "VISITS,2026-10,assessment,Dated note,Hana,2026-11-03 14:05:00",
    ]
    with council_store() as other:
        assert import_file(other, "commentary", exported, "commentary.csv", user="t").added == 1
        assert other.query("SELECT * FROM commentary").equals(store.query("SELECT * FROM commentary"))


def test_commentary_held_before_migration_007_becomes_its_first_version(tmp_path: Path, monkeypatch) -> None:
    import qa_core.store.database as database

    early = tmp_path / "migrations"
    early.mkdir()
    for name in ("001_init.sql", "002_import_log.sql", "003_published.sql"):
        shutil.copy(MIGRATIONS_DIR / name, early / name)
    monkeypatch.setattr(database, "MIGRATIONS_DIR", early)
    path = tmp_path / "old.duckdb"
    with Store(path) as old:
        old.execute("INSERT INTO service (service_id, name) VALUES ('assessment', 'Assessment')")
        old.execute("INSERT INTO indicator (code, name, theme, unit, polarity) VALUES ('V', 'V', 'T', 'count', 'up')")
        old.execute(
            "INSERT INTO commentary VALUES ('V', DATE '2026-10-01', 'service', 'assessment', 'Old note', "
            "'Hana', TIMESTAMP '2026-11-01 09:00:00')"
        )
    monkeypatch.setattr(database, "MIGRATIONS_DIR", MIGRATIONS_DIR)
    with Store(path) as migrated:
        assert "007_clinic_meetings.sql" in migrated.applied
        history = commentary.commentary_history(migrated, "V", "assessment", OCT)
        assert history[["version", "text", "author", "source"]].values.tolist() == [
            [1, "Old note", "Hana", "before history"]
        ]
