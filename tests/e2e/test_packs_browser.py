"""Papers for the meeting in a real browser: open the clinic for a service from a link, prepare
its pack and download it, as the assistant director would before the clinic."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.e2e


def test_download_the_clinic_pack_as_pdf(page, app_url, tmp_path, screenshots):
    page.goto(app_url + "/clinic?service=Assessment")
    expect(page.get_by_role("heading", name="Assessment: October 2026")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Papers for the meeting: the clinic pack"))).to_be_visible()
    page.get_by_role("button", name="Prepare pack (PDF)").click()
    download = page.get_by_role("button", name="Download pack (PDF)")
    expect(download).to_be_visible(timeout=180_000)  # the pack draws several charts on a busy machine
    page.screenshot(path=str(screenshots / "clinic-pack-ready.png"))
    with page.expect_download() as info:
        download.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "clinic-assessment-2026-10.pdf"
    reader = PdfReader(io.BytesIO(saved.read_bytes()))
    first = reader.pages[0].extract_text()
    assert "Performance clinic pack: Assessment" in first and "October 2026" in first
    assert "Produced on" in first and "from data complete to October 2026" in first
