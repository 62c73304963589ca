"""Scrutiny report cards: quarters, quarter sums, the small-number rule, comparators, words,
the demo council and the command line.

The hand-worked store (``tiny``) has one service with two teams and these figures:

* Assessments within 45 working days (flow, summed over the quarter):
  July 2026 30 of 40 (team 1) + 10 of 10 (team 2) = 40 of 50; August 45 of 50;
  September 8 of 9 + 1 of 1 = 9 of 10. Quarter: 94 of 110 = 85.4545...%, not the 86.67%
  mean of 80%, 90% and 90%. April to June 2026: 20 of 25 each month = 60 of 75 = 80%.
  July to September 2025: 9 of 10 each month = 27 of 30 = 90%.
* Children in care with 3+ placements (stock, counted at the quarter's end): July 5 of 50,
  August 6 of 50, September 3 of 30 + 2 of 20 = 5 of 50. Quarter: 5 of 50 = 10% (not 16 of
  150). June 2026 (end of April to June): 6 of 50 = 12%.
* CP plans lasting 2+ years (flow): July to September 2026 1 of 3, 0 of 3, 1 of 3 = 2 of 9,
  a denominator under 10: withheld. April to June 2026 1 of 4, 0 of 3, 0 of 3 = 1 of 10:
  shown (10%).
* Audits in August 2026: 12, final grades Good or better for 7 (6 by their own grade, one
  Requires improvement moderated to Good): 7 of 12 = 58.33%.
* October 2026 has one month of figures only: 2026/27 Q3 is not complete.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from qa_core.__main__ import main
from qa_core.errors import QAError
from qa_core.store import Store
from qa_core.views import scrutiny

D = dt.date


def _indicator(code, name, polarity, target, rule, tolerance, order):
    return dict(code=code, name=name, theme="Outcomes", unit="%", polarity=polarity, target=target,
                rag_rule=rule, tolerance=tolerance, aggregation="ratio", sort_order=order)


def _values(code, rows):
    return [dict(code=code, period=period, team_id=team, numerator=float(n), denominator=float(d))
            for period, team, n, d in rows]


@pytest.fixture
def tiny():
    store = Store(":memory:")
    values = (
        _values("ASSESS_45WD", [
            (D(2025, 7, 1), "t1", 9, 10), (D(2025, 8, 1), "t1", 9, 10), (D(2025, 9, 1), "t1", 9, 10),
            (D(2026, 4, 1), "t1", 20, 25), (D(2026, 5, 1), "t1", 20, 25), (D(2026, 6, 1), "t1", 20, 25),
            (D(2026, 7, 1), "t1", 30, 40), (D(2026, 7, 1), "t2", 10, 10), (D(2026, 8, 1), "t1", 45, 50),
            (D(2026, 9, 1), "t1", 8, 9), (D(2026, 9, 1), "t2", 1, 1), (D(2026, 10, 1), "t1", 5, 5)])
        + _values("CLA_PLACEMENT_3", [
            (D(2026, 4, 1), "t1", 1, 50), (D(2026, 5, 1), "t1", 1, 50), (D(2026, 6, 1), "t1", 6, 50),
            (D(2026, 7, 1), "t1", 5, 50), (D(2026, 8, 1), "t1", 6, 50),
            (D(2026, 9, 1), "t1", 3, 30), (D(2026, 9, 1), "t2", 2, 20)])
        + _values("CPP_2YRS", [
            (D(2026, 4, 1), "t1", 1, 4), (D(2026, 5, 1), "t1", 0, 3), (D(2026, 6, 1), "t1", 0, 3),
            (D(2026, 7, 1), "t1", 1, 3), (D(2026, 8, 1), "t1", 0, 3), (D(2026, 9, 1), "t1", 1, 3)])
    )
    grades = [(1, None), (2, None), (2, None), (3, 2), (4, None), (2, None),
              (3, None), (3, None), (1, None), (2, None), (4, None), (3, None)]
    audits = pd.DataFrame([
        dict(audit_id=f"A{i}", audit_date=D(2026, 8, 3 + i), tier="tier1", case_ref=f"CR{100000 + i}",
             team_id="t1", service_id="s1", auditor="Ada Auditor", auditor_role="team_manager",
             overall_grade=g, moderated_grade=m, moderator="Mo Moderator" if m else None)
        for i, (g, m) in enumerate(grades)])
    audits["moderated_grade"] = audits["moderated_grade"].astype("Int64")
    comparators = pd.DataFrame([
        ("ASSESS_45WD", "2024", "statistical_neighbours", 80.0, None, 10),
        ("ASSESS_45WD", "2024", "england", 84.0, None, 1),
        ("ASSESS_45WD", "2025", "statistical_neighbours", 82.0, None, 9),
        ("ASSESS_45WD", "2025", "region", 81.0, None, 1),
        ("ASSESS_45WD", "2025", "england", 83.0, None, 1),
        ("CLA_PLACEMENT_3", "2025", "statistical_neighbours", 11.0, None, 10),
        ("CLA_PLACEMENT_3", "2025", "england", None, "c", None),
    ], columns=["code", "period", "comparator", "value", "symbol", "n_used"])
    comparators["value"] = comparators["value"].astype("float64")
    comparators["n_used"] = comparators["n_used"].astype("Int64")
    store.insert_frames({
        "service": pd.DataFrame([dict(service_id="s1", name="Service", head_of_service="Hal Head")]),
        "team": pd.DataFrame([dict(team_id="t1", service_id="s1", name="Team 1", manager="Tia Manager"),
                              dict(team_id="t2", service_id="s1", name="Team 2", manager="Tom Manager")]),
        "indicator": pd.DataFrame([
            _indicator("ASSESS_45WD", "Assessments completed within 45 working days", "up", 85.0, "travel", 3, 1),
            _indicator("CPP_2YRS", "Child protection plans lasting 2 years or more", "down", 3.0, "tolerance", 1, 2),
            _indicator("CLA_PLACEMENT_3", "Cared for children with 3 or more placements", "down", 10.0, "travel", 1,
                       3),
        ]),
        "indicator_value": pd.DataFrame(values),
        "audit": audits,
        "comparator": comparators,
    })
    yield store
    store.close()


# -- the small-number rule and quarters ------------------------------------------------------
@pytest.mark.parametrize(("numerator", "denominator", "expected"), [
    (3, 9, True), (0, 9.5, True), (0, 10, False), (10, 10, False), (1, 0, True),
    (None, None, False), (float("nan"), float("nan"), False),
])
def test_a_figure_is_withheld_when_its_denominator_is_under_10(numerator, denominator, expected):
    assert scrutiny.is_suppressed(numerator, denominator) is expected


def test_the_rule_applies_to_columns_too():
    mask = scrutiny.is_suppressed(pd.Series([3.0, 0.0, None]), pd.Series([9.0, 10.0, None]))
    assert mask.tolist() == [True, False, False]


def test_published_year_words():
    assert scrutiny.published_year_label("2025") == "year to March 2025"
    assert scrutiny.published_year_label(None) == "not published"


def test_only_quarters_with_all_three_months_are_complete(tiny):
    assert scrutiny.complete_quarters(tiny) == ["2025/26 Q2", "2026/27 Q1", "2026/27 Q2"]


def test_q4_is_january_to_march_across_the_calendar_year_end():
    """The financial year's Q4 (January to March) sums its three months across the calendar year's
    end; December belongs to Q3 and April to the next year's Q1 (issue 13). A year before is the
    same financial quarter: January to March 2025 (2024/25 Q4).

    Assessments: January 2026 10 of 20, February 15 of 20, March 20 of 20 = 45 of 60 = 75%;
    January to March 2025 18 of 20 each = 54 of 60 = 90%. December 2025 (1 of 1) and April 2026
    (1 of 2) are single months of their quarters. Placements (stock): the end of March 2026, 4 of 40.
    """
    store = Store(":memory:")
    months = {D(2025, 1, 1): (18, 20), D(2025, 2, 1): (18, 20), D(2025, 3, 1): (18, 20), D(2025, 12, 1): (1, 1),
              D(2026, 1, 1): (10, 20), D(2026, 2, 1): (15, 20), D(2026, 3, 1): (20, 20), D(2026, 4, 1): (1, 2)}
    store.insert_frames({
        "service": pd.DataFrame([dict(service_id="s1", name="Service", head_of_service="Hal Head")]),
        "team": pd.DataFrame([dict(team_id="t1", service_id="s1", name="Team 1", manager="Tia Manager")]),
        "indicator": pd.DataFrame([
            _indicator("ASSESS_45WD", "Assessments completed within 45 working days", "up", 85.0, "tolerance", 3, 1),
            _indicator("CLA_PLACEMENT_3", "Cared for children with 3 or more placements", "down", 10.0, "tolerance",
                       1, 2)]),
        "indicator_value": pd.DataFrame(
            _values("ASSESS_45WD", [(m, "t1", n, d) for m, (n, d) in months.items()])
            + _values("CLA_PLACEMENT_3", [(D(2026, 1, 1), "t1", 2, 40), (D(2026, 2, 1), "t1", 3, 40),
                                          (D(2026, 3, 1), "t1", 4, 40)])),
    })
    try:
        assert scrutiny.complete_quarters(store) == ["2024/25 Q4", "2025/26 Q4"]
        report = scrutiny.scrutiny_report(store, None).set_index("code")  # the latest complete quarter
        row = report.loc["ASSESS_45WD"]
        assert row["quarter"] == "2025/26 Q4" and row["quarter_label"] == "2025/26 Q4 (January to March 2026)"
        assert (row["numerator"], row["denominator"], row["months"]) == (45, 60, 3)
        assert row["value"] == pytest.approx(75.0)
        assert (row["last_year_numerator"], row["last_year_denominator"]) == (54, 60)  # 2024/25 Q4
        assert pd.isna(row["previous_value"])  # October to December 2025 holds December only
        assert row["headline"].startswith("In 2025/26 Q4 (January to March 2026), 75.0% of assessments (45 of 60)")
        stock = report.loc["CLA_PLACEMENT_3"]
        assert (stock["numerator"], stock["denominator"]) == (4, 40)
        assert stock["headline"].startswith("At the end of March 2026, ")
        trend = scrutiny.scrutiny_trend(store, "Q4 2025/26")  # any accepted form of the quarter
        assert trend.loc[trend["code"] == "ASSESS_45WD", "quarter"].tolist() == ["2024/25 Q4", "2025/26 Q4"]
    finally:
        store.close()


# -- the report on the hand-worked store --------------------------------------------------------
def test_flow_measure_sums_numerators_and_denominators_over_the_quarter(tiny):
    report = scrutiny.scrutiny_report(tiny, "2026/27 Q2").set_index("code")
    row = report.loc["ASSESS_45WD"]
    assert (row["numerator"], row["denominator"]) == (94, 110)
    assert row["value"] == pytest.approx(94 / 110 * 100)  # 85.45%, not the 86.67% mean of months
    assert row["previous_value"] == pytest.approx(80.0)
    assert (row["previous_numerator"], row["previous_denominator"]) == (60, 75)
    assert row["last_year_value"] == pytest.approx(90.0)
    assert (row["last_year_numerator"], row["last_year_denominator"]) == (27, 30)
    assert row["target"] == 85.0
    assert row["rag"] == "Green"
    assert row["direction"] == "improving"
    assert row["months"] == 3
    assert not row["suppressed"]


def test_stock_measure_is_counted_at_the_end_of_the_quarter(tiny):
    row = scrutiny.scrutiny_report(tiny, "2026/27 Q2").set_index("code").loc["CLA_PLACEMENT_3"]
    assert (row["numerator"], row["denominator"], row["value"]) == (5, 50, 10.0)
    assert row["basis"] == "quarter_end"
    assert row["previous_value"] == pytest.approx(12.0)  # June: 6 of 50
    assert row["rag"] == "Green"  # on the 10% target; lower is better
    assert row["direction"] == "improving"
    assert row["headline"].startswith("At the end of September 2026, 10.0% of children in care (5 of 50)")


def test_a_quarter_under_10_is_withheld_with_its_counts(tiny):
    row = scrutiny.scrutiny_report(tiny, "2026/27 Q2").set_index("code").loc["CPP_2YRS"]
    assert row["suppressed"]
    assert pd.isna(row["value"]) and pd.isna(row["numerator"]) and pd.isna(row["denominator"])
    assert row["rag"] is None and row["direction"] is None
    assert row["previous_value"] == pytest.approx(10.0)  # 1 of 10: exactly 10 is shown
    assert not row["previous_suppressed"]
    assert row["headline"] == (
        "In 2026/27 Q2 (July to September 2026), the figure for child protection plans lasting 2 years or more is not "
        "shown: it is based on fewer than 10 child protection plans ended, and small numbers are withheld "
        "to protect privacy.")
    trend = scrutiny.scrutiny_trend(tiny, "2026/27 Q2")
    cpp = trend[trend["code"] == "CPP_2YRS"].set_index("quarter")
    assert list(cpp.index) == ["2026/27 Q1", "2026/27 Q2"]
    assert cpp.loc["2026/27 Q2", "suppressed"] and pd.isna(cpp.loc["2026/27 Q2", "value"])
    assert (cpp.loc["2026/27 Q1", "numerator"], cpp.loc["2026/27 Q1", "denominator"]) == (1, 10)


def test_audits_good_or_better_use_the_moderated_grade(tiny):
    row = scrutiny.scrutiny_report(tiny, "2026/27 Q2").set_index("code").loc["AUDIT_GOOD"]
    assert (row["numerator"], row["denominator"]) == (7, 12)
    assert row["value"] == pytest.approx(7 / 12 * 100)
    assert pd.isna(row["target"]) and row["rag"] is None
    assert pd.isna(row["previous_value"])  # no audits in April to June
    assert row["headline"] == ("In 2026/27 Q2 (July to September 2026), 58.3% of case-file audits (7 of 12) "
                               "found practice "
                               "Good or Outstanding. No published comparison is available.")


def test_rows_follow_the_report_card_order_for_the_measures_the_store_has(tiny):
    report = scrutiny.scrutiny_report(tiny, None)
    # No expectation rules in this store: no completion line.
    assert list(report["code"]) == ["ASSESS_45WD", "CPP_2YRS", "CLA_PLACEMENT_3", "AUDIT_GOOD", "AUDIT_INADEQUATE"]
    assert set(report["quarter"]) == {"2026/27 Q2"}
    assert set(scrutiny.REPORT_COLUMNS) <= set(report.columns)
    assert all(report["what_this_shows"].str.contains("is better"))


def test_latest_published_comparators_and_missing_ones(tiny):
    report = scrutiny.scrutiny_report(tiny, "2026/27 Q2").set_index("code")
    assess = report.loc["ASSESS_45WD"]
    assert (assess["comparator_year"], assess["sn_median"], assess["sn_count"]) == ("2025", 82.0, 9)
    assert (assess["region"], assess["england"]) == (81.0, 83.0)
    assert assess["headline"] == (
        "In 2026/27 Q2 (July to September 2026), 85.5% of assessments (94 of 110) were completed within 45 "
        "working days: "
        "better than our statistical neighbours (82.0%) and England (83.0%), using published figures for the "
        "year to March 2025.")
    cla = report.loc["CLA_PLACEMENT_3"]
    assert pd.isna(cla["england"]) and cla["england_symbol"] == "c"  # suppressed in the publication
    assert "England" not in cla["headline"]
    assert cla["headline"].endswith("better than our statistical neighbours (11.0%), using published figures "
                                    "for the year to March 2025.")
    cpp = report.loc["CPP_2YRS"]
    assert cpp["comparator_year"] is None and pd.isna(cpp["sn_median"]) and pd.isna(cpp["england"])


def test_comparators_are_never_from_a_year_after_the_quarter(tiny):
    by_quarter = {q: scrutiny.scrutiny_comparators(tiny, ["ASSESS_45WD"], q).iloc[0]
                  for q in ("2023/24 Q4", "2024/25 Q1", "2026/27 Q2")}
    assert (by_quarter["2023/24 Q4"]["comparator_year"], by_quarter["2023/24 Q4"]["england"]) == ("2024", 84.0)
    assert by_quarter["2024/25 Q1"]["comparator_year"] == "2025"  # April to June 2024 is in the year to March 2025
    assert by_quarter["2026/27 Q2"]["comparator_year"] == "2025"  # the latest there is
    assert scrutiny.scrutiny_comparators(tiny, ["ASSESS_45WD"], "2022/23 Q4").empty
    assert scrutiny.reporting_year("2024/25 Q4") == "2025" and scrutiny.reporting_year("2025/26 Q3") == "2026"


def test_earlier_quarter_has_no_previous_when_that_quarter_is_incomplete(tiny):
    row = scrutiny.scrutiny_report(tiny, "2026/27 Q1").set_index("code").loc["ASSESS_45WD"]
    assert row["value"] == pytest.approx(80.0)
    assert pd.isna(row["previous_value"]) and pd.isna(row["last_year_value"])
    assert row["rag"] == "Red"  # 5 points under target, beyond the 3-point tolerance, no previous quarter
    trend = scrutiny.scrutiny_trend(tiny, "2026/27 Q1")
    assert trend["quarter"].max() == "2026/27 Q1"
    assert list(trend.loc[trend["code"] == "ASSESS_45WD", "quarter"]) == ["2025/26 Q2", "2026/27 Q1"]


@pytest.mark.parametrize("quarter", ["2026/27 Q3", "2025/26 Q4", "2019/20 Q1"])
def test_a_quarter_without_complete_figures_names_those_available(tiny, quarter):
    with pytest.raises(QAError, match=rf"no complete figures for {quarter}; quarters available: "
                                      r"2025/26 Q2, 2026/27 Q1, 2026/27 Q2\."):
        scrutiny.scrutiny_report(tiny, quarter)


def test_an_empty_store_says_so():
    with Store(":memory:") as empty, pytest.raises(QAError, match="no complete quarter"):
        scrutiny.scrutiny_report(empty, None)


def test_comparison_words_follow_polarity():
    assert scrutiny.compare_words(20.6, 22.6, "down") == "better than"
    assert scrutiny.compare_words(20.6, 20.2, "down") == "worse than"
    assert scrutiny.compare_words(85.0, 84.96, "up") == "the same as"  # equal at one decimal place
    assert scrutiny.compare_words(30.0, 20.0, "neutral") == "higher than"
    row = dict(code="REREF_12M", name="Re-referrals", quarter="2026/27 Q2", unit="%", polarity="down",
               value=20.6, numerator=193, denominator=937, suppressed=False, sn_median=20.2, england=22.6,
               comparator_year="2025")
    assert scrutiny.headline(row) == (
        "In 2026/27 Q2 (July to September 2026), 20.6% of referrals (193 of 937) were for a child referred within the "
        "previous 12 months: worse than our statistical neighbours (20.2%) and better than England (22.6%), "
        "using published figures for the year to March 2025.")


# -- the demo council ------------------------------------------------------------------------
def test_demo_quarters_and_report(store):
    quarters = scrutiny.complete_quarters(store)
    assert quarters[0] == "2023/24 Q4" and quarters[-1] == "2026/27 Q2" and len(quarters) == 11
    report = scrutiny.scrutiny_report(store, "2026/27 Q2")
    assert list(report["code"]) == [m.code for m in scrutiny.SCRUTINY_MEASURES]
    row = report.set_index("code").loc["ASSESS_45WD"]
    num, den = store.query(
        "SELECT sum(numerator) AS n, sum(denominator) AS d FROM indicator_value "
        "WHERE code = 'ASSESS_45WD' AND period BETWEEN DATE '2026-07-01' AND DATE '2026-09-01'").iloc[0]
    assert (row["numerator"], row["denominator"]) == (num, den)
    assert row["value"] == pytest.approx(num / den * 100)
    stock = report.set_index("code").loc["CLA_PLACEMENT_3"]
    september = store.query(
        "SELECT sum(numerator) AS n, sum(denominator) AS d FROM indicator_value "
        "WHERE code = 'CLA_PLACEMENT_3' AND period = DATE '2026-09-01'").iloc[0]
    assert (stock["numerator"], stock["denominator"]) == (september["n"], september["d"])
    audits = store.query(
        "SELECT count(*) FILTER (WHERE coalesce(moderated_grade, overall_grade) <= 2) AS good, "
        "count(overall_grade) AS n "
        "FROM audit WHERE audit_date >= DATE '2026-07-01' AND audit_date < DATE '2026-10-01'").iloc[0]
    audit_row = report.set_index("code").loc["AUDIT_GOOD"]
    assert (audit_row["numerator"], audit_row["denominator"]) == (audits["good"], audits["n"])
    england = store.scalar("SELECT value FROM comparator WHERE code = 'REREF_12M' AND period = '2025' "
                           "AND comparator = 'england'")
    reref = report.set_index("code").loc["REREF_12M"]
    assert (reref["england"], reref["comparator_year"], reref["sn_count"]) == (england, "2025", 10)
    # Fewer than 10 neighbours published CP plans lasting 2+ years in 2025: the count says so.
    assert report.set_index("code").loc["CPP_2YRS", "sn_count"] == 7
    assert not report["suppressed"].any()


def test_demo_report_holds_nothing_personal(store):
    report = scrutiny.scrutiny_report(store, "2026/27 Q2")
    trend = scrutiny.scrutiny_trend(store, "2026/27 Q2")
    for frame in (report, trend):
        assert not {"case_ref", "auditor", "moderator", "owner", "manager", "team", "team_id"} & set(frame.columns)
    people = store.query(
        "SELECT case_ref AS x FROM audit UNION SELECT auditor FROM audit UNION SELECT manager FROM team "
        "UNION SELECT head_of_service FROM service")["x"].dropna()
    text = report.to_csv() + trend.to_csv()
    assert not [p for p in people if p in text]


def test_demo_trend_runs_to_the_quarter_asked(store):
    trend = scrutiny.scrutiny_trend(store, "2025/26 Q1")
    assert trend["quarter"].min() == "2023/24 Q4" and trend["quarter"].max() == "2025/26 Q1"
    assert trend.groupby("code").size().eq(6).all()
    assert (trend["months"] == 3).all()


# -- the command line --------------------------------------------------------------------------
def test_cli_json_for_a_quarter(demo_db, capsys):
    assert main(["report", "scrutiny", "--quarter", "2026/27 Q1", "--format", "json", "--db", str(demo_db)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(scrutiny.SCRUTINY_MEASURES)
    for row in rows:
        assert set(scrutiny.REPORT_COLUMNS) <= set(row)
        assert row["quarter"] == "2026/27 Q1"
        assert isinstance(row["suppressed"], bool)
    assess = next(r for r in rows if r["code"] == "ASSESS_45WD")
    assert assess["headline"].startswith("In 2026/27 Q1 (April to June 2026), ")
    assert assess["value"] == round(assess["numerator"] / assess["denominator"] * 100, 2)


def test_cli_csv_defaults_to_the_latest_complete_quarter(demo_db, capsys):
    assert main(["report", "scrutiny", "--db", str(demo_db)]) == 0
    out = capsys.readouterr().out
    frame = pd.read_csv(pd.io.common.StringIO(out))
    assert set(frame["quarter"]) == {"2026/27 Q2"}
    assert list(frame.columns[:5]) == ["code", "name", "what_this_shows", "unit", "quarter"]


def test_cli_refuses_a_quarter_without_figures(demo_db, capsys):
    assert main(["report", "scrutiny", "--quarter", "2026/27 Q3", "--db", str(demo_db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: There are no complete figures for 2026/27 Q3; quarters available: 2023/24 Q4, ")
    assert main(["report", "scrutiny", "--quarter", "2026Q3", "--db", str(demo_db)]) == 1
    assert capsys.readouterr().err == ("error: '2026Q3' is ambiguous here: July–September 2026 is 2026/27 Q2 in the "
                                       "financial year. Write quarters as 2026/27 Q2.\n")
    assert main(["report", "scrutiny", "--quarter", "2026/27 Q5", "--db", str(demo_db)]) == 1
    assert "is not a quarter" in capsys.readouterr().err


# -- disclosure control (public=True) --------------------------------------------------------
def _small_counts(text: str) -> list[str]:
    """Counts of 1 to 5 written as 'n of' or 'of n' in sentences."""
    import re

    return re.findall(r"(?<![\d.,])[1-5] of |of [1-5](?![\d.,])", text)


def test_demo_public_report_hides_every_small_count(store):
    # 2026/27 Q2: the previous quarter of CP plans lasting 2+ years was 3 of 92 (3.3%): 3 is c, and
    # 3.3% with it; the denominator 92 stays (its complement 89 is large).
    report = scrutiny.scrutiny_report(store, "2026/27 Q2", public=True)
    row = report.set_index("code").loc["CPP_2YRS"]
    assert (row["previous_numerator"], row["previous_denominator"], row["previous_value"]) == ("c", 92, "c")
    assert (row["numerator"], row["denominator"], row["value"]) == (11, 110, 10.0)  # 11 / 110 x 100
    assert row["direction"] is None  # it would compare with the hidden 3.3%
    text_json = report.to_json(orient="records", date_format="iso")
    text_csv = report.to_csv(index=False)
    assert '"c"' in text_json and ",c," in text_csv
    for frame in (report, scrutiny.scrutiny_trend(store, "2026/27 Q2", public=True)):
        for col in [c for c in frame.columns if c.endswith(("numerator", "denominator"))]:
            numbers = pd.to_numeric(frame[col], errors="coerce")
            assert not ((numbers >= 1) & (numbers <= 5)).any(), col
    assert _small_counts(" ".join(report["headline"])) == []
    assert "3.26" not in text_json and "3.3%" not in text_json


def test_demo_public_headline_for_a_hidden_quarter_names_no_number(store):
    row = scrutiny.scrutiny_report(store, "2026/27 Q1", public=True).set_index("code").loc["CPP_2YRS"]
    assert row["headline"] == (
        "In 2026/27 Q1 (April to June 2026), the figure for child protection plans lasting 2 years or more is not "
        "shown (c): it "
        "would reveal a count of 1 to 5, and small numbers are withheld to protect privacy (child protection plans "
        "ended: 92).")
    assert row["rag"] is None


def test_public_trend_marks_a_small_quarter_u_and_a_small_count_c(tiny):
    trend = scrutiny.scrutiny_trend(tiny, public=True)
    internal = scrutiny.scrutiny_trend(tiny)
    for (_, pub), (_, full) in zip(trend.iterrows(), internal.iterrows(), strict=True):
        if full["suppressed"]:  # the reliability rule: under 10, for everyone; u when published
            assert (pub["numerator"], pub["denominator"], pub["value"]) == ("u", "u", "u")
        elif 1 <= full["numerator"] <= 5 or 1 <= full["denominator"] - full["numerator"] <= 5:
            assert pub["numerator"] == "c" and pub["value"] == "c"
        else:
            assert pub["numerator"] == full["numerator"]


def test_internal_report_is_unchanged_by_default(store):
    report = scrutiny.scrutiny_report(store, "2026/27 Q2")
    assert report.set_index("code").loc["CPP_2YRS", "previous_numerator"] == 3.0
