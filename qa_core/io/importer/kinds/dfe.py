"""The ``comparators`` kind's two published shapes, recognised from the header row.

- A DfE explore-education-statistics (EES) CSV as DfE publishes it (``time_period``,
  ``geographic_level``, ``old_la_code``, ``new_la_code``, ``la_name``... then the table's measure
  columns): tables C1, C4, D3, D5, children looked after and the social work workforce
  (``qa_core.io.published.EES_TABLES``).
- The LAIT long file (``measure_short, year, geographic_level, la_number, area_name, value``).

Both are read with ``qa_core.io.published``'s rules (``ees_rows``/``ees_frames``, ``lait_values``:
symbols kept, never 0; joint returns such as ``314 / 318`` kept as one area) and written to
``published_value`` (plus the ``published_la`` and ``published_measure`` rows the store lacks),
in the import's one transaction. A (measure, year) in the file is replaced as a whole.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, Field

from qa_core.io import published as pub
from qa_core.io.importer.fields import CODED_CHARS, EARLIEST_MONTH, EVENT_YEARS_AHEAD, Text, cell_of
from qa_core.io.importer.formats import Sheet, normalise_header
from qa_core.io.importer.kinds.base import (
    ColumnDoc,
    KindSpec,
    Outcome,
    Prepared,
    Step,
    changes,
    merge_counts,
    plural,
    scope_messages,
    totals,
)
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, Context

__all__ = ["spec_for", "EES_SPEC", "LAIT_SPEC", "SHAPES_HELP"]

VALUE_KEY = ["measure", "year", "area_level", "area_code"]
VALUE_COLUMNS = ["area_name", "value", "symbol", "numerator", "denominator", "source"]
SHAPES_HELP = (
    "The same kind also reads, recognised from the header row, two files exactly as DfE publishes them, "
    "for every English LA (loaded into the published figures, not the catalogue's comparators): "
    "a DfE explore-education-statistics CSV (columns time_period, time_identifier, geographic_level, "
    "country_code, region_code, region_name, old_la_code, new_la_code, la_name, then the measure columns of "
    f"table {', '.join(k.upper() for k in pub.EES_TABLES)}; byte-order mark, the symbols c, x, z, k, u, low "
    "kept as symbols (never 0), old or new LA codes, joint returns such as 314 / 318, and abolished LAs "
    "accepted), or the LAIT long file (measure_short, year, geographic_level, la_number, area_name, value).")


class EesRow(BaseModel):
    time_period: Text = Field(description="The year (2025) or academic year (202425).", examples=["2025"])
    time_identifier: Text | None = Field(None, description="DfE's period type, e.g. Reporting year.",
                                         examples=["Reporting year"])
    geographic_level: Text = Field(description="National, Regional or Local authority (other levels are skipped).",
                                   examples=["Local authority"])
    country_code: Text | None = Field(None, description="E92000001.", examples=["E92000001"])
    country_name: Text | None = Field(None, description="England.", examples=["England"])
    region_code: Text = Field(description="The region's code (blank on the national row).", examples=["E12000002"])
    region_name: Text = Field(description="The region's name.", examples=["North West"])
    old_la_code: Text = Field(description="DfE's 3-digit LA code (a joint return: 314 / 318); may be blank on an "
                              "LA row when new_la_code is known.", examples=["356"])
    new_la_code: Text = Field(description="The ONS code of the LA, e.g. E08000007.", examples=["E08000007"])
    la_name: Text = Field(description="The LA's name.", examples=["Stockport"])


class LaitRow(BaseModel):
    measure_short: Text = Field(description="LAIT's measure, e.g. ReReferral.", examples=["ReReferral"])
    year: Text = Field(description="The year, e.g. 2024.", examples=["2024"])
    geographic_level: Text = Field(description="Local authority, Regional or National.",
                                   examples=["Local authority"])
    la_number: Text = Field(description="The LA's old code; 970 England; 980-990 regions.", examples=["356"])
    area_name: Text = Field(description="The area's name.", examples=["Stockport"])
    value: Text = Field(description="The figure; blank (LAIT's '-') or a DfE symbol when there is none.",
                        examples=["21.4"])


def _ees_extra() -> ColumnDoc:
    names = ", ".join(dict.fromkeys(c for _, specs in pub.EES_TABLES.values() for s in specs for c in s.columns()))
    return ColumnDoc("(measure columns)", True, f"The table's measure columns (and the counts behind them): {names}.",
                     "22.6")


def spec_for(spec: KindSpec, sheet: Sheet, filename: str) -> KindSpec:
    """The shape of a ``comparators`` file from its header: the store format, EES or LAIT."""
    if spec.name != "comparators":
        return spec
    names = set(sheet.names)
    if {"measure_short", "la_number"} <= names:
        return LAIT_SPEC
    if {"time_period", "geographic_level"} <= names:
        return EES_SPEC
    return spec


# -- what the store knows ----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _shipped_las() -> pd.DataFrame:
    """The LAs known without the store: DfE's statistical neighbour model, the reorganised LAs and
    Ofsted's new codes."""
    return pub.la_frame(pub.load_sn_model(), [], pub.load_ilacs())


