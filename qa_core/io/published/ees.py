"""DfE explore-education-statistics (EES) files as DfE publishes them: children in need tables
C1, C4, D3 and D5, children looked after and the social work workforce. BOM, symbols, old and
new LA codes and joint returns (``314 / 318``) are handled; each table's measures are
``EES_TABLES``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.io.published.common import (
    ENGLAND,
    PUBLISHED_SYMBOLS,
    REGION_BY_NAME,
    VALUE_COLUMNS,
    Columns,
    Report,
    cells,
    norm,
    not_a_value,
    raiser,
    read_csv,
    row_numbers,
)
from qa_core.rules.formatting import round_half_up

__all__ = ["EesMeasure", "EES_TABLES", "EES_FILES", "EES_FIXED", "joint_code", "ees_table_for", "ees_rows",
           "ees_frames", "load_ees"]

@dataclass(frozen=True)
class EesMeasure:
    """One measure of a DfE EES table, and the counts behind it where published.

    ``column`` holds the published value. A measure DfE does not publish as a column is derived
    as ``100 × sum(numerator columns) / denominator`` (``column=None``; e.g. C4's ICPCs within 15
    working days). ``where`` keeps only the rows whose column holds that text (tables with a row
    per category, e.g. the CLA file's three population types).
    """

    column: str | None
    measure: str
    name: str
    polarity: str
    unit: str
    numerator: str | tuple[str, ...] | None = None
    denominator: str | None = None
    where: tuple[str, str] | None = None

    @property
    def numerators(self) -> tuple[str, ...]:
        if self.numerator is None:
            return ()
        return (self.numerator,) if isinstance(self.numerator, str) else tuple(self.numerator)

    def columns(self) -> list[str]:
        """Every column of the file this measure reads."""
        cols = [self.column, *self.numerators, self.denominator, self.where[0] if self.where else None]
        return [c for c in cols if c]


_CLA_POP = "population_type"
_CLA_IN_CARE = "Children looked after on 31 March each year"
_CLA_STARTING = "Children starting to be looked after each year"
#: The EES tables read, by file stem prefix: their measures.
EES_TABLES: dict[str, tuple[str, tuple[EesMeasure, ...]]] = {
    "c1": ("DfE Children in need, table C1", (
        EesMeasure("referral_count", "c1.referral_count", "Referrals", "-", "count"),
        EesMeasure("rereferral_percent", "c1.rereferral_percent", "Re-referrals within 12 months of a previous "
                   "referral", "Low", "%", "rereferral_count", "referral_count"),
        EesMeasure("no_further_action_percent", "c1.no_further_action_percent", "Referrals resulting in no "
                   "further action", "-", "%", "no_further_action_count", "referral_count"),
        EesMeasure("not_in_need_percent", "c1.not_in_need_percent", "Referrals assessed as not in need", "-", "%",
                   "not_in_need_count", "referral_count"),
    )),
    "c4": ("DfE Children in need, table C4", (
        EesMeasure("Section47", "c4.section47", "Section 47 enquiries", "-", "count"),
        EesMeasure("ICPC", "c4.icpc", "Initial child protection conferences", "-", "count"),
        EesMeasure(None, "c4.icpc_within_15_days_percent", "Initial child protection conferences within 15 working "
                   "days of the strategy discussion", "High", "%", ("Duration_0-10_days", "Duration_11-15_days"),
                   "ICPC"),
    )),
    "d3": ("DfE Children in need, table D3", (
        EesMeasure("CPP_start", "d3.cpp_start", "Child protection plans started", "-", "count"),
        EesMeasure("CPP_subsequent_percent", "d3.cpp_subsequent_percent", "Child protection plans started that "
                   "were a second or subsequent plan", "Low", "%", "CPP_subsequent", "CPP_start"),
    )),
    "d5": ("DfE Children in need, table D5", (
        EesMeasure("CPP_At31", "d5.cpp_at31", "Child protection plans open at 31 March", "-", "count"),
        EesMeasure("2_years_or_more_percent", "d5.cpp_2_years_or_more_percent", "Child protection plans open at "
                   "31 March that had lasted 2 years or more", "Low", "%", "2_years_or_more", "CPP_At31"),
    )),
    "cla": ("DfE Children looked after in England", (
        EesMeasure("rate_per_10000", "cla.rate_per_10000", "Children looked after at 31 March, rate per 10,000 "
                   "children", "-", "per 10,000", "children_count", "population_estimate", (_CLA_POP, _CLA_IN_CARE)),
        EesMeasure("rate_per_10000", "cla.starting_rate_per_10000", "Children starting to be looked after, rate "
                   "per 10,000 children", "-", "per 10,000", "children_count", "population_estimate",
                   (_CLA_POP, _CLA_STARTING)),
    )),
    "csww": ("DfE Children's social work workforce", (
        EesMeasure("turnover_rate_fte", "csww.turnover_rate_fte", "Social worker turnover rate (FTE)", "Low", "%"),
        EesMeasure("agency_rate_fte", "csww.agency_rate_fte", "Agency social worker rate (FTE)", "Low", "%"),
        EesMeasure("vacancy_rate_fte", "csww.vacancy_rate_fte", "Social worker vacancy rate (FTE)", "Low", "%"),
        EesMeasure("caseload_fte", "csww.caseload_fte", "Average caseload per case-holding social worker (FTE)",
                   "Low", "number"),
        EesMeasure("absence_rate_fte", "csww.absence_rate_fte", "Social worker sickness absence rate", "Low", "%"),
    )),
}
EES_FILES = {
    "c1": "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "c4": "c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
    "d3": "d3_cpps_subsequent_plan_2013_to_2025.csv",
    "d5": "d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "cla": "cla_number_and_rate_per_10k_children.csv",
    "csww": "csww_indicators_2017_to_2025.csv",
}
_JOINT = re.compile(r"\s*/\s*")


def joint_code(code: str) -> str:
    """'314/318' or '314 / 318' → '314 / 318'."""
    return " / ".join(p for p in _JOINT.split(code.strip()) if p)


EES_FIXED = ["time_period", "geographic_level", "region_code", "region_name", "old_la_code", "new_la_code",
             "la_name"]
#: A time_period: a year (2025), or an academic or financial year (202425, 2024-25, 2024/25).
_PERIOD = re.compile(r"\d{4}|\d{6}|\d{4}[-/]\d{2}")


def ees_table_for(name: str, headers: list[str] | None = None) -> str | None:
    """The ``EES_TABLES`` key of a file: from its name (``c1_...``), else the table whose measure
    columns its header holds."""
    stem = Path(name).name.split("_")[0].lower()
    if stem in EES_TABLES:
        return stem
    if headers is not None:
        have = {norm(h) for h in headers}
        for key, (_, specs) in EES_TABLES.items():
            if all(norm(c) in have for s in specs for c in s.columns()):
                return key
    return None


def ees_rows(raw: pd.DataFrame, table: str, name: str, new_to_old: dict[str, str] | None = None,
             report: Report | None = None, rows: np.ndarray | None = None) -> pd.DataFrame | None:
    """Check and read an EES table's rows (text cells, blanks as ''): one row per area and year,
    with ``_level, _year, _code, _name, _new, _region`` added; rows of other geographic levels are
    left out. ``report`` gets every problem; without it the first is raised. None when a column
    the table needs is missing. Rows with a problem are left out."""
    report = report or raiser(name)
    if table not in EES_TABLES:
        report(None, None, f"no measures are defined for the DfE table {table!r} (known: {', '.join(EES_TABLES)}).")
        return None
    numbers = row_numbers(len(raw), rows)
    _, specs = EES_TABLES[table]
    cols = Columns(raw)
    needed = list(EES_FIXED)
    for s in specs:
        needed += [c for c in s.columns() if c not in needed]
    split = sorted({s.where[0] for s in specs if s.where})  # a row per category: part of each row's key
    missing = cols.missing(needed)
    if missing:
        report(None, missing[0], f"The DfE {table} file {Path(name).name} lacks the column(s) {', '.join(missing)}.")
        return None
    n = len(raw)
    bad = np.zeros(n, dtype=bool)
    frame = pd.DataFrame({c: cols[c].fillna("").astype(str).str.strip() for c in needed}, index=raw.index)
    frame.index = pd.RangeIndex(n)
    level = frame["geographic_level"].map({"Local authority": "la", "Regional": "region", "National": "england"})
    keep = level.notna().to_numpy()
    period = frame["time_period"]
    bad_period = keep & ~period.map(lambda t: bool(_PERIOD.fullmatch(t))).to_numpy()
    report(bad_period, cols.header("time_period"), lambda i: (
        f"a time_period {period.iloc[i]!r} is not a year (e.g. 2025 or 202425)."))
    bad |= bad_period
    frame["_level"] = level
    frame["_year"] = pd.to_numeric(period.str[:4], errors="coerce").fillna(0).astype(int)
    old = frame["old_la_code"].map(joint_code)
    new = frame["new_la_code"].map(joint_code)
    if new_to_old:
        old = old.where(old != "", new.map(lambda c: new_to_old.get(c, "")))
    is_la = (level == "la").to_numpy()
    no_code = is_la & (old == "").to_numpy()
    unknown_new = no_code & (new != "").to_numpy()
    report(no_code & ~unknown_new, cols.header("old_la_code"), lambda i: (
        f"the LA row for {frame['la_name'].iloc[i]!r} has no old LA code."))
    report(unknown_new, cols.header("new_la_code"), lambda i: (
        f"the LA row for {frame['la_name'].iloc[i]!r} has no old LA code, and its new code {new.iloc[i]!r} is not "
        "one of a known LA."))
    bad |= no_code
    region_code = frame["region_code"].where(frame["region_code"] != "",
                                             frame["region_name"].str.lower().map(REGION_BY_NAME).fillna(""))
    frame["_code"] = np.where(is_la, old, np.where(level == "england", ENGLAND, region_code))
    frame["_name"] = np.where(is_la, frame["la_name"], np.where(level == "england", "England", frame["region_name"]))
    frame["_new"] = new
    frame["_region"] = region_code
    for column in sorted({c for s in specs for c in (s.column, *s.numerators, s.denominator) if c}):
        text = frame[column]
        value = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        strange = keep & (value.isna() & (text != "") & ~text.isin(list(PUBLISHED_SYMBOLS))).to_numpy()
        report(strange, cols.header(column), lambda i, t=text: not_a_value(t.iloc[i]))
        bad |= strange
    usable = np.flatnonzero(keep & ~bad_period & ~no_code)
    dup = np.zeros(n, dtype=bool)
    key = ["_year", "_level", "_code", *split]
    dup[usable[frame.iloc[usable].duplicated(key, keep=False).to_numpy()]] = True
    if dup.any():
        groups = frame[dup].groupby(key).groups
        where = {int(i): [int(numbers[j]) for j in idx if j != i] for idx in groups.values() for i in idx}
        report(dup, cols.header("old_la_code"), lambda i: (
            f"more than one row for {frame['_name'].iloc[i]} in {frame['_year'].iloc[i]} (also row "
            f"{', '.join(str(r) for r in where[i][:5])}); keep one."))
        bad |= dup
    return frame[keep & ~bad]


def _summed(rows: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series | float:
    """The sum of count columns (NaN where any part has no number), or NaN with none."""
    if not columns:
        return np.nan
    parts = [cells(rows[c])[0] for c in columns]
    return sum(parts[1:], parts[0])


def _first_symbol(rows: pd.DataFrame, columns: list[str]) -> pd.Series:
    out = pd.Series(None, index=rows.index, dtype=object)
    for c in columns:
        out = out.where(out.notna(), cells(rows[c])[1])
    return out


def _describe(s: EesMeasure, name: str) -> str:
    what = f"Column {s.column}" if s.column else f"100 × ({' + '.join(s.numerators)}) / {s.denominator}"
    text = f"{what} of {Path(name).name}"
    if s.column and s.numerator:
        text += f"; numerator {' + '.join(s.numerators)}, denominator {s.denominator}"
    if s.where:
        text += f"; rows where {s.where[0]} is '{s.where[1]}'"
    return text


def ees_frames(frame: pd.DataFrame, table: str, name: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Rows read by ``ees_rows`` as ``(published_value, published_measure, published_la)`` rows."""
    source, specs = EES_TABLES[table]
    parts = []
    for s in specs:
        rows = frame[frame[s.where[0]] == s.where[1]] if s.where else frame
        num = _summed(rows, s.numerators)
        den = cells(rows[s.denominator])[0] if s.denominator else np.nan
        if s.column:
            value, symbol = cells(rows[s.column])
        else:  # derived: 100 × numerator / denominator, a half rounded up as DfE rounds (549 of 720 is
            # 76.25%, published as 76.3); a symbol in any part is the figure's symbol
            value = round_half_up(100 * num / den.where(den > 0), 1)
            symbol = _first_symbol(rows, [*s.numerators, s.denominator]).where(value.isna(), None)
            symbol = symbol.where(~(value.isna() & symbol.isna()), np.where(den == 0, "z", ":"))
        parts.append(pd.DataFrame({
            "measure": s.measure, "year": rows["_year"], "area_level": rows["_level"], "area_code": rows["_code"],
            "area_name": rows["_name"], "value": value, "symbol": symbol, "numerator": num, "denominator": den,
            "source": source,
        }))
    values = pd.concat(parts, ignore_index=True)[VALUE_COLUMNS] if parts else pd.DataFrame(columns=VALUE_COLUMNS)
    measures = pd.DataFrame([{
        "measure": s.measure, "name": s.name, "polarity": s.polarity, "unit": s.unit, "topic": None,
        "year_type": None, "description": _describe(s, name),
        "methodology": None, "source": source, "link": None} for s in specs])
    la_rows = frame[frame["_level"] == "la"].drop_duplicates("_code", keep="first")  # newest year first in EES files
    las = pd.DataFrame({
        "old_la_code": la_rows["_code"], "new_la_code": la_rows["_new"].replace("", None),
        "name": la_rows["la_name"], "region_code": la_rows["_region"].replace("", None),
        "region_name": la_rows["region_name"].replace("", None),
    })
    return values, measures, las


def load_ees(path: Path, table: str | None = None, new_to_old: dict[str, str] | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """A DfE EES CSV (as published: BOM, symbols, old and new LA codes, joint returns) as
    ``(published_value, published_measure, published_la)`` rows.

    ``table`` is the key in ``EES_TABLES`` (default: from the file name, e.g. ``c1_...``).
    An LA row with no old code takes it from ``new_to_old`` (new code → old code). The first
    problem in the file (see ``ees_rows``) is raised as a QAError.
    """
    path = Path(path)
    table = table or path.name.split("_")[0].lower()
    if table not in EES_TABLES:
        raise QAError(f"{path.name}: no measures are defined for the DfE table {table!r} "
                      f"(known: {', '.join(EES_TABLES)}).")
    raw = read_csv(path, f"DfE {table}", dtype=str, keep_default_na=False)
    raw.columns = [str(c).strip() for c in raw.columns]
    frame = ees_rows(raw, table, path.name, new_to_old)
    return ees_frames(frame, table, path.name)
