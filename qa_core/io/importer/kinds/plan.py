"""Kind ``plan``: the improvement plan (areas, RAG by month, priorities, narrative) in one sheet.

Each row says in ``record`` what it holds, and uses the columns that record needs:

=========  ============================================================
record     columns
=========  ============================================================
area       area_id, name, lead, ofsted_recommendation, sort_order
rag        area_id, month, rag
priority   area_id, priority_id, description, target_date, completed_date; optionally rag and evidence:
           the lead's own rating of the priority and the evidence it rests on
narrative  area_id, month, narrative_kind, seq, text, evidence
=========  ============================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from qa_core.io.importer.fields import Count, Day, DueDay, LongText, Month, Rag, Text, choice
from qa_core.io.importer.kinds.base import (
    KindSpec,
    Outcome,
    Prepared,
    Step,
    changes,
    merge_counts,
    month_label,
    register,
    scope_messages,
    totals,
)
from qa_core.io.importer.kinds.catalogue import _sort_orders
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, Context, Lookup
from qa_core.store import Store

RECORDS = ("area", "rag", "priority", "narrative")
NARRATIVE_KINDS = ("development", "risk", "progress")
NEEDS = {"area": ("name",), "rag": ("month", "rag"), "priority": ("priority_id", "description"),
         "narrative": ("month", "narrative_kind", "text")}


class PlanRow(BaseModel):
    record: choice(RECORDS, {"rating": "rag", "rag_rating": "rag", "priorities": "priority"}, "record type") = Field(
        description="What the row holds: area, rag (an area's rating for a month), priority, or narrative (a "
                    "development, risk or progress note for a month).", examples=["area"])
    area_id: Text = Field(description="The area's id (rag, priority and narrative rows may give its name).",
                          examples=["AREA04"])
    name: Text | None = Field(None, description="area rows: the area's name.", examples=["MASH"])
    lead: Text | None = Field(None, description="area rows: who leads it.", examples=["Priya Salkeld"])
    ofsted_recommendation: LongText | None = Field(None, description="area rows: the recommendation it answers.",
                                               examples=["Improve the timeliness of decisions at the front door"])
    sort_order: Count | None = Field(None, description="area rows: position in lists; blank keeps the stored "
                                     "order.", examples=["4"])
    month: Month | None = Field(None, description="rag and narrative rows: the month, YYYY-MM.", examples=["2026-10"])
    rag: Rag | None = Field(None, description="rag rows: Red, Amber, Yellow, Green or Blue (complete). priority rows "
                            "(optional): the lead's own rating of the priority, shown in place of the one worked out "
                            "from its target date.", examples=["Amber"])
    priority_id: Text | None = Field(None, description="priority rows: the priority's unique id.",
                                     examples=["AREA04-P1"])
    description: LongText | None = Field(None, description="priority rows: the priority.",
                                     examples=["Reduce delay in MASH decisions"])
    target_date: DueDay | None = Field(None, description="priority rows: the target date.", examples=["31/03/2027"])
    completed_date: Day | None = Field(None, description="priority rows: when it was completed; blank while open.",
                                       examples=[""])
    narrative_kind: choice(NARRATIVE_KINDS, {"developments": "development", "risks": "risk", "key_risk": "risk",
                                             "key_development": "development"}, "narrative kind") | None = Field(
        None, description="narrative rows: development, risk or progress.", examples=["progress"])
    seq: Count | None = Field(None, description="narrative rows: order within the month and kind; blank follows "
                              "the file's order.", examples=["1"])
    text: LongText | None = Field(None, description="narrative rows: the note.",
                              examples=["Decisions within 24 hours rose to 91% in October"])
    evidence: LongText | None = Field(None, description="narrative rows: the evidence it rests on. priority rows "
                                      "(optional): the evidence for the lead's rating.",
                                      examples=["Monthly performance report"])


def _mask(values: pa.Array, keep: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(keep), values, pa.scalar(None, values.type))


def prepare_plan(ck: Checker, ctx: Context) -> Prepared:
    record = ck.column("record")
    rec = np.asarray(pc.fill_null(record, "").to_numpy(zero_copy_only=False), dtype=object)
    raw_area = ck.column("area_id")
    for kind, needs in NEEDS.items():
        for col in needs:
            if ck.has(col):
                ck.require(col, rec == kind, f"every {kind} row needs one")
            elif (rec == kind).any():
                ck.add_file(f"The column '{col}' is missing; {kind} rows need it.", row=1, column=col)
    values = {name: ck.column(name) if ck.has(name) else pa.nulls(ck.n, _type(name))
              for name in PlanRow.model_fields if name not in ("record", "area_id")}
    is_area = rec == "area"
    file_ids = [v for v in _mask(raw_area, is_area).to_pylist() if v]
    # An area the file gives is known by the file's name for it (a renamed area's old name is gone).
    held = ctx.query("SELECT area_id, name FROM plan_area ORDER BY sort_order")
    held = held[~held["area_id"].isin(set(file_ids))]
    file_names = _mask(values["name"], is_area).to_pylist()
    lookup = Lookup("improvement plan area", list(held["area_id"]) + file_ids,
                    list(held["name"]) + [n for n, i in zip(file_names, _mask(raw_area, is_area).to_pylist(),
                                                            strict=True) if i],
                    hint=" Add the area first, with a row whose record is 'area'.")
    resolved = ck.ref("area_id", lookup, values=_mask(raw_area, ~is_area))
    area_id = pc.if_else(pa.array(is_area), raw_area, resolved)

    def subset(kind: str, names: list[str]) -> dict[str, pa.Array]:
        keep = rec == kind
        return {n: _mask(area_id if n == "area_id" else values[n], keep) for n in names}

    a = subset("area", ["area_id", "name"])
    ck.duplicates([("area_id", a["area_id"])], lambda i: f"The area {raw_area[i].as_py()}")
    r = subset("rag", ["area_id", "month"])
    ck.duplicates([("area_id", r["area_id"]), ("month", r["month"])],
                  lambda i: f"The RAG rating of {area_id[i].as_py()} for {_month(values['month'][i].as_py())}")
    p = subset("priority", ["priority_id"])
    ck.duplicates([("priority_id", p["priority_id"])], lambda i: f"The priority {values['priority_id'][i].as_py()}")
    # Narrative order: as given, else the file's order within the area, month and kind.
    is_note = rec == "narrative"
    notes = pd.DataFrame({"a": area_id.to_pylist(), "m": values["month"].to_pylist(),
                          "k": values["narrative_kind"].to_pylist()})
    order = notes.groupby(["a", "m", "k"], dropna=False).cumcount().to_numpy() + 1
    seq_given = values["seq"].to_numpy(zero_copy_only=False) if ck.has("seq") else np.full(ck.n, np.nan)
    seq_given = np.where(pc.is_null(values["seq"]).to_numpy(zero_copy_only=False), np.nan, seq_given)
    seq = pa.array(np.where(np.isnan(seq_given.astype(float)), order, seq_given).astype(np.int64))
    n = subset("narrative", ["area_id", "month", "narrative_kind"])
    ck.duplicates([("area_id", n["area_id"]), ("month", n["month"]), ("narrative_kind", n["narrative_kind"]),
                   ("seq", _mask(seq, is_note))],
                  lambda i: f"Narrative {values['narrative_kind'][i].as_py()} {seq[i].as_py()} of "
                            f"{area_id[i].as_py()} for {_month(values['month'][i].as_py())}")

    def table(kind: str, cols: dict[str, pa.Array]) -> pa.Table:
        keep = pa.array(rec == kind)
        return pa.table({k: v.filter(keep) for k, v in cols.items()})

    area_cols = {"area_id": area_id, "name": values["name"]}
    for name in ("lead", "ofsted_recommendation"):
        if ck.has(name):
            area_cols[name] = values[name]
    areas = table("area", area_cols)
    areas = areas.append_column("sort_order", _sort_orders(
        ctx, "plan_area", "area_id", areas["area_id"].combine_chunks(),
        table("area", {"s": values["sort_order"]})["s"].combine_chunks()))
    priority_cols = {"priority_id": values["priority_id"], "area_id": area_id, "description": values["description"]}
    for name in ("target_date", "completed_date", "rag", "evidence"):
        if ck.has(name):
            priority_cols[name] = values[name]
    staged = {
        "_n_area": areas,
        "_n_rag": table("rag", {"area_id": area_id, "month": values["month"], "rag": values["rag"]}),
        "_n_priority": table("priority", priority_cols),
        "_n_narrative": table("narrative", {"area_id": area_id, "month": values["month"],
                                            "kind": values["narrative_kind"], "seq": seq, "text": values["text"],
                                            "evidence": values["evidence"]}),
    }
    return Prepared(rows=ck.n, staged=staged)


def _type(name: str) -> pa.DataType:
    return {"sort_order": pa.int64(), "seq": pa.int64(), "month": pa.date32(), "target_date": pa.date32(),
            "completed_date": pa.date32()}.get(name, pa.string())


def _month(value: Any) -> str:
    return month_label(value) if value is not None else "an unreadable month"


def load_plan(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    for name, table in prep.staged.items():
        register(cur, name, table)
    s = prep.staged
    merges = {
        "areas": Merge("plan_area", "_n_area", ["area_id"], [c for c in s["_n_area"].column_names if c != "area_id"]),
        "RAG ratings": Merge("plan_area_rag", "_n_rag", ["area_id", "month"], ["rag"]),
        "priorities": Merge("plan_priority", "_n_priority", ["priority_id"],
                            [c for c in s["_n_priority"].column_names if c != "priority_id"]),
        "narrative notes": Merge("plan_narrative", "_n_narrative", ["area_id", "month", "kind", "seq"],
                                 ["text", "evidence"], scope=["area_id", "month"]),
    }
    outcome = Outcome()
    todo = []
    names = dict(ctx.query("SELECT area_id, name FROM plan_area").itertuples(index=False))
    names.update(dict(zip(s["_n_area"]["area_id"].to_pylist(), s["_n_area"]["name"].to_pylist(), strict=True)))
    for noun, merge in merges.items():
        if noun == "narrative notes":
            frame = merge_counts([merge.statuses(cur, by=["n.area_id", "n.month"])],
                                 [merge.removed(cur, by=["area_id", "month"])], ["area_id", "month"])
            part = totals(frame)
            outcome.messages += scope_messages(
                frame.sort_values(["month", "area_id"]),
                lambda r: f"{month_label(r['month'])} narrative for {names.get(r['area_id'], r['area_id'])}")
        else:
            part = totals(merge_counts([merge.statuses(cur)], [], []))
            done = [f"{n:,} {verb}" for n, verb in ((part.added, "added"), (part.replaced, "replaced"),
                                                     (part.unchanged, "unchanged")) if n]
            if done:
                outcome.messages.append(f"{noun[0].upper()}{noun[1:]}: {', '.join(done)}.")
        if changes(part):
            todo.append(merge)
        outcome.added += part.added
        outcome.replaced += part.replaced
        outcome.unchanged += part.unchanged
        outcome.removed += part.removed
    step("writing the improvement plan")
    if write:
        for merge in todo:
            merge.apply(cur)
    return outcome


def export_plan(store: Store) -> pd.DataFrame:
    columns = list(PlanRow.model_fields)
    parts = [
        store.query("SELECT 'area' AS record, area_id, name, lead, ofsted_recommendation, sort_order "
                    "FROM plan_area ORDER BY sort_order, area_id"),
        store.query("SELECT 'rag' AS record, r.area_id, strftime(r.month, '%Y-%m') AS month, r.rag "
                    "FROM plan_area_rag r JOIN plan_area p USING (area_id) ORDER BY p.sort_order, r.area_id, r.month"),
        store.query("SELECT 'priority' AS record, x.area_id, x.priority_id, x.description, x.target_date, "
                    "x.completed_date, x.rag, x.evidence FROM plan_priority x JOIN plan_area p USING (area_id) "
                    "ORDER BY p.sort_order, x.area_id, x.priority_id"),
        store.query("SELECT 'narrative' AS record, n.area_id, strftime(n.month, '%Y-%m') AS month, "
                    "n.kind AS narrative_kind, n.seq, n.text, n.evidence FROM plan_narrative n "
                    "JOIN plan_area p USING (area_id) ORDER BY p.sort_order, n.area_id, n.month, n.kind, n.seq"),
    ]
    frame = pd.concat([p.astype(object) for p in parts if not p.empty], ignore_index=True) if any(
        not p.empty for p in parts) else pd.DataFrame(columns=columns)
    for col in columns:
        if col not in frame:
            frame[col] = None
    frame = frame[columns]
    for col in ("sort_order", "seq"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    return frame


KINDS = [
    KindSpec(
        name="plan", title="Improvement plan",
        summary="The improvement plan in one sheet: each row is an area, an area's RAG rating for a month, a "
                "priority with its target date, or a narrative note (development, risk, progress) for a month; "
                "the record column says which.",
        model=PlanRow, tables=("plan_area", "plan_area_rag", "plan_priority", "plan_narrative"),
        key="area: area_id; rag: area_id and month; priority: priority_id; narrative: area_id, month, "
            "narrative_kind and seq",
        replaces="Areas, RAG ratings and priorities replace the stored ones with the same key. An area's narrative "
                 "for a month is replaced as a whole: its notes for that month not in the file are removed.",
        prepare=prepare_plan, load=load_plan, export=export_plan,
        example_rows=(
            {"record": "area", "area_id": "AREA13", "name": "Example area", "lead": "Priya Salkeld",
             "ofsted_recommendation": "Improve the timeliness of decisions at the front door", "sort_order": "13"},
            {"record": "rag", "area_id": "AREA13", "month": "2026-10", "rag": "Amber"},
            {"record": "priority", "area_id": "AREA13", "priority_id": "AREA13-P1",
             "description": "Reduce delay in front door decisions", "target_date": "31/03/2027"},
            {"record": "narrative", "area_id": "AREA13", "month": "2026-10", "narrative_kind": "progress",
             "seq": "1", "text": "Decisions within 24 hours rose to 91% in October",
             "evidence": "Monthly performance report"},
        ),
    ),
]