@lru_cache(maxsize=1)
def _shipped_measures() -> pd.DataFrame:
    return pub.load_definitions()


def _las(ctx: Context) -> pd.DataFrame:
    held = ctx.query("SELECT * FROM published_la")
    shipped = _shipped_las()
    return pd.concat([held, shipped[~shipped["old_la_code"].isin(held["old_la_code"])]], ignore_index=True)


def _parts(code: str) -> list[str]:
    return [p.strip() for p in str(code).split("/") if p.strip()]


def _raw(sheet: Sheet) -> pd.DataFrame:
    data = {}
    for header, column in zip(sheet.headers, sheet.columns, strict=True):
        if header and header not in data:
            data[header] = column.to_pandas().astype(object).where(lambda s: s.notna(), "").astype(str).str.strip() \
                if len(column) else pd.Series([], dtype=object)
    return pd.DataFrame(data, index=pd.RangeIndex(sheet.n))


def _reporter(ck: Checker) -> pub.Report:
    def report(mask: np.ndarray | None, column: str | None, message: Any) -> None:
        if mask is None:
            ck.add_file(_sentence(message), row=1, column=column)
            return
        if callable(message):
            ck.add(mask, column, lambda i: _sentence(message(i)))
        else:
            ck.add(mask, column, _sentence(message))
    return report


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- EES ------------------------------------------------------------------------------------------
def prepare_ees(ck: Checker, ctx: Context) -> Prepared:
    if ck.missing:
        return Prepared(rows=ck.n)
    _check_lengths(ck)
    name = getattr(ctx, "filename", "") or ""
    table = pub.ees_table_for(name, ck.sheet.headers)
    if table is None:
        known = "; ".join(f"{k.upper()}: {', '.join(dict.fromkeys(c for s in specs for c in s.columns()))}"
                          for k, (_, specs) in pub.EES_TABLES.items())
        ck.add_file(f"This DfE file has none of the measure columns this dashboard reads ({known}). Name the file "
                    "after its table (e.g. c1_....csv) or keep the table's columns.", row=1)
        return Prepared(rows=ck.n)
    raw = _raw(ck.sheet)
    las = _las(ctx)
    new_to_old = {n: o for o, n in zip(las["old_la_code"], las["new_la_code"], strict=True) if n}
    report = _reporter(ck)
    frame = pub.ees_rows(raw, table, name or f"{table}.csv", new_to_old, report, ck.rows)
    if frame is None:
        return Prepared(rows=ck.n)
    _check_las(ck, raw, frame, las)
    _check_years(ck, frame["_year"], _header(raw, "time_period"))
    skipped = int((~raw[_header(raw, "geographic_level")].isin(
        ["Local authority", "Regional", "National"])).sum())
    if skipped:
        ck.warnings.append(f"{plural(skipped, 'row')} of other geographic levels (not National, Regional or Local "
                           "authority) were skipped.")
    used = {normalise_header(c) for c in [*pub.EES_FIXED, *[c for s in pub.EES_TABLES[table][1]
                                                            for c in s.columns()]]}
    ignored = [h for h, n in zip(ck.sheet.headers, ck.sheet.names, strict=True)
               if n not in used and n not in EesRow.model_fields]
    if ignored:
        ck.warnings.append(f"Read as DfE table {table.upper()}; these columns are not read and were ignored: "
                           + ", ".join(f"'{h}'" for h in ignored) + ".")
    values, measures, file_las = pub.ees_frames(frame, table, name or f"{table}.csv")
    joint = file_las[file_las["old_la_code"].str.contains("/", regex=False)]
    return _prepared(ck, ctx, values, measures, las, joint)


