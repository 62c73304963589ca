"""qa_core.views.risk_register on a hand-built register, with every expected number worked out here.

The small store holds both demo matrices (product 5x5, and the positional York-style one given
cell by cell, qa_core.rules.risk.POSITIONAL_GRID) and four risks:

    risk  service  quarter      gross  residual  target
    R1    north    2025/26 Q4   5x5    4x4       3x3      (January to March 2026)
    R1    north    2026/27 Q1   5x5    4x5       3x3      (April to June 2026)
    R2    south    2026/27 Q1   4x5    4x4       -        (first reviewed in 2026/27 Q1)
    R3    (none)   2025/26 Q4   3x3    2x3       1x2      (council-wide)
    R3    (none)   2026/27 Q1   3x3    2x2       1x2
    R4    north    2025/26 Q3   4x4    3x4       2x2      (October to December 2025)
    R4    north    2026/27 Q1   4x4    4x4       2x2      (not reviewed in 2025/26 Q4)

Product scores in 2026/27 Q1 (residual): R1 4x5 = 20, R2 4x4 = 16, R4 16, R3 2x2 = 4.
Positional (the grid's cells): R1 major/probable 20, R2 and R4 major/possible 19 (York's net
score), R3 minor/rare 4.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from qa_core.demo.risk_data import matrix_frames
from qa_core.errors import QAError
from qa_core.rules.risk import POSITIONAL_5X5, PRODUCT_5X5, product_matrix
from qa_core.store import Store, queries
from qa_core.views import risk_register

Q1, Q2, Q0 = "2025/26 Q4", "2026/27 Q1", "2025/26 Q3"
PRODUCT, POSITIONAL = "product_5x5", "positional_5x5"


def _review(ref, quarter, gross, residual, target, reduction=True):
    return dict(risk_ref=ref, quarter=quarter, gross_impact=gross[0], gross_likelihood=gross[1],
                residual_impact=residual[0], residual_likelihood=residual[1],
                target_impact=target[0] if target else None, target_likelihood=target[1] if target else None,
                controls=f"Controls for {ref}", reasons=f"Reasons for {ref}", outlook=f"Outlook for {ref}",
                reduction_expected=reduction)


@pytest.fixture
def tiny() -> Store:
    store = Store(":memory:")
    reviews = pd.DataFrame([
        _review("R1", Q1, (5, 5), (4, 4), (3, 3)),
        _review("R1", Q2, (5, 5), (4, 5), (3, 3)),
        _review("R2", Q2, (4, 5), (4, 4), None, reduction=False),
        _review("R3", Q1, (3, 3), (2, 3), (1, 2)),
        _review("R3", Q2, (3, 3), (2, 2), (1, 2)),
        _review("R4", Q0, (4, 4), (3, 4), (2, 2)),
        _review("R4", Q2, (4, 4), (4, 4), (2, 2)),
    ])
    reviews["target_impact"] = reviews["target_impact"].astype("Int64")
    reviews["target_likelihood"] = reviews["target_likelihood"].astype("Int64")
    store.insert_frames({
        "service": pd.DataFrame([dict(service_id="north", name="North", sort_order=1),
                                 dict(service_id="south", name="South", sort_order=2),
                                 dict(service_id="east", name="East", sort_order=3)]),
        **matrix_frames(),
        "risk": pd.DataFrame([
            dict(risk_ref="R1", service_id="north", title="Practice quality", owner="Ann"),
            dict(risk_ref="R2", service_id="south", title="Safeguarding", owner="Bea"),
            dict(risk_ref="R3", service_id=None, title="IT failure", owner="Cal"),
            dict(risk_ref="R4", service_id="north", title="Placements", owner="Dee"),
        ]),
        "risk_review": reviews,
    })
    store.set_setting("risk_matrix", PRODUCT)
    yield store
    store.close()


def _occupied(cells: pd.DataFrame) -> dict[tuple[int, int], tuple[int, str, int, str]]:
    hit = cells[cells["risks"] > 0]
    return {(r.impact, r.likelihood): (r.score, r.band, r.risks, r.refs) for r in hit.itertuples()}


# --- quarters -------------------------------------------------------------------------------


def test_reviewed_quarters_up_to_a_month():
    reviewed = [Q0, Q1, Q2]
    # June 2026 is in 2026/27 Q1: every review so far, newest first.
    assert risk_register.quarters_up_to(reviewed, dt.date(2026, 6, 1)) == [Q2, Q1, Q0]
    # February 2026 is in 2025/26 Q4: the 2026/27 Q1 review has not happened yet.
    assert risk_register.quarters_up_to(reviewed, dt.date(2026, 2, 1)) == [Q1, Q0]
    # December 2026 (2026/27 Q3, not reviewed): every review before it.
    assert risk_register.quarters_up_to(reviewed, dt.date(2026, 12, 1)) == [Q2, Q1, Q0]
    # The year's boundary: March 2026 is still 2025/26 Q4; April 2026 is 2026/27 Q1.
    assert risk_register.quarters_up_to(reviewed, dt.date(2026, 3, 1)) == [Q1, Q0]
    assert risk_register.quarters_up_to(reviewed, dt.date(2026, 4, 1)) == [Q2, Q1, Q0]
    # September 2025 is before the first review.
    assert risk_register.quarters_up_to(reviewed, dt.date(2025, 9, 1)) == []
    assert risk_register.quarters_up_to([], dt.date(2026, 6, 1)) == []


# --- the matrix -----------------------------------------------------------------------------


def test_bands_as_the_matrices_define_them():
    product = risk_register.band_ranges(PRODUCT_5X5)
    # Product bands start at 1, 5, 10, 15; Significant reads 10 to 14 though 13 and 14 can't occur.
    assert product.values.tolist() == [["Low", 1, 4, 0], ["Moderate", 5, 9, 1],
                                       ["Significant", 10, 14, 2], ["High", 15, 25, 3]]
    positional = risk_register.band_ranges(POSITIONAL_5X5)
    assert positional.values.tolist() == [["Low", 1, 10, 0], ["Medium", 11, 15, 1],
                                          ["High", 16, 20, 2], ["Very high", 21, 25, 3]]
    assert risk_register.high_bands(PRODUCT_5X5) == ["High"]
    # York-style: "High" (16-20, where 19 and 20 sit) and "Very high" both count as high-scoring.
    assert risk_register.high_bands(POSITIONAL_5X5) == ["High", "Very high"]
    # No band called High: the top band alone.
    rag = product_matrix("RAG", [(1, "Green"), (6, "Amber"), (12, "Red")])
    assert risk_register.high_bands(rag) == ["Red"]


def test_load_matrix_and_register_matrix(tiny):
    assert risk_register.register_matrix_id(tiny) == PRODUCT
    positional = risk_register.load_matrix(tiny, POSITIONAL)
    assert positional.assess("Major", "Probable") == (20, "High")
    assert positional.assess("Major", "Possible") == (19, "High")
    assert risk_register.load_matrix(tiny, PRODUCT).assess(5, 4) == (20, "High")
    with pytest.raises(QAError, match="no risk matrix 'hex'"):
        risk_register.load_matrix(tiny, "hex")


# --- heat map -------------------------------------------------------------------------------


def test_heatmap_residual_product(tiny):
    cells = risk_register.heatmap_cells(tiny, PRODUCT, Q2, "residual")
    assert len(cells) == 25  # every cell, occupied or not
    assert int(cells["risks"].sum()) == 4
    assert _occupied(cells) == {
        (4, 5): (20, "High", 1, "R1"),
        (4, 4): (16, "High", 2, "R2, R4"),
        (2, 2): (4, "Low", 1, "R3"),
    }
    empty = cells[(cells["impact"] == 5) & (cells["likelihood"] == 5)].iloc[0]
    assert (empty["score"], empty["band"], empty["risks"], empty["refs"]) == (25, "High", 0, "")


def test_heatmap_positional_has_yorks_19_and_20(tiny):
    cells = risk_register.heatmap_cells(tiny, POSITIONAL, Q2, "residual")
    assert _occupied(cells) == {
        (4, 5): (20, "High", 1, "R1"),  # major / probable: York's gross 20
        (4, 4): (19, "High", 2, "R2, R4"),  # major / possible: York's net 19
        (2, 2): (4, "Low", 1, "R3"),
    }
    gross = risk_register.heatmap_cells(tiny, POSITIONAL, Q2, "gross")
    assert _occupied(gross) == {
        (5, 5): (25, "Very high", 1, "R1"),
        (4, 5): (20, "High", 1, "R2"),
        (4, 4): (19, "High", 1, "R4"),
        (3, 3): (9, "Low", 1, "R3"),
    }


def test_heatmap_gross_target_and_earlier_quarter(tiny):
    gross = risk_register.heatmap_cells(tiny, PRODUCT, Q2, "gross")
    assert _occupied(gross) == {(5, 5): (25, "High", 1, "R1"), (4, 5): (20, "High", 1, "R2"),
                                (4, 4): (16, "High", 1, "R4"), (3, 3): (9, "Moderate", 1, "R3")}
    # R2 has no target: 3 of the 4 risks are placed.
    target = risk_register.heatmap_cells(tiny, PRODUCT, Q2, "target")
    assert _occupied(target) == {(3, 3): (9, "Moderate", 1, "R1"), (1, 2): (2, "Low", 1, "R3"),
                                 (2, 2): (4, "Low", 1, "R4")}
    earlier = risk_register.heatmap_cells(tiny, PRODUCT, Q1, "residual")
    assert _occupied(earlier) == {(4, 4): (16, "High", 1, "R1"), (2, 3): (6, "Moderate", 1, "R3")}


def test_heatmap_by_service_leaves_council_wide_risks_out(tiny):
    north = risk_register.heatmap_cells(tiny, PRODUCT, Q2, "residual", "north")
    assert _occupied(north) == {(4, 5): (20, "High", 1, "R1"), (4, 4): (16, "High", 1, "R4")}
    south = risk_register.heatmap_cells(tiny, PRODUCT, Q2, "residual", "south")
    assert _occupied(south) == {(4, 4): (16, "High", 1, "R2")}
    # A service with no risks, and a quarter with no reviews: every cell, all empty.
    for cells in (risk_register.heatmap_cells(tiny, PRODUCT, Q2, "residual", "east"),
                  risk_register.heatmap_cells(tiny, PRODUCT, "2023/24 Q4", "residual")):
        assert len(cells) == 25 and int(cells["risks"].sum()) == 0 and set(cells["refs"]) == {""}


def test_heatmap_bad_input(tiny):
    with pytest.raises(QAError, match="Unknown view 'net'"):
        risk_register.heatmap_cells(tiny, PRODUCT, Q2, "net")
    with pytest.raises(QAError, match="not a quarter"):
        risk_register.heatmap_cells(tiny, PRODUCT, "2026/27 Q5")
    with pytest.raises(QAError, match="'2026 Q2' is ambiguous here: April–June 2026 is 2026/27 Q1"):
        risk_register.heatmap_cells(tiny, PRODUCT, "2026 Q2")
    with pytest.raises(QAError, match="no risk matrix 'hex'"):
        risk_register.heatmap_cells(tiny, "hex", Q2)


# --- register -------------------------------------------------------------------------------


def test_register_product(tiny):
    reg = risk_register.register(tiny, PRODUCT, Q2).set_index("risk_ref")
    # Highest residual score first, ties by reference.
    assert list(reg.index) == ["R1", "R2", "R4", "R3"]
    assert reg["score"].tolist() == [20, 16, 16, 4]
    assert reg["band"].tolist() == ["High", "High", "High", "Low"]
    assert reg["gross_score"].tolist() == [25, 20, 16, 9]
    assert reg.loc["R1", "target_score"] == 9 and pd.isna(reg.loc["R2", "target_score"])
    assert pd.isna(reg.loc["R2", "target_band"])
    assert reg["service"].tolist() == ["North", "South", "North", "Council-wide"]
    # R1 was 4x4 = 16 last quarter; R2 is new; R3 was 2x3 = 6; R4's last review was 2025/26 Q3 (3x4 = 12).
    assert reg.loc["R1", "previous_score"] == 16 and reg.loc["R3", "previous_score"] == 6
    assert pd.isna(reg.loc["R2", "previous_score"])
    assert reg["movement"].tolist() == ["increased", "new", "increased", "decreased"]
    assert reg["movement_words"].tolist() == [
        "Up from 16 to 20", "New: first reviewed this quarter", "Up from 12 (2025/26 Q3) to 16", "Down from 6 to 4"]
    assert reg.loc["R4", "previous_quarter"] == Q0
    # Controls took off: R1 25 - 20 = 5 (20%), R2 20 - 16 = 4 (20%), R4 0, R3 9 - 4 = 5 (55.6%).
    assert reg["reduction_points"].tolist() == [5, 4, 0, 5]
    assert reg["reduction_pct"].tolist() == [20.0, 20.0, 0.0, 55.6]
    assert reg["reduction_expected"].tolist() == [True, False, True, True]
    assert reg.loc["R2", "reasons"] == "Reasons for R2" and reg.loc["R3", "controls"] == "Controls for R3"


def test_register_positional(tiny):
    reg = risk_register.register(tiny, POSITIONAL, Q2).set_index("risk_ref")
    assert list(reg.index) == ["R1", "R2", "R4", "R3"]
    assert reg["score"].tolist() == [20, 19, 19, 4]
    assert reg["gross_score"].tolist() == [25, 20, 19, 9]
    assert reg["gross_band"].tolist() == ["Very high", "High", "High", "Low"]
    assert reg["movement_words"].tolist() == [
        "Up from 19 to 20", "New: first reviewed this quarter", "Up from 12 (2025/26 Q3) to 19", "Down from 6 to 4"]
    # A rank is an order, not an amount: what the controls take off is places and bands, never a percentage.
    # The grid's distinct ranks: 1 2 3 4 5 6 8 9 10 11 12 15 16 18 19 20 21 25. R1 25 -> 20: 2 places (21,
    # 20), Very high to High; R2 20 -> 19: 1 place; R4 19 -> 19: none; R3 9 -> 4: 4 places (8, 6, 5, 4).
    assert reg["reduction_pct"].isna().all() and reg["reduction_points"].isna().all()
    assert reg["reduction_places"].tolist() == [2, 1, 0, 4]
    assert reg["reduction_bands"].tolist() == [1, 0, 0, 0]
    assert reg["control_effect"].tolist() == [
        "down 2 places, from Very high to High", "down 1 place, within the High band",
        "no change: the same rank, within the High band", "down 4 places, within the Low band"]
    # "Reduction expected" looks ahead to the target, not back at what the controls took off.
    assert reg["reduction_expected_words"].tolist() == [
        "Yes: from 20 (High) now to the target of 9 (Low)", "No",
        "Yes: from 19 (High) now to the target of 4 (Low)", "Yes: from 4 (Low) now to the target of 2 (Low)"]
    high = risk_register.high_risks(reg.reset_index(), POSITIONAL_5X5)
    assert high["risk_ref"].tolist() == ["R1", "R2", "R4"]


def test_register_by_service_and_empty(tiny):
    north = risk_register.register(tiny, PRODUCT, Q2, "north")
    assert north["risk_ref"].tolist() == ["R1", "R4"]
    assert risk_register.register(tiny, PRODUCT, Q1, "south").empty
    assert risk_register.register(tiny, PRODUCT, "2023/24 Q4").empty
    high = risk_register.high_risks(risk_register.register(tiny, PRODUCT, Q2), PRODUCT_5X5)
    assert high["risk_ref"].tolist() == ["R1", "R2", "R4"]


def test_register_refuses_a_matrix_too_small(tiny):
    small = product_matrix("3x3", [(1, "Low"), (4, "High")], size=3)
    tiny.insert_frames({
        "risk_matrix": pd.DataFrame([dict(matrix_id="p3", name="3x3", kind="product")]),
        "risk_matrix_cell": pd.DataFrame([dict(matrix_id="p3", **cell) for cell in
                                          [{"impact": i, "likelihood": lk, "score": s, "band": b}
                                           for (i, lk), (s, b) in small.cells.items()]]),
    })
    with pytest.raises(QAError, match="does not have"):
        risk_register.register(tiny, "p3", Q2)


def test_movement_words_unchanged_and_gap():
    assert risk_register.movement_words([16], [16]) == ["Unchanged at 16"]
    assert risk_register.movement_words([16], [16], [Q2], [Q0]) == ["Unchanged at 16 since 2025/26 Q3"]
    assert risk_register.movement_words([9], [12], [Q2], [Q1]) == ["Down from 12 to 9"]


# --- trajectory -----------------------------------------------------------------------------


def test_trajectory(tiny):
    r1 = risk_register.trajectory(tiny, PRODUCT, "R1")
    assert r1["quarter"].tolist() == [Q1, Q2]
    assert r1["residual_score"].tolist() == [16, 20]
    assert r1["gross_score"].tolist() == [25, 25]
    assert r1["target_score"].tolist() == [9, 9]
    assert r1["residual_band"].tolist() == ["High", "High"]
    assert risk_register.trajectory(tiny, PRODUCT, "R1", until=Q1)["quarter"].tolist() == [Q1]
    r4 = risk_register.trajectory(tiny, POSITIONAL, "R4")
    assert r4["quarter"].tolist() == [Q0, Q2]
    assert r4["residual_score"].tolist() == [12, 19]
    assert r4["residual_band"].tolist() == ["Medium", "High"]
    assert r4["target_score"].tolist() == [4, 4]
    r2 = risk_register.trajectory(tiny, PRODUCT, "R2")
    assert r2["target_score"].isna().all() and r2["target_band"].isna().all()
    assert risk_register.trajectory(tiny, PRODUCT, "nope").empty


def _every_trajectory_picked_equals_its_query(store: Store) -> int:
    """Each risk's trajectory picked from one read of every review equals its own query, to the
    column types (a risk with no target keeps None bands, as the query gives them)."""
    reviews = store.query("SELECT r.*, k.service_id FROM risk_review r JOIN risk k USING (risk_ref)")
    quarters = sorted(set(reviews["quarter"]))
    compared = 0
    for matrix_id in queries.risk_matrices(store)["matrix_id"]:
        cells = queries.risk_matrix(store, matrix_id)[1]
        for ref in [*sorted(set(reviews["risk_ref"])), "nope"]:
            for until in [None, *quarters]:
                pd.testing.assert_frame_equal(risk_register.trajectory_from(cells, reviews, ref, until),
                                              risk_register.trajectory(store, matrix_id, ref, until))
                compared += 1
    return compared


def test_trajectory_picked_from_one_read(tiny):
    assert _every_trajectory_picked_equals_its_query(tiny) == 2 * 5 * 4
    reviews = tiny.query("SELECT r.*, k.service_id FROM risk_review r JOIN risk k USING (risk_ref)")
    cells = queries.risk_matrix(tiny, PRODUCT)[1]
    r2 = risk_register.trajectory_from(cells, reviews, "R2")
    assert r2["residual_score"].tolist() == [16] and r2["target_band"].tolist() == [None]


# --- against the demo store -----------------------------------------------------------------


@pytest.mark.parametrize("matrix_id", [PRODUCT, POSITIONAL])
def test_register_agrees_with_the_risks_report(store, matrix_id):
    for quarter in queries.quarters(store):
        ours = risk_register.register(store, matrix_id, quarter)
        report = risk_register.risks_report(store, quarter, matrix_id)
        assert ours["risk_ref"].tolist() == report["risk_ref"].tolist()
        for col in ("score", "gross_score", "target_score", "previous_score"):
            assert ours[col].astype("float64").fillna(-1).tolist() == report[col].astype("float64").fillna(-1).tolist()
        assert ours["band"].tolist() == report["band"].tolist()
        assert ours["movement"].tolist() == report["movement"].tolist()


def test_demo_heatmap_counts_every_review(store):
    quarter = queries.latest_quarter(store)
    counts = store.query("SELECT k.service_id, count(*) AS n FROM risk_review r JOIN risk k USING (risk_ref) "
                         "WHERE r.quarter = ? GROUP BY ALL", [quarter])
    total = int(counts["n"].sum())
    for view in risk_register.VIEWS:
        cells = risk_register.heatmap_cells(store, PRODUCT, quarter, view)
        assert int(cells["risks"].sum()) == total  # every demo risk has all three scores
        assert sum(len(r.split(", ")) for r in cells["refs"] if r) == total
    for row in counts.dropna().itertuples():
        cells = risk_register.heatmap_cells(store, POSITIONAL, quarter, "residual", row.service_id)
        assert int(cells["risks"].sum()) == row.n
    # The demo's CSR001 is scored like Rochdale's CSCR003: impact 5 x likelihood 4 = 20.
    cells = risk_register.heatmap_cells(store, PRODUCT, quarter, "residual").set_index(["impact", "likelihood"])
    assert "CSR001" in cells.loc[(5, 4), "refs"] and cells.loc[(5, 4), "score"] == 20


def test_band_tints_keep_dark_text_readable():
    from ui.figures.risks import TEXT, band_colours

    def luminance(colour: str) -> float:
        if colour.startswith("rgb"):
            channels = [int(float(c)) / 255 for c in colour[colour.index("(") + 1:-1].split(",")]
        else:
            channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    text = luminance(TEXT)
    for n in (1, 2, 3, 4, 5, 6):
        tints = band_colours([f"band {i}" for i in range(n)])
        assert len(set(tints.values())) == n
        for tint in tints.values():
            assert (luminance(tint) + 0.05) / (text + 0.05) >= 7  # WCAG AAA for text


def test_demo_trajectories_picked_from_one_read(store):
    assert _every_trajectory_picked_equals_its_query(store) > 100


def test_the_risk_figures_are_valid_plotly_specs(tiny):
    """The heat map and trajectory are handed to Streamlit as plain dicts, never validated on the
    page: Plotly's validating constructor must accept every property in them."""
    import plotly.graph_objects as go

    from ui.figures.risks import heatmap_figure, trajectory_figure

    for matrix_id in (PRODUCT, POSITIONAL):
        matrix = risk_register.load_matrix(tiny, matrix_id)
        heat = go.Figure(heatmap_figure(risk_register.heatmap_cells(tiny, matrix_id, Q2), matrix, "Heat <map>"))
        # Outlined cells: R1 (4,5); R2 and R4 (4,4); R3 (2,2).
        assert heat.layout.title.text == "Heat &lt;map&gt;" and len(heat.layout.shapes) == 3
        line = go.Figure(trajectory_figure(risk_register.trajectory(tiny, matrix_id, "R1"), matrix, "R1"))
        assert [trace.name for trace in line.data][-3:] == ["Gross (before controls)", "Residual (after controls)",
                                                             "Target"]
        no_target = go.Figure(trajectory_figure(risk_register.trajectory(tiny, matrix_id, "R2"), matrix, "R2"))
        assert "Target" not in [trace.name for trace in no_target.data]  # R2 has no target


