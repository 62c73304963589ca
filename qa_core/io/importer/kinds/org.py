"""Kinds for the organisation's structure: ``services`` and ``teams``, and what the organisation's
kinds share (``staff``, ``expectations`` and ``exemptions`` are in ``kinds.staff``).

Load the organisation in this order: services, teams, staff, expectations, exemptions. A team
names its service, a staff member their team or service, an exemption its staff member, each
already held (imported earlier). A service's ``head_of_service`` and a team's ``manager`` name a
staff id and may come before the staff list: they are accepted with a line saying so, and the
names show once the staff file is in.
Every organisation import then copies each head's and manager's name and email from the staff list
into the service and team rows (what pages and escalation lists show).

A later file updates rows by their id and never deletes rows it does not mention; with
``--replace`` it is the whole set, and the rows held that it leaves out are removed, unless
something still refers to them (the file is then refused, naming them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, Field

from qa_core.io.importer.fields import (
    Count,
    ServiceRef,
    Text,
    shorten,
)
from qa_core.io.importer.kinds.base import (
    KindSpec,
    Outcome,
    Prepared,
    Step,
    changes,
    merge_counts,
    plural,
    register,
    totals,
)
from qa_core.io.importer.kinds.catalogue import _sort_orders
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, Context, Lookup
from qa_core.store import Store


def sync_leads(cur: Any) -> None:
    """Copy each service head's and team manager's name and email from the staff list into the
    ``service`` and ``team`` rows that name them by staff id (what pages show). Only rows whose copy
    differs are written, so a repeated import writes nothing."""
    cur.execute("""
        UPDATE service SET head_of_service = p.name, head_email = p.email FROM staff p
        WHERE p.staff_id = service.head_staff_id
          AND (service.head_of_service IS DISTINCT FROM p.name OR service.head_email IS DISTINCT FROM p.email)""")
    cur.execute("""
        UPDATE team SET manager = p.name, manager_email = p.email FROM staff p
        WHERE p.staff_id = team.manager_staff_id
          AND (team.manager IS DISTINCT FROM p.name OR team.manager_email IS DISTINCT FROM p.email)""")


def count_messages(outcome: Outcome, noun: str, nouns: str | None = None) -> list[str]:
    lines = []
    for n, verb in ((outcome.added, "added"), (outcome.replaced, "updated"), (outcome.removed, "removed")):
        if n:
            lines.append(f"{plural(n, noun, nouns)} {verb}.")
    if outcome.unchanged:
        lines.append(f"{plural(outcome.unchanged, noun, nouns)} already held exactly as in this file, left unchanged.")
    return lines


def merge_whole_set(cur: Any, merge: Merge, ctx: Context, write: bool, step: Step, noun: str) -> Outcome:
    """Load a kind whose rows are keyed by ``merge.key``: rows added or updated, none removed,
    unless ``--replace`` makes the file the whole set (held rows it leaves out are removed)."""
    outcome = totals(merge_counts([merge.statuses(cur)], [], []))
    left_out = (f"FROM {merge.table} t WHERE NOT EXISTS (SELECT 1 FROM {merge.staged} n WHERE "
                + " AND ".join(f"n.{k} = t.{k}" for k in merge.key) + ")")
    if ctx.replace:
        outcome.removed = int(cur.execute(f"SELECT count(*) {left_out}").fetchone()[0])
    outcome.messages = count_messages(outcome, noun)
    step(f"writing {noun}s")
    if write and changes(outcome):
        if outcome.removed:
            cur.execute(f"DELETE {left_out}")
        merge.apply(cur)
    return outcome


def ids_of(values: pa.Array) -> list[Any]:
    return values.to_pylist()


def _unique_names(ck: Checker, ctx: Context, ids: pa.Array, names: pa.Array, table: str, key: str, what: str) -> None:
    """A problem where a name is given to two ids (in the file, or one held under another id): files
    may name a service or team instead of its id, so names must tell them apart."""
    held = dict(ctx.query(f"SELECT lower(name) AS n, {key} AS k FROM {table}").itertuples(index=False))
    first: dict[str, Any] = {}
    id_list, name_list = ids_of(ids), ids_of(names)
    clash = np.zeros(ck.n, dtype=bool)
    other: dict[int, str] = {}
    for i, (ident, name) in enumerate(zip(id_list, name_list, strict=True)):
        if ident is None or name is None:
            continue
        low = name.lower()
        if low in first and first[low] != ident:
            clash[i], other[i] = True, f"{first[low]} (in this file)"
        elif low in held and held[low] != ident and held[low] not in id_list:
            clash[i], other[i] = True, f"{held[low]} (held)"
        first.setdefault(low, ident)
    ck.add(
        clash,
        "name",
        lambda i: (
            f"Another {what} is called '{name_list[i]}': {other[i]}. Names must be "
            "unique, because files may name a service or team instead of its id."
        ),
    )


def held_staff(ctx: Context) -> dict[str, tuple[str, str | None]]:
    """Held staff by id, lower-cased: (id as held, name)."""
    rows = ctx.query("SELECT staff_id, name FROM staff")
    return {str(s).lower(): (s, n) for s, n in zip(rows["staff_id"], rows["name"], strict=True)}


def _staff_ref(ck: Checker, ctx: Context, column: str, noun: str) -> tuple[pa.Array, pa.Array, pa.Array]:
    """A column naming a staff id that may not be held yet: the ids as held (or as written), with
    each one's name and email (missing until the staff list holds them); a line for those not held."""
    ck.column(column)  # its length limit
    codes, given = ck.codes(column)
    held = ctx.query("SELECT staff_id, name, email FROM staff").astype(object)
    held = held.where(held.notna(), None)
    by_id = {str(s).lower(): (s, n, e) for s, n, e in held.itertuples(index=False)}
    ids, names, emails, missing = [], [], [], []
    for value in given:
        found = by_id.get(str(value).lower())
        if found is None:
            missing.append(str(value))
            ids.append(str(value))
            names.append(None)
            emails.append(None)
        else:
            ids.append(found[0])
            names.append(found[1])
            emails.append(found[2])
    if missing:
        rows = [int(ck.rows[i]) for i in np.flatnonzero(np.isin(codes, [given.index(m) for m in missing]))]
        shown = ", ".join(f"'{shorten(m, 40)}'" for m in missing[:10]) + (" ..." if len(missing) > 10 else "")
        ck.warnings.append(
            f"Column '{ck.header(column)}' (rows {', '.join(map(str, rows[:10]))}{' ...' if len(rows) > 10 else ''}):"
            f" {shown} {'is' if len(missing) == 1 else 'are'} not on the staff list yet. The {noun}'s name will "
            "show once the staff file (kind 'staff') holds them."
        )

    def take(values: list[Any]) -> pa.Array:
        arr = pa.array(values + [None], pa.string())
        return arr.take(pa.array(np.where(codes < 0, len(values), codes)))

    return take(ids), take(names), take(emails)


