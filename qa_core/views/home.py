"""The At a glance page's table: each measure's latest value, RAG, direction and SPC icons,
council-wide or for one service (the performance clinic reads the same rows for its service).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

import numpy as np
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
    #: Each service's (key None: the council's) measures and monthly series as plain arrays
    #: (:class:`_Series`), split out of the frames above the first time any of its months is asked for.
    _series: dict = field(default_factory=dict, init=False, repr=False, compare=False)


@dataclass(frozen=True)
class _Series:
    """One service's (or the council's) part of :class:`SummaryData`, ready for any month: a month's
    summary then takes each measure's rows up to that month by position, with no pandas filtering
    (a tenth of a clinic page's run, issue 14)."""

    catalogue: list  # the measures' catalogue rows (``itertuples``), in catalogue order
    months: dict[str, list[dt.date]]  # code -> its months, in order
    values: dict[str, np.ndarray]  # code -> its values (float64), by month
    numerators: dict[str, np.ndarray]
    denominators: dict[str, np.ndarray]
    changes: dict[str, list[dt.date]]  # code -> its process changes, as views.baselines.changes_by_code gives them


def _series_of(data: SummaryData, service_id: str | None) -> _Series:
    """The service's :class:`_Series`, worked out once for ``data``: the council's and every service's
    the first time any is asked for, so a page's first change pays for them all with its reads,
    rather than the first change to each service paying for its own (5 to 15 ms each)."""
    found = data._series.get(service_id)
    if found is None:
        for every in [None, *dict.fromkeys(data.members["service_id"])]:
            if every not in data._series:
                data._series[every] = _split(data, every)
        found = data._series.get(service_id)
        if found is None:  # a service with no measures of its own
            found = data._series[service_id] = _split(data, service_id)
    return found


def _split(data: SummaryData, service_id: str | None) -> _Series:
    """The service's (None: the council's) :class:`_Series`."""
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
    # Rows are in period order within each measure (``queries.indicator_monthly_all``).
    months = pd.to_datetime(monthly["period"]).dt.date.to_numpy()
    values = monthly["value"].astype("float64").to_numpy()
    numerators, denominators = monthly["numerator"].to_numpy(), monthly["denominator"].to_numpy()
    positions = monthly.groupby("code", sort=False).indices
    return _Series(
        catalogue=list(catalogue.itertuples()),
        months={code: list(months[at]) for code, at in positions.items()},
        values={code: values[at] for code, at in positions.items()},
        numerators={code: numerators[at] for code, at in positions.items()},
        denominators={code: denominators[at] for code, at in positions.items()},
        changes={code: sorted(set(pd.to_datetime(group["month"]).dt.date))
                 for code, group in changes.groupby("code")},  # as views.baselines.changes_by_code gives them
    )


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
    series = _series_of(data, service_id)
    rows = []
    for ind in series.catalogue:
        # The measure's rows up to ``month``: its current value is the last when that is ``month``'s.
        months_of = series.months.get(ind.code, [])
        n = bisect.bisect_right(months_of, month)
        if n == 0 or months_of[n - 1] != month:
            continue
        months = months_of[:n]
        values = series.values[ind.code][:n]
        numerator, denominator = series.numerators[ind.code][n - 1], series.denominators[ind.code][n - 1]
        value = None if pd.isna(values[-1]) else float(values[-1])
        previous = float(values[-2]) if n > 1 else None
        target = None if pd.isna(ind.target) else float(ind.target)
        ratio = ind.aggregation != "sum"  # a plain count has no denominator to be too small
        minimum = float(ind.min_denominator) if ratio else None
        few = ratio and too_few(denominator, minimum)
        improvement = improvement_for(ind.polarity)
        values_list = values.tolist()
        phases = change_indices(months, series.changes.get(ind.code, ()))
        points = xmr(values_list, improvement=improvement, target=target, process_changes=phases,
                     baseline=BASELINE_POINTS)
        variation = variation_icon(points)
        assurance = assurance_icon(points, improvement, target)
        baseline = baseline_of(values_list, phases, BASELINE_POINTS)
        rows.append({
            "code": ind.code, "name": ind.name, "theme": ind.theme, "unit": ind.unit,
            "polarity": ind.polarity, "value": value,
            "numerator": numerator, "denominator": denominator,
            "target": target, "previous": previous,
            "rag": rag_status(value, target, ind.polarity, ind.rag_rule, ind.tolerance, previous,
                              denominator=denominator if ratio else None, min_denominator=minimum),
            "rag_rule": rag_rule_text(target, ind.polarity, ind.rag_rule, ind.tolerance, ind.unit, minimum),
            "too_few": bool(few),
            "rag_note": too_few_words(numerator, denominator, minimum, ind.unit) if few else None,
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
            "baseline_month": months[baseline[0]].strftime("%Y-%m") if baseline else None,
            "special_cause": points[-1]["special_cause"],
            "months": n,
        })
    return pd.DataFrame(rows)
