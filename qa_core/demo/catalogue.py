"""The demo council's indicator catalogue and how each measure behaves over time.

The measures are the clinic measures of docs/domain.md (`[Rochdale QA framework]` section 2.1 and
`[Southampton RAG at a glance]`).
``shape`` says how the demo series moves, so the clinic has real signals to find:
``base`` is the level at the start (a proportion for %, the value otherwise), ``drift``
the change over the whole period, ``shift`` a step of ``(months_from_end, delta)`` for the
last months, ``spike`` a one-month jump ``(months_from_end, delta)``, ``sd_team`` the spread
between teams, ``den`` the typical monthly denominator per team.
"""

from __future__ import annotations

from typing import Any

ALL = "all"

# code, name, theme, unit, polarity, target, rule, tolerance, services, published, shape; min_denominator where a
# figure on fewer cases than the default (5) is still worth rating (a team's caseload over its 4 workers is)
INDICATORS: list[dict[str, Any]] = [
    dict(code="CONTACT_24H", name="Contacts with a decision within 24 hours", theme="Safeguarding activity",
         unit="%", polarity="up", target=90, rag_rule="tolerance", tolerance=5, services=["front_door"],
         shape=dict(base=0.84, drift=0.0, shift=(9, 0.07), den=260, sd_team=0.03)),
    dict(code="STEPDOWN_EH", name="Contacts stepped down to early help", theme="Safeguarding activity",
         unit="%", polarity="neutral", target=None, rag_rule="none", tolerance=0, services=["front_door"],
         shape=dict(base=0.18, drift=0.03, den=260, sd_team=0.03)),
    dict(code="ALLOC_48H", name="Referrals allocated within 48 hours", theme="Quality and timeliness",
         unit="%", polarity="up", target=95, rag_rule="travel", tolerance=3, services=["front_door", "assessment"],
         shape=dict(base=0.92, drift=0.02, den=60, sd_team=0.02)),
    dict(code="STRAT_1WD", name="Strategy discussions within 1 working day", theme="Quality and timeliness",
         unit="%", polarity="up", target=90, rag_rule="tolerance", tolerance=5, services=["front_door", "assessment"],
         shape=dict(base=0.86, drift=0.03, den=25, sd_team=0.03)),
    dict(code="REREF_12M", name="Re-referrals within 12 months", theme="Safeguarding activity",
         unit="%", polarity="down", target=20, rag_rule="travel", tolerance=2, services=["front_door"],
         published="ReReferral", shape=dict(base=0.25, drift=-0.05, den=70, sd_team=0.02)),
    dict(code="ASSESS_45WD", name="Assessments completed within 45 working days", theme="Quality and timeliness",
         unit="%", polarity="up", target=85, rag_rule="travel", tolerance=5, services=["assessment"],
         published="Continue_Assess_Comp", shape=dict(base=0.86, drift=0.0, shift=(8, -0.11), den=45, sd_team=0.03)),
    dict(code="UNALLOC_ASSESS", name="Assessments unallocated at month end", theme="Management of resources",
         unit="count", polarity="down", target=0, rag_rule="tolerance", tolerance=3, services=["assessment"],
         aggregation="sum", shape=dict(base=4.0, drift=-2.0, den=None, sd_team=1.0)),
    dict(code="S47_NO_ICPC", name="Section 47 enquiries not leading to an ICPC", theme="Quality and timeliness",
         unit="%", polarity="neutral", target=None, rag_rule="none", tolerance=0, services=["assessment"],
         shape=dict(base=0.62, drift=0.02, den=18, sd_team=0.04)),
    dict(code="ICPC_15WD", name="ICPCs within 15 working days of the strategy discussion", theme="Quality and timeliness",
         unit="%", polarity="up", target=85, rag_rule="tolerance", tolerance=5, services=["cp_court"],
         published="CP_conf_15days", shape=dict(base=0.83, drift=0.02, den=12, sd_team=0.04)),
    dict(code="CP_REVIEW_TIMELY", name="Child protection reviews within timescale", theme="Quality and timeliness",
         unit="%", polarity="up", target=95, rag_rule="tolerance", tolerance=3, services=["cp_court"],
         published="RevCP", shape=dict(base=0.93, drift=0.03, den=20, sd_team=0.02)),
    dict(code="CPP_SUBSEQ", name="Child protection plans that are a second or subsequent plan", theme="Outcomes",
         unit="%", polarity="down", target=20, rag_rule="travel", tolerance=3, services=["cp_court"],
         published="PrevRegCPR", shape=dict(base=0.24, drift=-0.03, den=10, sd_team=0.03)),
    dict(code="CPP_2YRS", name="Child protection plans lasting 2 years or more", theme="Outcomes",
         unit="%", polarity="down", target=3, rag_rule="tolerance", tolerance=1, services=["cp_court"],
         published="CPPlans2yrs", shape=dict(base=0.045, drift=-0.015, den=9, sd_team=0.01)),
    dict(code="CP_VISITS", name="Children on a plan visited within 10 working days", theme="Quality of plans",
         unit="%", polarity="up", target=90, rag_rule="tolerance", tolerance=5, services=["cp_court"],
         shape=dict(base=0.88, drift=0.03, den=40, sd_team=0.03)),
    dict(code="PLO_26WK", name="Care proceedings completed within 26 weeks", theme="Quality and timeliness",
         unit="%", polarity="up", target=60, rag_rule="travel", tolerance=5, services=["cp_court"],
         shape=dict(base=0.45, drift=0.05, den=4, sd_team=0.05)),
    dict(code="CLA_REVIEW_PART", name="Cared for children participating in their reviews", theme="Outcomes",
         unit="%", polarity="up", target=90, rag_rule="tolerance", tolerance=5, services=["children_in_care"],
         shape=dict(base=0.85, drift=0.04, den=30, sd_team=0.03)),
    dict(code="CLA_VISITS", name="Cared for children visited within timescale", theme="Quality of plans",
         unit="%", polarity="up", target=95, rag_rule="tolerance", tolerance=3, services=["children_in_care"],
         shape=dict(base=0.94, drift=0.0, spike=(2, -0.12), den=55, sd_team=0.015)),
    dict(code="CLA_PLACEMENT_3", name="Cared for children with 3 or more placements in the year", theme="Outcomes",
         unit="%", polarity="down", target=10, rag_rule="travel", tolerance=1, services=["children_in_care"],
         published="LACStable_2016on", shape=dict(base=0.11, drift=-0.01, den=60, sd_team=0.015)),
    dict(code="RHI_72H", name="Return home interviews within 72 hours", theme="Quality and timeliness",
         unit="%", polarity="up", target=90, rag_rule="tolerance", tolerance=5, services=["children_in_care"],
         shape=dict(base=0.70, drift=0.15, den=12, sd_team=0.05)),
    dict(code="ADOPT_DAYS", name="Average days from entering care to adoption", theme="Outcomes",
         unit="days", polarity="down", target=426, rag_rule="travel", tolerance=30, services=["children_in_care"],
         shape=dict(base=520, drift=-60, den=1.2, sd_team=40)),
    dict(code="CL_ACCOM", name="Care leavers in suitable accommodation", theme="Outcomes",
         unit="%", polarity="up", target=85, rag_rule="tolerance", tolerance=5, services=["care_leavers"],
         published="CareLeaverAcc", shape=dict(base=0.94, drift=0.0, den=70, sd_team=0.01)),
    dict(code="CL_EET", name="Care leavers in education, employment or training", theme="Outcomes",
         unit="%", polarity="up", target=60, rag_rule="travel", tolerance=5, services=["care_leavers"],
         published="CareLeaverEET", shape=dict(base=0.52, drift=0.05, den=70, sd_team=0.03)),
    dict(code="CL_PATHWAY", name="Care leavers with an up-to-date pathway plan", theme="Quality of plans",
         unit="%", polarity="up", target=95, rag_rule="tolerance", tolerance=3, services=["care_leavers"],
         shape=dict(base=0.90, drift=0.04, den=70, sd_team=0.02)),
    dict(code="CWD_VISITS", name="Children with disabilities visited within timescale", theme="Quality of plans",
         unit="%", polarity="up", target=90, rag_rule="tolerance", tolerance=5, services=["disabilities"],
         shape=dict(base=0.82, drift=0.06, den=35, sd_team=0.03)),
    dict(code="CWD_REVIEWS", name="Child in need plans reviewed within timescale", theme="Quality of plans",
         unit="%", polarity="up", target=90, rag_rule="travel", tolerance=5, services=["disabilities"],
         # The step is the process change the demo records (demo/clinic_data.py): 14 months back.
         shape=dict(base=0.80, drift=0.0, shift=(14, 0.08), den=30, sd_team=0.03)),
    dict(code="SUPERVISION", name="Supervision within timescale", theme="Management of resources",
         unit="%", polarity="up", target=90, rag_rule="tolerance", tolerance=5, services=[ALL],
         shape=dict(base=0.82, drift=0.06, den=14, sd_team=0.04)),
    dict(code="CASELOAD", name="Average caseload per social worker", theme="Management of resources",
         unit="number", polarity="down", target=18, rag_rule="tolerance", tolerance=2, services=[ALL],
         min_denominator=1, published="Work_Force_AvgNumCase_SW", shape=dict(base=20.5, drift=-1.5, den=8, sd_team=2.0)),
    dict(code="AGENCY_PCT", name="Social workers employed through an agency", theme="Management of resources",
         unit="%", polarity="down", target=15, rag_rule="tolerance", tolerance=3, services=[ALL],
         published="Work_Force_Agecy_Rate", shape=dict(base=0.27, drift=-0.02, den=9, sd_team=0.04)),
    dict(code="SICKNESS_DAYS", name="Sickness days per employee (rolling 12 months)", theme="Management of resources",
         unit="days", polarity="down", target=5, rag_rule="tolerance", tolerance=1, services=[ALL],
         shape=dict(base=14.1, drift=-2.0, den=10, sd_team=1.5)),
]

