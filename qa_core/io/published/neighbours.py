"""DfE's statistical neighbour model (each LA's 10 closest LAs) and the list of English LAs it
implies, with the LAs abolished by reorganisation since 2016 and joint returns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qa_core.errors import QAError
from qa_core.io.published.common import PUBLIC_DIR, REGION_BY_NAME, REGIONS, need_columns, read_csv
from qa_core.store import Store

__all__ = ["Reorganisation", "REORGANISATIONS", "SN_FILE", "SN_MODEL", "load_sn_model", "sn_frame", "la_frame",
           "benchmark_names"]

@dataclass(frozen=True)
class Reorganisation:
    code: str
    new_code: str
    name: str
    region_code: str
    last_year: int  # the last year (to 31 March) it published figures for
    successors: tuple[str, ...]


#: LAs abolished by local government reorganisation since 2016 and the LAs that replaced them.
REORGANISATIONS = (
    Reorganisation("835", "E10000009", "Dorset (county, to 2019)", "E12000009", 2019, ("838", "839")),
    Reorganisation("836", "E06000029", "Poole", "E12000009", 2019, ("839",)),
    Reorganisation("837", "E06000028", "Bournemouth", "E12000009", 2019, ("839",)),
    Reorganisation("928", "E10000021", "Northamptonshire", "E12000004", 2021, ("940", "941")),
    Reorganisation("909", "E10000006", "Cumbria", "E12000002", 2023, ("942", "943")),
)
SN_FILE = "sn_model_2025_wide.csv"
SN_MODEL = "DfE statistical neighbour model, May 2025"


def load_sn_model(path: Path | None = None) -> pd.DataFrame:
    path = path or PUBLIC_DIR / SN_FILE
    frame = read_csv(path, "statistical neighbour")
    need_columns(frame, ["old_la_code", "la_name", "region_name", *[f"SN_{i}" for i in range(1, 11)]], path,
          "statistical neighbour")
    for col in frame.columns:
        if col.endswith("P"):
            frame[col] = frame[col].astype(str).str.strip()
    return frame


def sn_frame(sn: pd.DataFrame) -> pd.DataFrame:
    """The wide model as ``statistical_neighbour`` rows (10 per LA)."""
    parts = [pd.DataFrame({
        "la_code": sn["old_la_code"].astype(int).astype(str), "rank": i,
        "neighbour_code": sn[f"SN_{i}"].astype(int).astype(str),
        "closeness": sn[f"SN_{i}P"].astype(str).str.strip() if f"SN_{i}P" in sn else None,
        "model": SN_MODEL}) for i in range(1, 11)]
    return pd.concat(parts, ignore_index=True).sort_values(["la_code", "rank"], ignore_index=True)


def la_frame(sn: pd.DataFrame, ees_las: list[pd.DataFrame] = (), ilacs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every LA: the 153 of the model (current), the abolished ones of ``REORGANISATIONS``, and
    any joint return found in the EES files. New codes come from the EES files, else from the
    Ofsted file by name."""
    region_names = {code: name for code, name, _ in REGIONS}
    known = pd.concat(list(ees_las), ignore_index=True) if len(ees_las) else pd.DataFrame(
        columns=["old_la_code", "new_la_code", "name", "region_code", "region_name"])
    new_by_old = known.dropna(subset=["new_la_code"]).drop_duplicates("old_la_code").set_index(
        "old_la_code")["new_la_code"].to_dict()
    new_by_name = {} if ilacs is None else dict(zip(ilacs["la_name"].str.lower(), ilacs["new_la_code"], strict=True))
    preds: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for r in REORGANISATIONS:
        for s in r.successors:
            preds.setdefault(s, []).append(r.code)
            first[s] = max(first.get(s, 0), r.last_year + 1)
    rows = []
    for r in sn.itertuples(index=False):
        code = str(int(r.old_la_code))
        region = REGION_BY_NAME.get(str(r.region_name).strip().lower())
        rows.append(dict(old_la_code=code, new_la_code=new_by_old.get(code) or new_by_name.get(str(r.la_name).lower()),
                         name=str(r.la_name).strip(), region_code=region, region_name=region_names.get(region),
                         status="current", successors=None,
                         predecessors=";".join(sorted(preds[code])) if code in preds else None,
                         last_year=None, first_year=first.get(code)))
    for r in REORGANISATIONS:
        rows.append(dict(old_la_code=r.code, new_la_code=r.new_code, name=r.name, region_code=r.region_code,
                         region_name=region_names[r.region_code], status="abolished",
                         successors=";".join(r.successors), predecessors=None, last_year=r.last_year,
                         first_year=None))
    have = {row["old_la_code"] for row in rows}
    for r in known[known["old_la_code"].str.contains("/", regex=False)].drop_duplicates("old_la_code").itertuples():
        if r.old_la_code not in have:
            rows.append(dict(old_la_code=r.old_la_code, new_la_code=r.new_la_code, name=r.name,
                             region_code=r.region_code, region_name=r.region_name, status="joint", successors=None,
                             predecessors=None, last_year=None, first_year=None))
    frame = pd.DataFrame(rows)
    frame["last_year"] = frame["last_year"].astype("Int64")
    frame["first_year"] = frame["first_year"].astype("Int64")
    return frame


def benchmark_names(store: Store) -> dict[str, str | None]:
    """The published LA the council is compared as (the store's settings), and its region's name
    from DfE's statistical neighbour model shipped in ``data/public``; None where unknown."""
    la_name = store.setting("benchmark_la_name")
    code = store.setting("benchmark_la")
    region = None
    if code and code.isdigit():
        try:
            model = load_sn_model()
        except QAError:
            model = None
        if model is not None:
            row = model[model["old_la_code"] == int(code)]
            if not row.empty:
                region = str(row["region_name"].iloc[0]).strip()
    return {"la": la_name, "region": region}
