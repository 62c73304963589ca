"""Small display pieces: RAG as text in a coloured tag, numbers with their counts,
tables styled with GOV.UK tag colours (text always carries the meaning)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.io.cells import csv_bytes as _csv_bytes
from qa_core.rules.formatting import format_value as fmt_number

# GOV.UK "tag" colours: dark text on a light tint, contrast above 4.5:1.
TAG_COLOURS = {
    "Red": ("#2a0b06", "#f4cdc6"),
    "Amber": ("#6e3619", "#fcd6c3"),
    "Yellow": ("#594d00", "#fff7bf"),
    "Green": ("#005a30", "#cce2d8"),
    "Blue": ("#0c2d4a", "#bbd4ea"),
}
BADGE = {"Red": "red", "Amber": "orange", "Yellow": "yellow", "Green": "green", "Blue": "blue"}


def rag_badge(status: str | None, count: int | None = None) -> None:
    """A RAG status as a text badge (never colour alone)."""
    label = status or "No rating"
    if count is not None:
        label = f"{label}: {count}"
    st.badge(label, color=BADGE.get(status or "", "gray"))


def fmt_count(numerator: float | None, denominator: float | None) -> str:
    """'163 of 216' beside every percentage; blank where no ratio applies."""
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return ""
    den = f"{denominator:,.1f}" if denominator % 1 else f"{denominator:,.0f}"
    return f"{numerator:,.0f} of {den}"


def style_rag(frame: pd.DataFrame, columns: list[str]) -> pd.io.formats.style.Styler:
    """Colour RAG text cells with tag colours; the cell text stays the status word."""

    def colour(value: object) -> str:
        fg_bg = TAG_COLOURS.get(str(value))
        return f"color: {fg_bg[0]}; background-color: {fg_bg[1]}" if fg_bg else ""

    return frame.style.map(colour, subset=[c for c in columns if c in frame.columns])


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as a CSV download. Every download goes through here, so that no stored text opens
    as a formula in a spreadsheet (``qa_core.io.cells``, the rule the exports follow too)."""
    return _csv_bytes(frame)


def table_with_download(frame: pd.DataFrame, filename: str, label: str, key: str,
                        rag_columns: list[str] | None = None) -> None:
    """The numbers behind a chart: a table and a CSV download of the same rows."""
    data = style_rag(frame, rag_columns) if rag_columns else frame
    st.dataframe(data, hide_index=True, width="stretch")
    st.download_button(f"Download {label} (CSV)", csv_bytes(frame),
                       file_name=filename, mime="text/csv", key=key)


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
        "Value": [fmt_number(v, u) for v, u in zip(summary["value"], summary["unit"], strict=True)],
        "Count": [fmt_count(n, d) if u == "%" else "" for n, d, u in
                  zip(summary["numerator"], summary["denominator"], summary["unit"], strict=True)],
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
            "F consistently fails, ? hit or miss. Limits use every month up to this one.")
