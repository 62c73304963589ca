"""Writing: hand-worked imports, all or nothing, idempotence, corrected re-submissions (and the
sentence that says so), the import log, dry runs and progress."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.io.importer import ImportRejected, export_kind, import_file, import_history, validate_file
from qa_core.store import Store
from tests.unit.test_import_support import (
    AUDIT_HEADER,
    DATA_TABLES,
    assert_same,
    audit_row,
    copy_demo,
    csv_bytes,
    log,
    open_tiny,
    snapshot,
)

VALUES_HEADER = ["code", "period", "org_unit", "numerator", "denominator", "value"]
OCT = dt.date(2026, 10, 1)

@pytest.fixture
def tiny() -> Iterator[Store]:
    with open_tiny() as store:
        yield store


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_db, tmp_path)


@pytest.fixture
def demo_store(demo_copy: Path) -> Iterator[Store]:
    with Store(demo_copy) as store:
        yield store



def values_rows(*rows: list[object]) -> bytes:
    return csv_bytes([VALUES_HEADER, *rows])


# -- hand-worked ---------------------------------------------------------------------------------
def test_values_land_in_the_store_as_written(tiny: Store) -> None:
    result = import_file(tiny, "values", values_rows(
        ["CONTACT_24H", "2026-10", "MASH Team A", 231, 254, None],
        ["contact_24h", "October 2026", "Assessment North", "45", "50", None],
        ["UNALLOC", "10/2026", "assessment_02", None, None, 3],
    ), "october.csv", user="Priya")
    assert (result.rows, result.added, result.replaced, result.unchanged, result.removed) == (3, 3, 0, 0, 0)
    held = tiny.query("SELECT code, period, team_id, numerator, denominator, value FROM indicator_value "
                      "ORDER BY team_id, code")
    assert held.astype(object).where(held.notna(), None).values.tolist() == [
        ["CONTACT_24H", pd.Timestamp(OCT), "assessment_01", 45.0, 50.0, None],
        ["UNALLOC", pd.Timestamp(OCT), "assessment_02", None, None, 3.0],
        ["CONTACT_24H", pd.Timestamp(OCT), "front_door_01", 231.0, 254.0, None],
    ]
    assert result.messages == ["October 2026 values for Assessment North added (1 row)",
                               "October 2026 values for Assessment South added (1 row)",
                               "October 2026 values for MASH Team A added (1 row)"]


def test_audits_and_their_area_grades_land_in_the_store(tiny: Store) -> None:
    rows = [AUDIT_HEADER + ["moderated_grade", "case_ref"],
            audit_row("A1", grade="Requires Improvement", chronology="Good", voice="") + ["2", "CR1"],
            audit_row("A2", date="2026-09-30", tier="Tier 2", team="MASH Team A", service="front_door",
                      auditor="Hana Holloway", grade="4", chronology="3", voice="inadequate") + ["", ""]]
    result = import_file(tiny, "audits", csv_bytes(rows), "audits.csv", user="t")
    assert result.added == 2
    audits = tiny.query("SELECT audit_id, audit_date, tier, team_id, service_id, auditor_role, auditor_service, "
                        "overall_grade, moderated_grade, case_ref FROM audit ORDER BY audit_id")
    assert audits.astype(object).where(audits.notna(), None).values.tolist() == [
        ["A1", pd.Timestamp(2026, 10, 3), "tier1", "assessment_01", "assessment", "team_manager", "assessment",
         3, 2, "CR1"],
        # Tier 2 by a head of service: their own service is the one they head.
        ["A2", pd.Timestamp(2026, 9, 30), "tier2", "front_door_01", "front_door", "head_of_service", "assessment",
         4, None, None],
    ]
    grades = tiny.query("SELECT audit_id, area, grade FROM audit_area_grade ORDER BY ALL").values.tolist()
    assert grades == [["A1", "Chronology", 2], ["A2", "Chronology", 3], ["A2", "Voice of the child", 4]]


# -- all or nothing -----------------------------------------------------------------------------
def test_one_bad_row_means_nothing_is_written(demo_store: Store) -> None:
    before = snapshot(demo_store)
    good = export_kind(demo_store, "values", "csv").decode("utf-8-sig").splitlines()
    bad = good[:500] + ["CONTACT_24H,2027-01,MASH Team A,300,25,"] + good[500:]
    with pytest.raises(ImportRejected) as caught:
        import_file(demo_store, "values", "\n".join(bad).encode(), "values.csv", user="t")
    assert [(p.row, p.column) for p in caught.value.problems] == [(501, "numerator")]
    assert_same(before, snapshot(demo_store))
    entry = log(demo_store).iloc[-1]
    assert (entry["status"], entry["rows_in_file"], entry["rows_rejected"], entry["rows_added"]) == \
        ("rejected", 7201, 1, 0)


# -- idempotent; corrected re-submissions ---------------------------------------------------------
def test_loading_the_same_file_twice_leaves_the_store_as_after_once(demo_store: Store) -> None:
    rows = [AUDIT_HEADER, audit_row("NEW-1"), audit_row("NEW-2", grade="Inadequate", date="2026-11-02")]
    first = import_file(demo_store, "audits", csv_bytes(rows), "a.csv", user="t")
    after_once = snapshot(demo_store)
    second = import_file(demo_store, "audits", csv_bytes(rows), "a.csv", user="t")
    assert_same(after_once, snapshot(demo_store))
    assert (first.added, second.added, second.replaced, second.removed, second.unchanged) == (2, 0, 0, 0, 2)
    assert second.messages[0] == "2 groups already held exactly as in this file (2 audits), left unchanged."


def test_a_corrected_month_of_values_replaces_that_teams_month_and_says_so(demo_store: Store) -> None:
    held = demo_store.query("SELECT count(*) AS n FROM indicator_value WHERE team_id = 'assessment_01' "
                            "AND period = ?", [OCT])["n"].iloc[0]
    others = demo_store.query("SELECT * FROM indicator_value WHERE NOT (team_id = 'assessment_01' AND period = ?) "
                              "ORDER BY ALL", [OCT])
    month = pd.read_csv(__import__("io").BytesIO(export_kind(demo_store, "values", "csv")), encoding="utf-8-sig")
    month = month[(month["period"] == "2026-10") & (month["org_unit"] == "assessment_01")].copy()
    assert len(month) == held
    month.loc[month.index[0], "numerator"] = 0  # the correction
    result = import_file(demo_store, "values", month.to_csv(index=False).encode(), "corrected.csv", user="t")
    assert result.messages == [f"October 2026 values for Assessment North replaced ({held} rows)"]
    assert (result.replaced, result.unchanged, result.removed) == (1, held - 1, 0)
    # Dropping a measure from the corrected month removes it, and the sentence says so.
    fewer = month.iloc[1:]
    result = import_file(demo_store, "values", fewer.to_csv(index=False).encode(), "again.csv", user="t")
    assert result.messages == [f"October 2026 values for Assessment North replaced ({held - 1} rows; 1 row held "
                               "before and not in this file removed)"]
    assert demo_store.scalar("SELECT count(*) FROM indicator_value WHERE team_id = 'assessment_01' AND period = ?",
                             [OCT]) == held - 1
    pd.testing.assert_frame_equal(others, demo_store.query(
        "SELECT * FROM indicator_value WHERE NOT (team_id = 'assessment_01' AND period = ?) ORDER BY ALL", [OCT]))


def test_a_corrected_month_of_audits_removes_audits_left_out_but_keeps_those_with_actions(tiny: Store) -> None:
    first = [AUDIT_HEADER, audit_row("A1"), audit_row("A2"), audit_row("A3"), audit_row("S1", team="Assessment South")]
    import_file(tiny, "audits", csv_bytes(first), "october.csv", user="t")
    import_file(tiny, "audit_actions", csv_bytes([["action_id", "audit_id", "description"], ["X1", "A3", "Do"]]),
                "actions.csv", user="t")
    corrected = [AUDIT_HEADER, audit_row("A1", grade="Outstanding", voice="")]
    result = import_file(tiny, "audits", csv_bytes(corrected), "october-corrected.csv", user="t")
    assert (result.replaced, result.removed) == (1, 1)
    assert result.messages == [
        "October 2026 audits for Assessment North replaced (1 audit; 1 audit held before and not in this file "
        "removed)",
        "1 audit held for October 2026 in Assessment North is not in this file but kept, because actions are "
        "recorded against it.",
        "Area grades read from 2 columns: Chronology, Voice of the child.",
    ]
    assert tiny.query("SELECT audit_id, overall_grade FROM audit ORDER BY 1").values.tolist() == [
        ["A1", 1], ["A3", 2], ["S1", 2]]
    # A1's area grades are now exactly the file's (voice left blank: no longer graded); A2's went with it.
    assert tiny.query("SELECT audit_id, area, grade FROM audit_area_grade ORDER BY ALL").values.tolist() == [
        ["A1", "Chronology", 2], ["A3", "Chronology", 2], ["A3", "Voice of the child", 3],
        ["S1", "Chronology", 2], ["S1", "Voice of the child", 3]]


def test_new_audits_beside_held_ones_are_compared_grade_by_grade(tiny: Store) -> None:
    """A first load counts every audit added without comparing its area grades (issue 14); a file that holds
    audits already held is still compared area grade by area grade, whatever else it adds."""
    first = import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1"), audit_row("A2")]), "a.csv",
                        user="t")
    assert (first.added, first.replaced, first.unchanged) == (2, 0, 0)
    assert first.messages[0] == "October 2026 audits for Assessment North added (2 audits)"
    rows = [AUDIT_HEADER, audit_row("A1"), audit_row("A2", voice="Inadequate"), audit_row("A3", chronology="1"),
            audit_row("N1", date="04/11/2026")]
    second = import_file(tiny, "audits", csv_bytes(rows), "b.csv", user="t")
    assert (second.added, second.replaced, second.unchanged, second.removed) == (2, 1, 1, 0)
    assert second.messages[:2] == ["October 2026 audits for Assessment North replaced (3 audits)",
                                   "November 2026 audits for Assessment North added (1 audit)"]
    assert tiny.query("SELECT audit_id, area, grade FROM audit_area_grade ORDER BY ALL").values.tolist() == [
        ["A1", "Chronology", 2], ["A1", "Voice of the child", 3], ["A2", "Chronology", 2],
        ["A2", "Voice of the child", 4], ["A3", "Chronology", 1], ["A3", "Voice of the child", 3],
        ["N1", "Chronology", 2], ["N1", "Voice of the child", 3]]
    again = import_file(tiny, "audits", csv_bytes(rows), "b.csv", user="t")
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 4)


def test_an_audit_can_move_team_unless_actions_are_recorded_against_it(tiny: Store) -> None:
    import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1"), audit_row("A2")]), "a.csv", user="t")
    import_file(tiny, "audit_actions", csv_bytes([["action_id", "audit_id", "description"], ["X1", "A2", "Do"]]),
                "x.csv", user="t")
    moved = import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", team="Assessment South")]),
                        "m.csv", user="t")
    assert (moved.added, moved.replaced) == (0, 1)
    assert tiny.scalar("SELECT team_id FROM audit WHERE audit_id = 'A1'") == "assessment_02"
    with pytest.raises(ImportRejected) as caught:
        import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A2", team="Assessment South")]), "m.csv",
                    user="t")
    assert caught.value.problems[0].message == (
        "The audit A2 is held for Assessment North and has actions, so an import cannot move it to another team or "
        "service. Keep its team and service as held.")


def test_a_column_left_out_keeps_its_stored_values(tiny: Store) -> None:
    header = AUDIT_HEADER + ["tool", "case_ref"]
    import_file(tiny, "audits", csv_bytes([header, audit_row("A1") + ["Generic (2A)", "CR9"]]), "a.csv", user="t")
    result = import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", grade="Inadequate")]), "b.csv",
                         user="t")
    assert result.replaced == 1
    assert tiny.query("SELECT tool, case_ref, overall_grade FROM audit").values.tolist() == [["Generic (2A)", "CR9", 4]]


RISK_HEADER = ["risk_ref", "quarter", "title", "service", "gross_impact", "gross_likelihood", "residual_impact",
               "residual_likelihood"]


def _three_risks(tiny: Store) -> None:
    import_file(tiny, "risks", csv_bytes([RISK_HEADER, ["R1", "2026/27 Q2", "One", "Assessment", 5, 4, 4, 4],
                                          ["R2", "2026/27 Q2", "Two", "", 3, 3, 2, 2],
                                          ["R3", "2026/27 Q2", "Three", "", 2, 2, 2, 2],
                                          ["R1", "2026/27 Q1", "One", "Assessment", 5, 4, 5, 4]]), "r.csv", user="t")


def test_a_risk_owners_file_updates_only_the_risks_it_names(tiny: Store) -> None:
    _three_risks(tiny)
    # The owner of R1 and R2 sends two updated rows: R3's review is kept.
    result = import_file(tiny, "risks", csv_bytes([RISK_HEADER, ["R1", "2026/27 Q2", "One", "assessment", 5, 4, 3, 4],
                                                   ["R2", "2026/27 Q2", "Two", "", 3, 3, 2, 2]]), "r2.csv", user="t")
    assert (result.replaced, result.unchanged, result.removed) == (1, 1, 0)
    assert result.messages == ["2026/27 Q2 risk register: 1 review updated, 1 review left unchanged; 1 other review "
                               "held for 2026/27 Q2 kept (not in this file; import with --replace to remove them)."]
    assert tiny.query("SELECT risk_ref, quarter, residual_impact FROM risk_review ORDER BY ALL").values.tolist() == [
        ["R1", "2026/27 Q1", 5], ["R1", "2026/27 Q2", 3], ["R2", "2026/27 Q2", 2], ["R3", "2026/27 Q2", 2]]


def test_a_quarters_risk_register_is_replaced_as_a_whole_with_replace(tiny: Store) -> None:
    _three_risks(tiny)
    result = import_file(tiny, "risks", csv_bytes([RISK_HEADER, ["R1", "2026/27 Q2", "One", "assessment", 5, 4, 3, 4]]),
                         "r2.csv", user="t", replace=True)
    assert result.removed == 2
    assert result.messages == [
        "With --replace: the file is the whole register for each quarter it holds: reviews held for those quarters "
        "and not in the file are removed (risks themselves are kept).",
        "2026/27 Q2 risk register replaced (1 row; 2 rows held before and not in this file removed)"]
    assert tiny.query("SELECT risk_ref, quarter, residual_impact FROM risk_review ORDER BY ALL").values.tolist() == [
        ["R1", "2026/27 Q1", 5], ["R1", "2026/27 Q2", 3]]
    assert tiny.scalar("SELECT count(*) FROM risk") == 3  # risks themselves are never deleted


def test_replace_is_refused_for_a_kind_without_a_whole_set(tiny: Store) -> None:
    with pytest.raises(ImportRejected, match="Importing values has no --replace"):
        import_file(tiny, "values", values_rows(["UNALLOC", "2026-10", "assessment_02", None, None, 3]), "v.csv",
                    user="t", replace=True)
    assert tiny.scalar("SELECT count(*) FROM indicator_value") == 0


def test_a_plan_areas_narrative_for_a_month_is_replaced_as_a_whole(tiny: Store) -> None:
    header = ["record", "area_id", "name", "month", "rag", "narrative_kind", "text"]
    import_file(tiny, "plan", csv_bytes([header, ["area", "MASH", "MASH", "", "", "", ""],
                                         ["rag", "MASH", "", "2026-10", "amber", "", ""],
                                         ["narrative", "MASH", "", "2026-10", "", "risk", "Vacancies"],
                                         ["narrative", "MASH", "", "2026-10", "", "risk", "Demand"]]),
                "plan.csv", user="t")
    result = import_file(tiny, "plan", csv_bytes([header, ["narrative", "mash", "", "2026-10", "", "progress",
                                                           "Better"]]), "plan2.csv", user="t")
    assert result.messages == ["October 2026 narrative for MASH replaced (1 row; 2 rows held before and not in this "
                               "file removed)"]
    assert tiny.query("SELECT area_id, kind, seq, text FROM plan_narrative").values.tolist() == [
        ["MASH", "progress", 1, "Better"]]
    assert tiny.query("SELECT rag FROM plan_area_rag").values.tolist() == [["Amber"]]


def test_indicators_replace_their_service_links(tiny: Store) -> None:
    header = ["code", "name", "theme", "unit", "polarity", "services"]
    import_file(tiny, "indicators", csv_bytes([header, ["NEW", "New", "T", "%", "up", "all"]]), "i.csv", user="t")
    assert tiny.query("SELECT service_id FROM indicator_service ORDER BY 1").values.tolist() == [
        ["assessment"], ["front_door"]]
    result = import_file(tiny, "indicators", csv_bytes([header, ["NEW", "New", "T", "%", "up", "Assessment"]]),
                         "i.csv", user="t")
    assert result.messages == ["1 indicator replaced: NEW."]
    assert tiny.query("SELECT service_id FROM indicator_service").values.tolist() == [["assessment"]]
    assert tiny.query("SELECT sort_order, rag_rule, tolerance FROM indicator WHERE code = 'NEW'").values.tolist() == [
        [4, "tolerance", 0.0]]  # after the three held; defaults for what the file leaves out


# -- the log, dry runs, progress ------------------------------------------------------------------
def test_every_import_is_logged(tiny: Store) -> None:
    data = values_rows(["CONTACT_24H", "2026-10", "MASH Team A", 5, 10, None])
    import_file(tiny, "values", data, "october.csv", user="Priya Salkeld")
    with pytest.raises(ImportRejected):
        import_file(tiny, "values", values_rows(["NOPE", "2026-10", "MASH Team A", 5, 10, None]), "bad.csv",
                    user="Priya Salkeld")
    entries = import_history(tiny)
    assert entries[["user_name", "file_name", "kind", "status", "rows_in_file", "rows_added", "rows_replaced",
                    "rows_rejected", "problems"]].values.tolist() == [
        ["Priya Salkeld", "bad.csv", "values", "rejected", 1, 0, 0, 1, 1],
        ["Priya Salkeld", "october.csv", "values", "imported", 1, 1, 0, 0, 0],
    ]
    assert entries["file_sha256"].iloc[1] == hashlib.sha256(data).hexdigest()
    assert entries["messages"].iloc[1] == "October 2026 values for MASH Team A added (1 row)"
    assert entries["imported_at"].notna().all()


def test_a_dry_run_counts_what_would_change_and_writes_nothing(demo_store: Store) -> None:
    before = snapshot(demo_store, [*DATA_TABLES, "import_log"])
    rows = [AUDIT_HEADER, audit_row("NEW-1")]
    result = import_file(demo_store, "audits", csv_bytes(rows), "a.csv", user="t", dry_run=True)
    assert (result.dry_run, result.added) == (True, 1)
    assert "would be added" in result.summary()
    assert result.messages[0] == "October 2026 audits for Assessment North would be replaced (1 audit; 2 audits " \
                                 "held before and not in this file would be removed)"
    assert_same(before, snapshot(demo_store, [*DATA_TABLES, "import_log"]))
    checked = validate_file(demo_store, "audits", csv_bytes([AUDIT_HEADER, audit_row("X", grade="9")]), "b.csv")
    assert not checked.ok and checked.problems[0].column == "overall_grade"
    assert_same(before, snapshot(demo_store, [*DATA_TABLES, "import_log"]))


def test_a_read_only_store_can_be_checked_but_not_written(demo_copy) -> None:
    with Store(demo_copy, read_only=True) as store:
        assert validate_file(store, "audits", csv_bytes([AUDIT_HEADER, audit_row("N1")]), "a.csv").ok
        with pytest.raises(QAError, match="read-only"):
            import_file(store, "audits", csv_bytes([AUDIT_HEADER, audit_row("N1")]), "a.csv", user="t")


def test_progress_runs_to_the_end_and_says_what_it_is_doing(tiny: Store) -> None:
    seen: list[tuple[int, int]] = []
    words: list[str] = []
    import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1")]), "a.csv", user="t",
                progress=lambda done, total: seen.append((done, total)), stage=words.append)
    total = seen[0][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (total, total)
    assert words[0] == "reading a.csv (0.0 MB)" and "writing area grades" in words and words[-1] == "committing"


def test_an_unknown_kind(tiny: Store) -> None:
    with pytest.raises(ImportRejected, match="There is no kind of import called 'departments'"):
        import_file(tiny, "departments", b"a\n1\n", "t.csv", user="t")


def test_uploaded_files_and_paths_are_read(tiny: Store, tmp_path) -> None:
    class Upload:
        name = "upload.csv"

        def getvalue(self) -> bytes:
            return values_rows(["CONTACT_24H", "2026-10", "MASH Team A", 5, 10, None])

    assert import_file(tiny, "values", Upload(), user="t").filename == "upload.csv"
    path = tmp_path / "v.csv"
    path.write_bytes(values_rows(["CONTACT_24H", "2026-09", "MASH Team A", 5, 10, None]))
    assert import_file(tiny, "values", path, user="t").filename == "v.csv"
    with pytest.raises(QAError, match="There is no file"):
        import_file(tiny, "values", tmp_path / "missing.csv", user="t")


def test_area_grades_stay_unique_and_belong_to_an_audit(tiny: Store) -> None:
    """Migration 002 dropped the table's key and reference (for speed); imports keep both true."""
    import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1"), audit_row("A2"), audit_row("A3")]),
                "1.csv", user="t")
    import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", voice="1"), audit_row("A3")]), "2.csv",
                user="t")
    import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A3", team="Assessment South", chronology="")]),
                "3.csv", user="t")
    assert tiny.scalar("SELECT count(*) FROM (SELECT audit_id, area FROM audit_area_grade GROUP BY ALL "
                       "HAVING count(*) > 1)") == 0
    assert tiny.scalar("SELECT count(*) FROM audit_area_grade ANTI JOIN audit USING (audit_id)") == 0
    assert tiny.query("SELECT audit_id, area, grade FROM audit_area_grade ORDER BY ALL").values.tolist() == [
        ["A1", "Chronology", 2], ["A1", "Voice of the child", 1], ["A3", "Voice of the child", 3]]


