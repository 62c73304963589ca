"""The templates in ``data/templates/`` (CSV and XLSX per kind) and their README, written from KINDS.

``python -m qa_core templates`` rewrites them; the same KINDS always give the same bytes, and a
test checks the shipped files equal what this module writes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from qa_core.io.importer.fields import DATE_HELP, GRADE_HELP, LIMITS, MONTH_HELP, QUARTER_HELP, cell_of
from qa_core.io.importer.formats import (
    EXCEL_CELL_CHARS,
    MAX_COLUMNS,
    XLSX_MAX_SHARED,
    XLSX_MAX_UNPACKED,
    to_csv_bytes,
    to_xlsx_bytes,
)
from qa_core.io.importer.kinds import KINDS, LOAD_ORDER, KindSpec
from qa_core.store import PROJECT_ROOT

__all__ = ["TEMPLATE_DIR", "template_frame", "template_files", "write_templates", "readme_text"]

TEMPLATE_DIR = PROJECT_ROOT / "data" / "templates"
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def template_frame(kind: str) -> pd.DataFrame:
    """The header row and example row(s) of a kind's template, as text."""
    spec = KINDS[kind]
    columns = [c.name for c in spec.columns]
    rows = spec.examples()
    for row in rows:
        columns += [k for k in row if k not in columns]
    return pd.DataFrame([{c: (row.get(c) or None) for c in columns} for row in rows], columns=columns, dtype=object)


def _columns_sheet(spec: KindSpec) -> pd.DataFrame:
    docs = [*spec.columns, *([spec.extra] if spec.extra else [])]
    return pd.DataFrame([{"column": d.name, "required": "yes" if d.required else "no", "meaning": d.meaning,
                          "example": d.example} for d in docs])


def _xlsx_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as numbers in the workbook (so Excel does not flag them); everything else as text."""
    def cell(value: object) -> object:
        if isinstance(value, str) and _NUMBER.fullmatch(value):
            return float(value) if "." in value else int(value)
        return value

    return frame.map(cell)


def template_files(kind: str) -> dict[str, bytes]:
    """The kind's template files by name: its CSV and XLSX (a workbook read whole, annex_a: its XLSX only)."""
    if KINDS[kind].template is not None:
        return KINDS[kind].template()
    frame = template_frame(kind)
    return {
        f"{kind}.csv": to_csv_bytes(frame),
        f"{kind}.xlsx": to_xlsx_bytes([(kind, _xlsx_cells(frame)), ("columns", _columns_sheet(KINDS[kind]))],
                                      widths={"meaning": 90, "column": 24}),
    }


