"""The app's pages, once: key, title, icon and the sidebar filters each reads, in navigation order.

A page's key is its file name in ``app_pages/`` and the name the roles (``qa_core.roles``), the
command line's report kinds (``qa_core.views.registry``), the navigation (``dashboard.py``), the
shared sidebar (``ui/filters.py``) and the tests use for it. Pure data: adding a page starts here.

>>> page("rag").title, page("rag").filters
('RAG at a glance', ('month', 'service'))
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Page", "PAGES", "PAGE_KEYS", "FILTERED_PAGES", "page"]

#: The shared sidebar filters a page may read (each bound to the URL).
MONTH_AND_SERVICE = ("month", "service")


@dataclass(frozen=True)
class Page:
    """One page of the app: ``key`` (its file in ``app_pages/``), the navigation's title and
    icon, and the sidebar filters it reads (none: the sidebar shows only the Large type switch)."""

    key: str
    title: str
    icon: str
    filters: tuple[str, ...] = ()


#: Every page, in navigation order.
PAGES: tuple[Page, ...] = (
    Page("home", "At a glance", ":material/dashboard:", MONTH_AND_SERVICE),
    Page("clinic", "Performance clinic", ":material/groups:", MONTH_AND_SERVICE),
    Page("rag", "RAG at a glance", ":material/traffic:", MONTH_AND_SERVICE),
    Page("audits", "Audit grades", ":material/fact_check:", MONTH_AND_SERVICE),
    Page("risks", "Risk scores", ":material/warning:", MONTH_AND_SERVICE),
    Page("teams", "Team profiles", ":material/diversity_3:", MONTH_AND_SERVICE),
    Page("scrutiny", "Scrutiny trends", ":material/account_balance:"),
    Page("benchmarks", "Benchmarks", ":material/leaderboard:"),
    Page("data", "Data", ":material/upload_file:"),
    Page("accessibility", "Accessibility", ":material/accessibility:"),
)
#: Every page's key, in navigation order.
PAGE_KEYS: tuple[str, ...] = tuple(p.key for p in PAGES)
#: The pages that read the sidebar's filters (the sidebar draws them only for a role with one).
FILTERED_PAGES: frozenset[str] = frozenset(p.key for p in PAGES if p.filters)

_BY_KEY = {p.key: p for p in PAGES}


def page(key: str) -> Page:
    """The page with this key (a ``KeyError`` names an unknown one)."""
    return _BY_KEY[key]
