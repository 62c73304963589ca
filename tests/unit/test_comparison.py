"""DfE's quartile bands and the neighbours' median with a joint return counted once
(qa_core.rules.comparison), on hand-worked sets."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qa_core.errors import QAError
from qa_core.rules.comparison import median_once, quantile_r7, quartile_band, quartile_cuts


def test_cut_points_are_rs_default_quantile() -> None:
    # 1..8: index 1 + 7p → 2.75, 4.5, 6.25 (R: quantile(1:8) gives 2.75 4.50 6.25).
    assert quartile_cuts(range(1, 9)) == (2.75, 4.5, 6.25)
    # Unsorted, with a gap: missing figures are left out, never read as 0.
    assert quartile_cuts([40, None, 10, float("nan"), 30, 20, 50]) == (20.0, 30.0, 40.0)
    assert quartile_cuts([None]) is None
    values = np.random.default_rng(19).normal(20, 5, 151).round(1)
    for p in (0.25, 0.5, 0.75):
        assert quantile_r7(sorted(values), p) == pytest.approx(np.quantile(values, p, method="linear"))
    with pytest.raises(QAError):
        quantile_r7([], 0.5)


def test_bands_by_value_with_a_figure_on_each_cut_point() -> None:
    # Five figures 10..50: cuts 20, 30, 40, each exactly a figure. A figure on a cut point takes the
    # band below the cut (LAIT: A is "at or below the 25th percentile" where low is good).
    cuts = quartile_cuts([10, 20, 30, 40, 50])
    assert cuts == (20.0, 30.0, 40.0)
    low = {v: quartile_band(v, cuts, "Low") for v in (10, 20, 20.01, 30, 35, 40, 40.01, 50)}
    assert low == {10: "A", 20: "A", 20.01: "B", 30: "B", 35: "C", 40: "C", 40.01: "D", 50: "D"}
    # High is good: A above the 75th percentile; 40, on it, is B; 20, on the 25th, is D.
    high = {v: quartile_band(v, cuts, "High") for v in (10, 20, 20.01, 30, 35, 40, 40.01, 50)}
    assert high == {10: "D", 20: "D", 20.01: "C", 30: "C", 35: "B", 40: "B", 40.01: "A", 50: "A"}
    # The catalogue's words for polarity mean the same.
    assert quartile_band(50, cuts, "up") == "A" and quartile_band(50, cuts, "down") == "D"


def test_ties_share_a_band_and_can_fill_three_cut_points() -> None:
    # 10, 20, 20, 20, 30: every cut point is 20, so the three 20s are all at the 25th percentile.
    cuts = quartile_cuts([10, 20, 20, 20, 30])
    assert cuts == (20.0, 20.0, 20.0)
    assert [quartile_band(v, cuts, "Low") for v in (10, 20, 30)] == ["A", "A", "D"]
    assert [quartile_band(v, cuts, "High") for v in (10, 20, 30)] == ["D", "D", "A"]
    # Ranks would spread the tied figures: 20 ranks 2 of 5 (low is good), ceil(4 × 2 / 5) = 2, not A.
    assert math.ceil(4 * 2 / 5) == 2


def test_no_band_without_a_direction_a_value_or_cuts() -> None:
    cuts = (1.0, 2.0, 3.0)
    assert quartile_band(2, cuts, "-") is None
    assert quartile_band(None, cuts, "Low") is None
    assert quartile_band(2, None, "High") is None


def test_a_joint_return_counts_once_in_the_median() -> None:
    # Swindon's neighbours, CSWW 2021 vacancy rate: North and West Northamptonshire share one return.
    values = [21.5, 39.6, 18.4, 9.2, 12.4, 39.6, 5.4, 29.1, 3.5, 10.0]
    returns = ["887", "940 / 941", "883", "303", "822", "940 / 941", "935", "311", "891", "886"]
    assert median_once(values, returns) == (12.4, 9)
    # Counted as two LAs' figures it would be 15.4 of 10: what the issue found.
    assert float(np.median(values)) == pytest.approx(15.4)
    # Two LAs' own figures that are equal are two figures.
    assert median_once([5.0, 5.0, 9.0], ["1", "2", "3"]) == (5.0, 3)
    assert median_once([None, float("nan")], ["1", "2"]) == (None, 0)
    with pytest.raises(QAError):
        median_once([1.0], [])