def test_audits_stay_unique_and_refer_to_what_the_store_holds(tiny: Store, demo_copy: Path) -> None:
    """Migration 011 dropped the audit table's key and references (for speed, issue 14); imports and the demo
    keep each audit_id once, every audit's team and service held (and matching), every action's audit held."""
    actions = ["action_id", "audit_id", "description"]
    import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1"), audit_row("A2"), audit_row("A3")]), "1.csv",
                user="t")
    import_file(tiny, "audit_actions", csv_bytes([actions, ["X1", "A2", "Do"]]), "x.csv", user="t")
    # A1 corrected, A4 new; A3 (left out of its team's month) removed; A2 kept for its action.
    import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1", grade="1"), audit_row("A4")]), "2.csv",
                user="t")
    moved = csv_bytes([AUDIT_HEADER, audit_row("A1", team="MASH Team A", service="front_door")])
    for _ in range(2):  # A1 moves team and service, then the same file again changes nothing
        import_file(tiny, "audits", moved, "3.csv", user="t")
    with pytest.raises(ImportRejected, match="appears more than once"):
        import_file(tiny, "audits", csv_bytes([AUDIT_HEADER, audit_row("A1"), audit_row("A1")]), "4.csv", user="t")
    with pytest.raises(ImportRejected, match="There is no audit 'A3'"):
        import_file(tiny, "audit_actions", csv_bytes([actions, ["X2", "A3", "Do"]]), "y.csv", user="t")
    assert tiny.query("SELECT audit_id, team_id, service_id, overall_grade FROM audit ORDER BY 1").values.tolist() == [
        ["A1", "front_door_01", "front_door", 2], ["A2", "assessment_01", "assessment", 2],
        ["A4", "assessment_01", "assessment", 2]]
    with Store(demo_copy) as demo:
        for store in (tiny, demo):
            assert store.scalar("SELECT count(*) - count(DISTINCT audit_id) FROM audit") == 0
            assert store.scalar("SELECT count(*) FROM audit a ANTI JOIN team t ON t.team_id = a.team_id "
                                "AND t.service_id = a.service_id") == 0
            assert store.scalar("SELECT count(*) FROM audit ANTI JOIN service USING (service_id)") == 0
            assert store.scalar("SELECT count(*) FROM audit_action ANTI JOIN audit USING (audit_id)") == 0


