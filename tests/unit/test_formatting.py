"""Units and values (qa_core.rules.formatting): the one scale per unit, in Python and in SQL, and one way
of writing a value, shared by pages, reports and the printable profile."""

import math

import pytest

from qa_core.errors import QAError
from qa_core.rules.formatting import SCALE_BY_UNIT, format_value, scale_for_unit, scale_sql
from qa_core.store import Store


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (87.456, "%", "87.5%"), (100, "%", "100.0%"), (12.34, "days", "12.3"), (20.55, "number", "20.6"),
    (1234.5, "count", "1,234"), (56.7, "rate_per_10k", "57"), (None, "%", "–"), (math.nan, "days", "–"),
])
def test_format_value(value, unit, expected):
    assert format_value(value, unit) == expected


def test_scale_for_unit():
    assert SCALE_BY_UNIT == {
        "%": 100.0,
        "rate_per_10k": 10000.0,
        "days": 1.0,
        "count": 1.0,
        "number": 1.0,
    }
    assert scale_for_unit("%") == 100.0
    assert scale_for_unit("rate_per_10k") == 10_000.0
    assert scale_for_unit("days") == 1.0
    assert scale_for_unit("count") == 1.0
    with pytest.raises(QAError):
        scale_for_unit("per_cent")
    with pytest.raises(QAError):
        scale_for_unit(None)


def test_the_sql_scale_is_the_python_scale():
    assert scale_sql("i.unit") == "CASE i.unit WHEN '%' THEN 100 WHEN 'rate_per_10k' THEN 10000 ELSE 1 END"
    # DuckDB gives every unit the same scale as SCALE_BY_UNIT (an unknown unit: 1).
    units = [*SCALE_BY_UNIT, "other"]
    with Store(":memory:") as store:
        got = store.query(f"SELECT u, {scale_sql('u')} AS scale FROM unnest($units) AS t(u)", {"units": units})
    assert dict(zip(got["u"], got["scale"], strict=True)) == {**SCALE_BY_UNIT, "other": 1.0}

