"""Store text in a real browser (issue 6): with a script tag, an image with an onerror
handler, Markdown links and images and a bare link written into every user-text column, every
page shows the payload as text, and the main area holds no link to or image from the payload's
host and runs none of its script."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import streamlit_server
from tests.pages.test_user_text_safety import inject_payloads

pytestmark = pytest.mark.e2e

TALL = {"width": 1440, "height": 4000}
MAIN = "[data-testid='stMain']"
SHOWN = "window.__x=1"  # part of the script payload: visible when shown as text
# (page path, service to pick in the sidebar or None) — the views where the payload shows.
VIEWS = [("", None), ("clinic", "assessment"), ("rag", None), ("audits", "assessment"), ("risks", None),
         ("teams", "assessment"), ("scrutiny", None), ("benchmarks", None), ("data", None)]
# Links and images to the payload's host, in HTML or SVG (Plotly writes xlink:href).
HOSTILE = """() => Array.from(document.querySelectorAll(
  "[data-testid='stMain'] a, [data-testid='stMain'] img, [data-testid='stMain'] image")).filter(
  e => ['href', 'src', 'xlink:href'].some(a => (e.getAttribute(a) || '').includes('evil.example'))).length"""


def _pick_service(page, service: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="Service").click()
    page.get_by_role("option", name=re.compile(rf"^{service} ")).click()


def test_every_page_shows_the_payload_as_text_and_runs_or_loads_nothing(page, demo_db, tmp_path):
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, Path(db))
    inject_payloads(db)
    page.set_viewport_size(TALL)
    with streamlit_server(db) as url:
        for path, service in VIEWS:
            page.goto(f"{url}/{path}")
            expect(page.locator(MAIN).get_by_role("heading").first).to_be_visible()
            if service:
                _pick_service(page, service)
            if path != "data":  # the Data page shows no store text until a file is imported
                expect(page.locator(MAIN).get_by_text(SHOWN).first).to_be_visible()
            assert page.locator(f"{MAIN} a[href*='evil.example']").count() == 0, path
            assert page.locator(f"{MAIN} img[src*='evil.example']").count() == 0, path
            assert page.evaluate(HOSTILE) == 0, path
            assert page.evaluate("() => [typeof window.__x, typeof window.__y]") == ["undefined", "undefined"], path
