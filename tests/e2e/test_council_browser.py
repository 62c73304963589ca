"""A council set up in a real browser: on a store made by ``init`` (nothing else in it), the
administrator signs in through the stand-in OpenID Connect provider and imports the organisation
(services, teams, staff, expectations, exemptions) and a month of audits on the Data page; then the
QA lead signs in and sees completion against expectation on Audit grades.

By hand, October 2026: Alma (team manager) did 3 of 4; Nadia (head of north) 1 outside her service,
1 of 1; Sol (head of south) audited only in his own service: 0 of 1; Cara (team manager) is exempt.
Expected 6, done 4: 66.7%, 2 short.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from qa_core.__main__ import main
from tests.e2e.conftest import streamlit_server, whole_page_screenshot
from tests.e2e.oidc_stub import OIDCStub, running_stub

pytestmark = pytest.mark.e2e

ADMIN = {"email": "data.admin@kestrelvale.example", "name": "Data administrator"}
QA_LEAD = {"email": "qa.lead@kestrelvale.example", "name": "QA lead"}


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


FILES = [  # (kind, its title on the Data page, file name, rows)
    (
        "services",
        "Services",
        "services.csv",
        [
            ["service_id", "name", "head_of_service"],
            ["north", "North Service", "S01"],
            ["south", "South Service", "S02"],
        ],
    ),
    (
        "teams",
        "Teams",
        "teams.csv",
        [
            ["team_id", "name", "service_id", "manager"],
            ["alder", "Alder", "north", "M01"],
            ["cedar", "Cedar", "south", "M03"],
        ],
    ),
    (
        "staff",
        "Staff",
        "staff.csv",
        [
            ["staff_id", "name", "role", "team_id", "service_id", "auditor", "moderator"],
            ["S01", "Nadia North", "head_of_service", "", "north", "yes", "yes"],
            ["S02", "Sol South", "head_of_service", "", "south", "yes", "no"],
            ["M01", "Alma Ash", "team_manager", "alder", "", "yes", "no"],
            ["M03", "Cara Cedar", "team_manager", "cedar", "", "yes", "no"],
        ],
    ),
    (
        "expectations",
        "Audit expectations",
        "expectations.csv",
        [["role", "audits_per_month", "outside_own_service"], ["team_manager", 4, "no"], ["head_of_service", 1, "yes"]],
    ),
    (
        "exemptions",
        "Audit exemptions",
        "exemptions.csv",
        [["staff_id", "month", "reason", "approved_by"], ["M03", "2026-10", "Annual leave", "Sol South"]],
    ),
    (
        "audits",
        "Case-file audits",
        "october-audits.csv",
        [
            ["audit_id", "audit_date", "tier", "team", "service", "auditor", "overall_grade"],
            ["B-1", "2026-10-02", "Tier 1", "Alder", "north", "Alma Ash", "Good"],
            ["B-2", "2026-10-05", "Tier 1", "Alder", "north", "Alma Ash", "Inadequate"],
            ["B-3", "2026-10-09", "Tier 1", "Alder", "north", "Alma Ash", "Good"],
            ["B-4", "2026-10-12", "Tier 2", "Cedar", "south", "Nadia North", "Good"],
            ["B-5", "2026-10-14", "Tier 2", "Cedar", "south", "Sol South", "Requires Improvement"],
            ["B-6", "2026-10-15", "Tier 1", "Cedar", "south", "Cara Cedar", "Good"],
        ],
    ),
]


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, OIDCStub]]:
    """The app over a store made by ``init`` only, with sign-in through the stand-in provider."""
    folder = tmp_path_factory.mktemp("e2e-council")
    db = folder / "council.duckdb"
    assert main(["init", "--db", str(db), "--council", "Testshire Council", "--la", "356"]) == 0
    with running_stub() as provider:
        secrets = folder / "secrets.toml"
        secrets.write_text(provider.secrets_toml(), encoding="utf-8")
        with streamlit_server(db, args=["--secrets.files", str(secrets)]) as url:
            yield url, provider


def _sign_in(page, url: str, provider: OIDCStub, who: dict) -> None:
    provider.user = who
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {who['email']}")).to_be_visible()


def _import(page, url: str, title: str, name: str, body: bytes) -> None:
    page.goto(url + "/?kind=" + quote(title))  # Data is the administrator's first page: served at the root
    expect(page.get_by_text(f"A {title.lower()} file (CSV or Excel .xlsx)")).to_be_visible()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": body}]
    )
    expect(page.get_by_text("The file is ready to import.")).to_be_visible()
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text(re.compile(r"Import \d+ is complete\.")).first).to_be_visible()


def test_an_administrator_sets_up_the_council_and_the_qa_lead_sees_completion(page, council, screenshots):
    url, provider = council
    _sign_in(page, url, provider, ADMIN)
    expect(page.get_by_role("heading", name="What the store holds")).to_be_visible()
    expect(page.get_by_text(re.compile(r"pages? cannot work yet"))).to_be_visible()
    for _, title, name, rows in FILES:
        _import(page, url, title, name, _csv(rows))
    expect(page.get_by_text("October 2026 audits for Alder added (3 audits)")).to_be_visible()
    whole_page_screenshot(page, screenshots / "council-data.png")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()

    _sign_in(page, url, provider, QA_LEAD)
    page.goto(url + "/audits?audit_tab=Completion")
    expect(page.get_by_role("heading", name="Audit grades")).to_be_visible()
    expect(page.get_by_text("October 2026 · All services")).to_be_visible()
    expect(page.get_by_text("66.7% of expected audits counted in October 2026 (4 of 6)")).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(
                r"1 person exempt: a month exempt or not worked in full counts as "
                r"neither expected nor missed"
            )
        )
    ).to_be_visible()
    page.get_by_text("By manager", exact=True).click()
    expect(page).to_have_url(re.compile(r"audit_completion_by=By\+manager"))
    table = page.get_by_test_id("stDataFrame").filter(has_text="Manager")
    for name in ("Alma Ash", "Nadia North", "Sol South", "Cara Cedar"):
        expect(table.get_by_text(name).first).to_be_attached()
    expect(table.get_by_text("Exempt").first).to_be_attached()
    whole_page_screenshot(page, screenshots / "council-completion.png")
