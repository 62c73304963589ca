"""Kinds for the audit programme: ``audit_tools`` (each tool's areas or questions and how it grades),
``audit_themes`` (which theme is audited in which month, with which tool), ``audit_targets`` (the
numbers a council sets: trained auditors and moderators wanted, time limits) and
``audit_escalations`` (who was told of an audit's grade, and when). Load the tools before the audits
that use them and the theme plan; escalations after the audits they are about.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from qa_core.io.importer.fields import (
    Count,
    Day,
    Month,
    NonNegative,
    Sentence,
    Text,
    Tier,
    choice,
    shorten,
)
from qa_core.io.importer.kinds.base import (
    KindSpec,
    Outcome,
    Prepared,
    Step,
    changes,
    merge_counts,
    month_label,
    plural,
    register,
    scope_messages,
    totals,
)
from qa_core.io.importer.kinds.org import ids_of, merge_whole_set
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, Context
from qa_core.rules.audit_programme import TARGETS
from qa_core.rules.audits import AUDIT_ROLE_LABELS, ESCALATION, GRADES
from qa_core.rules.expectations import FROM_THE_START
from qa_core.store import Store

GRADINGS = ("graded", "yes_no")
_GRADING_ALIASES = {
    "yes/no": "yes_no",
    "yesno": "yes_no",
    "compliance": "yes_no",
    "grades": "graded",
    "grade": "graded",
    "1-4": "graded",
    "1_4": "graded",
}
NOTIFY_ROLES = tuple(AUDIT_ROLE_LABELS)
_NOTIFY_ALIASES = {
    "hos": "head_of_service",
    "ad": "assistant_director",
    "tm": "team_manager",
    "manager": "team_manager",
    "conference_chair": "iro",
    "iro/conference_chair": "iro",
    "iro_/_conference_chair": "iro",
    "head of service": "head_of_service",
}
#: Targets counted in whole numbers (people, days, months): every one but none so far.
WHOLE_TARGETS = tuple(TARGETS)


def tool_lookup(ctx: Context) -> dict[str, tuple[str, str]]:
    """Held tools by lower-cased id and name: (tool_id, grading)."""
    held = ctx.query("SELECT tool_id, name, grading FROM audit_tool")
    out: dict[str, tuple[str, str]] = {}
    for tool_id, name, grading in held.itertuples(index=False):
        out[str(name).strip().lower()] = (tool_id, grading)
        out[str(tool_id).strip().lower()] = (tool_id, grading)
    return out


# == audit tools ================================================================================
class AuditToolRow(BaseModel):
    tool_id: Text = Field(
        description="The tool's short id, unique (audits may name it by id or name).", examples=["tier1_generic"]
    )
    name: Text = Field(
        description="The tool's name, as the audits file's tool column writes it.", examples=["Tier 1 generic (2A)"]
    )
    grading: choice(GRADINGS, _GRADING_ALIASES, "way of grading") = Field(
        description="graded (each area and the whole audit graded 1-4) or yes_no (each question answered yes or "
        "no: the tool reports compliance, not grades).",
        examples=["graded"],
    )
    seq: Count = Field(description="The area's or question's number in the tool (1, 2, 3 ...).", examples=["1"])
    item: Sentence = Field(
        description="The area graded, or the question answered, as audits files head its column.",
        examples=["Referral & liaison with referrer/key agencies involved"],
    )
    section: Text | None = Field(
        None, description="The part of the tool it belongs to, if the tool has parts.", examples=[""]
    )
    tier: Tier | None = Field(
        None,
        description="The audit tier the tool is for: Tier 1, Tier 2, thematic or supervision; blank for any.",
        examples=["Tier 1"],
    )
    source: Sentence | None = Field(
        None, description="Where the tool comes from.", examples=["QA framework, appendix 2A"]
    )


def prepare_tools(ck: Checker, ctx: Context) -> Prepared:
    tool_id, seq, item = ck.column("tool_id"), ck.column("seq"), ck.column("item")
    ck.duplicates([("tool_id", tool_id), ("seq", seq)], lambda i: f"Item {seq[i].as_py()} of {tool_id[i].as_py()}")
    ck.duplicates(
        [("tool_id", tool_id), ("item", item)],
        lambda i: f"The item '{shorten(str(item[i].as_py()))}' of {tool_id[i].as_py()}",
    )
    cols: dict[str, pa.Array] = {
        "tool_id": tool_id,
        "name": ck.column("name"),
        "grading": ck.column("grading"),
        "seq": seq,
        "item": item,
    }
    for name in ("section", "tier", "source"):
        if ck.has(name):
            cols[name] = ck.column(name)
    frame = pa.table(cols).to_pandas()
    frame["row"] = ck.rows
    # A tool's own columns say the same on every row of the tool.
    for col in ("name", "grading", "tier", "source"):
        if col not in frame:
            continue
        first = frame.groupby("tool_id", dropna=True)[col].transform("first")
        differs = (frame[col].astype("object").fillna("") != first.astype("object").fillna("")) & frame[
            "tool_id"
        ].notna()
        ck.add(
            differs.to_numpy(),
            col,
            lambda i, c=col, first=first: (
                f"Another row of the tool {frame['tool_id'].iloc[i]} gives its {c} as "
                f"'{shorten(str(first.iloc[i]))}': every row of a tool gives the same {c}."
            ),
        )
    # Ids and names tell tools apart: no name may be another tool's id or name (in the file, or held).
    held = ctx.query("SELECT tool_id, name FROM audit_tool")
    held = held[~held["tool_id"].isin(set(frame["tool_id"].dropna()))]
    owner: dict[str, str] = {}
    for tid, name in zip(held["tool_id"], held["name"], strict=True):
        owner.setdefault(str(tid).lower(), tid)
        owner.setdefault(str(name).lower(), tid)
    tools = frame.dropna(subset=["tool_id"]).drop_duplicates("tool_id")
    for tid in tools["tool_id"]:
        owner.setdefault(str(tid).lower(), tid)
    clash = np.zeros(ck.n, dtype=bool)
    other: dict[int, str] = {}
    for i, (tid, name) in enumerate(zip(frame["tool_id"], frame["name"], strict=True)):
        if tid is None or name is None:
            continue
        found = owner.setdefault(str(name).lower(), tid)
        if found != tid:
            clash[i], other[i] = True, found
    ck.add(
        clash,
        "name",
        lambda i: (
            f"The name '{shorten(str(frame['name'].iloc[i]))}' is already the id or name of "
            f"the tool {other[i]}: audits name their tool by either, so each must be "
            "unique."
        ),
    )
    order = {t: k for k, t in enumerate(dict.fromkeys(frame["tool_id"].dropna()), start=1)}
    tool_table = tools.drop(columns=["seq", "item", "row", *[c for c in ("section",) if c in tools]])
    tool_table = tool_table.assign(sort_order=tool_table["tool_id"].map(order).astype("int32"))
    items = frame[["tool_id", "seq", "item", *[c for c in ("section",) if c in frame]]]
    return Prepared(
        rows=ck.n,
        staged={
            "_n_tool_item": pa.Table.from_pandas(items, preserve_index=False),
            "_n_tool": pa.Table.from_pandas(tool_table.reset_index(drop=True), preserve_index=False),
        },
    )


def load_tools(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    register(cur, "_n_tool", prep.staged["_n_tool"])
    tool_cols = [c for c in prep.staged["_n_tool"].column_names if c != "tool_id"]
    tools = Merge("audit_tool", "_n_tool", ["tool_id"], tool_cols)
    item_cols = [c for c in prep.staged["_n_tool_item"].column_names if c not in ("tool_id", "seq")]
    items = Merge("audit_tool_item", "_n_tool_item", ["tool_id", "seq"], item_cols, scope=["tool_id"])
    frame = merge_counts([items.statuses(cur, by=["tool_id"])], [items.removed(cur, by=["tool_id"])], ["tool_id"])
    tool_status = tools.statuses(cur)
    removed_tools = 0
    if ctx.replace:
        removed_tools = int(
            cur.execute(
                "SELECT count(*) FROM audit_tool WHERE tool_id NOT IN (SELECT tool_id FROM _n_tool)"
            ).fetchone()[0]
        )
    outcome = totals(frame)
    renamed = int(tool_status["replaced"].iloc[0]) if len(tool_status) else 0
    outcome.replaced += renamed if not outcome.replaced else 0
    outcome.removed += removed_tools
    outcome.messages = scope_messages(frame, lambda r: f"The tool {r['tool_id']}", "items")
    if removed_tools:
        outcome.messages.append(f"{plural(removed_tools, 'tool')} held and not in this file removed, with their items.")
    step("writing audit tools")
    if write and changes(outcome):
        if removed_tools:
            cur.execute("DELETE FROM audit_tool_item WHERE tool_id NOT IN (SELECT tool_id FROM _n_tool)")
            cur.execute("DELETE FROM audit_tool WHERE tool_id NOT IN (SELECT tool_id FROM _n_tool)")
        tools.apply(cur)
        items.apply(cur)
    return outcome


def export_tools(store: Store) -> pd.DataFrame:
    frame = store.query(
        "SELECT t.tool_id, t.name, t.grading, i.seq, i.item, i.section, t.tier, t.source "
        "FROM audit_tool t JOIN audit_tool_item i USING (tool_id) ORDER BY t.sort_order, t.tool_id, i.seq"
    )
    frame["tier"] = frame["tier"].map(_TIER_WORDS).fillna(frame["tier"])
    return frame


_TIER_WORDS = {"tier1": "Tier 1", "tier2": "Tier 2", "thematic": "thematic", "supervision": "supervision"}


# == the thematic programme ====================================================================
class AuditThemeRow(BaseModel):
    month: Month = Field(description="The month the theme is audited in: 2026-10.", examples=["2026-10"])
    theme: Text = Field(description="The theme (e.g. Neglect, Exploitation).", examples=["Neglect"])
    tool: Text | None = Field(
        None,
        description="The audit tool used for it, by id or name (already held: load "
        "audit_tools first); thematic audits with this tool in this month are this theme's "
        "unless the audits file names their theme.",
        examples=["thematic_neglect"],
    )


def prepare_themes(ck: Checker, ctx: Context) -> Prepared:
    month, theme = ck.column("month"), ck.column("theme")
    ck.duplicates(
        [("month", month), ("theme", theme)],
        lambda i: f"The theme {theme[i].as_py()} in {month_label(month[i].as_py())}",
    )
    cols: dict[str, pa.Array] = {"month": month, "theme": theme}
    if ck.has("tool"):
        tools = tool_lookup(ctx)

        def read(text: str) -> str:
            found = tools.get(text.strip().lower())
            if found is None:
                raise ValueError(
                    f"There is no audit tool '{shorten(text)}'. Load the audit tools (kind "
                    "'audit_tools') before the theme plan, or leave the tool blank."
                )
            return found[0]

        cols["tool_id"] = ck.coded("tool", read)
    return Prepared(rows=ck.n, staged={"_n_theme": pa.table(cols)})


def load_themes(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_theme"]
    key = ["month", "theme"]
    merge = Merge("audit_theme_plan", "_n_theme", key, [c for c in table.column_names if c not in key], scope=["month"])
    frame = merge_counts([merge.statuses(cur, by=["month"])], [merge.removed(cur, by=["month"])], ["month"])
    outcome = totals(frame)
    outcome.messages = scope_messages(frame, lambda r: f"The {month_label(r['month'])} theme plan", "themes")
    step("writing the theme plan")
    if write and changes(outcome):
        merge.apply(cur)
    return outcome


def export_themes(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT strftime(month, '%Y-%m') AS month, theme, tool_id AS tool FROM audit_theme_plan ORDER BY month, theme"
    )


# == targets ===================================================================================
class AuditTargetRow(BaseModel):
    target: choice(TARGETS, None, "audit target") = Field(
        description="What is set: " + "; ".join(f"{k} ({v})" for k, v in TARGETS.items()) + ".", examples=["auditors"]
    )
    value: NonNegative = Field(description="The number (a whole number).", examples=["85"])
    from_month: Month | None = Field(
        None,
        description="First month it applies (2018-11); blank: from the start. "
        "A later row for the same target takes over from its month.",
        examples=["2018-11"],
    )


def prepare_targets(ck: Checker, ctx: Context) -> Prepared:
    target, value = ck.column("target"), ck.column("value")
    start = ck.column("from_month") if ck.has("from_month") else pa.nulls(ck.n, pa.date32())
    start = pc.fill_null(start, pa.scalar(FROM_THE_START, pa.date32()))
    ck.duplicates(
        [("target", target), ("from_month", start)],
        lambda i: f"The {target[i].as_py()} target from {month_label(start[i].as_py())}",
    )
    numbers = value.to_numpy(zero_copy_only=False).astype("float64")
    ck.add(
        ~np.isnan(numbers) & (np.floor(numbers) != numbers),
        "value",
        lambda i: f"{numbers[i]:g} is not a whole number: each target is a count of people, days or months.",
    )
    names = ids_of(target)
    ck.add(
        np.array([n == "theme_audits_per_year" and v < 1 for n, v in zip(names, numbers, strict=True)]),
        "value",
        "Each theme is audited at least once a year: give 1 or more.",
    )
    return Prepared(rows=ck.n, staged={"_n_target": pa.table({"target": target, "from_month": start, "value": value})})


def load_targets(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    merge = Merge("audit_target", "_n_target", ["target", "from_month"], ["value"])
    return merge_whole_set(cur, merge, ctx, write, step, "audit target")


def export_targets(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT target, value, CASE WHEN from_month = ? THEN NULL ELSE strftime(from_month, '%Y-%m') END "
        "AS from_month FROM audit_target ORDER BY target, from_month",
        [FROM_THE_START],
    )


# == escalation records ========================================================================
class AuditEscalationRow(BaseModel):
    audit_id: Text = Field(
        description="The audit whose grade was escalated (already held).", examples=["AUD-EXAMPLE-0001"]
    )
    told: choice(NOTIFY_ROLES, _NOTIFY_ALIASES, "person to tell") = Field(
        description="Who was told: " + ", ".join(NOTIFY_ROLES) + " (one of those the audit's final grade goes to).",
        examples=["head_of_service"],
    )
    told_name: Text | None = Field(None, description="Their name.", examples=["Hana Holloway"])
    told_on: Day = Field(description="The day they were told: 2026-11-05 or 05/11/2026.", examples=["05/11/2026"])
    recorded_by: Text | None = Field(
        None, description="Who recorded it; blank: the file's name.", examples=["Jodie Fenwick"]
    )


def prepare_escalations(ck: Checker, ctx: Context) -> Prepared:
    audit_id, told = ck.column("audit_id"), ck.column("told")
    ck.duplicates(
        [("audit_id", audit_id), ("told", told)],
        lambda i: f"The escalation of {audit_id[i].as_py()} to the {told[i].as_py()}",
    )
    cols: dict[str, pa.Array] = {"audit_id": audit_id, "notify_role": told, "told_on": ck.column("told_on")}
    if ck.has("told_name"):
        cols["told_name"] = ck.column("told_name")
    given = ck.column("recorded_by") if ck.has("recorded_by") else pa.nulls(ck.n, pa.string())
    cols["recorded_by"] = pc.fill_null(given, pa.scalar(f"imported from {ctx.filename}"[:200], pa.string()))
    # An imported record is dated by the day the person was told (the app's own records keep the moment).
    cols["recorded_at"] = pc.cast(cols["told_on"], pa.timestamp("us"))
    staged = pa.table(cols)
    register(ctx.cur, "_n_escalation", staged)
    held = ctx.query("""
        SELECT n.audit_id, a.audit_date, coalesce(a.moderated_grade, a.overall_grade) AS grade
        FROM (SELECT DISTINCT audit_id FROM _n_escalation WHERE audit_id IS NOT NULL) n
        LEFT JOIN audit a USING (audit_id)""")
    audits = {r.audit_id: (r.audit_date, r.grade) for r in held.itertuples(index=False)}
    ids, roles, days = ids_of(audit_id), ids_of(told), ids_of(cols["told_on"])
    unknown = np.array([i is not None and pd.isna(audits.get(i, (None, None))[0]) for i in ids])
    ck.add(
        unknown,
        "audit_id",
        lambda i: (
            f"There is no audit '{shorten(str(ids[i]))}' in the store. Load the audit "
            "(kind 'audits') before its escalations."
        ),
    )

    def wrong_role(i: int) -> bool:
        date, grade = audits.get(ids[i], (None, None))
        return roles[i] is not None and not pd.isna(date) and (pd.isna(grade) or roles[i] not in ESCALATION[int(grade)])

    bad_role = np.array([wrong_role(i) for i in range(ck.n)])

    def role_message(i: int) -> str:
        grade = audits[ids[i]][1]
        if pd.isna(grade):
            return f"The audit {ids[i]} is on a yes/no tool: it has no grade to escalate."
        wanted = ", ".join(ESCALATION[int(grade)])
        return (
            f"An audit graded {GRADES[int(grade)]} is escalated to {wanted}, not to the {roles[i]}. "
            "Check the audit and who was told."
        )

    ck.add(bad_role, "told", role_message)
    early = np.array(
        [
            d is not None and i in audits and not pd.isna(audits[i][0]) and d < pd.Timestamp(audits[i][0]).date()
            for i, d in zip(ids, days, strict=True)
        ]
    )
    ck.add(
        early,
        "told_on",
        lambda i: f"{days[i]:%d/%m/%Y} is before the audit itself ({pd.Timestamp(audits[ids[i]][0]):%d/%m/%Y}).",
    )
    return Prepared(rows=ck.n, staged={"_n_escalation": staged})


def load_escalations(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_escalation"]
    key = ["audit_id", "notify_role"]
    merge = Merge("audit_escalation", "_n_escalation", key, [c for c in table.column_names if c not in key])
    return merge_whole_set(cur, merge, ctx, write, step, "escalation record")  # the kind has no --replace


def export_escalations(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT audit_id, notify_role AS told, told_name, told_on, recorded_by FROM audit_escalation "
        "ORDER BY audit_id, notify_role"
    )


KINDS = [
    KindSpec(
        name="audit_tools",
        title="Audit tools",
        summary="One row per area or question of each audit tool: the tool (id, name, how it grades: 1-4 or "
        "yes/no) and the item. Audits name their tool by id or name; an audit on a yes/no tool answers its "
        "questions yes or no and reports compliance, not a grade.",
        model=AuditToolRow,
        tables=("audit_tool", "audit_tool_item"),
        key="tool_id, seq",
        replaces="A tool in the file is replaced as a whole (its items not in the file are removed); other tools "
        "are kept.",
        prepare=prepare_tools,
        load=load_tools,
        export=export_tools,
        example_rows=tuple(
            {
                "tool_id": "tier1_generic",
                "name": "Tier 1 generic (2A)",
                "grading": "graded",
                "seq": str(k),
                "item": item,
                "section": "",
                "tier": "Tier 1",
                "source": "QA framework, appendix 2A",
            }
            for k, item in enumerate(
                (
                    "Referral & liaison with referrer/key agencies involved",
                    "Appropriate consideration and analysis of risk",
                ),
                start=1,
            )
        )
        + (
            {
                "tool_id": "supervision_file",
                "name": "Supervision file (App. 11)",
                "grading": "yes_no",
                "seq": "1",
                "item": "Is the supervision file structured in accordance with Supervision Policy?",
                "section": "",
                "tier": "supervision",
                "source": "QA framework, appendix 11",
            },
        ),
        replace_all="the file is every tool: tools held and not in it are removed with their items.",
    ),
    KindSpec(
        name="audit_themes",
        title="Thematic audit plan",
        summary="One row per theme and month of the thematic audit programme, with the tool used: each theme is "
        "to be audited at least twice a year.",
        model=AuditThemeRow,
        tables=("audit_theme_plan",),
        key="month, theme",
        replaces="A month's plan is replaced as a whole: the themes held for a month in the file and not in it "
        "are removed; other months are kept.",
        prepare=prepare_themes,
        load=load_themes,
        export=export_themes,
        example_rows=(
            {"month": "2026-11", "theme": "Neglect", "tool": "tier1_generic"},
            {"month": "2026-12", "theme": "Exploitation", "tool": "tier1_generic"},
        ),
        needs="the audit tools",
    ),
    KindSpec(
        name="audit_targets",
        title="Audit programme targets",
        summary="The numbers the council sets for its audit programme, each from a month: trained auditors and "
        "moderators wanted, the working days allowed for escalation and for remedial work after a "
        "thematic audit, and how often each theme is audited.",
        model=AuditTargetRow,
        tables=("audit_target",),
        key="target, from_month",
        replaces="Each row updates the target for the same target and from_month, or adds it; others are kept.",
        prepare=prepare_targets,
        load=load_targets,
        export=export_targets,
        example_rows=(
            {"target": "auditors", "value": "85", "from_month": "2026-11"},
            {"target": "escalation_working_days", "value": "3", "from_month": "2026-11"},
        ),
        replace_all="the file is every target: targets held and not in it are removed.",
    ),
    KindSpec(
        name="audit_escalations",
        title="Escalation records",
        summary="One row per person told of an audit's grade: the audit, who (head of service, assistant "
        "director, team manager, IRO), their name and the day they were told.",
        model=AuditEscalationRow,
        tables=("audit_escalation",),
        key="audit_id, told",
        replaces="Each row updates the record for the same audit and person told, or adds it; others are kept.",
        prepare=prepare_escalations,
        load=load_escalations,
        export=export_escalations,
        example_rows=(
            {
                "audit_id": "AUD-202610-0001",
                "told": "team_manager",
                "told_name": "Jodie Fenwick",
                "told_on": "30/10/2026",
                "recorded_by": "QA lead",
            },
        ),
        needs="the audits",
    ),
]
