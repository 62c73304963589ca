"""The Benchmarks page on the demo store: Stockport (the LA the demo council is benchmarked as)
and Cumberland, checked against ``qa_core.views.benchmarks`` and hand-checked published figures."""

from __future__ import annotations

import json

import pytest

from qa_core.io.published import ATTRIBUTION
from qa_core.store import Store
from qa_core.views import benchmarks
from tests.pages.conftest import open_page, open_tables


def _open(app, la=None, year=None, measure=None):
    return open_page(app, "benchmarks", la=la, year=year, bm_measure=measure)


def _summary(app):
    return next(d.value for d in app.dataframe if "Neighbours' median" in d.value.columns)


def _chart_titles(app):
    return [json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " ")
            for c in app.get("plotly_chart")]


def test_stockport_is_the_default_and_the_page_says_the_council_is_fictional(app):
    _open(app)
    assert app.selectbox(key="la").value == "356"
    assert app.selectbox(key="year").value == 2025
    assert any("Kestrel Vale Council is fictional; its published comparisons use Stockport's figures" in i.value
               for i in app.info)
    assert any("Month and Service do not apply" in c.value for c in app.caption)
    assert any(ATTRIBUTION in c.value for c in app.caption)


def test_stockport_2024_figures_match_the_library_and_a_hand_check(app, demo_db):
    _open(app, year=2024)
    summary = _summary(app)
    with Store(demo_db, read_only=True) as store:
        rep = benchmarks.benchmark_report(store, "356", year=2024)
    assert len(summary) == len(rep)
    re_ref = summary[summary["Code"] == "ReReferral"].iloc[0]
    # Hand-checked against DfE LAIT: Stockport 20.9% in 2024, neighbours' median 20.2% from all 10,
    # 77th lowest of the 149 LAs with a figure; DfE's band: above the 50th percentile (20.6), not above the
    # 75th (23.6) → band C, the 3rd quartile.
    assert re_ref["Value"] == "20.9%"
    assert re_ref["Neighbours' median"] == "20.2% (10 of 10)"
    assert re_ref["Rank"] == "77 of 149"
    assert re_ref["Quartile"] == "Band C (3rd quartile of 4; A is best)"
    assert re_ref["Better is"] == "lower is better"
    assert re_ref["England"] == "22.4%"
    # Every ranked measure's rank in the table is the library's.
    lib = rep.set_index("measure")
    for r in summary.itertuples():
        expected = lib.loc[r.Code]
        if expected["polarity"] in ("High", "Low") and expected["rank"] is not None and \
                str(expected["rank"]) != "<NA>":
            assert r.Rank == f"{int(expected['rank'])} of {int(expected['of'])}"
    # A measure Stockport did not publish keeps its symbol and names the neighbours left out.
    not_in_touch = summary[summary["Code"] == "CareLeavers_LA_NotInTouch"].iloc[0]
    assert not_in_touch["Value"] == "-"
    assert not_in_touch["Rank"] == "no figure"
    assert not_in_touch["Neighbours' median"] == "4.0% (3 of 10)"
    # The detail: ReReferral is the default measure; the trend ends at 2025, the neighbour chart is 2024.
    assert app.selectbox(key="bm_measure").value == "ReReferral"
    titles = _chart_titles(app)
    assert any(t.startswith("Stockport 20.9%") and "20.2% (10 of 10)" in t for t in titles), titles
    quartiles = next(m.value for m in app.markdown if "quartile (1st is the best" in m.value)
    ranked = rep[rep["quartile"].notna()]
    assert f"Of the {len(ranked)} measures" in quartiles
    assert f"**{int((ranked['quartile'] == 1).sum())}** in the 1st quartile" in quartiles


