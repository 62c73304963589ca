"""RAG at a glance on the demo council: the board as at October 2026, exceptions only,
an area opened, and the empty states. Expected values come from direct SQL on the store."""

from __future__ import annotations

import os

import pytest

from qa_core.store import Store
from tests.pages.conftest import open_page, open_tables

OCT_END = "2026-10-31"




def _open(app, **state):
    """The page with its "Show the numbers" tables opened (they are drawn once opened)."""
    return open_tables(open_page(app, page="rag", **state))


def _board(app):
    return next(d.value for d in app.dataframe if "Current RAG" in d.value.columns)


def _expected(demo_db):
    """Each area's October and September ratings, its overdue priorities, those at risk (not complete
    and due within 30 days of 31 October) and those its lead rated Red, straight from SQL."""
    with Store(demo_db, read_only=True) as store:
        return store.query(
            """
            SELECT a.area_id, a.name, a.sort_order,
                   max(r.rag) FILTER (WHERE r.month = DATE '2026-10-01') AS oct,
                   max(r.rag) FILTER (WHERE r.month = DATE '2026-09-01') AS sep,
                   (SELECT count(*) FROM plan_priority p WHERE p.area_id = a.area_id
                      AND p.target_date < DATE '2026-10-31'
                      AND (p.completed_date IS NULL OR p.completed_date > DATE '2026-10-31')) AS overdue,
                   (SELECT count(*) FROM plan_priority p WHERE p.area_id = a.area_id
                      AND p.target_date BETWEEN DATE '2026-10-31' AND DATE '2026-11-30'
                      AND (p.completed_date IS NULL OR p.completed_date > DATE '2026-10-31')) AS at_risk,
                   (SELECT count(*) FROM plan_priority p WHERE p.area_id = a.area_id AND p.rag = 'Red'
                      AND p.target_date >= DATE '2026-10-31'
                      AND (p.completed_date IS NULL OR p.completed_date > DATE '2026-10-31')) AS lead_red
            FROM plan_area a JOIN plan_area_rag r USING (area_id)
            GROUP BY ALL ORDER BY a.sort_order
            """
        )


def _is_exception(expected):
    return ((expected["oct"] != expected["sep"]) | (expected["oct"] == "Red") | (expected["overdue"] > 0)
            | (expected["at_risk"] > 0) | (expected["lead_red"] > 0))


def test_the_board_as_at_october(app, demo_db):
    _open(app)
    expected = _expected(demo_db)
    assert app.title[0].value == "RAG at a glance"
    assert any("Service filter does not apply" in c.value for c in app.caption)
    table = _board(app)
    assert list(table["Area"]) == list(expected["name"])
    assert list(table["Current RAG"]) == list(expected["oct"])
    assert list(table["Previous RAG"]) == list(expected["sep"])
    assert list(table["Overdue priorities"]) == list(expected["overdue"])
    moved = expected[expected["oct"] != expected["sep"]].iloc[0]
    row = table[table["Area"] == moved["name"]].iloc[0]
    assert row["Movement"].endswith(f"from {moved['sep']} to {moved['oct']}")
    # RAG counts as text badges.
    counts = expected["oct"].value_counts()
    badges = " ".join(m.value for m in app.markdown if "-badge[" in m.value)
    assert f":red-badge[Red: {counts['Red']}]" in badges
    assert f":green-badge[Green: {counts['Green']}]" in badges
    # The first area is open: its priorities, narrative with evidence, and history.
    assert app.selectbox(key="area").value == expected["area_id"].iloc[0]
    assert any(t.value.startswith("Evidence: ") for t in app.text)
    history = next(d.value for d in app.dataframe if "Movement" in d.value.columns and "Month" in d.value.columns)
    assert len(history) == 18 and history["Month"].iloc[-1] == "October 2026"
    assert history["RAG"].iloc[-1] == expected["oct"].iloc[0]


def test_exceptions_only(app, demo_db):
    _open(app)
    app.toggle(key="exceptions").set_value(True).run()
    assert not app.exception
    expected = _expected(demo_db)
    exceptions = expected[_is_exception(expected)]
    assert app.header[0].value == "Exceptions"
    board = _board(app)
    assert list(board["Area"]) == list(exceptions["name"])
    assert 0 < len(exceptions) < len(expected)
    # Every Red area is there, those that stayed Red too (MASH and Participation, Red in September and
    # October), and every exception says why.
    red = expected[expected["oct"] == "Red"]
    assert len(red) == 4 and set(red["name"]) <= set(board["Area"])
    stayed = board[board["Area"].isin(red.loc[red["sep"] == "Red", "name"])]
    assert len(stayed) == 2 and all(reason.startswith("Still Red") for reason in stayed["Why it is an exception"])
    assert (board["Why it is an exception"] != "").all()
    # A rating its priorities argue against carries a note: MASH is Red with every priority complete,
    # Quality Assurance Green with two of its four priorities overdue.
    notes = dict(zip(board["Area"], board["Note on the rating"], strict=True))
    assert notes["MASH"] == ("Rated Red although all 3 of its priorities are complete: the rating rests on more "
                             "than the priorities.")
    assert notes["Quality Assurance"] == "Rated Green although 2 of its 4 priorities are overdue."
    # Only the areas on the board can be opened.
    assert app.selectbox(key="area").options == list(exceptions["name"])


