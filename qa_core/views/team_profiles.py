"""Team profiles: a service's teams side by side on the same measures, and one team's
monthly profile (measures with RAG and trend, audits done against expectation, grade mix,
overdue audit actions) as a printable page for the office notice board.

Who reads it: Heads of Service and team managers before the performance clinic, and
everyone in the team (the profile goes on the notice board). So the profile names no
worker, no auditor and no case: it shows counts, grades and measures only.

The rules are the library's own, applied at team level:

* a team's value is its summed numerator over its summed denominator (``queries.VALUE_SQL``,
  the same SQL as the service and council figures), so the teams add up to the service;
* RAG and direction of travel come from :func:`qa_core.rules.rag.rag_status` and
  :func:`qa_core.rules.rag.direction_of_travel` with the measure's configured rule, tolerance and
  polarity, the previous value being the team's own previous month with a value (exactly as
  :func:`qa_core.views.home.indicator_summary` does for a service);
* audits done against expected: the expectations of the people of the team (staff whose
  ``team_id`` it is, with an expectation rule for their role) for the month, from the staff list,
  the rules and the exemptions held (:mod:`qa_core.rules.expectations`: expected only in a month
  in post throughout and not exempt; a Head of Service's expectation belongs to the service, not
  to a team, since they have none), and the shortfall summed person by person as
  :func:`qa_core.rules.audits.completion` does;
* grade mix: audits of the team's cases in the month by their final grade (moderated where
  moderated), with % of each grade and a Wilson 95% interval (:func:`grade_summary`);
* an audit action is **overdue** at a month's end when it was due before the last day of
  the month and was not completed by that day (as clinic actions are judged).

Worked example (tests/unit/test_team_profiles.py builds it): team T2 has two managers, each
expected to do 4 audits in October; M2 did 5 and M3 none, so the team did 5 of 8 with a
shortfall of 4 (not 3: one manager's extra audit does not hide another's shortfall). Team
T1's cases had 5 audits, 1 Inadequate after moderation: 20.0%, Wilson 95% 3.6% to 62.4%. An
action due on 10 October and still open at 31 October is overdue by 21 days ("2 to 4 weeks");
one due on 31 October is not yet overdue.

Public output (``public=True``: the notice-board printout, a report for publication) follows
``qa_core.rules.disclosure``: each measure's numerator, denominator and value by
:func:`qa_core.rules.disclosure.apply_rates` (a count-unit value by ``suppress_count``); the grades
as one line (the four grades and their total) and the overdue bands as another, with secondary
suppression; audits done against expected as a numerator and denominator. A percentage, and a
Wilson interval, is ``c`` where its count is ``c`` or it is out of fewer than 5; a trend month
whose figure is hidden is a gap; the previous month's value (its counts are not at hand) is
``:``. Symbols, never the hidden numbers, reach the CSV and the HTML.

The printable page itself (HTML) is ``qa_core.views.team_profile_html``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from qa_core.errors import QAError
from qa_core.rules import disclosure
from qa_core.rules.audits import (
    GRADE_COLUMNS,
    GRADES,
    grade_summary,
    wilson_interval,
)
from qa_core.rules.expectations import expected_audits
from qa_core.rules.periods import window_start
from qa_core.rules.rag import direction_of_travel, rag_rule_text, rag_status, too_few, too_few_words
from qa_core.store import Store, queries
from qa_core.store.queries import VALUE_SQL

__all__ = [
    "AUDIT_COLUMNS", "MEASURE_COLUMNS", "OVERDUE_BANDS", "TEAM_REPORT_COLUMNS", "TREND_MONTHS",
    "TeamProfile", "build_profile", "public_profile", "public_team_report", "team_audits", "team_profile",
    "service_month", "team_report", "team_scope", "team_series", "team_view",
    "TeamData", "team_audits_months", "team_data", "team_view_from", "service_month_from",
]

#: Months of history in a profile's trend (sparkline) column.
TREND_MONTHS = 12
#: Overdue actions by how long past due they are at the end of the month: (column, label, from, to) days.
OVERDUE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("overdue_up_to_2_weeks", "Up to 2 weeks overdue", 1, 14),
    ("overdue_2_to_4_weeks", "2 to 4 weeks overdue", 15, 28),
    ("overdue_over_4_weeks", "More than 4 weeks overdue", 29, None),
)
MEASURE_COLUMNS = ["service_id", "team_id", "team", "code", "name", "unit", "value", "numerator",
                   "denominator", "target", "rag", "direction", "previous"]
#: Added after the audit columns (the report's columns only grow): why a measure has no RAG (too few
#: cases: its count) and its rule in words.
MEASURE_EXTRA_COLUMNS = ["rag_note", "rag_rule"]
AUDIT_COLUMNS = [
    "audits_done", "audits_expected", "pct_inadequate", "inadequate", "audits_total", "overdue_actions",
    "audits_shortfall", "pct_complete", *[c for c in GRADE_COLUMNS if c != "inadequate"], "ci_low", "ci_high",
    "pct_good_or_better", "assessment", *[band[0] for band in OVERDUE_BANDS],
]
TEAM_REPORT_COLUMNS = MEASURE_COLUMNS + AUDIT_COLUMNS + MEASURE_EXTRA_COLUMNS


# -- scope ------------------------------------------------------------------------------------
def team_scope(store: Store, service_id: str | None = None, team_id: str | None = None) -> pd.DataFrame:
    """The teams a report covers (team_id, team, service_id, service, sort order), checked.

    An unknown service or team, or a team outside the given service, is a ``QAError``.
    """
    rows = store.query(
        "SELECT s.service_id, s.name AS service, s.sort_order, t.team_id, t.name AS team "
        "FROM service s LEFT JOIN team t USING (service_id) ORDER BY s.sort_order, s.name, t.name")
    if service_id is not None and service_id not in set(rows["service_id"]):
        known = ", ".join(dict.fromkeys(rows["service_id"])) or "none"
        raise QAError(f"There is no service {service_id!r} (known services: {known}).")
    teams = rows[rows["team_id"].notna()][["team_id", "team", "service_id", "service", "sort_order"]]
    if team_id is not None:
        found = teams[teams["team_id"] == team_id]
        if found.empty:
            pool = teams if service_id is None else teams[teams["service_id"] == service_id]
            hint = (f" Teams of {service_id}: {', '.join(pool['team_id'])}." if service_id is not None
                    else " List the teams with `python -m qa_core report team --service ID`.")
            raise QAError(f"There is no team {team_id!r}.{hint}")
        home = found["service_id"].iloc[0]
        if service_id is not None and home != service_id:
            raise QAError(f"Team {team_id!r} ({found['team'].iloc[0]}) belongs to the service {home!r} "
                          f"({found['service'].iloc[0]}), not to {service_id!r}.")
        return found.reset_index(drop=True)
    if service_id is not None:
        teams = teams[teams["service_id"] == service_id]
    return teams.reset_index(drop=True)


# -- measures -------------------------------------------------------------------------------
def team_series(
    store: Store, month: dt.date, service_id: str | None = None, team_id: str | None = None,
    months: int = 24,
) -> pd.DataFrame:
    """Each team's monthly figures for its service's measures, ``months`` months up to ``month``.

    One row per team, measure and month: ``service_id, team_id, team, code, unit, period,
    numerator, denominator, value, previous`` where ``previous`` is the team's value in its previous month
    with a row (looked up over the whole history, so the first month of the window has one too).
    Only measures linked to the team's service (``indicator_service``) are included, as on the
    clinic page. One query; aggregated in DuckDB.
    """
    if months < 1:
        raise QAError("months must be at least 1.")
    return _series(store, month, window_start(month, months), service_id, team_id)


def _series(store: Store, month: dt.date | None, first: dt.date | None, service_id: str | None,
            team_id: str | None) -> pd.DataFrame:
    """:func:`team_series` from ``first`` to ``month`` (None: no bound), ``previous`` over the whole history."""
    return store.query(
        f"""
        WITH v AS (
            SELECT t.service_id, t.team_id, t.name AS team, v.code, i.unit, v.period,
                   sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
                   {VALUE_SQL} AS value
            FROM indicator_value v
            JOIN team t USING (team_id)
            JOIN indicator i USING (code)
            JOIN indicator_service x ON x.code = v.code AND x.service_id = t.service_id
            WHERE ($month IS NULL OR v.period <= $month)
              AND ($service IS NULL OR t.service_id = $service)
              AND ($team IS NULL OR t.team_id = $team)
            GROUP BY t.service_id, t.team_id, t.name, v.code, v.period, i.aggregation, i.unit
        )
        SELECT v.*, lag(v.value) OVER (PARTITION BY v.team_id, v.code ORDER BY v.period) AS previous
        FROM v JOIN service s USING (service_id) JOIN indicator i USING (code)
        QUALIFY $first IS NULL OR v.period >= $first
        ORDER BY s.sort_order, v.team, i.sort_order, v.code, v.period
        """,
        {"month": month, "first": first, "service": service_id, "team": team_id},
    )


def _series_all(store: Store) -> pd.DataFrame:
    """``_series(store, None, None, None, None)``, every team-month, with ``previous`` taken from the row
    before rather than by a window in DuckDB: ordered as there (the team's id breaking a tie of names),
    each team's months of a measure are together and in order, so the row before is the previous month
    with a row, as ``lag`` finds it. The window was most of the read (a quarter of a second on the large
    demo); the sort it needed is the one the rows are ordered by anyway."""
    frame = store.query(
        f"""
        SELECT t.service_id, t.team_id, t.name AS team, v.code, i.unit, v.period,
               sum(v.numerator) AS numerator, sum(v.denominator) AS denominator,
               {VALUE_SQL} AS value
        FROM indicator_value v
        JOIN team t USING (team_id)
        JOIN indicator i USING (code)
        JOIN indicator_service x ON x.code = v.code AND x.service_id = t.service_id
        JOIN service s ON s.service_id = t.service_id
        GROUP BY t.service_id, t.team_id, t.name, v.code, v.period, i.aggregation, i.unit, s.sort_order, i.sort_order
        ORDER BY s.sort_order, t.name, t.team_id, i.sort_order, v.code, v.period
        """)
    team, code = frame["team_id"].to_numpy(dtype=object), frame["code"].to_numpy(dtype=object)
    value = frame["value"].to_numpy(dtype="float64")
    previous = np.r_[np.nan, value[:-1]] if len(value) else value.copy()
    previous[np.r_[True, (team[1:] != team[:-1]) | (code[1:] != code[:-1])][:len(value)]] = np.nan
    frame["previous"] = previous
    return frame


def service_month(store: Store, month: dt.date, service_id: str) -> pd.DataFrame:
    """The service's own figure for each of its measures in ``month`` (code, numerator,
    denominator, value): its teams' numerators summed over their denominators, in DuckDB."""
    return store.query(
        f"""
        SELECT v.code, sum(v.numerator) AS numerator, sum(v.denominator) AS denominator, {VALUE_SQL} AS value
        FROM indicator_value v JOIN team t USING (team_id) JOIN indicator i USING (code)
        JOIN indicator_service x ON x.code = v.code AND x.service_id = t.service_id
        WHERE v.period = $month AND t.service_id = $service
        GROUP BY v.code, i.aggregation, i.unit
        """, {"month": month, "service": service_id})


