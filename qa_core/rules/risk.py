"""Risk matrices and risk-register scoring, with the matrix held as data.

Why this module exists: councils score risks on an impact x likelihood grid, but not all
by multiplying. Rochdale's register multiplies (impact 5 x likelihood 4 = 20); York's
ranks the cells of its grid, reporting a gross score of 20 for probable/major and a net
score of 19 for possible/major - numbers no product can give (docs/domain.md, "Risk
registers"; [Rochdale risk CSCR003], [York corporate risk 5]). So a :class:`RiskMatrix` is a table of cells, each
``(impact, likelihood) -> (score, band)``, with its word scales; the store keeps it as
rows (:func:`matrix_cells` / :func:`matrix_from_cells`) and the register is scored by
looking cells up, never by a formula.

Registers keep gross (inherent, before controls), residual (net, after controls) and
target scores quarter by quarter: :func:`assess_register` scores all three,
:func:`control_effect` says what the controls took off (points and a percentage on a product
matrix; places and bands on a positional one, whose ranks are ordinal, so "5%" of a rank would
mean nothing), :func:`movement` how a score moved since last quarter. Whether a reduction is
expected looks ahead to the target score (:func:`expected_reduction_words`), a different
question from what the controls already take off.

Impact always comes first in this module's arguments, though registers often speak of
"likelihood, impact" (York: "likelihood probable, impact major"). Everything is pure:
no I/O, no Streamlit. Bad input raises :class:`~qa_core.errors.QAError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Real
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.missing import is_missing

__all__ = [
    "CELL_KEYS",
    "DECREASED",
    "INCREASED",
    "KINDS",
    "KIND_POSITIONAL",
    "KIND_PRODUCT",
    "NEW",
    "POSITIONAL_5X5",
    "POSITIONAL_BANDS",
    "POSITIONAL_IMPACT_LABELS",
    "POSITIONAL_LIKELIHOOD_LABELS",
    "PRODUCT_5X5",
    "PRODUCT_BANDS",
    "PRODUCT_IMPACT_LABELS",
    "PRODUCT_LIKELIHOOD_LABELS",
    "REGISTER_STAGES",
    "UNCHANGED",
    "RiskMatrix",
    "assess_register",
    "control_effect",
    "expected_reduction_words",
    "matrix_cells",
    "matrix_from_cells",
    "movement",
    "product_matrix",
    "reduction",
]

KIND_PRODUCT = "product"  # score = impact x likelihood
KIND_POSITIONAL = "positional"  # each cell has its own rank
KINDS: tuple[str, ...] = (KIND_PRODUCT, KIND_POSITIONAL)

#: The keys of one stored matrix cell (a row of :func:`matrix_cells`).
CELL_KEYS: tuple[str, ...] = ("impact", "likelihood", "score", "band")

#: The scores a register keeps for each risk, as column prefixes
#: (``gross_impact``, ``gross_likelihood`` -> ``gross_score``, ``gross_band``).
REGISTER_STAGES: tuple[str, ...] = ("gross", "residual", "target")

INCREASED = "increased"
DECREASED = "decreased"
UNCHANGED = "unchanged"
NEW = "new"

_PERCENT = 100

# --- helpers -----------------------------------------------------------------------------


def _whole(value: Any, what: str) -> int:
    """A whole number (int, numpy int, or a float such as 5.0 from a frame) as int."""
    if isinstance(value, (bool, np.bool_)):
        raise QAError(f"{what} must be a whole number, not {value!r}")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (Real, np.floating)) and math.isfinite(value) and value == int(value):
        return int(value)
    raise QAError(f"{what} must be a whole number, not {value!r}")


def _number(value: Any, what: str) -> int | float:
    """A real number; whole numbers come back as int."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (Real, np.number)):
        raise QAError(f"{what} must be a number, not {value!r}")
    if not math.isfinite(value):
        raise QAError(f"{what} must be finite, not {value!r}")
    return int(value) if value == int(value) else float(value)


def _labels(labels: Iterable[str] | None, size: int, axis: str) -> tuple[str, ...]:
    result = tuple(labels or ())
    if not result:
        return ()
    if len(result) != size:
        raise QAError(f"{axis} labels: expected {size} (one per level), got {len(result)}")
    if any(not isinstance(label, str) or not label.strip() for label in result):
        raise QAError(f"{axis} labels must be non-empty text: {result!r}")
    if len({label.strip().lower() for label in result}) != size:
        raise QAError(f"{axis} labels must be distinct: {result!r}")
    return result


