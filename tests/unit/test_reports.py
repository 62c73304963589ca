"""``report audits`` and ``report risks`` against numbers worked out here with plain SQL.

The command line is called in-process (``qa_core.__main__.main``) with JSON output; the
expected figures come from the ``audit`` and ``risk_review`` tables directly, not through
``qa_core.store.queries``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from qa_core.__main__ import main
from qa_core.rules.risk import POSITIONAL_GRID
from qa_core.store import Store

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
FINAL = "coalesce(moderated_grade, overall_grade)"
Z = 1.959963984540054  # the 97.5th percentile of the standard normal


def report(capsys, db: Path, *args: str) -> list[dict]:
    capsys.readouterr()
    assert main(["report", *args, "--db", str(db), "--format", "json"]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    return json.loads(out.out)


def grade_counts(store: Store, month: str, grade_sql: str = FINAL, group: str = "'All'",
                 table: str = "audit", where: str = "TRUE") -> dict[str, dict[str, int]]:
    """{group: {grade column: count, 'total': n}} for audits dated in ``month`` (YYYY-MM)."""
    frame = store.query(f"""
        SELECT {group} AS grp,
               count(*) FILTER (WHERE {grade_sql} = 1) AS outstanding,
               count(*) FILTER (WHERE {grade_sql} = 2) AS good,
               count(*) FILTER (WHERE {grade_sql} = 3) AS requires_improvement,
               count(*) FILTER (WHERE {grade_sql} = 4) AS inadequate,
               count({grade_sql}) AS total
        FROM {table}
        WHERE strftime(audit_date, '%Y-%m') = ? AND {where}
        GROUP BY ALL
    """, [month])
    return {r.pop("grp"): {k: int(v) for k, v in r.items()} for r in frame.to_dict("records")}


def wilson_pct(k: int, n: int) -> tuple[float, float]:
    """The Wilson 95% interval written out, in percent."""
    p = k / n
    denom = 1 + Z**2 / n
    centre = (p + Z**2 / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / denom
    return max(centre - half, 0) * 100, min(centre + half, 1) * 100


def check_row(row: dict, expected: dict[str, int]) -> None:
    """Counts equal the SQL ones; percentage, interval and verdict follow from them."""
    assert {k: row[k] for k in (*GRADES, "total")} == expected
    k, n = expected["inadequate"], expected["total"]
    assert n == sum(expected[g] for g in GRADES)
    if n == 0:
        assert row["pct_inadequate"] is None and row["ci_low"] is None and row["ci_high"] is None
        assert row["meets_target"] is None
        return
    assert row["pct_inadequate"] == pytest.approx(k / n * 100, abs=0.005)
    low, high = wilson_pct(k, n)
    assert row["ci_low"] == pytest.approx(low, abs=0.005)
    assert row["ci_high"] == pytest.approx(high, abs=0.005)
    assert row["ci_low"] <= row["pct_inadequate"] <= row["ci_high"]
    assert row["meets_target"] is (k * 100 <= 10 * n)  # no more than 10% inadequate


# -- report audits --------------------------------------------------------------------------------
@pytest.mark.parametrize("month", ["2024-01", "2026-10"])
def test_council_row_equals_sql_counts(capsys, demo_db: Path, store: Store, month: str) -> None:
    rows = report(capsys, demo_db, "audits", "--month", month)
    assert len(rows) == 1 and rows[0]["group"] == "All"
    expected = grade_counts(store, month)["All"]
    assert expected["total"] > 50
    check_row(rows[0], expected)


def test_wilson_interval_worked_by_hand(capsys, demo_db: Path, store: Store) -> None:
    # Seed-1 demo, January 2024: 24 of the 100 audits have a final grade of inadequate.
    assert grade_counts(store, "2024-01")["All"]["inadequate"] == 24
    assert grade_counts(store, "2024-01")["All"]["total"] == 100
    # p = 0.24, n = 100, z = 1.959964, z² = 3.841459
    # 1 + z²/n            = 1.0384146
    # centre              = (0.24 + 3.841459/200) / 1.0384146 = 0.2592073 / 1.0384146 = 0.2496184
    # half-width          = 1.959964 × √(0.24 × 0.76/100 + 3.841459/40000) / 1.0384146
    #                     = 1.959964 × √(0.001824 + 0.0000960) / 1.0384146
    #                     = 1.959964 × 0.0438183 / 1.0384146 = 0.0827051
    # interval            = (0.1669133, 0.3323235) → 16.69% to 33.23%
    # 24% > 10% and the low end 16.69% is above 10% too: significantly worse than target.
    row = report(capsys, demo_db, "audits", "--month", "2024-01")[0]
    assert (row["inadequate"], row["total"], row["pct_inadequate"]) == (24, 100, 24.0)
    assert (row["ci_low"], row["ci_high"]) == (16.69, 33.23)
    assert row["meets_target"] is False
    assert row["assessment"] == "worse than target (significant)"


@pytest.mark.parametrize("month", ["2024-01", "2026-10"])
def test_by_service_matches_sql_and_sums_to_the_council(capsys, demo_db: Path, store: Store,
                                                         month: str) -> None:
    rows = report(capsys, demo_db, "audits", "--month", month, "--by", "service")
    expected = grade_counts(store, month, group="s.name",
                            table="audit JOIN service s USING (service_id)")
    assert sorted(r["group"] for r in rows) == sorted(expected)
    assert len(rows) == 6
    for row in rows:
        check_row(row, expected[row["group"]])
    council = report(capsys, demo_db, "audits", "--month", month)[0]
    for col in (*GRADES, "total"):
        assert sum(r[col] for r in rows) == council[col]
    # In service order, as the pages show them.
    order = store.query("SELECT name FROM service ORDER BY sort_order")["name"].tolist()
    assert [r["group"] for r in rows] == order


def test_by_team_sums_to_the_council(capsys, demo_db: Path, store: Store) -> None:
    rows = report(capsys, demo_db, "audits", "--month", "2026-10", "--by", "team")
    expected = grade_counts(store, "2026-10", group="team_id")
    assert len(rows) == len(expected) == store.scalar("SELECT count(*) FROM team")
    council = grade_counts(store, "2026-10")["All"]
    for col in (*GRADES, "total"):
        assert sum(r[col] for r in rows) == council[col]
    assert sorted(r["total"] for r in rows) == sorted(e["total"] for e in expected.values())


def test_by_area_counts_area_grades(capsys, demo_db: Path, store: Store) -> None:
    rows = report(capsys, demo_db, "audits", "--month", "2026-10", "--by", "area")
    expected = grade_counts(store, "2026-10", grade_sql="g.grade", group="g.area",
                            table="audit JOIN audit_area_grade g USING (audit_id)")
    assert {r["group"] for r in rows} == set(expected)
    assert len(rows) == store.scalar("SELECT count(DISTINCT area) FROM audit_area_grade")
    for row in rows:
        check_row(row, expected[row["group"]])
    # Only tier 1 and tier 2 audits carry area grades, each its own tool's areas: every area counts each
    # audit on its tool once.
    by_tool = store.query("SELECT tool, count(*) AS n FROM audit WHERE tier IN ('tier1', 'tier2') "
                          "AND strftime(audit_date, '%Y-%m') = '2026-10' GROUP BY tool")
    areas = store.query("SELECT DISTINCT a.tool, g.area FROM audit a JOIN audit_area_grade g USING (audit_id) "
                        "WHERE strftime(a.audit_date, '%Y-%m') = '2026-10'")
    wanted = dict(zip(areas["area"], areas["tool"].map(dict(zip(by_tool["tool"], by_tool["n"], strict=True))),
                      strict=True))
    assert {r["group"]: r["total"] for r in rows} == wanted


def test_grade_overall_uses_the_unmoderated_grade(capsys, demo_db: Path, store: Store) -> None:
    overall = report(capsys, demo_db, "audits", "--by", "month", "--grade", "overall")
    final = report(capsys, demo_db, "audits", "--by", "month")
    assert len(overall) == len(final) == 36
    changed = 0
    for o, f in zip(overall, final, strict=True):
        assert o["group"] == f["group"]
        check_row(o, grade_counts(store, o["group"], grade_sql="overall_grade")["All"])
        check_row(f, grade_counts(store, f["group"])["All"])
        changed += any(o[g] != f[g] for g in GRADES)
    assert changed > 0  # moderation moved grades in some months, so the option matters
    assert [r["group"] for r in overall][:2] == ["2023-11", "2023-12"]


def test_one_service_only(capsys, demo_db: Path, store: Store) -> None:
    rows = report(capsys, demo_db, "audits", "--month", "2026-10", "--service", "assessment")
    assert len(rows) == 1
    check_row(rows[0], grade_counts(store, "2026-10", where="service_id = 'assessment'")["All"])


def test_default_month_is_the_latest(capsys, demo_db: Path) -> None:
    assert report(capsys, demo_db, "audits") == report(capsys, demo_db, "audits", "--month", "2026-10")


def test_month_without_audits_gives_one_empty_row(capsys, demo_db: Path) -> None:
    rows = report(capsys, demo_db, "audits", "--month", "2019-01")
    assert len(rows) == 1
    row = rows[0]
    assert row["group"] == "All"
    check_row(row, dict.fromkeys((*GRADES, "total"), 0))
    assert row["assessment"] == "no audits"


def test_bad_month_is_a_plain_error(capsys, demo_db: Path) -> None:
    capsys.readouterr()
    assert main(["report", "audits", "--month", "2026-13", "--db", str(demo_db)]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == "error: '2026-13' is not a month: write it as YYYY-MM, for example 2026-10.\n"


# -- report risks ---------------------------------------------------------------------------------
def reviews(store: Store, quarter: str, matrix: str) -> dict[str, dict]:
    """Each risk's residual and gross cells in ``quarter`` and its previous quarter's residual
    score, looked up in the matrix's cells."""
    frame = store.query("""
        SELECT r.risk_ref, r.residual_impact AS i, r.residual_likelihood AS l,
               c.score, c.band, gc.score AS gross_score, gc.band AS gross_band,
               pc.score AS previous_score
        FROM risk_review r
        JOIN risk_matrix_cell c ON c.matrix_id = $m AND c.impact = r.residual_impact
             AND c.likelihood = r.residual_likelihood
        JOIN risk_matrix_cell gc ON gc.matrix_id = $m AND gc.impact = r.gross_impact
             AND gc.likelihood = r.gross_likelihood
        LEFT JOIN risk_review p ON p.risk_ref = r.risk_ref
             AND p.quarter = (SELECT max(quarter) FROM risk_review WHERE quarter < $q)
        LEFT JOIN risk_matrix_cell pc ON pc.matrix_id = $m AND pc.impact = p.residual_impact
             AND pc.likelihood = p.residual_likelihood
        WHERE r.quarter = $q
    """, {"q": quarter, "m": matrix})
    return {r["risk_ref"]: r for r in frame.to_dict("records")}


