"""Fixed baselines, recorded process changes and the Making Data Count icon codes
(qa_core.rules.spc). Every mean and limit is worked out by hand in a comment."""

from __future__ import annotations

import pytest

from qa_core.errors import QAError
from qa_core.rules.spc import (
    ASSURANCE_CODES,
    VARIATION_CODES,
    baseline_of,
    icon_codes,
    p_chart,
    xmr,
)

# 10, 12 alternating: mean 11; every mR = 2 → ucl/lcl = 11 ± 2.66 × 2 = 16.32 / 5.68,
# 2σ band = 11 ± 1.773 × 2 = 14.546 / 7.454.
BASE = [10, 12] * 6


def flagged(records):
    return {r["index"]: (r["side"], r["rule"]) for r in records if r["rule"] is not None}


# -- limits with a baseline ------------------------------------------------------------------------
# BASE then 16, 17, 18.
# Fixed on the first 12 points: mean 11, ucl 16.32, 2σ 14.546 for all 15 points. 17 and 18 are
# beyond the limit (rule 1); 16, 17, 18 are all above the mean and beyond 2σ, so 16 is rule 3.
# Recalculated over all 15: mean = (132 + 51) / 15 = 12.2; mR = eleven 2s, 4, 1, 1 = 28 / 14 = 2;
# ucl = 12.2 + 5.32 = 17.52, so 17 is no longer beyond it, and every BASE point (10 or 12) is
# now below the mean: twelve in a row, a rule 4 "shift" that is an artefact of the moving limits.
RISE = BASE + [16, 17, 18]


def test_limits_fixed_on_the_baseline_do_not_move_with_new_months():
    fixed = xmr(RISE, baseline=12)
    for r in fixed:
        assert r["mean"] == pytest.approx(11)
        assert r["ucl"] == pytest.approx(16.32) and r["lcl"] == pytest.approx(5.68)
        assert r["upper_2s"] == pytest.approx(14.546)
    assert flagged(fixed) == {12: ("high", 3), 13: ("high", 1), 14: ("high", 1)}
    moving = xmr(RISE)
    assert moving[0]["mean"] == pytest.approx(12.2) and moving[0]["ucl"] == pytest.approx(17.52)
    assert flagged(moving)[13] == ("high", 3)  # only rule 3 now: 17 is inside 17.52
    assert all(flagged(moving)[i] == ("low", 4) for i in range(12))


def test_a_baseline_of_twelve_on_twelve_points_is_every_point():
    assert xmr(BASE, baseline=12) == xmr(BASE)


def test_a_baseline_longer_than_the_phase_uses_what_there_is():
    # 15 points, baseline 20: all 15 points, as without a baseline (trial limits until 20).
    assert xmr(RISE, baseline=20) == xmr(RISE)


# -- a recorded process change ---------------------------------------------------------------------
# BASE, then 20, 24 six times, then 34; a change recorded at point 12.
# Phase 1: mean 11, ucl 16.32 (as above).
# Phase 2 baseline (points 12 to 23): mean 22, mR 4 → ucl = 22 + 2.66 × 4 = 32.64,
# lcl = 22 − 10.64 = 11.36. Point 24 (34) is beyond 32.64: rule 1, high.
# Phase 2 recalculated over 13 points: mean = (264 + 34) / 13 ≈ 22.923; mR = eleven 4s and
# |34 − 24| = 10 → 54 / 12 = 4.5; ucl ≈ 22.923 + 11.97 = 34.893, so 34 would be hidden.
SHIFT = BASE + [20, 24] * 6 + [34]


def test_limits_are_recalculated_only_from_a_recorded_change():
    recs = xmr(SHIFT, process_changes=[12], baseline=12)
    assert [r["mean"] for r in recs[:12]] == [pytest.approx(11)] * 12
    assert recs[11]["ucl"] == pytest.approx(16.32)
    for r in recs[12:]:
        assert r["mean"] == pytest.approx(22)
        assert r["ucl"] == pytest.approx(32.64) and r["lcl"] == pytest.approx(11.36)
    assert flagged(recs) == {24: ("high", 1)}
    assert icon_codes(recs, "up", 10) == ("improvement_high", "pass")  # 10 < lcl 11.36
    moving = xmr(SHIFT, process_changes=[12])
    assert moving[24]["ucl"] == pytest.approx(298 / 13 + 2.66 * 4.5)
    assert moving[24]["special_cause"] is None
    # With no change recorded the limits stay those of the first 12 points: the shift is flagged.
    unrecorded = xmr(SHIFT, baseline=12)
    assert unrecorded[24]["mean"] == pytest.approx(11)
    assert all(flagged(unrecorded)[i][0] == "high" for i in range(12, 25))


