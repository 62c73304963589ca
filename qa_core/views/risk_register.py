"""The risk register as the risk owners and the audit committee look at it each quarter.

Store-facing shaping for the risk-scores page (no Streamlit): the heat map's cells (how
many risks sit in each impact x likelihood cell of a chosen matrix, and which, for the
gross, residual or target view of a quarter, optionally for one service), the register
with score, band and movement since the last review, the high-scoring risks, and one
risk's trajectory across quarters. Counting happens in DuckDB; the matrix is data (see
:mod:`qa_core.rules.risk`), so York's positional 19/20 cells come out exactly as stored.

Service filter: a risk belongs to one service or, with no ``service_id``, to the council
as a whole ("council-wide", e.g. workforce or IT risks). With a service chosen, only that
service's risks are counted; council-wide risks appear only in the all-services view.

Quarters are financial ('2026/27 Q2' is July to September 2026: ``qa_core.rules.periods``).

>>> quarters_up_to(["2025/26 Q4", "2026/27 Q1", "2026/27 Q2", "2026/27 Q3"], dt.date(2026, 8, 1))
['2026/27 Q2', '2026/27 Q1', '2025/26 Q4']
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.formatting import round_half_up
from qa_core.rules.periods import parse_quarter, previous_quarter, quarter_of
from qa_core.rules.risk import (
    DECREASED,
    INCREASED,
    NEW,
    UNCHANGED,
    RiskMatrix,
    assess_register,
    control_effect,
    expected_reduction_words,
    matrix_from_cells,
    movement,
)
from qa_core.store import Store, queries

__all__ = [
    "COUNCIL_WIDE",
    "RISK_REPORT_COLUMNS",
    "DEFAULT_MATRIX",
    "VIEWS",
    "band_ranges",
    "heatmap_cells",
    "heatmap_from",
    "register_rows",
    "register_from",
    "high_bands",
    "high_risks",
    "load_matrix",
    "movement_words",
    "quarters_up_to",
    "register",
    "register_matrix_id",
    "risks_report",
    "trajectory",
    "trajectory_from",
]

#: The three scores a register keeps; the page shows residual first.
VIEWS: tuple[str, ...] = ("residual", "gross", "target")
#: What a risk with no service is called.
COUNCIL_WIDE = "Council-wide"
#: The matrix used when the store has no ``risk_matrix`` setting.
DEFAULT_MATRIX = "product_5x5"
#: The columns of ``python -m qa_core report risks``.
RISK_REPORT_COLUMNS = [
    "risk_ref", "quarter", "title", "service", "owner",
    "impact", "likelihood", "score", "band",
    "gross_impact", "gross_likelihood", "gross_score", "gross_band",
    "target_impact", "target_likelihood", "target_score", "target_band",
    "previous_score", "movement", "reduction_pct", "reduction_expected", "matrix",
    "reduction_places", "reduction_bands", "control_effect", "reduction_expected_words",
]
_HIGH = "high"


# --- quarters ------------------------------------------------------------------------------


def quarters_up_to(quarters: Iterable[str], month: dt.date) -> list[str]:
    """Reviewed quarters at or before ``month``'s quarter, newest first.

    >>> quarters_up_to(["2025/26 Q4", "2026/27 Q1", "2026/27 Q2"], dt.date(2026, 3, 1))
    ['2025/26 Q4']
    """
    last = quarter_of(month)
    return sorted((q for q in quarters if q <= last), reverse=True)


# --- the matrix ----------------------------------------------------------------------------


def _split_labels(text: object) -> tuple[str, ...]:
    if text is None or (isinstance(text, float) and math.isnan(text)) or not str(text).strip():
        return ()
    return tuple(str(text).split("|"))


def register_matrix_id(store: Store) -> str:
    """The matrix the register is scored by (the ``risk_matrix`` setting)."""
    return store.setting("risk_matrix", DEFAULT_MATRIX) or DEFAULT_MATRIX


def load_matrix(store: Store, matrix_id: str) -> RiskMatrix:
    """The stored matrix ``matrix_id`` as a validated :class:`RiskMatrix`."""
    head, cells = queries.risk_matrix(store, matrix_id)
    return matrix_from_cells(head["name"], head["kind"], cells,
                             impact_labels=_split_labels(head["impact_labels"]),
                             likelihood_labels=_split_labels(head["likelihood_labels"]))


def band_ranges(matrix: RiskMatrix) -> pd.DataFrame:
    """Each band's score range as a register states it, lowest band first, with its ``rank``.

    ``low`` is the band's lowest cell score; ``high`` runs up to just below the next band's
    ``low`` (the top band: the highest cell score), so a product matrix's Significant band
    reads 10 to 14 though no cell scores 13 or 14. ``rank`` counts from 0 for the lowest.

    >>> from qa_core.rules.risk import PRODUCT_5X5
    >>> band_ranges(PRODUCT_5X5).values.tolist()
    [['Low', 1, 4, 0], ['Moderate', 5, 9, 1], ['Significant', 10, 14, 2], ['High', 15, 25, 3]]
    """
    # Worked in plain Python over the matrix's few cells: a pandas groupby here cost several
    # milliseconds a call, and the risk page asks three times a render (issue 14).
    spans: dict[str, tuple[int, int]] = {}
    for score, band in matrix.cells.values():
        low, top = spans.get(band, (score, score))
        spans[band] = (min(low, score), max(top, score))
    bands = matrix.bands()
    lows = [spans[band][0] for band in bands]
    highs = [max(lows[i + 1] - 1, spans[band][1]) if i + 1 < len(bands) else spans[band][1]
             for i, band in enumerate(bands)]
    return pd.DataFrame({"band": pd.array(bands, dtype="str"), "low": pd.array(lows, dtype="int64"),
                         "high": pd.array(highs, dtype="int64"), "rank": pd.array(range(len(bands)), dtype="int64")})


def high_bands(matrix: RiskMatrix) -> list[str]:
    """The bands counted as high-scoring, lowest first.

    The band called "High" and every band above it (York-style "High" and "Very high");
    where no band is called "High", the top band alone.

    >>> from qa_core.rules.risk import POSITIONAL_5X5, PRODUCT_5X5
    >>> high_bands(PRODUCT_5X5), high_bands(POSITIONAL_5X5)
    (['High'], ['High', 'Very high'])
    """
    bands = matrix.bands()
    named = [i for i, band in enumerate(bands) if band.strip().lower() == _HIGH]
    return bands[named[0]:] if named else bands[-1:]


# --- SQL --------------------------------------------------------------------------------------


def _view(view: str) -> str:
    if view not in VIEWS:
        raise QAError(f"Unknown view {view!r}: choose one of {', '.join(VIEWS)}.")
    return view


def _check_matrix(store: Store, matrix_id: str) -> None:
    if not store.scalar("SELECT count(*) FROM risk_matrix WHERE matrix_id = ?", [matrix_id]):
        known = ", ".join(queries.risk_matrices(store)["matrix_id"]) or "none"
        raise QAError(f"There is no risk matrix {matrix_id!r} (known: {known}).")


def heatmap_cells(store: Store, matrix_id: str, quarter: str, view: str = "residual",
                  service_id: str | None = None) -> pd.DataFrame:
    """Every cell of the matrix with the risks whose ``view`` cell it is in ``quarter``.

    One row per cell (impact, likelihood, score, band, ``risks`` = how many, ``refs`` =
    their references, comma-separated in order; empty cells have 0 and ''), ordered by
    impact then likelihood. Risks with no target are left out of the target view.
    ``service_id`` keeps that service's risks only (council-wide risks are left out).
    """
    view = _view(view)
    quarter = parse_quarter(quarter)
    _check_matrix(store, matrix_id)
    cells = store.query("SELECT impact, likelihood, score, band FROM risk_matrix_cell WHERE matrix_id = $matrix "
                        "ORDER BY impact, likelihood", {"matrix": matrix_id})
    reviews = store.query(
        "SELECT r.*, k.service_id FROM risk_review r JOIN risk k USING (risk_ref) WHERE r.quarter = $quarter",
        {"quarter": quarter})
    return heatmap_from(cells, reviews, quarter, view, service_id)


def heatmap_from(cells: pd.DataFrame, reviews: pd.DataFrame, quarter: str, view: str = "residual",
                 service_id: str | None = None) -> pd.DataFrame:
    """:func:`heatmap_cells` from the matrix's cells (``impact, likelihood, score, band``) and reviews
    (``risk_review`` rows with their risk's ``service_id``; any quarters: ``quarter``'s are counted)."""
    view = _view(view)
    impact, likelihood = f"{view}_impact", f"{view}_likelihood"
    keep = (reviews["quarter"] == quarter) & reviews[impact].notna() & reviews[likelihood].notna()
    if service_id is not None:
        keep &= reviews["service_id"] == service_id
    placed = reviews.loc[keep]
    # Worked in plain Python over the quarter's few dozen reviews and the matrix's cells: a pandas
    # groupby, merge and sort here cost about 7 ms a call (issue 14). Refs in order; equal refs are
    # the same text, so their order among themselves changes nothing.
    refs: dict[tuple[int, int], list[str]] = {}
    for ref, i, lk in sorted(zip(placed["risk_ref"].tolist(), placed[impact].tolist(), placed[likelihood].tolist(),
                                 strict=True), key=lambda r: r[0]):
        refs.setdefault((int(i), int(lk)), []).append(ref)
    keys = [(int(i), int(lk)) for i, lk in zip(cells["impact"].tolist(), cells["likelihood"].tolist(), strict=True)]
    order = sorted(range(len(keys)), key=keys.__getitem__)  # by impact then likelihood, stable
    scores, bands = cells["score"].tolist(), cells["band"].tolist()
    return pd.DataFrame({
        "impact": np.array([keys[k][0] for k in order], dtype="int64"),
        "likelihood": np.array([keys[k][1] for k in order], dtype="int64"),
        "score": np.array([int(scores[k]) for k in order], dtype="int64"),
        "band": pd.array([bands[k] for k in order], dtype=cells["band"].dtype),
        "risks": np.array([len(refs.get(keys[k], ())) for k in order], dtype="int64"),
        "refs": pd.array([", ".join(refs.get(keys[k], ())) for k in order], dtype=cells["band"].dtype),
    })


_STAGE_JOINS = "\n".join(
    f"LEFT JOIN risk_matrix_cell {alias} ON {alias}.matrix_id = $matrix "
    f"AND {alias}.impact = r.{impact} AND {alias}.likelihood = r.{likelihood}"
    for alias, impact, likelihood in (
        ("rc", "residual_impact", "residual_likelihood"),
        ("gc", "gross_impact", "gross_likelihood"),
        ("tc", "target_impact", "target_likelihood"),
        ("pc", "prev_impact", "prev_likelihood"),
    )
)


def register(store: Store, matrix_id: str, quarter: str, service_id: str | None = None) -> pd.DataFrame:
    """The register for ``quarter`` scored by ``matrix_id``, highest residual score first.

    Columns: risk_ref, quarter, title, owner, service_id, service (name, or
    "Council-wide"), impact, likelihood, score, band (residual), gross_impact,
    gross_likelihood, gross_score, gross_band, target_impact, target_likelihood,
    target_score, target_band (NA where no target), previous_quarter, previous_score,
    previous_band (the risk's review before this one), movement (increased, decreased,
    unchanged, new), movement_words ("Up from 12 to 16"), reduction_points and
    reduction_pct (gross minus residual, and as % of gross), reduction_expected, reasons,
    controls, outlook. The same scores as ``reports.risks_report``; empty if the quarter
    had no review (of that service's risks).
    """
    quarter = parse_quarter(quarter)
    _check_matrix(store, matrix_id)
    return register_from(register_rows(store, matrix_id), load_matrix(store, matrix_id), matrix_id, quarter,
                         service_id)


def register_rows(store: Store, matrix_id: str) -> pd.DataFrame:
    """Every quarter's register rows scored by ``matrix_id`` (quarter by quarter, highest residual score
    first), read once: :func:`register_from` picks a quarter and a service from them."""
    return store.query(
        f"""
        WITH r AS (
            SELECT *, lag(residual_impact) OVER w AS prev_impact,
                      lag(residual_likelihood) OVER w AS prev_likelihood,
                      lag(quarter) OVER w AS prev_quarter
            FROM risk_review WINDOW w AS (PARTITION BY risk_ref ORDER BY quarter)
        )
        SELECT r.risk_ref, r.quarter, k.title, k.owner, k.service_id,
               coalesce(s.name, '{COUNCIL_WIDE}') AS service,
               r.residual_impact AS impact, r.residual_likelihood AS likelihood,
               rc.score, rc.band,
               r.gross_impact, r.gross_likelihood, gc.score AS gross_score, gc.band AS gross_band,
               r.target_impact, r.target_likelihood, tc.score AS target_score, tc.band AS target_band,
               r.prev_quarter AS previous_quarter, pc.score AS previous_score, pc.band AS previous_band,
               r.reduction_expected, r.reasons, r.controls, r.outlook
        FROM r JOIN risk k USING (risk_ref) LEFT JOIN service s ON s.service_id = k.service_id
        {_STAGE_JOINS}
        ORDER BY r.quarter, rc.score DESC NULLS FIRST, r.risk_ref
        """,
        {"matrix": matrix_id},
    )


def register_from(rows: pd.DataFrame, matrix: RiskMatrix, matrix_id: str, quarter: str,
                  service_id: str | None = None) -> pd.DataFrame:
    """:func:`register` from :func:`register_rows` and the matrix they were scored by."""
    quarter = parse_quarter(quarter)
    keep = rows["quarter"] == quarter
    if service_id is not None:
        keep &= rows["service_id"] == service_id
    frame = rows[keep].reset_index(drop=True)
    _none_for_empty_text(frame)
    unscored = frame[frame["score"].isna() | frame["gross_score"].isna()]
    if not unscored.empty:
        first = unscored.iloc[0]
        raise QAError(f"{first['risk_ref']} has a cell that matrix {matrix_id!r} does not have "
                      f"(residual impact {first['impact']}, likelihood {first['likelihood']}; gross "
                      f"impact {first['gross_impact']}, likelihood {first['gross_likelihood']}).")
    for col in ("impact", "likelihood", "score", "gross_impact", "gross_likelihood", "gross_score",
                "target_impact", "target_likelihood", "target_score", "previous_score"):
        frame[col] = frame[col].astype("Int64")
    frame["reduction_expected"] = frame["reduction_expected"].astype("boolean")
    score = frame["score"].astype("float64")
    previous = frame["previous_score"].astype("float64")
    frame["movement"] = np.select(
        [previous.isna(), score > previous, score < previous],
        [NEW, INCREASED, DECREASED], default=UNCHANGED)
    frame["movement_words"] = movement_words(frame["score"], frame["previous_score"],
                                             frame["quarter"], frame["previous_quarter"])
    _control_columns(frame, matrix, "score", "band")
    return frame.reset_index(drop=True)


def _none_for_empty_text(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> None:
    """As a quarter's own read gives it: a text column (of ``columns``, default all) with nothing in it holds
    None (object), not NaN."""
    for col in frame.columns if columns is None else columns:
        if pd.api.types.is_string_dtype(frame[col]) and frame[col].isna().all():
            frame[col] = pd.Series([None] * len(frame), dtype="object")


def service_register(register: pd.DataFrame, rows: pd.DataFrame, service_id: str) -> pd.DataFrame:
    """:func:`register_from` for one service, picked from the quarter's whole register (``service_id`` None)
    that was worked out from ``rows``: its rows in the same order, a read column (one of ``rows``) of text with
    nothing in them holding None as there. Every other column is worked out row by row, so the rows are the
    ones the service's own register gives. With no rows, column types differ: work that out alone."""
    frame = register[register["service_id"] == service_id].reset_index(drop=True)
    _none_for_empty_text(frame, [c for c in frame.columns if c in rows.columns])
    return frame


