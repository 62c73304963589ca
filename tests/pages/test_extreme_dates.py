"""Issue 11, finding 5: a store holding far-future and far-past dates (put in with SQL, as an old
store or another tool could, past the import's checks) must not break any page.

The store copy holds, beside the demo's 2023-11..2026-10: indicator values for every month of
0001-Q1 and 9999-Q4 and for October 2062 (plausible, but after today and its margin), audits dated
0001-01-01 and 9999-12-31, audit and clinic actions, priorities, ratings, narratives, commentary and
expectations dated in the years 1 and 9999, and risk reviews for 0000/01 Q4 (January to March 0001),
9999/00 Q3 (October to December 9999) and a calendar-style 2026-Q3 (an older store's). Before the
fix the sidebar itself raised (year 1 formats as '1-01'), the default month was December 9999 and
Home, Audit grades and the clinic raised "year 10000 is out of range".
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_core.pages import PAGE_KEYS
from qa_core.store import Store
from tests.pages.conftest import app_over, open_page

LATEST = "2026-10"
EXTREME_SQL = [
    # Indicator values: whole quarters at both ends (so the scrutiny page sees them as complete),
    # and one plausible month after today's margin.
    *[
        f"INSERT INTO indicator_value SELECT code, DATE '{day}', team_id, numerator, denominator, value "
        "FROM indicator_value WHERE period = DATE '2026-10-01'"
        for day in ("0001-01-01", "0001-02-01", "0001-03-01", "9999-10-01", "9999-11-01", "9999-12-01", "2062-10-01")
    ],
    *[
        f"INSERT INTO audit SELECT * REPLACE ('{tag}-' || audit_id AS audit_id, DATE '{day}' AS audit_date) "
        "FROM audit WHERE audit_date >= DATE '2026-10-01'"
        for tag, day in (("Y1", "0001-01-01"), ("Y9", "9999-12-31"))
    ],
    *[
        f"INSERT INTO audit_area_grade SELECT '{tag}-' || audit_id, area, grade FROM audit_area_grade "
        f"WHERE '{tag}-' || audit_id IN (SELECT audit_id FROM audit)"
        for tag in ("Y1", "Y9")
    ],
    *[
        f"INSERT INTO audit_action SELECT * REPLACE ('{tag}-' || action_id AS action_id, DATE '{day}' AS due_date, "
        f"NULL AS completed_date) FROM audit_action LIMIT 3"
        for tag, day in (("Y1", "0001-01-01"), ("Y9", "9999-12-31"))
    ],
    "INSERT INTO audit_expectation_rule VALUES ('qa_lead', DATE '0001-01-01', DATE '9999-12-01', 2, FALSE)",
    *[
        f"INSERT INTO audit_exemption SELECT staff_id, DATE '{day}', 'Extreme month', NULL FROM staff "
        "WHERE role = 'team_manager'"
        for day in ("0001-01-01", "9999-12-01")
    ],
    *[
        f"INSERT INTO risk_review SELECT * REPLACE ('{q}' AS quarter) FROM risk_review WHERE quarter = '2026/27 Q2'"
        for q in ("0000/01 Q4", "9999/00 Q3", "2026-Q3")  # January to March 0001, October to December 9999
    ],
    *[
        f"INSERT INTO plan_area_rag SELECT area_id, DATE '{day}', rag FROM plan_area_rag "
        "WHERE month = DATE '2026-10-01'"
        for day in ("0001-01-01", "9999-12-01")
    ],
    *[
        f"INSERT INTO plan_narrative SELECT * REPLACE (DATE '{day}' AS month) FROM plan_narrative "
        "WHERE month = DATE '2026-10-01'"
        for day in ("0001-01-01", "9999-12-01")
    ],
    *[
        f"INSERT INTO plan_priority SELECT * REPLACE (priority_id || '-{tag}' AS priority_id, DATE '{day}' AS "
        "target_date, NULL AS completed_date) FROM plan_priority LIMIT 3"
        for tag, day in (("Y1", "0001-01-01"), ("Y9", "9999-12-31"))
    ],
    *[
        f"INSERT INTO clinic_action SELECT * REPLACE (action_id || '-{tag}' AS action_id, DATE '{month}' AS "
        f"clinic_month, DATE '{due}' AS due_date) FROM clinic_action LIMIT 4"
        for tag, month, due in (("Y1", "0001-01-01", "0001-01-31"), ("Y9", "9999-12-01", "9999-12-31"))
    ],
    *[
        f"INSERT INTO commentary SELECT * REPLACE (DATE '{day}' AS period) FROM commentary "
        "WHERE period = DATE '2026-10-01'"
        for day in ("0001-01-01", "9999-12-01")
    ],
]
PAGES = [key for key in PAGE_KEYS if key != "accessibility"]  # the statement shows no stored text


@pytest.fixture(scope="module")
def extreme_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("extreme") / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        for sql in EXTREME_SQL:
            store.execute(sql)
        assert store.scalar("SELECT max(period) FROM indicator_value").year == 9999
        assert store.scalar("SELECT min(audit_date) FROM audit").year == 1
    return db


@pytest.fixture
def app(extreme_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    db = tmp_path / "qa.duckdb"
    shutil.copy(extreme_db, db)
    yield from app_over(db, monkeypatch)


def _open(app: AppTest, page: str, month: str | None = None, service: str = "all", **state: object) -> AppTest:
    open_page(app, page, role="assistant_director", month=month, service=service, **state)
    assert app.title, f"{page} month={month} service={service} {state}: no title"
    return app


def _month_box(app: AppTest):
    return next(s for s in app.sidebar.selectbox if s.label == "Month")


def test_the_default_month_is_the_latest_plausible_one_and_the_rest_are_named(app: AppTest) -> None:
    _open(app, "home")
    box = _month_box(app)
    assert box.value == LATEST  # not December 9999, nor October 2062 (after today and a year)
    assert "December 9999" not in box.options and "January 0001" not in box.options
    assert box.options[:2] == ["October 2062", "October 2026"]  # a plausible month stays on offer
    assert app.title[0].value.endswith("at a glance") and "October 2026" in app.caption[0].value
    note = " ".join(c.value for c in app.sidebar.caption)
    assert "January 0001" in note and "December 9999" in note and "January 2000 to December 2099" in note


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_over_extreme_dates(app: AppTest, page: str) -> None:
    # The default month, the plausible far-future month and the earliest month the pages offer.
    for month in (None, "2062-10", "2023-11"):
        for service in ["all", "assessment"] if page in ("clinic", "teams") else ["all"]:
            _open(app, page, month, service)


@pytest.mark.parametrize("page", ["home", "clinic", "audits"])
@pytest.mark.parametrize("link", ["December 9999", "January 0001"])
def test_a_link_to_a_month_outside_the_window_opens_the_default_month(app: AppTest, page: str, link: str) -> None:
    app.query_params["month"] = link  # as ?month=December+9999 in a pasted link
    _open(app, page, service="assessment")
    assert _month_box(app).value == LATEST


def test_the_audits_tabs_render_over_extreme_dates(app: AppTest) -> None:
    for tab in (
        "Grades by month",
        "Against the 10% target",
        "Areas behind Inadequate",
        "Completion",
        "Moderation",
        "Overdue audit actions",
        "Escalations due",
    ):
        _open(app, "audits", audit_tab=tab)
        _open(app, "audits", "2023-11", "assessment", audit_tab=tab)


def test_the_risk_and_scrutiny_quarters_leave_out_extreme_quarters(app: AppTest) -> None:
    _open(app, "risks")
    quarters = next(s for s in app.selectbox if s.label == "Quarter reviewed").options
    assert quarters[0] == "2026/27 Q2" and not {"9999/00 Q3", "0000/01 Q4", "2026-Q3"} & set(quarters)
    for quarter in quarters:
        _open(app, "risks", risk_quarter=quarter)
    _open(app, "scrutiny")
    options = next(s for s in app.selectbox if s.label == "Quarter").options
    assert not any("9999" in o or "0001" in o or "0000" in o for o in options)


def test_a_link_to_a_quarter_outside_the_window_opens_the_latest(app: AppTest) -> None:
    app.query_params["quarter"] = "9999/00 Q3 (October to December 9999)"
    _open(app, "scrutiny")
    assert next(s for s in app.selectbox if s.label == "Quarter").value == "2026/27 Q2"


def test_one_teams_profile_and_one_plan_area_render_over_extreme_dates(app: AppTest) -> None:
    _open(app, "teams", service="assessment", view="Team profile")
    _open(app, "rag", area="AREA01")


@pytest.fixture
def one_far_future_value(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The issue's own case: one indicator value for 9999-12 and nothing else out of the ordinary."""
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        store.execute(
            "INSERT INTO indicator_value SELECT code, DATE '9999-12-01', team_id, numerator, denominator, "
            "value FROM indicator_value WHERE period = DATE '2026-10-01' LIMIT 1"
        )
    yield from app_over(db, monkeypatch)


@pytest.mark.parametrize("page", ["home", "audits", "clinic"])
def test_one_value_for_december_9999_no_longer_breaks_the_pages(one_far_future_value: AppTest, page: str) -> None:
    # Before the fix the default month became December 9999 and these raised "year 10000 is out of range".
    app = _open(one_far_future_value, page, service="assessment")
    assert _month_box(app).value == LATEST
