"""The demo council: deterministic, safe to (not) overwrite, and shaped like the brief."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from qa_core.__main__ import main
from qa_core.demo import DEMO_MARKER, build_demo, is_demo_store
from qa_core.errors import QAError
from qa_core.io.importer.templates import TEMPLATE_DIR
from qa_core.rules.spc import xmr
from qa_core.store import Store, queries

FINAL = "coalesce(moderated_grade, overall_grade)"


def _tables(path: Path) -> dict[str, pd.DataFrame]:
    """Every table's rows, sorted by all columns (the store's bookkeeping excluded: schema_migration's
    timestamps, and data_version's id, which is each store file's own)."""
    with Store(path, read_only=True) as store:
        names = [t for t in store.table_counts() if t not in ("schema_migration", "data_version")]
        return {t: store.query(f'SELECT * FROM "{t}" ORDER BY ALL') for t in names}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- determinism and overwriting --------------------------------------------------------------
def test_same_seed_gives_the_same_store_and_another_seed_does_not(demo_db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.duckdb"
    build_demo(again, seed=1)
    first, second = _tables(demo_db), _tables(again)
    assert set(first) == set(second)
    assert len(first) == 44  # every table but schema_migration and data_version (empty ones included)
    # The demo is built, not imported; its Annex A (demo --annex-a) is left out unless asked for.
    for table, frame in first.items():
        assert len(frame) > 0 or table in ("import_log", "annex_a_record", "annex_a_count", "annex_a_month"), table
        pd.testing.assert_frame_equal(frame, second[table], obj=table)

    other = tmp_path / "seed2.duckdb"
    build_demo(other, seed=2)
    third = _tables(other)
    differs = {t for t in first if not first[t].equals(third[t])}
    assert {"audit", "indicator_value", "risk_review", "team"} <= differs
    # The shape is the seed's to vary, not the catalogue or the matrices.
    assert "indicator" not in differs and "risk_matrix_cell" not in differs
    with Store(other, read_only=True) as store:
        assert store.setting("demo_seed") == "2"


def test_build_refuses_to_overwrite_without_force(demo_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "existing.duckdb"
    shutil.copyfile(demo_db, path)
    before = _digest(path)
    with pytest.raises(QAError, match="already exists.*--force"):
        build_demo(path, seed=2)
    assert _digest(path) == before

    counts = build_demo(path, seed=2, force=True)
    assert _digest(path) != before
    with Store(path, read_only=True) as store:
        assert store.setting("demo_seed") == "2"
        assert store.scalar("SELECT count(*) FROM audit") == counts["audit"]
    assert not list(tmp_path.glob("*.building-*"))  # no temporary file left behind


def test_cli_demo_if_missing_leaves_an_existing_store_alone(demo_db: Path, tmp_path: Path, capsys) -> None:
    path = tmp_path / "kept.duckdb"
    shutil.copyfile(demo_db, path)
    before, mtime = _digest(path), path.stat().st_mtime_ns
    assert main(["demo", "--db", str(path), "--if-missing", "--seed", "2"]) == 0
    assert "already exists; leaving it as it is" in capsys.readouterr().err
    assert _digest(path) == before and path.stat().st_mtime_ns == mtime

    assert main(["demo", "--db", str(path), "--seed", "2"]) == 1  # no --force: refused
    assert "--force" in capsys.readouterr().err
    assert _digest(path) == before

    fresh = tmp_path / "fresh.duckdb"
    assert main(["demo", "--db", str(fresh), "--if-missing"]) == 0
    assert "Built the small demo store" in capsys.readouterr().err
    assert _tables(fresh)["audit"].equals(_tables(demo_db)["audit"])


# -- which store is the demo (only it may be shown without sign-in) ----------------------------
def test_only_a_store_built_by_demo_with_nothing_imported_is_the_demo(demo_db: Path, tmp_path: Path, capsys) -> None:
    with Store(demo_db, read_only=True) as store:
        assert store.setting(DEMO_MARKER[0]) == DEMO_MARKER[1] and is_demo_store(store)
    # A council's store, made by importing into an empty store, is not the demo, even with the
    # demo's other settings (demo_seed) in it: only the explicit marker counts.
    council = tmp_path / "council.duckdb"
    assert main(["migrate", "--db", str(council)]) == 0
    assert main(["import", "plan", str(TEMPLATE_DIR / "plan.csv"), "--db", str(council)]) == 0
    with Store(council) as store:
        assert not is_demo_store(store)
        store.set_setting("demo_seed", "1")
        assert not is_demo_store(store)
    # A file refused, or only checked, leaves the demo as it was; one imported makes it a council's.
    copy = tmp_path / "demo-copy.duckdb"
    shutil.copyfile(demo_db, copy)
    assert main(["import", "audits", str(TEMPLATE_DIR / "plan.csv"), "--db", str(copy)]) != 0
    assert main(["import", "audits", str(TEMPLATE_DIR / "audits.csv"), "--db", str(copy), "--dry-run"]) == 0
    with Store(copy, read_only=True) as store:
        assert is_demo_store(store)
    assert main(["import", "audits", str(TEMPLATE_DIR / "audits.csv"), "--db", str(copy)]) == 0
    with Store(copy, read_only=True) as store:
        assert store.setting(DEMO_MARKER[0]) == DEMO_MARKER[1] and not is_demo_store(store)
    capsys.readouterr()


# -- the organisation and the indicators --------------------------------------------------------
def test_small_scale_organisation_and_months(store: Store) -> None:
    assert store.scalar("SELECT count(*) FROM service") == 6
    assert 20 <= store.scalar("SELECT count(*) FROM team") <= 30
    assert store.scalar("SELECT count(*) FROM team t LEFT JOIN service s USING (service_id) "
                        "WHERE s.service_id IS NULL") == 0
    periods = store.query("SELECT DISTINCT period FROM indicator_value ORDER BY 1")["period"]
    periods = [pd.Timestamp(p) for p in periods]
    assert len(periods) == 36
    assert periods[-1] == pd.Timestamp("2026-10-01") and periods[0] == pd.Timestamp("2023-11-01")
    assert periods == list(pd.date_range("2023-11-01", "2026-10-01", freq="MS"))
    assert queries.latest_month(store).isoformat() == "2026-10-01"
    assert store.setting("demo_scale") == "small" and store.setting("demo_seed") == "1"


def test_indicators_have_team_figures_and_a_service(store: Store) -> None:
    per = store.query("""
        SELECT i.code, i.aggregation,
               count(v.team_id) AS rows_, count(DISTINCT v.team_id) AS teams,
               count(DISTINCT v.period) AS months,
               count(v.numerator) AS nums, count(v.denominator) AS dens, count(v.value) AS vals,
               count(*) FILTER (WHERE v.numerator > v.denominator AND i.unit = '%') AS over_100,
               (SELECT count(*) FROM indicator_service x WHERE x.code = i.code) AS services
        FROM indicator i LEFT JOIN indicator_value v USING (code)
        GROUP BY ALL ORDER BY i.code
    """)
    assert len(per) >= 20
    assert (per["services"] >= 1).all()
    assert (per["teams"] >= 4).all() and (per["months"] == 36).all()
    ratio = per[per["aggregation"] == "ratio"]
    assert len(ratio) >= 20
    assert (ratio["nums"] == ratio["rows_"]).all() and (ratio["dens"] == ratio["rows_"]).all()
    assert (ratio["over_100"] == 0).all()
    summed = per[per["aggregation"] == "sum"]
    assert (summed["vals"] == summed["rows_"]).all()
    # Figures exist only for teams in a service that holds the measure.
    stray = store.scalar("""
        SELECT count(*) FROM indicator_value v JOIN team t USING (team_id)
        WHERE NOT EXISTS (SELECT 1 FROM indicator_service x
                          WHERE x.code = v.code AND x.service_id = t.service_id)""")
    assert stray == 0


def test_comparators_for_re_referrals(store: Store) -> None:
    found = set(store.query("SELECT DISTINCT comparator FROM comparator WHERE code = 'REREF_12M' "
                            "AND value IS NOT NULL")["comparator"])
    assert {"england", "statistical_neighbours"} <= found


def test_assessment_timeliness_shows_a_special_cause_of_concern(store: Store) -> None:
    series = queries.indicator_series(store, "ASSESS_45WD", "service", "assessment")
    assert len(series) == 36
    assert (series["value"] == series["numerator"] / series["denominator"] * 100).all()
    polarity = store.scalar("SELECT polarity FROM indicator WHERE code = 'ASSESS_45WD'")
    assert polarity == "up"
    points = xmr(series["value"].tolist(), improvement=polarity)
    latest = [p["special_cause"] for p in points[-8:]]
    assert "concern" in latest
    assert "improvement" not in latest
    # The drop is real: the last 8 months sit below the earlier mean.
    assert series["value"].iloc[-8:].mean() < series["value"].iloc[:-8].mean() - 5


# -- audits -------------------------------------------------------------------------------------
def test_team_managers_mostly_meet_four_a_month_and_some_fall_short(store: Store) -> None:
    done = store.query("""
        WITH months AS (SELECT DISTINCT date_trunc('month', audit_date)::DATE AS month FROM audit)
        SELECT p.name AS auditor, p.team_id, m.month, r.audits_per_month AS expected, count(a.audit_id) AS done
        FROM staff p JOIN audit_expectation_rule r ON r.role = p.role CROSS JOIN months m
        LEFT JOIN audit a ON a.auditor_id = p.staff_id AND a.tier = 'tier1'
             AND date_trunc('month', a.audit_date) = m.month
        WHERE p.role = 'team_manager'
        GROUP BY ALL
    """)
    n_teams = store.scalar("SELECT count(*) FROM team")
    assert len(done) == n_teams * 36
    assert (done["expected"] == 4).all()
    assert (done["done"] == 4).mean() > 0.6
    short = done["done"] < 4
    assert 0.05 < short.mean() < 0.4
    # A few managers fall short persistently: their typical month is under 4.
    per_manager = done.groupby("team_id")["done"].median()
    assert (per_manager < 4).sum() >= 2
    # Every tier 1 audit is by the manager of the audited team.
    assert store.scalar("""SELECT count(*) FROM audit a JOIN team t USING (team_id)
                           WHERE a.tier = 'tier1' AND a.auditor <> t.manager""") == 0


def test_heads_of_service_audit_outside_their_own_service(store: Store) -> None:
    hos = store.query("""SELECT a.service_id, a.auditor_service, s.head_of_service, a.auditor
                         FROM audit a JOIN service s ON s.service_id = a.auditor_service
                         WHERE a.auditor_role = 'head_of_service'""")
    assert store.scalar("SELECT count(*) FROM audit WHERE auditor_role = 'head_of_service'") == len(hos)
    assert len(hos) > 6 * 36 * 0.8  # about one a month each
    assert (hos["service_id"] != hos["auditor_service"]).all()
    assert (hos["auditor"] == hos["head_of_service"]).all()


def test_the_organisation_is_held_as_a_council_imports_it(store: Store) -> None:
    """Staff, the two seed rules as rows, a few exemptions, and every head, manager and staff auditor
    linked by staff id: the demo and a council's imports use one code path for completion."""
    rules = store.query("SELECT role, audits_per_month, outside_own_service, to_month FROM audit_expectation_rule "
                        "ORDER BY role")
    assert rules[["role", "audits_per_month", "outside_own_service"]].values.tolist() == [
        ["head_of_service", 1, True], ["team_manager", 4, False]]
    assert rules["to_month"].isna().all()
    roles = store.query("SELECT role, count(*) AS n FROM staff GROUP BY role").set_index("role")["n"].to_dict()
    assert roles["team_manager"] == 24 and roles["head_of_service"] == 6 and roles["assistant_director"] == 1
    assert store.scalar("SELECT count(*) FROM audit_exemption") == 3
    assert store.scalar("SELECT count(*) FROM service WHERE head_staff_id IS NULL") == 0
    assert store.scalar("SELECT count(*) FROM team t JOIN staff p ON p.staff_id = t.manager_staff_id "
                        "WHERE p.name = t.manager AND p.team_id = t.team_id") == 24
    assert store.scalar("SELECT count(*) FROM audit WHERE auditor_id IS NULL") == 0
    assert store.scalar("SELECT count(*) FROM audit a JOIN staff p ON p.staff_id = a.auditor_id "
                        "WHERE p.name <> a.auditor") == 0


