"""Tests for qa_core.rules.audits: every expected value is worked by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.rules.audits import (
    ASSESS_BETTER,
    ASSESS_MEETS,
    ASSESS_MISSES,
    ASSESS_NO_AUDITS,
    ASSESS_WORSE,
    AUDIT_ROLE_LABELS,
    GRADE_COLUMNS,
    GRADES,
    HEAD_OF_SERVICE_MONTHLY,
    INADEQUATE_TARGET_PCT,
    TEAM_MANAGER_MONTHLY,
    Z_95,
    completion,
    counts_towards_expectation,
    escalation_for,
    escalations,
    expected_per_month,
    final_grade,
    grade_counts,
    grade_summary,
    moderation_matrix,
    moderation_summary,
    parse_grade,
    parse_grades,
    wilson_interval,
)

# ------------------------------------------------------------------------------------------
# Constants
# ------------------------------------------------------------------------------------------


def test_constants():
    assert GRADES == {1: "Outstanding", 2: "Good", 3: "Requires Improvement", 4: "Inadequate"}
    assert GRADE_COLUMNS == ("outstanding", "good", "requires_improvement", "inadequate")
    assert INADEQUATE_TARGET_PCT == 10.0
    assert TEAM_MANAGER_MONTHLY == 4
    assert HEAD_OF_SERVICE_MONTHLY == 1
    # Φ⁻¹(0.975) = 1.959963984540054 (statistics.NormalDist().inv_cdf(0.975))
    assert Z_95 == pytest.approx(1.959963984540054, abs=1e-15)


# ------------------------------------------------------------------------------------------
# parse_grade
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "grade"),
    [
        (1, 1),
        (4, 4),
        (np.int64(3), 3),
        (2.0, 2),
        (np.float64(4.0), 4),
        ("2", 2),
        (" 3 ", 3),
        ("4.0", 4),
        ("Outstanding", 1),
        ("GOOD", 2),
        ("good", 2),
        ("requires improvement", 3),
        ("Requires Improvement", 3),
        ("Requires  Improvement to be good", 3),
        ("requires_improvement", 3),
        ("RI", 3),
        ("ri", 3),
        ("inadequate", 4),
        ("  Inadequate\n", 4),
    ],
)
def test_parse_grade_accepts(raw, grade):
    assert parse_grade(raw) == grade


@pytest.mark.parametrize(
    "raw",
    [5, 0, -1, 2.5, float("nan"), "5", "0", "bad", "", "requires", None, True, [2]],
)
def test_parse_grade_rejects(raw):
    with pytest.raises(QAError):
        parse_grade(raw)


def test_parse_grades_series_mixed_and_missing():
    s = pd.Series(["Good", 4, None, "RI", 1.0], dtype=object)
    out = parse_grades(s)
    assert str(out.dtype) == "Int64"
    assert out.tolist() == [2, 4, pd.NA, 3, 1]


def test_parse_grades_numeric_series_rejects_five():
    with pytest.raises(QAError):
        parse_grades(pd.Series([1, 2, 5]))
    with pytest.raises(QAError):
        parse_grades(pd.Series(["Good", "excellent"]))


# ------------------------------------------------------------------------------------------
# Wilson interval
# ------------------------------------------------------------------------------------------


def test_wilson_two_of_ten_by_hand():
    # p = 0.2, z = 1.96, z² = 3.8416, n = 10
    # denominator = 1 + z²/n = 1 + 0.38416 = 1.38416
    # centre = (p + z²/2n) / 1.38416 = (0.2 + 0.19208) / 1.38416 = 0.39208 / 1.38416 = 0.283262
    # under the root: p(1−p)/n + z²/4n² = 0.016 + 3.8416/400 = 0.016 + 0.009604 = 0.025604
    # half-width = 1.96 × √0.025604 / 1.38416 = 1.96 × 0.160012 / 1.38416 = 0.226581
    # → (0.283262 − 0.226581, 0.283262 + 0.226581) = (0.056681, 0.509843)
    low, high = wilson_interval(2, 10, z=1.96)
    assert low == pytest.approx(0.056681, abs=1e-6)
    assert high == pytest.approx(0.509843, abs=1e-6)
    # With the exact z (1.95996...) the 4-d.p. figures are the same: (0.0567, 0.5098)
    low, high = wilson_interval(2, 10)
    assert (round(low, 4), round(high, 4)) == (0.0567, 0.5098)


def test_wilson_zero_of_ten_by_hand_and_published():
    # p = 0: centre = 0.19208 / 1.38416 = 0.138770; half = 1.96 × √0.009604 / 1.38416
    #        = 1.96 × 0.098 / 1.38416 = 0.138770 → (0, 0.277540)
    low, high = wilson_interval(0, 10, z=1.96)
    assert low == 0.0  # exactly 0, not a rounding-error negative
    assert high == pytest.approx(0.277540, abs=1e-6)
    # Published (e.g. Newcombe 1998 / EpiTools): 0 of 10 → (0, 0.2775)
    low, high = wilson_interval(0, 10)
    assert (round(low, 4), round(high, 4)) == (0.0, 0.2775)


def test_wilson_one_of_ten_published():
    # p = 0.1: centre = 0.29208 / 1.38416 = 0.211016
    # root: 0.009 + 0.009604 = 0.018604, √ = 0.136396
    # half = 1.96 × 0.136396 / 1.38416 = 0.193140
    # → (0.017876, 0.404156); published: (0.0179, 0.4042)
    low, high = wilson_interval(1, 10)
    assert (round(low, 4), round(high, 4)) == (0.0179, 0.4042)


def test_wilson_all_successes_and_empty():
    low, high = wilson_interval(10, 10)
    assert high == 1.0  # exactly 1
    assert low == pytest.approx(1 - 0.277533, abs=1e-6)  # mirror of 0 of 10
    assert wilson_interval(0, 0) == (None, None)


@pytest.mark.parametrize(("k", "n"), [(11, 10), (-1, 10), (1, -1), (1.5, 10), ("1", 10)])
def test_wilson_rejects_bad_counts(k, n):
    with pytest.raises(QAError):
        wilson_interval(k, n)


# ------------------------------------------------------------------------------------------
# grade_summary
# ------------------------------------------------------------------------------------------


def _counts(rows):
    return pd.DataFrame(rows, columns=["team", *GRADE_COLUMNS])


def test_grade_summary_columns_and_values():
    # Team A: 1 outstanding, 3 good, 4 RI, 2 inadequate = 10 audits
    out = grade_summary(_counts([["A", 1, 3, 4, 2]]))
    assert list(out.columns) == [
        "team",
        *GRADE_COLUMNS,
        "total",
        "pct_inadequate",
        "ci_low",
        "ci_high",
        "pct_good_or_better",
        "meets_target",
        "assessment",
    ]
    row = out.iloc[0]
    assert row["total"] == 10  # 1 + 3 + 4 + 2
    assert row["pct_inadequate"] == 20.0  # 2 / 10 × 100
    assert row["pct_good_or_better"] == 40.0  # (1 + 3) / 10 × 100
    # Wilson 2 of 10 (worked above): (5.67%, 50.98%), straddles 10 → not significant
    assert row["ci_low"] == pytest.approx(5.6682, abs=1e-3)
    assert row["ci_high"] == pytest.approx(50.9838, abs=1e-3)
    assert not row["meets_target"]  # 20% > 10%
    assert row["assessment"] == ASSESS_MISSES


def test_meets_target_boundary_exactly_ten_percent():
    # 1 of 10 = 10.0% → meets (no more than 10%); 3 of 30 = 10.0% → meets;
    # 1 of 9 = 11.1% → misses; 7 of 71 = 9.86% → meets
    out = grade_summary(
        _counts(
            [
                ["A", 0, 9, 0, 1],
                ["B", 0, 27, 0, 3],
                ["C", 0, 8, 0, 1],
                ["D", 0, 64, 0, 7],
            ]
        )
    )
    assert out["pct_inadequate"].tolist()[:2] == [10.0, 10.0]
    assert out["meets_target"].tolist() == [True, True, False, True]
    assert out["assessment"].tolist() == [ASSESS_MEETS, ASSESS_MEETS, ASSESS_MISSES, ASSESS_MEETS]


def test_assessment_wording_all_cases():
    out = grade_summary(
        _counts(
            [
                # 30 of 100 inadequate: Wilson (21.89%, 39.59%); 21.89 > 10 → significantly worse
                ["worse", 10, 40, 20, 30],
                # 0 of 40: centre = (0 + 3.8416/80)/(1 + 3.8416/40) = 0.04802/1.09604 = 0.043812
                # half = 1.96 × √(3.8416/6400) / 1.09604 = 1.96 × 0.0245 / 1.09604 = 0.043812
                # → (0, 8.76%); 8.76 < 10 → significantly better
                ["better", 5, 35, 0, 0],
                # 1 of 40 = 2.5%: Wilson (0.44%, 12.88%) straddles 10 → "meets target"
                ["meets", 5, 34, 0, 1],
                # 1 of 4 = 25%: Wilson (4.56%, 69.94%) straddles 10 → "misses target"
                ["misses", 0, 2, 1, 1],
                ["empty", 0, 0, 0, 0],
            ]
        )
    )
    assert out["assessment"].tolist() == [
        ASSESS_WORSE,
        ASSESS_BETTER,
        ASSESS_MEETS,
        ASSESS_MISSES,
        ASSESS_NO_AUDITS,
    ]
    assert ASSESS_WORSE == "worse than target (significant)"
    assert ASSESS_BETTER == "better than target (significant)"
    assert (ASSESS_MEETS, ASSESS_MISSES, ASSESS_NO_AUDITS) == (
        "meets target",
        "misses target",
        "no audits",
    )
    assert out.loc[0, "ci_low"] == pytest.approx(21.8948, abs=1e-3)
    assert out.loc[1, "ci_high"] == pytest.approx(8.7625, abs=1e-3)
    assert out.loc[1, "ci_low"] == 0.0


def test_total_zero_gives_na_not_zero():
    out = grade_summary(_counts([["Z", 0, 0, 0, 0]]))
    row = out.iloc[0]
    assert row["total"] == 0
    assert math.isnan(row["pct_inadequate"])
    assert math.isnan(row["pct_good_or_better"])
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
    assert out["meets_target"].isna().tolist() == [True]
    assert str(out["meets_target"].dtype) == "boolean"
    assert row["assessment"] == ASSESS_NO_AUDITS


def test_grade_summary_does_not_modify_input():
    counts = _counts([["A", 0, 1, 0, 1]])
    before = counts.copy()
    grade_summary(counts)
    pd.testing.assert_frame_equal(counts, before)


@pytest.mark.parametrize(
    "bad",
    [
        pd.DataFrame({"good": [1], "requires_improvement": [0], "inadequate": [0]}),
        _counts([["A", 0, -1, 0, 1]]),
        _counts([["A", 0, 1.5, 0, 1]]),
        _counts([["A", 0, None, 0, 1]]),
    ],
)
def test_grade_summary_rejects_bad_counts(bad):
    with pytest.raises(QAError):
        grade_summary(bad)


# ------------------------------------------------------------------------------------------
# grade_counts
# ------------------------------------------------------------------------------------------


def _audits():
    # Team A, January: 4 audits: Good, Good, RI, Inadequate → 1 of 4 inadequate (25%)
    # Team B, January: 16 audits: 1 Inadequate, 15 Good → 1 of 16 (6.25%)
    # Team B, February: 2 audits, both Outstanding
    rows = (
        [("Jan", "A", g) for g in ["Good", 2, "RI", "Inadequate"]]
        + [("Jan", "B", 4)]
        + [("Jan", "B", "good")] * 15
        + [("Feb", "B", 1), ("Feb", "B", "Outstanding")]
    )
    return pd.DataFrame(rows, columns=["month", "team", "grade"])


def test_grade_counts_by_team_zero_grades_present():
    out = grade_counts(_audits(), by="team")
    assert out["team"].tolist() == ["A", "B"]
    # Team A has no outstanding audits: the column is still there, with 0
    assert out[list(GRADE_COLUMNS)].to_numpy().tolist() == [
        [0, 2, 1, 1],
        [2, 15, 0, 1],
    ]
    assert out["total"].tolist() == [4, 18]
    # A: 1/4 = 25%; B: 1/18 = 5.555...%
    assert out["pct_inadequate"].tolist() == pytest.approx([25.0, 100 / 18])
    # A: good or better 2/4 = 50%; B: 17/18 = 94.44%
    assert out["pct_good_or_better"].tolist() == pytest.approx([50.0, 1700 / 18])


def test_grade_counts_by_month_and_team():
    out = grade_counts(_audits(), by=["month", "team"])
    assert list(out.columns[:2]) == ["month", "team"]
    # Sorted by month then team: ("Feb", "B"), ("Jan", "A"), ("Jan", "B")
    assert list(zip(out["month"], out["team"], strict=True)) == [
        ("Feb", "B"),
        ("Jan", "A"),
        ("Jan", "B"),
    ]
    assert out[list(GRADE_COLUMNS)].to_numpy().tolist() == [
        [2, 0, 0, 0],
        [0, 2, 1, 1],
        [0, 15, 0, 1],
    ]
    # Feb B: 0 of 2 inadequate; Wilson with n = 2 is wide (0, 65.8%) → "meets target"
    assert out["pct_inadequate"].tolist() == [0.0, 25.0, 6.25]
    assert out["meets_target"].tolist() == [True, False, True]


def test_pooled_not_averaged_percentages():
    # January only. Team A: 1 of 4 = 25%; team B: 1 of 16 = 6.25%.
    # Mean of the two team percentages: (25 + 6.25) / 2 = 15.625% → would MISS the target.
    # Pooled: (1 + 1) / (4 + 16) = 2 / 20 = 10.0% → MEETS the target (no more than 10%).
    jan = _audits().query("month == 'Jan'")
    teams = grade_counts(jan, by="team")
    assert teams["pct_inadequate"].mean() == 15.625
    everything = grade_counts(jan)
    assert everything["group"].tolist() == ["All"]
    assert everything["total"].tolist() == [20]
    assert everything["pct_inadequate"].tolist() == [10.0]
    assert everything["meets_target"].tolist() == [True]
    # Wilson 2 of 20: centre = (0.1 + 0.09604)/1.19208 = 0.164452,
    # half = 1.96 × √(0.0045 + 0.002401) / 1.19208 = 1.96 × 0.083072 / 1.19208 = 0.136586
    # → (2.787%, 30.104%)
    assert everything["ci_low"].iloc[0] == pytest.approx(2.787, abs=1e-2)
    assert everything["ci_high"].iloc[0] == pytest.approx(30.104, abs=1e-2)


def test_grade_counts_ignores_ungraded_and_keeps_missing_group():
    audits = pd.DataFrame(
        {"team": ["A", "A", None, "A"], "grade": [4, None, 2, "Good"]},
    )
    out = grade_counts(audits, by="team")
    # Team A: one ungraded audit left out → 1 inadequate + 1 good = 2
    # The audit with no team forms its own group, so totals add to 3
    assert out["total"].tolist() == [2, 1]
    assert out["team"].isna().tolist() == [False, True]
    assert out["inadequate"].tolist() == [1, 0]


def test_grade_counts_empty_and_custom_grade_column():
    empty = pd.DataFrame({"grade": pd.Series([], dtype="Int64")})
    out = grade_counts(empty)
    assert out["total"].tolist() == [0]
    assert out["assessment"].tolist() == [ASSESS_NO_AUDITS]
    # Grouped and empty: no rows, but every column is there
    grouped = grade_counts(empty.assign(team=pd.Series([], dtype="str")), by="team")
    assert len(grouped) == 0
    assert list(grouped.columns[:5]) == ["team", *GRADE_COLUMNS]
    assert "assessment" in grouped.columns
    # Per-area grades: a long frame with the grade in another column
    areas = pd.DataFrame(
        {"area": ["analysis", "analysis", "outcome"], "area_grade": [4, 3, 2]},
    )
    out = grade_counts(areas, by="area", grade_col="area_grade")
    assert out["area"].tolist() == ["analysis", "outcome"]
    assert out["inadequate"].tolist() == [1, 0]
    assert out["pct_inadequate"].tolist() == [50.0, 0.0]


def test_grade_counts_errors():
    audits = _audits()
    with pytest.raises(QAError):
        grade_counts(audits, by="service")  # unknown grouping column
    with pytest.raises(QAError):
        grade_counts(audits, grade_col="overall")  # unknown grade column
    with pytest.raises(QAError):
        grade_counts(pd.DataFrame({"grade": [1, 5]}))  # grade 5


def test_grade_counts_large_input_counts_every_audit():
    rng = np.random.default_rng(1)
    n = 200_000
    audits = pd.DataFrame(
        {
            "team": rng.choice([f"T{i}" for i in range(40)], n),
            "month": rng.choice([f"2025-{m:02d}" for m in range(1, 13)], n),
            "grade": rng.choice(["Outstanding", "Good", "RI", "Inadequate"], n),
        }
    )
    out = grade_counts(audits, by=["month", "team"])
    assert out["total"].sum() == n
    assert len(out) == 480


# ------------------------------------------------------------------------------------------
# final_grade
# ------------------------------------------------------------------------------------------


def test_final_grade_scalar():
    assert final_grade(2, 4) == 4  # moderated grade stands
    assert final_grade("Good", None) == 2  # not moderated → overall
    assert final_grade(3, float("nan")) == 3
    assert final_grade(None, "Inadequate") == 4
    assert final_grade(None, None) is None
    with pytest.raises(QAError):
        final_grade(5, None)


def test_final_grade_series():
    overall = pd.Series([2, 3, 1, None, 2])
    moderated = pd.Series([None, 1, 1, 4, "Inadequate"], dtype=object)
    out = final_grade(overall, moderated)
    assert out.tolist() == [2, 1, 1, 4, 4]
    assert str(out.dtype) == "Int64"
    # Scalar moderation missing for all rows → overall throughout
    assert final_grade(overall, None).tolist() == [2, 3, 1, pd.NA, 2]


# ------------------------------------------------------------------------------------------
# Completion against expectation
# ------------------------------------------------------------------------------------------


def test_expected_per_month():
    assert expected_per_month("team_manager") == 4
    assert expected_per_month("Team Manager") == 4
    assert expected_per_month("head_of_service") == 1
    assert expected_per_month("social_worker") == 0
    assert expected_per_month("assistant_director") == 0


def test_counts_towards_expectation_scalar():
    # HoS auditing inside their own service: does not count
    assert counts_towards_expectation("head_of_service", "CIN", "CIN") is False
    # HoS auditing another service: counts
    assert counts_towards_expectation("head_of_service", "CIN", "CLA") is True
    # HoS with the audited service unknown: cannot show it is outside → does not count
    assert counts_towards_expectation("head_of_service", "CIN", None) is False
    # Team manager: counts anywhere, own service included
    assert counts_towards_expectation("team_manager", "CIN", "CIN") is True
    assert counts_towards_expectation("team_manager", "CIN", "CLA") is True
    # No expectation, so nothing counts
    assert counts_towards_expectation("iro", "CIN", "CLA") is False


def test_counts_towards_expectation_series():
    role = pd.Series(["head_of_service", "Head of Service", "team_manager", "iro", None])
    own = pd.Series(["CIN", "CIN", "CIN", "CIN", "CIN"])
    audited = pd.Series(["CIN", "CLA", "CIN", "CLA", "CLA"])
    assert counts_towards_expectation(role, own, audited).tolist() == [
        False,
        True,
        True,
        False,
        False,
    ]
    # A scalar service broadcasts
    assert counts_towards_expectation(role, "CLA", audited).tolist() == [
        True,
        False,
        True,
        False,
        False,
    ]


def _roster():
    # January. Team T1 managers a, b (4 each); team T2 manager c (4); HoS h (1), service CIN.
    return pd.DataFrame(
        {
            "auditor": ["a", "b", "c", "h"],
            "auditor_role": ["team_manager", "team_manager", "team_manager", "head_of_service"],
            "team": ["T1", "T1", "T2", "HoS"],
            "service": ["CIN", "CIN", "CLA", "CIN"],
            "month": ["2025-01"] * 4,
        }
    ).assign(expected=lambda d: d["auditor_role"].map(expected_per_month))


def _audit_log():
    # One row per audit done in January.
    # a: 6 audits (over-completes by 2); b: 1 audit (short by 3); c: 4 audits (exactly);
    # h: 2 audits in own service CIN (do not count) + 1 in CLA (counts).
    rows = (
        [("a", "team_manager", "CIN", "CIN")] * 6
        + [("b", "team_manager", "CIN", "CLA")]
        + [("c", "team_manager", "CLA", "CLA")] * 4
        + [("h", "head_of_service", "CIN", "CIN")] * 2
        + [("h", "head_of_service", "CIN", "CLA")]
    )
    log = pd.DataFrame(rows, columns=["auditor", "auditor_role", "auditor_service", "service"])
    log["month"] = "2025-01"
    return log


def test_completion_per_auditor_excludes_hos_own_service():
    log = _audit_log()
    counted = log[
        counts_towards_expectation(log["auditor_role"], log["auditor_service"], log["service"])
    ]
    done = counted.groupby(["auditor", "month"]).size().rename("done").reset_index()
    out = completion(done, _roster())
    by_auditor = out.set_index("auditor")
    # h did 3 audits but 2 were in their own service: done = 1, expected = 1 → met
    assert by_auditor.loc["h", "done"] == 1
    assert bool(by_auditor.loc["h", "met"]) is True
    assert by_auditor["done"].to_dict() == {"a": 6, "b": 1, "c": 4, "h": 1}
    assert by_auditor["expected"].to_dict() == {"a": 4, "b": 4, "c": 4, "h": 1}
    # a: 6/4 = 150% (not capped); b: 1/4 = 25%; c: 100%; h: 100%
    assert by_auditor["pct_complete"].to_dict() == {"a": 150.0, "b": 25.0, "c": 100.0, "h": 100.0}
    # shortfall = max(expected − done, 0): a 0, b 3, c 0, h 0
    assert by_auditor["shortfall"].to_dict() == {"a": 0, "b": 3, "c": 0, "h": 0}
    assert by_auditor["met"].to_dict() == {"a": True, "b": False, "c": True, "h": True}
    assert list(out.columns[-5:]) == ["done", "expected", "pct_complete", "shortfall", "met"]


def test_completion_hos_only_own_service_gives_shortfall():
    done = pd.DataFrame({"auditor": ["h"], "month": ["2025-01"], "done": [0]})
    out = completion(done, _roster()[lambda d: d["auditor"] == "h"])
    assert out[["done", "expected", "shortfall", "met"]].to_numpy().tolist() == [[0, 1, 1, False]]
    assert out["pct_complete"].tolist() == [0.0]


def test_completion_by_team_over_completion_does_not_hide_shortfall():
    # Per-audit rows (no 'done' column): each row is one audit
    log = _audit_log()
    counted = log[
        counts_towards_expectation(log["auditor_role"], log["auditor_service"], log["service"])
    ][["auditor", "month"]]
    out = completion(counted, _roster(), by="team").set_index("team")
    # T1: done 6 + 1 = 7, expected 4 + 4 = 8 → 7/8 = 87.5%
    #     shortfall summed per auditor first: max(4−6,0) + max(4−1,0) = 0 + 3 = 3
    #     (pooling first would say max(8−7,0) = 1 and hide most of b's shortfall)
    assert out.loc["T1", ["done", "expected", "shortfall"]].tolist() == [7, 8, 3]
    assert out.loc["T1", "pct_complete"] == 87.5
    assert bool(out.loc["T1", "met"]) is False  # b did not meet
    # T2: c 4 of 4 → 100%, shortfall 0, met
    assert out.loc["T2", ["done", "expected", "shortfall"]].tolist() == [4, 4, 0]
    assert bool(out.loc["T2", "met"]) is True
    # By month across everyone: done 6+1+4+1 = 12, expected 4+4+4+1 = 13, 92.31%, shortfall 3
    month = completion(counted, _roster(), by="month")
    assert month[["done", "expected", "shortfall"]].to_numpy().tolist() == [[12, 13, 3]]
    assert month["pct_complete"].iloc[0] == pytest.approx(1200 / 13)


def test_completion_auditor_without_expectation_and_no_audits():
    roster = _roster()
    # Nobody in team T2 did anything; someone 'z' not on the roster did 2 audits
    done = pd.DataFrame({"auditor": ["a", "z"], "month": ["2025-01"] * 2, "done": [4, 2]})
    out = completion(done, roster).set_index("auditor")
    assert out.loc["c", ["done", "expected", "shortfall"]].tolist() == [0, 4, 4]
    assert out.loc["z", ["done", "expected", "shortfall"]].tolist() == [2, 0, 0]
    assert math.isnan(out.loc["z", "pct_complete"])  # nothing expected: no percentage


def test_completion_errors():
    roster = _roster()
    done = pd.DataFrame({"auditor": ["a"], "month": ["2025-01"], "done": [-1]})
    with pytest.raises(QAError):
        completion(done, roster)  # negative count
    with pytest.raises(QAError):
        completion(done.assign(done=1), roster, by="directorate")  # unknown grouping
    with pytest.raises(QAError):
        completion(done.assign(done=1), roster.drop(columns="expected"))
    with pytest.raises(QAError):
        completion(done.assign(done=1), pd.concat([roster, roster.iloc[:1]]))  # duplicate


# ------------------------------------------------------------------------------------------
# Moderation
# ------------------------------------------------------------------------------------------


def _moderated():
    # overall → moderated, with shift = moderated − overall:
    #  A: 2→2 (0, agreed), 2→3 (+1, downgraded), 1→2 (+1, downgraded)
    #  B: 3→2 (−1, upgraded), 4→4 (0, agreed), 2→None (not moderated: ignored)
    #  B: None→3 (no overall grade: ignored)
    return pd.DataFrame(
        {
            "audit_id": [1, 2, 3, 4, 5, 6, 7],
            "team": ["A", "A", "A", "B", "B", "B", "B"],
            "overall_grade": [2, 2, 1, 3, 4, 2, None],
            "moderated_grade": [2, 3, 2, 2, 4, None, 3],
        }
    )


def test_moderation_summary_overall():
    out = moderation_summary(_moderated())
    assert list(out.columns) == [
        "group",
        "moderated",
        "agreed",
        "pct_agreement",
        "upgraded",
        "downgraded",
        "mean_shift",
    ]
    row = out.iloc[0]
    # 5 moderated pairs; agreed 2 (2→2, 4→4) → 2/5 = 40%
    assert (row["group"], row["moderated"], row["agreed"]) == ("All", 5, 2)
    assert row["pct_agreement"] == 40.0
    assert (row["upgraded"], row["downgraded"]) == (1, 2)
    # mean shift = (0 + 1 + 1 − 1 + 0) / 5 = 1/5 = 0.2 (moderators slightly harsher)
    assert row["mean_shift"] == pytest.approx(0.2)


def test_moderation_summary_by_team():
    out = moderation_summary(_moderated(), by="team").set_index("team")
    # A: 3 pairs, agreed 1 → 33.33%, downgraded 2, mean shift (0+1+1)/3 = 0.6667
    assert out.loc["A", ["moderated", "agreed", "upgraded", "downgraded"]].tolist() == [3, 1, 0, 2]
    assert out.loc["A", "pct_agreement"] == pytest.approx(100 / 3)
    assert out.loc["A", "mean_shift"] == pytest.approx(2 / 3)
    # B: 2 pairs, agreed 1 → 50%, upgraded 1, mean shift (−1 + 0)/2 = −0.5
    assert out.loc["B", ["moderated", "agreed", "upgraded", "downgraded"]].tolist() == [2, 1, 1, 0]
    assert out.loc["B", "pct_agreement"] == 50.0
    assert out.loc["B", "mean_shift"] == -0.5


def test_moderation_summary_nothing_moderated():
    out = moderation_summary(pd.DataFrame({"overall_grade": [2], "moderated_grade": [None]}))
    assert out["moderated"].tolist() == [0]
    assert math.isnan(out["pct_agreement"].iloc[0])
    assert math.isnan(out["mean_shift"].iloc[0])


def test_moderation_matrix():
    m = moderation_matrix(_moderated())
    names = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    assert m.shape == (4, 4)
    assert m.index.tolist() == names and m.columns.tolist() == names
    assert (m.index.name, m.columns.name) == ("overall", "moderated")
    # Pairs: 2→2, 2→3, 1→2, 3→2, 4→4
    expected = [
        [0, 1, 0, 0],  # Outstanding → Good
        [0, 1, 1, 0],  # Good → Good, Good → RI
        [0, 1, 0, 0],  # RI → Good
        [0, 0, 0, 1],  # Inadequate → Inadequate
    ]
    assert m.to_numpy().tolist() == expected
    assert int(np.trace(m.to_numpy())) == 2  # = agreed


def test_moderation_errors():
    with pytest.raises(QAError):
        moderation_summary(pd.DataFrame({"overall_grade": [2]}))
    with pytest.raises(QAError):
        moderation_matrix(pd.DataFrame({"overall_grade": [2], "moderated_grade": [6]}))
    with pytest.raises(QAError):
        moderation_summary(_moderated(), by="service")


# ------------------------------------------------------------------------------------------
# Escalation
# ------------------------------------------------------------------------------------------


def test_escalation_for_each_grade():
    assert escalation_for(4) == ("head_of_service", "assistant_director")
    assert escalation_for("Inadequate") == ("head_of_service", "assistant_director")
    assert escalation_for("RI") == ("head_of_service", "team_manager", "iro")
    assert escalation_for(2) == ("team_manager",)
    assert escalation_for("outstanding") == (
        "team_manager",
        "head_of_service",
        "assistant_director",
    )
    with pytest.raises(QAError):
        escalation_for(5)


def test_role_labels():
    assert AUDIT_ROLE_LABELS == {
        "head_of_service": "Head of Service",
        "assistant_director": "Assistant Director",
        "team_manager": "Team Manager",
        "iro": "IRO / conference chair",
    }


def test_escalations_long_frame_uses_final_grade():
    out = escalations(_moderated())
    assert list(out.columns) == ["audit_id", "grade", "grade_name", "notify_role", "notify_label"]
    # Final grades: 1→2, 2→3, 3→2, 4→2, 5→4, 6→2 (not moderated), 7→3 (moderated only)
    # Rows: Good 1 role, RI 3 roles, Inadequate 2 roles → 1+3+1+1+2+1+3 = 12
    assert len(out) == 12
    assert out["audit_id"].tolist() == [1, 2, 2, 2, 3, 4, 5, 5, 6, 7, 7, 7]
    assert out["notify_role"].tolist() == [
        "team_manager",
        "head_of_service",
        "team_manager",
        "iro",
        "team_manager",
        "team_manager",
        "head_of_service",
        "assistant_director",
        "team_manager",
        "head_of_service",
        "team_manager",
        "iro",
    ]
    first_inadequate = out[out["audit_id"] == 5]
    assert first_inadequate["grade_name"].tolist() == ["Inadequate", "Inadequate"]
    assert first_inadequate["notify_label"].tolist() == ["Head of Service", "Assistant Director"]


def test_escalations_plain_grade_column_and_ungraded():
    audits = pd.DataFrame({"audit_id": ["x", "y"], "grade": ["Outstanding", None]})
    out = escalations(audits)
    assert out["audit_id"].tolist() == ["x", "x", "x"]
    assert out["notify_role"].tolist() == ["team_manager", "head_of_service", "assistant_director"]
    with pytest.raises(QAError):
        escalations(pd.DataFrame({"grade": [1]}))  # no audit_id
