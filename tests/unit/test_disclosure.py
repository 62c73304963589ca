"""Disclosure control (qa_core.rules.disclosure), every rule worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qa_core.rules import disclosure as d


@pytest.mark.parametrize(("count", "shown"), [
    (0, 0),       # a true zero stays 0
    (1, "c"), (5, "c"),  # 1 to 5 are c
    (6, 6), (120, 120),
    (None, ":"), (math.nan, ":"),  # missing is "not available", never 0
    ("z", "z"), ("k", "k"),  # a symbol passes through
])
def test_suppress_count(count, shown):
    assert d.suppress_count(count) == shown


def test_suppress_count_on_a_column_keeps_symbols_distinct():
    assert d.suppress_count(pd.Series([0, 3, 7, None])).tolist() == [0, "c", 7, ":"]


def test_one_way_secondary_suppression_worked_example():
    # Parts 3, 10, 12; total 25. 3 is c; alone, 25 - 10 - 12 = 3 gives it back, so the
    # smallest other non-zero part, 10, goes too. 25 - 12 = 13 = 3 + 10: neither recoverable.
    assert d.line_mask(np.array([[3, 10, 12, 25]])).tolist() == [[True, True, False, False]]


def test_one_way_zeros_are_never_the_complementary_cell():
    # Parts 0, 2, 9, 20; total 31: 2 is c; 0 is skipped (hiding a true zero protects nothing),
    # so 9 (the smallest non-zero) goes.
    assert d.line_mask(np.array([[0, 2, 9, 20, 31]])).tolist() == [[False, True, True, False, False]]


def test_one_way_two_small_parts_need_nothing_more():
    # Parts 2, 4, 30; total 36: 2 and 4 are both c; 36 - 30 = 6 = 2 + 4 does not say which is which.
    assert d.line_mask(np.array([[2, 4, 30, 36]])).tolist() == [[True, True, False, False]]


def test_a_small_total_is_protected_from_adding_up_the_parts():
    # Parts 0, 3; total 3: both 3s are c (the part and the total), the 0 stays.
    assert d.line_mask(np.array([[0, 3, 3]])).tolist() == [[False, True, True]]
    # Parts 7, 0; total 7: nothing small, nothing hidden.
    assert d.line_mask(np.array([[7, 0, 7]])).tolist() == [[False, False, False]]


def test_lines_are_independent_rows():
    lines = np.array([[3, 10, 12, 25], [8, 10, 12, 30]])
    assert d.line_mask(lines).tolist() == [[True, True, False, False], [False] * 4]


def test_protect_counts_with_and_without_a_total():
    frame = pd.DataFrame({"team": ["A", "B"], "x": [3, 8], "y": [10, 10], "z": [12, 12], "t": [25, 30]})
    out = d.protect_counts(frame, ["x", "y", "z"], "t")
    assert out[["x", "y", "z", "t"]].values.tolist() == [["c", "c", 12, 25], [8, 10, 12, 30]]
    assert out["team"].tolist() == ["A", "B"]
    # Without a total there is nothing to subtract from: only the primary rule.
    assert d.protect_counts(frame, ["x", "y"])[["x", "y"]].values.tolist() == [["c", 10], [8, 10]]


def test_two_way_grid_suppresses_in_both_directions_until_stable():
    #            a    b   Total
    # row1       2    8    10     2 is c; row1 then needs 8 (its only other part);
    # row2       9    7    16     column a needs 9 (2 is alone there), column b has 8, needs 7;
    # Total     11   15    26     row2 then has 9 and 7: two, so it is stable.
    grid = pd.DataFrame({"a": [2, 9, 11], "b": [8, 7, 15], "Total": [10, 16, 26]},
                        index=["row1", "row2", "Total"])
    out = d.protect_grid(grid)
    assert out.values.tolist() == [["c", "c", 10], ["c", "c", 16], [11, 15, 26]]


def test_two_way_grid_picks_the_smallest_cell_in_the_same_row_and_column():
    #          a   b   c  Total
    # r1       1  20  30   51    1 is c; row r1: smallest other non-zero is 20 (b);
    # r2      10  12  40   62    column a: smallest other is 10 (r2); column b: 20 now hidden,
    # r3      15  25   6   46    needs another: 12 (r2); row r2 has 10 and 12: two. Stable.
    # Total   26  57  76  159
    grid = pd.DataFrame({"a": [1, 10, 15, 26], "b": [20, 12, 25, 57], "c": [30, 40, 6, 76],
                         "Total": [51, 62, 46, 159]}, index=["r1", "r2", "r3", "Total"])
    out = d.protect_grid(grid)
    assert out.values.tolist() == [["c", "c", 30, 51], ["c", "c", 40, 62], [15, 25, 6, 46], [26, 57, 76, 159]]


def test_a_small_margin_in_a_grid_is_protected():
    #         a  b  Total
    # r1      0  4   4     4 is c twice in row r1 (part and total); column b: 4 and 4 + 9 = 13 shown,
    # r2      6  9  15     r2's 9 is then recoverable? No: column b has 4 (c) alone, so 9 goes too;
    # Total   6 13  19     column Total has 4 (c) alone, so 15 goes; row r2 has 9 and 15: two.
    grid = pd.DataFrame({"a": [0, 6, 6], "b": [4, 9, 13], "Total": [4, 15, 19]}, index=["r1", "r2", "Total"])
    out = d.protect_grid(grid)
    assert out.values.tolist() == [[0, "c", "c"], [6, "c", "c"], [6, 13, 19]]


@pytest.mark.parametrize(("num", "den", "expected"), [
    (12, 40, ("12", "40", "30.0%")),  # 12 / 40 x 100 = 30.0
    (3, 40, ("c", "40", "c")),  # 3 is c, and 7.5% would give it back
    (37, 40, ("c", "40", "c")),  # complement 40 - 37 = 3 is c, so 37 (and 92.5%) would give it back
    (40, 40, ("40", "40", "100.0%")),  # complement 0: a true zero, nothing to hide
    (0, 40, ("0", "40", "0.0%")),
    (0, 3, ("0", "c", "c")),  # denominator 3 is c; the percentage is out of fewer than 5
    (0, 0, ("0", "0", "z")),  # a percentage of nothing is not applicable
    (None, 40, (":", "40", ":")),  # no numerator: not available, never 0
    (6, 13000, ("6", "13,000", "k")),  # 6 / 13000 x 100 = 0.046 -> 0.0 at 1 d.p., but not zero
])
def test_cell(num, den, expected):
    assert d.cell(num, den) == expected


def test_apply_rates_on_columns_keeps_a_symbol_given():
    frame = pd.DataFrame({"n": [193, 3, "u"], "d": [937, 92, "u"], "v": [20.5976, 3.2609, "u"]})
    out = d.apply_rates(frame, "n", "d", "v")
    # 193 / 937 x 100 = 20.5977 -> 20.6; 3 of 92 -> c; a quarter marked u stays u.
    assert out.values.tolist() == [[193, 937, 20.6], ["c", 92, "c"], ["u", "u", "u"]]


def test_a_ratio_that_is_not_a_share_ignores_the_complement():
    # An average: 60 days over 58 cases (complement -2 means nothing): shown.
    frame = pd.DataFrame({"n": [60], "d": [58], "v": [60 / 58]})
    assert d.apply_rates(frame, "n", "d", "v", share=False).values.tolist() == [[60, 58, 1.0]]


def test_the_note_explains_every_symbol():
    for symbol in ("c", ":", "z", "k", "u"):
        assert f"{symbol} = " in d.NOTE
    assert "0 = a true zero" in d.NOTE
