"""What each page shows, as plain tables: used by the pages and by
``python -m qa_core report KIND``, so the command line and the screen never disagree."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core import queries
from qa_core.audits import GRADE_COLUMNS, grade_summary
from qa_core.errors import QAError
from qa_core.rag import direction_of_travel, rag_status
from qa_core.risk import assess_register, movement, reduction
from qa_core.risk_views import load_matrix
from qa_core.roles import Viewer
from qa_core.spc import assurance_icon, variation_icon, xmr
from qa_core.store import Store

__all__ = [
    "audits_report", "risks_report", "indicator_summary", "AUDIT_REPORT_COLUMNS",
    "RISK_REPORT_COLUMNS",
]

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
    viewer: Viewer | None = None,
) -> pd.DataFrame:
    """Grade counts per group with % inadequate against the 10% target (Wilson 95%).

    Without ``month`` the latest month in the store is used, except ``by='month'``,
    which covers every month. ``by='auditor'`` names people: only the audits whose case-level
    detail ``viewer`` may see are counted (None: all); the other groupings are aggregates.
    """
    if month is None and by != "month":
        month = queries.latest_month(store)
    counts = queries.audit_grade_counts(store, month=month, by=by, grade=grade, service_id=service_id,
                                        viewer=viewer)
    summary = grade_summary(counts)
    return summary[AUDIT_REPORT_COLUMNS].reset_index(drop=True)


def risks_report(store: Store, quarter: str | None = None, matrix_id: str | None = None) -> pd.DataFrame:
    """The register for a quarter (default: latest): residual score and band by the chosen
    matrix, gross and target too, and movement since the previous quarter."""
    quarter = queries.parse_quarter(quarter) if quarter else queries.latest_quarter(store)
    if quarter is None:
        raise QAError("The store holds no risk register reviews.")
    matrix_id = matrix_id or store.setting("risk_matrix", "product_5x5")
    matrix = load_matrix(store, matrix_id)
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


def indicator_summary(store: Store, month: dt.date, service_id: str | None = None) -> pd.DataFrame:
    """Each measure's value for ``month`` (council-wide or one service) with its count,
    target, RAG, direction of travel and SPC icons over every month up to ``month``."""
    catalogue = queries.indicators(store, service_id)
    monthly = queries.indicator_monthly(store, service_id=service_id, until=month)
    # Plain arrays per measure (rows are in period order and end at ``month``): the current
    # value is a measure's last row when that row is ``month``, the previous one the row before.
    months = pd.to_datetime(monthly["period"]).dt.date.to_numpy()
    values = monthly["value"].astype("float64").to_numpy()
    numerators, denominators = monthly["numerator"].to_numpy(), monthly["denominator"].to_numpy()
    positions = monthly.groupby("code", sort=False).indices
    rows = []
    for ind in catalogue.itertuples():
        rows_of = positions.get(ind.code)
        if rows_of is None or len(rows_of) == 0 or months[rows_of[-1]] != month:
            continue
        last = rows_of[-1]
        value = None if pd.isna(values[last]) else float(values[last])
        previous = float(values[rows_of[-2]]) if len(rows_of) > 1 else None
        target = None if pd.isna(ind.target) else float(ind.target)
        improvement = ind.polarity if ind.polarity in ("up", "down") else "neutral"
        points = xmr(values[rows_of].tolist(), improvement=improvement, target=target)
        variation = variation_icon(points)
        assurance = assurance_icon(points, improvement, target)
        rows.append({
            "code": ind.code, "name": ind.name, "theme": ind.theme, "unit": ind.unit,
            "polarity": ind.polarity, "value": value,
            "numerator": numerators[last], "denominator": denominators[last],
            "target": target, "previous": previous,
            "rag": rag_status(value, target, ind.polarity, ind.rag_rule, ind.tolerance, previous),
            "direction": direction_of_travel(value, previous, ind.polarity),
            "variation": variation["label"] if variation else "Not enough data (fewer than 12 months)",
            "variation_code": variation["code"] if variation else None,
            "variation_letter": variation["letter"] if variation else "-",
            "assurance": assurance["label"] if assurance else ("No target" if target is None
                                                              else "Not enough data"),
            "assurance_letter": assurance["letter"] if assurance else "-",
            "special_cause": points[-1]["special_cause"],
            "months": len(rows_of),
        })
    return pd.DataFrame(rows)
