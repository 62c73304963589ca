"""Rules: the arithmetic of the work, pure calculation with data in and data out.

SPC charts and icons, RAG ratings, audit grades and escalation, risk matrices, disclosure
control, aggregation of ratios, formatting of values, months and financial quarters. A rule
never opens a file or a connection, so each is tested with numbers typed into the test.

May import: ``qa_core.errors`` and other rules modules only (never store, views, io,
roles or Streamlit).
"""
