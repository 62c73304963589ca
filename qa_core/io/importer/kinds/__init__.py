"""The kinds of file the importer reads, in the order a new council would load them."""

from __future__ import annotations

from qa_core.io.importer.kinds import (
    annex_a,
    audits,
    catalogue,
    commentary,
    org,
    plan,
    process_changes,
    programme,
    risks,
    staff,
)
from qa_core.io.importer.kinds.base import ColumnDoc, KindSpec

__all__ = ["KINDS", "KindSpec", "ColumnDoc", "LOAD_ORDER"]

_ALL = [*org.KINDS, *staff.KINDS, *catalogue.KINDS, *programme.KINDS, *audits.KINDS, *plan.KINDS, *risks.KINDS,
        *commentary.KINDS, *process_changes.KINDS, *annex_a.KINDS]
#: Every kind by name. ``LOAD_ORDER`` is the order to load a new store in (each needs the ones before); a kind
#: not in it (annex_a, a council's own Annex A) is loaded whenever wanted, once the teams are in.
KINDS: dict[str, KindSpec] = {k.name: k for k in _ALL}
LOAD_ORDER: tuple[str, ...] = ("services", "teams", "staff", "expectations", "exemptions", "indicators", "values",
                               "comparators", "audit_tools", "audit_themes", "audit_targets", "audits",
                               "audit_actions", "audit_escalations", "plan", "risk_matrix", "risks", "commentary",
                               "process_changes")
