"""The At a glance page's table: each measure's latest value, RAG, direction and SPC icons,
council-wide or for one service (the performance clinic reads the same rows for its service).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from qa_core.rules.rag import direction_of_travel, rag_rule_text, rag_status, too_few, too_few_words
from qa_core.rules.spc import BASELINE_POINTS, assurance_icon, baseline_of, improvement_for, variation_icon, xmr
from qa_core.store import Store, queries
from qa_core.views.baselines import change_indices

__all__ = ["indicator_summary", "SummaryData", "summary_data", "summary_from"]


@dataclass(frozen=True)
class SummaryData:
    """What every month's and service's summary is worked from, read once (:func:`summary_data`): a page
    that moves between months and services picks from it and reads nothing again."""

    catalogue: pd.DataFrame  # every measure, in catalogue order, with its min_denominator
    members: pd.DataFrame  # code, service_id: a service's core measures
    monthly: pd.DataFrame  # queries.indicator_monthly_all: the council's (service_id NULL) and each service's
    changes: pd.DataFrame  # every recorded process change (views.baselines.process_changes' columns)


def summary_data(store: Store) -> SummaryData:
    """Read, in four queries, what :func:`summary_from` needs for any month and service."""
    return SummaryData(
        queries.indicators(store),
        store.query("SELECT code, service_id FROM indicator_service"),
        queries.indicator_monthly_all(store),
        store.query("SELECT code, org_level, org_id, month FROM spc_process_change ORDER BY code, month, org_level"),
    )


def indicator_summary(store: Store, month: dt.date, service_id: str | None = None) -> pd.DataFrame:
    """Each measure's value for ``month`` (council-wide or one service) with its count,
    target, RAG, direction of travel and SPC icons over every month up to ``month``. The SPC
    limits are fixed on a baseline (``BASELINE_POINTS`` months) and recalculated only at a
    recorded process change (``views.baselines``); ``baseline_month`` is where they start.

    ``rag_rule`` states the measure's rule in words (``qa_core.rules.rag.rag_rule_text``); a ratio
    measure whose denominator is under its ``min_denominator`` gets no RAG and ``too_few`` with
    ``rag_note`` giving the count instead ("0 of 1: too few to rate (fewer than 5)")."""
    return summary_from(summary_data(store), month, service_id)


def summary_from(data: SummaryData, month: dt.date, service_id: str | None = None) -> pd.DataFrame:
    """:func:`indicator_summary` from what :func:`summary_data` read."""
    if service_id is None:
        catalogue = data.catalogue
        monthly = data.monthly[data.monthly["service_id"].isna()]
        changes = data.changes[data.changes["org_level"] == "la"]
    else:
        core = set(data.members.loc[data.members["service_id"] == service_id, "code"])
        catalogue = data.catalogue[data.catalogue["code"].isin(core)]
        monthly = data.monthly[data.monthly["service_id"] == service_id]
        changes = data.changes[(data.changes["org_level"] == "la")
                               | ((data.changes["org_level"] == "service") & (data.changes["org_id"] == service_id))]
    monthly = monthly[pd.to_datetime(monthly["period"]).dt.date <= month]
    changes = {code: sorted(set(pd.to_datetime(group["month"]).dt.date))
               for code, group in changes.groupby("code")}  # as views.baselines.changes_by_code gives them
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
        ratio = ind.aggregation != "sum"  # a plain count has no denominator to be too small
        minimum = float(ind.min_denominator) if ratio else None
        few = ratio and too_few(denominators[last], minimum)
        improvement = improvement_for(ind.polarity)
        series = values[rows_of].tolist()
        phases = change_indices(list(months[rows_of]), changes.get(ind.code, ()))
        points = xmr(series, improvement=improvement, target=target, process_changes=phases,
                     baseline=BASELINE_POINTS)
        variation = variation_icon(points)
        assurance = assurance_icon(points, improvement, target)
        baseline = baseline_of(series, phases, BASELINE_POINTS)
        rows.append({
            "code": ind.code, "name": ind.name, "theme": ind.theme, "unit": ind.unit,
            "polarity": ind.polarity, "value": value,
            "numerator": numerators[last], "denominator": denominators[last],
            "target": target, "previous": previous,
            "rag": rag_status(value, target, ind.polarity, ind.rag_rule, ind.tolerance, previous,
                              denominator=denominators[last] if ratio else None, min_denominator=minimum),
            "rag_rule": rag_rule_text(target, ind.polarity, ind.rag_rule, ind.tolerance, ind.unit, minimum),
            "too_few": bool(few),
            "rag_note": too_few_words(numerators[last], denominators[last], minimum, ind.unit) if few else None,
            "direction": direction_of_travel(value, previous, ind.polarity),
            "variation": variation["label"] if variation else (
                "Not enough data (fewer than 12 months since the process change)" if phases
                else "Not enough data (fewer than 12 months)"),
            "variation_code": variation["code"] if variation else None,
            "variation_letter": variation["letter"] if variation else "-",
            "assurance": assurance["label"] if assurance else ("No target" if target is None
                                                              else "Not enough data"),
            "assurance_letter": assurance["letter"] if assurance else "-",
            "assurance_code": assurance["code"] if assurance else "none",
            "baseline_month": months[rows_of[baseline[0]]].strftime("%Y-%m") if baseline else None,
            "special_cause": points[-1]["special_cause"],
            "months": len(rows_of),
        })
    return pd.DataFrame(rows)
