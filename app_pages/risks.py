"""Risk scores: the quarterly risk register for risk owners and the audit committee. The
heat map of impact x likelihood (gross, residual or target, on the register's matrix or
another stored one), the register with movement since the last review, the high-scoring
risks opened out with their reasons, controls and outlook, and one risk's trajectory."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.rules import periods
from qa_core.rules.risk import KIND_PRODUCT
from qa_core.views import risk_register
from ui import long_text, risk_data
from ui.chart_table import chart_with_table, download_csv
from ui.figures.risks import level_label
from ui.filters import large_type
from ui.formatters import impact_likelihood, or_list, score_text
from ui.page import start
from ui.safe import md

VIEW_LABELS = {"residual": "Residual", "gross": "Gross", "target": "Target"}
VIEW_WORDS = {"residual": "Residual (after controls)", "gross": "Gross (before controls)",
              "target": "Target"}


def _level(labels: tuple[str, ...], level: int) -> str:
    """A matrix level's name (stored text) for a markdown caption."""
    return md(level_label(labels, level))


# Risk owners are senior managers named in the register the audit committee publishes: not
# case-level detail, so every role that may open this page sees the whole register.
ctx = start("risks")
month, service_id = ctx.month, ctx.service_id
service = md(ctx.service_name)  # shown only in markdown places
month_quarter = periods.quarter_of(month)

reviewed = risk_data.quarters()
available = risk_register.quarters_up_to(reviewed, month)
if not available:
    first = f" The first review is {md(reviewed[0])}: choose a later month in the sidebar." if reviewed else ""
    st.info(f"No risk register review at or before {month_quarter} ({ctx.month_label}).{first}")
    st.stop()

# The quarter follows the sidebar month: when the month moves, go back to its latest review.
if st.session_state.get("_risk_quarter_month") not in (None, month_quarter):
    st.session_state["risk_quarter"] = available[0]
st.session_state["_risk_quarter_month"] = month_quarter

matrices = risk_data.matrices()
own = risk_data.register_matrix_id()
names = dict(zip(matrices["matrix_id"], matrices["name"], strict=True))
matrix_ids = [own, *[m for m in names if m != own]]

if large_type():  # on a projector at 1280 px the three side by side cut "Target" off: the matrix goes below
    col_quarter, col_view = st.columns([1, 1.3])
    col_matrix = st.columns([1, 1.3])[0]
else:
    col_quarter, col_view, col_matrix = st.columns([1, 1.3, 1.7])
with col_quarter:
    quarter = st.selectbox("Quarter reviewed", available, key="risk_quarter", bind="query-params", format_func=md,
                           help="Quarterly reviews at or before the month chosen in the sidebar.")
with col_view:
    view = st.segmented_control(
        "Scores on the heat map", list(VIEW_LABELS), default="residual", required=True, key="risk_view",
        bind="query-params", format_func=VIEW_LABELS.get,
        help="Gross: before controls. Residual (net): with the controls in place. Target: the score "
             "the owner aims for.") or "residual"
with col_matrix:
    matrix_id = st.selectbox("Risk matrix", matrix_ids, key="risk_matrix", bind="query-params",
                             format_func=lambda m: names[m] + (" (the register's matrix)" if m == own else ""))

matrix = risk_data.matrix(matrix_id)
ranges = risk_data.band_ranges(matrix_id)
high = risk_register.high_bands(matrix)
threshold = int(ranges.loc[ranges["band"] == high[0], "low"].iloc[0])
# The band names are stored text: escaped for markdown; the chart titles escape their own.
high_words = f"{or_list([md(b) for b in high])} band{'s' if len(high) > 1 else ''} ({threshold} or more)"
how_scored = ("score = impact × likelihood" if matrix.kind == KIND_PRODUCT else
              "each cell has its own rank as its score, not impact × likelihood")

register = risk_data.register(matrix_id, quarter, service_id)
everyone = risk_data.register(matrix_id, quarter, None)
council_wide = everyone[everyone["service_id"].isna()]
st.caption(f"{md(quarter)} review · {service} · scored on the {md(matrix.name)} matrix ({how_scored})")
if register.empty:
    st.info(f"No {service} risks were reviewed in {md(quarter)}. Council-wide risks (not held by one service) "
            "are shown under All services.")
    st.stop()
n = len(register)
if service_id is None:
    st.write(f"All {n} risks on the register, including {len(council_wide)} council-wide risks "
             "not held by one service.")
else:
    st.write(f"The {n} risk{'s' if n != 1 else ''} held by {service}. The {len(council_wide)} council-wide "
             "risks (not held by one service: " + ", ".join(md(r) for r in council_wide["risk_ref"])
             + ") are shown only under All services.")