def test_cumberland_with_a_suppressed_neighbour_shows_the_symbol_not_zero(app, demo_db):
    _open(app, la="942", year=2024, measure="c1.rereferral_percent")
    assert not any("fictional" in i.value for i in app.info)
    with Store(demo_db, read_only=True) as store:
        row = benchmarks.benchmark_report(store, "942", "c1.rereferral_percent", 2024).iloc[0]
        nb = benchmarks.neighbour_values(store, "942", "c1.rereferral_percent", 2024)
    hereford = nb[nb["neighbour_code"] == "884"].iloc[0]
    assert hereford["symbol"] == "u" and hereford["missing"]
    summary = _summary(app)
    line = summary[summary["Code"] == "c1.rereferral_percent"].iloc[0]
    # With the counts behind it, from the raw C1 file's 2024 Cumberland (942) row: 253 re-referrals of 2,375.
    assert line["Value"] == "10.7% (253 of 2,375)" == f"{row['la_value']:.1f}% (253 of 2,375)"
    assert line["Neighbours' median"] == f"{row['sn_median']:.1f}% (9 of 10)"
    assert "Herefordshire, County of (884)" in line["Neighbours with no figure"]
    assert line["Rank"] == f"{int(row['rank'])} of {int(row['of'])}"
    # Below the chart, Herefordshire is listed with its symbol; it is not a bar (never drawn as 0).
    assert "Herefordshire, County of: u (low reliability)" in [t.value for t in app.text]
    bars = next(json.loads(c.proto.spec) for c in app.get("plotly_chart")
                if "against its neighbours" in json.loads(c.proto.spec)["layout"]["title"]["text"].replace("<br>", " "))
    labels = bars["data"][0]["y"]
    assert "Cumberland (selected)" in labels and len(labels) == 10
    assert not any("Herefordshire" in label for label in labels)
    # The neighbours' table and their inspections are drawn once their expanders are opened.
    assert not any("Closeness rank" in d.value.columns or "Latest inspection" in d.value.columns
                   for d in app.dataframe)
    open_tables(app)
    neighbours = next(d.value for d in app.dataframe if "Closeness rank" in d.value.columns)
    assert neighbours.loc[neighbours["Code"] == "884", "Value"].iloc[0] == "u"
    inspected = next(d.value for d in app.dataframe if "Latest inspection" in d.value.columns)
    assert len(inspected) == 10 and "Herefordshire, County of (884)" in inspected["Neighbour"].tolist()
    # Cumberland's ILACS judgement, with its date.
    ilacs = next(d.value for d in app.dataframe if "Overall effectiveness" in d.value.columns)
    assert ilacs["Inspected"].iloc[0] == "07 Oct 2024"


def test_changing_la_and_measure_re_renders(app):
    _open(app)
    app.selectbox(key="la").set_value("942").run()
    assert not app.exception
    assert app.header[0].value == "Cumberland, 2025: every published measure"
    app.selectbox(key="bm_measure").set_value("CPPlans2yrsActive").run()
    assert not app.exception
    # Cumberland published no figure for this measure in 2025: its symbol, not a bar at 0.
    assert any("Cumberland has no figure: - (not available or suppressed (LAIT))" in m.value for m in app.markdown)


@pytest.mark.parametrize("year", [2013, 2016])
def test_early_years_and_an_la_created_later(app, year):
    # Cumberland was created in 2023-24: before then it has notes, symbols or blanks, never zeros.
    _open(app, la="942", year=year)
    summary = _summary(app)
    assert not (summary["Value"] == "0").any()
    assert summary["Note"].str.contains("created by local government reorganisation").any()


def test_a_year_before_a_measure_was_published_shows_an_empty_state(app):
    # LAIT's re-referral measure starts in 2016: in 2013 neither Stockport nor a neighbour has a figure.
    _open(app, la="356", year=2013, measure="ReReferral")
    assert any("Neither Stockport nor its neighbours have a figure" in i.value for i in app.info)
    assert any("Stockport has no figure: nothing published" in m.value for m in app.markdown)


def test_joint_return_and_predecessor_notes_are_on_screen(app):
    # Swindon (866), 2021: North and West Northamptonshire's joint workforce return counts once in the
    # neighbours' median (12.4%, 9 figures) and the table says so beside it.
    _open(app, la="866", year=2021, measure="csww.vacancy_rate_fte")
    vacancies = _summary(app).set_index("Code").loc["csww.vacancy_rate_fte"]
    assert vacancies["Neighbours' median"] == "12.4% (9 of 10)"
    assert ("Neighbours: 9 neighbours' figures; North Northamptonshire and West Northamptonshire report jointly "
            "(940 / 941), counted once.") in vacancies["Note"]
    # Dorset (838), 2020: its care leavers in education, employment or training are filed under "Dorset (Pre
    # LG)"; the row says so rather than leaving a silent blank.
    _open(app, la="838", year=2020, measure="CareLeaverEET")
    eet = _summary(app).set_index("Code").loc["CareLeaverEET"]
    assert eet["Value"] == "-"
    assert 'DfE files Dorset\'s 2020 figure under its predecessor "Dorset (Pre LG)"' in eet["Note"]


def test_in_large_type_the_two_charts_are_one_above_the_other_at_the_pages_sizes(app):
    _open(app)
    side_by_side = len(app.columns)
    open_page(app, "benchmarks", large=True)
    assert len(app.columns) == side_by_side - 2  # the trend's and the bars' columns are gone
    charts = [json.loads(c.proto.spec)["layout"] for c in app.get("plotly_chart")]
    assert len(charts) == 2
    for chart in charts:
        assert chart["font"]["size"] == 20 and chart["legend"]["orientation"] == "h" and chart["legend"]["y"] < 0
