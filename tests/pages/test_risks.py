"""The risk-scores page on the demo council: its numbers checked against plain SQL on the
store (impact x likelihood for the product matrix, 5 x (impact - 1) + likelihood for the
positional one), each control, and the empty states."""

from __future__ import annotations

import json
import os

import pandas as pd

from qa_core.store import Store
from tests.pages.conftest import open_page, open_tables

PRODUCT_SQL = "{p}_impact * {p}_likelihood"
#: The demo's positional grid, as given cell by cell in qa_core.rules.risk.POSITIONAL_GRID (rows: impact 1-5;
#: columns: likelihood Remote to Probable), written out again here so the page is checked against the grid.
GRID = ((1, 2, 3, 4, 5), (2, 4, 6, 8, 10), (3, 6, 9, 12, 15), (8, 12, 16, 19, 20), (11, 15, 18, 21, 25))
POSITIONAL_SQL = ("[" + ", ".join("[" + ", ".join(map(str, row)) + "]" for row in GRID) + "]"
                  "[{p}_impact][{p}_likelihood]")




def _open(app, **state):
    """The page with its "Show the numbers" tables opened (they are drawn once opened)."""
    return open_tables(open_page(app, page="risks", **state))


def _scores(demo_db, quarter, formula=PRODUCT_SQL, stage="residual", service=None) -> dict[str, int]:
    """Each risk's score in ``quarter`` worked out in SQL, independently of the page's code."""
    with Store(demo_db, read_only=True) as store:
        frame = store.query(
            f"SELECT r.risk_ref, {formula.format(p='r.' + stage)} AS score FROM risk_review r "
            "JOIN risk k USING (risk_ref) WHERE r.quarter = ? AND (? IS NULL OR k.service_id = ?)",
            [quarter, service, service])
    return {r.risk_ref: int(r.score) for r in frame.dropna().itertuples()}


def _chart_titles(app) -> list[str]:
    return [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in app.get("plotly_chart")]


def _register(app) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if "Movement" in d.value.columns)


def _heatmap_table(app) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if "References" in d.value.columns)


def test_default_view_is_the_latest_review_residual_on_the_registers_matrix(app, demo_db):
    _open(app)
    assert app.selectbox(key="risk_quarter").value == "2026/27 Q2"
    assert app.segmented_control(key="risk_view").value == "residual"
    assert app.selectbox(key="risk_matrix").value == "product_5x5"
    assert "(the register's matrix)" in app.selectbox(key="risk_matrix").format_func("product_5x5")
    scores = _scores(demo_db, "2026/27 Q2")
    high = sorted(ref for ref, s in scores.items() if s >= 15)  # product bands: High is 15 or more
    assert _chart_titles(app)[0] == (f"Residual scores, 2026/27 Q2: {len(high)} of {len(scores)} risks in the "
                                     "High band (15 or more)")
    register = _register(app)
    assert dict(zip(register["Ref"], register["Score"], strict=True)) == scores
    assert register["Score"].tolist() == sorted(register["Score"], reverse=True)
    assert set(register.loc[register["Band"] == "High", "Ref"]) == set(high)
    row = register.set_index("Ref").loc["CSR001"]  # scored like Rochdale's CSCR003: 5 x 4 = 20
    assert (row["Score"], row["Band"], row["Impact × likelihood"], row["Gross score"]) == (20, "High", "5 × 4", 25)
    assert app.metric[0].value == f"{len(high)} of {len(scores)}"


def test_heatmap_table_counts_every_risk_with_its_references(app, demo_db):
    _open(app)
    table = _heatmap_table(app)
    scores = _scores(demo_db, "2026/27 Q2")
    assert table["Risks"].sum() == len(scores)
    refs = [ref for cell in table["References"] for ref in cell.split(", ")]
    assert sorted(refs) == sorted(scores)
    for cell in table.itertuples():  # every risk in a cell has that cell's score
        assert {scores[ref] for ref in cell.References.split(", ")} == {cell.Score}
    assert "Catastrophic (5)" in set(table["Impact"]) and "Likely (4)" in set(table["Likelihood"])


