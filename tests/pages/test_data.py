"""The Data page on a private copy of the demo council: choose a kind, upload, check, import, log.

AppTest's ``file_uploader(...).set_value((name, bytes, mime))`` stands in for a real upload. The
store is read through the app's own connection (``ui.data.get_store()``, one per process), since
DuckDB refuses a second connection to the same file with another configuration.

Imports need a signed-in person, so these tests sign in (AppTest's ``user`` stands in for the
identity provider); the local demo only checks files (``test_the_local_demo_checks_but_never_imports``).
"""

from __future__ import annotations

import shutil

import pytest

from qa_core.io.importer import KINDS, validate_file
from qa_core.io.importer.templates import TEMPLATE_DIR
from tests.pages.conftest import app_over, sign_in
from ui import data

GOOD = (TEMPLATE_DIR / "audits.csv").read_bytes()  # one November 2026 audit for Assessment North
BAD = (b"audit_id,audit_date,tier,team,service,auditor,overall_grade,Chronology\n"
       b"AUD-X-1,31/02/2026,Tier 1,Nowhere Team,Assessment,Jo Bloggs,5,Good\n"
       b"AUD-X-2,03/11/2026,Tier 1,Assessment North,Assessment,Jo Bloggs,Good,7\n"
       b"AUD-X-3,03/11/2026,Tier 9,Assessment North,Assessment,,Good,Good\n")


@pytest.fixture
def app(app):
    """The app signed in as the demo council's assistant director, who may import."""
    return sign_in(app, "ad@kestrelvale.example")


@pytest.fixture
def demo_app(demo_db, tmp_path, monkeypatch):
    """The local demo (no sign-in) over its own copy of the demo store."""
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    yield from app_over(db, monkeypatch)


def _count(sql: str) -> int:
    return int(data.get_store().scalar(sql))


def _open(app, kind: str = "audits"):
    app.session_state["kind"] = kind
    app.switch_page("app_pages/data.py").run()
    assert not app.exception
    return app


def _upload(app, body: bytes, name: str = "audits.csv"):
    app.file_uploader[0].set_value((name, body, "text/csv"))
    app.run()
    assert not app.exception
    return app


def _confirm(app):
    app.button(key="confirm_import").click().run()
    assert not app.exception
    return app


def _log(app):
    return next(d.value for d in app.dataframe if "File hash" in d.value.columns)


def test_page_opens_on_values_with_empty_states(app):
    app.switch_page("app_pages/data.py").run()
    assert not app.exception
    assert app.title[0].value == "Data"
    assert app.selectbox(key="kind").value == "values"
    infos = [i.value for i in app.info]
    assert any(i.startswith("No file yet") for i in infos)
    assert any(i.startswith("No files have been imported") for i in infos)
    assert not [b for b in app.button if b.key == "confirm_import"]


@pytest.mark.parametrize("kind", ["values", "audits", "risks"])
def test_kind_choice_shows_its_columns_and_templates(app, kind):
    _open(app, "values")
    app.selectbox(key="kind").set_value(kind).run()
    assert not app.exception
    spec = KINDS[kind]
    columns = app.dataframe[0].value
    expected = [c.name for c in spec.columns] + ([spec.extra.name] if spec.extra else [])
    assert list(columns["Column"]) == expected
    required = dict(zip(columns["Column"], columns["Required"], strict=True))
    assert all(required[c] == "Required" for c in spec.required)
    assert spec.summary in [m.value for m in app.markdown]
    assert f"A {spec.title.lower()} file (CSV or Excel .xlsx)" == app.file_uploader[0].label
    downloads = app.get("download_button")
    labels = [d.proto.label for d in downloads]
    assert labels[:2] == ["Template (CSV)", "Template (Excel)"]


def test_a_valid_file_previews_then_imports(app):
    # Matched by a group and with no email, the person types the name the log records.
    sign_in(app, None, groups=["csc-performance-team"])
    before = _count("SELECT count(*) FROM audit")
    _open(app)
    _upload(app, GOOD)
    ready = app.success[0].value
    assert ready.startswith("The file is ready to import. 1 row read: 1 would be added, 0 would be replaced")
    assert "Nothing has been written yet" in ready
    assert any("November 2026 audits for Assessment North would be added (1 audit)" == t.value for t in app.text)
    preview = next(d.value for d in app.dataframe if "audit_id" in d.value.columns)
    assert preview["audit_id"].tolist() == ["AUD-EXAMPLE-0001"]
    assert preview["team_id"].tolist() == ["assessment_01"]
    assert _count("SELECT count(*) FROM audit") == before  # checking writes nothing
    assert _count("SELECT count(*) FROM import_log") == 0

    app.text_input(key="import_user").input("Sam Performance")
    _confirm(app)
    done = app.success[0].value
    assert done.startswith("Import 1 is complete. 1 row read: 1 added, 0 replaced, 0 unchanged, 0 removed.")
    assert any(t.value == "November 2026 audits for Assessment North added (1 audit)" for t in app.text)
    assert _count("SELECT count(*) FROM audit") == before + 1
    assert _count("SELECT count(*) FROM audit WHERE audit_id = 'AUD-EXAMPLE-0001' AND overall_grade = 2") == 1
    log = _log(app)
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["Who"], row["File"], row["Kind"], row["Status"]) == (
        "Sam Performance", "audits.csv", "Case-file audits", "Imported")
    assert (row["Added"], row["Replaced"], row["Unchanged"], row["Rejected"]) == (1, 0, 0, 0)
    sha = data.get_store().scalar("SELECT file_sha256 FROM import_log")
    assert row["File hash"] == sha[:12]
    # The uploader is emptied after an import, so the same bytes cannot be confirmed twice.
    assert app.file_uploader[0].value is None
    assert not [b for b in app.button if b.key == "confirm_import"]


