"""Demo case-file audits: Tier 1 by team managers, Tier 2 by heads of service, thematic
audits by the QA unit, moderation of a share, per-area grades and actions.

The share inadequate starts near 23% and moves towards 10% over the period
([Gloucestershire QA committee minutes]),
with month-to-month noise and some teams persistently weaker than others.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.demo.catalogue import AREA_DIFFICULTY, AUDIT_AREAS
from qa_core.demo.org import NameBook
from qa_core.demo.programme_data import AREAS_BY_TOOL, theme_of_month


def _grade_probs(t: np.ndarray, effect: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Probabilities of grades 1-4 per audit, from the period fraction and a team effect."""
    inad = np.clip(0.23 - 0.13 * t + effect + rng.normal(0, 0.012, t.shape), 0.02, 0.6)
    outst = 0.04 + 0.04 * t
    ri = 0.36 - 0.04 * t
    good = 1.0 - inad - outst - ri
    return np.stack([outst, good, ri, inad], axis=1)


def _draw_grades(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    cum = probs.cumsum(axis=1)
    u = rng.random(len(probs))[:, None]
    return (u > cum[:, :3]).sum(axis=1) + 1


def build_audits(
    services: pd.DataFrame,
    teams: pd.DataFrame,
    months: pd.DatetimeIndex,
    rng: np.random.Generator,
    names: NameBook,
) -> dict[str, pd.DataFrame]:
    n_months = len(months)
    month_t = np.linspace(0.0, 1.0, n_months)
    team_effect = dict(zip(teams["team_id"], rng.normal(0, 0.04, len(teams)), strict=True))
    short_teams = set(rng.choice(teams["team_id"], size=max(2, len(teams) // 10), replace=False))
    qa_officers = names.take(3)
    moderators = names.take(2)

    # Tier 1: each team manager audits about 4 a month; a few fall short persistently.
    per_team = []
    for team in teams.itertuples():
        p = [0.02, 0.03, 0.05, 0.10, 0.77, 0.03] if team.team_id not in short_teams else \
            [0.10, 0.20, 0.35, 0.25, 0.10, 0.0]
        counts = rng.choice(6, size=n_months, p=p)
        per_team.append(pd.DataFrame({
            "month_idx": np.repeat(np.arange(n_months), counts),
            "team_id": team.team_id, "service_id": team.service_id,
            "auditor": team.manager, "auditor_role": "team_manager",
            "auditor_service": team.service_id, "tier": "tier1", "tool": "Generic (2A)",
        }))
    tier1 = pd.concat(per_team, ignore_index=True)
    court = tier1["team_id"].str.startswith("cp_court") & (rng.random(len(tier1)) < 0.3)
    tier1.loc[court, "tool"] = "PLO (2B)"

    # Tier 2: each head of service audits one case a month outside their own service.
    hos = services[["service_id", "head_of_service"]].to_numpy()
    idx = np.repeat(np.arange(len(hos)), n_months)
    done = rng.random(len(idx)) < 0.93
    idx, month_idx = idx[done], np.tile(np.arange(n_months), len(hos))[done]
    other_teams = [teams[teams["service_id"] != sid] for sid, _ in hos]
    picks = [other_teams[i].iloc[rng.integers(len(other_teams[i]))] for i in idx]
    tier2 = pd.DataFrame({
        "month_idx": month_idx,
        "team_id": [p.team_id for p in picks], "service_id": [p.service_id for p in picks],
        "auditor": hos[idx, 1], "auditor_role": "head_of_service", "auditor_service": hos[idx, 0],
        "tier": "tier2", "tool": "Head of Service (App. 4)",
    })

    # Thematic audits by the QA unit.
    n_thematic = rng.poisson(2 + len(teams) // 6, size=n_months)
    t_month = np.repeat(np.arange(n_months), n_thematic)
    t_team = teams.iloc[rng.integers(len(teams), size=len(t_month))]
    thematic = pd.DataFrame({
        "month_idx": t_month, "team_id": t_team["team_id"].to_numpy(),
        "service_id": t_team["service_id"].to_numpy(),
        "auditor": rng.choice(qa_officers, size=len(t_month)), "auditor_role": "qa_officer",
        "auditor_service": None, "tier": "thematic",
        "tool": ["Thematic: " + theme_of_month(int(m)) for m in t_month],
    })

    audits = pd.concat([tier1, tier2, thematic], ignore_index=True)
    audits = audits.sort_values(["month_idx", "team_id", "tier"], kind="stable").reset_index(drop=True)
    n = len(audits)
    effect = audits["team_id"].map(team_effect).to_numpy() + np.where(
        audits["team_id"].isin(short_teams), 0.05, 0.0)
    grades = _draw_grades(_grade_probs(month_t[audits["month_idx"]], effect, rng), rng)
    audits["overall_grade"] = grades.astype("int8")

    moderated = rng.random(n) < 0.15
    shift = rng.choice([-1, 0, 1], size=n, p=[0.08, 0.76, 0.16])
    mod_grade = np.clip(grades + shift, 1, 4)
    audits["moderated_grade"] = pd.array(np.where(moderated, mod_grade, 0), dtype="Int8")
    audits.loc[~moderated, "moderated_grade"] = pd.NA
    audits["moderator"] = np.where(moderated, rng.choice(moderators, size=n), None)

    day = rng.integers(1, 29, size=n)
    audits["audit_date"] = (months[audits["month_idx"]] + pd.to_timedelta(day - 1, unit="D")).date
    month_key = months[audits["month_idx"]].strftime("%Y%m")
    seq = audits.groupby("month_idx").cumcount() + 1
    audits["audit_id"] = "AUD-" + month_key + "-" + seq.astype(str).str.zfill(4)
    audits["case_ref"] = "CR" + pd.Series(rng.integers(100000, 999999, size=n)).astype(str)

    areas = _area_grades(audits, rng)
    actions = _actions(audits, months, rng, names)
    audit = audits.drop(columns=["month_idx"])
    return {"audit": audit, "audit_area_grade": areas, "audit_action": actions}


def _area_grades(audits: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Per-area grades for Tier 1 and Tier 2 audits, scattered around the overall grade, named by each
    audit's tool (its eight areas, ``programme_data.TOOLS``)."""
    graded = audits[audits["tier"].isin(["tier1", "tier2"])]
    n, k = len(graded), len(AUDIT_AREAS)
    difficulty = np.array([AREA_DIFFICULTY[a] for a in AUDIT_AREAS])
    raw = graded["overall_grade"].to_numpy()[:, None] + rng.normal(difficulty * 0.5, 0.6, (n, k))
    grade = np.clip(np.rint(raw), 1, 4).astype("int8")
    return pd.DataFrame({
        "audit_id": np.repeat(graded["audit_id"].to_numpy(), k),
        "area": np.array([AREAS_BY_TOOL[t] for t in graded["tool"]], dtype=object).reshape(n * k) if n else [],
        "grade": grade.ravel(),
    })


def _actions(audits: pd.DataFrame, months: pd.DatetimeIndex, rng: np.random.Generator,
             names: NameBook) -> pd.DataFrame:
    """One or two actions for each audit graded Requires Improvement or Inadequate."""
    workers = names.take(40)
    weak = audits[audits["overall_grade"] >= 3]
    count = rng.integers(1, 3, size=len(weak))
    src = weak.loc[weak.index.repeat(count)].reset_index(drop=True)
    n = len(src)
    audit_date = pd.to_datetime(src["audit_date"])
    due = audit_date + pd.to_timedelta(np.where(src["tier"] == "thematic", 5,
                                                rng.integers(7, 29, size=n)), unit="D")
    end = months[-1] + pd.offsets.MonthEnd(0)
    age_days = (end - due).dt.days.to_numpy()
    p_done = np.clip(0.55 + age_days / 150, 0.3, 0.97)
    done = rng.random(n) < p_done
    completed = due + pd.to_timedelta(rng.integers(-6, 12, size=n), unit="D")
    completed = completed.where(done & (completed <= end))
    texts = ["Update the chronology", "Complete a risk assessment", "Record the child's views",
             "Review the plan with the family", "Arrange a strategy discussion",
             "Evidence management oversight on file", "Complete direct work sessions",
             "Update the assessment"]
    action_no = src.groupby("audit_id").cumcount() + 1
    return pd.DataFrame({
        "action_id": src["audit_id"] + "-" + action_no.astype(str),
        "audit_id": src["audit_id"],
        "description": rng.choice(texts, size=n),
        "owner": rng.choice(workers, size=n),
        "due_date": due.dt.date,
        "completed_date": completed.dt.date,
    })
