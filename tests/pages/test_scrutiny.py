"""The scrutiny report card on the demo council, checked against the store and the library:
the latest quarter (July to September 2026), an earlier one, the quarter selector, the
Service filter having no effect, a withheld small number, an empty store, and nothing
personal anywhere on the page."""

from __future__ import annotations

import json
import os

import pytest

from qa_core import scrutiny
from qa_core.store import Store

PAGE = "app_pages/scrutiny.py"


def _open(app, quarter: str | None = None, service: str | None = None):
    if quarter:
        app.session_state["quarter"] = quarter
    if service:
        app.session_state["service"] = service
    app.switch_page(PAGE).run()
    assert not app.exception
    return app


def _page_text(app) -> str:
    """Everything the page puts on screen, charts and tables included."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "text"):
        parts += [str(e.value) for e in getattr(app, kind)]
    parts += [e.label for e in app.expander]
    parts += [t.value.to_csv() for t in app.table] + [d.value.to_csv() for d in app.dataframe]
    parts += [c.proto.spec + c.proto.alt for c in app.get("plotly_chart")]
    parts += [b.proto.label for b in app.get("download_button")]
    parts += [str(o) for s in app.selectbox for o in s.options]
    return "\n".join(parts)


def _sql_ratio(demo_db, code: str, start: str, stop: str) -> tuple[float, float]:
    with Store(demo_db, read_only=True) as store:
        row = store.query(
            "SELECT sum(numerator) AS n, sum(denominator) AS d FROM indicator_value "
            "WHERE code = ? AND period >= CAST(? AS DATE) AND period < CAST(? AS DATE)", [code, start, stop]).iloc[0]
    return float(row["n"]), float(row["d"])


def _chart_titles(app) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in app.get("plotly_chart")]


def test_latest_quarter_report_card(app, demo_db):
    _open(app)
    assert app.title[0].value == "Scrutiny trends"
    picker = app.selectbox(key="quarter")
    assert picker.value == "2026-Q3"
    assert picker.options[0] == "July to September 2026 (2026-Q3)"
    assert picker.options[-1] == "January to March 2024 (2024-Q1)" and len(picker.options) == 11
    assert app.subheader[0].value == "Kestrel Vale Council: children's social care report card, July to September 2026"
    assert "Service and Month filters do not apply" in app.caption[0].value

    num, den = _sql_ratio(demo_db, "ASSESS_45WD", "2026-07-01", "2026-10-01")
    pct = num / den * 100
    summary = app.table[0].value.set_index("Measure")
    assert len(summary) == len(scrutiny.SCRUTINY_MEASURES)
    assessment = summary.loc["Assessments completed within 45 working days"]
    assert assessment["This quarter"] == f"{pct:.1f}% ({num:,.0f} of {den:,.0f})"
    assert assessment["Target"] == "85.0%"
    assert assessment["RAG"] in {"Red", "Amber", "Green"}
    assert assessment["England, year to March 2025"] == "85.7%"
    assert summary.loc["Case-file audits graded Good or Outstanding", "England, year to March 2025"] == "not published"
    assert summary.loc["Case-file audits graded Good or Outstanding", "RAG"] == "No target"
    assert summary.loc["Child protection plans lasting 2 years or more", "Neighbours, year to March 2025"].endswith(
        "(7 of 10 published)")

    text = _page_text(app)
    assert (f"In July to September 2026, {pct:.1f}% of assessments ({num:,.0f} of {den:,.0f}) were completed "
            "within 45 working days") in text
    assert [h.value for h in app.header][0] == "Summary"
    assert len(app.get("plotly_chart")) == len(scrutiny.SCRUTINY_MEASURES)
    titles = _chart_titles(app)
    assert titles[1].startswith(f"{pct:.1f}% in Jul–Sep 2026 ({num:,.0f} of {den:,.0f}): ")
    assert "a year earlier" in titles[1]
    assert sum(m.value == "**What this shows**" for m in app.markdown) == len(scrutiny.SCRUTINY_MEASURES)
    assert len(app.expander) == len(scrutiny.SCRUTINY_MEASURES)
    numbers = app.dataframe[1].value  # the second measure's numbers: assessments, every quarter to 2026-Q3
    assert list(numbers["Quarter code"])[-1] == "2026-Q3" and len(numbers) == 11
    assert (numbers["Numerator"].iloc[-1], numbers["Denominator"].iloc[-1]) == (num, den)


def test_an_earlier_quarter_has_no_previous_figures(app, demo_db):
    _open(app, quarter="2024-Q1")
    assert app.subheader[0].value.endswith("report card, January to March 2024")
    summary = app.table[0].value
    assert set(summary["Previous quarter"]) == {"–"} and set(summary["A year before"]) == {"–"}
    # Set beside the published year it falls in (to March 2024), not a later one.
    assert "England, year to March 2024" in summary.columns
    num, den = _sql_ratio(demo_db, "REREF_12M", "2024-01-01", "2024-04-01")
    text = _page_text(app)
    assert f"In January to March 2024, {num / den * 100:.1f}% of referrals ({num:,.0f} of {den:,.0f})" in text
    assert all(len(json.loads(c.proto.spec)["data"][0]["x"]) == 1 for c in app.get("plotly_chart"))


def test_choosing_a_quarter_changes_every_figure(app, demo_db):
    _open(app)
    app.selectbox(key="quarter").set_value("2025-Q2").run()
    assert not app.exception
    assert app.subheader[0].value.endswith("report card, April to June 2025")
    num, den = _sql_ratio(demo_db, "CL_EET", "2025-04-01", "2025-07-01")
    row = app.table[0].value.set_index("Measure").loc["Care leavers in education, employment or training"]
    assert row["This quarter"] == f"{num / den * 100:.1f}% ({num:,.0f} of {den:,.0f})"
    last_year_num, last_year_den = _sql_ratio(demo_db, "CL_EET", "2024-04-01", "2024-07-01")
    assert row["A year before"] == (f"{last_year_num / last_year_den * 100:.1f}% "
                                    f"({last_year_num:,.0f} of {last_year_den:,.0f})")
    assert all("Apr–Jun 2025" in t for t in _chart_titles(app))


def test_the_sidebar_filters_do_not_apply(app):
    _open(app)
    council = app.table[0].value
    app.session_state["month"] = "2023-11"  # the earliest month, in an incomplete quarter
    _open(app, service="assessment")
    assert app.subheader[0].value.endswith("report card, July to September 2026")
    assert app.table[0].value.equals(council)


def test_a_quarter_the_store_lacks_falls_back_to_the_newest(app):
    _open(app, quarter="2030-Q1")
    assert app.selectbox(key="quarter").value == "2026-Q3"
    assert app.subheader[0].value.endswith("report card, July to September 2026")


def test_a_small_quarter_is_withheld(app):
    # Leave one team's CP plans ended in July to September 2026, 2 a month: 6 in all, under 10.
    with Store(os.environ["QA_DB"]) as store:
        store.execute("DELETE FROM indicator_value WHERE code = 'CPP_2YRS' AND period >= DATE '2026-07-01' "
                      "AND period < DATE '2026-10-01' AND team_id <> 'cp_court_01'")
        store.execute("UPDATE indicator_value SET numerator = 1, denominator = 2 WHERE code = 'CPP_2YRS' "
                      "AND period >= DATE '2026-07-01' AND period < DATE '2026-10-01'")
    _open(app)
    row = app.table[0].value.set_index("Measure").loc["Child protection plans lasting 2 years or more"]
    assert row["This quarter"] == "fewer than 10"
    assert row["RAG"] == "Not rated"
    text = _page_text(app)
    assert ("In July to September 2026, the figure for child protection plans lasting 2 years or more is not "
            "shown: it is based on fewer than 10 child protection plans ended") in text
    assert "Jul–Sep 2026: based on fewer than 10, so the figure is withheld" in _chart_titles(app)
    numbers = app.dataframe[3].value  # CP plans lasting 2+ years: the fourth measure
    last = numbers.iloc[-1]
    assert last["Quarter code"] == "2026-Q3" and last["Note"] == "Withheld: based on fewer than 10"
    assert last.isna()[["Value (%)", "Numerator", "Denominator"]].all()


def test_a_store_without_a_complete_quarter(app):
    with Store(os.environ["QA_DB"]) as store:
        store.execute("DELETE FROM indicator_value WHERE period >= DATE '2024-01-01'")
    _open(app)
    assert "no complete quarter" in app.info[0].value
    assert not app.get("plotly_chart")


@pytest.mark.parametrize("quarter", ["2026-Q3", "2025-Q1"])
def test_no_case_reference_or_name_appears_anywhere(app, demo_db, quarter):
    _open(app, quarter=quarter)
    text = _page_text(app)
    with Store(demo_db, read_only=True) as store:
        people = store.query(
            """
            SELECT case_ref AS x FROM audit UNION SELECT auditor FROM audit
            UNION SELECT moderator FROM audit UNION SELECT owner FROM audit_action
            UNION SELECT manager FROM team UNION SELECT head_of_service FROM service
            UNION SELECT owner FROM risk UNION SELECT owner FROM clinic_action UNION SELECT lead FROM plan_area
            """)["x"].dropna().tolist()
    assert len(people) > 3000  # the demo's case references and fictional staff
    assert [p for p in people if p in text] == []
    assert "CR" not in {w[:2] for w in text.split() if w[2:].isdigit()}
