"""RAG at a glance (qa_core.views.improvement_board): a hand-worked three-area plan, the demo council, and
the command line.

The tiny plan, worked by hand (months are the first of the month):

* Alpha (A1): Red Aug 2026, Amber Sep, Amber Oct.  Beta (A2): Green Sep, "red" Oct (lower
  case, stored as typed).  Gamma (A3): first rated "G" (a letter) in Oct; no priorities.
* Priorities of Alpha: P1 due 30 Sep done 15 Sep; P2 due 15 Oct, not done; P3 due 31 Oct,
  not done; P4 due 20 Oct, done 5 Nov (late); P5 due 31 Mar 2027.
  Beta: P1 due 31 Dec, P2 due 30 Nov.

As at October (31 Oct 2026): Alpha P1 Complete; P2 Overdue (16 days); P4 Overdue (11 days:
its completion comes after October); P3 is due that day, so Due soon, not overdue; P5 On
track. So 5 priorities: 1 complete, 2 on track (P3, P5), 2 overdue. Beta: P2 is 30 days
away (Due soon, the 30-day window is inclusive), P1 61 days (On track): 2 on track.
As at September (30 Sep): Alpha P1 complete; P2 (15 days) and P4 (20 days) due soon;
P3 is 31 days away (on track); nothing overdue.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from qa_core.rules.periods import month_end
from qa_core.rules.rag import priority_status
from qa_core.store import Store, queries
from qa_core.views import improvement_board

D = dt.date
JUL, AUG, SEP, OCT, NOV = D(2026, 7, 1), D(2026, 8, 1), D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)


def _fill(store: Store) -> None:
    store.insert_frames({
        "plan_area": pd.DataFrame([
            dict(area_id="A1", name="Alpha", lead="Ann Lead", ofsted_recommendation="Do better", sort_order=1),
            dict(area_id="A2", name="Beta", lead="Ben Lead", ofsted_recommendation=None, sort_order=2),
            dict(area_id="A3", name="Gamma", lead=None, ofsted_recommendation=None, sort_order=3),
        ]),
        "plan_area_rag": pd.DataFrame([
            dict(area_id="A1", month=AUG, rag="Red"), dict(area_id="A1", month=SEP, rag="Amber"),
            dict(area_id="A1", month=OCT, rag="Amber"),
            dict(area_id="A2", month=SEP, rag="Green"), dict(area_id="A2", month=OCT, rag="red"),
            dict(area_id="A3", month=OCT, rag="G"),
        ]),
        "plan_priority": pd.DataFrame([
            dict(priority_id="A1-P1", area_id="A1", description="One", target_date=D(2026, 9, 30),
                 completed_date=D(2026, 9, 15)),
            dict(priority_id="A1-P2", area_id="A1", description="Two", target_date=D(2026, 10, 15),
                 completed_date=None),
            dict(priority_id="A1-P3", area_id="A1", description="Three", target_date=D(2026, 10, 31),
                 completed_date=None),
            dict(priority_id="A1-P4", area_id="A1", description="Four", target_date=D(2026, 10, 20),
                 completed_date=D(2026, 11, 5)),
            dict(priority_id="A1-P5", area_id="A1", description="Five", target_date=D(2027, 3, 31),
                 completed_date=None),
            dict(priority_id="A2-P1", area_id="A2", description="Beta one", target_date=D(2026, 12, 31),
                 completed_date=None),
            dict(priority_id="A2-P2", area_id="A2", description="Beta two", target_date=D(2026, 11, 30),
                 completed_date=None),
        ]),
        "plan_narrative": pd.DataFrame([
            dict(area_id="A1", month=SEP, kind="risk", seq=1, text="Vacancies", evidence=None),
            dict(area_id="A1", month=SEP, kind="progress", seq=1, text="Audits up", evidence="Audit log"),
            dict(area_id="A1", month=SEP, kind="development", seq=1, text="New lead", evidence="Minutes"),
            dict(area_id="A1", month=AUG, kind="progress", seq=1, text="Older", evidence=None),
        ]),
    })


@pytest.fixture
def tiny(tmp_path):
    store = Store(tmp_path / "tiny.duckdb")
    _fill(store)
    yield store
    store.close()


def _rows(frame: pd.DataFrame) -> dict[str, dict]:
    return frame.set_index("area_id").to_dict("index")


def test_report_columns_start_with_the_contract(tiny):
    frame = improvement_board.rag_report(tiny, OCT)
    assert list(frame.columns[:11]) == [
        "area_id", "area", "lead", "previous_rag", "current_rag", "movement", "priorities_total",
        "priorities_complete", "priorities_on_track", "priorities_overdue", "exception"]
    assert list(frame["area_id"]) == ["A1", "A2", "A3"]  # plan order


def test_october_by_hand(tiny):
    rows = _rows(improvement_board.rag_report(tiny, OCT))
    alpha, beta, gamma = rows["A1"], rows["A2"], rows["A3"]
    assert (alpha["previous_rag"], alpha["current_rag"], alpha["movement"]) == ("Amber", "Amber", "unchanged")
    assert (alpha["priorities_total"], alpha["priorities_complete"], alpha["priorities_on_track"],
            alpha["priorities_overdue"], alpha["priorities_due_soon"]) == (5, 1, 2, 2, 1)
    assert alpha["exception"]  # unchanged, but two priorities are overdue
    assert alpha["priorities_text"] == "1 complete, 2 on track, 2 overdue"
    assert alpha["exception_reason"] == "2 overdue priorities; 1 priority due within 30 days and not complete"
    assert alpha["rating_note"] is None  # Amber with overdue priorities: the rating does not contradict them
    assert (alpha["rag_month"], alpha["previous_month"]) == ("2026-10", "2026-09")

    # "red" is stored lower case: normalised, and Green -> Red is a deterioration.
    assert (beta["previous_rag"], beta["current_rag"], beta["movement"]) == ("Green", "Red", "deteriorated")
    assert beta["movement_text"] == "Deteriorated from Green to Red"
    assert (beta["priorities_total"], beta["priorities_on_track"], beta["priorities_overdue"],
            beta["priorities_due_soon"]) == (2, 2, 0, 1)
    assert beta["exception"] and beta["exception_reason"] == ("Deteriorated; 1 priority due within 30 days and not "
                                                              "complete")

    # "G" is a letter for Green; a first rating is not an exception.
    assert gamma["previous_rag"] is None and gamma["current_rag"] == "Green"
    assert gamma["movement"] == improvement_board.NEW and gamma["movement_text"] == "First rating: Green"
    assert (gamma["priorities_total"], gamma["priorities_text"], gamma["exception"]) == (0, "No priorities", False)


def test_september_by_hand(tiny):
    rows = _rows(improvement_board.rag_report(tiny, SEP))
    alpha, beta, gamma = rows["A1"], rows["A2"], rows["A3"]
    assert (alpha["previous_rag"], alpha["current_rag"], alpha["movement"]) == ("Red", "Amber", "improved")
    assert (alpha["priorities_complete"], alpha["priorities_on_track"], alpha["priorities_overdue"],
            alpha["priorities_due_soon"]) == (1, 4, 0, 2)
    assert alpha["exception"] and alpha["movement_text"] == "Improved from Red to Amber"
    assert (beta["current_rag"], beta["movement"], beta["exception"]) == ("Green", "new", False)
    assert gamma["current_rag"] is None and gamma["movement"] is None
    assert gamma["movement_text"] == "Not yet rated"


def test_a_later_month_keeps_the_latest_rating_and_counts_late_completion(tiny):
    rows = _rows(improvement_board.rag_report(tiny, NOV))  # no ratings in November: October's stand
    alpha = rows["A1"]
    assert (alpha["current_rag"], alpha["rag_month"], alpha["previous_rag"]) == ("Amber", "2026-10", "Amber")
    # As at 30 Nov: P4 was done on 5 Nov (complete); P2 and P3 are overdue.
    assert (alpha["priorities_complete"], alpha["priorities_overdue"], alpha["priorities_on_track"]) == (2, 2, 1)
    # Beta's P2 is due on 30 Nov: due that day, not overdue.
    assert rows["A2"]["priorities_overdue"] == 0


def test_a_month_before_any_rating_is_an_empty_frame(tiny):
    frame = improvement_board.rag_report(tiny, JUL)
    assert frame.empty
    assert list(frame.columns) == improvement_board.BOARD_COLUMNS
    assert improvement_board.rag_report(Store(":memory:"), None).empty  # no ratings at all


def test_none_means_the_latest_rated_month(tiny):
    assert _rows(improvement_board.rag_report(tiny, None))["A3"]["current_rag"] == "Green"


def test_board_summary(tiny):
    summary = improvement_board.board_summary(improvement_board.rag_report(tiny, SEP))
    assert summary["rag_counts"] == {"Amber": 1, "Green": 1, "No rating": 1}
    assert (summary["improved"], summary["deteriorated"], summary["new"], summary["exceptions"]) == (1, 0, 1, 1)
    october = improvement_board.board_summary(improvement_board.rag_report(tiny, OCT))
    assert october["rag_counts"] == {"Red": 1, "Amber": 1, "Green": 1}  # worst first
    assert (october["overdue_priorities"], october["areas_with_overdue"], october["priorities"]) == (2, 1, 7)


def test_area_priorities_by_hand(tiny):
    frame = improvement_board.area_priorities(tiny, "A1", OCT)
    assert list(frame["priority_id"]) == ["A1-P1", "A1-P2", "A1-P4", "A1-P3", "A1-P5"]  # by target date
    assert list(frame["status"]) == ["Complete", "Overdue", "Overdue", "Due soon", "On track"]
    assert list(frame["rag"]) == ["Blue", "Red", "Red", "Amber", "Green"]
    assert list(frame["days_overdue"]) == [0, 16, 11, 0, 0]
    # P4's completion (5 Nov) is after October: not shown as at October.
    assert frame["completed_date"].notna().tolist() == [True, False, False, False, False]


def test_a_leads_rating_of_a_priority_and_a_rating_its_priorities_argue_against(tiny):
    # Delta (A4), Green in October. D1 done 1 Oct; D2 due 31 Dec (61 days away: on track by its date) but
    # its lead rates it Red, naming the evidence. As at October: an exception for the lead's Red, and a note
    # that the area's Green rating is argued against. Epsilon (A5): Red with its one priority complete.
    tiny.insert_frames({
        "plan_area": pd.DataFrame([dict(area_id="A4", name="Delta", sort_order=4),
                                   dict(area_id="A5", name="Epsilon", sort_order=5)]),
        "plan_area_rag": pd.DataFrame([dict(area_id="A4", month=SEP, rag="Green"),
                                       dict(area_id="A4", month=OCT, rag="Green"),
                                       dict(area_id="A5", month=SEP, rag="Red"),
                                       dict(area_id="A5", month=OCT, rag="Red")]),
        "plan_priority": pd.DataFrame([
            dict(priority_id="A4-D1", area_id="A4", description="D one", target_date=D(2026, 10, 15),
                 completed_date=D(2026, 10, 1), rag="Red", evidence="Ignored: complete"),
            dict(priority_id="A4-D2", area_id="A4", description="D two", target_date=D(2026, 12, 31),
                 completed_date=None, rag="Red", evidence="Partner audit: 3 of 10 cases met the standard"),
            dict(priority_id="A5-E1", area_id="A5", description="E one", target_date=D(2026, 9, 30),
                 completed_date=D(2026, 9, 1)),
        ]),
    })
    rows = _rows(improvement_board.rag_report(tiny, OCT))
    delta, epsilon = rows["A4"], rows["A5"]
    assert (delta["movement"], delta["priorities_overdue"], delta["priorities_lead_red"]) == ("unchanged", 0, 1)
    assert delta["exception"] and delta["exception_reason"] == "1 priority rated Red by the lead"
    assert delta["rating_note"] == "Rated Green although 1 of its 2 priorities is rated Red by the lead."
    assert epsilon["exception"] and epsilon["exception_reason"] == "Still Red"
    assert epsilon["rating_note"] == ("Rated Red although its one priority is complete: the rating rests on more "
                                      "than the priorities.")
    priorities = improvement_board.area_priorities(tiny, "A4", OCT).set_index("priority_id")
    assert priorities.loc["A4-D1", ["status", "rag", "rag_by"]].tolist() == ["Complete", "Blue", "target date"]
    assert pd.isna(priorities.loc["A4-D1", "evidence"])
    assert priorities.loc["A4-D2", ["status", "rag", "rag_by", "evidence"]].tolist() == [
        "On track", "Red", "lead", "Partner audit: 3 of 10 cases met the standard"]


def test_area_narrative_is_the_latest_month_in_or_before(tiny):
    october = improvement_board.area_narrative(tiny, "A1", OCT)  # nothing written in October: September's
    assert set(october["month"]) == {SEP}
    assert list(october["kind"]) == ["development", "progress", "risk"]
    assert list(october["evidence"].fillna("")) == ["Minutes", "Audit log", ""]
    assert list(improvement_board.area_narrative(tiny, "A1", AUG)["text"]) == ["Older"]
    assert improvement_board.area_narrative(tiny, "A1", JUL).empty
    assert improvement_board.area_narrative(tiny, "A2", OCT).empty


def test_area_history_title_and_text(tiny):
    alpha = improvement_board.area_history(tiny, "A1", OCT)
    assert list(alpha["rag"]) == ["Red", "Amber", "Amber"]
    assert list(alpha["movement"]) == ["new", "improved", "unchanged"]
    assert list(alpha["rank"]) == [0, 1, 1]
    assert improvement_board.history_title("Alpha", alpha) == (
        "Alpha: Amber in October 2026, unchanged for 2 months (since September 2026); "
        "Amber in 2 of 3 months rated")
    assert improvement_board.history_text(alpha) == (
        "Red in August 2026 (1 month); Amber from September 2026 to October 2026 (2 months).")
    beta = improvement_board.area_history(tiny, "A2", OCT)
    assert improvement_board.history_title("Beta", beta) == (
        "Beta: Red in October 2026, down from Green in September 2026; Red in 1 of 2 months rated")
    assert improvement_board.history_title("Alpha", improvement_board.area_history(tiny, "A1", SEP)).startswith(
        "Alpha: Amber in September 2026, up from Red in August 2026")
    gamma = improvement_board.area_history(tiny, "A3", OCT)
    assert improvement_board.history_title("Gamma", gamma) == "Gamma: Green in October 2026, its first rating"
    empty = improvement_board.area_history(tiny, "A3", SEP)
    assert empty.empty and improvement_board.history_text(empty) == "No ratings yet."


def test_words():
    assert improvement_board.movement_text("Green", "Yellow") == "Deteriorated from Green to Yellow"
    assert improvement_board.movement_text("Green", "Blue") == "Improved from Green to Blue"
    assert improvement_board.priorities_text(0, 0, 3) == "3 overdue"


# -- the demo council ---------------------------------------------------------------------------


def test_demo_board_agrees_with_plan_rag_counts(store):
    frame = improvement_board.rag_report(store, OCT)
    plain = queries.plan_rag_counts(store, OCT)
    assert len(frame) == 12
    assert list(frame["area"]) == list(plain["name"])
    assert list(frame["current_rag"]) == list(plain["current_rag"])
    assert list(frame["previous_rag"]) == list(plain["previous_rag"])
    assert (frame["priorities_complete"] + frame["priorities_on_track"] + frame["priorities_overdue"]
            == frame["priorities_total"]).all()
    # The demo plants a sharp change in the last month for some areas.
    assert frame["movement"].isin(["improved", "deteriorated"]).any()
    attention = (frame["movement"].isin(["improved", "deteriorated"]) | (frame["current_rag"] == "Red")
                 | (frame["priorities_overdue"] > 0) | (frame["priorities_due_soon"] > 0)
                 | (frame["priorities_lead_red"] > 0))
    assert frame["exception"].tolist() == attention.tolist()
    assert (frame.loc[frame["exception"], "exception_reason"] != "").all()
    # Every Red area is an exception: two of the four stayed Red (the issue found them hidden).
    red = frame[frame["current_rag"] == "Red"]
    assert len(red) == 4 and red["exception"].all()
    assert sorted(red.loc[red["movement"] == "unchanged", "exception_reason"]) == ["Still Red", "Still Red"]


@pytest.mark.parametrize("month", [D(2025, 5, 1), D(2026, 1, 1), D(2026, 10, 1)])
def test_sql_status_agrees_with_priority_status(store, month):
    as_of = month_end(month)
    raw = store.query("SELECT priority_id, area_id, target_date, completed_date FROM plan_priority")
    expected = {r.priority_id: priority_status(r.target_date, r.completed_date, as_of) for r in raw.itertuples()}
    got, lead = {}, {}
    for area_id in raw["area_id"].unique():
        part = improvement_board.area_priorities(store, area_id, month)
        got.update(dict(zip(part["priority_id"], part["status"].map(improvement_board.PRIORITY_STATUSES),
                            strict=True)))
        lead.update({r.priority_id: r.rag for r in part.itertuples() if r.rag_by == "lead"})
    assert got == expected
    # A lead's own rating is shown in place of the status's colour, only while the priority is open.
    ratings = store.query("SELECT priority_id, rag FROM plan_priority WHERE rag IS NOT NULL")
    assert lead == {p: r for p, r in zip(ratings["priority_id"], ratings["rag"], strict=True) if expected[p] != "Blue"}
    report = improvement_board.rag_report(store, month).set_index("area_id")
    raw["rag"] = raw["priority_id"].map(expected)
    overdue = raw[raw["rag"] == "Red"].groupby("area_id").size()
    complete = raw[raw["rag"] == "Blue"].groupby("area_id").size()
    for area_id in report.index:
        assert report.loc[area_id, "priorities_overdue"] == overdue.get(area_id, 0)
        assert report.loc[area_id, "priorities_complete"] == complete.get(area_id, 0)


def test_demo_first_rating_month_has_no_previous(store):
    first = improvement_board.rating_months(store)[0]
    frame = improvement_board.rag_report(store, first)
    assert frame["previous_rag"].isna().all()
    assert (frame["movement"] == "new").all()
    assert improvement_board.rag_report(store, D(first.year - 1, first.month, 1)).empty


def test_demo_area_detail(store):
    history = improvement_board.area_history(store, "AREA09", OCT)
    assert len(history) == 18 and history["month"].iloc[-1] == OCT
    narrative = improvement_board.area_narrative(store, "AREA09", OCT)
    assert set(narrative["kind"]) == {"development", "progress", "risk"}
    assert narrative.loc[narrative["kind"] == "progress", "evidence"].notna().all()


# -- the command line -------------------------------------------------------------------------


def test_cli_report_rag_json(tmp_path, capsys):
    from qa_core.__main__ import main

    path = tmp_path / "cli.duckdb"
    with Store(path) as store:
        _fill(store)
    assert main(["report", "rag", "--db", str(path), "--format", "json", "--month", "2026-10"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["area_id"] for r in records] == ["A1", "A2", "A3"]
    alpha = records[0]
    assert {k: alpha[k] for k in ("previous_rag", "current_rag", "movement", "priorities_total",
                                  "priorities_complete", "priorities_on_track", "priorities_overdue",
                                  "exception")} == {
        "previous_rag": "Amber", "current_rag": "Amber", "movement": "unchanged", "priorities_total": 5,
        "priorities_complete": 1, "priorities_on_track": 2, "priorities_overdue": 2, "exception": True}
    assert records[2]["previous_rag"] is None and records[2]["movement"] == "new"


def test_cli_report_rag_before_any_rating_and_csv(tmp_path, capsys):
    from qa_core.__main__ import main

    path = tmp_path / "cli.duckdb"
    with Store(path) as store:
        _fill(store)
    assert main(["report", "rag", "--db", str(path), "--format", "json", "--month", "2026-07"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["report", "rag", "--db", str(path), "--month", "2026-09"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("area_id,area,lead,previous_rag,current_rag,movement,priorities_total,")
    assert lines[1].startswith("A1,Alpha,Ann Lead,Red,Amber,improved,5,1,4,0,True,")


def test_a_months_rows_picked_by_its_first_day() -> None:
    from qa_core.views.improvement_board import _month_rows

    frame = pd.DataFrame({
        "month": pd.to_datetime(["2026-09-01", "2026-10-01 12:30", "2026-10-02", None, "2026-10-01"], format="ISO8601"),
        "area_id": ["a", "b", "c", "d", "e"],
    })
    picked = _month_rows(frame, dt.date(2026, 10, 17))
    assert picked["area_id"].tolist() == ["b", "e"] and picked.index.tolist() == [1, 4]
    assert list(picked.columns) == ["area_id"]
    as_dates = frame.assign(month=[dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 10, 2), None,
                                   dt.date(2026, 10, 1)])
    assert _month_rows(as_dates, dt.date(2026, 10, 1))["area_id"].tolist() == ["b", "e"]
