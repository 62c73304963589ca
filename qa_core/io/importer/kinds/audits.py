"""Kinds ``audits`` (one row per case-file audit, one column per area grade) and ``audit_actions``."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from qa_core.io.importer.fields import (
    Day,
    DueDay,
    Grade,
    LongText,
    ServiceRef,
    TeamRef,
    Text,
    Tier,
    YesNo,
    read_grade,
    read_tier,
    read_yes_no,
    shorten,
)
from qa_core.io.importer.kinds.base import (
    ColumnDoc,
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
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, Context
from qa_core.store import Store

#: The auditor's role when the file does not say: from the audit's tier.
ROLE_BY_TIER = {"tier1": "team_manager", "tier2": "head_of_service"}
OTHER_ROLE = "qa_officer"
EXAMPLE_AREAS = {"Chronology": "Good", "Risk assessment": "Requires Improvement", "Voice of the child": "2",
                 "Assessment quality": "Good", "Plan is SMART": "3", "Management oversight": "Good",
                 "Supervision": "Requires Improvement", "Direct work": "Good"}


class AuditRow(BaseModel):
    audit_id: Text = Field(description="The audit's unique reference.", examples=["AUD-EXAMPLE-0001"])
    audit_date: Day = Field(description="The day of the audit: 2026-11-03 or 03/11/2026.", examples=["03/11/2026"])
    tier: Tier = Field(description="Tier 1 (team or practice manager), Tier 2 (head of service), thematic or "
                       "supervision.", examples=["Tier 1"])
    team: TeamRef = Field(description="The team holding the case, by id or name.", examples=["Assessment North"])
    service: ServiceRef = Field(description="That team's service, by id or name.", examples=["Assessment"])
    auditor: Text = Field(description="Who audited the case.", examples=["Jodie Fenwick"])
    overall_grade: Grade = Field(description="The overall judgement: 1-4 or Outstanding, Good, Requires "
                                 "Improvement, Inadequate. Blank only for an audit on a yes/no tool (audit_tools), "
                                 "which reports compliance, not a grade.", examples=["Good"])
    moderated_grade: Grade | None = Field(None, description="The grade after moderation, if moderated (1-4 or "
                                          "words).", examples=[""])
    moderator: Text | None = Field(None, description="Who moderated it.", examples=[""])
    auditor_role: Text | None = Field(
        None, description="team_manager, head_of_service, qa_officer...; blank: from the tier (Tier 1 team_manager, "
        "Tier 2 head_of_service, others qa_officer).", examples=["team_manager"])
    auditor_service: ServiceRef | None = Field(
        None, description="The auditor's own service; blank: the team's service for a team manager, the service "
        "they head for a head of service.", examples=["Assessment"])
    tool: Text | None = Field(None, description="The audit tool used.", examples=["Generic (2A)"])
    case_ref: Text | None = Field(None, description="The case reference (never shown to scrutiny).",
                                  examples=["CR123456"])
    auditor_id: Text | None = Field(
        None, description="The auditor's staff_id (already on the staff list). Blank: the audit is matched to "
        "the one person on the staff list of that name (any case) in post on its day.", examples=["S0011"])
    has_iro: YesNo | None = Field(
        None, description="yes if the case has an IRO or conference chair (a child in care or on a child protection "
        "plan): a Requires Improvement grade is then escalated to them too. Blank: not recorded (not escalated to "
        "one).", examples=["no"])
    theme: Text | None = Field(
        None, description="A thematic audit's theme; blank: the theme planned for its month with its tool "
        "(audit_themes).", examples=[""])


AREA_DOC = ColumnDoc(
    "<area name>", False,
    "One column per audit area (e.g. Chronology, Voice of the child) holding that area's grade, 1-4 or words; "
    "blank where the area was not graded. For an audit on a yes/no tool, one column per question holding yes or "
    "no. Every column not named above is read as an area or question.", "Good")
#: An area cell's code in the grid: grades 1-4, then a yes/no tool's answers.
_YES, _NO = 5, 6


def _grade_or_answer(text: str) -> int:
    """A cell of an area column: a grade (1-4) or, for a yes/no tool's question, yes or no."""
    try:
        return read_grade(text)
    except ValueError:
        pass
    try:
        return _YES if read_yes_no(text) else _NO
    except ValueError:
        raise ValueError(f"'{shorten(str(text).strip())}' is not a grade, nor yes or no. Areas are graded 1 to 4 "
                         "(or Outstanding, Good, Requires Improvement, Inadequate); a yes/no tool's questions are "
                         "answered yes or no.") from None


