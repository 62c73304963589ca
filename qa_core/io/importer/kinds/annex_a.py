"""Kind ``annex_a``: Ofsted's Annex A workbook, read whole (``qa_core.io.annex_a``)."""

from __future__ import annotations

from qa_core.io.annex_a.importer import KIND

KINDS = [KIND]
