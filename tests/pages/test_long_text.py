"""Issue 11, finding 11 (pages): 1 MiB texts put into a copy of the demo store with SQL (past the
import's length limits, as an old store or another tool could) are shown shortened, with the
whole text readable on request, and no page puts more than a bounded amount of text on screen.

The texts: an improvement-plan narrative, its evidence, a priority and an Ofsted recommendation
(area AREA01, October 2026); a risk's title and its 2026/27 Q2 reasons, controls and outlook; an
open clinic action and a commentary for Assessment; an overdue audit action. Each is 1,048,576
characters of numbered words ("0000000 0000001 ..."), so any part of it shows where it came from.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from qa_core.pages import PAGE_KEYS
from qa_core.store import Store
from tests.pages.conftest import app_over, open_page, walk_elements
from ui.long_text import PART_CHARS, PREVIEW_CHARS

BIG = "".join(f"{i:07d} " for i in range(131_072))  # 1 MiB: 131,072 numbered words of 8 characters
PAGE_TEXT_LIMIT = 200_000  # what one page may put on screen with nothing opened in full
RISK = "CSR001"  # residual 5 x 4 in 2026/27 Q2: high-scoring, so its reasons, controls and outlook are shown
AUDIT_ACTION_SQL = """
    SELECT x.action_id FROM audit_action x JOIN audit a USING (audit_id)
    WHERE a.service_id = 'assessment' AND x.due_date < DATE '2026-10-31'
      AND (x.completed_date IS NULL OR x.completed_date > DATE '2026-10-31')
    ORDER BY x.action_id LIMIT 1"""
LONG_SQL = [
    "UPDATE plan_narrative SET text = $big, evidence = $big WHERE area_id = 'AREA01' AND month = DATE '2026-10-01' "
    "AND kind = 'development' AND seq = 1",
    "UPDATE plan_priority SET description = $big WHERE priority_id = 'AREA01-P1'",
    "UPDATE plan_area SET ofsted_recommendation = $big WHERE area_id = 'AREA01'",
    f"UPDATE risk SET title = $big WHERE risk_ref = '{RISK}'",
    f"UPDATE risk_review SET reasons = $big, controls = $big, outlook = $big WHERE risk_ref = '{RISK}' "
    "AND quarter = '2026/27 Q2'",
    "UPDATE clinic_action SET description = $big WHERE action_id = (SELECT min(action_id) FROM clinic_action "
    "WHERE service_id = 'assessment' AND completed_date IS NULL AND clinic_month <= DATE '2026-10-01')",
    "UPDATE commentary SET text = $big WHERE org_id = 'assessment' AND period = DATE '2026-10-01'",
    f"UPDATE audit_action SET description = $big WHERE action_id = ({AUDIT_ACTION_SQL})",
]
PAGES = [key for key in PAGE_KEYS if key != "accessibility"]  # the statement shows no stored text


@pytest.fixture(scope="module")
def long_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("long") / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        for sql in LONG_SQL:
            store.execute(sql, {"big": BIG})
        held = store.scalar(
            "SELECT count(*) FROM (SELECT text FROM plan_narrative UNION ALL SELECT evidence FROM plan_narrative "
            "UNION ALL SELECT description FROM plan_priority UNION ALL SELECT ofsted_recommendation FROM plan_area "
            "UNION ALL SELECT title FROM risk UNION ALL SELECT reasons FROM risk_review UNION ALL SELECT controls "
            "FROM risk_review UNION ALL SELECT outlook FROM risk_review UNION ALL SELECT description FROM "
            "clinic_action UNION ALL SELECT text FROM commentary UNION ALL SELECT description FROM audit_action) t "
            "WHERE length(t.text) = 1048576"
        )
    assert held >= len(LONG_SQL) + 3  # every statement above wrote at least one 1 MiB text
    return db


@pytest.fixture
def app(long_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    db = tmp_path / "qa.duckdb"
    shutil.copy(long_db, db)
    yield from app_over(db, monkeypatch)


def _open(app: AppTest, page: str, service: str = "all", **state: object) -> AppTest:
    return open_page(app, page, role="assistant_director", month="2026-10", service=service, **state)


def _on_screen(app: AppTest) -> list[str]:
    """Every text the page put on screen: element values (tables cell by cell), labels, options."""
    texts = []
    for element in [*walk_elements(app.main), *walk_elements(app.sidebar)]:
        value = getattr(element, "value", None)
        if isinstance(value, pd.DataFrame):
            texts += [str(v) for v in value.to_numpy().ravel()]
        elif isinstance(value, str):
            texts.append(value)
        for attr in ("label", "body"):
            if isinstance(getattr(element, attr, None), str):
                texts.append(getattr(element, attr))
        texts += [str(o) for o in getattr(element, "options", None) or []]
    return texts


def _previews(texts: list[str]) -> list[str]:
    """The shortened long texts: the start of the text and "…" (a preview may begin with a label)."""
    return [t for t in texts if t.endswith("…") and BIG[:200] in t and len(t) <= PREVIEW_CHARS + 1]


@pytest.mark.parametrize(
    ("page", "service", "state"),
    [
        ("home", "all", {}),
        ("rag", "all", {"area": "AREA01"}),
        ("risks", "all", {"risk_ref": RISK}),
        ("clinic", "assessment", {}),
        ("audits", "assessment", {"audit_tab": "Overdue audit actions"}),
        ("teams", "assessment", {}),
        ("scrutiny", "all", {}),
        ("benchmarks", "all", {}),
        ("data", "all", {}),
    ],
)
def test_no_page_puts_a_whole_long_text_on_screen(app: AppTest, page: str, service: str, state: dict) -> None:
    texts = _on_screen(_open(app, page, service, **state))
    assert not [t[:40] for t in texts if BIG[: PREVIEW_CHARS + 1] in t], f"{page}: a long text shown whole"
    assert sum(map(len, texts)) < PAGE_TEXT_LIMIT
    shortened = {"rag": 4, "risks": 5, "clinic": 2, "audits": 1}.get(page, 0)  # texts shown on each page
    assert len(_previews(texts)) >= shortened, f"{page}: {len(_previews(texts))} previews"


def _reads_whole(app: AppTest, key: str) -> bool:
    """Whether the parts of the text opened under ``key``, chosen one by one, are exactly BIG in
    order (st.text trims the whitespace at either end of what it shows, so each part is compared
    trimmed: BIG's parts end in a space whenever they end between two words)."""
    parts = int(app.number_input(key=f"{key}_part").max)
    assert parts == -(-len(BIG) // PART_CHARS)
    for n in range(1, parts + 1):
        app.number_input(key=f"{key}_part").set_value(n).run()
        expected = BIG[(n - 1) * PART_CHARS : n * PART_CHARS].strip()
        if [t.value for t in app.text if t.value == expected] != [expected]:
            return False
    return True


def test_the_rag_page_shortens_a_1_mib_narrative_and_reads_it_whole_on_request(app: AppTest) -> None:
    _open(app, "rag", area="AREA01")
    narrative = [t.value for t in app.text if t.value.startswith("0000000 ")]
    assert narrative == [BIG[:PREVIEW_CHARS] + "…"]  # shortened where it sits (evidence starts "Evidence:")
    switch = app.toggle(key="rag_full_AREA01_development_1")
    assert switch.label == "Read in full (1,048,576 characters)" and not switch.value
    switch.set_value(True).run()
    assert not app.exception
    assert "Part (of 21, 50,000 characters each)" == app.number_input(key="rag_full_AREA01_development_1_part").label
    assert _reads_whole(app, "rag_full_AREA01_development_1")  # the whole text, part by part
    assert sum(map(len, _on_screen(app))) < PAGE_TEXT_LIMIT  # even opened: one part at a time


def test_the_priorities_table_shortens_a_long_description_and_reads_it_whole_on_request(app: AppTest) -> None:
    _open(app, "rag", area="AREA01")
    table = next(d.value for d in app.dataframe if "Priority" in d.value.columns)
    assert table["Priority"].iloc[0] == BIG[:PREVIEW_CHARS] + "…"
    chooser = app.selectbox(key="rag_full_prio_AREA01")
    assert chooser.options == ["AREA01-P1: Priority"] and chooser.value is None
    chooser.set_value(0).run()
    assert _reads_whole(app, "rag_full_prio_AREA01_0")


def test_the_risk_register_and_clinic_actions_read_their_long_texts_whole(app: AppTest) -> None:
    _open(app, "risks", risk_ref=RISK)
    register = next(d.value for d in app.dataframe if "Risk" in d.value.columns)
    assert register.loc[register["Ref"] == RISK, "Risk"].iloc[0] == BIG[:PREVIEW_CHARS] + "…"
    app.selectbox(key="risk_full_register").set_value(0).run()
    assert _reads_whole(app, "risk_full_register_0")
    app.selectbox(key="risk_full_register").set_value(None).run()  # closed again: one text open at a time
    app.toggle(key=f"risk_full_Controls in place_{RISK}").set_value(True).run()
    assert _reads_whole(app, f"risk_full_Controls in place_{RISK}")
    _open(app, "clinic", "assessment")
    actions = pd.concat([d.value for d in app.dataframe if "What will be done" in d.value.columns])
    assert (actions["What will be done"] == BIG[:PREVIEW_CHARS] + "…").sum() == 1
    app.selectbox(key="clinic_full_actions").set_value(0).run()
    assert _reads_whole(app, "clinic_full_actions_0")
