"""The one-chart app ``bench.start`` compares the dashboard's cold start with: Streamlit, pandas and
Plotly imported, a title and one Plotly chart, nothing else."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.title("Hello", anchor=False)
frame = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=24, freq="MS"), "value": range(24)})
st.plotly_chart(go.Figure(go.Scatter(x=frame["month"], y=frame["value"], mode="lines+markers")), key="hello")
