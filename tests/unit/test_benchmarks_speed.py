"""The Benchmarks page's faster pieces (issue 14): what every LA's report shares is aligned once and
never changed by a report, an LA's rows are taken at once in the order asked, and the page's
summary is ordered by topic (the source where a measure has none) and name."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.store import Store
from qa_core.views.benchmarks import benchmark_report, published
from ui.benchmark_data import neighbour_table, summary_table


def test_a_second_report_from_the_same_figures_is_the_same_and_leaves_the_first_alone(store: Store) -> None:
    data = published(store)
    first = benchmark_report(store, "356", data=data)
    kept = first.copy(deep=True)
    second = benchmark_report(store, "356", data=data)  # England, the region, cut points: aligned once
    other = benchmark_report(store, "942", data=data)  # another region's LA
    pd.testing.assert_frame_equal(second, kept, check_exact=True)
    pd.testing.assert_frame_equal(first, kept, check_exact=True)
    other.loc[0, "england_value"] = -1.0  # a caller changing its report changes nobody else's
    pd.testing.assert_frame_equal(benchmark_report(store, "356", data=data), kept, check_exact=True)
    for year in (2019, 2024):
        pd.testing.assert_frame_equal(
            first[first["year"] == year].reset_index(drop=True),
            benchmark_report(store, "356", year=year, data=data),
            check_exact=True,
        )


def test_rows_of_several_las_come_in_the_order_asked(store: Store) -> None:
    data = published(store)
    codes = ["942", "356", "nobody", "334", "356"]
    got = data.rows_of(codes)
    want = pd.concat([data.effective[data.effective["code"] == c] for c in ("942", "356", "334")])
    pd.testing.assert_frame_equal(got, want)
    assert data.rows_of(["nobody"]).empty and list(data.rows_of(["356"])["code"].unique()) == ["356"]


def _report() -> pd.DataFrame:
    """Three measures of a report as ``benchmark_report`` gives them (the columns the summary reads)."""
    text = [
        "la_symbol",
        "la_joint_return",
        "region_symbol",
        "england_symbol",
        "missing_neighbours",
        "note",
        "predecessor_note",
        "sn_joint_return_note",
    ]
    return pd.DataFrame(
        {
            "measure": ["B", "A", "C"],
            "measure_name": ["Beta", "Alpha", "Gamma"],
            "unit": ["%", "%", "count"],
            "polarity": ["High", "Low", "-"],
            "la_value": [20.0, np.nan, 7.0],
            "la_numerator": [2.0, np.nan, np.nan],
            "la_denominator": [10.0, np.nan, np.nan],
            "sn_median": [18.5, 30.0, np.nan],
            "sn_count": [10, 9, 0],
            "region_value": [19.0, 31.0, 6.0],
            "region_numerator": np.nan,
            "region_denominator": np.nan,
            "england_value": [21.0, 29.0, 5.0],
            "england_numerator": np.nan,
            "england_denominator": np.nan,
            "rank": pd.array([3, None, None], dtype="Int64"),
            "of": pd.array([150, 140, None], dtype="Int64"),
            "quartile": pd.array([1, None, None], dtype="Int64"),
            **{c: pd.Series([None, None, None], dtype=object) for c in text},
        }
    ).assign(
        la_symbol=pd.Series([None, "c", None], dtype=object),
        la_joint_return=pd.Series([None, None, "940 / 941"], dtype=object),
    )


def test_the_summary_by_topic_then_name_with_symbols_kept() -> None:
    meta = pd.DataFrame(
        {"measure": ["A", "B", "C"], "topic": ["Referrals", None, "Referrals"], "source": ["LAIT", "Census", "LAIT"]}
    )
    table = summary_table(_report(), meta)
    # B has no topic: its source, "Census", sorts before "Referrals"; then Alpha before Gamma.
    assert table["Measure"].tolist() == ["Beta", "Alpha", "Gamma"]
    assert table["Topic"].tolist() == ["Census", "Referrals", "Referrals"]
    assert table["Value"].tolist()[1] == "c"  # DfE's symbol, never 0
    assert table["Value"].tolist()[0] == "20.0% (2 of 10)"
    assert table["Rank"].tolist()[0] == "3 of 150"
    assert table["Note"].tolist() == ["", "", "Joint return 940 / 941."]
    assert table["Code"].tolist() == ["B", "A", "C"] and list(table.index) == [0, 1, 2]


def test_the_neighbours_table_by_hand() -> None:
    nb = pd.DataFrame(
        {
            "rank": [1, 2],
            "neighbour_code": ["358", "334"],
            "name": ["Trafford", "Solihull"],
            "closeness": [0.9, 0.8],
            "value": [20.4, None],
            "symbol": [None, "c"],
            "joint_return": [None, None],
            "missing": [False, True],
            "numerator": [None, None],
            "denominator": [None, None],
        }
    )
    table = neighbour_table(nb, "%")
    assert table["Value"].tolist() == ["20.4%", "c"]
    assert table["Joint return"].tolist() == ["", ""] and table["Code"].tolist() == ["358", "334"]


def test_the_trends_figure_is_the_years_else_the_latest_with_one() -> None:
    from ui.benchmark_data import latest_with_figure, quartile_counts

    series = pd.DataFrame({"year": [2021, 2022, 2023, 2024], "la_value": [1.0, np.nan, 3.0, np.nan]})
    assert latest_with_figure(series, 2021)["la_value"] == 1.0  # the year asked for
    assert latest_with_figure(series, 2024)["year"] == 2023  # none that year: the latest with one
    assert latest_with_figure(series.assign(la_value=np.nan), 2021) is None
    assert quartile_counts(pd.DataFrame({"quartile": pd.array([None, None], dtype="Int64")})) == (0, {})


def test_the_bars_best_at_the_top_ties_in_the_neighbours_order() -> None:
    from ui.figures.benchmarks import neighbour_bars

    have = pd.DataFrame({"name": ["Ay", "Bee <b>", "Cee"], "value": [20.0, 18.0, 20.0]})
    bars, you = neighbour_bars(have, "Stockport", 19.0, "High")  # ascending: the best (largest) is drawn last
    assert bars["label"].tolist() == ["Bee &lt;b&gt;", "Stockport (selected)", "Ay", "Cee"]
    assert bars["is_la"].tolist() == [False, True, False, False] and list(bars.index) == [1, 0, 0, 2]
    assert you == "Stockport (selected)"
    low, _ = neighbour_bars(have, "Stockport", None, "Low")
    assert low["label"].tolist() == ["Ay", "Cee", "Bee &lt;b&gt;"]  # descending; Ay before Cee, as given


def test_the_neighbour_grid_by_hand() -> None:
    """Four neighbours (closest first) over three rows of the report (key numbers 7, 3, 5):
    B and C share a joint return (one figure, counted once, the closer neighbour's cell kept),
    D files nothing for key 7, and nobody has a figure for key 5."""
    from qa_core.views.benchmarks import _missing_neighbours, _NeighbourGrid

    sn = pd.DataFrame(
        {
            "_k": [7, 3, 7, 3, 7, 3, 3, 9],
            "code": ["A", "A", "B", "B", "C", "C", "D", "D"],
            "value": [10.0, 1.0, 40.0, 2.0, 40.0, 3.0, 4.0, 99.0],
            "joint": [None, None, "B / C", None, "B / C", None, None, None],
        }
    )
    at = np.array([7, 3, 5])
    grid = _NeighbourGrid(sn, ["A", "B", "C", "D"], at)
    # Key 7: A 10, the joint return 40 once -> median of (10, 40) = 25, two figures.
    # Key 3: 1, 2, 3, 4 (no joint return that year) -> 2.5, four figures. Key 5: none. Key 9 is not asked for.
    assert grid.count.tolist() == [2, 4, 0]
    assert grid.median[:2].tolist() == [25.0, 2.5] and np.isnan(grid.median[2])
    neighbours = pd.DataFrame({"neighbour_code": ["A", "B", "C", "D"], "name": ["Ay", "Bee", "Cee", "Dee"]})
    assert _missing_neighbours(neighbours, sn, at, grid) == [
        "Dee (D)",  # B and C both have the joint figure: neither is missing
        None,
        "Ay (A); Bee (B); Cee (C); Dee (D)",
    ]


def test_an_la_found_by_its_code_is_the_row_a_search_finds(store: Store) -> None:
    """``Published.resolved`` looks an old code up in a table made once; it must give the row
    ``_resolve`` gives (the first with that code), and names and new codes still go to ``_resolve``."""
    from qa_core.views.benchmarks import _resolve

    data = published(store)
    codes = sorted({c for c in data.las["old_la_code"].dropna() if c.isdigit()})
    assert len(codes) > 100
    for code in codes:
        got, want = data.resolved(code), _resolve(data.las, code)
        assert got.keys() == want.keys()
        assert all(a == b or (pd.isna(a) and pd.isna(b)) for a, b in zip(got.values(), want.values(), strict=True))
    assert data.resolved(" 0356")["name"] == _resolve(data.las, "356")["name"] == "Stockport"
    assert data.resolved("Stockport")["old_la_code"] == "356"
    first = data.keys.iloc[3]
    assert data.key_number(first["measure"], int(first["year"])) == 3
    assert data.key_number(first["measure"], 1066) is None and data.key_number("no such measure", 2024) is None
