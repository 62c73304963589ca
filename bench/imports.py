"""``python -m bench.imports``: how long 1,000,000 audit rows take to check and to import, beside a
bare DuckDB ``read_csv`` of the same file.

Not a test: nothing is asserted. Builds the small demo store in a temporary directory, writes a
CSV of N audits (default 1,000,000) for its teams with eight area-grade columns (grades as words
and numbers, dates in UK and ISO form), then, each in a fresh process so its peak memory is its own:

* the floor: DuckDB's ``read_csv`` of the file into a table, and nothing else (time, peak RSS);
* ``import_file`` into a copy of the demo store (every row new), with the time of each stage
  (time, peak RSS);

and in this process ``validate_file`` (read, check, compare; writes nothing) and the same file
imported again (every row unchanged: nothing is written). The budget (issue 14): the import
≤ 10 s, ≤ 3× the bare read's time and ≤ 2× its peak memory.

``python -m bench.imports --rows 200000`` for a quicker run; ``--keep DIR`` keeps the files.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from qa_core.demo import build_demo
from qa_core.io.importer import import_file, validate_file
from qa_core.store import Store

AREAS = ["Chronology", "Risk assessment", "Voice of the child", "Assessment quality", "Plan is SMART",
         "Management oversight", "Supervision", "Direct work"]
WORDS = np.array(["Outstanding", "Good", "Requires Improvement", "Inadequate"], dtype=object)


def _cpu() -> float:
    """Processor seconds used by this process so far (user + system, all threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def audit_csv(teams: list[tuple[str, str, str, str]], rows: int, seed: int = 7) -> bytes:
    """A CSV of ``rows`` audits over ``teams`` (team id, team name, service id, manager)."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(teams), rows)
    team = np.array([t[1] for t in teams], dtype=object)[pick]
    service = np.array([t[2] for t in teams], dtype=object)[pick]
    auditor = np.array([t[3] for t in teams], dtype=object)[pick]
    days = np.datetime64("2012-01-01") + rng.integers(0, 8 * 365, rows).astype("timedelta64[D]")
    iso = np.datetime_as_string(days)
    year = days.astype("datetime64[Y]").astype(int) + 1970
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(int) + 1
    uk = np.char.add(np.char.add(np.char.add(np.char.add(np.char.zfill(day.astype(str), 2), "/"),
                                             np.char.zfill(month.astype(str), 2)), "/"), year.astype(str))
    dates = np.where(rng.random(rows) < 0.5, iso, uk)
    grade = rng.integers(1, 5, rows)
    table = {
        "audit_id": pa.array(np.char.add("AUD-", np.char.zfill(np.arange(rows).astype(str), 8))),
        "audit_date": pa.array(dates),
        "tier": pa.array(np.where(rng.random(rows) < 0.9, "Tier 1", "thematic")),
        "team": pa.array(team, pa.string()),
        "service": pa.array(service, pa.string()),
        "auditor": pa.array(auditor, pa.string()),
        "overall_grade": pa.array(WORDS[grade - 1], pa.string()),
        "moderated_grade": pa.array(np.where(rng.random(rows) < 0.15, (grade % 4 + 1).astype(str), None),
                                    pa.string()),
        "tool": pa.array(np.full(rows, "Generic (2A)"), pa.string()),
        "case_ref": pa.array(np.char.add("CR", rng.integers(100000, 999999, rows).astype(str))),
    }
    for area in AREAS:
        g = np.clip(grade + rng.integers(-1, 2, rows), 1, 4)
        table[area] = pa.array(np.where(rng.random(rows) < 0.5, g.astype(str), WORDS[g - 1]).astype(object),
                               pa.string())
    out = io.BytesIO()
    pacsv.write_csv(pa.table(table), out)
    return out.getvalue()


BUDGET_S, TIME_RATIO, MEMORY_RATIO = 10.0, 3.0, 2.0
_BARE = """
import duckdb, json, sys, time
started = time.perf_counter()
con = duckdb.connect()
con.execute("CREATE TABLE audits AS SELECT * FROM read_csv(?, header = true)", [sys.argv[1]])
rows = con.execute("SELECT count(*) FROM audits").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows}))
"""
_IMPORT = """
import json, sys, time
from qa_core.io.importer import import_file
from qa_core.store import Store
marks = []
started = time.perf_counter()
store = Store(sys.argv[2])
result = import_file(store, "audits", sys.argv[1], user="bench",
                     stage=lambda words: marks.append((time.perf_counter() - started, words)))
