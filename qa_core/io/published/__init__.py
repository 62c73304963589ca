"""Published benchmarks shipped in ``data/public`` (Crown copyright, Open Government Licence
v3.0): DfE's LAIT long file and its definitions, the statistical neighbour model, DfE
explore-education-statistics (EES) tables such as C1 and D3, and Ofsted's ILACS history.

Two uses:

- ``published_frames()`` reads the files into the store's ``published_*`` tables (migration
  003) for every English LA, so any LA can be benchmarked (``qa_core.views.benchmarks``).
- ``comparators_for()`` (older): for one LA, its value, its neighbours' median, region and
  England per LAIT measure and year, for the ``comparator`` table the clinic reads.

DfE symbols are kept, never turned into 0: ``c`` suppressed, ``x`` not available, ``z`` not
applicable, ``k`` rounds to zero, ``u`` low reliability, ``low`` rounds to zero (workforce),
``:`` not available; the LAIT file's blank cells (its source's ``-``, "not available or
suppressed") are stored with the symbol ``-``.

Reorganisations handled (``REORGANISATIONS``): Dorset county (835), Poole (836) and Bournemouth
(837) → Dorset (838) and Bournemouth, Christchurch and Poole (839) from 2019-20; Northamptonshire
(928) → North (940) and West Northamptonshire (941) from 2021-22; Cumbria (909) → Cumberland
(942) and Westmorland and Furness (943) from 2023-24. The abolished LAs are rows of their own
(status ``abolished``) with their figures for the years they existed; no figure is moved or
split onto their successors. Joint returns (``314 / 318``: Kingston upon Thames with Richmond
upon Thames; ``940 / 941``) are kept as one area of their own (status ``joint``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qa_core.errors import QAError

__all__ = [
    "PUBLIC_DIR", "ATTRIBUTION", "SYMBOLS", "ENGLAND", "REGIONS", "REORGANISATIONS", "EES_TABLES",
    "EesMeasure", "load_lait", "load_sn_model", "comparators_for", "load_definitions", "lait_values",
    "load_ees", "ees_rows", "ees_frames", "ees_table_for", "Report",
    "sn_frame", "la_frame", "load_ilacs", "published_frames", "write_published",
]

PUBLIC_DIR = Path(__file__).resolve().parents[3] / "data" / "public"
ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(Department for Education; Ofsted)."
)
ENGLAND_CODE = 970
ENGLAND = "E92000001"
#: DfE symbols that stand in place of a figure (GSS conventions); '-' is LAIT's blank.
SYMBOLS = {
    "c": "suppressed to protect confidentiality",
    "x": "not available",
    "z": "not applicable",
    "k": "rounds to zero, but is not zero",
    "u": "low reliability",
    "low": "rounds to zero",
    ":": "not available",
    "-": "not available or suppressed (LAIT)",
}
#: Region code, name and LAIT number (980-990).
REGIONS = [
    ("E12000001", "North East", 980), ("E12000002", "North West", 981),
    ("E12000003", "Yorkshire and The Humber", 982), ("E12000004", "East Midlands", 983),
    ("E12000005", "West Midlands", 984), ("E12000006", "East of England", 985),
    ("E12000007", "London", 986), ("E13000001", "Inner London", 987), ("E13000002", "Outer London", 988),
    ("E12000008", "South East", 989), ("E12000009", "South West", 990),
]
_REGION_BY_LAIT = {n: (code, name) for code, name, n in REGIONS}
_REGION_BY_NAME = {name.lower(): code for code, name, _ in REGIONS}


@dataclass(frozen=True)
class Reorganisation:
    code: str
    new_code: str
    name: str
    region_code: str
    last_year: int  # the last year (to 31 March) it published figures for
    successors: tuple[str, ...]


#: LAs abolished by local government reorganisation since 2016 and the LAs that replaced them.
REORGANISATIONS = (
    Reorganisation("835", "E10000009", "Dorset (county, to 2019)", "E12000009", 2019, ("838", "839")),
    Reorganisation("836", "E06000029", "Poole", "E12000009", 2019, ("839",)),
    Reorganisation("837", "E06000028", "Bournemouth", "E12000009", 2019, ("839",)),
    Reorganisation("928", "E10000021", "Northamptonshire", "E12000004", 2021, ("940", "941")),
    Reorganisation("909", "E10000006", "Cumbria", "E12000002", 2023, ("942", "943")),
)


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
LAIT_FILE = "lait_csc_indicators_long_2016_to_2025.csv"
DEFINITIONS_FILE = "lait_csc_indicator_definitions.csv"
SN_FILE = "sn_model_2025_wide.csv"
ILACS_FILE = "ofsted_ilacs_inspection_history_2018_to_2025.csv"
SN_MODEL = "DfE statistical neighbour model, May 2025"
LAIT_SOURCE = "DfE LAIT"
VALUE_COLUMNS = ["measure", "year", "area_level", "area_code", "area_name", "value", "symbol",
                 "numerator", "denominator", "source"]


def _read(path: Path, what: str, **kw) -> pd.DataFrame:
    try:
        return pd.read_csv(path, encoding="utf-8-sig", **kw)
    except OSError as exc:
        raise QAError(f"Cannot read the {what} file {path}: {exc.strerror or exc}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise QAError(f"The {what} file {path} is not a readable CSV: {exc}") from None


def _need(frame: pd.DataFrame, columns: list[str], path: Path, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise QAError(f"The {what} file {path.name} lacks the column(s) {', '.join(missing)}.")


def load_lait(path: Path | None = None, measures: list[str] | None = None) -> pd.DataFrame:
    path = path or PUBLIC_DIR / LAIT_FILE
    frame = _read(path, "LAIT", dtype={"measure_short": str, "area_name": str, "geographic_level": str})
    _need(frame, ["measure_short", "year", "geographic_level", "la_number", "area_name", "value"], path, "LAIT")
    if measures is not None:
        frame = frame[frame["measure_short"].isin(measures)]
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame


def load_sn_model(path: Path | None = None) -> pd.DataFrame:
    path = path or PUBLIC_DIR / SN_FILE
    frame = _read(path, "statistical neighbour")
    _need(frame, ["old_la_code", "la_name", "region_name", *[f"SN_{i}" for i in range(1, 11)]], path,
          "statistical neighbour")
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


# -- the published_* tables ---------------------------------------------------------------------
def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def load_definitions(path: Path | None = None) -> pd.DataFrame:
    """LAIT's measure definitions as ``published_measure`` rows (blank polarity → '-')."""
    path = path or PUBLIC_DIR / DEFINITIONS_FILE
    raw = _read(path, "LAIT definitions", dtype=str, keep_default_na=False)
    _need(raw, ["Measure_short", "Measure", "Polarity", "y_axis_name", "Topic", "Description", "Methodology"],
          path, "LAIT definitions")
    polarity = raw["Polarity"].str.strip().where(raw["Polarity"].str.strip().isin(["High", "Low"]), "-")
    return pd.DataFrame({
        "measure": raw["Measure_short"].str.strip(),
        "name": raw["Measure"].str.strip(),
        "polarity": polarity,
        "unit": raw["y_axis_name"].map(_text),
        "topic": raw["Topic"].map(_text),
        "year_type": raw.get("Year_Type", pd.Series(None, index=raw.index)).map(_text),
        "description": raw["Description"].map(_text),
        "methodology": raw["Methodology"].map(_text),
        "source": LAIT_SOURCE,
        "link": raw.get("Hyperlink(s)", pd.Series(None, index=raw.index)).map(_text),
    })


