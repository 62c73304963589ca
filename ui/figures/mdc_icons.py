"""The Making Data Count icons, drawn by this project as SVG (no third-party image files).

Managers trained in NHS England's Making Data Count read a measure's state from two icons: the
**variation** icon (what the latest point is: common cause, or a special cause that is an
improvement, a concern, or neither, high or low) and the **assurance** icon (will the target be
met: consistently passes, consistently fails, hit or miss). Each icon here is a filled circle
in the colour the SPC chart gives the same thing (``ui.figures.spc.MARKERS``), a small run of
dots showing the pattern, the unusual months drawn in the chart's marker shape (triangle for an
improvement, square for a concern, diamond for neither), and a **letter** (C, H, L, P, F, ?), so
colour never carries the meaning alone; every icon has a text alternative saying what it means (``alt_text``).

Use ``variation_uri`` / ``assurance_uri`` for an image column of a table (data URIs), ``icon_html``
for an image with its alt text in HTML, and ``key_rows`` / ``key_html`` for the key. The codes are
those of ``qa_core.rules.spc.icon_codes``.

>>> alt_text("variation", "concern_high")
'Special cause concern: the latest month is unusually high, and higher is worse'
>>> variation_uri("common_cause").startswith("data:image/svg+xml;base64,")
True
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from qa_core.rules.spc import ASSURANCE_CODES, VARIATION_CODES
from ui.figures.palette import DARK_BLUE, GREY, ORANGE, PINK, TEXT

__all__ = [
    "Icon",
    "VARIATION_ICONS",
    "ASSURANCE_ICONS",
    "NO_VARIATION",
    "icon_for",
    "alt_text",
    "icon_svg",
    "data_uri",
    "icon_column",
    "variation_uri",
    "assurance_uri",
    "icon_html",
    "key_rows",
    "key_html",
]

WHITE = "#ffffff"
#: The outline and letter of the "no icon" circle (7:1 on white).
QUIET = "#505a5f"


@dataclass(frozen=True)
class Icon:
    """One icon: its letter, meaning (alt text), fill, letter colour and the dots' pattern."""

    letter: str
    meaning: str
    fill: str
    ink: str  # the letter and dots: at least 4.5:1 on ``fill`` (tests/unit/test_mdc_icons.py)
    pattern: str  # 'flat', 'high', 'low', 'target' or 'none'
    marker: str = "circle"  # the unusual months' shape, as on the chart: circle, triangle, square, diamond


VARIATION_ICONS: dict[str, Icon] = {
    "common_cause": Icon("C", "Common cause variation: no significant change in the latest month", GREY, WHITE, "flat"),
    "improvement_high": Icon(
        "H",
        "Special cause improvement: the latest month is unusually high, and higher is better",
        DARK_BLUE,
        WHITE,
        "high",
        "triangle",
    ),
    "improvement_low": Icon(
        "L",
        "Special cause improvement: the latest month is unusually low, and lower is better",
        DARK_BLUE,
        WHITE,
        "low",
        "triangle",
    ),
    "concern_high": Icon(
        "H",
        "Special cause concern: the latest month is unusually high, and higher is worse",
        ORANGE,
        TEXT,
        "high",
        "square",
    ),
    "concern_low": Icon(
        "L",
        "Special cause concern: the latest month is unusually low, and lower is worse",
        ORANGE,
        TEXT,
        "low",
        "square",
    ),
    "neutral_high": Icon(
        "H",
        "Special cause, neither improvement nor concern: the latest month is unusually high",
        PINK,
        WHITE,
        "high",
        "diamond",
    ),
    "neutral_low": Icon(
        "L",
        "Special cause, neither improvement nor concern: the latest month is unusually low",
        PINK,
        WHITE,
        "low",
        "diamond",
    ),
}
#: Shown where there is no variation icon yet (fewer than 12 months for limits).
NO_VARIATION = Icon("–", "No variation icon: fewer than 12 months to set limits on", WHITE, QUIET, "none")
ASSURANCE_ICONS: dict[str, Icon] = {
    "pass": Icon(
        "P",
        "Consistently passes the target: the target lies beyond the process limits on the good side",
        DARK_BLUE,
        WHITE,
        "target",
    ),
    "fail": Icon(
        "F",
        "Consistently fails the target: the target lies beyond the process limits on the bad side, "
        "so it will not be met without a change to the process",
        ORANGE,
        TEXT,
        "target",
    ),
    "hit_or_miss": Icon(
        "?",
        "Hit or miss: the target lies within the process limits, so it will be met in some months and missed in others",
        GREY,
        WHITE,
        "target",
    ),
    "none": Icon(
        "–",
        "No assurance icon: no target, no better direction, or fewer than 12 months for limits",
        WHITE,
        QUIET,
        "none",
    ),
}
_KINDS = {"variation": VARIATION_ICONS, "assurance": ASSURANCE_ICONS}
assert tuple(VARIATION_ICONS) == VARIATION_CODES and tuple(ASSURANCE_ICONS) == ASSURANCE_CODES

