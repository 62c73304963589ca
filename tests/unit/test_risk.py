"""Tests for qa_core.rules.risk: matrices as data, register scoring, with hand-worked examples."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.rules.risk import (
    POSITIONAL_5X5,
    PRODUCT_5X5,
    RiskMatrix,
    assess_register,
    control_effect,
    expected_reduction_words,
    matrix_cells,
    matrix_from_cells,
    movement,
    product_matrix,
    reduction,
)

# --- the product matrix (Rochdale's practice) ----------------------------------------------


def test_product_rochdale_cscr003_scores_20_high():
    # [Rochdale risk CSCR003]: impact 5 x likelihood 4 = 20; High starts at 15 -> High.
    assert PRODUCT_5X5.score(5, 4) == 20
    assert PRODUCT_5X5.band(5, 4) == "High"
    assert PRODUCT_5X5.assess(5, 4) == (20, "High")
    # The same cell by its words: Catastrophic x Likely.
    assert PRODUCT_5X5.assess("Catastrophic", "likely") == (20, "High")


def test_product_band_boundaries():
    # Bands: Low 1-4, Moderate 5-9, Significant 10-14, High 15+.
    # 1x4 = 4 Low; 1x5 = 5 Moderate; 3x3 = 9 Moderate; 2x5 = 10 Significant;
    # 2x7 doesn't exist so 14 can't occur; 3x5 = 15 High; 5x5 = 25 High.
    assert PRODUCT_5X5.assess(1, 4) == (4, "Low")
    assert PRODUCT_5X5.assess(1, 5) == (5, "Moderate")
    assert PRODUCT_5X5.assess(3, 3) == (9, "Moderate")
    assert PRODUCT_5X5.assess(2, 5) == (10, "Significant")
    assert PRODUCT_5X5.assess(4, 3) == (12, "Significant")
    assert PRODUCT_5X5.assess(3, 5) == (15, "High")
    assert PRODUCT_5X5.assess(5, 5) == (25, "High")


def test_product_matrix_metadata():
    assert PRODUCT_5X5.kind == "product"
    assert PRODUCT_5X5.size == 5
    assert len(PRODUCT_5X5.cells) == 25
    assert PRODUCT_5X5.impact_labels == (
        "Insignificant",
        "Minor",
        "Moderate",
        "Major",
        "Catastrophic",
    )
    assert PRODUCT_5X5.likelihood_labels == (
        "Rare",
        "Unlikely",
        "Possible",
        "Likely",
        "Almost certain",
    )
    assert PRODUCT_5X5.bands() == ["Low", "Moderate", "Significant", "High"]


def test_band_for_score_on_product_matrix():
    # A register that records only "20" can be banded: 20 = 4x5 = 5x4, both High.
    assert PRODUCT_5X5.band_for_score(20) == "High"
    assert PRODUCT_5X5.band_for_score(4) == "Low"  # 1x4, 2x2, 4x1 all Low
    # 7 is prime and above 5: no cell of a 5x5 product matrix scores 7.
    with pytest.raises(QAError):
        PRODUCT_5X5.band_for_score(7)


def test_band_for_score_ambiguous_raises():
    # A positional 2x2 where two cells score 2 but sit in different bands.
    rows = [
        {"impact": 1, "likelihood": 1, "score": 1, "band": "Low"},
        {"impact": 1, "likelihood": 2, "score": 2, "band": "Low"},
        {"impact": 2, "likelihood": 1, "score": 2, "band": "High"},
        {"impact": 2, "likelihood": 2, "score": 4, "band": "High"},
    ]
    matrix = matrix_from_cells("impact-weighted 2x2", "positional", rows)
    assert matrix.band_for_score(1) == "Low"
    with pytest.raises(QAError):
        matrix.band_for_score(2)


# --- the positional matrix (York's practice) ------------------------------------------------


def test_positional_york_gross_20_and_net_19():
    # [York corporate risk 5]: gross 20 for likelihood probable, impact major;
    # net 19 for likelihood possible, impact major. The demo's grid (POSITIONAL_GRID) gives those two
    # cells York's ranks; a product would give 4x5 = 20 but 4x4 = 16, not 19.
    assert POSITIONAL_5X5.score(4, 5) == 20
    assert POSITIONAL_5X5.score(4, 4) == 19
    assert POSITIONAL_5X5.score("Major", "Probable") == 20
    assert POSITIONAL_5X5.score("major", "possible") == 19
    # Bands Low 1-10, Medium 11-15, High 16-20, Very high 21-25: both High.
    assert POSITIONAL_5X5.band(4, 5) == "High"
    assert POSITIONAL_5X5.band(4, 4) == "High"


def test_positional_band_boundaries_and_ends():
    # The grid as given (impact rows, likelihood Remote..Probable):
    #   Insignificant  1  2  3  4  5      Bands: Low 1-10, Medium 11-15, High 16-20, Very high 21-25.
    #   Minor          2  4  6  8 10
    #   Moderate       3  6  9 12 15
    #   Major          8 12 16 19 20
    #   Critical      11 15 18 21 25
    assert POSITIONAL_5X5.assess(1, 1) == (1, "Low")
    assert POSITIONAL_5X5.assess(2, 5) == (10, "Low")
    assert POSITIONAL_5X5.assess(3, 5) == (15, "Medium")
    assert POSITIONAL_5X5.assess(4, 1) == (8, "Low")
    assert POSITIONAL_5X5.assess(5, 1) == (11, "Medium")
    assert POSITIONAL_5X5.assess(5, 4) == (21, "Very high")
    assert POSITIONAL_5X5.assess(5, 5) == (25, "Very high")
    assert POSITIONAL_5X5.kind == "positional"
    assert POSITIONAL_5X5.bands() == ["Low", "Medium", "High", "Very high"]
    assert POSITIONAL_5X5.band_for_score(19) == "High"


def test_positional_grid_is_complete_and_rises_with_impact_and_likelihood():
    # 25 cells given whole. A cell worse on one scale and no better on the other always ranks higher, so
    # Critical/Remote (11) is well below Major/Probable (20); the old formula ranked it 21, above 20.
    grid = [[POSITIONAL_5X5.score(i, lk) for lk in range(1, 6)] for i in range(1, 6)]
    assert len(POSITIONAL_5X5.cells) == 25
    for i in range(5):
        for lk in range(5):
            if i < 4:
                assert grid[i][lk] < grid[i + 1][lk]
            if lk < 4:
                assert grid[i][lk] < grid[i][lk + 1]
    assert POSITIONAL_5X5.score("Critical", "Remote") < POSITIONAL_5X5.score("Major", "Probable")
    # Not a product, and not a formula of rank by row: York's 19 sits beside its 20.
    assert any(grid[i][lk] != (i + 1) * (lk + 1) for i in range(5) for lk in range(5))


def test_hand_built_3x3_positional_matrix():
    # A 3x3 ranked matrix where impact outweighs likelihood:
    #            likelihood 1   2   3
    #   impact 1            1   2   4
    #   impact 2            3   5   7
    #   impact 3            6   8   9
    # Bands: 1-3 Green, 4-6 Amber, 7-9 Red.
    ranks = {
        (1, 1): 1,
        (1, 2): 2,
        (1, 3): 4,
        (2, 1): 3,
        (2, 2): 5,
        (2, 3): 7,
        (3, 1): 6,
        (3, 2): 8,
        (3, 3): 9,
    }

    def band(rank: int) -> str:
        return "Green" if rank <= 3 else "Amber" if rank <= 6 else "Red"

    matrix = RiskMatrix(
        name="Hand 3x3",
        kind="positional",
        cells={cell: (rank, band(rank)) for cell, rank in ranks.items()},
        impact_labels=("Low", "Medium", "High"),
        likelihood_labels=("Unlikely", "Possible", "Likely"),
    )
    assert matrix.size == 3
    assert matrix.assess(2, 3) == (7, "Red")  # medium impact, likely
    assert matrix.assess(3, 1) == (6, "Amber")  # high impact, unlikely: 6 not 3x1 = 3
    assert matrix.assess("Low", "Likely") == (4, "Amber")
    assert matrix.assess(2, 1) == (3, "Green")
    assert matrix.bands() == ["Green", "Amber", "Red"]
    with pytest.raises(QAError):
        matrix.assess(4, 1)  # a 3x3 matrix has no impact 4


def test_small_product_matrix_from_bands():
    # 3x3 product, Low 1-3, High 4+: 2x2 = 4 High; 3x1 = 3 Low; 3x3 = 9 High.
    matrix = product_matrix("P3", [(4, "High"), (1, "Low")], size=3)  # any order
    assert matrix.assess(2, 2) == (4, "High")
    assert matrix.assess(3, 1) == (3, "Low")
    assert matrix.assess(3, 3) == (9, "High")
    assert matrix.bands() == ["Low", "High"]
    assert matrix.impact_labels == ()


# --- round trip through stored cells -------------------------------------------------------


@pytest.mark.parametrize("matrix", [PRODUCT_5X5, POSITIONAL_5X5])
def test_matrix_round_trip_through_cells(matrix):
    rows = matrix_cells(matrix)
    assert len(rows) == 25
    assert set(rows[0]) == {"impact", "likelihood", "score", "band"}
    rebuilt = matrix_from_cells(
        matrix.name, matrix.kind, rows, matrix.impact_labels, matrix.likelihood_labels
    )
    assert rebuilt == matrix
    assert rebuilt.assess(4, 5) == matrix.assess(4, 5)


def test_matrix_cells_order_and_values():
    rows = matrix_cells(POSITIONAL_5X5)
    # Ordered by impact then likelihood: row 19 (0-based) is impact 4, likelihood 5.
    assert rows[0] == {"impact": 1, "likelihood": 1, "score": 1, "band": "Low"}
    assert rows[19] == {"impact": 4, "likelihood": 5, "score": 20, "band": "High"}
    assert rows[18] == {"impact": 4, "likelihood": 4, "score": 19, "band": "High"}


def test_matrix_from_dataframe_as_the_store_returns_it():
    # A frame, shuffled, with float levels (as a nullable join may give) and an extra column.
    frame = pd.DataFrame(matrix_cells(PRODUCT_5X5)).sample(frac=1, random_state=3)
    frame["impact"] = frame["impact"].astype(float)
    frame["matrix_id"] = 7
    rebuilt = matrix_from_cells(
        "Product 5x5", "product", frame, PRODUCT_5X5.impact_labels, PRODUCT_5X5.likelihood_labels
    )
    assert rebuilt == PRODUCT_5X5
    assert rebuilt.assess(5, 4) == (20, "High")


def test_matrix_is_immutable_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PRODUCT_5X5.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        PRODUCT_5X5.cells[(1, 1)] = (99, "High")  # type: ignore[index]
    assert hash(PRODUCT_5X5) == hash(
        matrix_from_cells(
            "Product 5x5",
            "product",
            matrix_cells(PRODUCT_5X5),
            PRODUCT_5X5.impact_labels,
            PRODUCT_5X5.likelihood_labels,
        )
    )
    assert PRODUCT_5X5 != POSITIONAL_5X5


# --- validation ----------------------------------------------------------------------------


def _cells_3x3() -> dict[tuple[int, int], tuple[int, str]]:
    return {
        (i, lk): (i * lk, "Low" if i * lk < 4 else "High")
        for i in range(1, 4)
        for lk in range(1, 4)
    }


def test_missing_cell_raises():
    cells = _cells_3x3()
    del cells[(2, 3)]
    with pytest.raises(QAError, match=r"lacks 1 cell"):
        RiskMatrix("gap", "positional", cells)


def test_missing_cell_in_stored_rows_raises():
    rows = matrix_cells(PRODUCT_5X5)[:-1]  # drop (5, 5)
    with pytest.raises(QAError, match=r"\(5, 5\)"):
        matrix_from_cells("short", "product", rows)


def test_impact_6_raises_on_lookup():
    with pytest.raises(QAError, match="impact 6"):
        PRODUCT_5X5.score(6, 1)
    with pytest.raises(QAError):
        POSITIONAL_5X5.assess(0, 3)
    with pytest.raises(QAError):
        PRODUCT_5X5.band(3, 6)


def test_bad_levels_on_lookup_raise():
    for impact, likelihood in [(2.5, 1), (None, 1), (True, 1), ("Huge", 1), ("4", 1)]:
        with pytest.raises(QAError):
            PRODUCT_5X5.assess(impact, likelihood)
    # A whole float (from a frame with gaps) is accepted: 4.0 x 5 = 20.
    assert PRODUCT_5X5.score(4.0, 5) == 20


def test_cell_outside_square_raises():
    # A 3x3 plus a stray (4, 1) -> the matrix would be 4x4 but lacks 6 cells.
    cells = _cells_3x3()
    cells[(4, 1)] = (4, "High")
    with pytest.raises(QAError, match="4x4"):
        RiskMatrix("stray", "positional", cells)
    cells = _cells_3x3()
    cells[(0, 1)] = (0, "Low")
    with pytest.raises(QAError, match="outside"):
        RiskMatrix("zero", "positional", cells)


def test_unknown_kind_raises():
    with pytest.raises(QAError, match="kind"):
        RiskMatrix("odd", "logarithmic", _cells_3x3())


def test_product_kind_checks_scores_are_products():
    # York-style ranks labelled "product" are a mistake: 4x4 would have to be 16, not 19.
    with pytest.raises(QAError, match="not impact x likelihood"):
        matrix_from_cells("mislabelled", "product", matrix_cells(POSITIONAL_5X5))


def test_labels_must_match_size_and_be_distinct():
    with pytest.raises(QAError):
        RiskMatrix("labels", "product", _cells_3x3(), impact_labels=("Low", "High"))
    with pytest.raises(QAError):
        RiskMatrix("labels", "product", _cells_3x3(), likelihood_labels=("A", "a", "B"))


def test_stored_rows_missing_keys_or_duplicates_raise():
    rows = matrix_cells(PRODUCT_5X5)
    no_band = [dict(r) for r in rows]
    del no_band[3]["band"]
    with pytest.raises(QAError, match="band"):
        matrix_from_cells("x", "product", no_band)
    with pytest.raises(QAError, match="twice"):
        matrix_from_cells("x", "product", rows + rows[:1])
    with pytest.raises(QAError):
        matrix_from_cells("x", "product", [])


@pytest.mark.parametrize(
    "bands",
    [
        [],  # no bands
        [(2, "Low"), (10, "High")],  # score 1 has no band
        [(1, "Low"), (1, "High")],  # same start
        [(1, "Low"), (10, "Low")],  # same name twice
        [(1, "")],  # empty name
    ],
)
def test_product_matrix_bad_bands_raise(bands):
    with pytest.raises(QAError):
        product_matrix("bad", bands, size=5)


def test_product_matrix_bad_size_raises():
    with pytest.raises(QAError):
        product_matrix("bad", [(1, "Low")], size=0)


# --- reduction and movement ----------------------------------------------------------------


def test_reduction_york_and_rochdale():
    # York: gross 20, net 19 -> 1 point, 1 / 20 x 100 = 5%.
    assert reduction(20, 19) == {"points": 1, "pct": 5.0}
    # Product: gross 20 (5x4), residual 12 (4x3) -> 8 points, 8 / 20 = 40%.
    assert reduction(20, 12) == {"points": 8, "pct": 40.0}
    # Rochdale CSCR003: no reduction anticipated -> 0 points, 0%.
    assert reduction(20, 20) == {"points": 0, "pct": 0.0}


def test_reduction_edge_cases():
    # Gross 0: no percentage can be taken.
    assert reduction(0, 0) == {"points": 0, "pct": None}
    # Residual above gross (a data error worth showing): 10 -> 15 is -5 points, -50%.
    assert reduction(10, 15) == {"points": -5, "pct": -50.0}
    # Missing scores give no figures.
    assert reduction(None, 12) == {"points": None, "pct": None}
    assert reduction(20, float("nan")) == {"points": None, "pct": None}
    # 3 / 9 x 100 = 33.33...%, not rounded.
    assert reduction(9, 6)["pct"] == pytest.approx(100 / 3)


def test_movement():
    # Q2 16 -> Q3 20: increased; 20 -> 19: decreased; 20 -> 20: unchanged.
    assert movement(20, 16) == "increased"
    assert movement(19, 20) == "decreased"
    assert movement(20, 20) == "unchanged"
    # First quarter on the register: new.
    assert movement(20, None) == "new"
    assert movement(20, float("nan")) == "new"
    with pytest.raises(QAError):
        movement(None, 20)


# --- register ------------------------------------------------------------------------------


def _register_rows() -> list[dict]:
    return [
        # Rochdale-like: gross 5x5 = 25, residual 5x4 = 20, no target.
        {
            "ref": "CSR001",
            "gross_impact": 5,
            "gross_likelihood": 5,
            "residual_impact": 5,
            "residual_likelihood": 4,
            "target_impact": None,
            "target_likelihood": None,
        },
        # gross 4x4 = 16 High, residual 3x3 = 9 Moderate, target 3x2 = 6 Moderate.
        {
            "ref": "CSR002",
            "gross_impact": 4,
            "gross_likelihood": 4,
            "residual_impact": 3,
            "residual_likelihood": 3,
            "target_impact": 3,
            "target_likelihood": 2,
        },
    ]


def test_assess_register_list_of_dicts_product():
    rows = _register_rows()
    out = assess_register(rows, PRODUCT_5X5)
    assert isinstance(out, list)
    assert out[0]["gross_score"] == 25 and out[0]["gross_band"] == "High"
    assert out[0]["residual_score"] == 20 and out[0]["residual_band"] == "High"
    assert out[0]["target_score"] is None and out[0]["target_band"] is None
    assert (out[1]["gross_score"], out[1]["gross_band"]) == (16, "High")
    assert (out[1]["residual_score"], out[1]["residual_band"]) == (9, "Moderate")
    assert (out[1]["target_score"], out[1]["target_band"]) == (6, "Moderate")
    assert out[1]["ref"] == "CSR002"
    # Inputs are not changed.
    assert "gross_score" not in rows[0]


def test_assess_register_positional_york():
    # York KCR5: gross probable/major, net possible/major, target unlikely/major.
    row = {
        "ref": "KCR5",
        "gross_impact": "Major",
        "gross_likelihood": "Probable",
        "residual_impact": 4,
        "residual_likelihood": 4,
        "target_impact": 4,
        "target_likelihood": 3,
    }
    out = assess_register([row], POSITIONAL_5X5)[0]
    # Major/probable 20, major/possible 19, major/unlikely 16 - all High (16-20).
    assert (out["gross_score"], out["residual_score"], out["target_score"]) == (20, 19, 16)
    assert (out["gross_band"], out["residual_band"], out["target_band"]) == ("High",) * 3


def test_assess_register_without_target_columns():
    rows = [
        {"gross_impact": 2, "gross_likelihood": 3, "residual_impact": 1, "residual_likelihood": 3}
    ]
    out = assess_register(rows, PRODUCT_5X5)[0]
    # 2x3 = 6 Moderate; 1x3 = 3 Low; no target.
    assert (out["gross_score"], out["gross_band"]) == (6, "Moderate")
    assert (out["residual_score"], out["residual_band"]) == (3, "Low")
    assert out["target_score"] is None


def test_assess_register_dataframe_15_risks_8_quarters():
    # 15 risks x 8 quarters = 120 rows. Risk k has gross impact 1 + k % 5, likelihood
    # 1 + (k + q) % 5; residual one likelihood step lower (floor 1); target only on even k.
    records = []
    for k in range(15):
        for q in range(8):
            gi, gl = 1 + k % 5, 1 + (k + q) % 5
            records.append(
                {
                    "ref": f"R{k:02d}",
                    "quarter": q,
                    "gross_impact": gi,
                    "gross_likelihood": gl,
                    "residual_impact": gi,
                    "residual_likelihood": max(gl - 1, 1),
                    "target_impact": 1 if k % 2 == 0 else None,
                    "target_likelihood": 1 if k % 2 == 0 else None,
                }
            )
    frame = pd.DataFrame(records, index=pd.RangeIndex(100, 220))
    out = assess_register(frame, PRODUCT_5X5)
    assert isinstance(out, pd.DataFrame)
    assert len(out) == 120
    assert list(out.index) == list(frame.index)
    assert "gross_score" not in frame.columns  # input untouched
    assert str(out["gross_score"].dtype) == "Int64"
    # Row 0: risk 0, quarter 0 -> gross 1x1 = 1 Low, residual 1x1 = 1, target 1x1 = 1.
    first = out.loc[100]
    assert (first["gross_score"], first["gross_band"]) == (1, "Low")
    assert first["target_score"] == 1
    # Risk 4, quarter 0 (index 100 + 4*8 = 132): gross 5 x 5 = 25 High,
    # residual 5 x 4 = 20 High, target 1x1 = 1 Low.
    row = out.loc[132]
    assert (row["ref"], row["quarter"]) == ("R04", 0)
    assert (row["gross_score"], row["gross_band"]) == (25, "High")
    assert (row["residual_score"], row["residual_band"]) == (20, "High")
    assert (row["target_score"], row["target_band"]) == (1, "Low")
    # Risk 3, quarter 2 (index 100 + 24 + 2 = 126): gross 4 x (1 + 5 % 5) = 4x1 = 4 Low;
    # residual 4x1 = 4; no target (odd risk).
    row = out.loc[126]
    assert (row["gross_score"], row["gross_band"]) == (4, "Low")
    assert row["residual_score"] == 4
    assert pd.isna(row["target_score"]) and pd.isna(row["target_band"])
    # Scores agree with the matrix everywhere.
    expected = [
        PRODUCT_5X5.score(i, lk)
        for i, lk in zip(frame["residual_impact"], frame["residual_likelihood"], strict=True)
    ]
    assert out["residual_score"].tolist() == expected


def test_assess_register_errors_name_the_row():
    rows = _register_rows()
    rows[1]["gross_impact"] = 6
    with pytest.raises(QAError, match=r"row 1 \(CSR002\).*impact 6"):
        assess_register(rows, PRODUCT_5X5)
    rows = _register_rows()
    rows[0]["residual_likelihood"] = None
    with pytest.raises(QAError, match="residual_likelihood is missing"):
        assess_register(rows, PRODUCT_5X5)
    rows = _register_rows()
    rows[1]["target_likelihood"] = None  # half a target
    with pytest.raises(QAError, match="target_likelihood is missing"):
        assess_register(rows, PRODUCT_5X5)


# --- what the controls take off, and whether a reduction is expected --------------------------


def test_control_effect_on_a_positional_matrix_is_places_and_bands_never_a_percentage():
    # York: gross 20 (major/probable), net 19 (major/possible): one place down, both High. "5%" of a rank
    # would mean nothing, so there is none.
    york = control_effect(POSITIONAL_5X5, 20, 19)
    assert (york["places"], york["bands"], york["pct"], york["points"]) == (1, 0, None, None)
    assert york["words"] == "down 1 place, within the High band"
    # Ranks shared by several cells count once: 25 -> 16 passes 21, 20, 19, 18 and lands on 16: 5 places,
    # Very high to High.
    assert control_effect(POSITIONAL_5X5, 25, 16)["places"] == 5
    assert control_effect(POSITIONAL_5X5, 25, 16)["words"] == "down 5 places, from Very high to High"
    assert control_effect(POSITIONAL_5X5, 19, 20)["words"] == "up 1 place, within the High band"
    assert control_effect(POSITIONAL_5X5, 12, 12)["words"] == "no change: the same rank, within the Medium band"
    assert control_effect(POSITIONAL_5X5, None, 12)["words"] is None
    with pytest.raises(QAError):
        control_effect(POSITIONAL_5X5, 7, 4)  # no cell ranks 7


def test_control_effect_on_a_product_matrix_is_points_and_a_share():
    # Rochdale-style product: 25 -> 20 is 5 points, 20% of the gross score, High to High.
    assert control_effect(PRODUCT_5X5, 25, 20) == {
        "points": 5, "pct": 20.0, "places": None, "bands": 0,
        "words": "down 5 points (20% of the gross score), within the High band"}
    assert control_effect(PRODUCT_5X5, 20, 4)["words"] == "down 16 points (80% of the gross score), from High to Low"
    assert control_effect(PRODUCT_5X5, 20, 4)["bands"] == 3


def test_reduction_expected_is_about_the_target_score():
    assert expected_reduction_words(True, 20, 12, "High", "Significant") == (
        "Yes: from 20 (High) now to the target of 12 (Significant)")
    assert expected_reduction_words(True, 12, 12) == (
        "Yes, but the target (12) is the score now: no reduction is planned against it")
    assert expected_reduction_words(True, 12, 15) == "Yes, but the target (15) is above the score now (12)"
    assert expected_reduction_words(True, 12, None) == "Yes, but no target score is recorded to say by how much"
    assert expected_reduction_words(False, 20, 12) == "No: the score stays at 20, above its target of 12"
    assert expected_reduction_words(False, 12, 12) == "No"
    assert expected_reduction_words(None, 12, 12) == "Not recorded"
