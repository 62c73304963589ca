"""Sign-in in a real browser against a stand-in OpenID Connect provider on localhost
(``oidc_stub``): two people from ``data/roles.toml`` sign in in turn and each sees their own
role's page list; an account the file does not map sees only a message. And the local demo
(no sign-in configured, the shared server): a banner, and a role picker that changes the pages."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import streamlit_server
from tests.e2e.oidc_stub import OIDCStub, running_stub

pytestmark = pytest.mark.e2e
HAS_ACCESSIBILITY = (Path(__file__).resolve().parents[2] / "app_pages" / "accessibility.py").exists()
ACCESSIBILITY = ["Accessibility"] if HAS_ACCESSIBILITY else []  # every role's last page, once it exists


@pytest.fixture(scope="module")
def provider() -> Iterator[OIDCStub]:
    with running_stub() as stub:
        yield stub


@pytest.fixture(scope="module")
def signin_url(provider: OIDCStub, demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with sign-in configured (its own secrets file and store copy)."""
    folder = tmp_path_factory.mktemp("signin")
    db = folder / "qa.duckdb"
    shutil.copy(demo_db, db)
    secrets = folder / "secrets.toml"
    secrets.write_text(provider.secrets_toml(), encoding="utf-8")
    with streamlit_server(db, args=["--secrets.files", str(secrets)]) as url:
        yield url


def _nav_titles(page) -> list[str]:
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible()
    # Each link's text is its icon's ligature name, then its title: keep the title.
    return [t.strip().splitlines()[-1] for t in nav.get_by_role("link").all_inner_texts()]


def _sign_in(page, provider: OIDCStub, email: str, **claims) -> None:
    provider.user = {"email": email, "name": email.split("@")[0], **claims}
    page.get_by_role("button", name="Sign in").click()  # app → stub's /authorize → /oauth2callback → app


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_two_roles_sign_in_and_see_their_own_pages(page, provider, signin_url, screenshots):
    page.goto(signin_url)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # nothing before sign-in
    expect(page.get_by_text("Local demo: not signed in")).to_have_count(0)
    page.screenshot(path=str(screenshots / "signin-screen.png"))

    # The head of service for Assessment: the management pages, not the administrator's Data.
    _sign_in(page, provider, "priya.jessop@kestrelvale.example")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(re.compile(r"Signed in as priya\.jessop@kestrelvale\.example"))).to_be_visible()
    expect(sidebar.get_by_text(re.compile("Head of service, Assessment"))).to_be_visible()
    expect(page.get_by_role("heading", name="Kestrel Vale Council: at a glance")).to_be_visible()
    titles = _nav_titles(page)
    assert titles == ["At a glance", "Performance clinic", "RAG at a glance", "Audit grades", "Risk scores",
                      "Team profiles", "Scrutiny trends", "Benchmarks"] + ACCESSIBILITY
    # Her own service is the Service filter's starting point.
    expect(page.get_by_text(re.compile(r"October 2026 · Assessment"))).to_be_visible()
    expect(page.get_by_role("combobox", name="Service")).to_be_visible()
    page.screenshot(path=str(screenshots / "signin-head-of-service.png"))
    _sign_out(page)

    # A councillor: the scrutiny report card and the published benchmarks only.
    _sign_in(page, provider, "cllr.example@kestrelvale.example")
    expect(page.get_by_test_id("stSidebar").get_by_text(re.compile("Scrutiny member"))).to_be_visible()
    assert _nav_titles(page) == ["Scrutiny trends", "Benchmarks"] + ACCESSIBILITY
    expect(page.get_by_role("combobox", name="Service")).to_have_count(0)  # no filter for pages that ignore it
    page.screenshot(path=str(screenshots / "signin-scrutiny.png"))
    _sign_out(page)
    assert provider.signed_in == ["priya.jessop@kestrelvale.example", "cllr.example@kestrelvale.example"]


def test_an_unmapped_account_sees_only_a_message(page, provider, signin_url, screenshots):
    page.goto(signin_url)
    _sign_in(page, provider, "stranger@elsewhere.example")
    expect(page.get_by_text("Your account (stranger@elsewhere.example) has no role here; ask an administrator."
                            )).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    page.screenshot(path=str(screenshots / "signin-unmapped.png"))
    _sign_out(page)


def test_local_demo_banner_and_role_picker(page, app_url, screenshots):
    page.goto(app_url)
    expect(page.get_by_text("Local demo: not signed in. Anyone can pick any role here")).to_be_visible()
    expect(page.get_by_role("heading", name="Kestrel Vale Council: at a glance")).to_be_visible()
    assert "Data" in _nav_titles(page) and "Performance clinic" in _nav_titles(page)
    role = page.get_by_role("combobox", name="Role (local demo)")
    role.click()
    page.get_by_role("option", name="Scrutiny member").click()
    expect(page.get_by_role("heading", name="Scrutiny trends")).to_be_visible()  # the role's first page
    expected = ["Scrutiny trends", "Benchmarks"] + ACCESSIBILITY
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link")).to_have_count(len(expected))
    assert _nav_titles(page) == expected
    expect(page.get_by_role("combobox", name="Month")).to_have_count(0)
    page.screenshot(path=str(screenshots / "local-demo-scrutiny.png"))
