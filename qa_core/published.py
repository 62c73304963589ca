"""Published DfE benchmarks shipped in ``data/public`` (Crown copyright, Open Government
Licence v3.0): the LAIT long file and the statistical neighbour model.

Only what the demo and the clinic need: for one LA and a set of LAIT measures, its own
value, the median of its 10 statistical neighbours (DfE's convention; missing neighbours
left out and counted), its region and England, per year.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qa_core.errors import QAError

__all__ = ["PUBLIC_DIR", "ATTRIBUTION", "load_lait", "load_sn_model", "comparators_for"]

PUBLIC_DIR = Path(__file__).resolve().parent.parent / "data" / "public"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(Department for Education; Ofsted)."
)
ENGLAND_CODE = 970


def load_lait(path: Path | None = None, measures: list[str] | None = None) -> pd.DataFrame:
    path = path or PUBLIC_DIR / "lait_csc_indicators_long_2016_to_2025.csv"
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig",
                            dtype={"measure_short": str, "area_name": str, "geographic_level": str})
    except OSError as exc:
        raise QAError(f"Cannot read the LAIT file {path}: {exc}") from None
    if measures is not None:
        frame = frame[frame["measure_short"].isin(measures)]
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame


def load_sn_model(path: Path | None = None) -> pd.DataFrame:
    path = path or PUBLIC_DIR / "sn_model_2025_wide.csv"
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig")
    except OSError as exc:
        raise QAError(f"Cannot read the statistical neighbour file {path}: {exc}") from None
    for col in frame.columns:
        if col.endswith("P"):
            frame[col] = frame[col].astype(str).str.strip()
    return frame


def comparators_for(lait: pd.DataFrame, sn: pd.DataFrame, la_code: int) -> pd.DataFrame:
    """Per measure and year: la, statistical_neighbours (median), region and england.

    Returns long rows ``measure_short, year, comparator, value, n_used``.
    """
    row = sn[sn["old_la_code"] == la_code]
    if row.empty:
        raise QAError(f"LA code {la_code} is not in the statistical neighbour model.")
    row = row.iloc[0]
    neighbours = [int(row[f"SN_{i}"]) for i in range(1, 11)]
    region_name = str(row["region_name"]).strip().lower()

    def pick(mask: pd.Series, name: str) -> pd.DataFrame:
        part = lait[mask].groupby(["measure_short", "year"], as_index=False)["value"].agg(
            value="median", n_used="count")
        part["comparator"] = name
        return part

    regional = lait["geographic_level"].eq("Regional") & lait["area_name"].str.lower().eq(region_name)
    parts = [
        pick(lait["la_number"].eq(la_code), "la"),
        pick(lait["la_number"].isin(neighbours) & lait["value"].notna(), "statistical_neighbours"),
        pick(regional, "region"),
        pick(lait["la_number"].eq(ENGLAND_CODE), "england"),
    ]
    return pd.concat(parts, ignore_index=True)[["measure_short", "year", "comparator", "value", "n_used"]]
