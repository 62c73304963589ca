"""The accessibility statement page: every role can open it, it follows the GOV.UK model
statement's sections, states the compliance status and how it was tested (with the figures of
the automated check), and marks the contact details the council must fill in."""

from __future__ import annotations

import pytest

from qa_core.roles import ROLES
from tests.pages.conftest import SCOPES, open_page

MODEL_SECTIONS = [
    "How accessible this dashboard is",
    "What to do if you cannot access parts of this dashboard",
    "Reporting accessibility problems with this dashboard",
    "Enforcement procedure",
    "Technical information about this dashboard's accessibility",
    "Non-accessible content",
    "What we are doing to improve accessibility",
    "How we tested this dashboard",
    "Preparation of this accessibility statement",
]


def _text(app) -> str:
    return "\n".join(m.value for m in app.markdown)


def test_statement_has_the_model_sections_and_the_test_figures(app):
    open_page(app, "accessibility")
    assert app.title[0].value == "Accessibility statement"
    assert [h.value for h in app.header] == MODEL_SECTIONS
    assert "Compliance status" in [s.value for s in app.subheader]
    text = _text(app)
    assert "Kestrel Vale Council" in text  # the council's name from the store's settings
    assert "partially compliant with the Web Content Accessibility Guidelines version 2.2 AA" in text
    assert "axe-core 4.12.1" in text and "wcag22aa" in text
    assert "It ran 63 rules over all 10 pages, for each of the 6 roles" in text
    assert "Equality and Human Rights Commission (EHRC)" in text and "(ECNI)" in text
    assert "prepared on 23 November 2026" in text
    # Contact details are the council's to give: clearly marked, never invented.
    assert text.count("[To be filled in by the council:") >= 4
    assert "@" not in text  # no made-up email address


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("assistant_director",)])
def test_every_role_can_open_the_statement(app, role):
    open_page(app, "accessibility", role=role, scope=SCOPES.get(role))
    assert app.title[0].value == "Accessibility statement"
    assert not app.error  # no "your role cannot see this page"