#: ``report(mask, column, message)``: a problem on the rows of the raw frame where ``mask`` is true
#: (``mask`` None: the file as a whole); ``message`` is a sentence or a function of the row's position.
Report = Callable[[np.ndarray | None, str | None, "str | Callable[[int], str]"], None]


def _raiser(name: str) -> Report:
    """The reporter of the loaders: the first problem is raised as a QAError."""
    def report(mask: np.ndarray | None, column: str | None, message: str | Callable[[int], str]) -> None:
        if mask is not None and not np.asarray(mask).any():
            return
        if callable(message):
            message = message(int(np.flatnonzero(mask)[0]))
        raise QAError(f"{name}: {message}")
    return report


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z%]+", "_", str(text).strip().lower()).strip("_")


class _Columns:
    """A raw frame's columns by name, forgiving case and spaces (``CPP_start`` is ``cpp_start``)."""

    def __init__(self, raw: pd.DataFrame) -> None:
        self.raw = raw
        self.by = {}
        for c in raw.columns:
            self.by.setdefault(_norm(c), c)

    def has(self, name: str) -> bool:
        return _norm(name) in self.by

    def header(self, name: str) -> str:
        return self.by.get(_norm(name), name)

    def __getitem__(self, name: str) -> pd.Series:
        return self.raw[self.by[_norm(name)]]

    def missing(self, names) -> list[str]:
        return [n for n in names if not self.has(n)]


