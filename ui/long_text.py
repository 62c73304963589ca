"""Long stored text (narratives, descriptions, commentary, controls, evidence) on pages: a short
preview where it sits, the whole text one click away.

A 1 MiB narrative rendered whole blocked the browser for over ten seconds. So a page shows at
most ``PREVIEW_CHARS`` characters of a text in place (and in a table cell), ending "…", with a
"Read in full" switch (or, under a table, a chooser of its shortened texts) that shows the
whole text as plain text, ``PART_CHARS`` characters at a time. Nothing here renders Markdown or
HTML: the text goes to ``st.text`` and table cells as it is. Downloads keep the whole text.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

__all__ = [
    "PREVIEW_CHARS",
    "PART_CHARS",
    "LABEL_CHARS",
    "preview",
    "is_cut",
    "show_text",
    "preview_frame",
    "read_in_full",
]

#: Characters of a text shown in place (in a paragraph or a table cell).
PREVIEW_CHARS = 300
#: Characters of a text shown at a time when it is read in full.
PART_CHARS = 50_000
#: Characters of a text used to name it in a chooser.
LABEL_CHARS = 80
ELLIPSIS = "…"


def is_cut(text: object, limit: int = PREVIEW_CHARS) -> bool:
    """Whether ``preview`` shortens ``text``."""
    return isinstance(text, str) and len(text) > limit


def preview(text: object, limit: int = PREVIEW_CHARS) -> object:
    """``text`` cut to ``limit`` characters and "…" when longer; anything else as it is.

    >>> preview("abcdef", 3)
    'abc…'
    >>> preview(None) is None
    True
    """
    return text[:limit] + ELLIPSIS if is_cut(text, limit) else text


def _whole(text: str, key: str) -> None:
    """The whole text as plain text, one part of ``PART_CHARS`` characters at a time."""
    parts = -(-len(text) // PART_CHARS)
    part = 1
    if parts > 1:
        part = st.number_input(
            f"Part (of {parts}, {PART_CHARS:,} characters each)",
            min_value=1,
            max_value=parts,
            value=1,
            step=1,
            key=f"{key}_part",
        )
    st.text(text[(part - 1) * PART_CHARS : part * PART_CHARS])


def show_text(text: str, key: str) -> None:
    """``st.text`` of ``text``'s preview; when it was cut, a "Read in full" switch (``key``)
    that shows it whole below."""
    st.text(preview(text))
    if is_cut(text) and st.toggle(f"Read in full ({len(text):,} characters)", key=key):
        _whole(text, key)


def preview_frame(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A copy of ``frame`` with the text cells of ``columns`` cut to ``PREVIEW_CHARS``, for a table."""
    out = frame.copy()
    for col in columns:
        out[col] = out[col].map(preview)
    return out


def read_in_full(frame: pd.DataFrame, columns: Sequence[str], labels: Sequence[str], key: str) -> None:
    """Under a table shown through ``preview_frame``: a chooser of its shortened texts (each
    named by its row's ``labels`` entry and its column) that shows the chosen one whole.
    Nothing is drawn when no text was cut."""
    cut = [(row, col) for col in columns for row, text in enumerate(frame[col]) if is_cut(text)]
    if not cut:
        return
    names = [f"{preview(str(labels[row]), LABEL_CHARS)}: {col}" for row, col in cut]
    choice = st.selectbox(
        f"Read a shortened text in full ({len(cut)} cut to {PREVIEW_CHARS} characters above)",
        range(len(cut)),
        index=None,
        placeholder="Choose a text",
        key=key,
        format_func=names.__getitem__,
    )
    if choice is not None:
        row, col = cut[choice]
        text = frame[col].iloc[row]
        st.caption(f"{len(text):,} characters")
        _whole(text, f"{key}_{choice}")