def test_baseline_of_names_the_points_the_latest_limits_rest_on():
    assert baseline_of(SHIFT, [12]) == (12, 23)
    assert baseline_of(SHIFT) == (0, 11)
    assert baseline_of(SHIFT, [12], baseline=None) == (12, 24)
    assert baseline_of(BASE + [20, 24] * 3, [12]) is None  # six points since the change: no limits
    assert baseline_of([None, *BASE]) == (1, 12)  # a missing first month is not in the baseline
    assert baseline_of([]) is None


def test_a_change_with_too_few_points_since_gives_no_limits_or_icons():
    recs = xmr(BASE + [20, 24] * 3, process_changes=[12], baseline=12)
    assert all(r["mean"] is None for r in recs[12:])
    assert icon_codes(recs, "up", 15) == (None, "none")


def test_p_chart_limits_fixed_on_the_baseline():
    # 5/10 and 8/40 alternating: p̄ = 78/300 = 0.26; then 30/40 (0.75).
    # Fixed: n = 40 → ucl = 0.26 + 3 × √(0.26 × 0.74 / 40) ≈ 0.468063 < 0.75: rule 1, high.
    # Recalculated: p̄ = 108/340 ≈ 0.317647.
    nums, dens = [5, 8] * 6 + [30], [10, 40] * 6 + [40]
    fixed = p_chart(nums, dens, baseline=12)
    assert fixed[-1]["mean"] == pytest.approx(0.26)
    assert fixed[-1]["ucl"] == pytest.approx(0.468063, abs=1e-6)
    assert (fixed[-1]["side"], fixed[-1]["rule"]) == ("high", 1)
    assert p_chart(nums, dens)[-1]["mean"] == pytest.approx(108 / 340)


@pytest.mark.parametrize("bad", [11, 0, -3, 12.5, True, "12"])
def test_a_baseline_under_twelve_points_is_refused(bad):
    with pytest.raises(QAError, match="baseline"):
        xmr(BASE, baseline=bad)


# -- the icons: each of the 7 variation cases with each of the 4 assurance cases ------------------
# One latest point with limits 40 to 60 around a mean of 50. A target of 70 is above every
# likely value, 30 below every one, 50 inside the limits.
VARIATION_CASES = {  # code: (improvement direction, special_cause, side)
    "common_cause": ("up", None, None),
    "improvement_high": ("up", "improvement", "high"),
    "improvement_low": ("down", "improvement", "low"),
    "concern_high": ("down", "concern", "high"),
    "concern_low": ("up", "concern", "low"),
    "neutral_high": ("neutral", "neutral", "high"),
    "neutral_low": ("neutral", "neutral", "low"),
}


def _target(assurance: str, improvement: str) -> float | None:
    """The target that gives ``assurance`` for a measure improving in ``improvement``."""
    return {
        "pass": 30.0 if improvement == "up" else 70.0,
        "fail": 70.0 if improvement == "up" else 30.0,
        "hit_or_miss": 50.0,
        "none": None,
    }[assurance]


@pytest.mark.parametrize("assurance", ASSURANCE_CODES)
@pytest.mark.parametrize("variation", VARIATION_CODES)
def test_icon_codes_for_every_variation_and_assurance_case(variation, assurance):
    improvement, cause, side = VARIATION_CASES[variation]
    target = _target(assurance, improvement)
    latest = {
        "index": 0,
        "value": 55.0,
        "mean": 50.0,
        "lcl": 40.0,
        "ucl": 60.0,
        "special_cause": cause,
        "side": side,
        "target": target,
    }
    # Making Data Count gives a measure with no better direction no assurance icon, whatever its target.
    expected = "none" if improvement == "neutral" else assurance
    assert icon_codes([latest], improvement, target) == (variation, expected)


def test_the_icon_sets_are_the_seven_and_the_four():
    assert len(set(VARIATION_CODES)) == 7 and len(set(ASSURANCE_CODES)) == 4
    # Before the limits exist there is no variation icon, and no assurance either.
    assert icon_codes(xmr([10, 12] * 5), "up", 5) == (None, "none")
