"""Small display pieces: the CSV bytes every download is made of, and the Making Data Count
summary table (values: ``ui.formatters``; RAG tags: ``ui.tags``; downloads: ``ui.chart_table``)."""

from __future__ import annotations

import functools
from collections.abc import Callable

import pandas as pd

from qa_core.io.cells import csv_bytes as _csv_bytes
from ui.formatters import count_texts, fmt_number, value_texts


def csv_bytes(frame: pd.DataFrame) -> Callable[[], bytes]:
    """A frame as a CSV download, for ``st.download_button``'s ``data``. Every download goes through
    here, so that no stored text opens as a formula in a spreadsheet (``qa_core.io.cells``, the rule
    the exports follow too). The bytes are made when the button is pressed, not on every run of the
    page (making them took a fifth of some pages' time, issue 14): Streamlit calls what this returns."""
    return functools.partial(_csv_bytes, frame)


def _rag_cell(rag: object, too_few: object, note: object) -> str:
    """The RAG cell: the rating; with too few cases to rate, the count; else 'No target'."""
    if isinstance(rag, str):
        return rag
    if isinstance(note, str) and not pd.isna(too_few) and bool(too_few):
        return note
    return "No target"


def measures_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The Making Data Count summary table: value with its count, target, RAG in words,
    direction of travel, and the variation and assurance icons as letters plus words."""
    table = pd.DataFrame({
        "Measure": summary["name"],
        "Value": value_texts(summary["value"], summary["unit"]),
        "Count": count_texts(summary["numerator"], summary["denominator"], summary["unit"]),
        "Target": [fmt_number(t, u) for t, u in zip(summary["target"], summary["unit"], strict=True)],
        "RAG": [_rag_cell(r, few, note) for r, few, note in zip(
            summary["rag"], summary.get("too_few", pd.Series(False, index=summary.index)),
            summary.get("rag_note", pd.Series(None, index=summary.index)), strict=True)],
        "Direction": summary["direction"].fillna("–"),
        "Variation": summary["variation_letter"] + ": " + summary["variation"].str.replace(
            "Special cause ", "", regex=False).str.replace(" variation", "", regex=False),
        "Assurance": summary["assurance_letter"] + ": " + summary["assurance"].str.split(":").str[0],
    })
    if "rag_rule" in summary.columns:
        table["How it is rated"] = summary["rag_rule"]
        notes = summary["rag_note"].where(~summary["too_few"]) if "too_few" in summary.columns else None
        if notes is not None and notes.notna().any():  # a rating the comparators point the other way from
            table["Note on the rating"] = notes.fillna("")
    if "sn_median" in summary.columns:
        table["Neighbours (median)"] = [
            "" if pd.isna(v) else f"{fmt_number(v, u)} ({y}, {int(n)} LAs)"
            for v, u, y, n in zip(summary["sn_median"], summary["unit"], summary["comparator_year"],
                                  summary["sn_count"].fillna(0), strict=True)]
        table["England"] = ["" if pd.isna(v) else f"{fmt_number(v, u)} ({y})" for v, u, y in
                            zip(summary["england"], summary["unit"], summary["comparator_year"], strict=True)]
    return table


ICON_KEY = ("Variation letters: H high, L low, C common cause. Assurance: P consistently passes, "
            "F consistently fails, ? hit or miss. Limits are fixed on the first 12 months and recalculated only "
            "from a recorded process change.")
