"""Who sees which pages: the local demo's role picker and banner, the "no sign-in, no demo"
stop, the signed-in paths (AppTest's ``user`` and ``secrets`` stand in for the identity
provider), and the pure mapping from a signed-in user's claims to a Viewer.

And failing closed (issue 11): the local demo only on the demo store and only on 127.0.0.1; a
council's store never without sign-in; a missing or broken role file gives nobody a role; no
sign-in with the example's or a short cookie secret; an unverified email matches no one; a store
that cannot be opened shows a plain message, its details only in the server log.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tomllib
from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa_core.demo import DEMO_MARKER
from qa_core.errors import QAError
from qa_core.io.importer import import_file
from qa_core.io.importer.templates import TEMPLATE_DIR
from qa_core.roles import ROLES, RoleMap, Viewer, load_role_map
from qa_core.store import Store
from tests.pages.conftest import SCOPES, app_over, served_on, sign_in, walk_elements
from ui import auth

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
opened_over = contextmanager(app_over)  # the app over another store, inside a test
#: The cookie secret published in the example secrets file: anyone can read it.
PUBLISHED_SECRET = tomllib.loads((ROOT / ".streamlit" / "secrets.example.toml").read_text("utf-8"))["auth"][
    "cookie_secret"]


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
    return sign_in(app, email, **claims).run()


def _nothing_shown(app: AppTest) -> None:
    """No page, no picker, no viewer: only the message."""
    assert not app.exception
    assert not app.title and not app.selectbox and not app.sidebar.warning
    assert "viewer" not in app.session_state


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


def test_a_page_run_without_a_viewer_shows_nothing():
    # Fails closed: a page run without dashboard.py deciding who is looking is nobody's, never the AD's.
    def script():
        import streamlit as st

        from ui.auth import require_page

        require_page("audits")
        st.title("Audit grades")  # never reached

    app = AppTest.from_function(script, default_timeout=30).run()
    assert not app.exception
    assert app.error[0].value == auth.NO_VIEWER
    assert not app.title


def test_signed_out_with_sign_in_configured_shows_only_the_sign_in_button(app):
    sign_in(app, None)
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
    leah = auth.viewer_for_claims(store, role_file, {"email": " Leah.Carrow@kestrelvale.example ",
                                                     "email_verified": True})
    # The team by name, resolved to its id and service in the store.
    assert leah == Viewer("team_manager", "assessment_01", scope_service="assessment",
                          who="Leah.Carrow@kestrelvale.example")
    admin = auth.viewer_for_claims(store, role_file, {"email": "x@kestrelvale.example", "email_verified": True,
                                                      "groups": "staff, csc-performance-team"})
    assert admin == Viewer("admin", who="x@kestrelvale.example")
    assert auth.viewer_for_claims(store, role_file, {"email": "x@kestrelvale.example", "groups": ["staff"]}) is None
    assert auth.viewer_for_claims(store, role_file, {}) is None


def test_a_mapped_scope_the_store_lacks_is_an_error(store: Store, role_file: RoleMap):
    with pytest.raises(QAError, match="no_such_service"):
        auth.viewer_for_claims(store, role_file, {"email": "lost@kestrelvale.example", "email_verified": "true"})


def test_an_email_matches_only_when_verified(store: Store, role_file: RoleMap):
    leah = "leah.carrow@kestrelvale.example"
    for verified in (False, "false", "", 1, "yes"):
        assert auth.viewer_for_claims(store, role_file, {"email": leah, "email_verified": verified}) is None
    assert auth.viewer_for_claims(store, role_file, {"email": leah}) is None
    assert auth.viewer_for_claims(store, role_file, {"email": leah, "email_verified": " TRUE "}).role == "team_manager"
    grouped = auth.viewer_for_claims(store, role_file, {"email": leah, "groups": ["csc-performance-team"]})
    assert grouped == Viewer("admin", who=f"{leah} (email not verified)")  # groups need no verified email


def test_groups_claim_as_list_or_string():
    assert auth.claim_groups({"groups": ["a", "b"]}) == ["a", "b"]
    assert auth.claim_groups({"groups": "a, b c"}) == ["a", "b", "c"]
    assert auth.claim_groups({}) == []


def test_markdown_in_an_email_is_escaped():
    # ui.safe's one escaper; the word joiner after '@' keeps an address from becoming a mailto: link.
    assert auth.md("a_b*c@x.example") == "a\\_b\\*c@\u2060x.example"
    assert auth.literal("a`b@x.example") == "`a'b@x.example`"


# -- finding 1: the local demo only on the demo store, only on this machine ---------------------

@pytest.mark.parametrize("address", ["0.0.0.0", "", None, "192.168.1.20", "::"])
def test_the_local_demo_stays_shut_when_the_server_listens_beyond_this_machine(app, address):
    # `streamlit run dashboard.py` without --server.address listens on every interface (unset).
    with served_on(address):
        app.run()
    assert app.error[0].value == auth.NOT_THIS_MACHINE
    _nothing_shown(app)


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_the_local_demo_opens_on_a_loopback_address(app, address):
    with served_on(address):
        app.run()
    assert not app.exception and app.session_state["viewer"] == Viewer("assistant_director")


def test_the_local_demo_opens_to_the_network_only_when_the_role_file_says_so(app, tmp_path, monkeypatch):
    roles = tmp_path / "roles.toml"
    roles.write_text("local_demo = true\nlocal_demo_open_to_network = true\n", encoding="utf-8")
    monkeypatch.setenv(auth.ROLES_ENV, str(roles))
    with served_on("0.0.0.0"):
        app.run()
    assert not app.exception
    assert app.sidebar.warning[0].value == auth.DEMO_BANNER and app.selectbox(key="role")


def test_a_role_file_without_local_demo_means_no_local_demo(app, tmp_path, monkeypatch):
    roles = tmp_path / "roles.toml"
    roles.write_text('[users."ad@kestrelvale.example"]\nrole = "assistant_director"\n', encoding="utf-8")
    monkeypatch.setenv(auth.ROLES_ENV, str(roles))
    app.run()
    assert app.error[0].value == auth.NO_SIGN_IN
    _nothing_shown(app)


def _council_store(demo_db: Path, folder: Path, how: str) -> Path:
    """A copy of the demo store made a council's: its demo marker gone, or a council's file
    imported into it from the command line (the CLI keeps working on any store)."""
    db = folder / "council.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        if how == "no marker":
            store.execute("DELETE FROM setting WHERE key = ?", [DEMO_MARKER[0]])
        else:
            import_file(store, "audits", TEMPLATE_DIR / "audits.csv", user="cli")
    return db


@pytest.mark.parametrize("how", ["no marker", "imported into"])
def test_a_councils_store_is_never_shown_without_sign_in(demo_db, tmp_path, monkeypatch, how):
    with opened_over(_council_store(demo_db, tmp_path, how), monkeypatch) as app:
        app.run()
        assert app.error[0].value == auth.COUNCIL_STORE
        _nothing_shown(app)


def test_a_councils_store_is_shown_after_sign_in(demo_db, tmp_path, monkeypatch):
    with opened_over(_council_store(demo_db, tmp_path, "imported into"), monkeypatch) as app:
        _signed_in(app, "ad@kestrelvale.example")
        assert not app.exception and not app.error
        assert app.session_state["viewer"].role == "assistant_director" and _page_list(app) == PAGE_FILES


def test_local_demo_refusal_rules():
    demo, off = RoleMap(local_demo=True), RoleMap()
    assert auth.local_demo_refusal(demo, True, "127.0.0.1", None, ["host", "cookie"]) is None
    assert auth.local_demo_refusal(off, True, "127.0.0.1", None, []) == auth.NO_SIGN_IN
    assert auth.local_demo_refusal(demo, False, "127.0.0.1", None, []) == auth.COUNCIL_STORE
    # A browser on another machine, or any browser through a reverse proxy on this one.
    assert auth.local_demo_refusal(demo, True, "127.0.0.1", "203.0.113.7", []) == auth.NOT_THIS_MACHINE
    assert auth.local_demo_refusal(demo, True, "127.0.0.1", None, ["X-Forwarded-For"]) == auth.NOT_THIS_MACHINE
    assert auth.local_demo_refusal(demo, True, "127.0.0.1", None, ["forwarded"]) == auth.NOT_THIS_MACHINE
    opened = RoleMap(local_demo=True, local_demo_open_to_network=True)
    assert auth.local_demo_refusal(opened, True, "0.0.0.0", "203.0.113.7", ["x-real-ip"]) is None
    assert auth.local_demo_refusal(opened, False, "127.0.0.1", None, []) == auth.COUNCIL_STORE  # never a council's
    assert [auth.is_loopback(a) for a in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "LOCALHOST")] == [True] * 5
    assert [auth.is_loopback(a) for a in ("", None, "0.0.0.0", "::", "10.0.0.1", "example.org")] == [False] * 6


@pytest.mark.parametrize("content", [None, "local_demo = \n", b"\xff\xfe local_demo = true"])
def test_a_missing_or_broken_role_file_gives_nobody_a_role(app, tmp_path, monkeypatch, caplog, content):
    roles = tmp_path / "roles.toml"
    if isinstance(content, bytes):
        roles.write_bytes(content)
    elif content is not None:
        roles.write_text(content, encoding="utf-8")
    monkeypatch.setenv(auth.ROLES_ENV, str(roles))
    with caplog.at_level(logging.ERROR, logger="ui.auth"):
        app.run()
    assert app.error[0].value == auth.ROLE_FILE_BROKEN  # plain: no file name, no parser detail
    _nothing_shown(app)
    assert any("roles.toml" in r.getMessage() for r in caplog.records)  # the details are in the server log
    sign_in(app, "ad@kestrelvale.example").run()  # signed in, the same: nobody gets a role
    assert app.error[0].value == auth.ROLE_FILE_BROKEN
    assert "viewer" not in app.session_state


# -- finding 2: no sign-in with a published or short cookie secret ------------------------------

def test_the_placeholder_is_the_examples_cookie_secret():
    assert PUBLISHED_SECRET == auth.PLACEHOLDER_COOKIE_SECRET


@pytest.mark.parametrize(("secret", "problem"), [
    (PUBLISHED_SECRET, "placeholder"), ("x" * 31, "shorter than 32"), ("", "missing"),
    (None, "missing")])
def test_a_published_short_or_missing_cookie_secret_refuses_sign_in(app, secret, problem, caplog):
    sign_in(app, "ad@kestrelvale.example")  # what a cookie forged with the published secret claims
    app.secrets["auth"] = {**app.secrets["auth"], "cookie_secret": secret}
    if secret is None:
        app.secrets["auth"] = {k: v for k, v in app.secrets["auth"].items() if k != "cookie_secret"}
    with caplog.at_level(logging.ERROR, logger="ui.auth"):
        app.run()
    message = app.error[0].value
    assert message.startswith("Sign-in is turned off because the `cookie_secret`") and problem in message
    assert "secrets.token_hex(32)" in message  # how to make one
    _nothing_shown(app)
    assert not app.button  # not even a sign-in button
    assert any(problem in r.getMessage() for r in caplog.records)


def test_cookie_secret_rules():
    assert auth.cookie_secret_problem("a" * 32) is None
    assert auth.cookie_secret_problem(" " + auth.PLACEHOLDER_COOKIE_SECRET + " ").startswith("is still the placeholder")
    assert auth.cookie_secret_problem("a" * 31) == "is shorter than 32 characters"
    assert auth.cookie_secret_problem(12345) == "is missing"


# -- finding 3: an email is matched only when the provider verified it --------------------------

@pytest.mark.parametrize("verified", [False, "false", None, "yes"])
def test_an_unverified_email_gets_no_role(app, verified):
    sign_in(app, "ad@kestrelvale.example")
    if verified is None:  # a provider that does not say
        app.user = {"is_logged_in": True, "email": "ad@kestrelvale.example", "name": "Test user"}
    else:
        app.user = {**app.user, "email_verified": verified}
    app.run()
    assert not app.exception
    message = app.error[0].value
    assert "has no role here; ask an administrator" in message
    assert "has not confirmed that this email address is yours" in message
    assert not app.title and "viewer" not in app.session_state


@pytest.mark.parametrize("verified", [True, "true", "True"])
def test_a_verified_email_gets_its_role(app, verified):
    _signed_in(app, "ad@kestrelvale.example", email_verified=verified)
    assert not app.exception and app.session_state["viewer"].role == "assistant_director"


def test_groups_still_match_with_an_unverified_email(app):
    _signed_in(app, "ad@kestrelvale.example", email_verified=False, groups=["csc-scrutiny-committee"])
    assert not app.exception
    assert app.session_state["viewer"] == Viewer("scrutiny", who="ad@kestrelvale.example (email not verified)")


# -- finding 9: a store that cannot be opened: a plain message, the details in the server log ----

def test_a_locked_store_shows_a_plain_message_and_logs_the_details(demo_db, tmp_path, monkeypatch, caplog):
    db = tmp_path / "locked.duckdb"
    shutil.copy(demo_db, db)
    holder = subprocess.Popen(  # another process holds the store, as a long import would
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with opened_over(db, monkeypatch) as app:
            with caplog.at_level(logging.ERROR, logger="dashboard"):
                app.run()
            assert not app.exception
            assert [e.value for e in app.error] == [
                "The dashboard cannot open its data just now. Please try again in a few minutes; if this keeps "
                "happening, tell the dashboard's administrator (the details are in the server's log)."]
            shown = " ".join(str(getattr(e, "proto", "")) for e in [*walk_elements(app.main),
                                                                      *walk_elements(app.sidebar)])
            for secret in ("PID", str(holder.pid), str(tmp_path), "duckdb", "Traceback"):
                assert secret not in shown
            assert not app.title and not app.selectbox
            logged = "\n".join(r.getMessage() + str(r.exc_info and r.exc_info[1]) for r in caplog.records)
            assert f"PID {holder.pid}" in logged and str(db) in logged
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_the_app_never_shows_error_details_to_visitors():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["address"] == "127.0.0.1"


def test_an_edit_to_the_role_file_applies_on_the_next_run(app, tmp_path, monkeypatch):
    """The role file is parsed once while it is unchanged (it cost most of a page's sign-in), and again
    as soon as an administrator edits it: the local demo switched off takes effect on the next run."""
    roles = tmp_path / "roles.toml"
    roles.write_text("local_demo = true\n", encoding="utf-8")
    monkeypatch.setenv(auth.ROLES_ENV, str(roles))
    app.run()
    assert not app.exception and app.session_state["viewer"] == Viewer("assistant_director")
    assert auth.role_map() is auth.role_map()  # unchanged: the parse is kept
    roles.write_text('[users."ad@kestrelvale.example"]\nrole = "assistant_director"\n', encoding="utf-8")
    app.run()
    assert app.error[0].value == auth.NO_SIGN_IN
    roles.unlink()
    with pytest.raises(QAError, match="does not exist"):
        auth.role_map()
