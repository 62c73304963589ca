"""The audit programme as the QA lead runs it (the Audit grades page's programme tabs, ``report audits
--by tool|theme`` and ``select-tier2``): results per tool and area, the thematic programme and its
coverage, remedial work due within 5 working days, the escalation record, auditor capacity and
exemptions, and the Tier 2 allocation. Nothing here imports Streamlit.

Who sees what (``qa_core.roles``): frames that name cases or people (``remedial_actions``,
``escalation_record``, ``exemptions``, ``tier2_allocations``) return only the rows whose case-level
detail the viewer may see; the counts beside them (``remedial_counts``, ``escalation_counts``,
``capacity``, ``tier2_summary``) are aggregates every role that opens the page sees.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.roles import AccessDenied, Viewer
from qa_core.rules import audit_programme as programme
from qa_core.rules.audits import (
    AUDIT_ROLE_LABELS,
    ESCALATION,
    GRADE_COLUMNS,
    GRADES,
    IRO,
    Z_95,
    _wilson_arrays,
    escalations,
    grade_summary,
)
from qa_core.rules.deadlines import add_working_days, deadline_status
from qa_core.rules.periods import add_months, first_of, month_end, next_month, window_start
from qa_core.store import Store, queries

__all__ = [
    "GRADINGS",
    "targets",
    "target",
    "tool_results",
    "area_results",
    "theme_results",
    "theme_coverage",
    "remedial_actions",
    "remedial_counts",
    "escalation_record",
    "escalation_counts",
    "may_record_escalations",
    "record_escalation",
    "capacity",
    "exemptions",
    "tier2_heads",
    "tier2_cases",
    "select_tier2",
    "tier2_allocations",
    "compliance_by",
]

GRADINGS = {"graded": "Graded 1 to 4", "yes_no": "Yes or no (compliance)"}
_FINAL = "coalesce(a.moderated_grade, a.overall_grade)"
_PCT = 100.0


def targets(store: Store) -> pd.DataFrame:
    """Every target the council has set (``audit_targets``): ``target, from_month, value``."""
    return store.query("SELECT target, from_month, value FROM audit_target ORDER BY target, from_month")


def target(store: Store, name: str, month: dt.date) -> float | None:
    """The target ``name`` in force in ``month`` (the source's default where none is set)."""
    return programme.target_in_force(targets(store), name, month)


def _window(month: dt.date, window: int) -> dict:
    month = first_of(month)
    return {"start": window_start(month, window), "stop": next_month(month)}


# ------------------------------------------------------------------------------------------
# Tools and areas
# ------------------------------------------------------------------------------------------


def compliance_by(
    store: Store, month: dt.date | None, by: str, service_id: str | None = None, window: int = 1
) -> pd.DataFrame:
    """Audits and yes/no answers per tool or theme (``by``) over the ``window`` months to ``month``
    (None: every month): ``group, audits, grading, answered, yes, pct_yes, yes_ci_low, yes_ci_high``."""
    if by not in ("tool", "theme"):
        raise QAError(f"Compliance is counted by tool or theme, not {by!r}.")
    label = queries.AUDIT_GROUPINGS["tool"][0] if by == "tool" else queries.THEME_SQL
    span = _window(month, window) if month else {"start": None, "stop": None}
    frame = store.query(
        f"""
        WITH a AS (
            SELECT a.audit_id, {label} AS "group", coalesce(tt.grading, 'graded') AS grading,
                   coalesce(tt.sort_order, 999999) AS o
            FROM audit a {queries.TOOL_JOIN}
            WHERE ($start IS NULL OR a.audit_date >= $start) AND ($stop IS NULL OR a.audit_date < $stop)
              AND ($service IS NULL OR a.service_id = $service)
        ), answers AS (
            SELECT x.audit_id, count(*) AS answered, count(*) FILTER (WHERE x.answer) AS yes
            FROM audit_answer x SEMI JOIN a USING (audit_id) GROUP BY 1
        )
        SELECT a."group", count(*) AS audits, CASE WHEN bool_or(a.grading = 'yes_no') THEN 'yes_no' ELSE 'graded'
               END AS grading, coalesce(sum(n.answered), 0) AS answered, coalesce(sum(n.yes), 0) AS yes
        FROM a LEFT JOIN answers n USING (audit_id)
        WHERE a."group" IS NOT NULL
        GROUP BY 1 ORDER BY min(a.o), 1
        """,
        {**span, "service": service_id},
    )
    out = frame.copy()
    for col in ("audits", "answered", "yes"):
        out[col] = out[col].astype("int64")
    n, k = out["answered"].to_numpy(dtype="int64"), out["yes"].to_numpy(dtype="int64")
    low, high = _wilson_arrays(k, n, Z_95)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_yes"] = np.where(n > 0, k * _PCT / n, np.nan)
    out["yes_ci_low"], out["yes_ci_high"] = low * _PCT, high * _PCT
    return out[["group", "audits", "grading", "answered", "yes", "pct_yes", "yes_ci_low", "yes_ci_high"]]


def tool_results(store: Store, month: dt.date, service_id: str | None = None, window: int = 12) -> pd.DataFrame:
    """Each tool used in the ``window`` months to ``month``: how it grades, audits, final-grade counts with
    % inadequate (Wilson 95%) for a graded tool, and yes answers of those answered (Wilson 95%) for a yes/no
    tool; in the order of the list of tools (tools not on it after, by name)."""
    counts = queries.audit_grade_counts(
        store, month=window_start(first_of(month), window), end_month=first_of(month), by="tool", service_id=service_id
    )
    graded = grade_summary(counts).drop(columns="group_id")
    comp = compliance_by(store, month, "tool", service_id, window)
    out = comp.merge(graded, on="group", how="left").rename(columns={"group": "tool"})
    for col in (*GRADE_COLUMNS, "total"):
        out[col] = out[col].fillna(0).astype("int64")
    order = store.query("SELECT name AS tool, sort_order FROM audit_tool")
    out = out.merge(order, on="tool", how="left").sort_values(["sort_order", "tool"], na_position="last")
    yes_no = out["grading"] == "yes_no"
    out.loc[yes_no, "assessment"] = "compliance (yes/no tool): not graded"
    return out.drop(columns="sort_order").reset_index(drop=True)


def area_results(store: Store, month: dt.date, service_id: str | None = None, window: int = 12) -> pd.DataFrame:
    """Each tool's areas (grade counts, % Inadequate or RI with counts) and questions (yes of answered, with
    the Wilson 95% interval) over the window: ``tool, grading, item, seq, section, answered`` (audits that
    graded the area or answered the question), ``outstanding .. inadequate, weak, pct_weak, yes, pct_yes,
    ci_low, ci_high``. An area the tool's list does not name comes after its listed ones."""
    span = _window(month, window)
    frame = store.query(
        f"""
        WITH a AS (
            SELECT a.audit_id, coalesce(tt.name, a.tool, 'No tool recorded') AS tool, tt.tool_id,
                   coalesce(tt.grading, 'graded') AS grading, coalesce(tt.sort_order, 999999) AS tool_order
            FROM audit a {queries.TOOL_JOIN}
            WHERE a.audit_date >= $start AND a.audit_date < $stop AND ($service IS NULL OR a.service_id = $service)
        ), graded AS (
            SELECT a.tool, a.tool_id, a.grading, a.tool_order, g.area AS item,
                   count(*) AS answered,
                   {", ".join(f"count(*) FILTER (WHERE g.grade = {i}) AS {c}" for i, c in enumerate(GRADE_COLUMNS, 1))},
                   0 AS yes
            FROM a JOIN audit_area_grade g USING (audit_id) GROUP BY ALL
        ), answered AS (
            SELECT a.tool, a.tool_id, a.grading, a.tool_order, x.item, count(*) AS answered,
                   0 AS outstanding, 0 AS good, 0 AS requires_improvement, 0 AS inadequate,
                   count(*) FILTER (WHERE x.answer) AS yes
            FROM a JOIN audit_answer x USING (audit_id) GROUP BY ALL
        )
        SELECT r.*, i.seq, i.section
        FROM (SELECT * FROM graded UNION ALL SELECT * FROM answered) r
        LEFT JOIN audit_tool_item i ON i.tool_id = r.tool_id AND i.item = r.item
        ORDER BY r.tool_order, r.tool, i.seq NULLS LAST, r.item
        """,
        {**span, "service": service_id},
    )
    for col in ("answered", *GRADE_COLUMNS, "yes"):
        frame[col] = frame[col].astype("int64")
    frame["weak"] = frame["requires_improvement"] + frame["inadequate"]
    n = frame["answered"].to_numpy(dtype="float64")
    is_yes_no = (frame["grading"] == "yes_no").to_numpy()
    k = np.where(is_yes_no, frame["yes"], frame["weak"]).astype("int64")
    low, high = _wilson_arrays(k, n.astype("int64"), Z_95)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["pct_weak"] = np.where(~is_yes_no & (n > 0), frame["weak"] * _PCT / n, np.nan)
        frame["pct_yes"] = np.where(is_yes_no & (n > 0), frame["yes"] * _PCT / n, np.nan)
    frame["ci_low"], frame["ci_high"] = low * _PCT, high * _PCT
    frame["seq"] = pd.array(frame["seq"], dtype="Int64")
    return frame[
        [
            "tool",
            "grading",
            "item",
            "seq",
            "section",
            "answered",
            *GRADE_COLUMNS,
            "weak",
            "pct_weak",
            "yes",
            "pct_yes",
            "ci_low",
            "ci_high",
        ]
    ].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# The thematic programme
# ------------------------------------------------------------------------------------------


def theme_results(store: Store, month: dt.date, service_id: str | None = None, window: int = 12) -> pd.DataFrame:
    """Each theme's audits month by month over the window: ``theme, month, audits``, final-grade counts with
    % inadequate (Wilson 95%) and % good or better, and yes of answered for yes/no tools."""
    span = _window(month, window)
    frame = store.query(
        f"""
        WITH a AS (
            SELECT a.audit_id, {queries.THEME_SQL} AS theme, date_trunc('month', a.audit_date)::DATE AS month,
                   {_FINAL} AS final
            FROM audit a {queries.TOOL_JOIN}
            WHERE a.audit_date >= $start AND a.audit_date < $stop AND ($service IS NULL OR a.service_id = $service)
        ), answers AS (
            SELECT audit_id, count(*) AS answered, count(*) FILTER (WHERE answer) AS yes
            FROM audit_answer SEMI JOIN a USING (audit_id) GROUP BY 1
        )
        SELECT a.theme, a.month, count(*) AS audits,
               {", ".join(f"count(*) FILTER (WHERE a.final = {i}) AS {c}" for i, c in enumerate(GRADE_COLUMNS, 1))},
               coalesce(sum(n.answered), 0) AS answered, coalesce(sum(n.yes), 0) AS yes
        FROM a LEFT JOIN answers n USING (audit_id)
        WHERE a.theme IS NOT NULL
        GROUP BY ALL ORDER BY a.theme, a.month
        """,
        {**span, "service": service_id},
    )
    for col in ("audits", *GRADE_COLUMNS, "answered", "yes"):
        frame[col] = frame[col].astype("int64")
    out = grade_summary(frame)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_yes"] = np.where(out["answered"] > 0, out["yes"] * _PCT / out["answered"], np.nan)
    out["month"] = pd.to_datetime(out["month"]).dt.date
    return out.reset_index(drop=True)


def theme_coverage(store: Store, month: dt.date) -> tuple[pd.DataFrame, int, list[dt.date]]:
    """Coverage of the themes over the 12 months to ``month`` (``rules.audit_programme.theme_coverage``)
    against the target in force (each theme twice a year unless the council says otherwise): the frame,
    the number a year, and the months."""
    month = first_of(month)
    months = [add_months(month, -k) for k in range(11, -1, -1)]
    plan = store.query(
        "SELECT month, theme FROM audit_theme_plan WHERE month >= $a AND month <= $b", {"a": months[0], "b": month}
    )
    done = theme_results(store, month, None, 12)[["month", "theme", "audits"]]
    per_year = int(target(store, "theme_audits_per_year", month) or programme.THEME_AUDITS_PER_YEAR)
    return programme.theme_coverage(plan, done, months, per_year), per_year, months


def _remedial(store: Store, month: dt.date, service_id: str | None, window: int, viewer: Viewer | None) -> pd.DataFrame:
    month = first_of(month)
    cases, params = queries.case_condition(viewer)
    frame = store.query(
        f"""
        SELECT a.case_ref, x.action_id, x.audit_id, a.audit_date, s.name AS service, t.name AS team, a.service_id,
               a.team_id, {queries.THEME_SQL} AS theme, x.description, x.owner, x.due_date, x.completed_date
        FROM audit_action x JOIN audit a ON a.audit_id = x.audit_id
        JOIN team t ON t.team_id = a.team_id JOIN service s ON s.service_id = a.service_id
        {queries.TOOL_JOIN}
        WHERE a.tier = 'thematic' AND a.audit_date >= $start AND a.audit_date < $stop
          AND ($service IS NULL OR a.service_id = $service) AND {cases}
        ORDER BY a.audit_date, x.action_id
        """,
        {**_window(month, window), "service": service_id, **params},
    )
    days = int(target(store, "remedial_working_days", month) or 0)
    frame["deadline"] = (
        add_working_days(frame["audit_date"].map(lambda d: pd.Timestamp(d).date()), days)
        if len(frame)
        else pd.Series(dtype="object")
    )
    frame["status"] = deadline_status(frame["deadline"], frame["completed_date"], month_end(month))
    frame["due_later_than_rule"] = (pd.to_datetime(frame["due_date"]) > pd.to_datetime(frame["deadline"])).to_numpy()
    frame["working_days"] = days
    return frame


def remedial_actions(
    store: Store, month: dt.date, service_id: str | None = None, window: int = 1, viewer: Viewer | None = None
) -> pd.DataFrame:
    """Remedial actions from thematic audits in the window, each with its deadline (the audit's date plus
    the council's working days, 5 by the framework: ``rules.deadlines``) and its state at the end of
    ``month``: done on time, done late, overdue or not yet due; ``due_later_than_rule`` where the due date
    recorded is after that deadline. Only the cases ``viewer`` may see (None: all)."""
    return _remedial(store, month, service_id, window, viewer).drop(columns=["service_id", "team_id"])


def remedial_counts(store: Store, month: dt.date, service_id: str | None = None, window: int = 1) -> dict[str, int]:
    """How many remedial actions from thematic audits in the window are in each state (an aggregate)."""
    frame = _remedial(store, month, service_id, window, None)
    return {
        status: int((frame["status"] == status).sum())
        for status in ("Overdue", "Done late", "Not yet due", "Done on time")
    }


# ------------------------------------------------------------------------------------------
# Escalation records
# ------------------------------------------------------------------------------------------


def may_record_escalations(viewer: Viewer | None) -> bool:
    """The QA lead records any escalation; the auditors (team managers and heads of service) those of the
    audits they may see. None counts as the QA lead (the command line, tests)."""
    return viewer is None or viewer.role in ("qa_lead", "team_manager", "head_of_service")


def _escalation_rows(
    store: Store, month: dt.date, service_id: str | None, viewer: Viewer | None, audit_id: str | None = None
) -> pd.DataFrame:
    month = first_of(month)
    cases, params = queries.case_condition(viewer)
    audits = store.query(
        f"""
        SELECT a.case_ref, a.audit_id, a.audit_date, a.tier, a.service_id, a.team_id, s.name AS service,
               t.name AS team, a.auditor, a.overall_grade, a.moderated_grade, a.has_iro, s.head_of_service, t.manager
        FROM audit a JOIN team t ON t.team_id = a.team_id JOIN service s ON s.service_id = a.service_id
        WHERE a.overall_grade IS NOT NULL
          AND ($audit IS NOT NULL OR (a.audit_date >= $start AND a.audit_date < $stop))
          AND ($audit IS NULL OR a.audit_id = $audit)
          AND ($service IS NULL OR a.service_id = $service) AND {cases}
        ORDER BY a.audit_date, a.audit_id
        """,
        {"start": month, "stop": next_month(month), "service": service_id, "audit": audit_id, **params},
    )
    cols = [
        "case_ref",
        "audit_id",
        "audit_date",
        "service",
        "team",
        "tier",
        "auditor",
        "grade",
        "grade_name",
        "notify_role",
        "notify_label",
        "expected_name",
        "told_name",
        "told_on",
        "recorded_by",
        "deadline",
        "status",
        "service_id",
        "team_id",
    ]
    if audits.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    notify = escalations(audits[["audit_id", "overall_grade", "moderated_grade", "has_iro"]])
    rows = notify.merge(audits, on="audit_id", how="left")
    director = store.scalar(
        "SELECT any_value(name) FROM staff WHERE role = 'assistant_director' AND (end_date IS NULL OR end_date >= $m)",
        {"m": month},
    )
    rows["expected_name"] = np.select(
        [
            rows["notify_role"].eq("head_of_service"),
            rows["notify_role"].eq("team_manager"),
            rows["notify_role"].eq("assistant_director"),
        ],
        [rows["head_of_service"], rows["manager"], pd.Series(director, index=rows.index, dtype="object")],
        None,
    )
    told = store.query(
        "SELECT audit_id, notify_role, told_name, told_on, recorded_by FROM audit_escalation "
        "WHERE list_contains($ids, audit_id)",
        {"ids": rows["audit_id"].unique().tolist()},
    )
    rows = rows.merge(told, on=["audit_id", "notify_role"], how="left")
    days = int(target(store, "escalation_working_days", month) or 0)
    rows["deadline"] = add_working_days(rows["audit_date"].map(lambda d: pd.Timestamp(d).date()), days)
    rows["told_on"] = pd.to_datetime(rows["told_on"]).dt.date
    rows["status"] = deadline_status(rows["deadline"], rows["told_on"], month_end(month), cut=False)
    rows["grade_name"] = rows["grade"].map(GRADES).astype("str")
    return rows[cols].reset_index(drop=True)


def escalation_record(
    store: Store, month: dt.date, service_id: str | None = None, viewer: Viewer | None = None
) -> pd.DataFrame:
    """One row per graded audit of ``month`` and person its final grade goes to (the IRO only where the audit
    says the case has one): who they are, whether and when they were told and by whom, the deadline (the
    audit's date plus the council's working days for escalation) and the state at the end of the month
    (told on time, told late, overdue, not yet due: a record made later still counts, as told late).
    Only the audits ``viewer`` may see (None: all). Overdue first, then by date."""
    frame = _escalation_rows(store, month, service_id, viewer)
    order = {"Overdue": 0, "Not yet due": 1, "Done late": 2, "Done on time": 3}
    frame = frame.assign(_o=frame["status"].map(order)).sort_values(["_o", "audit_date", "audit_id"], kind="stable")
    return frame.drop(columns=["_o", "service_id", "team_id"]).reset_index(drop=True)


def escalation_counts(store: Store, month: dt.date, service_id: str | None = None) -> dict[str, int]:
    """How many of the month's escalations are in each state (an aggregate every role on the page sees)."""
    frame = _escalation_rows(store, month, service_id, None)
    return {
        status: int((frame["status"] == status).sum())
        for status in ("Overdue", "Not yet due", "Done late", "Done on time")
    }


def record_escalation(
    store: Store,
    audit_id: str,
    notify_role: str,
    told_on: dt.date,
    told_name: str | None = None,
    viewer: Viewer | None = None,
    today: dt.date | None = None,
) -> None:
    """Record that the person in ``notify_role`` was told of the audit's grade on ``told_on`` (replacing an
    earlier record of the same). Refused (QAError, AccessDenied) unless the audit is held and graded, the
    role is one its final grade goes to (the IRO only where the case has one), the day is neither before
    the audit nor in the future, and ``viewer`` may record it (the QA lead, or an auditor who sees the case)."""
    if not may_record_escalations(viewer):
        raise AccessDenied(
            f"Not recorded: the {viewer.describe()} role cannot record escalations; the QA lead "
            "and the auditors (team managers, heads of service) can."
        )
    found = store.query(
        "SELECT audit_id, audit_date, overall_grade, moderated_grade, has_iro, service_id, team_id "
        "FROM audit WHERE audit_id = ?",
        [audit_id],
    )
    if found.empty:
        raise QAError(f"Not recorded: there is no audit {audit_id!r}.")
    audit = found.iloc[0]
    if viewer is not None and not viewer.sees_cases(audit["service_id"], audit["team_id"]):
        raise AccessDenied(f"Not recorded: the {viewer.describe()} role cannot see the audit {audit_id}.")
    if pd.isna(audit["overall_grade"]):
        raise QAError(f"Not recorded: the audit {audit_id} is on a yes/no tool and has no grade to escalate.")
    roles = escalations(found[["audit_id", "overall_grade", "moderated_grade", "has_iro"]])["notify_role"].tolist()
    if notify_role not in roles:
        who = ", ".join(AUDIT_ROLE_LABELS[r] for r in roles)
        extra = " (the IRO only where the audit records that the case has one)" if notify_role == IRO else ""
        raise QAError(
            f"Not recorded: the audit {audit_id}'s grade goes to {who}{extra}, not to the "
            f"{AUDIT_ROLE_LABELS.get(notify_role, notify_role)}."
        )
    today = today or dt.date.today()
    day = pd.Timestamp(told_on).date()
    if day < pd.Timestamp(audit["audit_date"]).date():
        raise QAError(
            f"Not recorded: {day:%d %B %Y} is before the audit ({pd.Timestamp(audit['audit_date']):%d %B %Y})."
        )
    if day > today:
        raise QAError(f"Not recorded: {day:%d %B %Y} is in the future.")
    name = (told_name or "").strip() or None
    if name is not None and len(name) > 200:
        raise QAError("Not recorded: the name is longer than 200 characters.")
    by = viewer.who if viewer is not None and viewer.who else (viewer.describe() if viewer else "QA lead")
    with store.transaction() as cur:
        cur.execute("DELETE FROM audit_escalation WHERE audit_id = ? AND notify_role = ?", [audit_id, notify_role])
        cur.execute(
            "INSERT INTO audit_escalation (audit_id, notify_role, told_name, told_on, recorded_by, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [audit_id, notify_role, name, day, by, dt.datetime.now().replace(microsecond=0)],
        )


# ------------------------------------------------------------------------------------------
# Auditor capacity and exemptions
# ------------------------------------------------------------------------------------------


def capacity(store: Store, month: dt.date, window: int = 12) -> pd.DataFrame:
    """Trained auditors and moderators at the end of each of the ``window`` months to ``month``, with the
    joiners, leavers and moves to moderator, against the council's targets
    (``rules.audit_programme.auditor_capacity``)."""
    month = first_of(month)
    staff = store.query("SELECT auditor, moderator, start_date, end_date, auditor_from, moderator_from FROM staff")
    months = [add_months(month, -k) for k in range(window - 1, -1, -1)]
    return programme.auditor_capacity(staff, months, targets(store))


def exemptions(store: Store, month: dt.date, window: int = 12, viewer: Viewer | None = None) -> pd.DataFrame:
    """Exemptions from the audit expectation in the window, newest first, with who approved each
    (``approved`` False where nobody is recorded). Names people: only those ``viewer`` may see."""
    cases, params = queries.case_condition(viewer, "coalesce(t.service_id, p.service_id)", "p.team_id")
    frame = store.query(
        f"""
        SELECT x.month, p.name, p.role, coalesce(s.name, '') AS service, coalesce(t.name, '') AS team, x.reason,
               x.approved_by, x.approved_by IS NOT NULL AND trim(x.approved_by) <> '' AS approved
        FROM audit_exemption x JOIN staff p USING (staff_id)
        LEFT JOIN team t ON t.team_id = p.team_id
        LEFT JOIN service s ON s.service_id = coalesce(t.service_id, p.service_id)
        WHERE x.month >= $start AND x.month < $stop AND {cases}
        ORDER BY x.month DESC, p.name
        """,
        {**_window(month, window), **params},
    )
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    return frame


# ------------------------------------------------------------------------------------------
# Tier 2: the random selection and the allocations
# ------------------------------------------------------------------------------------------


def tier2_heads(store: Store, month: dt.date) -> pd.DataFrame:
    """The heads of service a Tier 2 case is picked for in ``month``: auditors in post on its first day and
    not exempt that month, with their own service (the one they head, else the staff list's)."""
    month = first_of(month)
    return store.query(
        """
        SELECT p.staff_id, p.name AS head_of_service,
               coalesce((SELECT min(s.service_id) FROM service s WHERE s.head_staff_id = p.staff_id),
                        p.service_id) AS service_id
        FROM staff p
        WHERE p.role = 'head_of_service' AND p.auditor
          AND (p.start_date IS NULL OR p.start_date <= $m) AND (p.end_date IS NULL OR p.end_date >= $m)
          AND NOT EXISTS (SELECT 1 FROM audit_exemption x WHERE x.staff_id = p.staff_id AND x.month = $m)
        ORDER BY p.staff_id
        """,
        {"m": month},
    )


def tier2_cases(store: Store, month: dt.date) -> pd.DataFrame:
    """The cases a Tier 2 case is picked from in ``month`` (``rules.audit_programme.tier2_pool``)."""
    audits = store.query(
        "SELECT audit_id, audit_date, case_ref, tier, team_id, service_id FROM audit "
        "WHERE case_ref IS NOT NULL AND audit_date < $m",
        {"m": first_of(month)},
    )
    return programme.tier2_pool(audits, month)


def select_tier2(
    store: Store, month: dt.date, seed: int = 0, replace: bool = False, user: str | None = None
) -> tuple[pd.DataFrame, str]:
    """Pick each head of service's Tier 2 case for ``month`` and record the allocation; the picks
    (``rules.audit_programme.TIER2_COLUMNS``) and a sentence saying what was recorded.

    The same store and seed give the same picks, so running it again records nothing new. A month
    already allocated differently (another seed, or the cases changed since) is refused unless
    ``replace``, which records the new picks in place of the old."""
    month = first_of(month)
    heads = tier2_heads(store, month)
    if heads.empty:
        raise QAError(
            f"No head of service is on the staff list as an auditor in post on 1 {month:%B %Y}: there "
            "is nobody to pick a Tier 2 case for. Load the staff file (kind 'staff') first."
        )
    picks = programme.select_tier2(heads, tier2_cases(store, month), month, seed)
    held = store.query(
        "SELECT head_staff_id, head_of_service, head_service_id AS head_of_service_service, case_ref, "
        "service_id, team_id, seed FROM tier2_allocation WHERE month = ? ORDER BY head_staff_id",
        [month],
    )
    columns = ["head_staff_id", *programme.TIER2_COLUMNS]
    same = (
        not held.empty
        and held[columns].astype("object").where(held[columns].notna(), None).values.tolist()
        == picks[columns].astype("object").where(picks[columns].notna(), None).values.tolist()
    )
    if same:
        return picks[programme.TIER2_COLUMNS], (
            f"{month:%B %Y} was already allocated with these picks (seed {int(held['seed'].iloc[0])}); nothing changed."
        )
    if not held.empty and not replace:
        raise QAError(
            f"{month:%B %Y} is already allocated (seed {int(held['seed'].iloc[0])}, other picks: the seed "
            "or the cases differ). Its heads of service may have started; to pick again and record the new "
            "picks in its place, add --replace."
        )
    rows = picks.rename(columns={"head_of_service_service": "head_service_id"}).assign(
        month=month, seed=int(seed), selected_at=dt.datetime.now().replace(microsecond=0), selected_by=user
    )
    with store.transaction() as cur:
        cur.execute("DELETE FROM tier2_allocation WHERE month = ?", [month])
        store.insert_frames({"tier2_allocation": rows}, cur)
    found = int(picks["case_ref"].notna().sum())
    none = len(picks) - found
    note = f"; {none} with no eligible case outside their service" if none else ""
    return picks[programme.TIER2_COLUMNS], (
        f"Recorded the {month:%B %Y} Tier 2 allocation (seed {int(seed)}): "
        f"{found} of {len(picks)} heads of service given a case{note}."
    )


def tier2_allocations(store: Store, month: dt.date, viewer: Viewer | None = None) -> pd.DataFrame:
    """The month's allocation, one row per head of service, and whether each case was audited at Tier 2
    in the month (``audited``, with the audit's id, date and final grade). A head of service sees the
    rows of their own allocation and of cases in their service; a team manager those of their team's
    cases; the AD and QA lead all (None: all)."""
    month = first_of(month)
    cases, params = queries.case_condition(viewer, "x.service_id", "x.team_id")
    if viewer is not None and viewer.role == "head_of_service":
        cases = f"({cases} OR x.head_service_id = $viewer_scope)"
    frame = store.query(
        f"""
        SELECT x.head_of_service, hs.name AS head_service, x.case_ref, s.name AS service, t.name AS team,
               x.seed, x.selected_at,
               (SELECT arg_min(a.audit_id, a.audit_date) FROM audit a
                WHERE a.case_ref = x.case_ref AND a.tier = 'tier2' AND a.audit_date >= x.month
                  AND a.audit_date < $stop) AS audit_id
        FROM tier2_allocation x
        LEFT JOIN service hs ON hs.service_id = x.head_service_id
        LEFT JOIN service s ON s.service_id = x.service_id LEFT JOIN team t ON t.team_id = x.team_id
        WHERE x.month = $m AND {cases}
        ORDER BY x.head_of_service, x.head_staff_id
        """,
        {"m": month, "stop": next_month(month), **params},
    )
    done = store.query(
        f"SELECT audit_id, audit_date, {_FINAL} AS grade FROM audit a WHERE list_contains($ids, audit_id)",
        {"ids": frame["audit_id"].dropna().tolist()},
    )
    frame = frame.merge(done, on="audit_id", how="left")
    frame["audited"] = frame["audit_id"].notna()
    frame["grade_name"] = frame["grade"].map(GRADES)
    return frame


def tier2_summary(store: Store, month: dt.date) -> dict[str, int]:
    """Heads of service allocated a case in ``month``, and how many of those cases were audited (aggregate)."""
    frame = tier2_allocations(store, month)
    given = frame["case_ref"].notna()
    return {"heads": len(frame), "allocated": int(given.sum()), "audited": int((frame["audited"] & given).sum())}


def escalation_roles(store: Store, audit_id: str) -> list[str]:
    """The roles an audit's final grade goes to (for the page's record form)."""
    found = store.query(
        "SELECT audit_id, overall_grade, moderated_grade, has_iro FROM audit WHERE audit_id = ? "
        "AND overall_grade IS NOT NULL",
        [audit_id],
    )
    return escalations(found)["notify_role"].tolist() if not found.empty else []


ESCALATION_ROLES = tuple(dict.fromkeys(r for roles in ESCALATION.values() for r in roles))
