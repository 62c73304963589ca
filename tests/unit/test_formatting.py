"""One way of writing a value, shared by pages, reports and the printable profile."""

import math

import pytest

from qa_core.rules.formatting import format_value


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (87.456, "%", "87.5%"), (100, "%", "100.0%"), (12.34, "days", "12.3"), (20.55, "number", "20.6"),
    (1234.5, "count", "1,234"), (56.7, "rate_per_10k", "57"), (None, "%", "–"), (math.nan, "days", "–"),
])
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected
