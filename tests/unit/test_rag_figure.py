"""The RAG history chart is handed to Streamlit as a plain dict (issue 14): Plotly's validating
constructor must accept it, and it must say what the page promises (ratings as words, bands)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from ui.figures.rag import history_figure


def test_the_history_spec_is_valid_and_escapes_stored_words() -> None:
    history = pd.DataFrame({"month": [dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1)],
                            "rag": ["Red", "Amber", "<b>Purple</b>"]})
    fig = go.Figure(history_figure(history, "Area; rated <i>x</i>"))  # validated: raises on a bad property
    assert fig.layout.title.text == "Area<br>rated &lt;i&gt;x&lt;/i&gt;"
    # Red, Amber and Green always (worst at the bottom), then the unknown word, escaped.
    assert list(fig.layout.yaxis.categoryarray) == ["Red", "Amber", "Green", "&lt;b&gt;Purple&lt;/b&gt;"]
    assert len(fig.layout.shapes) == 4 and list(fig.data[0].customdata) == ["Red", "Amber",
                                                                            "&lt;b&gt;Purple&lt;/b&gt;"]
