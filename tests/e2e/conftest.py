"""A real `streamlit run` on a free port over a copy of the demo store, and headless
Chromium (Debian's /usr/bin/chromium) driven by Playwright."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

T = TypeVar("T")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling interval while the server starts, not a wait for the UI
    raise RuntimeError("streamlit did not become healthy in time")


@contextmanager
def streamlit_server(db: Path, env: Mapping[str, str] | None = None, args: Sequence[str] = (),
                     address: str = "127.0.0.1", script: Path = ROOT / "dashboard.py") -> Iterator[str]:
    """``streamlit run dashboard.py`` on a free port over the store ``db``; yields its URL
    (always reached at 127.0.0.1). ``env`` adds environment variables and ``args`` more
    command-line options (e.g. ``["--secrets.files", path]`` to sign in against a test
    provider); ``address`` is where it listens ("0.0.0.0": every interface) and ``script``
    another entry script, run from the project folder so the project's config applies."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script),
         "--server.port", str(port), "--server.address", address, "--server.headless", "true",
         "--browser.gatherUsageStats", "false", *args],
        cwd=ROOT, env={**os.environ, "QA_DB": str(db), **(env or {})}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The shared server: read by every browser test, so none of them may write to it."""
    db = tmp_path_factory.mktemp("e2e") / "qa.duckdb"
    shutil.copy(demo_db, db)
    with streamlit_server(db) as url:
        yield url


INSTALL_CHROMIUM = (f"Chromium is not at {CHROMIUM}: install it (Debian/Ubuntu: sudo apt-get install chromium) or "
                    "set CHROMIUM=/path/to/chromium.")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end on a thread of its own: the session's Playwright (``browser``)
    keeps an event loop running on the main thread once any browser test has run, where
    ``asyncio.run`` refuses to start another."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):  # never pass a CI run without the browser tests
            pytest.fail(f"{INSTALL_CHROMIUM} Under CI the browser tests must run.", pytrace=False)
        pytest.skip(f"{INSTALL_CHROMIUM} (make test stops instead unless SKIP_BROWSER=1)")
    from playwright.sync_api import expect, sync_playwright

    # A first render (plotly loading, the store's caches warming) can take many seconds on a
    # busy two-core CI machine: wait for elements patiently, never for fixed sleeps.
    expect.set_options(timeout=30_000)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def whole_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main area, so a full-page screenshot stops at the first
    screen: make the window as tall as the content, shoot, and restore it."""
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight, ...Array.from(document.querySelectorAll("
        "'[data-testid=\"stMain\"], [data-testid=\"stAppViewContainer\"]')).map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 80, 12_000)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say loudly, at the end, that the browser tests did not run: a skip is not a pass."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "Chromium is not at" in str(r.longrepr)]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} BROWSER TESTS DID NOT RUN", red=True, bold=True)
        terminalreporter.write_line(INSTALL_CHROMIUM, red=True)
