"""Read a CSV or XLSX file as columns of text; write frames as CSV or XLSX.

Reading never guesses types: every cell arrives as stripped text (blank cells as missing),
and the kinds decide what the text means. Row numbers are the rows a user sees in the
spreadsheet: the header is row 1 and the first data row is row 2. Wholly blank rows are
skipped (they keep their numbers, so later rows are still numbered as the user sees them).

CSV: UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode text") or UTF-32
with their marks, or Windows-1252, decided from the whole file (never a guess from its start,
never a replacement character); comma, semicolon, tab or pipe delimited (sniffed from the
header row); any line ends (CRLF, LF, or the old Mac's CR).
XLSX: the sheet named after the kind (``audits``, ``audit_actions``...; case and spaces
forgiven; two such sheets are refused). It is read from the cells it holds, never from the
size it declares, after a check of its parts that bounds the work (``_check_parts``).
A large, regular CSV is parsed by Arrow on all cores; an irregular one (blank lines, rows with
the wrong number of cells) by Python's csv module, which can number every row exactly.
"""

from __future__ import annotations

import codecs
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
    if _BLANK_FILE.match(data):  # never ``data.strip()``: that copies the whole file (issue 14)
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
#: Python's csv module refuses a cell over 131,072 characters with its own error. The file is in
#: memory already, so a long cell costs no more than its copy: it is read, and the kind's column
#: limit (``fields``) refuses it with its row, column and length.
csv.field_size_limit(2**31 - 1)
_CHUNK = 1 << 20
#: Bytes in each block Arrow parses on a thread of its own.
ARROW_BLOCK = 1 << 23
#: Arrow's block size is a 32-bit count: a larger file with line ends in quoted cells is read row by row.
_ONE_BLOCK_LIMIT = 2**31 - 1
#: UTF-8 for the accents, the pound sign, nbsp (C2/C3 xx) and for curly quotes, dashes and the euro sign
#: (E2 80-82 xx): read as Windows-1252 they are the familiar garbage ("Ã©", "Â£", "â€™") that genuine
#: Windows-1252 text does not hold. Found in a file that is not all UTF-8, they mean mixed encodings.
_UTF8_SEQUENCE = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2[\x80-\x82][\x80-\xbf]")
_SAVE_AS = "Save it from Excel as 'CSV UTF-8 (comma delimited)' and load it again."
#: A file of nothing but blanks, NULs and byte-order marks; a blank line between rows.
_BLANK_FILE = re.compile(rb"[ \t\r\n\x00" + re.escape(b"\xef\xbb\xbf") + rb"]*\Z")
_BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _bad_text(name: str, line: int, why: str) -> FileRejected:
    return FileRejected(Problem(line, None, f"'{name}' cannot be read as text: {why} {_SAVE_AS}"))


def _utf8_error(data: bytes | memoryview) -> int | None:
    """The offset of the first byte that is not UTF-8 (None if all of it is), reading 1 MiB at a time
    so a large file is never held twice. A file that is UTF-8 throughout (the usual case) is told at once, by
    checking it in place (ASCII, else Arrow's UTF-8 check over the bytes, no copy)."""
    if _is_utf8(data):
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK):
        try:
            decoder.decode(view[start:start + _CHUNK], final=start + _CHUNK >= len(view))
        except UnicodeDecodeError as exc:
            return max(start + exc.start - len(decoder.getstate()[0]), 0)
    return None


def _is_utf8(data: bytes | memoryview) -> bool:
    """Whether all of ``data`` is UTF-8, checked in place at memory speed (no decoded copy)."""
    if isinstance(data, bytes) and data.isascii():
        return True
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode_all(data: bytes, codec: str, label: str, name: str) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _bad_text(name, _line_of(data, exc.start), (
            f"it starts with the mark of {label} text, but byte {exc.start:,} (line {_line_of(data, exc.start)}) "
            f"is not {label}.")) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def _decode(data: bytes, name: str) -> tuple[bytes, str | None]:
    """UTF-8 bytes (byte-order mark removed) and the text when it had to be decoded from another encoding.

    The encoding is decided from the whole file: UTF-8 (with or without a byte-order mark), UTF-16 or
    UTF-32 (with their marks), else Windows-1252, all of it. Replacement characters are never made: a
    byte that fits none, or a file mixing UTF-8 and Windows-1252, is refused naming its line.
    """
    if data[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):  # before UTF-16: FF FE 00 00 starts both
        text = _decode_all(data, "utf-32", "UTF-32", name)
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text = _decode_all(data, "utf-16", "UTF-16", name)
    else:
        text = None
        marked = data.startswith(_BOM8)
        if marked:
            data = data[len(_BOM8):]
        if b"\x00" in data or data[:4] == b"%PDF":
            raise _not_tabular(name, " (it holds binary data, not text)")
        bad = _utf8_error(data)
        if bad is None:
            return data, None
        line = _line_of(data, bad)
        if marked:
            raise _bad_text(name, line, f"it starts with the mark of UTF-8 text, but line {line} holds the byte "
                                        f"0x{data[bad]:02X}, which is not UTF-8.")
        if _UTF8_SEQUENCE.search(data):
            raise _bad_text(name, line, f"it mixes two encodings: other lines are UTF-8, but line {line} is not "
                                        "(it looks like Windows-1252, an older Excel CSV).")
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            line = _line_of(data, exc.start)
            raise _bad_text(name, line, f"line {line} holds the byte 0x{data[exc.start]:02X}, which is neither "
                                        "UTF-8 nor Windows-1252.") from None
    if "\x00" in text:
        raise _not_tabular(name, " (it holds binary data, not text)")
    return text.encode("utf-8"), text


