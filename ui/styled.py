"""A table of numbers drawn through a pandas ``Styler`` (one decimal place, thousands separators, tag
colours added after) at less cost to Streamlit, showing exactly the same text.

Streamlit sends a Styler's table as the frame's values plus, for every cell pandas gives an id, the text
pandas shows in it, which it writes into its own copy of the table one column at a time: on a 120-month
table that was most of the table's cost on every rerun (issue 14). Pandas gives every cell an id unless
told not to (``cell_ids=False``); a styled cell (a tag colour) always has one. A cell without one shows
``str(value)``. Where that is already the text pandas would show (text, whole numbers under 1,000,
numbers already rounded to the decimal places shown), the ids change nothing the reader sees, so they
are left out; anywhere else they are kept. A styled cell always gets an id from pandas, so
:func:`plain_styler` (which ``number_styler`` and ``ui.tags.style_tags`` build on) leaves out, after pandas has
worked out the table, the id of every body cell whose shown text is the frame's own ``astype(str)`` text:
Streamlit's copy then already holds it, and its write would change nothing.

>>> number_styler(pd.DataFrame({"Month": ["2026-10"], "Audits": [230], "%": [12.5]})).cell_ids
False
>>> number_styler(pd.DataFrame({"Audits": [1234]})).cell_ids  # shown as "1,234", not "1234"
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

__all__ = ["KeptStyle", "ShownTable", "drop_plain_ids", "keep_style", "number_styler", "plain_styler",
           "shows_plain_text"]

#: Below this a whole number has no thousands separator.
_THOUSAND = 1000


def number_styler(frame: pd.DataFrame, precision: int = 1) -> Styler:
    """``frame`` as a Styler showing numbers to ``precision`` decimal places with thousands separators
    (``Styler.format``), with cell ids only where a cell's plain text would not show the same."""
    cell_ids = not shows_plain_text(frame, precision)
    return plain_styler(frame, cell_ids=cell_ids).format(precision=precision, thousands=",")


#: A body cell's id as pandas writes it and Streamlit reads it: row and column by position.
_CELL_ID = re.compile(r"row(\d+)_col(\d+)")


def plain_styler(frame: pd.DataFrame, cell_ids: bool = True) -> Styler:
    """``Styler(frame, cell_ids=cell_ids)`` whose worked-out table (``_translate``, which Streamlit reads) gives
    no id to a body cell that shows its own ``astype(str)`` text: Streamlit writes the shown text of every cell
    with an id into its ``astype(str)`` copy of the frame, one pandas assignment a column, and those writes
    would change nothing. The styles (``cellstyle``) are listed apart from the ids and stay as they are.

    Still a ``Styler`` by type (Streamlit recognises a Styler by its exact type name, so not a subclass): the
    instance's own ``_translate`` wraps the class's.
    """
    styler = Styler(frame, cell_ids=cell_ids)
    translate = styler._translate

    def _translate(*args: Any, **kwargs: Any) -> dict:
        translated = translate(*args, **kwargs)
        drop_plain_ids(translated.get("body", []))
        return translated

    styler._translate = _translate  # type: ignore[method-assign]
    return styler


#: The arguments Streamlit works a Styler's table out with (``styler._translate(False, False)``: not sparse).
_STREAMLIT_TRANSLATE = (False, False)


@dataclass(frozen=True, eq=False)
class KeptStyle:
    """A styled table worked out once (pandas' styles and shown text for every cell), to hand to Streamlit on
    every rerun of a view without working it out again: keep it with the view (``ui.data.cached``), draw
    ``kept.styler()``. Streamlit then reads the same styles and text as from the Styler it came from."""

    data: pd.DataFrame
    translated: dict
    source: Styler

    def styler(self) -> Styler:
        """A new ``Styler`` of the kept frame (its own uuid, set by Streamlit from where it is drawn) whose
        ``_compute`` does nothing and whose ``_translate`` for Streamlit's arguments is the kept table."""
        styler = Styler(self.data.copy(deep=False), cell_ids=self.source.cell_ids)
        source, translated = self.source, self.translated

        def _compute() -> Styler:
            return styler

        def _translate(*args: Any, **kwargs: Any) -> dict:
            if args == _STREAMLIT_TRANSLATE and not kwargs:
                return {**translated, "uuid": styler.uuid}
            return source._translate(*args, **kwargs)  # anything else: worked out from the original

        styler._compute = _compute  # type: ignore[method-assign]
        styler._translate = _translate  # type: ignore[method-assign]
        return styler


