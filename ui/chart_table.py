"""A chart with its words, its numbers and their download, the way every page shows one: the
chart, a caption saying what it shows, and the same numbers as a table (one click away, in an
expander) with a CSV download. Every CSV download goes through ``ui.components.csv_bytes``."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from ui.components import csv_bytes
from ui.figures.handover import handed_over
from ui.figures.palette import CONFIG
from ui.tags import style_rag

__all__ = ["download_csv", "table_with_download", "chart_with_table", "numbers_key"]


def download_csv(frame: pd.DataFrame, filename: str, label: str, key: str, note: str | None = None) -> None:
    """A "Download ``label`` (CSV)" button for ``frame`` (``note``: "(CSV: ``note``)")."""
    st.download_button(
        f"Download {label} (CSV{': ' + note if note else ''})",
        csv_bytes(frame),
        file_name=filename,
        mime="text/csv",
        key=key,
    )


def table_with_download(
    frame: pd.DataFrame,
    filename: str,
    label: str,
    key: str,
    rag_columns: list[str] | None = None,
    shown: Styler | None = None,
) -> None:
    """The numbers behind a chart: a table and a CSV download of the same rows (``rag_columns``
    in tag colours; ``shown``: a styled version of ``frame`` to show instead)."""
    if shown is None:
        shown = style_rag(frame, rag_columns) if rag_columns else frame
    st.dataframe(shown, hide_index=True, width="stretch")
    download_csv(frame, filename, label, key)


def chart_with_table(
    fig: go.Figure | dict,
    caption: str,
    table: pd.DataFrame | Callable[[], pd.DataFrame],
    filename: str,
    label: str,
    table_key: str,
    *,
    key: str | None = None,
    alt: str | None = None,
    expander: str | None = "Show the numbers as a table",
    rag_columns: list[str] | None = None,
    shown: Styler | None = None,
) -> None:
    """The chart (``key``; ``alt``: its text alternative), its ``caption``, and under an
    ``expander`` (None: straight after the caption) the ``table`` with its download.

    The expander's table is drawn only once it is opened (opening it reruns the page; its key is
    ``numbers_`` + ``table_key``, which a test sets to True to open it): tables nobody opened were a
    large part of a filter change's time (issue 14). ``table`` may be a function making it, called only
    when the table is drawn."""
    st.plotly_chart(handed_over(fig), width="stretch", config=CONFIG, key=key,
                    **({"alt": alt} if alt is not None else {}))
    st.caption(caption)

    def draw() -> None:
        table_with_download(table() if callable(table) else table, filename, label, table_key, rag_columns, shown)

    if expander is None:
        draw()
        return
    with st.expander(expander, key=numbers_key(table_key), on_change="rerun") as numbers:
        if numbers.open:
            draw()


def numbers_key(table_key: str) -> str:
    """The session-state key of the expander holding the table whose download is ``table_key``."""
    return f"numbers_{table_key}"
