"""Demo improvement plan: ~12 areas, monthly RAG history, priorities (some overdue, some rated by
their lead with the evidence for it), and progress/risk narrative naming its evidence (the shape of
`[Southampton RAG at a glance]`, where a lead amends one priority's rating to Amber "whilst this is
undertaken")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.demo.catalogue import PLAN_AREAS
from qa_core.demo.org import NameBook

RAG_STEPS = ["Red", "Amber", "Yellow", "Green", "Blue"]
PLAN_MONTHS = 18

DEVELOPMENTS = [
    "New practice standards launched with all team managers",
    "Audit moderation panel now meets fortnightly",
    "Recruitment campaign filled {n} social worker posts",
    "Weekly performance huddles introduced in every team",
    "Practice week held with partner agencies",
]
RISKS = [
    "Agency staff turnover may slow progress",
    "Demand rose {n}% on last quarter",
    "Case management system upgrade may disrupt reporting",
    "Key posts remain vacant pending recruitment",
]
#: What a lead cites when rating an open priority themselves (the second priority of an area, when open).
LEAD_EVIDENCE = [
    "Rated by the lead: the cohort audit is still under way (audit plan and QA board minutes)",
    "Rated by the lead: two of five teams have not yet trained (training log)",
    "Rated by the lead: the partner agency has not yet signed the protocol (partnership board minutes)",
]
EVIDENCE = [
    "Monthly performance report; Tier 1 audit summary",
    "Moderation log; QA board minutes",
    "Workforce dashboard; exit interviews",
    "Performance clinic minutes; team profiles",
    "Thematic audit report",
]


def build_plan(months: pd.DatetimeIndex, rng: np.random.Generator, names: NameBook) -> dict[str, pd.DataFrame]:
    plan_months = months[-PLAN_MONTHS:]
    end = months[-1] + pd.offsets.MonthEnd(0)
    leads = names.take(len(PLAN_AREAS))
    areas, rags, priorities, narrative = [], [], [], []
    for i, ((name, recommendation), lead) in enumerate(zip(PLAN_AREAS, leads, strict=True), start=1):
        area_id = f"AREA{i:02d}"
        areas.append(dict(area_id=area_id, name=name, lead=lead,
                          ofsted_recommendation=recommendation, sort_order=i))
        # Start Red or Amber and drift upward, with occasional steps back.
        level = int(rng.integers(0, 2))
        for m, month in enumerate(plan_months):
            if m and m % 3 == 0:
                level += int(rng.choice([-1, 0, 1, 1], p=[0.2, 0.35, 0.3, 0.15]))
            level = min(max(level, 0), 3 if m < len(plan_months) - 1 else 4)
            # Yellow is seen in one area only ([Southampton RAG at a glance]); others skip it.
            step = RAG_STEPS[level]
            if step == "Yellow" and name != "Fostering":
                step = "Green" if rng.random() < 0.5 else "Amber"
            rags.append(dict(area_id=area_id, month=month.date(), rag=step))
        # A sharp change in the last month for some areas, so the exception report has work.
        if i % 4 == 1:
            rags[-1]["rag"] = "Red" if rags[-2]["rag"] != "Red" else "Amber"
        for p in range(1, int(rng.integers(3, 6)) + 1):
            target = plan_months[0] + pd.DateOffset(months=int(rng.integers(2, PLAN_MONTHS + 4)))
            target = (target + pd.offsets.MonthEnd(0)).date()
            late = rng.random() < 0.25
            finished = target <= end.date() and not late
            completed = (pd.Timestamp(target) - pd.Timedelta(days=int(rng.integers(0, 40)))).date() \
                if finished else None
            # The lead rates an open second priority that is not yet due Amber, at risk though its date has not
            # passed (no random draw, so the rest of the demo is unchanged).
            lead_rag = "Amber" if p == 2 and completed is None and target >= end.date() else None
            priorities.append(dict(priority_id=f"{area_id}-P{p}", area_id=area_id,
                                   description=f"{name}: priority {p}: " + _priority_text(name, p),
                                   target_date=target, completed_date=completed, rag=lead_rag,
                                   evidence=LEAD_EVIDENCE[i % len(LEAD_EVIDENCE)] if lead_rag else None))
        for month in plan_months[-3:]:
            narrative.append(dict(area_id=area_id, month=month.date(), kind="development", seq=1,
                                  text=rng.choice(DEVELOPMENTS).format(n=int(rng.integers(2, 9))),
                                  evidence=rng.choice(EVIDENCE)))
            narrative.append(dict(area_id=area_id, month=month.date(), kind="risk", seq=1,
                                  text=rng.choice(RISKS).format(n=int(rng.integers(3, 15))),
                                  evidence=None))
            narrative.append(dict(area_id=area_id, month=month.date(), kind="progress", seq=1,
                                  text=f"Progress in {name.lower()} is reviewed monthly; "
                                       "the evidence is named alongside.",
                                  evidence=rng.choice(EVIDENCE)))
    return {
        "plan_area": pd.DataFrame(areas),
        "plan_area_rag": pd.DataFrame(rags),
        "plan_priority": pd.DataFrame(priorities),
        "plan_narrative": pd.DataFrame(narrative),
    }


def _priority_text(area: str, p: int) -> str:
    verbs = ["embed", "review", "reduce delay in", "strengthen oversight of", "audit", "train staff in"]
    return f"{verbs[(len(area) + p) % len(verbs)]} {area.lower()} practice"
