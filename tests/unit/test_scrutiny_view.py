"""The Scrutiny page's words and chart for one view (``ui.scrutiny_view``, ``ui.figures.scrutiny``),
worked by hand; and the card's published rows, which are picked from rows put under disclosure
control once (``scrutiny.CardData.picks``), equal to applying the rule to the quarter's own rows."""

from __future__ import annotations

import doctest
import math

import pandas as pd
import plotly.graph_objects as go

from qa_core.store import Store
from qa_core.views import scrutiny
from ui import scrutiny_view
from ui.figures.scrutiny import trend_figure
from ui.safe import md_frame
from ui.scrutiny_view import Series, escaped, numeric, text_alternative, trend_title

NAN = math.nan
QUARTERS = ["2025/26 Q4", "2026/27 Q1", "2026/27 Q2"]


def _row(**changes: object) -> dict:
    row = dict(
        code="X",
        name="Things *done*",
        quarter="2026/27 Q2",
        value=20.6,
        unit="%",
        numerator=193.0,
        denominator=937.0,
        last_year_value=NAN,
        polarity="down",
        suppressed=False,
        target=10.0,
        sn_median=NAN,
        england=NAN,
        comparator_year=None,
    )
    return {**row, **changes}


def test_numeric_reads_symbols_and_missing_values_as_gaps() -> None:
    assert numeric(12.5) == 12.5 and numeric(3) == 3.0
    assert all(math.isnan(numeric(v)) for v in ("c", ":", "u", None, NAN))


def test_the_title_judges_the_quarter_against_a_year_before_or_the_first_quarter_with_a_figure() -> None:
    series = Series(QUARTERS, ["c", 22.6, 20.6], [False, False, False])
    # No figure a year before: against the first quarter shown with a figure (2025/26 Q4 is hidden: c).
    assert trend_title(_row(), series) == "20.6% in 2026/27 Q2 (193 of 937): better than in 2026/27 Q1 (22.6%)"
    # Lower is better: 20.6% against 19.0% a year before is worse.
    assert trend_title(_row(last_year_value=19.0), series) == (
        "20.6% in 2026/27 Q2 (193 of 937): worse than a year earlier (19.0%)"
    )
    assert trend_title(_row(suppressed=True), series) == (
        "2026/27 Q2: based on fewer than 10, so the figure is withheld"
    )
    assert trend_title(_row(value="c"), series) == "2026/27 Q2: not shown (c), to protect privacy"
    assert trend_title(_row(value=NAN), series) == "No figures for 2026/27 Q2"
    assert trend_title(_row(), Series(QUARTERS[-1:], [20.6], [False])) == "20.6% in 2026/27 Q2 (193 of 937)"


def test_the_text_alternative_names_the_lowest_and_highest_and_the_gaps() -> None:
    hidden = Series(QUARTERS, ["c", 22.6, 20.6], [False, False, False])
    assert text_alternative(_row(), hidden) == (
        r"Chart: things \*done\*, each quarter from 2025/26 Q4 to 2026/27 Q2 (3 quarters). "
        "Lowest 20.6% in 2026/27 Q2 (July to September 2026); highest 22.6% in 2026/27 Q1 (April to June 2026). "
        "Not shown, to protect privacy (gaps in the line): 2025/26 Q4 (January to March 2026). "
        "Reference lines: Target: 10.0%. Lower is better."
    )
    # Equal values: the first of them is both the lowest and the highest; a withheld quarter is named.
    withheld = Series(QUARTERS, [NAN, 20.6, 20.6], [True, False, False])
    assert text_alternative(_row(polarity="up"), withheld) == (
        r"Chart: things \*done\*, each quarter from 2025/26 Q4 to 2026/27 Q2 (3 quarters). "
        "Lowest 20.6% in 2026/27 Q1 (April to June 2026); highest 20.6% in 2026/27 Q1 (April to June 2026). "
        "Withheld (fewer than 10): 2025/26 Q4 (January to March 2026). "
        "Reference lines: Target: 10.0%. Higher is better."
    )


def test_the_trend_chart_is_a_valid_spec_with_each_point_at_its_quarters_middle_month() -> None:
    spec = trend_figure(QUARTERS, [NAN, 22.6, 20.64], _row(), "A title <b>", "% of things", "Council", large=False)
    go.Figure(spec)  # validated: every property is one Plotly knows
    line, target = spec["data"]
    assert line["x"] == ["2026-02-15", "2026-05-15", "2026-08-15"]
    assert line["y"] == [None, 22.6, 20.64]  # a gap where there is no figure
    assert line["customdata"] == QUARTERS and spec["layout"]["xaxis"]["ticktext"] == QUARTERS
    assert target["name"] == "Target: 10.0%" and target["x"] == ["2026-01-01", "2026-10-01"]
    assert target["y"] == [10.0, 10.0]
    assert spec["layout"]["title"]["text"] == "A title &lt;b&gt;"  # stored words never make markup


def test_the_summary_is_escaped_as_md_frame_escapes_it() -> None:
    table = pd.DataFrame({"Measure": ["Plans [new]", "x_y"], "RAG": ["Red", "Not rated"], "Since *x*": ["–", "Up"]})
    pd.testing.assert_frame_equal(escaped(table), md_frame(table))


def test_the_published_card_is_the_disclosure_rule_applied_to_the_quarters_own_rows(store: Store) -> None:
    data = scrutiny.card_data(store)
    for quarter in data.quarters[-4:] + data.quarters[:2]:
        full, full_trend = scrutiny.card_from(data, quarter)
        report, trend = scrutiny.card_from(data, quarter, public=True)
        pd.testing.assert_frame_equal(trend, scrutiny.public_figures(full_trend))
        ruled = scrutiny.public_figures(full, ("", "previous_", "last_year_"))
        for col in [f"{p}{c}" for p in ("", "previous_", "last_year_") for c in ("value", "numerator", "denominator")]:
            pd.testing.assert_series_equal(report[col], ruled[col])
        # the full card again after the published one: nothing picked once is changed for the next
        pd.testing.assert_frame_equal(scrutiny.card_from(data, quarter)[0], full)


def test_the_examples() -> None:
    result = doctest.testmod(scrutiny_view)
    assert result.attempted > 0 and result.failed == 0