# Dot heights (y, in a 40 x 40 box) for each pattern: five months, the last ones apart when special.
_DOTS = {"flat": (13, 12, 13, 12, 13), "high": (16, 16, 16, 12, 8.5), "low": (9, 9, 9, 13, 17)}


def icon_for(kind: str, code: str | None) -> Icon:
    """The icon of ``kind`` ('variation' or 'assurance') for ``code`` (None: no variation icon)."""
    if kind not in _KINDS:
        raise ValueError(f"Unknown icon kind {kind!r}: use variation or assurance.")
    if code is None and kind == "variation":
        return NO_VARIATION
    if code not in _KINDS[kind]:
        raise ValueError(f"Unknown {kind} icon {code!r}.")
    return _KINDS[kind][code]


def alt_text(kind: str, code: str | None) -> str:
    """What the icon means, in words: its text alternative."""
    return icon_for(kind, code).meaning


def icon_svg(kind: str, code: str | None, size: int = 32) -> str:
    """The icon as an SVG document: an image with its meaning as its accessible name and title."""
    icon = icon_for(kind, code)
    label = escape(icon.meaning, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="{size}" height="{size}" '
        f'role="img" aria-label="{label}"><title>{label}</title>',
        f'<circle cx="20" cy="20" r="18" fill="{icon.fill}" stroke="{icon.ink if icon.pattern == "none" else TEXT}" '
        f'stroke-width="{2 if icon.pattern == "none" else 1}"/>',
    ]
    if icon.pattern in _DOTS:
        dots = _DOTS[icon.pattern]
        for i, y in enumerate(dots):
            special = icon.pattern != "flat" and i >= len(dots) - 2
            parts.append(_mark(8 + 5 * i, y, icon.marker if special else "circle", icon.ink))
    elif icon.pattern == "target":  # the target as a dashed line
        parts.append(
            f'<line x1="8" y1="13" x2="32" y2="13" stroke="{icon.ink}" stroke-width="2" stroke-dasharray="3 2"/>'
        )
    y, font = (26, 18) if icon.pattern == "none" else (33, 15)  # no dots: the dash in the middle
    parts.append(
        f'<text x="20" y="{y}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="{font}" font-weight="bold" fill="{icon.ink}">{escape(icon.letter)}</text></svg>'
    )
    return "".join(parts)


def _mark(x: float, y: float, shape: str, colour: str) -> str:
    """One month's dot, in the chart's marker shape."""
    if shape == "triangle":
        return f'<polygon points="{x},{y - 3.5} {x - 3.5},{y + 3} {x + 3.5},{y + 3}" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 2.8}" y="{y - 2.8}" width="5.6" height="5.6" fill="{colour}"/>'
    if shape == "diamond":
        return f'<polygon points="{x},{y - 3.6} {x + 3.6},{y} {x},{y + 3.6} {x - 3.6},{y}" fill="{colour}"/>'
    return f'<circle cx="{x}" cy="{y}" r="2.2" fill="{colour}"/>'


def data_uri(svg: str) -> str:
    """An SVG as a data URI (base64), for an image column or an ``<img>``: nothing is fetched."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def variation_uri(code: str | None, size: int = 32) -> str:
    return data_uri(icon_svg("variation", code, size))


def assurance_uri(code: str, size: int = 32) -> str:
    return data_uri(icon_svg("assurance", code, size))


def icon_column(kind: str, codes: Iterable[Any], size: int = 32) -> list[str]:
    """Data URIs for a table's image column, one per code (a missing variation code, None or NaN,
    gives the "no variation icon" circle; a missing assurance code the "none" one)."""
    blank = None if kind == "variation" else "none"
    return [data_uri(icon_svg(kind, code if isinstance(code, str) else blank, size)) for code in codes]


def icon_html(kind: str, code: str | None, size: int = 32) -> str:
    """An ``<img>`` of the icon with its meaning as alt text (and as a tooltip)."""
    meaning = escape(alt_text(kind, code), quote=True)
    return (
        f'<img src="{data_uri(icon_svg(kind, code, size))}" alt="{meaning}" title="{meaning}" '
        f'width="{size}" height="{size}" style="vertical-align:middle">'
    )


def key_rows() -> list[dict[str, str]]:
    """The key: every icon (the 7 variation, then the 4 assurance), with its letter and meaning."""
    rows = []
    for kind, icons in _KINDS.items():
        for code, icon in icons.items():
            rows.append(
                {
                    "kind": kind,
                    "code": code,
                    "letter": icon.letter,
                    "meaning": icon.meaning,
                    "image": data_uri(icon_svg(kind, code)),
                }
            )
    return rows


def key_html(size: int = 28) -> str:
    """The key as an HTML list (the project's own text only): each icon, its letter and meaning."""
    items = []
    for kind, title in (
        ("variation", "Variation: what the latest month shows"),
        ("assurance", "Assurance: will the target be met?"),
    ):
        entries = "".join(
            f"<li>{icon_html(kind, code, size)} <strong>{escape(icon.letter)}</strong>: {escape(icon.meaning)}</li>"
            for code, icon in _KINDS[kind].items()
        )
        items.append(f'<p><strong>{title}</strong></p><ul style="list-style:none;padding-left:0">{entries}</ul>')
    return "".join(items)