def test_migration_002_keeps_the_area_grades_of_an_older_store(tmp_path: Path) -> None:
    import duckdb

    from qa_core.store import MIGRATIONS_DIR

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute((MIGRATIONS_DIR / "001_init.sql").read_text())
    con.execute("CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    con.execute("INSERT INTO schema_migration (version, name) VALUES (1, '001_init.sql')")
    con.execute("INSERT INTO service (service_id, name) VALUES ('s', 'S')")
    con.execute("INSERT INTO team (team_id, service_id, name) VALUES ('t', 's', 'T')")
    con.execute("INSERT INTO audit (audit_id, audit_date, tier, team_id, service_id, auditor, auditor_role, "
                "overall_grade) VALUES ('A1', DATE '2026-10-01', 'tier1', 't', 's', 'X', 'team_manager', 2)")
    con.execute("INSERT INTO audit_area_grade VALUES ('A1', 'Chronology', 3), ('A1', 'Direct work', 2)")
    con.close()
    with Store(path) as store:
        assert "002_import_log.sql" in store.applied
        assert store.query("SELECT * FROM audit_area_grade ORDER BY area").values.tolist() == [
            ["A1", "Chronology", 3], ["A1", "Direct work", 2]]
        assert store.scalar("SELECT count(*) FROM import_log") == 0
        # The audit can now go, with its area grades, in one transaction.
        with store.transaction() as cur:
            cur.execute("DELETE FROM audit_area_grade WHERE audit_id = 'A1'")
            cur.execute("DELETE FROM audit WHERE audit_id = 'A1'")
        assert store.scalar("SELECT count(*) FROM audit") == 0


def test_indicators_may_set_the_fewest_cases_a_figure_is_rated_on(tiny: Store) -> None:
    # Optional column min_denominator: held per measure (indicator_rating); blank means the default, 5; a file
    # without the column leaves what is held alone; loading the same file again changes nothing.
    header = ["code", "name", "theme", "unit", "polarity", "min_denominator"]
    rows = [["FEW", "Few", "T", "%", "up", "10"], ["DEFAULT", "Default", "T", "%", "up", ""]]
    import_file(tiny, "indicators", csv_bytes([header, *rows]), "i.csv", user="t")
    held = "SELECT code, min_denominator FROM indicator_rating ORDER BY code"
    assert tiny.query(held).values.tolist() == [["DEFAULT", 5.0], ["FEW", 10.0]]
    again = import_file(tiny, "indicators", csv_bytes([header, *rows]), "i.csv", user="t")
    assert (again.added, again.replaced) == (0, 0)
    changed = import_file(tiny, "indicators", csv_bytes([header, ["FEW", "Few", "T", "%", "up", "3"]]), "i.csv",
                          user="t")
    assert changed.messages == ["1 indicator replaced: FEW."]
    assert tiny.query(held).values.tolist() == [["DEFAULT", 5.0], ["FEW", 3.0]]
    import_file(tiny, "indicators", csv_bytes([header[:5], ["FEW", "Few renamed", "T", "%", "up"]]), "i.csv",
                user="t")
    assert tiny.query(held).values.tolist() == [["DEFAULT", 5.0], ["FEW", 3.0]]
    exported = export_kind(tiny, "indicators", "csv")
    frame = pd.read_csv(io.BytesIO(exported), encoding="utf-8-sig")
    assert frame.set_index("code")["min_denominator"].to_dict()["FEW"] == 3.0
    # A measure the store never set a minimum for exports the default.
    assert frame.set_index("code")["min_denominator"].notna().all()
    with pytest.raises(ImportRejected) as refused:
        import_file(tiny, "indicators", csv_bytes([header, ["FEW", "Few", "T", "%", "up", "-1"]]), "i.csv", user="t")
    problem = refused.value.result.problems[0]
    assert (problem.row, problem.column) == (2, "min_denominator")


def test_a_plan_priority_may_carry_its_leads_rating_and_evidence(tiny: Store) -> None:
    # Optional on priority rows: rag (the lead's own rating) and evidence; the same columns rag and narrative
    # rows use. Loading the file again changes nothing, and the export writes them back.
    header = ["record", "area_id", "name", "priority_id", "description", "target_date", "rag", "evidence"]
    rows = [["area", "MASH", "MASH", "", "", "", "", ""],
            ["priority", "MASH", "", "MASH-P1", "Faster decisions", "31/12/2026", "amber",
             "Cohort audit under way (QA board minutes)"],
            ["priority", "MASH", "", "MASH-P2", "Fewer re-referrals", "31/03/2027", "", ""]]
    import_file(tiny, "plan", csv_bytes([header, *rows]), "plan.csv", user="t")
    held = "SELECT priority_id, coalesce(rag, '-'), coalesce(evidence, '-') FROM plan_priority ORDER BY 1"
    assert tiny.query(held).values.tolist() == [
        ["MASH-P1", "Amber", "Cohort audit under way (QA board minutes)"], ["MASH-P2", "-", "-"]]
    again = import_file(tiny, "plan", csv_bytes([header, *rows]), "plan.csv", user="t")
    assert (again.added, again.replaced) == (0, 0)
    exported = export_kind(tiny, "plan", "csv")
    frame = pd.read_csv(io.BytesIO(exported), encoding="utf-8-sig", dtype=str)
    p1 = frame[frame["priority_id"] == "MASH-P1"].iloc[0]
    assert (p1["rag"], p1["evidence"]) == ("Amber", "Cohort audit under way (QA board minutes)")
    with pytest.raises(ImportRejected) as refused:
        import_file(tiny, "plan", csv_bytes([header, ["priority", "MASH", "", "MASH-P1", "Faster decisions",
                                                      "31/12/2026", "purple", ""]]), "plan.csv", user="t")
    problem = refused.value.result.problems[0]
    assert (problem.row, problem.column) == (2, "rag")
