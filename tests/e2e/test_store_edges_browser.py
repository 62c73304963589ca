"""Issue 11, findings 5 and 11, in a real browser, over a store no import would produce today
(written with SQL, as an old store or another tool could): far-past and far-future dates
(tests/pages/test_extreme_dates.py) and 1 MiB texts (tests/pages/test_long_text.py).

Home opens on October 2026, not December 9999, and names the months it leaves out. The RAG page
renders its heading and tables with a 1 MiB narrative and priority on the open area, and puts a
bounded amount of text on the page (before the fix: over a million characters, and the browser's
main thread blocked for seconds); the whole narrative is one switch away, a part at a time.
No timings are asserted: Playwright waits for each element.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from qa_core.store import Store
from tests.e2e.conftest import streamlit_server
from tests.pages.test_extreme_dates import EXTREME_SQL
from tests.pages.test_long_text import BIG, LONG_SQL, PAGE_TEXT_LIMIT

pytestmark = pytest.mark.e2e
INNER_TEXT = "() => document.body.innerText.length"


@pytest.fixture(scope="module")
def edge_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("edges") / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        for sql in LONG_SQL:
            store.execute(sql, {"big": BIG})
        for sql in EXTREME_SQL:
            store.execute(sql)
        store.checkpoint()
    with streamlit_server(db) as url:
        yield url


def test_home_opens_on_the_latest_plausible_month_over_far_dates(page, edge_url, screenshots):
    page.goto(edge_url + "/")
    expect(page.get_by_role("heading", name="Kestrel Vale Council: at a glance")).to_be_visible()
    expect(page.get_by_text("October 2026 · All services")).to_be_visible()
    expect(page.get_by_role("heading", name="Inadequate audits by month")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("January 0001 to December 9999")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(screenshots / "home-far-dates.png"))


def test_the_rag_page_renders_a_1_mib_narrative_shortened(page, edge_url, screenshots):
    page.goto(edge_url + "/rag?month=October+2026")
    expect(page.get_by_role("heading", name="RAG at a glance")).to_be_visible()
    expect(page.get_by_role("heading", name="Leadership and Stability")).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.get_by_role("heading", name="Progress and risks")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()  # the RAG history, last on the page
    expect(page.get_by_test_id("stText").filter(has_text=BIG[:300] + "…").first).to_be_visible()  # the narrative
    assert page.evaluate(INNER_TEXT) < PAGE_TEXT_LIMIT

    switch = page.get_by_text("Read in full (1,048,576 characters)").first
    expect(switch).to_be_visible()
    switch.click()
    part = page.get_by_label("Part (of 21, 50,000 characters each)")
    expect(part).to_be_visible()
    expect(page.get_by_test_id("stText").filter(has_text=BIG[49_000:49_100])).to_be_visible()  # in part 1
    assert page.evaluate(INNER_TEXT) < PAGE_TEXT_LIMIT  # opened: one part of the text at a time
    page.screenshot(path=str(screenshots / "rag-long-narrative.png"))