def _check_lengths(ck: Checker) -> None:
    """Text no longer than its column takes: the model's columns by their limits, the measure columns
    (numbers or DfE's symbols) by ``CODED_CHARS``."""
    fields = ck.model.model_fields
    for name in dict.fromkeys(n for n in ck.sheet.names if n):
        limit = cell_of(fields[name])[0].max_chars if name in fields else None
        ck.limit_length(name, limit or CODED_CHARS)


def _header(raw: pd.DataFrame, name: str) -> str:
    return next((c for c in raw.columns if normalise_header(c) == name), name)


def _check_las(ck: Checker, raw: pd.DataFrame, frame: pd.DataFrame, las: pd.DataFrame) -> None:
    old_known = set(las["old_la_code"])
    is_la = frame["_level"] == "la"
    pos = frame.index[is_la]
    old = frame.loc[is_la, "old_la_code"].map(pub.joint_code)

    def unknown(codes: pd.Series, known: set[str]) -> pd.Series:
        return codes.map(lambda c: bool(c) and any(p not in known for p in _parts(c)))

    bad_old = unknown(old, old_known)
    mask = np.zeros(ck.n, dtype=bool)
    mask[pos[bad_old.to_numpy()]] = True
    ck.add(mask, _header(raw, "old_la_code"), lambda i: (
        f"There is no LA with the old code '{frame.at[i, 'old_la_code']}' ({frame.at[i, 'la_name']}) in the LA list "
        "(the store's published LAs and DfE's statistical neighbour model, with the reorganised LAs)."))


def _check_years(ck: Checker, years: pd.Series, column: str) -> None:
    """A problem on every row (``years``' index: row positions) whose year is before 2000 or after next year."""
    number = pd.to_numeric(years, errors="coerce")
    last = dt.date.today().year + EVENT_YEARS_AHEAD
    wrong = number.notna() & ((number < EARLIEST_MONTH.year) | (number > last))
    mask = np.zeros(ck.n, dtype=bool)
    mask[years.index[wrong.to_numpy()]] = True
    ck.add(mask, column, lambda i: (
        f"The year {int(number.loc[i])} is outside the years a published file here may hold: between "
        f"{EARLIEST_MONTH.year} and {last}. Check the year."))


# -- LAIT -----------------------------------------------------------------------------------------
def prepare_lait(ck: Checker, ctx: Context) -> Prepared:
    if ck.missing:
        return Prepared(rows=ck.n)
    _check_lengths(ck)
    raw = _raw(ck.sheet)
    values = pub.lait_values(raw, _reporter(ck))
    _check_years(ck, values["year"], _header(raw, "year"))
    las = _las(ctx)
    held = set(ctx.query("SELECT measure FROM published_measure")["measure"])
    definitions = _shipped_measures()
    known = held | set(definitions["measure"])
    m_col = _header(raw, "measure_short")
    measure = raw[m_col]
    ck.add((~measure.isin(known)).to_numpy(), m_col, lambda i: (
        f"'{measure.iloc[i]}' is not a LAIT measure in the definitions file (e.g. ReReferral, CPP_Subsequent)."))
    la = values[values["area_level"] == "la"]
    wrong = la.index[~la["area_code"].isin(set(las["old_la_code"]))]
    mask = np.zeros(ck.n, dtype=bool)
    mask[wrong] = True
    n_col = _header(raw, "la_number")
    ck.add(mask, n_col, lambda i: f"There is no LA with the number '{raw.at[i, n_col]}' in the LA list (the store's "
                                  "published LAs and DfE's statistical neighbour model, with the reorganised LAs).")
    year = _header(raw, "year")
    key = values.assign(_pos=values.index)
    dup = key[key.duplicated(VALUE_KEY, keep=False)]
    if len(dup):
        groups = dup.groupby(VALUE_KEY)["_pos"].apply(list)
        where = {i: [int(ck.rows[j]) for j in g if j != i] for g in groups for i in g}
        mask = np.zeros(ck.n, dtype=bool)
        mask[dup["_pos"].to_numpy()] = True
        ck.add(mask, m_col, lambda i: (
            f"More than one row for {raw.at[i, m_col]} in {raw.at[i, year]} for {raw.at[i, _header(raw, 'area_name')]}"
            f" (also row {', '.join(str(r) for r in where[i][:5])}); keep one."))
    measures = definitions[definitions["measure"].isin(set(values["measure"]))]
    return _prepared(ck, ctx, values, measures, las, pd.DataFrame(columns=["old_la_code"]))


