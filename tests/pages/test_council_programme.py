"""The audit programme on a council built from nothing but ``init`` and its own files (no demo code), worked
by hand, then on its pages as the QA lead: an overdue escalation flagged, one recorded as told.

Testshire Council (tests/pages/test_council_from_files.py's organisation), with its programme:

    tools     generic (graded: Risk, Voice); sup, the supervision file audit (yes/no: Structure, Frequency);
              them, the thematic tool (graded)
    themes    Neglect in May and October 2026 (tool them), Exploitation in July 2026 (tool them)
    targets   7 trained auditors from April 2026; escalation within 3 working days
    staff     + Pat Pine, trained as an auditor on 5 October 2026 (a joiner); Rey Rowan, an auditor since January
                who became a moderator on 12 October 2026 and no longer audits (a move to moderator)

    October audits: T-1..T-8 as in the other file; T-9 thematic (tool them: Neglect, from the plan); S-1 and S-2
    supervision file audits on tool sup, no grade: Structure yes, Frequency no; Structure yes, Frequency yes.
    May: TH-5, thematic Neglect on Wednesday 20 May 2026.

    Remedial work (5 working days): TH-5 on Wed 20 May: Thu 21 (1), Fri 22 (2), Mon 25 May the spring bank
    holiday, Tue 26 (3), Wed 27 (4), Thu 28 May (5); done 28 May: on time (5 calendar days would say late).
    T-9 on Wed 14 October: Thu 15, Fri 16, Mon 19, Tue 20, Wed 21 October; done 23 October: late.

    Escalation (3 working days): T-2 (Inadequate, Sat 3 October): deadline Wed 7 October; head of service told
    Mon 5 October (on time); assistant director never: overdue. T-4 (Requires Improvement, Wed 7 October, the
    case has an IRO): deadline Mon 12 October; team manager told 14 October (late); head of service and IRO
    not told: overdue. T-1 (Good, no IRO recorded): team manager only, not told: overdue.

    Capacity, end of September: Nadia, Sol, Alma, Bryn, Cara, Quin and Rey = 7 (target 7, met). October: Pat
    joins, Cara leaves (20 October), Rey moves to moderating: 7 + 1 - 1 - 1 = 6, one short. Moderators: Nadia,
    then Rey too: 1, then 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from qa_core.__main__ import main
from qa_core.store import Store
from qa_core.views import audit_programme as ap
from tests.pages.conftest import app_over, sign_in
from tests.pages.test_council_from_files import FILES

OCT = dt.date(2026, 10, 1)


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


HEADER = [
    "audit_id",
    "audit_date",
    "tier",
    "team",
    "service",
    "auditor",
    "overall_grade",
    "case_ref",
    "tool",
    "has_iro",
    "Risk",
    "Voice",
    "Structure",
    "Frequency",
]
PROGRAMME: list[tuple[str, list[list[object]]]] = [
    (
        "staff",
        [
            ["staff_id", "name", "role", "auditor", "moderator", "auditor_from", "moderator_from"],
            ["P01", "Pat Pine", "practice_manager", "yes", "no", "05/10/2026", ""],
            ["P02", "Rey Rowan", "practice_manager", "no", "yes", "01/01/2026", "12/10/2026"],
        ],
    ),
    (
        "audit_tools",
        [
            ["tool_id", "name", "grading", "seq", "item", "tier"],
            ["generic", "Generic (2A)", "graded", 1, "Risk", "Tier 1"],
            ["generic", "Generic (2A)", "graded", 2, "Voice", "Tier 1"],
            ["sup", "Supervision file audit", "yes_no", 1, "Structure", "supervision"],
            ["sup", "Supervision file audit", "yes_no", 2, "Frequency", "supervision"],
            ["them", "Thematic tool", "graded", 1, "Risk", "thematic"],
        ],
    ),
    (
        "audit_themes",
        [
            ["month", "theme", "tool"],
            ["2026-05", "Neglect", "them"],
            ["2026-10", "Neglect", "Thematic tool"],
            ["2026-07", "Exploitation", "them"],
        ],
    ),
    (
        "audit_targets",
        [["target", "value", "from_month"], ["auditors", 7, "2026-04"], ["escalation_working_days", 3, ""]],
    ),
    (
        "audits",
        [
            HEADER,
            ["T-1", "2026-10-02", "Tier 1", "Alder", "north", "Alma Ash", "Good", "C1", "generic", "", 2, 2, "", ""],
            [
                "T-2",
                "2026-10-03",
                "Tier 1",
                "Alder",
                "north",
                "Alma Ash",
                "Inadequate",
                "C2",
                "generic",
                "no",
                4,
                3,
                "",
                "",
            ],
            [
                "T-3",
                "2026-10-06",
                "Tier 1",
                "Birch",
                "north",
                "Bryn Birch",
                "Good",
                "C3",
                "Generic (2A)",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "T-4",
                "2026-10-07",
                "Tier 1",
                "Birch",
                "north",
                "bryn birch",
                "Requires Improvement",
                "C4",
                "generic",
                "yes",
                3,
                3,
                "",
                "",
            ],
            ["T-5", "2026-10-08", "Tier 1", "Birch", "north", "Bryn Birch", "Good", "C5", "", "", "", "", "", ""],
            ["T-6", "2026-10-05", "Tier 1", "Cedar", "south", "Cara Cedar", "Good", "C6", "", "", "", "", "", ""],
            ["T-7", "2026-10-09", "Tier 2", "Cedar", "south", "Nadia North", "Good", "C7", "", "", "", "", "", ""],
            ["T-8", "2026-10-12", "Tier 2", "Cedar", "south", "Sol South", "Outstanding", "C8", "", "", "", "", "", ""],
            ["T-9", "2026-10-14", "thematic", "Cedar", "south", "Quin Quill", "Good", "C9", "them", "", "", "", "", ""],
            ["T-0", "2026-09-14", "Tier 1", "Alder", "north", "Alma Ash", "Good", "C0", "", "", "", "", "", ""],
            [
                "S-1",
                "2026-10-15",
                "supervision",
                "Alder",
                "north",
                "Quin Quill",
                "",
                "",
                "sup",
                "",
                "",
                "",
                "yes",
                "no",
            ],
            [
                "S-2",
                "2026-10-16",
                "supervision",
                "Birch",
                "north",
                "Quin Quill",
                "",
                "",
                "sup",
                "",
                "",
                "",
                "yes",
                "yes",
            ],
            [
                "TH-5",
                "2026-05-20",
                "thematic",
                "Alder",
                "north",
                "Quin Quill",
                "Requires Improvement",
                "C5B",
                "them",
                "",
                3,
                "",
                "",
                "",
            ],
        ],
    ),
    (
        "audit_actions",
        [
            ["action_id", "audit_id", "description", "owner", "due_date", "completed_date"],
            ["X-5", "TH-5", "See the child alone", "Alma Ash", "2026-05-25", "2026-05-28"],
            ["X-9", "T-9", "Update the plan", "Cara Cedar", "2026-10-21", "2026-10-23"],
        ],
    ),
    (
        "audit_escalations",
        [
            ["audit_id", "told", "told_name", "told_on"],
            ["T-2", "head_of_service", "Nadia North", "05/10/2026"],
            ["T-4", "team_manager", "Bryn Birch", "14/10/2026"],
        ],
    ),
]


@pytest.fixture(scope="module")
def council_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("council_programme")
    db = folder / "testshire.duckdb"
    assert main(["init", "--db", str(db), "--council", "Testshire Council", "--la", "356"]) == 0
    files = [
        (k, r)
        for k, r in FILES
        if k in ("services", "teams", "staff", "expectations", "exemptions", "indicators", "values")
    ]
    for n, (kind, rows) in enumerate([*files, *PROGRAMME]):
        path = folder / f"{n:02d}-{kind}.csv"
        path.write_bytes(_csv(rows))
        assert main(["import", kind, str(path), "--db", str(db), "--user", "officer"]) == 0, kind
    return db


@pytest.fixture
def store(council_db: Path) -> Iterator[Store]:
    with Store(council_db, read_only=True) as opened:
        yield opened


def test_tools_report_grades_or_compliance(store: Store) -> None:
    tools = ap.tool_results(store, OCT, window=1).set_index("tool")
    sup = tools.loc["Supervision file audit"]
    assert (sup["grading"], sup["audits"], sup["yes"], sup["answered"], sup["total"]) == ("yes_no", 2, 3, 4, 0)
    assert sup["pct_yes"] == 75.0 and sup["assessment"].startswith("compliance")
    generic = tools.loc["Generic (2A)"]  # T-1, T-2, T-3 (by name) and T-4
    assert (generic["audits"], generic["inadequate"], generic["total"]) == (4, 1, 4)
    areas = ap.area_results(store, OCT, window=1)
    questions = areas[areas["tool"] == "Supervision file audit"].set_index("item")
    assert questions.loc["Structure", ["yes", "answered"]].tolist() == [2, 2]
    assert questions.loc["Frequency", ["yes", "answered"]].tolist() == [1, 2]


def test_theme_coverage_and_remedial_work_in_working_days(store: Store) -> None:
    coverage, per_year, _ = ap.theme_coverage(store, OCT)
    rows = coverage.set_index("theme")
    assert per_year == 2
    assert rows.loc["Neglect", ["planned_months", "audited_months", "meets"]].tolist() == [2, 2, True]
    assert rows.loc["Exploitation", ["planned_months", "audited_months", "meets"]].tolist() == [1, 0, False]
    may = ap.remedial_actions(store, dt.date(2026, 5, 1)).iloc[0]
    assert (may["deadline"], may["status"]) == (dt.date(2026, 5, 28), "Done on time")  # over the 25 May holiday
    october = ap.remedial_actions(store, OCT).iloc[0]
    assert (october["deadline"], october["status"], october["theme"]) == (dt.date(2026, 10, 21), "Done late", "Neglect")
    assert ap.remedial_counts(store, OCT) == {"Overdue": 0, "Done late": 1, "Not yet due": 0, "Done on time": 0}


def test_the_escalation_record_by_hand(store: Store) -> None:
    rows = ap.escalation_record(store, OCT)
    got = {(r.audit_id, r.notify_role): (r.deadline, r.status) for r in rows.itertuples()}
    assert got[("T-2", "head_of_service")] == (dt.date(2026, 10, 7), "Done on time")
    assert got[("T-2", "assistant_director")] == (dt.date(2026, 10, 7), "Overdue")
    assert got[("T-4", "team_manager")] == (dt.date(2026, 10, 12), "Done late")
    assert got[("T-4", "iro")][1] == "Overdue"  # the audit says the case has an IRO
    assert ("T-2", "iro") not in got and ("T-1", "iro") not in got  # T-2 says none; T-1 does not say
    assert ("S-1", "team_manager") not in {(a, r) for a, r in got}  # a yes/no audit has no grade to escalate
    assert rows["status"].iloc[0] == "Overdue"  # overdue first
    counts = ap.escalation_counts(store, OCT)
    assert counts["Overdue"] == int((rows["status"] == "Overdue").sum()) and counts["Done on time"] >= 1


def test_capacity_across_a_joiner_a_leaver_and_a_move_to_moderator(store: Store) -> None:
    frame = ap.capacity(store, OCT, window=2).set_index("month")
    sep, oct_ = frame.loc[dt.date(2026, 9, 1)], frame.loc[OCT]
    assert (sep["auditors"], sep["auditors_short"], sep["moderators"]) == (7, 0, 1)
    assert (oct_["joined"], oct_["left"], oct_["moved_to_moderator"]) == (1, 1, 1)
    assert (oct_["auditors"], oct_["auditors_short"], oct_["moderators"]) == (6, 1, 2)


def test_select_tier2_on_the_council(council_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "t2.duckdb"
    shutil.copy(council_db, db)
    assert main(["select-tier2", "--db", str(db), "--month", "2026-11", "--seed", "5", "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert [list(r) for r in first] == [
        ["head_of_service", "head_of_service_service", "case_ref", "service_id", "team_id"]
    ] * 2
    assert [r["head_of_service"] for r in first] == ["Nadia North", "Sol South"]
    for row in first:  # never inside their own service
        assert row["case_ref"] and row["service_id"] != row["head_of_service_service"]
    assert main(["select-tier2", "--db", str(db), "--month", "2026-11", "--seed", "5", "--format", "json"]) == 0
    again = capsys.readouterr()
    assert json.loads(again.out) == first and "nothing changed" in again.err  # reproducible, recorded once
    with Store(db, read_only=True) as held:
        assert held.scalar("SELECT count(*) FROM tier2_allocation WHERE month = DATE '2026-11-01'") == 2


# -- the pages, as the QA lead --------------------------------------------------------------------


@pytest.fixture
def qa_lead(council_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    db = tmp_path / "testshire.duckdb"
    shutil.copy(council_db, db)
    monkeypatch.setenv("QA_DB", str(db))
    for app in app_over(db, monkeypatch):
        yield sign_in(app, "qa.lead@kestrelvale.example")


def _open(app: AppTest, tab: str) -> AppTest:
    """The Audit grades page for October 2026 on ``tab`` (opened first on its first tab, as a link would, then
    the tab chosen: a tab set before the first run stays bound to the URL)."""
    if not getattr(app, "_programme_open", False):
        app.session_state["month"] = "2026-10"
        app.switch_page("app_pages/audits.py").run()
        app._programme_open = True
    app.session_state["audit_tab"] = tab
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _table(app: AppTest, column: str) -> pd.DataFrame:
    found = [d.value for d in app.dataframe if column in d.value.columns]
    assert found, (column, [list(d.value.columns) for d in app.dataframe], [i.value for i in app.info])
    return found[0]


def test_the_qa_lead_sees_an_overdue_escalation_and_records_it(qa_lead: AppTest, council_db: Path) -> None:
    app = _open(qa_lead, "Escalation record")
    metrics = {m.label: m.value for m in app.metric}
    with Store(council_db, read_only=True) as store:
        counts = ap.escalation_counts(store, OCT)
    assert metrics["Overdue"] == str(counts["Overdue"]) and counts["Overdue"] >= 3
    table = _table(app, "Tell").set_index(["Audit", "Tell"])
    assert table.loc[("T-2", "Assistant Director"), "Status"] == "Overdue"
    assert table.loc[("T-2", "Head of Service"), ["Status", "Told on"]].tolist() == ["Told on time", "05 Oct 2026"]
    # Record the assistant director as told on 9 October: after the 7 October deadline, so told late.
    choice = app.selectbox(key="audit_escalation_pick")
    choice.select_index(
        next(i for i, o in enumerate(choice.options) if o.startswith("T-2 ") and o.endswith("Assistant Director"))
    )
    app.date_input(key="audit_escalation_day").set_value(dt.date(2026, 10, 9))
    app.button(key="audit_escalation_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("Recorded: the Assistant Director was told of T-2 on 09 October 2026" in s.value for s in app.success)
    table = _table(app, "Tell").set_index(["Audit", "Tell"])
    assert table.loc[("T-2", "Assistant Director"), ["Status", "Told on"]].tolist() == ["Told late", "09 Oct 2026"]
    assert {m.label: m.value for m in app.metric}["Overdue"] == str(counts["Overdue"] - 1)
    with Store(_db(app)) as store:
        held = store.query(
            "SELECT told_on, recorded_by FROM audit_escalation WHERE audit_id = 'T-2' "
            "AND notify_role = 'assistant_director'"
        )
    assert (
        held["told_on"].iloc[0] == pd.Timestamp("2026-10-09")
        and held["recorded_by"].iloc[0] == "qa.lead@kestrelvale.example"
    )


def _db(app: AppTest) -> str:
    import os

    return os.environ["QA_DB"]


def test_the_programme_tabs_on_the_council(qa_lead: AppTest) -> None:
    app = _open(qa_lead, "Tools and areas")
    assert (
        _table(app, "How it grades").set_index("Tool").loc["Supervision file audit", "Result"]
        == "75.0% (3 of 4) of answers yes"
    )
    app = _open(app, "Thematic audits")
    coverage = _table(app, "Coverage").set_index("Theme")
    assert coverage.loc["Exploitation", "Coverage"] == "Not met" and coverage.loc["Neglect", "Coverage"] == "Met"
    remedial = _table(app, "Deadline (5 working days)")
    assert remedial["Status"].tolist() == ["Done late"]
    app = _open(app, "Auditors")
    numbers = _table(app, "Trained auditors").set_index("Month")
    assert numbers.loc["October 2026", ["Trained auditors", "Joined", "Left", "Moved to moderating"]].tolist() == [
        6,
        1,
        1,
        1,
    ]
    app = _open(app, "Tier 2 allocation")
    assert any("No Tier 2 cases were allocated for October 2026" in i.value for i in app.info)