def _control_columns(frame: pd.DataFrame, matrix: RiskMatrix, score: str, band: str) -> None:
    """Add what the controls take off (``reduction_points`` and ``reduction_pct`` on a product
    matrix, ``reduction_places`` on a positional one, ``reduction_bands`` on both, and
    ``control_effect`` in words) and ``reduction_expected_words`` (against the target score)."""
    effects = [control_effect(matrix, g, r) for g, r in zip(frame["gross_score"], frame[score], strict=True)]
    frame["reduction_points"] = pd.array([e["points"] for e in effects], dtype="Int64")
    frame["reduction_pct"] = pd.array([None if e["pct"] is None else round_half_up(e["pct"], 1) for e in effects],
                                      dtype="Float64")
    frame["reduction_places"] = pd.array([e["places"] for e in effects], dtype="Int64")
    frame["reduction_bands"] = pd.array([e["bands"] for e in effects], dtype="Int64")
    frame["control_effect"] = [e["words"] for e in effects]
    frame["reduction_expected_words"] = [
        expected_reduction_words(None if pd.isna(x) else bool(x), r, t, rb, tb) for x, r, t, rb, tb in zip(
            frame["reduction_expected"], frame[score], frame["target_score"], frame[band], frame["target_band"],
            strict=True)]


def movement_words(current: Sequence, previous: Sequence, quarter: Sequence | None = None,
                   previous_quarter_: Sequence | None = None) -> list[str]:
    """How each score moved, in words: "Up from 12 to 16", "Down from 16 to 12",
    "Unchanged at 16", "New: first reviewed this quarter". Where the previous review was
    not the quarter just before, its quarter is named: "Up from 12 (2025/26 Q3) to 16".

    >>> movement_words([16, 12, 16, 9], [12, 16, 16, None])
    ['Up from 12 to 16', 'Down from 16 to 12', 'Unchanged at 16', 'New: first reviewed this quarter']
    """
    current = list(current)
    previous = list(previous)
    quarters = list(quarter) if quarter is not None else [None] * len(current)
    before = list(previous_quarter_) if previous_quarter_ is not None else [None] * len(current)
    words = []
    for now, then, q, pq in zip(current, previous, quarters, before, strict=True):
        if then is None or pd.isna(then):
            words.append("New: first reviewed this quarter")
            continue
        now, then = int(now), int(then)
        gap = isinstance(q, str) and isinstance(pq, str) and previous_quarter(q) != pq
        since = f" ({pq})" if gap else ""
        if now > then:
            words.append(f"Up from {then}{since} to {now}")
        elif now < then:
            words.append(f"Down from {then}{since} to {now}")
        else:
            words.append(f"Unchanged at {now}" + (f" since {pq}" if gap else ""))
    return words


