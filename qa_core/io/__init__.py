"""I/O: files in and out. The importer (a registry of kinds, all-or-nothing loads, exports
and templates), the readers of the published DfE and Ofsted files in ``data/public``, and
``cells`` (text cells made safe to open in a spreadsheet).

May import: ``qa_core.store``, ``qa_core.rules``, ``qa_core.roles`` and ``qa_core.errors``;
never views or Streamlit.
"""