def test_high_scoring_risks_are_expanded_with_reasons_controls_outlook(app, demo_db):
    _open(app)
    with Store(demo_db, read_only=True) as store:
        high = store.query(
            "SELECT risk_ref, reasons, controls, outlook FROM risk_review WHERE quarter = '2026/27 Q2' "
            "AND residual_impact * residual_likelihood >= 15 ORDER BY risk_ref")
    boxes = [e for e in app.expander if "residual score" in e.label]
    assert sorted(e.label.split(" ·")[0].replace("\\", "") for e in boxes) == high["risk_ref"].tolist()
    assert all(e.proto.expanded for e in boxes)
    for box in boxes:
        ref = box.label.split(" ·")[0].replace("\\", "")
        texts = [t.value for t in box.text]
        expected = high.set_index("risk_ref").loc[ref]
        assert {expected["reasons"], expected["controls"], expected["outlook"]} <= set(texts)
        assert any(t.startswith(("Yes", "No")) for t in texts)  # whether a reduction is expected


def test_an_earlier_quarter(app, demo_db):
    _open(app)
    app.selectbox(key="risk_quarter").set_value("2024/25 Q4").run()
    assert not app.exception
    register = _register(app)
    assert dict(zip(register["Ref"], register["Score"], strict=True)) == _scores(demo_db, "2024/25 Q4")
    previous = _scores(demo_db, "2024/25 Q3")
    assert dict(zip(register["Ref"], register["Previous score"], strict=True)) == previous
    for row in register.itertuples():
        now, then = row.Score, previous[row.Ref]
        words = (f"Up from {then} to {now}" if now > then else
                 f"Down from {then} to {now}" if now < then else f"Unchanged at {now}")
        assert row.Movement == words
    assert _chart_titles(app)[0].startswith("Residual scores, 2024/25 Q4:")


def test_the_first_review_has_every_risk_new(app):
    _open(app)
    app.selectbox(key="risk_quarter").set_value("2024/25 Q3").run()
    assert not app.exception
    assert set(_register(app)["Movement"]) == {"New: first reviewed this quarter"}


def test_the_quarter_follows_the_sidebar_month(app, demo_db):
    _open(app, month="2026-06")
    quarter = app.selectbox(key="risk_quarter")
    assert quarter.value == "2026/27 Q1"
    assert "2026/27 Q2" not in quarter.options  # not yet reviewed in June 2026
    app.selectbox(key="risk_quarter").set_value("2025/26 Q1").run()
    app.session_state["month"] = "2026-10"
    app.run()
    assert not app.exception
    assert app.selectbox(key="risk_quarter").value == "2026/27 Q2"
    assert dict(zip(_register(app)["Ref"], _register(app)["Score"], strict=True)) == _scores(demo_db, "2026/27 Q2")


def test_the_financial_years_boundary_decides_the_quarter(app):
    # 31 March 2026 is the last day of 2025/26 Q4; 1 April 2026 starts 2026/27 Q1 (reviewed too).
    _open(app, month="2026-03")
    assert app.selectbox(key="risk_quarter").value == "2025/26 Q4"
    assert app.selectbox(key="risk_quarter").options[:2] == ["2025/26 Q4", "2025/26 Q3"]
    app.session_state["month"] = "2026-04"
    app.run()
    assert not app.exception
    assert app.selectbox(key="risk_quarter").value == "2026/27 Q1"


def test_a_bookmark_with_a_calendar_quarter_opens_the_latest_review(app):
    app.query_params["risk_quarter"] = "2026-Q2"  # a link from before financial quarters
    _open(app)
    assert app.selectbox(key="risk_quarter").value == "2026/27 Q2"


def test_gross_and_target_views(app, demo_db):
    _open(app)
    app.segmented_control(key="risk_view").set_value("gross").run()
    assert not app.exception
    gross = _scores(demo_db, "2026/27 Q2", stage="gross")
    high = sum(s >= 15 for s in gross.values())
    assert _chart_titles(app)[0] == (f"Gross scores, 2026/27 Q2: {high} of {len(gross)} risks in the High band "
                                     "(15 or more)")
    table = _heatmap_table(app)
    for cell in table.itertuples():
        assert {gross[ref] for ref in cell.References.split(", ")} == {cell.Score}
    # The register still shows residual scores; its gross column is the same gross.
    register = _register(app)
    assert dict(zip(register["Ref"], register["Gross score"], strict=True)) == gross

    app.segmented_control(key="risk_view").set_value("target").run()
    assert not app.exception
    target = _scores(demo_db, "2026/27 Q2", stage="target")
    high = sum(s >= 15 for s in target.values())
    assert _chart_titles(app)[0] == (f"Target scores, 2026/27 Q2: {high} of {len(target)} risks in the High band "
                                     "(15 or more)")
    assert _heatmap_table(app)["Risks"].sum() == len(target)


