"""Kinds for the organisation: ``services``, ``teams``, ``staff``, ``expectations`` (audit
expectation rules per role) and ``exemptions`` (a person-month that counts as neither expected
nor missed).

Load them in that order: a team names its service, a staff member their team or service, an
exemption its staff member, each already held (or, for services and teams, imported earlier). A
service's ``head_of_service`` and a team's ``manager`` name a staff id and may come before the
staff list: they are accepted with a line saying so, and the names show once the staff file is in.
Every organisation import then copies each head's and manager's name and email from the staff list
into the service and team rows (what pages and escalation lists show).

A later file updates rows by their id and never deletes rows it does not mention; with
``--replace`` it is the whole set, and the rows held that it leaves out are removed, unless
something still refers to them (the file is then refused, naming them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from qa_core.io.importer.fields import (
    Count,
    Day,
    DueDay,
    Month,
    Sentence,
    ServiceRef,
    TeamRef,
    Text,
    YesNo,
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
    plural,
    register,
    totals,
)
from qa_core.io.importer.kinds.catalogue import _sort_orders
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, Context, Lookup
from qa_core.rules.expectations import FROM_THE_START, STAFF_ROLES
from qa_core.store import Store

#: Roles whose people must say where they work (a team, or a service).
PLACED_ROLES = ("head_of_service", "team_manager")
_ROLE_ALIASES = {
    "ad": "assistant_director",
    "hos": "head_of_service",
    "tm": "team_manager",
    "manager": "team_manager",
    "pm": "practice_manager",
    "sw": "social_worker",
    "qa": "qa_lead",
    "qa_officer": "qa_lead",
}


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


def _simple_messages(outcome: Outcome, noun: str, nouns: str | None = None) -> list[str]:
    lines = []
    for n, verb in ((outcome.added, "added"), (outcome.replaced, "updated"), (outcome.removed, "removed")):
        if n:
            lines.append(f"{plural(n, noun, nouns)} {verb}.")
    if outcome.unchanged:
        lines.append(f"{plural(outcome.unchanged, noun, nouns)} already held exactly as in this file, left unchanged.")
    return lines


def _ids(values: pa.Array) -> list[Any]:
    return values.to_pylist()


def _unique_names(ck: Checker, ctx: Context, ids: pa.Array, names: pa.Array, table: str, key: str, what: str) -> None:
    """A problem where a name is given to two ids (in the file, or one held under another id): files
    may name a service or team instead of its id, so names must tell them apart."""
    held = dict(ctx.query(f"SELECT lower(name) AS n, {key} AS k FROM {table}").itertuples(index=False))
    first: dict[str, Any] = {}
    id_list, name_list = _ids(ids), _ids(names)
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


def _staff_names(ctx: Context) -> dict[str, tuple[str, str | None]]:
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


def _refused_removals(
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
        _refused_removals(
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


def _load_whole_set(cur: Any, merge: Merge, ctx: Context, key: str) -> int:
    """With --replace: how many held rows the file leaves out (removed when written)."""
    if not ctx.replace:
        return 0
    return int(
        cur.execute(
            f"SELECT count(*) FROM {merge.table} WHERE {key} NOT IN (SELECT {key} FROM {merge.staged})"
        ).fetchone()[0]
    )


def _write(cur: Any, merge: Merge, ctx: Context, key: str, outcome: Outcome, write: bool) -> None:
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
    outcome.removed = _load_whole_set(cur, merge, ctx, "service_id")
    outcome.messages = _simple_messages(outcome, "service")
    step("writing services")
    _write(cur, merge, ctx, "service_id", outcome, write)
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
        ids = _ids(tid)
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
        _refused_removals(
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
    outcome.removed = _load_whole_set(cur, merge, ctx, "team_id")
    outcome.messages = _simple_messages(outcome, "team")
    step("writing teams")
    _write(cur, merge, ctx, "team_id", outcome, write)
    return outcome


def export_teams(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT t.team_id, t.name, t.service_id, t.manager_staff_id AS manager FROM team t "
        "JOIN service s USING (service_id) ORDER BY s.sort_order, t.service_id, t.team_id"
    )


# == staff ===================================================================================
class StaffRow(BaseModel):
    staff_id: Text = Field(
        description="The person's id, unique (e.g. the HR number); audits may give it as auditor_id.",
        examples=["S0011"],
    )
    name: Text = Field(
        description="Their name as audits files write it (audits without an auditor_id are "
        "matched to staff by name, ignoring case).",
        examples=["Jodie Fenwick"],
    )
    email: Text | None = Field(None, description="Their work email.", examples=["jodie.fenwick@example.gov.uk"])
    role: choice(STAFF_ROLES, _ROLE_ALIASES, "role") = Field(
        description="One of: " + ", ".join(STAFF_ROLES) + ". Audit expectations are set per role.",
        examples=["team_manager"],
    )
    team_id: TeamRef | None = Field(
        None,
        description="Their team, by id or name (already held: load teams first). A team manager gives their team.",
        examples=["assessment_01"],
    )
    service_id: ServiceRef | None = Field(
        None,
        description="Their service, by id or name, for people without a team (a head of service gives the "
        "service they head); with a team, blank or that team's service.",
        examples=[""],
    )
    auditor: YesNo = Field(
        description="yes if they audit case files: expectations apply only to auditors.", examples=["yes"]
    )
    moderator: YesNo = Field(description="yes if they moderate audit grades.", examples=["no"])
    start_date: Day | None = Field(
        None,
        description="First day in post; blank if before the data held. They are "
        "expected to audit from their first whole month.",
        examples=["01/04/2024"],
    )
    end_date: DueDay | None = Field(
        None,
        description="Last day in post; blank while in post. A month not worked "
        "in full counts as neither expected nor missed.",
        examples=[""],
    )


def prepare_staff(ck: Checker, ctx: Context) -> Prepared:
    sid = ck.column("staff_id")
    ck.duplicates([("staff_id", sid)], lambda i: f"The staff member {sid[i].as_py()}")
    cols: dict[str, pa.Array] = {"staff_id": sid, "name": ck.column("name"), "role": ck.column("role")}
    for name in ("email", "auditor", "moderator", "start_date", "end_date"):
        if ck.has(name):
            cols[name] = ck.column(name)
    teams = Lookup(
        "team",
        list(ctx.teams["team_id"]),
        list(ctx.teams["name"]),
        hint=" Load the teams file (kind 'teams') before the staff who work in them.",
    )
    services = Lookup(
        "service",
        list(ctx.services["service_id"]),
        list(ctx.services["name"]),
        hint=" Load the services file (kind 'services') first.",
    )
    team = ck.ref("team_id", teams) if ck.has("team_id") else pa.nulls(ck.n, pa.string())
    service = ck.ref("service_id", services) if ck.has("service_id") else pa.nulls(ck.n, pa.string())
    if ck.has("team_id"):
        cols["team_id"] = team
    if ck.has("service_id"):
        cols["service_id"] = service
    if "email" in cols:
        emails = _ids(cols["email"])
        ck.add(
            np.array([e is not None and (e.count("@") != 1 or " " in e) for e in emails]),
            "email",
            lambda i: f"'{shorten(emails[i])}' is not an email address.",
        )
    teams_, services_, roles = _ids(team), _ids(service), _ids(cols["role"])
    wrong = [
        t is not None and s is not None and ctx.team_service.get(t) != s for t, s in zip(teams_, services_, strict=True)
    ]
    ck.add(
        np.array(wrong),
        "service_id",
        lambda i: (
            f"{ctx.team_names.get(teams_[i], teams_[i])} is a team of "
            f"{ctx.service_names.get(ctx.team_service.get(teams_[i]), '?')}, not of "
            f"{ctx.service_names.get(services_[i], services_[i])}. Give the team's service, or leave service_id blank."
        ),
    )
    unplaced = [
        r in PLACED_ROLES and t is None and s is None and not bad
        for r, t, s, bad in zip(roles, teams_, services_, ck.bad, strict=True)
    ]
    ck.add(
        np.array(unplaced),
        "team_id",
        lambda i: (
            f"A {roles[i].replace('_', ' ')} needs a team_id or a service_id: their own service decides which audits "
            "count towards their expectation."
        ),
    )
    if "start_date" in cols and "end_date" in cols:
        starts, ends = _ids(cols["start_date"]), _ids(cols["end_date"])
        ck.add(
            np.array([s is not None and e is not None and e < s for s, e in zip(starts, ends, strict=True)]),
            "end_date",
            lambda i: f"The end date {ends[i]:%d/%m/%Y} is before the start date {starts[i]:%d/%m/%Y}.",
        )
    staged = pa.table(cols)
    if ck.ok:
        register(ctx.cur, "_n_staff", staged)
        _warn_shared_names(ck, ctx)
        if ctx.replace:
            gone = ctx.query("SELECT staff_id FROM staff WHERE staff_id NOT IN (SELECT staff_id FROM _n_staff)")
            _refused_removals(
                ck,
                ctx,
                "staff member",
                gone["staff_id"],
                [
                    (
                        "SELECT auditor_id, count(*) FROM audit WHERE list_contains(?, auditor_id) GROUP BY 1",
                        "audits name these as their auditor (audits each)",
                    ),
                    (
                        "SELECT head_staff_id, count(*) FROM service WHERE list_contains(?, head_staff_id) GROUP BY 1",
                        "services name these as their head",
                    ),
                    (
                        "SELECT manager_staff_id, count(*) FROM team "
                        "WHERE list_contains(?, manager_staff_id) GROUP BY 1",
                        "teams name these as their manager",
                    ),
                ],
                keep="Keep them in the file: a leaver keeps their row, with an end_date.",
            )
    return Prepared(rows=ck.n, staged={"_n_staff": staged})


def _warn_shared_names(ck: Checker, ctx: Context) -> None:
    """A line when two people in post at the same time share a name: audits naming them need auditor_id."""
    given = set(ctx.query("SELECT * FROM _n_staff LIMIT 0").columns)
    dates = ", ".join(f"n.{c}" if c in given else f"p.{c}" for c in ("start_date", "end_date"))
    shared = ctx.query(f"""
        WITH everyone AS (
            SELECT n.staff_id, n.name, {dates} FROM _n_staff n LEFT JOIN staff p USING (staff_id)
            UNION ALL SELECT staff_id, name, start_date, end_date FROM staff
            WHERE staff_id NOT IN (SELECT staff_id FROM _n_staff)
        )
        SELECT DISTINCT a.name FROM everyone a JOIN everyone b
          ON lower(a.name) = lower(b.name) AND a.staff_id < b.staff_id
         AND coalesce(a.start_date, DATE '0001-01-01') <= coalesce(b.end_date, DATE '9999-12-31')
         AND coalesce(b.start_date, DATE '0001-01-01') <= coalesce(a.end_date, DATE '9999-12-31')
        ORDER BY 1""")
    if not shared.empty:
        names = ", ".join(shared["name"].head(10))
        ck.warnings.append(
            f"More than one person in post at the same time is called {names}: audits by them "
            "cannot be matched by name, so give their staff_id as auditor_id in the audits file."
        )


def load_staff(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_staff"]
    merge = Merge("staff", "_n_staff", ["staff_id"], [c for c in table.column_names if c != "staff_id"])
    outcome = totals(merge_counts([merge.statuses(cur)], [], []))
    outcome.removed = _load_whole_set(cur, merge, ctx, "staff_id")
    outcome.messages = _simple_messages(outcome, "staff member")
    exemptions = 0
    if ctx.replace and outcome.removed:
        exemptions = int(
            cur.execute(
                "SELECT count(*) FROM audit_exemption WHERE staff_id NOT IN (SELECT staff_id FROM _n_staff)"
            ).fetchone()[0]
        )
        if exemptions:
            outcome.messages.append(
                f"{plural(exemptions, 'exemption')} of the staff removed "
                f"{'goes' if exemptions == 1 else 'go'} with them."
            )
    auditors = (
        int(cur.execute("SELECT count(*) FROM _n_staff WHERE auditor").fetchone()[0])
        if "auditor" in table.column_names
        else 0
    )
    if auditors:
        outcome.messages.append(f"{plural(auditors, 'auditor')} in this file.")
    step("writing the staff list")
    if write and changes(outcome) and exemptions:
        cur.execute("DELETE FROM audit_exemption WHERE staff_id NOT IN (SELECT staff_id FROM _n_staff)")
    _write(cur, merge, ctx, "staff_id", outcome, write)
    return outcome


def export_staff(store: Store) -> pd.DataFrame:
    frame = store.query(
        "SELECT staff_id, name, email, role, team_id, service_id, auditor, moderator, start_date, "
        "end_date FROM staff ORDER BY staff_id"
    )
    for col in ("auditor", "moderator"):
        frame[col] = frame[col].map({True: "yes", False: "no"})
    return frame


# == expectations ============================================================================
class ExpectationRow(BaseModel):
    role: choice(STAFF_ROLES, _ROLE_ALIASES, "role") = Field(
        description="The staff role the rule is for: " + ", ".join(STAFF_ROLES) + ". It applies to staff in "
        "that role marked auditor = yes.",
        examples=["team_manager"],
    )
    audits_per_month: Count = Field(description="Case files each of them is expected to audit a month.", examples=["4"])
    outside_own_service: YesNo | None = Field(
        None,
        description="yes if only audits of cases outside their own service count (the heads of service "
        "rule); blank means no.",
        examples=["no"],
    )
    from_month: Month | None = Field(
        None, description="First month the rule applies (2026-04); blank: from the start.", examples=["2024-04"]
    )
    to_month: Month | None = Field(None, description="Last month it applies; blank while in force.", examples=[""])


def prepare_expectations(ck: Checker, ctx: Context) -> Prepared:
    role = ck.column("role")
    start = ck.column("from_month") if ck.has("from_month") else pa.nulls(ck.n, pa.date32())
    start = pc.fill_null(start, pa.scalar(FROM_THE_START, pa.date32()))
    ck.duplicates(
        [("role", role), ("from_month", start)],
        lambda i: f"The rule for {role[i].as_py()} from {_month(start[i].as_py())}",
    )
    cols: dict[str, pa.Array] = {"role": role, "from_month": start, "audits_per_month": ck.column("audits_per_month")}
    if ck.has("outside_own_service"):
        cols["outside_own_service"] = pc.fill_null(ck.column("outside_own_service"), False)
    if ck.has("to_month"):
        cols["to_month"] = ck.column("to_month")
    ends = _ids(cols["to_month"]) if "to_month" in cols else [None] * ck.n
    starts = _ids(start)
    ck.add(
        np.array([e is not None and e < s for s, e in zip(starts, ends, strict=True)]),
        "to_month",
        lambda i: f"The rule ends ({_month(ends[i])}) before it starts ({_month(starts[i])}).",
    )
    staged = pa.table(cols)
    if ck.ok:
        _check_overlaps(ck, ctx, staged)
    return Prepared(rows=ck.n, staged={"_n_rule": staged})


def _month(day: dt.date | None) -> str:
    if day is None:
        return "now"
    return "the start" if day == FROM_THE_START else f"{day:%B %Y}"


def _check_overlaps(ck: Checker, ctx: Context, staged: pa.Table) -> None:
    """Two rules for one role may not cover the same month (the file's own, and the file against held
    rules it does not replace)."""
    file = staged.to_pandas()
    file["row"] = ck.rows
    if "to_month" not in file:
        file["to_month"] = None
    held = (
        pd.DataFrame(columns=["role", "from_month", "to_month"])
        if ctx.replace
        else ctx.query("SELECT role, from_month, to_month FROM audit_expectation_rule")
    )
    keys = set(zip(file["role"], pd.to_datetime(file["from_month"]), strict=True))
    held = held[[(r, pd.Timestamp(f)) not in keys for r, f in zip(held["role"], held["from_month"], strict=True)]]
    far = pd.Timestamp("9999-12-01")
    rules = pd.concat([file.assign(src="file"), held.assign(src="held", row=None)], ignore_index=True)
    rules["start"] = pd.to_datetime(rules["from_month"])
    rules["stop"] = pd.to_datetime(rules["to_month"]).fillna(far)
    bad: dict[int, str] = {}

    def span(rule: Any) -> str:
        return f"{_month(rule.start.date())} to {_month(None if rule.stop == far else rule.stop.date())}"

    for _, group in rules.groupby("role"):
        group = group.sort_values("start")
        items = list(group.itertuples())
        for a, b in zip(items, items[1:], strict=False):
            if b.start <= a.stop:
                for mine, other in ((a, b), (b, a)):
                    if mine.src == "file" and int(mine.row) not in bad:
                        where = f"row {int(other.row)} of this file" if other.src == "file" else "a rule held"
                        bad[int(mine.row)] = (
                            f"This rule for {mine.role} ({span(mine)}) overlaps {where} ({span(other)}). Give the "
                            "earlier rule a to_month before the later one starts, or import with --replace."
                        )
    rows = list(ck.rows)
    ck.add(np.array([int(r) in bad for r in rows]), "from_month", lambda i: bad[int(rows[i])])


def load_expectations(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_rule"]
    key = ["role", "from_month"]
    merge = Merge("audit_expectation_rule", "_n_rule", key, [c for c in table.column_names if c not in key])
    outcome = totals(merge_counts([merge.statuses(cur)], [], []))
    if ctx.replace:
        outcome.removed = int(
            cur.execute(
                "SELECT count(*) FROM audit_expectation_rule r WHERE NOT EXISTS (SELECT 1 FROM _n_rule n "
                "WHERE n.role = r.role AND n.from_month = r.from_month)"
            ).fetchone()[0]
        )
    outcome.messages = _simple_messages(outcome, "expectation rule")
    step("writing expectation rules")
    if write and changes(outcome):
        if outcome.removed:
            cur.execute(
                "DELETE FROM audit_expectation_rule r WHERE NOT EXISTS (SELECT 1 FROM _n_rule n "
                "WHERE n.role = r.role AND n.from_month = r.from_month)"
            )
        merge.apply(cur)
    return outcome


def export_expectations(store: Store) -> pd.DataFrame:
    frame = store.query(
        "SELECT role, audits_per_month, outside_own_service, "
        "CASE WHEN from_month = ? THEN NULL ELSE strftime(from_month, '%Y-%m') END AS from_month, "
        "strftime(to_month, '%Y-%m') AS to_month FROM audit_expectation_rule ORDER BY role, from_month",
        [FROM_THE_START],
    )
    frame["outside_own_service"] = frame["outside_own_service"].map({True: "yes", False: "no"})
    return frame


# == exemptions ==============================================================================
class ExemptionRow(BaseModel):
    staff_id: Text = Field(description="The person exempt (already on the staff list).", examples=["S0011"])
    month: Month = Field(
        description="The month exempt: it counts as neither expected nor missed.", examples=["2026-10"]
    )
    reason: Sentence = Field(description="Why (shown beside their figures).", examples=["Long-term sick leave"])
    approved_by: Text | None = Field(None, description="Who agreed it.", examples=["Priya Jessop"])


def prepare_exemptions(ck: Checker, ctx: Context) -> Prepared:
    sid = ck.column("staff_id")
    month = ck.column("month")
    ck.duplicates(
        [("staff_id", sid), ("month", month)],
        lambda i: f"The exemption of {sid[i].as_py()} for {month[i].as_py():%B %Y}",
    )
    held = _staff_names(ctx)
    ids = _ids(sid)
    resolved = [held[str(i).lower()][0] if i is not None and str(i).lower() in held else i for i in ids]
    ck.add(
        np.array([i is not None and str(i).lower() not in held for i in ids]),
        "staff_id",
        lambda i: (
            f"There is no staff member '{shorten(str(ids[i]))}' on the staff list. Load the staff file (kind 'staff') "
            "before their exemptions."
        ),
    )
    cols: dict[str, pa.Array] = {
        "staff_id": pa.array(resolved, pa.string()),
        "month": month,
        "reason": ck.column("reason"),
    }
    if ck.has("approved_by"):
        cols["approved_by"] = ck.column("approved_by")
    return Prepared(rows=ck.n, staged={"_n_exemption": pa.table(cols)})


def load_exemptions(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_exemption"]
    key = ["staff_id", "month"]
    merge = Merge(
        "audit_exemption",
        "_n_exemption",
        key,
        [c for c in table.column_names if c not in key],
        scope=["month"] if ctx.replace else None,
    )
    frame = merge_counts([merge.statuses(cur)], [merge.removed(cur)], [])
    outcome = totals(frame)
    outcome.messages = _simple_messages(outcome, "exemption")
    step("writing exemptions")
    if write and changes(outcome):
        merge.apply(cur)
    return outcome


def export_exemptions(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT staff_id, strftime(month, '%Y-%m') AS month, reason, approved_by FROM audit_exemption "
        "ORDER BY month, staff_id"
    )


_UPDATES = (
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
        replaces=_UPDATES.format("service", "service_id"),
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
        replaces=_UPDATES.format("team", "team_id"),
        prepare=prepare_teams,
        load=load_teams,
        export=export_teams,
        needs="the services",
        replace_all="the file is every team: teams held and not in it are removed (refused while values, audits "
        "or staff belong to them).",
    ),
    KindSpec(
        name="staff",
        title="Staff",
        summary="One row per person who audits, moderates, manages or heads a service: role, team or service, "
        "whether they audit and moderate, and their dates in post. Completion against expectation is "
        "worked out from this list, the expectation rules and the exemptions.",
        model=StaffRow,
        tables=("staff",),
        key="staff_id",
        replaces=_UPDATES.format("staff member", "staff_id") + " A leaver keeps their row with an end_date.",
        prepare=prepare_staff,
        load=load_staff,
        export=export_staff,
        needs="the teams and services",
        replace_all="the file is the whole staff list: people held and not in it are removed with their "
        "exemptions (refused while audits name them as auditor_id, or a service or team names them "
        "as its head or manager).",
    ),
    KindSpec(
        name="expectations",
        title="Audit expectations",
        summary="One row per rule: how many case files a month each auditor in a role is expected to audit, "
        "whether only audits outside their own service count, and the months it applies.",
        model=ExpectationRow,
        tables=("audit_expectation_rule",),
        key="role, from_month",
        replaces="Each row updates the rule for the same role and from_month, or adds it; other rules are kept. "
        "Two rules for one role may not cover the same month.",
        prepare=prepare_expectations,
        load=load_expectations,
        export=export_expectations,
        example_rows=(
            {
                "role": "team_manager",
                "audits_per_month": "4",
                "outside_own_service": "no",
                "from_month": "",
                "to_month": "",
            },
            {
                "role": "head_of_service",
                "audits_per_month": "1",
                "outside_own_service": "yes",
                "from_month": "",
                "to_month": "",
            },
        ),
        replace_all="the file is every rule: rules held and not in it are removed.",
    ),
    KindSpec(
        name="exemptions",
        title="Audit exemptions",
        summary="One row per person and month exempt from their audit expectation (leave, a secondment): the "
        "month counts as neither expected nor missed, and the completion table says why.",
        model=ExemptionRow,
        tables=("audit_exemption",),
        key="staff_id, month",
        replaces="Each row updates the exemption for the same staff_id and month, or adds it; others are kept.",
        prepare=prepare_exemptions,
        load=load_exemptions,
        export=export_exemptions,
        needs="the staff",
        replace_all="the file is every exemption for the months it holds: exemptions held for those months and "
        "not in the file are removed.",
    ),
]