# -- both -----------------------------------------------------------------------------------------
def _prepared(ck: Checker, ctx: Context, values: pd.DataFrame, measures: pd.DataFrame, las: pd.DataFrame,
              joint: pd.DataFrame) -> Prepared:
    if not ck.ok:
        return Prepared(rows=ck.n)
    values = values.reset_index(drop=True)
    values["year"] = values["year"].astype("int32")
    for col in ("value", "numerator", "denominator"):
        values[col] = pd.to_numeric(values[col], errors="coerce").astype("float64")
    for col in ("area_name", "symbol", "source", "measure", "area_level", "area_code"):
        values[col] = values[col].astype(object).where(values[col].notna(), None)
    held_measures = set(ctx.query("SELECT measure FROM published_measure")["measure"])
    new_measures = measures[~measures["measure"].isin(held_measures)]
    held_las = set(ctx.query("SELECT old_la_code FROM published_la")["old_la_code"])
    used = set(values.loc[values["area_level"] == "la", "area_code"])
    needed = las[las["old_la_code"].isin(used - held_las)]
    if len(joint):
        extra = joint[~joint["old_la_code"].isin(held_las | set(needed["old_la_code"]))].assign(status="joint")
        needed = pd.concat([needed, extra], ignore_index=True)
    la_columns = ["old_la_code", "new_la_code", "name", "region_code", "region_name", "status", "successors",
                  "predecessors", "last_year", "first_year"]
    needed = needed.reindex(columns=la_columns)
    for col in ("last_year", "first_year"):
        needed[col] = pd.to_numeric(needed[col], errors="coerce").astype("Int64")
    staged = {
        "_n_published_value": pa.Table.from_pandas(values[[*VALUE_KEY, *VALUE_COLUMNS]], preserve_index=False),
        "_n_published_measure": pa.Table.from_pandas(new_measures.reset_index(drop=True), preserve_index=False),
        "_n_published_la": pa.Table.from_pandas(needed.reset_index(drop=True), preserve_index=False),
    }
    return Prepared(rows=ck.n, staged=staged, info={"measures": len(new_measures), "las": len(needed)})


def load_published(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    merge = Merge("published_value", "_n_published_value", VALUE_KEY, VALUE_COLUMNS, scope=["measure", "year"])
    by = ["measure", "year"]
    frame = merge_counts([merge.statuses(cur, by=[f"n.{c}" for c in by])], [merge.removed(cur, by=by)], by)
    frame = frame.sort_values(["measure", "year"])
    outcome = totals(frame)
    outcome.messages = scope_messages(frame, lambda r: f"{int(r['year'])} figures for {r['measure']}")
    if prep.info.get("measures"):
        outcome.messages.append(f"{plural(prep.info['measures'], 'published measure')} added to the list of measures.")
    if prep.info.get("las"):
        outcome.messages.append(f"{plural(prep.info['las'], 'local authority', 'local authorities')} added to the "
                                "list of LAs.")
    step("writing published figures")
    if write and (changes(outcome) or prep.info.get("measures") or prep.info.get("las")):
        for table in ("published_measure", "published_la"):
            staged = prep.staged[f"_n_{table}"]
            if staged.num_rows:
                cols = ", ".join(f'"{c}"' for c in staged.column_names)
                cur.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "_n_{table}"')
        merge.apply(cur)
    return outcome


def _export(store: Any) -> pd.DataFrame:
    from qa_core.io.importer.kinds.catalogue import export_comparators

    return export_comparators(store)


_REPLACES = ("Each (measure, year) in the file is replaced as a whole: its figures for every area are the file's, "
             "and figures held for that measure and year and not in the file are removed. Other years and "
             "measures are kept.")

EES_SPEC = KindSpec(
    name="comparators", title="Published comparators (DfE explore-education-statistics file)",
    summary="A DfE explore-education-statistics CSV as published, for every English LA.",
    model=EesRow, tables=("published_value", "published_measure", "published_la"),
    key="measure, year, area", replaces=_REPLACES, prepare=prepare_ees, load=load_published, export=_export,
    extra=_ees_extra(),
)
LAIT_SPEC = KindSpec(
    name="comparators", title="Published comparators (LAIT long file)",
    summary="DfE's LAIT long file, for every English LA.",
    model=LaitRow, tables=("published_value", "published_measure", "published_la"),
    key="measure, year, area", replaces=_REPLACES, prepare=prepare_lait, load=load_published, export=_export,
)
