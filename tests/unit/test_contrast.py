"""Colour contrast, computed with WCAG 2.2's formula: text on its background at least 4.5:1
(1.4.3), and chart colours that sit next to each other, or on the plot's white, at least 3:1
(1.4.11). The pairs are the ones the charts actually draw."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import pytest

from ui.figures.audits import GRADE_COLOURS
from ui.figures.palette import (
    CATEGORICAL,
    blend,
    contrast_ratio,
    relative_luminance,
)
from ui.figures.risks import BAND_RAMP, BORDER, STAGE_STYLES, TEXT
from ui.figures.spc import MARKERS
from ui.tags import TAG_COLOURS

ROOT = Path(__file__).resolve().parents[2]
WHITE = "#ffffff"
PANEL = "#f3f2f1"  # the theme's secondary background (sidebar) and teams' panel fill
TEXT_MIN, GRAPHIC_MIN = 4.5, 3.0


def test_the_formula_on_worked_values():
    # Black on white: (1 + 0.05) / (0 + 0.05) = 21.
    assert contrast_ratio("#000000", WHITE) == pytest.approx(21.0)
    assert contrast_ratio(WHITE, WHITE) == pytest.approx(1.0)
    # #777777: 0x77/255 = 0.4667 → ((0.4667 + 0.055) / 1.055) ** 2.4 = 0.1845; (1.05) / (0.2345) = 4.48,
    # the grey famous for just missing 4.5:1.
    assert relative_luminance("#777777") == pytest.approx(0.1845, abs=1e-4)
    assert contrast_ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)
    # Half-transparent black over white is mid grey: 0.5 * 0 + 0.5 * 255 = 127.5 → 128 = 0x80.
    assert blend("#000000", 0.5) == "#808080"


def test_theme_text_on_its_backgrounds():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        assert contrast_ratio(theme["textColor"], background) >= TEXT_MIN
    # Links and focus rings use the primary colour, on white and on the sidebar.
    assert contrast_ratio(theme["primaryColor"], theme["backgroundColor"]) >= TEXT_MIN
    assert contrast_ratio(theme["primaryColor"], theme["secondaryBackgroundColor"]) >= TEXT_MIN


def test_theme_chart_colours_are_the_categorical_order():
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    assert [c.upper() for c in theme["chartCategoricalColors"]] == [c.upper() for c in CATEGORICAL]


@pytest.mark.parametrize("name", list(TAG_COLOURS))
def test_rag_tag_text_on_its_tint(name):
    text, background = TAG_COLOURS[name]
    assert contrast_ratio(text, background) >= TEXT_MIN


def test_categorical_neighbours_and_white():
    # Series drawn in this order sit next to each other (stacked bars, adjacent lines).
    for first, second in itertools.pairwise(CATEGORICAL):
        assert contrast_ratio(first, second) >= GRAPHIC_MIN, (first, second)
    for colour in CATEGORICAL:
        assert contrast_ratio(colour, WHITE) >= GRAPHIC_MIN, colour


def test_spc_markers_on_white_and_told_apart_by_shape():
    for style in MARKERS.values():
        assert contrast_ratio(style["color"], WHITE) >= GRAPHIC_MIN
    # Colours too close to each other (dark blue, pink and grey: about 1.1:1) must differ in shape.
    symbols = [style["symbol"] for style in MARKERS.values()]
    assert len(set(symbols)) == len(symbols)


def test_heat_map_text_on_every_band_and_band_keys_outlined():
    for tint in BAND_RAMP:
        assert contrast_ratio(TEXT, tint) >= TEXT_MIN, tint
    # The tints are light (they carry no meaning alone: each cell names its band), so the legend's
    # keys have a dark outline with 3:1 against white.
    assert contrast_ratio(BORDER, WHITE) >= GRAPHIC_MIN


def test_trajectory_lines_on_the_shaded_bands():
    # Bands are drawn at opacity 0.55 over white; each line must stand out from every band, and
    # lines of near-equal colour (grey and dark blue, 1.06:1) differ by dash and marker.
    for tint in BAND_RAMP:
        shaded = blend(tint, 0.55)
        for style in STAGE_STYLES.values():
            assert contrast_ratio(style["color"], shaded) >= GRAPHIC_MIN, (style["name"], shaded)
    assert len({s["dash"] for s in STAGE_STYLES.values()}) == len(STAGE_STYLES)
    assert len({s["symbol"] for s in STAGE_STYLES.values()}) == len(STAGE_STYLES)


def test_audit_grade_bars_stacked_next_to_each_other():
    # The grades-by-month bars stack Outstanding, Good, Requires Improvement, Inadequate.
    grades = GRADE_COLOURS
    order = ["Outstanding", "Good", "Requires Improvement", "Inadequate"]
    low = [(a, b, round(contrast_ratio(grades[a], grades[b]), 2)) for a, b in itertools.pairwise(order)
           if contrast_ratio(grades[a], grades[b]) < GRAPHIC_MIN]
    assert not low, f"adjacent grade colours below 3:1: {low}"