SERVICES: list[tuple[str, str, list[str]]] = [
    # service_id, name, team name stems (small scale: one team per stem)
    ("front_door", "Front Door and MASH", ["MASH Team A", "MASH Team B", "Early Help Hub", "Out of Hours"]),
    ("assessment", "Assessment", ["Assessment North", "Assessment South", "Assessment East",
                                  "Assessment West"]),
    ("cp_court", "Child Protection and Court", ["Safeguarding 1", "Safeguarding 2", "Safeguarding 3",
                                                "Court and PLO"]),
    ("children_in_care", "Children in Care", ["Cared For 1", "Cared For 2", "Permanence",
                                              "Fostering Support"]),
    ("care_leavers", "Care Leavers", ["Leaving Care North", "Leaving Care South", "Staying Close",
                                      "Pathways"]),
    ("disabilities", "Children with Disabilities", ["Disabilities 0-11", "Disabilities 12-17",
                                                    "Short Breaks", "Transitions"]),
]

# Areas of the generic Tier 1 audit tool ([Rochdale QA framework] appendix 2A, in our words).
AUDIT_AREAS = [
    "Chronology",
    "Risk assessment",
    "Voice of the child",
    "Assessment quality",
    "Plan is SMART",
    "Management oversight",
    "Supervision",
    "Direct work",
]

