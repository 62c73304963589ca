"""What each page shows, as plain tables: used by the pages and by
``python -m qa_core report KIND``, so the command line and the screen never disagree."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core import queries
from qa_core.audits import GRADE_COLUMNS, grade_summary
from qa_core.errors import QAError
from qa_core.risk import assess_register, matrix_from_cells, movement, reduction
from qa_core.store import Store

__all__ = ["audits_report", "risks_report", "AUDIT_REPORT_COLUMNS", "RISK_REPORT_COLUMNS"]

AUDIT_REPORT_COLUMNS = [
    "group", *GRADE_COLUMNS, "total", "pct_inadequate", "ci_low", "ci_high",
    "pct_good_or_better", "meets_target", "assessment",
]
RISK_REPORT_COLUMNS = [
    "risk_ref", "quarter", "title", "service", "owner",
    "impact", "likelihood", "score", "band",
    "gross_impact", "gross_likelihood", "gross_score", "gross_band",
    "target_impact", "target_likelihood", "target_score", "target_band",
    "previous_score", "movement", "reduction_pct", "reduction_expected", "matrix",
]


def audits_report(
    store: Store,
    month: dt.date | None = None,
    by: str | None = None,
    grade: str = "final",
    service_id: str | None = None,
) -> pd.DataFrame:
    """Grade counts per group with % inadequate against the 10% target (Wilson 95%).

    Without ``month`` the latest month in the store is used, except ``by='month'``,
    which covers every month.
    """
    if month is None and by != "month":
        month = queries.latest_month(store)
    counts = queries.audit_grade_counts(store, month=month, by=by, grade=grade, service_id=service_id)
    summary = grade_summary(counts)
    return summary[AUDIT_REPORT_COLUMNS].reset_index(drop=True)


def risks_report(store: Store, quarter: str | None = None, matrix_id: str | None = None) -> pd.DataFrame:
    """The register for a quarter (default: latest): residual score and band by the chosen
    matrix, gross and target too, and movement since the previous quarter."""
    quarter = queries.parse_quarter(quarter) if quarter else queries.latest_quarter(store)
    if quarter is None:
        raise QAError("The store holds no risk register reviews.")
    matrix_id = matrix_id or store.setting("risk_matrix", "product_5x5")
    head, cells = queries.risk_matrix(store, matrix_id)
    matrix = matrix_from_cells(head["name"], head["kind"], cells,
                               impact_labels=tuple((head["impact_labels"] or "").split("|")),
                               likelihood_labels=tuple((head["likelihood_labels"] or "").split("|")))
    reg = queries.risk_register(store, quarter)
    if reg.empty:
        raise QAError(f"No risks were reviewed in {quarter}; known quarters: "
                      f"{', '.join(queries.quarters(store))}.")
    scored = assess_register(reg, matrix)
    previous = assess_register(
        reg.assign(residual_impact=reg["prev_impact"].fillna(reg["residual_impact"]),
                   residual_likelihood=reg["prev_likelihood"].fillna(reg["residual_likelihood"])),
        matrix)["residual_score"].where(reg["prev_impact"].notna())
    out = pd.DataFrame({
        "risk_ref": reg["risk_ref"], "quarter": reg["quarter"], "title": reg["title"],
        "service": reg["service_name"].fillna("Council-wide"), "owner": reg["owner"],
        "impact": reg["residual_impact"], "likelihood": reg["residual_likelihood"],
        "score": scored["residual_score"], "band": scored["residual_band"],
        "gross_impact": reg["gross_impact"], "gross_likelihood": reg["gross_likelihood"],
        "gross_score": scored["gross_score"], "gross_band": scored["gross_band"],
        "target_impact": reg["target_impact"], "target_likelihood": reg["target_likelihood"],
        "target_score": scored["target_score"], "target_band": scored["target_band"],
        "previous_score": previous,
    })
    out["movement"] = [movement(c, None if pd.isna(p) else p)
                       for c, p in zip(out["score"], out["previous_score"], strict=True)]
    out["reduction_pct"] = [reduction(g, r)["pct"] for g, r in zip(out["gross_score"], out["score"], strict=True)]
    out["reduction_expected"] = reg["reduction_expected"]
    out["matrix"] = matrix_id
    return out[RISK_REPORT_COLUMNS].sort_values(["score", "risk_ref"], ascending=[False, True],
                                                 ignore_index=True)
