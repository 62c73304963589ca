"""Issue 13, "data complete to" on the pages: importing one team's first audits of a new month used
to move every page to that month, where At a glance said "No measures have values" and rated the
council's audits on that team's few. Pages now open on the latest complete month; the partial month
can still be chosen, is labelled so and says so on the page; a month a person chose stays chosen
through an import, even when the import changes whether that month is complete.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_core.io.importer import import_file
from qa_core.io.importer.templates import TEMPLATE_DIR
from qa_core.store import Store
from tests.pages.conftest import app_over, sign_in
from ui import data

#: The audits template: one November 2026 audit for Assessment North, one team's first of the month.
FIRST_AUDIT = (TEMPLATE_DIR / "audits.csv").read_bytes()
NOVEMBER_NOTE = (
    "Data complete to October 2026. November 2026 has audits for 1 of the usual 24 teams and no "
    "indicator values yet (usually 200: one per measure and team): its figures are not final."
)
#: The pages that read the sidebar's month.
MONTH_PAGES = ["home", "clinic", "rag", "audits", "risks", "teams"]


@pytest.fixture
def partial_app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The assistant director signed in over a demo store into which one team's first November audit
    was imported (a store with anything imported opens only with sign-in)."""
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        import_file(store, "audits", FIRST_AUDIT, "audits.csv", user="test")
    for app in app_over(db, monkeypatch):
        yield sign_in(app, "ad@kestrelvale.example")


def _month_box(app: AppTest):
    return next(s for s in app.sidebar.selectbox if s.label == "Month")


def _open(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, app.exception[0].message if app.exception else ""
    return app


def _complete_november_and_december() -> None:
    """A council's whole November and December arrive (values and audits as in October), written
    through the app's own store connection, then the caches cleared, as the Data page does."""
    store = data.get_store()
    for month in ("2026-11-01", "2026-12-01"):
        store.execute(
            "INSERT INTO indicator_value SELECT code, $month::DATE, team_id, numerator, denominator, value "
            "FROM indicator_value WHERE period = DATE '2026-10-01'",
            {"month": month},
        )
        store.execute(
            "INSERT INTO audit SELECT * REPLACE ($tag || audit_id AS audit_id, "
            "$month::DATE + (audit_date - DATE '2026-10-01')::INTEGER AS audit_date) "
            "FROM audit WHERE audit_date >= DATE '2026-10-01' AND audit_date < DATE '2026-11-01'",
            {"month": month, "tag": month[:7] + "-"},
        )
    data.clear_caches()


def test_pages_open_on_the_last_complete_month(partial_app: AppTest) -> None:
    app = _open(partial_app, "home")
    box = _month_box(app)
    assert box.value == "2026-10"  # not November, where only one team's audit is in
    assert box.options[:2] == ["November 2026 (partial)", "October 2026"]  # still on offer, labelled
    notes = [c.value for c in app.sidebar.caption]
    assert (
        "Data complete to October 2026: November 2026 has audits for 1 of the usual 24 teams and no indicator "
        "values yet (usually 200: one per measure and team)."
    ) in notes
    assert app.caption[0].value == "October 2026 · All services"
    assert not [w for w in app.warning if w.value.startswith("Data complete to")]
    assert "No measures have values for this month." not in [m.value for m in app.markdown]
    assert len(app.dataframe[0].value) >= 20  # October's measures


def test_a_partial_month_can_be_chosen_and_every_page_says_so(partial_app: AppTest) -> None:
    app = _open(partial_app, "home")
    _month_box(app).set_value("2026-11").run()
    assert not app.exception
    assert app.caption[0].value == "November 2026 · All services"
    assert NOVEMBER_NOTE in [w.value for w in app.warning]
    for page in MONTH_PAGES:
        _open(app, page)
        assert _month_box(app).value == "2026-11", page
        assert NOVEMBER_NOTE in [w.value for w in app.warning], page
    # Pages that do not read the month say nothing about it.
    _open(app, "scrutiny")
    assert not [w for w in app.warning if w.value.startswith("Data complete to")]


def test_a_link_to_the_partial_month_opens_it_with_or_without_the_label(partial_app: AppTest) -> None:
    partial_app.query_params["month"] = "November 2026"  # a link made before, or by hand
    app = _open(partial_app, "home")
    assert _month_box(app).value == "2026-11" and app.caption[0].value == "November 2026 · All services"


def test_a_link_made_while_the_month_was_partial_still_opens_it(partial_app: AppTest) -> None:
    partial_app.query_params["month"] = "November 2026 (partial)"  # as the page writes it while partial
    app = _open(partial_app, "clinic")
    assert _month_box(app).value == "2026-11"
    _complete_november_and_december()  # November is complete now; pages would open on December
    fresh = AppTest.from_file(app._script_path, default_timeout=60)  # the link opened again, later
    sign_in(fresh, "ad@kestrelvale.example")
    fresh.query_params["month"] = "November 2026 (partial)"
    _open(fresh, "home")
    assert _month_box(fresh).value == "2026-11" and fresh.caption[0].value == "November 2026 · All services"
    fresh.query_params.clear()
    other = AppTest.from_file(app._script_path, default_timeout=60)
    _open(sign_in(other, "ad@kestrelvale.example"), "home")
    assert _month_box(other).value == "2026-12"  # without a link: the latest complete month


@pytest.fixture
def signed_in_app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The assistant director signed in (imports need sign-in) over a copy of the demo store."""
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    for app in app_over(db, monkeypatch):
        yield sign_in(app, "ad@kestrelvale.example")


def test_choosing_a_month_then_importing_keeps_the_chosen_month(signed_in_app: AppTest) -> None:
    app = _open(signed_in_app, "home")
    assert _month_box(app).value == "2026-10"
    _month_box(app).set_value("2026-08").run()
    assert app.caption[0].value == "August 2026 · All services"
    # Import one team's first November audit on the Data page.
    app.session_state["kind"] = "audits"
    _open(app, "data")
    app.file_uploader[0].set_value(("audits.csv", FIRST_AUDIT, "text/csv"))
    app.run()
    app.button(key="confirm_import").click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Import 1 is complete.")
    assert _month_box(app).value == "2026-08"
    _open(app, "home")
    assert _month_box(app).value == "2026-08"
    assert app.caption[0].value == "August 2026 · All services"
    assert _month_box(app).options[0] == "November 2026 (partial)"  # the import's month is on offer


def test_a_chosen_partial_month_stays_chosen_when_its_data_completes(partial_app: AppTest) -> None:
    """Choosing November while partial, then November and December arriving in full: November's
    label loses "(partial)" and the month pages would open on is December, but this person stays
    on November."""
    app = _open(partial_app, "home")
    _month_box(app).set_value("2026-11").run()
    assert NOVEMBER_NOTE in [w.value for w in app.warning]
    _complete_november_and_december()
    app.run()
    assert not app.exception
    box = _month_box(app)
    assert box.value == "2026-11"
    assert box.options[:2] == ["December 2026", "November 2026"]
    assert app.caption[0].value == "November 2026 · All services"
    assert not [w for w in app.warning if w.value.startswith("Data complete to")]
    _open(app, "audits")
    assert _month_box(app).value == "2026-11"
