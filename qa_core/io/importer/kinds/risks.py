"""Kinds ``risks`` (the register: one row per risk per quarter) and ``risk_matrix`` (one row per cell)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from qa_core.errors import QAError
from qa_core.io.importer.fields import (
    Count,
    Level,
    LongText,
    Quarter,
    Sentence,
    ServiceRef,
    Text,
    YesNo,
    choice,
    plain_digits,
    shorten,
)
from qa_core.io.importer.kinds.base import (
    KindSpec,
    Outcome,
    Prepared,
    Step,
    changes,
    is_null,
    merge_counts,
    plural,
    register,
    scope_messages,
    totals,
)
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, Context
from qa_core.rules.risk import KINDS as MATRIX_KINDS
from qa_core.rules.risk import PRODUCT_5X5, matrix_cells, matrix_from_cells
from qa_core.store import Store

LEVEL_COLUMNS = ("gross_impact", "gross_likelihood", "residual_impact", "residual_likelihood",
                 "target_impact", "target_likelihood")


class RiskRow(BaseModel):
    risk_ref: Text = Field(description="The risk's reference, unique in the register.", examples=["CSR001"])
    quarter: Quarter = Field(description="The financial quarter reviewed (April to March years): 2026/27 Q3 is "
                             "October to December 2026; also Q3 2026/27. A calendar-style 2026-Q3 is refused.",
                             examples=["2026/27 Q3"])
    title: Sentence = Field(description="The risk in one sentence.",
                        examples=["Practice is not of consistent quality, risking serious harm to a child"])
    service: ServiceRef | None = Field(None, description="The service it sits with, by id or name; blank for the "
                                       "whole directorate.", examples=["Child Protection and Court"])
    description: LongText | None = Field(None, description="More detail.", examples=[""])
    owner: Text | None = Field(None, description="The risk owner.", examples=["Kofi Garside"])
    gross_impact: Level = Field(description="Impact before controls: 1-5 or the matrix's word (e.g. Major).",
                                examples=["5"])
    gross_likelihood: Level = Field(description="Likelihood before controls: 1-5 or the matrix's word.",
                                    examples=["5"])
    residual_impact: Level = Field(description="Impact with controls in place (net).", examples=["5"])
    residual_likelihood: Level = Field(description="Likelihood with controls in place (net).", examples=["4"])
    target_impact: Level | None = Field(None, description="The impact aimed for.", examples=["4"])
    target_likelihood: Level | None = Field(None, description="The likelihood aimed for.", examples=["3"])
    controls: LongText | None = Field(None, description="The controls in place.",
                                  examples=["Audit and moderation programme; monthly performance clinics"])
    reasons: LongText | None = Field(None, description="Why it is scored so.",
                                 examples=["Audit findings show inconsistent practice"])
    outlook: LongText | None = Field(None, description="What is expected next.",
                                 examples=["A reduction is expected as controls take effect"])
    reduction_expected: YesNo | None = Field(None, description="Is a reduction in score expected? yes or no.",
                                             examples=["yes"])


def _matrix(ctx: Context) -> tuple[int, list[str], list[str], str]:
    """The size and word scales of the store's chosen matrix (5 and no words if none is held)."""
    chosen = ctx.query("SELECT value FROM setting WHERE key = 'risk_matrix'")["value"].tolist()
    heads = ctx.query("SELECT * FROM risk_matrix ORDER BY matrix_id")
    if heads.empty:
        return 5, list(PRODUCT_5X5.impact_labels), list(PRODUCT_5X5.likelihood_labels), PRODUCT_5X5.name
    row = heads[heads["matrix_id"] == chosen[0]].iloc[0] if chosen and chosen[0] in set(heads["matrix_id"]) \
        else heads.iloc[0]
    size = int(ctx.query("SELECT max(impact) AS n FROM risk_matrix_cell WHERE matrix_id = ?",
                         [row["matrix_id"]])["n"].fillna(5).iloc[0])

    def labels(text: Any) -> list[str]:
        return [p.strip() for p in str(text).split("|")] if isinstance(text, str) and text else []

    return size, labels(row["impact_labels"]), labels(row["likelihood_labels"]), str(row["name"])


