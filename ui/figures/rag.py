"""The RAG page's figure: one improvement-plan area's rating by month, as a step chart over
tag-coloured bands with the rating written on the axis and in each point's hover."""

from __future__ import annotations

import pandas as pd

from qa_core.rules.rag import RAG_ORDER
from ui.figures.palette import GREY
from ui.safe import plain
from ui.tags import TAG_COLOURS

# fmt: off
# (The figure spec keeps the dense layout it had on the page.)


def history_figure(history: pd.DataFrame, title: str) -> dict:
    """A step chart of the area's rating by month: worst at the bottom, words on the axis,
    tag-coloured bands behind, and the word in each point's hover."""
    # Ratings are stored text: escaped for Plotly's HTML (axis words and hover labels).
    history = history.assign(rag=history["rag"].map(lambda r: plain(r) if isinstance(r, str) else r))
    used = set(history["rag"].dropna())
    levels = [r for r in RAG_ORDER if r in used or r in ("Red", "Amber", "Green")]
    levels += sorted(str(r) for r in used if r not in RAG_ORDER)
    x = pd.to_datetime(history["month"]).to_numpy()
    ratings = history["rag"].to_numpy(dtype=object)
    shapes = [dict(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=i - 0.5, y1=i + 0.5,
                   fillcolor=TAG_COLOURS.get(level, ("", "#f3f2f1"))[1], opacity=0.55, line=dict(width=0),
                   layer="below") for i, level in enumerate(levels)]
    trace = dict(
        type="scatter", x=x, y=ratings, mode="lines+markers", line=dict(color=GREY, width=2, shape="hv"),
        marker=dict(size=11, color=[TAG_COLOURS.get(r, (GREY, "#ffffff"))[1] for r in ratings],
                    line=dict(color=[TAG_COLOURS.get(r, (GREY, GREY))[0] for r in ratings], width=2)),
        customdata=ratings, name="RAG rating", showlegend=False,
        hovertemplate="%{x|%B %Y}: %{customdata}<extra></extra>")
    layout = dict(
        title=dict(text=plain(title).replace("; ", "<br>", 1), font=dict(size=16, color="#0b0c0c")),
        height=340, margin=dict(l=80, r=20, t=80, b=40), plot_bgcolor="white",
        font=dict(size=14, color="#0b0c0c"), hovermode="closest", shapes=shapes,
        yaxis=dict(type="category", categoryorder="array", categoryarray=levels,
                   range=[-0.5, len(levels) - 0.5], title={}, fixedrange=True),
        xaxis=dict(dtick="M2", tickformat="%b %Y", title={}, showgrid=False))
    # A plain dict spec, handed to Streamlit as it is (ui.figures.handover): Plotly's validated
    # add_shape/update_layout cost more than the rest of the page's drawing (issue 14).
    return {"data": [trace], "layout": layout}