def high_risks(frame: pd.DataFrame, matrix: RiskMatrix) -> pd.DataFrame:
    """Rows of a :func:`register` frame whose residual band is high-scoring (:func:`high_bands`)."""
    return frame[frame["band"].isin(high_bands(matrix))].reset_index(drop=True)


def trajectory(store: Store, matrix_id: str, risk_ref: str, until: str | None = None) -> pd.DataFrame:
    """One risk's gross, residual and target cells, scores and bands for each quarter it
    was reviewed, up to ``until`` (every quarter if None), oldest first."""
    _check_matrix(store, matrix_id)
    until = parse_quarter(until) if until else None
    frame = store.query(
        """
        SELECT r.quarter,
               r.gross_impact, r.gross_likelihood, gc.score AS gross_score, gc.band AS gross_band,
               r.residual_impact, r.residual_likelihood, rc.score AS residual_score, rc.band AS residual_band,
               r.target_impact, r.target_likelihood, tc.score AS target_score, tc.band AS target_band
        FROM risk_review r
        LEFT JOIN risk_matrix_cell gc ON gc.matrix_id = $matrix AND gc.impact = r.gross_impact
             AND gc.likelihood = r.gross_likelihood
        LEFT JOIN risk_matrix_cell rc ON rc.matrix_id = $matrix AND rc.impact = r.residual_impact
             AND rc.likelihood = r.residual_likelihood
        LEFT JOIN risk_matrix_cell tc ON tc.matrix_id = $matrix AND tc.impact = r.target_impact
             AND tc.likelihood = r.target_likelihood
        WHERE r.risk_ref = $ref AND ($until IS NULL OR r.quarter <= $until)
        ORDER BY r.quarter
        """,
        {"matrix": matrix_id, "ref": risk_ref, "until": until},
    )
    for col in ("gross_impact", "gross_likelihood", "gross_score", "residual_impact", "residual_likelihood",
                "residual_score", "target_impact", "target_likelihood", "target_score"):
        frame[col] = frame[col].astype("Int64")
    return frame


