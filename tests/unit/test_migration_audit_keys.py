"""Migration 011: the audit table loses DuckDB's key and references (issue 14, the import budget) and keeps
every row, in order, with its columns, NOT NULLs and checks; actions keep theirs and their own key."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from qa_core.store import MIGRATIONS_DIR, Store


def _store_before_011(path: Path) -> None:
    """A store at migration 010, holding three audits (written out of id order) and an action."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        for file in sorted(MIGRATIONS_DIR.glob("0[01][0-9]_*.sql")):
            if int(file.name[:3]) <= 10:
                con.execute(file.read_text(encoding="utf-8"))
                con.execute(
                    "INSERT INTO schema_migration (version, name) VALUES (?, ?)", [int(file.name[:3]), file.name]
                )
        con.execute("""
            INSERT INTO service (service_id, name) VALUES ('s1', 'Service');
            INSERT INTO team (team_id, service_id, name) VALUES ('t1', 's1', 'Team');
            INSERT INTO audit (audit_id, audit_date, tier, tool, case_ref, team_id, service_id, auditor, auditor_role,
                               auditor_service, overall_grade, moderated_grade, moderator, auditor_id, has_iro, theme)
            VALUES ('A3', DATE '2026-10-03', 'tier1', 'Generic (2A)', 'CR1', 't1', 's1', 'Jo', 'team_manager', 's1',
                    3, 4, 'Mo', 'S1', TRUE, NULL),
                   ('A1', DATE '2026-10-01', 'supervision', NULL, NULL, 't1', 's1', 'Jo', 'qa_officer', NULL,
                    NULL, NULL, NULL, NULL, NULL, 'Neglect'),
                   ('A2', DATE '2026-10-02', 'tier2', NULL, 'CR2', 't1', 's1', 'Al', 'head_of_service', 's1',
                    1, NULL, NULL, NULL, FALSE, NULL);
            INSERT INTO audit_action VALUES ('X1', 'A3', 'Update the chronology', 'Jo', DATE '2026-10-10', NULL);
        """)


def test_every_audit_and_action_survives_in_order_without_the_key_and_references(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _store_before_011(path)
    with duckdb.connect(str(path), read_only=True) as con:
        audits_before = con.execute("SELECT * FROM audit ORDER BY rowid").fetchall()
        columns_before = con.execute(
            "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE table_name = 'audit' ORDER BY column_index"
        ).fetchall()
    with Store(path) as store:
        assert store.applied == ["011_audit_keys.sql"]
        with store.cursor() as cur:
            assert cur.execute("SELECT * FROM audit ORDER BY rowid").fetchall() == audits_before
            assert [r[0] for r in audits_before] == ["A3", "A1", "A2"]
            assert (
                cur.execute(
                    "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                    "WHERE table_name = 'audit' ORDER BY column_index"
                ).fetchall()
                == columns_before
            )
            assert cur.execute("SELECT * FROM audit_action").fetchall() == [
                ("X1", "A3", "Update the chronology", "Jo", cur.execute("SELECT DATE '2026-10-10'").fetchone()[0], None)
            ]
            kinds = cur.execute(
                "SELECT table_name, constraint_type FROM duckdb_constraints() "
                "WHERE table_name IN ('audit', 'audit_action') AND constraint_type IN "
                "('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE') ORDER BY ALL"
            ).fetchall()
        assert kinds == [("audit_action", "PRIMARY KEY")]
        # The NOT NULLs and checks stay with the table; an action's own key too.
        for bad in (
            "INSERT INTO audit (audit_id, audit_date, tier, team_id, service_id, auditor, auditor_role) "
            "VALUES (NULL, DATE '2026-10-04', 'tier1', 't1', 's1', 'Jo', 'team_manager')",
            "UPDATE audit SET overall_grade = 5 WHERE audit_id = 'A2'",
            "INSERT INTO audit_action VALUES ('X1', 'A1', 'Again', NULL, NULL, NULL)",
        ):
            with pytest.raises(duckdb.ConstraintException):
                store.execute(bad)
        # An audit with its action can go in one transaction now (the importer never does: it keeps audits
        # with actions), which DuckDB refused while the action referred to it.
        with store.transaction() as cur:
            cur.execute("DELETE FROM audit_action WHERE audit_id = 'A3'")
            cur.execute("DELETE FROM audit WHERE audit_id = 'A3'")
        assert store.scalar("SELECT count(*) FROM audit") == 2
