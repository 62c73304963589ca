"""Benchmarks of any LA, hand-checked against the raw files in data/public."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from qa_core.__main__ import main
from qa_core.errors import QAError
from qa_core.store import Store
from qa_core.views.benchmarks import (
    REPORT_COLUMNS,
    _missing_neighbours,
    all_ilacs,
    benchmark_la,
    benchmark_report,
    ilacs_judgements,
    latest_published,
    list_las,
    measures,
    neighbour_values,
    published,
    quartile_bands,
    resolve_la,
)


def _one(store: Store, la: str, measure: str, year: int) -> dict:
    frame = benchmark_report(store, la, measure, year)
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_stockport_rereferrals_2024_by_hand(store: Store) -> None:
    # lait_csc_indicators_long: ReReferral 2024, Stockport (356) = 20.9.
    # sn_model_2025_wide row 356: neighbours 334 Solihull 25.7, 358 Trafford 20.4, 896 Cheshire W&C 21.3,
    # 916 Gloucestershire 21.5, 919 Hertfordshire 16.9, 938 West Sussex 17.0, 937 Warwickshire 18.4,
    # 802 North Somerset 20.0, 803 South Gloucestershire 17.7, 873 Cambridgeshire 30.2.
    # Sorted: 16.9 17.0 17.7 18.4 20.0 | 20.4 21.3 21.5 25.7 30.2 → median (20.0 + 20.4) / 2 = 20.2.
    # North West (981) 21.2, England (970) 22.4. 149 LAs have a 2024 value; 76 are lower (better:
    # polarity Low) → rank 77 of 149. DfE's band: the 149 values' 50th and 75th percentiles are 20.6
    # and 23.6, and 20.6 < 20.9 <= 23.6 → band C, quartile 3.
    row = _one(store, "356", "ReReferral", 2024)
    assert list(benchmark_report(store, "356", "ReReferral", 2024).columns[:10]) == REPORT_COLUMNS
    assert row["la_value"] == 20.9
    assert row["sn_median"] == pytest.approx(20.2)
    assert row["sn_count"] == 10
    assert (row["region_value"], row["england_value"]) == (21.2, 22.4)
    assert (row["rank"], row["of"], row["quartile"], row["quartile_band"]) == (77, 149, 3, "C")
    assert row["polarity"] == "Low" and row["missing_neighbours"] is None
    # The same figures from the DfE C1 table (with the counts behind the percentage).
    c1 = _one(store, "E08000007", "c1.rereferral_percent", 2024)
    assert (c1["la_value"], c1["rank"], c1["of"], c1["quartile"]) == (20.9, 77, 149, 3)
    assert c1["sn_median"] == pytest.approx(20.2)
    nums = store.query("SELECT numerator, denominator FROM published_value WHERE measure = 'c1.rereferral_percent' "
                       "AND year = 2024 AND area_code = '356'")
    assert round(100 * nums["numerator"][0] / nums["denominator"][0], 1) == 20.9


def test_a_suppressed_neighbour_is_left_out_of_the_median(store: Store) -> None:
    # c1 2024, Cumberland (942) 253 / 2375 = 10.7%. Neighbours: 943 7.4, 925 22.9, 884 Herefordshire 'u',
    # 888 16.6, 813 14.5, 384 16.7, 860 14.1, 929 20.1, 371 30.3, 370 22.4.
    # Nine with a value: 7.4 14.1 14.5 16.6 [16.7] 20.1 22.4 22.9 30.3 → median 16.7, sn_count 9.
    # One LA lower (943, 7.4) → rank 2 of 149, well below the 25th percentile → band A, quartile 1.
    row = _one(store, "Cumberland", "c1.rereferral_percent", 2024)
    assert (row["la_value"], row["sn_median"], row["sn_count"]) == (10.7, 16.7, 9)
    assert (row["rank"], row["of"], row["quartile"]) == (2, 149, 1)
    assert row["missing_neighbours"] == "Herefordshire, County of (884)"
    nb = neighbour_values(store, "942", "c1.rereferral_percent", 2024).set_index("neighbour_code")
    assert nb.loc["884", "symbol"] == "u" and nb.loc["884", "missing"] and nb["value"].isna().sum() == 1


def test_a_suppressed_la_value_keeps_its_symbol_and_has_no_rank(store: Store) -> None:
    # d3 2023, Westminster (213): CPP_subsequent 'c', CPP_subsequent_percent 'c'.
    row = _one(store, "Westminster", "d3.cpp_subsequent_percent", 2023)
    assert row["la_symbol"] == "c"
    assert pd.isna(row["la_value"]) and pd.isna(row["rank"]) and pd.isna(row["quartile"])  # never 0
    held = store.query("SELECT value, symbol FROM published_value WHERE measure = 'd3.cpp_subsequent_percent' "
                       "AND year = 2023 AND area_code = '213'")
    assert held["value"].isna().all() and held["symbol"].tolist() == ["c"]


def test_polarity_dash_gives_no_rank_or_quartile(store: Store) -> None:
    row = _one(store, "356", "c1.referral_count", 2024)
    assert row["polarity"] == "-"
    assert row["la_value"] > 0 and row["sn_count"] == 10
    assert pd.isna(row["rank"]) and pd.isna(row["quartile"])
    assert row["of"] == 151  # still counted: the LAs with a 2024 referral count


def test_joint_return_gives_each_la_the_joint_figure(store: Store) -> None:
    # csww 2024: one row '314 / 318' Kingston upon Thames / Richmond upon Thames, turnover 12.5.
    row = _one(store, "Richmond upon Thames", "csww.turnover_rate_fte", 2024)
    assert (row["la_value"], row["la_joint_return"]) == (12.5, "314 / 318")
    kingston = _one(store, "314", "csww.turnover_rate_fte", 2024)
    assert kingston["rank"] == row["rank"] and kingston["of"] == row["of"]  # the joint return counts once


def test_reorganised_la_has_no_figures_before_it_existed(store: Store) -> None:
    # Cumberland (942) replaced Cumbria (909) from 2024: LAIT ReReferral 942 = 10.7 in 2024, none before;
    # Cumbria 22.0 in 2023. Its neighbour Westmorland and Furness (943) is missing before 2024 too.
    rows = benchmark_report(store, "942", "ReReferral").set_index("year")
    assert rows.loc[2024, "la_value"] == 10.7
    assert pd.isna(rows.loc[2023, "la_value"])
    assert "909" in rows.loc[2023, "note"] and "Westmorland and Furness (943)" in rows.loc[2023, "missing_neighbours"]
    cumbria = resolve_la(store, "909")
    assert cumbria["status"] == "abolished" and cumbria["successors"] == "942;943"
    assert _one(store, "Cumbria", "ReReferral", 2023)["la_value"] == 22.0
    # Northamptonshire and Dorset: abolished rows of their own; Dorset by name means the current one.
    assert resolve_la(store, "Dorset")["old_la_code"] == "838"
    assert resolve_la(store, "928")["successors"] == "940;941"
    assert not ilacs_judgements(store, "Cumbria").empty


def test_la_lookup_by_code_new_code_and_name(store: Store) -> None:
    assert resolve_la(store, "E08000007")["name"] == "Stockport"
    assert resolve_la(store, "STOCKPORT")["old_la_code"] == "356"
    with pytest.raises(QAError, match="Stockport \\(356\\)"):
        resolve_la(store, "Stokport")
    assert len(list_las(store)) == 153
    assert benchmark_la(store)["name"] == "Stockport"
    with pytest.raises(QAError, match="no published measure"):
        benchmark_report(store, "356", "ReReferal")


def test_quartile_is_dfes_band_by_value_not_by_rank(store: Store) -> None:
    # LAIT ReReferral 2019: 151 LAs with a figure. Sorted, the 38th and 39th are 16.7 and 17.0, so the
    # 25th percentile (R's type 7: index 1 + 150 × 0.25 = 38.5) is (16.7 + 17.0) / 2 = 16.85.
    # Westminster (213) 16.7 ranks 38 of 151: ceil(4 × 38 / 151) = 2 by rank, but 16.7 <= 16.85, so DfE's
    # LAIT puts it in band A, and that is what a council quotes.
    cuts = quartile_bands(store, "ReReferral", 2019).iloc[0]
    assert (cuts["q25"], cuts["q50"], cuts["q75"]) == pytest.approx((16.85, 21.0, 24.6))
    for code in ("ReReferral", "c1.rereferral_percent"):
        row = _one(store, "Westminster", code, 2019)
        assert (row["la_value"], row["rank"], row["of"]) == (16.7, 38, 151)
        assert (row["quartile"], row["quartile_band"]) == (1, "A")


def test_icpc_within_15_days_is_rounded_half_up_as_dfe_publishes(store: Store) -> None:
    # C4 2022, County Durham (840): (Duration_0-10_days + Duration_11-15_days) / ICPC = 549 / 720 =
    # 76.25% exactly; DfE publishes 76.3 (LAIT CP_conf_15days 2022, 840). Half to even gave 76.2.
    row = _one(store, "County Durham", "c4.icpc_within_15_days_percent", 2022)
    assert (row["la_numerator"], row["la_denominator"]) == (549, 720)
    assert row["la_value"] == 76.3
    assert _one(store, "840", "CP_conf_15days", 2022)["la_value"] == 76.3


def test_a_joint_return_is_one_figure_in_the_neighbours_median(store: Store) -> None:
    # CSWW 2021 vacancy rate, Swindon (866). Its neighbours: Medway 21.5, North Northamptonshire and West
    # Northamptonshire 39.6 (one joint return, '940 / 941'), Thurrock 18.4, Bexley 9.2, Bedford 12.4,
    # Suffolk 5.4, Havering 29.1, Nottinghamshire 3.5, Kent 10.0. Counted once: 3.5 5.4 9.2 10.0 [12.4]
    # 18.4 21.5 29.1 39.6 → 12.4 of 9 figures (counted twice it would be (12.4 + 18.4) / 2 = 15.4).
    # LAIT repeats the joint figure under 940 and 941 (Work_Force_Vac_Rate): the same return, once.
    for code in ("csww.vacancy_rate_fte", "Work_Force_Vac_Rate"):
        row = _one(store, "Swindon", code, 2021)
        assert (row["la_value"], row["sn_median"], row["sn_count"]) == (37.2, 12.4, 9), code
        assert row["sn_joint_return_note"] == ("9 neighbours' figures; North Northamptonshire and West "
                                               "Northamptonshire report jointly (940 / 941), counted once")
        assert row["missing_neighbours"] is None
    nb = neighbour_values(store, "Swindon", "Work_Force_Vac_Rate", 2021).set_index("neighbour_code")
    assert nb.loc["940", "joint_return"] == nb.loc["941", "joint_return"] == "940 / 941"
    # Two LAs' own figures that happen to be equal are not a joint return: re-referrals are not from the
    # workforce census, and no note is written.
    assert _one(store, "Swindon", "ReReferral", 2021)["sn_joint_return_note"] is None


def test_a_figure_filed_under_a_predecessor_gets_a_note(store: Store) -> None:
    # LAIT CareLeaverEET 2020: Dorset (838) blank; DfE files 48 under 835 "Dorset (Pre LG)", the county
    # council Dorset replaced in 2019. Not moved onto Dorset, but not a silent blank either.
    row = _one(store, "Dorset", "CareLeaverEET", 2020)
    assert pd.isna(row["la_value"]) and pd.isna(row["quartile"])
    assert row["predecessor_note"] == ('DfE files Dorset\'s 2020 figure under its predecessor "Dorset (Pre LG)" '
                                       "(835, Dorset (county, to 2019)): 48. It is not moved onto Dorset here.")
    assert _one(store, "Dorset", "CareLeaverEET", 2021)["predecessor_note"] is None


def test_cli_report_benchmark_json(demo_db: Path, capsys) -> None:
    assert main(["report", "benchmark", "--la", "356", "--measure", "ReReferral", "--year", "2024",
                 "--format", "json", "--db", str(demo_db)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1
    assert {k: rows[0][k] for k in REPORT_COLUMNS} == {
        "measure": "ReReferral", "year": 2024, "la_value": 20.9, "sn_median": 20.2, "sn_count": 10,
        "region_value": 21.2, "england_value": 22.4, "rank": 77, "of": 149, "quartile": 3}
    assert (rows[0]["quartile_band"], rows[0]["sn_joint_return_note"], rows[0]["predecessor_note"]) == ("C", None, None)
    assert main(["report", "benchmark", "--db", str(demo_db)]) == 1
    assert "--la" in capsys.readouterr().err


def test_counts_behind_a_percentage_come_with_it(store: Store) -> None:
    """Cumberland (942), re-referrals 2024, raw C1 row: 253 of 2,375 referrals, 10.7%.
    LAIT measures carry no counts."""
    row = _one(store, "942", "c1.rereferral_percent", 2024)
    assert (row["la_value"], row["la_numerator"], row["la_denominator"]) == (10.7, 253, 2375)
    assert row["england_numerator"] > 0 and row["england_denominator"] > row["england_numerator"]
    lait = _one(store, "942", "ReReferral", 2024)
    assert pd.isna(lait["la_numerator"]) and pd.isna(lait["la_denominator"])
    nb = neighbour_values(store, "942", "c1.rereferral_percent", 2024)
    have = nb[~nb["missing"]]
    assert (have["numerator"] <= have["denominator"]).all() and have["denominator"].notna().all()


def test_latest_published_takes_each_measures_newest_year_in_the_order_asked(store: Store) -> None:
    rows = latest_published(store, "356", ["ReReferral", "not-a-measure", "d5.cpp_2_years_or_more_percent"])
    assert rows["measure"].tolist() == ["ReReferral", "d5.cpp_2_years_or_more_percent"]
    for row in rows.itertuples():
        years = benchmark_report(store, "356", row.measure)
        with_figure = years[years["la_value"].notna() | years["la_symbol"].notna()]
        assert row.year == with_figure["year"].max()


def test_a_report_from_the_published_snapshot_is_the_report_read_for_it(store: Store) -> None:
    """Issue 14: the app reads every LA's figures and ranks once (``published``) and works any LA's
    report out of them; that gives exactly what reading the store for the one report gives."""
    data = published(store)
    for la in ("356", "314", "942", "Dorset"):
        pd.testing.assert_frame_equal(benchmark_report(store, la, year=2024, data=data),
                                      benchmark_report(store, la, year=2024), obj=la)
        pd.testing.assert_frame_equal(benchmark_report(store, la, "ReReferral", data=data),
                                      benchmark_report(store, la, "ReReferral"), obj=la)
        pd.testing.assert_frame_equal(neighbour_values(store, la, "ReReferral", 2023, data=data),
                                      neighbour_values(store, la, "ReReferral", 2023), obj=la)


def test_a_year_without_a_joint_return_says_nothing_of_one(store: Store) -> None:
    """Kingston upon Thames (314) shares some workforce returns with Richmond (314 / 318), not every
    one: a year without one has no joint return (None, not NaN), and the Benchmarks page's note for
    it is empty rather than "Joint return nan."."""
    from ui.benchmark_data import summary_table

    report = benchmark_report(store, "314")
    joint = report["la_joint_return"]
    assert (joint == "314 / 318").any() and joint.isna().any()
    assert all(j is None or j == "314 / 318" for j in joint)
    for year in sorted(report["year"].unique()):
        notes = summary_table(report[report["year"] == year], measures(store))["Note"]
        assert not notes.str.contains("nan").any(), year


def test_one_las_whole_report_holds_its_year_and_its_trend(store: Store) -> None:
    """The Benchmarks page works out one report per LA (every measure and year) and shows a year of
    it and a measure of it: those rows are the year's report and the measure's trend."""
    for la in ("356", "314"):
        whole = benchmark_report(store, la)
        for year in (2019, 2024):
            pd.testing.assert_frame_equal(whole[whole["year"] == year].reset_index(drop=True),
                                          benchmark_report(store, la, year=year), obj=f"{la} {year}")
        pd.testing.assert_frame_equal(whole[whole["measure"] == "ReReferral"].reset_index(drop=True),
                                      benchmark_report(store, la, "ReReferral"), obj=f"{la} trend")


def test_a_change_of_la_reads_nothing_from_the_store(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14: with the published figures and the ILACS judgements read once, any LA's report, its
    neighbours' figures and its inspections are picked from them, the same as reading the store for
    each (Dorset, 838, took over from its county: its predecessor's figures were read per report)."""
    data, judgements = published(store), all_ilacs(store)
    las = ("942", "356", "314", "Dorset", "909")
    read = {la: (benchmark_report(store, la), neighbour_values(store, la, "ReReferral", 2023),
                 ilacs_judgements(store, la)) for la in las}

    def no_query(*args: object, **kwargs: object) -> None:
        raise AssertionError("a change of LA queried the store")

    monkeypatch.setattr(store, "query", no_query)
    for la in las:
        picked = (benchmark_report(store, la, data=data), neighbour_values(store, la, "ReReferral", 2023, data=data),
                  ilacs_judgements(store, la, data=data, judgements=judgements))
        for got, want in zip(picked, read[la], strict=True):
            # (a column blank for every one of the LA's inspections is text either way, whatever its dtype)
            pd.testing.assert_frame_equal(got, want, check_exact=True, check_dtype=got is not picked[2], obj=la)
    assert read["Dorset"][0]["predecessor_note"].notna().any() and not read["909"][2].empty