# How much worse than the overall grade mix each area tends to be (log-odds shift).
AREA_DIFFICULTY = {
    "Chronology": 0.3,
    "Risk assessment": 0.5,
    "Voice of the child": 0.6,
    "Assessment quality": -0.4,
    "Plan is SMART": 0.2,
    "Management oversight": 0.1,
    "Supervision": 0.4,
    "Direct work": 0.5,
}

PLAN_AREAS = [
    ("Leadership and Stability", "Improve the stability of the leadership team and the workforce"),
    ("Quality Assurance", "Ensure audits lead to learning and better practice"),
    ("Early Help", "Strengthen the early help offer and step-down"),
    ("MASH", "Improve the timeliness of decisions at the front door"),
    ("Assessment", "Ensure assessments are timely and analyse risk"),
    ("Child Protection", "Ensure plans are specific and reduce drift"),
    ("Public Law Outline", "Use pre-proceedings to avoid delay for children"),
    ("Looked after Children", "Ensure children's voices shape their plans"),
    ("Care Leavers", "Improve accommodation and EET for care leavers"),
    ("Fostering", "Increase the number of in-house foster carers"),
    ("Adoption", "Reduce the time children wait for adoption"),
    ("Participation", "Embed the voice of children across the service"),
]

RISKS = [
    ("CSR001", "cp_court", "Practice is not of consistent quality, risking serious harm to a child"),
    ("CSR002", None, "Workforce instability: vacancies and agency reliance reduce practice quality"),
    ("CSR003", "front_door", "Demand at the front door exceeds capacity, delaying decisions"),
    ("CSR004", "children_in_care", "Insufficient local placements for children in care"),
    ("CSR005", None, "Case management system failure or data loss"),
    ("CSR006", "assessment", "Assessments are not completed in time, leaving need unmet"),
    ("CSR007", "care_leavers", "Care leavers without suitable accommodation"),
    ("CSR008", None, "Overspend on placements and agency staff"),
    ("CSR009", "cp_court", "Delay in care proceedings beyond 26 weeks"),
    ("CSR010", "disabilities", "Short breaks provision does not meet assessed need"),
    ("CSR011", None, "Partnership safeguarding arrangements are not effective"),
    ("CSR012", "children_in_care", "Children go missing and are at risk of exploitation"),
    ("CSR013", None, "Inspection outcome below Good damages confidence and recruitment"),
    ("CSR014", "front_door", "Thresholds applied inconsistently by partners"),
    ("CSR015", None, "Information governance breach involving children's records"),
]