def refuse_removals(
    ck: Checker,
    ctx: Context,
    what: str,
    unmentioned: pd.Series,
    uses: list[tuple[str, str]],
    keep: str = "Keep them in the file.",
) -> None:
    """With --replace: a problem for each held row the file leaves out that something still uses."""
    if unmentioned.empty:
        return
    ids = sorted(map(str, unmentioned))
    for sql, words in uses:
        used = ctx.query(sql, [ids])
        if used.empty:
            continue
        named = ", ".join(f"{k} ({int(n)})" for k, n in used.head(10).itertuples(index=False))
        more = " ..." if len(used) > 10 else ""
        ck.add_file(
            f"With --replace, the {what}s held and not in this file would be removed, but {words}: "
            f"{named}{more}. {keep}"
        )


# == services ================================================================================
class ServiceRow(BaseModel):
    service_id: Text = Field(
        description="The service's short id, unique; other files may give it or its name.", examples=["assessment"]
    )
    name: Text = Field(description="The service's name as pages show it.", examples=["Assessment"])
    head_of_service: Text | None = Field(
        None,
        description="The head of service's staff_id (from the staff list, which may be loaded after this "
        "file); blank if the post is vacant.",
        examples=["S0002"],
    )
    sort_order: Count | None = Field(
        None, description="Position in lists; blank keeps the stored order (new services go last).", examples=["2"]
    )


