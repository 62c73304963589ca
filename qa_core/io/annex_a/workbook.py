"""The cells of an .xlsx workbook, sheet by sheet, each with its cached value and its formula.

openpyxl gives either a formula's text or the value Excel last worked out for it, never both, so
this reads the sheet XML itself (streamed with ``iterparse``; the row elements are dropped as they
are read). A formula with a value Excel stored is that value. A formula with none (the workbook was
written by a program that does not calculate, as openpyxl does) is worked out when it is arithmetic
on cells of the same sheet, such as ``=H2+5`` (shared formulas included); any other is refused with
its sheet, row and column. No formula's text is ever read as a cell's value.

The workbook's parts are bounded first, as every import does (``formats._check_parts``: declared
unpacked size, shared-string size, no overlong run of XML).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from qa_core.io.importer.formats import FileRejected, _check_parts, _damaged  # the importer's own bounds
from qa_core.io.importer.result import Problem

__all__ = [
    "ExcelError",
    "Formula",
    "FormulaRefused",
    "SheetCells",
    "read_workbook_cells",
    "evaluate",
    "column_letter",
    "FORMULA_DEPTH",
]

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
#: How deep formulas referring to formulas are followed before giving up (a loop is refused sooner).
FORMULA_DEPTH = 50


@dataclass(frozen=True)
class ExcelError:
    """A cell holding one of Excel's error values (#N/A, #REF!, #VALUE!...)."""

    code: str


@dataclass(frozen=True)
class Formula:
    """A formula with no value stored: its text (without '=') and the cell it is in."""

    text: str


@dataclass
class SheetCells:
    """One sheet: its name, its cells by (row, column index from 0), and the 1904 date system flag."""

    name: str
    cells: dict[int, dict[int, object]] = field(default_factory=dict)  # row number -> {column: value}
    date1904: bool = False

    def rows(self) -> Iterator[tuple[int, dict[int, object]]]:
        return iter(sorted(self.cells.items()))


