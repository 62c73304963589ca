"""``python -m bench.pages``: server time for each page to re-render after a filter change,
on the ``large`` demo store (budget 300 ms).

Not a test: nothing is asserted. The app runs in this process under Streamlit's AppTest, so a
timing is the whole script run for that page (queries, shaping, element building) without the
browser. Each page is first rendered once (the store opened, the page's modules imported),
then each filter change below is timed as the first render of that view, so its cached
queries miss and run against the store: the cost a user pays on a change they have not made
before. The median and the worst of those runs are reported. Scripts are compiled once, as a
server does (see ``_share_script_cache``); Streamlit's own logging is quietened.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 300.0
MONTHS = ["2026-09", "2026-06", "2026-03", "2025-12", "2025-10"]
SERVICES = ["assessment", "cp_court", "children_in_care", "care_leavers", "front_door"]

# page file -> the filter changes to time, each a dict of widget keys to set before a run.
CHANGES: dict[str, list[dict[str, str]]] = {
    "app_pages/home.py": [{"month": m} for m in MONTHS],
    "app_pages/clinic.py": [{"service": "assessment", "month": m} for m in MONTHS],
    "app_pages/rag.py": [{"month": m} for m in MONTHS],
    "app_pages/audits.py": [{"month": m, "service": s} for m, s in zip(MONTHS, ["all", *SERVICES[:4]], strict=True)],
    "app_pages/risks.py": [{"month": m} for m in MONTHS],
    "app_pages/teams.py": [{"service": s} for s in SERVICES],
    "app_pages/scrutiny.py": [{"quarter": q} for q in ["2026/27 Q1", "2025/26 Q4", "2025/26 Q3", "2025/26 Q2",
                                                         "2025/26 Q1"]],
    "app_pages/benchmarks.py": [{"la": la} for la in ["Cumberland (North West)", "Leeds (Yorkshire and The Humber)",
                                                      "Camden (London)", "Kent (South East)", "Wigan (North West)"]],
}


def _share_script_cache() -> None:
    """A running server compiles each script once (its ScriptCache lives as long as the
    server); AppTest makes a new cache on every run, recompiling dashboard.py and the page
    each time. Share one cache so the timings are the server's, not AppTest's."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def _time_page(page: str, changes: list[dict[str, str]]) -> list[float]:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(page).run()
    runs = []
    for change in changes:
        for key, value in change.items():
            at.session_state[key] = value
        started = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - started)
        if at.exception:
            raise SystemExit(f"{page} {change}: {at.exception[0].message}")
    return runs


def run() -> list[tuple[str, str, str, str]]:
    import logging

    from streamlit import config

    from qa_core.demo import build_demo

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    # AppTest has no server: say what `make run` does, where the local demo (which this times) opens.
    config.set_option("server.address", "127.0.0.1")

    rows = []
    with tempfile.TemporaryDirectory(prefix="qa-bench-pages-") as tmp:
        db = Path(tmp) / "large.duckdb"
        build_demo(db, scale="large")
        os.environ["QA_DB"] = str(db)
        _share_script_cache()
        for page, changes in CHANGES.items():
            if not (ROOT / page).exists():
                continue
            runs = _time_page(page, changes)
            median, worst = statistics.median(runs) * 1000, max(runs) * 1000
            verdict = "within budget" if worst <= BUDGET_MS else (
                "median within budget" if median <= BUDGET_MS else "OVER BUDGET")
            rows.append((page, f"{median:.0f} ms", f"{worst:.0f} ms", verdict))
            print(f"{page}: " + ", ".join(f"{r * 1000:.0f}" for r in runs) + " ms", file=sys.stderr)
    return rows


def main() -> int:
    rows = run()
    header = ("page (large demo, first render after a filter change)", "median", "worst", f"budget {BUDGET_MS:.0f} ms")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