def service_month_from(series: pd.DataFrame, members: pd.DataFrame, month: dt.date, service_id: str) -> pd.DataFrame:
    """:func:`service_month` picked from every service's monthly figures (``queries.indicator_series_all``)
    and the services' own measures (``members``: code, service_id), both read once: rows by code (the
    query's own order is unspecified, and the page looks measures up by code)."""
    own = members.loc[(members["service_id"] == service_id).to_numpy(dtype=bool), "code"]
    keep = ((series["service_id"] == service_id) & (series["period"] == pd.Timestamp(month))
            & series["code"].isin(own))
    out = series.loc[keep.to_numpy(dtype=bool), ["code", "numerator", "denominator", "value"]]
    return queries.as_queried(out.sort_values("code", kind="stable").reset_index(drop=True))


#: A frame's column as it is held (a numpy array or a pandas extension array).
ArrayLike = np.ndarray | ExtensionArray
#: What a measure's row takes from the catalogue.
_MEASURE_INFO = ["name", "unit", "polarity", "target", "rag_rule", "tolerance", "sort_order", "aggregation",
                 "min_denominator"]


def _floats(values: ArrayLike) -> np.ndarray:
    return pd.Series(values, copy=False).astype("float64").to_numpy()


def _rated_columns(rows: pd.DataFrame, catalogue: pd.DataFrame, at: np.ndarray | None = None) -> dict[str, ArrayLike]:
    """:func:`_rate`'s columns (``at``: only those rows, by position), each worked out on whole columns
    read once: reading a frame's column costs more than the rules applied to it, and the rules (RAG,
    direction, too few to rate) are applied row by row to plain lists."""
    own = [c for c in rows.columns if c not in ("name", "unit")]
    codes = pd.Index(catalogue["code"])
    picked = rows["code"].array if at is None else rows["code"].array.take(at)
    found = codes.get_indexer(picked) if codes.is_unique else np.array([-1])
    if len(picked) and (found >= 0).all() and not set(own) & set(_MEASURE_INFO):
        # The merge below, by position: every row's code is in the catalogue once.
        columns = {c: rows[c].array if at is None else rows[c].array.take(at) for c in own}
        columns.update({c: catalogue[c].array.take(found) for c in _MEASURE_INFO})
    else:
        joined = (rows if at is None else rows.iloc[at])[own].merge(catalogue[["code", *_MEASURE_INFO]], on="code",
                                                                    how="left")
        columns = {c: joined[c].array for c in joined.columns}
    for c in ("value", "previous", "target"):
        columns[c] = _floats(columns[c])
    # A ratio measure's minimum number of cases (a plain count has none): below it, the count and no RAG.
    aggregation = np.asarray(columns["aggregation"], dtype=object)
    columns["min_denominator"] = np.where(aggregation != "sum", _floats(columns["min_denominator"]), np.nan)
    value, target, previous, numerator, denominator, minimum, code, unit, polarity, rule, tolerance = (
        columns[c].tolist() for c in ("value", "target", "previous", "numerator", "denominator", "min_denominator",
                                      "code", "unit", "polarity", "rag_rule", "tolerance"))
    columns["rag"] = pd.array([
        rag_status(v, t, p, r, tol, prev, denominator=d, min_denominator=m) for v, t, p, r, tol, prev, d, m in zip(
            value, target, polarity, rule, tolerance, previous, denominator, minimum, strict=True)], dtype=object)
    few = [not pd.isna(m) and not pd.isna(v) and too_few(d, m) for v, d, m in zip(value, denominator, minimum,
                                                                               strict=True)]
    columns["rag_note"] = pd.array([too_few_words(n, d, m, u) if f else None for n, d, m, u, f in zip(
        numerator, denominator, minimum, unit, few, strict=True)], dtype=object)
    # The rule in words depends on the measure only: written once a measure (its first row), not once a row.
    rules: dict = {}
    for c, t, p, r, tol, u, m in zip(code, target, polarity, rule, tolerance, unit, minimum, strict=True):
        if c not in rules:
            rules[c] = rag_rule_text(t, p, r, tol, u, None if pd.isna(m) else m)
    columns["rag_rule"] = pd.array([rules[c] for c in code], dtype=object)
    columns["direction"] = pd.array([
        direction_of_travel(v, prev, p) for v, prev, p in zip(value, previous, polarity, strict=True)], dtype=object)
    return columns