def prepare_services(ck: Checker, ctx: Context) -> Prepared:
    sid = ck.column("service_id")
    ck.duplicates([("service_id", sid)], lambda i: f"The service {sid[i].as_py()}")
    name = ck.column("name")
    _unique_names(ck, ctx, sid, name, "service", "service_id", "service")
    cols: dict[str, pa.Array] = {"service_id": sid, "name": name}
    if ck.has("head_of_service"):
        cols["head_staff_id"], cols["head_of_service"], cols["head_email"] = _staff_ref(
            ck, ctx, "head_of_service", "head of service"
        )
    given = ck.column("sort_order") if ck.has("sort_order") else pa.nulls(ck.n, pa.int64())
    cols["sort_order"] = _sort_orders(ctx, "service", "service_id", sid, given)
    if ctx.replace and ck.ok:
        register(ctx.cur, "_n_service", pa.table(cols))
        gone = ctx.query("SELECT service_id FROM service WHERE service_id NOT IN (SELECT service_id FROM _n_service)")
        refuse_removals(
            ck,
            ctx,
            "service",
            gone["service_id"],
            [
                (
                    "SELECT service_id, count(*) FROM team WHERE list_contains(?, service_id) GROUP BY 1",
                    "teams belong to these (teams per service)",
                ),
                (
                    "SELECT service_id, count(*) FROM audit WHERE list_contains(?, service_id) GROUP BY 1",
                    "audits are held for these (audits per service)",
                ),
                (
                    "SELECT service_id, count(*) FROM staff WHERE list_contains(?, service_id) GROUP BY 1",
                    "staff work in these (staff per service)",
                ),
                (
                    "SELECT service_id, count(*) FROM (SELECT service_id FROM indicator_service UNION ALL "
                    "SELECT service_id FROM risk UNION ALL SELECT service_id FROM clinic_action) "
                    "WHERE list_contains(?, service_id) GROUP BY 1",
                    "measures, risks or clinic actions name these",
                ),
            ],
        )
    return Prepared(rows=ck.n, staged={"_n_service": pa.table(cols)})


def whole_set_removed(cur: Any, merge: Merge, ctx: Context, key: str) -> int:
    """With --replace: how many held rows the file leaves out (removed when written)."""
    if not ctx.replace:
        return 0
    return int(
        cur.execute(
            f"SELECT count(*) FROM {merge.table} WHERE {key} NOT IN (SELECT {key} FROM {merge.staged})"
        ).fetchone()[0]
    )


def write_set(cur: Any, merge: Merge, ctx: Context, key: str, outcome: Outcome, write: bool) -> None:
    if not (write and changes(outcome)):
        return
    if ctx.replace and outcome.removed:
        cur.execute(f"DELETE FROM {merge.table} WHERE {key} NOT IN (SELECT {key} FROM {merge.staged})")
    merge.apply(cur)
    sync_leads(cur)


