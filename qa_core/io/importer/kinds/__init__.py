"""The kinds of file the importer reads, in the order a new council would load them."""

from __future__ import annotations

from qa_core.io.importer.kinds import audits, catalogue, commentary, plan, process_changes, risks
from qa_core.io.importer.kinds.base import ColumnDoc, KindSpec

__all__ = ["KINDS", "KindSpec", "ColumnDoc", "LOAD_ORDER"]

_ALL = [*catalogue.KINDS, *audits.KINDS, *plan.KINDS, *risks.KINDS, *commentary.KINDS, *process_changes.KINDS]
#: Every kind by name. The order is the order to load a new store in (each needs the ones before).
KINDS: dict[str, KindSpec] = {k.name: k for k in _ALL}
LOAD_ORDER: tuple[str, ...] = ("indicators", "values", "comparators", "audits", "audit_actions", "plan",
                               "risk_matrix", "risks", "commentary", "process_changes")
