"""The clinic's measures table as the chair reads it from a projector: each measure's value with
its count, target, RAG, direction and the Making Data Count icons (``ui.figures.mdc_icons``),
with the icons' meaning in words beside them; clicking a row opens that measure's chart.

Why so few columns: at 1280 px wide with the sidebar open and large type on, the main column is
about 900 px, and the table must not scroll sideways (issue 15). So the value and its count
share a cell, the headings are short, and the rule, the rating note, the neighbours' median and
England move to the chosen measure's detail (its caption, note and chart reference lines). The
download keeps every column (``ui.components.measures_table``)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from html import escape

import pandas as pd
import streamlit as st

from ui import data
from ui.components import _rag_cell, csv_bytes, measures_table
from ui.data import cached
from ui.figures import mdc_icons
from ui.formatters import count_texts, fmt_number, value_texts
from ui.styled import KeptStyle, keep_style
from ui.tags import style_rag

__all__ = [
    "TABLE_KEY",
    "ICON_SIZE",
    "COLUMN_WIDTHS",
    "compact_table",
    "row_height",
    "spc_words",
    "chosen_code",
    "show_measures",
    "shown_table",
    "shown_style",
]

TABLE_KEY = "clinic_measures_table"
#: The icons' size in the table, in px (the row is a little taller than the icon).
ICON_SIZE = 28
#: Row heights (px) in normal and large type. Streamlit's grid wraps text only in rows taller than 4rem
#: (64 px, or 88 px with large type's 22 px root): so long names and "95.7% (242 of 253)" wrap, not scroll.
ROW_HEIGHT, LARGE_ROW_HEIGHT = 68, 92
#: Each shown column's width in px: their sum (about 870) fits the main column at 1280 px with the sidebar.
COLUMN_WIDTHS = {
    "Measure": 185,
    "Value (count)": 100,
    "Target": 70,
    "RAG": 80,
    "Trend": 85,
    "Var.": 46,
    "Assur.": 46,
    "In words": 110,
}

_VARIATION_WORDS = {
    "common_cause": "common cause",
    "improvement_high": "improving (H)",
    "improvement_low": "improving (L)",
    "concern_high": "concern (H)",
    "concern_low": "concern (L)",
    "neutral_high": "unusual (H)",
    "neutral_low": "unusual (L)",
}
_ASSURANCE_WORDS = {"pass": "passes", "fail": "fails", "hit_or_miss": "hit or miss", "none": "no assurance"}


def spc_words(variation_code: object, assurance_code: object) -> str:
    """The two icons in short words: "concern (L); fails" ("no limits yet" before 12 months).

    >>> spc_words("concern_low", "fail"), spc_words(None, "none")
    ('concern (L); fails', 'no limits yet')
    """
    if not isinstance(variation_code, str):
        return "no limits yet"
    return f"{_VARIATION_WORDS[variation_code]}; {_ASSURANCE_WORDS.get(assurance_code, 'no assurance')}"


def compact_table(measures: pd.DataFrame) -> pd.DataFrame:
    """The table the page shows: one row per measure, in the measures' order."""
    units = measures["unit"]
    counts = count_texts(measures["numerator"], measures["denominator"], units)
    too_few = measures.get("too_few", pd.Series(False, index=measures.index))
    notes = measures.get("rag_note", pd.Series(None, index=measures.index))
    return pd.DataFrame(
        {
            "Measure": measures["name"],
            "Value (count)": [
                f"{v} ({c})" if c else v for v, c in zip(value_texts(measures["value"], units), counts, strict=True)
            ],
            "Target": [fmt_number(t, u) for t, u in zip(measures["target"], units, strict=True)],
            "RAG": [_rag_cell(r, f, n) for r, f, n in zip(measures["rag"], too_few, notes, strict=True)],
            "Trend": measures["direction"].fillna("–"),
            "Var.": [_tall("variation", c) for c in measures["variation_code"]],
            "Assur.": [_tall("assurance", c) for c in measures["assurance_code"]],
            "In words": [
                spc_words(v, a) for v, a in zip(measures["variation_code"], measures["assurance_code"], strict=True)
            ],
        }
    ).reset_index(drop=True)


def _tall(kind: str, code: object) -> str:
    """The icon centred in a tall image, so the grid (which fills a cell's height with its image and
    crops the sides) shows the whole circle in a row twice as tall as the column is wide."""
    return _tall_icon(kind, code if isinstance(code, str) else None if kind == "variation" else "none")


