"""Shared helpers for the importer's tests (no tests here): a tiny hand-made store, CSV builders,
and a snapshot of the store's data tables to compare before and after an import."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from qa_core.demo.risk_data import matrix_frames
from qa_core.io.importer import KINDS
from qa_core.store import Store

#: Every table an import can write, and the log.
DATA_TABLES = sorted({t for k in KINDS.values() for t in k.tables})


def tiny_frames() -> dict[str, pd.DataFrame]:
    """Two services, three teams, three indicators, the council's name and the 5x5 matrices."""
    return {
        "setting": pd.DataFrame([("council_name", "Kestrel Vale Council"), ("risk_matrix", "product_5x5")],
                                columns=["key", "value"]),
        "service": pd.DataFrame([
            dict(service_id="front_door", name="Front Door and MASH", head_of_service="Dev Denholm", sort_order=1),
            dict(service_id="assessment", name="Assessment", head_of_service="Hana Holloway", sort_order=2),
        ]),
        "team": pd.DataFrame([
            dict(team_id="front_door_01", service_id="front_door", name="MASH Team A", manager="Una Upwood"),
            dict(team_id="assessment_01", service_id="assessment", name="Assessment North", manager="Jodie Fenwick"),
            dict(team_id="assessment_02", service_id="assessment", name="Assessment South", manager="Olu Oakhurst"),
        ]),
        "indicator": pd.DataFrame([
            dict(code="CONTACT_24H", name="Contacts decided in 24 hours", theme="Safeguarding activity", unit="%",
                 polarity="up", target=90.0, aggregation="ratio", sort_order=1),
            dict(code="UNALLOC", name="Assessments unallocated", theme="Management of resources", unit="count",
                 polarity="down", target=0.0, aggregation="sum", sort_order=2),
            dict(code="ADOPT_DAYS", name="Days from care to adoption", theme="Outcomes", unit="days",
                 polarity="down", target=426.0, aggregation="ratio", sort_order=3),
        ]),
        **matrix_frames(),
    }


def tiny_store(path: str | Path = ":memory:") -> Store:
    store = Store(path)
    store.insert_frames(tiny_frames())
    return store


@contextmanager
def open_tiny() -> Iterator[Store]:
    """The tiny store, closed afterwards (wrap it in a fixture named ``tiny``)."""
    store = tiny_store()
    try:
        yield store
    finally:
        store.close()


def copy_demo(demo_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the small demo store."""
    path = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, path)
    return path


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode("utf-8")


def snapshot(store: Store, tables: Sequence[str] = DATA_TABLES) -> dict[str, pd.DataFrame]:
    """Each table's rows, sorted, to compare two states of the store."""
    shot = {}
    for table in tables:
        frame = store.query(f'SELECT * FROM "{table}"')
        shot[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True) if len(frame) else frame
    return shot


def assert_same(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> None:
    assert before.keys() == after.keys()
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table], check_dtype=False, obj=table)


def log(store: Store) -> pd.DataFrame:
    return store.query("SELECT * FROM import_log ORDER BY import_id")


AUDIT_HEADER = ["audit_id", "audit_date", "tier", "team", "service", "auditor", "overall_grade",
                "Chronology", "Voice of the child"]


def audit_row(audit_id: str, date: str = "03/10/2026", tier: str = "Tier 1", team: str = "Assessment North",
              service: str = "Assessment", auditor: str = "Jodie Fenwick", grade: str = "Good",
              chronology: str = "2", voice: str = "3") -> list[str]:
    return [audit_id, date, tier, team, service, auditor, grade, chronology, voice]
