"""A month's files for the demo council, as a performance team would load them from the case-management
extract: the indicator values and the audits of the month after the store's latest.

Made from the store's own latest month (each team's figures with the numerators moved a little,
the audits again under new ids a month later), written in the import format through the exporter,
so they import cleanly. Used by ``bench.load`` and the test that imports while the app serves.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from qa_core.io.importer.export import export_frame
from qa_core.io.importer.formats import to_csv_bytes
from qa_core.rules import periods
from qa_core.store import Store

__all__ = ["next_month", "next_month_files"]


def next_month(store: Store) -> dt.date:
    """The month after the latest month the pages show."""
    latest = max(periods.shown_months(_months(store)))
    return (latest + dt.timedelta(days=32)).replace(day=1)


def _months(store: Store) -> list[dt.date]:
    frame = store.query("SELECT DISTINCT period FROM indicator_value")
    return [pd.Timestamp(p).date() for p in frame["period"]]


def next_month_files(store: Store, folder: Path) -> tuple[dt.date, list[tuple[str, Path]]]:
    """Write ``values-YYYY-MM.csv`` and ``audits-YYYY-MM.csv`` for the next month into ``folder``;
    the month and the (kind, file) pairs in the order they load."""
    month = next_month(store)
    latest = (month - dt.timedelta(days=1)).replace(day=1)
    key, latest_key = month.strftime("%Y-%m"), latest.strftime("%Y-%m")

    values = export_frame(store, "values")
    values = values[values["period"] == latest_key].copy()
    values["period"] = key
    counted = values["numerator"].notna() & values["denominator"].notna() & (values["denominator"] >= 2)
    values.loc[counted, "numerator"] = (values.loc[counted, "numerator"] - 1).clip(lower=0)

    audits = export_frame(store, "audits")
    dates = pd.to_datetime(audits["audit_date"])
    audits = audits[dates.dt.strftime("%Y-%m") == latest_key].copy()
    audits["audit_date"] = (pd.to_datetime(audits["audit_date"]) + pd.DateOffset(months=1)).dt.strftime("%Y-%m-%d")
    audits["audit_id"] = audits["audit_id"].str.replace(latest_key.replace("-", ""), key.replace("-", ""),
                                                        regex=False) + "-N"

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, frame in (("values", values), ("audits", audits)):
        path = folder / f"{kind}-{key}.csv"
        path.write_bytes(to_csv_bytes(frame.reset_index(drop=True)))
        written.append((kind, path))
    return month, written
