"""The floor page ``bench.pages`` compares every page with: a select box, two Plotly charts and a
table, and nothing else (no store, no sign-in, no sidebar). What a page costs Streamlit at least."""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

series = st.selectbox("Series", list(range(64)), key="series")
rng = np.random.default_rng(series)
frame = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=24, freq="MS"),
                      "value": rng.normal(50, 5, 24).round(1), "target": 50.0})
st.plotly_chart(go.Figure(go.Scatter(x=frame["month"], y=frame["value"], mode="lines+markers")), key="line")
st.plotly_chart(go.Figure(go.Bar(x=frame["month"], y=frame["value"])), key="bars")
st.dataframe(frame, hide_index=True)
