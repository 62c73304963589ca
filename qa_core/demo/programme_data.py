"""The demo council's audit programme: its tools (the QA framework's appendices 2A, 2B, 4 and 11, and
a tool per thematic audit), the thematic plan, its targets, supervision file audits answered yes or
no, escalation records, a few trained auditors who joined, left or moved to moderating, and the Tier 2
allocation of the last month (the heads of service then audit the cases picked for them).

Every draw here comes from a generator of its own (seeded from the demo's seed), so the rest of the
demo council is what it was before the programme was added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.demo.org import NameBook, email
from qa_core.rules.audit_programme import select_tier2, tier2_pool
from qa_core.rules.audits import escalations
from qa_core.rules.deadlines import add_working_days

THEMES = ["Neglect", "Exploitation", "Domestic abuse", "Pre-birth", "Missing children"]
THEMATIC_ITEMS = [
    "Recognition of the risks of the theme",
    "Multi-agency response",
    "Voice of the child",
    "Impact of the plan on the child",
]
SUPERVISION_QUESTIONS = [
    "Is the supervision file structured in accordance with Supervision Policy?",
    "Does the frequency and duration of supervision meet minimum standards?",
    "Has a Supervision Agreement been completed between the supervisee and supervisor?",
    "Is the record of each session detailed, legible, dated and signed by both?",
    "Is there evidence that the supervisor has acted on the concerns raised by the supervisee?",
    "Does supervision cover workload, welfare and the HCPC standards?",
    "Are decisions about service users also recorded on the case file and signed by the manager?",
    "Has the supervisor acted on the supervisee's performance, training and development needs?",
    "Has the supervisee's attendance been managed in line with the Managers Toolkit?",
    "Is an observation of the supervisor's supervision skills needed?",
]
#: Each graded tool's eight areas, in the order the demo's area grades are drawn (the first slot is the
#: one audits find a little weaker than the overall grade, and so on: ``catalogue.AREA_DIFFICULTY``).
TOOLS: list[dict] = [
    dict(
        tool_id="generic_2a",
        name="Generic (2A)",
        grading="graded",
        tier="tier1",
        source="QA framework, appendix 2A (Tier 1 generic audit tool)",
        items=[
            ("Referral and liaison with key agencies", None),
            ("Consideration and analysis of risk", None),
            ("Voice, wishes and feelings of the child", None),
            ("Quality of analysis", None),
            ("Quality of planning", None),
            ("Planning addresses specific needs", None),
            ("Monitoring of the plan", None),
            ("Personal education plan (children in care)", None),
        ],
    ),
    dict(
        tool_id="plo_2b",
        name="PLO (2B)",
        grading="graded",
        tier="tier1",
        source="QA framework, appendix 2B (Tier 1 Public Law Outline audit tool)",
        items=[
            ("Basic details up to date", None),
            ("Chronology up to date", None),
            ("Management oversight and decisions", None),
            ("Legal documents uploaded", None),
            ("Legal dates recorded", None),
            ("Permanence planned early", None),
            ("IRO part of the legal process", None),
            ("26-week timescale", None),
        ],
    ),
    dict(
        tool_id="hos_tier2",
        name="Head of Service (App. 4)",
        grading="graded",
        tier="tier2",
        source="QA framework, appendix 4 (Tier 2 head of service audit tool)",
        items=[
            ("Quality of the referral information", "Referral"),
            ("Quality of risk and need assessment", "Assessment"),
            ("Child's wishes and feelings taken into account", "Assessment"),
            ("Analysis of the child's unmet needs", "Analysis"),
            ("Quality of the plan", "Outcome"),
            ("Management oversight", "Monitoring and management oversight"),
            ("Child seen regularly and alone", "Monitoring and management oversight"),
            ("Case recording", "General observations"),
        ],
    ),
    dict(
        tool_id="supervision_11",
        name="Supervision file audit (App. 11)",
        grading="yes_no",
        tier="supervision",
        source="QA framework, appendix 11 (supervision file audit tool)",
        items=[(q, None) for q in SUPERVISION_QUESTIONS],
    ),
    *[
        dict(
            tool_id=f"thematic_{t.lower().replace(' ', '_')}",
            name=f"Thematic: {t}",
            grading="graded",
            tier="thematic",
            source="Safeguarding unit thematic audit",
            items=[(i, None) for i in THEMATIC_ITEMS],
        )
        for t in THEMES
    ],
]
AREAS_BY_TOOL = {t["name"]: [i for i, _ in t["items"]] for t in TOOLS if t["grading"] == "graded"}
SUPERVISION_TOOL = next(t["name"] for t in TOOLS if t["tool_id"] == "supervision_11")


def theme_of_month(month_idx: int) -> str:
    """The demo's thematic plan: the five themes in turn, one a month, so each comes round at least
    twice in any twelve months."""
    return THEMES[month_idx % len(THEMES)]


def tool_frames() -> dict[str, pd.DataFrame]:
    tools = pd.DataFrame(
        [
            {k: t[k] for k in ("tool_id", "name", "grading", "tier", "source")} | {"sort_order": n}
            for n, t in enumerate(TOOLS, start=1)
        ]
    )
    items = pd.DataFrame(
        [
            dict(tool_id=t["tool_id"], seq=k, item=item, section=section)
            for t in TOOLS
            for k, (item, section) in enumerate(t["items"], start=1)
        ]
    )
    return {"audit_tool": tools, "audit_tool_item": items}


def theme_plan(months: pd.DatetimeIndex) -> pd.DataFrame:
    ids = {t["name"]: t["tool_id"] for t in TOOLS}
    return pd.DataFrame(
        [
            dict(month=m.date(), theme=theme_of_month(k), tool_id=ids[f"Thematic: {theme_of_month(k)}"])
            for k, m in enumerate(months)
        ]
    )


def targets(months: pd.DatetimeIndex) -> pd.DataFrame:
    first = months[0].date()
    return pd.DataFrame(
        [
            dict(target="auditors", from_month=first, value=36.0),
            dict(target="auditors", from_month=months[-12].date(), value=40.0),
            dict(target="moderators", from_month=first, value=4.0),
            dict(target="escalation_working_days", from_month=first, value=5.0),
            dict(target="remedial_working_days", from_month=first, value=5.0),
            dict(target="theme_audits_per_year", from_month=first, value=2.0),
        ]
    )


def supervision_audits(
    teams: pd.DataFrame, months: pd.DatetimeIndex, officers: list[str], rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three supervision file audits a month by the QA unit, each answering the ten questions yes or no
    (more often yes as the period goes on); no grade."""
    rows, answers = [], []
    for k, month in enumerate(months):
        p_yes = 0.62 + 0.2 * k / max(len(months) - 1, 1)
        for n in range(3):
            team = teams.iloc[int(rng.integers(len(teams)))]
            audit_id = f"SUP-{month:%Y%m}-{n + 1:02d}"
            rows.append(
                dict(
                    audit_id=audit_id,
                    audit_date=(month + pd.Timedelta(days=int(rng.integers(0, 27)))).date(),
                    tier="supervision",
                    tool=SUPERVISION_TOOL,
                    case_ref=None,
                    team_id=team.team_id,
                    service_id=team.service_id,
                    auditor=officers[int(rng.integers(len(officers)))],
                    auditor_role="qa_officer",
                    auditor_service=None,
                    overall_grade=None,
                    moderated_grade=None,
                    moderator=None,
                )
            )
            for question in SUPERVISION_QUESTIONS:
                answers.append(dict(audit_id=audit_id, item=question, answer=bool(rng.random() < p_yes)))
    frame = pd.DataFrame(rows)
    frame["overall_grade"] = pd.array(frame["overall_grade"], dtype="Int8")
    frame["moderated_grade"] = pd.array(frame["moderated_grade"], dtype="Int8")
    return frame, pd.DataFrame(answers)


