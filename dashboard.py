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
]
navigation = st.navigation(pages)
filters.sidebar()
with st.sidebar:
    st.caption(f"{data.settings().get('council_name', 'Council')}: demonstration data about a "
               "fictional council. " + ATTRIBUTION)
navigation.run()
