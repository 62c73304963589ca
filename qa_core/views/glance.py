"""The At a glance page's improvement-plan and risk-register panels, from what is read once per data
version (:func:`panel_data`): a change of month picks from it and reads nothing.

The plan panel counts the areas by their current rating (the latest on or before the month) and how
many moved since their rating before that, as ``queries.plan_rag_counts`` rates them. The risk panel is
the register as last reviewed on or before a quarter, scored by the register's matrix (the
``risk_matrix`` setting) as ``risk_register.risks_report`` scores it, highest residual score first:
how many risks, each one's band and the highest one.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.risk import RiskMatrix, assess_register
from qa_core.store import Store, queries
from qa_core.views.risk_register import load_matrix

__all__ = ["PanelData", "PlanPanel", "RiskPanel", "panel_data", "plan_panel", "risk_panel"]

#: The register's matrix when the store names none (as ``risk_register.risks_report`` defaults).
DEFAULT_REGISTER_MATRIX = "product_5x5"


@dataclass(frozen=True)
class PanelData:
    """What both panels are worked from, read once."""

    areas: int  # how many plan areas there are
    ratings: dict[str, tuple[list[np.datetime64], list[str]]]  # area → its rating months and ratings, oldest first
    quarters: list[str]  # the quarters with any risk review, oldest first (``queries.quarters``)
    reviews: pd.DataFrame  # every quarter's register rows (``queries.risk_register``'s columns)
    matrix: RiskMatrix | None  # the register's matrix (None: the store has no review to score)


@dataclass(frozen=True)
class PlanPanel:
    """The plan's areas as at a month: how many have each current rating, how many moved."""

    counts: dict[str, int]  # current rating → areas (rated areas only)
    moved: int  # areas whose current rating differs from the one before it
    areas: int


@dataclass(frozen=True)
class RiskPanel:
    """A quarter's register, highest residual score first: each risk's band and the highest risk."""

    quarter: str
    bands: list[str]
    top_ref: str
    top_score: int
    top_band: str


def panel_data(store: Store) -> PanelData:
    """Read, in five queries, what both panels need for any month."""
    areas = int(store.scalar("SELECT count(*) FROM plan_area"))
    rows = store.query("SELECT area_id, month, rag FROM plan_area_rag ORDER BY area_id, month")
    ratings: dict[str, tuple[list[np.datetime64], list[str]]] = {}
    months = rows["month"].to_numpy(dtype="datetime64[D]")
    for area, month, rag in zip(rows["area_id"], months, rows["rag"], strict=True):
        ratings.setdefault(area, ([], []))
        ratings[area][0].append(month)
        ratings[area][1].append(rag)
    quarters = queries.quarters(store)
    reviews = queries.risk_register_all(store)
    matrix = load_matrix(store, store.setting("risk_matrix", DEFAULT_REGISTER_MATRIX)) if quarters else None
    return PanelData(areas, ratings, quarters, reviews, matrix)


def plan_panel(data: PanelData, month: dt.date) -> PlanPanel:
    """The plan's ratings as at ``month``: each area's latest rating on or before it, and the one before.

    >>> data = PanelData(3, {"a": ([np.datetime64("2026-08-01"), np.datetime64("2026-09-01")], ["Red", "Amber"]),
    ...                      "b": ([np.datetime64("2026-10-01")], ["Green"])}, [], pd.DataFrame(), None)
    >>> plan_panel(data, dt.date(2026, 9, 1))
    PlanPanel(counts={'Amber': 1}, moved=1, areas=3)
    """
    until = np.datetime64(month, "D")
    counts: dict[str, int] = {}
    moved = 0
    for months, rags in data.ratings.values():
        k = bisect.bisect_right(months, until)  # ratings on or before the month: the first k
        if k == 0:
            continue
        current = rags[k - 1]
        counts[current] = counts.get(current, 0) + 1
        moved += int(k > 1 and rags[k - 2] != current)
    return PlanPanel(counts, moved, data.areas)


def risk_panel(data: PanelData, quarter: str) -> RiskPanel:
    """The register of ``quarter`` (a reviewed quarter), scored as ``risks_report`` scores it."""
    reg = queries.as_queried(
        data.reviews[(data.reviews["quarter"] == quarter).to_numpy(dtype=bool)].reset_index(drop=True)
    )  # the quarter's own read, column types included
    if reg.empty:
        raise QAError(f"No risks were reviewed in {quarter}; known quarters: {', '.join(data.quarters)}.")
    scored = assess_register(reg, data.matrix)
    order = sorted(range(len(reg)), key=lambda i: (-int(scored["residual_score"].iat[i]), reg["risk_ref"].iat[i]))
    bands = [scored["residual_band"].iat[i] for i in order]
    top = order[0]
    return RiskPanel(quarter, bands, reg["risk_ref"].iat[top], int(scored["residual_score"].iat[top]), bands[0])