def prepare_risks(ck: Checker, ctx: Context) -> Prepared:
    ref = ck.column("risk_ref")
    quarter = ck.column("quarter")
    ck.duplicates([("risk_ref", ref), ("quarter", quarter)],
                  lambda i: f"The review of {ref[i].as_py()} for {quarter[i].as_py()}")
    size, impact_words, likelihood_words, matrix_name = _matrix(ctx)

    def level_reader(words: list[str], axis: str) -> Any:
        def read(text: str) -> int:
            for number, word in enumerate(words, start=1):
                if text.strip().lower() == word.lower():
                    return number
            text = plain_digits(text)  # float() would read '٣' or '３' as 3
            try:
                number = float(text)
            except ValueError:
                number = 0.5
            if number.is_integer() and 1 <= number <= size:
                return int(number)
            scale = f" or {', '.join(words)}" if words else ""
            article = "an" if axis[0] in "aeiou" else "a"
            raise ValueError(f"'{shorten(text)}' is not {article} {axis} level: use 1 to {size}{scale} (the "
                             f"{matrix_name} matrix).")
        return read

    cols: dict[str, pa.Array] = {"risk_ref": ref, "quarter": quarter}
    for name in LEVEL_COLUMNS:
        axis = "impact" if name.endswith("impact") else "likelihood"
        words = impact_words if axis == "impact" else likelihood_words
        required = not name.startswith("target")
        if required:
            ck.require(name)
        if ck.has(name):
            cols[name] = pc.cast(ck.coded(name, level_reader(words, axis), pa.int64()), pa.int8())
    for name in ("controls", "reasons", "outlook", "reduction_expected"):
        if ck.has(name):
            cols[name] = ck.column(name)
    risk_cols: dict[str, pa.Array] = {"risk_ref": ref, "title": ck.column("title")}
    if ck.has("service"):
        risk_cols["service_id"] = ck.ref("service", ctx.lookup("service"))
    for name in ("description", "owner"):
        if ck.has(name):
            risk_cols[name] = ck.column(name)
    _same_per_key(ck, ref, {k: v for k, v in risk_cols.items() if k != "risk_ref"}, "in every quarter")
    reviews = pa.table(cols)
    risks = pa.table(risk_cols)
    # One row per risk for the risk table (the rows agree, or a problem was reported).
    first = ~pd.Series(ref.to_pylist()).duplicated().to_numpy() & ~is_null(ref)
    risks = risks.filter(pa.array(first))
    register(ctx.cur, "_n_risk", risks)
    if "service_id" in risk_cols:
        moved = set(ctx.query(
            "SELECT n.risk_ref FROM _n_risk n JOIN risk t USING (risk_ref) "
            "WHERE n.service_id IS DISTINCT FROM t.service_id "
            "AND EXISTS (SELECT 1 FROM risk_review r WHERE r.risk_ref = n.risk_ref)")["risk_ref"])
        if moved:
            held = dict(ctx.query("SELECT risk_ref, service_id FROM risk").itertuples(index=False))
            refs = ref.to_pylist()
            ck.add(np.array([r in moved for r in refs]), "service", lambda i: (
                f"{refs[i]} is held under {_service(ctx, held.get(refs[i]))}, with reviews, so an import cannot "
                "move it to another service. Keep its service as held."))
    return Prepared(rows=ck.n, staged={"_n_risk": risks, "_n_review": reviews})


def _service(ctx: Context, service_id: Any) -> str:
    return ctx.service_names.get(service_id, "the whole directorate") if service_id else "the whole directorate"


def _same_per_key(ck: Checker, ref: pa.Array, cols: dict[str, pa.Array], where: str) -> None:
    """A problem where rows with the same key (``ref``) disagree on one of ``cols``."""
    frame = pd.DataFrame({"_key": ref.to_pylist(), **{k: v.to_pylist() for k, v in cols.items()}})
    frame = frame[frame["_key"].notna()]
    refs = ref.to_pylist()
    for name in cols:
        varies = frame.groupby("_key")[name].nunique(dropna=False)
        bad = set(varies[varies > 1].index)
        if bad:
            column = "service" if name == "service_id" else name
            ck.add(np.array([r in bad for r in refs]), column, lambda i, column=column: (
                f"{refs[i]} has a different {column} on another row of this file; it must be the same {where}."))


