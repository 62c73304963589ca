"""What the readers of the published files share: where the files are, DfE's symbols, England
and the regions, the ``published_value`` columns, reading a CSV with a plain error, finding a
column whatever its case and spacing, and reporting a problem (the first one raised as a
``QAError`` unless the caller collects them all, as the importer does)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from qa_core.errors import QAError

__all__ = [
    "PUBLIC_DIR", "ENGLAND_CODE", "ENGLAND", "PUBLISHED_SYMBOLS", "REGIONS", "REGION_BY_LAIT", "REGION_BY_NAME",
    "VALUE_COLUMNS", "Report", "read_csv", "need_columns", "text_or_none", "raiser", "norm", "Columns",
    "row_numbers", "not_a_value", "cells",
]

PUBLIC_DIR = Path(__file__).resolve().parents[3] / "data" / "public"
ENGLAND_CODE = 970
ENGLAND = "E92000001"
#: DfE symbols that stand in place of a figure (GSS conventions); '-' is LAIT's blank.
PUBLISHED_SYMBOLS = {
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
REGION_BY_LAIT = {n: (code, name) for code, name, n in REGIONS}
REGION_BY_NAME = {name.lower(): code for code, name, _ in REGIONS}
VALUE_COLUMNS = ["measure", "year", "area_level", "area_code", "area_name", "value", "symbol",
                 "numerator", "denominator", "source"]


def read_csv(path: Path, what: str, **kw) -> pd.DataFrame:
    try:
        return pd.read_csv(path, encoding="utf-8-sig", **kw)
    except OSError as exc:
        raise QAError(f"Cannot read the {what} file {path}: {exc.strerror or exc}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise QAError(f"The {what} file {path} is not a readable CSV: {exc}") from None


def need_columns(frame: pd.DataFrame, columns: list[str], path: Path, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise QAError(f"The {what} file {path.name} lacks the column(s) {', '.join(missing)}.")


def text_or_none(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


#: ``report(mask, column, message)``: a problem on the rows of the raw frame where ``mask`` is true
#: (``mask`` None: the file as a whole); ``message`` is a sentence or a function of the row's position.
Report = Callable[[np.ndarray | None, str | None, "str | Callable[[int], str]"], None]


def raiser(name: str) -> Report:
    """The reporter of the loaders: the first problem is raised as a QAError."""
    def report(mask: np.ndarray | None, column: str | None, message: str | Callable[[int], str]) -> None:
        if mask is not None and not np.asarray(mask).any():
            return
        if callable(message):
            message = message(int(np.flatnonzero(mask)[0]))
        raise QAError(f"{name}: {message}")
    return report


def norm(text: str) -> str:
    return re.sub(r"[^0-9a-z%]+", "_", str(text).strip().lower()).strip("_")


class Columns:
    """A raw frame's columns by name, forgiving case and spaces (``CPP_start`` is ``cpp_start``)."""

    def __init__(self, raw: pd.DataFrame) -> None:
        self.raw = raw
        self.by = {}
        for c in raw.columns:
            self.by.setdefault(norm(c), c)

    def has(self, name: str) -> bool:
        return norm(name) in self.by

    def header(self, name: str) -> str:
        return self.by.get(norm(name), name)

    def __getitem__(self, name: str) -> pd.Series:
        return self.raw[self.by[norm(name)]]

    def missing(self, names) -> list[str]:
        return [n for n in names if not self.has(n)]


def row_numbers(n: int, rows: np.ndarray | None) -> np.ndarray:
    """Spreadsheet row numbers (header row 1) of a raw frame's rows."""
    return np.arange(2, n + 2, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)


def not_a_value(text: str) -> str:
    return (f"'{text}' is neither a number nor one of DfE's symbols (c, x, z, k, u, low, ':'; '-' or blank "
            "for LAIT's not available).")


def cells(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """EES cells → (value, symbol): a number is a value; anything else is kept as its symbol
    (blank → ':'). ``k`` and ``low`` are not zero: they have no value."""
    text = raw.fillna("").astype(str).str.strip()
    value = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
    symbol = text.where(value.isna()).replace("", ":")
    return value, symbol.where(value.isna(), None)
