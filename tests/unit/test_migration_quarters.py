"""Migration 005: a store written with calendar quarters ('2026-Q3') is relabelled with the financial
quarter of the SAME three months ('2026/27 Q2'), so every review keeps the months it was made for.

The old stores are built as the code before issue 13 left them: migrations 001 to 003 applied by
hand, then rows written by SQL with calendar quarters. Opening them as a ``Store`` applies 005.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from qa_core.demo.risk_data import matrix_frames
from qa_core.store import MIGRATIONS_DIR, Store
from qa_core.views import risk_register


def _old_store(path: Path) -> None:
    """A store at schema version 3 (before financial quarters), as an older release left it."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        for file in sorted(MIGRATIONS_DIR.glob("00[1-3]_*.sql")):
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migration (version, name) VALUES (?, ?)", [int(file.name[:3]), file.name])
        con.execute("""
            INSERT INTO service (service_id, name) VALUES ('s1', 'Service');
            INSERT INTO risk (risk_ref, service_id, title) VALUES ('R1', 's1', 'One'), ('R2', NULL, 'Two');
            INSERT INTO risk_review (risk_ref, quarter, gross_impact, gross_likelihood, residual_impact,
                                     residual_likelihood) VALUES
                ('R1', '2025-Q4', 5, 5, 4, 4),   -- October to December 2025
                ('R1', '2026-Q1', 5, 5, 4, 3),   -- January to March 2026
                ('R1', '2026-Q2', 5, 5, 3, 3),   -- April to June 2026
                ('R1', '2026-Q3', 5, 5, 3, 2),   -- July to September 2026
                ('R2', '2026-Q1', 3, 3, 2, 2),
                ('R2', '2026 Q3', 3, 3, 2, 2),   -- not the stored form: left alone
                ('R2', '0000-Q1', 3, 3, 2, 2);   -- no financial year before it: left alone
            INSERT INTO setting VALUES ('latest_quarter', '2026-Q3'), ('council_name', 'Council 2026-Q1 test'),
                                       ('other', '2026-Q4');
        """)


def test_calendar_quarters_become_the_financial_quarter_of_the_same_months(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _old_store(path)
    with Store(path) as store:
        assert "005_financial_quarters.sql" in store.applied
        reviews = store.query("SELECT risk_ref, quarter, residual_likelihood FROM risk_review ORDER BY ALL")
        assert reviews.values.tolist() == [
            ["R1", "2025/26 Q3", 4],  # 2025-Q4: October to December 2025
            ["R1", "2025/26 Q4", 3],  # 2026-Q1: January to March 2026
            ["R1", "2026/27 Q1", 3],  # 2026-Q2: April to June 2026
            ["R1", "2026/27 Q2", 2],  # 2026-Q3: July to September 2026
            ["R2", "0000-Q1", 2],
            ["R2", "2025/26 Q4", 2],
            ["R2", "2026 Q3", 2],
        ]
        assert store.setting("latest_quarter") == "2026/27 Q2"
        assert store.setting("other") == "2026/27 Q3"
        assert store.setting("council_name") == "Council 2026-Q1 test"  # only a whole value that is a quarter
        # The register reads as before: the latest review, its movement since the quarter before.
        store.insert_frames(matrix_frames())
        report = risk_register.risks_report(store).set_index("risk_ref")
        assert report.loc["R1", "quarter"] == "2026/27 Q2"
        assert report.loc["R1", "previous_score"] == 9  # 3 x 3 in April to June
        assert report.loc["R1", "movement"] == "decreased"
    with Store(path) as again:  # recorded: it runs once
        assert again.applied == []


def test_a_label_the_risk_already_holds_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _old_store(path)
    with duckdb.connect(str(path)) as con:  # another tool wrote the financial label for R1 already
        con.execute(
            "INSERT INTO risk_review (risk_ref, quarter, gross_impact, gross_likelihood, residual_impact, "
            "residual_likelihood) VALUES ('R1', '2026/27 Q2', 1, 1, 1, 1)"
        )
    with Store(path) as store:
        held = store.query("SELECT quarter, residual_impact FROM risk_review WHERE risk_ref = 'R1' ORDER BY ALL")
        assert held.values.tolist() == [
            ["2025/26 Q3", 4],
            ["2025/26 Q4", 4],
            ["2026-Q3", 3],
            ["2026/27 Q1", 3],
            ["2026/27 Q2", 1],
        ]


def test_the_demo_store_with_calendar_quarters_migrates_to_what_the_demo_builds_now(
    demo_db: Path, tmp_path: Path
) -> None:
    """The demo's register written the old way (calendar labels, schema 3) becomes exactly the
    register the demo builds today: the same reviews, only their labels changed."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    with Store(demo_db, read_only=True) as built:
        expected = built.query("SELECT * FROM risk_review ORDER BY risk_ref, quarter")
        latest = built.setting("latest_quarter")
    with duckdb.connect(str(path)) as con:  # back to how the code before issue 13 wrote it
        con.execute("""
            UPDATE risk_review SET quarter = CASE WHEN quarter[10] = '4'
                THEN printf('%04d-Q1', CAST(quarter[1:4] AS INTEGER) + 1)
                ELSE printf('%s-Q%d', quarter[1:4], CAST(quarter[10] AS INTEGER) + 1) END;
            UPDATE setting SET value = '2026-Q3' WHERE key = 'latest_quarter';
            DELETE FROM schema_migration WHERE version = 5;
        """)
        old = sorted({q for (q,) in con.execute("SELECT quarter FROM risk_review").fetchall()})
    assert old == ["2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    with Store(path) as store:
        assert "005_financial_quarters.sql" in store.applied
        migrated = store.query("SELECT * FROM risk_review ORDER BY risk_ref, quarter")
        assert migrated.equals(expected)
        assert store.setting("latest_quarter") == latest == "2026/27 Q2"


def test_migration_numbers_are_unique() -> None:
    """Two migrations with one number would run only the first (the number is what is recorded):
    a merge that brings in a second 004 must renumber one of them."""
    numbers = [p.name[:3] for p in MIGRATIONS_DIR.glob("[0-9][0-9][0-9]_*.sql")]
    assert len(numbers) == len(set(numbers)), sorted(numbers)


@pytest.mark.parametrize("calendar", ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"])
def test_the_sql_mapping_agrees_with_the_library(tmp_path: Path, calendar: str) -> None:
    """The migration's mapping is the library's refusal message's: 'YYYY-Qn' names the same
    financial quarter in both."""
    from qa_core.errors import QAError
    from qa_core.rules import periods

    path = tmp_path / "old.duckdb"
    _old_store(path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE setting SET value = ? WHERE key = 'latest_quarter'", [calendar])
    with Store(path) as store:
        migrated = store.setting("latest_quarter")
    with pytest.raises(QAError, match=f"Write quarters as {migrated}\\.$"):
        periods.parse_quarter(calendar)
