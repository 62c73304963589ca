"""Data: the performance officer loads this month's figures, audit returns, the improvement plan
and the risk register from CSV or Excel files.

Choose the kind (its columns and templates are shown), upload a file, see every problem or what
the import would change, confirm, and see the result; the import log lists every import.
Imports are all or nothing: a file with any problem writes nothing.

Session state: ``data_checked`` holds the check of the uploaded file (kind, upload id, SHA-256,
result) so a rerun does not check it again and "Confirm import" imports exactly the bytes that
were checked; it is removed when the import starts, so a second click cannot import twice.
``data_upload_n`` is bumped after an import to empty the uploader; ``data_flash`` carries the
import's result across that rerun.

The foot of the page says what the store holds (rows, months covered and the last import of each
kind) and what each page still lacks (``qa_core.views.readiness``, as ``python -m qa_core status``).
A kind with a whole set (the organisation, risks by quarter) offers a "whole set" box: ticked, the
file's import removes what it leaves out (``import --replace``).

Who: the administrator and the assistant director (the role check in ``start("data")``), signed in. The log
records the signed-in email (or, for an account matched by group with no email, the name typed,
else the role's label). The local demo checks files but never imports: anyone there may pick any
role and nobody is signed in, so a council's data must not be loaded into it (``DEMO_NO_IMPORT``).
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from qa_core.errors import QAError
from qa_core.io.importer import KINDS, LOAD_ORDER, ImportRejected, ImportResult
from qa_core.io.importer.fields import DATE_HELP, GRADE_HELP, MONTH_HELP
from ui import auth, data, import_data
from ui.chart_table import download_csv
from ui.import_data import XLSX_MIME, ProgressBar
from ui.page import start
from ui.safe import md

DEMO_NO_IMPORT = ("Importing is turned off in the local demo: anyone who can open it may pick any role and "
                  "nobody is signed in, so a council's data must never be loaded here. You can still check a "
                  "file (nothing is written). To load your own data, set up sign-in on a store of its own "
                  "(\"Deploying it safely\" in the README), or use the command line (`python -m qa_core import`).")
PREVIEW_SHOWN = 20
#: Problems written out in full under the table (the table and its download hold them all).
SHOWN_IN_FULL = 200


def _counts_line(result: ImportResult) -> str:
    verb = "would be " if result.dry_run else ""
    return (f"{result.rows:,} row{'s' if result.rows != 1 else ''} read: {result.added:,} {verb}added, "
            f"{result.replaced:,} {verb}replaced, {result.unchanged:,} {verb}unchanged, "
            f"{result.removed:,} {verb}removed.")


def _metrics(result: ImportResult) -> None:
    cols = st.columns(5)
    for col, (label, value) in zip(cols, [("Rows in file", result.rows), ("Added", result.added),
                                          ("Replaced", result.replaced), ("Unchanged", result.unchanged),
                                          ("Removed", result.removed)], strict=True):
        col.metric(label, f"{value:,}")


def _messages(result: ImportResult) -> None:
    """The importer's messages (they quote the file's column names: plain text, never markdown)."""
    for line in result.messages:
        st.text(line)


def _show_problems(result: ImportResult, written: str) -> None:
    noun = "problem" if result.problem_count == 1 else "problems"
    rows = (f" in {result.rejected:,} of its {result.rows:,} row{'s' if result.rows != 1 else ''}"
            if result.rows and result.rejected else "")
    st.error(f"This file has {result.problem_count:,} {noun}{rows}. {written} Correct the file and upload it "
             "again: rows are numbered as your spreadsheet shows them (the header is row 1).",
             icon=":material/error:")
    table = import_data.problems_table(result)
    if result.problem_count > len(table):
        st.warning(f"The first {len(table):,} of {result.problem_count:,} problems are listed.")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"Row": st.column_config.TextColumn(width=80),
                                "Column": st.column_config.TextColumn(width=150),
                                "Problem": st.column_config.TextColumn(width="large")})
    download_csv(table, f"problems-{result.kind}.csv", "the problems", "dl_problems")
    with st.expander("Read the problems in full (long ones are cut off in the table)"):
        for problem in result.problems[:SHOWN_IN_FULL]:
            st.text(str(problem))
        if len(result.problems) > SHOWN_IN_FULL:
            st.text(f"… and {len(result.problems) - SHOWN_IN_FULL:,} more: download the problems to see them all.")
    _messages(result)


def _show_flash(flash: dict) -> None:
    result: ImportResult = flash["result"]
    what = "changed nothing: every row was already held exactly so" if not (
        result.added or result.replaced or result.removed) else "is complete"
    st.success(f"Import {result.import_id} {what}. {_counts_line(result)} "
               "Every page now shows the new figures.", icon=":material/check_circle:")
    st.text(f"File: {result.filename} (SHA-256 {result.sha256[:12]}), recorded for {result.user}")
    _metrics(result)
    _messages(result)


def _import(kind: str, upload, body: bytes, user: str, replace: bool = False) -> None:
    """Import the checked bytes with a progress bar; on success clear the caches, empty the uploader
    and show the result after the rerun."""
    bar = ProgressBar("Importing…", upload.name)
    try:
        done = import_data.load(kind, body, upload.name, user.strip() or None, bar, replace=replace)
    except ImportRejected as exc:
        bar.empty()
        # The store changed since the check (another import came first): the refusal is logged.
        import_data.history.clear()
        _show_problems(exc.result, "Nothing was written: the data held changed since the file was checked.")
    except QAError as exc:
        bar.empty()
        st.error("Nothing was imported.", icon=":material/error:")
        st.text(str(exc))
    else:
        bar.empty()
        data.clear_caches()
        st.session_state["data_flash"] = {"result": done}
        st.session_state["data_upload_n"] = st.session_state.get("data_upload_n", 0) + 1
        st.rerun()


viewer = start("data").viewer
local_demo = auth.local_demo_on()
st.caption("Load this month's figures, audit returns, the improvement plan or the risk register from a CSV or "
           "Excel file. The file is checked first and nothing is written until you confirm. A file with any "
           "problem is not imported at all, and loading the same file twice changes nothing.")
if local_demo:
    st.info(DEMO_NO_IMPORT, icon=":material/lock:")

# -- 1. the kind ------------------------------------------------------------------------------
st.header("1. What are you loading?", anchor=False)
kind = st.selectbox("Kind of data", list(KINDS), index=list(KINDS).index("values"), key="kind",
                    bind="query-params", format_func=lambda k: KINDS[k].title)
spec = KINDS[kind]
st.write(spec.summary)
st.markdown(f"**One row is identified by:** {spec.key}.  \n**A re-submission:** {spec.replaces}"
            + (f"  \n**Needs in the store first:** {spec.needs}." if spec.needs else ""))
with st.expander(import_data.columns_label(kind), expanded=False):
    st.dataframe(import_data.columns_table(kind), hide_index=True, width="stretch",
                 column_config={"Meaning": st.column_config.TextColumn(width="large")})
with st.expander("How files are read"):
    st.markdown(
        f"- {import_data.sheet_rule(kind)}\n"
        "- Column names match ignoring case, spaces and underscores; columns may come in any order.\n"
        f"- {DATE_HELP} A date that does not exist (31/02/2026) is refused.\n"
        f"- {MONTH_HELP}\n- {GRADE_HELP}\n- Teams and services by id or by name.\n"
        "- A new council loads in this order: " + ", ".join(KINDS[k].title for k in LOAD_ORDER) + ".")
files = import_data.templates(kind)
t1, t2, _ = st.columns([1, 1, 2])
with t1:
    if f"{kind}.csv" in files:  # a workbook read whole (annex_a) has an Excel template only
        st.download_button("Template (CSV)", files[f"{kind}.csv"], file_name=f"{kind}.csv", mime="text/csv",
                           key="dl_template_csv", icon=":material/download:", width="stretch")
with t2:
    st.download_button("Template (Excel)", files[f"{kind}.xlsx"], file_name=f"{kind}.xlsx", mime=XLSX_MIME,
                       key="dl_template_xlsx", icon=":material/download:", width="stretch")

replace = False
if spec.replace_all:
    replace = st.checkbox(
        f"This file is the whole set of {spec.title.lower()}: remove what it leaves out", key="data_replace",
        help=f"Ticked: {spec.replace_all} Left clear: {spec.replaces}")
    if replace:
        st.warning(f"Whole set: {spec.replace_all[:1].upper()}{spec.replace_all[1:]} The check below says how many "
                   "rows that removes before anything is written.", icon=":material/warning:")

# -- 2. the file ------------------------------------------------------------------------------
st.header("2. Upload the file", anchor=False)
if flash := st.session_state.pop("data_flash", None):
    _show_flash(flash)
upload = st.file_uploader(import_data.upload_label(kind), type=["csv", "xlsx"],
                          key=f"data_upload_{st.session_state.get('data_upload_n', 0)}")

# -- 3. check, then import --------------------------------------------------------------------
if upload is None:
    if not flash:
        st.info("No file yet. Choose the kind above, then drop its file here: it is checked before "
                "anything is written.")
else:
    st.header("3. Check, then import", anchor=False)
    key = (kind, upload.file_id, upload.name, upload.size, replace)
    checked = st.session_state.get("data_checked")
    if checked is None or checked["key"] != key:
        bar = ProgressBar("Checking the file…", upload.name)
        result = import_data.check(kind, upload.getvalue(), upload.name, bar, replace=replace)
        bar.empty()
        checked = {"key": key, "sha256": result.sha256, "result": result}
        st.session_state["data_checked"] = checked
    result = checked["result"]
    st.text(f"File: {result.filename} (SHA-256 {result.sha256[:12]}), checked as {spec.title.lower()}")
    if not result.ok:
        _show_problems(result, "Nothing has been written.")
    else:
        changes = result.added or result.replaced or result.removed
        if not changes:
            st.info(f"Every row of this file is already held exactly so: importing it would change nothing. "
                    f"{_counts_line(result)}", icon=":material/info:")
        elif result.replaced or result.removed:
            st.warning(f"This file is a re-submission: it replaces rows already held. {_counts_line(result)} "
                       "Nothing has been written yet.", icon=":material/published_with_changes:")
        else:
            st.success(f"The file is ready to import. {_counts_line(result)} Nothing has been written yet.",
                       icon=":material/task_alt:")
        _metrics(result)
        _messages(result)
        if result.preview is not None and not result.preview.empty:
            heading = ("The file's rows as they will be stored" if result.rows <= PREVIEW_SHOWN else
                       f"The first {PREVIEW_SHOWN} of {result.rows:,} rows as they will be stored")
            st.subheader(heading, anchor=False)
            st.dataframe(result.preview.head(PREVIEW_SHOWN), hide_index=True, width="stretch")
        if local_demo:
            st.info("This file was only checked: importing is turned off in the local demo (see the note at "
                    "the top of the page).", icon=":material/lock:")
        elif viewer.who:
            user = viewer.who
            st.caption(f"The import log will record it as imported by {md(viewer.who)}.")
        else:
            typed = st.text_input("Your name (for the import log)", key="import_user", max_chars=120,
                                  help=f"Your account has no email address: left blank, the log records "
                                       f"your role ({viewer.label}).")
            user = typed.strip() or viewer.label
        if not local_demo and st.button("Confirm import", type="primary", key="confirm_import",
                                        icon=":material/upload:"):
            body = upload.getvalue()
            current = st.session_state.pop("data_checked", None)
            if current is None or current["key"] != key or hashlib.sha256(body).hexdigest() != current["sha256"]:
                st.warning("The file changed since it was checked (or was already imported), so nothing was "
                           "imported. Check the file above again, then confirm.")
            else:
                _import(kind, upload, body, user, replace)


# -- the import log ---------------------------------------------------------------------------
st.header("Import log", anchor=False)
log = import_data.history()
if log.empty:
    st.info("No files have been imported into this store yet. Each import will be listed here: when, who, "
            "the file and its hash, the kind, and the rows added, replaced, unchanged, removed and rejected.")
else:
    st.caption(f"The latest {len(log):,} import{'s' if len(log) != 1 else ''}, newest first. Refused files are "
               "listed too; nothing from them was written.")
    table = import_data.log_table(log)
    small = {c: st.column_config.NumberColumn(width=70) for c in
             ["Import", "Rows in file", "Added", "Replaced", "Unchanged", "Removed", "Rejected"]}
    st.dataframe(table.drop(columns=["Problems"]), hide_index=True, width="stretch",
                 column_config={**small, "File hash": st.column_config.TextColumn(width=110)})
    download_csv(import_data.log_download(log), "import-log.csv", "the import log", "dl_import_log")
    ids = log["import_id"].astype(int).tolist()
    chosen = st.selectbox("What an import did", ids, key="log_import",
                          format_func=lambda i: f"Import {i}")
    picked = log[log["import_id"].astype(int) == chosen].iloc[0]
    for line in str(picked["messages"] or "").splitlines() or ["No messages."]:
        st.text(line)
    if pd.notna(picked["file_sha256"]):
        st.text(f"File SHA-256: {picked['file_sha256']}")

# -- readiness --------------------------------------------------------------------------------
st.header("What the store holds", anchor=False)
ready = import_data.readiness()
waiting = ready.pages[~ready.pages["ready"]]
if waiting.empty:
    st.success("Every page has what it needs.", icon=":material/check_circle:")
else:
    st.warning(f"{len(waiting)} page{'s' if len(waiting) != 1 else ''} cannot work yet: "
               + ", ".join(waiting["title"]) + ". What each lacks is in the second table.", icon=":material/info:")
st.dataframe(import_data.holdings_table(ready.kinds), hide_index=True, width="stretch",
             column_config={"Rows": st.column_config.NumberColumn(width=90)})
st.dataframe(import_data.pages_table(ready.pages), hide_index=True, width="stretch",
             column_config={"Missing": st.column_config.TextColumn(width="large")})
for note in ready.notes:
    st.text(note)
