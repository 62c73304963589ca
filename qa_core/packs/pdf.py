"""A :class:`~qa_core.packs.document.Pack` as an A4 PDF, with fpdf2 (pure Python: nothing to
install beyond pip, no browser).

Every page carries the council's name, the paper and its period at the top, and at the foot
"Produced on <date> from data complete to <month>", whether the figures are disclosure-controlled
and "Page n of N". The file is **tagged** for screen readers as far as fpdf2 allows: the
document language (en-GB) and title; headings as H1 to H3 (and in the bookmarks outline);
paragraphs as P; tables as Table, TR, TH and TD; charts as Figure with their text alternative;
running heads, feet and rules marked as artifacts so a reader skips them. fpdf2 builds only a
flat tree of figures itself, so the tagging here uses its structure-tree classes directly
(fpdf2 is pinned in requirements.txt; the tests read the tree back with pypdf).

No block is split across pages (a long table continues on the next page with its header
repeated): a tagged block never straddles a page break, and nothing is clipped.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
from fpdf import FPDF, ViewerPreferences
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.structure_tree import StructElem, StructureTreeBuilder

from qa_core.packs.document import Chart, Heading, Keep, Pack, PageBreak, Paragraph, Spark, Table
from qa_core.packs.style import DARK_BLUE, GREY, LIGHT, RAG_TAGS, RULE, TEXT, font_files, rgb
from qa_core.rules import disclosure
from qa_core.rules.periods import month_label

__all__ = ["write_pdf", "OGL"]

#: The attribution the Open Government Licence asks for, wherever published figures appear.
OGL = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(Department for Education; Ofsted)."
)

_FONT = "DejaVu"
_MARGIN = 15.0
_TOP = 20.0
_BOTTOM = 280.0  # the last y content may reach; the foot sits below it
_PT = 0.3528  # mm per point
_PAD = 1.0


class _TreeBuilder(StructureTreeBuilder):
    """fpdf2's builder, walking nested elements too (tables: Table > TR > TH/TD)."""

    def __iter__(self) -> Iterator:
        yield self.struct_tree_root
        yield self.doc_struct_elem
        yield self.struct_tree_root.parent_tree

        def walk(elem: StructElem) -> Iterator[StructElem]:
            for kid in elem.k:
                if isinstance(kid, StructElem):
                    yield kid
                    yield from walk(kid)

        yield from walk(self.doc_struct_elem)


