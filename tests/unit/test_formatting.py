"""Units and values (qa_core.rules.formatting): the one scale per unit, in Python and in SQL, and one way
of writing a value, shared by pages, reports and the printable profile."""

import math

import pytest

from qa_core.errors import QAError
from qa_core.rules.formatting import SCALE_BY_UNIT, format_value, round_half_up, scale_for_unit, scale_sql
from qa_core.store import Store


@pytest.mark.parametrize(("value", "unit", "expected"), [
    (87.456, "%", "87.5%"), (100, "%", "100.0%"), (12.34, "days", "12.3"), (20.55, "number", "20.6"),
    (1234.5, "count", "1,235"), (56.7, "rate_per_10k", "57"), (None, "%", "–"), (math.nan, "days", "–"),
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



@pytest.mark.parametrize(("value", "digits", "expected"), [
    (76.25, 1, 76.3),   # County Durham's ICPCs in 2022: 549 / 720; DfE publishes 76.3
    (100 * 549 / 720, 1, 76.3),
    (0.05, 1, 0.1), (12.35, 1, 12.4), (12.45, 1, 12.5), (2.675, 2, 2.68), (0.125, 2, 0.13),
    (1234.5, 0, 1235.0), (-0.25, 1, -0.3), (20.04, 1, 20.0), (76.2, 1, 76.2),
])
def test_round_half_up_rounds_a_half_up(value, digits, expected):
    assert round_half_up(value, digits) == expected


def test_round_half_up_differs_from_pythons_rule_where_it_matters():
    assert round(76.25, 1) == 76.2 and round_half_up(76.25, 1) == 76.3
    assert format_value(76.25, "%") == "76.3%" and format_value(12.45, "days") == "12.5"


def test_round_half_up_of_columns_keeps_missing_values_missing():
    import numpy as np
    import pandas as pd

    series = pd.Series([76.25, None, 12.45, np.nan], index=[3, 5, 7, 9])
    out = round_half_up(series, 1)
    assert out.index.tolist() == [3, 5, 7, 9]
    assert out.iloc[0] == 76.3 and out.iloc[2] == 12.5 and out.isna().tolist() == [False, True, False, True]
    array = round_half_up(np.array([[0.125, np.nan]]), 2)
    assert array[0, 0] == 0.13 and np.isnan(array[0, 1])
    assert round_half_up(None) is None and math.isnan(round_half_up(math.nan))


def test_round_half_up_of_columns_rounds_each_number_as_written():
    """Columns are rounded with array arithmetic where the float shows which way a number rounds and
    one number at a time (``Decimal``) where it does not; each gives what the number alone gives."""
    import numpy as np
    import pandas as pd

    values = [0.05, 0.15, 0.25, 1.005, 2.675, -0.25, -0.04, 76.25, 20.04, 123456789.25, np.inf, 0.0]
    # As written and rounded by hand: 1.005 is held as 1.00499..., but written 1.005 it rounds up.
    expected = [0.1, 0.2, 0.3, 1.01, 2.68, -0.3, -0.0, 76.3, 20.0, 123456789.3, np.inf, 0.0]
    digits = [1, 1, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1]
    for value, places, want in zip(values, digits, expected, strict=True):
        column = round_half_up(pd.Series([value, value]), places)
        assert column.tolist() == [want, want] == [round_half_up(value, places)] * 2
    assert math.copysign(1, round_half_up(np.array([-0.04]), 1)[0]) == -1  # -0.0, as Decimal gives it
    rng = np.random.default_rng(14)
    numbers = np.concatenate([rng.uniform(-1000, 1000, 2000), np.round(rng.uniform(0, 100, 2000), 3),
                              (rng.integers(-9999, 9999, 2000) + 0.5) / 100])  # halves at the third place
    for places in (0, 1, 2):
        assert round_half_up(numbers, places).tolist() == [round_half_up(float(v), places) for v in numbers]


def test_round_half_up_of_columns_gives_each_value_what_the_number_rule_gives():
    """Columns are rounded with whole arrays, each value as the one-number rule (the decimal as written,
    half up) rounds it: the halves below are near a half in binary (2.675 is held as 2.67499...), so
    they take the exact path; the others are decided by the float."""
    import numpy as np
    import pandas as pd

    values = [76.25, 2.675, 0.125, 1.005, -0.25, -2.5, 1234.5, 12.3449, 12.3451, 0.0, -0.04, 1e13 + 0.5, np.inf]
    rounded = {1: [76.3, 2.7, 0.1, 1.0, -0.3, -2.5, 1234.5, 12.3, 12.3, 0.0, -0.0, 1e13 + 0.5, np.inf],
               2: [76.25, 2.68, 0.13, 1.01, -0.25, -2.5, 1234.5, 12.34, 12.35, 0.0, -0.04, 1e13 + 0.5, np.inf],
               0: [76.0, 3.0, 0.0, 1.0, -0.0, -3.0, 1235.0, 12.0, 12.0, 0.0, -0.0, 1e13 + 1, np.inf]}
    for digits, expected in rounded.items():
        column = round_half_up(pd.Series(values, name="v"), digits)
        assert column.tolist() == expected and column.name == "v" and column.dtype == "float64"
        assert np.signbit(column.to_numpy()).tolist() == np.signbit(expected).tolist()  # -0.0 as the rule gives it
        assert [round_half_up(v, digits) for v in values] == expected
        assert round_half_up(np.array(values), digits).tolist() == expected