_TRAJECTORY_INTS = ("gross_impact", "gross_likelihood", "gross_score", "residual_impact", "residual_likelihood",
                    "residual_score", "target_impact", "target_likelihood", "target_score")


def trajectory_from(cells: pd.DataFrame, reviews: pd.DataFrame, risk_ref: str,
                    until: str | None = None) -> pd.DataFrame:
    """:func:`trajectory` from the matrix's cells (``impact, likelihood, score, band``) and the
    ``risk_review`` rows of any risks (what the page reads once): the same frame, read from nothing."""
    until = parse_quarter(until) if until else None
    keep = reviews["risk_ref"] == risk_ref
    if until is not None:
        keep &= reviews["quarter"] <= until
    frame = reviews.loc[keep]
    # Looked up in plain Python over the risk's few reviews: pandas reindexing on a MultiIndex for each view
    # cost about 7 ms a risk (issue 14). Quarters oldest first; reviews of the same quarter in their order.
    order = sorted(range(len(frame)), key=frame["quarter"].tolist().__getitem__)
    scored = {(int(i), int(lk)): (int(sc), band) for i, lk, sc, band in zip(
        cells["impact"].tolist(), cells["likelihood"].tolist(), cells["score"].tolist(), cells["band"].tolist(),
        strict=True)}
    quarters = frame["quarter"].tolist()
    out = {"quarter": pd.array([quarters[k] for k in order], dtype=reviews["quarter"].dtype)}
    for view in ("gross", "residual", "target"):
        impact, likelihood = f"{view}_impact", f"{view}_likelihood"
        impacts = [_whole(v) for v in frame[impact].tolist()]
        likelihoods = [_whole(v) for v in frame[likelihood].tolist()]
        found = [scored.get((impacts[k], likelihoods[k]), (None, None)) for k in order]
        out[impact] = pd.array([impacts[k] for k in order], dtype="Int64")
        out[likelihood] = pd.array([likelihoods[k] for k in order], dtype="Int64")
        out[f"{view}_score"] = pd.array([f[0] for f in found], dtype="Int64")
        out[f"{view}_band"] = pd.array([f[1] for f in found], dtype=cells["band"].dtype)
    # As the query gives it (``queries.as_queried``): a text column with nothing in it (a band no quarter has,
    # or no rows) holds None; the levels and scores are Int64 either way.
    for name in ("quarter", "gross_band", "residual_band", "target_band"):
        if not any(isinstance(v, str) for v in out[name]):
            out[name] = pd.array([None] * len(out[name]), dtype=object)
    return pd.DataFrame(out)


def _whole(value: Any) -> int | None:
    """A stored level as a whole number; None where there is none."""
    return None if value is None or pd.isna(value) else int(value)


def risks_report(store: Store, quarter: str | None = None, matrix_id: str | None = None) -> pd.DataFrame:
    """The register for a quarter (default: latest): residual score and band by the chosen
    matrix, gross and target too, and movement since the previous quarter."""
    quarter = parse_quarter(quarter) if quarter else queries.latest_quarter(store)
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
    out["reduction_expected"] = reg["reduction_expected"]
    _control_columns(out, matrix, "score", "band")  # reduction_pct: none on a positional matrix
    out["matrix"] = matrix_id
    return out[RISK_REPORT_COLUMNS].sort_values(["score", "risk_ref"], ascending=[False, True],
                                                 ignore_index=True)
