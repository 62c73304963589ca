"""``python -m bench.pages`` runs to the end on a store (a benchmark that crashes is a defect: as
shipped once, it crashed on the Benchmarks page and the budget went unwatched). Two changes a page,
in a process of its own (the harness sets Streamlit's options and script cache for its process).
Nothing about time is asserted: only that every page was timed, beside the floor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["home", "clinic", "rag", "audits", "risks", "teams", "scrutiny", "benchmarks"]


def test_every_page_is_timed_beside_the_floor(demo_db: Path, tmp_path: Path) -> None:
    store = tmp_path / "qa.duckdb"
    store.write_bytes(demo_db.read_bytes())
    script = (
        "import sys, bench.pages as p\n"
        "p.CHANGES_PER_PAGE = 2\n"
        f"sys.exit(p.main(['--db', {str(store)!r}]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("page (large demo; after a filter change)")
    assert "floor p95 beside" in lines[0] and "p95/run's floor" in lines[0]
    assert lines[1].startswith("floor: select box, 2 Plotly charts, table (all)")
    assert lines[1].split()[8] == "16"  # two floor changes before each of the 8 pages' two changes
    rows = {line.split()[0]: line.split() for line in lines[2:10]}
    assert list(rows) == [f"app_pages/{page}.py" for page in PAGES]
    for cells in rows.values():
        assert cells[1] == "2" and cells[-1] in ("within", "OVER")
    for page in PAGES:  # each page's renders and the floor's beside them, listed on stderr
        assert f"app_pages/{page}.py: first " in done.stderr and "floor beside it" in done.stderr
    assert lines[-1].startswith("nproc ")
