"""The clinic page's small pure helpers (ui.clinic_*): their examples run as tests, and the
y-axis range keeps the target in view while starting near the data (issue 15: an 85-95% series
drawn from 0 was a thin band)."""

from __future__ import annotations

import doctest

import pytest

from ui import clinic_chart, clinic_measures, clinic_meeting, clinic_present


@pytest.mark.parametrize("module", [clinic_chart, clinic_measures, clinic_meeting, clinic_present])
def test_the_examples(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


def test_the_y_axis_starts_near_the_data_and_shows_the_target() -> None:
    low, high = clinic_chart.y_range([88.0, 91.0, 93.5, 95.0, 80.0], "%")  # 80: the target below the data
    assert (low, high) == (78.5, 96.5)  # the span 15, a tenth of it each side
    assert clinic_chart.y_range([97.0, 99.5, 100.0], "%")[1] == 100.0  # never above 100%
    assert clinic_chart.y_range([0.0, 3.0], "count")[0] == 0.0  # never below 0 for counts
    assert clinic_chart.y_range([None, float("nan")], "%") is None


def test_a_compact_table_row_holds_the_value_with_its_count() -> None:
    import pandas as pd

    measures = pd.DataFrame(
        {
            "name": ["A"], "unit": ["%"], "value": [75.46], "numerator": [163], "denominator": [216],
            "target": [85.0], "rag": ["Red"], "direction": ["worsening"], "variation_code": ["concern_low"],
            "assurance_code": ["hit_or_miss"],
        }
    )  # fmt: skip
    row = clinic_measures.compact_table(measures).iloc[0]
    assert row["Value (count)"] == "75.5% (163 of 216)" and row["In words"] == "concern (L); hit or miss"
    assert sum(clinic_measures.COLUMN_WIDTHS.values()) + 34 <= 758  # the main column at 1280 px, sidebar, large type
