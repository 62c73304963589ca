"""Read a CSV or XLSX file as columns of text; write frames as CSV or XLSX.

Reading never guesses types: every cell arrives as stripped text (blank cells as missing),
and the kinds decide what the text means. Row numbers are the rows a user sees in the
spreadsheet: the header is row 1 and the first data row is row 2. Wholly blank rows are
skipped (they keep their numbers, so later rows are still numbered as the user sees them).

CSV: UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode text"), or
Windows-1252; comma, semicolon, tab or pipe delimited (sniffed from the header row).
XLSX: the sheet named after the kind (``audits``, ``audit_actions``...; case and spaces
forgiven). A large, regular CSV is parsed by Arrow on all cores; an irregular one (blank
lines, rows with the wrong number of cells) by Python's csv module, which can number every
row exactly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from qa_core.io.cells import neutralise, neutralise_array, restore
from qa_core.io.importer.result import Problem

__all__ = ["Sheet", "FileRejected", "read_sheet", "normalise_header", "to_csv_bytes", "to_xlsx_bytes",
           "XLSX_MAX_ROWS", "sheet_name_for"]

CSV_EXTENSIONS = {".csv", ".tsv", ".txt"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
DELIMITERS = (",", ";", "\t", "|")
XLSX_MAX_ROWS = 1_048_575  # Excel's limit, less the header row
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)
_BOM8 = b"\xef\xbb\xbf"


class FileRejected(Exception):
    """The file cannot be read at all (empty, not CSV/XLSX, no sheet for the kind)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class Sheet:
    """A table of text read from a file."""

    headers: list[str]  # as written
    names: list[str]  # normalised: lower case, words joined by "_"
    columns: list[pa.Array]  # one string array per header, blanks as null
    rows: np.ndarray  # spreadsheet row number of each data row
    fmt: str  # "csv" or "xlsx"
    problems: list[Problem] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.rows)


def normalise_header(text: str) -> str:
    """'Audit ID' → 'audit_id'; 'Org unit' → 'org_unit'."""
    return re.sub(r"[^0-9a-z%]+", "_", str(text).strip().lower()).strip("_")


def sheet_name_for(kind: str) -> str:
    return kind


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _not_tabular(filename: str, why: str = "") -> FileRejected:
    return FileRejected(Problem(None, None, (
        f"'{filename}' is not a CSV or Excel (.xlsx) file{why}. Save the spreadsheet as CSV "
        "(comma separated) or as an Excel workbook (.xlsx) and load it again.")))


def read_sheet(data: bytes, filename: str, kind: str) -> Sheet:
    """Read ``data`` (the file's bytes) as a table of text; FileRejected if it cannot be read."""
    name = PurePath(filename or "").name or "the file"
    ext = PurePath(name).suffix.lower()
    if not data.strip(b" \t\r\n\x00" + _BOM8):
        raise FileRejected(Problem(None, None, f"'{name}' is empty: there is nothing to import."))
    if data[:4] == b"PK\x03\x04":
        if ext in CSV_EXTENSIONS:
            raise _not_tabular(name, " (it is a zipped file, perhaps an Excel workbook named .csv)")
        return _read_xlsx(data, name, kind)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _not_tabular(name, " (it is an old-style Excel .xls workbook)")
    if ext in XLSX_EXTENSIONS:
        raise _not_tabular(name, " (it is named .xlsx but is not an Excel workbook)")
    if ext and ext not in CSV_EXTENSIONS:
        raise _not_tabular(name)
    return _read_csv(data, name)


# -- CSV --------------------------------------------------------------------------------------
def _decode(data: bytes, name: str) -> tuple[bytes, str | None]:
    """UTF-8 bytes (BOM removed) and the text when it had to be decoded from another encoding."""
    if data.startswith(_BOM8):
        return data[len(_BOM8):], None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
        return text.encode("utf-8"), text
    if b"\x00" in data[:4096] or data[:4] == b"%PDF":
        raise _not_tabular(name, " (it holds binary data, not text)")
    return data, None