def test_an_area_left_off_the_exceptions_falls_back_to_the_first(app, demo_db):
    expected = _expected(demo_db)
    calm = expected[~_is_exception(expected)].iloc[0]
    _open(app)
    app.selectbox(key="area").set_value(calm["area_id"]).run()
    assert app.subheader[0].value == calm["name"]
    app.toggle(key="exceptions").set_value(True).run()
    assert not app.exception
    assert app.subheader[0].value != calm["name"]


def test_opening_an_area(app, demo_db):
    _open(app)
    app.selectbox(key="area").set_value("AREA09").run()
    assert not app.exception
    assert app.subheader[0].value == "Care Leavers"
    with Store(demo_db, read_only=True) as store:
        priorities = store.query(
            "SELECT description, target_date, completed_date FROM plan_priority WHERE area_id = 'AREA09' "
            "ORDER BY target_date, priority_id")
        narrative = store.query(
            "SELECT kind, text, evidence FROM plan_narrative WHERE area_id = 'AREA09' AND month = DATE '2026-10-01'")
    table = next(d.value for d in app.dataframe if "Priority" in d.value.columns)
    assert list(table["Priority"]) == list(priorities["description"])
    late = priorities["target_date"].astype(str).lt(OCT_END) & priorities["completed_date"].isna()
    assert list(table["Status"] == "Overdue") == list(late)
    texts = [t.value for t in app.text]
    for item in narrative.itertuples():
        assert item.text in texts
        if isinstance(item.evidence, str):
            assert f"Evidence: {item.evidence}" in texts
    assert "Evidence: none named" in texts  # the demo's risks name no evidence
    assert any("Care Leavers" in c.value and "Red in October 2026" in c.value for c in app.caption)


def test_a_service_in_the_sidebar_does_not_filter_the_plan(app, demo_db):
    _open(app, service="assessment")
    assert any("covers the whole council" in i.value for i in app.info)
    assert len(_board(app)) == len(_expected(demo_db))


def test_a_month_before_any_rating_says_so(app):
    _open(app, month="2024-01")
    assert "No improvement-plan area had a RAG rating" in app.info[0].value
    assert "May 2025" in app.info[0].value
    assert not app.dataframe


def test_a_month_without_narrative(app):
    _open(app, month="2026-06")
    assert any("No key developments, progress or risks" in i.value for i in app.info)


def test_the_first_rated_month(app):
    _open(app, month="2025-05")
    table = _board(app)
    assert set(table["Previous RAG"]) == {"None"}
    assert all(m.startswith("First rating") for m in table["Movement"])
    app.toggle(key="exceptions").set_value(True).run()
    assert not app.exception  # overdue priorities or none: either a board or a clear message


@pytest.mark.parametrize("month", ["2023-11", "2025-06", "2026-01", "2026-08"])
def test_other_months_with_exceptions_only(app, month):
    app.session_state["exceptions"] = True
    _open(app, month=month)
    assert app.dataframe or app.info  # a board, or a clear message (2023-11 is before any rating)


def test_an_area_not_rated_this_month_shows_its_latest_rating(app):
    with Store(os.environ["QA_DB"]) as store:  # the app's private copy
        store.execute("DELETE FROM plan_area_rag WHERE area_id = 'AREA01' AND month = DATE '2026-10-01'")
    _open(app)
    assert any("no rating for October 2026" in w.value and "September 2026" in w.value for w in app.warning)
    table = _board(app)
    assert table["Rated in"].iloc[0] == "September 2026"
    assert set(table["Rated in"].iloc[1:]) == {"October 2026"}


def test_a_priority_rated_by_its_lead_shows_the_rating_and_its_evidence(app, demo_db):
    # Adoption (AREA11) is Green; its lead rates the open priority AREA11-P2 Amber, naming the evidence.
    with Store(demo_db, read_only=True) as store:
        rated = store.query("SELECT description, rag, evidence FROM plan_priority WHERE priority_id = 'AREA11-P2'")
    _open(app)
    app.selectbox(key="area").set_value("AREA11").run()
    assert not app.exception
    table = next(d.value for d in app.dataframe if "Priority" in d.value.columns and "Rated by" in d.value.columns)
    row = table[table["Priority"].str.startswith(rated["description"].iloc[0][:40])].iloc[0]
    assert (row["RAG"], row["Rated by"]) == ("Amber", "lead") and row["Status"] == "On track"
    assert row["Evidence for the lead's rating"] == rated["evidence"].iloc[0]
    others = table[table["Rated by"] == "target date"]
    assert (others["Evidence for the lead's rating"] == "").all()