def _full(n: int, positions) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[np.asarray(positions, dtype=np.int64)] = True
    return mask


def _row_numbers(n: int, rows: np.ndarray | None) -> np.ndarray:
    """Spreadsheet row numbers (header row 1) of a raw frame's rows."""
    return np.arange(2, n + 2, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)


LAIT_LEVELS = {"Local authority": "la", "Regional": "region", "National": "england"}
LAIT_COLUMNS = ["measure_short", "year", "geographic_level", "la_number", "area_name", "value"]


def lait_values(lait: pd.DataFrame, report: Report | None = None) -> pd.DataFrame:
    """LAIT long rows as ``published_value`` rows; a blank value keeps the symbol '-', and a cell
    holding a DfE symbol (``c``, ``x``...) keeps that symbol.

    ``report`` (see ``Report``) receives every problem (row positions of ``lait``); without it
    the first problem is raised. Rows with a problem are left out of the result.
    """
    report = report or _raiser("The LAIT file")
    n = len(lait)
    cols = _Columns(lait)
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
    region = code.map(lambda c: _REGION_BY_LAIT.get(c, (None, None)))
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
    symbol = np.where(value.isna(), np.where(text.isin(list(SYMBOLS)), text, "-"), None)
    strange = (value.isna() & ~text.isin(["", "nan", *SYMBOLS])).to_numpy()
    report(strange, cols.header("value"), lambda i: _not_a_value(text.iloc[i]))
    bad |= strange
    out = pd.DataFrame({
        "measure": cols["measure_short"].astype(str).str.strip().to_numpy(),
        "year": pd.to_numeric(year_text, errors="coerce").fillna(0).astype(int).to_numpy(),
        "area_level": level.to_numpy(), "area_code": area_code, "area_name": area_name,
        "value": value.to_numpy(), "symbol": symbol,
        "numerator": np.nan, "denominator": np.nan, "source": LAIT_SOURCE,
    })[VALUE_COLUMNS]
    return out[~bad]


def _not_a_value(text: str) -> str:
    return (f"'{text}' is neither a number nor one of DfE's symbols (c, x, z, k, u, low, ':'; '-' or blank "
            "for LAIT's not available).")


_JOINT = re.compile(r"\s*/\s*")


def _joint(code: str) -> str:
    """'314/318' or '314 / 318' → '314 / 318'."""
    return " / ".join(p for p in _JOINT.split(code.strip()) if p)


