"""Small display pieces: the CSV bytes every download is made of, and the Making Data Count
summary table (values: ``ui.formatters``; RAG tags: ``ui.tags``; downloads: ``ui.chart_table``)."""

from __future__ import annotations

import pandas as pd

from qa_core.io.cells import csv_bytes as _csv_bytes
from ui.formatters import count_texts, fmt_number, value_texts


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as a CSV download. Every download goes through here, so that no stored text opens
    as a formula in a spreadsheet (``qa_core.io.cells``, the rule the exports follow too)."""
    return _csv_bytes(frame)


def measures_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The Making Data Count summary table: value with its count, target, RAG in words,
    direction of travel, and the variation and assurance icons as letters plus words."""
    table = pd.DataFrame({
        "Measure": summary["name"],
        "Value": value_texts(summary["value"], summary["unit"]),
        "Count": count_texts(summary["numerator"], summary["denominator"], summary["unit"]),
        "Target": [fmt_number(t, u) for t, u in zip(summary["target"], summary["unit"], strict=True)],
        "RAG": summary["rag"].fillna("No target"),
        "Direction": summary["direction"].fillna("–"),
        "Variation": summary["variation_letter"] + ": " + summary["variation"].str.replace(
            "Special cause ", "", regex=False).str.replace(" variation", "", regex=False),
        "Assurance": summary["assurance_letter"] + ": " + summary["assurance"].str.split(":").str[0],
    })
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
