"""What a store holds, and what is missing before each page can work: ``python -m qa_core status``
and the Data page's readiness section. Read-only and quick: a count and a range per table, the
import log's latest import per kind, and a few checks of the organisation.

>>> from qa_core.store import Store
>>> with Store(":memory:") as empty:
...     ready = readiness(empty)
>>> ready.kinds.loc[ready.kinds["kind"] == "staff", "rows"].item()
0
>>> bool(ready.pages.set_index("page").loc["audits", "ready"])
False
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from qa_core.pages import page
from qa_core.rules import periods
from qa_core.store import Store, queries

__all__ = ["HELD", "Readiness", "completion_gaps", "readiness", "status_text", "status_json"]

#: What each import kind fills: (kind, title, its main table, SQL for the months or quarters it covers).
#: tests/unit/test_readiness.py keeps this in step with the importer's registry of kinds.
HELD: tuple[tuple[str, str, str, str | None], ...] = (
    ("services", "Services", "service", None),
    ("teams", "Teams", "team", None),
    ("staff", "Staff", "staff", None),
    ("expectations", "Audit expectations", "audit_expectation_rule", None),
    ("exemptions", "Audit exemptions", "audit_exemption", "strftime(month, '%Y-%m')"),
    ("indicators", "Indicator catalogue", "indicator", None),
    ("values", "Monthly indicator values", "indicator_value", "strftime(period, '%Y-%m')"),
    ("comparators", "Published comparators", "comparator", "period"),
    ("audit_tools", "Audit tools", "audit_tool", None),
    ("audit_themes", "Thematic audit plan", "audit_theme_plan", "strftime(month, '%Y-%m')"),
    ("audit_targets", "Audit programme targets", "audit_target", None),
    ("audits", "Case-file audits", "audit", "strftime(audit_date, '%Y-%m')"),
    ("audit_actions", "Audit actions", "audit_action", None),
    ("audit_escalations", "Escalation records", "audit_escalation", None),
    ("plan", "Improvement plan", "plan_area", None),
    ("risk_matrix", "Risk scoring matrix", "risk_matrix", None),
    ("risks", "Risk register", "risk_review", "quarter"),
    ("commentary", "Commentary", "commentary", "strftime(period, '%Y-%m')"),
    ("process_changes", "SPC process changes", "spc_process_change", "strftime(month, '%Y-%m')"),
)


@dataclass
class Readiness:
    """``kinds``: kind, title, rows, first, last (months or quarters covered), last_import, last_by;
    ``pages``: page, title, ready, missing (what stops it, joined), advice (what it shows less for);
    ``council``, ``la`` (the LA it is compared as), ``demo``; ``notes`` on the organisation."""

    council: str
    la: str | None
    demo: bool
    kinds: pd.DataFrame
    pages: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _count(store: Store, table: str) -> int:
    return int(store.scalar(f'SELECT count(*) FROM "{table}"') or 0)


def _kinds(store: Store) -> pd.DataFrame:
    log = store.query(
        "SELECT kind, max(imported_at) AS last_import, arg_max(user_name, imported_at) AS last_by "
        "FROM import_log WHERE status = 'imported' GROUP BY kind"
    )
    last = {k: (t, u) for k, t, u in log.itertuples(index=False)}
    rows = []
    for kind, title, table, span in HELD:
        first = final = None
        if span:
            found = store.query(f'SELECT min({span}) AS a, max({span}) AS b FROM "{table}"')
            first, final = found["a"].iloc[0], found["b"].iloc[0]
        when, who = last.get(kind, (None, None))
        rows.append(
            dict(
                kind=kind,
                title=title,
                rows=_count(store, table),
                first=None if pd.isna(first) else str(first),
                last=None if pd.isna(final) else str(final),
                last_import=None if when is None or pd.isna(when) else pd.Timestamp(when).strftime("%Y-%m-%d %H:%M"),
                last_by=who,
            )
        )
    return pd.DataFrame(rows)


def _missing(store: Store, held: dict[str, int]) -> dict[str, list[str]]:
    """The sentences saying what each page lacks (an empty list: the page can work)."""
    out: dict[str, list[str]] = {}
    values, audits = held["values"], held["audits"]
    linked = _count(store, "indicator_service")
    out["home"] = [] if values else ["no monthly values: there is nothing to show (import 'values')"]
    out["clinic"] = [
        m
        for m, bad in (
            ("no services (import 'services')", not held["services"]),
            (
                "no indicators linked to a service: a clinic has no measures (the indicators file's 'services' column)",
                not linked,
            ),
            ("no monthly values (import 'values')", not values),
        )
        if bad
    ]
    out["rag"] = [] if held["plan"] else ["no improvement plan (import 'plan')"]
    completion = completion_gaps(store, held)
    out["audits"] = (["no audits (import 'audits')"] if not audits else []) + completion
    out["risks"] = [] if held["risks"] else ["no risk reviews (import 'risks')"]
    out["teams"] = [
        m
        for m, bad in (
            ("no teams (import 'teams')", not held["teams"]),
            ("no monthly values (import 'values')", not values),
        )
        if bad
    ] + completion
    out["scrutiny"] = [] if values else ["no monthly values: the report card has no quarters (import 'values')"]
    published = _count(store, "published_value")
    out["benchmarks"] = [
        m
        for m, bad in (
            ("no published figures (create the store with `python -m qa_core init`, which loads them)", not published),
            ("no LA to compare as: give `init --la CODE` (DfE's LA code)", not store.setting("benchmark_la")),
        )
        if bad
    ]
    out["data"] = []
    out["accessibility"] = []
    return out


def _advice(held: dict[str, int]) -> dict[str, list[str]]:
    """What a page can do without, but shows less for (the page works)."""
    return {
        "risks": []
        if held["risk_matrix"]
        else ["no risk matrix of your own: scores use the standard 5x5 (import 'risk_matrix')"],
        "scrutiny": []
        if held["comparators"]
        else ["no published comparators: the neighbours' and England columns are empty (import 'comparators')"],
    }


def completion_gaps(store: Store, held: dict[str, int] | None = None) -> list[str]:
    """Why completion against expectation cannot be shown (or is partly empty): no staff, no auditor,
    no rules, nobody with a rule in the latest month, audits that match nobody."""
    if held is None:
        held = {k: _count(store, table) for k, _, table, _ in HELD}
    gaps = []
    auditors = int(store.scalar("SELECT count(*) FROM staff WHERE auditor") or 0)
    if not held["staff"]:
        gaps.append("no staff: completion against expectation cannot be shown (import 'staff')")
    elif not auditors:
        gaps.append("no staff marked auditor = yes: completion cannot be shown")
    if not held["expectations"]:
        gaps.append("no expectations: completion cannot be shown (import 'expectations')")
    month = periods.default_month(queries.months(store))  # the month the pages open on
    if month is not None and held["staff"] and held["expectations"]:
        people = len(queries.completion_roster(store, month))
        if not people:
            gaps.append(f"no auditor has an expectation rule for {month:%B %Y}: completion that month is empty")
        unmatched = int(
            store.scalar(
                f"WITH {queries.AUDIT_STAFF_SQL} SELECT count(*) FROM audit_staff WHERE staff_id IS NULL",
                {"start": month, "stop": periods.next_month(month)},
            )
            or 0
        )
        if unmatched:
            gaps.append(
                f"{unmatched:,} audit{'s' if unmatched != 1 else ''} in {month:%B %Y} match nobody on the "
                "staff list: they count towards no one's expectation (see the audits import's report)"
            )
    return gaps


def _org_notes(store: Store) -> list[str]:
    notes = []
    heads = store.query(
        "SELECT s.name, s.head_staff_id FROM service s WHERE s.head_staff_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM staff p WHERE p.staff_id = s.head_staff_id) ORDER BY 1"
    )
    for name, sid in heads.itertuples(index=False):
        notes.append(f"The head of service of {name} ({sid}) is not on the staff list.")
    managers = store.query(
        "SELECT t.name, t.manager_staff_id FROM team t WHERE t.manager_staff_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM staff p WHERE p.staff_id = t.manager_staff_id) ORDER BY 1"
    )
    for name, sid in managers.itertuples(index=False):
        notes.append(f"The manager of {name} ({sid}) is not on the staff list.")
    return notes


def readiness(store: Store) -> Readiness:
    """What ``store`` holds (rows, months covered and the last import of each kind) and what each
    page still lacks. Only reads."""
    kinds = _kinds(store)
    held = dict(zip(kinds["kind"], kinds["rows"], strict=True))
    missing = _missing(store, held)
    advice = _advice(held)
    pages = pd.DataFrame(
        [
            dict(
                page=key,
                title=page(key).title,
                ready=not gaps,
                missing="; ".join(gaps),
                advice="; ".join(advice.get(key, [])),
            )
            for key, gaps in missing.items()
        ]
    )
    demo = store.setting("store_made_by") == "demo"
    return Readiness(
        council=queries.council_name(store),
        la=store.setting("benchmark_la_name"),
        demo=demo,
        kinds=kinds,
        pages=pages,
        notes=_org_notes(store),
    )


def _cell(value: Any) -> str:
    return "-" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def status_text(ready: Readiness, where: str = "") -> str:
    """The plain-text report ``python -m qa_core status`` prints."""
    head = (
        f"{ready.council}"
        + (f" (compared as {ready.la})" if ready.la else "")
        + (", the fictional demo council" if ready.demo else "")
    )
    lines = [f"Store: {where}" if where else "Store", f"Council: {head}", "", "What it holds:"]
    width = max(len(t) for t in ready.kinds["title"])
    lines.append(f"  {'kind'.ljust(width)}  {'rows':>9}  {'covers':<18}  last import")
    for r in ready.kinds.itertuples(index=False):
        first, final = _cell(r.first), _cell(r.last)
        covers = first if first == final else f"{first} to {final}"
        last = "never" if _cell(r.last_import) == "-" else f"{r.last_import} by {_cell(r.last_by)}"
        lines.append(f"  {r.title.ljust(width)}  {r.rows:>9,}  {covers:<18}  {last}")
    lines += ["", "Pages:"]
    width = max(len(t) for t in ready.pages["title"])
    for r in ready.pages.itertuples(index=False):
        lines.append(
            f"  {r.title.ljust(width)}  "
            + ("ready" if r.ready else f"missing: {r.missing}")
            + (f" (also: {r.advice})" if r.advice else "")
        )
    if ready.notes:
        lines += ["", "Notes:", *[f"  {n}" for n in ready.notes]]
    return "\n".join(lines)


def status_json(ready: Readiness, where: str = "") -> str:
    """The same as JSON (``status --format json``)."""

    def records(frame: pd.DataFrame) -> list[dict]:
        return json.loads(frame.to_json(orient="records"))

    return json.dumps(
        {
            "store": where,
            "council": ready.council,
            "compared_as": ready.la,
            "demo": ready.demo,
            "kinds": records(ready.kinds),
            "pages": records(ready.pages),
            "notes": ready.notes,
        },
        indent=2,
    )
