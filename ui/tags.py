"""RAG and status tags, once: the GOV.UK tag colours (dark text on a light tint, contrast above
4.5:1) as badges and as table-cell styles. The word in the badge or cell always carries the
meaning; the colour only repeats it.

>>> tag_css("Red")
'color: #2a0b06; background-color: #f4cdc6'
>>> tag_css("Ruby"), badge_md("Amber", "Current: Amber")
('', ':orange-badge[Current: Amber]')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from qa_core.rules.audits import ASSESS_BETTER, ASSESS_MEETS, ASSESS_MISSES, ASSESS_WORSE
from ui.styled import plain_styler

__all__ = [
    "TAG_COLOURS",
    "BADGE",
    "ASSESSMENT_TAGS",
    "GRADE_TAGS",
    "tag_css",
    "style_tags",
    "style_rag",
    "rag_badge",
    "badge_md",
]

#: GOV.UK "tag" colours: (text, background) for each RAG word.
TAG_COLOURS: dict[str, tuple[str, str]] = {
    "Red": ("#2a0b06", "#f4cdc6"),
    "Amber": ("#6e3619", "#fcd6c3"),
    "Yellow": ("#594d00", "#fff7bf"),
    "Green": ("#005a30", "#cce2d8"),
    "Blue": ("#0c2d4a", "#bbd4ea"),
}
#: The colour ``st.badge`` (and Markdown's ``:colour-badge[...]``) gives each RAG word.
BADGE: dict[str, str] = {"Red": "red", "Amber": "orange", "Yellow": "yellow", "Green": "green", "Blue": "blue"}
#: An audit verdict against the 10% inadequate target, as the tag its cell shows in.
ASSESSMENT_TAGS: dict[str, str] = {
    ASSESS_WORSE: "Red",
    ASSESS_MISSES: "Amber",
    ASSESS_MEETS: "Green",
    ASSESS_BETTER: "Green",
}
#: An audit's final grade as the tag its cell shows in.
GRADE_TAGS: dict[str, str] = {
    "Inadequate": "Red",
    "Requires Improvement": "Amber",
    "Good": "Green",
    "Outstanding": "Blue",
}

#: How a column's cell text becomes a RAG word: None (the text is the word), a mapping of cell
#: text to word, or a function of the cell's value.
TagOf = Mapping[str, "str | None"] | Callable[[object], object] | None


def tag_css(status: object, bold: bool = False) -> str:
    """The cell style of the tag for ``status`` (a RAG word); '' for any other value."""
    fg_bg = TAG_COLOURS.get(str(status))
    if not fg_bg:
        return ""
    return f"color: {fg_bg[0]}; background-color: {fg_bg[1]}" + ("; font-weight: bold" if bold else "")


def _css_of(tag_of: TagOf, bold: bool) -> Callable[[object], str]:
    if tag_of is None:
        return lambda value: tag_css(value, bold)
    if isinstance(tag_of, Mapping):
        return lambda value: tag_css(tag_of.get(str(value)), bold)
    return lambda value: tag_css(tag_of(value), bold)


def style_tags(data: pd.DataFrame | Styler, columns: Mapping[str, TagOf], bold: bool = False) -> Styler:
    """Colour the cells of each of ``columns`` (those the frame has) with the tag of their text;
    the cell keeps its words. ``data``: a frame (drawn through ``ui.styled.plain_styler``), or a Styler
    already formatted."""
    styler = data if isinstance(data, Styler) else plain_styler(data)
    for column, tag_of in columns.items():
        if column in styler.data.columns:
            styler = styler.map(_css_of(tag_of, bold), subset=[column])
    return styler


def style_rag(frame: pd.DataFrame | Styler, columns: Iterable[str]) -> Styler:
    """Colour RAG text cells with tag colours; the cell text stays the status word."""
    return style_tags(frame, dict.fromkeys(columns))


def rag_badge(status: str | None, count: int | None = None) -> None:
    """A RAG status as a text badge (never colour alone): "Red: 3"; grey for any other word."""
    label = status or "No rating"
    if count is not None:
        label = f"{label}: {count}"
    st.badge(label, color=BADGE.get(status or "", "gray"))


def badge_md(status: object, text: str) -> str:
    """A badge in Markdown, coloured as ``status``'s tag (grey for any other word). ``text`` is
    rendered as Markdown: words of ours only, never stored text."""
    return f":{BADGE.get(status, 'gray')}-badge[{text}]"
