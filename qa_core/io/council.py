"""A new, empty store for a council's own data: ``python -m qa_core init --db PATH --council NAME
[--la CODE]``.

The store is migrated and holds no demo rows: only the council's name, the published DfE and Ofsted
figures for every English LA (shipped in ``data/public``, so benchmarks work from the start), the
LA the council is compared as (``--la``: DfE's old three-digit code, the ONS code or the name), and
the standard 5x5 product risk matrix until the council imports its own. It has no demo marker, so
it is never shown without sign-in. Everything else comes from imports, in the order the README's
"Set up your council" gives.

The file is written beside its destination and moved into place only when complete, so a failed
``init`` leaves nothing behind; an existing file is never overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from qa_core.errors import QAError
from qa_core.io.published import published_frames
from qa_core.rules.risk import PRODUCT_5X5, matrix_cells
from qa_core.store import Store

__all__ = ["create_council_store", "COUNCIL_MARKER", "STANDARD_MATRIX"]

#: The setting that says how the store was made (the demo's is ("store_made_by", "demo")).
COUNCIL_MARKER = ("store_made_by", "init")
STANDARD_MATRIX = "product_5x5"


def _la(las: pd.DataFrame, text: str) -> tuple[str, str]:
    """The old code and name of the LA given by old code (356), ONS code (E08000007) or name."""
    key = text.strip().lower()
    current = las[las["status"] == "current"]
    for frame in (current, las):
        hit = frame[
            (frame["old_la_code"].astype(str).str.lower() == key)
            | (frame["new_la_code"].astype(str).str.lower() == key)
            | (frame["name"].astype(str).str.lower() == key)
        ]
        if len(hit) == 1:
            return str(hit["old_la_code"].iloc[0]), str(hit["name"].iloc[0])
        if len(hit) > 1:
            raise QAError(f"More than one local authority matches '{text}': give DfE's three-digit LA code.")
    raise QAError(
        f"There is no local authority '{text}' in DfE's published figures. Give DfE's three-digit LA "
        "code (e.g. 356), the ONS code (e.g. E08000007) or the LA's name."
    )


def _matrix() -> dict[str, pd.DataFrame]:
    head = pd.DataFrame(
        [
            dict(
                matrix_id=STANDARD_MATRIX,
                name=PRODUCT_5X5.name,
                kind=PRODUCT_5X5.kind,
                impact_labels="|".join(PRODUCT_5X5.impact_labels),
                likelihood_labels="|".join(PRODUCT_5X5.likelihood_labels),
            )
        ]
    )
    cells = pd.DataFrame([dict(matrix_id=STANDARD_MATRIX, **c) for c in matrix_cells(PRODUCT_5X5)])
    return {"risk_matrix": head, "risk_matrix_cell": cells[["matrix_id", "impact", "likelihood", "score", "band"]]}


def create_council_store(path: str | Path, council: str, la: str | None = None) -> dict[str, int]:
    """Create the empty store at ``path`` for ``council``; refuse if a file is there already.

    Returns the rows written per table (the published figures and the settings)."""
    path = Path(path)
    name = council.strip()
    if not name:
        raise QAError('Give the council\'s name: --council "Name of Council".')
    if len(name) > 200:
        raise QAError("The council's name is longer than 200 characters: shorten it.")
    for existing in (path, Path(str(path) + ".wal")):
        if existing.exists():
            raise QAError(
                f"{existing} already exists: init never overwrites a store. Choose another --db, or move "
                "the old file away first if it is truly no longer needed."
            )
    if not path.parent.is_dir():
        raise QAError(f"There is no folder {path.parent}: create it first.")
    frames = published_frames()
    settings = [("council_name", name), COUNCIL_MARKER, ("risk_matrix", STANDARD_MATRIX)]
    if la:
        code, la_name = _la(frames["published_la"], la)
        settings += [("benchmark_la", code), ("benchmark_la_name", la_name)]
    frames = {"setting": pd.DataFrame(settings, columns=["key", "value"]), **frames, **_matrix()}
    tmp = path.with_name(path.name + f".creating-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        store = Store(tmp)
        try:
            counts = store.insert_frames(frames)
            store.checkpoint()
        finally:
            store.close()
        if path.exists():  # made by someone else meanwhile: never overwrite
            raise QAError(f"{path} appeared while the store was being created; it was left as it is.")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return counts
