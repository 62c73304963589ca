"""Tests for qa_core.rules.spc. Every expected mean and limit is worked out by hand in a comment."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qa_core.errors import QAError
from qa_core.rules.spc import assurance_icon, p_chart, variation_icon, xmr

# 10, 12 alternating: mean 11; every mR = 2, mean mR = 2
# ucl/lcl = 11 ± 2.66 × 2 = 16.32 / 5.68; 2σ = 11 ± 1.773 × 2 = 14.546 / 7.454
BASE = [10, 12] * 6

# 10, 12 ... then a spike of 24: sum = 6×10 + 5×12 + 24 = 144, mean 144/12 = 12
# mR = ten 2s then |24 − 10| = 14: mean mR = 34/11 ≈ 3.0909
# ucl = 12 + 2.66 × 34/11 ≈ 20.222 < 24; lcl ≈ 3.778; 2σ band ≈ 6.520 .. 17.480
SPIKE_HIGH = [10, 12] * 5 + [10, 24]
# mirror: 12, 10 ... then −2: sum = 6×12 + 5×10 − 2 = 120, mean 10; mean mR = 34/11
# lcl = 10 − 2.66 × 34/11 ≈ 1.778 > −2
SPIKE_LOW = [12, 10] * 5 + [12, -2]


def flagged(records):
    """{index: (side, rule)} for every flagged point."""
    return {r["index"]: (r["side"], r["rule"]) for r in records if r["rule"] is not None}


def test_limits_of_a_known_series():
    recs = xmr(BASE)
    assert len(recs) == 12
    assert recs[0]["moving_range"] is None
    assert [r["moving_range"] for r in recs[1:]] == [2] * 11
    for r in recs:
        assert r["mean"] == pytest.approx(11)
        assert r["ucl"] == pytest.approx(16.32)
        assert r["lcl"] == pytest.approx(5.68)
        assert r["upper_2s"] == pytest.approx(14.546)
        assert r["lower_2s"] == pytest.approx(7.454)
        assert r["special_cause"] is None and r["side"] is None and r["target"] is None
    assert set(recs[0]) == {"index", "value", "moving_range", "mean", "ucl", "lcl",
                            "upper_2s", "lower_2s", "special_cause", "side", "rule", "target"}


def test_rule_1_point_above_upper_limit():
    recs = xmr(SPIKE_HIGH)
    assert recs[-1]["mean"] == pytest.approx(12)
    assert recs[-1]["ucl"] == pytest.approx(12 + 2.66 * 34 / 11)  # ≈ 20.222
    assert recs[-1]["lcl"] == pytest.approx(12 - 2.66 * 34 / 11)
    assert flagged(recs) == {11: ("high", 1)}
    assert recs[-1]["special_cause"] == "improvement"


def test_rule_1_point_below_lower_limit():
    recs = xmr(SPIKE_LOW)
    assert recs[-1]["mean"] == pytest.approx(10)
    assert recs[-1]["lcl"] == pytest.approx(10 - 2.66 * 34 / 11)  # ≈ 1.778
    assert flagged(recs) == {11: ("low", 1)}
    assert recs[-1]["special_cause"] == "concern"


def test_rule_2_trend_of_seven_is_flagged():
    # sum = 30 + (2+3+...+8 = 35) = 65 over 13 points: mean 5
    # mR: five 2s, |2 − 6| = 4, six 1s: total 20 over 12, mean mR = 5/3
    # ucl = 5 + 2.66 × 5/3 ≈ 9.433, lcl ≈ 0.567: 2 and 8 inside the limits
    values = [4, 6, 4, 6, 4, 6, 2, 3, 4, 5, 6, 7, 8]
    recs = xmr(values)
    assert recs[0]["ucl"] == pytest.approx(5 + 2.66 * 5 / 3)
    assert flagged(recs) == {i: ("high", 2) for i in range(6, 13)}


def test_rule_2_trend_of_six_needs_run_length_six():
    # sum = 30 + (3+...+8 = 33) = 63 over 12: mean 5.25
    # mR: five 2s, |3 − 6| = 3, five 1s: 18 over 11, mean mR = 18/11
    # 2σ = 5.25 ± 1.773 × 18/11 ≈ 8.151 / 2.349: 3 and 8 are inside, so rule 3 stays quiet
    values = [4, 6, 4, 6, 4, 6, 3, 4, 5, 6, 7, 8]
    assert xmr(values)[0]["upper_2s"] == pytest.approx(5.25 + 1.773 * 18 / 11)
    assert flagged(xmr(values, run_length=7)) == {}
    assert flagged(xmr(values, run_length=6)) == {i: ("high", 2) for i in range(6, 12)}


def test_equal_neighbours_break_a_trend():
    # 2, 3, 4, 4, 6, 7, 9 rises over seven points but 4 = 4 splits it into runs of 3 and 4
    # sum = 30 + 35 = 65 over 13: mean 5; mR: 10 + 4 + (1+1+0+2+1+2) = 21 over 12 = 1.75
    # ucl = 5 + 2.66 × 1.75 = 9.655 > 9; 2σ = 5 ± 3.10275: 9 alone beyond it, 2 not
    values = [4, 6, 4, 6, 4, 6, 2, 3, 4, 4, 6, 7, 9]
    recs = xmr(values)
    assert recs[0]["ucl"] == pytest.approx(9.655)
    assert flagged(recs) == {}


def test_rule_3_two_of_three_beyond_two_sigma():
    # sum = 5×11 + 5×12 + 11 + 15 + 13 + 15 + 10 + 11 = 190 over 16: mean 11.875
    # mR: ten 1s, then 4, 2, 2, 5, 1: 24 over 15, mean mR = 1.6
    # upper_2s = 11.875 + 1.773 × 1.6 = 14.7118; ucl = 11.875 + 2.66 × 1.6 = 16.131
    # 15, 13, 15 are all above the mean; the two 15s are beyond 2σ, 13 is not
    values = [11, 12] * 5 + [11, 15, 13, 15, 10, 11]
    recs = xmr(values)
    assert recs[0]["mean"] == pytest.approx(11.875)
    assert recs[0]["upper_2s"] == pytest.approx(14.7118)
    assert recs[0]["ucl"] == pytest.approx(16.131)
    assert flagged(recs) == {11: ("high", 3), 13: ("high", 3)}


def test_rule_3_counts_a_point_beyond_three_sigma():
    # sum = 7×(11+13) + 11 + 21 + 17 + 19 + 11 = 168 + 79 = 247 over 19: mean 13
    # mR: fourteen 2s, then 10, 4, 2, 8: 52 over 18, mean mR = 26/9 ≈ 2.889
    # ucl = 13 + 2.66 × 26/9 ≈ 20.684 < 21; upper_2s = 13 + 1.773 × 26/9 ≈ 18.122 < 19
    # 21, 17, 19 are all above the mean; 21 is rule 1 but still counts towards rule 3,
    # which flags 19 (17 is inside 2σ and is not flagged)
    values = [11, 13] * 7 + [11, 21, 17, 19, 11]
    recs = xmr(values)
    assert recs[0]["mean"] == pytest.approx(13)
    assert recs[0]["ucl"] == pytest.approx(13 + 2.66 * 26 / 9)
    assert recs[0]["upper_2s"] == pytest.approx(13 + 1.773 * 26 / 9)
    assert flagged(recs) == {15: ("high", 1), 17: ("high", 3)}


def test_rule_3_needs_all_three_points_on_the_same_side():
    # sum = 115 + 11 + 16 + 11 + 16 + 11 + 11 = 191 over 16: mean 11.9375
    # mR: ten 1s, then 5, 5, 5, 5, 0: 30 over 15, mean mR = 2
    # upper_2s = 11.9375 + 3.546 = 15.4835 < 16; ucl = 11.9375 + 5.32 = 17.2575 > 16
    # the 11 between the two 16s is below the mean, so no three in a row share a side
    values = [11, 12] * 5 + [11, 16, 11, 16, 11, 11]
    recs = xmr(values)
    assert recs[0]["upper_2s"] == pytest.approx(15.4835)
    assert flagged(recs) == {}


# 11, 9 × 3 | seven points above the mean | five 8s: sum = 60 + 80 + 40 = 180 over 18: mean 10
# mR: five 2s, 2, six 1s, 3, four 0s: 21 over 17; upper_2s = 10 + 1.773 × 21/17 ≈ 12.19 > 12
# and lower_2s ≈ 7.81 < 8, so only the run rule can fire
RUN_ABOVE = [11, 9] * 3 + [11, 12, 11, 12, 11, 12, 11] + [8] * 5


def test_rule_4_run_of_seven_above_the_mean():
    recs = xmr(RUN_ABOVE)
    assert recs[0]["mean"] == pytest.approx(10)
    assert recs[0]["upper_2s"] == pytest.approx(10 + 1.773 * 21 / 17)
    assert flagged(recs) == {i: ("high", 4) for i in range(6, 13)}


def test_rule_4_point_on_the_mean_breaks_the_run():
    values = list(RUN_ABOVE)
    values[9] = 10  # was 12: exactly on the mean ...
    values[15] = 10  # ... was 8: +2 keeps the sum at 180, so the mean stays 10
    recs = xmr(values)
    assert recs[9]["mean"] == pytest.approx(10)
    assert flagged(recs) == {}


def test_trend_takes_precedence_over_run():
    # 12, 22 alternating, 16, then a falling trend 27 → 21 at the end
    # sum = 4×12 + 4×22 + 16 + 168 = 320 over 16: mean 20, so the trend is all above it
    # mR: seven 10s, 6, 11, six 1s: 93 over 15, mean mR = 6.2
    # ucl = 20 + 2.66 × 6.2 = 36.492; lcl = 3.508; lower_2s = 20 − 10.9926 = 9.0074 < 12
    values = [12, 22] * 4 + [16, 27, 26, 25, 24, 23, 22, 21]
    recs = xmr(values, improvement="up")
    assert recs[0]["ucl"] == pytest.approx(36.492)
    assert flagged(recs) == {i: ("low", 2) for i in range(9, 16)}
    assert {recs[i]["special_cause"] for i in range(9, 16)} == {"concern"}


def test_turning_point_belongs_to_the_trend_that_ends_there():
    # run_length 3: 4, 6, 8 rises and 8, 6, 4 falls; the peak 8 is in both
    # sum = 60 + 28 = 88 over 17: mean ≈ 5.176; mR: eleven 10s, 6, 2, 2, 2, 2 = 124 over 16
    # = 7.75; upper_2s = 88/17 + 1.773 × 7.75 ≈ 18.92, so only the trend rule fires
    recs = xmr([0, 10] * 6 + [4, 6, 8, 6, 4], run_length=3)
    assert recs[0]["upper_2s"] == pytest.approx(88 / 17 + 1.773 * 7.75)
    assert flagged(recs) == {12: ("high", 2), 13: ("high", 2), 14: ("high", 2),
                             15: ("low", 2), 16: ("low", 2)}


@pytest.mark.parametrize(
    ("improvement", "high", "low"),
    [("up", "improvement", "concern"), ("down", "concern", "improvement"),
     ("neutral", "neutral", "neutral")],
)
def test_special_cause_colouring(improvement, high, low):
    assert xmr(SPIKE_HIGH, improvement=improvement)[-1]["special_cause"] == high
    assert xmr(SPIKE_LOW, improvement=improvement)[-1]["special_cause"] == low
    assert xmr(SPIKE_HIGH, improvement=improvement)[0]["special_cause"] is None


def test_fewer_than_twelve_points_gives_no_limits_or_flags():
    recs = xmr([10, 12] * 5 + [100, None])  # 11 non-missing points
    assert recs[10]["moving_range"] == 88  # the data is still described
    for r in recs:
        assert r["mean"] is None and r["ucl"] is None and r["lcl"] is None
        assert r["upper_2s"] is None and r["special_cause"] is None and r["rule"] is None
    assert variation_icon(recs) is None
    assert assurance_icon(recs, "up", 5) is None


def test_missing_values_are_skipped():
    values = [10, None, 12, 10, float("nan"), 12, np.nan] + [10, 12] * 4
    recs = xmr(values, target=11)
    assert len(recs) == 15
    for i in (1, 4, 6):
        assert recs[i]["value"] is None and recs[i]["moving_range"] is None
        assert recs[i]["mean"] is None and recs[i]["ucl"] is None and recs[i]["rule"] is None
    # the moving range bridges the gap: |12 − 10| = 2; the 12 non-missing points are BASE
    assert recs[2]["moving_range"] == 2 and recs[5]["moving_range"] == 2
    assert recs[7]["moving_range"] == 2
    assert recs[2]["mean"] == pytest.approx(11) and recs[2]["ucl"] == pytest.approx(16.32)
    assert recs[2]["target"] == 11


def test_process_change_gives_each_phase_its_own_limits():
    # phase 1 = BASE (mean 11, ucl 16.32); phase 2: 20, 24 alternating, mean 22, mean mR 4
    # ucl = 22 + 2.66 × 4 = 32.64, lcl = 22 − 10.64 = 11.36
    recs = xmr(BASE + [20, 24] * 6, process_changes=[12])
    assert recs[11]["mean"] == pytest.approx(11) and recs[11]["ucl"] == pytest.approx(16.32)
    assert recs[12]["moving_range"] is None  # a phase starts afresh
    assert recs[13]["moving_range"] == 4
    assert recs[12]["mean"] == pytest.approx(22)
    assert recs[12]["ucl"] == pytest.approx(32.64) and recs[12]["lcl"] == pytest.approx(11.36)
    assert flagged(recs) == {}
    # without the recorded change, one set of limits (mean 16.5) and the shift is flagged
    assert xmr(BASE + [20, 24] * 6)[0]["mean"] == pytest.approx(16.5)
    assert flagged(xmr(BASE + [20, 24] * 6)) != {}


def test_process_change_with_a_short_phase():
    recs = xmr(BASE + [20, 24] * 3, process_changes=[12])  # second phase: 6 points
    assert recs[0]["ucl"] == pytest.approx(16.32)
    assert all(r["mean"] is None for r in recs[12:])


def test_moving_range_screening():
    # BASE then 30: sum = 132 + 30 = 162 over 13, mean 162/13 ≈ 12.4615
    # mR: eleven 2s and 18: 40 over 12, mean mR = 10/3
    # screening: 18 > 3.267 × 10/3 ≈ 10.89 is dropped: mean mR = 22/11 = 2
    values = BASE + [30]
    plain, screened = xmr(values), xmr(values, screen_moving_ranges=True)
    assert plain[0]["mean"] == pytest.approx(162 / 13)
    assert plain[0]["ucl"] == pytest.approx(162 / 13 + 2.66 * 10 / 3)  # ≈ 21.328
    assert screened[0]["ucl"] == pytest.approx(162 / 13 + 2.66 * 2)  # ≈ 17.782
    assert screened[0]["lower_2s"] == pytest.approx(162 / 13 - 1.773 * 2)
    assert screened[-1]["moving_range"] == 18  # the record keeps the real range


def test_variation_icon():
    assert variation_icon(xmr(BASE)) == {
        "code": "common_cause", "letter": "C", "label": "Common cause variation"}
    assert variation_icon(xmr(SPIKE_HIGH, "up")) == {
        "code": "improvement_high", "letter": "H", "label": "Special cause improvement (high)"}
    assert variation_icon(xmr(SPIKE_HIGH, "down")) == {
        "code": "concern_high", "letter": "H", "label": "Special cause concern (high)"}
    assert variation_icon(xmr(SPIKE_LOW, "up"))["code"] == "concern_low"
    assert variation_icon(xmr(SPIKE_LOW, "up"))["letter"] == "L"
    assert variation_icon(xmr(SPIKE_LOW, "down"))["code"] == "improvement_low"
    assert variation_icon(xmr(SPIKE_HIGH, "neutral"))["code"] == "neutral_high"
    assert variation_icon(xmr(SPIKE_LOW, "neutral"))["letter"] == "L"
    # a missing latest month: the icon describes the latest point that has a value
    assert variation_icon(xmr(SPIKE_HIGH + [None]))["code"] == "improvement_high"
    assert variation_icon([]) is None


def test_assurance_icon_up_and_down():
    recs = xmr(BASE)  # ucl 16.32, lcl 5.68
    assert assurance_icon(recs, "up", 5) == {
        "code": "pass", "letter": "P", "label": "Consistently passes the target"}
    assert assurance_icon(recs, "up", 17) == {
        "code": "fail", "letter": "F", "label": "Consistently fails the target"}
    assert assurance_icon(recs, "up", 11)["code"] == "hit_or_miss"
    assert assurance_icon(recs, "up", 11)["letter"] == "?"
    assert assurance_icon(recs, "down", 17)["code"] == "pass"
    assert assurance_icon(recs, "down", 5)["code"] == "fail"
    assert assurance_icon(recs, "down", 11)["code"] == "hit_or_miss"


def test_assurance_icon_target_exactly_on_a_limit_is_hit_or_miss():
    recs = xmr(BASE)
    ucl, lcl = recs[-1]["ucl"], recs[-1]["lcl"]
    assert (ucl, lcl) == (pytest.approx(16.32), pytest.approx(5.68))
    for improvement in ("up", "down"):
        assert assurance_icon(recs, improvement, ucl)["code"] == "hit_or_miss"
        assert assurance_icon(recs, improvement, lcl)["code"] == "hit_or_miss"


def test_assurance_icon_none_cases_and_latest_phase():
    recs = xmr(BASE)
    assert assurance_icon(recs, "up", None) is None
    assert assurance_icon(recs, "neutral", 5) is None
    # target 18 is above phase 1's ucl 16.32 but inside phase 2's 11.36 .. 32.64
    two_phases = xmr(BASE + [20, 24] * 6, process_changes=[12])
    assert assurance_icon(two_phases, "up", 18)["code"] == "hit_or_miss"


# p-chart: 5/10 and 8/40 alternating. p̄ = Σnum / Σden = (6×5 + 6×8) / (6×10 + 6×40)
# = 78/300 = 0.26, while the mean of the proportions (0.5 and 0.2) would be 0.35.
# n = 10: σ = √(0.26 × 0.74 / 10) = √0.01924 ≈ 0.138708
#   ucl = 0.26 + 3σ ≈ 0.676124; lcl = 0.26 − 0.416 < 0 → 0; upper_2s ≈ 0.537416; lower_2s → 0
# n = 40: σ = √(0.1924 / 40) = √0.00481 ≈ 0.069354
#   ucl ≈ 0.468063; lcl ≈ 0.051937; upper_2s ≈ 0.398708; lower_2s ≈ 0.121292
NUMS, DENS = [5, 8] * 6, [10, 40] * 6


def test_p_chart_limits_with_varying_denominators():
    recs = p_chart(NUMS, DENS)
    assert recs[0]["value"] == pytest.approx(0.5) and recs[1]["value"] == pytest.approx(0.2)
    assert recs[0]["numerator"] == 5 and recs[0]["denominator"] == 10
    for r in recs:
        assert r["mean"] == pytest.approx(0.26)  # from sums, not the 0.35 mean of proportions
        assert r["moving_range"] is None
    assert recs[0]["ucl"] == pytest.approx(0.26 + 3 * math.sqrt(0.26 * 0.74 / 10))
    assert recs[0]["ucl"] == pytest.approx(0.676124, abs=1e-6)
    assert recs[0]["lcl"] == 0 and recs[0]["lower_2s"] == 0
    assert recs[0]["upper_2s"] == pytest.approx(0.537416, abs=1e-6)
    assert recs[1]["ucl"] == pytest.approx(0.468063, abs=1e-6)
    assert recs[1]["lcl"] == pytest.approx(0.051937, abs=1e-6)
    assert recs[1]["upper_2s"] == pytest.approx(0.398708, abs=1e-6)
    assert recs[1]["lower_2s"] == pytest.approx(0.121292, abs=1e-6)
    assert flagged(recs) == {}
    assert variation_icon(recs)["code"] == "common_cause"


def test_p_chart_zero_and_missing_denominators_are_missing_points():
    recs = p_chart(NUMS[:3] + [0, None] + NUMS[3:], DENS[:3] + [0, 25] + DENS[3:])
    assert len(recs) == 14
    assert recs[3]["value"] is None and recs[3]["mean"] is None and recs[3]["ucl"] is None
    assert recs[4]["value"] is None and recs[4]["rule"] is None
    assert recs[5]["mean"] == pytest.approx(0.26)  # the other 12 points are unchanged
    assert recs[5]["ucl"] == pytest.approx(0.468063, abs=1e-6)


def test_p_chart_flags_use_each_points_own_limits():
    # add 30/50 = 0.6: p̄ = (78 + 30) / (300 + 50) = 108/350 ≈ 0.308571
    # n = 50: σ = √(0.308571 × 0.691429 / 50) ≈ 0.065323, ucl ≈ 0.504541 < 0.6 → rule 1
    # n = 10: σ = √(0.308571 × 0.691429 / 10) ≈ 0.146067, ucl ≈ 0.746772: 0.5 is inside
    recs = p_chart(NUMS + [30], DENS + [50], improvement="down")
    assert recs[-1]["mean"] == pytest.approx(108 / 350)
    assert recs[-1]["ucl"] == pytest.approx(0.504541, abs=1e-6)
    assert recs[-1]["lcl"] == pytest.approx(0.308571 - 3 * 0.065323, abs=1e-5)  # ≈ 0.112602
    assert recs[0]["ucl"] == pytest.approx(0.746772, abs=1e-5)
    assert flagged(recs) == {12: ("high", 1)}
    assert recs[-1]["special_cause"] == "concern"
    assert variation_icon(recs)["code"] == "concern_high"
    # assurance uses the latest point's limits 0.1126 .. 0.5045; lower is better
    assert assurance_icon(recs, "down", 0.6)["code"] == "pass"
    assert assurance_icon(recs, "down", 0.1)["code"] == "fail"
    assert assurance_icon(recs, "down", 0.3)["code"] == "hit_or_miss"


def test_p_chart_fewer_than_twelve_points():
    recs = p_chart(NUMS[:11], DENS[:11])
    assert all(r["mean"] is None and r["ucl"] is None for r in recs)
    assert recs[0]["value"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "call",
    [
        lambda: xmr(BASE, improvement="sideways"),
        lambda: xmr(BASE, run_length=2),
        lambda: xmr(BASE, run_length=7.0),
        lambda: xmr(BASE + ["ten"]),
        lambda: xmr(BASE + [math.inf]),
        lambda: xmr(BASE, process_changes=[12]),
        lambda: xmr(BASE, process_changes=[-1]),
        lambda: xmr(BASE, target="high"),
        lambda: p_chart([1, 2], [3]),
        lambda: p_chart([1, 2], [3, -4]),
        lambda: p_chart([1, 5], [3, 4]),
        lambda: p_chart([-1, 2], [3, 4]),
        lambda: p_chart([1, 2], [3, 0]),
        lambda: p_chart(NUMS, DENS, improvement="better"),
        lambda: assurance_icon(xmr(BASE), "higher", 5),
    ],
)
def test_bad_input_raises_qaerror(call):
    with pytest.raises(QAError):
        call()


def test_improvement_for_a_polarity():
    # A measure where higher is better improves upwards, lower is better downwards; one tracked for
    # its direction only (or with no polarity recorded) has no better direction.
    from qa_core.rules.spc import improvement_for

    assert [improvement_for(p) for p in ("up", "down", "neither", None, float("nan"))] == [
        "up", "down", "neutral", "neutral", "neutral"]


def test_a_months_record_keeps_its_keys_order_and_its_values_as_given():
    # The records' keys in one order (a frame of them has its columns so); a finite float is kept
    # as given (-0.0 stays -0.0, as float() gives it); a whole number becomes a float; a gap None.
    records = xmr([-0.0, 3, float("nan"), None])
    assert list(records[0]) == ["index", "value", "moving_range", "target", "mean", "ucl", "lcl", "upper_2s",
                                "lower_2s", "special_cause", "side", "rule"]
    assert [r["value"] for r in records][1:] == [3.0, None, None]
    assert math.copysign(1, records[0]["value"]) == -1 and type(records[1]["value"]) is float