high_rows = risk_data.high_risk_rows(matrix_id, quarter, service_id)
metric_cols = st.columns(4)
metric_cols[0].metric("High-scoring (residual)", f"{len(high_rows)} of {n}",
                      help=f"Residual score in the {high_words}.")
metric_cols[1].metric("Residual score went up", f"{int((register['movement'] == 'increased').sum())} of {n}",
                      help="Residual score higher than at the risk's previous review.")
metric_cols[2].metric("Residual score went down", f"{int((register['movement'] == 'decreased').sum())} of {n}",
                      help="Residual score lower than at the risk's previous review.")
metric_cols[3].metric("Reduction expected", f"{int(register['reduction_expected'].fillna(False).sum())} of {n}",
                      help="Risks whose owner expects the score to come down to its target score. What the "
                           "controls already take off (gross to residual) is a different question, answered beside "
                           "each high-scoring risk.")

# -- heat map ---------------------------------------------------------------------------------
st.header("Heat map", anchor=False)
cells = risk_data.heatmap(matrix_id, quarter, view, service_id)
placed = int(cells["risks"].sum())
in_high = int(cells.loc[cells["band"].isin(high), "risks"].sum())
unplaced = n - placed
if placed == 0:
    st.info(f"No risk has a {view} score in {md(quarter)}.")
else:
    plain_words = f"{or_list(high)} band{'s' if len(high) > 1 else ''} ({threshold} or more)"
    title = (f"{VIEW_LABELS[view]} scores, {quarter}: {in_high} of {placed} risk{'s' if placed != 1 else ''} "
             f"in the {plain_words}")  # heatmap_figure escapes its title for Plotly
    busiest = cells.sort_values(["risks", "score"], ascending=False).iloc[0]
    band_words = "; ".join(f"{md(r.band)} {r.low} to {r.high}" for r in ranges.itertuples())
    occupied = cells[cells["risks"] > 0].sort_values(["score", "impact"], ascending=False)
    chart_with_table(
        risk_data.heatmap_spec(matrix_id, quarter, view, service_id, title),
        f"Heat map of the {VIEW_WORDS[view].lower()} cells of {placed} risks in {md(quarter)}: impact across "
        f"({_level(matrix.impact_labels, 1)} to {_level(matrix.impact_labels, matrix.size)}), "
        f"likelihood up ({_level(matrix.likelihood_labels, 1)} to "
        f"{_level(matrix.likelihood_labels, matrix.size)}). Each cell shows its score and band, and the "
        f"number and references of the risks in it; occupied cells have a dark border. Bands: {band_words}. "
        f"The fullest cell is impact {_level(matrix.impact_labels, busiest['impact'])} × likelihood "
        f"{_level(matrix.likelihood_labels, busiest['likelihood'])} (score {busiest['score']}) with "
        f"{busiest['risks']} risk{'s' if busiest['risks'] != 1 else ''}."
        + (f" {unplaced} risk{'s have' if unplaced != 1 else ' has'} no {view} score and "
           f"{'are' if unplaced != 1 else 'is'} not shown." if unplaced else ""),
        pd.DataFrame({
            "Impact": [level_label(matrix.impact_labels, i) for i in occupied["impact"]],
            "Likelihood": [level_label(matrix.likelihood_labels, lk) for lk in occupied["likelihood"]],
            "Score": occupied["score"], "Band": occupied["band"], "Risks": occupied["risks"],
            "References": occupied["refs"],
        }), f"risk-heatmap-{quarter}-{view}-{matrix_id}.csv", "the heat map's numbers", "dl_risk_heatmap",
        key="risk_heatmap", alt=f"Heat map of impact against likelihood. {title}.",
        expander="Show the heat map's numbers as a table")

# -- the register -----------------------------------------------------------------------------
st.header("The register", anchor=False)
st.caption(f"Residual score (after controls) and band on the {md(matrix.name)} matrix, highest first, with "
           "the movement since each risk's previous review, and the gross (before controls) and target scores.")
kept = risk_data.register_table(matrix_id, quarter, service_id)
table = kept.table
st.dataframe(
    kept.styled.styler(),
    hide_index=True, width="stretch", height="content",
    column_config={
        "Ref": st.column_config.TextColumn(width=70, pinned=True),
        "Risk": st.column_config.TextColumn(width=400),
        "Score": st.column_config.NumberColumn(width=55, help="Residual score (after controls)"),
        "Band": st.column_config.TextColumn(width=95, help="Band of the residual score"),
        "Movement": st.column_config.TextColumn(width=135, help="Residual score against the previous review"),
        "Previous score": st.column_config.NumberColumn("Previous", width=70,
                                                        help="Residual score at the previous review"),
        "Gross score": st.column_config.NumberColumn("Gross", width=55, help="Gross score (before controls)"),
        "Target score": st.column_config.NumberColumn("Target", width=55, help="Target score"),
        "Reduction expected": st.column_config.TextColumn(width=135, help="Does the owner expect the score "
                                                                        "to come down?"),
    })
