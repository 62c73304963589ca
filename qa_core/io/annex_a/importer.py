"""The import kind ``annex_a``: an Ofsted Annex A workbook in, the clinic's measures and the children's
(pseudonymised) records behind them out, all or nothing, in the importer's one transaction.

``read`` (``reader.read_annex_a``) checks the workbook; ``prepare`` matches the Allocated Teams to the
store's teams, pseudonymises the children, works out the months covered and the measures
(``measures.derive``); ``load`` compares them with what the store holds and writes:

- the measures' monthly values per team into ``indicator_value`` (the catalogue rows of the AA_ codes
  are added the first time, with links to the services whose teams they count; a council's own edits to
  those rows are never overwritten);
- the records counted (``annex_a_record``) and which number counts which record (``annex_a_count``);
- the 'Not allocated to a team (Annex A)' service and team, the first time a row needs them;
- published comparators (DfE LAIT: the statistical neighbours' median, region and England) for the AA_
  codes DfE publishes, for the store's benchmark LA, when the store holds none for them yet.

**What a re-submission replaces**: for each measure the workbook gives, the months it gives it for
(``measures``: its whole months; the status measures, its last month), wholly: every team's figure, and
the records behind them. Other measures and other months are kept. Loading the same workbook again
changes nothing (every value "unchanged": same figures, same records behind them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
from pydantic import BaseModel

from qa_core.errors import QAError
from qa_core.io.annex_a.catalogue import (
    CODES,
    MEASURES,
    UNALLOCATED_NAME,
    UNALLOCATED_SERVICE,
    UNALLOCATED_TEAM,
    indicator_rows,
)
from qa_core.io.annex_a.measures import covered_months, derive
from qa_core.io.annex_a.privacy import PseudonymKey, birth_month, load_key, pseudonymise
from qa_core.io.annex_a.reader import Book, read_annex_a
from qa_core.io.annex_a.spec import LISTS
from qa_core.io.importer.formats import to_xlsx_bytes
from qa_core.io.importer.kinds.base import (
    ColumnDoc,
    KindSpec,
    Outcome,
    Prepared,
    Step,
    changes,
    merge_counts,
    month_label,
    plural,
    scope_messages,
    totals,
)
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Context, Lookup
from qa_core.store import Store

__all__ = ["KIND", "Built", "build", "prepare", "load", "export", "template", "record_ids", "comparator_frame"]

_DIGEST = (
    "md5(string_agg(record_id || ':' || coalesce(CAST(met AS VARCHAR), '-') || ':' || "
    "coalesce(CAST(working_days AS VARCHAR), '-'), ',' ORDER BY record_id))"
)


class AnnexAColumns(BaseModel):
    """An Annex A has no single row format: ``KIND.docs`` lists the sheets and columns read."""


_EXAMPLES = {
    "id": "9212044",
    "date": "16/09/2026",
    "yes_no": "a) Yes",
    "nfa": "b) No",
    "count": "0",
    "team": "MASH Team A",
    "worker": "(a staff name)",
    "in_touch": "a) Yes",
    "suitability": "a) Suitable",
    "activity": "F1: Full time in higher education",
}


def _docs() -> tuple[ColumnDoc, ...]:
    docs = []
    for spec in LISTS.values():
        for column in spec.columns:
            meaning = column.meaning or (
                "A date, checked (formulas worked out or refused)." if column.kind == "date" else ""
            )
            if spec.number == 1 and column.key == "contact_date":
                meaning += " " + spec.notes
            if not spec.measured:
                meaning = (meaning + " No measure uses this list yet: its dates are checked.").strip()
            docs.append(
                ColumnDoc(f"{spec.sheet}: {column.header}", column.required, meaning.strip(), _EXAMPLES[column.kind])
            )
    return tuple(docs)


# -- prepare -----------------------------------------------------------------------------------
def _teams(book: Book, lookup: Lookup) -> dict[int, pd.Series]:
    """Each list's team ids: the Allocated Team matched to the store's teams (blank: the bucket)."""
    out: dict[int, pd.Series] = {}
    for number, data in book.lists.items():
        f = data.frame
        if "team" not in f:
            if LISTS[number].measured and number != 1 and len(f):
                book.warnings.append(
                    f"{data.sheet} has no Allocated Team column: its {len(f):,} rows are counted "
                    f"as '{UNALLOCATED_NAME}'."
                )
            out[number] = pd.Series(UNALLOCATED_TEAM, index=f.index, dtype="object")
            continue
        resolved: dict[str, str | ValueError] = {}
        ids = []
        for row, name in zip(f["row"].tolist(), f["team"].tolist(), strict=True):
            if name is None:
                ids.append(UNALLOCATED_TEAM)
                continue
            if name not in resolved:
                try:
                    resolved[name] = lookup.resolve(name)
                except ValueError as exc:
                    resolved[name] = exc
            found = resolved[name]
            if isinstance(found, ValueError):
                why = (
                    f"{found} Annex A teams are matched to the dashboard's teams by name or id (spaces at either "
                    "end and case do not matter): add the team to the store, or correct its name here."
                )
                book.add(data.sheet, row, data.header("team"), why)
                ids.append(None)
            else:
                ids.append(found)
        out[number] = pd.Series(ids, index=f.index, dtype="object")
    return out


def record_ids(records: pd.DataFrame) -> list[str]:
    """A record's id: a hash of everything stored about it (and which repeat it is of an identical row), so
    the same record loaded again has the same id, and a changed one a new id."""
    columns = [
        "list_no",
        "child",
        "birth_month",
        "team_id",
        "worker",
        "start_date",
        "end_date",
        "review_date",
        "answer",
    ]
    keys = records[columns[0]].astype("string").fillna("")
    for column in columns[1:]:
        keys = keys + "|" + records[column].astype("string").fillna("")
    repeat = keys.groupby(keys).cumcount().astype(str)
    return [hashlib.sha256(f"{k}|{r}".encode()).hexdigest()[:24] for k, r in zip(keys, repeat, strict=True)]


@dataclass
class Built:
    """What a workbook gives the store: the measures, the records behind them, and what to say about them."""

    values: pd.DataFrame
    counts: pd.DataFrame  # with record_id
    records: pd.DataFrame  # with record_id
    scope: pd.DataFrame
    months: list[dt.date]
    spans: pd.DataFrame  # period, first_day, last_day
    notes: list[str] = field(default_factory=list)


def build(
    book: Book, lookup: Lookup, key: PseudonymKey, held_spans: dict[dt.date, tuple[dt.date, dt.date]] | None = None
) -> Built | None:
    """Match teams, pseudonymise, work out the months and the measures; None (problems in ``book``) if it
    cannot. ``held_spans``: the days of each month the store holds figures from (``annex_a_month``)."""
    teams = _teams(book, lookup)
    if not book.ok:
        return None
    lists: dict[int, pd.DataFrame] = {}
    for number, data in book.lists.items():
        if not LISTS[number].measured:
            continue
        f = data.frame.copy()
        f["team_id"] = teams[number]
        f["child"] = pseudonymise(f["child_id"].tolist(), key)
        f["birth_month"] = birth_month(f["birth_date"]) if "birth_date" in f else pd.NaT
        lists[number] = f.drop(columns=["child_id", "birth_date", "team"], errors="ignore")
    coverage = covered_months(lists)
    if not coverage.months:
        book.add(
            None,
            None,
            None,
            (
                "The workbook has no contacts (List 1) or referrals (List 3), so the months it covers cannot be told: "
                "an Annex A's contacts and referrals are the events of its window. Load a workbook with List 1 or "
                "List 3."
            ),
        )
        return None
    notes = list(coverage.left_out)
    for month in list(coverage.partial):  # part of a month never replaces more of it held from an earlier load
        first, last = coverage.span(month)
        held = (held_spans or {}).get(month)
        if held and not (first <= held[0] and held[1] <= last):
            coverage.months.remove(month)
            notes.append(
                f"{month_label(month)} is left out: the store holds its figures from {held[0]:%d %B} to "
                f"{held[1]:%d %B %Y}, more of the month than this workbook reaches, and part of a month "
                "never replaces more of it."
            )
    if not coverage.months:
        book.add(
            None,
            None,
            None,
            "Every month this workbook reaches is held already for more of the month than "
            "it covers, so it would change nothing: " + " ".join(notes),
        )
        return None
    derived = derive(lists, coverage.months)
    records = derived.records.copy()
    records.insert(0, "record_id", record_ids(records))
    counts = derived.counts.merge(records[["list_no", "row", "record_id"]], on=["list_no", "row"], how="left")
    spans = pd.DataFrame(
        {
            "period": coverage.months,
            "first_day": [coverage.span(m)[0] for m in coverage.months],
            "last_day": [coverage.span(m)[1] for m in coverage.months],
        }
    )
    notes += _unallocated_lines(teams) + derived.not_given
    return Built(
        values=derived.values,
        counts=counts[["code", "period", "team_id", "record_id", "met", "working_days"]],
        records=records.drop(columns=["row"]),
        scope=derived.scope,
        months=coverage.months,
        spans=spans,
        notes=notes,
    )


def prepare(book: Book, ctx: Context) -> Prepared | None:
    store = getattr(ctx, "store", None)
    holds = bool(ctx.query("SELECT count(*) AS n FROM annex_a_record")["n"].iloc[0])
    try:
        key = load_key(store, store.path if store is not None else ":memory:", holds)
    except QAError as exc:
        _teams(book, ctx.lookup("team"))  # every unknown team is named too, so one correction does
        book.add(None, None, None, str(exc))
        return None
    held = ctx.query("SELECT period, first_day, last_day FROM annex_a_month")
    spans = {
        pd.Timestamp(r.period).date(): (pd.Timestamp(r.first_day).date(), pd.Timestamp(r.last_day).date())
        for r in held.itertuples()
    }
    built = build(book, ctx.lookup("team"), key, spans)
    if built is None:
        return None
    staged = {
        "_aa_value": pa.Table.from_pandas(built.values, preserve_index=False, schema=_VALUE_SCHEMA),
        "_aa_count": pa.Table.from_pandas(built.counts, preserve_index=False, schema=_COUNT_SCHEMA),
        "_aa_record": _record_table(built.records),
        "_aa_scope": pa.Table.from_pandas(built.scope, preserve_index=False, schema=_SCOPE_SCHEMA),
        "_aa_month": pa.Table.from_pandas(built.spans, preserve_index=False, schema=_MONTH_SCHEMA),
    }
    info = {"key": key, "notes": built.notes, "lists": _list_lines(book), "months": built.months}
    return Prepared(rows=book.n, staged=staged, info=info)


_VALUE_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("period", pa.date32()),
        ("team_id", pa.string()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("value", pa.float64()),
    ]
)
_COUNT_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("period", pa.date32()),
        ("team_id", pa.string()),
        ("record_id", pa.string()),
        ("met", pa.bool_()),
        ("working_days", pa.int32()),
    ]
)
_SCOPE_SCHEMA = pa.schema([("code", pa.string()), ("period", pa.date32())])
_MONTH_SCHEMA = pa.schema([("period", pa.date32()), ("first_day", pa.date32()), ("last_day", pa.date32())])


def _record_table(records: pd.DataFrame) -> pa.Table:
    frame = records.copy()
    for column in ("birth_month", "start_date", "end_date", "review_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["worker"] = frame["worker"].astype("object").where(frame["worker"].notna(), None)
    frame["answer"] = frame["answer"].astype("object").where(frame["answer"].notna(), None)
    return pa.Table.from_pandas(
        frame,
        preserve_index=False,
        schema=pa.schema(
            [
                ("record_id", pa.string()),
                ("list_no", pa.int8()),
                ("child", pa.string()),
                ("birth_month", pa.date32()),
                ("team_id", pa.string()),
                ("worker", pa.string()),
                ("start_date", pa.date32()),
                ("end_date", pa.date32()),
                ("review_date", pa.date32()),
                ("answer", pa.string()),
            ]
        ),
    )


def _list_lines(book: Book) -> list[str]:
    read = [
        f"{LISTS[n].sheet} ({LISTS[n].title[0].lower() + LISTS[n].title[1:]}): {plural(d.rows, 'row')}"
        for n, d in sorted(book.lists.items())
    ]
    missing = [LISTS[n].sheet for n in LISTS if n not in book.lists]
    lines = ["Read " + "; ".join(read) + "."]
    if missing:
        lines.append("Not in the workbook: " + ", ".join(missing) + ".")
    unused = [LISTS[n].sheet for n in sorted(book.lists) if not LISTS[n].measured]
    if unused:
        lines.append(f"No measure uses {', '.join(unused)} yet: their dates were checked.")
    return lines


def _unallocated_lines(teams: dict[int, pd.Series]) -> list[str]:
    parts = [
        f"{LISTS[n].sheet}: {plural(int((ids == UNALLOCATED_TEAM).sum()), 'row')}"
        for n, ids in sorted(teams.items())
        if LISTS[n].measured and (ids == UNALLOCATED_TEAM).any()
    ]
    if not parts:
        return []
    return [
        f"Rows with no Allocated Team are counted as '{UNALLOCATED_NAME}' (in the council's figures, and listed "
        f"as a service and team of that name): {'; '.join(parts)}. List 1 has no team column."
    ]


# -- load --------------------------------------------------------------------------------------
def _statuses(cur: Any) -> pd.DataFrame:
    """Per month: the staged values added, replaced (other figures, or other records behind the same
    figures) and unchanged."""
    return cur.execute(f"""
        WITH nd AS (SELECT code, period, team_id, {_DIGEST} AS digest FROM _aa_count GROUP BY ALL),
             hd AS (SELECT code, period, team_id, {_DIGEST} AS digest FROM annex_a_count
                    WHERE (code, period) IN (SELECT code, period FROM _aa_scope) GROUP BY ALL),
             s AS (
                SELECT n.period, CASE
                    WHEN t.code IS NULL THEN 'added'
                    WHEN n.numerator IS NOT DISTINCT FROM t.numerator AND n.denominator IS NOT DISTINCT FROM
                         t.denominator AND n.value IS NOT DISTINCT FROM t.value AND
                         nd.digest IS NOT DISTINCT FROM hd.digest THEN 'unchanged'
                    ELSE 'replaced' END AS status
                FROM _aa_value n
                LEFT JOIN indicator_value t USING (code, period, team_id)
                LEFT JOIN nd USING (code, period, team_id)
                LEFT JOIN hd USING (code, period, team_id))
        SELECT period, count(*) FILTER (WHERE status = 'added') AS added,
               count(*) FILTER (WHERE status = 'replaced') AS replaced,
               count(*) FILTER (WHERE status = 'unchanged') AS unchanged, count(*) AS rows
        FROM s GROUP BY period
    """).df()


def _removed(cur: Any) -> pd.DataFrame:
    return cur.execute("""
        SELECT period, count(*) AS removed FROM indicator_value v
        WHERE (code, period) IN (SELECT code, period FROM _aa_scope)
          AND NOT EXISTS (SELECT 1 FROM _aa_value n WHERE n.code = v.code AND n.period = v.period
                          AND n.team_id = v.team_id)
        GROUP BY period
    """).df()


def _comparator_codes(cur: Any) -> tuple[list[str], str | None]:
    """AA_ codes DfE publishes that hold no comparator yet, and the store's benchmark LA (old code)."""
    published = [m["code"] for m in MEASURES if m.get("published")]
    held = set(
        cur.execute(
            "SELECT DISTINCT code FROM comparator WHERE code IN (SELECT unnest($codes))", {"codes": published}
        ).df()["code"]
    )
    rows = cur.execute("SELECT value FROM setting WHERE key = 'benchmark_la'").fetchall()
    la = rows[0][0] if rows and rows[0][0] and str(rows[0][0]).strip().isdigit() else None
    return [c for c in published if c not in held], la