def _cells(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """EES cells → (value, symbol): a number is a value; anything else is kept as its symbol
    (blank → ':'). ``k`` and ``low`` are not zero: they have no value."""
    text = raw.fillna("").astype(str).str.strip()
    value = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    symbol = text.where(value.isna()).replace("", ":")
    return value, symbol.where(value.isna(), None)


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
        have = {_norm(h) for h in headers}
        for key, (_, specs) in EES_TABLES.items():
            if all(_norm(c) in have for s in specs for c in s.columns()):
                return key
    return None


def ees_rows(raw: pd.DataFrame, table: str, name: str, new_to_old: dict[str, str] | None = None,
             report: Report | None = None, rows: np.ndarray | None = None) -> pd.DataFrame | None:
    """Check and read an EES table's rows (text cells, blanks as ''): one row per area and year,
    with ``_level, _year, _code, _name, _new, _region`` added; rows of other geographic levels are
    left out. ``report`` gets every problem; without it the first is raised. None when a column
    the table needs is missing. Rows with a problem are left out."""
    report = report or _raiser(name)
    if table not in EES_TABLES:
        report(None, None, f"no measures are defined for the DfE table {table!r} (known: {', '.join(EES_TABLES)}).")
        return None
    numbers = _row_numbers(len(raw), rows)
    _, specs = EES_TABLES[table]
    cols = _Columns(raw)
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
    old = frame["old_la_code"].map(_joint)
    new = frame["new_la_code"].map(_joint)
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
                                             frame["region_name"].str.lower().map(_REGION_BY_NAME).fillna(""))
    frame["_code"] = np.where(is_la, old, np.where(level == "england", ENGLAND, region_code))
    frame["_name"] = np.where(is_la, frame["la_name"], np.where(level == "england", "England", frame["region_name"]))
    frame["_new"] = new
    frame["_region"] = region_code
    for column in sorted({c for s in specs for c in (s.column, *s.numerators, s.denominator) if c}):
        text = frame[column]
        value = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        strange = keep & (value.isna() & (text != "") & ~text.isin(list(SYMBOLS))).to_numpy()
        report(strange, cols.header(column), lambda i, t=text: _not_a_value(t.iloc[i]))
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
    parts = [_cells(rows[c])[0] for c in columns]
    return sum(parts[1:], parts[0])


def _first_symbol(rows: pd.DataFrame, columns: list[str]) -> pd.Series:
    out = pd.Series(None, index=rows.index, dtype=object)
    for c in columns:
        out = out.where(out.notna(), _cells(rows[c])[1])
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
        den = _cells(rows[s.denominator])[0] if s.denominator else np.nan
        if s.column:
            value, symbol = _cells(rows[s.column])
        else:  # derived: 100 × numerator / denominator; a symbol in any part is the figure's symbol
            value = (100 * num / den.where(den > 0)).round(1)
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
    raw = _read(path, f"DfE {table}", dtype=str, keep_default_na=False)
    raw.columns = [str(c).strip() for c in raw.columns]
    frame = ees_rows(raw, table, path.name, new_to_old)
    return ees_frames(frame, table, path.name)


def sn_frame(sn: pd.DataFrame) -> pd.DataFrame:
    """The wide model as ``statistical_neighbour`` rows (10 per LA)."""
    parts = [pd.DataFrame({
        "la_code": sn["old_la_code"].astype(int).astype(str), "rank": i,
        "neighbour_code": sn[f"SN_{i}"].astype(int).astype(str),
        "closeness": sn[f"SN_{i}P"].astype(str).str.strip() if f"SN_{i}P" in sn else None,
        "model": SN_MODEL}) for i in range(1, 11)]
    return pd.concat(parts, ignore_index=True).sort_values(["la_code", "rank"], ignore_index=True)


