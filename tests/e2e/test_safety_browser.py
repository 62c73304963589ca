"""Issue 11 in a real browser: the holes found by attack, each reproduced against a real
``streamlit run`` and shown closed.

1. The local demo (anyone picks any role) never opens on a server listening on every interface,
   nor through a proxy, nor on a council's store.
2. A ``_streamlit_user`` cookie forged with the example's published ``cookie_secret`` signs
   nobody in: the app refuses sign-in with that secret.
3. An account whose provider says ``email_verified: false`` is not matched by its email.
9. A store locked by another process, or any unexpected error, shows visitors a plain message:
   no process id, command line, server path or traceback.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

from qa_core.__main__ import main as cli
from qa_core.io.importer.templates import TEMPLATE_DIR
from tests.e2e.conftest import streamlit_server
from tests.e2e.oidc_stub import OIDCStub, running_stub

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
#: The cookie secret published in the example secrets file: anyone can read it.
PUBLISHED_SECRET = tomllib.loads((ROOT / ".streamlit" / "secrets.example.toml").read_text("utf-8"))["auth"][
    "cookie_secret"
]

NOT_THIS_MACHINE = "Sign-in is not configured, so this dashboard opens only as the local demo, and only in a browser"
COUNCIL_STORE = "Sign-in is not configured, and this dashboard holds a council's own data"
STORE_UNAVAILABLE = "The dashboard cannot open its data just now."


def _copy(demo_db: Path, folder: Path) -> Path:
    db = folder / "qa.duckdb"
    shutil.copy(demo_db, db)
    return db


def _shows_nothing_but(page, message: str) -> None:
    """The message, and no page, navigation, role picker or demo data behind it."""
    expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_role("combobox")).to_have_count(0)
    expect(page.get_by_text("Kestrel Vale")).to_have_count(0)


# -- 1. the local demo: only on the demo store, only on this machine ----------------------------


def test_the_local_demo_stays_shut_on_a_server_listening_on_every_interface(page, demo_db, tmp_path, screenshots):
    # What `make run` used to do: `streamlit run dashboard.py` on every interface.
    with streamlit_server(_copy(demo_db, tmp_path), address="0.0.0.0") as url:
        page.goto(url)
        _shows_nothing_but(page, NOT_THIS_MACHINE)
        page.screenshot(path=str(screenshots / "safety-demo-on-every-interface.png"))


def test_the_local_demo_stays_shut_through_a_proxy(browser, app_url):
    # A reverse proxy on this machine makes every browser look local; its forwarding header gives it away.
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.7"})
    try:
        page = context.new_page()
        page.goto(app_url)
        _shows_nothing_but(page, NOT_THIS_MACHINE)
    finally:
        context.close()


def test_a_councils_store_is_never_shown_without_sign_in(page, demo_db, tmp_path, screenshots, capsys):
    db = _copy(demo_db, tmp_path)
    # The command line keeps working on any store: a council's file imported into the demo store.
    assert cli(["import", "audits", str(TEMPLATE_DIR / "audits.csv"), "--db", str(db)]) == 0
    capsys.readouterr()
    with streamlit_server(db) as url:
        page.goto(url)
        _shows_nothing_but(page, COUNCIL_STORE)
        page.screenshot(path=str(screenshots / "safety-council-store-without-sign-in.png"))


# -- 2. a cookie forged with the published secret ------------------------------------------------


def test_a_cookie_forged_with_the_examples_secret_signs_nobody_in(page, demo_db, tmp_path, screenshots):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f"cookie_secret = {json.dumps(PUBLISHED_SECRET)}\n"  # left as the example has it
        'client_id = "qa-dashboard"\nclient_secret = "from your identity provider"\n'
        'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    with streamlit_server(_copy(demo_db, tmp_path), args=["--secrets.files", str(secrets)]) as url:
        # The attacker signs a user cookie with the published string: the assistant director.
        claims = {
            "email": "ad@kestrelvale.example",
            "email_verified": True,
            "name": "Forged",
            "origin": url,
            "is_logged_in": True,
            "provider": "default",
        }
        forged = create_signed_value(PUBLISHED_SECRET, "_streamlit_user", json.dumps(claims))
        page.context.add_cookies([{"name": "_streamlit_user", "value": forged.decode(), "url": url}])
        page.goto(url)
        _shows_nothing_but(page, "Sign-in is turned off because the cookie_secret")
        expect(page.get_by_text(re.compile(r"still the placeholder of secrets\.example\.toml"))).to_be_visible()
        expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
        page.screenshot(path=str(screenshots / "safety-forged-cookie.png"))


# -- 3. an unverified email ----------------------------------------------------------------------


@pytest.fixture
def provider() -> Iterator[OIDCStub]:
    with running_stub() as stub:
        yield stub


def test_an_unverified_email_is_not_matched_to_a_role(page, provider, demo_db, tmp_path, screenshots):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(provider.secrets_toml(), encoding="utf-8")
    with streamlit_server(_copy(demo_db, tmp_path), args=["--secrets.files", str(secrets)]) as url:
        page.goto(url)
        # Anyone can make an account at a lax provider with the assistant director's address.
        provider.user = {"email": "ad@kestrelvale.example", "name": "Not the AD", "email_verified": False}
        page.get_by_role("button", name="Sign in").click()
        expect(
            page.get_by_text(
                "Your account (ad@kestrelvale.example) has no role here; ask an administrator. "
                "Your identity provider has not confirmed that this email address is yours"
            )
        ).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        page.screenshot(path=str(screenshots / "safety-unverified-email.png"))
        page.get_by_role("button", name="Sign out").click()
        # The same address, verified: the assistant director's pages.
        provider.user = {"email": "ad@kestrelvale.example", "name": "AD", "email_verified": True}
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Kestrel Vale Council: at a glance")).to_be_visible()
        assert provider.signed_in == ["ad@kestrelvale.example", "ad@kestrelvale.example"]


# -- 9. no details for visitors ------------------------------------------------------------------


def _page_text(page) -> str:
    return page.locator("body").inner_text()


def test_a_locked_store_shows_a_plain_message(page, demo_db, tmp_path, screenshots):
    db = _copy(demo_db, tmp_path)
    holder = subprocess.Popen(  # another process holds the store (a long import, a stray shell)
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with streamlit_server(db) as url:
            page.goto(url)
            _shows_nothing_but(page, STORE_UNAVAILABLE)
            text = _page_text(page)
            for detail in ("PID", str(holder.pid), str(tmp_path), "duckdb", "Traceback", sys.executable):
                assert detail not in text, detail
            page.screenshot(path=str(screenshots / "safety-locked-store.png"))
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_an_unexpected_error_shows_no_details(page, demo_db, tmp_path):
    # Any uncaught error, under the project's .streamlit/config.toml (client.showErrorDetails).
    script = tmp_path / "boom.py"
    script.write_text(
        'raise RuntimeError("secret detail: /srv/qa/data/qa.duckdb held by PID 4242")\n', encoding="utf-8"
    )
    with streamlit_server(_copy(demo_db, tmp_path), script=script) as url:
        page.goto(url)
        expect(page.get_by_test_id("stException")).to_be_visible()
        text = _page_text(page)
        for detail in ("secret detail", "PID 4242", "RuntimeError", "boom.py", "Traceback"):
            assert detail not in text, detail
