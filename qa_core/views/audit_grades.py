"""The Audit grades page's numbers: one month (and a window of months before it) for the
council or one service, read by the QA lead, the AD and the improvement board.

Each function takes ``store, month, service_id=None`` (and, where a comparison needs more
audits than one month holds, ``window``: the number of months ending with ``month``),
counts in DuckDB, and applies the rules in ``qa_core.rules.audits`` and ``qa_core.rules.spc`` to the
small frames that come back. Nothing here imports Streamlit.

* ``monthly_grades``: grade counts each month, % inadequate with its Wilson interval and
  p-chart limits against the 10% target;
* ``funnel`` / ``funnel_limits``: services or teams against the target, with 95% and 99.8%
  limits around 10% (Wilson score limits, so "outside the 95% funnel" is exactly "Wilson 95%
  interval excludes 10%");
* ``area_drivers``: which audit areas are graded Inadequate or RI in Inadequate audits;
* ``audit_completion``: audits counted against expectation (the HoS rule applied);
* ``moderation`` / ``moderation_grid``: agreement, shift and the 4x4 matrix;
* ``overdue_actions`` and ``escalations_due``: the case-level lists the QA lead acts on
  (the only frames here that carry ``case_ref``); ``overdue_count`` counts the first.

Who sees what (``qa_core.roles``): the functions that return case references or people's
names take ``viewer`` (None is the assistant director) and select, in SQL, only the rows whose
case-level detail the viewer may see: ``overdue_actions``, ``escalations_due`` and
``audit_completion(by='auditor')`` (a manager's row is case-level: their name and their own
audits). Everything else is an aggregate every role that opens the page sees; a viewer sees
the managers they may not name only in ``audit_completion(by='team')``, one row per team.
"""

from __future__ import annotations

import datetime as dt
from statistics import NormalDist

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.roles import Viewer, restrict
from qa_core.rules.audits import (
    ASSESS_NO_AUDITS,
    GRADE_COLUMNS,
    GRADES,
    INADEQUATE,
    INADEQUATE_TARGET_PCT,
    Z_95,
    completion,
    escalations,
    grade_summary,
    moderation_matrix,
    moderation_summary,
    wilson_interval,
)
from qa_core.rules.expectations import STAFF_ROLE_LABELS, expected_audits, month_note
from qa_core.rules.periods import first_of, month_end, next_month, window_start
from qa_core.rules.spc import assurance_icon, p_chart, variation_icon
from qa_core.store import Store, queries

__all__ = [
    "AUDIT_REPORT_COLUMNS", "COMPLETION_GROUPINGS", "COMPLETION_REPORT_COLUMNS", "completion_report",
    "DEFAULT_WINDOW", "ESCALATION_NOTE", "WINDOWS", "Z_998", "area_drivers",
    "audit_completion", "expectation_rules",
    "escalations_due", "funnel", "funnel_limits", "funnel_position", "monthly_grades", "moderation",
    "moderation_grid", "overdue_actions", "overdue_count", "trend_icons", "grade_counts_by_month",
    "completion_rosters", "completion_totals", "completion_total_from", "moderation_audits", "audit_actions",
    "area_counts",
    "audits_report", "audits_report_from", "report_counts",
]

#: Windows (months ending with the selected month) offered for comparisons.
WINDOWS = (1, 3, 6, 12)
DEFAULT_WINDOW = 12
#: Φ⁻¹(0.999): the two-sided 99.8% limit (the funnel's outer "3 sigma" line).
Z_998 = NormalDist().inv_cdf(0.999)
COMPLETION_GROUPINGS = ("auditor", "team", "service", "all")
#: The first columns of ``python -m qa_core report completion``.
COMPLETION_REPORT_COLUMNS = ["group", "expected", "done", "exempt", "shortfall", "pct_complete"]
#: What ``report audits`` says instead of a verdict where it makes none.
NOT_JUDGED_AUDITOR = "not judged: one auditor's audits are too few to judge against the target"
NOT_JUDGED_YES_NO = "not judged: a yes/no tool reports compliance, not grades"
#: The columns ``report audits --by tool|theme`` adds after :data:`AUDIT_REPORT_COLUMNS`.
AUDIT_PROGRAMME_COLUMNS = ["audits", "grading", "answered", "yes", "pct_yes", "yes_ci_low", "yes_ci_high"]
#: The columns of ``python -m qa_core report audits``.
AUDIT_REPORT_COLUMNS = [
    "group", *GRADE_COLUMNS, "total", "pct_inadequate", "ci_low", "ci_high",
    "pct_good_or_better", "meets_target", "assessment",
]

_PCT = 100.0
_FINAL = "coalesce(a.moderated_grade, a.overall_grade)"


# ------------------------------------------------------------------------------------------
# Grades by month, with the p-chart
# ------------------------------------------------------------------------------------------


def grade_counts_by_month(store: Store) -> pd.DataFrame:
    """Final-grade counts of every month, service and team (``group`` "2026-10", ``service_id``,
    ``team_id``, the grade columns), read once: ``monthly_grades`` and ``funnel`` pick from them."""
    counts = ", ".join(f"count(*) FILTER (WHERE {_FINAL} = {i}) AS {col}"
                       for i, col in enumerate(GRADE_COLUMNS, start=1))
    frame = store.query(
        f"""SELECT strftime(a.audit_date, '%Y-%m') AS "group", a.service_id, a.team_id, {counts}
        FROM audit a
        JOIN team t ON t.team_id = a.team_id
        JOIN service s ON s.service_id = a.service_id
        GROUP BY ALL ORDER BY ALL""")
    for col in GRADE_COLUMNS:
        frame[col] = frame[col].astype("int64")
    return frame


