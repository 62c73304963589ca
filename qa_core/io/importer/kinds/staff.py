"""Kinds for the people: ``staff`` (who works where, in which role, from when to when),
``expectations`` (audit expectation rules per role) and ``exemptions`` (a person-month that counts
as neither expected nor missed). Load them after services and teams (``kinds.org``), in that order.
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
from qa_core.io.importer.kinds.org import (
    UPDATES,
    count_messages,
    held_staff,
    ids_of,
    merge_whole_set,
    refuse_removals,
    whole_set_removed,
    write_set,
)
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
    auditor_from: Day | None = Field(
        None,
        description="The day they were trained as an auditor; blank: from their start in post. Someone who no longer "
        "audits (auditor = no) but moved to moderating gives it with their moderator_from: they audited until then.",
        examples=[""],
    )
    moderator_from: Day | None = Field(
        None,
        description="The day they became a moderator (moderator = yes); blank: from their start in post.",
        examples=[""],
    )


def prepare_staff(ck: Checker, ctx: Context) -> Prepared:
    sid = ck.column("staff_id")
    ck.duplicates([("staff_id", sid)], lambda i: f"The staff member {sid[i].as_py()}")
    cols: dict[str, pa.Array] = {"staff_id": sid, "name": ck.column("name"), "role": ck.column("role")}
    for name in ("email", "auditor", "moderator", "start_date", "end_date", "auditor_from", "moderator_from"):
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
        emails = ids_of(cols["email"])
        ck.add(
            np.array([e is not None and (e.count("@") != 1 or " " in e) for e in emails]),
            "email",
            lambda i: f"'{shorten(emails[i])}' is not an email address.",
        )
    teams_, services_, roles = ids_of(team), ids_of(service), ids_of(cols["role"])
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
        starts, ends = ids_of(cols["start_date"]), ids_of(cols["end_date"])
        ck.add(
            np.array([s is not None and e is not None and e < s for s, e in zip(starts, ends, strict=True)]),
            "end_date",
            lambda i: f"The end date {ends[i]:%d/%m/%Y} is before the start date {starts[i]:%d/%m/%Y}.",
        )
    _check_programme_dates(ck, cols)
    staged = pa.table(cols)
    if ck.ok:
        register(ctx.cur, "_n_staff", staged)
        _warn_shared_names(ck, ctx)
        if ctx.replace:
            gone = ctx.query("SELECT staff_id FROM staff WHERE staff_id NOT IN (SELECT staff_id FROM _n_staff)")
            refuse_removals(
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


def _check_programme_dates(ck: Checker, cols: dict[str, pa.Array]) -> None:
    """moderator_from only for a moderator; auditor_from on someone who no longer audits only with the
    moderator_from that ended their auditing (a move to moderator)."""
    blank = [None] * ck.n
    moderator = ids_of(cols["moderator"]) if "moderator" in cols else blank
    auditor = ids_of(cols["auditor"]) if "auditor" in cols else blank
    a_from = ids_of(cols["auditor_from"]) if "auditor_from" in cols else blank
    m_from = ids_of(cols["moderator_from"]) if "moderator_from" in cols else blank
    ck.add(
        np.array([m is not None and not mod for m, mod in zip(m_from, moderator, strict=True)]),
        "moderator_from",
        "moderator_from is given but moderator is not yes: give it only for a moderator.",
    )
    ck.add(
        np.array(
            [a is not None and aud is False and m is None for a, aud, m in zip(a_from, auditor, m_from, strict=True)]
        ),
        "auditor_from",
        "auditor_from is given for someone who does not audit (auditor = no): that says they moved to moderating, "
        "so give the day they did as moderator_from, or leave auditor_from blank.",
    )
    ck.add(
        np.array(
            [
                a is not None and m is not None and aud is False and m <= a
                for a, aud, m in zip(a_from, auditor, m_from, strict=True)
            ]
        ),
        "moderator_from",
        "moderator_from is on or before auditor_from: someone who moved from auditing to moderating became a "
        "moderator after they were trained as an auditor.",
    )


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
    outcome.removed = whole_set_removed(cur, merge, ctx, "staff_id")
    outcome.messages = count_messages(outcome, "staff member")
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
    write_set(cur, merge, ctx, "staff_id", outcome, write)
    return outcome


def export_staff(store: Store) -> pd.DataFrame:
    frame = store.query(
        "SELECT staff_id, name, email, role, team_id, service_id, auditor, moderator, start_date, "
        "end_date, auditor_from, moderator_from FROM staff ORDER BY staff_id"
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
    ends = ids_of(cols["to_month"]) if "to_month" in cols else [None] * ck.n
    starts = ids_of(start)
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
    return merge_whole_set(cur, merge, ctx, write, step, "expectation rule")


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
    held = held_staff(ctx)
    ids = ids_of(sid)
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
    outcome.messages = count_messages(outcome, "exemption")
    step("writing exemptions")
    if write and changes(outcome):
        merge.apply(cur)
    return outcome


def export_exemptions(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT staff_id, strftime(month, '%Y-%m') AS month, reason, approved_by FROM audit_exemption "
        "ORDER BY month, staff_id"
    )


KINDS = [
    KindSpec(
        name="staff",
        title="Staff",
        summary="One row per person who audits, moderates, manages or heads a service: role, team or service, "
        "whether they audit and moderate, and their dates in post. Completion against expectation is "
        "worked out from this list, the expectation rules and the exemptions.",
        model=StaffRow,
        tables=("staff",),
        key="staff_id",
        replaces=UPDATES.format("staff member", "staff_id") + " A leaver keeps their row with an end_date.",
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
