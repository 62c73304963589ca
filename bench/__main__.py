"""``python -m bench``: how long the demo store takes to build and the reports take to run.

Not a test: nothing is asserted. Builds its stores in a temporary directory (removed after),
times the small build three times (budget 15 s each), the large build once, and the
``report audits --by team`` and ``report risks`` queries on the large store (median of 5,
both as the report function on an open store and as the whole in-process command).
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from qa_core.__main__ import main as cli
from qa_core.demo import build_demo
from qa_core.store import Store
from qa_core.views import audit_grades, risk_register

SMALL_RUNS = 3
QUERY_RUNS = 5
SMALL_BUDGET_S = 15.0


def _time(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _quiet_cli(argv: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli(argv)
    if code != 0:
        raise SystemExit(f"`python -m qa_core {' '.join(argv)}` failed with status {code}")


def _row(name: str, runs: list[float], budget: float | None = None) -> tuple[str, ...]:
    median = statistics.median(runs)
    verdict = "" if budget is None else ("within budget" if median <= budget else "OVER BUDGET")
    each = ", ".join(f"{r * 1000:.0f}" if r < 1 else f"{r:.2f} s" for r in runs)
    shown = f"{median * 1000:.1f} ms" if median < 1 else f"{median:.2f} s"
    return name, str(len(runs)), shown, each, verdict


def run() -> list[tuple[str, ...]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        tmp_dir = Path(tmp)
        small = [_time(lambda i=i: build_demo(tmp_dir / f"small-{i}.duckdb", scale="small"))
                 for i in range(SMALL_RUNS)]
        for i, seconds in enumerate(small, start=1):
            print(f"small build run {i}: {seconds:.2f} s", file=sys.stderr)
        rows.append(_row("build demo, small", small, SMALL_BUDGET_S))

        large_db = tmp_dir / "large.duckdb"
        large = [_time(lambda: build_demo(large_db, scale="large"))]
        print(f"large build: {large[0]:.2f} s", file=sys.stderr)
        rows.append(_row("build demo, large", large))

        with Store(large_db, read_only=True) as store:
            teams = store.scalar("SELECT count(*) FROM team")
            audits = store.scalar("SELECT count(*) FROM audit")
            rows.append(_row(f"audits_report(by='team')  [{teams} teams, {audits:,} audits]",
                             [_time(lambda: audit_grades.audits_report(store, by="team"))
                              for _ in range(QUERY_RUNS)]))
            rows.append(_row("risks_report()",
                             [_time(lambda: risk_register.risks_report(store)) for _ in range(QUERY_RUNS)]))
        db = str(large_db)
        rows.append(_row("CLI report audits --by team (in-process)",
                         [_time(lambda: _quiet_cli(["report", "audits", "--by", "team", "--db", db]))
                          for _ in range(QUERY_RUNS)]))
        rows.append(_row("CLI report risks (in-process)",
                         [_time(lambda: _quiet_cli(["report", "risks", "--db", db]))
                          for _ in range(QUERY_RUNS)]))
    return rows


def show(rows: list[tuple[str, ...]]) -> None:
    head = ("what", "runs", "median", "each (ms unless s)", "budget")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for line in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


if __name__ == "__main__":
    show(run())