def test_the_neighbours_with_no_figure_are_named_in_closeness_order() -> None:
    """``_missing_neighbours`` (a bit per neighbour) names, for each measure and year, the neighbours
    without a figure exactly as a neighbour-by-neighbour check does; a repeated row counts once."""
    neighbours = pd.DataFrame({"neighbour_code": ["3", "1", "2"], "name": ["Cee", "Ay", "Bee"]})
    sn = pd.DataFrame({"_k": [0, 0, 0, 1, 1, 3], "code": ["1", "2", "3", "2", "2", "3"]})
    at = [0, 1, 2, 3, 1]
    got = _missing_neighbours(neighbours, sn, pd.Series(at).to_numpy())
    used = sn.groupby("_k")["code"].agg(set).to_dict()
    label = dict(zip(neighbours["neighbour_code"], neighbours["name"] + " (" + neighbours["neighbour_code"] + ")",
                     strict=True))
    want = ["; ".join(label[c] for c in neighbours["neighbour_code"] if c not in used.get(k, set())) or None
            for k in at]
    assert got == want == [None, "Cee (3); Ay (1)", "Cee (3); Ay (1); Bee (2)", "Ay (1); Bee (2)",
                           "Cee (3); Ay (1)"]
    assert _missing_neighbours(neighbours.iloc[0:0], sn, pd.Series(at).to_numpy()) == [None] * 5
