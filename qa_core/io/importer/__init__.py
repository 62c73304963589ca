"""Import and export of the dashboard's data: CSV or XLSX files in, the store's rows out.

Kinds (``KINDS``): services, teams, staff, expectations, exemptions (the organisation),
indicators, values, comparators, audits, audit_actions, plan, risks, risk_matrix, commentary,
process_changes (and annex_a, Ofsted's workbook). Each has a
documented format (``KINDS[kind].columns``) and a template in ``data/templates/``; ``LOAD_ORDER``
is the order a new council loads them in.

>>> from qa_core.store import Store
>>> store = Store(":memory:")
>>> result = validate_file(store, "values", b"code,period\\n")
>>> result.ok, result.problems[0].column
(False, 'org_unit')

Public API (no Streamlit here):

* ``import_file(store, kind, source, filename=None, user=None, dry_run=False, progress=None, stage=None,
  replace=False)`` → ``ImportResult``; raises ``ImportRejected`` (a ``QAError``) with every ``Problem``.
  ``replace``: the file is the whole set of its kind (``KINDS[kind].replace_all`` says what that
  removes; refused for a kind without one).
* ``validate_file(store, kind, source, ...)`` → ``ImportResult`` (never writes, never raises for the file).
* ``export_kind(store, kind, fmt)`` → bytes (``fmt`` csv or xlsx); ``export_frame(store, kind)``.
* ``import_history(store, limit)`` → the import log, newest first.
* ``KINDS[kind].columns`` → the documented columns (name, required, meaning, example);
  ``template_files(kind)`` → the template's CSV and XLSX bytes; ``TEMPLATE_DIR`` where they ship.
"""

from __future__ import annotations

from qa_core.io.importer.export import FORMATS, export_frame, export_kind
from qa_core.io.importer.kinds import KINDS, LOAD_ORDER, ColumnDoc, KindSpec
from qa_core.io.importer.load import import_file, import_history, validate_file
from qa_core.io.importer.result import ImportRejected, ImportResult, Problem
from qa_core.io.importer.templates import TEMPLATE_DIR, template_files

__all__ = [
    "KINDS", "LOAD_ORDER", "FORMATS", "ColumnDoc", "KindSpec", "ImportRejected", "ImportResult", "Problem",
    "import_file", "validate_file", "export_kind", "export_frame", "import_history", "TEMPLATE_DIR",
    "template_files",
]
