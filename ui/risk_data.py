"""Cached risk-register queries for the risk page, keyed on plain values (strings)."""

from __future__ import annotations

import pandas as pd

from qa_core.errors import QAError
from qa_core.rules import periods
from qa_core.rules.risk import RiskMatrix, matrix_from_cells
from qa_core.store import queries
from qa_core.views import risk_register
from ui import data, long_text
from ui.data import cached
from ui.figures.risks import heatmap_figure, style_bands, trajectory_figure
from ui.formatters import impact_likelihood, yes_no
from ui.safe import plain
from ui.styled import ShownTable, keep_style


@cached
def quarters() -> list[str]:
    """Quarters with any review, oldest first (those the pages show: see ``qa_core.rules.periods``)."""
    return periods.shown_quarters(queries.quarters(data.get_store()))


@cached
def matrices() -> pd.DataFrame:
    """The stored matrices: matrix_id, name, kind, impact_labels, likelihood_labels."""
    return queries.risk_matrices(data.get_store())


def register_matrix_id() -> str:
    """The register's own matrix (the ``risk_matrix`` setting), or the first one stored."""
    wanted = data.settings().get("risk_matrix") or risk_register.DEFAULT_MATRIX
    known = matrices()["matrix_id"].tolist()
    return wanted if wanted in known or not known else known[0]


@cached
def _matrix_cells(matrix_id: str) -> tuple[dict, pd.DataFrame]:
    head, cells = queries.risk_matrix(data.get_store(), matrix_id)
    return head.to_dict(), cells


@cached
def matrix(matrix_id: str) -> RiskMatrix:
    """The matrix as a :class:`RiskMatrix`, built and validated once per data version (immutable: the
    cache hands out the one it kept)."""
    head, cells = _matrix_cells(matrix_id)
    labels = {
        axis: tuple(str(head[axis]).split("|")) if isinstance(head[axis], str) and head[axis] else ()
        for axis in ("impact_labels", "likelihood_labels")
    }
    return matrix_from_cells(head["name"], head["kind"], cells, **labels)


# Each is read once per data version (every quarter and service at once); a change of quarter,
# service or view picks from what was read and reads nothing.
@cached
def _reviews() -> pd.DataFrame:
    return data.get_store().query("SELECT r.*, k.service_id FROM risk_review r JOIN risk k USING (risk_ref)")


@cached
def _register_rows(matrix_id: str) -> pd.DataFrame:
    return risk_register.register_rows(data.get_store(), matrix_id)


@cached
def heatmap(matrix_id: str, quarter: str, view: str, service_id: str | None) -> pd.DataFrame:
    return risk_register.heatmap_from(_matrix_cells(matrix_id)[1], _reviews(), quarter, view, service_id)


@cached
def register(matrix_id: str, quarter: str, service_id: str | None) -> pd.DataFrame:
    """The register for ``quarter`` (that service's risks, or all): a service's picked from the whole
    quarter's (which the page shows beside it), unless the whole could not be scored or it has no rows."""
    if service_id is not None:
        try:
            picked = risk_register.service_register(
                register(matrix_id, quarter, None), _register_rows(matrix_id), service_id
            )
        except QAError:  # a risk of another service has a cell the matrix lacks: this service's may not
            picked = None
        if picked is not None and not picked.empty:  # none: worked out alone (an empty frame's columns differ)
            return picked
    return risk_register.register_from(_register_rows(matrix_id), matrix(matrix_id), matrix_id, quarter, service_id)


@cached
def _trajectory(matrix_id: str, risk_ref: str) -> pd.DataFrame:
    return risk_register.trajectory_from(_matrix_cells(matrix_id)[1], _reviews(), risk_ref)


@cached
def band_ranges(matrix_id: str) -> pd.DataFrame:
    """The matrix's bands with their score ranges (``risk_register.band_ranges``), worked out once."""
    return risk_register.band_ranges(matrix(matrix_id))


@cached
def trajectory(matrix_id: str, risk_ref: str, until: str) -> pd.DataFrame:
    frame = _trajectory(matrix_id, risk_ref)  # every quarter, oldest first: those up to ``until`` kept
    frame = frame[frame["quarter"] <= periods.parse_quarter(until)]
    return frame[frame["quarter"].isin(periods.shown_quarters(frame["quarter"]))].reset_index(drop=True)


@cached
def register_table(matrix_id: str, quarter: str, service_id: str | None) -> ShownTable:
    """The register's table for ``quarter`` (that service's risks, or all), highest residual score first, drawn
    with the long titles shortened and each band cell tinted as on the heat map; kept per view."""
    rows = register(matrix_id, quarter, service_id)
    table = pd.DataFrame(
        {
            "Ref": rows["risk_ref"],
            "Risk": rows["title"],
            "Score": rows["score"],
            "Band": rows["band"],
            "Movement": rows["movement_words"],
            "Gross score": rows["gross_score"],
            "Target score": rows["target_score"],
            "Reduction expected": [yes_no(v) for v in rows["reduction_expected"]],
            "Previous score": rows["previous_score"],
            "Impact × likelihood": [
                impact_likelihood(i, lk) for i, lk in zip(rows["impact"], rows["likelihood"], strict=True)
            ],
            "Owner": rows["owner"],
            "Service": rows["service"],
        }
    )
    styled = style_bands(long_text.preview_frame(table, ["Risk"]), "Band", band_ranges(matrix_id)["band"].tolist())
    return ShownTable(table, keep_style(styled))


@cached
def heatmap_spec(matrix_id: str, quarter: str, view: str, service_id: str | None, title: str) -> dict:
    """The heat map's figure (``heatmap_figure``, titled ``title``) for the view, kept per view."""
    return heatmap_figure(heatmap(matrix_id, quarter, view, service_id), matrix(matrix_id), title)


@cached
def trajectory_spec(matrix_id: str, risk_ref: str, until: str, title: str) -> dict:
    """The risk's trajectory figure (``trajectory_figure``, titled ``title``) up to ``until``, kept per view."""
    points = trajectory(matrix_id, risk_ref, until)
    # The quarters on the axis are stored words too (trajectory_figure escapes its title and bands).
    shown = points.assign(quarter=points["quarter"].map(lambda v: plain(v) if isinstance(v, str) else v))
    return trajectory_figure(shown, matrix(matrix_id), title)


@cached
def high_risk_rows(matrix_id: str, quarter: str, service_id: str | None) -> list[tuple]:
    """The register's high-scoring risks (``risk_register.high_risks``), highest first, as its rows' named
    tuples (``itertuples``: a page reads them one by one), kept per view."""
    return list(risk_register.high_risks(register(matrix_id, quarter, service_id), matrix(matrix_id)).itertuples())
