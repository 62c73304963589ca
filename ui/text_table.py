"""A table of words drawn through a pandas ``Styler`` (tag colours on some cells) at less cost to
Streamlit, showing exactly the same text.

Streamlit sends a Styler's table as the frame's values plus, for every cell pandas gives an id, the
text pandas shows in it, which it writes into its own copy of the table (``frame.astype(str)``) one
column at a time: for a ten-row table of words that was most of the table's cost on every rerun
(issue 14). Pandas gives every cell an id unless told not to (``cell_ids=False``); a cell with a style
(a tag colour) has one either way. Pandas shows a text cell as the text itself, which is what
``astype(str)`` gives too, so when every cell is text the other ids change nothing the reader sees and
are left out. A frame with any other cell (a number, a blank) keeps them all.

>>> text_styler(pd.DataFrame({"Measure": ["Plans"], "RAG": ["Red"]})).cell_ids
False
>>> text_styler(pd.DataFrame({"Measure": ["Plans"], "Value": [12.5]})).cell_ids
True
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

__all__ = ["text_styler", "all_text"]


def text_styler(frame: pd.DataFrame) -> Styler:
    """``frame.style``, with cell ids only where a style needs them when every cell is text."""
    return Styler(frame, cell_ids=not all_text(frame))


def all_text(frame: pd.DataFrame) -> bool:
    """Whether every cell of ``frame`` is a string (no blanks, no numbers).

    >>> all_text(pd.DataFrame({"a": ["x", "y"]})), all_text(pd.DataFrame({"a": ["x", None]}))
    (True, False)
    """
    for _, column in frame.items():
        if isinstance(column.dtype, pd.StringDtype):
            if column.isna().any():
                return False
        elif column.dtype == object:
            if not all(isinstance(value, str) for value in column):
                return False
        else:
            return False
    return True
