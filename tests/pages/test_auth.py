"""Who sees which pages: the local demo's role picker and banner, the "no sign-in, no demo"
stop, the signed-in paths (AppTest's ``user`` and ``secrets`` stand in for the identity
provider), and the pure mapping from a signed-in user's claims to a Viewer."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_core.errors import QAError
from qa_core.roles import ROLES, RoleMap, Viewer, load_role_map
from qa_core.store import Store
from ui import auth

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
SCOPES = {"head_of_service": "assessment", "team_manager": "assessment_01"}
AUTH_SECRETS = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret-0123456789",
                "client_id": "qa-dashboard", "client_secret": "not-secret",
                "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def _opens(app: AppTest, page: str) -> bool:
    """Does navigation offer ``page``? AppTest refuses to switch to a page not registered."""
    try:
        app.switch_page(f"app_pages/{page}.py")
    except ValueError as error:
        assert "Could not find a navigation page" in str(error)
        return False
    return True


def _page_list(app: AppTest) -> list[str]:
    return [page for page in PAGE_FILES if _opens(app, page)]


def _as_role(app: AppTest, role: str) -> AppTest:
    app.session_state["role"] = role
    if role in SCOPES:
        app.session_state["role_scope"] = SCOPES[role]
    return app.run()


def _signed_in(app: AppTest, email: str, **claims) -> AppTest:
    app.secrets["auth"] = AUTH_SECRETS
    app.user = {"is_logged_in": True, "email": email, "name": "Test user", **claims}
    return app.run()


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_sees_its_own_page_list(app, role):
    _as_role(app, role)
    assert not app.exception
    # The role's pages (those whose file exists), no others; e.g. scrutiny: scrutiny, benchmarks.
    expected = sorted(p for p in ROLES[role] if p in PAGE_FILES)
    assert _page_list(app) == expected
    assert app.session_state["viewer"].role == role


def test_the_default_is_the_assistant_director_with_every_page(app):
    app.run()
    assert not app.exception
    assert app.selectbox(key="role").value == "assistant_director"
    assert _page_list(app) == PAGE_FILES
    assert app.session_state["viewer"] == Viewer("assistant_director")


def test_the_first_page_of_the_role_opens_first(app):
    _as_role(app, "scrutiny")
    assert not app.exception
    assert "Scrutiny" in app.title[0].value  # scrutiny's list starts with the scrutiny page
    _as_role(app, "admin")
    assert not app.exception
    assert app.title[0].value == "Data"


def test_local_demo_shows_the_banner_and_the_picker(app):
    app.run()
    banners = [w.value for w in app.sidebar.warning]
    assert banners == [auth.DEMO_BANNER]
    assert banners[0].startswith("Local demo: not signed in.")
    assert [o for o in app.selectbox(key="role").options] == [
        "Assistant director", "Head of service", "Team manager", "QA lead", "Scrutiny member", "Administrator"]


def test_the_scope_picker_lists_services_and_sets_the_viewer(app):
    _as_role(app, "head_of_service")
    assert not app.exception
    picker = app.selectbox(key="role_scope")
    assert picker.label == "Head of service for"
    assert "Assessment" in picker.options and len(picker.options) == 6  # the demo council's six services
    assert app.session_state["viewer"] == Viewer("head_of_service", "assessment", scope_service="assessment")


def test_the_team_picker_takes_a_team_by_name(app):
    app.session_state["role"] = "team_manager"
    app.session_state["role_scope"] = "Assessment North"  # by name: the picker takes either
    app.run()
    assert not app.exception
    picker = app.selectbox(key="role_scope")
    assert picker.label == "Team manager of"
    assert picker.value == "assessment_01" and len(picker.options) == 24  # 6 services × 4 teams
    assert app.session_state["viewer"] == Viewer("team_manager", "assessment_01", scope_service="assessment")


def test_a_role_with_no_filtered_page_has_no_month_or_service_filter(app):
    app.run()
    assert {s.key for s in app.sidebar.selectbox} >= {"month", "service", "role"}
    for role in ("admin", "scrutiny"):  # Data only; Scrutiny trends and Benchmarks ignore them
        _as_role(app, role)
        assert not app.exception
        assert {s.key for s in app.sidebar.selectbox} == {"role"}
        assert app.toggle(key="large")  # large type still applies to every page


def test_no_sign_in_and_no_local_demo_stops_with_a_message(app, tmp_path, monkeypatch):
    roles = tmp_path / "roles.toml"
    roles.write_text("local_demo = false\n", encoding="utf-8")
    monkeypatch.setenv(auth.ROLES_ENV, str(roles))
    app.run()
    assert not app.exception
    assert app.error[0].value == auth.NO_SIGN_IN
    assert not app.title and not app.selectbox  # no page, no picker
    assert "viewer" not in app.session_state


def test_require_page_refuses_a_page_outside_the_role():
    def script():
        import streamlit as st

        from qa_core.roles import Viewer
        from ui.auth import require_page

        st.session_state["viewer"] = Viewer("scrutiny")
        require_page("audits")
        st.title("Audit grades")  # never reached

    app = AppTest.from_function(script, default_timeout=30).run()
    assert not app.exception
    assert app.error[0].value == "Your role (Scrutiny member) cannot see this page."
    assert not app.title


def test_signed_out_with_sign_in_configured_shows_only_the_sign_in_button(app):
    app.secrets["auth"] = AUTH_SECRETS
    app.user = {"is_logged_in": False}
    app.run()
    assert not app.exception
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.selectbox and not app.sidebar.warning  # no picker, no demo banner
    assert "viewer" not in app.session_state


def test_a_signed_in_head_of_service_gets_her_pages_and_service(app):
    _signed_in(app, "Priya.Jessop@kestrelvale.example")  # the role file matches any case
    assert not app.exception
    assert app.session_state["viewer"] == Viewer("head_of_service", "assessment", scope_service="assessment",
                                                 who="Priya.Jessop@kestrelvale.example")
    assert "data" not in _page_list(app) and "clinic" in _page_list(app)
    # The Service filter starts on her own service; no role picker, no demo banner.
    assert app.selectbox(key="service").value == "assessment"
    assert "role" not in {s.key for s in app.selectbox}
    assert not app.sidebar.warning
    captions = [c.value for c in app.sidebar.caption]
    assert any("Signed in as" in c and "Head of service, Assessment" in c for c in captions)
    assert "Sign out" in [b.label for b in app.sidebar.button]


def test_a_signed_in_councillor_sees_scrutiny_and_benchmarks_only(app):
    _signed_in(app, "someone@kestrelvale.example", groups=["CSC-Scrutiny-Committee"])
    assert not app.exception
    assert app.session_state["viewer"].role == "scrutiny"
    assert _page_list(app) == sorted(p for p in ("scrutiny", "benchmarks", "accessibility") if p in PAGE_FILES)


def test_an_unmapped_account_sees_only_a_message_and_sign_out(app):
    _signed_in(app, "stranger@elsewhere.example")
    assert not app.exception
    message = app.error[0].value
    assert "has no role here; ask an administrator" in message
    assert "stranger" in message
    assert [b.label for b in app.button] == ["Sign out"]
    assert not app.title and "viewer" not in app.session_state


# -- the pure mapping from claims to a viewer ---------------------------------------------------

@pytest.fixture
def role_file(tmp_path) -> RoleMap:
    path = tmp_path / "roles.toml"
    path.write_text(
        'local_demo = false\n'
        '[users."leah.carrow@kestrelvale.example"]\nrole = "team_manager"\nscope = "Assessment North"\n'
        '[users."lost@kestrelvale.example"]\nrole = "head_of_service"\nscope = "no_such_service"\n'
        '[groups."csc-performance-team"]\nrole = "admin"\n', encoding="utf-8")
    return load_role_map(path)


def test_claims_map_to_a_viewer_by_email_then_group(store: Store, role_file: RoleMap):
    leah = auth.viewer_for_claims(store, role_file, {"email": " Leah.Carrow@kestrelvale.example "})
    # The team by name, resolved to its id and service in the store.
    assert leah == Viewer("team_manager", "assessment_01", scope_service="assessment",
                          who="Leah.Carrow@kestrelvale.example")
    admin = auth.viewer_for_claims(store, role_file, {"email": "x@kestrelvale.example",
                                                      "groups": "staff, csc-performance-team"})
    assert admin == Viewer("admin", who="x@kestrelvale.example")
    assert auth.viewer_for_claims(store, role_file, {"email": "x@kestrelvale.example", "groups": ["staff"]}) is None
    assert auth.viewer_for_claims(store, role_file, {}) is None


def test_a_mapped_scope_the_store_lacks_is_an_error(store: Store, role_file: RoleMap):
    with pytest.raises(QAError, match="no_such_service"):
        auth.viewer_for_claims(store, role_file, {"email": "lost@kestrelvale.example"})


def test_groups_claim_as_list_or_string():
    assert auth.claim_groups({"groups": ["a", "b"]}) == ["a", "b"]
    assert auth.claim_groups({"groups": "a, b c"}) == ["a", "b", "c"]
    assert auth.claim_groups({}) == []


def test_markdown_in_an_email_is_escaped():
    # ui.safe's one escaper; the word joiner after '@' keeps an address from becoming a mailto: link.
    assert auth.md("a_b*c@x.example") == "a\\_b\\*c@\u2060x.example"
    assert auth.literal("a`b@x.example") == "`a'b@x.example`"
