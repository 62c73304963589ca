"""Fuzz the importers: every kind, CSV and XLSX, built from good files and then broken.

Whatever arrives, an import ends in one of two ways: a clean import (loading the same file again
changes nothing), or ``ImportRejected`` with problems in plain sentences (no traceback, no
exception class, never the store's own refusal, never the last-resort "could not finish") and
every table exactly as before, the log gaining one 'rejected' row. Files are generated with
hypothesis: headers from the kind's columns plus junk, cells from good values, hostile values
(huge and non-finite numbers, far dates, non-ASCII digits, formulas, control characters, long
text), blank lines, every delimiter, line end and encoding the reader accepts (and some it does
not), truncation, and workbooks with lying sizes, shared strings and two sheets for one kind.

The store is in memory: a small organisation with a little of every kind, rebuilt from saved
tables after a successful import; each table is compared by a count and a sum of row hashes.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa_core.io.importer import KINDS, LOAD_ORDER, ImportRejected, import_file
from qa_core.io.importer.formats import to_xlsx_bytes
from qa_core.store import Store
from tests.unit.raw_xlsx import shared_strings_xml, sheet_xml, workbook
from tests.unit.test_import_support import AUDIT_HEADER, audit_row, csv_bytes, tiny_store

#: What no problem may say: a traceback, an exception's class, the store's own refusal, the last net.
RAW = re.compile(
    r"Traceback|\b[A-Z][A-Za-z]*(Error|Exception)\b|_csv\.|pyarrow|Arrow|store refused"
    r"|could not finish reading"
)

SEEDS: dict[str, list[list[str]]] = {
    "services": [
        ["service_id", "name", "head_of_service", "sort_order"],
        ["assessment", "Assessment", "S2", "2"],
        ["cin", "Children in Need", "", "3"],
    ],
    "teams": [
        ["team_id", "name", "service_id", "manager"],
        ["assessment_01", "Assessment North", "assessment", "S1"],
        ["cin_01", "CIN East", "Children in Need", ""],
    ],
    "staff": [
        ["staff_id", "name", "email", "role", "team_id", "service_id", "auditor", "moderator", "start_date",
         "end_date"],
        ["S1", "Jodie Fenwick", "jodie@example.gov.uk", "team_manager", "Assessment North", "", "yes", "no",
         "01/04/2024", ""],
        ["S2", "Hana Holloway", "", "head_of_service", "", "assessment", "yes", "yes", "", ""],
        ["S3", "Leo Left", "", "team_manager", "assessment_02", "", "yes", "no", "2024-01-01", "15/10/2026"],
    ],
    "expectations": [
        ["role", "audits_per_month", "outside_own_service", "from_month", "to_month"],
        ["team_manager", "4", "no", "", ""],
        ["head_of_service", "1", "yes", "2024-04", ""],
    ],
    "exemptions": [
        ["staff_id", "month", "reason", "approved_by"],
        ["S1", "2026-10", "Sick leave", "Hana Holloway"],
    ],
    "indicators": [
        [
            "code",
            "name",
            "theme",
            "unit",
            "polarity",
            "target",
            "rag_rule",
            "tolerance",
            "levels",
            "aggregation",
            "source",
            "description",
            "sort_order",
            "services",
            "min_denominator",
        ],
        [
            "EXAMPLE_VISITS",
            "Children visited",
            "Quality of plans",
            "%",
            "up",
            "90",
            "tolerance",
            "5",
            "la,service,team",
            "ratio",
            "Case system",
            "Children seen in time",
            "4",
            "front_door; assessment",
            "8",
        ],
        ["EXAMPLE_COUNT", "Open cases", "Demand", "count", "down", "", "none", "", "", "sum", "", "", "", "all", ""],
    ],
    "values": [
        ["code", "period", "org_unit", "numerator", "denominator", "value"],
        ["CONTACT_24H", "2026-10", "MASH Team A", "231", "254", ""],
        ["CONTACT_24H", "2026-10", "Assessment North", "45", "50", ""],
        ["UNALLOC", "2026-10", "assessment_02", "", "", "3"],
        ["ADOPT_DAYS", "2026-09", "MASH Team A", "1500", "3", ""],
    ],
    "comparators": [
        ["code", "period", "comparator", "value", "symbol", "n_used", "source"],
        ["CONTACT_24H", "2026", "statistical_neighbours", "88.5", "", "10", "DfE LAIT"],
        ["ADOPT_DAYS", "2025", "england", "", "c", "", ""],
    ],
    "audit_tools": [
        ["tool_id", "name", "grading", "seq", "item", "tier"],
        ["G", "Generic", "graded", "1", "Chronology", "Tier 1"],
        ["G", "Generic", "graded", "2", "Voice of the child", "Tier 1"],
        ["SUP", "Supervision", "yes_no", "1", "Chronology", "supervision"],
        ["SUP", "Supervision", "yes/no", "2", "Voice of the child", "supervision"],
    ],
    "audit_themes": [
        ["month", "theme", "tool"],
        ["2026-10", "Neglect", "G"],
        ["2026-09", "Exploitation", ""],
    ],
    "audit_targets": [
        ["target", "value", "from_month"],
        ["auditors", "85", "2026-04"],
        ["escalation_working_days", "3", ""],
    ],
    "audits": [
        [*AUDIT_HEADER, "moderated_grade", "case_ref", "tool"],
        [*audit_row("A1"), "", "CR1", ""],
        [*audit_row("A2", date="2026-10-04", grade="Inadequate", voice="4"), "3", "", "Generic"],
        [
            *audit_row("A3", team="MASH Team A", service="front_door", tier="thematic", chronology="", voice=""),
            "",
            "CR3",
            "",
        ],
        [*audit_row("A4", date="30/09/2026", team="assessment_02", grade="RI"), "", "", ""],
        [*audit_row("A5", tier="supervision", grade="", chronology="yes", voice="no"), "", "", "Supervision"],
    ],
    "audit_actions": [
        ["action_id", "audit_id", "description", "owner", "due_date", "completed_date"],
        ["X1", "A1", "Update the chronology", "Aisha Ashdown", "31/12/2026", ""],
        ["X2", "A2", "Visit the child", "", "2027-01-15", "2026-11-30"],
    ],
    "audit_escalations": [
        ["audit_id", "told", "told_name", "told_on", "recorded_by"],
        ["A1", "team_manager", "Jodie Fenwick", "05/10/2026", "QA lead"],
        ["A2", "head_of_service", "", "2026-10-06", ""],
    ],
    "plan": [
        [
            "record",
            "area_id",
            "name",
            "lead",
            "month",
            "rag",
            "priority_id",
            "description",
            "target_date",
            "narrative_kind",
            "seq",
            "text",
        ],
        ["area", "AR1", "Front door", "Priya Salkeld", "", "", "", "", "", "", "", ""],
        ["rag", "AR1", "", "", "2026-10", "Amber", "", "", "", "", "", ""],
        ["priority", "AR1", "", "", "", "", "P1", "Faster decisions", "31/03/2027", "", "", ""],
        ["narrative", "Front door", "", "", "2026-10", "", "", "", "", "progress", "1", "Rose to 91%"],
    ],
    "risk_matrix": [
        ["matrix_id", "name", "kind", "impact", "likelihood", "score", "band"],
        *[
            ["m2", "Two by two", "product", str(i), str(j), str(i * j), "Low" if i * j < 3 else "High"]
            for i in (1, 2)
            for j in (1, 2)
        ],
    ],
    "risks": [
        [
            "risk_ref",
            "quarter",
            "title",
            "service",
            "owner",
            "gross_impact",
            "gross_likelihood",
            "residual_impact",
            "residual_likelihood",
            "target_impact",
            "target_likelihood",
            "reduction_expected",
        ],
        ["R1", "2026/27 Q2", "Practice varies", "Assessment", "Kofi Garside", "5", "Likely", "4", "3", "2", "2", "yes"],
        ["R2", "2026/27 Q2", "Staffing", "", "", "Major", "4", "3", "3", "", "", "no"],
    ],
    "commentary": [
        ["code", "month", "org_unit", "text", "author", "written_at"],
        ["EXAMPLE_VISITS", "2026-10", "Assessment", "Visits rose after the new rota", "Hana Holloway", ""],
        ["EXAMPLE_VISITS", "2026-09", "MASH Team A", "Steady", "Una Upwood", "2026-10-03 09:30"],
    ],
    "process_changes": [
        ["code", "org_unit", "month", "reason", "recorded_by", "recorded_at"],
        ["EXAMPLE_VISITS", "Assessment", "2026-05", "New visiting rota", "Assistant Director", ""],
        ["EXAMPLE_COUNT", "la", "2025-04", "New case system", "Assistant Director", "2025-04-03 10:00"],
    ],
}
#: The comparators kind also reads DfE's LAIT long file, recognised from its header.
LAIT = [
    ["measure_short", "year", "geographic_level", "la_number", "area_name", "value"],
    ["ReReferral", "2024", "Local authority", "356", "Stockport", "21.4"],
    ["ReReferral", "2024", "National", "970", "England", "22.4"],
]

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "-0.5",
    "2.5",
    "1e308",
    "1e12",
    "1000000000001",
    "-1e13",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "1e400",
    "99999999999999999999",
    "2147483647",
    "2147483648",
    "\u0663",
    "\uff13",
    "\u0967\u0968",
    "1,234",
    "9999-12",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "1999-12",
    "2099-Q4",
    "9999-Q4",
    "2026-Q5",
    "2099/00 Q4",
    "9999/00 Q4",
    "2026/28 Q1",
    "Q5 2026/27",
    "31/02/2026",
    "29/02/2028",
    "\uff12\uff10\uff12\uff16-10",
    "=1+1",
    '=HYPERLINK("http://x")',
    "+cmd",
    "@SUM(A1)",
    '"',
    "'",
    ";",
    ",",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "|",
    "\x00",
    "\x07",
    "\ufeff",
    "\u202e",
    "\ufffd",
    "<script>",
    "Good",
    "GOOD",
    "Inadequate",
    "5",
    "Tier 9",
    "MASH Team A",
    "Assessment",
    "la",
    "council",
    "CONTACT_24H",
    "UNALLOC",
    "A1",
    "yes",
    "maybe",
    "Red",
    "Purple",
    "x" * 201,
    "y" * 1001,
    "z" * 10_001,
    "w" * 40_000,
]
ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1", "utf-16-le"]


#: Every good value of each column in the seed files.
GOOD: dict[str, list[str]] = {}
for _rows in [*SEEDS.values(), LAIT]:
    for _row in _rows[1:]:
        for _name, _value in zip(_rows[0], _row, strict=True):
            GOOD.setdefault(_name, []).append(_value)


def cells(good: list[str]) -> st.SearchStrategy[str]:
    texts = st.text(max_size=12)
    dates = st.dates().map(lambda d: d.isoformat() if d.year >= 1000 else f"{d.day}/{d.month}/{d.year}")
    numbers = st.floats(allow_nan=True, allow_infinity=True).map(repr)
    return st.one_of(
        st.sampled_from(good or [""]),
        st.sampled_from(HOSTILE),
        texts,
        dates,
        numbers,
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )


@st.composite
def files(draw: st.DrawFn) -> tuple[str, bytes, str]:
    kind = draw(st.sampled_from(sorted(SEEDS)))
    seed = LAIT if kind == "comparators" and draw(st.booleans()) else SEEDS[kind]
    header, body = list(seed[0]), [list(r) for r in seed[1:]]
    if draw(st.booleans()):  # some of the rows, in any order
        body = [body[i] for i in draw(st.lists(st.integers(0, len(body) - 1), unique=True, max_size=len(body)))]
    body = [list(r) for r in body]
    for _ in range(draw(st.integers(0, 3))):
        how = draw(
            st.sampled_from(
                [
                    "cell",
                    "cell",
                    "cell",
                    "cell",
                    "drop_column",
                    "junk_column",
                    "rename",
                    "duplicate_column",
                    "short_row",
                    "long_row",
                    "blank_row",
                ]
            )
        )
        width = len(header)
        if how == "cell" and body:
            r = draw(st.integers(0, len(body) - 1))
            if body[r]:
                c = draw(st.integers(0, len(body[r]) - 1))
                body[r][c] = draw(cells(GOOD.get(header[c], []) if c < width else []))
        elif how == "drop_column" and width > 1:
            c = draw(st.integers(0, width - 1))
            header.pop(c)
            body = [row[:c] + row[c + 1 :] for row in body]
        elif how == "junk_column":
            header.append(draw(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8))))
            body = [[*row, draw(st.sampled_from(HOSTILE))] for row in body]
        elif how == "rename":
            header[draw(st.integers(0, width - 1))] = draw(
                st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8), st.sampled_from(seed[0]))
            )
        elif how == "duplicate_column" and width:
            c = draw(st.integers(0, width - 1))
            header.append(header[c])
            body = [[*row, row[c] if c < len(row) else ""] for row in body]
        elif how == "short_row" and body:
            body[draw(st.integers(0, len(body) - 1))].pop()
        elif how == "long_row" and body:
            body[draw(st.integers(0, len(body) - 1))].append(draw(st.sampled_from(HOSTILE)))
        elif how == "blank_row":
            body.insert(draw(st.integers(0, len(body))), [""] * width)
    rows = [header, *body]
    form = draw(st.sampled_from(["csv"] * 6 + ["xlsx", "xlsx", "raw_xlsx", "raw_xlsx", "bytes"]))
    if form == "xlsx":
        import pandas as pd

        width = max(len(r) for r in rows)
        names = [str(h) for h in header] + [f"extra{i}" for i in range(width)]
        frame = pd.DataFrame([r + [None] * (width - len(r)) for r in body], columns=names[:width])
        frame = frame.loc[:, ~frame.columns.duplicated()]
        sheets = [(draw(st.sampled_from([kind, kind.upper(), f" {kind} ", "Sheet1"])), frame)]
        if draw(st.booleans()):  # a second sheet: a notes sheet, or another copy of the kind's
            sheets.append((draw(st.sampled_from(["Notes", kind.replace("_", " ").title()])), frame.head(1)))
        return kind, to_xlsx_bytes(sheets), f"{kind}.xlsx"
    if form == "raw_xlsx":
        lie = draw(st.sampled_from([None, "A1:B2", "A1:XFD1048576", "A1", "B3:A1"]))
        strings: list[str] | None = [] if draw(st.booleans()) else None
        typed = [
            [draw(st.sampled_from([v, float(v)])) if re.fullmatch(r"-?\d{1,6}(\.\d+)?", v) else v for v in r]
            for r in rows
        ]
        xml = sheet_xml(typed, dimension=lie, shared=strings)
        return (
            kind,
            workbook([(kind, xml)], shared_strings_xml(strings) if strings is not None else None),
            f"{kind}.xlsx",
        )
    if form == "bytes":
        return kind, draw(st.binary(max_size=300)), draw(st.sampled_from([f"{kind}.csv", f"{kind}.xlsx", "x.pdf"]))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    data = csv_bytes(rows, delimiter=delimiter).decode("utf-8")
    data = data.replace("\r\n", draw(st.sampled_from(["\r\n", "\n", "\r"])))
    encoding = draw(st.sampled_from(ENCODINGS))
    raw = data.encode(encoding, errors="replace")
    if encoding == "utf-16-le" and draw(st.booleans()):
        raw = codecs.BOM_UTF16_LE + raw
    if draw(st.integers(0, 9)) == 0:  # cut short, or a stray byte
        raw = raw[: draw(st.integers(0, len(raw)))] + draw(st.sampled_from([b"", b"\x81", b"\xff", b"\xe9"]))
    return kind, raw, f"{kind}.{draw(st.sampled_from(['csv', 'csv', 'txt', 'tsv']))}"


# -- the store ---------------------------------------------------------------------------------------
def _tables(store: Store) -> list[str]:
    return store.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "AND table_name NOT IN ('import_log', 'schema_migration', 'data_version') ORDER BY 1"
    )["table_name"].tolist()


def state(store: Store, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Each table's row count and sum of row hashes, in one query."""
    sql = " UNION ALL ".join(
        f"SELECT '{t}' AS t, count(*) AS n, coalesce(sum(hash(x)), 0)::VARCHAR AS h FROM \"{t}\" x" for t in tables
    )
    return {r.t: (int(r.n), r.h) for r in store.query(sql).itertuples(index=False)}