def la_frame(sn: pd.DataFrame, ees_las: list[pd.DataFrame] = (), ilacs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every LA: the 153 of the model (current), the abolished ones of ``REORGANISATIONS``, and
    any joint return found in the EES files. New codes come from the EES files, else from the
    Ofsted file by name."""
    region_names = {code: name for code, name, _ in REGIONS}
    known = pd.concat(list(ees_las), ignore_index=True) if len(ees_las) else pd.DataFrame(
        columns=["old_la_code", "new_la_code", "name", "region_code", "region_name"])
    new_by_old = known.dropna(subset=["new_la_code"]).drop_duplicates("old_la_code").set_index(
        "old_la_code")["new_la_code"].to_dict()
    new_by_name = {} if ilacs is None else dict(zip(ilacs["la_name"].str.lower(), ilacs["new_la_code"], strict=True))
    preds: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for r in REORGANISATIONS:
        for s in r.successors:
            preds.setdefault(s, []).append(r.code)
            first[s] = max(first.get(s, 0), r.last_year + 1)
    rows = []
    for r in sn.itertuples(index=False):
        code = str(int(r.old_la_code))
        region = _REGION_BY_NAME.get(str(r.region_name).strip().lower())
        rows.append(dict(old_la_code=code, new_la_code=new_by_old.get(code) or new_by_name.get(str(r.la_name).lower()),
                         name=str(r.la_name).strip(), region_code=region, region_name=region_names.get(region),
                         status="current", successors=None,
                         predecessors=";".join(sorted(preds[code])) if code in preds else None,
                         last_year=None, first_year=first.get(code)))
    for r in REORGANISATIONS:
        rows.append(dict(old_la_code=r.code, new_la_code=r.new_code, name=r.name, region_code=r.region_code,
                         region_name=region_names[r.region_code], status="abolished",
                         successors=";".join(r.successors), predecessors=None, last_year=r.last_year,
                         first_year=None))
    have = {row["old_la_code"] for row in rows}
    for r in known[known["old_la_code"].str.contains("/", regex=False)].drop_duplicates("old_la_code").itertuples():
        if r.old_la_code not in have:
            rows.append(dict(old_la_code=r.old_la_code, new_la_code=r.new_la_code, name=r.name,
                             region_code=r.region_code, region_name=r.region_name, status="joint", successors=None,
                             predecessors=None, last_year=None, first_year=None))
    frame = pd.DataFrame(rows)
    frame["last_year"] = frame["last_year"].astype("Int64")
    frame["first_year"] = frame["first_year"].astype("Int64")
    return frame


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
    raw = _read(path, "Ofsted ILACS", dtype=str, keep_default_na=False)
    _need(raw, list(ILACS_COLUMNS), path, "Ofsted ILACS")
    frame = raw[list(ILACS_COLUMNS)].rename(columns=ILACS_COLUMNS)
    for col in frame.columns:
        frame[col] = frame[col].str.strip().replace("", None)
    for col in ("inspection_date", "publication_date"):
        frame[col] = pd.to_datetime(frame[col], format="%Y-%m-%d", errors="raise").dt.date
    frame.insert(1, "la_code", None)
    return frame


def published_frames(public_dir: Path | None = None, ees: tuple[str, ...] = tuple(EES_FILES)
                     ) -> dict[str, pd.DataFrame]:
    """The ``published_*``, ``statistical_neighbour`` and ``ilacs_judgement`` tables from the
    shipped files, in an order that respects foreign keys."""
    folder = Path(public_dir) if public_dir else PUBLIC_DIR
    sn = load_sn_model(folder / SN_FILE)
    ilacs = load_ilacs(folder / ILACS_FILE)
    ees_parts = [load_ees(folder / EES_FILES[t], t) for t in ees]
    las = la_frame(sn, [p[2] for p in ees_parts], ilacs)
    old_by_new = las.dropna(subset=["new_la_code"]).drop_duplicates("new_la_code").set_index(
        "new_la_code")["old_la_code"]
    ilacs["la_code"] = ilacs["new_la_code"].map(old_by_new)
    measures = pd.concat([load_definitions(folder / DEFINITIONS_FILE), *[p[1] for p in ees_parts]],
                         ignore_index=True)
    values = pd.concat([lait_values(load_lait(folder / LAIT_FILE)), *[p[0] for p in ees_parts]],
                       ignore_index=True)
    return {
        "published_la": las,
        "published_measure": measures,
        "published_value": values,
        "statistical_neighbour": sn_frame(sn),
        "ilacs_judgement": ilacs,
    }


def write_published(store, frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Replace the store's published tables with ``frames`` in one transaction."""
    with store.transaction() as cur:
        for table in ("published_value", "published_measure", "published_la", "statistical_neighbour",
                      "ilacs_judgement"):
            cur.execute(f'DELETE FROM "{table}"')
        return store.insert_frames(frames, cur)
