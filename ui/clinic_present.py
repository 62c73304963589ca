"""The clinic's "present" view: one measure per screen for the projector (its chart, numbers,
commentary and actions), next and previous from the keyboard.

Why buttons with shortcuts: Streamlit 1.67's ``st.button(shortcut=...)`` binds a key to the
button in the browser, so the chair moves on with → (Right) and back with ← (Left), or by
Tab and Enter, with no custom JavaScript. The measure stays in the URL (the "Measure to discuss"
box is bound to the query parameter ``measure``, and the switch to ``present``), so a link opens
the same screen."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from ui.clinic_measures import spc_words
from ui.figures import mdc_icons
from ui.formatters import fmt_count, fmt_number
from ui.safe import md

__all__ = [
    "PRESENT_KEY",
    "NEXT_KEY",
    "PREVIOUS_KEY",
    "present_toggle",
    "neighbour",
    "show_controls",
    "numbers_row",
    "heading",
]

PRESENT_KEY = "present"
NEXT_KEY, PREVIOUS_KEY = "Right", "Left"


def present_toggle() -> bool:
    """The switch into the present view (bound to the URL)."""
    return st.toggle(
        "Present: one measure per screen",
        key=PRESENT_KEY,
        bind="query-params",
        help="For the projector: the chosen measure's chart, numbers, commentary and actions on one "
        "screen. Next measure: → (Right arrow); previous: ← (Left arrow).",
    )


def neighbour(codes: list[str], code: str, step: int) -> str | None:
    """The measure ``step`` places from ``code`` (None past either end).

    >>> neighbour(["A", "B", "C"], "B", 1), neighbour(["A", "B"], "A", -1)
    ('C', None)
    """
    at = codes.index(code) + step
    return codes[at] if 0 <= at < len(codes) else None


def _go(measure_key: str, code: str) -> None:
    st.session_state[measure_key] = code


def show_controls(codes: list[str], names: dict[str, str], code: str, measure_key: str = "measure") -> None:
    """Previous / position / next, the buttons bound to ← and →."""
    before, after = neighbour(codes, code, -1), neighbour(codes, code, 1)
    left, middle, right = st.columns([2, 3, 2], vertical_alignment="center")
    with left:
        st.button(
            "Previous",
            key="present_previous",
            shortcut=PREVIOUS_KEY,
            disabled=before is None,
            on_click=_go,
            args=(measure_key, before),
            icon=":material/arrow_back:",
            width="stretch",
            help=None if before is None else f"Back to {names[before]}",
        )
    with middle:
        st.markdown(f"**Measure {codes.index(code) + 1} of {len(codes)}**", text_alignment="center")
    with right:
        st.button(
            "Next",
            key="present_next",
            shortcut=NEXT_KEY,
            disabled=after is None,
            on_click=_go,
            args=(measure_key, after),
            icon=":material/arrow_forward:",
            width="stretch",
            help=None if after is None else f"On to {names[after]}",
        )


def numbers_row(row: pd.Series) -> None:
    """The measure's numbers in large type, with its two icons (their meaning as alt text and tooltip,
    and in short words beneath), then the count and the direction of travel."""
    unit = row["unit"]
    count = fmt_count(row["numerator"], row["denominator"]) if unit == "%" else ""
    cols = st.columns([3, 3, 3, 2, 2])
    cols[0].metric("This month", fmt_number(row["value"], unit))
    cols[1].metric("Target", fmt_number(row["target"], unit) if not pd.isna(row["target"]) else "none")
    cols[2].metric("RAG", row["rag"] if isinstance(row["rag"], str) else "none")
    variation = row["variation_code"] if isinstance(row["variation_code"], str) else None
    assurance = row["assurance_code"] if isinstance(row["assurance_code"], str) else "none"
    words = spc_words(variation, assurance).split("; ")
    for col, kind, icon_code, word in (
        (cols[3], "variation", variation, words[0]),
        (cols[4], "assurance", assurance, words[-1]),
    ):
        with col:
            # Our own SVG, alt text and words only: no stored text reaches this HTML.
            st.html(
                f'<div style="text-align:center">{mdc_icons.icon_html(kind, icon_code, 56)}'
                f"<br><span>{escape(word)}</span></div>"
            )
    trend = row["direction"] if isinstance(row["direction"], str) else "no previous month"
    st.caption(
        " · ".join(
            p
            for p in (
                count,
                f"Trend: {trend}",
                "Icons: "
                + mdc_icons.alt_text("variation", variation)
                + "; "
                + mdc_icons.alt_text("assurance", assurance),
            )
            if p
        )
    )


def heading(row: pd.Series) -> None:
    """The measure's name as the screen's heading (stored text: escaped)."""
    st.subheader(md(row["name"]), anchor=False)
