"""The browser starts on the chart library while the server works out the first page.

Plotly is most of the page's JavaScript. Streamlit's frontend fetches it and runs it only when the
first chart arrives, at the end of the first run, and running it held the browser's one main thread
for 0.4 to 0.7 s then, after everything before the chart had been drawn: on the large demo the home
page's chart came 1.2 to 1.3 s after its code had arrived, where the one-chart hello app's came
0.9 s after (issue 14, cold start). Asked for by the first thing the script sends, it is fetched and
run while the server imports the project and works out the page, when the browser has little else
to do: the whole home page was drawn 3.4 to 3.6 s after ``streamlit run``, not 3.9 to 4.1 s.

What is sent is ours alone: a module import of Streamlit's own chart code, by the file name the
installed Streamlit gives it (checked against ``_NAME``), and a style rule that keeps the element
that carries it out of the layout. Where that file cannot be told (another Streamlit version that
splits its code otherwise), nothing is sent and the chart loads as it did.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import streamlit as st

__all__ = ["chart_code", "chart_library", "preload_html"]

#: Streamlit's chart code, as its frontend build names it: the component and a content hash.
_NAME = re.compile(r"PlotlyChart\.[A-Za-z0-9_-]+\.js")
#: Where the installed Streamlit keeps its frontend's JavaScript.
STATIC_JS = Path(st.__file__).resolve().parent / "static" / "static" / "js"


@functools.cache
def chart_code(folder: Path = STATIC_JS) -> str | None:
    """The file name of Streamlit's chart code in ``folder``; None unless exactly one file is it."""
    try:
        found = [p.name for p in folder.iterdir() if _NAME.fullmatch(p.name)]
    except OSError:
        return None
    return found[0] if len(found) == 1 else None


def preload_html(name: str) -> str:
    """The element's HTML: the chart code imported beside the frontend's own entry script (so by the
    address the frontend would ask for it: one copy, run once), and the element hidden."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a name of Streamlit's chart code: {name!r}")
    return (
        '<style>[data-testid="stElementContainer"]:has(script[data-qa-preload]) { display: none; }</style>'
        '<script type="module" data-qa-preload>'
        'const entry = document.querySelector(\'script[type="module"][src*="/static/js/index."]\');'
        f"if (entry) import(new URL('{name}', entry.src).href).catch(() => {{}});"
        "</script>"
    )


def chart_library() -> None:
    """Send the preload: first in the script, before the project is imported."""
    name = chart_code()
    if name is not None:
        st.html(preload_html(name), unsafe_allow_javascript=True)  # our constant and a checked file name only
