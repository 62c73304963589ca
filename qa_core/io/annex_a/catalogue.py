"""The measures worked out from an Annex A: their codes (a contract: other councils' files, exports and
the clinic refer to them), names and written definitions for the indicator catalogue.

Each definition names the list and the columns it reads. Where DfE publishes the same measure, its
LAIT measure is ``published`` (the clinic shows the statistical neighbours' median and England beside
it). ``when`` says which months a workbook gives the measure for: ``month`` every whole month it
covers; ``last`` only its last whole month (the list holds the latest status only).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "MEASURES",
    "CODES",
    "SOURCE",
    "UNALLOCATED_SERVICE",
    "UNALLOCATED_TEAM",
    "UNALLOCATED_NAME",
    "measure",
    "indicator_rows",
]

SOURCE = "Ofsted ILACS Annex A (the council's own child-level lists), imported as annex_a"
#: Where rows with no Allocated Team are counted (List 1 has no team column; other lists may leave it
#: blank or hold #N/A): a service and a team of their own, named so, made by the first import that needs them.
UNALLOCATED_SERVICE = "annex_a_unallocated"
UNALLOCATED_TEAM = "annex_a_unallocated"
UNALLOCATED_NAME = "Not allocated to a team (Annex A)"

_WD = (
    "Working days are Monday to Friday less England and Wales bank holidays, counted after the start date "
    "up to and including the end date (the next working day is 1)."
)

MEASURES: list[dict[str, Any]] = [
    dict(
        code="AA_CONTACTS",
        name="Contacts (Annex A)",
        theme="Safeguarding activity",
        unit="count",
        polarity="neutral",
        aggregation="sum",
        lists=(1,),
        when="month",
        description="Contacts whose Date of Contact falls in the month (List 1: Child Unique ID, Date of "
        "Contact). List 1 has no Allocated Team, so contacts are counted in the 'Not allocated to a "
        "team (Annex A)' bucket, and in the council's total.",
    ),
    dict(
        code="AA_REFERRALS",
        name="Referrals (Annex A)",
        theme="Safeguarding activity",
        unit="count",
        polarity="neutral",
        aggregation="sum",
        lists=(3,),
        when="month",
        description="Referrals whose Date of Referral falls in the month (List 3: Date of Referral, Allocated Team).",
    ),
    dict(
        code="AA_REREF_12M",
        name="Re-referrals within 12 months (Annex A)",
        theme="Safeguarding activity",
        unit="%",
        polarity="down",
        aggregation="ratio",
        lists=(3,),
        when="month",
        published="ReReferral",
        description="Of referrals in the month (List 3, Date of Referral), those where the child had a previous "
        "referral in the 12 months before: 'Number of Referrals in Last 12 Months' is 1 or more, or "
        "the list holds an earlier referral of the same child (same Child Unique ID) dated on or after "
        "the same day a year before. DfE: re-referrals within 12 months of a previous referral.",
    ),
    dict(
        code="AA_REF_NFA",
        name="Referrals closed with no further action (Annex A)",
        theme="Quality and timeliness",
        unit="%",
        polarity="neutral",
        aggregation="ratio",
        lists=(3,),
        when="month",
        description="Of referrals in the month (List 3, Date of Referral), those whose 'Referral NFA?' is Yes.",
    ),
    dict(
        code="AA_ASSESS_45WD",
        name="Assessments authorised within 45 working days (Annex A)",
        theme="Quality and timeliness",
        unit="%",
        polarity="up",
        aggregation="ratio",
        lists=(4,),
        when="month",
        published="Continue_Assess_Comp",
        description="Of continuous assessments authorised in the month (List 4, Continuous Assessment Date of "
        "Authorisation), those authorised within 45 working days of the Continuous Assessment Start "
        f"Date. {_WD}",
    ),
    dict(
        code="AA_SEEN_IN_ASSESS",
        name="Assessments in which the child was seen (Annex A)",
        theme="Quality of assessments and plans",
        unit="%",
        polarity="up",
        aggregation="ratio",
        lists=(4,),
        when="month",
        description="Of continuous assessments authorised in the month (List 4, Continuous Assessment Date of "
        "Authorisation), those whose 'Child Seen During Continuous Assessment' is Yes.",
    ),
    dict(
        code="AA_S47",
        name="Section 47 enquiries started (Annex A)",
        theme="Safeguarding activity",
        unit="count",
        polarity="neutral",
        aggregation="sum",
        lists=(5,),
        when="month",
        description="Section 47 enquiries whose 'Strategy discussion initiating Section 47 Enquiry Start Date' "
        "falls in the month (List 5).",
    ),
    dict(
        code="AA_S47_NO_ICPC",
        name="Section 47 enquiries with an ICPC deemed unnecessary (Annex A)",
        theme="Quality and timeliness",
        unit="%",
        polarity="neutral",
        aggregation="ratio",
        lists=(5,),
        when="month",
        description="Of section 47 enquiries started in the month (List 5, strategy discussion date), those whose "
        "'Was an Initial Child Protection Conference deemed unnecessary?' is Yes (a blank is not "
        "counted as unnecessary).",
    ),
    dict(
        code="AA_ICPC_15WD",
        name="ICPCs within 15 working days of the strategy discussion (Annex A)",
        theme="Quality and timeliness",
        unit="%",
        polarity="up",
        aggregation="ratio",
        lists=(5,),
        when="month",
        published="CP_conf_15days",
        description="Of initial child protection conferences held in the month (List 5, Date of Initial Child "
        "Protection Conference; blank: none held), those held within 15 working days of the "
        f"'Strategy discussion initiating Section 47 Enquiry Start Date'. {_WD}",
    ),
    dict(
        code="AA_CPP_OPEN",
        name="Child protection plans open at month end (Annex A)",
        theme="Safeguarding activity",
        unit="count",
        polarity="neutral",
        aggregation="sum",
        lists=(7,),
        when="month",
        description="Plans in List 7 with a Child Protection Plan Start Date on or before the month's last day "
        "and a Child Protection Plan End Date blank or after it.",
    ),
    dict(
        code="AA_CPP_2YRS",
        name="Child protection plans open 2 years or more at month end (Annex A)",
        theme="Outcomes",
        unit="%",
        polarity="down",
        aggregation="ratio",
        lists=(7,),
        when="month",
        published="CPPlans2yrsActive",
        description="Of plans open at month end (List 7, as AA_CPP_OPEN), those that had lasted 2 years or more: "
        "started on or before the same day two years before the month's last day (a plan started on "
        "29 February reaches two years on 1 March). DfE: plans lasting 2 years or more at 31 March.",
    ),
    dict(
        code="AA_CLA_REVIEW_IN_DATE",
        name="Children in care whose review is in date (Annex A)",
        theme="Quality of assessments and plans",
        unit="%",
        polarity="up",
        aggregation="ratio",
        lists=(8,),
        when="last",
        description="For the last whole month a workbook covers only: children looked after at its end (List 8, "
        "Date Started to be Looked After on or before it, Date Ceased to be Looked After blank or "
        "after it) for 20 working days or more, so their first review was due; of them, those whose "
        "Date of Latest Statutory Review is within the 6 months before the month end. A child whose "
        "latest review is after the month end is left out (the list does not say what was in date "
        "then). The list holds only the latest review, so the 3-month interval after the first review "
        "is not checked, and earlier months cannot be worked out.",
    ),
    dict(
        code="AA_CL_IN_TOUCH",
        name="Care leavers the council is in touch with (Annex A)",
        theme="Outcomes",
        unit="%",
        polarity="up",
        aggregation="ratio",
        lists=(9,),
        when="last",
        description="For the last whole month a workbook covers only (the list gives each care leaver's latest "
        "status): of the care leavers in List 9, except those whose LA in Touch is c) Died, those "
        "whose LA in Touch is a) Yes.",
    ),
    dict(
        code="AA_CL_SUITABLE",
        name="Care leavers in suitable accommodation (Annex A)",
        theme="Outcomes",
        unit="%",
        polarity="up",
        aggregation="ratio",
        lists=(9,),
        when="last",
        description="For the last whole month a workbook covers only: of the care leavers in List 9, except those "
        "who died, those whose Suitability of Accommodation is a) Suitable (a blank counts as not "
        "known to be suitable).",
    ),
    dict(
        code="AA_CL_EET",
        name="Care leavers in education, employment or training (Annex A)",
        theme="Outcomes",
        unit="%",
        polarity="up",
        aggregation="ratio",
        lists=(9,),
        when="last",
        description="For the last whole month a workbook covers only: of the care leavers in List 9, except those "
        "who died, those whose Activity Status is F1, P1, F2, P2, F3 or P3 (full or part time in "
        "education, training or employment; G4 to G6 and blank are not).",
    ),
]
CODES: tuple[str, ...] = tuple(m["code"] for m in MEASURES)
#: Where the Annex A measures sort in the catalogue (after a council's own).
SORT_FROM = 1000


def measure(code: str) -> dict[str, Any]:
    return next(m for m in MEASURES if m["code"] == code)


def indicator_rows(targets: dict[str, tuple[float, str, float]] | None = None) -> list[dict[str, Any]]:
    """The ``indicator`` rows of the Annex A measures; ``targets`` (code → target, RAG rule, tolerance)
    for a council that has set them (the demo): otherwise no target, so no RAG until one is set."""
    rows = []
    for k, m in enumerate(MEASURES):
        target, rule, tolerance = (targets or {}).get(m["code"], (None, "tolerance", 0.0))
        rows.append(
            dict(
                code=m["code"],
                name=m["name"],
                theme=m["theme"],
                unit=m["unit"],
                polarity=m["polarity"],
                target=target,
                rag_rule=rule,
                tolerance=tolerance,
                levels="la,service,team",
                aggregation=m["aggregation"],
                source=SOURCE + f"; List {', '.join(str(n) for n in m['lists'])}",
                description=m["description"],
                published_measure=m.get("published"),
                sort_order=SORT_FROM + k,
            )
        )
    return rows