def expected_movement(score: int, previous: float | None) -> str:
    if previous is None or math.isnan(previous):
        return "new"
    return "increased" if score > previous else "decreased" if score < previous else "unchanged"


def test_risks_default_to_the_latest_quarter_scored_by_product(capsys, demo_db: Path,
                                                               store: Store) -> None:
    rows = report(capsys, demo_db, "risks")
    expected = reviews(store, "2026/27 Q2", "product_5x5")
    assert len(rows) == len(expected) == 15
    assert {r["quarter"] for r in rows} == {"2026/27 Q2"}
    assert {r["matrix"] for r in rows} == {"product_5x5"}
    for row in rows:
        exp = expected[row["risk_ref"]]
        assert (row["impact"], row["likelihood"]) == (exp["i"], exp["l"])
        assert row["score"] == row["impact"] * row["likelihood"] == exp["score"]
        assert row["band"] == exp["band"]
        assert row["gross_score"] == row["gross_impact"] * row["gross_likelihood"]
        assert row["gross_band"] == exp["gross_band"]
        assert row["previous_score"] == exp["previous_score"]
        assert row["movement"] == expected_movement(row["score"], exp["previous_score"])
        assert row["reduction_pct"] == pytest.approx(  # shown to one decimal place, a half rounded up
            (row["gross_score"] - row["score"]) / row["gross_score"] * 100, abs=0.05)
        assert row["reduction_places"] is None and isinstance(row["control_effect"], str)
    # Product bands: Low 1-4, Moderate 5-9, Significant 10-14, High 15+.
    for row in rows:
        s = row["score"]
        assert row["band"] == ("Low" if s < 5 else "Moderate" if s < 10
                               else "Significant" if s < 15 else "High")
    cscr = next(r for r in rows if r["risk_ref"] == "CSR001")
    assert (cscr["impact"], cscr["likelihood"], cscr["score"], cscr["band"]) == (5, 4, 20, "High")
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_positional_matrix_scores_differently(capsys, demo_db: Path, store: Store) -> None:
    product = {r["risk_ref"]: r for r in report(capsys, demo_db, "risks")}
    rows = report(capsys, demo_db, "risks", "--matrix", "positional_5x5")
    expected = reviews(store, "2026/27 Q2", "positional_5x5")
    assert {r["matrix"] for r in rows} == {"positional_5x5"}
    for row in rows:
        exp = expected[row["risk_ref"]]
        assert row["score"] == exp["score"] == POSITIONAL_GRID[row["impact"] - 1][row["likelihood"] - 1]
        assert row["band"] == exp["band"]
        assert row["gross_score"] == exp["gross_score"]
        assert row["movement"] == expected_movement(row["score"], exp["previous_score"])
        # A positional rank is ordinal: no percentage, but places and bands.
        assert row["reduction_pct"] is None and row["reduction_places"] is not None
        assert row["control_effect"].startswith(("down ", "up ", "no change"))
    assert any(r["score"] != product[r["risk_ref"]]["score"] for r in rows)
    cscr = next(r for r in rows if r["risk_ref"] == "CSR001")
    # Critical / possible on the grid: 21, Very high; gross critical / probable 25: 1 place down (25, 21).
    assert (cscr["score"], cscr["band"], cscr["gross_score"]) == (21, "Very high", 25)
    assert (cscr["reduction_places"], cscr["reduction_bands"]) == (1, 0)
    assert cscr["control_effect"] == "down 1 place, within the Very high band"