class _PackPDF(FPDF):
    def __init__(self, pack: Pack) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.pack = pack
        self.struct_builder = _TreeBuilder()
        self._mcids: dict[int, int] = defaultdict(int)
        for style, path in font_files().items():
            self.add_font(_FONT, style, str(path))
        self.set_margins(_MARGIN, _TOP, _MARGIN)
        self.set_auto_page_break(False)
        self.c_margin = 0  # cells are padded by the table itself (_PAD), so widths are exact
        self.set_lang("en-GB")
        self.set_title(f"{pack.title}: {pack.subject}, {pack.period}")
        self.set_author(pack.council)
        self.set_subject(pack.audience)
        self.set_creator("qa_core (children's social care performance and QA dashboard)")
        self.set_creation_date(pd.Timestamp(pack.produced).to_pydatetime().replace(tzinfo=None))
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.set_text_color(*rgb(TEXT))

    # -- tagging ---------------------------------------------------------------------------------
    def _elem(
        self, tag: str, parent: StructElem | None = None, mcid: int | None = None, alt: str | None = None
    ) -> StructElem:
        parent = parent or self.struct_builder.doc_struct_elem
        elem = StructElem(
            struct_type=f"/{tag}", parent=parent, kids=[] if mcid is None else [mcid], page_number=self.page, alt=alt
        )
        elem.pg = self.pages[self.page]
        parent.k.append(elem)
        return elem

    @contextmanager
    def tagged(self, tag: str, parent: StructElem | None = None, alt: str | None = None) -> Iterator[None]:
        """Content drawn inside is one marked-content sequence of a new ``tag`` element."""
        page = self.page
        mcid = self._mcids[page]
        self._mcids[page] += 1
        elem = self._elem(tag, parent, mcid, alt)
        builder = self.struct_builder
        spid = builder.spid_per_page_number.setdefault(page, len(builder.spid_per_page_number))
        builder.struct_tree_root.parent_tree.nums[spid].append(elem)
        self.pages[page].struct_parents = spid
        self._set_min_pdf_version("1.4")
        self._out(f"/{tag} <</MCID {mcid}>> BDC")
        yield
        if self.page != page:  # pragma: no cover - the layout never lets a block cross a page
            raise RuntimeError("A tagged block crossed a page break.")
        self._out("EMC")

    @contextmanager
    def artifact(self) -> Iterator[None]:
        self._out("/Artifact BMC")
        yield
        self._out("EMC")

    # -- running head and foot -------------------------------------------------------------------
    def header(self) -> None:
        pack = self.pack
        with self.artifact():
            self.set_font(_FONT, "", 8)
            self.set_text_color(*rgb(GREY))
            self.set_xy(_MARGIN, 8)
            self.cell(self.epw * 0.6, 4, f"{pack.council} · {pack.title}", align="L")
            self.cell(self.epw * 0.4, 4, f"{pack.subject} · {pack.period}", align="R")
            self.set_draw_color(*rgb(DARK_BLUE))
            self.set_line_width(0.6)
            self.line(_MARGIN, 13.5, self.w - _MARGIN, 13.5)
            self.set_text_color(*rgb(TEXT))
        self.set_xy(_MARGIN, _TOP)

    def footer(self) -> None:
        pack = self.pack
        data_to = month_label(pack.data_to) if pack.data_to else "no month"
        control = (
            "Disclosure-controlled: small numbers are withheld (symbols explained at the end)."
            if pack.public
            else disclosure.NOT_CONTROLLED
        )
        with self.artifact():
            self.set_draw_color(*rgb(RULE))
            self.set_line_width(0.2)
            self.line(_MARGIN, 284, self.w - _MARGIN, 284)
            self.set_font(_FONT, "", 7.5)
            self.set_text_color(*rgb(GREY))
            self.set_xy(_MARGIN, 285)
            self.cell(
                self.epw * 0.8,
                3.6,
                f"Produced on {day_text(pack.produced)} from data complete to {data_to}.",
                align="L",
            )
            self.cell(self.epw * 0.2, 3.6, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_xy(_MARGIN, 288.8)
            self.cell(self.epw, 3.6, control, align="L")
            self.set_text_color(*rgb(TEXT))

    # -- layout helpers --------------------------------------------------------------------------
    def room(self) -> float:
        return _BOTTOM - self.get_y()

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one (a block taller than a
        page starts on a fresh one and is then drawn as it is)."""
        if height > self.room() and self.get_y() > _TOP + 0.5:
            self.add_page()

    def lines(self, text: str, width: float, size: float, style: str = "") -> int:
        self.set_font(_FONT, style, size)
        return max(
            1, len(self.multi_cell(width, size * _PT * 1.25, text, dry_run=True, output=MethodReturnValue.LINES))
        )

    def text_block(
        self,
        text: str,
        size: float,
        style: str = "",
        tag: str = "P",
        gap: float = 1.5,
        colour: str = TEXT,
        width: float | None = None,
    ) -> None:
        width = width or self.epw
        height = self.lines(text, width, size, style) * size * _PT * 1.25
        self.ensure(height + gap)
        self.set_x(_MARGIN)
        self.set_text_color(*rgb(colour))
        with self.tagged(tag):
            self.set_font(_FONT, style, size)
            self.multi_cell(width, size * _PT * 1.25, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*rgb(TEXT))
        self.set_y(self.get_y() + gap)

    # -- blocks ----------------------------------------------------------------------------------
    def title_block(self) -> None:
        pack = self.pack
        self.start_section(f"{pack.title}: {pack.subject}", level=0)
        self.text_block(pack.council, 11, "B", colour=DARK_BLUE, gap=0.5)
        self.text_block(f"{pack.title}: {pack.subject}", 17, "B", tag="H1", gap=1)
        self.text_block(pack.period, 12, "B", gap=1)
        self.text_block(pack.audience, 9, gap=1.5, colour=GREY)
        if not pack.public:
            self.warning(f"{disclosure.NOT_CONTROLLED} For council staff only.")

    def warning(self, text: str) -> None:
        size = 9
        height = self.lines(text, self.epw - 6, size, "B") * size * _PT * 1.25 + 3
        self.ensure(height + 2)
        y = self.get_y()
        with self.artifact():
            self.set_fill_color(*rgb(LIGHT))
            self.rect(_MARGIN, y, self.epw, height, style="F")
            self.set_fill_color(*rgb(DARK_BLUE))
            self.rect(_MARGIN, y, 1.5, height, style="F")
        self.set_xy(_MARGIN + 4, y + 1.5)
        with self.tagged("P"):
            self.set_font(_FONT, "B", size)
            self.multi_cell(self.epw - 6, size * _PT * 1.25, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(y + height + 2)

    def heading(self, block: Heading, following: float = 25.0) -> None:
        """A heading, kept on the same page as ``following`` mm of what comes after it."""
        size = {1: 13.5, 2: 11}.get(block.level, 10)
        height = self.lines(block.text, self.epw, size, "B") * size * _PT * 1.25 + 4
        self.ensure(height + following)
        self.set_y(self.get_y() + (2.5 if block.level == 1 else 1.2))
        self.start_section(block.text, level=min(block.level, 2))
        self.text_block(
            block.text, size, "B", tag=f"H{block.level + 1}", gap=1.2, colour=DARK_BLUE if block.level == 1 else TEXT
        )

    _SIZES = {"lead": (10, "B"), "note": (8, ""), "body": (9.5, ""), "warning": (9, "B")}

    def height_of(self, block: Heading | Paragraph | Chart) -> float:
        """The height a block takes (for keeping blocks together)."""
        if isinstance(block, Chart):
            return self.chart_height(block)
        if isinstance(block, Heading):
            size = {1: 13.5, 2: 11}.get(block.level, 10)
            return self.lines(block.text, self.epw, size, "B") * size * _PT * 1.25 + 4
        size, style = self._SIZES.get(block.style, (9.5, ""))
        width = self.epw - 6 if block.style == "warning" else self.epw
        return self.lines(block.text, width, size, style) * size * _PT * 1.25 + (5 if block.style == "warning" else 1.5)

    def keep(self, block: Keep) -> None:
        self.ensure(sum(self.height_of(b) for b in block.blocks) + 2)
        for part in block.blocks:
            if isinstance(part, Heading):
                self.heading(part, following=0)
            elif isinstance(part, Paragraph):
                self.paragraph(part)
            else:
                self.chart(part)

    def paragraph(self, block: Paragraph) -> None:
        if block.style == "warning":
            self.warning(block.text)
        elif block.style == "lead":
            self.text_block(block.text, 10, "B")
        elif block.style == "note":
            self.text_block(block.text, 8, colour=GREY)
        else:
            self.text_block(block.text, 9.5)

    def chart_height(self, block: Chart) -> float:
        height = block.height_mm + 3
        if block.caption:
            height += self.lines(block.caption, self.epw, 7.5) * 7.5 * _PT * 1.25 + 1
        if block.title:
            height += self.lines(block.title, self.epw, 9, "B") * 9 * _PT * 1.25 + 1
        return height

    def chart(self, block: Chart) -> None:
        self.ensure(self.chart_height(block))
        if block.title:
            self.text_block(block.title, 9, "B", gap=0.5)
        y = self.get_y()
        with self.tagged("Figure", alt=block.alt):
            self.image(io.BytesIO(block.png), x=_MARGIN, y=y, w=block.width_mm, h=block.height_mm)
        self.set_y(y + block.height_mm + 1)
        if block.caption:
            self.text_block(block.caption, 7.5, colour=GREY, gap=2)

    def table(self, block: Table) -> None:
        frame = block.display
        cols = [str(c) for c in frame.columns]
        size = block.font_size
        widths = self.column_widths(frame, list(block.widths or [1.0] * len(cols)), size)
        line_h = size * _PT * 1.2

        def row_height(cells: list[object], style: str) -> float:
            most = 1
            for cell, width in zip(cells, widths, strict=True):
                if isinstance(cell, Spark):
                    continue
                most = max(most, self.lines(_text(cell), width - 2 * _PAD, size, style))
            return most * line_h + 2 * _PAD

        head_h = row_height(cols, "B")
        rows = [list(r) for r in frame.itertuples(index=False, name=None)]
        first_h = row_height(rows[0], "") if rows else 0
        title_h = (self.lines(block.title, self.epw, 10, "B") * 10 * _PT * 1.25 + 1.5) if block.show_title else 0
        self.ensure(title_h + head_h + first_h + 2)
        if block.show_title:
            self.text_block(block.title, 10, "B", tag="P", gap=1)
        table_elem = self._elem("Table")

        def draw_row(cells: list[object], header: bool) -> None:
            nonlocal table_elem
            style = "B" if header else ""
            height = row_height(cells, style)
            if height > self.room():
                self.add_page()
                table_elem = self._elem("Table")
                if not header:
                    draw_row(cols, True)
            y = self.get_y()
            x = _MARGIN
            row_elem = self._elem("TR", parent=table_elem)
            for col, cell, width in zip(cols, cells, widths, strict=True):
                tag = "TH" if header else "TD"
                alt = cell.alt if isinstance(cell, Spark) else None
                with self.tagged(tag, parent=row_elem, alt=alt):
                    fill = LIGHT if header else None
                    colours = RAG_TAGS.get(_text(cell)) if (col in block.rag and not header) else None
                    if colours:
                        fill = colours[1]
                    if fill:
                        self.set_fill_color(*rgb(fill))
                        self.rect(x, y, width, height, style="F")
                    if isinstance(cell, Spark):
                        self.spark(cell, x + _PAD, y + _PAD, width - 2 * _PAD, height - 2 * _PAD)
                    else:
                        self.set_text_color(*rgb(colours[0] if colours else TEXT))
                        self.set_font(_FONT, "B" if header or colours else "", size)
                        self.set_xy(x + _PAD, y + _PAD)
                        align = "R" if col in block.numeric else "L"
                        self.multi_cell(
                            width - 2 * _PAD, line_h, _text(cell), align=align, new_x=XPos.RIGHT, new_y=YPos.TOP
                        )
                        self.set_text_color(*rgb(TEXT))
                x += width
            with self.artifact():
                self.set_draw_color(*rgb(GREY if header else RULE))
                self.set_line_width(0.3 if header else 0.15)
                self.line(_MARGIN, y + height, _MARGIN + self.epw, y + height)
            self.set_xy(_MARGIN, y + height)

        draw_row(cols, True)
        for cells in rows:
            draw_row(cells, False)
        self.set_y(self.get_y() + 1.5)
        if block.caption:
            self.text_block(block.caption, 7.5, colour=GREY, gap=2)
        else:
            self.set_y(self.get_y() + 1.5)

    def column_widths(self, frame: pd.DataFrame, weights: list[float], size: float) -> list[float]:
        """Widths in proportion to ``weights``, but never so narrow that a word must break (while
        the page is wide enough): a narrow column takes its longest word's width from the others."""
        floors = []
        for col in frame.columns:
            self.set_font(_FONT, "B", size)
            longest = max((self.get_string_width(w) for w in str(col).split()), default=0.0)
            self.set_font(_FONT, "B" if col else "", size)  # RAG words print bold: measure them so
            for cell in frame[col].head(400):
                if not isinstance(cell, Spark):
                    longest = max([longest, *(self.get_string_width(w) for w in _text(cell).split())])
            floors.append(longest + 2 * _PAD + 0.6)
        total = sum(weights)
        widths = [max(f, self.epw * w / total) for f, w in zip(floors, weights, strict=True)]
        if sum(floors) >= self.epw:
            return [self.epw * f / sum(floors) for f in floors]
        excess = sum(widths) - self.epw
        spare = [w - f for w, f in zip(widths, floors, strict=True)]
        return [w - excess * s / sum(spare) for w, s in zip(widths, spare, strict=True)]

    def spark(self, spark: Spark, x: float, y: float, width: float, height: float) -> None:
        points = [(i, v) for i, v in enumerate(spark.values) if v is not None]
        if len(points) < 2:
            self.set_font(_FONT, "", 7)
            self.set_xy(x, y)
            self.cell(width, height, "–")
            return
        lo = min(v for _, v in points)
        hi = max(v for _, v in points)
        steps = max(len(spark.values) - 1, 1)
        if hi == lo:  # a flat line sits in the middle of the cell
            coords = [(x + i * width / steps, y + height / 2) for i, _ in points]
        else:
            coords = [(x + i * width / steps, y + height - (v - lo) * height / (hi - lo)) for i, v in points]
        self.set_draw_color(*rgb(DARK_BLUE))
        self.set_line_width(0.35)
        self.polyline(coords)
        last_x, last_y = coords[-1]
        self.set_fill_color(*rgb(DARK_BLUE))
        self.circle(last_x, last_y, 0.7, style="F")

    def notes(self) -> None:
        pack = self.pack
        if not pack.notes and not pack.ogl:
            return
        rows = sum(self.lines(n.meaning, self.epw * 0.8 - 2 * _PAD, 7.5) for n in pack.notes)
        self.heading(Heading(pack.notes_heading, 1), following=rows * 7.5 * _PT * 1.2 + 2.5 * len(pack.notes) + 8)
        if pack.notes and pack.one_page:
            self.text_block("; ".join(f"‘{n.term}’ means {n.meaning}" for n in pack.notes) + ".", 7, colour=GREY)
        elif pack.notes:
            frame = pd.DataFrame({"Term": [n.term for n in pack.notes], "Meaning": [n.meaning for n in pack.notes]})
            self.table(Table("", frame, widths=(1, 4), font_size=7.5, show_title=False))
        if pack.ogl:
            self.text_block(OGL, 8, colour=GREY)


def day_text(day: object) -> str:
    """'4 December 2026' (no leading zero)."""
    stamp = pd.Timestamp(day)
    return f"{stamp.day} {stamp:%B %Y}"


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _following(pdf: _PackPDF, rest: list) -> float:
    """How much of what follows a heading must share its page: the next chart whole (after any
    sub-heading), else the start of a table or a paragraph."""
    for block in rest[:2]:
        if isinstance(block, Chart):
            return pdf.chart_height(block) + (10 if rest[0] is not block else 0)
        if isinstance(block, Keep):
            return sum(pdf.height_of(b) for b in block.blocks)
        if not isinstance(block, Heading):
            break
    return 25.0


def write_pdf(pack: Pack) -> bytes:
    """The pack as PDF bytes (A4 portrait)."""
    pdf = _PackPDF(pack)
    pdf.add_page()
    pdf.title_block()
    for i, block in enumerate(pack.blocks):
        if isinstance(block, Heading):
            pdf.heading(block, _following(pdf, pack.blocks[i + 1 :]))
        elif isinstance(block, Paragraph):
            pdf.paragraph(block)
        elif isinstance(block, Table):
            pdf.table(block)
        elif isinstance(block, Chart):
            pdf.chart(block)
        elif isinstance(block, Keep):
            pdf.keep(block)
        elif isinstance(block, PageBreak) and pdf.get_y() > _TOP + 0.5:
            pdf.add_page()
    pdf.notes()
    return bytes(pdf.output())