def load_services(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_service"]
    merge = Merge("service", "_n_service", ["service_id"], [c for c in table.column_names if c != "service_id"])
    outcome = totals(merge_counts([merge.statuses(cur)], [], []))
    outcome.removed = whole_set_removed(cur, merge, ctx, "service_id")
    outcome.messages = count_messages(outcome, "service")
    step("writing services")
    write_set(cur, merge, ctx, "service_id", outcome, write)
    return outcome


def export_services(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT service_id, name, head_staff_id AS head_of_service, sort_order FROM service "
        "ORDER BY sort_order, service_id"
    )


# == teams ===================================================================================
class TeamRow(BaseModel):
    team_id: Text = Field(
        description="The team's short id, unique; other files may give it or its name.", examples=["assessment_01"]
    )
    name: Text = Field(description="The team's name as pages show it.", examples=["Assessment North"])
    service_id: ServiceRef = Field(
        description="The service it belongs to, by id or name (already held: load services first).",
        examples=["assessment"],
    )
    manager: Text | None = Field(
        None,
        description="The team manager's staff_id (from the staff list, which may be "
        "loaded after this file); blank if vacant.",
        examples=["S0011"],
    )


def prepare_teams(ck: Checker, ctx: Context) -> Prepared:
    tid = ck.column("team_id")
    ck.duplicates([("team_id", tid)], lambda i: f"The team {tid[i].as_py()}")
    name = ck.column("name")
    _unique_names(ck, ctx, tid, name, "team", "team_id", "team")
    services = Lookup(
        "service",
        list(ctx.services["service_id"]),
        list(ctx.services["name"]),
        hint=" Load the services file (kind 'services') before the teams that belong to them.",
    )
    cols: dict[str, pa.Array] = {"team_id": tid, "name": name, "service_id": ck.ref("service_id", services)}
    if ck.has("manager"):
        cols["manager_staff_id"], cols["manager"], cols["manager_email"] = _staff_ref(
            ck, ctx, "manager", "team manager"
        )
    staged = pa.table(cols)
    register(ctx.cur, "_n_team", staged)
    # A team moving service: DuckDB cannot re-key a row others refer to, and its values and audits were
    # recorded under the old service. Refused while anything refers to it.
    moved = ctx.query("""
        SELECT n.team_id, t.service_id AS old FROM _n_team n JOIN team t USING (team_id)
        WHERE n.service_id IS NOT NULL AND n.service_id <> t.service_id
          AND (EXISTS (SELECT 1 FROM indicator_value v WHERE v.team_id = n.team_id)
               OR EXISTS (SELECT 1 FROM audit a WHERE a.team_id = n.team_id))""")
    if not moved.empty:
        old = dict(moved.itertuples(index=False))
        ids = ids_of(tid)
        ck.add(
            np.array([i in old for i in ids]),
            "service_id",
            lambda i: (
                f"The team {ids[i]} is held in {ctx.service_names.get(old[ids[i]], old[ids[i]])} with values or audits "
                "recorded there, so an import cannot move it to another service. For a restructure, give the team "
                "a new team_id in its new service (and an end to the old one's staff)."
            ),
        )
    if ctx.replace and ck.ok:
        gone = ctx.query("SELECT team_id FROM team WHERE team_id NOT IN (SELECT team_id FROM _n_team)")
        refuse_removals(
            ck,
            ctx,
            "team",
            gone["team_id"],
            [
                (
                    "SELECT team_id, count(*) FROM indicator_value WHERE list_contains(?, team_id) GROUP BY 1",
                    "values are held for these (values per team)",
                ),
                (
                    "SELECT team_id, count(*) FROM audit WHERE list_contains(?, team_id) GROUP BY 1",
                    "audits are held for these (audits per team)",
                ),
                (
                    "SELECT team_id, count(*) FROM staff WHERE list_contains(?, team_id) GROUP BY 1",
                    "staff work in these (staff per team)",
                ),
            ],
        )
    return Prepared(rows=ck.n, staged={"_n_team": staged})


def load_teams(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_team"]
    merge = Merge(
        "team", "_n_team", ["team_id"], [c for c in table.column_names if c != "team_id"], fixed=("service_id",)
    )
    outcome = totals(merge_counts([merge.statuses(cur)], [], []))
    outcome.removed = whole_set_removed(cur, merge, ctx, "team_id")
    outcome.messages = count_messages(outcome, "team")
    step("writing teams")
    write_set(cur, merge, ctx, "team_id", outcome, write)
    return outcome


def export_teams(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT t.team_id, t.name, t.service_id, t.manager_staff_id AS manager FROM team t "
        "JOIN service s USING (service_id) ORDER BY s.sort_order, t.service_id, t.team_id"
    )


UPDATES = (
    "Each row updates the {0} with the same {1} (a column left out keeps its stored values) or adds it; "
    "{0}s held and not in the file are kept."
)

KINDS = [
    KindSpec(
        name="services",
        title="Services",
        summary="One row per service (service area): its id, name and head of service (a staff_id).",
        model=ServiceRow,
        tables=("service",),
        key="service_id",
        replaces=UPDATES.format("service", "service_id"),
        prepare=prepare_services,
        load=load_services,
        export=export_services,
        replace_all="the file is every service: services held and not in it are removed (refused while teams, "
        "audits, staff, measures, risks or clinic actions belong to them).",
    ),
    KindSpec(
        name="teams",
        title="Teams",
        summary="One row per team: its id, name, service and team manager (a staff_id).",
        model=TeamRow,
        tables=("team",),
        key="team_id",
        replaces=UPDATES.format("team", "team_id"),
        prepare=prepare_teams,
        load=load_teams,
        export=export_teams,
        needs="the services",
        replace_all="the file is every team: teams held and not in it are removed (refused while values, audits "
        "or staff belong to them).",
    ),
]
