"""What a rating means, in words (qa_core.rules.rag.rag_rule_text), no rating on too few cases
(too_few, the min_denominator of rag_status), and a rating against the council's own target that
points the other way from the published comparators (rag_comparison_note)."""

from __future__ import annotations

import re

import pytest

from qa_core.errors import QAError
from qa_core.rules.rag import (
    DEFAULT_MIN_DENOMINATOR,
    rag_comparison_note,
    rag_rule_text,
    rag_status,
    too_few,
    too_few_words,
)


def test_the_issues_example_travel_with_a_5_point_tolerance():
    # Re-referrals 20.6% against a 20% target, lower is better, "travel" with 5 points: Green, because the
    # rule allows 5 points, so "Green: on target" would be a false key. The words say what was applied.
    assert rag_status(20.6, 20, "down", "travel", 5, previous=21.0) == "Green"
    words = rag_rule_text(20, "down", "travel", 5, "%")
    assert words.startswith(
        "Green: 25.0% or lower (on the 20.0% target or within 5 percentage points of it; lower is better)"
    )
    assert "Amber: above 25.0%, but better than or the same as the previous period" in words
    assert "Red: above 25.0% and worse than the previous period, or with no previous figure to compare." in words


def test_tolerance_rule_words_for_both_polarities_and_no_tolerance():
    assert rag_rule_text(20, "down", "tolerance", 5, "%") == (
        "Green: 20.0% or lower (on or better than the 20.0% target; lower is better); Amber: above 20.0%, up to "
        "25.0% (within 5 percentage points of the target); Red: above 25.0%."
    )
    assert rag_status(20.6, 20, "down", "tolerance", 5) == "Amber"
    assert rag_rule_text(426, "up", "tolerance", 30, "days") == (
        "Green: 426.0 or higher (on or better than the 426.0 target; higher is better); Amber: below 426.0, down "
        "to 396.0 (within 30 days of the target); Red: below 396.0."
    )
    assert rag_rule_text(90, "up", "tolerance", 0, "%") == (
        "Green: 90.0% or higher (on or better than the 90.0% target; higher is better); Red: below 90.0%. No "
        "Amber: the tolerance is 0."
    )
    # Travel with no tolerance: Green only on or better than the target.
    assert rag_rule_text(90, "up", "travel", 0, "%").startswith(
        "Green: 90.0% or higher (on or better than the 90.0% target; higher is better); Amber: below 90.0%, but"
    )


def test_measures_without_a_rating_say_why():
    assert rag_rule_text(None, "up", "tolerance", 5, "%") == (
        "Not rated: no target is set, so only its direction is shown."
    )
    assert rag_rule_text(20, "neutral", "tolerance", 5, "%").startswith("Not rated: this measure has no better")
    assert rag_rule_text(20, "up", "none", 5, "%").startswith("Not rated: this measure's rule is 'none'")
    with pytest.raises(QAError):
        rag_rule_text(20, "sideways", "tolerance", 5, "%")


RULE_CASES = [
    (t, p, r, tol)
    for t in (20.0, 85.0)
    for p in ("up", "down")
    for r in ("tolerance", "travel")
    for tol in (0, 1, 2.5, 5)
]


