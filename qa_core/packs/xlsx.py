"""A :class:`~qa_core.packs.document.Pack` as an XLSX workbook: a Notes sheet first (what the
pack is, when it was produced, the symbols and every column's meaning), then one sheet per
table, holding the same figures as the PDF.

Numbers are real numbers (rounded to 2 decimal places, as ``python -m qa_core report`` prints
them), numerators and denominators have their own columns, dates are dates, and a disclosure
symbol (``c``, ``u``, ``:``) stays a one-letter text cell. Every text cell goes through
``qa_core.io.cells.neutralise``, so stored text never opens as a formula. The same pack gives
the same bytes (fixed timestamps), like the project's other workbooks.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re

import numpy as np
import pandas as pd

from qa_core.io.cells import neutralise
from qa_core.io.importer.formats import _deterministic_zip as deterministic_zip
from qa_core.packs.document import Pack, Spark, Table
from qa_core.packs.pdf import OGL, day_text
from qa_core.rules import disclosure
from qa_core.rules.periods import month_label

__all__ = ["write_xlsx", "cell_value", "sheet_frame"]

_FIXED = (2026, 1, 1, 0, 0, 0)  # as the importer's workbooks
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def cell_value(value: object) -> object:
    """What a cell holds: numbers as numbers (floats to 2 places), dates as dates, booleans as
    booleans, text neutralised, missing as an empty cell."""
    if isinstance(value, Spark):
        return None
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        rounded = round(value, 2)
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def sheet_frame(table: Table) -> pd.DataFrame:
    """The rows a table's sheet holds: ``data`` when the kind gave numbers, else ``display``
    (with any trend-line cells left out)."""
    frame = table.data if table.data is not None else table.display
    return frame[[c for c in frame.columns if not frame[c].map(lambda v: isinstance(v, Spark)).any()]]


def _sheet_name(name: str, used: set[str]) -> str:
    base = _BAD_SHEET.sub(" ", name).strip()[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def write_xlsx(pack: Pack) -> bytes:
    """The pack as XLSX bytes."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    bold = Font(bold=True)
    heading = Font(bold=True, size=14)
    data_to = month_label(pack.data_to) if pack.data_to else "no month"
    rows: list[tuple[object, object]] = [
        (f"{pack.title}: {pack.subject}", None),
        ("Council", pack.council),
        ("Period", pack.period),
        ("Produced", f"Produced on {day_text(pack.produced)} from data complete to {data_to}"),
        ("Audience", pack.audience),
        (
            "Disclosure control",
            "On: small numbers are withheld (symbols below)" if pack.public else disclosure.NOT_CONTROLLED,
        ),
    ]
    if pack.ogl:
        rows.append(("Licence", OGL))
    for term, meaning in rows:
        notes.append([cell_value(term), cell_value(meaning)])
    notes["A1"].font = heading
    for cell in notes["A"][1:]:
        cell.font = bold

    used = {"notes"}
    sheets = []
    for table in [*pack.tables, *pack.workbook_only]:
        if table.sheet is None:
            continue
        frame = sheet_frame(table)
        name = _sheet_name(table.sheet, used)
        sheets.append((name, table, frame))

    notes.append([])
    notes.append([cell_value("Sheets"), None])
    notes[f"A{notes.max_row}"].font = bold
    for name, table, _ in sheets:
        notes.append([cell_value(name), cell_value(table.title)])
    if pack.notes:
        notes.append([])
        notes.append([cell_value(pack.notes_heading), None])
        notes[f"A{notes.max_row}"].font = bold
        for note in pack.notes:
            notes.append([cell_value(note.term), cell_value(note.meaning)])
    described = [
        (name, col, meaning)
        for name, table, frame in sheets
        for col, meaning in table.columns.items()
        if col in frame.columns
    ]
    if described:
        notes.append([])
        notes.append([cell_value("Columns"), None, None])
        notes[f"A{notes.max_row}"].font = bold
        for name, col, meaning in described:
            notes.append([cell_value(f"{name}: {col}"), cell_value(meaning)])
    notes.column_dimensions["A"].width = 34
    notes.column_dimensions["B"].width = 110
    for row in notes.iter_rows(min_col=2, max_col=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    for name, _table, frame in sheets:
        sheet = book.create_sheet(name)
        sheet.append([cell_value(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = bold
        for record in frame.itertuples(index=False, name=None):
            sheet.append([cell_value(v) for v in record])
        for i, col in enumerate(frame.columns, start=1):
            letter = get_column_letter(i)
            longest = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200) if v is not None])
            sheet.column_dimensions[letter].width = min(max(10, longest + 2), 60)
            if pd.api.types.is_float_dtype(frame[col].dtype):
                for cell in sheet[letter][1:]:
                    if isinstance(cell.value, float | int):
                        cell.number_format = "#,##0.00"
            for cell in sheet[letter][1:]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    book.properties.creator = "qa_core"
    book.properties.title = f"{pack.title}: {pack.subject}, {pack.period}"
    book.properties.created = dt.datetime(*_FIXED)
    book.properties.modified = dt.datetime(*_FIXED)
    raw = io.BytesIO()
    book.save(raw)
    return deterministic_zip(raw.getvalue())  # the importer's: fixed timestamps, same bytes
