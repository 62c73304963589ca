"""``python -m bench.start``: cold start, from ``streamlit run`` to the first page drawn in Chromium,
beside a one-chart hello app (``bench/hello_app.py``) started the same way in the same run.

Not a test: nothing is asserted. Builds the ``large`` demo store first (a store that exists, as on a
council's server), then ``--runs`` times (default 3) each, alternating: starts ``streamlit run`` on a
free port (the clock starts), asks for the page in headless Chromium (Debian's, as the tests use)
as soon as the server answers, and stops the clock when the page's heading and first Plotly chart
are drawn. The browser itself is started before the clock. The budget (issue 14): the dashboard's
median ≤ 1.3× the hello app's.

The project's modules are compiled to bytecode first (``compileall``), as pip compiles the libraries
both apps import when it installs them, and as any server has them after its first start: where
``PYTHONDONTWRITEBYTECODE`` is set (as on the machine this was measured on) every start of the dashboard
would otherwise compile some two hundred modules of its own that the hello app does not have.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.load import free_port, start_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BUDGET = 1.3
APPS = {
    "hello app (one chart)": (ROOT / "bench" / "hello_app.py", "Hello"),
    "dashboard (home, large demo)": (ROOT / "dashboard.py", "Kestrel Vale Council: at a glance"),
}


def _answering(url: str, proc: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"streamlit exited early (status {proc.returncode})")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                return
        except OSError:
            time.sleep(0.02)  # polling the port while the server starts
    raise SystemExit("streamlit did not answer in time")


def cold_start(browser, script: Path, heading: str, db: Path) -> float:
    """Seconds from ``streamlit run`` to ``heading`` and the first chart drawn."""
    from playwright.sync_api import expect

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    started = time.perf_counter()
    server = start_server(db, port, script=script)
    try:
        _answering(url, server)
        page.goto(url)
        expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=120_000)
        expect(page.locator("[data-testid='stPlotlyChart'] .main-svg").first).to_be_visible(timeout=120_000)
        return time.perf_counter() - started
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.start")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from qa_core.demo import build_demo

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium is not at {CHROMIUM}: install it (sudo apt-get install chromium).")
    compiled = all(compileall.compile_dir(ROOT / part, quiet=1) for part in ("qa_core", "ui", "app_pages"))
    compiled = compileall.compile_file(ROOT / "dashboard.py", quiet=1) and compiled
    print(f"the project's modules compiled to bytecode first: {'yes' if compiled else 'NO (a module failed)'}")
    tmp = Path(tempfile.mkdtemp(prefix="qa-bench-start-"))
    times: dict[str, list[float]] = {name: [] for name in APPS}
    try:
        db = tmp / "qa.duckdb"
        build_demo(db, scale="large")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for _ in range(args.runs):
                for name, (script, heading) in APPS.items():
                    times[name].append(cold_start(browser, script, heading, db))
                    print(f"{name}: {times[name][-1]:.2f} s", file=sys.stderr)
            browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    hello, app = (statistics.median(times[n]) for n in APPS)
    for name in APPS:
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:30s} median {statistics.median(times[name]):5.2f} s  (runs: {runs})")
    verdict = "within" if app <= BUDGET * hello else "OVER"
    print(f"cold start: dashboard / hello = {app / hello:.2f}x (budget {BUDGET}x: {verdict}); "
          f"nproc {os.cpu_count()}; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