@functools.cache
def _tall_icon(kind: str, code: str | None) -> str:
    """:func:`_tall` for a known code, drawn once per process: there are eleven."""
    inner = mdc_icons.icon_svg(kind, code, 40)
    label = escape(mdc_icons.alt_text(kind, code), quote=True)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 80" width="40" height="80" role="img" '
        f'aria-label="{label}"><svg x="0" y="20" width="40" height="40">{inner}</svg></svg>'
    )
    return mdc_icons.data_uri(svg)


def chosen_code(selection: object, codes: Sequence[str]) -> str | None:
    """The measure of the row selected in the table (its ``selection`` state), or None.

    >>> chosen_code({"selection": {"rows": [1]}}, ["A", "B"]), chosen_code({"selection": {"rows": []}}, ["A"])
    ('B', None)
    """
    try:
        rows = selection["selection"]["rows"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    return codes[rows[0]] if rows and 0 <= rows[0] < len(codes) else None


def _open_row(codes: list[str], measure_key: str) -> None:
    """The table's callback: the clicked row's measure becomes the one discussed (before the rerun)."""
    code = chosen_code(st.session_state.get(TABLE_KEY), codes)
    if code is not None:
        st.session_state[measure_key] = code


def row_height() -> int:
    """Rows tall enough for the grid to wrap text, in normal or large type (the sidebar's switch)."""
    return LARGE_ROW_HEIGHT if st.session_state.get("large") else ROW_HEIGHT


def _config() -> dict:
    text = st.column_config.TextColumn
    widths = COLUMN_WIDTHS
    return {
        "Measure": text("Measure", width=widths["Measure"]),
        "Value (count)": text(
            "Value (count)",
            width=widths["Value (count)"],
            help="The service's figure this month; for a percentage, the count it is of.",
        ),
        "Target": text("Target", width=widths["Target"]),
        "RAG": text("RAG", width=widths["RAG"], help="The chosen measure's rule is under the table."),
        "Trend": text("Trend", width=widths["Trend"], help="Direction of travel since last month."),
        "Var.": st.column_config.ImageColumn(
            "Var.", width=widths["Var."], help="Variation icon (Making Data Count): see the key."
        ),
        "Assur.": st.column_config.ImageColumn(
            "Assur.", width=widths["Assur."], help="Assurance icon: will the target be met? See the key."
        ),
        "In words": text(
            "In words", width=widths["In words"], help="The two icons in words: variation (H high, L low); assurance."
        ),
    }


@cached
def shown_table(service_id: str, month: dt.date) -> pd.DataFrame:
    """:func:`compact_table` of the service's measures for the month, once per data version."""
    return compact_table(data.clinic_measures(service_id, month))


def show_measures(
    measures: pd.DataFrame,
    filename: str,
    measure_key: str = "measure",
    shown: pd.DataFrame | KeptStyle | None = None,
) -> None:
    """The table (a row click opens its chart), the icons' key and the full table's download
    (``shown``: ``compact_table(measures)`` made already, e.g. :func:`shown_table`, or styled and
    worked out already, :func:`shown_style`)."""
    codes = measures["code"].tolist()
    shown = compact_table(measures) if shown is None else shown
    st.dataframe(
        shown.styler() if isinstance(shown, KeptStyle) else style_rag(shown, ["RAG"]),
        hide_index=True,
        width="stretch",
        column_config=_config(),
        key=TABLE_KEY,
        on_select=lambda: _open_row(codes, measure_key),
        selection_mode="single-row",
        height="content",
        row_height=row_height(),
    )
    st.caption(
        "Select a row to open its chart below. Limits are fixed on the first 12 months and recalculated "
        "only from a recorded process change. The download has every column (the rule, neighbours, England)."
    )
    with st.expander("Key to the icons"):
        st.html(mdc_icons.key_html())  # our own text only: no stored text reaches this HTML
    st.download_button(  # as ui.chart_table.download_csv offers one, the table made only when pressed
        "Download the clinic measures (CSV)",
        functools.partial(_measures_csv, measures),
        file_name=filename,
        mime="text/csv",
        key="dl_clinic_measures",
    )


@cached
def shown_style(service_id: str, month: dt.date) -> KeptStyle:
    """:func:`shown_table` in tag colours (``ui.tags.style_rag``), worked out once per data version
    (``ui.styled.keep_style``): a rerun hands Streamlit the table as worked out, not pandas' styling of
    it again (three quarters of the measures table's time on every run, issue 14)."""
    return keep_style(style_rag(shown_table(service_id, month), ["RAG"]))


def _measures_csv(measures: pd.DataFrame) -> bytes:
    """The full table's CSV (``ui.components.csv_bytes``), made when the download is pressed: the table
    with every column's words was a twentieth of a clinic run (issue 14), and is rarely downloaded."""
    return csv_bytes(measures_table(measures))()