def _sniff(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _first_record(text: str, delimiter: str) -> list[str]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for record in reader:
            return record
    except csv.Error:
        raise FileRejected(Problem(1, None, "The header row cannot be read: check its quotes.")) from None
    return []


def _read_csv(data: bytes, name: str) -> Sheet:
    data, text = _decode(data, name)
    if b"\r" in data and b"\n" not in data:  # old Mac line ends: one CR between rows
        data = data.replace(b"\r", b"\n")
        text = None if text is None else text.replace("\r", "\n")
    head_text = data[:65536].decode("utf-8", errors="ignore")  # whole characters only; the file is UTF-8 now
    first_line = re.split(r"\r\n|\r|\n", head_text, maxsplit=1)[0]
    delimiter = _sniff(first_line)
    headers = [h.strip() for h in _first_record(head_text, delimiter)]
    if not any(headers):
        raise FileRejected(Problem(1, None, "The first row is blank: row 1 must hold the column names."))
    end = len(data)  # the end of the last row, found without copying the file (``rstrip`` would)
    while end and data[end - 1] in b"\r\n \t":
        end -= 1
    # Arrow reads a blank line between rows as a row of nothing, which ``_finish`` drops and whose number it
    # keeps, as the row-by-row reader does; a line of spaces or tabs is a row with too few cells, which Arrow
    # refuses. Only in a file of one column is such a line a cell, so only there is the file searched for
    # blank lines first (a search of 0.08 to 0.12 s over a million audits, issue 14).
    irregular = len(headers) < 2 and _BLANK_LINE.search(data, 0, end) is not None
    if not irregular:
        try:
            return _read_csv_arrow(memoryview(data)[:end], headers, delimiter)  # a view: the file is not copied
        except pa.ArrowException:  # ragged rows, a cell larger than a block...: read row by row
            pass
    return _read_csv_python(data.decode("utf-8") if text is None else text, headers, delimiter)


def _read_csv_arrow(data: bytes | memoryview, headers: list[str], delimiter: str) -> Sheet:
    """The file parsed by Arrow. A row with the wrong number of cells raises ``ArrowInvalid`` (the caller
    then reads the file row by row): no handler of invalid rows, which Arrow calls back into Python for,
    costing a million-row read about 0.15 processor-seconds though it is never called (issue 14).

    Arrow splits the file into blocks (``ARROW_BLOCK``) parsed on every core, first at line ends without
    minding quotes, which finds the blocks faster (a million audits: 0.13 s less of a 0.45 s read). A
    quoted cell holding a line end is still read whole inside a block; where a block would end inside
    one, Arrow finds itself out of step and raises rather than read a wrong row. The file is then read
    again as one block: Arrow's quote-minding split was seen to drop the LF of a CRLF inside a quoted
    cell at a block's edge (pyarrow 26), and one block has no edges."""
    names = [f"c{i}" for i in range(len(headers))]
    convert = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True,
                                   quoted_strings_can_be_null=True, null_values=[""])

    def read(block: int, newlines_in_values: bool) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(data), read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=block),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values,
                                             ignore_empty_lines=False),
            convert_options=convert)

    try:
        table = read(ARROW_BLOCK, newlines_in_values=False)
    except pa.ArrowInvalid:  # a line end inside a quoted cell at a block's edge (or a ragged row: raised again)
        if len(data) + 1 > _ONE_BLOCK_LIMIT:
            raise
        table = read(max(len(data) + 1, ARROW_BLOCK), newlines_in_values=True)
    columns = [table.column(i) for i in range(len(names))]  # trimmed later, where needed
    rows = np.arange(2, table.num_rows + 2, dtype=np.int64)
    return _finish(headers, columns, rows, "csv", [])