class Base:
    """The store under test, and the saved tables it is rebuilt from after a successful import."""

    ORDER = [
        "setting",
        "service",
        "team",
        "indicator",
        "indicator_service",
        "indicator_value",
        "comparator",
        "audit",
        "audit_area_grade",
        "audit_action",
        "plan_area",
        "plan_area_rag",
        "plan_priority",
        "plan_narrative",
        "risk_matrix",
        "risk_matrix_cell",
        "risk",
        "risk_review",
    ]

    def __init__(self) -> None:
        store = tiny_store()
        for kind in LOAD_ORDER:
            import_file(store, kind, csv_bytes(SEEDS[kind]), f"{kind}.csv", user="base")
        self.tables = _tables(store)
        with store.cursor() as cur:
            self.saved = {t: cur.sql(f'SELECT * FROM "{t}"').to_arrow_table() for t in self.tables}
        self.expected = state(store, self.tables)
        self.store = store

    def rebuild(self) -> None:
        self.store.close()
        store = Store(":memory:")
        with store.transaction() as cur:
            for t in [*self.ORDER, *(t for t in self.tables if t not in self.ORDER)]:
                table: pa.Table = self.saved[t]
                if table.num_rows:
                    cur.register("_saved", table)
                    cur.execute(f'INSERT INTO "{t}" SELECT * FROM _saved')
                    cur.unregister("_saved")
        assert state(store, self.tables) == self.expected
        self.store = store