long_text.read_in_full(table, ["Risk"], table["Ref"].tolist(), key="risk_full_register")
download_csv(table, f"risk-register-{quarter}-{matrix_id}.csv", "the register", "dl_risk_register")

# -- high-scoring risks -----------------------------------------------------------------------
st.header("High-scoring risks", anchor=False)
if not high_rows:
    st.info(f"No risk's residual score is in the {high_words} in {md(quarter)}.")
else:
    st.caption(f"{len(high_rows)} of {n} risks have a residual score in the {high_words}: their reasons, "
               "controls and outlook as the owner recorded them.")
for row in high_rows:
    label = f"{md(row.risk_ref)} · residual score {row.score} ({md(row.band)}) · {md(row.movement_words)}"
    with st.expander(label, expanded=True):
        long_text.show_text(row.title, key=f"risk_full_title_{row.risk_ref}")
        left, middle, right = st.columns(3)
        with left:
            st.markdown("**Owner**")
            st.text(f"{row.owner} ({row.service})")
        with middle:
            st.markdown("**Scores: gross → residual → target**")
            st.text(f"{score_text(row.gross_score, row.gross_band)} → {score_text(row.score, row.band)} → "
                    f"{score_text(row.target_score, row.target_band)}")
            # What the controls already take off: places and bands on a positional matrix, never a percentage.
            st.text(f"Controls: {row.control_effect}" if isinstance(row.control_effect, str) else "")
        with right:
            st.markdown("**Reduction expected (to the target)**")
            st.text(row.reduction_expected_words)
        reasons, controls, outlook = st.columns(3)
        for column, heading, text in ((reasons, "Reasons for the score", row.reasons),
                                      (controls, "Controls in place", row.controls),
                                      (outlook, "Outlook", row.outlook)):
            with column:
                st.markdown(f"**{heading}**")
                long_text.show_text(text if isinstance(text, str) and text.strip() else "Not recorded",
                                    key=f"risk_full_{heading}_{row.risk_ref}")

# -- one risk over time -----------------------------------------------------------------------
st.header("A risk over time", anchor=False)
titles = dict(zip(register["risk_ref"], register["title"], strict=True))
refs = sorted(titles)
ref = st.selectbox("Risk", refs, index=refs.index(register["risk_ref"].iloc[0]), key="risk_ref",
                   bind="query-params",
                   format_func=lambda r: f"{r}: {long_text.preview(titles[r], long_text.LABEL_CHARS)}")
points = risk_data.trajectory(matrix_id, ref, quarter)
last, first = points.iloc[-1], points.iloc[0]
title = f"{ref}: residual score {score_text(last['residual_score'], last['residual_band'])} in {quarter}"
if len(points) == 1:
    title += ", its first review"
else:
    change = int(last["residual_score"]) - int(first["residual_score"])
    title += (f", {'up' if change > 0 else 'down'} from {int(first['residual_score'])} in {first['quarter']}"
              if change else f", the same as in {first['quarter']}")
title += f"; target {score_text(last['target_score'])}"
chart_with_table(
    risk_data.trajectory_spec(matrix_id, ref, quarter, title),
    f"Line chart of {md(ref)}'s gross (before controls), residual (after controls) and target scores at "
    f"each quarterly review from {md(first['quarter'])} to {md(quarter)} on the {md(matrix.name)} matrix. The "
    "bands are shaded and named at the right: "
    + "; ".join(f"{md(r.band)} {r.low} to {r.high}" for r in ranges.itertuples())
    + ".",
    pd.DataFrame({
        "Quarter": points["quarter"],
        "Gross (impact × likelihood)": [impact_likelihood(i, lk) for i, lk in
                                        zip(points["gross_impact"], points["gross_likelihood"], strict=True)],
        "Gross score": points["gross_score"], "Gross band": points["gross_band"],
        "Residual (impact × likelihood)": [impact_likelihood(i, lk) for i, lk in
                                           zip(points["residual_impact"], points["residual_likelihood"],
                                               strict=True)],
        "Residual score": points["residual_score"], "Residual band": points["residual_band"],
        "Target (impact × likelihood)": [impact_likelihood(i, lk) for i, lk in
                                         zip(points["target_impact"], points["target_likelihood"], strict=True)],
        "Target score": points["target_score"], "Target band": points["target_band"].fillna(""),
    }), f"risk-{ref}-{matrix_id}.csv", "the risk's scores", "dl_risk_trajectory",
    key="risk_trajectory", alt=f"Line chart of scores by quarter. {title}.",
    expander="Show the risk's scores as a table")
