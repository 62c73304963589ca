"""DfE's LAIT (Local Authority Interactive Tool) files: the long file of children's social care
indicators for every LA, region and England since 2016, and its measure definitions; and the
older per-LA comparators (its value, its neighbours' median, region and England) for the
clinic's ``comparator`` table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.io.published.common import (
    ENGLAND,
    ENGLAND_CODE,
    PUBLIC_DIR,
    PUBLISHED_SYMBOLS,
    REGION_BY_LAIT,
    VALUE_COLUMNS,
    Columns,
    Report,
    need_columns,
    not_a_value,
    raiser,
    read_csv,
    text_or_none,
)

__all__ = ["LAIT_FILE", "DEFINITIONS_FILE", "LAIT_SOURCE", "load_lait", "comparators_for", "load_definitions",
           "lait_values"]

LAIT_FILE = "lait_csc_indicators_long_2016_to_2025.csv"
DEFINITIONS_FILE = "lait_csc_indicator_definitions.csv"
LAIT_SOURCE = "DfE LAIT"


def load_lait(path: Path | None = None, measures: list[str] | None = None) -> pd.DataFrame:
    path = path or PUBLIC_DIR / LAIT_FILE
    frame = read_csv(path, "LAIT", dtype={"measure_short": str, "area_name": str, "geographic_level": str})
    need_columns(frame, ["measure_short", "year", "geographic_level", "la_number", "area_name", "value"], path, "LAIT")
    if measures is not None:
        frame = frame[frame["measure_short"].isin(measures)]
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
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


def load_definitions(path: Path | None = None) -> pd.DataFrame:
    """LAIT's measure definitions as ``published_measure`` rows (blank polarity → '-')."""
    path = path or PUBLIC_DIR / DEFINITIONS_FILE
    raw = read_csv(path, "LAIT definitions", dtype=str, keep_default_na=False)
    need_columns(raw, ["Measure_short", "Measure", "Polarity", "y_axis_name", "Topic", "Description", "Methodology"],
          path, "LAIT definitions")
    polarity = raw["Polarity"].str.strip().where(raw["Polarity"].str.strip().isin(["High", "Low"]), "-")
    return pd.DataFrame({
        "measure": raw["Measure_short"].str.strip(),
        "name": raw["Measure"].str.strip(),
        "polarity": polarity,
        "unit": raw["y_axis_name"].map(text_or_none),
        "topic": raw["Topic"].map(text_or_none),
        "year_type": raw.get("Year_Type", pd.Series(None, index=raw.index)).map(text_or_none),
        "description": raw["Description"].map(text_or_none),
        "methodology": raw["Methodology"].map(text_or_none),
        "source": LAIT_SOURCE,
        "link": raw.get("Hyperlink(s)", pd.Series(None, index=raw.index)).map(text_or_none),
    })


LAIT_LEVELS = {"Local authority": "la", "Regional": "region", "National": "england"}
LAIT_COLUMNS = ["measure_short", "year", "geographic_level", "la_number", "area_name", "value"]


def lait_values(lait: pd.DataFrame, report: Report | None = None) -> pd.DataFrame:
    """LAIT long rows as ``published_value`` rows; a blank value keeps the symbol '-', and a cell
    holding a DfE symbol (``c``, ``x``...) keeps that symbol.

    ``report`` (see ``Report``) receives every problem (row positions of ``lait``); without it
    the first problem is raised. Rows with a problem are left out of the result.
    """
    report = report or raiser("The LAIT file")
    n = len(lait)
    cols = Columns(lait)
    missing = cols.missing(LAIT_COLUMNS)
    if missing:
        report(None, missing[0], f"The LAIT file lacks the column(s) {', '.join(missing)}.")
        return pd.DataFrame(columns=VALUE_COLUMNS)
    bad = np.zeros(n, dtype=bool)
    level_text = cols["geographic_level"].astype(str).str.strip()
    level = level_text.map(LAIT_LEVELS)
    unknown = level.isna().to_numpy()
    report(unknown, cols.header("geographic_level"), lambda i: (
        f"The LAIT file has an unknown geographic_level {level_text.iloc[i]!r}; use Local authority, Regional "
        "or National."))
    bad |= unknown
    number = pd.to_numeric(cols["la_number"].astype(str).str.strip(), errors="coerce")
    not_number = number.isna().to_numpy() | (number.fillna(0) % 1 != 0).to_numpy()
    report(not_number, cols.header("la_number"), lambda i: (
        f"The la_number {str(cols['la_number'].iloc[i]).strip()!r} is not an LA number (e.g. 356, 970 for "
        "England, 980-990 for regions)."))
    bad |= not_number
    code = number.fillna(-1).astype(int)
    year_text = cols["year"].astype(str).str.strip()
    year_ok = year_text.str.fullmatch(r"\d{4}(\.0)?").to_numpy()
    report(~year_ok, cols.header("year"), lambda i: f"The year {year_text.iloc[i]!r} is not a year (e.g. 2024).")
    bad |= ~year_ok
    region = code.map(lambda c: REGION_BY_LAIT.get(c, (None, None)))
    is_region = (level == "region").to_numpy()
    bad_region = is_region & ~bad & region.map(lambda r: r[0] is None).to_numpy()
    report(bad_region, cols.header("la_number"), "The LAIT file has a regional row whose number is not 980-990.")
    bad |= bad_region
    area_code = np.where(level == "la", code.astype(str),
                         np.where(level == "england", ENGLAND, region.map(lambda r: r[0])))
    area_name = np.where(level == "region", region.map(lambda r: r[1]), cols["area_name"])
    raw_value = cols["value"]
    text = raw_value.astype(str).str.strip().where(raw_value.notna(), "")
    value = pd.to_numeric(raw_value, errors="coerce") if raw_value.dtype.kind in "fiu" else \
        pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    symbol = np.where(value.isna(), np.where(text.isin(list(PUBLISHED_SYMBOLS)), text, "-"), None)
    strange = (value.isna() & ~text.isin(["", "nan", *PUBLISHED_SYMBOLS])).to_numpy()
    report(strange, cols.header("value"), lambda i: not_a_value(text.iloc[i]))
    bad |= strange
    out = pd.DataFrame({
        "measure": cols["measure_short"].astype(str).str.strip().to_numpy(),
        "year": pd.to_numeric(year_text, errors="coerce").fillna(0).astype(int).to_numpy(),
        "area_level": level.to_numpy(), "area_code": area_code, "area_name": area_name,
        "value": value.to_numpy(), "symbol": symbol,
        "numerator": np.nan, "denominator": np.nan, "source": LAIT_SOURCE,
    })[VALUE_COLUMNS]
    return out[~bad]
