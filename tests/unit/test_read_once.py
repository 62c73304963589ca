"""Pages read a view's figures once per data version and pick from them on each filter change
(issue 14). What is picked must be exactly what the old per-filter query gave: checked here on
the demo store, for every service and a spread of months and quarters."""

from __future__ import annotations

import pandas as pd

from qa_core.store import Store, queries
from qa_core.views import home, scrutiny


def test_every_services_monthly_figures_in_one_query_are_each_services(store: Store) -> None:
    everything = queries.indicator_monthly_all(store)
    services = [None, *queries.services(store)["service_id"]]
    assert len(services) > 2
    for service_id in services:
        picked = everything[everything["service_id"].isna() if service_id is None
                            else everything["service_id"] == service_id]
        alone = queries.indicator_monthly(store, service_id=service_id)
        assert len(alone) > 0
        pd.testing.assert_frame_equal(picked.drop(columns="service_id").reset_index(drop=True), alone)


def test_a_summary_picked_from_one_read_is_the_months_own(store: Store) -> None:
    data = home.summary_data(store)
    months = queries.months(store)
    for service_id in [None, *queries.services(store)["service_id"]]:
        for month in months[-3:] + months[12:13]:
            picked = home.summary_from(data, month, service_id)
            # the month's figures, read for that month alone: the last row of each measure is the month's
            alone = queries.indicator_monthly(store, service_id=service_id, until=month)
            last = alone[pd.to_datetime(alone["period"]).dt.date == month].set_index("code")
            assert set(picked["code"]) == set(last.index) & set(queries.indicators(store, service_id)["code"])
            for row in picked.itertuples():  # a count measure has no numerator or denominator: NaN == NaN here
                # (sums of fractional counts may differ in the last binary digit with DuckDB's order of summing)
                pd.testing.assert_series_equal(
                    pd.Series([row.numerator, row.denominator, row.value], dtype="float64"),
                    pd.Series([last.at[row.code, c] for c in ("numerator", "denominator", "value")], dtype="float64"),
                    check_exact=False, rtol=1e-12)
                assert row.months == len(alone[alone["code"] == row.code])


def test_a_quarters_card_picks_the_quarters_up_to_it(store: Store) -> None:
    data = scrutiny.card_data(store)
    assert data.quarters == scrutiny.complete_quarters(store)
    for quarter in data.quarters[-3:]:
        picked = data.values[data.values["quarter"] <= quarter].reset_index(drop=True)
        pd.testing.assert_frame_equal(picked, scrutiny.quarterly_values(store, quarter))
        _, trend = scrutiny.card_from(data, quarter)
        assert trend["quarter"].max() == quarter


def test_the_board_for_many_months_at_once_is_each_months_board(store: Store) -> None:
    from qa_core.views import improvement_board as board

    months = queries.months(store)
    picked_months = months[-4:] + months[:2]
    data = board.board_data(store, months)
    areas = store.query("SELECT area_id FROM plan_area ORDER BY sort_order")["area_id"].tolist()
    assert len(areas) > 2
    reports, priorities = board.rag_reports_from(data), board.all_priorities_from(data)
    for month in picked_months:
        pd.testing.assert_frame_equal(board.rag_report_from(data, month), board.rag_report(store, month))
        # Every month worked out at once, then picked: the same frame, typed the same.
        pd.testing.assert_frame_equal(board.report_of_month(reports, month), board.rag_report(store, month))
        for area in areas:
            alone = board.area_priorities(store, area, month)
            pd.testing.assert_frame_equal(board.area_priorities_from(data, area, month), alone)
            pd.testing.assert_frame_equal(board.priorities_of(priorities, area, month), alone,
                                          check_dtype=not alone.empty)
            alone = board.area_narrative(store, area, month)
            pd.testing.assert_frame_equal(board.area_narrative_from(data, area, month), alone,
                                          check_dtype=not alone.empty, check_index_type=not alone.empty)
            pd.testing.assert_frame_equal(board.area_history_from(data, area, month),
                                          board.area_history(store, area, month))


def test_the_register_of_every_quarter_read_once_is_each_quarters(store: Store) -> None:
    from qa_core.views import risk_register

    matrix_id = risk_register.register_matrix_id(store)
    rows = risk_register.register_rows(store, matrix_id)
    matrix = risk_register.load_matrix(store, matrix_id)
    reviews = store.query("SELECT r.*, k.service_id FROM risk_review r JOIN risk k USING (risk_ref)")
    cells = store.query("SELECT impact, likelihood, score, band FROM risk_matrix_cell WHERE matrix_id = $m "
                        "ORDER BY impact, likelihood", {"m": matrix_id})
    quarters = queries.quarters(store)
    for quarter in quarters[-3:] + quarters[:1]:
        for service_id in [None, *queries.services(store)["service_id"][:3]]:
            pd.testing.assert_frame_equal(
                risk_register.register_from(rows, matrix, matrix_id, quarter, service_id),
                risk_register.register(store, matrix_id, quarter, service_id))
            for view in risk_register.VIEWS:
                mine = risk_register.heatmap_from(cells, reviews, quarter, view, service_id)
                assert mine.equals(risk_register.heatmap_cells(store, matrix_id, quarter, view, service_id))
                assert int(mine["risks"].sum()) == int(
                    (reviews["quarter"].eq(quarter) & reviews[f"{view}_impact"].notna()
                     & (service_id is None or reviews["service_id"].eq(service_id))).sum())