def readme_text() -> str:
    lines = [
        "# Import formats and templates",
        "",
        "<!-- Written by `python -m qa_core templates` from qa_core/io/importer/kinds; do not edit by hand. -->",
        "",
        "Each kind of data the dashboard holds is loaded from a CSV or Excel (.xlsx) file with a header row.",
        "The templates here hold the header row and an example row; the Excel templates also have a",
        "`columns` sheet explaining each column.",
        "",
        "```sh",
        "python -m qa_core import KIND FILE [--db PATH] [--dry-run] [--replace]  # all or nothing; exit 1 with every "
        "problem",
        "python -m qa_core export KIND --format csv|xlsx [--out FILE] # what the store holds, in the same format",
        "```",
        "",
        "How files are read:",
        "",
        "- **CSV**: comma, semicolon, tab or pipe separated; UTF-8 (with or without a byte-order mark), UTF-16",
        "  or UTF-32 (with their marks) or Windows-1252, decided from the whole file: a file mixing encodings, or",
        "  holding a byte no encoding here defines, is refused naming its line. **XLSX**: the sheet named after",
        "  the kind (for example `audits`); other sheets are ignored, and two sheets that could hold the kind",
        f"  are refused. The sheet is read from its cells (at most {MAX_COLUMNS} columns), whatever size it",
        f"  declares; a workbook may unpack to {XLSX_MAX_UNPACKED / 1e9:.0f} GB, its table of shared text to "
        f"{XLSX_MAX_SHARED / 1e6:.0f} MB,",
        f"  and no cell may hold more text than Excel allows ({EXCEL_CELL_CHARS:,} characters).",
        "  Column names are matched ignoring case, spaces and underscores (`Audit ID` is `audit_id`);",
        "  columns may come in any order. Required columns must be present; optional ones may be left out.",
        f"- **Dates**: {DATE_HELP} A date that does not exist (31/02/2026) is refused.",
        f"- **Months**: {MONTH_HELP}",
        f"- **Quarters** are financial (April to March): {QUARTER_HELP} `2025/26-Q3` and `Q3 2025/26` are",
        "  read too. A calendar-style `2025-Q3` is refused, since it could mean July to September or October to",
        "  December; the message names the financial quarter of those months.",
        f"- **Grades**: {GRADE_HELP} Words in any case; RI is Requires Improvement.",
        "- **Teams and services**: by id or by name, in any case.",
        "- **Limits**: " + " ".join(LIMITS),
        "- **Problems**: every problem is listed at once, with the row as the spreadsheet shows it (the",
        "  header is row 1), the column and a sentence saying what is wrong. One bad row means nothing from",
        "  the file is written.",
        "- **Loading again**: loading the same file twice leaves the store as after once. A corrected file",
        "  replaces what the first one loaded, as each kind says under *A re-submission* below; the report",
        "  says what was replaced. A column left out of a file keeps its stored values for rows already held.",
        "- **Formulas**: an export writes a text that a spreadsheet would run as a formula (one starting with",
        "  `=`, `+`, `-`, `@`, a tab or a carriage return, also after spaces; a number such as `-5` is not one)",
        "  with a `'` in front, so it opens as text; import takes that one quote off again, so an export loads",
        "  back unchanged.",
        "- **The log**: every import (and every refused file) is recorded with when, who, the file's name and",
        "  SHA-256, the kind and the rows added, replaced, unchanged, removed and rejected.",
        "",
        "Load a new council's data in this order (each kind needs the ones before it), into a store made by",
        "`python -m qa_core init --db PATH --council NAME`: " + ", ".join(f"`{k}`" for k in LOAD_ORDER) + ".",
        "",
        "A file updates the rows it names and deletes nothing, except where a kind says a re-submission replaces",
        "a whole period. `--replace` (the Data page's \"whole set\" box) makes the file the whole set of its kind,",
        "where the kind has one (*With --replace* below): what the store holds and the file leaves out is",
        "removed.",
        "",
    ]
    for kind in [*LOAD_ORDER, *(k for k in KINDS if k not in LOAD_ORDER)]:
        spec = KINDS[kind]
        files = ", ".join(f"[{name}]({name})" for name in (template_files(kind) if spec.template else
                                                           (f"{kind}.csv", f"{kind}.xlsx")))
        lines += [
            f"## `{kind}`: {spec.title}",
            "",
            spec.summary,
            "",
            f"Template{'s' if ',' in files else ''}: {files}.",
            "",
            "| column | required | meaning | example |",
            "|---|---|---|---|",
        ]
        for doc in [*spec.columns, *([spec.extra] if spec.extra else [])]:
            example = f"`{doc.example}`" if doc.example else ""
            lines.append(f"| `{doc.name}` | {'yes' if doc.required else 'no'} | {_cell(doc.meaning)} | "
                         f"{_cell(example)} |")
        lines += ["", f"- **One row is identified by**: {spec.key}.", f"- **A re-submission**: {spec.replaces}"]
        if spec.replace_all:
            lines.append(f"- **With --replace**: {spec.replace_all[:1].upper()}{spec.replace_all[1:]}")
        if lengths := _text_limits(spec):
            lines.append(f"- **Longest text**: {lengths}.")
        if spec.needs:
            lines.append(f"- **Needs in the store first**: {spec.needs}.")
        lines.append("")
    return "\n".join(lines)


def _text_limits(spec: KindSpec) -> str:
    """'`text`, `evidence` 10,000 characters; `name` 200' from the model's text columns."""
    by_limit: dict[int, list[str]] = {}
    for name, info in spec.model.model_fields.items():
        cell = cell_of(info)[0]
        if cell.how == "text" and cell.max_chars:
            by_limit.setdefault(cell.max_chars, []).append(f"`{name}`")
    parts = [f"{', '.join(names)} {limit:,}" for limit, names in sorted(by_limit.items(), reverse=True)]
    return "; ".join(parts) + " characters" if parts else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def write_templates(directory: Path | str = TEMPLATE_DIR) -> list[Path]:
    """Write every template and the README into ``directory``; return the paths written."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in KINDS:
        for name, data in template_files(kind).items():
            path = directory / name
            path.write_bytes(data)
            written.append(path)
    readme = directory / "README.md"
    readme.write_text(readme_text(), encoding="utf-8")
    written.append(readme)
    return written
