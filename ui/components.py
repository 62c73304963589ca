"""Small display pieces: RAG as text in a coloured tag, numbers with their counts,
tables styled with GOV.UK tag colours (text always carries the meaning)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

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


def fmt_number(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "%":
        return f"{value:.1f}%"
    if unit in ("days", "number"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


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


def table_with_download(frame: pd.DataFrame, filename: str, label: str, key: str,
                        rag_columns: list[str] | None = None) -> None:
    """The numbers behind a chart: a table and a CSV download of the same rows."""
    data = style_rag(frame, rag_columns) if rag_columns else frame
    st.dataframe(data, hide_index=True, width="stretch")
    st.download_button(f"Download {label} (CSV)", frame.to_csv(index=False).encode("utf-8"),
                       file_name=filename, mime="text/csv", key=key)
