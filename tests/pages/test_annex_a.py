"""Annex A on the pages: the Data page reads an Annex A workbook (kind ``annex_a``), and the clinic shows
the children's records behind an Annex A number to the roles with case-level rights, each only its own
service's or team's, over the demo council built with its Annex A (``build_demo(annex_a=True)``)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_core.demo import DEMO_END, build_demo
from qa_core.demo.annex_a import annex_a_sheets, annex_a_workbook
from qa_core.io.annex_a.privacy import key_path
from qa_core.roles import Viewer, resolve_viewer
from qa_core.store import Store
from tests.pages.conftest import app_over, sign_in, walk_elements
from tests.pages.test_roles_walk import open_as, screen_text
from tests.unit.annex_a_support import hand_worked_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PSEUDONYM = re.compile(r"\b[0-9a-f]{16}\b")


@pytest.fixture(scope="module")
def annex_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("annex-demo") / "qa.duckdb"
    build_demo(path, annex_a=True)
    return path


@pytest.fixture
def app(annex_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    db = tmp_path / "qa.duckdb"
    shutil.copy(annex_db, db)
    shutil.copy(key_path(annex_db), key_path(db))  # the store and its pseudonym key, as a restore copies them
    yield from app_over(db, monkeypatch)


@pytest.fixture(scope="module")
def people(annex_db: Path) -> dict:
    with Store(annex_db, read_only=True) as store:
        workers = store.query("""SELECT DISTINCT r.worker, t.team_id, t.service_id FROM annex_a_count c
            JOIN annex_a_record r USING (record_id) JOIN team t ON t.team_id = c.team_id
            WHERE c.code = 'AA_ASSESS_45WD' AND c.period = DATE '2026-10-01' AND r.worker IS NOT NULL""")
        viewers = {
            key: resolve_viewer(store, role, scope)
            for key, (role, scope) in {
                "ad": ("assistant_director", None),
                "qa": ("qa_lead", None),
                "hos": ("head_of_service", "assessment"),
                "hos_other": ("head_of_service", "cp_court"),
                "tm": ("team_manager", "assessment_01"),
            }.items()
        }
        total = int(
            store.scalar(
                "SELECT count(*) FROM annex_a_count c JOIN team t ON t.team_id = c.team_id "
                "WHERE c.code = 'AA_ASSESS_45WD' AND c.period = DATE '2026-10-01' "
                "AND t.service_id = 'assessment'"
            )
        )
    return {"workers": workers, "viewers": viewers, "total": total}


def _records_expander(app: AppTest):
    return next(e for e in app.expander if e.label.startswith("The children's records behind this number"))


def _records_table(app: AppTest):
    frames = [
        e.value for e in walk_elements(_records_expander(app)) if hasattr(e, "value") and hasattr(e.value, "columns")
    ]
    return frames[0] if frames else None


@pytest.mark.parametrize(
    "who, teams",
    [
        ("ad", {"Assessment North", "Assessment South", "Assessment East", "Assessment West"}),
        ("qa", {"Assessment North", "Assessment South", "Assessment East", "Assessment West"}),
        ("hos", {"Assessment North", "Assessment South", "Assessment East", "Assessment West"}),
        ("tm", {"Assessment North"}),
        ("hos_other", set()),
    ],
)
def test_the_records_behind_an_annex_a_number_by_role(app: AppTest, people: dict, who: str, teams: set[str]) -> None:
    viewer: Viewer = people["viewers"][who]
    open_as(app, viewer, "clinic", service="assessment", measure="AA_ASSESS_45WD")
    expander = _records_expander(app)
    assert expander.label == f"The children's records behind this number ({people['total']:,})"
    table = _records_table(app)
    text = screen_text(app)
    if not teams:
        assert table is None and "You see 0 of" in text and "No records to show." in text
    else:
        assert set(table["Team"]) == teams
        assert table["Child (pseudonym)"].str.fullmatch("[0-9a-f]{16}").all()
        assert {"Assessment started", "Authorised", "Working days", "Counted in the numerator"} <= set(table.columns)
        assert (len(table) == people["total"]) == (who != "tm")
    # Staff names only for the teams whose cases the role sees (and at least one where it sees any).
    workers = people["workers"]
    seen = set(
        workers["worker"][
            [viewer.sees_cases(s, t) for s, t in zip(workers["service_id"], workers["team_id"], strict=True)]
        ]
    )
    leaked = [n for n in set(workers["worker"]) - seen if re.search(rf"\b{re.escape(n)}\b", text)]
    assert leaked == []
    assert bool(teams) == any(re.search(rf"\b{re.escape(n)}\b", text) for n in seen)


def test_a_measure_not_from_annex_a_has_no_records_section(app: AppTest, people: dict) -> None:
    open_as(app, people["viewers"]["ad"], "clinic", service="assessment", measure="ASSESS_45WD")
    assert not [e for e in app.expander if e.label.startswith("The children's records")]


def test_the_data_page_reads_an_annex_a_workbook(app: AppTest, annex_db: Path) -> None:
    sign_in(app, "ad@kestrelvale.example")
    app.session_state["kind"] = "annex_a"
    app.switch_page("app_pages/data.py").run()
    assert not app.exception
    assert [e.label for e in app.expander][:1] == ["The sheets and columns read from the Ofsted Annex A workbook"]
    columns = app.dataframe[0].value
    assert "List 3: Date of Referral" in set(columns["Column"])
    labels = [d.proto.label for d in app.get("download_button")]
    assert "Template (CSV)" not in labels and "Template (Excel)" in labels
    assert app.file_uploader[0].label == "The Ofsted Annex A workbook (Excel .xlsx)"
    # The hand-worked workbook's teams (MASH, Leaving Care) are not the demo council's: every row is named.
    app.file_uploader[0].set_value(("hand-worked.xlsx", hand_worked_workbook(), XLSX))
    app.run()
    assert not app.exception
    problems = next(d.value for d in app.dataframe if "Problem" in d.value.columns)
    assert list(problems.columns[:3]) == ["Sheet", "Row", "Column"]
    first = problems.iloc[0]
    assert (first["Sheet"], first["Row"], first["Column"]) == ("List 3", "2", "Allocated Team")
    assert "There is no team 'MASH'" in first["Problem"]


def test_the_data_page_imports_the_demo_councils_annex_a(app: AppTest, annex_db: Path) -> None:
    sign_in(app, "ad@kestrelvale.example")
    with Store(annex_db, read_only=True) as store:
        teams = store.query("SELECT team_id, service_id, name FROM team")
    book = annex_a_workbook(annex_a_sheets(teams, DEMO_END.date(), months=2, seed=3, volume=0.05))
    app.session_state["kind"] = "annex_a"
    app.switch_page("app_pages/data.py").run()
    app.file_uploader[0].set_value(("annex-a.xlsx", book, XLSX))
    app.run()
    assert not app.exception
    warning = next(w.value for w in app.warning if "re-submission" in w.value)
    assert "replaces rows already held" in warning  # September and October 2026 are held from the demo's own
    app.button(key="confirm_import").click().run()
    assert not app.exception
    assert any(s.value.startswith("Import ") and "Every page now shows the new figures" in s.value for s in app.success)
    months = next(t.value for t in app.text if t.value.startswith("Months given:"))
    assert "October 2026" in months
