"""The audit programme's views and command line on the demo council: report audits --by auditor|tool|theme,
select-tier2's contract and reproducibility, the recorded demo allocation, the escalation writer's refusals,
who sees which rows, and the funnel's Wilson limits agreeing with the Wilson verdict for every count."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from qa_core.__main__ import main
from qa_core.errors import QAError
from qa_core.roles import AccessDenied, Viewer
from qa_core.rules.audits import INADEQUATE_TARGET_PCT, grade_summary
from qa_core.store import Store
from qa_core.views import audit_grades as ag
from qa_core.views import audit_programme as ap

OCT = dt.date(2026, 10, 1)


def _csv(capsys: pytest.CaptureFixture, *argv: str) -> pd.DataFrame:
    assert main(list(argv)) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)


# -- report audits -------------------------------------------------------------------------------
def test_report_by_auditor_gives_counts_and_interval_but_no_verdict(demo_db: Path, capsys) -> None:
    rows = _csv(capsys, "report", "audits", "--db", str(demo_db), "--month", "2026-10", "--by", "auditor")
    assert list(rows.columns) == ag.AUDIT_REPORT_COLUMNS  # every field kept
    assert (rows["meets_target"] == "").all()  # no verdict on a handful of audits
    assert set(rows["assessment"]) == {ag.NOT_JUDGED_AUDITOR}
    assert (rows["total"] > 0).all() and (rows["ci_low"] <= rows["pct_inadequate"]).all()
    council = _csv(capsys, "report", "audits", "--db", str(demo_db), "--month", "2026-10")
    assert council["assessment"].iloc[0] in (
        "meets target",
        "misses target",
        "better than target (significant)",
        "worse than target (significant)",
    )  # the council is still judged


def test_report_by_tool_and_theme(demo_db: Path, store: Store, capsys) -> None:
    tools = _csv(capsys, "report", "audits", "--db", str(demo_db), "--month", "2026-10", "--by", "tool")
    assert list(tools.columns) == ag.AUDIT_REPORT_COLUMNS + ag.AUDIT_PROGRAMME_COLUMNS
    by = tools.set_index("group")
    sup = by.loc["Supervision file audit (App. 11)"]
    direct = store.query("""SELECT count(DISTINCT a.audit_id) AS audits, count(*) AS n,
                                   count(*) FILTER (WHERE x.answer) AS y
                            FROM audit a JOIN audit_answer x USING (audit_id)
                            WHERE a.tier = 'supervision' AND a.audit_date >= DATE '2026-10-01'""").iloc[0]
    assert (sup["grading"], sup["audits"], sup["answered"], sup["yes"], sup["total"]) == (
        "yes_no",
        direct["audits"],
        direct["n"],
        direct["y"],
        0,
    )
    assert sup["assessment"] == ag.NOT_JUDGED_YES_NO and sup["meets_target"] == ""
    generic = by.loc["Generic (2A)"]
    assert (
        generic["total"]
        == generic["audits"]
        == store.scalar("SELECT count(*) FROM audit WHERE tool = 'Generic (2A)' AND audit_date >= DATE '2026-10-01'")
    )
    assert tools["total"].sum() == store.scalar(
        "SELECT count(overall_grade) FROM audit WHERE audit_date >= DATE '2026-10-01'"
    )
    themes = _csv(capsys, "report", "audits", "--db", str(demo_db), "--month", "2026-10", "--by", "theme")
    # October's plan: one theme, whose thematic audits (inferred from the plan by month and tool) are its rows.
    planned = store.scalar("SELECT theme FROM audit_theme_plan WHERE month = DATE '2026-10-01'")
    assert themes["group"].tolist() == [planned]
    assert themes["audits"].iloc[0] == store.scalar(
        "SELECT count(*) FROM audit WHERE tier = 'thematic' AND audit_date >= DATE '2026-10-01'"
    )


# -- the funnel's limits ---------------------------------------------------------------------------
def test_the_funnel_limits_are_exactly_where_the_wilson_verdict_changes() -> None:
    # The caption says the limits are Wilson (score) limits: beyond the 95% limit exactly when the Wilson
    # 95% interval excludes 10%. Checked for every count of inadequate audits out of 1 to 300.
    for n in range(1, 301):
        k = pd.Series(range(n + 1))
        verdict = grade_summary(
            pd.DataFrame({"outstanding": 0, "good": n - k, "requires_improvement": 0, "inadequate": k})
        )["assessment"]
        limits = ag.funnel_limits(pd.Series([n] * (n + 1)), INADEQUATE_TARGET_PCT)
        position = ag.funnel_position(k * 100.0 / n, limits, pd.Series([n] * (n + 1)))
        above = position.str.startswith("above").to_numpy()
        below = position.str.startswith("below").to_numpy()
        assert (above == (verdict == "worse than target (significant)").to_numpy()).all(), n
        assert (below == (verdict == "better than target (significant)").to_numpy()).all(), n


# -- Tier 2 ------------------------------------------------------------------------------------------
def test_the_demo_allocation_is_what_select_tier2_picks_with_seed_1(demo_db: Path, tmp_path: Path, capsys) -> None:
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    assert main(["select-tier2", "--db", str(db), "--month", "2026-10", "--seed", "1"]) == 0
    out = capsys.readouterr()
    assert "already allocated with these picks" in out.err
    picks = pd.read_csv(io.StringIO(out.out))
    assert list(picks.columns) == ["head_of_service", "head_of_service_service", "case_ref", "service_id", "team_id"]
    assert len(picks) == 6 and (picks["service_id"] != picks["head_of_service_service"]).all()
    # Another seed is refused for a month already allocated, unless --replace.
    assert main(["select-tier2", "--db", str(db), "--month", "2026-10", "--seed", "2"]) == 1
    assert "already allocated" in capsys.readouterr().err
    assert (
        main(["select-tier2", "--db", str(db), "--month", "2026-10", "--seed", "2", "--replace", "--format", "json"])
        == 0
    )
    replaced = json.loads(capsys.readouterr().out)
    with Store(db, read_only=True) as store:
        held = store.query(
            "SELECT case_ref, seed FROM tier2_allocation WHERE month = DATE '2026-10-01' ORDER BY head_staff_id"
        )
    assert held["case_ref"].tolist() == [r["case_ref"] for r in replaced] and set(held["seed"]) == {2}


def test_tier2_allocations_say_which_were_audited_and_whom_they_are_shown_to(store: Store) -> None:
    every = ap.tier2_allocations(store, OCT)
    assert len(every) == 6 and every["audited"].sum() == ap.tier2_summary(store, OCT)["audited"]
    for row in every[every["audited"]].itertuples():
        assert store.scalar("SELECT tier FROM audit WHERE audit_id = ?", [row.audit_id]) == "tier2"
    # A head of service sees their own allocation and those of cases in their service; nobody else's.
    hos = ap.tier2_allocations(store, OCT, Viewer("head_of_service", "assessment"))
    assert "Assessment" in set(hos["head_service"]) and len(hos) < len(every)
    assert ap.tier2_allocations(store, OCT, Viewer("scrutiny")).empty


# -- escalation records --------------------------------------------------------------------------------
def test_recording_an_escalation_checks_who_what_and_when(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        rows = ap.escalation_record(store, OCT)
        overdue = rows[rows["status"] == "Overdue"].iloc[0]
        audit, role = overdue["audit_id"], overdue["notify_role"]
        with pytest.raises(AccessDenied):
            ap.record_escalation(store, audit, role, dt.date(2026, 10, 30), viewer=Viewer("assistant_director"))
        with pytest.raises(QAError, match="before the audit"):
            ap.record_escalation(store, audit, role, dt.date(2020, 1, 1))
        with pytest.raises(QAError, match="in the future"):
            ap.record_escalation(store, audit, role, dt.date(2026, 11, 2), today=dt.date(2026, 11, 1))
        with pytest.raises(QAError, match="no audit"):
            ap.record_escalation(store, "NOPE", role, dt.date(2026, 10, 30))
        wrong = "assistant_director" if overdue["grade"] in (2, 3) else "iro"
        with pytest.raises(QAError, match="goes to"):
            ap.record_escalation(store, audit, wrong, dt.date(2026, 10, 30))
        supervision = store.scalar("SELECT audit_id FROM audit WHERE tier = 'supervision' LIMIT 1")
        with pytest.raises(QAError, match="yes/no tool"):
            ap.record_escalation(store, supervision, "team_manager", dt.date(2026, 10, 30))
        other_team = Viewer("team_manager", "nobody_team")
        with pytest.raises(AccessDenied):
            ap.record_escalation(store, audit, role, dt.date(2026, 10, 30), viewer=other_team)
        ap.record_escalation(store, audit, role, overdue["deadline"], "Someone Told", Viewer("qa_lead"))
        after = ap.escalation_record(store, OCT).set_index(["audit_id", "notify_role"]).loc[(audit, role)]
        assert (after["status"], after["told_name"], after["recorded_by"]) == (
            "Done on time",
            "Someone Told",
            "QA lead",
        )


def test_the_escalation_record_is_case_level(store: Store) -> None:
    every = ap.escalation_record(store, OCT)
    team = ap.escalation_record(store, OCT, viewer=Viewer("team_manager", "assessment_01"))
    assert 0 < len(team) < len(every)
    assert set(team["team"]) == {store.scalar("SELECT name FROM team WHERE team_id = 'assessment_01'")}
    assert ap.escalation_record(store, OCT, viewer=Viewer("scrutiny")).empty
    assert sum(ap.escalation_counts(store, OCT).values()) == len(every)  # the counts are every role's
    assert ap.escalation_record(store, OCT)["notify_role"].eq("iro").sum() == store.scalar("""
        SELECT count(*) FROM audit WHERE has_iro AND audit_date >= DATE '2026-10-01'
          AND coalesce(moderated_grade, overall_grade) = 3""")


def test_capacity_on_the_demo_adds_up_month_by_month(store: Store) -> None:
    frame = ap.capacity(store, OCT, window=36)
    change = frame["joined"] - frame["left"] - frame["moved_to_moderator"]
    assert (frame["auditors"].diff().iloc[1:] == change.iloc[1:]).all()
    assert frame["joined"].sum() >= 2 and frame["left"].sum() >= 1 and frame["moved_to_moderator"].sum() == 1
    assert (
        frame["auditors_target"].iloc[-1] == 40.0
        and frame["auditors_short"].iloc[-1] == 40 - frame["auditors"].iloc[-1]
    )


# -- the scrutiny card's audit lines ----------------------------------------------------------------
def test_the_scrutiny_card_gives_inadequate_against_the_target_and_completion(store: Store) -> None:
    from qa_core.rules.audits import wilson_interval
    from qa_core.views import scrutiny

    report = scrutiny.scrutiny_report(store, "2026/27 Q2").set_index("code")
    row = report.loc[scrutiny.AUDIT_INADEQUATE]
    direct = store.query("""SELECT count(*) FILTER (WHERE coalesce(moderated_grade, overall_grade) = 4) AS k,
                                   count(overall_grade) AS n
                            FROM audit WHERE audit_date >= DATE '2026-07-01' AND audit_date < DATE '2026-10-01'""")
    k, n = int(direct["k"].iloc[0]), int(direct["n"].iloc[0])
    low, high = wilson_interval(k, n)
    assert (row["numerator"], row["denominator"], row["target"]) == (k, n, 10.0)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low * 100, high * 100))
    assert row["rag"] == ("Green" if k * 10 <= n else "Red")
    assert (
        f"({k} of {n}) were graded Inadequate (95% interval {low * 100:.1f}% to {high * 100:.1f}%)" in row["headline"]
    )
    done = report.loc[scrutiny.AUDIT_COMPLETE]
    months = [dt.date(2026, m, 1) for m in (7, 8, 9)]
    by_month = [ag.audit_completion(store, m, by="all").iloc[0] for m in months]
    assert done["denominator"] == sum(int(c["expected"]) for c in by_month)
    assert done["numerator"] == sum(int(c["expected"]) - int(c["shortfall"]) for c in by_month)


def test_the_scrutiny_card_withholds_a_small_inadequate_count_and_its_interval(demo_db: Path, tmp_path: Path) -> None:
    from qa_core.views import scrutiny

    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:  # leave the quarter 3 Inadequate audits of 40 graded
        store.execute("""DELETE FROM audit_action WHERE audit_id IN (SELECT audit_id FROM audit
                         WHERE audit_date >= DATE '2026-07-01' AND audit_date < DATE '2026-10-01')""")
        store.execute("""DELETE FROM audit WHERE audit_date >= DATE '2026-07-01' AND audit_date < DATE '2026-10-01'
                         AND audit_id NOT IN (SELECT audit_id FROM audit WHERE audit_date >= DATE '2026-07-01'
                           AND audit_date < DATE '2026-10-01' AND overall_grade IS NOT NULL
                           ORDER BY (coalesce(moderated_grade, overall_grade) = 4) DESC, audit_id LIMIT 3)
                         AND audit_id NOT IN (SELECT audit_id FROM audit WHERE audit_date >= DATE '2026-07-01'
                           AND audit_date < DATE '2026-10-01' AND coalesce(moderated_grade, overall_grade) < 4
                           ORDER BY audit_id LIMIT 37)""")
        inside = scrutiny.scrutiny_report(store, "2026/27 Q2").set_index("code").loc[scrutiny.AUDIT_INADEQUATE]
        public = (
            scrutiny.scrutiny_report(store, "2026/27 Q2", public=True).set_index("code").loc[scrutiny.AUDIT_INADEQUATE]
        )
    assert (inside["numerator"], inside["denominator"]) == (3, 40)
    assert (public["numerator"], public["value"], public["ci_low"], public["ci_high"]) == ("c", "c", "c", "c")
    assert "3" not in public["headline"].split("(")[0] and "not shown (c)" in public["headline"]