def test_movement_follows_the_previous_quarter_in_every_quarter(capsys, demo_db: Path,
                                                                store: Store) -> None:
    quarters = store.query("SELECT DISTINCT quarter FROM risk_review ORDER BY 1")["quarter"].tolist()
    assert len(quarters) == 8
    seen = set()
    for quarter in quarters:
        expected = reviews(store, quarter, "product_5x5")
        rows = report(capsys, demo_db, "risks", "--quarter", quarter)
        assert {r["quarter"] for r in rows} == {quarter}
        for row in rows:
            exp = expected[row["risk_ref"]]
            assert row["score"] == exp["score"]
            assert row["movement"] == expected_movement(exp["score"], exp["previous_score"])
            seen.add(row["movement"])
        if quarter == quarters[0]:
            assert {r["movement"] for r in rows} == {"new"}
            assert all(r["previous_score"] is None for r in rows)
    assert {"new", "unchanged"} <= seen and seen & {"increased", "decreased"}


@pytest.mark.parametrize(("args", "message"), [
    (["--quarter", "2026-Q5"], "'2026-Q5' is not a quarter"),
    (["--quarter", "2019/20-Q1"], "No risks were reviewed in 2019/20 Q1"),
    # A calendar-style quarter is refused, naming the financial quarter of its months (issue 13).
    (["--quarter", "2026-Q2"], "'2026-Q2' is ambiguous here: April–June 2026 is 2026/27 Q1 in the financial year. "
                               "Write quarters as 2026/27 Q1."),
    (["--quarter", "2026-Q1"], "January–March 2026 is 2025/26 Q4"),
    (["--matrix", "hexagonal"], "There is no risk matrix 'hexagonal'"),
])
def test_risks_bad_options_are_plain_errors(capsys, demo_db: Path, args, message) -> None:
    capsys.readouterr()
    assert main(["report", "risks", "--db", str(demo_db), *args]) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("error: ") and message in out.err


@pytest.mark.parametrize("written", ["2026/27-Q1", "2026/27 Q1", "Q1 2026/27", "q1 2026/27"])
def test_a_quarter_in_any_accepted_form_prints_its_canonical_label(capsys, demo_db: Path, written: str) -> None:
    """April to June 2026 is the financial year 2026/27's first quarter, however it is written."""
    rows = report(capsys, demo_db, "risks", "--quarter", written)
    assert {r["quarter"] for r in rows} == {"2026/27 Q1"}
    card = report(capsys, demo_db, "scrutiny", "--quarter", written)
    assert {r["quarter"] for r in card} == {"2026/27 Q1"}
    assert {r["quarter_label"] for r in card} == {"2026/27 Q1 (April to June 2026)"}