def _read_csv_python(text: str, headers: list[str], delimiter: str) -> Sheet:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width = len(headers)
    values: list[list[str | None]] = [[] for _ in range(width)]
    rows: list[int] = []
    problems: list[Problem] = []
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:  # after the checks above, only a damaged file gets here
            raise FileRejected(Problem(number + 1, None, (
                "This row cannot be read as CSV: check its quotes and separators."))) from None
        number += 1
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


#: Excel's own limit on the text of one cell.
EXCEL_CELL_CHARS = 32_767
#: The longest stretch of a workbook's XML without a '<': one cell's text at Excel's limit, every
#: character written as the longest entity (&quot;, six bytes), and room for its tags. A longer one
#: (a gigabyte shared string compresses to about a megabyte) is refused before anything parses it.
_XML_RUN = 6 * EXCEL_CELL_CHARS + 1024
#: The most a workbook may unpack to (the zip's declared sizes, which zipfile never exceeds).
XLSX_MAX_UNPACKED = 2_000_000_000
#: The most its shared-string table may unpack to: openpyxl holds that table in memory whole (the
#: sheet itself is streamed). A million rows of distinct ids and names take about 50 MB.
XLSX_MAX_SHARED = 250_000_000
_SHARED_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
#: The most columns a sheet's header row may name.
MAX_COLUMNS = 500
#: Parts a workbook may hold that are not XML (pictures, embedded objects): never parsed as XML.
_BINARY_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0", b"PK\x03\x04", b"BM",
                 b"\x01\x00\x00\x00", b"\xd7\xcd\xc6\x9a")
_CELL_REF = re.compile(rb'<c\b[^>]*\br="([A-Z]{1,3}[0-9]{1,7})"')


def _damaged(name: str) -> FileRejected:
    return _not_tabular(name, " (it looks like a damaged Excel workbook)")


def _check_parts(data: bytes, name: str) -> None:
    """Bound the work before openpyxl reads anything: the workbook's declared unpacked size, and no
    stretch of XML longer than one Excel cell could be (read 1 MiB at a time, so a gigabyte string is
    refused after its first megabyte)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _damaged(name) from None
    unpacked = sum(m.file_size for m in members)
    if unpacked > XLSX_MAX_UNPACKED:
        raise FileRejected(Problem(None, None, (
            f"'{name}' unpacks to {unpacked / 1e9:,.1f} GB, more than the {XLSX_MAX_UNPACKED / 1e9:,.1f} GB an "
            "import reads. Save the sheet as CSV and load that, or split it.")))
    with archive:
        shared = _shared_parts(archive, name)
        for member in members:
            if member.filename in shared and member.file_size > XLSX_MAX_SHARED:
                raise FileRejected(Problem(None, None, (
                    f"'{name}' has a table of shared text that unpacks to {member.file_size / 1e6:,.0f} MB, more than "
                    f"the {XLSX_MAX_SHARED / 1e6:,.0f} MB an import reads. Save the sheet as CSV and load that.")))
        for member in members:
            try:
                cell = _overlong_text(archive, member)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
                raise _damaged(name) from None
            if cell is not None:
                where = f" (cell {cell})" if cell else ""
                raise FileRejected(Problem(None, None, (
                    f"'{name}' holds a cell{where} with more text than Excel allows in a cell "
                    f"({EXCEL_CELL_CHARS:,} characters): it was not saved by Excel, or it is damaged. Nothing was "
                    "read from it.")))


def _shared_parts(archive: zipfile.ZipFile, name: str) -> set[str]:
    """The parts the workbook's content types name as shared strings (as openpyxl finds them)."""
    from xml.etree import ElementTree

    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return set()  # openpyxl refuses the workbook
    if info.file_size > 16 << 20:
        raise _damaged(name)
    try:
        root = ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _damaged(name) from None
    return {str(e.get("PartName", "")).lstrip("/") for e in root.iter() if e.get("ContentType") == _SHARED_TYPE}


def _overlong_text(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> str | None:
    """None when no stretch of the part's XML is longer than a cell could be; else the cell it is in
    ('' when no cell reference precedes it)."""
    if member.file_size <= _XML_RUN or member.is_dir():
        return None
    with archive.open(member) as part:
        chunk = part.read(_CHUNK)
        if chunk.startswith(_BINARY_MAGIC):
            return None
        run = 0  # bytes since the last '<'
        tail = b""  # the XML up to that '<': the cell a stretch belongs to is named in it
        while chunk:
            marks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 60)
            if len(marks):
                if run + int(marks[0]) > _XML_RUN:
                    return _cell_before(tail)
                if len(marks) > 1:
                    gaps = np.diff(marks)
                    k = int(gaps.argmax())
                    if gaps[k] > _XML_RUN:
                        return _cell_before(tail + chunk[:int(marks[k]) + 1])
                last = int(marks[-1])
                tail = (tail + chunk[:last + 1])[-4096:]
                run = len(chunk) - last - 1
            else:
                run += len(chunk)
            if run > _XML_RUN:
                return _cell_before(tail)
            chunk = part.read(_CHUNK)
    return None


