"""The validation engine: every problem in a file, as (row, column, sentence), all at once.

A kind's pydantic model says which columns exist, which are required and what each cell
must hold (see ``fields``). The ``Checker`` runs those types over whole columns: text and
numbers with array operations, coded values (grades, dates, months...) once per distinct
value, references (teams, services, indicators) by lookup in the store's organisation and
catalogue. Rules across columns and rows (numerator above denominator, duplicate keys, a
team outside its service) are written by each kind with the same ``add`` call, which takes a
boolean mask over the rows. Nothing here writes to the store.

Row numbers are the spreadsheet's: header row 1, first data row 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

from qa_core.io.cells import restore, restore_array
from qa_core.io.importer.fields import CODED_CHARS, NAME_CHARS, Cell, cell_of, read_value, shorten, too_large
from qa_core.io.importer.formats import Sheet
from qa_core.io.importer.result import Problem

__all__ = ["Checker", "Context", "MAX_PROBLEMS", "Lookup"]

#: Problems kept in detail (all are counted): enough to fix a file, small enough to show.
MAX_PROBLEMS = 1000
#: Files shorter than this are checked on one thread (``Checker.prefetch``): starting threads costs more.
PREFETCH_ROWS = 50_000
#: The longest sentence a problem keeps: one that quotes a huge cell is cut (the log holds the sentences).
MAX_MESSAGE = 600


def _clip(message: str) -> str:
    if len(message) <= MAX_MESSAGE:
        return message
    return f"{message[:MAX_MESSAGE - 100]} [... cut: {len(message):,} characters]"


class Lookup:
    """Ids or names to ids, case-insensitive, with suggestions for near misses."""

    def __init__(self, what: str, ids: Sequence[str], names: Sequence[str] | None = None,
                 hint: str = "") -> None:
        self.what = what
        self.hint = hint
        self.by_key: dict[str, str] = {}
        self.ambiguous: dict[str, list[str]] = {}
        by_name: dict[str, list[str]] = {}
        for i, ident in enumerate(ids):
            if names is not None and names[i]:
                found = by_name.setdefault(str(names[i]).strip().lower(), [])
                if ident not in found:  # the same id twice (held, and in the file) is one thing
                    found.append(ident)
        for name, found in by_name.items():
            if len(found) == 1:
                self.by_key[name] = found[0]
            else:
                self.ambiguous[name] = found
        for ident in ids:  # ids win over names
            self.by_key[str(ident).lower()] = ident
            self.ambiguous.pop(str(ident).lower(), None)
        self.shown = list(names) if names is not None else list(ids)

    def resolve(self, text: str) -> str:
        key = text.strip().lower()
        if key in self.by_key:
            return self.by_key[key]
        if key in self.ambiguous:
            raise ValueError(f"More than one {self.what} is called '{text}' ({', '.join(self.ambiguous[key])}); "
                             f"use the {self.what} id instead.")
        close = difflib.get_close_matches(key, list(self.by_key), n=1, cutoff=0.75)
        suggestion = ""
        if close:
            target = self.by_key[close[0]]
            suggestion = f" Did you mean '{self._label(target)}'?"
        elif self.shown:
            sample = ", ".join(f"'{s}'" for s in self.shown[:4])
            suggestion = f" Known {self.what}s include {sample}."
        else:
            suggestion = f" The store holds no {self.what}s yet."
        return self._fail(text, suggestion)

    def _label(self, ident: str) -> str:
        for key, value in self.by_key.items():
            if value == ident and key != ident.lower():
                return next((s for s in self.shown if str(s).lower() == key), ident)
        return ident

    def _fail(self, text: str, suggestion: str) -> str:
        raise ValueError(f"There is no {self.what} '{text}'.{suggestion}{self.hint}")


class Context:
    """What validation needs from the store: the organisation, the catalogue, and a cursor."""

    def __init__(self, cur: Any) -> None:
        self.cur = cur
        self.replace = False  # ``import --replace``: the file is the whole set (kinds that have one)
        self.teams = cur.execute("SELECT team_id, name, service_id FROM team ORDER BY team_id").df()
        self.services = cur.execute(
            "SELECT service_id, name, head_of_service FROM service ORDER BY sort_order, service_id").df()
        self.indicators = cur.execute("SELECT code, name, unit, aggregation FROM indicator ORDER BY code").df()
        self.team_names = dict(zip(self.teams["team_id"], self.teams["name"], strict=True))
        self.team_service = dict(zip(self.teams["team_id"], self.teams["service_id"], strict=True))
        self.service_names = dict(zip(self.services["service_id"], self.services["name"], strict=True))
        self._lookups: dict[str, Lookup] = {}

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self.cur.execute(sql, params or []).df()

    def lookup(self, ref: str) -> Lookup:
        if ref not in self._lookups:
            if ref == "team":
                self._lookups[ref] = Lookup("team", list(self.teams["team_id"]), list(self.teams["name"]))
            elif ref == "service":
                self._lookups[ref] = Lookup("service", list(self.services["service_id"]),
                                            list(self.services["name"]))
            elif ref == "indicator":
                self._lookups[ref] = Lookup("indicator", list(self.indicators["code"]), None, hint=(
                    " Add it to the catalogue first (import kind 'indicators')."))
            else:
                raise KeyError(ref)
        return self._lookups[ref]


class Checker:
    """Reads a sheet against a kind's model and collects every problem."""

    def __init__(self, sheet: Sheet, model: type[BaseModel], extra_columns: bool = False) -> None:
        self.sheet = sheet
        self.model = model
        self.n = sheet.n
        self.rows = sheet.rows
        self.bad = np.zeros(self.n, dtype=bool)
        self.problems: list[Problem] = []
        self.count = 0
        self.file_bad = False
        self.warnings: list[str] = []
        self._index = {name: i for i, name in enumerate(sheet.names)}
        self._order = {name: i for i, name in enumerate(sheet.headers)}
        self._text: dict[str, pa.Array] = {}
        self._codes: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._pending: dict[tuple[str, str], Future[Any]] = {}  # ``prefetch``: (what, column) being worked out
        for problem in sheet.problems:
            self._keep(problem)
            if problem.row is None or problem.row == 1:
                self.file_bad = True
        fields = model.model_fields
        self._checked: set[str] = set()
        for i, header in enumerate(sheet.headers):
            if len(header) > NAME_CHARS:
                self.add_file(f"The name of column {_letter(i)} is {len(header):,} characters long; column names "
                              f"are at most {NAME_CHARS} characters. Shorten it.", row=1, column=f"column {_letter(i)}")
        seen: dict[str, int] = {}
        for i, name in enumerate(sheet.names):
            if not name:
                continue
            if name in seen:
                self.add_file(f"The column '{sheet.headers[i]}' appears twice (columns "
                              f"{_letter(seen[name])} and {_letter(i)}). Keep one of them.",
                              row=1, column=sheet.headers[i])
            seen[name] = i
        self.missing = [f for f, info in fields.items() if info.is_required() and f not in self._index]
        for name in self.missing:
            self.add_file(f"The required column '{name}' is missing. The header row must name these columns: "
                          + ", ".join(f for f, i in fields.items() if i.is_required()) + ".", row=1, column=name)
        self.extra = [sheet.headers[i] for i, name in enumerate(sheet.names) if name and name not in fields]
        if self.extra and not extra_columns:
            self.warnings.append("These columns are not part of the format and were ignored: "
                                 + ", ".join(f"'{h}'" for h in self.extra) + ".")

    # -- problems ------------------------------------------------------------------------
    def _keep(self, problem: Problem) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS * 4:
            self.problems.append(problem)

    def header(self, column: str) -> str:
        """The column's name as written in the file."""
        i = self._index.get(column)
        return self.sheet.headers[i] if i is not None else column

    def add_file(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.file_bad = True
        self._keep(Problem(row, column, _clip(message)))

    def add(self, mask: np.ndarray | pa.Array, column: str | None,
            message: str | Callable[[int], str]) -> None:
        """A problem on every row where ``mask`` is true; ``message`` may depend on the row index."""
        if isinstance(mask, pa.Array | pa.ChunkedArray):
            mask = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
        mask = np.asarray(mask, dtype=bool)
        idx = np.flatnonzero(mask)
        if not len(idx):
            return
        self.bad[idx] = True
        self.count += len(idx)
        room = MAX_PROBLEMS * 4 - len(self.problems)
        shown = self.header(column) if column else None
        for i in idx[:max(room, 0)][:MAX_PROBLEMS]:
            text = message(int(i)) if callable(message) else message
            self.problems.append(Problem(int(self.rows[i]), shown, _clip(text)))

    def sorted_problems(self) -> list[Problem]:
        def key(p: Problem) -> tuple[int, int]:
            return (p.row if p.row is not None else 0, self._order.get(p.column or "", 10_000))

        return sorted(self.problems, key=key)[:MAX_PROBLEMS]

    @property
    def ok(self) -> bool:
        return self.count == 0

    # -- reading columns -----------------------------------------------------------------
    def has(self, column: str) -> bool:
        return column in self._index

    def raw(self, column: str) -> pa.Array:
        """The column's cells as read (blank cells missing); all missing when the column is absent."""
        i = self._index.get(column)
        if i is None:
            return pa.nulls(self.n, pa.string())
        return self.sheet.columns[i]

    def text(self, column: str) -> pa.Array:
        """The column's text, trimmed, with blank (or only spaces) cells missing."""
        if column not in self._text:
            pending = self._pending.pop(("text", column), None)
            self._text[column] = pending.result() if pending is not None else _trim(self.raw(column))
        return self._text[column]

    def codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        """Each row's code (−1 where blank) and the distinct trimmed values, in order of first appearance."""
        if column not in self._codes:
            pending = self._pending.pop(("codes", column), None)
            self._codes[column] = pending.result() if pending is not None else _distinct(self.raw(column))
        return self._codes[column]

    def prefetch(self, texts: Sequence[str] = (), codes: Sequence[str] = ()) -> None:
        """Start working out these columns' trimmed text (``text``) and codes (``codes``) on two threads, in
        the order given, for the checks to pick up as they come to them.

        Why: Arrow lets go of the interpreter while it trims and encodes a column, so a second core does
        half of that work while the first checks (a million audits: about 0.3 s, issue 14). Each column is
        worked out exactly as ``text`` and ``codes`` would, so nothing read changes; columns the file lacks
        are left to them.
        """
        jobs = [("text", c, _trim) for c in texts if self.has(c) and c not in self._text]
        jobs += [("codes", c, _distinct) for c in codes if self.has(c) and c not in self._codes]
        jobs = [job for job in jobs if (job[0], job[1]) not in self._pending]
        if not jobs or self.n < PREFETCH_ROWS:
            return
        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="qa-import-check")
        for what, column, work in jobs:
            self._pending[(what, column)] = pool.submit(work, self.raw(column))
        pool.shutdown(wait=False)  # its threads end once the last column is done

    def _annotation(self, column: str) -> tuple[Cell, Any, bool]:
        info = self.model.model_fields[column]
        cell, annotation = cell_of(info)
        return cell, annotation, info.is_required()

    def blank(self, column: str) -> np.ndarray:
        """Where the cell is blank (or holds only spaces)."""
        field = self.model.model_fields.get(column)
        if column in self._text or (field is not None and cell_of(field)[0].how == "text"):
            return pc.is_null(self.text(column)).to_numpy(zero_copy_only=False)
        return self.codes(column)[0] < 0

    def require(self, column: str, mask: np.ndarray | None = None, why: str = "") -> None:
        """A problem where the cell is blank (on rows in ``mask`` when given)."""
        if column in self.missing:
            return
        empty = self.blank(column)
        if mask is not None:
            empty &= mask
        noun = column.replace("_", " ")
        self.add(empty, column, f"The {noun} is blank; {why or 'every row needs one'}.")

    def column(self, column: str, *, required: bool | None = None) -> pa.Array:
        """The column read with its pydantic type: an Arrow array, missing where blank or wrong."""
        cell, annotation, is_required = self._annotation(column)
        if required is None:
            required = is_required
        if required:
            self.require(column)
        if cell.how == "text":
            if cell.max_chars is not None:
                self.limit_length(column, cell.max_chars)
            return self.text(column)
        if cell.how in ("number", "integer"):
            return self._numbers(column, annotation, cell)
        if cell.how == "coded":
            return self.coded(column, lambda v: read_value(annotation, v), _arrow_type(annotation))
        raise ValueError(f"{column}: use checker.ref() for reference columns")

    def limit_length(self, column: str, limit: int) -> None:
        """A problem on every cell of a text column longer than ``limit`` characters (once per column)."""
        if column in self._checked or not self.n:
            return
        self._checked.add(column)
        lengths = pc.fill_null(pc.utf8_length(self.text(column)), 0).to_numpy(zero_copy_only=False)
        noun = column.replace("_", " ")
        self.add(lengths > limit, column, lambda i: (
            f"This text is {int(lengths[i]):,} characters long; the {noun} may be at most {limit:,} characters. "
            "Shorten it."))

    def _max_chars(self, column: str) -> int:
        """The longest cell ``read`` parses: a text field's limit, else ``CODED_CHARS``."""
        field = self.model.model_fields.get(column)
        if field is not None:
            cell = cell_of(field)[0]
            if cell.max_chars is not None:
                return cell.max_chars
        return CODED_CHARS

    def ref(self, column: str, lookup: Any, values: pa.Array | None = None) -> pa.Array:
        """Ids for a reference column (team, service, indicator) resolved by ``lookup``."""
        _, _, is_required = self._annotation(column)
        if is_required and values is None:
            self.require(column)
        return self.coded(column, lookup.resolve, values=values)

    def coded(self, column: str, read: Callable[[str], Any], arrow_type: pa.DataType | None = None,
              values: pa.Array | None = None) -> pa.Array:
        """Read each distinct value of the column (or of ``values``) once with ``read``.

        ``read`` returns the stored value or raises ``ValueError`` with the sentence to show.
        """
        codes, parsed = self.read(column, read, values)
        arrow_type = arrow_type or pa.string()
        if not len(parsed):
            return pa.nulls(len(codes), arrow_type)
        return _take(pa.array(parsed, type=arrow_type), codes)

    def read(self, column: str, read: Callable[[str], Any],
             values: pa.Array | None = None) -> tuple[np.ndarray, list[Any]]:
        """Each row's code (−1 where blank) and each distinct value read with ``read`` (None where it
        could not be read: those rows get a problem with ``read``'s sentence)."""
        codes, uniques = self.codes(column) if values is None else _distinct(values)
        parsed: list[Any] = []
        errors: dict[int, str] = {}
        limit = self._max_chars(column)
        for k, unique in enumerate(uniques):
            if isinstance(unique, str) and len(unique) > limit:  # never parsed, never echoed
                parsed.append(None)
                errors[k] = (f"This cell holds {len(unique):,} characters, more than a "
                             f"{column.replace('_', ' ')} ever takes ({limit:,} at most).")
                continue
            try:
                parsed.append(read(unique))
            except ValueError as exc:
                parsed.append(None)
                errors[k] = str(exc)
        if errors:
            failed = np.fromiter(errors, dtype=np.int64)
            self.add(np.isin(codes, failed), column, lambda i: errors[int(codes[i])])
        return codes, parsed

    def _numbers(self, column: str, annotation: Any, cell: Cell) -> pa.Array:
        text = self.raw(column)
        try:
            numbers = pc.cast(text, pa.float64())
            finite = pc.is_finite(numbers)
            if not pc.all(pc.fill_null(finite, True)).as_py():
                raise pa.ArrowInvalid("not finite")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return self.coded(column, lambda v: read_value(annotation, v), _arrow_type(annotation))
        arr = numbers.to_numpy(zero_copy_only=False)

        def shown(i: int) -> str:
            return shorten(text[i].as_py().strip())

        if cell.ge is not None:
            low = ~np.isnan(arr) & (arr < cell.ge)
            self.add(low, column, (lambda i: f"'{shown(i)}' is negative; it must be 0 or more.") if cell.ge == 0
                     else (lambda i: too_large(shown(i), -cell.ge)))
            arr = np.where(low, np.nan, arr)
        if cell.le is not None:
            high = ~np.isnan(arr) & (arr > cell.le)
            self.add(high, column, lambda i: too_large(shown(i), cell.le))
            arr = np.where(high, np.nan, arr)
        if cell.how == "integer":
            frac = ~np.isnan(arr) & (np.floor(np.where(np.isnan(arr), 0, arr)) != arr)
            self.add(frac, column, lambda i: f"'{text[i].as_py()}' is not a whole number.")
            arr = np.where(frac, np.nan, arr)
            return pa.array(pd.array(arr, dtype="Int64"))
        return pa.array(arr, mask=np.isnan(arr))

    # -- rules across rows ----------------------------------------------------------------
    def duplicates(self, keys: Sequence[tuple[str, pa.Array]], describe: Callable[[int], str]) -> np.ndarray:
        """A problem on every row whose key (the given columns' values) appears more than once."""
        if len(keys) == 1 and self.n:  # the usual file, no key twice, is told by counting (issue 14: a million ids)
            values = keys[0][1]
            if pc.count_distinct(values, mode="only_valid").as_py() == len(values) - values.null_count:
                return np.zeros(self.n, dtype=bool)
        usable = np.ones(self.n, dtype=bool)
        combined: np.ndarray | None = None
        for _, values in keys:
            codes, size = _codes_only(values)
            usable &= codes >= 0
            if combined is None:
                combined = codes.astype(np.int64)
            else:  # pair the codes, then renumber so the numbers stay small whatever the number of columns
                combined = pd.factorize(combined * (size + 1) + codes)[0].astype(np.int64)
        if combined is None or not self.n:
            return np.zeros(self.n, dtype=bool)
        if len(keys) == 1:  # one column's codes are already 0..size-1: no renumbering (a million ids, issue 14)
            codes = np.where(usable, combined, size)
        else:
            codes, _ = pd.factorize(np.where(usable, combined, -1))
        counts = np.bincount(codes)
        dup = usable & (counts[codes] > 1)
        if dup.any():
            first_rows: dict[int, list[int]] = {}
            for i in np.flatnonzero(dup)[:MAX_PROBLEMS * 10]:
                first_rows.setdefault(int(codes[i]), []).append(int(self.rows[i]))

            def message(i: int) -> str:
                rows = first_rows.get(int(codes[i]), [])
                others = [r for r in rows if r != self.rows[i]]
                where = ", ".join(str(r) for r in others[:5]) + (" ..." if len(others) > 5 else "")
                return f"{describe(i)} appears more than once in this file (also row {where}). Keep one row."

            self.add(dup, keys[0][0], message)
        return dup


