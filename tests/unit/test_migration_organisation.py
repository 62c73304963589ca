"""Migration 004 turns a store written before staff and expectation rules (one ``audit_expectation``
row per auditor and month) into staff, rules and exemptions that give the same completion figures.

The old store, by hand (August to October 2026):

    Mia   team_manager, team_a (north)   4 in August and October; no row for September
    Zed   team_manager, team_b (north)   4 in August and September, 0 in October
    Leo   team_manager, team_b (north)   4 in August only (he left)
    Hana  head_of_service (north)        1 each month
    October audits: Mia 3 (team_a), Zed 1 (team_b), Hana 1 in team_c (south: counts), 1 in team_a (hers: not)

    Old October figures: Mia 3 of 4, Zed 1 done of 0 expected, Hana 1 of 1: expected 5, done 5.
    After the migration Zed's October (0 expected) is an exemption, and an exempt month's audits are
    shown as not counted (neither expected nor done): expected 5, done 4. Every other figure is as
    before. Old September: Mia had no row (nothing expected), Zed 0 of 4, Hana 0 of 1.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from qa_core.store import MIGRATIONS_DIR, Store
from qa_core.views import audit_grades

AUG, SEP, OCT = dt.date(2026, 8, 1), dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def _old_store(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )
    for file in sorted(MIGRATIONS_DIR.glob("00[123]_*.sql")):
        con.execute(file.read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_migration (version, name) VALUES (?, ?)", [int(file.name[:3]), file.name])
    con.execute(
        "INSERT INTO service VALUES ('north', 'North', 'Hana', 'hana@x.example', 1), ('south', 'South', 'Sam', NULL, 2)"
    )
    con.execute(
        "INSERT INTO team VALUES ('team_a', 'north', 'Team A', 'Mia', 'mia@x.example'), "
        "('team_b', 'north', 'Team B', 'Zed', NULL), ('team_c', 'south', 'Team C', 'Cal', NULL)"
    )
    rows = [
        ("Mia", "team_manager", AUG, 4, "north", "team_a"),
        ("Mia", "team_manager", OCT, 4, "north", "team_a"),
        ("Zed", "team_manager", AUG, 4, "north", "team_b"),
        ("Zed", "team_manager", SEP, 4, "north", "team_b"),
        ("Zed", "team_manager", OCT, 0, "north", "team_b"),
        ("Leo", "team_manager", AUG, 4, "north", "team_b"),
    ]
    rows += [("Hana", "head_of_service", m, 1, "north", None) for m in (AUG, SEP, OCT)]
    con.register(
        "old", pd.DataFrame(rows, columns=["auditor", "auditor_role", "month", "expected", "service_id", "team_id"])
    )
    con.execute("INSERT INTO audit_expectation SELECT * FROM old")
    audits = [
        ("m1", "team_a", "north", "Mia", "team_manager", "north"),
        ("m2", "team_a", "north", "Mia", "team_manager", "north"),
        ("m3", "team_a", "north", "Mia", "team_manager", "north"),
        ("z1", "team_b", "north", "Zed", "team_manager", "north"),
        ("h1", "team_c", "south", "Hana", "head_of_service", "north"),
        ("h2", "team_a", "north", "Hana", "head_of_service", "north"),
    ]
    for k, (audit_id, team, service, auditor, role, own) in enumerate(audits, start=1):
        con.execute(
            "INSERT INTO audit (audit_id, audit_date, tier, team_id, service_id, auditor, auditor_role, "
            "auditor_service, overall_grade) VALUES (?, ?, 'tier1', ?, ?, ?, ?, ?, 2)",
            [audit_id, dt.date(2026, 10, k), team, service, auditor, role, own],
        )
    con.close()


def test_an_old_store_keeps_its_figures(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    _old_store(path)
    with Store(path) as store:
        assert store.applied[0] == "004_organisation.sql"  # and any later migrations
        assert "audit_expectation" not in store.table_counts()
        staff = store.query("SELECT * FROM staff ORDER BY name").set_index("name")
        assert staff.loc["Mia", ["staff_id", "role", "team_id", "email"]].tolist() == [
            "mia",
            "team_manager",
            "team_a",
            "mia@x.example",
        ]
        assert staff.loc["Hana", ["role", "service_id", "email"]].tolist() == [
            "head_of_service",
            "north",
            "hana@x.example",
        ]
        assert staff["auditor"].all() and staff["start_date"].notna().all()
        assert pd.Timestamp(staff.loc["Leo", "end_date"]).date() == dt.date(2026, 8, 31)  # his last month's end
        assert staff.loc[["Mia", "Zed", "Hana"], "end_date"].isna().all()  # still expected in the last month
        rules = store.query(
            "SELECT role, from_month, to_month, audits_per_month, outside_own_service "
            "FROM audit_expectation_rule ORDER BY role"
        )
        assert rules.values.tolist() == [
            ["head_of_service", pd.Timestamp(AUG), pd.NaT, 1, True],
            ["team_manager", pd.Timestamp(AUG), pd.NaT, 4, False],
        ]
        exempt = store.query("SELECT staff_id, month FROM audit_exemption ORDER BY ALL")
        assert [(s, pd.Timestamp(m).date()) for s, m in exempt.values] == [("mia", SEP), ("zed", OCT)]
        assert store.query(
            "SELECT service_id, coalesce(head_staff_id, '-') FROM service ORDER BY 1"
        ).values.tolist() == [["north", "hana"], ["south", "-"]]
        assert store.query("SELECT team_id, coalesce(manager_staff_id, '-') FROM team ORDER BY 1").values.tolist() == [
            ["team_a", "mia"],
            ["team_b", "zed"],
            ["team_c", "-"],
        ]
        oct_ = audit_grades.audit_completion(store, OCT).set_index("auditor")
        assert oct_.loc["Mia", ["expected", "done", "shortfall"]].tolist() == [4, 3, 1]
        assert oct_.loc["Zed", ["expected", "done", "not_counted", "exempt"]].tolist() == [0, 0, 1, 1]
        assert oct_.loc["Hana", ["expected", "done", "not_counted"]].tolist() == [1, 1, 1]
        assert "Leo" not in oct_.index
        everyone = audit_grades.audit_completion(store, OCT, by="all").iloc[0]
        assert (everyone["expected"], everyone["done"]) == (5, 4)
        sep = audit_grades.audit_completion(store, SEP).set_index("auditor")
        assert sep.loc["Mia", "expected"] == 0 and sep.loc["Zed", "expected"] == 4 and sep.loc["Hana", "expected"] == 1
