"""A deterministic fictional council ("Kestrel Vale Council") to run and test against.

The same seed and scale always give the same store: every random draw comes from one
``numpy`` generator seeded once, and the period ends at a fixed month, not today.
The store is written to a temporary file and moved into place only when complete, so a
failed or killed build never leaves a half-built store behind.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.store import Store
from qa_core.store.access import GATE_SUFFIX

if TYPE_CHECKING:
    from qa_core.demo.org import NameBook

__all__ = ["build_demo", "demo_frames", "is_demo_store", "SCALES", "DEMO_END", "BENCHMARK_LA", "DEMO_MARKER"]

#: The setting (key, value) that marks a store built by ``build_demo``: only such a store, with
#: nothing imported into it since, may be shown without sign-in (the local demo).
DEMO_MARKER = ("store_made_by", "demo")
DEMO_END = pd.Timestamp("2026-10-01")
SCALES = {"small": 36, "large": 120}
BENCHMARK_LA = (356, "Stockport")
#: The last risk review: July to September 2026, the financial year's second quarter.
LAST_QUARTER = "2026/27 Q2"


def _months(n: int) -> pd.DatetimeIndex:
    return pd.date_range(end=DEMO_END, periods=n, freq="MS")


def _comparators() -> pd.DataFrame:
    from qa_core.demo.catalogue import INDICATORS
    from qa_core.io.published import comparators_for, load_lait, load_sn_model

    mapping = {i["published"]: i["code"] for i in INDICATORS if i.get("published")}
    lait = load_lait(measures=list(mapping))
    long = comparators_for(lait, load_sn_model(), BENCHMARK_LA[0])
    long = long[long["value"].notna()]
    return pd.DataFrame({
        "code": long["measure_short"].map(mapping),
        "period": long["year"].astype(str),
        "comparator": long["comparator"],
        "value": long["value"].astype(float),
        "symbol": None,
        "n_used": long["n_used"].astype("int64"),
        "source": "DfE LAIT (Open Government Licence v3.0)",
    })


def _clinic_actions(services: pd.DataFrame, months: pd.DatetimeIndex,
                    rng: np.random.Generator, links: pd.DataFrame) -> pd.DataFrame:
    rows = []
    end = (months[-1] + pd.offsets.MonthEnd(0)).date()
    texts = ["Review the cases out of timescale with each team manager",
             "Check recording of decisions on the case management system",
             "Report back on the causes of the change at next clinic",
             "Agree a recovery plan with the team",
             "Dip-sample ten cases and report findings"]
    for service in services.itertuples():
        codes = links.loc[links["service_id"] == service.service_id, "code"].tolist()
        for back in (3, 2, 1):
            clinic = months[-back]
            for k in range(2):
                due = (clinic + pd.offsets.MonthEnd(0) + pd.Timedelta(days=int(rng.integers(14, 45)))).date()
                done = due < end and rng.random() < 0.6
                rows.append(dict(
                    action_id=f"CA-{service.service_id}-{clinic:%Y%m}-{k + 1}",
                    service_id=service.service_id, clinic_month=clinic.date(),
                    code=codes[int(rng.integers(len(codes)))], description=texts[int(rng.integers(len(texts)))],
                    owner=service.head_of_service, due_date=due,
                    completed_date=(due - pd.Timedelta(days=3)) if done else None,
                    created_at=clinic + pd.Timedelta(days=20),
                ))
    return pd.DataFrame(rows)


def demo_frames(scale: str = "small", seed: int = 1, annex_a: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the demo store as frames, in an order that respects foreign keys.

    ``annex_a``: also the demo council's Annex A, imported as the ``annex_a`` kind would (its measures, the
    records behind them), its children pseudonymised with the key beside that store path.
    """
    # The builders and the published-data readers are imported here, not at the top: the app imports this
    # package on every start for ``is_demo_store`` and ``build_demo``, and the builders bring the bank
    # holidays with them (issue 14).
    from qa_core.demo.audit_data import build_audits
    from qa_core.demo.clinic_data import build_commentary, build_meetings, build_process_changes
    from qa_core.demo.org import COUNCIL_NAME, NameBook, build_org, build_staff
    from qa_core.demo.plan_data import build_plan
    from qa_core.demo.programme_data import (
        allocate_tier2,
        escalation_records,
        extra_staff,
        supervision_audits,
        targets,
        theme_plan,
        tool_frames,
    )
    from qa_core.demo.risk_data import build_risks, matrix_frames
    from qa_core.demo.series import indicator_frames, indicator_values
    from qa_core.io.published import published_frames

    if scale not in SCALES:
        raise QAError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
    rng = np.random.default_rng(seed)
    names = NameBook(rng)
    months = _months(SCALES[scale])
    org = build_org(rng, names, scale)
    catalogue = indicator_frames(org["team"])
    frames: dict[str, pd.DataFrame] = {
        "setting": pd.DataFrame([
            DEMO_MARKER, ("council_name", COUNCIL_NAME), ("demo_scale", scale), ("demo_seed", str(seed)),
            ("latest_month", months[-1].strftime("%Y-%m")), ("latest_quarter", LAST_QUARTER),
            ("benchmark_la", str(BENCHMARK_LA[0])), ("benchmark_la_name", BENCHMARK_LA[1]),
            ("risk_matrix", "product_5x5"),
        ], columns=["key", "value"]),
        # Published DfE/Ofsted figures for every English LA (the demo is benchmarked as BENCHMARK_LA).
        **published_frames(),
        **org,
        **catalogue,
        "indicator_value": indicator_values(org["team"], catalogue["indicator_service"], months, rng),
        "comparator": _comparators(),
        **build_audits(org["service"], org["team"], months, rng, names),
        **build_plan(months, rng, names),
        **matrix_frames(),
        **build_risks(LAST_QUARTER, rng, names),
    }
    frames["clinic_action"] = _clinic_actions(org["service"], months, rng, catalogue["indicator_service"])
    frames.update(build_commentary(catalogue["indicator_service"], org["service"], months))
    frames["spc_process_change"] = build_process_changes(months)
    frames.update(build_meetings(org["service"], org["team"], months))
    # The audit programme draws from a generator of its own, so everything above is as it was.
    extra = np.random.default_rng([seed, 17])
    officers = sorted(frames["audit"].loc[frames["audit"]["auditor_role"] == "qa_officer", "auditor"].unique())
    supervision, answers = supervision_audits(org["team"], months, officers, extra)
    frames["audit"] = pd.concat([frames["audit"], supervision], ignore_index=True)
    # The organisation as a council's imports hold it: staff, expectation rules, exemptions; the staff
    # ids of heads, managers and auditors (names are taken last, so no earlier draw changes).
    people = build_staff(org["service"], org["team"], frames["audit"], months, names)
    frames["service"] = org["service"].assign(head_staff_id=people.pop("head_staff_id").to_numpy())
    frames["team"] = org["team"].assign(manager_staff_id=people.pop("manager_staff_id").to_numpy())
    frames["audit"] = frames["audit"].assign(auditor_id=people.pop("auditor_id").to_numpy())
    frames.update(people)
    frames["staff"] = pd.concat([frames["staff"], extra_staff(months, names, len(frames["staff"]) + 1)],
                                ignore_index=True)
    graded = frames["audit"]["tier"].isin(["tier1", "tier2"]).to_numpy()
    frames["audit"]["has_iro"] = pd.array(np.where(graded, extra.random(len(graded)) < 0.45, None), dtype="boolean")
    allocation, frames["audit"] = allocate_tier2(frames["audit"], frames["service"], frames["service"]["head_staff_id"],
                                                 months[-1], seed)
    director = frames["staff"].loc[frames["staff"]["role"] == "assistant_director", "name"].iloc[0]
    frames.update(tool_frames())
    frames["audit_answer"] = answers
    frames["audit_theme_plan"] = theme_plan(months)
    frames["audit_target"] = targets(months)
    frames["audit_escalation"] = escalation_records(frames["audit"], frames["service"], frames["team"], director,
                                                    months[-1] + pd.offsets.MonthEnd(0), extra)
    frames["tier2_allocation"] = allocation
    if annex_a is not None:
        _add_annex_a(frames, org, scale, seed, names, annex_a)
    return frames


