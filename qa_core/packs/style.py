"""Colours and the font the packs print with: the Government Analysis Function's palette (the
app's), GOV.UK tag colours for RAG words, and DejaVu Sans, found in matplotlib's own font folder
so that no system font is needed on a fresh machine."""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "DARK_BLUE",
    "TURQUOISE",
    "PINK",
    "ORANGE",
    "GREY",
    "PURPLE",
    "TEXT",
    "RULE",
    "LIGHT",
    "RAG_TAGS",
    "font_files",
]

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
PINK = "#801650"
ORANGE = "#F46A25"
GREY = "#3D3D3D"
PURPLE = "#A285D1"
TEXT = "#0B0C0C"
RULE = "#B1B4B6"
LIGHT = "#F3F2F1"

#: GOV.UK tag colours (text, background), contrast above 4.5:1; the word always carries the meaning.
RAG_TAGS: dict[str, tuple[str, str]] = {
    "Red": ("#2A0B06", "#F4CDC6"),
    "Amber": ("#6E3619", "#FCD6C3"),
    "Yellow": ("#594D00", "#FFF7BF"),
    "Green": ("#005A30", "#CCE2D8"),
    "Blue": ("#0C2D4A", "#BBD4EA"),
    "Overdue": ("#2A0B06", "#F4CDC6"),
}


def font_files() -> dict[str, Path]:
    """DejaVu Sans regular, bold and oblique, from matplotlib's data folder (shipped with it)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf", "I": folder / "DejaVuSans-Oblique.ttf"}


def rgb(colour: str) -> tuple[int, int, int]:
    """'#12436D' → (18, 67, 109)."""
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)
