"""What a pack holds, whatever file it is written to: a title block, then headings, paragraphs,
tables and charts in reading order, and the notes (symbols, definitions) that close it.

A pack kind (``qa_core.packs.clinic`` and the others) fills a :class:`Pack` from the views'
frames; ``qa_core.packs.pdf`` and ``qa_core.packs.xlsx`` write the same :class:`Pack`, so the
PDF and the spreadsheet can never disagree. A :class:`Table` carries both forms of its rows:
``display`` (text, as the PDF prints it) and ``data`` (numbers, numerators and denominators in
their own columns, as the spreadsheet holds them), built from the same frame by the kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["Heading", "Paragraph", "Table", "Chart", "Spark", "PageBreak", "Keep", "Block", "Pack", "Note"]


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 for a section, 2 for a part of one (the PDF's outline follows them)."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Plain text (never Markdown or HTML). ``style``: 'body', 'lead' (bold), 'note' (small),
    'warning' (a boxed line, for "not for publication" and similar)."""

    text: str
    style: str = "body"


@dataclass(frozen=True)
class Spark:
    """A small trend line drawn in a table cell: values oldest first (None for a gap)."""

    values: tuple[float | None, ...]
    alt: str


@dataclass
class Table:
    """One table. ``display``: the cells as the PDF shows them (text, or a :class:`Spark`);
    ``data``: the same rows with real numbers for the spreadsheet (None: ``display`` is written
    as it is). ``sheet``: its sheet's name (None: PDF only). ``widths``: relative column widths
    in the PDF. ``rag``: display columns whose words are RAG ratings (coloured as well as
    written). ``numeric``: display columns aligned right. ``columns``: for the notes sheet, what
    each ``data`` column holds (heading → meaning; the report field it comes from)."""

    title: str
    display: pd.DataFrame
    sheet: str | None = None
    data: pd.DataFrame | None = None
    widths: tuple[float, ...] | None = None
    rag: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)
    font_size: float = 8.5
    caption: str | None = None
    show_title: bool = True


@dataclass(frozen=True)
class Chart:
    """A chart drawn for print (PNG bytes from ``qa_core.packs.charts``), its active title
    (printed above it as text, so it can be read and searched), its text alternative (``alt``,
    also printed beneath it as ``caption`` where given) and its printed size in mm."""

    png: bytes
    alt: str
    width_mm: float
    height_mm: float
    caption: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class PageBreak:
    """Start a new page here (only if the current one has anything on it)."""


@dataclass(frozen=True)
class Keep:
    """Blocks printed on one page together (a measure's heading, sentences and chart): the PDF
    starts a new page before them unless they all fit. Tables may not be kept (they continue
    across pages on their own)."""

    blocks: tuple[Heading | Paragraph | Chart, ...]


Block = Heading | Paragraph | Table | Chart | PageBreak | Keep


@dataclass(frozen=True)
class Note:
    """A line of the closing notes: a term (a symbol, a column, a word) and what it means."""

    term: str
    meaning: str


@dataclass
class Pack:
    """A meeting paper. ``title`` names the paper ("Performance clinic pack"), ``subject`` what
    it covers ("Assessment service"), ``period`` the month or quarter in words; ``data_to`` is
    the last month the store holds figures for. ``public``: disclosure control is on (said on
    every page); otherwise every page says the figures are not for publication. ``one_page``:
    the PDF must fit one A4 page (the team profile). ``ogl``: published DfE or Ofsted figures
    appear, so the Open Government Licence attribution is printed."""

    kind: str
    title: str
    subject: str
    period: str
    council: str
    produced: dt.date
    data_to: dt.date | None
    public: bool
    audience: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    notes_heading: str = "Notes and symbols"
    one_page: bool = False
    ogl: bool = False
    filename: str = "pack"
    #: Tables the workbook holds beyond the printed ones (e.g. every quarter's figures).
    workbook_only: list[Table] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
