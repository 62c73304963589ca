"""The "Papers for the meeting" buttons (``ui.packs``) on the clinic, scrutiny, RAG, audit grades
and team pages: nothing is built until asked; "Prepare pack" builds the pack for the role
looking, then offers "Download pack (PDF)" or "(XLSX)"."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

PAGES = {
    "clinic": ("app_pages/clinic.py", {"service": "assessment"}),
    "scrutiny": ("app_pages/scrutiny.py", {}),
    "board": ("app_pages/rag.py", {}),
    "audits": ("app_pages/audits.py", {}),
    "team": ("app_pages/teams.py", {"service": "assessment", "team": "assessment_01", "view": "Team profile"}),
}


def _open(app, kind: str):
    path, state = PAGES[kind]
    for key, value in state.items():
        app.session_state[key] = value
    app.switch_page(path).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _labels(app) -> list[str]:
    return [b.label for b in app.button] + [b.proto.label for b in app.get("download_button")]


def _downloads(app) -> dict[str, object]:
    return {b.proto.label: b for b in app.get("download_button")}


@pytest.mark.parametrize("kind", list(PAGES))
def test_each_page_offers_the_pack_buttons_without_building_a_pack(app, kind, monkeypatch):
    from qa_core import packs

    built = []
    monkeypatch.setattr(packs, "build_pack", lambda *a, **k: built.append(a) or (_ for _ in ()).throw(AssertionError))
    _open(app, kind)
    labels = _labels(app)
    assert "Prepare pack (PDF)" in labels and "Prepare pack (XLSX)" in labels
    assert "Download pack (PDF)" not in labels
    assert built == []  # nothing is built on a page run, only when asked


def test_preparing_the_clinic_pdf_offers_a_download_of_a_real_pdf(app):
    _open(app, "clinic")
    next(b for b in app.button if b.label == "Prepare pack (PDF)").click().run()
    assert not app.exception, [e.value for e in app.exception]
    downloads = _downloads(app)
    assert "Download pack (PDF)" in downloads
    assert "Prepare pack (XLSX)" in _labels(app)  # the other format is still only offered
    # The prepared file is kept for this page and options: the PDF itself sits in the session.
    kept = app.session_state["pack_clinic_pdf"]
    data, name = kept[1], kept[2]
    assert name == "clinic-assessment-2026-10.pdf"
    reader = PdfReader(io.BytesIO(data))
    assert "Performance clinic pack: Assessment" in reader.pages[0].extract_text()


def test_a_scrutiny_member_gets_the_published_card(app):
    app.session_state["role"] = "scrutiny"
    _open(app, "scrutiny")
    next(b for b in app.button if b.label == "Prepare pack (XLSX)").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Download pack (XLSX)" in _downloads(app)
    assert app.session_state["pack_scrutiny_xlsx"][2].endswith("-published.xlsx")
