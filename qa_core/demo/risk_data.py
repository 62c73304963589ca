"""Demo risk register: ~15 risks over 8 quarters, scored by product, with a positional
matrix (each cell ranked, as York's is) also stored as data and selectable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.demo.catalogue import RISKS
from qa_core.demo.org import NameBook
from qa_core.rules.periods import shift_quarter
from qa_core.rules.risk import POSITIONAL_5X5, PRODUCT_5X5, matrix_cells

MATRICES = {"product_5x5": PRODUCT_5X5, "positional_5x5": POSITIONAL_5X5}

CONTROLS = [
    "Performance clinics monthly in every service; audit and moderation programme",
    "Recruitment and retention strategy; market supplement for hard-to-fill posts",
    "Daily MASH huddle; threshold guidance agreed with partners",
    "Sufficiency strategy; weekly placements panel",
    "Disaster recovery tested; daily backups off site",
    "Weekly tracker of assessments due; escalation to head of service at day 35",
]
REASONS = [
    "Caseloads remain above target in some teams",
    "Demand has risen faster than capacity",
    "Audit findings show inconsistent practice",
    "Reliance on agency staff remains high",
    "Reduced market capacity for placements",
]


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
        for quarter in quarters:
            if rng.random() < 0.25:
                res_l = int(np.clip(res_l + rng.choice([-1, 1]), 1, gross_l))
            expected = bool(res_i * res_l > tgt_i * tgt_l)
            reviews.append(dict(
                risk_ref=ref, quarter=quarter,
                gross_impact=gross_i, gross_likelihood=gross_l,
                residual_impact=res_i, residual_likelihood=res_l,
                target_impact=tgt_i, target_likelihood=tgt_l,
                controls=rng.choice(CONTROLS), reasons=rng.choice(REASONS),
                outlook=("A reduction is expected as controls take effect" if expected
                         else "No reduction is expected this quarter"),
                reduction_expected=expected,
            ))
    # One risk scored like `[Rochdale risk CSCR003]`: impact 5 x likelihood 4 = 20.
    for r in reviews:
        if r["risk_ref"] == "CSR001":
            r.update(gross_impact=5, gross_likelihood=5, residual_impact=5, residual_likelihood=4)
    return {"risk": pd.DataFrame(risks), "risk_review": pd.DataFrame(reviews)}