store.close()
print(json.dumps({"seconds": time.perf_counter() - started, "rows": result.added, "marks": marks}))
"""


def in_child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh Python; its JSON answer with its peak memory (MB) added."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], cwd=Path(__file__).resolve().parents[1],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    if status != 0:
        raise SystemExit(f"child failed: {err[-2000:]}")
    answer = json.loads(out.strip().splitlines()[-1])
    answer["peak_mb"] = usage.ru_maxrss / 1024
    return answer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.imports")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", help="keep the generated files in this folder")
    args = parser.parse_args(argv)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-imports-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        demo = work / "demo.duckdb"
        demo.unlink(missing_ok=True)
        build_demo(demo)
        with Store(demo, read_only=True) as store:
            teams = list(store.query("SELECT team_id, name, service_id, manager FROM team").itertuples(index=False))
        started = time.perf_counter()
        data = audit_csv(teams, args.rows)
        csv_path = work / f"audits_{args.rows}.csv"
        csv_path.write_bytes(data)
        print(f"Generated {args.rows:,} audits x {len(AREAS)} area grades: {len(data) / 1e6:,.0f} MB in "
              f"{time.perf_counter() - started:.1f} s ({csv_path})")

        bare = in_child(_BARE, str(csv_path))
        print(f"bare DuckDB read_csv into a table:            {bare['seconds']:6.2f} s, peak {bare['peak_mb']:6.0f} MB "
              f"({bare['rows']:,} rows)")
        target = work / "import.duckdb"
        shutil.copy(demo, target)
        with Store(target, read_only=True) as store:
            before = store.table_counts()
        fresh = in_child(_IMPORT, str(csv_path), str(target))
        marks = fresh["marks"]
        for (at, words), end in zip(marks, [m[0] for m in marks[1:]] + [fresh["seconds"]], strict=True):
            print(f"    {at:6.2f} s  {words:<45} {end - at:6.2f} s")
        first_s = fresh["seconds"]
        print(f"import_file, every row new (own process):     {first_s:6.2f} s, peak {fresh['peak_mb']:6.0f} MB "
              f"({fresh['rows']:,} added)")
        with Store(target) as store:
            started, cpu = time.perf_counter(), _cpu()
            check = validate_file(store, "audits", csv_path)
            check_s = time.perf_counter() - started
            print(f"validate_file (read, check, compare; no write): {check_s:6.2f} s (CPU {_cpu() - cpu:5.1f} s)  "
                  f"ok={check.ok} problems={check.problem_count}")
            started, cpu = time.perf_counter(), _cpu()
            again = import_file(store, "audits", csv_path, user="bench")
            again_s = time.perf_counter() - started
            print(f"import_file, same file again (all unchanged): {again_s:6.2f} s (CPU {_cpu() - cpu:5.1f} s)  "
                  f"{again.summary()}")
            after = store.table_counts()
        print(f"audit rows {before['audit']:,} -> {after['audit']:,}; area grades {before['audit_area_grade']:,} -> "
              f"{after['audit_area_grade']:,}")
        time_ratio, memory_ratio = first_s / bare["seconds"], fresh["peak_mb"] / bare["peak_mb"]
        verdicts = [first_s <= BUDGET_S * args.rows / 1_000_000, time_ratio <= TIME_RATIO,
                    memory_ratio <= MEMORY_RATIO]
        print(f"Budget ({args.rows:,} rows): import {first_s:.1f} s (<= {BUDGET_S * args.rows / 1_000_000:.1f} s), "
              f"{time_ratio:.1f}x the bare read's time (<= {TIME_RATIO:.0f}x), {memory_ratio:.1f}x its peak memory "
              f"(<= {MEMORY_RATIO:.0f}x): {'within' if all(verdicts) else 'OVER'}. nproc {os.cpu_count()}; load "
              f"average {', '.join(f'{x:.1f}' for x in os.getloadavg())}.")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