def test_a_services_register_picked_from_the_whole_quarters(tiny):
    rows = risk_register.register_rows(tiny, PRODUCT)
    whole = risk_register.register(tiny, PRODUCT, Q2)
    north = risk_register.service_register(whole, rows, "north")
    assert north["risk_ref"].tolist() == ["R1", "R4"]  # highest residual score first, as in the whole
    assert north["movement_words"].tolist() == ["Up from 16 to 20", "Up from 12 (2025/26 Q3) to 16"]
    pd.testing.assert_frame_equal(north, risk_register.register(tiny, PRODUCT, Q2, "north"))
    south = risk_register.service_register(whole, rows, "south")  # R2 has no target: None, as its own read
    assert south["target_band"].tolist() == [None] and south["target_band"].dtype == object
    pd.testing.assert_frame_equal(south, risk_register.register(tiny, PRODUCT, Q2, "south"))
    assert risk_register.service_register(whole, rows, "east").empty


def test_a_heatmap_does_not_depend_on_the_order_of_its_inputs(tiny):
    cells = tiny.query(f"SELECT impact, likelihood, score, band FROM risk_matrix_cell WHERE matrix_id = '{PRODUCT}'")
    reviews = tiny.query("SELECT r.*, k.service_id FROM risk_review r JOIN risk k USING (risk_ref)")
    shuffled = risk_register.heatmap_from(cells.iloc[::-1], reviews.iloc[::-1], Q2, "residual")
    assert shuffled["impact"].tolist()[:6] == [1, 1, 1, 1, 1, 2] and shuffled["likelihood"].tolist()[:6] == [
        1, 2, 3, 4, 5, 1]
    assert _occupied(shuffled) == {
        (4, 5): (20, "High", 1, "R1"),
        (4, 4): (16, "High", 2, "R2, R4"),
        (2, 2): (4, "Low", 1, "R3"),
    }
    pd.testing.assert_frame_equal(shuffled, risk_register.heatmap_cells(tiny, PRODUCT, Q2, "residual"))
