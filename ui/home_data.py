"""What the At a glance page shows for a view (month, service, which panels the viewer has, large
type), worked out once per data version (``ui.data.cached``): a rerun of a view already shown only
draws it (issue 14: the measures table, the p-chart and the panels' words were worked out again on
every rerun). The plan and risk panels pick from what ``qa_core.views.glance`` reads once, so a change
of month reads nothing (the plan's ratings were a query a month, the register three a quarter).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_core.rules import periods
from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from qa_core.rules.formatting import round_half_up
from qa_core.views import glance
from qa_core.views.risk_register import high_bands
from ui import audit_data, data, risk_data
from ui.components import measures_table
from ui.data import cached, get_store
from ui.figures.audits import inadequate_points
from ui.figures.spc import spc_spec
from ui.safe import md

__all__ = ["RAGS", "PLAN_RAGS", "Glance", "glance_view"]

RAGS = ["Red", "Amber", "Green"]
PLAN_RAGS = ["Red", "Amber", "Yellow", "Green", "Blue"]


@dataclass
class Glance:
    """The page for one view, ready to draw (Markdown already escaped). A panel or section that has
    nothing to show holds None, and the page says so."""

    measure_counts: list[tuple[str, int]] | None  # each RAG with its count (None: no measures this month)
    measures_words: str | None
    audit_metric: str | None  # this month's % inadequate (None: no audits this month)
    audit_words: str | None
    plan_counts: list[tuple[str, int]] | None  # each rating held (None: the plan panel says there are none)
    plan_words: str | None
    risk_words: str | None  # None: no review on or before the quarter
    table: pd.DataFrame | None  # the measures table (None: no measures this month)
    chart: dict | None  # the inadequate-audits p-chart, a plain dict spec (None: no audits up to the month)
    chart_caption: str | None
    numbers: pd.DataFrame | None  # the chart's numbers


@cached
def _panels() -> glance.PanelData:
    """The plan's ratings and the risk register, read once per data version."""
    return glance.panel_data(get_store())


def _plan(month: dt.date) -> tuple[list[tuple[str, int]] | None, str | None]:
    panel = glance.plan_panel(_panels(), month)
    if not panel.counts:
        return None, None
    counts = [(status, panel.counts[status]) for status in PLAN_RAGS if panel.counts.get(status)]
    return counts, f"{panel.moved} of {panel.areas} areas changed rating since the month before."


def _risks(month: dt.date) -> str | None:
    this_quarter = periods.quarter_of(month)
    reviewed = [q for q in periods.shown_quarters(_panels().quarters) if q <= this_quarter]
    return _risk_words(reviewed[-1]) if reviewed else None


@cached
def _risk_words(quarter: str) -> str:
    """The risk panel's sentence for the register as reviewed in ``quarter``: worked out once per quarter,
    however many months and services are asked for."""
    panel = glance.risk_panel(_panels(), quarter)
    bands = high_bands(risk_data.matrix(risk_data.register_matrix_id()))
    high = sum(band in bands for band in panel.bands)
    return (f"{high} of {len(panel.bands)} risks high-scoring ({' or '.join(md(b) for b in bands)}) in "
            f"{md(panel.quarter)} (residual score). Highest: {md(panel.top_ref)}, score {panel.top_score} "
            f"({md(panel.top_band)}).")  # fmt: skip


@cached
def glance_view(month: dt.date, service_id: str | None, label: str, plan: bool, risks: bool, large: bool) -> Glance:
    """The page for a month and service (``label``: the month in words); ``plan`` and ``risks``: whether
    the viewer has those panels; ``large``: large type (the chart's sizes)."""
    summary = data.indicator_summary(month, service_id)
    audits = audit_data.monthly_grades(month, service_id)  # the p-chart as the Audit grades page draws it
    this_month = audits[audits["group"] == month.strftime("%Y-%m")]
    view = Glance(None, None, None, None, None, None, None, None, None, None, None)
    if not summary.empty:
        counts = summary["rag"].value_counts()
        view.measure_counts = [(status, int(counts.get(status, 0))) for status in RAGS]
        no_target = int(summary["rag"].isna().sum())
        concern = int((summary["special_cause"] == "concern").sum())
        view.measures_words = (f"{no_target} without a target · {concern} showing special-cause concern "
                               f"(of {len(summary)} measures)")  # fmt: skip
        view.table = measures_table(summary)
    if not (this_month.empty or int(this_month["total"].iloc[0]) == 0):
        row = this_month.iloc[0]
        view.audit_metric = f"{row['pct_inadequate']:.1f}%"
        view.audit_words = (f"{int(row['inadequate'])} of {int(row['total'])} audits; 95% interval "
                            f"{row['ci_low']:.1f}% to {row['ci_high']:.1f}%. Target: no more than "
                            f"{INADEQUATE_TARGET_PCT:.0f}%: **{row['assessment']}**.")  # fmt: skip
    if plan:
        view.plan_counts, view.plan_words = _plan(month)
    if risks:
        view.risk_words = _risks(month)
    graded = audits[audits["total"] > 0].reset_index(drop=True)
    if not graded.empty:
        points = inadequate_points(graded)
        last = graded.iloc[-1]
        first = graded.iloc[0]
        title = (f"Inadequate audits: {last['pct_inadequate']:.0f}% in {label} "
                 f"({int(last['inadequate'])} of {int(last['total'])}), from "
                 f"{first['pct_inadequate']:.0f}% in {pd.Timestamp(points['period'].iloc[0]):%B %Y}")  # fmt: skip
        y_title = "% of audits graded Inadequate"
        view.chart = spc_spec(points, title, y_title, INADEQUATE_TARGET_PCT, "Target: 10%", large=large)
        view.chart_caption = (f"Chart: percentage of audits graded Inadequate each month (p-chart with limits "
                              f"that vary with the number of audits), against the 10% target. {title}.")  # fmt: skip
        view.numbers = pd.DataFrame({
            "Month": graded["group"], "Inadequate": graded["inadequate"], "Audits": graded["total"],
            "% inadequate": round_half_up(graded["pct_inadequate"], 1),
            "95% interval low": round_half_up(graded["ci_low"], 1),
            "95% interval high": round_half_up(graded["ci_high"], 1),
            "Upper limit %": round_half_up(points["ucl"], 1), "Lower limit %": round_half_up(points["lcl"], 1),
            "Special cause": points["special_cause"].fillna("none"),
        })  # fmt: skip
    return view
