"""The charts' colours: the Government Analysis Function's accessible palette, the text and
grid colours every figure uses, and WCAG 2.2's contrast arithmetic that checks them
(tests/unit/test_contrast.py).

>>> round(contrast_ratio(DARK_BLUE, "#ffffff"), 1)
10.2
"""

from __future__ import annotations

DARK_BLUE = "#12436D"
ORANGE = "#F46A25"
GREY = "#3D3D3D"
TURQUOISE = "#28A197"
PINK = "#801650"
PURPLE = "#A285D1"
#: The Analysis Function's categorical order: each colour has 3:1 contrast with the next one and
#: with white (.streamlit/config.toml gives Streamlit's own charts the same list).
CATEGORICAL = (DARK_BLUE, TURQUOISE, PINK, ORANGE, GREY, PURPLE)
#: Chart text (titles, labels) and the light grid lines behind the data.
TEXT = "#0b0c0c"
GRID = "#e5e5e5"
#: Plotly's options for every chart on the pages: no Plotly logo in the toolbar.
CONFIG = {"displaylogo": False}


def relative_luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#rrggbb`` colour (0 black to 1 white)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white); text needs
    4.5, adjacent chart colours and other graphics 3."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(colour: str, opacity: float, under: str = "#ffffff") -> str:
    """The colour seen when ``colour`` is drawn at ``opacity`` over ``under`` (a shaded band)."""
    top = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    bottom = [int(under.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(opacity * t + (1 - opacity) * b):02x}" for t, b in zip(top, bottom, strict=True))
