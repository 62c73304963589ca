"""Streamlit pieces shared by the pages: ``page`` (start-up: role check, filters, title),
``figures/`` (Plotly builders), ``formatters`` (values as text), ``tags`` (RAG colours and
badges), ``chart_table`` (a chart with its table and CSV download), ``safe`` and ``long_text``
(stored text), ``auth`` and ``filters`` (who is looking, the sidebar), and the cached data
access modules (``data`` and ``*_data``)."""
