"""The Making Data Count icons the project draws (ui.figures.mdc_icons): one for every code
``rules.spc.icon_codes`` gives, each a self-contained SVG with its meaning as its accessible name,
a letter as well as a colour and shape, and colours that meet WCAG 2.2's contrast."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from qa_core.rules.spc import ASSURANCE_CODES, VARIATION_CODES
from ui.figures import mdc_icons
from ui.figures.palette import contrast_ratio

SVG = "{http://www.w3.org/2000/svg}"
ALL = [("variation", c) for c in (*VARIATION_CODES, None)] + [("assurance", c) for c in ASSURANCE_CODES]


@pytest.mark.parametrize("kind, code", ALL)
def test_each_icon_is_an_svg_image_named_by_its_meaning(kind, code):
    icon = mdc_icons.icon_for(kind, code)
    root = ET.fromstring(mdc_icons.icon_svg(kind, code))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") == icon.meaning == mdc_icons.alt_text(kind, code)
    assert root.find(f"{SVG}title").text == icon.meaning
    assert [t.text for t in root.iter(f"{SVG}text")] == [icon.letter]
    # Drawn here: nothing is fetched or linked (no href, no URL beyond the SVG namespace).
    svg = mdc_icons.icon_svg(kind, code)
    assert "href" not in svg and svg.count("http") == 1
    # The data URI holds exactly that SVG.
    uri = mdc_icons.data_uri(svg)
    assert base64.b64decode(uri.removeprefix("data:image/svg+xml;base64,")).decode() == svg


@pytest.mark.parametrize("kind, code", ALL)
def test_colours_meet_wcag_contrast(kind, code):
    icon = mdc_icons.icon_for(kind, code)
    assert contrast_ratio(icon.ink, icon.fill) >= 4.5  # the letter on its circle (1.4.3)
    # The circle against the page (1.4.11): its fill, or for the empty one its outline.
    edge = icon.ink if icon.fill == "#ffffff" else icon.fill
    assert contrast_ratio(edge, "#ffffff") >= 3.0


def test_icons_differ_by_more_than_colour():
    shapes = {(i.letter, i.pattern, i.marker) for i in mdc_icons.VARIATION_ICONS.values()}
    assert len(shapes) == len(VARIATION_CODES) == 7
    assert len({i.letter for i in mdc_icons.ASSURANCE_ICONS.values()}) == len(ASSURANCE_CODES) == 4
    letters = {code: icon.letter for code, icon in mdc_icons.VARIATION_ICONS.items()}
    assert letters["common_cause"] == "C"
    assert {letters[c] for c in VARIATION_CODES if c.endswith("_high")} == {"H"}
    assert {letters[c] for c in VARIATION_CODES if c.endswith("_low")} == {"L"}
    assert [mdc_icons.ASSURANCE_ICONS[c].letter for c in ("pass", "fail", "hit_or_miss")] == ["P", "F", "?"]


def test_the_key_lists_every_icon_with_its_meaning():
    rows = mdc_icons.key_rows()
    assert [(r["kind"], r["code"]) for r in rows] == [k for k in ALL if k[1] is not None]
    html = mdc_icons.key_html()
    for row in rows:
        assert f'alt="{row["meaning"]}"' in html
    assert html.count("<img ") == 11


def test_unknown_codes_are_refused():
    with pytest.raises(ValueError, match="Unknown variation icon"):
        mdc_icons.icon_for("variation", "special")
    with pytest.raises(ValueError, match="Unknown assurance icon"):
        mdc_icons.icon_for("assurance", None)
    with pytest.raises(ValueError, match="Unknown icon kind"):
        mdc_icons.icon_for("rag", "pass")


def test_an_image_column_from_a_frames_codes_copes_with_missing_ones():
    import pandas as pd

    codes = pd.Series(["concern_low", None, float("nan")], dtype=object)
    column = mdc_icons.icon_column("variation", codes)
    assert column[0] == mdc_icons.variation_uri("concern_low")
    assert column[1] == column[2] == mdc_icons.variation_uri(None)
    assert mdc_icons.icon_column("assurance", ["pass", None]) == [
        mdc_icons.assurance_uri("pass"),
        mdc_icons.assurance_uri("none"),
    ]
