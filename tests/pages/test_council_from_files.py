"""A council built from nothing but ``init`` and its own files (no demo code): the clinic, audit grades
with completion against expectation, the risk register and the scrutiny card all work for it, signed
in (a council's store never opens the local demo), and completion is checked by hand.

Testshire Council, by hand:

    services north (head Nadia North, S01) and south (head Sol South, S02)
    teams    Alder and Birch in north, Cedar in south
    staff    M01 Alma Ash, manager of Alder        exempt in October (annual leave)
             M02 Bryn Birch, manager of Birch      started 10 September (a joiner)
             M03 Cara Cedar, manager of Cedar      left 20 October (a leaver)
             S01, S02 the heads of service; Q01 Quin Quill of the QA unit (no expectation)
    rules    team managers 4 a month; heads of service 1 a month outside their own service

    October audits                              counts towards expectation
      Alma 2 (Alder)                            no: exempt, neither expected nor missed
      Bryn 3 (Birch)                            3 of 4: shortfall 1
      Cara 1 (Cedar)                            no: left mid-month, neither expected nor missed
      Nadia 1 in Cedar (south: not her own)     1 of 1
      Sol 1 in Cedar (south: his own)           not done: 0 of 1, shortfall 1
      Quin 1 thematic (Cedar)                   nobody's expectation

    October, council: expected 4 + 1 + 1 = 6, done 3 + 1 = 4 (66.7%), shortfall 2; 1 exempt, 1 part month.
    September: Bryn started mid-month, so only Alma (4) and Cara (4) and the heads (1 each) are expected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from qa_core.__main__ import main
from qa_core.rules.periods import quarter_of
from qa_core.store import Store
from qa_core.views import audit_grades
from tests.pages.conftest import app_over, sign_in

MONTHS = [f"2026-{m:02d}" for m in range(4, 11)]  # April to October 2026
RISK_QUARTER = quarter_of(dt.date(2026, 9, 1))  # the quarter holding September, as the store writes it


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def _values() -> list[list[object]]:
    rows: list[list[object]] = [["code", "period", "org_unit", "numerator", "denominator", "value"]]
    for k, month in enumerate(MONTHS):
        for t, team in enumerate(("Alder", "Birch", "Cedar")):
            rows.append(["ASSESS_45WD", month, team, 40 + k + t, 50, ""])
            rows.append(["OPEN", month, team, "", "", 30 + 2 * t - k])
    return rows


FILES: list[tuple[str, list[list[object]]]] = [
    (
        "services",
        [
            ["service_id", "name", "head_of_service"],
            ["north", "North Service", "S01"],
            ["south", "South Service", "S02"],
        ],
    ),
    (
        "teams",
        [
            ["team_id", "name", "service_id", "manager"],
            ["alder", "Alder", "north", "M01"],
            ["birch", "Birch", "North Service", "M02"],
            ["cedar", "Cedar", "south", "M03"],
        ],
    ),
    (
        "staff",
        [
            [
                "staff_id",
                "name",
                "email",
                "role",
                "team_id",
                "service_id",
                "auditor",
                "moderator",
                "start_date",
                "end_date",
            ],
            [
                "S01",
                "Nadia North",
                "nadia.north@testshire.example",
                "head_of_service",
                "",
                "north",
                "yes",
                "yes",
                "",
                "",
            ],
            ["S02", "Sol South", "", "head_of_service", "", "south", "yes", "no", "", ""],
            ["M01", "Alma Ash", "", "team_manager", "alder", "", "yes", "no", "", ""],
            ["M02", "Bryn Birch", "", "team_manager", "Birch", "", "yes", "no", "10/09/2026", ""],
            ["M03", "Cara Cedar", "", "team_manager", "cedar", "", "yes", "no", "", "20/10/2026"],
            ["Q01", "Quin Quill", "", "qa_lead", "", "", "yes", "no", "", ""],
        ],
    ),
    (
        "expectations",
        [["role", "audits_per_month", "outside_own_service"], ["team_manager", 4, "no"], ["head_of_service", 1, "yes"]],
    ),
    ("exemptions", [["staff_id", "month", "reason", "approved_by"], ["M01", "2026-10", "Annual leave", "Nadia North"]]),
    (
        "indicators",
        [
            ["code", "name", "theme", "unit", "polarity", "target", "aggregation", "services"],
            ["ASSESS_45WD", "Assessments in 45 working days", "Quality of assessments", "%", "up", 90, "ratio", "all"],
            ["OPEN", "Open cases", "Demand", "count", "down", "", "sum", "all"],
        ],
    ),
    ("values", _values()),
    (
        "audits",
        [
            ["audit_id", "audit_date", "tier", "team", "service", "auditor", "overall_grade", "case_ref"],
            ["T-1", "2026-10-02", "Tier 1", "Alder", "north", "Alma Ash", "Good", "C1"],
            ["T-2", "2026-10-03", "Tier 1", "Alder", "north", "Alma Ash", "Inadequate", "C2"],
            ["T-3", "2026-10-06", "Tier 1", "Birch", "north", "Bryn Birch", "Good", "C3"],
            ["T-4", "2026-10-07", "Tier 1", "Birch", "north", "bryn birch", "Requires Improvement", "C4"],
            ["T-5", "2026-10-08", "Tier 1", "Birch", "north", "Bryn Birch", "Good", "C5"],
            ["T-6", "2026-10-05", "Tier 1", "Cedar", "south", "Cara Cedar", "Good", "C6"],
            ["T-7", "2026-10-09", "Tier 2", "Cedar", "south", "Nadia North", "Good", "C7"],
            ["T-8", "2026-10-12", "Tier 2", "Cedar", "south", "Sol South", "Outstanding", "C8"],
            ["T-9", "2026-10-14", "thematic", "Cedar", "south", "Quin Quill", "Good", "C9"],
            ["T-0", "2026-09-14", "Tier 1", "Alder", "north", "Alma Ash", "Good", "C0"],
        ],
    ),
    (
        "risks",
        [
            [
                "risk_ref",
                "quarter",
                "title",
                "service",
                "owner",
                "gross_impact",
                "gross_likelihood",
                "residual_impact",
                "residual_likelihood",
            ],
            ["TR1", RISK_QUARTER, "Too few foster carers for older children", "south", "Sol South", 5, 4, 4, 3],
            ["TR2", RISK_QUARTER, "Agency social workers leave at short notice", "", "Nadia North", 4, 4, 3, 3],
        ],
    ),
]


@pytest.fixture(scope="module")
def council_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("council")
    db = folder / "testshire.duckdb"
    assert main(["init", "--db", str(db), "--council", "Testshire Council", "--la", "356"]) == 0
    for kind, rows in FILES:
        path = folder / f"{kind}.csv"
        path.write_bytes(_csv(rows))
        assert main(["import", kind, str(path), "--db", str(db), "--user", "officer"]) == 0, kind
    return db


@pytest.fixture
def council(council_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    db = tmp_path / "testshire.duckdb"
    shutil.copy(council_db, db)
    for app in app_over(db, monkeypatch):
        yield sign_in(app, "ad@kestrelvale.example")


def _open(app: AppTest, page: str, **state: object) -> AppTest:
    for key, value in state.items():
        app.session_state[key] = value
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _text(app: AppTest) -> str:
    parts = [
        str(e.value)
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "text")
        for e in getattr(app, kind)
    ]
    parts += [d.value.to_csv() for d in app.dataframe] + [t.value.to_csv() for t in app.table]
    return "\n".join(parts)


def _table(app: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_completion_by_hand(council_db: Path) -> None:
    with Store(council_db, read_only=True) as store:
        oct_ = audit_grades.audit_completion(store, dt.date(2026, 10, 1)).set_index("auditor")
        sep = audit_grades.audit_completion(store, dt.date(2026, 9, 1)).set_index("auditor")
        everyone = audit_grades.audit_completion(store, dt.date(2026, 10, 1), by="all").iloc[0]
    assert list(oct_.index) == ["Alma Ash", "Bryn Birch", "Cara Cedar", "Nadia North", "Sol South"]
    numbers = {
        n: tuple(int(oct_.loc[n, c]) for c in ("expected", "done", "not_counted", "shortfall", "exempt", "part_month"))
        for n in oct_.index
    }
    assert numbers == {
        "Alma Ash": (0, 0, 2, 0, 1, 0),
        "Bryn Birch": (4, 3, 0, 1, 0, 0),
        "Cara Cedar": (0, 0, 1, 0, 0, 1),
        "Nadia North": (1, 1, 0, 0, 0, 0),
        "Sol South": (1, 0, 1, 1, 0, 0),
    }
    assert [int(everyone[c]) for c in ("expected", "done", "shortfall", "exempt", "part_month")] == [6, 4, 2, 1, 1]
    assert everyone["pct_complete"] == pytest.approx(400 / 6)
    assert "Bryn Birch" not in sep.index or int(sep.loc["Bryn Birch", "expected"]) == 0  # a joiner's part month
    assert int(sep.loc["Alma Ash", "expected"]) == 4 and int(sep.loc["Alma Ash", "done"]) == 1


def test_the_council_is_not_the_demo_and_needs_sign_in(
    council_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "testshire.duckdb"
    shutil.copy(council_db, db)
    for app in app_over(db, monkeypatch):  # no sign-in configured: the local demo never opens a council's store
        app.run()
        assert not app.exception
        assert "Testshire" not in _text(app) and not app.dataframe


def test_the_clinic(council: AppTest) -> None:
    app = _open(council, "clinic", service="north", month="2026-10")
    assert app.subheader[0].value == "North Service: October 2026"
    summary = app.dataframe[0].value
    assert list(summary["Measure"]) == ["Assessments in 45 working days", "Open cases"]
    assert "Head of service: Nadia North" in _text(app)



def _widget(elements, label):
    return next(e for e in elements if e.label == label)


def test_the_clinic_as_the_ad_runs_it(council: AppTest) -> None:
    """Issue 15 on a council's own store (no demo rows): every service at a glance, commentary
    written and edited with its history, the meeting recorded with its people and an action."""
    app = _open(council, "clinic", service="all", month="2026-10")
    assert app.subheader[0].value == "Every service's clinic: October 2026"
    assert {b.label for b in app.button} >= {"Open the North Service clinic", "Open the South Service clinic"}
    assert "Last meeting: none recorded" in _text(app)
    app.button(key="open_clinic_north").click().run()
    assert not app.exception and app.subheader[0].value == "North Service: October 2026"
    assert "No commentary recorded for this month." in _text(app)
    for words in ("Alder's figures checked with Alma Ash.", "Checked again: Birch's cases are late."):
        _widget(app.text_area, "Commentary (plain text)").input(words)
        app.button(key="FormSubmitter:commentary_ASSESS_45WD-Save commentary").click().run()
        assert not app.exception
    text = _text(app)
    assert "Checked again: Birch's cases are late." in text
    assert "Earlier versions (1)" in [e.label for e in app.expander]
    assert "Alder's figures checked with Alma Ash." in text  # the first version, in the history
    _widget(app.date_input, "Meeting date").set_value(dt.date(2026, 11, 4))
    _widget(app.text_input, "Chair").input("Nadia North")
    _widget(app.text_area, "Attendees (one name a line)").input("Alma Ash\nBryn Birch")
    _widget(app.text_input, "Action 1: what will be done").input("Dip-sample Birch's late assessments")
    _widget(app.text_input, "Action 1: owner").input("Bryn Birch")
    app.button(key="FormSubmitter:clinic_meeting-Record the meeting").click().run()
    assert not app.exception
    text = _text(app)
    assert "The October 2026 clinic is recorded, with 1 action." in text
    assert "Held on 4 November 2026, chaired by Nadia North." in text.replace("\\", "")
    actions = _table(app, "What will be done").set_index("Action")
    assert actions.loc["October 2026 clinic, action 1", ["Owner", "Due"]].tolist() == ["Bryn Birch", "02 Dec 2026"]
    assert "CA-north" not in text

def test_audit_grades_with_completion(council: AppTest) -> None:
    app = _open(council, "audits", month="2026-10", audit_tab="Completion")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Completed"] == "66.7%"
    text = _text(app)
    assert "66.7% of expected audits counted in October 2026 (4 of 6)" in text
    assert (
        "Team Managers are expected to audit 4 cases a month; Heads of Service 1 case a month outside their own service"
    ) in text
    assert (
        "1 person exempt and 1 person in post for part of the month: a month exempt or not worked in full "
        "counts as neither expected nor missed." in text
    )
    teams = _table(app, "Shortfall").set_index("Team")
    assert teams.loc["Alder", "Status"] == "Exempt" and teams.loc["Cedar", "Status"] == "Part month"
    assert teams.loc["Birch", ["Expected", "Counted", "Shortfall"]].tolist() == [4, 3, 1]
    app.session_state["audit_completion_by"] = "auditor"
    app.run()
    assert not app.exception
    people = _table(app, "Manager").set_index("Manager")
    assert people.loc["Alma Ash", "Status"] == "Exempt"
    assert people.loc["Alma Ash", "Note"].startswith("Exempt this month (Annual leave, approved by Nadia North)")
    assert people.loc["Cara Cedar", "Note"].startswith("Left on 20 October 2026")
    assert people.loc["Sol South", ["Status", "Not counted"]].tolist() == ["Short by 1", 1]
    assert people.loc["Bryn Birch", "% complete"] == "75.0% (3 of 4)"


def test_the_risk_register(council: AppTest) -> None:
    app = _open(council, "risks", month="2026-10")
    text = _text(app)
    assert "Too few foster carers for older children" in text
    assert "Agency social workers leave at short notice" in text


def test_the_scrutiny_card(council: AppTest) -> None:
    app = _open(council, "scrutiny")
    text = _text(app)
    # The card's measures are those of its list the council's catalogue holds (by code), and the audits.
    assert "Assessments in 45 working days" in text
    assert "Case-file audits graded Good or Outstanding" in text


def test_the_data_page_says_what_is_held_and_offers_a_whole_set(council: AppTest) -> None:
    app = _open(council, "data", kind="staff")
    held = _table(app, "Last import").set_index("Kind")
    assert held.loc["Staff", "Rows"] == 6 and held.loc["Staff", "Last import"].endswith("by officer")
    assert held.loc["Monthly indicator values", "Covers"] == "2026-04 to 2026-10"
    pages = _table(app, "Ready").set_index("Page")
    assert pages.loc["Audit grades", "Ready"] == "Yes" and pages.loc["RAG at a glance", "Ready"] == "No"
    assert pages.loc["RAG at a glance", "Missing"] == "no improvement plan (import 'plan')"
    box = app.checkbox(key="data_replace")
    assert box.label == "This file is the whole set of staff: remove what it leaves out" and not box.value
    box.check().run()
    assert not app.exception
    assert any(w.value.startswith("Whole set: The file is the whole staff list") for w in app.warning)
    # One person only: the others are heads and managers the services and teams name, so it is refused.
    app.file_uploader[0].set_value(("staff.csv", _csv(FILES[2][1][:2]), "text/csv"))
    app.run()
    assert not app.exception
    assert app.error[0].value.startswith("This file has 2 problems")
    problems = _table(app, "Problem")["Problem"].tolist()
    assert any("services name these as their head: S02 (1)" in p for p in problems), problems
    # Everyone but Quin Quill of the QA unit: checked first (1 would be removed), then imported.
    app.file_uploader[0].set_value(("staff-all-but-q01.csv", _csv(FILES[2][1][:-1]), "text/csv"))
    app.run()
    assert not app.exception
    assert any(
        w.value.startswith("This file is a re-submission") and "1 would be removed" in w.value for w in app.warning
    )
    app.button(key="confirm_import").click().run()
    assert not app.exception
    assert "0 added, 0 replaced, 5 unchanged, 1 removed" in app.success[0].value
    held = _table(app, "Last import").set_index("Kind")
    assert held.loc["Staff", "Rows"] == 5
