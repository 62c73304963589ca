"""The Data page's pieces: cached templates and import log, a progress bar the importer drives,
and the tables the page shows (columns of a kind, problems, the log).

The log and the readiness are kept per data version (``ui.data.cached``): an import moves the
version on, so they refresh along with every other page's figures.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from qa_core.io.importer import KINDS, ImportResult, import_file, import_history, template_files, validate_file
from qa_core.views import readiness as ready_view
from ui import data

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: How many imports the log on the page lists (newest first).
LOG_ROWS = 200


@st.cache_data(show_spinner=False)
def templates(kind: str) -> dict[str, bytes]:
    """The kind's template files, ``{"audits.csv": bytes, "audits.xlsx": bytes}``."""
    return template_files(kind)


def check(kind: str, body: bytes, filename: str, bar: ProgressBar, replace: bool = False) -> ImportResult:
    """Check a file as ``kind`` against the store (nothing is written), driving ``bar``; ``replace``
    checks it as a whole set (what it leaves out would be removed)."""
    return validate_file(data.get_store(), kind, body, filename=filename, progress=bar.progress, stage=bar.stage,
                         replace=replace)


def load(kind: str, body: bytes, filename: str, user: str | None, bar: ProgressBar,
         replace: bool = False) -> ImportResult:
    """Import a checked file as ``kind``, all or nothing, recorded for ``user``, driving ``bar``;
    raises ``ImportRejected`` or ``QAError`` as ``import_file`` does;
    ``replace`` as ``import --replace``. The caller clears the caches."""
    return import_file(data.get_store(), kind, body, filename=filename, user=user, progress=bar.progress,
                       stage=bar.stage, replace=replace)


@data.cached
def history(limit: int = LOG_ROWS) -> pd.DataFrame:
    """The import log, newest first (refreshed by ``ui.data.clear_caches``)."""
    return import_history(data.get_store(), limit)


@data.cached
def readiness() -> ready_view.Readiness:
    """What the store holds and what each page lacks (refreshed by ``ui.data.clear_caches``)."""
    return ready_view.readiness(data.get_store())


def holdings_table(kinds: pd.DataFrame) -> pd.DataFrame:
    """Rows, months (or quarters) covered and the last import of each kind, for display."""
    def covers(first: object, last: object) -> str:
        if first is None or pd.isna(first):
            return "–"
        return str(first) if first == last else f"{first} to {last}"

    return pd.DataFrame({
        "Kind": kinds["title"],
        "Rows": kinds["rows"].astype(int),
        "Covers": [covers(a, b) for a, b in zip(kinds["first"], kinds["last"], strict=True)],
        "Last import": [("never" if w is None or pd.isna(w) else f"{w} by {u}")
                        for w, u in zip(kinds["last_import"], kinds["last_by"], strict=True)],
    })


def pages_table(pages: pd.DataFrame) -> pd.DataFrame:
    """Each page: ready or not, what it lacks and what it shows less for."""
    return pd.DataFrame({
        "Page": pages["title"],
        "Ready": ["Yes" if r else "No" for r in pages["ready"]],
        "Missing": pages["missing"].replace("", "–"),
        "Also": pages["advice"].replace("", "–"),
    })


def columns_table(kind: str) -> pd.DataFrame:
    """The kind's documented columns: Column, Required, Meaning, Example."""
    spec = KINDS[kind]
    docs = [*spec.columns, *([spec.extra] if spec.extra else [])]
    return pd.DataFrame({
        "Column": [d.name for d in docs],
        "Required": ["Required" if d.required else "Optional" for d in docs],
        "Meaning": [d.meaning for d in docs],
        "Example": [d.example for d in docs],
    })


def sheet_rule(kind: str) -> str:
    """Which part of a file is read, for the page's "How files are read" (markdown; no user text)."""
    if KINDS[kind].read is not None:
        return ("An Excel workbook (.xlsx) read whole, as Ofsted lays out an Annex A: the sheets List 1 to List 11 "
                "(case and spacing forgiven; other sheets are named and skipped), the header in each sheet's first "
                "row, spelt as in any year's Annex A (case, spaces and 'Looked After' or 'in care' do not matter).")
    return f"CSV (comma, semicolon, tab or pipe separated) or Excel .xlsx: the sheet named after the kind (`{kind}`)."


def columns_label(kind: str) -> str:
    """The label of the expander listing the kind's columns."""
    spec = KINDS[kind]
    if spec.read is not None:
        return f"The sheets and columns read from the {spec.title}"
    return f"The columns of a {spec.title.lower()} file"


def upload_label(kind: str) -> str:
    """The uploader's label for the kind."""
    spec = KINDS[kind]
    if spec.read is not None:
        return f"The {spec.title} (Excel .xlsx)"
    return f"A {spec.title.lower()} file (CSV or Excel .xlsx)"


def problems_table(result: ImportResult) -> pd.DataFrame:
    """Every problem as Row, Column, Problem (after Sheet, for a workbook read whole such as an Annex A);
    the file as a whole shows as 'whole file'."""
    frame = result.problems_frame()
    sheets = {"Sheet": frame["sheet"].fillna("").astype(str)} if "sheet" in frame else {}
    return pd.DataFrame({
        **sheets,
        "Row": [("whole file" if pd.isna(r) else str(int(r))) for r in frame["row"]],
        "Column": frame["column"].fillna("").astype(str),
        "Problem": frame["message"].astype(str),
    })


def log_table(log: pd.DataFrame) -> pd.DataFrame:
    """The import log for display: when, who, file, kind, status, counts and a short hash."""
    return pd.DataFrame({
        "Import": log["import_id"].astype(int),
        "When": pd.to_datetime(log["imported_at"]).dt.strftime("%d %b %Y %H:%M"),
        "Who": log["user_name"].astype(str),
        "File": log["file_name"].astype(str),
        "Kind": [KINDS[k].title if k in KINDS else str(k) for k in log["kind"]],
        "Status": log["status"].map({"imported": "Imported", "rejected": "Refused"}).fillna(log["status"]),
        "Rows in file": log["rows_in_file"].astype(int),
        "Added": log["rows_added"].astype(int),
        "Replaced": log["rows_replaced"].astype(int),
        "Unchanged": log["rows_unchanged"].astype(int),
        "Removed": log["rows_removed"].astype(int),
        "Rejected": log["rows_rejected"].astype(int),
        "Problems": log["problems"].astype(int),
        "File hash": log["file_sha256"].astype(str).str[:12],
    })


def log_download(log: pd.DataFrame) -> pd.DataFrame:
    """The log as downloaded: the display columns with the full SHA-256 and the messages."""
    table = log_table(log)
    table["When"] = pd.to_datetime(log["imported_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    table["File SHA-256"] = log["file_sha256"].astype(str)
    table["Seconds"] = log["seconds"]
    table["Messages"] = log["messages"].fillna("").astype(str)
    return table.drop(columns=["File hash"])


class ProgressBar:
    """A ``st.progress`` bar for the importer's ``progress(done, total)`` and ``stage(words)``.

    The stage words name the file; the file name (the user's text) is replaced by "the file"
    because a progress bar's text is rendered as markdown.
    """

    def __init__(self, label: str, filename: str) -> None:
        self.filename = filename
        self.words = label
        self.bar = st.progress(0.0, text=label)

    def stage(self, words: str) -> None:
        if self.filename:
            words = words.replace(self.filename, "the file")
        self.words = words[:1].upper() + words[1:] + "…"

    def progress(self, done: int, total: int) -> None:
        self.bar.progress(min(1.0, done / total) if total else 1.0, text=self.words)

    def empty(self) -> None:
        self.bar.empty()