def test_the_positional_matrix(app, demo_db):
    _open(app)
    app.selectbox(key="risk_matrix").set_value("positional_5x5").run()
    assert not app.exception
    scores = _scores(demo_db, "2026/27 Q2", POSITIONAL_SQL)
    register = _register(app)
    assert dict(zip(register["Ref"], register["Score"], strict=True)) == scores
    # High 16-20 and Very high 21-25 both count as high-scoring on this matrix.
    high = sum(s >= 16 for s in scores.values())
    assert _chart_titles(app)[0] == (f"Residual scores, 2026/27 Q2: {high} of {len(scores)} risks in the "
                                     "High or Very high bands (16 or more)")
    bands = dict(zip(register["Ref"], register["Band"], strict=True))
    for ref, score in scores.items():
        expected = "Low" if score <= 10 else "Medium" if score <= 15 else "High" if score <= 20 else "Very high"
        assert bands[ref] == expected
    boxes = [e for e in app.expander if "residual score" in e.label]
    assert len(boxes) == high
    # Major x possible scores 19 and major x probable 20 (York's net and gross), not 16 and 20.
    cells = _heatmap_table(app).set_index(["Impact", "Likelihood"])
    assert cells.loc[("Major (4)", "Possible (4)"), "Score"] == 19
    assert cells.loc[("Major (4)", "Probable (5)"), "Score"] == 20
    assert any("rank" in c.value for c in app.caption)


def test_choosing_a_risk_shows_its_trajectory(app, demo_db):
    _open(app)
    assert app.selectbox(key="risk_ref").value == _register(app)["Ref"].iloc[0]  # the highest first
    app.selectbox(key="risk_ref").set_value("CSR006").run()
    assert not app.exception
    with Store(demo_db, read_only=True) as store:
        history = store.query(
            "SELECT quarter, residual_impact * residual_likelihood AS r, gross_impact * gross_likelihood AS g, "
            "target_impact * target_likelihood AS t FROM risk_review WHERE risk_ref = 'CSR006' ORDER BY quarter")
    table = next(d.value for d in app.dataframe if "Residual score" in d.value.columns)
    assert table["Quarter"].tolist() == history["quarter"].tolist()
    assert table["Residual score"].tolist() == history["r"].tolist()
    assert table["Gross score"].tolist() == history["g"].tolist()
    assert table["Target score"].tolist() == history["t"].tolist()
    title = _chart_titles(app)[1]
    first, last = history.iloc[0], history.iloc[-1]
    assert title.startswith(f"CSR006: residual score {last['r']} (")
    assert f"from {first['r']} in {first['quarter']}" in title or f"the same as in {first['quarter']}" in title
    # An earlier quarter cuts the trajectory there.
    app.selectbox(key="risk_quarter").set_value("2025/26 Q1").run()
    table = next(d.value for d in app.dataframe if "Residual score" in d.value.columns)
    assert table["Quarter"].tolist() == ["2024/25 Q3", "2024/25 Q4", "2025/26 Q1"]


def test_one_service_and_the_council_wide_risks(app, demo_db):
    _open(app, service="front_door")
    scores = _scores(demo_db, "2026/27 Q2", service="front_door")
    register = _register(app)
    assert dict(zip(register["Ref"], register["Score"], strict=True)) == scores
    assert set(register["Service"]) == {"Front Door and MASH"}
    assert _heatmap_table(app)["Risks"].sum() == len(scores)
    with Store(demo_db, read_only=True) as store:
        corporate = store.query("SELECT risk_ref FROM risk WHERE service_id IS NULL")["risk_ref"]
    note = next(m.value for m in app.markdown if "council-wide" in m.value)
    assert f"The {len(corporate)} council-wide risks" in note and "only under All services" in note
    assert all(ref in note for ref in corporate)


def test_a_service_with_no_risks_has_an_empty_state(app):
    with Store(os.environ["QA_DB"]) as store:
        store.execute("INSERT INTO service (service_id, name, sort_order) VALUES ('early_help', 'Early Help', 9)")
    _open(app, service="early_help")
    assert "No Early Help risks were reviewed in 2026/27 Q2" in app.info[0].value
    assert not app.get("plotly_chart")


