"""Named, parameterised queries over the store that several views share. Aggregation happens
here, in DuckDB; the rules (percentages, intervals, RAG, SPC) are applied to the small frames
returned. A query only one view needs lives in that view (``qa_core.views``), run through the
same ``Store``; pages never run SQL.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pyarrow as pa

from qa_core.errors import QAError
from qa_core.roles import Viewer
from qa_core.rules.audits import GRADE_COLUMNS
from qa_core.rules.formatting import scale_sql
from qa_core.rules.periods import is_quarter, next_month
from qa_core.rules.rag import DEFAULT_MIN_DENOMINATOR
from qa_core.store import Store

__all__ = [
    "months", "latest_month", "latest_quarter", "quarters", "month_coverage",
    "services", "teams", "indicators", "audit_grade_counts", "AUDIT_GROUPINGS",
    "risk_register", "risk_register_all", "risk_matrix", "risk_matrices", "council_name", "indicator_series",
    "plan_rag_counts", "indicator_monthly", "indicator_monthly_all", "team_values", "latest_comparators",
    "commentary", "clinic_actions", "case_condition", "completion_roster", "completion_rosters", "AUDIT_STAFF_SQL",
    "as_queried", "indicator_series_all", "indicator_series_from", "team_values_all", "team_values_from",
    "clinic_actions_all", "clinic_actions_from",
    "TOOL_JOIN", "THEME_SQL",
]



def council_name(store: Store) -> str:
    return store.setting("council_name", "Council") or "Council"


def months(store: Store) -> list[dt.date]:
    """Months with any indicator value or audit, oldest first."""
    frame = store.query(
        "SELECT DISTINCT period AS m FROM indicator_value "
        "UNION SELECT DISTINCT date_trunc('month', audit_date)::DATE FROM audit ORDER BY 1"
    )
    return [pd.Timestamp(v).date() for v in frame["m"]]


def month_coverage(store: Store) -> pd.DataFrame:
    """Per month with any indicator value or audit, oldest first: ``values`` (indicator values
    held, one per measure and team) and ``audit_teams`` (teams with an audit dated in it): what
    ``qa_core.rules.completeness`` judges a month complete by."""
    return store.query(
        """
        WITH v AS (
            SELECT period AS month, count(*) FILTER (WHERE numerator IS NOT NULL OR denominator IS NOT NULL
                                                      OR value IS NOT NULL) AS n
            FROM indicator_value GROUP BY 1
        ), a AS (
            SELECT date_trunc('month', audit_date)::DATE AS month, count(DISTINCT team_id) AS n
            FROM audit GROUP BY 1
        )
        SELECT coalesce(v.month, a.month) AS month, coalesce(v.n, 0) AS "values",
               coalesce(a.n, 0) AS audit_teams
        FROM v FULL JOIN a ON v.month = a.month ORDER BY 1
        """)


def latest_month(store: Store) -> dt.date | None:
    found = months(store)
    return found[-1] if found else None


def quarters(store: Store) -> list[str]:
    return store.query("SELECT DISTINCT quarter FROM risk_review ORDER BY 1")["quarter"].tolist()


def latest_quarter(store: Store) -> str | None:
    """The latest reviewed quarter in the canonical form ('2025/26 Q3'; anything else is left out)."""
    found = [q for q in quarters(store) if is_quarter(q)]
    return found[-1] if found else None


def services(store: Store) -> pd.DataFrame:
    return store.query("SELECT * FROM service ORDER BY sort_order, name")


def teams(store: Store, service_id: str | None = None) -> pd.DataFrame:
    return store.query(
        "SELECT t.*, s.name AS service_name FROM team t JOIN service s USING (service_id) "
        "WHERE ? IS NULL OR t.service_id = ? ORDER BY s.sort_order, t.name",
        [service_id, service_id],
    )


def indicators(store: Store, service_id: str | None = None) -> pd.DataFrame:
    """The catalogue (of one service's core measures, or all), with each measure's
    ``min_denominator`` (the default where the store sets none)."""
    return store.query(
        "SELECT i.*, coalesce(r.min_denominator, ?) AS min_denominator FROM indicator i "
        "LEFT JOIN indicator_rating r USING (code) WHERE ? IS NULL OR EXISTS (SELECT 1 FROM indicator_service x "
        "WHERE x.code = i.code AND x.service_id = ?) ORDER BY sort_order, code",
        [float(DEFAULT_MIN_DENOMINATOR), service_id, service_id],
    )


def as_queried(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows picked from a larger read, with the column types a query returning just those rows gets.

    DuckDB hands pandas a text column with no value (no rows, or every row NULL) as ``object``
    holding None, not ``str``; and a nullable integer or boolean column as ``Int64``/``boolean``
    only while it holds a NULL. A pick (``*_from``) ends here so that it equals the query's frame.
    """
    fixed = {}
    for name, column in frame.items():
        if column.notna().all():
            if isinstance(column.dtype, pd.StringDtype) and len(column) == 0:
                fixed[name] = column.astype(object)
            elif isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and column.dtype.kind in ("i", "u", "b"):
                fixed[name] = column.astype(column.dtype.numpy_dtype)
        elif isinstance(column.dtype, pd.StringDtype) and column.isna().all():
            fixed[name] = pd.Series([None] * len(column), index=column.index, dtype=object)
    return frame.assign(**fixed) if fixed else frame


def case_condition(viewer: Viewer | None, service_col: str = "a.service_id",
                   team_col: str = "a.team_id") -> tuple[str, dict]:
    """The SQL condition (and its parameters) for rows whose case-level detail ``viewer`` may
    see. ``None`` is the assistant director (everything), so callers that pass no viewer, the
    tests and the command line's default, keep their old answers."""
    return ("TRUE", {}) if viewer is None else viewer.case_filter(service_col, team_col)


# -- audits ------------------------------------------------------------------------------
#: Groupings whose labels name people: only the audits whose detail the viewer sees count.
CASE_LEVEL_GROUPINGS = ("auditor",)
AUDIT_GROUPINGS = {
    # --by value: (SQL for the group label, SQL for its id, SQL for its sort order)
    None: ("'All'", "'all'", "0"),
    "service": ("s.name", "a.service_id", "s.sort_order"),
    "team": ("t.name", "a.team_id", "s.sort_order"),
    "auditor": ("a.auditor", "a.auditor", "0"),
    "tier": ("a.tier", "a.tier", "0"),
    "month": ("strftime(a.audit_date, '%Y-%m')", "strftime(a.audit_date, '%Y-%m')", "0"),
    "area": ("g.area", "g.area", "0"),
    "tool": ("coalesce(tt.name, a.tool, 'No tool recorded')", "coalesce(tt.tool_id, a.tool, '')",
             "coalesce(tt.sort_order, 999999)"),
    "theme": ("THEME", "THEME", "0"),
}
#: An audit ``a``'s tool on the list of audit tools (``tt``: by its id or name, any case), and the theme planned
#: for its month with that tool (``tp``: where the plan names exactly one).
TOOL_JOIN = """
        LEFT JOIN audit_tool tt ON lower(trim(a.tool)) IN (lower(tt.tool_id), lower(tt.name))
        LEFT JOIN (SELECT month, tool_id, any_value(theme) AS theme FROM audit_theme_plan WHERE tool_id IS NOT NULL
                   GROUP BY ALL HAVING count(*) = 1) tp
               ON tp.month = date_trunc('month', a.audit_date) AND tp.tool_id = tt.tool_id"""
#: A thematic audit's theme: as its file gave it, else the one planned for its month with its tool.
THEME_SQL = "coalesce(a.theme, CASE WHEN a.tier = 'thematic' THEN tp.theme END)"


def audit_grade_counts(
    store: Store,
    month: dt.date | None = None,
    by: str | None = None,
    grade: str = "final",
    service_id: str | None = None,
    end_month: dt.date | None = None,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """Counts of each grade per group, for one month (or ``month``..``end_month``).

    ``grade``: 'final' (moderated where moderated, else overall) or 'overall'. With
    ``by='area'`` the per-area grades are counted instead of the overall judgement.
    ``by='auditor'`` names people, so only the audits whose case-level detail ``viewer`` may
    see are counted (a head of service: their service's audits, by whoever audited them);
    every other grouping is an aggregate and counts every audit.
    """
    if by not in AUDIT_GROUPINGS:
        raise QAError(f"Cannot group audits by {by!r}: choose one of "
                      f"{', '.join(k for k in AUDIT_GROUPINGS if k)}.")
    if grade not in ("final", "overall"):
        raise QAError("grade must be 'final' or 'overall'.")
    label, key, order = (part.replace("THEME", THEME_SQL) for part in AUDIT_GROUPINGS[by])
    grade_sql = "g.grade" if by == "area" else (
        "coalesce(a.moderated_grade, a.overall_grade)" if grade == "final" else "a.overall_grade")
    join_area = "JOIN audit_area_grade g USING (audit_id)" if by == "area" else ""
    if by in ("tool", "theme"):
        join_area = TOOL_JOIN
    themed = f"{THEME_SQL} IS NOT NULL" if by == "theme" else "TRUE"
    cases, case_params = case_condition(viewer if by in CASE_LEVEL_GROUPINGS else None)
    start = month
    stop = next_month(end_month or month) if month else None
    counts = ", ".join(
        f"count(*) FILTER (WHERE {grade_sql} = {i}) AS {col}"
        for i, col in enumerate(GRADE_COLUMNS, start=1)
    )
    sql = f"""
        SELECT {label} AS "group", {key} AS group_id, {counts}
        FROM audit a
        JOIN team t ON t.team_id = a.team_id
        JOIN service s ON s.service_id = a.service_id
        {join_area}
        WHERE ($start IS NULL OR a.audit_date >= $start)
          AND ($stop IS NULL OR a.audit_date < $stop)
          AND ($service IS NULL OR a.service_id = $service)
          AND {cases} AND {themed}
        GROUP BY ALL
        ORDER BY min({order}), 1
    """
    frame = store.query(sql, {"start": start, "stop": stop, "service": service_id, **case_params})
    if by is None and frame.empty:
        frame = pd.DataFrame([{"group": "All", "group_id": "all", **dict.fromkeys(GRADE_COLUMNS, 0)}])
    for col in GRADE_COLUMNS:
        frame[col] = frame[col].astype("int64")
    return frame


# -- completion against expectation ------------------------------------------------------
#: Each audit in [$start, $stop) with the staff member it belongs to: the ``auditor_id`` the file
#: gave, else the one person of that name (any case) in post on the audit's day (none: NULL).
AUDIT_STAFF_SQL = """
    month_audits AS (
        SELECT a.audit_id, a.audit_date, a.service_id, a.auditor, a.auditor_id
        FROM audit a WHERE a.audit_date >= $start AND a.audit_date < $stop
    ), named AS (
        SELECT a.audit_id, any_value(p.staff_id) AS staff_id
        FROM month_audits a JOIN staff p ON lower(trim(p.name)) = lower(trim(a.auditor))
             AND (p.start_date IS NULL OR p.start_date <= a.audit_date)
             AND (p.end_date IS NULL OR p.end_date >= a.audit_date)
        WHERE a.auditor_id IS NULL
        GROUP BY a.audit_id HAVING count(*) = 1
    ), audit_staff AS (
        SELECT a.audit_id, a.audit_date, a.service_id, a.auditor, coalesce(a.auditor_id, n.staff_id) AS staff_id
        FROM month_audits a LEFT JOIN named n USING (audit_id)
    )"""


def completion_roster(store: Store, month: dt.date, service_id: str | None = None, team_id: str | None = None,
                      viewer: Viewer | None = None) -> pd.DataFrame:
    """One row per auditor whose role has an expectation rule in ``month`` and who was in post in it,
    with their rule, dates, exemption and their audits that month counted in SQL.

    Columns: ``staff_id, auditor`` (name), ``role, team_id, service_id`` (their own: the team's
    service for team staff), ``service, service_order, team, audits_per_month, outside_own_service,
    start_date, end_date, exempt, reason, approved_by, audits`` (all their audits that month) and
    ``counting`` (those the rule counts: all, or only those outside their own service). Whether
    they were expected at all (a part month, an exemption) is ``rules.expectations``'s to say.
    ``service_id`` / ``team_id`` keep the people of that service or team; ``viewer`` keeps the people
    whose case-level detail the viewer may see (None: everyone).
    """
    frame = completion_rosters(store, [month], service_id, team_id, viewer)
    return frame.drop(columns="month")


def completion_rosters(store: Store, months: list[dt.date], service_id: str | None = None,
                       team_id: str | None = None, viewer: Viewer | None = None) -> pd.DataFrame:
    """:func:`completion_roster` for several months in one pass over the store, with a ``month``
    column (the month's first day): what a quarter's or a year's completion needs, without a query a month."""
    firsts = sorted({m.replace(day=1) for m in months})
    cases, case_params = case_condition(viewer, "r.service_id", "r.team_id")
    if not firsts:
        raise QAError("A completion roster needs at least one month.")
    return store.query(
        f"""
        WITH {AUDIT_STAFF_SQL},
        months AS (SELECT unnest($months)::DATE AS month),
        roster AS (
            SELECT m.month, p.staff_id, p.name AS auditor, p.role, p.team_id,
                   coalesce(t.service_id, p.service_id) AS service_id,
                   e.audits_per_month, e.outside_own_service, p.start_date, p.end_date,
                   x.staff_id IS NOT NULL AS exempt, x.reason, x.approved_by
            FROM months m
            JOIN staff p ON p.auditor
                 AND (p.start_date IS NULL OR p.start_date < m.month + INTERVAL 1 MONTH)
                 AND (p.end_date IS NULL OR p.end_date >= m.month)
            JOIN audit_expectation_rule e ON e.role = p.role AND e.from_month <= m.month
                 AND (e.to_month IS NULL OR e.to_month >= m.month)
            LEFT JOIN team t ON t.team_id = p.team_id
            LEFT JOIN audit_exemption x ON x.staff_id = p.staff_id AND x.month = m.month
        ), staff_audits AS (
            SELECT date_trunc('month', audit_date)::DATE AS month, staff_id, audit_id, service_id
            FROM audit_staff
        )
        SELECT r.month, r.staff_id, r.auditor, r.role, r.team_id, r.service_id, s.name AS service,
               coalesce(s.sort_order, 999) AS service_order, t.name AS team,
               r.audits_per_month, r.outside_own_service, r.start_date, r.end_date,
               r.exempt, r.reason, r.approved_by,
               count(a.audit_id) AS audits,
               count(a.audit_id) FILTER (WHERE NOT r.outside_own_service
                   OR (r.service_id IS NOT NULL AND a.service_id <> r.service_id)) AS counting
        FROM roster r
        LEFT JOIN staff_audits a ON a.staff_id = r.staff_id AND a.month = r.month
        LEFT JOIN service s ON s.service_id = r.service_id
        LEFT JOIN team t ON t.team_id = r.team_id
        WHERE ($service IS NULL OR r.service_id = $service) AND ($team IS NULL OR r.team_id = $team)
          AND {cases}
        GROUP BY ALL
        ORDER BY r.month, service_order, r.service_id, r.team_id NULLS LAST, r.auditor, r.staff_id
        """,
        {"months": firsts, "start": firsts[0], "stop": next_month(firsts[-1]), "service": service_id,
         "team": team_id, **case_params},
    )


# -- indicators ------------------------------------------------------------------------
# A ratio measure's value from summed numerators and denominators (see rules/aggregate.py),
# scaled for its unit by the CASE rules/formatting.py writes.
VALUE_SQL = f"""CASE WHEN i.aggregation = 'sum' THEN sum(v.value)
    ELSE sum(v.numerator) / nullif(sum(v.denominator), 0)
         * {scale_sql("i.unit")} END"""


def indicator_series(store: Store, code: str, level: str = "la", org_id: str | None = None) -> pd.DataFrame:
    """Monthly numerator, denominator and value for the LA, a service or a team."""
    if level not in ("la", "service", "team"):
        raise QAError("level must be 'la', 'service' or 'team'.")
    where = {"la": "TRUE", "service": "t.service_id = $org", "team": "v.team_id = $org"}[level]
    return store.query(
        f"""
        SELECT v.period, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
               {VALUE_SQL} AS value
        FROM indicator_value v JOIN team t USING (team_id) JOIN indicator i USING (code)
        WHERE v.code = $code AND {where}
        GROUP BY v.period, i.aggregation, i.unit ORDER BY v.period
        """,
        {"code": code, "org": org_id} if level != "la" else {"code": code},
    )


def indicator_series_all(store: Store) -> pd.DataFrame:
    """:func:`indicator_series` at service level for every service (``service_id``) and measure
    (``code``), every month, in one query: what a page that moves between services picks from
    (:func:`indicator_series_from`)."""
    return store.query(
        f"""
        SELECT t.service_id, v.code, v.period, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
               {VALUE_SQL} AS value
        FROM indicator_value v JOIN team t USING (team_id) JOIN indicator i USING (code)
        GROUP BY t.service_id, v.code, v.period, i.aggregation, i.unit ORDER BY t.service_id, v.code, v.period
        """
    )


def indicator_series_from(series: pd.DataFrame, code: str, service_id: str) -> pd.DataFrame:
    """``indicator_series(store, code, "service", service_id)`` picked from :func:`indicator_series_all`."""
    picked = series[((series["service_id"] == service_id) & (series["code"] == code)).to_numpy(dtype=bool)]
    return as_queried(picked.drop(columns=["service_id", "code"]).reset_index(drop=True))


def indicator_monthly(
    store: Store, service_id: str | None = None, until: dt.date | None = None
) -> pd.DataFrame:
    """Every indicator's monthly council (or one service's) figures up to ``until``.

    Ratio measures are summed numerators over summed denominators, never averaged.
    """
    return store.query(
        f"""
        SELECT v.code, v.period, sum(v.numerator) AS numerator,
               sum(v.denominator) AS denominator, {VALUE_SQL} AS value
        FROM indicator_value v JOIN team t USING (team_id) JOIN indicator i USING (code)
        WHERE ($until IS NULL OR v.period <= $until)
          AND ($service IS NULL OR (t.service_id = $service AND EXISTS (
               SELECT 1 FROM indicator_service x WHERE x.code = v.code AND x.service_id = $service)))
        GROUP BY v.code, v.period, i.aggregation, i.unit ORDER BY v.code, v.period
        """,
        {"until": until, "service": service_id},
    )


def indicator_monthly_all(store: Store) -> pd.DataFrame:
    """:func:`indicator_monthly` for the council (``service_id`` NULL) and for every service (its
    core measures), every month, in one query: what a page that moves between services picks from."""
    return store.query(
        f"""
        SELECT NULL::VARCHAR AS service_id, v.code, v.period, sum(v.numerator) AS numerator,
               sum(v.denominator) AS denominator, {VALUE_SQL} AS value
        FROM indicator_value v JOIN team t USING (team_id) JOIN indicator i USING (code)
        GROUP BY v.code, v.period, i.aggregation, i.unit
        UNION ALL
        SELECT t.service_id, v.code, v.period, sum(v.numerator) AS numerator,
               sum(v.denominator) AS denominator, {VALUE_SQL} AS value
        FROM indicator_value v JOIN team t USING (team_id) JOIN indicator i USING (code)
        JOIN indicator_service x ON x.code = v.code AND x.service_id = t.service_id
        GROUP BY t.service_id, v.code, v.period, i.aggregation, i.unit
        ORDER BY service_id NULLS FIRST, code, period
        """
    )


def team_values(store: Store, code: str, service_id: str, month: dt.date,
                viewer: Viewer | None = None) -> pd.DataFrame:
    """One measure's figures for each team of a service in one month. The team manager's name
    (``manager``) is None where ``viewer`` may not see that team's case-level detail."""
    cases, case_params = case_condition(viewer, "t.service_id", "t.team_id")
    return store.query(
        f"""
        SELECT t.team_id, t.name AS team, CASE WHEN {cases} THEN t.manager END AS manager,
               sum(v.numerator) AS numerator,
               sum(v.denominator) AS denominator, {VALUE_SQL} AS value
        FROM team t
        JOIN indicator_value v ON v.team_id = t.team_id AND v.code = $code AND v.period = $month
        JOIN indicator i ON i.code = v.code
        WHERE t.service_id = $service
        GROUP BY t.team_id, t.name, t.service_id, t.manager, i.aggregation, i.unit ORDER BY t.name
        """,
        {"code": code, "service": service_id, "month": month, **case_params},
    )


def team_values_all(store: Store) -> pd.DataFrame:
    """:func:`team_values` for every measure, month and team in one query, with ``service_id``,
    ``code``, ``period`` and every manager's name (none withheld): only :func:`team_values_from`,
    which withholds as :func:`team_values` does for its viewer, may hand it on.

    Read through Arrow, the month made a timestamp as ``Store.query`` makes it: the frame is the same,
    and 60,000 rows of five text columns (the large demo) come across in 50 ms, not 90 (issue 14)."""
    sql = f"""
        SELECT t.service_id, v.code, v.period, t.team_id, t.name AS team, t.manager,
               sum(v.numerator) AS numerator,
               sum(v.denominator) AS denominator, {VALUE_SQL} AS value
        FROM team t
        JOIN indicator_value v ON v.team_id = t.team_id
        JOIN indicator i ON i.code = v.code
        GROUP BY t.team_id, t.name, t.service_id, t.manager, v.code, v.period, i.aggregation, i.unit
        ORDER BY t.service_id, v.code, v.period, t.name
        """
    with store.cursor() as cur:
        try:
            table = cur.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise QAError(f"Query failed: {exc}") from None
    at = table.schema.get_field_index("period")
    return table.set_column(at, "period", table.column(at).cast(pa.timestamp("us"))).to_pandas()


def team_values_from(values: pd.DataFrame, code: str, service_id: str, month: dt.date,
                     viewer: Viewer | None = None) -> pd.DataFrame:
    """:func:`team_values` picked from :func:`team_values_all`: ``manager`` None where ``viewer``
    may not see the team's case-level detail (``Viewer.sees_cases``, the rule ``case_condition`` states in SQL)."""
    picked = values[((values["service_id"] == service_id) & (values["code"] == code)
                     & (values["period"] == pd.Timestamp(month))).to_numpy(dtype=bool)]
    if viewer is not None:
        shown = [viewer.sees_cases(s, t) for s, t in zip(picked["service_id"], picked["team_id"], strict=True)]
        picked = picked.assign(manager=picked["manager"].where(pd.Series(shown, index=picked.index, dtype=bool)))
    return as_queried(picked.drop(columns=["service_id", "code", "period"]).reset_index(drop=True))


def latest_comparators(store: Store) -> pd.DataFrame:
    """Per measure, the latest published statistical-neighbour median and England value."""
    return store.query(
        """
        WITH latest AS (SELECT code, max(period) AS period FROM comparator GROUP BY code)
        SELECT c.code, c.period AS comparator_year,
               max(value) FILTER (WHERE comparator = 'statistical_neighbours') AS sn_median,
               max(n_used) FILTER (WHERE comparator = 'statistical_neighbours') AS sn_count,
               max(value) FILTER (WHERE comparator = 'england') AS england
        FROM comparator c JOIN latest USING (code, period)
        GROUP BY c.code, c.period
        """
    )


def commentary(store: Store, code: str, level: str, org_id: str, month: dt.date) -> pd.DataFrame:
    return store.query(
        "SELECT text, author, updated_at FROM commentary WHERE code = ? AND period = ? "
        "AND org_level = ? AND org_id = ?", [code, month, level, org_id])


#: What a viewer without case-level rights sees in place of a person's name.
WITHHELD = "withheld"


def clinic_actions(store: Store, service_id: str, as_of: dt.date, viewer: Viewer | None = None) -> pd.DataFrame:
    """A service's clinic actions up to ``as_of``. Owners are staff names: ``owner`` is
    "withheld" unless ``viewer`` sees the service's case-level detail (clinic actions belong to
    the service, not a team, so a team manager never sees the owners)."""
    cases, case_params = case_condition(viewer, "a.service_id", "NULL")
    return store.query(
        f"SELECT a.* REPLACE (CASE WHEN {cases} THEN a.owner ELSE '{WITHHELD}' END AS owner), "
        "i.name AS measure FROM clinic_action a LEFT JOIN indicator i USING (code) "
        "WHERE a.service_id = $service AND a.clinic_month <= $as_of ORDER BY a.clinic_month DESC, a.action_id",
        {"service": service_id, "as_of": as_of, **case_params})


def clinic_actions_all(store: Store) -> pd.DataFrame:
    """Every service's clinic actions, as :func:`clinic_actions` orders them, with every owner's
    name (none withheld): only :func:`clinic_actions_from`, which withholds as
    :func:`clinic_actions` does for its viewer, may hand it on."""
    return store.query(
        "SELECT a.*, i.name AS measure FROM clinic_action a LEFT JOIN indicator i USING (code) "
        "ORDER BY a.clinic_month DESC, a.action_id")


def clinic_actions_from(actions: pd.DataFrame, service_id: str, as_of: dt.date,
                        viewer: Viewer | None = None) -> pd.DataFrame:
    """:func:`clinic_actions` picked from :func:`clinic_actions_all`: ``owner`` "withheld" unless
    ``viewer`` sees the service's case-level detail (a service's, not a team's: ``sees_cases(service_id)``)."""
    picked = actions[((actions["service_id"] == service_id)
                      & (actions["clinic_month"] <= pd.Timestamp(as_of))).to_numpy(dtype=bool)]
    if viewer is not None and not viewer.sees_cases(service_id):
        picked = picked.assign(owner=WITHHELD)
    return as_queried(picked.reset_index(drop=True))


# -- improvement plan --------------------------------------------------------------------
def plan_rag_counts(store: Store, month: dt.date) -> pd.DataFrame:
    """Areas' current RAG for a month (latest rating on or before it) and the one before."""
    return store.query(
        """
        WITH ranked AS (
            SELECT area_id, month, rag,
                   row_number() OVER (PARTITION BY area_id ORDER BY month DESC) AS k
            FROM plan_area_rag WHERE month <= $m
        )
        SELECT p.area_id, p.name, p.lead,
               max(rag) FILTER (WHERE k = 1) AS current_rag,
               max(rag) FILTER (WHERE k = 2) AS previous_rag
        FROM plan_area p LEFT JOIN ranked r USING (area_id)
        GROUP BY ALL ORDER BY min(p.sort_order)
        """,
        {"m": month},
    )


# -- risk --------------------------------------------------------------------------------
def risk_matrices(store: Store) -> pd.DataFrame:
    return store.query("SELECT * FROM risk_matrix ORDER BY matrix_id")


def risk_matrix(store: Store, matrix_id: str) -> tuple[pd.Series, pd.DataFrame]:
    head = store.query("SELECT * FROM risk_matrix WHERE matrix_id = ?", [matrix_id])
    if head.empty:
        known = ", ".join(risk_matrices(store)["matrix_id"]) or "none"
        raise QAError(f"There is no risk matrix {matrix_id!r} (known: {known}).")
    cells = store.query(
        "SELECT impact, likelihood, score, band FROM risk_matrix_cell WHERE matrix_id = ? "
        "ORDER BY impact, likelihood", [matrix_id])
    return head.iloc[0], cells


_RISK_REGISTER_SQL = """
        WITH r AS (
            SELECT *, lag(residual_impact) OVER w AS prev_impact,
                      lag(residual_likelihood) OVER w AS prev_likelihood,
                      lag(quarter) OVER w AS prev_quarter
            FROM risk_review WINDOW w AS (PARTITION BY risk_ref ORDER BY quarter)
        )
        SELECT r.*, k.title, k.owner, k.service_id, s.name AS service_name
        FROM r JOIN risk k USING (risk_ref) LEFT JOIN service s USING (service_id)
        """


def risk_register(store: Store, quarter: str) -> pd.DataFrame:
    """Each risk's review for the quarter with its previous quarter's residual scores."""
    return store.query(_RISK_REGISTER_SQL + "WHERE r.quarter = ? ORDER BY r.risk_ref\n", [quarter])


def risk_register_all(store: Store) -> pd.DataFrame:
    """:func:`risk_register` for every quarter at once, by quarter then risk: a quarter's rows picked
    from it (``as_queried``) are that quarter's own read."""
    return store.query(_RISK_REGISTER_SQL + "ORDER BY r.quarter, r.risk_ref\n")