def test_the_same_file_again_changes_nothing(app):
    _open(app)
    _confirm(_upload(app, GOOD))
    audits = _count("SELECT count(*) FROM audit")
    grades = _count("SELECT count(*) FROM audit_area_grade")
    _upload(app, GOOD)
    assert any(i.value.startswith("Every row of this file is already held exactly so") for i in app.info)
    assert "1 would be unchanged" in next(i.value for i in app.info if i.value.startswith("Every row"))
    _confirm(app)
    assert app.success[0].value.startswith("Import 2 changed nothing")
    assert "0 added, 0 replaced, 1 unchanged, 0 removed" in app.success[0].value
    assert _count("SELECT count(*) FROM audit") == audits
    assert _count("SELECT count(*) FROM audit_area_grade") == grades
    log = _log(app)
    assert log["Import"].tolist() == [2, 1]
    assert log["Unchanged"].tolist() == [1, 0]
    assert log["File hash"].nunique() == 1  # the same file, by its hash


def test_a_corrected_resubmission_replaces_and_says_so(app):
    _open(app)
    _confirm(_upload(app, GOOD))
    corrected = GOOD.replace(b"Jodie Fenwick,Good,", b"Jodie Fenwick,Inadequate,")
    assert corrected != GOOD
    _upload(app, corrected, "audits-corrected.csv")
    warning = app.warning[0].value
    assert warning.startswith("This file is a re-submission")
    assert "1 would be replaced" in warning
    _confirm(app)
    assert "0 added, 1 replaced, 0 unchanged, 0 removed" in app.success[0].value
    assert any("replaced" in t.value for t in app.text)
    assert _count("SELECT overall_grade FROM audit WHERE audit_id = 'AUD-EXAMPLE-0001'") == 4
    assert _log(app)["Replaced"].tolist() == [1, 0]


def test_a_file_with_errors_lists_every_problem_and_writes_nothing(app):
    before = _count("SELECT count(*) FROM audit")
    _open(app)
    _upload(app, BAD, "bad audits.csv")
    error = app.error[0].value
    assert error.startswith("This file has 6 problems in 3 of its 3 rows. Nothing has been written.")
    problems = next(d.value for d in app.dataframe if "Problem" in d.value.columns)
    expected = validate_file(data.get_store(), "audits", BAD, "bad audits.csv").problems
    assert len(problems) == len(expected) == 6
    assert list(zip(problems["Row"], problems["Column"], problems["Problem"], strict=True)) == [
        (str(p.row), p.column, p.message) for p in expected]
    by_place = {(r, c) for r, c in zip(problems["Row"], problems["Column"], strict=True)}
    assert {("2", "audit_date"), ("2", "team"), ("2", "overall_grade"), ("3", "Chronology"), ("4", "tier"),
            ("4", "auditor")} == by_place
    assert any("'Nowhere Team'" in p for p in problems["Problem"])
    assert not [b for b in app.button if b.key == "confirm_import"]
    assert "Download the problems (CSV)" in [d.proto.label for d in app.get("download_button")]
    assert _count("SELECT count(*) FROM audit") == before
    assert _count("SELECT count(*) FROM import_log") == 0


def test_a_file_that_is_not_a_table_is_refused_plainly(app):
    _open(app, "values")
    _upload(app, b"\x00\x01 not a spreadsheet", "values.xlsx")
    assert "Nothing has been written." in app.error[0].value
    problems = next(d.value for d in app.dataframe if "Problem" in d.value.columns)
    assert problems["Row"].iloc[0] == "whole file"


def test_the_log_shows_the_messages_of_a_chosen_import(app):
    _open(app)
    _confirm(_upload(app, GOOD))
    app.selectbox(key="log_import").set_value(1).run()
    assert not app.exception
    assert any(t.value == "November 2026 audits for Assessment North added (1 audit)" for t in app.text)
    assert any(t.value.startswith("File SHA-256: ") for t in app.text)


def test_a_signed_in_import_is_recorded_under_the_email(app):
    _open(app)
    _upload(app, GOOD)
    assert not app.text_input  # nothing to type: the provider says who it is
    # ui.safe.md puts an invisible word joiner after "@" so the address is text, not a mailto: link
    assert any(c.value.replace("\u2060", "") == "The import log will record it as imported by ad@kestrelvale.example."
               for c in app.caption)
    _confirm(app)
    assert app.success[0].value.startswith("Import 1 is complete.")
    assert _log(app).iloc[0]["Who"] == "ad@kestrelvale.example"


def test_the_local_demo_checks_but_never_imports(demo_app):
    # Issue 11: a council's data must never be loaded into the local demo (no sign-in, any role).
    before = _count_after(demo_app, "SELECT count(*) FROM audit")
    _open(demo_app)
    assert demo_app.info[0].value.startswith("Importing is turned off in the local demo: anyone who can open it "
                                             "may pick any role and nobody is signed in")
    _upload(demo_app, GOOD)
    assert demo_app.success[0].value.startswith("The file is ready to import.")  # the check still works
    assert any(i.value.startswith("This file was only checked: importing is turned off") for i in demo_app.info)
    assert not [b for b in demo_app.button if b.key == "confirm_import"] and not demo_app.text_input
    assert _count("SELECT count(*) FROM audit") == before
    assert _count("SELECT count(*) FROM import_log") == 0


def _count_after(app, sql: str) -> int:
    app.run()  # opens the store the app will use
    assert not app.exception
    return _count(sql)