def extra_staff(months: pd.DatetimeIndex, names: NameBook, first_number: int) -> pd.DataFrame:
    """Practice managers trained as auditors: two trained during the period, a new starter, a leaver, one
    who moved to moderating and stopped auditing, and one who moderates as well as auditing."""
    people = names.take(6)
    day = pd.Timedelta(days=1)
    spec = [
        dict(
            auditor=True,
            moderator=False,
            start_date=None,
            end_date=None,
            auditor_from=months[6] + 9 * day,
            moderator_from=None,
        ),
        dict(
            auditor=True,
            moderator=False,
            start_date=None,
            end_date=None,
            auditor_from=months[-8] + 14 * day,
            moderator_from=None,
        ),
        dict(
            auditor=True,
            moderator=False,
            start_date=months[-5] + 6 * day,
            end_date=None,
            auditor_from=None,
            moderator_from=None,
        ),
        dict(
            auditor=True,
            moderator=False,
            start_date=None,
            end_date=months[-3] + 19 * day,
            auditor_from=None,
            moderator_from=None,
        ),
        dict(
            auditor=False,
            moderator=True,
            start_date=None,
            end_date=None,
            auditor_from=months[2],
            moderator_from=months[-2] + 9 * day,
        ),
        dict(
            auditor=True,
            moderator=True,
            start_date=None,
            end_date=None,
            auditor_from=None,
            moderator_from=months[-6] + 2 * day,
        ),
    ]
    rows = []
    for k, (name, extra) in enumerate(zip(people, spec, strict=True)):
        row = dict(
            staff_id=f"KV{first_number + k:04d}",
            name=name,
            email=email(name),
            role="practice_manager",
            team_id=None,
            service_id=None,
            **extra,
        )
        rows.append({c: (v.date() if isinstance(v, pd.Timestamp) else v) for c, v in row.items()})
    return pd.DataFrame(rows)