def test_moderated_share(store: Store) -> None:
    share = store.scalar("SELECT avg((moderated_grade IS NOT NULL)::DOUBLE) FROM audit")
    assert 0.05 <= share <= 0.30
    assert store.scalar("SELECT count(*) FROM audit WHERE (moderated_grade IS NULL) "
                        "<> (moderator IS NULL)") == 0


def test_share_inadequate_falls_from_about_23_to_about_10_percent(store: Store) -> None:
    sql = f"""
        SELECT count(*) FILTER (WHERE {FINAL} = 4) AS inadequate, count(*) AS total
        FROM audit WHERE audit_date >= ? AND audit_date < ?
    """
    first = store.query(sql, ["2023-11-01", "2024-05-01"]).iloc[0]
    last = store.query(sql, ["2026-05-01", "2026-11-01"]).iloc[0]
    assert first["total"] > 300 and last["total"] > 300
    first_pct = first["inadequate"] / first["total"] * 100
    last_pct = last["inadequate"] / last["total"] * 100
    assert 18 <= first_pct <= 28
    assert 6 <= last_pct <= 15


# -- the improvement plan and risks -------------------------------------------------------------
def test_plan_areas_rag_history_and_overdue_priorities(store: Store) -> None:
    areas = store.scalar("SELECT count(*) FROM plan_area")
    assert 10 <= areas <= 14
    history = store.query("SELECT area_id, count(*) AS months, count(DISTINCT rag) AS rags "
                          "FROM plan_area_rag GROUP BY area_id")
    assert len(history) == areas and (history["months"] >= 6).all()
    assert set(store.query("SELECT DISTINCT rag FROM plan_area_rag")["rag"]) <= {
        "Red", "Amber", "Yellow", "Green", "Blue"}
    overdue = store.scalar("SELECT count(*) FROM plan_priority WHERE target_date < DATE '2026-10-31' "
                           "AND completed_date IS NULL")
    assert overdue >= 1
    assert store.scalar("SELECT count(*) FROM plan_priority p LEFT JOIN plan_area a USING (area_id) "
                        "WHERE a.area_id IS NULL") == 0