def column_letter(index: int) -> str:
    """0 → 'A', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _read_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(archive.read(name))
    except KeyError:
        return None


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    if path is None or path not in archive.namelist():
        return []
    out: list[str] = []
    with archive.open(path) as part:
        for _, elem in ElementTree.iterparse(part, events=("end",)):
            if _local(elem.tag) != "si":
                continue
            texts = []
            for child in elem:
                name = _local(child.tag)
                if name == "t":
                    texts.append(child.text or "")
                elif name == "r":  # rich text: runs of text; phonetic runs (rPh) are left out
                    texts += [t.text or "" for t in child if _local(t.tag) == "t"]
            out.append("".join(texts))
            elem.clear()
    return out


def _book_parts(archive: zipfile.ZipFile, name: str) -> tuple[list[tuple[str, str]], str | None, bool]:
    """The sheets in the workbook's order as (name, part path), the shared strings' path, the 1904 flag."""
    book = _read_xml(archive, "xl/workbook.xml")
    rels = _read_xml(archive, "xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        raise _damaged(name)
    targets = {}
    shared = None
    for rel in rels:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = path
        if rel.get("Type", "").endswith("/sharedStrings"):
            shared = path
    sheets = []
    date1904 = False
    for elem in book.iter():
        local = _local(elem.tag)
        if local == "workbookPr":
            date1904 = elem.get("date1904", "0").lower() in ("1", "true")
        elif local == "sheet":
            rid = elem.get(f"{{{_REL_NS}}}id") or elem.get("id")
            if rid in targets:
                sheets.append((elem.get("name", ""), targets[rid]))
    return sheets, shared, date1904


def _number(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


class _Cells:
    """Cells as they are read: each decoded once, shared formulas remembered for the cells that only point at
    them."""

    def __init__(self, sheet: SheetCells, strings: list[str]) -> None:
        self.sheet = sheet
        self.strings = strings
        self.masters: dict[str, tuple[str, int, int]] = {}  # shared formula id -> (text, row, column)
        self.pending: list[tuple[int, int, str]] = []  # cells of a shared formula with no value: (row, column, id)

    def add(
        self,
        row: int,
        column: int,
        kind: str,
        value_text: str | None,
        inline: str | None,
        formula: str | None,
        shared_id: str | None,
    ) -> None:
        value: object = None
        if value_text is not None:
            if kind == "s":
                value = self.strings[int(value_text)]
            elif kind == "b":
                value = value_text.strip() in ("1", "true")
            elif kind == "e":
                value = ExcelError(value_text.strip())
            elif kind in ("str", "inlineStr"):
                value = value_text
            elif kind == "d":
                value = dt.date.fromisoformat(value_text[:10])
            else:
                value = _number(value_text)
        elif inline is not None:
            value = inline
        if formula is not None or shared_id is not None:
            if shared_id is not None and formula:
                self.masters[shared_id] = (formula, row, column)
            if value is None or value == "":
                if formula:
                    value = Formula(formula)
                elif shared_id is not None:
                    self.pending.append((row, column, shared_id))
                    value = Formula("")
        if value is not None and value != "":
            self.sheet.cells.setdefault(row, {})[column] = value

    def finish(self) -> None:
        """The formulas of cells that only point at a shared formula, moved to their own cell."""
        if not self.pending:
            return
        from openpyxl.formula.translate import Translator  # openpyxl is pinned: its translator moves references

        for row, col, si in self.pending:
            if si not in self.masters:
                continue
            text, mrow, mcol = self.masters[si]
            origin = f"{column_letter(mcol)}{mrow}"
            moved = Translator("=" + text, origin=origin).translate_formula(f"{column_letter(col)}{row}")
            self.sheet.cells[row][col] = Formula(moved.lstrip("="))


def _damaged_sheet(file_name: str, sheet: SheetCells, row_number: int) -> FileRejected:
    return FileRejected(
        Problem(
            None,
            None,
            (
                f"'{file_name}' looks like a damaged Excel workbook: its sheet '{sheet.name}' cannot be "
                f"read after row {row_number}. Open it in Excel, save it again and load it again."
            ),
            sheet=sheet.name,
        )
    )


def _parse_sheet(archive: zipfile.ZipFile, path: str, strings: list[str], sheet: SheetCells, file_name: str) -> None:
    """Every cell of the sheet with a value (or a formula) into ``sheet.cells``: the fast scanner, or, when it
    meets XML it does not expect, the XML parser (the same cells, slower)."""
    if _scan_sheet(archive, path, strings, sheet, file_name):
        return
    sheet.cells.clear()
    _iterparse_sheet(archive, path, strings, sheet, file_name)


# The sheet XML Excel, LibreOffice, openpyxl and the OpenXML SDK write: rows of cells, any namespace prefix.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_CELL_RE = re.compile(rb"<" + _P + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"c>)", re.S)
_CELL_OPEN = re.compile(rb"<" + _P + rb"c[\s/>]")
_R_ATTR = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["']""")
_T_ATTR = re.compile(rb"""(?:^|\s)t\s*=\s*["']([A-Za-z]+)["']""")
_V_RE = re.compile(rb"<" + _P + rb"v\b[^>]*?(?:/>|>(.*?)</" + _P + rb"v>)", re.S)
_F_RE = re.compile(rb"<" + _P + rb"f\b([^>]*?)(?:/>|>(.*?)</" + _P + rb"f>)", re.S)
_IS_RE = re.compile(rb"<" + _P + rb"is\b[^>]*>(.*?)</" + _P + rb"is>", re.S)
_T_RE = re.compile(rb"<" + _P + rb"t\b[^>]*?(?:/>|>(.*?)</" + _P + rb"t>)", re.S)
_RPH_RE = re.compile(rb"<" + _P + rb"rPh\b.*?</" + _P + rb"rPh>", re.S)
_ATTR_RE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROW_END = re.compile(rb"</" + _P + rb"row>|<" + _P + rb"row\b[^>]*/>")
_CHUNK = 8 << 20


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {
        m[1].rpartition(b":")[2] if not m[1].startswith(b"xml") else m[1]: m[2] if m[2] is not None else m[3]
        for m in _ATTR_RE.finditer(text)
    }


