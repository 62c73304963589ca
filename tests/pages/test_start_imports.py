"""What the first page pulls in: the app's cold start (issue 14) pays for every module imported on
the way to the home page, so modules only other pages, the packs, the importer or the demo builder
need are imported where they are used, not at start-up.

Each check runs the dashboard's first page in a fresh interpreter (this test process has imported
most of the project already) and lists what that run imported. A behaviour, not a timing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from qa_core.pages import page
from ui import collector

ROOT = Path(__file__).resolve().parents[2]
#: Modules the home page never needs: pydantic (the clinic's and the importer's forms), the bank
#: holidays (the audit programme's deadlines), the demo's builders, the packs' PDF and Excel writers,
#: and the views only other pages draw (the scrutiny report card and its disclosure control, the team
#: profiles, the Data page's readiness), which ``ui.formatters`` and ``ui.audit_data`` import where used.
NOT_AT_START = (
    "pydantic",
    "holidays",
    "matplotlib",
    "fpdf",
    "openpyxl",
    "qa_core.demo.audit_data",
    "qa_core.demo.programme_data",
    "qa_core.io.importer",
    "qa_core.packs",
    "qa_core.rules.disclosure",
    "qa_core.views.clinic",
    "qa_core.views.readiness",
    "qa_core.views.scrutiny",
    "qa_core.views.team_profile_html",
    "qa_core.views.team_profiles",
)
#: Runs the app's entry point as ``streamlit run`` would for a first visit (AppTest, served on
#: 127.0.0.1 as ``make run`` does), then prints the first page's title, the modules imported and the
#: collector's thresholds when the script first imported ``qa_core`` (which brings pandas and DuckDB),
#: and how many objects that run left frozen, for which pages.
PROBE = """
import gc, json, sys
from streamlit import config
from streamlit.testing.v1 import AppTest

thresholds = {}

class FirstImport:  # notes the collector's thresholds when qa_core is first imported, and imports nothing
    def find_spec(self, name, path=None, target=None):
        if name == "qa_core":
            thresholds.setdefault(name, list(gc.get_threshold()))
        return None

sys.meta_path.insert(0, FirstImport())
config.set_option("server.address", "127.0.0.1")
app = AppTest.from_file(sys.argv[1], default_timeout=60).run()
frozen = gc.get_freeze_count()
from ui import collector
settled = sorted(collector._settled)
print(json.dumps({"titles": [t.value for t in app.title], "exception": bool(app.exception),
                  "modules": sorted(sys.modules), "thresholds": thresholds.get("qa_core"), "frozen": frozen,
                  "settled": settled}))
"""


def _first_page_imports(db: Path, script: Path) -> dict:
    env = {**os.environ, "QA_DB": str(db), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(script)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def test_the_home_page_imports_nothing_only_other_pages_need(demo_db):
    run = _first_page_imports(demo_db, ROOT / "dashboard.py")
    assert not run["exception"]
    assert run["titles"] == ["Kestrel Vale Council: at a glance"]  # the home page was drawn
    assert _loaded(run["modules"], NOT_AT_START) == []


def test_the_collector_is_tuned_before_the_first_run_imports_the_library(demo_db):
    # The first run of a process imports pandas, DuckDB and the project (hundreds of thousands of
    # objects): with Python's default thresholds the collector passed over them some 160 times.
    run = _first_page_imports(demo_db, ROOT / "dashboard.py")
    assert tuple(run["thresholds"]) == collector.THRESHOLDS


def test_a_pages_first_run_freezes_what_it_left_alive(demo_db):
    # Full collections then skip the modules and the data read once (ui.collector.settle; once a page
    # and a process, tests/unit/test_collector.py).
    run = _first_page_imports(demo_db, ROOT / "dashboard.py")
    assert run["settled"] == [page("home").title]
    assert run["frozen"] > 100_000  # the libraries' and the project's objects, at least


def test_the_server_does_not_watch_its_source_files():
    # Streamlit watches the folder holding dashboard.py recursively, .venv and all, from the first
    # visit on: a serving process has no use for it (a developer passes --server.fileWatcherType auto).
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"


def test_the_check_sees_a_module_a_script_imports(demo_db, tmp_path):
    # The same probe over a script that imports the clinic's view lists pydantic and the view.
    script = tmp_path / "clinic_import.py"
    script.write_text(
        "import streamlit as st\nimport qa_core.views.clinic\nst.title('Clinic imported')\n", encoding="utf-8"
    )
    run = _first_page_imports(demo_db, script)
    assert run["titles"] == ["Clinic imported"]
    assert {"pydantic", "qa_core.views.clinic"} <= set(_loaded(run["modules"], NOT_AT_START))


def test_the_chart_library_preload_is_the_first_thing_the_dashboard_sends() -> None:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    app.run()
    assert not app.exception
    # First in the main area, before the page's title: sent before the project is imported.
    first = app.main.children[0]
    assert first.type == "html" and "data-qa-preload" in str(first.value)
    assert sum("data-qa-preload" in str(h.value) for h in app.html) == 1