def _cell_before(xml: bytes) -> str:
    found = _CELL_REF.findall(xml)
    return found[-1].decode("ascii") if found else ""


def _read_xlsx(data: bytes, name: str, kind: str) -> Sheet:
    import openpyxl

    _check_parts(data, name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # zipfile, openpyxl (InvalidFileException...) and XML parsers each raise their own
        raise _damaged(name) from None
    try:
        wanted = normalise_header(sheet_name_for(kind))
        matches = [s for s in book.sheetnames if normalise_header(s) == wanted]
        if not matches:
            have = ", ".join(f"'{s}'" for s in book.sheetnames)
            raise FileRejected(Problem(None, None, (
                f"The workbook has no sheet called '{kind}' (it has {have}). Put the {kind} on a sheet "
                f"named '{kind}', as in the template, and load it again.")))
        if len(matches) > 1:  # which one is meant cannot be known: the older copy may be the first
            raise FileRejected(Problem(None, None, (
                f"The workbook has {len(matches)} sheets that could hold the {kind}: "
                + " and ".join(f"'{s}'" for s in matches) + ". Keep one of them (or rename the others) "
                "and load it again.")))
        headers, values, rows = _sheet_cells(book, book[matches[0]], name)
    finally:
        book.close()
    if headers is None:
        raise FileRejected(Problem(None, None, f"The sheet '{kind}' of '{name}' is empty: there is nothing to import."))
    columns = [pa.array(v, type=pa.string()) for v in values]
    return _finish(headers, columns, np.asarray(rows, dtype=np.int64), "xlsx", [])


def _sheet_cells(book: object, sheet: object, name: str) -> tuple[list[str] | None, list[list[str | None]], list[int]]:
    """The header and each row's cells as text, read from the sheet's content.

    The sheet's declared size (``<dimension>``) is never used: it may be wrong (rows are lost) or
    huge (every row padded to 16,384 columns). Cells are placed by their own column, so the work is
    the cells the sheet holds; a value right of the last named column is refused.
    """
    from openpyxl.worksheet._reader import WorkSheetParser  # openpyxl is pinned: its read-only sheets use this

    headers: list[str] | None = None
    values: list[list[str | None]] = []
    rows: list[int] = []
    number = 0
    try:
        with sheet._get_source() as source:
            parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                     date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
            for number, cells in parser.parse():
                if number > XLSX_MAX_ROWS + 1:
                    raise FileRejected(Problem(number, None, (
                        f"This row is beyond Excel's last row ({XLSX_MAX_ROWS + 1:,}): the workbook is damaged.")))
                placed = [(c["column"], t) for c in cells if (t := _cell_text(c["value"])) is not None]
                if headers is None:
                    if not placed:
                        continue
                    if number != 1:
                        raise FileRejected(Problem(number, None, (
                            f"The column names are in row {number}; they must be in row 1. Delete the rows "
                            "above the header row.")))
                    width = max(col for col, _ in placed)
                    if width > MAX_COLUMNS:
                        raise FileRejected(Problem(1, None, (
                            f"The header row reaches column {_column_letter(width - 1)}: a file here has at most "
                            f"{MAX_COLUMNS} columns. Delete the columns that are not part of the format.")))
                    headers = [""] * width
                    for col, text in placed:
                        headers[col - 1] = text
                    values = [[] for _ in headers]
                    continue
                if not placed:
                    continue
                if any(col > len(headers) for col, _ in placed):
                    raise FileRejected(Problem(number, None, (
                        "This row has values to the right of the last named column. Give those columns "
                        "names in row 1, or delete them.")))
                row: list[str | None] = [None] * len(headers)
                for col, text in placed:
                    row[col - 1] = text
                rows.append(number)
                for i, cell in enumerate(row):
                    values[i].append(cell)
    except FileRejected:
        raise
    except Exception:  # a damaged part: a shared string that is not there, a date Excel cannot show...
        raise FileRejected(Problem(None, None, (
            f"'{name}' looks like a damaged Excel workbook: its sheet '{sheet.title}' cannot be read after row "
            f"{number}. Open it in Excel, save it again and load it again, or save the sheet as CSV."))) from None
    return headers, values, rows


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
