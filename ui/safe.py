"""Text from the store (names, narratives, commentary, actions: anything imported or typed)
shown in places that render Markdown (headings, captions, st.markdown/st.write, st.table cells,
tab and expander labels) or Plotly's HTML subset (chart titles, labels, hover text).

Streamlit already escapes raw HTML in Markdown, but Markdown itself can load and link: an
image ``![x](https://…)`` is fetched as the page renders, a link ``[x](https://…)``, a bare
``https://…`` or an email address becomes clickable, and ``:material/…:`` or ``:red[…]``
directives restyle. Plotly titles and legends accept ``<a href>``. So store text goes through
``md`` or ``plain`` on its way to those places; ``st.text`` and ``st.dataframe`` show text as
text and need neither.
"""

from __future__ import annotations

import html
import re

import pandas as pd

__all__ = ["md", "plain", "md_frame"]

# What makes Markdown link, load, restyle or lay out: brackets (links, images), angle brackets
# (autolinks), ':' (Streamlit directives, and the '://' of bare links), '$' (LaTeX), emphasis,
# code, headings and table pipes. Escaped with a backslash, each shows as itself; '(' and '!'
# cannot link once the brackets are escaped, so names like "Team (East)" stay as they are.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$:])")
# GFM turns bare "https://…", "www.…" and email addresses ("x@y.example", as mailto:) into links
# whatever is escaped: an invisible word joiner (U+2060) after the scheme's colon, inside "www."
# or after the "@" keeps them text.
_BARE_LINK = re.compile(r"(?i)(\\:)(?=//)|\b(www)(?=\.)|@")
_JOINER = "\u2060"


def md(text: object) -> str:
    """``text`` as Markdown that shows exactly those characters and links or loads nothing.

    >>> print(md("![x](pic.png) Team (East) *new*"))
    !\\[x\\](pic.png) Team (East) \\*new\\*
    >>> md("https://x.example") == "https\\\\:\\u2060//x.example"
    True
    >>> md("x@y.example") == "x@\\u2060y.example"
    True
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return _BARE_LINK.sub(lambda m: m.group(0) + _JOINER, escaped)


def plain(text: object) -> str:
    """``text`` for Plotly titles, labels and hover text: its HTML subset (``<a href>``, ``<b>``)
    is escaped so a name shows as typed."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return html.escape(str(text), quote=False)


def md_frame(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A copy of ``frame`` with its text cells (and column names) escaped by ``md``, for
    ``st.table``, which renders each cell as Markdown."""
    out = frame.copy()
    for col in columns if columns is not None else list(out.columns):
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: md(v) if isinstance(v, str) else v)
    out.columns = [md(c) if isinstance(c, str) else c for c in out.columns]
    return out
