"""qa_core.pages (the one list of pages) and qa_core.views.registry (the report kinds): every
name they hold points at something that exists, so a page or kind added in one place only fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_core.__main__ import build_parser
from qa_core.pages import FILTERED_PAGES, PAGE_KEYS, PAGES, page
from qa_core.roles import ROLES
from qa_core.views.registry import REPORTS, ReportKind

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_has_its_file_and_every_file_is_a_page() -> None:
    assert sorted(PAGE_KEYS) == sorted(p.stem for p in (ROOT / "app_pages").glob("*.py"))
    assert len(set(PAGE_KEYS)) == len(PAGE_KEYS)
    assert all(p.title and p.icon.startswith(":material/") for p in PAGES)


def test_the_pages_in_navigation_order_with_their_filters() -> None:
    assert PAGE_KEYS == (
        "home",
        "clinic",
        "rag",
        "audits",
        "risks",
        "teams",
        "scrutiny",
        "benchmarks",
        "data",
        "accessibility",
    )
    assert FILTERED_PAGES == {"home", "clinic", "rag", "audits", "risks", "teams"}
    assert page("audits").title == "Audit grades" and page("audits").filters == ("month", "service")
    assert page("data").filters == ()
    with pytest.raises(KeyError):
        page("nowhere")


def test_every_role_lists_known_pages_in_navigation_order() -> None:
    for pages in ROLES.values():
        assert set(pages) <= set(PAGE_KEYS)
        assert list(pages) == sorted(pages, key=PAGE_KEYS.index)
    assert ROLES["assistant_director"] == PAGE_KEYS


def test_every_report_kind_answers_to_a_page_and_the_cli_offers_exactly_these_kinds() -> None:
    assert list(REPORTS) == ["audits", "completion", "risks", "clinic", "rag", "team", "scrutiny", "benchmark"]
    assert all(entry.page in PAGE_KEYS and entry.kind == kind for kind, entry in REPORTS.items())
    report = build_parser()._subparsers._group_actions[0].choices["report"]
    kind = next(a for a in report._actions if a.dest == "kind")
    assert list(kind.choices) == list(REPORTS)
    with pytest.raises(ValueError, match="names no page"):
        ReportKind("nothing", "nowhere", REPORTS["rag"].build)