def _sniff(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_record(text: str, delimiter: str) -> list[str]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for record in reader:
        return record
    return []


def _read_csv(data: bytes, name: str) -> Sheet:
    data, text = _decode(data, name)
    try:
        head_text = data[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < 65536 - 4:  # not just a character cut at the end of the sample
            text = data.decode("cp1252", errors="replace")
            data = text.encode("utf-8")
        head_text = data[:65536].decode("utf-8", errors="ignore")
    first_line = head_text.split("\n", 1)[0]
    delimiter = _sniff(first_line)
    headers = [h.strip() for h in _first_record(head_text, delimiter)]
    if not any(headers):
        raise FileRejected(Problem(1, None, "The first row is blank: row 1 must hold the column names."))
    body = data.rstrip(b"\r\n \t")
    irregular = re.search(rb"\n[ \t]*\r?\n", body) is not None
    if not irregular:
        try:
            return _read_csv_arrow(data, headers, delimiter)
        except _Irregular:
            pass
        except pa.ArrowInvalid as exc:
            if "utf8" in str(exc).lower() or "utf-8" in str(exc).lower():
                text = data.decode("utf-8", errors="replace") if text is None else text
                data = text.encode("utf-8")
    return _read_csv_python(data.decode("utf-8", errors="replace") if text is None else text,
                            headers, delimiter)


class _Irregular(Exception):
    pass


def _read_csv_arrow(data: bytes, headers: list[str], delimiter: str) -> Sheet:
    names = [f"c{i}" for i in range(len(headers))]
    invalid: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(1)
        return "skip"

    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 23),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                          invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                             strings_can_be_null=True, quoted_strings_can_be_null=True,
                                             null_values=[""]),
    )
    if invalid:
        raise _Irregular
    columns = [table.column(i) for i in range(len(names))]  # trimmed later, where needed
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    return _finish(headers, columns, rows, "csv", [])


def _read_csv_python(text: str, headers: list[str], delimiter: str) -> Sheet:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = len(headers)
    values: list[list[str | None]] = [[] for _ in range(width)]
    rows: list[int] = []
    problems: list[Problem] = []
    for number, record in enumerate(reader, start=1):
        if number == 1:
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != width:
            problems.append(Problem(number, None, (
                f"This row has {len(record)} cells but the header row has {width} columns. "
                "Check for a stray separator or a missing quote.")))
            continue
        rows.append(number)
        for i, cell in enumerate(record):
            cell = cell.strip()
            values[i].append(cell or None)
    columns = [pa.array(v, type=pa.string()) for v in values]
    return _finish(headers, columns, np.asarray(rows, dtype=np.int64), "csv", problems)


def _finish(headers: list[str], columns: list[pa.Array], rows: np.ndarray, fmt: str,
            problems: list[Problem]) -> Sheet:
    headers = [restore(h) for h in headers]  # a column name the export quoted (cells are restored once trimmed)
    # Columns with neither a name nor a value (spreadsheet debris) are dropped.
    keep = [i for i, h in enumerate(headers) if h or columns[i].null_count < len(columns[i])]
    headers = [headers[i] for i in keep]
    columns = [columns[i] for i in keep]
    if columns and len(rows):
        blank = np.ones(len(rows), dtype=bool)
        for col in columns:
            blank &= pc.is_null(col).to_numpy(zero_copy_only=False)
        if blank.any():
            mask = pa.array(~blank)
            columns = [c.filter(mask) for c in columns]
            rows = rows[~blank]
    names = []
    for i, header in enumerate(headers):
        if not header:
            problems.append(Problem(1, f"column {_column_letter(i)}", (
                f"Column {_column_letter(i)} has values but no name in the header row. "
                "Give it a name, or delete the column.")))
        names.append(normalise_header(header))
    return Sheet(headers=headers, names=names, columns=columns, rows=rows, fmt=fmt, problems=problems)


# -- XLSX -------------------------------------------------------------------------------------
def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip() or None


def _read_xlsx(data: bytes, name: str, kind: str) -> Sheet:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _not_tabular(name, f" (it looks like a damaged Excel workbook: {exc})") from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException and others
        raise _not_tabular(name, f" (Excel could not read it: {type(exc).__name__})") from None
    try:
        wanted = normalise_header(sheet_name_for(kind))
        matches = [s for s in book.sheetnames if normalise_header(s) == wanted]
        if not matches:
            have = ", ".join(f"'{s}'" for s in book.sheetnames)
            raise FileRejected(Problem(None, None, (
                f"The workbook has no sheet called '{kind}' (it has {have}). Put the {kind} on a sheet "
                f"named '{kind}', as in the template, and load it again.")))
        sheet = book[matches[0]]
        headers: list[str] | None = None
        values: list[list[str | None]] = []
        rows: list[int] = []
        for number, record in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in record]
            if headers is None:
                if not any(cells):
                    continue
                if number != 1:
                    raise FileRejected(Problem(number, None, (
                        f"The column names are in row {number}; they must be in row 1. Delete the rows "
                        "above the header row.")))
                while cells and cells[-1] is None:
                    cells.pop()
                headers = [c or "" for c in cells]
                values = [[] for _ in headers]
                continue
            if not any(cells):
                continue
            extra = [c for c in cells[len(headers):] if c is not None]
            if extra:
                raise FileRejected(Problem(number, None, (
                    "This row has values to the right of the last named column. Give those columns "
                    "names in row 1, or delete them.")))
            cells = (cells + [None] * len(headers))[:len(headers)]
            rows.append(number)
            for i, cell in enumerate(cells):
                values[i].append(cell)
    finally:
        book.close()
    if headers is None:
        raise FileRejected(Problem(None, None, f"The sheet '{kind}' of '{name}' is empty: there is nothing to import."))
    columns = [pa.array(v, type=pa.string()) for v in values]
    return _finish(headers, columns, np.asarray(rows, dtype=np.int64), "xlsx", [])


