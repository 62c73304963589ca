"""A council's store built from nothing but files, for the clinic's tests (no tests here): the
organisation (there is no import kind for it on this base: inserted as the importer's tests do),
then the catalogue and 25 months of values through the importer, as a council would load them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from qa_core.io.importer import import_file
from qa_core.store import Store
from tests.unit.test_import_support import csv_bytes

#: The months loaded: October 2024 to October 2026.
MONTHS = list(pd.date_range("2024-10-01", periods=25, freq="MS").date)
OCT = dt.date(2026, 10, 1)
# VISITS in Assessment (a count added up over teams, higher is better, target 5): 10, 12 for
# twelve months (mean 11, every mR 2, limits 5.68 to 16.32), then 20, 24 for twelve, then 34.
SHIFT = [10, 12] * 6 + [20, 24] * 6 + [34]
# VISITS in the Front Door: 10, 12 all along (common cause).
FLAT = [10, 12] * 12 + [10]

ORG = {
    "service": pd.DataFrame(
        [
            dict(service_id="front_door", name="Front Door", head_of_service="Dev Denholm", sort_order=1),
            dict(service_id="assessment", name="Assessment", head_of_service="Hana Holloway", sort_order=2),
        ]
    ),
    "team": pd.DataFrame(
        [
            dict(team_id="front_door_01", service_id="front_door", name="MASH Team A", manager="Una Upwood"),
            dict(team_id="assessment_01", service_id="assessment", name="Assessment North", manager="Jodie Fenwick"),
        ]
    ),
}
INDICATORS = [
    ["code", "name", "theme", "unit", "polarity", "target", "aggregation", "services"],
    ["VISITS", "Visits in time", "Quality of plans", "count", "up", "5", "sum", "assessment; front_door"],
    ["LATE", "Assessments out of time", "Timeliness", "%", "down", "10", "ratio", "assessment"],
]


def values_csv() -> bytes:
    rows = [["code", "period", "org_unit", "numerator", "denominator", "value"]]
    for month, shift, flat in zip(MONTHS, SHIFT, FLAT, strict=True):
        rows.append(["VISITS", f"{month:%Y-%m}", "Assessment North", None, None, shift])
        rows.append(["VISITS", f"{month:%Y-%m}", "MASH Team A", None, None, flat])
        rows.append(["LATE", f"{month:%Y-%m}", "Assessment North", 3, 20, None])
    return csv_bytes(rows)


def council_store(path: str | Path = ":memory:") -> Store:
    """The council's store: organisation, then the indicators and values files imported."""
    store = Store(path)
    store.insert_frames(ORG)
    import_file(store, "indicators", csv_bytes(INDICATORS), "indicators.csv", user="test")
    import_file(store, "values", values_csv(), "values.csv", user="test")
    return store
