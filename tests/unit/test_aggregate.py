"""Tests for qa_core.rules.aggregate: expected values are worked by hand in the comments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.rules.aggregate import aggregate_ratio, ratio_value
from qa_core.rules.formatting import scale_for_unit


def _teams():
    # Assessments completed within 45 working days, by team.
    #   service Front Door: team A 9 of 10 (90%), team B 45 of 90 (50%)
    #   service CIN:        team C 30 of 40 (75%), team D 10 of 10 (100%)
    return pd.DataFrame(
        {
            "la": ["Fictional"] * 4,
            "service": ["Front Door", "Front Door", "CIN", "CIN"],
            "team": ["A", "B", "C", "D"],
            "numerator": [9, 45, 30, 10],
            "denominator": [10, 90, 40, 10],
        }
    )


def test_aggregate_two_levels_pooled_not_mean():
    teams = _teams()
    services = aggregate_ratio(teams, by=["la", "service"], proportion=True)
    assert list(services.columns) == [
        "la",
        "service",
        "numerator",
        "denominator",
        "value",
        "n_units",
        "n_missing",
    ]
    s = services.set_index("service")
    # Front Door: (9 + 45) / (10 + 90) × 100 = 54 / 100 × 100 = 54.0%
    #   the mean of team percentages would be (90 + 50) / 2 = 70% — wrong by 16 points
    assert s.loc["Front Door", ["numerator", "denominator"]].tolist() == [54, 100]
    assert s.loc["Front Door", "value"] == 54.0
    assert (90.0 + 50.0) / 2 == 70.0
    # CIN: (30 + 10) / (40 + 10) × 100 = 40 / 50 × 100 = 80.0% (mean of 75 and 100 = 87.5%)
    assert s.loc["CIN", ["numerator", "denominator"]].tolist() == [40, 50]
    assert s.loc["CIN", "value"] == 80.0
    assert s["n_units"].tolist() == [2, 2]
    assert s["n_missing"].tolist() == [0, 0]

    # Up again, service → LA: (54 + 40) / (100 + 50) × 100 = 94 / 150 × 100 = 62.666...%
    #   mean of the two service values would be (54 + 80) / 2 = 67%
    #   mean of the four team values would be (90 + 50 + 75 + 100) / 4 = 78.75%
    la = aggregate_ratio(services, by=["la"], proportion=True)
    assert la[["numerator", "denominator"]].to_numpy().tolist() == [[94, 150]]
    assert la["value"].iloc[0] == pytest.approx(9400 / 150)
    assert la["value"].iloc[0] == pytest.approx(62.6667, abs=1e-4)
    # Same answer straight from the teams: pooling is associative
    direct = aggregate_ratio(teams, by="la", proportion=True)
    assert direct["value"].iloc[0] == la["value"].iloc[0]
    assert direct["n_units"].tolist() == [4]


def test_integer_sums_stay_integers():
    out = aggregate_ratio(_teams(), by="service")
    assert out["numerator"].dtype == np.int64
    assert out["denominator"].dtype == np.int64


def test_rate_per_10k_and_average_days():
    # Rate per 10,000 children: 12 referrals / 8,000 children + 18 / 16,000
    #   pooled = 30 / 24,000 × 10,000 = 12.5 per 10,000
    rates = pd.DataFrame(
        {"area": ["North", "South"], "numerator": [12, 18], "denominator": [8000, 16000]}
    )
    out = aggregate_ratio(rates, by=[], scale=scale_for_unit("rate_per_10k"))
    assert out["value"].tolist() == [12.5]
    # Average days to adoption: numerator (total days) > denominator (children) is fine
    #   team X 3 children, 1,200 days; team Y 1 child, 600 days → 1,800 / 4 = 450 days
    #   (mean of team averages (400 + 600)/2 = 500 days)
    days = pd.DataFrame(
        {"team": ["X", "Y"], "days": [1200.0, 600.0], "children": [3, 1], "la": "L"}
    )
    out = aggregate_ratio(
        days, by="la", scale=scale_for_unit("days"), numerator="days", denominator="children"
    )
    assert out[["days", "children", "value"]].to_numpy().tolist() == [[1800.0, 4.0, 450.0]]


def test_missing_rows_excluded_from_both_sums_and_counted():
    values = pd.DataFrame(
        {
            "service": ["S", "S", "S", "T"],
            "numerator": [9, None, 5, None],
            "denominator": [10, 20, None, 7],
        }
    )
    out = aggregate_ratio(values, by="service").set_index("service")
    # S: only the first row is complete → 9 / 10 = 90%; the row with 20 children but no
    #    numerator is NOT added to the denominator (that would give 9 / 30 = 30%)
    assert out.loc["S", ["numerator", "denominator"]].tolist() == [9, 10]
    assert out.loc["S", "value"] == 90.0
    assert out.loc["S", ["n_units", "n_missing"]].tolist() == [1, 2]
    # T: nothing complete → sums 0, value NA, 0 units, 1 missing
    assert out.loc["T", ["numerator", "denominator"]].tolist() == [0, 0]
    assert math.isnan(out.loc["T", "value"])
    assert out.loc["T", ["n_units", "n_missing"]].tolist() == [0, 1]


def test_zero_denominator_gives_na():
    values = pd.DataFrame({"g": ["a", "a"], "numerator": [0, 0], "denominator": [0, 0]})
    out = aggregate_ratio(values, by="g", proportion=True)
    assert math.isnan(out["value"].iloc[0])
    assert out["n_units"].tolist() == [2]


def test_nullable_integer_columns():
    values = pd.DataFrame(
        {
            "g": ["a", "a", "a"],
            "numerator": pd.array([1, 2, pd.NA], dtype="Int64"),
            "denominator": pd.array([4, 4, 4], dtype="Int64"),
        }
    )
    out = aggregate_ratio(values, by="g", proportion=True)
    # (1 + 2) / (4 + 4) × 100 = 3 / 8 × 100 = 37.5
    assert out[["numerator", "denominator", "value"]].to_numpy().tolist() == [[3, 8, 37.5]]
    assert out[["n_units", "n_missing"]].to_numpy().tolist() == [[2, 1]]


def test_aggregate_errors():
    teams = _teams()
    with pytest.raises(QAError):
        aggregate_ratio(teams, by=["directorate"])  # unknown grouping column
    with pytest.raises(QAError):
        aggregate_ratio(teams.assign(numerator=[11, 45, 30, 10]), by="la", proportion=True)
    with pytest.raises(QAError):
        aggregate_ratio(teams.assign(denominator=[10, -90, 40, 10]), by="la")
    with pytest.raises(QAError):
        aggregate_ratio(teams.assign(numerator=[-1, 45, 30, 10]), by="la", proportion=True)
    with pytest.raises(QAError):
        aggregate_ratio(teams.assign(numerator="9"), by="la")  # text, not numbers
    with pytest.raises(QAError):
        aggregate_ratio(teams, by="la", numerator="num")  # no such column
    # numerator > denominator is allowed when the ratio is not a proportion
    out = aggregate_ratio(teams.assign(numerator=[11, 45, 30, 10]), by="la")
    assert out["value"].iloc[0] == pytest.approx(96 / 150 * 100)  # (11+45+30+10)/150


def test_ratio_value():
    assert ratio_value(45, 60) == 75.0  # 45 / 60 × 100
    assert ratio_value(3, 25_000, 10_000.0) == pytest.approx(1.2)  # 3 / 25,000 × 10,000
    assert ratio_value(1800, 4, 1.0) == 450.0
    assert ratio_value(1, 10) == 10.0  # exactly 10, not 10.000000000000002
    assert ratio_value(5, 0) is None
    assert ratio_value(None, 10) is None
    assert ratio_value(5, float("nan")) is None
    with pytest.raises(QAError):
        ratio_value(1, -2)
    with pytest.raises(QAError):
        ratio_value("x", 2)


def test_aggregate_large_input_sums_every_row():
    rng = np.random.default_rng(7)
    n = 200_000
    den = rng.integers(1, 50, n)
    values = pd.DataFrame(
        {
            "service": rng.choice(["S1", "S2", "S3", "S4"], n),
            "team": rng.choice([f"T{i}" for i in range(30)], n),
            "numerator": rng.integers(0, 50, n) % (den + 1),
            "denominator": den,
        }
    )
    out = aggregate_ratio(values, by=["service", "team"], proportion=True)
    assert out["n_units"].sum() == n
    assert out["denominator"].sum() == den.sum()