def _banding(bands: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Validate ``(min_score, band)`` pairs and sort them by min_score."""
    try:
        pairs = [(_whole(low, "band minimum score"), name) for low, name in bands]
    except (TypeError, ValueError) as exc:
        raise QAError(f"bands must be (min_score, band_name) pairs: {exc}") from exc
    if not pairs:
        raise QAError("at least one band is needed")
    if any(not isinstance(name, str) or not name.strip() for _, name in pairs):
        raise QAError(f"band names must be non-empty text: {pairs!r}")
    if len({low for low, _ in pairs}) != len(pairs):
        raise QAError(f"two bands start at the same score: {pairs!r}")
    if len({name for _, name in pairs}) != len(pairs):
        raise QAError(f"a band name appears twice: {pairs!r}")
    return sorted(pairs)


def _band_of(score: int, banding: list[tuple[int, str]]) -> str:
    """The band whose minimum is the highest one not above ``score``."""
    chosen = None
    for low, name in banding:
        if low <= score:
            chosen = name
    if chosen is None:
        raise QAError(f"score {score} is below the lowest band (starts at {banding[0][0]})")
    return chosen


# --- the matrix --------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskMatrix:
    """A square scoring matrix: ``(impact, likelihood) -> (score, band)`` for every cell.

    Levels run from 1 to the matrix size on both axes. ``kind`` is "product" (each score
    must equal impact x likelihood - checked) or "positional" (any ranks). Labels, if
    given, name the levels in order (1 first) and may be used in place of numbers.
    Validated on construction; immutable.

    >>> PRODUCT_5X5.assess(5, 4)           # Rochdale CSCR003: impact 5 x likelihood 4
    (20, 'High')
    >>> POSITIONAL_5X5.score("Major", "Possible")   # York's net score
    19
    """

    name: str
    kind: str
    cells: Mapping[tuple[int, int], tuple[int, str]] = field(hash=False, repr=False)
    impact_labels: tuple[str, ...] = ()
    likelihood_labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise QAError(f"a risk matrix needs a name, not {self.name!r}")
        if self.kind not in KINDS:
            raise QAError(f"unknown matrix kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if not isinstance(self.cells, Mapping) or not self.cells:
            raise QAError(f"matrix {self.name!r}: cells must be a non-empty mapping")

        cells: dict[tuple[int, int], tuple[int, str]] = {}
        for key, value in self.cells.items():
            try:
                impact, likelihood = key
                score, band = value
            except (TypeError, ValueError) as exc:
                raise QAError(
                    f"matrix {self.name!r}: each cell is (impact, likelihood) -> (score, band), "
                    f"not {key!r} -> {value!r}"
                ) from exc
            cell = (_whole(impact, "impact"), _whole(likelihood, "likelihood"))
            if cell in cells:
                raise QAError(f"matrix {self.name!r}: cell {cell} appears twice")
            if not isinstance(band, str) or not band.strip():
                raise QAError(f"matrix {self.name!r}: cell {cell} needs a band name")
            cells[cell] = (_whole(score, f"score of cell {cell}"), band)

        size = max(max(cell) for cell in cells)
        expected = {(i, lk) for i in range(1, size + 1) for lk in range(1, size + 1)}
        outside = sorted(set(cells) - expected)
        if outside:
            raise QAError(f"matrix {self.name!r}: cells outside 1-{size}: {outside[:5]}")
        missing = sorted(expected - set(cells))
        if missing:
            raise QAError(
                f"matrix {self.name!r} is {size}x{size} but lacks "
                f"{len(missing)} cell(s) (impact, likelihood): {missing[:5]}"
            )
        if self.kind == KIND_PRODUCT:
            wrong = [(c, s) for c, (s, _) in sorted(cells.items()) if s != c[0] * c[1]]
            if wrong:
                raise QAError(
                    f"matrix {self.name!r} is a product matrix but these scores are not "
                    f"impact x likelihood: {wrong[:5]}"
                )

        object.__setattr__(self, "cells", MappingProxyType(dict(sorted(cells.items()))))
        object.__setattr__(self, "impact_labels", _labels(self.impact_labels, size, "impact"))
        object.__setattr__(
            self, "likelihood_labels", _labels(self.likelihood_labels, size, "likelihood")
        )

    @property
    def size(self) -> int:
        """Number of levels on each axis (5 for a 5x5 matrix)."""
        return math.isqrt(len(self.cells))

    def _level(self, value: Any, labels: tuple[str, ...], axis: str) -> int:
        if isinstance(value, str):
            wanted = value.strip().lower()
            for number, label in enumerate(labels, start=1):
                if label.lower() == wanted:
                    return number
            known = f"; its {axis} labels are {', '.join(labels)}" if labels else ""
            raise QAError(f"{axis} {value!r} is not in matrix {self.name!r}{known}")
        if is_missing(value):
            raise QAError(f"{axis} is missing")
        level = _whole(value, axis)
        if not 1 <= level <= self.size:
            raise QAError(
                f"{axis} {level} is not in matrix {self.name!r} ({axis} runs 1-{self.size})"
            )
        return level

    def assess(self, impact: int | str, likelihood: int | str) -> tuple[int, str]:
        """``(score, band)`` of a cell; levels are numbers or labels.

        >>> PRODUCT_5X5.assess("Catastrophic", "Likely")
        (20, 'High')
        """
        cell = (
            self._level(impact, self.impact_labels, "impact"),
            self._level(likelihood, self.likelihood_labels, "likelihood"),
        )
        return self.cells[cell]

    def score(self, impact: int | str, likelihood: int | str) -> int:
        """The score of a cell. ``POSITIONAL_5X5.score(4, 5)`` is 20."""
        return self.assess(impact, likelihood)[0]

    def band(self, impact: int | str, likelihood: int | str) -> str:
        """The band of a cell. ``PRODUCT_5X5.band(5, 4)`` is "High"."""
        return self.assess(impact, likelihood)[1]

    def bands(self) -> list[str]:
        """Band names from lowest to highest score (by each band's lowest score).

        >>> PRODUCT_5X5.bands()
        ['Low', 'Moderate', 'Significant', 'High']
        """
        spans: dict[str, tuple[int, int]] = {}
        for score, band in self.cells.values():
            low, high = spans.get(band, (score, score))
            spans[band] = (min(low, score), max(high, score))
        return sorted(spans, key=lambda band: (*spans[band], band))

    def band_for_score(self, score: int) -> str:
        """The band of the cells with this score; QAError if no cell or several bands.

        Meant for product matrices, where a register may record only the score.

        >>> PRODUCT_5X5.band_for_score(20)
        'High'
        """
        wanted = _whole(score, "score")
        found = {band for s, band in self.cells.values() if s == wanted}
        if not found:
            raise QAError(f"no cell of matrix {self.name!r} scores {wanted}")
        if len(found) > 1:
            raise QAError(
                f"score {wanted} is in more than one band of matrix {self.name!r}: "
                f"{', '.join(sorted(found))}"
            )
        return found.pop()


def product_matrix(
    name: str,
    bands: Iterable[tuple[int, str]],
    size: int = 5,
    impact_labels: Iterable[str] | None = None,
    likelihood_labels: Iterable[str] | None = None,
) -> RiskMatrix:
    """A matrix scoring impact x likelihood, banded by ``(min_score, band)`` thresholds.

    Each band runs from its minimum up to the next band's minimum; the lowest band must
    start at 1 or below so that every cell has a band.

    >>> m = product_matrix("3x3", [(1, "Low"), (4, "High")], size=3)
    >>> m.assess(2, 2), m.assess(3, 1)
    ((4, 'High'), (3, 'Low'))
    """
    size = _whole(size, "size")
    if size < 1:
        raise QAError(f"size must be at least 1, not {size}")
    banding = _banding(bands)
    cells = {
        (i, lk): (i * lk, _band_of(i * lk, banding))
        for i in range(1, size + 1)
        for lk in range(1, size + 1)
    }
    return RiskMatrix(
        name, KIND_PRODUCT, cells, tuple(impact_labels or ()), tuple(likelihood_labels or ())
    )


def matrix_from_cells(
    name: str,
    kind: str,
    rows: Iterable[Mapping[str, Any]] | pd.DataFrame,
    impact_labels: Iterable[str] = (),
    likelihood_labels: Iterable[str] = (),
) -> RiskMatrix:
    """Build a matrix from stored rows with keys impact, likelihood, score, band.

    ``rows`` may be an iterable of mappings or a DataFrame; other keys are ignored.

    >>> m = matrix_from_cells("one", "positional", [
    ...     {"impact": 1, "likelihood": 1, "score": 1, "band": "Low"}])
    >>> m.assess(1, 1)
    (1, 'Low')
    """
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    cells: dict[tuple[int, int], tuple[int, str]] = {}
    for position, row in enumerate(records):
        if not isinstance(row, Mapping):
            raise QAError(f"matrix {name!r} row {position}: expected a mapping, not {row!r}")
        absent = [key for key in CELL_KEYS if key not in row or is_missing(row[key])]
        if absent:
            raise QAError(f"matrix {name!r} row {position} lacks {', '.join(absent)}")
        cell = (_whole(row["impact"], "impact"), _whole(row["likelihood"], "likelihood"))
        if cell in cells:
            raise QAError(f"matrix {name!r}: cell (impact, likelihood) {cell} appears twice")
        cells[cell] = (_whole(row["score"], "score"), row["band"])
    if not cells:
        raise QAError(f"matrix {name!r} has no cells")
    return RiskMatrix(name, kind, cells, tuple(impact_labels), tuple(likelihood_labels))


def matrix_cells(matrix: RiskMatrix) -> list[dict[str, Any]]:
    """The matrix as rows for storing, ordered by impact then likelihood.

    >>> matrix_cells(PRODUCT_5X5)[-1]
    {'impact': 5, 'likelihood': 5, 'score': 25, 'band': 'High'}
    """
    return [
        {"impact": impact, "likelihood": likelihood, "score": score, "band": band}
        for (impact, likelihood), (score, band) in sorted(matrix.cells.items())
    ]


# --- ready-made matrices for the demo council --------------------------------------------

PRODUCT_BANDS: tuple[tuple[int, str], ...] = (
    (1, "Low"),
    (5, "Moderate"),
    (10, "Significant"),
    (15, "High"),
)
PRODUCT_IMPACT_LABELS = ("Insignificant", "Minor", "Moderate", "Major", "Catastrophic")
PRODUCT_LIKELIHOOD_LABELS = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")

#: Mirrors Rochdale's practice: score = impact x likelihood, so impact 5 (catastrophic) x
#: likelihood 4 (likely) = 20, banded Low 1-4, Moderate 5-9, Significant 10-14, High 15+.
PRODUCT_5X5 = product_matrix(
    "Product 5x5",
    PRODUCT_BANDS,
    size=5,
    impact_labels=PRODUCT_IMPACT_LABELS,
    likelihood_labels=PRODUCT_LIKELIHOOD_LABELS,
)

POSITIONAL_BANDS: tuple[tuple[int, str], ...] = (
    (1, "Low"),
    (11, "Medium"),
    (16, "High"),
    (21, "Very high"),
)
POSITIONAL_IMPACT_LABELS = ("Insignificant", "Minor", "Moderate", "Major", "Critical")
POSITIONAL_LIKELIHOOD_LABELS = ("Remote", "Rare", "Unlikely", "Possible", "Probable")

#: The demo council's positional matrix, given whole, cell by cell, as a council supplies its own:
#: one row per impact (Insignificant first), one rank per likelihood (Remote to Probable). It
#: keeps York's two published cells, Major/Probable 20 (gross) and Major/Possible 19 (net), which
#: no product can give; every rank rises with impact and with likelihood, so no cell outranks one
#: that is worse on both scales (Critical/Remote is 11, well below Major/Probable). Cells on the
#: same diagonal may share a rank, as a product matrix's do.
POSITIONAL_GRID: tuple[tuple[int, ...], ...] = (
    #  Remote  Rare  Unlikely  Possible  Probable
    (1, 2, 3, 4, 5),          # Insignificant
    (2, 4, 6, 8, 10),         # Minor
    (3, 6, 9, 12, 15),        # Moderate
    (8, 12, 16, 19, 20),      # Major: York's net 19 (possible) and gross 20 (probable)
    (11, 15, 18, 21, 25),     # Critical
)


def _positional_5x5_rows() -> list[dict[str, Any]]:
    banding = _banding(POSITIONAL_BANDS)
    return [{"impact": impact, "likelihood": likelihood, "score": rank, "band": _band_of(rank, banding)}
            for impact, row in enumerate(POSITIONAL_GRID, start=1)
            for likelihood, rank in enumerate(row, start=1)]


#: Mirrors York's practice: cells are ranked, not multiplied (``POSITIONAL_GRID``), so
#: major/probable = 20 (York's gross score) and major/possible = 19 (its net score). Bands Low
#: 1-10, Medium 11-15, High 16-20, Very high 21-25.
POSITIONAL_5X5 = matrix_from_cells(
    "Positional 5x5",
    KIND_POSITIONAL,
    _positional_5x5_rows(),
    impact_labels=POSITIONAL_IMPACT_LABELS,
    likelihood_labels=POSITIONAL_LIKELIHOOD_LABELS,
)


# --- register ----------------------------------------------------------------------------


def reduction(gross_score: float | None, residual_score: float | None) -> dict[str, Any]:
    """What the controls took off on a **product** matrix: ``points`` (gross - residual) and
    ``pct`` of gross. On a positional matrix use :func:`control_effect` (places and bands).

    ``pct`` is None when gross is 0; both are None when either score is missing. A
    residual above gross gives negative figures (shown, not hidden). Not rounded.

    >>> reduction(20, 19)      # York: gross 20, net 19
    {'points': 1, 'pct': 5.0}
    """
    if is_missing(gross_score) or is_missing(residual_score):
        return {"points": None, "pct": None}
    gross = _number(gross_score, "gross score")
    points = gross - _number(residual_score, "residual score")
    pct = None if gross == 0 else points / gross * _PERCENT
    return {"points": points, "pct": pct}


def _places(matrix: RiskMatrix, gross: int, residual: int) -> int:
    """How many of the matrix's ranks lie from ``residual`` up to ``gross`` (negative when it rose)."""
    ranks = sorted({score for score, _ in matrix.cells.values()})
    if gross not in ranks or residual not in ranks:
        raise QAError(f"matrix {matrix.name!r} has no cell scoring {gross if gross not in ranks else residual}")
    return ranks.index(gross) - ranks.index(residual)


def control_effect(matrix: RiskMatrix, gross_score: Any, residual_score: Any) -> dict[str, Any]:
    """What the controls take off, in the terms the matrix allows: ``points`` and ``pct`` (of gross)
    on a product matrix; ``places`` (ranks passed, on the matrix's own list of ranks) on a
    positional one, where ``pct`` is None, since a rank is an order, not an amount; ``bands``
    crossed on both; and ``words``. All None when a score is missing.

    >>> control_effect(POSITIONAL_5X5, 20, 19)["words"]   # York: gross 20, net 19
    'down 1 place, within the High band'
    >>> control_effect(PRODUCT_5X5, 20, 12)["words"]
    'down 8 points (40% of the gross score), from High to Significant'
    """
    if is_missing(gross_score) or is_missing(residual_score):
        return {"points": None, "pct": None, "places": None, "bands": None, "words": None}
    gross, residual = _whole(gross_score, "gross score"), _whole(residual_score, "residual score")
    bands = matrix.bands()
    gross_band, residual_band = matrix.band_for_score(gross), matrix.band_for_score(residual)
    crossed = bands.index(gross_band) - bands.index(residual_band)
    band_words = (f"within the {gross_band} band" if crossed == 0
                  else f"from {gross_band} to {residual_band}")
    if matrix.kind == KIND_POSITIONAL:
        places = _places(matrix, gross, residual)
        if places == 0:
            words = f"no change: the same rank, {band_words}"
        else:
            way = "down" if places > 0 else "up"
            words = f"{way} {abs(places)} place{'' if abs(places) == 1 else 's'}, {band_words}"
        return {"points": None, "pct": None, "places": places, "bands": crossed, "words": words}
    taken = reduction(gross, residual)
    points, pct = taken["points"], taken["pct"]
    if points == 0:
        words = f"no change: the same score, {band_words}"
    else:
        way = "down" if points > 0 else "up"
        share = "" if pct is None else f" ({abs(pct):.0f}% of the gross score)"
        words = f"{way} {abs(points)} point{'' if abs(points) == 1 else 's'}{share}, {band_words}"
    return {"points": points, "pct": pct, "places": None, "bands": crossed, "words": words}


def expected_reduction_words(expected: Any, residual_score: Any, target_score: Any,
                             residual_band: Any = None, target_band: Any = None) -> str:
    """Whether the owner expects the score to come down, said against the **target** score (the
    question looks ahead; what the controls already take off is :func:`control_effect`), and
    where the expectation and the target disagree.

    >>> expected_reduction_words(True, 16, 12, "High", "Significant")
    'Yes: from 16 (High) now to the target of 12 (Significant)'
    >>> expected_reduction_words(True, 12, 12)
    'Yes, but the target (12) is the score now: no reduction is planned against it'
    >>> expected_reduction_words(False, 20, 12)
    'No: the score stays at 20, above its target of 12'
    """
    def scored(score: Any, band: Any) -> str:
        return f"{int(score)}" + ("" if is_missing(band) else f" ({band})")

    if is_missing(expected):
        return "Not recorded"
    now = None if is_missing(residual_score) else int(residual_score)
    target = None if is_missing(target_score) else int(target_score)
    if bool(expected):
        if target is None:
            return "Yes, but no target score is recorded to say by how much"
        if now is not None and target == now:
            return f"Yes, but the target ({target}) is the score now: no reduction is planned against it"
        if now is not None and target > now:
            return f"Yes, but the target ({target}) is above the score now ({now})"
        return f"Yes: from {scored(residual_score, residual_band)} now to the target of {scored(target, target_band)}"
    if target is not None and now is not None and now > target:
        return f"No: the score stays at {now}, above its target of {target}"
    return "No"


def movement(current_score: float, previous_score: float | None) -> str:
    """How a risk score moved since the last review: increased/decreased/unchanged/new.

    >>> movement(20, 16), movement(16, None)
    ('increased', 'new')
    """
    if is_missing(current_score):
        raise QAError("the current risk score is missing")
    current = _number(current_score, "current score")
    if is_missing(previous_score):
        return NEW
    previous = _number(previous_score, "previous score")
    if current > previous:
        return INCREASED
    if current < previous:
        return DECREASED
    return UNCHANGED


def _stage_assessment(
    row: Mapping[str, Any], stage: str, matrix: RiskMatrix, where: str
) -> tuple[int | None, str | None]:
    impact = row.get(f"{stage}_impact")
    likelihood = row.get(f"{stage}_likelihood")
    if stage == "target" and is_missing(impact) and is_missing(likelihood):
        return None, None
    for axis, value in (("impact", impact), ("likelihood", likelihood)):
        if is_missing(value):
            raise QAError(f"{where}: {stage}_{axis} is missing")
    try:
        return matrix.assess(impact, likelihood)
    except QAError as exc:
        raise QAError(f"{where}, {stage}: {exc}") from exc


def assess_register(
    rows: Iterable[Mapping[str, Any]] | pd.DataFrame, matrix: RiskMatrix
) -> list[dict[str, Any]] | pd.DataFrame:
    """Score every risk's gross, residual and target cells with ``matrix``.

    Each row carries ``gross_impact, gross_likelihood, residual_impact,
    residual_likelihood`` and optionally ``target_impact, target_likelihood`` (both
    missing means no target). Adds ``{stage}_score`` and ``{stage}_band`` for each stage,
    overwriting any already there. A DataFrame in gives a DataFrame out (a copy, same
    index, nullable ``Int64`` scores, ``str`` bands with NA/NaN where there is no target);
    otherwise a new list of dicts with None for no target (inputs are not changed).

    >>> assess_register([{"gross_impact": 4, "gross_likelihood": 5,
    ...     "residual_impact": 4, "residual_likelihood": 4}], POSITIONAL_5X5)[0]["residual_score"]
    19
    """
    is_frame = isinstance(rows, pd.DataFrame)
    records = rows.to_dict("records") if is_frame else list(rows)
    results: list[dict[str, Any]] = []
    for position, row in enumerate(records):
        if not isinstance(row, Mapping):
            raise QAError(f"register row {position}: expected a mapping, not {row!r}")
        ref = row.get("ref")
        where = f"register row {position}" + (f" ({ref})" if isinstance(ref, str) else "")
        result = dict(row)
        for stage in REGISTER_STAGES:
            score, band = _stage_assessment(row, stage, matrix, where)
            result[f"{stage}_score"] = score
            result[f"{stage}_band"] = band
        results.append(result)
    if not is_frame:
        return results

    frame = rows.copy()
    for stage in REGISTER_STAGES:
        frame[f"{stage}_score"] = pd.array([r[f"{stage}_score"] for r in results], dtype="Int64")
        frame[f"{stage}_band"] = pd.Series(
            [r[f"{stage}_band"] for r in results], index=frame.index, dtype="str"
        )
    return frame