def _yes_no_rows(ck: Checker, ctx: Context) -> tuple[np.ndarray, Callable[[int], Any]]:
    """Which rows use a yes/no tool (audit_tools, by id or name), and a row's tool name for messages (looked up
    when a message needs it, never listed for every row)."""
    if not ck.has("tool"):
        return np.zeros(ck.n, dtype=bool), lambda i: None
    held = ctx.query("SELECT tool_id, name, grading FROM audit_tool")
    kinds = {str(k).strip().lower(): g for t, n, g in held.itertuples(index=False) for k in (t, n)}
    codes, tools = ck.codes("tool")
    flags = np.array([kinds.get(str(t).strip().lower()) == "yes_no" for t in tools] + [False])
    if not held.empty:
        unknown = [t for t in tools if str(t).strip().lower() not in kinds]
        if unknown:
            shown = ", ".join(f"'{shorten(str(t), 40)}'" for t in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
            ck.warnings.append(f"The tool {shown} {'is' if len(unknown) == 1 else 'are'} not on the list of audit "
                               "tools (audit_tools): these audits are read as graded, and shown under the tool's name "
                               "as written.")
    names = list(tools) + [None]
    index = np.where(codes < 0, len(tools), codes)
    return flags[index], lambda i: names[index[i]]


def _snake(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


def _indexed(codes: np.ndarray, parsed: list[Any], arrow_type: pa.DataType) -> pa.Array:
    """Row values from codes into ``parsed`` (missing where the code is −1 or the value None)."""
    return pa.array(list(parsed) + [None], type=arrow_type).take(pa.array(np.where(codes < 0, len(parsed), codes)))


def _small_ints(codes: np.ndarray, parsed: list[Any]) -> pa.Array:
    """Grades as int8 with missing values, by table lookup (fast over a million rows)."""
    lut = np.array([p if p is not None else 0 for p in parsed] + [0], dtype=np.int8)
    values = lut[codes]  # a blank cell's code, −1, picks the 0 at the end
    return pa.array(values, type=pa.int8(), mask=values == 0)


def _stack_areas(cur: Any, grid: pa.Table, areas: list[str]) -> None:
    """Relations ``_n_area`` (audit_id, area, grade) and ``_n_answer`` (audit_id, item, answer) on the cursor:
    the grid's area columns (``g0``, ``g1``...: grades; ``a0``...: a yes/no tool's answers, 5 yes, 6 no) stacked
    audit by audit, area by area in the file's order, blank cells left out. The area names travel as data
    (``_n_grid_names``), never inside the SQL."""
    register(cur, "_n_grid", grid)
    register(cur, "_n_grid_names", pa.table({"names": pa.array([areas], pa.list_(pa.string()))}))
    stacks = (("_n_area", "area", "grade", "g", "{}"), ("_n_answer", "item", "answer", "a", "{} = " + str(_YES)))
    for view, name, value, prefix, cell in stacks:
        columns = [f"{prefix}{j}" for j in range(len(areas)) if f"{prefix}{j}" in grid.column_names]
        if columns:  # every area's, or (answers) none
            cells = ", ".join(columns)
            sql = (f"SELECT audit_id, {name}, {cell.format('v')} AS {value} FROM (SELECT audit_id, "
                   f"unnest((SELECT names FROM _n_grid_names)) AS {name}, unnest([{cells}]) AS v FROM _n_grid) "
                   "WHERE v IS NOT NULL")
        else:  # no area columns, or no answers
            kind = "TINYINT" if value == "grade" else "BOOLEAN"
            sql = f"SELECT NULL::VARCHAR AS audit_id, NULL::VARCHAR AS {name}, NULL::{kind} AS {value} WHERE FALSE"
        cur.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS {sql}")


def _each_once(cur: Any, values: pa.Array) -> bool:
    """Whether no value (blanks aside) is given twice, counted by DuckDB on every core: a million audit ids in
    0.07 s, where Arrow's count (``Checker.duplicates``) takes 0.25 s on one (issue 14)."""
    register(cur, "_n_once", pa.table({"v": values}))
    try:
        [(distinct, given)] = cur.execute("SELECT count(DISTINCT v), count(v) FROM _n_once").fetchall()
    finally:
        cur.unregister("_n_once")
    return distinct == given


def prepare_audits(ck: Checker, ctx: Context) -> Prepared:
    areas = [(n, h) for n, h in zip(ck.sheet.names, ck.sheet.headers, strict=True)
             if n and n not in AuditRow.model_fields]
    # The columns' text and codes, in the order the checks below come to them, started on two threads.
    ck.prefetch(texts=["audit_id", "auditor", "moderator", "tool", "case_ref", "theme"],
                codes=["audit_date", "tier", "team", "service", "tool", "overall_grade", "auditor_role", "auditor",
                       "auditor_service", "moderated_grade", "has_iro", *(n for n, _ in areas)])
    audit_id = ck.column("audit_id")
    if not _each_once(ctx.cur, audit_id):  # which rows, and the message, from the checker's own rule
        ck.duplicates([("audit_id", audit_id)], lambda i: f"The audit {audit_id[i].as_py()}")
    date = ck.column("audit_date")
    for name in ("tier", "team", "service"):
        ck.require(name)
    yes_no, tool_name = _yes_no_rows(ck, ctx)
    ck.require("overall_grade", ~yes_no, "every audit needs one, except an audit on a yes/no tool")
    tier_codes, tiers = ck.read("tier", read_tier)
    service_codes, service_ids = ck.read("service", ctx.lookup("service").resolve)
    team_codes, team_ids = ck.read("team", ctx.lookup("team").resolve)
    # Services as small integers (−1 unknown), so rules over a million rows are integer comparisons.
    space = {sid: k for k, sid in enumerate(ctx.services["service_id"])}
    service_int = np.array([space.get(s, -1) if s else -1 for s in service_ids] + [-1])[service_codes]
    home_int = np.array([space.get(ctx.team_service.get(t), -1) if t else -1 for t in team_ids]
                        + [-1])[team_codes]
    wrong = (home_int >= 0) & (service_int >= 0) & (home_int != service_int)
    ids = list(space)
    ck.add(wrong, "team", lambda i: (
        f"{ctx.team_names[team_ids[team_codes[i]]]} is a team of {ctx.service_names[ids[home_int[i]]]}, not of "
        f"{ctx.service_names[ids[service_int[i]]]}. Check the team and the service."))
    auditor = ck.column("auditor")
    cols: dict[str, pa.Array] = {
        "audit_id": audit_id, "audit_date": date, "tier": _indexed(tier_codes, tiers, pa.string()),
        "team_id": _indexed(team_codes, team_ids, pa.string()),
        "service_id": _indexed(service_codes, service_ids, pa.string()), "auditor": auditor,
        "overall_grade": _small_ints(*ck.read("overall_grade", read_grade)),
    }
    # The auditor's role: as given, else from the tier.
    roles = [ROLE_BY_TIER["tier1"], ROLE_BY_TIER["tier2"], OTHER_ROLE]
    role_int = np.array([roles.index(ROLE_BY_TIER.get(t, OTHER_ROLE)) for t in tiers] + [2])[tier_codes]
    if ck.has("auditor_role"):
        given_codes, given_roles = ck.read("auditor_role", _snake)
        roles += [r for r in dict.fromkeys(r for r in given_roles if r) if r not in roles]
        given_int = np.array([roles.index(r) if r else -1 for r in given_roles] + [-1])[given_codes]
        role_int = np.where(given_int >= 0, given_int, role_int)
    cols["auditor_role"] = pa.array(roles, pa.string()).take(pa.array(role_int))
    # The auditor's own service: as given, else the audited team's service for a team manager,
    # the service they head for a head of service.
    heads = {str(h).strip().lower(): space[s] for s, h in zip(ctx.services["service_id"],
                                                              ctx.services["head_of_service"], strict=True) if h}
    auditor_codes, auditors = ck.codes("auditor")
    headed = np.array([heads.get(str(a).lower(), -1) for a in auditors] + [-1])[auditor_codes]
    own = np.where(role_int == 0, service_int, np.where(role_int == 1, headed, -1))
    if ck.has("auditor_service"):
        given_codes, given_services = ck.read("auditor_service", ctx.lookup("service").resolve)
        given_int = np.array([space.get(s, -1) if s else -1 for s in given_services] + [-1])[given_codes]
        own = np.where(given_int >= 0, given_int, own)
    cols["auditor_service"] = pa.array(ids + [None], pa.string()).take(pa.array(np.where(own < 0, len(ids), own)))
    for name in ("moderated_grade", "moderator", "tool", "case_ref", "has_iro", "theme"):
        if ck.has(name):
            cols[name] = _small_ints(*ck.read(name, read_grade)) if name == "moderated_grade" else ck.column(name)
    for name in ("overall_grade", "moderated_grade"):
        if name in cols:
            graded_yes_no = yes_no & pc.is_valid(cols[name]).to_numpy(zero_copy_only=False)
            ck.add(graded_yes_no, name, lambda i, name=name: (
                f"The tool {tool_name(i)} is a yes/no tool: its audits report compliance, not a grade. Leave "
                f"{name} blank."))
    if ck.has("auditor_id"):
        cols["auditor_id"] = _auditor_ids(ck, ctx)
    # One chunk per column: DuckDB then writes the audits in whole row groups. Columns still in the CSV reader's
    # blocks (about 41,000 rows each) left part-filled row groups that the commit's checkpoint rewrote, 0.5
    # processor-seconds over a million audits (issue 14).
    staged = {"_n_audit": pa.table(cols).combine_chunks()}
    # One column per area: its grades (and a yes/no tool's answers) as small integers, missing where blank. DuckDB
    # stacks them audit by audit into (audit_id, area, grade) rows as it writes them (``_stack_areas``), on all
    # cores, rather than Python over a grid of millions of cells (issue 14).
    grid: dict[str, pa.Array] = {"audit_id": audit_id.combine_chunks() if isinstance(audit_id, pa.ChunkedArray)
                                 else audit_id}
    answer_columns: dict[str, pa.Array] = {}
    for j, (name, header) in enumerate(areas):
        codes, parsed = ck.read(name, _grade_or_answer)
        cells = np.array([p or 0 for p in parsed] + [0], dtype=np.int8)[codes]  # blank (−1): the 0 at the end
        answered = cells >= _YES
        ck.add(answered & ~yes_no, name, lambda i, h=header: (
            f"'{h}' is answered yes or no, but this audit's tool grades its areas 1 to 4 (Outstanding, Good, Requires "
            "Improvement, Inadequate). Give a grade, or name the yes/no tool in the tool column."))
        ck.add((cells > 0) & ~answered & yes_no, name, lambda i, h=header: (
            f"The tool {tool_name(i)} is a yes/no tool: answer '{h}' yes or no, not with a grade."))
        if answered.any():  # a yes/no tool's answers, kept apart from the grades
            answers = np.where(yes_no & answered, cells, 0)
            answer_columns[f"a{j}"] = pa.array(answers, mask=answers == 0)
            cells = np.where(answered, 0, cells)
        grid[f"g{j}"] = pa.array(cells, mask=cells == 0)
    if answer_columns:
        grid.update({f"a{j}": answer_columns.get(f"a{j}", pa.nulls(ck.n, pa.int8())) for j in range(len(areas))})
    staged["_n_grid"] = pa.table(grid)
    _stack_areas(ctx.cur, staged["_n_grid"], [h for _, h in areas])
    register(ctx.cur, "_n_audit", staged["_n_audit"])
    _check_moves(ck, ctx, audit_id)
    if ck.ok:
        _warn_unmatched_auditors(ck, ctx)
    return Prepared(rows=ck.n, staged=staged, info={"areas": [h for _, h in areas]})


def _auditor_ids(ck: Checker, ctx: Context) -> pa.Array:
    """The auditor_id column as held staff ids (any case); a problem for an id not on the staff list."""
    held = ctx.query("SELECT staff_id FROM staff")["staff_id"].tolist()
    by_key = {str(s).lower(): s for s in held}

    def read(text: str) -> str:
        found = by_key.get(text.strip().lower())
        if found is None:
            raise ValueError(f"There is no staff member '{shorten(text)}' on the staff list. Load the staff file "
                             "(kind 'staff') before audits that give auditor_id, or leave it blank to match the "
                             "auditor by name.")
        return found

    return ck.coded("auditor_id", read)


#: Auditors listed by name in the import's report before the rest are counted.
LISTED_AUDITORS = 10


def _warn_unmatched_auditors(ck: Checker, ctx: Context) -> None:
    """Lines naming the auditors whose audits match nobody on the staff list (by auditor_id, or by
    name among the staff in post on the day): their audits count towards no one's expectation. Said only
    once the store holds a staff list; before that, readiness (``status``, the Data page) says it is missing."""
    if not ctx.query("SELECT 1 FROM staff LIMIT 1").empty:
        given = "auditor_id" if ck.has("auditor_id") else "NULL::VARCHAR"
        # Audits counted by auditor and day first: the match is the same for each of them, and a million audits
        # are a few thousand (auditor, day) pairs to match (issue 14).
        found = ctx.query(f"""
            WITH a AS (SELECT audit_date, auditor, count(*) AS audits FROM _n_audit WHERE {given} IS NULL
                       GROUP BY ALL),
            matches AS (
                SELECT a.auditor, a.audit_date, any_value(a.audits) AS audits, count(p.staff_id) AS n
                FROM a LEFT JOIN staff p ON lower(trim(p.name)) = lower(trim(a.auditor))
                     AND (p.start_date IS NULL OR p.start_date <= a.audit_date)
                     AND (p.end_date IS NULL OR p.end_date >= a.audit_date)
                GROUP BY a.auditor, a.audit_date
            )
            SELECT auditor, max(n) AS n, sum(audits)::BIGINT AS audits FROM matches WHERE n <> 1 GROUP BY auditor
            ORDER BY auditor
            """)
        for many, words in ((False, "not on the staff list (in post on the audit's day)"),
                            (True, "shared by more than one person in post on the audit's day")):
            part = found[(found["n"] > 1) == many]
            if part.empty:
                continue
            names = ", ".join(f"{a} ({plural(int(k), 'audit')})" for a, k in
                              part[["auditor", "audits"]].head(LISTED_AUDITORS).itertuples(index=False))
            more = f" and {len(part) - LISTED_AUDITORS:,} more" if len(part) > LISTED_AUDITORS else ""
            fix = "give their staff_id as auditor_id" if many else "add them to the staff list, or give auditor_id"
            ck.warnings.append(f"{plural(len(part), 'auditor name')} {words}: {names}{more}. Their audits are "
                               f"imported but count towards nobody's expectation: {fix}.")


def _codes(values: pa.Array) -> tuple[np.ndarray, list[Any]]:
    from qa_core.io.importer.validate import _distinct

    return _distinct(values)


#: An audit's month, as SQL over the audit table (or the staged audits).
MONTH = "date_trunc('month', audit_date)::DATE"
#: Audits with actions recorded against them are never removed by a re-submission.
HAS_ACTIONS = 'EXISTS (SELECT 1 FROM audit_action x WHERE x.audit_id = "audit".audit_id)'


def _check_moves(ck: Checker, ctx: Context, audit_id: pa.Array) -> None:
    """An audit already held with actions cannot change team or service in an import (DuckDB
    cannot re-key a row other rows refer to)."""
    moved = ctx.query(
        """
        SELECT n.audit_id, t.team_id AS old_team
        FROM _n_audit n JOIN audit t USING (audit_id)
        WHERE n.team_id IS NOT NULL AND n.service_id IS NOT NULL
          AND (n.team_id IS DISTINCT FROM t.team_id OR n.service_id IS DISTINCT FROM t.service_id)
          AND EXISTS (SELECT 1 FROM audit_action x WHERE x.audit_id = n.audit_id)
        """)
    if moved.empty:
        return
    old = dict(zip(moved["audit_id"], moved["old_team"], strict=True))
    ids = audit_id.to_numpy(zero_copy_only=False)
    ck.add(pd.Series(ids).isin(old).to_numpy(), "team", lambda i: (
        f"The audit {ids[i]} is held for {ctx.team_names.get(old[ids[i]], old[ids[i]])} and has actions, so an "
        "import cannot move it to another team or service. Keep its team and service as held."))


def load_audits(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_audit"]
    key = ["audit_id"]
    audits = Merge("audit", "_n_audit", key, [c for c in table.column_names if c not in key],
                   fixed=("team_id", "service_id"), scope=[MONTH, "team_id"], protect=HAS_ACTIONS)
    grades = Merge("audit_area_grade", "_n_area", ["audit_id", "area"], ["grade"], scope=["audit_id"],
                   scope_from="_n_audit")
    answers = Merge("audit_answer", "_n_answer", ["audit_id", "item"], ["answer"], scope=["audit_id"],
                    scope_from="_n_audit")
    step("comparing with the audits held")
    # A file of audits none of which is held (a first load) is all added: its area grades and answers need no
    # comparing, which over a million audits is most of this step's work (issue 14).
    any_held = cur.execute("SELECT EXISTS (SELECT 1 FROM _n_audit SEMI JOIN audit USING (audit_id))").fetchone()[0]
    if not any_held:
        status = cur.execute(f"SELECT {MONTH} AS month, team_id, count(*) AS rows, count(*) AS added, 0 AS replaced, "
                             "0 AS unchanged FROM _n_audit GROUP BY ALL").df()
    else:
        status = _statuses(cur, audits)
    by = [f"{MONTH} AS month", "team_id"]
    # The months and teams the file covers are those just counted: held audits are matched against that short
    # list rather than against every staged audit's month again (issue 14).
    register(cur, "_n_scope", pa.table({"audit_date": pa.array(status["month"], pa.date32()),
                                        "team_id": pa.array(status["team_id"], pa.string())}))
    counted = dataclasses.replace(audits, scope_from="_n_scope")
    frame = merge_counts([status], [counted.removed(cur, by=by, none_held=not any_held)], ["month", "team_id"])
    kept = counted.removed(cur, by=by, protected=True, none_held=not any_held)
    frame["team"] = frame["team_id"].map(ctx.team_names).fillna(frame["team_id"])
    frame = frame.sort_values(["month", "team"])
    outcome = totals(frame)
    outcome.messages = scope_messages(frame, lambda r: f"{month_label(r['month'])} audits for {r['team']}", "audits")
    for _, r in kept.head(30).iterrows():
        outcome.messages.append(
            f"{plural(int(r['kept']), 'audit')} held for {month_label(r['month'])} in "
            f"{ctx.team_names.get(r['team_id'], r['team_id'])} {'is' if r['kept'] == 1 else 'are'} not in this file "
            "but kept, because actions are recorded against "
            f"{'it' if r['kept'] == 1 else 'them'}.")
    if prep.info["areas"]:
        outcome.messages.append(f"Area grades read from {plural(len(prep.info['areas']), 'column')}: "
                                + ", ".join(prep.info["areas"]) + ".")
    first_load = not (outcome.replaced or outcome.unchanged or outcome.removed)
    step("writing audits")
    if write and changes(outcome):
        if not first_load:  # the area grades and answers of audits a re-submission removes go with them
            for table in ("audit_area_grade", "audit_answer"):
                cur.execute(f"DELETE FROM {table} WHERE audit_id IN "
                            f"(SELECT audit_id FROM audit WHERE {audits._removed_where()})")
        audits.apply(cur, insert_only=first_load)
    step("writing area grades")
    if write and changes(outcome):
        if not first_load:  # compared with what is held: from the rows themselves, as a table (``_held_as_rows``)
            _held_as_rows(cur, ("_n_area", "_n_answer"))
        grades.apply(cur, insert_only=first_load)
        answers.apply(cur, insert_only=first_load)
    return outcome


def _held_as_rows(cur: Any, views: tuple[str, ...]) -> None:
    """Replace the stacked views with tables of their rows before a re-submission's merge. The merge's
    ``NOT EXISTS`` match may then be planned from the rows' true count, as it was before DuckDB stacked the
    areas (issue 14), and so writes new area grades in the same order as then. A first load (most of a large
    file's work) keeps the views: its rows go in as they come."""
    for view in views:
        rows = cur.sql(f"SELECT * FROM {view}").to_arrow_table()
        cur.execute(f"DROP VIEW {view}")
        register(cur, view, rows)


def _statuses(cur: Any, audits: Merge) -> pd.DataFrame:
    """Added, replaced and unchanged audits by month and team: an audit is unchanged when its row, its set of
    area grades and its set of answers are all as held."""
    return cur.execute(
        f"""
        WITH
        -- Each audit's set of area grades as a count and a sum of hashes: equal sets, equal pairs.
        new_areas AS (SELECT audit_id, count(*) AS k, sum(hash(area, grade)) AS h FROM _n_area GROUP BY audit_id),
        old_areas AS (SELECT audit_id, count(*) AS k, sum(hash(area, grade)) AS h FROM audit_area_grade
                      SEMI JOIN _n_audit USING (audit_id) GROUP BY audit_id),
        -- The same for a yes/no tool's answers.
        new_answers AS (SELECT audit_id, count(*) AS k, sum(hash(item, answer)) AS h FROM _n_answer GROUP BY audit_id),
        old_answers AS (SELECT audit_id, count(*) AS k, sum(hash(item, answer)) AS h FROM audit_answer
                        SEMI JOIN _n_audit USING (audit_id) GROUP BY audit_id),
        compared AS (
            SELECT n.audit_date, n.team_id, t.audit_id IS NOT NULL AS is_held,
                   {audits._same()} AND a.k IS NOT DISTINCT FROM b.k AND a.h IS NOT DISTINCT FROM b.h
                   AND c.k IS NOT DISTINCT FROM d.k AND c.h IS NOT DISTINCT FROM d.h AS is_same
            FROM _n_audit n LEFT JOIN audit t USING (audit_id)
            LEFT JOIN new_areas a USING (audit_id) LEFT JOIN old_areas b USING (audit_id)
            LEFT JOIN new_answers c USING (audit_id) LEFT JOIN old_answers d USING (audit_id)
        )
        SELECT {MONTH} AS month, team_id, count(*) AS rows,
               count(*) FILTER (WHERE NOT is_held) AS added,
               count(*) FILTER (WHERE is_held AND NOT is_same) AS replaced,
               count(*) FILTER (WHERE is_held AND is_same) AS unchanged
        FROM compared GROUP BY ALL
        """).df()


def export_audits(store: Store) -> pd.DataFrame:
    """The audits file: one column per area grade and per yes/no question (yes or no)."""
    areas = store.query(
        "SELECT item FROM (SELECT area AS item, 0 AS src, min(rowid) AS r FROM audit_area_grade GROUP BY area "
        "UNION ALL SELECT item, 1, min(rowid) FROM audit_answer GROUP BY item) GROUP BY item "
        "ORDER BY min(src), min(r)")["item"].tolist()
    pivot = "".join(
        f", coalesce(CAST(max(g.grade) FILTER (WHERE g.area = ${i}) AS VARCHAR), "
        f"CASE bool_or(x.answer) FILTER (WHERE x.item = ${i}) WHEN TRUE THEN 'yes' WHEN FALSE THEN 'no' END) "
        f'AS "{a.replace(chr(34), chr(34) * 2)}"'
        for i, a in enumerate(areas, start=1))
    frame = store.query(
        f"""
        SELECT a.audit_id, a.audit_date, a.tier, a.team_id AS team, a.service_id AS service, a.auditor,
               a.overall_grade, a.moderated_grade, a.moderator, a.auditor_role, a.auditor_service, a.tool,
               a.case_ref, a.auditor_id,
               CASE a.has_iro WHEN TRUE THEN 'yes' WHEN FALSE THEN 'no' END AS has_iro, a.theme{pivot}
        FROM audit a LEFT JOIN audit_area_grade g USING (audit_id) LEFT JOIN audit_answer x USING (audit_id)
        GROUP BY ALL ORDER BY a.audit_date, a.audit_id
        """, areas)
    return frame


# == audit actions ============================================================================
class AuditActionRow(BaseModel):
    action_id: Text = Field(description="The action's unique reference.", examples=["AUD-202610-0001-9"])
    audit_id: Text = Field(description="The audit it came from (already held in the store).",
                           examples=["AUD-202610-0001"])
    description: LongText = Field(description="What is to be done.", examples=["Update the chronology"])
    owner: Text | None = Field(None, description="Who is to do it.", examples=["Aisha Ashdown"])
    due_date: DueDay | None = Field(None, description="When it is due: 2026-10-31 or 31/10/2026.",
                                 examples=["31/10/2026"])
    completed_date: Day | None = Field(None, description="When it was done; blank while open.", examples=[""])


def prepare_actions(ck: Checker, ctx: Context) -> Prepared:
    action_id = ck.column("action_id")
    ck.duplicates([("action_id", action_id)], lambda i: f"The action {action_id[i].as_py()}")
    cols: dict[str, pa.Array] = {"action_id": action_id, "audit_id": ck.column("audit_id"),
                                 "description": ck.column("description")}
    for name in ("owner", "due_date", "completed_date"):
        if ck.has(name):
            cols[name] = ck.column(name)
    staged = pa.table(cols)
    register(ctx.cur, "_n_action", staged)
    unknown = set(ctx.query("SELECT DISTINCT audit_id FROM _n_action WHERE audit_id IS NOT NULL "
                            "AND audit_id NOT IN (SELECT audit_id FROM audit)")["audit_id"])
    if unknown:
        ids = cols["audit_id"].to_numpy(zero_copy_only=False)
        ck.add(pd.Series(ids).isin(unknown).to_numpy(), "audit_id", lambda i: (
            f"There is no audit '{ids[i]}' in the store. Load the audit (kind 'audits') before its actions."))
    return Prepared(rows=ck.n, staged={"_n_action": staged})


def load_actions(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_action"]
    merge = Merge("audit_action", "_n_action", ["action_id"], [c for c in table.column_names if c != "action_id"])
    outcome = totals(merge_counts([merge.statuses(cur)], [], []))
    for n, verb in ((outcome.added, "added"), (outcome.replaced, "replaced")):
        if n:
            outcome.messages.append(f"{plural(n, 'audit action')} {verb}.")
    if outcome.unchanged:
        outcome.messages.append(f"{plural(outcome.unchanged, 'audit action')} already held exactly as in this "
                                "file, left unchanged.")
    step("writing audit actions")
    if write and changes(outcome):
        merge.apply(cur)
    return outcome


def export_actions(store: Store) -> pd.DataFrame:
    return store.query("SELECT action_id, audit_id, description, owner, due_date, completed_date "
                       "FROM audit_action ORDER BY audit_id, action_id")


KINDS = [
    KindSpec(
        name="audits", title="Case-file audits",
        summary="One row per audit: when, tier, team and service, auditor, overall (and moderated) grade, and one "
                "column per area grade.",
        model=AuditRow, tables=("audit", "audit_area_grade", "audit_answer"), key="audit_id",
        replaces="A month of audits for a team is replaced as a whole: each audit in the file replaces the "
                 "stored one with the same audit_id (with all its area grades), and the team's audits for that "
                 "month that are not in the file are removed, except those with actions recorded against them, "
                 "which are kept (the report says so).",
        prepare=prepare_audits, load=load_audits, export=export_audits, extra=AREA_DOC,
        example_rows=({"audit_id": "AUD-EXAMPLE-0001", "audit_date": "03/11/2026", "tier": "Tier 1",
                       "team": "Assessment North", "service": "Assessment", "auditor": "Jodie Fenwick",
                       "overall_grade": "Good", "moderated_grade": "", "moderator": "",
                       "auditor_role": "team_manager", "auditor_service": "Assessment", "tool": "Generic (2A)",
                       "case_ref": "CR123456", **EXAMPLE_AREAS},),
        needs="the teams and services", write_steps=3,
    ),
    KindSpec(
        name="audit_actions", title="Audit actions",
        summary="One row per action arising from an audit: what, who, when due, when done.",
        model=AuditActionRow, tables=("audit_action",), key="action_id",
        replaces="Each action replaces the stored action with the same action_id; others are kept.",
        prepare=prepare_actions, load=load_actions, export=export_actions,
        example_rows=({"action_id": "AUD-202610-0001-9", "audit_id": "AUD-202610-0001",
                       "description": "Update the chronology", "owner": "Aisha Ashdown", "due_date": "31/10/2026",
                       "completed_date": ""},),
        needs="the audits",
    ),
]