def _rate(rows: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Add the measure's name, unit, target, RAG and direction to team-month rows."""
    return pd.DataFrame(_rated_columns(rows, catalogue))


# -- audits ---------------------------------------------------------------------------------
def team_audits(
    store: Store, month: dt.date, service_id: str | None = None, team_id: str | None = None,
) -> pd.DataFrame:
    """One row per team in scope: audits done against the managers' expectation, the grade
    mix of audits of the team's cases (with % inadequate and its Wilson 95% interval) and the
    audit actions overdue at the end of the month, in total and by how long overdue.

    Columns: ``team_id, team, service_id, service_order``, :data:`AUDIT_COLUMNS` and
    ``managers`` (how many of the team's managers had an expectation), in display order. Teams
    with no audits get zeros (and NaN percentages). No row at all means no team matched: check
    the scope with :func:`team_scope` for the reason.

    Grades and overdue actions in one query, aggregated in DuckDB; audits done against expected
    from the staff, rules and exemptions held (``queries.completion_roster`` and
    :func:`qa_core.rules.expectations.expected_audits`, as on the Audit grades page), the shortfall
    summed person by person as :func:`qa_core.rules.audits.completion` does; the unit tests hold the
    two pages to the same figures.
    """
    return team_audits_months(store, [month], service_id, team_id).drop(columns="month")


def team_audits_months(
    store: Store, months: list[dt.date], service_id: str | None = None, team_id: str | None = None,
) -> pd.DataFrame:
    """:func:`team_audits` for several months in one set of queries, with a ``month`` column (the
    month's first day) before the team's: what the page reads once and picks a month from.
    Rows are by month, then in display order."""
    firsts = sorted({m.replace(day=1) for m in months})
    if not firsts:
        raise QAError("Team audits need at least one month.")
    grade_counts = ", ".join(
        f"count(*) FILTER (WHERE coalesce(a.moderated_grade, a.overall_grade) = {i}) AS {col}"
        for i, col in enumerate(GRADE_COLUMNS, start=1))
    late_bands = ", ".join(
        f"count(*) FILTER (WHERE date_diff('day', x.due_date, m.month_end) >= {low}"
        + (f" AND date_diff('day', x.due_date, m.month_end) <= {high}" if high is not None else "")
        + f") AS {col}"
        for col, _, low, high in OVERDUE_BANDS)
    whole = [*GRADE_COLUMNS, "overdue_actions", *[band[0] for band in OVERDUE_BANDS]]
    per_team = store.query(
        rf"""
        WITH scope AS (
            SELECT t.team_id, t.name AS team, t.service_id, s.sort_order AS service_order, s.name AS service_name
            FROM team t JOIN service s USING (service_id)
            WHERE ($service IS NULL OR t.service_id = $service) AND ($team IS NULL OR t.team_id = $team)
        ), months AS (
            SELECT month, last_day(month) AS month_end FROM (SELECT unnest($months)::DATE AS month)
        ), graded AS (
            SELECT m.month, a.team_id, {grade_counts}
            FROM audit a JOIN scope USING (team_id)
            JOIN months m ON a.audit_date >= m.month AND a.audit_date <= m.month_end
            GROUP BY m.month, a.team_id
        ), late AS (
            SELECT m.month, a.team_id, count(*) AS overdue_actions, {late_bands}
            FROM audit_action x JOIN audit a USING (audit_id) JOIN scope USING (team_id)
            JOIN months m ON x.due_date < m.month_end AND a.audit_date <= m.month_end
              AND (x.completed_date IS NULL OR x.completed_date > m.month_end)
            GROUP BY m.month, a.team_id
        )
        SELECT m.month, scope.team_id, scope.team, scope.service_id, scope.service_order,
               {", ".join(f"coalesce({c}, 0) AS {c}" for c in whole)}
        FROM months m CROSS JOIN scope
        LEFT JOIN graded g ON g.month = m.month AND g.team_id = scope.team_id
        LEFT JOIN late l ON l.month = m.month AND l.team_id = scope.team_id
        ORDER BY m.month, scope.service_order, scope.service_name, scope.team
        """,
        {"months": firsts, "service": service_id, "team": team_id})
    out = per_team.merge(_team_completion(store, firsts, service_id, team_id), on=["month", "team_id"], how="left")
    whole += ["done", "expected", "shortfall", "managers"]
    out[whole] = out[whole].fillna(0).astype("int64")
    out = grade_summary(out)
    out = out.rename(columns={"done": "audits_done", "expected": "audits_expected",
                              "shortfall": "audits_shortfall", "total": "audits_total"})
    e = out["audits_expected"].to_numpy(dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_complete"] = np.where(e > 0, out["audits_done"].to_numpy() * 100.0 / e, np.nan)
    return out[["month", "team_id", "team", "service_id", "service_order", *AUDIT_COLUMNS, "managers"]]


def _team_completion(store: Store, months: list[dt.date], service_id: str | None,
                     team_id: str | None) -> pd.DataFrame:
    """Per month and team: its own people's audits done against expectation (the staff, rules and
    exemptions held; ``rules.expectations``), the shortfall summed person by person, and
    ``managers``: how many of them were expected to audit that month."""
    roster = expected_audits(queries.completion_rosters(store, months, service_id, team_id))
    roster = roster[roster["team_id"].notna()]
    applies = roster["whole_month"] & ~roster["exempt"].astype(bool)
    done = np.where(applies, roster["counting"].astype("int64"), 0)
    frame = pd.DataFrame({"month": roster["month"], "team_id": roster["team_id"], "done": done,
                          "expected": roster["expected"],
                          "shortfall": np.maximum(roster["expected"].to_numpy() - done, 0),
                          "managers": (roster["expected"] > 0).astype("int64")})
    return frame.groupby(["month", "team_id"], as_index=False)[["done", "expected", "shortfall", "managers"]].sum()


# -- the report (CLI and page) --------------------------------------------------------------
def team_report(
    store: Store, month: dt.date, service_id: str | None = None, team_id: str | None = None, public: bool = False,
) -> pd.DataFrame:
    """One row per team and measure for ``month``, with the team's audit figures repeated on
    each of its rows (so one flat table serves the CLI, the CSV download and the page).

    Columns (:data:`TEAM_REPORT_COLUMNS`): ``service_id, team_id, team, code, name, unit,
    value, numerator, denominator, target, rag, direction, previous`` then the team-level
    ``audits_done, audits_expected, pct_inadequate, inadequate, audits_total,
    overdue_actions`` and further audit detail (shortfall, % complete, the other grades, the
    Wilson interval, % good or better, the verdict against the 10% target, overdue actions
    by age band). A team with no measure values in the month still gets one row, with the
    measure columns empty, so its audit figures are not lost. Unknown service or team, or a
    team outside the service: ``QAError``.

    ``public``: under disclosure control (:func:`public_team_report`).

    Command line: ``python -m qa_core report team --month 2026-10 --service assessment``.
    """
    report = team_view(store, month, service_id, team_id, months=1)[0]
    return public_team_report(report) if public else report


def _public_measures(frame: pd.DataFrame) -> pd.DataFrame:
    """Measure rows (numerator, denominator, value, unit) under disclosure control: a
    percentage's counts as a share of its denominator; a count's value as a count; other
    ratios (rates, days) with numerator and denominator checked on their own."""
    if frame.empty:
        return frame.astype({c: object for c in ("numerator", "denominator", "value")})
    share = (frame["unit"] == "%").to_numpy()
    out = pd.concat([disclosure.apply_rates(frame[share], "numerator", "denominator", "value"),
                     disclosure.apply_rates(frame[~share], "numerator", "denominator", "value", share=False)])
    out = out.loc[frame.index]
    counted = out["unit"].isin(["count"]).to_numpy()
    if counted.any():
        out.loc[counted, "value"] = disclosure.suppress_count(frame.loc[counted, "value"])
    return out


def _hidden(values: pd.Series) -> pd.Series:
    return values.map(disclosure.is_symbol).astype(bool)


def public_team_report(report: pd.DataFrame) -> pd.DataFrame:
    """:func:`team_report` rows under disclosure control (see the module notes). Counts hold
    ints or symbols; percentages floats or symbols; RAG and direction are left out where the
    value is hidden."""
    out = report.copy()
    measured = out["code"].notna()
    if measured.any():
        out[["numerator", "denominator", "value"]] = out[["numerator", "denominator", "value"]].astype(object)
        out.loc[measured] = _public_measures(out.loc[measured])
    hidden = _hidden(out["value"])
    out.loc[hidden, ["rag", "direction"]] = None
    out["previous"] = out["previous"].astype(object).where(~measured, ":")
    out["rag_note"] = _public_note(out["rag_note"])
    return _public_audits(out)


def _public_note(notes: pd.Series) -> pd.Series:
    """Why a measure has no rating, without the count (a count of 1 to 5 is ``c`` in public)."""
    return notes.map(lambda n: None if n is None or pd.isna(n) else "too few to rate").astype(object)


def _public_audits(frame: pd.DataFrame) -> pd.DataFrame:
    """Audit columns of report rows (or a one-row frame) under disclosure control."""
    grades = disclosure.protect_counts(frame, list(GRADE_COLUMNS), "audits_total")
    overdue = disclosure.protect_counts(frame, [b[0] for b in OVERDUE_BANDS], "overdue_actions")
    done = disclosure.apply_rates(frame.assign(audits_done=frame["audits_done"]), "audits_done", "audits_expected",
                                  "pct_complete")
    out = frame.copy()
    for col in (*GRADE_COLUMNS, "audits_total"):
        out[col] = grades[col]
    for col in ([b[0] for b in OVERDUE_BANDS] + ["overdue_actions"]):
        out[col] = overdue[col]
    for col in ("audits_done", "audits_expected", "pct_complete"):
        out[col] = done[col]
    out["audits_shortfall"] = disclosure.suppress_count(frame["audits_shortfall"]).where(
        ~_hidden(out["audits_done"]), "c")
    total = pd.to_numeric(frame["audits_total"], errors="coerce")
    few = (total < disclosure.MIN_RATE_DENOMINATOR).to_numpy() & (total > 0).to_numpy()
    inadequate_hidden = _hidden(out["inadequate"]).to_numpy() | _hidden(out["audits_total"]).to_numpy() | few
    good_hidden = (_hidden(out["outstanding"]) | _hidden(out["good"])).to_numpy() | few
    for col, hide in (("pct_inadequate", inadequate_hidden), ("ci_low", inadequate_hidden),
                      ("ci_high", inadequate_hidden), ("assessment", inadequate_hidden),
                      ("pct_good_or_better", good_hidden)):
        values = frame[col].astype(object).where(frame[col].notna(), ":")
        out[col] = values.where(~hide, "c")
    return out


def team_view(
    store: Store, month: dt.date, service_id: str | None = None, team_id: str | None = None,
    months: int = 1, catalogue: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`team_report` and the :func:`team_series` (``months`` long) it was built from, from
    one set of queries: what the page needs for the teams side by side and the small multiples.
    ``catalogue``: ``queries.indicators(store)`` if the caller already has it."""
    audits = team_audits(store, month, service_id, team_id)
    if audits.empty:
        team_scope(store, service_id, team_id)  # an unknown or mismatched scope is a QAError
    series = team_series(store, month, service_id, team_id, months=months)
    return _assemble(audits, series, month, queries.indicators(store) if catalogue is None else catalogue), series


def _assemble(audits: pd.DataFrame, series: pd.DataFrame, month: dt.date, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The team report from the month's :func:`team_audits` rows and a :func:`team_series` ending at ``month``.

    Each team's rows in display order, its measures by the catalogue's order then code. Where every team
    has values this month (the usual case), the rows are put together by position; a team without any
    keeps one row with its audit figures and empty measure columns, as the merge gives it."""
    this_month = np.flatnonzero((pd.to_datetime(series["period"]) == pd.Timestamp(month)).to_numpy())
    rated = _rated_columns(series, catalogue, this_month)
    teams = pd.Index(audits["team_id"])
    at = teams.get_indexer(rated["team_id"]) if teams.is_unique else np.array([-1])
    if len(this_month) == 0 or (at < 0).any() or len(np.unique(at)) != len(teams):
        merged = audits.drop(columns="managers").assign(team_order=np.arange(len(audits))).merge(
            pd.DataFrame(rated).drop(columns=["service_id", "team"]), on="team_id", how="left")
        merged = merged.sort_values(["team_order", "sort_order", "code"], kind="stable", na_position="last")
        return merged[TEAM_REPORT_COLUMNS].reset_index(drop=True)
    order = np.lexsort((pd.factorize(rated["code"], sort=True)[0], np.asarray(rated["sort_order"]), at))
    team_rows = at[order]
    return pd.DataFrame({c: audits[c].array.take(team_rows) if c in _FROM_AUDITS else rated[c].take(order)
                         for c in TEAM_REPORT_COLUMNS})


#: The report's columns that are the team's own (the rest are the measure's).
_FROM_AUDITS = frozenset(["service_id", "team_id", "team", *AUDIT_COLUMNS])


@dataclass(frozen=True)
class TeamData:
    """What :func:`team_view` needs for every service and month, read once (:func:`team_data`), so a
    change of month or service picks from it (:func:`team_view_from`) without a query.

    ``audits``: :func:`team_audits_months` of every team over ``months``, and ``series``: every team-month
    (``previous`` over the whole history), each split by service (service id → its rows, in order);
    ``catalogue``: ``queries.indicators``; ``services``: the services that have teams."""

    audits: dict[str, pd.DataFrame]
    series: dict[str, pd.DataFrame]
    catalogue: pd.DataFrame
    months: frozenset[dt.date] = frozenset()
    services: frozenset[str] = frozenset()
    no_series: pd.DataFrame = field(default_factory=pd.DataFrame)


def team_data(store: Store, months: list[dt.date], catalogue: pd.DataFrame | None = None) -> TeamData:
    """Read, in a few queries, what :func:`team_view` shows for any service in any of ``months``."""
    firsts = sorted({m.replace(day=1) for m in months})
    audits = team_audits_months(store, firsts)
    series = _series_all(store)

    def by_service(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
        return {str(k): rows.reset_index(drop=True) for k, rows in frame.groupby("service_id", sort=False)}

    return TeamData(audits=by_service(audits), series=by_service(series),
                    catalogue=queries.indicators(store) if catalogue is None else catalogue,
                    months=frozenset(firsts), services=frozenset(audits["service_id"]), no_series=series.iloc[0:0])


def team_view_from(data: TeamData, month: dt.date, service_id: str,
                   months: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`team_view` of ``service_id`` (one of ``data.services``) in ``month`` (one of
    ``data.months``), picked from what :func:`team_data` read: the same frames, no query."""
    if month not in data.months or service_id not in data.services:
        raise QAError(f"{service_id!r} in {month:%B %Y} is not among what was read for the team view.")
    audits = data.audits[service_id]
    rows = np.flatnonzero((audits["month"] == pd.Timestamp(month)).to_numpy())
    # The month's rows are together (by month, then display order): a slice, no copy (its month column is unused).
    together = len(rows) and rows[-1] - rows[0] + 1 == len(rows)
    audits = audits.iloc[rows[0]:rows[-1] + 1] if together else audits.iloc[rows]
    series = data.series.get(service_id, data.no_series)
    periods = series["period"]
    keep = (periods >= pd.Timestamp(window_start(month, months))) & (periods <= pd.Timestamp(month))
    series = series[keep.to_numpy()].reset_index(drop=True)
    if series.empty:  # as the store gives an empty result: text columns of no rows are objects
        series = series.astype({c: object for c in series.columns if pd.api.types.is_string_dtype(series[c])})
    return _assemble(audits, series, month, data.catalogue), series


# -- one team's profile ---------------------------------------------------------------------
@dataclass(frozen=True)
class TeamProfile:
    """Everything one team's monthly profile shows (no worker, auditor or case is named).

    ``measures``: one row per measure with a value this month: code, name, unit, value,
    numerator, denominator, target, rag, direction, previous and ``trend`` (a list of the
    last :data:`TREND_MONTHS` monthly values, oldest first, None where a month has no value).
    ``trend_table``: the same months as rows (code, name, unit, period, numerator,
    denominator, value). ``audits``: the team's :func:`team_audits` row as a dict.
    ``grades``: one row per grade with ``audits``, ``pct`` and its Wilson 95% ``ci_low`` /
    ``ci_high``. ``overdue``: overdue audit actions by how long overdue (band, actions).
    """

    council: str
    service_id: str
    service: str
    team_id: str
    team: str
    month: dt.date
    measures: pd.DataFrame
    trend_table: pd.DataFrame
    audits: dict = field(default_factory=dict)
    grades: pd.DataFrame = field(default_factory=pd.DataFrame)
    overdue: pd.DataFrame = field(default_factory=pd.DataFrame)
    trend_months: list[dt.date] = field(default_factory=list)


def team_profile(store: Store, month: dt.date, team_id: str, service_id: str | None = None,
                 trend_months: int = TREND_MONTHS) -> TeamProfile:
    """Build one team's profile for ``month`` (see :class:`TeamProfile`); unknown team → QAError."""
    scope = team_scope(store, service_id, team_id)
    series = team_series(store, month, team_id=team_id, months=trend_months)
    audits = team_audits(store, month, team_id=team_id)
    return build_profile(queries.council_name(store), scope.iloc[0], month, series, queries.indicators(store),
                         audits.iloc[0], trend_months)


def build_profile(council: str, team: pd.Series | dict, month: dt.date, series: pd.DataFrame,
                  catalogue: pd.DataFrame, audits: pd.Series | dict,
                  trend_months: int = TREND_MONTHS) -> TeamProfile:
    """A :class:`TeamProfile` from frames already fetched (no queries): ``team`` has team_id,
    team, service_id, service; ``series`` is :func:`team_series` output covering at least
    ``trend_months`` months to ``month`` (other teams' rows are ignored); ``catalogue`` is
    ``queries.indicators``; ``audits`` the team's :func:`team_audits` (or report) row."""
    window = [d.date() for d in pd.date_range(end=pd.Timestamp(month), periods=trend_months, freq="MS")]
    periods = pd.to_datetime(series["period"])
    mine = series[(series["team_id"] == team["team_id"]) & (periods >= pd.Timestamp(window[0]))
                  & (periods <= pd.Timestamp(month))].assign(period=lambda f: pd.to_datetime(f["period"]))
    rated = _rate(mine[mine["period"] == pd.Timestamp(month)], catalogue)
    measures = rated.sort_values(["sort_order", "code"], kind="stable").reset_index(drop=True)
    measures = measures[["code", "name", "unit", "value", "numerator", "denominator", "target", "rag",
                         "direction", "previous", "rag_note", "rag_rule"]].copy()
    if mine.empty:
        measures["trend"] = pd.Series(dtype=object)
    else:
        wide = mine.pivot(index="code", columns="period", values="value").reindex(columns=pd.to_datetime(window))
        trend = pd.Series([[None if pd.isna(v) else float(v) for v in row] for row in wide.to_numpy()],
                          index=wide.index, dtype=object)
        measures["trend"] = measures["code"].map(trend)
    trend_table = mine.drop(columns=[c for c in ("name", "unit") if c in mine.columns]).merge(
        catalogue[["code", "name", "unit", "sort_order"]], on="code", how="left")
    trend_table = trend_table.sort_values(["sort_order", "code", "period"], kind="stable")
    trend_table = trend_table.assign(period=trend_table["period"].dt.date)[
        ["code", "name", "unit", "period", "numerator", "denominator", "value"]].reset_index(drop=True)

    audit_row = {k: audits[k] for k in AUDIT_COLUMNS}
    total = int(audit_row["audits_total"])
    grade_rows = []
    for (grade, label), col in zip(GRADES.items(), GRADE_COLUMNS, strict=True):
        k = int(audit_row[col])
        low, high = wilson_interval(k, total)
        grade_rows.append({"grade": grade, "label": label, "audits": k,
                           "pct": k * 100.0 / total if total else None,
                           "ci_low": None if low is None else low * 100,
                           "ci_high": None if high is None else high * 100})
    overdue = pd.DataFrame([{"band": label, "actions": int(audit_row[col])} for col, label, _, _ in OVERDUE_BANDS])
    return TeamProfile(
        council=str(council), service_id=str(team["service_id"]), service=str(team["service"]),
        team_id=str(team["team_id"]), team=str(team["team"]), month=month,
        measures=measures, trend_table=trend_table, audits=audit_row,
        grades=pd.DataFrame(grade_rows), overdue=overdue, trend_months=window)


def public_profile(profile: TeamProfile) -> TeamProfile:
    """The profile under disclosure control (module notes): counts ints or ``c``, percentages
    and intervals floats or ``c``, and each measure's trend with a gap for a hidden month."""
    measures = _public_measures(profile.measures)
    measures.loc[_hidden(measures["value"]), ["rag", "direction"]] = None
    measures["previous"] = ":"
    measures["rag_note"] = _public_note(measures["rag_note"])
    trend_table = _public_measures(profile.trend_table)
    if len(trend_table):
        shown = trend_table.assign(value=pd.to_numeric(trend_table["value"], errors="coerce"),
                                   period=pd.to_datetime(trend_table["period"]))
        wide = shown.pivot(index="code", columns="period", values="value").reindex(
            columns=pd.to_datetime(profile.trend_months))
        trend = {code: [None if pd.isna(v) else float(v) for v in row] for code, row in zip(
            wide.index, wide.to_numpy(), strict=True)}
        measures["trend"] = measures["code"].map(trend)
    audits = _public_audits(pd.DataFrame([profile.audits])).iloc[0].to_dict()
    total = pd.to_numeric(pd.Series([profile.audits["audits_total"]])).iloc[0]
    few = 0 < total < disclosure.MIN_RATE_DENOMINATOR
    grades = profile.grades.astype(object)
    for i, col in enumerate(GRADE_COLUMNS):
        grades.at[i, "audits"] = audits[col]
        if disclosure.is_symbol(audits[col]) or disclosure.is_symbol(audits["audits_total"]) or few:
            grades.loc[i, ["pct", "ci_low", "ci_high"]] = "c"
    overdue = profile.overdue.assign(actions=[audits[col] for col, *_ in OVERDUE_BANDS])
    return replace(profile, measures=measures, trend_table=trend_table, audits=audits, grades=grades,
                   overdue=overdue)
