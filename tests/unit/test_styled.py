"""``ui.styled``: a table drawn without cell ids only where every cell's plain text is already what the
formatted Styler shows, so Streamlit sends exactly the same table, and with them anywhere else."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from pandas.io.formats.style import Styler
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData

from ui.styled import keep_style, number_styler, plain_styler, shows_plain_text
from ui.tags import style_tags

COLOURS = {"Against the 10% target": {"meets target": "Green", "misses target": "Amber"}}


@pytest.mark.parametrize(
    ("column", "plain"),
    [
        (["2026-10", "2026-11"], True),  # text shows as itself
        (pd.array(["a", None], dtype="str"), False),  # a blank: pandas shows "nan"
        (["a", None], False),  # None in a column of objects
        ([0, 999, -999], True),  # no thousands separator under 1,000
        ([1000], False),  # "1,000", not "1000"
        ([12.3, 0.0, -4.5, 100.0], True),  # "12.3", "0.0", "-4.5", "100.0" either way
        ([12.3, np.nan], False),  # pandas shows "nan"; the plain text is a blank
        ([12.34], False),  # shown "12.3"
        ([999.9], True),
        ([1000.5], False),  # "1,000.5"
        ([True, False], False),  # another type: ids kept
        (pd.to_datetime(["2026-10-01"]), False),
    ],
)
def test_plain_text_is_what_the_format_shows(column, plain) -> None:
    assert shows_plain_text(pd.DataFrame({"c": column})) is plain


def test_the_precision_is_the_number_of_places_shown() -> None:
    frame = pd.DataFrame({"c": [12.34, 5.0]})
    assert shows_plain_text(frame, precision=2) and not shows_plain_text(frame, precision=1)


def _sent(styler) -> tuple:
    """What Streamlit sends for a Styler: the values, the styles (its random table id made fixed) and the
    text shown in each cell."""
    proto = ArrowData()
    marshall_styler(proto, styler, "x")
    return proto.data, re.sub(r"#T_[0-9a-f]+", "#T_X", proto.styler.styles), proto.styler.display_values


def _table(audits: list[int], pct: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Month": [f"2026-{m:02d}" for m in range(1, len(audits) + 1)],
            "Audits": audits,
            "% inadequate": pct,
            "Against the 10% target": ["meets target", "misses target", "no audits"][: len(audits)],
            "Special cause": pd.Series(["none", "concern", "none"][: len(audits)], dtype=object),
        }
    )


@pytest.mark.parametrize(
    ("frame", "ids"),
    [
        (_table([230, 41, 0], [8.7, 12.2, 0.0]), False),
        (_table([230, 41, 0], [8.7, 12.2, np.nan]), True),  # "nan"
        (_table([1230, 41, 0], [8.7, 12.2, 0.0]), True),  # "1,230"
        (_table([230, 41, 0], [8.65, 12.2, 0.0]), True),  # "8.7" (pandas rounds), "8.65" plain
        (_table([], []), False),
    ],
)
def test_streamlit_is_sent_the_same_table_either_way(frame: pd.DataFrame, ids: bool) -> None:
    cheap = number_styler(frame)
    assert cheap.cell_ids is ids
    usual = frame.style.format(precision=1, thousands=",")
    assert _sent(style_tags(cheap, COLOURS)) == _sent(style_tags(usual, COLOURS))


def _board() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Area": ["Front door", "Care leavers", "Court work"],
            "Current RAG": ["Red", "Green", "Purple"],
            "Overdue": [2, 0, 1234],
            "%": [12.25, 3.0, np.nan],
            "Note": pd.array(["late", None, "x"], dtype="str"),
        }
    )


def _tagged(styler):
    return style_tags(styler, {"Current RAG": None, "Overdue": lambda n: "Red" if n else None})


def test_a_plain_styler_sends_the_same_table() -> None:
    frame = _board()
    assert _sent(_tagged(plain_styler(frame))) == _sent(_tagged(frame.style))
    formatted = frame.style.format(precision=1, thousands=",")
    assert _sent(_tagged(number_styler(frame))) == _sent(_tagged(formatted))


def test_a_plain_styler_leaves_out_only_the_ids_of_cells_showing_their_own_text() -> None:
    styler = _tagged(plain_styler(_board()).format(precision=1, thousands=","))
    styler._compute()
    body = styler._translate(False, False)["body"]
    with_ids = {(r, c) for r, row in enumerate(body) for c, cell in enumerate(row[1:]) if "id" in cell}
    # "1,234" is not "1234"; 12.25 shows "12.2", 3.0 "3.0" and NaN "nan" (decimals keep theirs); a missing text
    # shows "nan"; the coloured words and small whole numbers need none.
    assert with_ids == {(2, 2), (0, 3), (1, 3), (2, 3), (1, 4)}
    assert type(styler) is Styler  # Streamlit knows a Styler by its exact type


def test_a_kept_style_sends_what_its_styler_sent_on_every_rerun() -> None:
    frame = _board()
    kept = keep_style(_tagged(plain_styler(frame)))
    usual = _sent(_tagged(frame.style))
    first, second = kept.styler(), kept.styler()
    assert first is not second and first.data is not kept.data
    assert _sent(first) == usual and _sent(second) == usual
    third = kept.styler()
    proto = ArrowData()
    marshall_styler(proto, third, "abc")  # its own uuid names its styles, as a new Styler's does
    assert proto.styler.uuid == third.uuid and f"#T_{third.uuid}_row0_col1" in proto.styler.styles
