"""Migration 008: a store written before the audit programme keeps every audit and action (the audit
table is rebuilt so that an audit on a yes/no tool needs no grade), and gains the programme's tables."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from qa_core.store import MIGRATIONS_DIR, Store


def _old_store(path: Path) -> None:
    """A store at schema version 5 (before the audit programme), holding an audit with an action."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
            " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
        )
        for file in sorted(MIGRATIONS_DIR.glob("00[1-5]_*.sql")):
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migration (version, name) VALUES (?, ?)", [int(file.name[:3]), file.name])
        con.execute("""
            INSERT INTO service (service_id, name) VALUES ('s1', 'Service');
            INSERT INTO team (team_id, service_id, name) VALUES ('t1', 's1', 'Team');
            INSERT INTO audit (audit_id, audit_date, tier, tool, case_ref, team_id, service_id, auditor, auditor_role,
                               auditor_service, overall_grade, moderated_grade, moderator, auditor_id)
            VALUES ('A1', DATE '2026-10-03', 'tier1', 'Generic (2A)', 'CR1', 't1', 's1', 'Jo', 'team_manager', 's1',
                    3, 4, 'Mo', 'S1');
            INSERT INTO audit_area_grade VALUES ('A1', 'Chronology', 2);
            INSERT INTO audit_action VALUES ('X1', 'A1', 'Update the chronology', 'Jo', DATE '2026-10-10', NULL);
        """)


def test_audits_and_actions_survive_and_a_grade_may_now_be_empty(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _old_store(path)
    with Store(path) as store:
        assert "008_audit_programme.sql" in store.applied
        audit = store.query("SELECT * FROM audit").iloc[0].to_dict()
        assert (
            audit["audit_id"],
            audit["tool"],
            audit["overall_grade"],
            audit["moderated_grade"],
            audit["auditor_id"],
        ) == ("A1", "Generic (2A)", 3, 4, "S1")
        assert audit["has_iro"] is None or audit["has_iro"] != audit["has_iro"]  # not recorded
        assert store.query("SELECT * FROM audit_action").values.tolist()[0][:3] == ["X1", "A1", "Update the chronology"]
        store.execute(
            "INSERT INTO audit (audit_id, audit_date, tier, team_id, service_id, auditor, auditor_role) "
            "VALUES ('S1', DATE '2026-10-04', 'supervision', 't1', 's1', 'Jo', 'team_manager')"
        )
        # Migration 011 (applied after this one) leaves an action's reference to its audit to the importer, which
        # refuses an action for an audit the store does not hold (test_import_rules, test_import_load).
        assert "011_audit_keys.sql" in store.applied
        assert store.scalar("SELECT count(*) FROM audit_action ANTI JOIN audit USING (audit_id)") == 0
        with pytest.raises(duckdb.Error):  # grades are still 1 to 4
            store.execute("UPDATE audit SET overall_grade = 5 WHERE audit_id = 'A1'")
        for table in (
            "audit_answer",
            "audit_tool",
            "audit_tool_item",
            "audit_theme_plan",
            "audit_target",
            "audit_escalation",
            "tier2_allocation",
        ):
            assert store.scalar(f"SELECT count(*) FROM {table}") == 0
        assert {"auditor_from", "moderator_from"} <= set(store.query("SELECT * FROM staff LIMIT 0").columns)