def load_risks(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    register(cur, "_n_review", prep.staged["_n_review"])
    risk_cols = [c for c in prep.staged["_n_risk"].column_names if c != "risk_ref"]
    review_cols = [c for c in prep.staged["_n_review"].column_names if c not in ("risk_ref", "quarter")]
    risks = Merge("risk", "_n_risk", ["risk_ref"], risk_cols, fixed=("service_id",))
    # A risk owner's file of two reviews updates those two; the rest of the quarter is kept unless the
    # file is the whole register for its quarters (``--replace``).
    reviews = Merge("risk_review", "_n_review", ["risk_ref", "quarter"], review_cols,
                    scope=["quarter"] if ctx.replace else None)
    frame = merge_counts([reviews.statuses(cur, by=["n.quarter"])], [reviews.removed(cur, by=["quarter"])],
                         ["quarter"]).sort_values("quarter")
    # A change to a risk's title, owner... counts as a change to its reviews in the file.
    changed_risks = set(cur.execute(
        f"SELECT n.risk_ref FROM _n_risk n JOIN risk t USING (risk_ref) WHERE NOT ({risks._same()})").df()["risk_ref"])
    if changed_risks:
        bumped = cur.execute(
            "SELECT n.quarter, count(*) AS k FROM _n_review n JOIN risk_review t USING (risk_ref, quarter) WHERE "
            f"n.risk_ref IN (SELECT unnest(?::VARCHAR[])) AND ({reviews._same()}) GROUP BY 1",
            [sorted(changed_risks)]).df()
        for q, k in zip(bumped["quarter"], bumped["k"], strict=True):
            frame.loc[frame["quarter"] == q, "replaced"] += k
            frame.loc[frame["quarter"] == q, "unchanged"] -= k
    outcome = totals(frame)
    if ctx.replace:
        outcome.messages = scope_messages(frame, lambda r: f"{r['quarter']} risk register")
    else:
        whole = Merge("risk_review", "_n_review", ["risk_ref", "quarter"], review_cols, scope=["quarter"])
        kept = dict(whole.removed(cur, by=["quarter"]).itertuples(index=False))
        outcome.messages = [_update_line(r, int(kept.get(r["quarter"], 0))) for _, r in frame.iterrows()]
    new_risks = int(risks.statuses(cur)["added"].iloc[0])
    if new_risks:
        outcome.messages.append(f"{plural(new_risks, 'new risk')} added to the register.")
    step("writing the risk register")
    if write and (changes(outcome) or new_risks):
        risks.apply(cur)
        reviews.apply(cur)
    return outcome


def _update_line(r: pd.Series, kept: int) -> str:
    """'2026/27 Q3 risk register: 2 reviews updated; 15 other reviews held for 2026/27 Q3 kept.'"""
    parts = [f"{plural(int(r[k]), 'review')} {verb}" for k, verb in
             (("replaced", "updated"), ("added", "added"), ("unchanged", "left unchanged")) if r[k]]
    line = f"{r['quarter']} risk register: {', '.join(parts)}"
    if kept:
        line += (f"; {plural(kept, 'other review')} held for {r['quarter']} kept (not in this file; "
                 "import with --replace to remove them)")
    return line + "."


def export_risks(store: Store) -> pd.DataFrame:
    frame = store.query(
        """
        SELECT r.risk_ref, r.quarter, k.title, k.service_id AS service, k.description, k.owner,
               r.gross_impact, r.gross_likelihood, r.residual_impact, r.residual_likelihood,
               r.target_impact, r.target_likelihood, r.controls, r.reasons, r.outlook, r.reduction_expected
        FROM risk_review r JOIN risk k USING (risk_ref) ORDER BY r.quarter, r.risk_ref
        """)
    return frame


# == risk matrix =============================================================================
class MatrixRow(BaseModel):
    matrix_id: Text = Field(description="The matrix's id.", examples=["example_5x5"])
    name: Text = Field(description="Its name.", examples=["Example 5x5 (impact x likelihood)"])
    kind: choice(MATRIX_KINDS, None, "matrix kind") = Field(
        description="product (score = impact x likelihood) or positional (each cell ranked).", examples=["product"])
    impact_labels: Sentence | None = Field(None, description="The impact words, lowest first, separated by '|'.",
                                       examples=["|".join(PRODUCT_5X5.impact_labels)])
    likelihood_labels: Sentence | None = Field(
        None, description="The likelihood words, lowest first, separated by '|'.",
        examples=["|".join(PRODUCT_5X5.likelihood_labels)])
    impact: Level = Field(description="The cell's impact level (1 = lowest).", examples=["5"])
    likelihood: Level = Field(description="The cell's likelihood level (1 = lowest).", examples=["4"])
    score: Count = Field(description="The cell's score (its rank in a positional matrix).", examples=["20"])
    band: Text = Field(description="The cell's band (e.g. Low, Medium, High).", examples=["High"])


def prepare_matrix(ck: Checker, ctx: Context) -> Prepared:
    mid = ck.column("matrix_id")
    cols = {"matrix_id": mid, "impact": ck.column("impact"), "likelihood": ck.column("likelihood"),
            "score": ck.column("score"), "band": ck.column("band")}
    ck.duplicates([("matrix_id", mid), ("impact", cols["impact"]), ("likelihood", cols["likelihood"])],
                  lambda i: f"The cell (impact {cols['impact'][i].as_py()}, likelihood "
                            f"{cols['likelihood'][i].as_py()}) of {mid[i].as_py()}")
    head = {"matrix_id": mid, "name": ck.column("name"), "kind": ck.column("kind")}
    for name in ("impact_labels", "likelihood_labels"):
        if ck.has(name):
            head[name] = ck.column(name)
    _same_per_key(ck, mid, {k: v for k, v in head.items() if k != "matrix_id"}, "on every row of the matrix")
    cells = pa.table(cols)
    heads = pa.table(head).filter(pa.array(~pd.Series(mid.to_pylist()).duplicated().to_numpy() & ~is_null(mid)))
    if ck.ok:  # each matrix must be whole and consistent (the risk module's own rules)
        frame = cells.to_pandas()
        for row in heads.to_pylist():
            part = frame[frame["matrix_id"] == row["matrix_id"]]
            try:
                matrix_from_cells(row["name"], row["kind"], part,
                                  _labels(row.get("impact_labels")), _labels(row.get("likelihood_labels")))
            except QAError as exc:
                first = np.flatnonzero(np.array(mid.to_pylist(), dtype=object) == row["matrix_id"])[0]
                ck.add(np.arange(ck.n) == first, "matrix_id",
                       f"The matrix {row['matrix_id']} is not usable: {exc}.")
    return Prepared(rows=ck.n, staged={"_n_matrix": heads, "_n_cell": cells})


def _labels(text: Any) -> list[str]:
    return [p.strip() for p in text.split("|")] if isinstance(text, str) and text.strip() else []


def load_matrix(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    register(cur, "_n_matrix", prep.staged["_n_matrix"])
    register(cur, "_n_cell", prep.staged["_n_cell"])
    heads = Merge("risk_matrix", "_n_matrix", ["matrix_id"],
                  [c for c in prep.staged["_n_matrix"].column_names if c != "matrix_id"])
    cells = Merge("risk_matrix_cell", "_n_cell", ["matrix_id", "impact", "likelihood"], ["score", "band"],
                  scope=["matrix_id"], scope_from="_n_matrix")
    frame = merge_counts([cells.statuses(cur, by=["n.matrix_id"])], [cells.removed(cur, by=["matrix_id"])],
                         ["matrix_id"])
    head_changed = set(cur.execute(
        f"SELECT n.matrix_id FROM _n_matrix n JOIN risk_matrix t USING (matrix_id) WHERE NOT ({heads._same()})"
    ).df()["matrix_id"])
    for m in head_changed:  # a renamed matrix counts as replaced even when its cells are the same
        same = frame["matrix_id"] == m
        frame.loc[same, "replaced"] += frame.loc[same, "unchanged"]
        frame.loc[same, "unchanged"] = 0
    outcome = totals(frame)
    outcome.messages = scope_messages(frame, lambda r: f"Risk matrix {r['matrix_id']}", "cells")
    step("writing the risk matrix")
    if write:
        heads.apply(cur)
        cells.apply(cur)
    return outcome


def export_matrix(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT m.matrix_id, m.name, m.kind, m.impact_labels, m.likelihood_labels, c.impact, c.likelihood, "
        "c.score, c.band FROM risk_matrix m JOIN risk_matrix_cell c USING (matrix_id) "
        "ORDER BY m.matrix_id, c.impact, c.likelihood")


def _example_matrix() -> tuple[dict[str, str], ...]:
    rows = []
    for cell in matrix_cells(PRODUCT_5X5):
        rows.append({"matrix_id": "example_5x5", "name": "Example 5x5 (impact x likelihood)", "kind": "product",
                     "impact_labels": "|".join(PRODUCT_5X5.impact_labels),
                     "likelihood_labels": "|".join(PRODUCT_5X5.likelihood_labels),
                     "impact": str(cell["impact"]), "likelihood": str(cell["likelihood"]),
                     "score": str(cell["score"]), "band": cell["band"]})
    return tuple(rows)


KINDS = [
    KindSpec(
        name="risks", title="Risk register",
        summary="One row per risk per quarter: the risk (reference, title, service, owner) and its review: gross, "
                "residual and target impact and likelihood, controls, reasons, outlook.",
        model=RiskRow, tables=("risk", "risk_review"), key="risk_ref, quarter",
        replaces="Each review in the file replaces the stored review of that risk for that quarter; the other "
                 "risks' reviews are kept, so a risk owner can send just the rows they updated. Each risk's "
                 "title, service and owner are updated; risks are never deleted.",
        prepare=prepare_risks, load=load_risks, export=export_risks,
        needs="the services (and the risk matrix, for impact and likelihood words)",
        replace_all="the file is the whole register for each quarter it holds: reviews held for those quarters "
                    "and not in the file are removed (risks themselves are kept).",
    ),
    KindSpec(
        name="risk_matrix", title="Risk scoring matrix",
        summary="One row per cell of a scoring matrix: impact, likelihood, score and band, with the matrix's id, "
                "name, kind and word scales repeated on each row.",
        model=MatrixRow, tables=("risk_matrix", "risk_matrix_cell"), key="matrix_id, impact, likelihood",
        replaces="Each matrix in the file is replaced as a whole (every cell).",
        prepare=prepare_matrix, load=load_matrix, export=export_matrix, example_rows=_example_matrix(),
    ),
]