# -- writing ----------------------------------------------------------------------------------
def _text_column(series: pd.Series) -> pa.Array:
    """A column as the text the importer reads back to the same value."""
    s = series
    if pd.api.types.is_bool_dtype(s.dtype):
        out = s.map({True: "yes", False: "no"})
    elif pd.api.types.is_float_dtype(s.dtype):
        arr = s.to_numpy(dtype="float64", na_value=np.nan)
        text = np.full(len(arr), None, dtype=object)
        finite = np.isfinite(arr)
        whole = finite & (np.floor(np.where(finite, arr, 0)) == arr) & (np.abs(np.where(finite, arr, 0)) < 2**53)
        text[whole] = arr[whole].astype(np.int64).astype(str)
        fraction = finite & ~whole
        text[fraction] = [repr(float(v)) for v in arr[fraction]]
        out = pd.Series(text, index=s.index, dtype=object)
    elif pd.api.types.is_integer_dtype(s.dtype):
        out = s.astype("Int64").astype("string").astype(object)
    elif pd.api.types.is_datetime64_any_dtype(s.dtype):
        out = s.dt.strftime("%Y-%m-%d").astype(object)
    else:
        out = s.map(_iso, na_action="ignore").astype(object)
        return neutralise_array(pa.array(out.where(s.notna(), None).tolist(), type=pa.string()))  # text: no formulas
    out = out.where(s.notna(), None)
    return pa.array(out.tolist(), type=pa.string())


def _iso(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_csv_bytes(frame: pd.DataFrame, bom: bool = True) -> bytes:
    """CSV as Excel writes it (comma separated, quoted only where needed, CRLF line ends), in UTF-8
    with a byte-order mark so Excel reads accents; blank cells for missing values."""
    columns = [_text_column(frame[c]).to_pylist() for c in frame.columns]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    writer.writerows(zip(*columns, strict=True))
    return (_BOM8 if bom else b"") + text.getvalue().encode("utf-8")


def to_xlsx_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], widths: dict[str, float] | None = None) -> bytes:
    """An .xlsx workbook, one sheet per (name, frame); the same frames always give the same bytes.

    Dates are written as Excel dates, whole numbers as numbers, everything else as text.
    """
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for title, frame in sheets:
        if len(frame) > XLSX_MAX_ROWS:
            from qa_core.errors import QAError

            raise QAError(f"{len(frame):,} rows are more than one Excel sheet holds ({XLSX_MAX_ROWS:,}); "
                          "export as CSV instead.")
        sheet = book.create_sheet(title)
        for i, col in enumerate(frame.columns):
            sheet.column_dimensions[_column_letter(i)].width = (widths or {}).get(str(col), max(12, len(str(col)) + 2))
        header = []
        for col in frame.columns:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(str(col)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for record in frame.itertuples(index=False, name=None):
            row = []
            for v in record:
                value = _xlsx_value(v)
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd"
                    value = cell
                row.append(value)
            sheet.append(row)
    book.properties.creator = "qa_core"
    book.properties.created = dt.datetime(*_FIXED_TIME)
    book.properties.modified = dt.datetime(*_FIXED_TIME)
    raw = io.BytesIO()
    book.save(raw)
    return _deterministic_zip(raw.getvalue())


def _xlsx_value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return repr(value)  # openpyxl writes 16 digits; text keeps the exact value for a round trip
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        # Control characters a worksheet cannot hold go first, so that what is left is checked for a formula.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _deterministic_zip(data: bytes) -> bytes:
    """The same workbook with fixed timestamps, so the same content gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                                 rb"\g<1>2026-01-01T00:00:00Z\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return out.getvalue()
