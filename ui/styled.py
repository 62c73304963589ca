"""A table of numbers drawn through a pandas ``Styler`` (one decimal place, thousands separators, tag
colours added after) at less cost to Streamlit, showing exactly the same text.

Streamlit sends a Styler's table as the frame's values plus, for every cell pandas gives an id, the text
pandas shows in it, which it writes into its own copy of the table one column at a time: on a 120-month
table that was most of the table's cost on every rerun (issue 14). Pandas gives every cell an id unless
told not to (``cell_ids=False``); a styled cell (a tag colour) always has one. A cell without one shows
``str(value)``. Where that is already the text pandas would show (text, whole numbers under 1,000,
numbers already rounded to the decimal places shown), the ids change nothing the reader sees, so they
are left out; anywhere else they are kept.

>>> number_styler(pd.DataFrame({"Month": ["2026-10"], "Audits": [230], "%": [12.5]})).cell_ids
False
>>> number_styler(pd.DataFrame({"Audits": [1234]})).cell_ids  # shown as "1,234", not "1234"
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

__all__ = ["number_styler", "shows_plain_text"]

#: Below this a whole number has no thousands separator.
_THOUSAND = 1000


def number_styler(frame: pd.DataFrame, precision: int = 1) -> Styler:
    """``frame`` as a Styler showing numbers to ``precision`` decimal places with thousands separators
    (``Styler.format``), with cell ids only where a cell's plain text would not show the same."""
    return Styler(frame, cell_ids=not shows_plain_text(frame, precision)).format(precision=precision, thousands=",")


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
