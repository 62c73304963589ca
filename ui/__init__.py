"""Streamlit pieces shared by the pages: cached data access, RAG tags, chart + table pairs."""
