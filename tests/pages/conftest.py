"""AppTest runs the app in this process over a private copy of the demo store.

AppTest has no real server, so the fixtures say explicitly what ``streamlit run`` would: the
server listens on 127.0.0.1 (``server.address``), as ``make run`` does, which is where the local
demo's role picker may open. ``sign_in`` stands in for the identity provider.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from qa_core.roles import Viewer

ROOT = Path(__file__).resolve().parents[2]
#: The demo council's service (head of service) and team (team manager) for the scoped roles.
SCOPES = {"head_of_service": "assessment", "team_manager": "assessment_01"}
#: A stand-in ``[auth]`` section (a real-length cookie secret; the provider is never contacted).
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-0123456789abcdef0123456789",
    "client_id": "qa-dashboard",
    "client_secret": "not-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@contextmanager
def served_on(address: str | None) -> Iterator[None]:
    """Streamlit's ``server.address`` set as ``streamlit run --server.address`` would set it."""
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", address)
    try:
        yield
    finally:
        st_config.set_option("server.address", previous)


def sign_in(app: AppTest, email: str | None, **claims) -> AppTest:
    """Sign-in configured and ``email`` signed in, its email verified by the provider unless
    ``claims`` say otherwise (``email_verified=False``); not run yet."""
    app.secrets["auth"] = AUTH_SECRETS
    app.user = {"is_logged_in": True, "email": email, "email_verified": True, "name": "Test user", **claims}
    return app


def app_over(db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app over the store ``db``, with Streamlit's caches cleared before and after."""
    monkeypatch.setenv("QA_DB", str(db))
    st.cache_resource.clear()
    st.cache_data.clear()
    with served_on("127.0.0.1"):
        yield AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    yield from app_over(db, monkeypatch)


def open_page(app: AppTest, page: str, *, role: str | None = None, scope: str | None = None,
              viewer: Viewer | None = None, month: str | None = None, service: str | None = None,
              check: bool = True, **state: object) -> AppTest:
    """Open the page ``page`` (its key: ``"audits"``) with this session state, run it, and (with
    ``check``) fail on an uncaught exception. The page tests' one way in.

    ``role`` and ``scope``: as the local demo's picker sets them; ``viewer``: a resolved Viewer,
    set as the picker would and as ``dashboard.py`` keeps it (so it holds whether or not the
    picker runs); ``month`` ("2026-10") and ``service`` (an id or "all"): the sidebar's filters;
    ``state``: any other widget key (``audit_tab="Moderation"``). Any other value left as None
    leaves that key as it is, so the page falls back to its default.
    """
    if viewer is not None:  # the picker's keys too, even a scope of None
        app.session_state["role"], app.session_state["role_scope"] = viewer.role, viewer.scope
        app.session_state["viewer"] = viewer
    settings = {"role": role, "role_scope": scope, "month": month, "service": service, **state}
    for key, value in settings.items():
        if value is not None:
            app.session_state[key] = value
    app.switch_page(f"app_pages/{page}.py").run()
    if check:
        assert not app.exception, f"{page} {settings}: {app.exception[0].message if app.exception else ''}"
    return app


def open_tables(app: AppTest) -> AppTest:
    """Open every "Show the numbers" expander of ``chart_with_table`` on the page shown (as a
    user clicking each: their tables are drawn only once opened) and run the page again."""
    keys = [key for key in app.session_state.keys() if str(key).startswith("numbers_")]
    for key in keys:
        app.session_state[key] = True
    app.run()
    assert not app.exception, app.exception[0].message if app.exception else ""
    return app


def walk_elements(node):
    """Every element under an AppTest node, depth first (tabs, columns and expanders included)."""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield child
            yield from walk_elements(child)
