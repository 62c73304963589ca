"""Read an Annex A workbook into one typed table per list, and every problem with its sheet, row and column.

- **Sheets**: "List 1" to "List 11" (any case or spacing, "List 03", "List 3 - Referrals"); any other sheet
  is named in the report and skipped; two sheets for one list are refused.
- **Headers**: the first row with anything in it; matched as ``spec`` says. A required column missing is
  a problem naming the sheet and column; a column two headers could be is refused.
- **Dates**: Excel dates, serial numbers, or text (31/10/2026, 2026-10-31, 31 Oct 2026), from 1990 to the
  end of next year (a day that does not exist, or outside that, is a problem). ``#N/A`` is a blank (counted
  in the report); any other Excel error is a problem.
- **Coded values** with or without their letter: ``a) Yes`` / ``Yes`` / ``Y``.
- **Formulas**: the value Excel stored; without one, ``=H2+5``-style arithmetic is worked out
  (``workbook.evaluate``) and anything else refused with a sentence saying how to fix it.

Nothing here touches the store: team names stay text until ``kind`` matches them to the store's teams.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qa_core.io.annex_a.spec import LISTS, Column, ListSpec, list_number, normalise
from qa_core.io.annex_a.workbook import (
    ExcelError,
    Formula,
    FormulaRefused,
    SheetCells,
    column_letter,
    evaluate,
    read_workbook_cells,
)
from qa_core.io.importer.fields import EARLIEST_DAY, EVENT_YEARS_AHEAD, NAME_CHARS, read_date, shorten
from qa_core.io.importer.result import Problem

__all__ = ["Book", "ListData", "read_annex_a", "read_annex_a_frames", "MAX_PROBLEMS", "NOT_AVAILABLE"]

#: Problems kept in detail (all are counted), as for every import.
MAX_PROBLEMS = 1000
#: Excel's "not available" error: a lookup that found nothing. Read as a blank cell.
NOT_AVAILABLE = "#N/A"
_PREFIX = re.compile(r"^\(?[a-z]\)\s*", re.IGNORECASE)
_ACTIVITY = re.compile(r"^([FPG][1-6])\b\s*[:\-.]?", re.IGNORECASE)
EET_CODES = ("F1", "P1", "F2", "P2", "F3", "P3")
NEET_CODES = ("G4", "G5", "G6")


@dataclass
class ListData:
    """One list read: its sheet's name, the headers found (our key → as written) and a typed frame
    with ``row`` (the spreadsheet's row number) and one column per key read."""

    spec: ListSpec
    sheet: str
    headers: dict[str, str]
    frame: pd.DataFrame

    @property
    def rows(self) -> int:
        return len(self.frame)

    def header(self, key: str) -> str:
        return self.headers.get(key, self.spec.column(key).header)


class Book:
    """The workbook read and checked: the importer's "checker" for a whole workbook.

    It answers what the importer asks of a checker (``ok``, ``count``, ``sorted_problems()``, ``bad``,
    ``file_bad``, ``warnings``, ``n``) and carries the typed lists (``lists``) to ``kind.prepare``.
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.lists: dict[int, ListData] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.warnings: list[str] = []
        self.notes: list[str] = []
        self.file_bad = False
        self.missing: list[str] = []
        self._bad_rows: set[tuple[str, int]] = set()

    # -- what the importer asks -------------------------------------------------------------
    @property
    def n(self) -> int:
        return sum(data.rows for data in self.lists.values())

    @property
    def ok(self) -> bool:
        return self.count == 0

    @property
    def bad(self) -> np.ndarray:
        return np.ones(len(self._bad_rows), dtype=bool)

    def add(self, sheet: str | None, row: int | None, column: str | None, message: str) -> None:
        """One problem; a row-level one marks that row of that sheet as rejected."""
        self.count += 1
        if row is not None and row > 1 and sheet is not None:
            self._bad_rows.add((sheet, row))
        else:
            self.file_bad = True
        if len(self.problems) < MAX_PROBLEMS * 4:
            self.problems.append(Problem(row, column, message, sheet=sheet))

    def add_file(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.add(None, row, column, message)

    def sorted_problems(self) -> list[Problem]:
        def key(p: Problem) -> tuple:
            number = list_number(p.sheet or "") or 0
            return (p.sheet is not None, number, p.row or 0)

        return sorted(self.problems, key=key)[:MAX_PROBLEMS]


# -- cells to values ---------------------------------------------------------------------------
class _Bad(ValueError):
    """A cell that cannot be read: the sentence to show."""


def _latest_day() -> dt.date:
    return dt.date(dt.date.today().year + EVENT_YEARS_AHEAD, 12, 31)


_EARLIEST = EARLIEST_DAY


def _long(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _serial_date(serial: float, date1904: bool) -> dt.date:
    base = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
    if not -1e6 < serial < 3e6:
        raise _Bad(f"{serial:g} is not a date (as an Excel serial number it is no day at all).")
    return base + dt.timedelta(days=int(serial // 1))


def _to_date(value: object, date1904: bool) -> dt.date | None:
    if type(value) is float:  # an Excel serial number: the usual cell
        day = _serial_date(value, date1904)
        if _EARLIEST <= day <= _latest_day():
            return day
    if isinstance(value, bool):
        raise _Bad(f"'{value}' is not a date.")
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, float | int):
        day = _serial_date(float(value), date1904)
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            day = read_date(text)
        except ValueError as exc:
            raise _Bad(str(exc)) from None
    latest = _latest_day()
    if not EARLIEST_DAY <= day <= latest:
        raise _Bad(
            f"{_long(day)} is outside the dates an Annex A holds here (from {_long(EARLIEST_DAY)} to "
            f"{_long(latest)}). Check the year."
        )
    return day


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).replace("\xa0", " ").split())
    return text or None


def _coded(value: object) -> str:
    text = _text(value) or ""
    return _PREFIX.sub("", text).strip().lower()


def _to_id(value: object, _: bool) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if len(text) > NAME_CHARS:
        raise _Bad(f"The identifier is {len(text):,} characters long; an identifier here is at most {NAME_CHARS}.")
    return text.upper()


def _to_yes_no(value: object, _: bool) -> bool | None:
    text = _coded(value)
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0"):
        return False
    if text in ("", "unknown", "not known", "u"):
        return None
    raise _Bad(f"'{shorten(_text(value) or '')}' is not Yes or No (a) Yes, b) No; c) Unknown is read as blank).")


def _to_count(value: object, _: bool) -> int | None:
    if isinstance(value, bool):
        raise _Bad(f"'{value}' is not a number of referrals.")
    if isinstance(value, float | int):
        number = float(value)
    else:
        text = (_text(value) or "").replace(",", "")
        if not text:
            return None
        if not re.fullmatch(r"[0-9]+(\.0+)?", text):
            raise _Bad(f"'{shorten(text)}' is not a whole number (0 or more).")
        number = float(text)
    if number < 0 or not number.is_integer() or number > 10_000:
        raise _Bad(f"{number:g} is not a count of earlier referrals (a whole number from 0 to 10,000).")
    return int(number)


def _to_name(value: object, _: bool) -> str | None:
    text = _text(value)
    if text is not None and len(text) > NAME_CHARS:
        raise _Bad(f"This name is {len(text):,} characters long; names here are at most {NAME_CHARS}.")
    return text


_IN_TOUCH = {
    "yes": "yes",
    "y": "yes",
    "no": "no",
    "n": "no",
    "died": "died",
    "death": "died",
    "refu": "refu",
    "refused": "refu",
    "refuses contact": "refu",
    "young person refuses contact": "refu",
    "nreq": "nreq",
    "no longer requires services": "nreq",
    "rhom": "rhom",
    "returned home": "rhom",
}


def _to_in_touch(value: object, _: bool) -> str | None:
    text = _coded(value)
    if not text:
        return None
    if text in _IN_TOUCH:
        return _IN_TOUCH[text]
    head = text.split(":")[0].split(" - ")[0].strip()
    if head in _IN_TOUCH:
        return _IN_TOUCH[head]
    raise _Bad(
        f"'{shorten(_text(value) or '')}' is not an answer for LA in Touch: a) Yes, b) No, c) Died, d) Refu "
        "(refuses contact), e) NREQ (no longer requires services) or f) Rhom (returned home)."
    )


def _to_suitability(value: object, _: bool) -> str | None:
    text = _coded(value)
    if not text:
        return None
    if text in ("suitable", "s"):
        return "suitable"
    if text in ("unsuitable", "not suitable", "u"):
        return "unsuitable"
    raise _Bad(f"'{shorten(_text(value) or '')}' is not a) Suitable or b) Unsuitable.")


def _to_activity(value: object, _: bool) -> str | None:
    text = _text(value)
    if not text:
        return None
    bare = _PREFIX.sub("", text).strip()
    code = _ACTIVITY.match(bare)
    if code and code[1].upper() in EET_CODES:
        return "eet"
    if code and code[1].upper() in NEET_CODES:
        return "neet"
    low = bare.lower()
    if low.startswith(("not in education", "neet")):
        return "neet"
    if low.startswith(("full time", "part time", "full-time", "part-time")):
        return "eet"
    raise _Bad(
        f"'{shorten(text)}' is not an activity status: F1, P1, F2, P2, F3 or P3 (in education, employment or "
        "training), or G4, G5 or G6 (not), with or without their words."
    )


_READERS: dict[str, Callable[[object, bool], object]] = {
    "id": _to_id,
    "date": _to_date,
    "yes_no": _to_yes_no,
    "nfa": _to_yes_no,
    "count": _to_count,
    "team": _to_name,
    "worker": _to_name,
    "in_touch": _to_in_touch,
    "suitability": _to_suitability,
    "activity": _to_activity,
}


# -- headers -----------------------------------------------------------------------------------
def _match_headers(spec: ListSpec, headers: dict[int, str], sheet: str, book: Book) -> dict[str, int]:
    """Our key → column index: exact (normalised) names and aliases first, then the words rule."""
    normal = {i: normalise(h) for i, h in headers.items()}
    found: dict[str, int] = {}
    taken: set[int] = set()
    for column in spec.columns:
        names = {normalise(column.header), *(normalise(a) for a in column.aliases)}
        hits = [i for i, n in normal.items() if n in names]
        if len(hits) > 1:
            book.add(
                sheet,
                1,
                column.header,
                (
                    f"Two columns could be '{column.header}': "
                    + " and ".join(f"'{headers[i]}' (column {column_letter(i)})" for i in hits)
                    + ". Keep one of them."
                ),
            )
        if hits:
            found[column.key] = hits[0]
            taken.update(hits)
    for column in spec.columns:
        if column.key in found or not column.words:
            continue
        hits = [i for i, n in normal.items() if i not in taken and set(column.words) <= set(n.split())]
        if len(hits) > 1:
            book.add(
                sheet,
                1,
                column.header,
                (
                    f"Two columns could be '{column.header}': "
                    + " and ".join(f"'{headers[i]}' (column {column_letter(i)})" for i in hits)
                    + ". Rename the one that is not."
                ),
            )
        if hits:
            found[column.key] = hits[0]
            taken.add(hits[0])
    for column in spec.columns:
        if column.required and column.key not in found:
            book.add(
                sheet,
                1,
                column.header,
                (
                    f"The required column '{column.header}' is missing from {spec.sheet} ({spec.title.lower()}). "
                    "Its header must be in the first row of the sheet, spelt as Ofsted's Annex A spells it (case, "
                    "spaces and punctuation do not matter)."
                ),
            )
    return found


# -- a list ------------------------------------------------------------------------------------
def _read_list(spec: ListSpec, sheet: SheetCells, book: Book) -> ListData:
    rows = sheet.rows()
    header_row, header_cells = next(((r, c) for r, c in rows if any(_text(v) for v in c.values())), (None, {}))
    headers = {i: _text(v) or "" for i, v in header_cells.items() if not isinstance(v, ExcelError) and _text(v)}
    found = _match_headers(spec, headers, sheet.name, book) if header_row else {}
    data_rows = [(r, c) for r, c in rows] if header_row else []
    numbers = np.array([r for r, _ in data_rows], dtype=np.int64)
    frame = pd.DataFrame({"row": numbers})
    not_available: dict[str, int] = {}
    for column in spec.columns:
        index = found.get(column.key)
        if index is None:
            continue
        header = headers[index]
        values = _column_values(
            column, [cells.get(index) for _, cells in data_rows], numbers, sheet, index, header, book, not_available
        )
        if column.kind == "date":
            frame[column.key] = pd.to_datetime(pd.Series(values, dtype="object"), errors="coerce")
        else:
            frame[column.key] = pd.Series(values, dtype="object")
        if column.required and frame[column.key].isna().any():
            blank = frame[column.key].isna().to_numpy().copy()
            blank &= ~_already_bad(book, sheet.name, numbers)
            for row in numbers[blank]:
                book.add(sheet.name, int(row), header, f"The {header} is blank; every row of {spec.sheet} needs one.")
    for header, n in not_available.items():
        book.warnings.append(
            f"{spec.sheet}: {n:,} cell{'s' if n != 1 else ''} of '{header}' held #N/A (Excel's "
            '"not available"), read as blank.'
        )
    return ListData(spec, sheet.name, {k: headers[i] for k, i in found.items()}, frame)


def _already_bad(book: Book, sheet: str, numbers: np.ndarray) -> np.ndarray:
    return np.array([(sheet, int(r)) in book._bad_rows for r in numbers], dtype=bool)


def _column_values(
    column: Column,
    cells: list[object],
    numbers: np.ndarray,
    sheet: SheetCells,
    index: int,
    header: str,
    book: Book,
    not_available: dict[str, int],
) -> list[object]:
    read = _READERS[column.kind]
    cache: dict[object, object] = {}
    out: list[object] = []
    for row, value in zip(numbers.tolist(), cells, strict=True):
        if value is None:
            out.append(None)
            continue
        if isinstance(value, Formula):
            try:
                value = evaluate(sheet, value.text, ((row, index),))
            except FormulaRefused as exc:
                book.add(
                    sheet.name,
                    row,
                    header,
                    (
                        f"This cell holds a formula Excel has not worked out a value for, and the import does not "
                        f"work out this one: {exc}. Open the workbook in Excel and save it (Excel stores each "
                        "formula's value), or paste the values in place of the formulas, and load it again."
                    ),
                )
                out.append(None)
                continue
        if isinstance(value, ExcelError):
            if value.code.upper() == NOT_AVAILABLE:
                not_available[header] = not_available.get(header, 0) + 1
                out.append(None)
                continue
            book.add(
                sheet.name,
                row,
                header,
                (
                    f"This cell holds Excel's error {value.code}: the formula behind it is broken. Correct it, or type "
                    "the value, and load the workbook again."
                ),
            )
            out.append(None)
            continue
        key = (type(value), value)
        if key in cache:
            parsed = cache[key]
        else:
            try:
                parsed = read(value, sheet.date1904)
            except _Bad as exc:
                parsed = exc
            cache[key] = parsed
        if isinstance(parsed, _Bad):
            book.add(sheet.name, row, header, str(parsed))
            out.append(None)
        else:
            out.append(parsed)
    return out


#: (list, the later date's key, the earlier date's key, what the later one is): a later date before
#: the earlier one is a problem named on the later date's cell.
DATE_ORDER = [
    (4, "assess_end", "assess_start", "authorised"),
    (5, "icpc_date", "s47_start", "held"),
    (7, "cpp_end", "cpp_start", "ended"),
    (8, "cla_end", "cla_start", "ended"),
]


def _check_order(book: Book) -> None:
    for number, later, earlier, verb in DATE_ORDER:
        data = book.lists.get(number)
        if data is None or later not in data.frame or earlier not in data.frame:
            continue
        f = data.frame
        wrong = (f[later] < f[earlier]).to_numpy()
        for i in np.flatnonzero(wrong):
            book.add(
                data.sheet,
                int(f["row"].iloc[i]),
                data.header(later),
                (
                    f"This date ({f[later].iloc[i]:%d/%m/%Y}) is before the {data.header(earlier)} "
                    f"({f[earlier].iloc[i]:%d/%m/%Y}): it cannot have been {verb} before it started."
                ),
            )


def read_annex_a(data: bytes, filename: str) -> Book:
    """Read and check an Annex A workbook (never touches the store). ``FileRejected`` when it is not one."""
    sheets, names = read_workbook_cells(data, filename, lambda name: list_number(name) is not None)
    return _read_sheets(sheets, names, filename)


def read_annex_a_frames(frames: Mapping[str, pd.DataFrame], filename: str = "Annex A") -> Book:
    """Read and check the sheets of an Annex A given as frames (sheet name → the sheet's header and rows, as a
    workbook would hold them: text, numbers, dates): the same checks as ``read_annex_a``, without a workbook.
    The demo council's Annex A is read so (``qa_core.demo.annex_a``)."""
    sheets = []
    for name, frame in frames.items():
        if list_number(name) is None:
            continue
        sheet = SheetCells(name)
        sheet.cells[1] = {i: str(c) for i, c in enumerate(frame.columns)}
        for i, column in enumerate(frame.columns):
            for k, value in enumerate(frame[column].tolist()):
                if not _blank(value):
                    sheet.cells.setdefault(k + 2, {})[i] = value
        sheets.append(sheet)
    return _read_sheets(sheets, list(frames), filename)


def _blank(value: object) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and value != value) or value == ""


def _read_sheets(sheets: list[SheetCells], names: list[str], filename: str) -> Book:
    book = Book(filename)
    by_list: dict[int, list[SheetCells]] = {}
    for sheet in sheets:
        by_list.setdefault(list_number(sheet.name), []).append(sheet)
    skipped = [n for n in names if list_number(n) is None]
    if skipped:
        book.warnings.append(
            "Sheets that are not Annex A lists were skipped: " + ", ".join(f"'{n}'" for n in skipped) + "."
        )
    for number, found in sorted(by_list.items()):
        if len(found) > 1:
            book.add(
                None,
                None,
                None,
                (
                    f"The workbook has {len(found)} sheets for {LISTS[number].sheet}: "
                    + " and ".join(f"'{s.name}'" for s in found)
                    + ". Keep one of them (or rename the others) and load it again."
                ),
            )
            continue
        book.lists[number] = _read_list(LISTS[number], found[0], book)
    if not book.lists:
        book.add(
            None,
            None,
            None,
            (
                f"'{filename}' has no Annex A lists: its sheets are "
                + ", ".join(f"'{n}'" for n in names)
                + ". An Annex A has the sheets List 1 to List 11, as Ofsted lays it out."
            ),
        )
    _check_order(book)
    return book
