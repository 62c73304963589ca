"""The Team profiles page's "Teams side by side" view, worked out in one go: the month's table
(RAG counts, audits against expectation, inadequate audits with intervals, overdue actions), the
sentence above it, one small-multiples chart per measure with its active title and caption, and
the numbers behind the charts. Shaping only (no Streamlit calls, no query): ``ui.team_data``
caches the result per data version, service, month and type size, so a rerun of a view it has
shown draws it without working anything out again (issue 14). Store text is escaped here as the
page escaped it (``html.escape`` for chart titles and labels, ``md`` for captions)."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from qa_core.rules.formatting import round_half_up
from ui.figures.handover import spec_figure
from ui.figures.teams import EMPTY_POINTS, panel_points, panels_figure, wrap_lines
from ui.formatters import fmt_count, fmt_number, format_target, pct_share
from ui.safe import md

__all__ = ["RAGS", "MeasureChart", "SideBySide", "side_by_side", "side_table", "title_sentence"]

RAGS = ("Red", "Amber", "Green")


@dataclass(frozen=True)
class MeasureChart:
    """One measure's small multiples: its code (the chart's key), the figure ready for
    ``st.plotly_chart`` and the caption under it."""

    code: str
    figure: go.Figure
    caption: str


@dataclass
class SideBySide:
    """What the view shows. ``charts`` is empty (and ``numbers`` None) when no measure has team
    values this month; ``per_row``: charts in a row (one when the panels are many); ``first_month``:
    the small multiples' first month."""

    table: pd.DataFrame
    summary: str
    charts: tuple[MeasureChart, ...]
    per_row: int
    first_month: pd.Timestamp | None
    numbers: pd.DataFrame | None


class _Report:
    """The report's columns, each read from the frame once (a column read costs more than the
    work done with it), and its teams: each row's team number (in order of first appearance, as
    ``drop_duplicates`` keeps them) and each team's first row."""

    def __init__(self, report: pd.DataFrame) -> None:
        self.frame = report
        self.columns: dict[str, np.ndarray] = {}
        self.team_index = pd.factorize(self.column("team_id"))[0]
        self.firsts = np.unique(self.team_index, return_index=True)[1]

    def column(self, name: str) -> np.ndarray:
        if name not in self.columns:
            self.columns[name] = self.frame[name].to_numpy(dtype=object if name in _TEXT else None)
        return self.columns[name]

    def per_team(self, name: str) -> np.ndarray:
        return self.column(name)[self.firsts]


_TEXT = ("team_id", "team", "code", "name", "unit", "rag")


def side_table(report: pd.DataFrame) -> pd.DataFrame:
    """One row per team (in the report's order): RAG counts of its measures and its audit figures
    (with counts beside every percentage). Counted with whole arrays, once per team."""
    return _side_table(_Report(report))


def _side_table(report: _Report) -> pd.DataFrame:
    n = len(report.firsts)
    rag = report.column("rag")
    counts = {s: np.bincount(report.team_index, weights=(rag == s), minlength=n).astype("int64") for s in RAGS}
    measured = np.bincount(report.team_index, weights=~pd.isna(report.column("code")), minlength=n).astype("int64")
    done, expected = (report.per_team(c).astype(int).tolist() for c in ("audits_done", "audits_expected"))
    inadequate, total = (report.per_team(c).astype(int).tolist() for c in ("inadequate", "audits_total"))
    done_text = [
        f"{d} of {e} ({pct_share(d, e)})" if e else f"{d} (none expected)" for d, e in zip(done, expected, strict=True)
    ]
    inadequate_text = [
        f"{k} of {t} ({p:.1f}%; 95% interval {lo:.0f}% to {hi:.0f}%)" if t else "No audits"
        for k, t, p, lo, hi in zip(
            inadequate,
            total,
            report.per_team("pct_inadequate").tolist(),
            report.per_team("ci_low").tolist(),
            report.per_team("ci_high").tolist(),
            strict=True,
        )
    ]
    return pd.DataFrame(
        {
            "Team": report.frame["team"].iloc[report.firsts].reset_index(drop=True),
            "Red": counts["Red"],
            "Amber": counts["Amber"],
            "Green": counts["Green"],
            "No rating": measured - (counts["Red"] + counts["Amber"] + counts["Green"]),
            "Audits done (of expected)": done_text,
            "Inadequate audits": inadequate_text,
            "Overdue audit actions": report.per_team("overdue_actions").astype(int),
        }
    )


def title_sentence(
    unit: str,
    target: float | None,
    values: list[float],
    ratings: list[object],
    service: tuple[float, float, float] | None,
    label: str,
) -> str:
    """The active title: how the teams stand this month (``values`` and ``ratings``: one per team),
    with the service's figure (``service``: numerator, denominator, value) and its count."""
    n = len(values)
    rated = [r for r in ratings if isinstance(r, str)]
    if rated:
        parts = [f"{rated.count(s)} {s}" for s in RAGS]
        head = f"{n} teams in {label}: {', '.join(parts)} against a target of {format_target(target, unit)}"
    else:
        present = [v for v in values if not pd.isna(v)]
        head = (
            f"{n} teams in {label} ranged from {fmt_number(min(present), unit)} to {fmt_number(max(present), unit)}"
            if present
            else f"No team values in {label}"
        )
        if target is not None:
            head += f" (target {format_target(target, unit)})"
    if service is not None:
        numerator, denominator, value = service
        count = fmt_count(numerator, denominator) if unit == "%" else ""
        head += f"; the service {fmt_number(value, unit)}" + (f" ({count})" if count else "")
    return head