@dataclass(frozen=True)
class ShownTable:
    """A table as a page shows it (``table``: also its download) and its styled cells worked out (``styled``),
    kept per view."""

    table: pd.DataFrame
    styled: KeptStyle


def keep_style(styler: Styler) -> KeptStyle:
    """Work ``styler``'s table out now, as Streamlit would (``_compute``, then ``_translate(False, False)``)."""
    styler._compute()
    return KeptStyle(styler.data, styler._translate(*_STREAMLIT_TRANSLATE), styler)


def drop_plain_ids(body: list[list[dict]]) -> None:
    """Take the "id" off each cell of ``body`` (``Styler._translate``'s rows) whose value is text or a whole
    number (``frame.astype(str)`` gives it as its ``str``) and whose shown text is that ``str``; a cell of any
    other value (a decimal, a blank: pandas shows "nan") or shown otherwise ("1,234") keeps it.

    >>> body = [[{"id": "row0_col0", "value": "Red", "display_value": "Red"},
    ...          {"id": "row0_col1", "value": 1234, "display_value": "1,234"},
    ...          {"id": "row0_col2", "value": 12, "display_value": "12"}]]
    >>> drop_plain_ids(body)
    >>> [cell.get("id") for cell in body[0]]
    [None, 'row0_col1', None]
    """
    for row in body:
        for cell in row:
            if "id" not in cell:
                continue
            value, shown = cell.get("value"), cell.get("display_value")
            if type(shown) is not str or not _CELL_ID.match(cell["id"]):
                continue  # Streamlit writes an Enum's value, and skips an id not of a body cell
            if type(value) is str or (isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)):
                if str(value) == shown:
                    del cell["id"]


def shows_plain_text(frame: pd.DataFrame, precision: int = 1) -> bool:
    """Whether every cell's ``str`` (as ``frame.astype(str)`` gives it) is the text ``Styler.format(precision,
    thousands=",")`` shows: text, whole numbers under 1,000 either way, and decimals already rounded to
    ``precision`` places under 1,000, none blank. Any other column type: False (ids kept).

    >>> shows_plain_text(pd.DataFrame({"a": [0.5, 12.0], "b": ["x", "y"]}))
    True
    >>> shows_plain_text(pd.DataFrame({"a": [0.25]})), shows_plain_text(pd.DataFrame({"a": [0.5, np.nan]}))
    (False, False)
    """
    for _, column in frame.items():
        dtype = column.dtype
        if isinstance(dtype, pd.StringDtype):
            if column.isna().any():  # pandas shows "nan"; the frame's own text is a blank
                return False
        elif isinstance(dtype, np.dtype) and dtype.kind == "O":
            if not all(isinstance(value, str) for value in column):
                return False
        elif isinstance(dtype, np.dtype) and dtype.kind in "iu":
            if (np.abs(column.to_numpy()) >= _THOUSAND).any():
                return False
        elif isinstance(dtype, np.dtype) and dtype.kind == "f":
            # A number equal to k / 10**precision (the double nearest it: the division rounds correctly) and
            # under 1,000 prints as its shortest form, "12.3" (or "12.0"): the text the format shows. A blank
            # (NaN) is shown "nan" by pandas but sent blank as plain text.
            values = column.to_numpy(dtype="float64")
            scale = 10.0**precision
            if not (np.abs(values) < _THOUSAND).all() or (np.round(values * scale) / scale != values).any():
                return False
        else:
            return False
    return True
