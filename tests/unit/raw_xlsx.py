"""Hand-built .xlsx workbooks for the importer's attack tests (no tests here).

A workbook is a zip of XML parts; building the parts by hand lets a test write what no spreadsheet
program would: a ``<dimension>`` that lies about the sheet's size, a shared string of a gigabyte (it
compresses to about a megabyte), a cell far to the right. ``openpyxl`` reads these parts as Excel does.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = ["workbook", "sheet_xml", "column_letter", "shared_strings_xml", "Repeated"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet_xml(
    rows: Sequence[Sequence[object]],
    dimension: str | None = None,
    shared: list[str] | None = None,
    extra_cells: Iterable[tuple[int, str, str]] = (),
) -> bytes:
    """A worksheet: text cells inline (or, given a ``shared`` list, appended to it and written as
    shared-string indices), numbers as numbers.

    ``dimension`` is written as the sheet's declared size (e.g. ``A1:V2``), true or not;
    ``extra_cells`` adds (row, cell reference, inline text) cells, e.g. far to the right.
    """
    extras: dict[int, list[tuple[str, str]]] = {}
    for row, ref, text in extra_cells:
        extras.setdefault(row, []).append((ref, text))
    out = [f'<worksheet xmlns="{_MAIN}">']
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    numbers = sorted(set(range(1, len(rows) + 1)) | set(extras))
    for r in numbers:
        out.append(f'<row r="{r}">')
        values = rows[r - 1] if r <= len(rows) else []
        for c, value in enumerate(values):
            ref = f"{column_letter(c)}{r}"
            if value is None or value == "":
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif shared is not None:
                shared.append(str(value))
                out.append(f'<c r="{ref}" t="s"><v>{len(shared) - 1}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        for ref, text in extras.get(r, []):
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


def shared_strings_xml(strings: Sequence[str]) -> bytes:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'.encode()


@dataclass(frozen=True)
class Repeated:
    """A part of ``prefix``, then ``block`` ``times`` over, then ``suffix``: a gigabyte that is never held.

    Compressed once per block: after a full flush deflate starts afresh, so every copy of the block
    compresses to the same bytes, and the part is written as those bytes repeated.
    """

    prefix: bytes
    block: bytes
    times: int
    suffix: bytes

    def deflated(self) -> tuple[bytes, int, int]:
        """The raw deflate stream, the CRC-32 and the size of the whole part."""
        squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = squeeze.compress(self.prefix) + squeeze.flush(zlib.Z_FULL_FLUSH)
        body = squeeze.compress(self.block) + squeeze.flush(zlib.Z_FULL_FLUSH)
        tail = squeeze.compress(self.suffix) + squeeze.flush()
        crc = zlib.crc32(self.prefix)
        for _ in range(self.times):
            crc = zlib.crc32(self.block, crc)
        crc = zlib.crc32(self.suffix, crc)
        size = len(self.prefix) + len(self.block) * self.times + len(self.suffix)
        return head + body * self.times + tail, crc, size


def _zip(parts: Sequence[tuple[str, bytes | Repeated]]) -> bytes:
    """A zip of deflated parts, written by hand (zipfile cannot take a part already compressed)."""
    out = io.BytesIO()
    directory = []
    for name, content in parts:
        if isinstance(content, Repeated):
            data, crc, size = content.deflated()
        else:
            squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
            data, crc, size = squeeze.compress(content) + squeeze.flush(), zlib.crc32(content), len(content)
        encoded = name.encode()
        directory.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                out.tell(),
            )
            + encoded
        )
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0))
        out.write(encoded + data)
    start = out.tell()
    out.write(b"".join(directory))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), out.tell() - start, start, 0))
    return out.getvalue()


def workbook(sheets: Sequence[tuple[str, bytes]], shared_strings: bytes | Repeated | None = None) -> bytes:
    """The .xlsx bytes of ``sheets`` (name, worksheet XML) and an optional shared-string part."""
    types = [
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
    ]
    rels = []
    entries = []
    for i, (name, _) in enumerate(sheets, start=1):
        types.append(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        rels.append(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        entries.append(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>')
    if shared_strings is not None:
        types.append(
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        rels.append(f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>')
    parts: list[tuple[str, bytes | Repeated]] = [
        (
            "[Content_Types].xml",
            (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>' + "".join(types) + "</Types>"
            ).encode(),
        ),
        (
            "_rels/.rels",
            (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ).encode(),
        ),
        (
            "xl/workbook.xml",
            (
                f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>' + "".join(entries) + "</sheets></workbook>"
            ).encode(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                + "".join(rels)
                + "</Relationships>"
            ).encode(),
        ),
        *((f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, start=1)),
    ]
    if shared_strings is not None:
        parts.append(("xl/sharedStrings.xml", shared_strings))
    return _zip(parts)