@pytest.mark.parametrize(("target", "polarity", "rule", "tolerance"), RULE_CASES)
def test_the_words_and_the_rating_agree_at_every_edge(target, polarity, rule, tolerance):
    """The thresholds printed in the words are the ones rag_status uses: on each printed edge, and 0.1
    beyond it on the wrong side, the rating is the colour the words give."""
    words = rag_rule_text(target, polarity, rule, tolerance, "%")
    green = re.match(r"Green: ([0-9.]+)% or (lower|higher)", words)
    edge, way = float(green.group(1)), green.group(2)
    worse = 0.1 if way == "lower" else -0.1
    assert rag_status(edge, target, polarity, rule, tolerance, previous=edge) == "Green"
    beyond = edge + worse
    if rule == "tolerance":
        amber = re.search(r"Amber: (?:above|below) ([0-9.]+)%, (?:up|down) to ([0-9.]+)%", words)
        if tolerance == 0:
            assert amber is None and "No Amber" in words
            assert rag_status(beyond, target, polarity, rule, tolerance) == "Red"
        else:
            start, limit = float(amber.group(1)), float(amber.group(2))
            assert start == edge
            assert rag_status(limit, target, polarity, rule, tolerance) == "Amber"
            assert rag_status(limit + worse, target, polarity, rule, tolerance) == "Red"
            assert rag_status(beyond, target, polarity, rule, tolerance) == "Amber"
    else:
        # Outside: Amber when better than or level with the previous period, Red when worse or with none.
        assert rag_status(beyond, target, polarity, rule, tolerance, previous=beyond) == "Amber"  # the same
        assert rag_status(beyond, target, polarity, rule, tolerance, previous=beyond + worse) == "Amber"  # better
        assert rag_status(beyond, target, polarity, rule, tolerance, previous=beyond - worse) == "Red"  # worse
        assert rag_status(beyond, target, polarity, rule, tolerance) == "Red"  # nothing to compare


def test_no_rating_on_a_handful_of_cases():
    # 0 of 1 against a 60% target (higher is better) would be Red: it is not rated, and shows its count.
    assert rag_status(0.0, 60, "up", "travel", 5, previous=50, denominator=1, min_denominator=5) is None
    assert rag_status(0.0, 60, "up", "travel", 5, previous=50) == "Red"  # the same figure without a minimum
    assert rag_status(80.0, 60, "up", "travel", 5, denominator=5, min_denominator=5) == "Green"  # 5 is enough
    assert too_few(1, 5) and too_few(4.9, 5) and not too_few(5, 5)
    assert too_few(3, None) == (3 < DEFAULT_MIN_DENOMINATOR) and DEFAULT_MIN_DENOMINATOR == 5
    assert not too_few(None, 5)  # a plain count has no denominator
    assert too_few_words(0, 1, 5) == "0 of 1: too few to rate (fewer than 5)"
    assert too_few_words(978, 2, 5, "days") == "An average of 2: too few to rate (fewer than 5)"
    assert too_few_words(3, 4.5, 5) == "3 of 4.5: too few to rate (fewer than 5)"
    assert rag_rule_text(60, "up", "travel", 5, "%", 5).endswith(
        "Not rated when based on fewer than 5 cases: the count is shown instead."
    )
    assert rag_rule_text(18, "down", "tolerance", 2, "number", 1).endswith(
        "fewer than 1 case: the count is shown instead."
    )


def test_red_though_better_than_neighbours_and_england():
    # Second or subsequent CP plans: 23.4% against a local target of 20% (lower is better) is Red, yet better
    # than the neighbours' 26.6% and England's 24.5%.
    comparators = (("our statistical neighbours", 26.55), ("England", 24.5))
    assert rag_comparison_note("Red", 23.36, "down", 20, "%", comparators) == (
        "Red against the council's own target of 20.0%, though better than our statistical neighbours (26.6%) "
        "and England (24.5%)."
    )
    assert rag_comparison_note("Amber", 23.36, "down", 20, "%", comparators).startswith("Amber against")
    # Green though worse than both; nothing to say when the comparators agree with the rating, when they
    # split, or when there is no rating or no comparator.
    assert rag_comparison_note("Green", 17.5, "down", 18, "number", (("neighbours", 15.0), ("England", 15.2))) == (
        "Green against the council's own target of 18.0, though worse than neighbours (15.0) and England (15.2)."
    )
    assert rag_comparison_note("Red", 30.0, "down", 20, "%", comparators) is None
    assert rag_comparison_note("Red", 25.0, "down", 20, "%", comparators) is None  # better than one only
    assert rag_comparison_note(None, 23.4, "down", 20, "%", comparators) is None
    assert rag_comparison_note("Red", 23.4, "down", 20, "%", (("England", None),)) is None
    assert rag_comparison_note("Red", 24.5, "down", 20, "%", (("England", 24.48),)) is None  # the same as shown
