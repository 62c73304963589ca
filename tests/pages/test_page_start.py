"""ui.page.start, the one way a page begins: the role check, the filters the registry says the page
reads, the title; and every page in app_pages/ begins with it, under its own key."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_core.pages import PAGE_KEYS, page

ROOT = Path(__file__).resolve().parents[2]


def _run(script, **state) -> AppTest:
    app = AppTest.from_function(script, default_timeout=30)
    for key, value in state.items():
        app.session_state[key] = value
    return app.run()


def test_a_role_that_may_not_open_the_page_sees_only_the_refusal():
    def script():
        import streamlit as st

        from qa_core.roles import Viewer
        from ui.page import start

        st.session_state["viewer"] = Viewer("scrutiny")
        start("audits")
        st.write("never reached")

    app = _run(script)
    assert not app.exception
    assert app.error[0].value == "Your role (Scrutiny member) cannot see this page."
    assert not app.title and not app.markdown


def test_the_title_and_the_filters_the_registry_names(app):
    # The sidebar's values are read only for a page that reads them (registry: month and service for
    # the audits page, none for the scrutiny page); the title is the registry's unless the page gives one.
    # (``app``: the demo store, which the month filter reads its months from.)
    def script():
        import streamlit as st

        from qa_core.roles import Viewer
        from ui.page import start

        st.session_state["viewer"] = Viewer("assistant_director")
        key = st.session_state["key"]
        ctx = start(key, st.session_state.get("title"))
        st.write(f"{ctx.viewer.role} {ctx.month} {ctx.service_id}")

    audits = _run(script, key="audits", month="2026-10", service="assessment")
    assert [t.value for t in audits.title] == [page("audits").title]
    assert audits.markdown[0].value == "assistant_director 2026-10-01 assessment"
    scrutiny = _run(script, key="scrutiny", month="2026-10", service="assessment", title="Scrutiny: a test title")
    assert [t.value for t in scrutiny.title] == ["Scrutiny: a test title"]
    assert scrutiny.markdown[0].value == "assistant_director None None"


def test_a_page_that_needs_a_service_stops_under_all_services(app):
    def script():
        import streamlit as st

        from qa_core.roles import Viewer
        from ui.page import start

        st.session_state["viewer"] = Viewer("assistant_director")
        start("clinic", needs_service="Choose a service in the sidebar.")
        st.write("never reached")

    page_app = _run(script, service="all")
    assert [t.value for t in page_app.title] == ["Performance clinic"]
    assert page_app.info[0].value == "Choose a service in the sidebar."
    assert not page_app.markdown


@pytest.mark.parametrize("key", PAGE_KEYS)
def test_every_page_begins_with_start_under_its_own_key(key):
    source = (ROOT / "app_pages" / f"{key}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "start"]
    assert len(calls) == 1, f"{key}: start() called {len(calls)} times"
    assert isinstance(calls[0].args[0], ast.Constant) and calls[0].args[0].value == key
    # The page does its own role check and title no more, and draws nothing before start().
    own = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
           and ast.unparse(node.func) in ("auth.require_page", "require_page", "st.title")]
    assert not own, f"{key}: its own role check or title at lines {own}"
    drawn_before = [node.lineno for node in tree.body if node.lineno < calls[0].lineno
                    and not isinstance(node, ast.FunctionDef | ast.Import | ast.ImportFrom | ast.Assign | ast.Expr)]
    drawn_before += [node.lineno for node in tree.body if isinstance(node, ast.Assign | ast.Expr)
                     and node.lineno < calls[0].lineno and "st." in ast.unparse(node)]
    assert not drawn_before, f"{key}: statements before start() at lines {drawn_before}"
