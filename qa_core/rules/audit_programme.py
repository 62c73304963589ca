"""The audit programme beyond grades: thematic coverage, auditor capacity, the Tier 2 random
selection, yes/no compliance and the targets a council sets. Pure: frames in, frames out.

* **Themes** [Rochdale QA framework] 3.8: "all the themes to be audited at least twice a year".
  :func:`theme_coverage` counts, over a year of months, the months each theme was planned and the
  months it was audited (at least one audit of that theme), against :data:`THEME_AUDITS_PER_YEAR`.
* **Capacity** [Gloucestershire QA committee minutes]: 85 trained auditors was the target; "3 had
  left ... in December and 3 had become moderators"; later "82 trained auditors".
  :func:`auditor_capacity` counts trained auditors and moderators at the end of each month from the
  staff list, with the joiners, leavers and moves to moderator that changed the count.
* **Tier 2** [Rochdale QA framework] 3.4: each head of service audits one case a month outside their
  own service, "randomly generated ... at the beginning of the month". :func:`select_tier2` picks
  one reproducibly (same cases, month and seed: same picks), never inside the head's own service.
* **Compliance**: a yes/no tool (the supervision file audit, appendix 11) is reported as the share
  of questions answered yes, with its Wilson 95% interval, never as grades.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.audits import Z_95, _wilson_arrays
from qa_core.rules.periods import first_of, month_end

__all__ = [
    "THEME_AUDITS_PER_YEAR",
    "TARGETS",
    "TARGET_DEFAULTS",
    "target_in_force",
    "theme_coverage",
    "auditor_capacity",
    "select_tier2",
    "tier2_pool",
    "compliance_summary",
    "TIER2_COLUMNS",
    "TIER2_LOOKBACK_MONTHS",
]

#: [Rochdale QA framework] 3.8: each theme audited at least twice a year.
THEME_AUDITS_PER_YEAR = 2
#: The numbers a council sets (import kind ``audit_targets``) and what each means.
TARGETS: dict[str, str] = {
    "auditors": "trained auditors wanted in post at the end of each month",
    "moderators": "moderators wanted in post at the end of each month",
    "escalation_working_days": "working days after an audit to tell the people its grade goes to",
    "remedial_working_days": "working days after a thematic audit to finish the remedial work it found",
    "theme_audits_per_year": "months in a year each theme is to be audited in",
}
#: The value of a target a council has not set: a source's number, or None (no target).
TARGET_DEFAULTS: dict[str, float | None] = {
    "auditors": None,
    "moderators": None,
    "escalation_working_days": 5,  # no source sets one: the dashboard's default (rules.deadlines)
    "remedial_working_days": 5,  # [Rochdale QA framework] 3.8
    "theme_audits_per_year": THEME_AUDITS_PER_YEAR,
}
#: The columns of ``python -m qa_core select-tier2``: one row per head of service.
TIER2_COLUMNS = ["head_of_service", "head_of_service_service", "case_ref", "service_id", "team_id"]


def target_in_force(targets: pd.DataFrame, target: str, month: dt.date) -> float | None:
    """The value of ``target`` in ``month``: the row with the latest ``from_month`` not after it,
    else :data:`TARGET_DEFAULTS`.

    >>> t = pd.DataFrame({"target": ["auditors", "auditors"], "from_month": [dt.date(2018, 4, 1),
    ...                   dt.date(2019, 4, 1)], "value": [85.0, 90.0]})
    >>> target_in_force(t, "auditors", dt.date(2018, 12, 1)), target_in_force(t, "moderators", dt.date(2018, 12, 1))
    (85.0, None)
    """
    if target not in TARGETS:
        raise QAError(f"There is no audit target {target!r}: the targets are {', '.join(TARGETS)}.")
    month = first_of(month)
    rows = targets[(targets["target"] == target) & (pd.to_datetime(targets["from_month"]) <= pd.Timestamp(month))]
    if rows.empty:
        return TARGET_DEFAULTS[target]
    return float(rows.sort_values("from_month")["value"].iloc[-1])


# ------------------------------------------------------------------------------------------
# Themes
# ------------------------------------------------------------------------------------------


def theme_coverage(
    plan: pd.DataFrame, done: pd.DataFrame, months: list[dt.date], per_year: int = THEME_AUDITS_PER_YEAR
) -> pd.DataFrame:
    """Per theme over ``months`` (a year of months): how many months it was planned in and audited
    in, against ``per_year``.

    ``plan``: ``month, theme`` (the theme plan); ``done``: ``month, theme, audits`` (thematic audits
    by month). Returns one row per theme planned or audited in the months, in theme order:
    ``theme, planned_months, audited_months, audits, planned_not_audited`` (planned months with no
    audit of the theme), ``plan_meets`` (planned at least ``per_year`` times), ``meets`` (audited in
    at least ``per_year`` months), ``audited_in`` (the months audited, as 'Apr 2025, Oct 2025').

    Worked example (tests/unit/test_audit_programme_rules.py): a year with Neglect planned in April
    and October and audited in both (meets), Exploitation planned in May and November but audited
    only in May (1 of 2: not met), Pre-birth planned only in June (plan short) and audited in June
    and, unplanned, in September (2 months: met).
    """
    if not isinstance(per_year, int | np.integer) or per_year < 1:
        raise QAError(f"Each theme is audited a whole number of times a year, at least once, not {per_year!r}.")
    window = {pd.Timestamp(first_of(m)) for m in months}
    p = plan.assign(month=pd.to_datetime(plan["month"]))
    p = p[p["month"].isin(window)].drop_duplicates(["month", "theme"])
    d = done.assign(month=pd.to_datetime(done["month"]))
    d = d[d["month"].isin(window) & (d["audits"] > 0)]
    themes = sorted(set(p["theme"]) | set(d["theme"]))
    rows = []
    for theme in themes:
        planned = set(p.loc[p["theme"] == theme, "month"])
        mine = d[d["theme"] == theme]
        audited = set(mine["month"])
        rows.append(
            {
                "theme": theme,
                "planned_months": len(planned),
                "audited_months": len(audited),
                "audits": int(mine["audits"].sum()),
                "planned_not_audited": len(planned - audited),
                "plan_meets": len(planned) >= per_year,
                "meets": len(audited) >= per_year,
                "audited_in": ", ".join(f"{m:%b %Y}" for m in sorted(audited)),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "theme",
            "planned_months",
            "audited_months",
            "audits",
            "planned_not_audited",
            "plan_meets",
            "meets",
            "audited_in",
        ],
    )


# ------------------------------------------------------------------------------------------
# Auditor capacity
# ------------------------------------------------------------------------------------------

_CAPACITY_COLUMNS = [
    "month",
    "auditors",
    "joined",
    "left",
    "moved_to_moderator",
    "moderators",
    "became_moderator",
    "auditors_target",
    "auditors_short",
    "moderators_target",
    "moderators_short",
]


def _dates(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    return pd.to_datetime(frame[column])


def auditor_capacity(staff: pd.DataFrame, months: list[dt.date], targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Trained auditors and moderators at the end of each month in ``months``, what changed them,
    and the targets in force.

    ``staff``: ``auditor``, ``moderator`` (yes/no now), ``start_date``, ``end_date`` (last day in post),
    ``auditor_from`` (trained as an auditor on), ``moderator_from`` (became a moderator on); a blank date
    means from before the data, or still in post. A person audits from the later of ``start_date`` and
    ``auditor_from``, until ``end_date``; someone who no longer audits (``auditor`` no) but has an
    ``auditor_from`` before their ``moderator_from`` audited until the day they became a moderator: a
    **move to moderator**. A moderator moderates from the later of ``start_date`` and ``moderator_from``.

    Counts are at the end of the month (on its last day, after anyone whose last day it was has gone),
    so each month: auditors = last month's + joined − left − moved_to_moderator. ``became_moderator``
    counts every new moderator (movers, those who also still audit, and new staff).
    ``auditors_short`` / ``moderators_short``: how many below the target (0 when met; NA with no target).
    """
    s = staff.reset_index(drop=True)
    start, end = _dates(s, "start_date"), _dates(s, "end_date")
    a_from, m_from = _dates(s, "auditor_from"), _dates(s, "moderator_from")
    auditor = s["auditor"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    moderator = s["moderator"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    moved = ~auditor & moderator & a_from.notna().to_numpy() & m_from.notna().to_numpy() & (a_from < m_from).to_numpy()
    a_start = pd.concat([start, a_from], axis=1).max(axis=1)  # NaT only when both are blank
    a_stop = end.where(~pd.Series(moved), pd.concat([end, m_from], axis=1).min(axis=1))
    audits = auditor | moved
    m_start = pd.concat([start, m_from], axis=1).max(axis=1)
    targets = targets if targets is not None else pd.DataFrame(columns=["target", "from_month", "value"])
    rows = []
    for month in months:
        first, last = pd.Timestamp(first_of(month)), pd.Timestamp(month_end(first_of(month)))
        started = a_start.isna() | (a_start <= last)  # a blank start: in post before the data
        on_end = audits & started.to_numpy() & (a_stop.isna() | (a_stop > last)).to_numpy()
        joined = audits & a_start.between(first, last).to_numpy() & (a_stop.isna() | (a_stop >= a_start)).to_numpy()
        out = audits & a_stop.between(first, last).to_numpy() & (a_start.isna() | (a_start <= a_stop)).to_numpy()
        by_move = out & moved & (a_stop == m_from).to_numpy()
        mod_on_end = (
            moderator & (m_start.isna() | (m_start <= last)).to_numpy() & (end.isna() | (end > last)).to_numpy()
        )
        became = moderator & m_start.between(first, last).to_numpy() & (end.isna() | (end >= m_start)).to_numpy()
        want_a = target_in_force(targets, "auditors", month)
        want_m = target_in_force(targets, "moderators", month)
        n_a, n_m = int(on_end.sum()), int(mod_on_end.sum())
        rows.append(
            {
                "month": first.date(),
                "auditors": n_a,
                "joined": int(joined.sum()),
                "left": int((out & ~by_move).sum()),
                "moved_to_moderator": int(by_move.sum()),
                "moderators": n_m,
                "became_moderator": int(became.sum()),
                "auditors_target": want_a,
                "auditors_short": None if want_a is None else max(int(want_a) - n_a, 0),
                "moderators_target": want_m,
                "moderators_short": None if want_m is None else max(int(want_m) - n_m, 0),
            }
        )
    frame = pd.DataFrame(rows, columns=_CAPACITY_COLUMNS)
    for col in ("auditors_target", "moderators_target"):
        frame[col] = pd.to_numeric(frame[col]).astype("float64")
    for col in ("auditors_short", "moderators_short"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    return frame


# ------------------------------------------------------------------------------------------
# Tier 2 selection
# ------------------------------------------------------------------------------------------


#: A case audited at Tier 2 within this many months before the month is not picked again.
TIER2_LOOKBACK_MONTHS = 12


def tier2_pool(audits: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """The cases a Tier 2 audit may be picked from at the start of ``month``: every case the store knows
    (a ``case_ref`` on an audit dated before the month), at the team and service of its latest audit,
    less those audited at Tier 2 in the :data:`TIER2_LOOKBACK_MONTHS` months before the month.

    ``audits``: ``audit_id, audit_date, case_ref, tier, team_id, service_id``. Returns ``case_ref,
    service_id, team_id`` in ``case_ref`` order.
    """
    start = pd.Timestamp(first_of(month))
    since = start - pd.DateOffset(months=TIER2_LOOKBACK_MONTHS)
    a = audits.assign(audit_date=pd.to_datetime(audits["audit_date"]))
    a = a[a["case_ref"].notna() & (a["audit_date"] < start)]
    recent = set(a.loc[(a["tier"] == "tier2") & (a["audit_date"] >= since), "case_ref"])
    latest = a.sort_values(["case_ref", "audit_date", "audit_id"], kind="stable").drop_duplicates(
        "case_ref", keep="last"
    )
    latest = latest[~latest["case_ref"].isin(recent)]
    return latest[["case_ref", "service_id", "team_id"]].reset_index(drop=True)


def select_tier2(heads: pd.DataFrame, cases: pd.DataFrame, month: dt.date, seed: int) -> pd.DataFrame:
    """One case for each head of service, at random, outside their own service.

    ``heads``: ``staff_id, head_of_service`` (name), ``service_id`` (their own service; blank: no case
    can be shown to be outside it, so none is picked). ``cases``: the eligible cases, ``case_ref,
    service_id, team_id``. Heads are taken in ``staff_id`` order and cases in ``case_ref`` order, and
    one generator seeded from (``seed``, year, month) draws for each head in turn from the cases
    outside their service that no earlier head was given: the same heads, cases, month and seed give
    the same picks, whatever order the frames came in. A head with no eligible case gets a row with
    no case. Columns: ``head_staff_id`` then :data:`TIER2_COLUMNS`.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise QAError(f"The seed is a whole number of 0 or more, not {seed!r}.")
    month = first_of(month)
    rng = np.random.default_rng([int(seed), month.year, month.month])
    pool = cases.dropna(subset=["case_ref", "service_id"]).drop_duplicates("case_ref")
    pool = pool.sort_values("case_ref", kind="stable").reset_index(drop=True)
    taken = np.zeros(len(pool), dtype=bool)
    services = pool["service_id"].astype("str").to_numpy()
    rows = []
    for head in heads.sort_values("staff_id", kind="stable").itertuples(index=False):
        own = None if pd.isna(head.service_id) else str(head.service_id)
        row = {
            "head_staff_id": head.staff_id,
            "head_of_service": head.head_of_service,
            "head_of_service_service": own,
            "case_ref": None,
            "service_id": None,
            "team_id": None,
        }
        if own is not None:
            eligible = np.flatnonzero(~taken & (services != own))
            if len(eligible):
                pick = int(eligible[rng.integers(len(eligible))])
                taken[pick] = True
                case = pool.iloc[pick]
                row.update(case_ref=case["case_ref"], service_id=case["service_id"], team_id=case["team_id"])
        rows.append(row)
    return pd.DataFrame(rows, columns=["head_staff_id", *TIER2_COLUMNS])


# ------------------------------------------------------------------------------------------
# Yes/no compliance
# ------------------------------------------------------------------------------------------


def compliance_summary(answers: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Questions answered yes out of those answered, per group, with the Wilson 95% interval (in %).

    ``answers``: one row per answer with a boolean ``answer``. Returns the ``by`` columns (or
    ``group`` 'All') and ``answered, yes, pct_yes, ci_low, ci_high``.

    >>> compliance_summary(pd.DataFrame({"answer": [True] * 9 + [False]})).iloc[0][["yes", "answered"]].tolist()
    [9, 10]
    """
    if "answer" not in answers.columns:
        raise QAError("The answers need an 'answer' column (yes or no).")
    frame = answers.assign(
        _yes=answers["answer"].astype("boolean").fillna(False).astype("int64"),
        _n=answers["answer"].notna().astype("int64"),
    )
    if by:
        out = frame.groupby(by, dropna=False, sort=True)[["_n", "_yes"]].sum().reset_index()
    else:
        out = pd.DataFrame({"group": ["All"], "_n": [int(frame["_n"].sum())], "_yes": [int(frame["_yes"].sum())]})
    n, k = out["_n"].to_numpy(dtype="int64"), out["_yes"].to_numpy(dtype="int64")
    low, high = _wilson_arrays(k, n, Z_95)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct_yes"] = np.where(n > 0, k * 100.0 / n, np.nan)
    out["ci_low"], out["ci_high"] = low * 100.0, high * 100.0
    out = out.rename(columns={"_n": "answered", "_yes": "yes"})
    lead = list(by) if by else ["group"]
    return out[[*lead, "answered", "yes", "pct_yes", "ci_low", "ci_high"]]