def _summary(report: _Report, table: pd.DataFrame) -> str:
    done, expected = (int(report.per_team(c).sum()) for c in ("audits_done", "audits_expected"))
    return (
        f"{len(table)} teams. Measures: {int(table['Red'].sum())} Red, {int(table['Amber'].sum())} Amber, "
        f"{int(table['Green'].sum())} Green. Audits by the team managers: {done} done of {expected} expected. "
        f"Audit actions overdue at the end of the month: {int(table['Overdue audit actions'].sum())}."
    )


def side_by_side(
    report: pd.DataFrame,
    series: pd.DataFrame,
    service_values: pd.DataFrame,
    service: str,
    month: dt.date,
    label: str,
    history: int,
    large: bool,
) -> SideBySide:
    """The view for ``report`` and ``series`` (``qa_core.views.team_profiles.team_view``, ``history``
    months of it in the small multiples), the service's own figures (code, numerator, denominator,
    value), the service's name, the month and its label, in large type or not."""
    rows = _Report(report)
    table = _side_table(rows)
    summary = _summary(rows, table)
    measured = np.flatnonzero(~pd.isna(rows.column("code")))
    if not len(measured) or series.empty:
        return SideBySide(table, summary, (), 1, None, None)
    months = list(pd.date_range(end=pd.Timestamp(month), periods=history, freq="MS"))
    first_data = pd.to_datetime(series["period"]).min()
    months = [m for m in months if m >= first_data]
    own = {
        code: tuple(figures)
        for code, *figures in zip(
            service_values["code"].tolist(),
            service_values["numerator"].tolist(),
            service_values["denominator"].tolist(),
            service_values["value"].tolist(),
            strict=True,
        )
    }
    team_ids, names = rows.per_team("team_id").tolist(), rows.per_team("team").tolist()
    teams = {"team_id": team_ids, "label": [wrap_lines(html.escape(name), 18) for name in names]}
    points = panel_points(series, teams, months)
    wide = len(team_ids) > 5
    width = 110 if wide else 60
    # The measured rows' columns as lists; each measure's rows by position (in the report's order).
    columns = {
        c: rows.column(c)[measured].tolist()
        for c in ("code", "name", "unit", "target", "team_id", "team", "value", "numerator", "denominator", "rag")
    }
    by_code: dict[str, list[int]] = {}
    for i, code in enumerate(columns["code"]):
        by_code.setdefault(code, []).append(i)
    charts = []
    for code, at in by_code.items():
        first = at[0]
        name, unit, target = columns["name"][first], columns["unit"][first], columns["target"][first]
        target = None if pd.isna(target) else float(target)
        values = [columns["value"][i] for i in at]
        ratings = [columns["rag"][i] for i in at]
        sentence = title_sentence(unit, target, values, ratings, own.get(code), label)
        title = f"<b>{wrap_lines(html.escape(name), width)}</b><br>{wrap_lines(html.escape(sentence), width)}"
        counts = (
            [fmt_count(columns["numerator"][i], columns["denominator"][i]) for i in at]
            if unit == "%"
            else [""] * len(at)
        )
        words = [r if isinstance(r, str) else "no RAG" for r in ratings]
        shown = [fmt_number(v, unit) for v in values]
        status = {
            columns["team_id"][i]: f"{s} · {w}" + (f"<br>{c}" if c else "")
            for i, s, w, c in zip(at, shown, words, counts, strict=True)
        }
        latest = "; ".join(
            f"{md(columns['team'][i])} {s} (" + (f"{c}, " if c else "") + f"{w})"
            for i, s, w, c in zip(at, shown, words, counts, strict=True)
        )
        figure = spec_figure(
            panels_figure(points.get(code, EMPTY_POINTS), teams, months, unit, target, title, status, large=large)
        )
        caption = (
            f"Chart: {md(name)} for each of {md(service)}'s teams, {months[0]:%B %Y} to {label}, one panel "
            f"per team on the same scale{', with the target' if target is not None else ''}. {sentence}. "
            f"In {label}: {latest}."
        )
        charts.append(MeasureChart(code, figure, caption))
    return SideBySide(table, summary, tuple(charts), 1 if wide else 2, months[0], _numbers(series, columns))


def _numbers(series: pd.DataFrame, columns: dict[str, list]) -> pd.DataFrame:
    """The numbers behind the charts: every team-month of the measures charted, as the table shows them."""
    names = dict(zip(columns["code"], columns["name"], strict=True))
    shown = series[series["code"].isin(names).to_numpy()]
    month_index, months = pd.factorize(pd.to_datetime(shown["period"]))  # each month written once
    return pd.DataFrame(
        {
            "Measure": shown["code"].map(names),
            "Team": shown["team"],
            "Month": pd.Series(
                np.asarray(months.strftime("%Y-%m"), dtype=object)[month_index], index=shown.index, dtype="str"
            ),
            "Numerator": shown["numerator"],
            "Denominator": shown["denominator"],
            "Value": round_half_up(shown["value"], 2),
        }
    )