@pytest.fixture(scope="module")
def base() -> Iterator[Base]:
    held = Base()
    try:
        yield held
    finally:
        held.store.close()


def test_the_seed_files_hold_a_little_of_every_kind(base: Base) -> None:
    counts = {t: n for t, (n, _) in base.expected.items()}
    # Every kind a new store is loaded with (annex_a, a council's own Annex A, has tests of its own).
    assert all(counts[t] > 0 for k in KINDS.values() if k.name in LOAD_ORDER for t in k.tables), counts


@settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(case=files())
def test_any_file_is_imported_cleanly_or_refused_plainly_leaving_the_store_as_it_was(
    base: Base, case: tuple[str, bytes, str]
) -> None:
    kind, data, name = case
    store = base.store
    before = state(store, base.tables)
    logged = store.scalar("SELECT count(*) FROM import_log")
    try:
        result = import_file(store, kind, data, name, user="fuzz")
    except ImportRejected as refused:
        assert state(store, base.tables) == before
        assert store.query("SELECT status FROM import_log WHERE import_id > ?", [logged])["status"].tolist() == [
            "rejected"
        ]
        assert refused.problems and refused.result.problem_count >= len(refused.problems)
        for p in refused.problems:
            assert p.message.strip() and not RAW.search(p.message), p.message
            assert p.row is None or p.row >= 1
            assert len(p.message) < 2000 and (p.column is None or len(p.column) <= 210), p
        return
    assert result.ok and result.rows > 0
    assert store.query("SELECT status FROM import_log WHERE import_id > ?", [logged])["status"].tolist() == ["imported"]
    after = state(store, base.tables)
    if not (result.added or result.replaced or result.removed):
        assert after == before
    again = import_file(store, kind, data, name, user="fuzz")  # the same file again changes nothing
    assert (again.added, again.replaced, again.removed) == (0, 0, 0)
    assert state(store, base.tables) == after
    if after != before:
        base.rebuild()