def test_risks_quarters_and_matrices(store: Store) -> None:
    shape = store.query("SELECT count(DISTINCT risk_ref) AS risks, count(DISTINCT quarter) AS quarters, "
                        "count(*) AS n FROM risk_review").iloc[0]
    assert 12 <= shape["risks"] <= 18
    assert shape["quarters"] == 8 and shape["n"] == shape["risks"] * 8
    assert queries.latest_quarter(store) == "2026/27 Q2"  # July to September 2026
    assert queries.quarters(store)[0] == "2024/25 Q3"  # October to December 2024

    cells = store.query("SELECT matrix_id, count(*) AS n FROM risk_matrix_cell GROUP BY 1 ORDER BY 1")
    assert cells.to_dict("records") == [{"matrix_id": "positional_5x5", "n": 25},
                                        {"matrix_id": "product_5x5", "n": 25}]
    positional = store.query("SELECT likelihood, score FROM risk_matrix_cell "
                             "WHERE matrix_id = 'positional_5x5' AND impact = 4 ORDER BY 1")
    assert dict(zip(positional["likelihood"], positional["score"], strict=True))[5] == 20
    assert dict(zip(positional["likelihood"], positional["score"], strict=True))[4] == 19
    product_off = store.scalar("SELECT count(*) FROM risk_matrix_cell WHERE matrix_id = 'product_5x5' "
                               "AND score <> impact * likelihood")
    assert product_off == 0


# -- the large scale ----------------------------------------------------------------------------
def test_large_scale(tmp_path: Path) -> None:
    path = tmp_path / "large.duckdb"
    counts = build_demo(path, scale="large")
    with Store(path, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM service") == 6
        teams = store.scalar("SELECT count(*) FROM team")
        assert 50 <= teams <= 70 and counts["team"] == teams
        assert store.scalar("SELECT count(DISTINCT period) FROM indicator_value") == 120
        assert str(store.scalar("SELECT max(period) FROM indicator_value")) == "2026-10-01"
        assert store.scalar("SELECT count(DISTINCT team_id) FROM audit") == teams
        assert store.setting("demo_scale") == "large"