def test_a_month_before_any_review_has_an_empty_state(app):
    _open(app, month="2024-03")
    assert "No risk register review at or before 2023/24 Q4" in app.info[0].value
    assert "The first review is 2024/25 Q3" in app.info[0].value
    assert not app.dataframe


def test_downloads_are_offered(app):
    _open(app)
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Download the register (CSV)" in labels
    assert any("heat map" in label for label in labels) and any("risk's scores" in label for label in labels)


def test_a_charts_table_is_drawn_only_once_its_expander_is_opened(app):
    """Tables under "Show the numbers" are built when opened (issue 14): closed, the expander is there
    with nothing in it; opened (a rerun), its table and download are there."""
    open_page(app, page="risks")
    labels = [e.label for e in app.expander]
    assert "Show the heat map's numbers as a table" in labels
    closed = [b.proto.label for b in app.get("download_button")]
    assert not any("heat map" in label for label in closed) and "Download the register (CSV)" in closed
    app.session_state["numbers_dl_risk_heatmap"] = True
    app.run()
    heat = next(e for e in app.expander if e.label == "Show the heat map's numbers as a table")
    table = heat.dataframe[0].value
    assert {"Impact", "Likelihood", "Risks", "References"} <= set(table.columns) and table["Risks"].sum() > 0
    assert any("heat map" in b.proto.label for b in app.get("download_button"))
    assert not any("risk's scores" in b.proto.label for b in app.get("download_button"))  # still closed


def test_what_controls_take_off_and_whether_a_reduction_is_expected_are_separate(app, demo_db):
    # On the positional matrix a change from gross to residual is places and bands, never a percentage; and
    # "Reduction expected" speaks of the target score.
    _open(app)
    app.selectbox(key="risk_matrix").set_value("positional_5x5").run()
    assert not app.exception
    boxes = [e for e in app.expander if "residual score" in e.label]
    assert boxes
    for box in boxes:
        texts = [t.value for t in box.text]
        controls = [t for t in texts if t.startswith("Controls: ")]
        assert len(controls) == 1 and "%" not in controls[0]
        assert controls[0].removeprefix("Controls: ").startswith(("down ", "up ", "no change"))
        expected = [t for t in texts if t.startswith(("Yes", "No"))]
        assert len(expected) == 1 and "%" not in expected[0]
        if expected[0].startswith("Yes: "):
            assert "to the target of" in expected[0]
    headings = [m.value for m in app.markdown]
    assert "**Reduction expected (to the target)**" in headings
    # On the product matrix the controls' effect is points, with the share of the gross score.
    app.selectbox(key="risk_matrix").set_value("product_5x5").run()
    texts = [t.value for e in app.expander if "residual score" in e.label for t in e.text]
    assert any(t.startswith("Controls: down ") and "of the gross score" in t for t in texts)


def test_each_risks_controls_answer_that_risk(demo_db):
    from qa_core.demo.risk_data import RISK_TEXT

    with Store(demo_db, read_only=True) as store:
        reviews = store.query("SELECT risk_ref, controls, reasons FROM risk_review")
    for row in reviews.itertuples():
        controls, reasons = RISK_TEXT[row.risk_ref]
        assert row.controls in controls and row.reasons in reasons
    missing = reviews[reviews["risk_ref"] == "CSR012"]  # children go missing and are at risk of exploitation
    assert not missing["controls"].str.contains("backup|disaster recovery", case=False).any()
    assert missing["controls"].str.contains("missing|exploitation", case=False).all()


def test_large_type_puts_the_matrix_below_the_quarter_and_the_scores_shown(app):
    # On a projector at 1280 px the three controls side by side cut the "Target" choice off.
    def control_rows() -> list[list[str]]:
        rows = []
        for block in app.main.children.values():
            if block.type == "flex_container" and all(c.type == "column" for c in block.children.values()):
                labels = [getattr(w, "label", None) for c in block.children.values() for w in c.children.values()]
                if any(label in ("Quarter reviewed", "Risk matrix") for label in labels):
                    rows.append([label for label in labels if label])
        return rows

    open_page(app, page="risks")
    assert control_rows() == [["Quarter reviewed", "Scores on the heat map", "Risk matrix"]]
    open_page(app, page="risks", large=True)
    assert control_rows() == [["Quarter reviewed", "Scores on the heat map"], ["Risk matrix"]]
