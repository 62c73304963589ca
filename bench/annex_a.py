"""``python -m bench.annex_a``: how long a 100,000-row Annex A workbook takes to import, and how much memory.

Not a test: nothing is asserted. Builds the small demo store in a temporary directory, generates the demo
council's Annex A (``qa_core.demo.annex_a``) at the volume that gives about ``--rows`` rows over its
eleven lists (default 100,000), writes it as an .xlsx workbook, then runs, each in a process of its own
(so its peak memory is its own): ``python -m qa_core import annex_a FILE --dry-run`` (read, check,
pseudonymise, work out the measures, compare; no write), the import itself, and the same workbook again
(every value unchanged: nothing written). Prints wall-clock seconds, processor seconds and peak resident
memory of each.

``python -m bench.annex_a --rows 20000`` for a quicker run; ``--keep DIR`` keeps the files.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qa_core.demo import DEMO_END, build_demo
from qa_core.demo.annex_a import ANNEX_A_MONTHS, annex_a_sheets, annex_a_workbook
from qa_core.store import Store

#: Rows over the eleven lists at volume 1 and 24 months (the small demo council).
ROWS_AT_VOLUME_1 = 44_000


def _child(args: list[str]) -> tuple[float, float, float, str]:
    """Run ``python -m qa_core ...`` in a process of its own: wall s, CPU s, peak RSS MB, its report's first line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "qa_core", *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"python -m qa_core {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    # ru_maxrss of children is the largest of any child so far: each run here is larger than the one before
    # or reported as the same; the import's own peak is the figure after it.
    return wall, cpu, after.ru_maxrss / 1024, done.stdout.splitlines()[0] if done.stdout else ""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.annex_a")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", help="keep the generated files in this folder")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-annex-a-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        demo = work / "demo.duckdb"
        demo.unlink(missing_ok=True)
        build_demo(demo)
        with Store(demo, read_only=True) as store:
            teams = store.query("SELECT team_id, service_id, name FROM team")
        volume = args.rows / ROWS_AT_VOLUME_1
        started = time.perf_counter()
        sheets = annex_a_sheets(teams, DEMO_END.date(), ANNEX_A_MONTHS, seed=1, volume=volume)
        rows = sum(len(f) for f in sheets.values())
        generated = time.perf_counter() - started
        started = time.perf_counter()
        data = annex_a_workbook(sheets)
        path = work / f"annex_a_{rows}.xlsx"
        path.write_bytes(data)
        print(
            f"Generated an Annex A of {rows:,} rows ({', '.join(f'{k} {len(v):,}' for k, v in sheets.items())}) "
            f"in {generated:.1f} s; wrote {path.name} ({len(data) / 1e6:.1f} MB) in "
            f"{time.perf_counter() - started:.1f} s."
        )
        target = work / "import.duckdb"
        shutil.copy(demo, target)
        for label, extra in (
            ("dry run (read, check, derive, compare)", ["--dry-run"]),
            ("import, every value new", []),
            ("same workbook again (all unchanged)", []),
        ):
            wall, cpu, rss, first = _child(["import", "annex_a", str(path), "--db", str(target), *extra])
            print(f"{label:<40} {wall:6.1f} s (CPU {cpu:5.1f} s, peak memory {rss:,.0f} MB)  {first}")
        with Store(target, read_only=True) as store:
            counts = store.table_counts()
        print(
            f"Stored: {counts['annex_a_record']:,} records, {counts['annex_a_count']:,} counted rows, "
            f"{store_values(target):,} Annex A values. Load average: "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores."
        )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def store_values(path: Path) -> int:
    with Store(path, read_only=True) as store:
        return int(store.scalar("SELECT count(*) FROM indicator_value WHERE code LIKE 'AA\\_%' ESCAPE '\\'"))


if __name__ == "__main__":
    main()
