"""Tests for qa_core.rules.rag: every rule with a hand-worked example in a comment."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.rules.rag import (
    AMBER,
    BLUE,
    GREEN,
    RAG_ORDER,
    RED,
    YELLOW,
    direction_of_travel,
    is_overdue,
    normalise_rag,
    priority_status,
    rag_movement,
    rag_rank,
    rag_status,
)

# --- RAG order ---------------------------------------------------------------------------


def test_rag_order_worst_to_best_with_yellow_and_blue():
    # Yellow sits between Amber and Green; Blue (complete) is best.
    assert RAG_ORDER == ("Red", "Amber", "Yellow", "Green", "Blue")
    assert (RED, AMBER, YELLOW, GREEN, BLUE) == RAG_ORDER


def test_rag_rank_positions_and_case_insensitive():
    assert [rag_rank(s) for s in RAG_ORDER] == [0, 1, 2, 3, 4]
    assert rag_rank("red") == 0
    assert rag_rank(" YELLOW ") == 2
    assert rag_rank("blue") == 4


def test_rag_rank_sorts_statuses_worst_first():
    statuses = ["Green", "Blue", "Red", "Yellow", "Amber"]
    assert sorted(statuses, key=rag_rank) == ["Red", "Amber", "Yellow", "Green", "Blue"]


@pytest.mark.parametrize("bad", ["Purple", "", "R", None, 3])
def test_rag_rank_unknown_raises(bad):
    with pytest.raises(QAError):
        rag_rank(bad)


def test_normalise_rag_canonical_spelling():
    assert normalise_rag("amber") == "Amber"
    assert normalise_rag("  gReEn") == "Green"


# --- direction of travel -----------------------------------------------------------------


def test_direction_up_polarity():
    # Contacts decided within 24h (higher better): 82% -> 85% is +3 -> improving.
    assert direction_of_travel(85, 82, "up") == "improving"
    # 85% -> 82% is -3 -> worsening.
    assert direction_of_travel(82, 85, "up") == "worsening"
    assert direction_of_travel(85, 85, "up") == "same"


def test_direction_down_polarity():
    # Re-referrals (lower better): 22% -> 19% is -3 -> improving; 19 -> 22 worsening.
    assert direction_of_travel(19, 22, "down") == "improving"
    assert direction_of_travel(22, 19, "down") == "worsening"
    assert direction_of_travel(19, 19, "down") == "same"


def test_direction_neutral_polarity_no_judgement():
    # Contacts received (demand, neutral): 410 -> 450 is "up", 450 -> 410 "down".
    assert direction_of_travel(450, 410, "neutral") == "up"
    assert direction_of_travel(410, 450, "neutral") == "down"
    assert direction_of_travel(410, 410, "neutral") == "same"


def test_direction_within_tolerance_is_same():
    # 87.5 -> 88.0 moved 0.5; tolerance 1 -> same. Exactly at tolerance (1.0) -> same.
    assert direction_of_travel(88.0, 87.5, "up", tolerance=1) == "same"
    assert direction_of_travel(88.5, 87.5, "up", tolerance=1) == "same"
    # Moved 1.5 > tolerance 1 -> improving.
    assert direction_of_travel(89.0, 87.5, "up", tolerance=1) == "improving"
    # Neutral with tolerance: moved 5 <= 10 -> same; moved 15 -> down.
    assert direction_of_travel(405, 410, "neutral", tolerance=10) == "same"
    assert direction_of_travel(395, 410, "neutral", tolerance=10) == "down"


def test_direction_tolerance_boundary_survives_float_arithmetic():
    # 90.1 - 87.1 is 2.9999999999999915 in floating point; at tolerance 3 it is "same".
    assert direction_of_travel(90.1, 87.1, "up", tolerance=3) == "same"
    # And 0.1 + 0.2 vs 0.3 is the same value in practice.
    assert direction_of_travel(0.1 + 0.2, 0.3, "up") == "same"


@pytest.mark.parametrize(
    "current, previous",
    [(None, 5), (5, None), (float("nan"), 5), (5, np.nan), (pd.NA, 5), (None, None)],
)
def test_direction_missing_values_give_none(current, previous):
    assert direction_of_travel(current, previous, "up") is None


def test_direction_accepts_numpy_and_case_insensitive_polarity():
    assert direction_of_travel(np.float64(3.0), np.int64(2), "UP") == "improving"


@pytest.mark.parametrize("bad", ["higher", "", None, "upward"])
def test_direction_unknown_polarity_raises(bad):
    with pytest.raises(QAError):
        direction_of_travel(1, 2, bad)


def test_direction_negative_tolerance_and_non_numbers_raise():
    with pytest.raises(QAError):
        direction_of_travel(1, 2, "up", tolerance=-1)
    with pytest.raises(QAError):
        direction_of_travel("85%", 80, "up")


# --- rag_status: tolerance rule ----------------------------------------------------------


def test_tolerance_rule_higher_better():
    # Target 90%, higher better, tolerance 3:
    # value 92 is better than target -> Green.
    assert rag_status(92, 90, "up", tolerance=3) == GREEN
    # value 90 exactly on target -> Green.
    assert rag_status(90, 90, "up", tolerance=3) == GREEN
    # value 87.5 is 2.5 points worse; 2.5 <= 3 -> Amber.
    assert rag_status(87.5, 90, "up", tolerance=3) == AMBER
    # value 87 is exactly 3 points worse, exactly at tolerance -> Amber.
    assert rag_status(87, 90, "up", tolerance=3) == AMBER
    # value 86.9 is 3.1 points worse; 3.1 > 3 -> Red.
    assert rag_status(86.9, 90, "up", tolerance=3) == RED


def test_tolerance_rule_lower_better():
    # Sickness days per employee, target 5, lower better, tolerance 1:
    # 4.5 is better -> Green; 5 on target -> Green; 5.8 is 0.8 worse -> Amber;
    # 6 is exactly 1 worse -> Amber; 14.14 ([Southampton RAG at a glance]) is 9.14 worse -> Red.
    assert rag_status(4.5, 5, "down", tolerance=1) == GREEN
    assert rag_status(5, 5, "down", tolerance=1) == GREEN
    assert rag_status(5.8, 5, "down", tolerance=1) == AMBER
    assert rag_status(6, 5, "down", tolerance=1) == AMBER
    assert rag_status(14.14, 5, "down", tolerance=1) == RED


def test_tolerance_rule_zero_tolerance_has_no_amber():
    # Target 10% inadequate audits, lower better, tolerance 0 (default):
    # 10 on target -> Green; 10.1 is 0.1 worse > 0 -> Red (no amber band).
    assert rag_status(10, 10, "down") == GREEN
    assert rag_status(10.1, 10, "down") == RED
    # Gloucestershire's 23% inadequate against "no more than 10%" -> Red.
    assert rag_status(23, 10, "down") == RED


def test_tolerance_rule_ignores_previous():
    # 85 vs target 90 (5 worse, tolerance 3) is Red even though it improved from 80.
    assert rag_status(85, 90, "up", tolerance=3, previous=80) == RED


def test_tolerance_boundary_survives_float_arithmetic():
    # Target 90.1, value 87.1: worse by 2.9999999999999915 in floats, i.e. 3 -> Amber.
    assert rag_status(87.1, 90.1, "up", tolerance=3) == AMBER


# --- rag_status: travel rule -------------------------------------------------------------


def test_travel_rule_green_on_or_within_tolerance():
    # Target 90%, higher better, tolerance 3.
    # 91 better than target -> Green; 90 on target -> Green.
    assert rag_status(91, 90, "up", rule="travel", tolerance=3, previous=95) == GREEN
    assert rag_status(90, 90, "up", rule="travel", tolerance=3, previous=None) == GREEN
    # 88 is 2 worse (within 3) -> Green even though it fell from 95.
    assert rag_status(88, 90, "up", rule="travel", tolerance=3, previous=95) == GREEN
    # 87 is exactly 3 worse, at tolerance -> Green.
    assert rag_status(87, 90, "up", rule="travel", tolerance=3, previous=95) == GREEN


def test_travel_rule_outside_tolerance_improving_is_amber():
    # Target 90%, higher better, tolerance 3: 85 is 5 worse (outside);
    # previous 80 -> up 5 -> improving -> Amber.
    assert rag_status(85, 90, "up", rule="travel", tolerance=3, previous=80) == AMBER


def test_travel_rule_outside_tolerance_maintained_is_amber():
    # 85 is 5 worse; previous also 85 -> maintained -> Amber.
    assert rag_status(85, 90, "up", rule="travel", tolerance=3, previous=85) == AMBER


def test_travel_rule_outside_tolerance_worsening_is_red():
    # 85 is 5 worse; previous 86 -> fell 1 -> worsening -> Red.
    assert rag_status(85, 90, "up", rule="travel", tolerance=3, previous=86) == RED
    # Any fall counts, even one smaller than the RAG tolerance (85 from 85.5).
    assert rag_status(85, 90, "up", rule="travel", tolerance=3, previous=85.5) == RED


def test_travel_rule_no_previous_is_red():
    # 85 is 5 worse with no previous value (None or NaN): no evidence of improvement -> Red.
    assert rag_status(85, 90, "up", rule="travel", tolerance=3) == RED
    assert rag_status(85, 90, "up", rule="travel", tolerance=3, previous=float("nan")) == RED


def test_travel_rule_lower_better():
    # Re-referrals within 12 months, target 20%, lower better, tolerance 2.
    # 21.5 is 1.5 worse -> Green; 22 is exactly 2 worse -> Green.
    assert rag_status(21.5, 20, "down", rule="travel", tolerance=2, previous=30) == GREEN
    assert rag_status(22, 20, "down", rule="travel", tolerance=2, previous=18) == GREEN
    # 25 is 5 worse: previous 27 -> fell, improving -> Amber;
    # previous 25 -> maintained -> Amber; previous 23 -> rose, worsening -> Red.
    assert rag_status(25, 20, "down", rule="travel", tolerance=2, previous=27) == AMBER
    assert rag_status(25, 20, "down", rule="travel", tolerance=2, previous=25) == AMBER
    assert rag_status(25, 20, "down", rule="travel", tolerance=2, previous=23) == RED


def test_rule_and_polarity_case_insensitive():
    assert rag_status(85, 90, "Up", rule="TRAVEL", tolerance=3, previous=80) == AMBER


# --- rag_status: no rating ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, target",
    [(None, 90), (85, None), (float("nan"), 90), (85, np.nan), (pd.NA, 90)],
)
def test_missing_value_or_target_gives_none(value, target):
    assert rag_status(value, target, "up", tolerance=3) is None
    assert rag_status(value, target, "down", rule="travel", previous=80) is None


def test_neutral_polarity_gives_none():
    # A demand measure with a "target" is still not rated when neutral.
    assert rag_status(450, 400, "neutral") is None
    assert rag_status(450, 400, "neutral", rule="travel", previous=300) is None


def test_rule_none_gives_none():
    assert rag_status(50, 90, "up", rule="none") is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"polarity": "sideways"},
        {"polarity": "up", "rule": "traffic"},
        {"polarity": "up", "tolerance": -0.5},
        {"polarity": "up", "tolerance": None},
    ],
)
def test_bad_configuration_raises_even_when_value_missing(kwargs):
    with pytest.raises(QAError):
        rag_status(85, 90, **kwargs)
    with pytest.raises(QAError):
        rag_status(None, 90, **kwargs)


def test_non_numeric_value_raises():
    with pytest.raises(QAError):
        rag_status("87%", 90, "up")


# --- improvement-plan priorities ---------------------------------------------------------

AS_OF = dt.date(2025, 4, 1)


def test_priority_complete_on_or_before_as_of_is_blue():
    # Completed 15 March, target 31 March, as of 1 April -> Blue.
    assert priority_status(dt.date(2025, 3, 31), dt.date(2025, 3, 15), AS_OF) == BLUE
    # Completed on as_of itself -> Blue.
    assert priority_status(dt.date(2025, 6, 30), AS_OF, AS_OF) == BLUE


def test_priority_completed_late_is_still_blue():
    # Target 28 Feb, completed 20 March (late), as of 1 April -> complete -> Blue.
    assert priority_status(dt.date(2025, 2, 28), dt.date(2025, 3, 20), AS_OF) == BLUE
    assert is_overdue(dt.date(2025, 2, 28), dt.date(2025, 3, 20), AS_OF) is False


def test_priority_completion_after_as_of_does_not_count():
    # Target 31 March, completed 10 April; rated as of 1 April it was open and overdue.
    assert priority_status(dt.date(2025, 3, 31), dt.date(2025, 4, 10), AS_OF) == RED
    assert is_overdue(dt.date(2025, 3, 31), dt.date(2025, 4, 10), AS_OF) is True


def test_priority_overdue_is_red():
    # Target 31 March, not complete, as of 1 April -> 1 day past -> Red.
    assert priority_status(dt.date(2025, 3, 31), None, AS_OF) == RED
    assert is_overdue(dt.date(2025, 3, 31), None, AS_OF) is True


def test_priority_target_today_is_amber_not_overdue():
    # Target date == as_of: due today, not past -> Amber and not overdue.
    assert priority_status(AS_OF, None, AS_OF) == AMBER
    assert is_overdue(AS_OF, None, AS_OF) is False


def test_priority_due_soon_boundary():
    # As of 1 April with 30 days' warning: 1 May is exactly 30 days away -> Amber;
    # 2 May is 31 days away -> Green.
    assert priority_status(dt.date(2025, 5, 1), None, AS_OF) == AMBER
    assert priority_status(dt.date(2025, 5, 2), None, AS_OF) == GREEN
    assert is_overdue(dt.date(2025, 5, 2), None, AS_OF) is False


def test_priority_custom_due_soon_days():
    # 14 days' warning: 15 April is 14 days away -> Amber; 16 April (15 days) -> Green.
    assert priority_status(dt.date(2025, 4, 15), None, AS_OF, due_soon_days=14) == AMBER
    assert priority_status(dt.date(2025, 4, 16), None, AS_OF, due_soon_days=14) == GREEN
    # 0 days' warning: only a target due today is Amber.
    assert priority_status(AS_OF, None, AS_OF, due_soon_days=0) == AMBER
    assert priority_status(dt.date(2025, 4, 2), None, AS_OF, due_soon_days=0) == GREEN


def test_priority_accepts_timestamps_datetimes_and_missing_completion():
    # Timestamps (with a time of day) are compared by date: target 31 March 17:00 as of
    # 1 April 09:00 -> overdue; NaT / NaN completion means not complete.
    target = pd.Timestamp("2025-03-31 17:00")
    as_of = pd.Timestamp("2025-04-01 09:00")
    assert priority_status(target, pd.NaT, as_of) == RED
    assert priority_status(target, float("nan"), as_of) == RED
    assert priority_status(target, pd.Timestamp("2025-03-30"), as_of) == BLUE
    assert priority_status(dt.datetime(2025, 4, 1, 23, 59), None, dt.date(2025, 4, 1)) == AMBER
    assert priority_status(np.datetime64("2025-06-30"), None, AS_OF) == GREEN
    assert is_overdue(target, pd.NaT, as_of) is True


def test_priority_complete_without_target_is_blue_but_open_without_target_raises():
    assert priority_status(None, dt.date(2025, 3, 1), AS_OF) == BLUE
    assert is_overdue(None, dt.date(2025, 3, 1), AS_OF) is False
    with pytest.raises(QAError):
        priority_status(None, None, AS_OF)
    with pytest.raises(QAError):
        is_overdue(pd.NaT, None, AS_OF)


@pytest.mark.parametrize(
    "args, kwargs",
    [
        (("2025-03-31", None, AS_OF), {}),  # text is not a date
        ((dt.date(2025, 3, 31), None, None), {}),  # no as_of
        ((dt.date(2025, 3, 31), None, AS_OF), {"due_soon_days": -1}),
        ((dt.date(2025, 3, 31), None, AS_OF), {"due_soon_days": 7.5}),
    ],
)
def test_priority_bad_input_raises(args, kwargs):
    with pytest.raises(QAError):
        priority_status(*args, **kwargs)


# --- rag movement ------------------------------------------------------------------------


def test_rag_movement_improved_deteriorated_unchanged():
    assert rag_movement("Red", "Amber") == "improved"
    assert rag_movement("Amber", "Yellow") == "improved"  # Yellow is between Amber and Green
    assert rag_movement("Green", "Blue") == "improved"  # Blue (complete) is best
    assert rag_movement("Green", "Yellow") == "deteriorated"
    assert rag_movement("Blue", "Red") == "deteriorated"
    assert rag_movement("Amber", "amber") == "unchanged"


def test_rag_movement_new_or_unrated_is_none():
    # No previous rating: the area is new this period.
    assert rag_movement(None, "Green") is None
    assert rag_movement(float("nan"), "Green") is None
    # No current rating either gives no movement.
    assert rag_movement("Green", None) is None


def test_rag_movement_unknown_status_raises():
    with pytest.raises(QAError):
        rag_movement("Red", "Purple")


def test_missing_helpers_do_not_treat_zero_as_missing():
    # 0 is a real value: target 0 complaints upheld, lower better, value 0 -> Green.
    assert rag_status(0, 0, "down") == GREEN
    assert direction_of_travel(0, 0, "up") == "same"
    assert direction_of_travel(1, 0, "down") == "worsening"
