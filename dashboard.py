"""Entry point: page config, the store, the shared sidebar, and navigation. Nothing else."""

import streamlit as st

from qa_core.published import ATTRIBUTION
from ui import data, filters

st.set_page_config(page_title="Children's social care: performance and quality",
                   page_icon=":material/child_care:", layout="wide")

data.get_store()
pages = [
    st.Page("app_pages/home.py", title="At a glance", icon=":material/dashboard:", default=True),
    st.Page("app_pages/clinic.py", title="Performance clinic", icon=":material/groups:"),
    st.Page("app_pages/rag.py", title="RAG at a glance", icon=":material/traffic:"),
    st.Page("app_pages/audits.py", title="Audit grades", icon=":material/fact_check:"),
    st.Page("app_pages/risks.py", title="Risk scores", icon=":material/warning:"),
    st.Page("app_pages/teams.py", title="Team profiles", icon=":material/diversity_3:"),
    st.Page("app_pages/scrutiny.py", title="Scrutiny trends", icon=":material/account_balance:"),
    st.Page("app_pages/benchmarks.py", title="Benchmarks", icon=":material/leaderboard:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:"),
]
navigation = st.navigation(pages)
filters.sidebar()
settings = data.settings()
with st.sidebar:
    council = settings.get("council_name", "Council")
    about = f"{council}: demonstration data about a fictional council." if settings.get("demo_seed") else council
    if settings.get("benchmark_la_name"):
        about += (f" Published comparisons use {settings['benchmark_la_name']}'s figures "
                  f"(LA {settings['benchmark_la']}).")
    st.caption(f"{about} {ATTRIBUTION}")
navigation.run()