def allocate_tier2(
    audit: pd.DataFrame, services: pd.DataFrame, heads: pd.Series, month: pd.Timestamp, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The month's Tier 2 allocation (as ``select-tier2 --seed SEED`` picks it) and the audits with each
    head of service's Tier 2 audit that month moved to the case picked for them."""
    frame = pd.DataFrame(
        {
            "staff_id": heads.to_numpy(),
            "head_of_service": services["head_of_service"].to_numpy(),
            "service_id": services["service_id"].to_numpy(),
        }
    )
    picks = select_tier2(frame, tier2_pool(audit, month.date()), month.date(), seed)
    allocation = pd.DataFrame(
        {
            "month": month.date(),
            "head_staff_id": picks["head_staff_id"],
            "head_of_service": picks["head_of_service"],
            "head_service_id": picks["head_of_service_service"],
            "case_ref": picks["case_ref"],
            "service_id": picks["service_id"],
            "team_id": picks["team_id"],
            "seed": seed,
            "selected_at": month + pd.Timedelta(hours=9),
            "selected_by": "demo",
        }
    )
    audit = audit.copy()
    in_month = (pd.to_datetime(audit["audit_date"]) >= month) & (
        pd.to_datetime(audit["audit_date"]) < month + pd.offsets.MonthBegin(1)
    )
    for pick in picks.dropna(subset=["case_ref"]).itertuples(index=False):
        mine = in_month & (audit["tier"] == "tier2") & (audit["auditor_id"] == pick.head_staff_id)
        if mine.any():
            first = audit.index[mine][0]
            audit.loc[first, ["case_ref", "team_id", "service_id"]] = [pick.case_ref, pick.team_id, pick.service_id]
    return allocation, audit


def escalation_records(
    audit: pd.DataFrame,
    services: pd.DataFrame,
    teams: pd.DataFrame,
    director: str,
    end: pd.Timestamp,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Who was told of each graded audit's grade and when: most within a few working days, some late,
    and in the last two months some not yet recorded (so overdue ones show)."""
    graded = audit[audit["overall_grade"].notna()]
    notify = escalations(graded[["audit_id", "overall_grade", "moderated_grade", "has_iro"]])
    info = graded.set_index("audit_id")
    notify["audit_date"] = pd.to_datetime(info.loc[notify["audit_id"], "audit_date"].to_numpy())
    late = rng.choice([0, 1, 2, 3, 4, 5, 6, 8], size=len(notify), p=[0.1, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.03])
    recent = notify["audit_date"] >= end - pd.offsets.MonthBegin(2)
    kept = rng.random(len(notify)) >= np.where(recent, 0.15, 0.03)
    told = pd.Series([None] * len(notify), index=notify.index, dtype="object")
    for k in np.unique(late):
        at = late == k
        told[at] = add_working_days(notify.loc[at, "audit_date"].dt.date, int(k)).to_numpy()
    notify["told_on"] = told
    notify = notify[kept & (pd.to_datetime(notify["told_on"]) <= end)].copy()
    heads = dict(zip(services["service_id"], services["head_of_service"], strict=True))
    managers = dict(zip(teams["team_id"], teams["manager"], strict=True))
    service = info.loc[notify["audit_id"], "service_id"].to_numpy()
    team = info.loc[notify["audit_id"], "team_id"].to_numpy()
    role = notify["notify_role"].to_numpy()
    notify["told_name"] = np.select(
        [role == "head_of_service", role == "team_manager", role == "assistant_director"],
        [pd.Series(service).map(heads), pd.Series(team).map(managers), np.full(len(role), director)],
        None,
    )
    notify["recorded_by"] = info.loc[notify["audit_id"], "auditor"].to_numpy()
    notify["recorded_at"] = pd.to_datetime(notify["told_on"])  # as an import of the records would date them
    return notify[["audit_id", "notify_role", "told_name", "told_on", "recorded_by", "recorded_at"]].reset_index(
        drop=True
    )