def comparator_frame(codes: list[str], la_code: int) -> pd.DataFrame:
    """``comparator`` rows for the AA_ ``codes`` from DfE LAIT (shipped in data/public) for the LA ``la_code``."""
    from qa_core.io.published import comparators_for, load_lait, load_sn_model

    mapping = {m["published"]: m["code"] for m in MEASURES if m["code"] in codes and m.get("published")}
    long = comparators_for(load_lait(measures=list(mapping)), load_sn_model(), la_code)
    long = long[long["value"].notna()]
    return pd.DataFrame(
        {
            "code": long["measure_short"].map(mapping),
            "period": long["year"].astype(str),
            "comparator": long["comparator"],
            "value": long["value"].astype(float),
            "symbol": None,
            "n_used": long["n_used"].astype("int64"),
            "source": "DfE LAIT (Open Government Licence v3.0)",
        }
    )


def load(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    frame = merge_counts([_statuses(cur)], [_removed(cur)], ["period"])
    frame = frame.sort_values("period")
    outcome = totals(frame)
    info = prep.info
    messages = [*info["lists"]]
    months = info["months"]
    messages.append(
        "Months given: "
        + (f"{month_label(months[0])} to {month_label(months[-1])}" if len(months) > 1 else month_label(months[0]))
        + " (the status measures: "
        + f"{month_label(months[-1])} only)."
    )
    messages += info["notes"]
    messages += scope_messages(frame, lambda r: f"{month_label(r['period'])} Annex A measures", noun="values")
    key: PseudonymKey = info["key"]
    if key.warning:
        messages.append(key.warning)
    missing, la = _comparator_codes(cur)
    step("writing the Annex A measures and records")
    if write and changes(outcome):
        _write(cur, ctx)
        if missing and la is not None:
            comparators = comparator_frame(missing, int(la))
            if not comparators.empty:
                cur.register("_aa_comparator", comparators)
                cur.execute("INSERT INTO comparator BY NAME SELECT * FROM _aa_comparator")
                messages.append(
                    f"Published comparators (DfE LAIT: LA {la}'s statistical neighbours, region and "
                    f"England) added for {', '.join(sorted(set(comparators['code'])))}."
                )
        if saved := key.save():
            messages.append(saved)
    elif missing and la is not None and changes(outcome):
        messages.append(f"Published comparators (DfE LAIT, LA {la}) would be added for {', '.join(missing)}.")
    if missing and la is None:
        messages.append(
            f"DfE publishes {', '.join(missing)} too, but this store does not say which LA the council "
            "is (the setting benchmark_la), so the clinic shows no neighbours or England beside them yet."
        )
    outcome.messages = messages
    return outcome


def _write(cur: Any, ctx: Context) -> None:
    """Everything, in the import's transaction: the bucket, the catalogue rows, values, counts, records."""
    needs_bucket = cur.execute("SELECT count(*) FROM _aa_value WHERE team_id = ?", [UNALLOCATED_TEAM]).fetchall()[0][0]
    has_bucket = cur.execute("SELECT count(*) FROM team WHERE team_id = ?", [UNALLOCATED_TEAM]).fetchall()[0][0]
    if needs_bucket and not has_bucket:
        if not cur.execute("SELECT count(*) FROM service WHERE service_id = ?", [UNALLOCATED_SERVICE]).fetchall()[0][0]:
            order = cur.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM service").fetchall()[0][0]
            cur.execute(
                "INSERT INTO service (service_id, name, sort_order) VALUES (?, ?, ?)",
                [UNALLOCATED_SERVICE, UNALLOCATED_NAME, int(order)],
            )
        cur.execute(
            "INSERT INTO team (team_id, service_id, name) VALUES (?, ?, ?)",
            [UNALLOCATED_TEAM, UNALLOCATED_SERVICE, UNALLOCATED_NAME],
        )
    cur.register("_aa_indicator", pd.DataFrame(indicator_rows()))
    cur.execute(
        "INSERT INTO indicator BY NAME SELECT * FROM _aa_indicator n "
        "WHERE NOT EXISTS (SELECT 1 FROM indicator i WHERE i.code = n.code)"
    )
    cur.execute("""
        INSERT INTO indicator_service (code, service_id)
        SELECT DISTINCT v.code, t.service_id FROM _aa_value v JOIN team t USING (team_id)
        WHERE NOT EXISTS (SELECT 1 FROM indicator_service x WHERE x.code = v.code AND x.service_id = t.service_id)
    """)
    Merge(
        "indicator_value",
        "_aa_value",
        ["code", "period", "team_id"],
        ["numerator", "denominator", "value"],
        scope=["code", "period"],
        scope_from="_aa_scope",
    ).apply(cur)
    cur.execute("DELETE FROM annex_a_count WHERE (code, period) IN (SELECT code, period FROM _aa_scope)")
    cur.execute("INSERT INTO annex_a_count BY NAME SELECT * FROM _aa_count")
    cur.execute(
        "INSERT INTO annex_a_record BY NAME SELECT * FROM _aa_record n "
        "WHERE NOT EXISTS (SELECT 1 FROM annex_a_record r WHERE r.record_id = n.record_id)"
    )
    cur.execute(
        "DELETE FROM annex_a_record r WHERE NOT EXISTS (SELECT 1 FROM annex_a_count c WHERE c.record_id = r.record_id)"
    )
    Merge("annex_a_month", "_aa_month", ["period"], ["first_day", "last_day"]).apply(cur)


# -- export and template -----------------------------------------------------------------------
def export(store: Store) -> pd.DataFrame:
    """The measures an Annex A gave, in the ``values`` format (the records behind them are not exported:
    the council's own workbook is their source, and they are case-level detail)."""
    return store.query(
        """
        SELECT v.code, strftime(v.period, '%Y-%m') AS period, v.team_id AS org_unit,
               v.numerator, v.denominator, v.value
        FROM indicator_value v JOIN indicator i USING (code)
        WHERE v.code IN (SELECT unnest($codes))
        ORDER BY v.period, v.team_id, i.sort_order, v.code
        """,
        {"codes": list(CODES)},
    )


def template() -> dict[str, bytes]:
    """``annex_a.xlsx``: the sheets List 1 to List 11 with the headers read (an Annex A has more: they are
    not read), and a ``columns`` sheet saying what each is."""
    sheets = [(spec.sheet, pd.DataFrame(columns=[c.header for c in spec.columns])) for spec in LISTS.values()]
    docs = pd.DataFrame(
        [
            {"column": d.name, "required": "yes" if d.required else "no", "meaning": d.meaning, "example": d.example}
            for d in _docs()
        ]
    )
    return {"annex_a.xlsx": to_xlsx_bytes([*sheets, ("columns", docs)], widths={"meaning": 90, "column": 40})}


KIND = KindSpec(
    name="annex_a",
    title="Ofsted Annex A workbook",
    summary="Ofsted's Annex A, the child-level lists inspectors ask for (sheets List 1 to List 11, as Ofsted lays "
    "them out), read whole. The clinic's Annex A measures are worked out from it per month and Allocated "
    "Team (codes AA_..., defined in the indicator catalogue), with the children's records behind each "
    "number. Children's identifiers are replaced by a keyed hash, dates of birth kept as month and year, "
    "and no child's name is read. Dates may be Excel dates, serial numbers or text (31/10/2026); coded "
    "answers with or without their letter (a) Yes or Yes); formulas are read from the values Excel "
    "stored, or worked out when they are arithmetic such as =H2+5, or refused.",
    model=AnnexAColumns,
    tables=("indicator_value", "annex_a_record", "annex_a_count", "annex_a_month"),
    key="measure, month and team (each value); a child's record by everything stored about it",
    replaces="For each measure the workbook gives, the months it gives it for are replaced wholly: every team's "
    "figure and the children's records behind them. A workbook's months are the whole months from its "
    "first to its last contact or referral (a month it only partly reaches is left out, so a rolling "
    "six-month Annex A never replaces a whole month with part of one); the status measures (children in "
    "care, care leavers) are given for its last month only. Other measures and months are kept.",
    prepare=prepare,
    load=load,
    export=export,
    needs="the teams (Allocated Team names are matched to them)",
    read=read_annex_a,
    docs=_docs(),
    template=template,
)
