"""Kind ``process_changes``: recorded SPC process changes (a new service model, a restructure), from
which a measure's chart limits are recalculated (docs/domain.md, "Baselines and process changes").
The assistant director records them in the app; an administrator may load them from a file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, Field

from qa_core.io.importer.fields import IndicatorRef, Month, Sentence, Text
from qa_core.io.importer.kinds.base import KindSpec, Outcome, Prepared, Step, month_label, plural
from qa_core.io.importer.kinds.commentary import COUNCIL, read_moment
from qa_core.io.importer.validate import Checker, Context
from qa_core.store import Store

_JOIN = "LEFT JOIN spc_process_change t USING (code, org_level, org_id, month)"
_CHANGED = "(t.code IS NULL OR n.reason IS DISTINCT FROM t.reason OR n.recorded_by IS DISTINCT FROM t.recorded_by)"


class ProcessChangeRow(BaseModel):
    code: IndicatorRef = Field(description="The measure's code in the catalogue.", examples=["CWD_REVIEWS"])
    org_unit: Text = Field(
        description="The service whose chart it resets, by id or name; or 'la' (the council) for "
        "the council's chart and every service's.",
        examples=["Children with Disabilities"],
    )
    month: Month = Field(description="The first month of the new baseline, as YYYY-MM.", examples=["2025-09"])
    reason: Sentence = Field(
        description="What changed in the process, as the chart will say it.",
        examples=["Plan reviews moved to the new disability hub."],
    )
    recorded_by: Text = Field(
        description="Who decided it (normally the assistant director).", examples=["Assistant Director"]
    )
    recorded_at: Text | None = Field(
        None,
        description="When it was recorded: 2025-09-04 10:00 or a date; blank: the time of the import.",
        examples=[""],
    )


def _unit(ctx: Context) -> Any:
    services = ctx.lookup("service")
    names = ctx.query("SELECT value FROM setting WHERE key = 'council_name'")["value"].tolist()
    council = {COUNCIL, "council", "local authority", *(str(n).lower() for n in names if n)}

    def resolve(text: str) -> tuple[str, str]:
        if text.strip().lower() in council:
            return "la", COUNCIL
        return "service", services.resolve(text)

    return resolve


def prepare_changes(ck: Checker, ctx: Context) -> Prepared:
    code = ck.ref("code", ctx.lookup("indicator"))
    month = ck.column("month")
    ck.require("org_unit")
    unit_codes, units = ck.read("org_unit", _unit(ctx))
    levels = [units[c][0] if c >= 0 and units[c] else None for c in unit_codes]
    org_ids = [units[c][1] if c >= 0 and units[c] else None for c in unit_codes]
    recorded: pa.Array = pa.nulls(ck.n, pa.timestamp("us"))
    if ck.has("recorded_at"):
        recorded = ck.coded("recorded_at", read_moment, pa.timestamp("us"))
    links = ctx.query("SELECT code, service_id FROM indicator_service")
    held = set(zip(links["code"], links["service_id"], strict=True))
    codes = code.to_pylist()
    outside = np.array(
        [
            c is not None and lv == "service" and (c, org) not in held
            for c, lv, org in zip(codes, levels, org_ids, strict=True)
        ],
        dtype=bool,
    )
    ck.add(
        outside,
        "code",
        lambda i: (
            f"{codes[i]} is not one of {ctx.service_names.get(org_ids[i], org_ids[i])}'s clinic measures, so no chart "
            "of that service would show this change. Check the code and the service."
        ),
    )
    unit_key = pa.array([f"{lv}:{org}" if org else None for lv, org in zip(levels, org_ids, strict=True)])
    ck.duplicates(
        [("code", code), ("org_unit", unit_key), ("month", month)],
        lambda i: (
            f"The change to {codes[i]} for {org_ids[i]} from "
            f"{month_label(month[i].as_py()) if month[i].as_py() else 'that month'}"
        ),
    )
    staged = pa.table(
        {
            "code": code,
            "org_level": pa.array(levels, pa.string()),
            "org_id": pa.array(org_ids, pa.string()),
            "month": month,
            "reason": ck.column("reason"),
            "recorded_by": ck.column("recorded_by"),
            "recorded_at": recorded,
        }
    )
    return Prepared(rows=ck.n, staged={"_n_change": staged})


def load_changes(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    row = cur.execute(
        f"SELECT count(*) FILTER (WHERE t.code IS NULL), count(*) FILTER (WHERE t.code IS NOT NULL AND {_CHANGED}), "
        f"count(*) FILTER (WHERE NOT {_CHANGED}) FROM _n_change n {_JOIN}"
    ).fetchall()[0]
    outcome = Outcome(added=int(row[0]), replaced=int(row[1]), unchanged=int(row[2]))
    for n, verb in ((outcome.added, "added"), (outcome.replaced, "replaced (a new reason or who recorded it)")):
        if n:
            outcome.messages.append(f"{plural(n, 'process change')} {verb}.")
    if outcome.unchanged:
        outcome.messages.append(
            f"{plural(outcome.unchanged, 'process change')} already held exactly as in this file, left unchanged."
        )
    step("writing process changes")
    if write and (outcome.added or outcome.replaced):
        cur.execute(
            f"""
            INSERT OR REPLACE INTO spc_process_change
            SELECT n.code, n.org_level, n.org_id, n.month, n.reason, n.recorded_by, coalesce(n.recorded_at, $now)
            FROM _n_change n {_JOIN} WHERE {_CHANGED}
            """,
            {"now": dt.datetime.now().replace(microsecond=0)},
        ).fetchall()
    return outcome


def export_changes(store: Store) -> pd.DataFrame:
    return store.query(
        """
        SELECT c.code, c.org_id AS org_unit, strftime(c.month, '%Y-%m') AS month, c.reason, c.recorded_by,
               strftime(c.recorded_at, '%Y-%m-%d %H:%M:%S') AS recorded_at
        FROM spc_process_change c JOIN indicator i USING (code)
        ORDER BY i.sort_order, c.code, c.org_level, c.org_id, c.month
        """
    )


KINDS = [
    KindSpec(
        name="process_changes",
        title="SPC process changes",
        summary="One row per recorded process change: the measure, the service (or the council), the first month "
        "of the new baseline, the reason and who decided it. Chart limits are recalculated from it.",
        model=ProcessChangeRow,
        tables=("spc_process_change",),
        key="code, org_unit, month",
        replaces="Each row replaces the change held for the same code, unit and month when its reason or who "
        "recorded it differ; changes not in the file are kept.",
        prepare=prepare_changes,
        load=load_changes,
        export=export_changes,
        needs="the indicators (catalogue) and the services",
    ),
]