def _xml_text(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def _scan_sheet(archive: zipfile.ZipFile, path: str, strings: list[str], sheet: SheetCells, file_name: str) -> bool:
    """Read the cells with regular expressions, a few megabytes at a time (about three times faster than the
    XML parser). False, with nothing promised about ``sheet.cells``, when the XML holds anything this does not
    read (CDATA, comments, a cell without its reference, a cell it does not match): the caller then uses the
    XML parser."""
    cells = _Cells(sheet, strings)
    add = cells.add
    tail = b""
    row_number = 0
    try:
        with archive.open(path) as part:
            while True:
                chunk = part.read(_CHUNK)
                data = tail + chunk
                if chunk:
                    ends = list(_ROW_END.finditer(data))
                    if not ends:
                        tail = data
                        continue
                    body, tail = data[: ends[-1].end()], data[ends[-1].end() :]
                else:
                    body, tail = data, b""
                if b"<![CDATA[" in body or b"<!--" in body:
                    return False
                matched = 0
                for cell in _CELL_RE.finditer(body):
                    matched += 1
                    attrs = cell[1]
                    ref = _R_ATTR.search(attrs)
                    if ref is None:
                        return False
                    row_number = int(ref[2])
                    kind_found = _T_ATTR.search(attrs)
                    kind = kind_found[1].decode("ascii") if kind_found else "n"
                    inner = cell[2]
                    value_text = inline = formula = shared_id = None
                    if inner:
                        if inner[:3] == b"<v>" and inner[-4:] == b"</v>" and b"<" not in inner[3:-4]:
                            value_text = _xml_text(inner[3:-4])
                        elif inner[:7] == b"<is><t>" and inner[-9:] == b"</t></is>" and b"<" not in inner[7:-9]:
                            inline = _xml_text(inner[7:-9])
                        else:
                            if (v := _V_RE.search(inner)) is not None:
                                value_text = _xml_text(v[1] or b"")
                            if (f := _F_RE.search(inner)) is not None:
                                f_attrs = _attrs(f[1])
                                formula = _xml_text(f[2]) or None
                                if f_attrs.get(b"t") == b"shared" and b"si" in f_attrs:
                                    shared_id = f_attrs[b"si"].decode("ascii", "replace")
                            if (i := _IS_RE.search(inner)) is not None:
                                text = _RPH_RE.sub(b"", i[1])
                                inline = "".join(_xml_text(t[1] or b"") for t in _T_RE.finditer(text))
                    add(row_number, _col_index(ref[1].decode("ascii")), kind, value_text, inline, formula, shared_id)
                if matched != len(_CELL_OPEN.findall(body)):
                    return False
                if not chunk:
                    break
    except FileRejected:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, IndexError, EOFError, UnicodeDecodeError):
        raise _damaged_sheet(file_name, sheet, row_number) from None
    cells.finish()
    return True


def _iterparse_sheet(
    archive: zipfile.ZipFile, path: str, strings: list[str], sheet: SheetCells, file_name: str
) -> None:
    """The same cells read with the XML parser (``iterparse``), for XML the scanner does not read."""
    cells = _Cells(sheet, strings)
    row_number = 0
    try:
        with archive.open(path) as part:
            parent = None
            for event, elem in ElementTree.iterparse(part, events=("start", "end")):
                local = _local(elem.tag)
                if event == "start":
                    if local == "sheetData":
                        parent = elem
                    elif local == "row":
                        given = elem.get("r")
                        row_number = int(given) if given else row_number + 1
                        column = -1
                    continue
                if local == "c":
                    ref = elem.get("r")
                    if ref:
                        found = _REF.fullmatch(ref)
                        if found is None:
                            raise _damaged(file_name)
                        column = _col_index(found[1])
                    else:
                        column += 1
                    value_text = inline = formula = shared_id = None
                    for child in elem:
                        name = _local(child.tag)
                        if name == "v":
                            value_text = child.text or ""
                        elif name == "f":
                            formula = child.text or None
                            if child.get("t") == "shared" and child.get("si") is not None:
                                shared_id = child.get("si")
                        elif name == "is":
                            inline = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
                    cells.add(row_number, column, elem.get("t", "n"), value_text, inline, formula, shared_id)
                elif local == "row" and parent is not None:
                    parent.clear()  # the row's cells are read: let them go
    except FileRejected:
        raise
    except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError, IndexError, EOFError):
        raise _damaged_sheet(file_name, sheet, row_number) from None
    cells.finish()


