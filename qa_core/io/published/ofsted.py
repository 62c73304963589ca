"""Ofsted's ILACS (inspections of local authority children's services) history."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qa_core.io.published.common import PUBLIC_DIR, need_columns, read_csv

__all__ = ["ILACS_FILE", "ILACS_COLUMNS", "load_ilacs"]

ILACS_FILE = "ofsted_ilacs_inspection_history_2018_to_2025.csv"
ILACS_COLUMNS = {
    "Local authority area code": "new_la_code", "Local authority name": "la_name",
    "Local authority status": "la_status", "Ofsted region": "ofsted_region", "Inspection date": "inspection_date",
    "Publication date": "publication_date", "Inspection type": "inspection_type",
    "Overall effectiveness": "overall_effectiveness",
    "The impact of leaders on social work practice with children and families": "leaders",
    "The experiences and progress of children who need help and protection": "help_and_protection",
    "The experiences and progress of children in care": "children_in_care",
    "The experiences and progress of care leavers": "care_leavers",
}


def load_ilacs(path: Path | None = None) -> pd.DataFrame:
    """Ofsted's ILACS inspection history as ``ilacs_judgement`` rows (``la_code`` left blank)."""
    path = path or PUBLIC_DIR / ILACS_FILE
    raw = read_csv(path, "Ofsted ILACS", dtype=str, keep_default_na=False)
    need_columns(raw, list(ILACS_COLUMNS), path, "Ofsted ILACS")
    frame = raw[list(ILACS_COLUMNS)].rename(columns=ILACS_COLUMNS)
    for col in frame.columns:
        frame[col] = frame[col].str.strip().replace("", None)
    for col in ("inspection_date", "publication_date"):
        frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d", errors="raise").dt.date
    frame.insert(1, "la_code", None)
    return frame
