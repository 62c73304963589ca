"""Export what the store holds for a kind, in the very format the importer reads.

Round trip: exporting a kind and importing the file into a store holding the same
organisation (and, for values, the same catalogue) gives the same rows.
"""

from __future__ import annotations

import pandas as pd

from qa_core.errors import QAError
from qa_core.io.importer.formats import to_csv_bytes, to_xlsx_bytes
from qa_core.io.importer.kinds import KINDS
from qa_core.store import Store

__all__ = ["export_frame", "export_kind", "FORMATS"]

FORMATS = ("csv", "xlsx")


def export_frame(store: Store, kind: str) -> pd.DataFrame:
    """The kind's rows as a frame with the import format's columns."""
    spec = KINDS.get(kind)
    if spec is None:
        raise QAError(f"There is no kind called '{kind}'. The kinds are: {', '.join(KINDS)}.")
    return spec.export(store)


def export_kind(store: Store, kind: str, fmt: str = "csv") -> bytes:
    """The kind's rows as CSV (UTF-8 with a byte-order mark, for Excel) or as an XLSX workbook
    whose sheet is named after the kind."""
    if fmt not in FORMATS:
        raise QAError(f"Cannot export as '{fmt}': choose csv or xlsx.")
    frame = export_frame(store, kind)
    if fmt == "csv":
        return to_csv_bytes(frame)
    return to_xlsx_bytes([(kind, frame)])
