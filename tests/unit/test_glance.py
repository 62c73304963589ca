"""At a glance's plan and risk panels (``qa_core.views.glance``): worked by hand on small inputs, and
equal, for every month and quarter of the demo store, to what the page counted from its queries
(``queries.plan_rag_counts`` for a month, ``risk_register.risks_report`` for a quarter)."""

from __future__ import annotations

import datetime as dt
import doctest

import numpy as np
import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.rules.risk import PRODUCT_5X5
from qa_core.store import Store, queries
from qa_core.views import glance, risk_register

D = np.datetime64


def _plan_data() -> glance.PanelData:
    # Area a: Red in August, Amber in September and October; area b: Green from October; area c: never rated.
    ratings = {
        "a": ([D("2026-08-01"), D("2026-09-01"), D("2026-10-01")], ["Red", "Amber", "Amber"]),
        "b": ([D("2026-10-01")], ["Green"]),
    }
    return glance.PanelData(3, ratings, [], pd.DataFrame(), None)


def test_the_plan_panel_counts_each_areas_latest_rating_and_those_that_moved() -> None:
    data = _plan_data()
    # September: a is Amber (Red the month before: moved); b is not rated yet.
    assert glance.plan_panel(data, dt.date(2026, 9, 1)) == glance.PlanPanel({"Amber": 1}, 1, 3)
    # October: a is Amber again (not moved); b's first rating has nothing before it (not moved).
    assert glance.plan_panel(data, dt.date(2026, 10, 1)) == glance.PlanPanel({"Amber": 1, "Green": 1}, 0, 3)
    # July: nothing rated yet.
    assert glance.plan_panel(data, dt.date(2026, 7, 1)) == glance.PlanPanel({}, 0, 3)


def _review(ref: str, quarter: str, impact: int, likelihood: int) -> dict:
    return dict(
        risk_ref=ref,
        quarter=quarter,
        gross_impact=5,
        gross_likelihood=5,
        residual_impact=impact,
        residual_likelihood=likelihood,
        target_impact=None,
        target_likelihood=None,
    )


def test_the_risk_panel_is_the_quarters_register_highest_residual_score_first() -> None:
    # On the 5x5 product matrix: 4 x 5 = 20 (High), 2 x 2 = 4 (Low), 3 x 4 = 12 (Significant). R0 and R1
    # tie at 20: the lower reference comes first, as the register sorts them.
    reviews = pd.DataFrame(
        [
            _review("R1", "2026/27 Q1", 4, 5),
            _review("R2", "2026/27 Q1", 2, 2),
            _review("R3", "2026/27 Q1", 3, 4),
            _review("R0", "2026/27 Q1", 5, 4),
            _review("R1", "2026/27 Q2", 1, 1),
        ]
    )
    data = glance.PanelData(0, {}, ["2026/27 Q1", "2026/27 Q2"], reviews, PRODUCT_5X5)
    panel = glance.risk_panel(data, "2026/27 Q1")
    assert panel == glance.RiskPanel("2026/27 Q1", ["High", "High", "Significant", "Low"], "R0", 20, "High")
    assert glance.risk_panel(data, "2026/27 Q2") == glance.RiskPanel("2026/27 Q2", ["Low"], "R1", 1, "Low")
    with pytest.raises(QAError, match="No risks were reviewed in 2025/26 Q4; known quarters: 2026/27 Q1, 2026/27 Q2"):
        glance.risk_panel(data, "2025/26 Q4")


def test_the_panels_read_once_agree_with_their_queries(store: Store) -> None:
    data = glance.panel_data(store)
    months = queries.months(store)
    assert len(months) > 12
    for month in months:
        rag = queries.plan_rag_counts(store, month)
        panel = glance.plan_panel(data, month)
        assert panel.counts == {k: int(v) for k, v in rag["current_rag"].value_counts().items()}
        assert panel.moved == int((rag["previous_rag"].notna() & (rag["previous_rag"] != rag["current_rag"])).sum())
        assert panel.areas == len(rag)
    quarters = queries.quarters(store)
    assert data.quarters == quarters and len(quarters) > 2
    for quarter in quarters:
        report = risk_register.risks_report(store, quarter)
        panel = glance.risk_panel(data, quarter)
        top = report.iloc[0]
        assert (panel.quarter, panel.bands) == (report["quarter"].iloc[0], report["band"].tolist())
        assert (panel.top_ref, panel.top_score, panel.top_band) == (top["risk_ref"], int(top["score"]), top["band"])
        picked = queries.as_queried(data.reviews[data.reviews["quarter"] == quarter].reset_index(drop=True))
        pd.testing.assert_frame_equal(picked, queries.risk_register(store, quarter))


def test_the_examples() -> None:
    result = doctest.testmod(glance)
    assert result.attempted > 0 and result.failed == 0
