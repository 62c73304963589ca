"""Entry point: page config, the store, who is looking, the shared sidebar, and navigation
(only the pages the viewer's role may open). Nothing else."""

import logging
from pathlib import Path

import streamlit as st

from ui import collector, preload

# First, before the imports below: the process's first run imports pandas, DuckDB and the project
# (hundreds of thousands of new objects), and with Python's default thresholds the collector
# passes over them about 160 times on the way (ui.collector).
collector.tune_for_serving()  # once a process: fewer, shorter collector pauses while serving
# Then the browser is asked to fetch and run the chart library while this run imports the project
# and works out the page: run when the first chart came, it held up the whole page (ui.preload).
preload.chart_library()

from qa_core.io.published import ATTRIBUTION  # noqa: E402
from qa_core.pages import page  # noqa: E402
from ui import auth, data, filters  # noqa: E402
from ui.safe import md  # noqa: E402

#: What a visitor reads when the store cannot be opened; the details (which file, which process
#: holds it) are for the administrator, in the server's log.
STORE_UNAVAILABLE = ("The dashboard cannot open its data just now. Please try again in a few minutes; if this "
                     "keeps happening, tell the dashboard's administrator (the details are in the server's log).")
PAGES_DIR = Path(__file__).resolve().parent / "app_pages"

st.set_page_config(page_title="Children's social care: performance and quality",
                   page_icon=":material/child_care:", layout="wide")

try:
    data.get_store()
except Exception:  # e.g. the store locked by another process: a plain message, never the details
    logging.getLogger("dashboard").exception("The store could not be opened")
    st.error(STORE_UNAVAILABLE, icon=":material/error:")
    st.stop()
viewer = auth.establish_viewer()  # stops here with a sign-in screen or a message if need be
keys = [key for key in viewer.pages if (PAGES_DIR / f"{key}.py").exists()]
pages = [st.Page(f"app_pages/{key}.py", title=page(key).title, icon=page(key).icon, default=(i == 0))
         for i, key in enumerate(keys)]
navigation = st.navigation(pages)
filters.sidebar(viewer)
settings = data.settings()
with st.sidebar:
    council = md(settings.get("council_name", "Council"))  # stored text: never Markdown that links or loads
    about = f"{council}: demonstration data about a fictional council." if settings.get("demo_seed") else council
    if settings.get("benchmark_la_name"):
        about += (f" Published comparisons use {md(settings['benchmark_la_name'])}'s figures "
                  f"(LA {md(settings['benchmark_la'])}).")
    st.caption(f"{about} {ATTRIBUTION}")
navigation.run()
collector.settle(navigation.title)  # a page's first run in this process: freeze what it left alive
