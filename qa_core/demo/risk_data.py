"""Demo risk register: ~15 risks over 8 quarters, scored by product, with a positional
matrix (each cell ranked, as York's is, given whole: ``qa_core.rules.risk.POSITIONAL_GRID``) also
stored as data and selectable. Each risk's controls and reasons are written for that risk."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.demo.catalogue import RISKS
from qa_core.demo.org import NameBook
from qa_core.rules.periods import shift_quarter
from qa_core.rules.risk import POSITIONAL_5X5, PRODUCT_5X5, matrix_cells

MATRICES = {"product_5x5": PRODUCT_5X5, "positional_5x5": POSITIONAL_5X5}

#: Each risk's controls and the reasons for its score, written for that risk (a control has to
#: answer the risk it is listed against). A review takes one of each, varying quarter to quarter.
RISK_TEXT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "CSR001": (("Monthly performance clinics in every service; Tier 1 and Tier 2 audits with moderation",
                "Practice standards relaunched with team managers; themed audits of risk assessment"),
               ("Audit findings show inconsistent practice", "Caseloads remain above target in some teams")),
    "CSR002": (("Recruitment and retention strategy; market supplement for hard-to-fill posts",
                "Academy for newly qualified social workers; exit interviews analysed each quarter"),
               ("Reliance on agency staff remains high", "Vacancy rate above the regional average")),
    "CSR003": (("Daily MASH huddle; threshold guidance agreed with partners",
                "Two additional MASH social worker posts funded for 12 months"),
               ("Contacts have risen faster than capacity", "Partners refer contacts below the threshold")),
    "CSR004": (("Sufficiency strategy; weekly placements panel",
                "Foster carer recruitment campaign; block contract with local providers"),
               ("Reduced market capacity for placements", "Fewer in-house foster carers than planned")),
    "CSR005": (("Disaster recovery tested; daily backups off site",
                "Supplier support contract with a 4-hour response; paper contingency forms in every team"),
               ("System upgrade scheduled this year", "Servers awaiting replacement")),
    "CSR006": (("Weekly tracker of assessments due; escalation to head of service at day 35",
                "Assessment workloads reviewed in supervision each month"),
               ("Demand has risen faster than capacity", "Vacancies in two assessment teams")),
    "CSR007": (("Joint housing protocol with the district councils; supported lodgings scheme",
                "Personal advisers review accommodation at every pathway plan review"),
               ("Shortage of supported accommodation", "More care leavers aged 18 to 21 than last year")),
    "CSR008": (("Monthly budget monitoring with finance; high-cost placements agreed at panel",
                "Regional cap on agency pay rates"),
               ("High-cost residential placements", "Reliance on agency staff remains high")),
    "CSR009": (("Public Law Outline tracker reviewed fortnightly with legal services",
                "Pre-proceedings meetings chaired by a head of service"),
               ("Court capacity limits hearing dates", "Expert assessments arrive late")),
    "CSR010": (("Short breaks statement reviewed with parents; additional providers commissioned",
                "Waiting list for overnight short breaks reviewed each month"),
               ("A provider closed during the year", "Demand for overnight short breaks is rising")),
    "CSR011": (("Safeguarding partnership sub-groups hold partners to account; multi-agency audits",
                "Multi-agency threshold document agreed and trained"),
               ("Partner attendance at strategy discussions is inconsistent",
                "Multi-agency audit found weak information sharing")),
    "CSR012": (("Return home interviews within 72 hours; weekly missing and exploitation panel",
                "Joint exploitation team with the police; disruption plans for locations of concern"),
               ("More children missing from placements outside the area",
                "Return home interviews not always completed in time")),
    "CSR013": (("Self-evaluation updated each quarter; internal inspection reference group",
                "Peer review by a neighbouring council"),
               ("Audit findings show inconsistent practice", "A focused visit identified areas for improvement")),
    "CSR014": (("Threshold guidance relaunched with partners; consultation line at the front door",
                "Quarterly dip-sample of contacts with partner agencies"),
               ("Contacts below the threshold from schools and health",
                "New partner staff unfamiliar with the threshold guidance")),
    "CSR015": (("Mandatory data protection training; secure email with partners",
                "Redaction checked before records are shared; breach log reviewed each month"),
               ("More requests for records than last year", "New staff not yet trained")),
}
#: How many ways the draws below could once fall (six controls, five reasons); kept so that the
#: random stream, and so every figure the demo draws after the risks, stays as it was.
_CONTROL_DRAW, _REASON_DRAW = 6, 5


def quarters_ending(last: str, n: int) -> list[str]:
    """The ``n`` financial quarters up to ``last`` ('2026/27 Q2'), oldest first."""
    return [shift_quarter(last, -k) for k in range(n - 1, -1, -1)]


def matrix_frames() -> dict[str, pd.DataFrame]:
    heads, cells = [], []
    for matrix_id, m in MATRICES.items():
        heads.append(dict(matrix_id=matrix_id, name=m.name, kind=m.kind,
                          impact_labels="|".join(m.impact_labels),
                          likelihood_labels="|".join(m.likelihood_labels)))
        for cell in matrix_cells(m):
            cells.append(dict(matrix_id=matrix_id, impact=cell["impact"],
                              likelihood=cell["likelihood"], score=cell["score"], band=cell["band"]))
    return {"risk_matrix": pd.DataFrame(heads), "risk_matrix_cell": pd.DataFrame(cells)}


def build_risks(last_quarter: str, rng: np.random.Generator, names: NameBook) -> dict[str, pd.DataFrame]:
    quarters = quarters_ending(last_quarter, 8)
    owners = names.take(6)
    risks, reviews = [], []
    for i, (ref, service_id, title) in enumerate(RISKS):
        risks.append(dict(risk_ref=ref, service_id=service_id, title=title,
                          description=title + ".", owner=owners[i % len(owners)]))
        gross_i = int(rng.integers(3, 6))
        gross_l = int(rng.integers(3, 6))
        res_i = max(gross_i - int(rng.integers(0, 2)), 1)
        res_l = max(gross_l - int(rng.integers(0, 3)), 1)
        tgt_i, tgt_l = max(res_i - 1, 1), max(res_l - 1, 2)
        controls, reasons = RISK_TEXT[ref]
        for quarter in quarters:
            if rng.random() < 0.25:
                res_l = int(np.clip(res_l + rng.choice([-1, 1]), 1, gross_l))
            expected = bool(res_i * res_l > tgt_i * tgt_l)
            reviews.append(dict(
                risk_ref=ref, quarter=quarter,
                gross_impact=gross_i, gross_likelihood=gross_l,
                residual_impact=res_i, residual_likelihood=res_l,
                target_impact=tgt_i, target_likelihood=tgt_l,
                controls=controls[int(rng.integers(0, _CONTROL_DRAW)) % len(controls)],
                reasons=reasons[int(rng.integers(0, _REASON_DRAW)) % len(reasons)],
                outlook=("A reduction to the target score is expected as the controls take effect" if expected
                         else "No reduction is expected this quarter"),
                reduction_expected=expected,
            ))
    # One risk scored like `[Rochdale risk CSCR003]`: impact 5 x likelihood 4 = 20.
    for r in reviews:
        if r["risk_ref"] == "CSR001":
            r.update(gross_impact=5, gross_likelihood=5, residual_impact=5, residual_likelihood=4)
    return {"risk": pd.DataFrame(risks), "risk_review": pd.DataFrame(reviews)}