def _add_annex_a(frames: dict[str, pd.DataFrame], org: dict[str, pd.DataFrame], scale: str, seed: int,
                 names: NameBook, path: Path) -> None:
    """The demo's Annex A (``qa_core.demo.annex_a``): its rows added to the frames, after everything else so
    the rest of the demo is the same with it or without it."""
    from qa_core.demo.annex_a import ANNEX_A_MONTHS, annex_a_frames

    workers = names.take(3 * len(org["team"]))  # three social workers a team
    extra = annex_a_frames(org["team"], org["service"], DEMO_END.date(), path, months=ANNEX_A_MONTHS,
                           seed=seed, volume=1.0 if scale == "small" else 2.5, workers=workers,
                           benchmark_la=BENCHMARK_LA[0])
    for table, rows in extra.items():
        frames[table] = pd.concat([frames[table], rows], ignore_index=True) if table in frames else rows
    # Foreign keys: the catalogue and the organisation before the values that refer to them.
    order = ["service", "team", "indicator", "indicator_service", "indicator_value"]
    for table in [*order, *(t for t in list(frames) if t not in order)]:
        if table in frames:
            frames[table] = frames.pop(table)


def is_demo_store(store: Store) -> bool:
    """Is this the fictional demo council: built by ``build_demo`` (its marker setting) and with no
    import committed since? A store made by importing into an empty store has no marker, and an
    import into the demo store (by the app or the command line) may have brought a council's own
    data, so either is a council's store, never shown without sign-in."""
    key, value = DEMO_MARKER
    marked = store.query("SELECT value FROM setting WHERE key = ?", [key])["value"].tolist() == [value]
    if not marked:
        return False
    imported = store.query("SELECT count(*) AS n FROM import_log WHERE status <> 'rejected'")["n"].iloc[0]
    return int(imported) == 0


def build_demo(path: str | Path, scale: str = "small", seed: int = 1, force: bool = False,
               annex_a: bool = False) -> dict[str, int]:
    """Build the demo store at ``path``; refuse to overwrite an existing file unless forced. ``annex_a``: with
    the demo council's Annex A measures and the (fictional, pseudonymised) records behind them."""
    path = Path(path)
    if path.exists() and not force:
        raise QAError(f"{path} already exists. Use --force to replace it with demo data "
                      "(everything in it will be lost), or choose another --db.")
    started = time.perf_counter()
    frames = demo_frames(scale, seed, annex_a=path if annex_a else None)
    tmp = path.with_name(path.name + f".building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        store = Store(tmp)
        try:
            counts = store.insert_frames(frames)
            store.checkpoint()
        finally:
            store.close()
        if path.exists():
            Store(path).close()  # fails plainly if another process holds the file
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        Path(str(tmp) + GATE_SUFFIX).unlink(missing_ok=True)  # the temporary file's writer gate
    counts["_seconds"] = round(time.perf_counter() - started, 2)
    return counts