def monthly_grades(store: Store, month: dt.date, service_id: str | None = None,
                   months: list[dt.date] | None = None, counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per month from the store's first month to ``month``: grade counts, % inadequate
    with its Wilson 95% interval, % good or better, the target verdict, and p-chart columns
    (``p_mean``, ``p_ucl``, ``p_lcl``, ``p_upper_2s``, ``p_lower_2s`` in %; ``special_cause``).

    Grades are final grades (moderated where moderated). A month with no audits is a row of
    zeros (``assessment`` "no audits") and a missing point on the p-chart; limits need 12
    months with audits (``qa_core.rules.spc``). ``months``: the store's months if the caller has
    them already (``queries.months``), to save a query. ``counts``: ``grade_counts_by_month``
    already read (with ``months`` too, nothing is read here).
    """
    month = first_of(month)
    grid = [m for m in (queries.months(store) if months is None else months) if m <= month] or [month]
    keys = [m.strftime("%Y-%m") for m in grid]
    if counts is None:
        counts = queries.audit_grade_counts(store, month=grid[0], end_month=month, by="month",
                                            service_id=service_id).drop(columns="group_id")
        frame = pd.DataFrame({"group": keys}).merge(counts, on="group", how="left")
        for col in GRADE_COLUMNS:
            frame[col] = frame[col].fillna(0).astype("int64")
    else:
        frame = _summed_by_month(counts, keys, service_id)
    out = grade_summary(frame)
    records = p_chart(out["inadequate"].tolist(), out["total"].tolist(), improvement="down",
                      target=INADEQUATE_TARGET_PCT / _PCT)
    # One frame built from its columns, not a column set at a time (each set copies the frame's blocks).
    columns = {"month": np.array([f"{key}-01" for key in keys], dtype="datetime64[us]")}
    columns.update((name, out[name].array) for name in out.columns)
    for src, dst in (("mean", "p_mean"), ("ucl", "p_ucl"), ("lcl", "p_lcl"),
                     ("upper_2s", "p_upper_2s"), ("lower_2s", "p_lower_2s")):
        columns[dst] = np.array([r[src] for r in records], dtype="float64") * _PCT  # None: NaN
    columns["special_cause"] = pd.Series([r["special_cause"] for r in records], index=out.index, dtype=object)
    return pd.DataFrame(columns, index=out.index)


def _summed_by_month(counts: pd.DataFrame, keys: list[str], service_id: str | None) -> pd.DataFrame:
    """``grade_counts_by_month`` rows (of ``service_id``; None: all) summed into the months ``keys``
    ("2026-10"), a month with none a row of zeros: the query's ``group`` and grade columns."""
    codes, groups = pd.factorize(counts["group"])  # a month's text matched once, not once a row
    at = np.append(pd.Index(keys).get_indexer(groups), -1)[codes]  # -1: outside the grid (or no month)
    if service_id is not None:
        at = np.where((counts["service_id"] == service_id).to_numpy(dtype=bool), at, -1)
    kept = at >= 0
    summed = np.zeros((len(keys), len(GRADE_COLUMNS)), dtype="int64")
    grades = np.column_stack([counts[col].to_numpy(dtype="int64") for col in GRADE_COLUMNS])
    np.add.at(summed, at[kept], grades[kept])
    return pd.DataFrame({"group": keys, **{col: summed[:, i] for i, col in enumerate(GRADE_COLUMNS)}})


def trend_icons(monthly: pd.DataFrame) -> dict[str, dict[str, str] | None]:
    """The variation and assurance icons for ``monthly_grades`` output (latest month with audits).

    Returns ``{"variation": ..., "assurance": ...}`` as ``qa_core.rules.spc`` gives them (None when
    there are fewer than 12 months with audits).
    """
    records = p_chart(monthly["inadequate"].tolist(), monthly["total"].tolist(), improvement="down",
                      target=INADEQUATE_TARGET_PCT / _PCT)
    return {"variation": variation_icon(records),
            "assurance": assurance_icon(records, "down", INADEQUATE_TARGET_PCT / _PCT)}


# ------------------------------------------------------------------------------------------
# Funnel plot: services or teams against the 10% target
# ------------------------------------------------------------------------------------------


def funnel_limits(n: object, target_pct: float = INADEQUATE_TARGET_PCT) -> pd.DataFrame:
    """95% and 99.8% funnel limits (in %) around ``target_pct`` for each number of audits ``n``.

    Wilson score limits: target ± z·√(p₀(1−p₀)/n), clipped to 0-100. They are the inversion of
    the Wilson interval, so a point lies beyond the 95% limit exactly when its Wilson 95%
    interval excludes the target (``grade_summary``'s "significant" verdicts).

    Worked example, n = 36 at 10%: √(0.1·0.9/36) = 0.05; 95% limits 10 ± 1.96·5 = 0.20 to
    19.80; 99.8% limits 10 ± 3.09·5 = 0 (clipped from −5.45) to 25.45.
    """
    counts = np.atleast_1d(np.asarray(n, dtype="float64"))
    if (counts < 0).any() or not np.isfinite(counts).all():
        raise QAError("The numbers of audits must be finite and not negative.")
    if not 0 < target_pct < _PCT:
        raise QAError(f"The target must be between 0 and 100%, not {target_pct!r}.")
    p0 = target_pct / _PCT
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.where(counts > 0, np.sqrt(p0 * (1 - p0) / counts), np.nan)
    out = pd.DataFrame({"n": counts})
    for z, name in ((Z_95, "95"), (Z_998, "998")):
        out[f"lower_{name}"] = np.clip(p0 - z * se, 0.0, 1.0) * _PCT
        out[f"upper_{name}"] = np.clip(p0 + z * se, 0.0, 1.0) * _PCT
    return out


def funnel_position(pct: pd.Series, limits: pd.DataFrame, total: pd.Series) -> pd.Series:
    """Where each point sits in the funnel, in words (above/below the 95% or 99.8% limit)."""
    pct = pd.to_numeric(pct, errors="coerce").to_numpy(dtype="float64")
    total = np.asarray(total, dtype="float64")
    choices = np.select(
        [total <= 0,
         pct > limits["upper_998"].to_numpy(), pct > limits["upper_95"].to_numpy(),
         pct < limits["lower_998"].to_numpy(), pct < limits["lower_95"].to_numpy()],
        ["no audits", "above the 99.8% limit", "above the 95% limit", "below the 99.8% limit",
         "below the 95% limit"],
        default="within the limits",
    )
    return pd.Series(choices, index=limits.index, dtype="str")


def funnel(store: Store, month: dt.date, service_id: str | None = None, window: int = DEFAULT_WINDOW,
           by: str | None = None, counts: pd.DataFrame | None = None,
           units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each service (or team) over the ``window`` months to ``month``: final-grade counts,
    % inadequate with its Wilson 95% interval and verdict, the funnel limits at its number of
    audits, and its position in the funnel.

    ``by``: 'service' or 'team'; default services for the council, teams for one service.
    Every service/team is a row, in the organisation's order (never ranked by %); one with no
    audits in the window has ``total`` 0 and ``assessment`` "no audits".

    Read once instead (nothing is read here): ``counts``, ``grade_counts_by_month``; ``units``,
    ``queries.services`` (by service) or ``queries.teams`` of every service (by team).
    """
    by = by or ("service" if service_id is None else "team")
    if by not in ("service", "team"):
        raise QAError(f"The funnel compares services or teams, not {by!r}.")
    month = first_of(month)
    start = window_start(month, window)
    key = "service_id" if by == "service" else "team_id"
    if counts is None:
        counts = queries.audit_grade_counts(store, month=start, end_month=month, by=by, service_id=service_id)
        counts = counts.drop(columns="group").rename(columns={"group_id": "unit_id"})
    else:
        keep = ((counts["group"] >= start.strftime("%Y-%m")) & (counts["group"] <= month.strftime("%Y-%m"))
                ).to_numpy(dtype=bool)
        if service_id is not None:
            keep = keep & (counts["service_id"] == service_id).to_numpy(dtype=bool)
        counts = queries.as_queried(counts[keep].groupby(key, sort=False)[list(GRADE_COLUMNS)].sum().reset_index()
                          .rename(columns={key: "unit_id"}))
    if units is None:
        units = queries.services(store) if by == "service" else queries.teams(store, service_id)
    elif service_id is not None and by == "team":  # as queries.teams(store, service_id) reads them
        units = units[(units["service_id"] == service_id).to_numpy(dtype=bool)].reset_index(drop=True)
        units = queries.as_queried(units)
    if by == "service":
        if service_id is not None:
            units = units[units["service_id"] == service_id]
        units = pd.DataFrame({"unit_id": units["service_id"], "name": units["name"],
                              "service_id": units["service_id"], "service": units["name"]})
    else:
        units = pd.DataFrame({"unit_id": units["team_id"], "name": units["name"],
                              "service_id": units["service_id"], "service": units["service_name"]})
    frame = units.reset_index(drop=True).merge(counts, on="unit_id", how="left")
    for col in GRADE_COLUMNS:
        frame[col] = frame[col].fillna(0).astype("int64")
    out = grade_summary(frame)
    limits = funnel_limits(out["total"])
    for col in ("lower_95", "upper_95", "lower_998", "upper_998"):
        out[col] = limits[col].to_numpy()
    out["position"] = funnel_position(out["pct_inadequate"], limits, out["total"]).to_numpy()
    out["window_start"] = start
    out["window_end"] = month_end(month)
    return out


# ------------------------------------------------------------------------------------------
# Areas behind Inadequate grades
# ------------------------------------------------------------------------------------------


_AREA_COUNTS = ["inadequate_audits", "area_inadequate", "area_ri", "all_audits", "all_inadequate", "all_weak"]


def area_counts(store: Store) -> pd.DataFrame:
    """Area-grade counts of every month, service and area (``group`` "2026-10", ``service_id``, ``area``,
    the counts ``area_drivers`` sums over a window), read once; a row without ``area`` holds the month's
    Inadequate audits (``inadequate_total``), which thematic audits count in without grading areas."""
    return store.query(
        f"""
        WITH a AS (
            SELECT a.audit_id, strftime(a.audit_date, '%Y-%m') AS "group", a.service_id, {_FINAL} AS final
            FROM audit a
        )
        SELECT a."group", a.service_id, g.area,
               count(*) FILTER (WHERE a.final = 4) AS inadequate_audits,
               count(*) FILTER (WHERE a.final = 4 AND g.grade = 4) AS area_inadequate,
               count(*) FILTER (WHERE a.final = 4 AND g.grade = 3) AS area_ri,
               count(*) AS all_audits,
               count(*) FILTER (WHERE g.grade = 4) AS all_inadequate,
               count(*) FILTER (WHERE g.grade >= 3) AS all_weak,
               0::BIGINT AS inadequate_total
        FROM a JOIN audit_area_grade g USING (audit_id)
        GROUP BY ALL
        UNION ALL
        SELECT "group", service_id, NULL, 0, 0, 0, 0, 0, 0, count(*) FILTER (WHERE final = 4)
        FROM a GROUP BY ALL
        ORDER BY ALL
        """)


def _area_sums(areas: pd.DataFrame, start: dt.date, month: dt.date, service_id: str | None) -> pd.DataFrame:
    """``area_drivers``'s query, summed in pandas from ``area_counts`` over the window (same columns,
    same order of rows)."""
    keep = ((areas["group"] >= start.strftime("%Y-%m")) & (areas["group"] <= month.strftime("%Y-%m"))
            ).to_numpy(dtype=bool)
    if service_id is not None:
        keep = keep & (areas["service_id"] == service_id).to_numpy(dtype=bool)
    rows = areas[keep]
    named = rows["area"].notna().to_numpy(dtype=bool)
    frame = rows[named].groupby("area", sort=False)[_AREA_COUNTS].sum().astype("int64").reset_index()
    frame["area_weak"] = frame["area_inadequate"] + frame["area_ri"]
    inadequate = frame["inadequate_audits"].where(frame["inadequate_audits"] > 0)
    audited = frame["all_audits"].where(frame["all_audits"] > 0)
    frame["pct_area_inadequate"] = 100.0 * frame["area_inadequate"] / inadequate
    frame["pct_area_weak"] = 100.0 * frame["area_weak"] / inadequate
    frame["pct_all_inadequate"] = 100.0 * frame["all_inadequate"] / audited
    frame["pct_all_weak"] = 100.0 * frame["all_weak"] / audited
    frame["inadequate_total"] = int(rows.loc[~named, "inadequate_total"].sum())
    return queries.as_queried(frame.sort_values(["pct_area_inadequate", "pct_area_weak", "area"],
                                      ascending=[False, False, True], na_position="last", ignore_index=True))


def area_drivers(store: Store, month: dt.date, service_id: str | None = None,
                 window: int = DEFAULT_WINDOW, areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """For audits whose final grade is Inadequate in the window: how often each audit area was
    itself graded Inadequate, or Requires Improvement, with counts; and, for comparison, how
    often the area was graded Inadequate or RI across all audits with area grades.

    Columns: ``area``, ``inadequate_audits`` (Inadequate audits that graded this area),
    ``area_inadequate``, ``area_ri``, ``area_weak`` (= the two), ``pct_area_inadequate`` with
    ``ci_low``/``ci_high``, ``pct_area_weak`` with ``weak_ci_low``/``weak_ci_high`` (percentages
    computed in SQL from the counts; intervals Wilson 95%), ``all_audits``, ``all_inadequate``,
    ``pct_all_inadequate``, ``all_weak``, ``pct_all_weak`` and ``inadequate_total``
    (all Inadequate audits in the window, including those with no area grades: thematic
    audits do not grade areas). Ordered by ``pct_area_inadequate`` (highest first), then
    ``pct_area_weak``, then area: areas, not teams, so the order is the finding. ``areas``:
    ``area_counts`` already read (then nothing is read here).
    """
    month = first_of(month)
    start = window_start(month, window)
    frame = _area_sums(areas, start, month, service_id) if areas is not None else store.query(
        f"""
        WITH a AS (
            SELECT a.audit_id, {_FINAL} AS final
            FROM audit a
            WHERE a.audit_date >= $start AND a.audit_date < $stop
              AND ($service IS NULL OR a.service_id = $service)
        ), counted AS (
            SELECT g.area,
                   count(*) FILTER (WHERE a.final = 4) AS inadequate_audits,
                   count(*) FILTER (WHERE a.final = 4 AND g.grade = 4) AS area_inadequate,
                   count(*) FILTER (WHERE a.final = 4 AND g.grade = 3) AS area_ri,
                   count(*) AS all_audits,
                   count(*) FILTER (WHERE g.grade = 4) AS all_inadequate,
                   count(*) FILTER (WHERE g.grade >= 3) AS all_weak
            FROM a JOIN audit_area_grade g USING (audit_id)
            GROUP BY g.area
        )
        SELECT area, inadequate_audits, area_inadequate, area_ri,
               area_inadequate + area_ri AS area_weak,
               100.0 * area_inadequate / nullif(inadequate_audits, 0) AS pct_area_inadequate,
               100.0 * (area_inadequate + area_ri) / nullif(inadequate_audits, 0) AS pct_area_weak,
               all_audits, all_inadequate,
               100.0 * all_inadequate / nullif(all_audits, 0) AS pct_all_inadequate,
               all_weak, 100.0 * all_weak / nullif(all_audits, 0) AS pct_all_weak,
               (SELECT count(*) FROM a WHERE final = 4) AS inadequate_total
        FROM counted
        ORDER BY pct_area_inadequate DESC NULLS LAST, pct_area_weak DESC NULLS LAST, area
        """,
        {"start": start, "stop": next_month(month), "service": service_id},
    )
    for col in ("inadequate_audits", "area_inadequate", "area_ri", "area_weak", "all_audits", "all_inadequate",
                "all_weak", "inadequate_total"):
        frame[col] = frame[col].astype("int64")
    for k_col, low, high in (("area_inadequate", "ci_low", "ci_high"), ("area_weak", "weak_ci_low", "weak_ci_high")):
        bounds = [wilson_interval(int(k), int(n)) for k, n in
                  zip(frame[k_col], frame["inadequate_audits"], strict=True)]  # one per area (8)
        frame[low] = [np.nan if lo is None else lo * _PCT for lo, _ in bounds]
        frame[high] = [np.nan if hi is None else hi * _PCT for _, hi in bounds]
    cols = ["area", "inadequate_audits", "area_inadequate", "area_ri", "area_weak", "pct_area_inadequate",
            "ci_low", "ci_high", "pct_area_weak", "weak_ci_low", "weak_ci_high", "all_audits", "all_inadequate",
            "pct_all_inadequate", "all_weak", "pct_all_weak", "inadequate_total"]
    return frame[cols].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# Completion against expectation
# ------------------------------------------------------------------------------------------


def completion_rosters(store: Store, months: list[dt.date]) -> pd.DataFrame:
    """Every auditor's roster of each of ``months`` (every service, every viewer's), read once:
    ``audit_completion`` picks a month, service and viewer from it."""
    return queries.completion_rosters(store, months)


def audit_completion(store: Store, month: dt.date, service_id: str | None = None,
                     by: str = "auditor", viewer: Viewer | None = None,
                     rosters: pd.DataFrame | None = None) -> pd.DataFrame:
    """Audits counted against expectation in ``month``, per auditor, team, service or overall.

    Computed from the organisation held in the store: the staff list (auditors, their role, team,
    service and dates in post), the expectation rules per role and the exemptions
    (``queries.completion_roster``, then ``rules.expectations.expected_audits``): a person is
    expected their role's number only for a month they were in post throughout and not exempt;
    with their rule's ``outside_own_service`` only audits outside their own service count (the
    others are ``not_counted``). ``completion`` sums each person's shortfall before grouping. With a
    service, the auditors whose own service it is.

    ``by``: 'auditor' (one row each, with role, service, team), 'team' (people by their own team,
    plus one row per role for those without a team, e.g. "Head of Service audits (outside own
    service)"), 'service' (the auditors of each service) or 'all' (one row). Columns end with
    ``expected``, ``done`` (counted), ``not_counted``, ``pct_complete``, ``shortfall``, ``met``,
    then ``exempt`` (people exempt that month) and ``part_month`` (people in post only part of it);
    per auditor also ``staff_id`` and ``note`` (why a month counts as it does, in words).

    ``viewer``: with ``by='auditor'`` only the people whose case-level detail the viewer may
    see (by their own service and team: a head of service sees their service's managers and
    themself, a team manager themself); the others count only in the grouped rows.

    ``rosters``: ``completion_rosters`` of months that include ``month``, already read: the roster is
    picked from it (the viewer's people by ``roles.restrict``, as the store selects them) and
    nothing is read here.
    """
    if by not in COMPLETION_GROUPINGS:
        raise QAError(f"Completion is grouped by {', '.join(COMPLETION_GROUPINGS)}, not {by!r}.")
    month = first_of(month)
    who = viewer if by == "auditor" else None
    if rosters is None:
        roster = queries.completion_roster(store, month, service_id, viewer=who)
    else:
        keep = (rosters["month"] == pd.Timestamp(month)).to_numpy(dtype=bool)
        if service_id is not None:
            keep = keep & (rosters["service_id"] == service_id).to_numpy(dtype=bool)
        roster = rosters[keep]
        if who is not None:
            roster = restrict(roster, who, "service_id", "team_id")
        roster = queries.as_queried(roster.drop(columns="month").reset_index(drop=True))
    roster = _counted(roster, month)
    no_team = roster["team_id"].isna()

    group = {
        "auditor": None,
        "team": ["unit_order", "service_order", "service", "unit"],
        "service": ["service_order", "service"],
        "all": ["scope"],
    }[by]
    if by == "team" and service_id is None:
        # Council-wide, the people without a team (heads of service) form one row per role, not one per service.
        roster.loc[no_team, ["service_order", "service"]] = [999, "All services"]
    # ``completion`` keys people on ``auditor``: the staff id here (two people may share a name).
    expected = roster.rename(columns={"auditor": "name"}).rename(columns={"staff_id": "auditor"})
    per = completion(expected[["auditor", "month", "done"]], expected.drop(columns=["done"]), by=group)
    extras = ["not_counted", "exempt", "part_month"]
    if group is None:
        per = per.rename(columns={"auditor": "staff_id", "name": "auditor"})
        for col in extras:
            per[col] = per[col].fillna(0).astype("int64")
        per["note"] = [month_note(r, month) for _, r in per.iterrows()]
        per = per.sort_values(["unit_order", "service_order", "unit", "auditor", "staff_id"], ignore_index=True)
        cols = ["auditor", "role", "service", "unit", "expected", "done", "not_counted", "pct_complete",
                "shortfall", "met", "exempt", "part_month", "staff_id", "note"]
        return per[cols]
    sums = roster.assign(**{c: roster[c].astype("int64") for c in extras}).groupby(
        group, dropna=False, sort=True)[extras].sum().reset_index()
    per = per.merge(sums, on=group, how="left")
    for col in extras:
        per[col] = per[col].fillna(0).astype("int64")
    keep = [c for c in group if not c.endswith("_order")]
    return per[keep + ["expected", "done", "not_counted", "pct_complete", "shortfall", "met", "exempt",
                       "part_month"]].reset_index(drop=True)


def _counted(roster: pd.DataFrame, month: dt.date | None) -> pd.DataFrame:
    """A roster (``queries.completion_roster``) with each person's ``expected``, ``done`` (counted),
    ``not_counted``, ``exempt`` and ``part_month``, and the labels ``audit_completion`` groups by
    (``role`` in words, ``unit``, ``unit_order``, ``service``, ``scope``). ``month`` None: a roster of
    several months, each row's own ``month`` (``rules.expectations.expected_audits``)."""
    roster = expected_audits(roster, month)
    applies = (roster["whole_month"] & ~roster["exempt"].astype(bool)).to_numpy(dtype=bool)
    roster["done"] = np.where(applies, roster["counting"].astype("int64"), 0).astype("int64")
    roster["not_counted"] = (roster["audits"].astype("int64") - roster["done"]).astype("int64")
    roster["own_service_known"] = roster["service_id"].notna()
    roster["exempt"] = roster["exempt"].astype(bool)
    if month is not None:
        roster["month"] = pd.Timestamp(month)
    no_team = roster["team_id"].isna()
    label = roster["role"].map(STAFF_ROLE_LABELS).fillna(roster["role"])
    roster["role"] = label
    without = np.where(roster["outside_own_service"].astype(bool), label + " audits (outside own service)",
                       label + " audits (no team)")
    roster["unit"] = roster["team"].where(~no_team, pd.Series(without, index=roster.index)).fillna("No team recorded")
    roster["unit_order"] = np.where(no_team, 1, 0)
    roster["service"] = roster["service"].fillna("No service recorded")
    roster["scope"] = "All"
    return roster


_TOTAL_COLUMNS = ["scope", "expected", "done", "not_counted", "pct_complete", "shortfall", "met", "exempt",
                  "part_month"]


def completion_totals(rosters: pd.DataFrame) -> pd.DataFrame:
    """``audit_completion(by='all')`` of every month in ``rosters`` (``completion_rosters``), for the council
    (``level`` "council") and for each service (``level`` "service", its ``service_id``), worked out in one
    pass with the same rules (``expected_audits`` over the months, ``completion`` grouped by month), so a
    change of month or service only picks a row (:func:`completion_total_from`)."""
    roster = _counted(rosters.reset_index(drop=True), None)
    expected = roster.rename(columns={"auditor": "name"}).rename(columns={"staff_id": "auditor"})
    extras = ["not_counted", "exempt", "part_month"]
    counted = roster.assign(**{c: roster[c].astype("int64") for c in extras})
    levels = []
    for level, group in (("council", ["month", "scope"]), ("service", ["month", "service_id", "scope"])):
        per = completion(expected[["auditor", "month", "done"]], expected.drop(columns=["done"]), by=group)
        sums = counted.groupby(group, dropna=False, sort=True)[extras].sum().reset_index()
        per = per.merge(sums, on=group, how="left")
        for col in extras:
            per[col] = per[col].fillna(0).astype("int64")
        per["level"] = level
        levels.append(per[["level", "month", *(["service_id"] if level == "service" else []), *_TOTAL_COLUMNS]])
    return pd.concat(levels, ignore_index=True)


def completion_total_from(totals: pd.DataFrame, month: dt.date, service_id: str | None = None) -> pd.DataFrame | None:
    """``audit_completion(store, month, service_id, 'all')`` picked from :func:`completion_totals`: the same
    row; None where ``totals`` holds none (nobody with an expectation rule in post), for the caller to
    work out as ``audit_completion`` does."""
    keep = (totals["month"] == pd.Timestamp(first_of(month))).to_numpy(dtype=bool)
    if service_id is None:
        keep = keep & (totals["level"] == "council").to_numpy(dtype=bool)
    else:
        keep = keep & (totals["service_id"] == service_id).to_numpy(dtype=bool, na_value=False)
    found = np.flatnonzero(keep)
    if len(found) != 1:
        return None
    return totals.iloc[found, [totals.columns.get_loc(c) for c in _TOTAL_COLUMNS]].reset_index(drop=True)


def expectation_rules(store: Store, month: dt.date) -> pd.DataFrame:
    """The expectation rules in force in ``month``: ``role``, ``audits_per_month``, ``outside_own_service``
    (the page says them in words, ``rules.expectations.rules_in_words``)."""
    return store.query(
        "SELECT role, audits_per_month, outside_own_service FROM audit_expectation_rule "
        "WHERE from_month <= $m AND (to_month IS NULL OR to_month >= $m) ORDER BY audits_per_month DESC, role",
        {"m": first_of(month)})


def completion_report(store: Store, month: dt.date | None = None, by: str | None = None,
                      service_id: str | None = None, viewer: Viewer | None = None) -> pd.DataFrame:
    """``python -m qa_core report completion``: one row per group (``by`` 'auditor', 'team' or
    'service'; None: the council) with :data:`COMPLETION_REPORT_COLUMNS` first (``group``,
    ``expected``, ``done``, ``exempt``, ``shortfall``, ``pct_complete``), then ``not_counted``,
    ``part_month`` and ``met``; per auditor also ``staff_id``, ``role``, ``service``, ``unit`` and
    ``note``. Without ``month``, the latest month in the store."""
    if by not in (None, "auditor", "team", "service"):
        raise QAError(f"Completion is reported by auditor, team or service (or for the council), not by {by}.")
    month = month or queries.latest_month(store)
    if month is None:
        raise QAError("The store holds no audits or values yet, so there is no month to report.")
    frame = audit_completion(store, month, service_id, by=by or "all", viewer=viewer)
    label = {None: "scope", "auditor": "auditor", "team": "unit", "service": "service"}[by]
    out = frame.rename(columns={label: "group"})
    rest = [c for c in ("not_counted", "part_month", "met", "staff_id", "role", "service", "unit", "note")
            if c in out.columns and c != "group"]
    return out[[*COMPLETION_REPORT_COLUMNS, *rest]].reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# Moderation
# ------------------------------------------------------------------------------------------


_AUDIT_COLUMNS = ["audit_id", "overall_grade", "moderated_grade", "service_order", "service", "team"]


def moderation_audits(store: Store) -> pd.DataFrame:
    """Every audit with its date, service and grades: ``moderation`` and ``moderation_grid`` pick any
    month, window and service from it without a query."""
    return store.query(
        """
        SELECT a.audit_id, a.overall_grade, a.moderated_grade, s.sort_order AS service_order,
               s.name AS service, t.name AS team, a.audit_date, a.service_id
        FROM audit a
        JOIN team t ON t.team_id = a.team_id
        JOIN service s ON s.service_id = a.service_id
        ORDER BY a.audit_date, a.audit_id
        """)


def _window_rows(audits: pd.DataFrame, month: dt.date, service_id: str | None, window: int) -> np.ndarray:
    """Which ``moderation_audits`` rows are of the ``window`` months to ``month`` (and of ``service_id``)."""
    month = first_of(month)
    dates = audits["audit_date"]
    keep = ((dates >= pd.Timestamp(window_start(month, window))) & (dates < pd.Timestamp(next_month(month)))
            ).to_numpy(dtype=bool)
    if service_id is not None:
        keep = keep & (audits["service_id"] == service_id).to_numpy(dtype=bool)
    return keep


def _in_window(audits: pd.DataFrame, month: dt.date, service_id: str | None, window: int) -> pd.DataFrame:
    """``moderation_audits`` rows of the ``window`` months to ``month`` (and of ``service_id``)."""
    return audits[_window_rows(audits, month, service_id, window)]


def _moderation_overall(audits: pd.DataFrame, month: dt.date, service_id: str | None, window: int) -> pd.DataFrame:
    """``moderation(by=None)`` counted from ``moderation_audits`` with arrays: the query's counts and
    ``rules.audits.moderation_summary``'s (a moderated audit with both grades is a pair; agreed, up or
    down by the shift), and the same arithmetic on them, one row. The frame-by-frame way (a groupby and
    a merge for a single row) cost the page more than anything else it computed for the headline."""
    keep = _window_rows(audits, month, service_id, window)
    overall = audits["overall_grade"].to_numpy(dtype="float64", na_value=np.nan)[keep]
    moderated = audits["moderated_grade"].to_numpy(dtype="float64", na_value=np.nan)[keep]
    was_moderated = ~np.isnan(moderated)
    good = overall <= 2  # no grade (a yes/no tool): not good
    pair = was_moderated & ~np.isnan(overall)
    shift = (moderated[pair] - overall[pair]).astype("int64")
    n, n_moderated, n_good = len(overall), int(was_moderated.sum()), int(good.sum())
    good_moderated, pairs, agreed = int((was_moderated & good).sum()), len(shift), int((shift == 0).sum())
    low, high = wilson_interval(agreed, pairs)
    row = {
        "group": "All", "audits": n, "moderated": pairs,
        "pct_moderated": 100.0 * n_moderated / n if n else np.nan,
        "good_audits": n_good, "good_moderated": good_moderated,
        "pct_good_moderated": 100.0 * good_moderated / n_good if n_good else np.nan,
        "agreed": agreed, "pct_agreement": agreed * _PCT / pairs if pairs else np.nan,
        "agreement_ci_low": np.nan if low is None else low * _PCT,
        "agreement_ci_high": np.nan if high is None else high * _PCT,
        "upgraded": int((shift < 0).sum()), "downgraded": int((shift > 0).sum()),
        "mean_shift": int(shift.sum()) / pairs if pairs else np.nan,
    }
    return pd.DataFrame({name: np.array([value], dtype="int64" if isinstance(value, int) else "float64")
                         if name != "group" else [value] for name, value in row.items()})


def _moderated(store: Store, month: dt.date, service_id: str | None, window: int,
               audits: pd.DataFrame | None = None) -> pd.DataFrame:
    if audits is not None:
        rows = _in_window(audits, month, service_id, window)
        return queries.as_queried(rows.loc[rows["moderated_grade"].notna().to_numpy(dtype=bool), _AUDIT_COLUMNS]
                        .reset_index(drop=True))
    month = first_of(month)
    return store.query(
        """
        SELECT a.audit_id, a.overall_grade, a.moderated_grade, s.sort_order AS service_order,
               s.name AS service, t.name AS team
        FROM audit a
        JOIN team t ON t.team_id = a.team_id
        JOIN service s ON s.service_id = a.service_id
        WHERE a.moderated_grade IS NOT NULL
          AND a.audit_date >= $start AND a.audit_date < $stop
          AND ($service IS NULL OR a.service_id = $service)
        """,
        {"start": window_start(month, window), "stop": next_month(month), "service": service_id},
    )


def moderation(store: Store, month: dt.date, service_id: str | None = None, window: int = DEFAULT_WINDOW,
               by: str | None = None, audits: pd.DataFrame | None = None) -> pd.DataFrame:
    """Moderation over the window: how many audits were moderated (and how many of the Good or
    Outstanding ones, which need moderating to give assurance), agreement with its Wilson 95%
    interval, and the shift (upgraded = moderator's grade better, downgraded = worse).

    ``by``: None (one row, ``group`` "All"), 'service' or 'team'. Every group with audits in
    the window is a row (``moderated`` 0 where none were moderated). ``audits``: ``moderation_audits``
    already read (then nothing is read here).
    """
    if by not in (None, "service", "team"):
        raise QAError(f"Moderation is grouped by service or team, not {by!r}.")
    month = first_of(month)
    if audits is not None and by is None:
        return _moderation_overall(audits, month, service_id, window)
    keys = {None: ["group"], "service": ["service_order", "service"],
            "team": ["service_order", "service", "team"]}[by]
    select = {None: "'All' AS \"group\"", "service": "s.sort_order AS service_order, s.name AS service",
              "team": "s.sort_order AS service_order, s.name AS service, t.name AS team"}[by]
    if audits is not None:
        totals = _moderation_totals(_in_window(audits, month, service_id, window), keys)
    else:
        totals = store.query(
            f"""
            SELECT {select}, count(*) AS audits,
                   count(a.moderated_grade) AS moderated_audits,
                   100.0 * count(a.moderated_grade) / count(*) AS pct_moderated,
                   count(*) FILTER (WHERE a.overall_grade <= 2) AS good_audits,
                   count(a.moderated_grade) FILTER (WHERE a.overall_grade <= 2) AS good_moderated,
                   100.0 * count(a.moderated_grade) FILTER (WHERE a.overall_grade <= 2)
                         / nullif(count(*) FILTER (WHERE a.overall_grade <= 2), 0) AS pct_good_moderated
            FROM audit a
            JOIN team t ON t.team_id = a.team_id
            JOIN service s ON s.service_id = a.service_id
            WHERE a.audit_date >= $start AND a.audit_date < $stop
              AND ($service IS NULL OR a.service_id = $service)
            GROUP BY ALL
            """,
            {"start": window_start(month, window), "stop": next_month(month), "service": service_id},
        )
    rows = _moderated(store, month, service_id, window, audits)
    if by is None:
        summary = moderation_summary(rows)
        if totals.empty:
            totals = pd.DataFrame([{"group": "All", "audits": 0, "moderated_audits": 0, "pct_moderated": np.nan,
                                    "good_audits": 0, "good_moderated": 0, "pct_good_moderated": np.nan}])
    else:
        summary = moderation_summary(rows, by=keys)
    out = totals.merge(summary, on=keys, how="left")
    for col in ("audits", "moderated_audits", "good_audits", "good_moderated", "moderated", "agreed",
                "upgraded", "downgraded"):
        out[col] = out[col].fillna(0).astype("int64")
    bounds = [wilson_interval(int(k), int(n)) for k, n in zip(out["agreed"], out["moderated"], strict=True)]
    out["agreement_ci_low"] = [np.nan if lo is None else lo * _PCT for lo, _ in bounds]
    out["agreement_ci_high"] = [np.nan if hi is None else hi * _PCT for _, hi in bounds]
    out = out.sort_values(keys, ignore_index=True).drop(columns=["moderated_audits", "service_order"],
                                                        errors="ignore")
    lead = [k for k in keys if k != "service_order"]
    return out[lead + ["audits", "moderated", "pct_moderated", "good_audits", "good_moderated",
                       "pct_good_moderated", "agreed", "pct_agreement", "agreement_ci_low", "agreement_ci_high",
                       "upgraded", "downgraded", "mean_shift"]]


def _moderation_totals(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``moderation``'s query, counted in pandas from ``rows`` (``moderation_audits`` in the window):
    per group, audits, those moderated, the Good or better ones and those of them moderated."""
    moderated = rows["moderated_grade"].notna().to_numpy(dtype=bool)
    good = (rows["overall_grade"] <= 2).fillna(False).to_numpy(dtype=bool)  # no grade (yes/no tool): not good
    counted = pd.DataFrame({"audits": 1, "moderated_audits": moderated, "good_audits": good,
                            "good_moderated": moderated & good}, index=rows.index).astype("int64")
    if keys == ["group"]:
        counted.insert(0, "group", "All")
    else:
        for key in reversed(keys):
            counted.insert(0, key, rows[key])
    totals = counted.groupby(keys, sort=False, dropna=False).sum().reset_index()
    totals.insert(len(keys) + 2, "pct_moderated", 100.0 * totals["moderated_audits"] / totals["audits"])
    good_audits = totals["good_audits"].where(totals["good_audits"] > 0)
    totals["pct_good_moderated"] = 100.0 * totals["good_moderated"] / good_audits
    return queries.as_queried(totals)


def moderation_grid(store: Store, month: dt.date, service_id: str | None = None,
                    window: int = DEFAULT_WINDOW, audits: pd.DataFrame | None = None) -> pd.DataFrame:
    """The 4x4 matrix of auditor's grade (rows) by moderator's grade (columns) over the window
    (``audits`` as in ``moderation``)."""
    return moderation_matrix(_moderated(store, month, service_id, window, audits))


# ------------------------------------------------------------------------------------------
# Case-level lists: overdue actions and escalations
# ------------------------------------------------------------------------------------------


_OVERDUE = """
          x.due_date < $end
          AND (x.completed_date IS NULL OR x.completed_date > $end)
          AND ($service IS NULL OR a.service_id = $service)"""


def audit_actions(store: Store) -> pd.DataFrame:
    """Every audit action's due and completed dates and its audit's service: ``overdue_count``
    counts any month and service from them without a query."""
    return store.query("SELECT x.due_date, x.completed_date, a.service_id FROM audit_action x "
                       "JOIN audit a ON a.audit_id = x.audit_id")


def overdue_count(store: Store, month: dt.date, service_id: str | None = None,
                  actions: pd.DataFrame | None = None) -> int:
    """How many audit actions were overdue at the end of ``month`` (an aggregate: every role
    that opens the page sees it, whichever cases it may list). ``actions``: ``audit_actions``
    already read (then nothing is read here)."""
    if actions is not None:
        end = pd.Timestamp(month_end(first_of(month)))
        done = actions["completed_date"]
        overdue = (actions["due_date"] < end) & (done.isna() | (done > end))
        if service_id is not None:
            overdue &= actions["service_id"] == service_id
        return int(overdue.to_numpy(dtype=bool).sum())
    found = store.query(f"SELECT count(*) AS n FROM audit_action x JOIN audit a ON a.audit_id = x.audit_id "
                        f"WHERE {_OVERDUE}", {"end": month_end(first_of(month)), "service": service_id})
    return int(found["n"].iloc[0])


def overdue_actions(store: Store, month: dt.date, service_id: str | None = None,
                    viewer: Viewer | None = None) -> pd.DataFrame:
    """Audit actions due before the end of ``month`` and not completed by then, most overdue
    first, with ``days_overdue`` counted to the last day of the month. ``completed_date`` is
    set only where the action was done after the month ended. Only the actions on audits whose
    case-level detail ``viewer`` may see (None: all)."""
    month = first_of(month)
    cases, case_params = queries.case_condition(viewer)
    frame = store.query(
        f"""
        SELECT a.case_ref, x.action_id, x.audit_id, a.audit_date, s.name AS service, t.name AS team,
               {_FINAL} AS grade, x.description, x.owner, x.due_date, x.completed_date,
               date_diff('day', x.due_date, $end) AS days_overdue
        FROM audit_action x
        JOIN audit a ON a.audit_id = x.audit_id
        JOIN team t ON t.team_id = a.team_id
        JOIN service s ON s.service_id = a.service_id
        WHERE {_OVERDUE}
          AND {cases}
        ORDER BY days_overdue DESC, x.action_id
        """,
        {"end": month_end(month), "service": service_id, **case_params},
    )
    frame["days_overdue"] = frame["days_overdue"].astype("int64")
    frame.insert(frame.columns.get_loc("grade") + 1, "grade_name",
                 frame["grade"].map(GRADES).astype("str"))
    return frame


#: ``rules.audits.ESCALATION`` in a sentence, as the Audit grades page states it under the escalations
#: (tests/unit/test_audit_reports.py checks it names each grade's roles, in the framework's order).
ESCALATION_NOTE = ("Escalation (framework appendices 2A and 4): Inadequate: Head of Service and Assistant Director; "
                   "Requires Improvement: Head of Service, team manager and IRO/conference chair; Good: team "
                   "manager; Outstanding: team manager, Head of Service and Assistant Director. The final grade "
                   "(after moderation) decides. The IRO or conference chair is told \"where relevant\": only where "
                   "the audit records that the case has one.")


def escalations_due(store: Store, month: dt.date, service_id: str | None = None,
                    grades: tuple[int, ...] = (INADEQUATE,), viewer: Viewer | None = None) -> pd.DataFrame:
    """Audits completed in ``month`` whose final grade is in ``grades`` (default Inadequate),
    one row each, with who must be told (``escalations``: Inadequate → Head of Service and
    Assistant Director), naming the audited service's Head of Service and the team manager.

    Columns: ``case_ref``, ``audit_id``, ``audit_date``, ``service``, ``team``, ``tier``,
    ``auditor``, ``overall_grade``, ``grade`` (final), ``grade_name``, ``moderated`` (bool),
    ``escalate_to`` (text, in the framework's order), ``head_of_service``. Only the audits
    whose case-level detail ``viewer`` may see (None: all).
    """
    bad = [g for g in grades if g not in GRADES]
    if bad:
        raise QAError(f"Not a grade: {bad[0]!r} (grades are 1-4).")
    month = first_of(month)
    cases, case_params = queries.case_condition(viewer)
    audits = store.query(
        f"""
        SELECT a.case_ref, a.audit_id, a.audit_date, s.name AS service, t.name AS team, a.tier,
               a.auditor, a.overall_grade, a.moderated_grade, {_FINAL} AS grade,
               s.head_of_service, t.manager, a.has_iro
        FROM audit a
        JOIN team t ON t.team_id = a.team_id
        JOIN service s ON s.service_id = a.service_id
        WHERE a.audit_date >= $m AND a.audit_date < $stop
          AND ($service IS NULL OR a.service_id = $service)
          AND list_contains($grades, {_FINAL})
          AND {cases}
        ORDER BY a.audit_date, a.audit_id
        """,
        {"m": month, "stop": next_month(month), "service": service_id, "grades": [int(g) for g in grades],
         **case_params},
    )
    cols = ["case_ref", "audit_id", "audit_date", "service", "team", "tier", "auditor", "overall_grade",
            "grade", "grade_name", "moderated", "escalate_to", "head_of_service"]
    if audits.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    notify = escalations(audits[["audit_id", "overall_grade", "moderated_grade", "has_iro"]])
    people = notify.merge(audits[["audit_id", "head_of_service", "manager"]], on="audit_id", how="left")
    named = np.select(
        [people["notify_role"].eq("head_of_service"), people["notify_role"].eq("team_manager")],
        [people["notify_label"] + " (" + people["head_of_service"].fillna("not recorded") + ")",
         people["notify_label"] + " (" + people["manager"].fillna("not recorded") + ")"],
        default=people["notify_label"],
    )
    people["who"] = named
    joined = people.groupby("audit_id", sort=False)["who"].agg("; ".join).rename("escalate_to")
    out = audits.merge(joined, left_on="audit_id", right_index=True, how="left")
    out["grade_name"] = out["grade"].map(GRADES).astype("str")
    out["moderated"] = out["moderated_grade"].notna()
    return out[cols].reset_index(drop=True)


def report_counts(store: Store) -> pd.DataFrame:
    """Final-grade counts of every month and service (``kind`` "audit", ``group`` "All") and area-grade
    counts of every month, service and area (``kind`` "area", ``group`` the area), read once:
    :func:`audits_report_from` picks a month and service from them, as the clinic page moves between them."""
    counts = ", ".join(f"count(*) FILTER (WHERE {{grade}} = {i}) AS {col}"
                       for i, col in enumerate(GRADE_COLUMNS, start=1))
    frame = store.query(
        f"""
        SELECT 'audit' AS kind, strftime(a.audit_date, '%Y-%m') AS month, a.service_id, 'All' AS "group",
               {counts.format(grade=_FINAL)}
        FROM audit a JOIN team t ON t.team_id = a.team_id JOIN service s ON s.service_id = a.service_id
        GROUP BY ALL
        UNION ALL
        SELECT 'area', strftime(a.audit_date, '%Y-%m'), a.service_id, g.area, {counts.format(grade="g.grade")}
        FROM audit a JOIN team t ON t.team_id = a.team_id JOIN service s ON s.service_id = a.service_id
        JOIN audit_area_grade g USING (audit_id)
        GROUP BY ALL
        """)
    for col in GRADE_COLUMNS:
        frame[col] = frame[col].astype("int64")
    return frame


def audits_report_from(counts: pd.DataFrame, month: dt.date, by: str | None = None,
                       service_id: str | None = None) -> pd.DataFrame:
    """:func:`audits_report` of ``month`` (``by`` None or 'area') from :func:`report_counts`: the same rows."""
    if by not in (None, "area"):
        raise QAError(f"Only the month's audits and its areas are picked from what was read, not {by!r}.")
    keep = (counts["kind"] == ("audit" if by is None else "area")) & (counts["month"] == f"{first_of(month):%Y-%m}")
    if service_id is not None:
        keep &= counts["service_id"] == service_id
    rows = counts[keep.to_numpy(dtype=bool)]
    frame = rows.groupby("group", sort=True)[list(GRADE_COLUMNS)].sum().reset_index()  # ORDER BY the label
    if by is None and frame.empty:
        frame = pd.DataFrame([{"group": "All", **dict.fromkeys(GRADE_COLUMNS, 0)}])
    for col in GRADE_COLUMNS:
        frame[col] = frame[col].astype("int64")
    out = grade_summary(frame)[AUDIT_REPORT_COLUMNS].reset_index(drop=True)
    if out.empty:  # as a query of no rows gives it: text as objects
        out["group"] = out["group"].astype(object)
    return out


def audits_report(
    store: Store,
    month: dt.date | None = None,
    by: str | None = None,
    grade: str = "final",
    service_id: str | None = None,
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """Grade counts per group with % inadequate against the 10% target (Wilson 95%).

    Without ``month`` the latest month in the store is used, except ``by='month'``,
    which covers every month. ``by='auditor'`` names people: only the audits whose case-level
    detail ``viewer`` may see are counted (None: all); the other groupings are aggregates.

    One auditor's month is a handful of audits: ``by='auditor'`` gives the counts and the interval
    but no verdict against the target (``meets_target`` empty, ``assessment`` says so).
    ``by='tool'`` and ``by='theme'`` add :data:`AUDIT_PROGRAMME_COLUMNS`: every audit (a yes/no tool's
    too, which have no grade), how the tool grades, and the questions answered yes of those answered
    with their Wilson 95% interval; a yes/no tool's row is not judged against the target.
    """
    if month is None and by != "month":
        month = queries.latest_month(store)
    counts = queries.audit_grade_counts(store, month=month, by=by, grade=grade, service_id=service_id,
                                        viewer=viewer)
    summary = grade_summary(counts)
    out = summary[AUDIT_REPORT_COLUMNS].reset_index(drop=True)
    if by == "auditor":
        out["meets_target"] = pd.array([pd.NA] * len(out), dtype="boolean")
        out["assessment"] = pd.array([NOT_JUDGED_AUDITOR] * len(out), dtype="str")
    if by in ("tool", "theme"):
        from qa_core.views.audit_programme import compliance_by

        extra = compliance_by(store, month, by, service_id)
        out = extra[["group"]].merge(out, on="group", how="left").merge(extra, on="group", how="left")
        for col in (*GRADE_COLUMNS, "total"):
            out[col] = out[col].fillna(0).astype("int64")
        yes_no = (out["grading"] == "yes_no").to_numpy()
        out["meets_target"] = out["meets_target"].astype("boolean").mask(yes_no)
        out["assessment"] = out["assessment"].where(~yes_no, NOT_JUDGED_YES_NO).fillna(ASSESS_NO_AUDITS)
        out = out[AUDIT_REPORT_COLUMNS + AUDIT_PROGRAMME_COLUMNS]
    return out
