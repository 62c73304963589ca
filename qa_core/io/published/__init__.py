"""Published benchmarks shipped in ``data/public`` (Crown copyright, Open Government Licence
v3.0): DfE's LAIT long file and its definitions, the statistical neighbour model, DfE
explore-education-statistics (EES) tables such as C1 and D3, and Ofsted's ILACS history.

Two uses:

- ``published_frames()`` reads the files into the store's ``published_*`` tables (migration
  003) for every English LA, so any LA can be benchmarked (``qa_core.views.benchmarks``).
- ``comparators_for()`` (older): for one LA, its value, its neighbours' median, region and
  England per LAIT measure and year, for the ``comparator`` table the clinic reads.

DfE symbols are kept, never turned into 0: ``c`` suppressed, ``x`` not available, ``z`` not
applicable, ``k`` rounds to zero, ``u`` low reliability, ``low`` rounds to zero (workforce),
``:`` not available; the LAIT file's blank cells (its source's ``-``, "not available or
suppressed") are stored with the symbol ``-``.

Reorganisations handled (``REORGANISATIONS``): Dorset county (835), Poole (836) and Bournemouth
(837) → Dorset (838) and Bournemouth, Christchurch and Poole (839) from 2019-20; Northamptonshire
(928) → North (940) and West Northamptonshire (941) from 2021-22; Cumbria (909) → Cumberland
(942) and Westmorland and Furness (943) from 2023-24. The abolished LAs are rows of their own
(status ``abolished``) with their figures for the years they existed; no figure is moved or
split onto their successors. Joint returns (``314 / 318``: Kingston upon Thames with Richmond
upon Thames; ``940 / 941``) are kept as one area of their own (status ``joint``).

One module per source: ``lait`` (the LAIT long file and its definitions), ``ees`` (the EES
tables), ``neighbours`` (the statistical neighbour model, the list of LAs, reorganisations),
``ofsted`` (ILACS history); ``common`` holds what they share. This package's names are the API.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from qa_core.io.published.common import ENGLAND, PUBLIC_DIR, PUBLISHED_SYMBOLS, REGIONS, Report
from qa_core.io.published.ees import (
    EES_FILES,
    EES_FIXED,
    EES_TABLES,
    EesMeasure,
    ees_frames,
    ees_rows,
    ees_table_for,
    joint_code,
    load_ees,
)
from qa_core.io.published.lait import (
    DEFINITIONS_FILE,
    LAIT_FILE,
    comparators_for,
    lait_values,
    load_definitions,
    load_lait,
)
from qa_core.io.published.neighbours import (
    REORGANISATIONS,
    SN_FILE,
    benchmark_names,
    la_frame,
    load_sn_model,
    sn_frame,
)
from qa_core.io.published.ofsted import ILACS_FILE, load_ilacs

__all__ = [
    "PUBLIC_DIR", "ATTRIBUTION", "PUBLISHED_SYMBOLS", "ENGLAND", "REGIONS", "REORGANISATIONS", "EES_TABLES",
    "EES_FILES", "EES_FIXED", "LAIT_FILE", "EesMeasure", "joint_code", "load_lait", "load_sn_model",
    "comparators_for", "load_definitions", "lait_values", "load_ees", "ees_rows", "ees_frames", "ees_table_for",
    "Report", "benchmark_names", "sn_frame", "la_frame", "load_ilacs", "published_frames",
]

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(Department for Education; Ofsted)."
)


def published_frames(public_dir: Path | None = None, ees: tuple[str, ...] = tuple(EES_FILES)
                     ) -> dict[str, pd.DataFrame]:
    """The ``published_*``, ``statistical_neighbour`` and ``ilacs_judgement`` tables from the
    shipped files, in an order that respects foreign keys."""
    folder = Path(public_dir) if public_dir else PUBLIC_DIR
    sn = load_sn_model(folder / SN_FILE)
    ilacs = load_ilacs(folder / ILACS_FILE)
    ees_parts = [load_ees(folder / EES_FILES[t], t) for t in ees]
    las = la_frame(sn, [p[2] for p in ees_parts], ilacs)
    old_by_new = las.dropna(subset=["new_la_code"]).drop_duplicates("new_la_code").set_index(
        "new_la_code")["old_la_code"]
    ilacs["la_code"] = ilacs["new_la_code"].map(old_by_new)
    measures = pd.concat([load_definitions(folder / DEFINITIONS_FILE), *[p[1] for p in ees_parts]],
                         ignore_index=True)
    values = pd.concat([lait_values(load_lait(folder / LAIT_FILE)), *[p[0] for p in ees_parts]],
                       ignore_index=True)
    return {
        "published_la": las,
        "published_measure": measures,
        "published_value": values,
        "statistical_neighbour": sn_frame(sn),
        "ilacs_judgement": ilacs,
    }