def read_workbook_cells(data: bytes, name: str, wanted: Callable[[str], bool]) -> tuple[list[SheetCells], list[str]]:
    """The sheets ``wanted(sheet_name)`` accepts, read whole; and the names of all sheets, in order.

    Raises ``FileRejected`` for a file that is not a workbook or cannot be read.
    """
    if data[:4] != b"PK\x03\x04":
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise FileRejected(
                Problem(
                    None,
                    None,
                    (
                        f"'{name}' is an old-style Excel .xls workbook. Save it as an Excel workbook (.xlsx) and "
                        "load it again."
                    ),
                )
            )
        raise FileRejected(
            Problem(
                None,
                None,
                (
                    f"'{name}' is not an Excel workbook (.xlsx). An Annex A is read as Ofsted lays it out: one "
                    "workbook with the sheets List 1 to List 11. Save it as .xlsx and load it again."
                ),
            )
        )
    _check_parts(data, name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _damaged(name) from None
    with archive:
        try:
            sheets, shared_path, date1904 = _book_parts(archive, name)
            strings = _shared_strings(archive, shared_path)
        except (ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise _damaged(name) from None
        read = []
        for sheet_name, path in sheets:
            if not wanted(sheet_name):
                continue
            sheet = SheetCells(sheet_name, date1904=date1904)
            if path in archive.namelist():
                _parse_sheet(archive, path, strings, sheet, name)
            read.append(sheet)
    return read, [s for s, _ in sheets]


# -- formulas ----------------------------------------------------------------------------------
_TOKEN = re.compile(r"\s*(?:(\$?[A-Z]{1,3}\$?[0-9]{1,7})|([0-9]+(?:\.[0-9]+)?)|([+\-]))")


class FormulaRefused(ValueError):
    """A formula this reader does not work out (the sentence says why and what to do)."""


def evaluate(sheet: SheetCells, text: str, seen: tuple[tuple[int, int], ...] = ()) -> float:
    """The number a formula of cell references and numbers joined by + and - gives (Excel's arithmetic:
    a blank cell is 0, a date is its serial number). Raises ``FormulaRefused`` for any other formula."""
    shown = f"={text}"
    if len(seen) > FORMULA_DEPTH:
        raise FormulaRefused(f"the formula {shown} refers to formulas more than {FORMULA_DEPTH} deep")
    pos, total, sign, expect_operand = 0, 0.0, 1, True
    text = text.strip()
    if not text:
        raise FormulaRefused("the cell holds a shared formula whose first cell is missing")
    while pos < len(text):
        found = _TOKEN.match(text, pos)
        if found is None or found.end() == pos:
            raise FormulaRefused(f"the formula {shown} is not simple arithmetic on cells of this sheet")
        pos = found.end()
        ref, number, operator = found.groups()
        if operator:
            if expect_operand:
                if operator == "-":
                    sign = -sign
                continue
            sign = 1 if operator == "+" else -1
            expect_operand = True
            continue
        if not expect_operand:
            raise FormulaRefused(f"the formula {shown} is not simple arithmetic on cells of this sheet")
        if number is not None:
            operand = float(number)
        else:
            parts = _REF.fullmatch(ref.replace("$", ""))
            row, col = int(parts[2]), _col_index(parts[1])
            if (row, col) in seen:
                raise FormulaRefused(f"the formula {shown} refers back to itself")
            operand = _cell_number(sheet, row, col, shown, (*seen, (row, col)))
        total += sign * operand
        sign, expect_operand = 1, False
    if expect_operand:
        raise FormulaRefused(f"the formula {shown} ends with an operator")
    return total


def _cell_number(sheet: SheetCells, row: int, col: int, shown: str, seen: tuple[tuple[int, int], ...]) -> float:
    value = sheet.cells.get(row, {}).get(col)
    where = f"{column_letter(col)}{row}"
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, float | int):
        return float(value)
    if isinstance(value, dt.date):
        base = dt.date(1904, 1, 1) if sheet.date1904 else dt.date(1899, 12, 30)
        return float((value - base).days)
    if isinstance(value, Formula):
        return evaluate(sheet, value.text, seen)
    if isinstance(value, ExcelError):
        raise FormulaRefused(f"the formula {shown} refers to {where}, which holds the error {value.code}")
    raise FormulaRefused(f"the formula {shown} refers to {where}, which holds text, not a number or a date")
