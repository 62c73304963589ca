"""Plotly figure builders, one module per family: ``palette`` (colours, contrast), ``spc``,
``audits``, ``rag``, ``risks``, ``teams``, ``scrutiny``, ``benchmarks``. Each takes the frames
a page already has and returns a figure; stored text in a figure goes through ``ui.safe.plain``."""
