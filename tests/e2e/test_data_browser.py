"""The Data page in a real browser: upload an audits file with errors and see every problem listed
with its row and column; then a valid file, confirm it, and see the result and the log.

Imports need a signed-in person: this test signs in through the stand-in OpenID Connect provider
(``oidc_stub``) as the demo council's assistant director, on its own server over its own copy of
the demo store, since it imports (the shared ``app_url`` server is left as the other browser tests
expect it). In the local demo (the shared server) a file is checked but never imported.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from qa_core.io.importer.templates import TEMPLATE_DIR
from tests.e2e.conftest import streamlit_server, whole_page_screenshot
from tests.e2e.oidc_stub import running_stub
from ui.safe import md

pytestmark = pytest.mark.e2e

BAD = (b"audit_id,audit_date,tier,team,service,auditor,overall_grade,Chronology\n"
       b"AUD-X-1,31/02/2026,Tier 1,Nowhere Team,Assessment,Jo Bloggs,5,Good\n"
       b"AUD-X-2,03/11/2026,Tier 1,Assessment North,Assessment,Jo Bloggs,Good,7\n")


@pytest.fixture(scope="module")
def data_app_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with sign-in configured, its stand-in provider signing in the assistant director; its URL."""
    folder = tmp_path_factory.mktemp("e2e-data")
    db = folder / "qa.duckdb"
    shutil.copy(demo_db, db)
    with running_stub() as provider:
        provider.user = {"email": "ad@kestrelvale.example", "name": "Assistant director"}
        secrets = folder / "secrets.toml"
        secrets.write_text(provider.secrets_toml(), encoding="utf-8")
        with streamlit_server(db, args=["--secrets.files", str(secrets)]) as url:
            yield url


def _sign_in(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as ad@kestrelvale.example")).to_be_visible()


def _upload(page, name: str, body: bytes) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": body}])


def test_upload_with_errors_then_a_valid_file(page, data_app_url, screenshots):
    _sign_in(page, data_app_url)
    page.goto(data_app_url + "/data?kind=" + quote("Case-file audits"))
    expect(page.get_by_role("heading", name="1. What are you loading?")).to_be_visible()
    expect(page.get_by_text("A case-file audits file (CSV or Excel .xlsx)")).to_be_visible()
    expect(page.get_by_role("button", name="Template (CSV)")).to_be_visible()
    expect(page.get_by_text("No file yet.")).to_be_visible()

    _upload(page, "audits-with-errors.csv", BAD)
    expect(page.get_by_text("This file has 4 problems in 2 of its 2 rows. Nothing has been written.")
           ).to_be_visible()
    problems = page.get_by_test_id("stDataFrame").filter(has_text="Problem")
    for text in ["audit_date", "overall_grade", "Chronology", "There is no team 'Nowhere Team'",
                 "is not a date that exists"]:
        expect(problems.get_by_text(text).first).to_be_attached()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    page.get_by_text("Read the problems in full").click()
    expect(page.get_by_text("Row 2, column 'team': There is no team 'Nowhere Team'.")).to_be_visible()
    whole_page_screenshot(page, screenshots / "data-errors.png")

    _upload(page, "audits.csv", (TEMPLATE_DIR / "audits.csv").read_bytes())
    expect(page.get_by_text("The file is ready to import.")).to_be_visible()
    # The email is stored text in a caption: md() puts a word joiner after '@' so it never links.
    expect(page.get_by_text(f"The import log will record it as imported by {md('ad@kestrelvale.example')}.")
           ).to_be_visible()
    expect(page.get_by_role("textbox", name="Your name (for the import log)")).to_have_count(0)
    expect(page.get_by_text("The file's rows as they will be stored")).to_be_visible()
    whole_page_screenshot(page, screenshots / "data-ready.png")
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Import 1 is complete. 1 row read: 1 added, 0 replaced")).to_be_visible()
    expect(page.get_by_text("November 2026 audits for Assessment North added (1 audit)").first).to_be_visible()
    log = page.get_by_test_id("stDataFrame").filter(has_text="Who")
    expect(log.get_by_text("ad@kestrelvale.example").first).to_be_attached()
    whole_page_screenshot(page, screenshots / "data-imported.png")


def test_the_local_demo_checks_a_file_but_never_imports(page, app_url):
    # The shared server is the local demo: anyone there may pick any role, so no council's data.
    page.goto(app_url + "/data?kind=" + quote("Case-file audits"))
    expect(page.get_by_text("Importing is turned off in the local demo")).to_be_visible()
    _upload(page, "audits.csv", (TEMPLATE_DIR / "audits.csv").read_bytes())
    expect(page.get_by_text("The file is ready to import.")).to_be_visible()  # the check still works
    expect(page.get_by_text("This file was only checked: importing is turned off in the local demo")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    expect(page.get_by_text("No files have been imported into this store yet.")).to_be_visible()