def _arrow_type(annotation: Any) -> pa.DataType:
    import datetime as dt
    import typing

    base = typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation
    return {int: pa.int64(), float: pa.float64(), bool: pa.bool_(), dt.date: pa.date32()}.get(base, pa.string())


def _letter(index: int) -> str:
    from qa_core.io.importer.formats import _column_letter

    return _column_letter(index)


def _series(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not len(values):
        return pd.Series([], dtype=object)
    return pd.Series(values, dtype=pd.ArrowDtype(values.type))


def _codes_only(values: pa.Array) -> tuple[np.ndarray, int]:
    """Codes (−1 for missing) and how many distinct values there are."""
    codes, uniques = pd.factorize(_series(values), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), len(uniques)


def _factorize(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, list[Any]]:
    """Each value's code (−1 where missing) and the distinct values in order of first appearance: what
    ``pd.factorize`` gives, the same way (Arrow's dictionary encoding), for text without copying the column's
    text into one piece first (a million cells: a third less time, issue 14)."""
    if not pa.types.is_string(values.type) or not len(values):
        codes, uniques = pd.factorize(_series(values), use_na_sentinel=True)
        return np.asarray(codes, dtype=np.int64), (uniques.tolist() if hasattr(uniques, "tolist") else list(uniques))
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.chunk(0) if encoded.num_chunks == 1 else encoded.combine_chunks()
    indices = encoded.indices
    if indices.null_count:
        indices = pc.fill_null(indices, -1)
    return indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary.to_pylist()


def _distinct(values: pa.Array) -> tuple[np.ndarray, list[Any]]:
    """Codes (−1 for blank) and the distinct values, trimmed; cells of only spaces count as blank."""
    codes, found = _factorize(values)
    if not found or not isinstance(found[0], str):
        return codes, found
    trimmed = [restore(u.strip()) for u in found]  # restore: the quote an export put before a formula
    if all(t == u for t, u in zip(trimmed, found, strict=True)):
        return codes, found
    # Merge values equal once trimmed, and send blank ones to −1.
    first: dict[str, int] = {}
    remap = np.empty(len(trimmed) + 1, dtype=np.int64)
    kept: list[str] = []
    for k, t in enumerate(trimmed):
        if not t:
            remap[k] = -1
        elif t in first:
            remap[k] = first[t]
        else:
            first[t] = remap[k] = len(kept)
            kept.append(t)
    remap[-1] = -1
    return remap[codes], kept


def _trim(values: pa.Array) -> pa.Array:
    trimmed = restore_array(pc.utf8_trim_whitespace(values))  # the quote an export put before a formula
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _take(typed: pa.Array, codes: np.ndarray) -> pa.Array:
    missing = codes < 0
    out = typed.take(pa.array(np.where(missing, 0, codes), pa.int64()))
    if missing.any():
        out = pc.if_else(pa.array(missing), pa.scalar(None, out.type), out)
    return out
