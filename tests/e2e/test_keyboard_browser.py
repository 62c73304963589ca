"""The keyboard alone: on the performance clinic, Tab to the sidebar's Month and change it, then
Tab on to the measure being discussed and change that, with no mouse at all; each control we
stop on shows where the focus is (WCAG 2.1.1 Keyboard, 2.4.7 Focus visible)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import settle, settle_after_rerun, watch_runs

pytestmark = pytest.mark.e2e
MAX_TABS = 120  # far more stops than the page has before the measure box: a trap would fail here

_FOCUSED = """() => {
  const e = document.activeElement;
  return e ? {role: e.getAttribute('role') || e.tagName.toLowerCase(), name: e.getAttribute('aria-label')
          || (e.innerText || '').trim().slice(0, 60), value: e.value ?? null} : null;
}"""


def _focused(page: Page) -> dict:
    return page.evaluate(_FOCUSED)


def _tab_to(page: Page, role: str, name: str, key: str = "Tab") -> list[str]:
    """Press Tab (or Shift+Tab) until the focus is on the control ``role`` named ``name``; the
    stops passed on the way. Fails if it is never reached (unreachable, or focus trapped)."""
    passed = []
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        now = _focused(page)
        if now and now["role"] == role and now["name"] == name:
            return passed
        passed.append(f"{now['role']} {now['name']!r}" if now else "nothing")
    raise AssertionError(f"{role} {name!r} not reached in {MAX_TABS} presses of {key}; passed: {passed}")


def _focus_is_visible(page: Page, locator) -> None:
    """The control looks different with the focus than without it (a ring or border)."""
    target = locator.locator("xpath=ancestor::*[@data-testid='stSelectbox'][1]")
    focused = target.screenshot()
    page.evaluate("() => document.activeElement.blur()")
    blurred = target.screenshot()
    assert focused != blurred, "no visible focus indicator on the control"
    locator.focus()  # put the focus back where the keyboard left it (no click)


def _choose_by_keyboard(page: Page, current: str) -> str:
    """With the focus on a select box: Down arrow opens its list and moves to the next option;
    Enter chooses it. The option chosen (its text)."""
    page.keyboard.press("ArrowDown")
    highlighted = page.locator("[role=option][data-focused=true]")
    expect(highlighted).to_have_count(1)
    if highlighted.inner_text().strip() == current:
        page.keyboard.press("ArrowDown")
    chosen = highlighted.inner_text().strip()
    assert chosen != current
    page.keyboard.press("Enter")
    return chosen


def test_clinic_by_keyboard_alone(page, app_url, screenshots):
    page.goto(app_url + "/clinic?service=Assessment")
    expect(page.get_by_role("heading", name="Assessment: October 2026")).to_be_visible()
    settle(page)
    page.locator("body").focus()

    # The skip link is the first stop: keyboard users can jump past the sidebar.
    page.keyboard.press("Tab")
    assert _focused(page)["name"] == "Skip to main content"

    # To the sidebar's Month, and one month back: open the list, move down one, Enter.
    _tab_to(page, "combobox", "Month")
    month = page.get_by_role("combobox", name="Month", exact=True)
    _focus_is_visible(page, month)
    page.screenshot(path=str(screenshots / "keyboard-month-focused.png"))
    watch_runs(page)
    new_month = _choose_by_keyboard(page, "October 2026")
    settle_after_rerun(page)
    expect(page.get_by_role("heading", name=f"Assessment: {new_month}")).to_be_visible()
    expect(page).to_have_url(re.compile("month=" + new_month.replace(" ", r"(\+|%20)")))

    # On to the measure being discussed, without leaving the keyboard.
    measure = page.get_by_role("combobox", name="Measure to discuss", exact=True)
    before = measure.input_value()
    assert _focused(page)["name"] == "Month", "the rerun moved the keyboard focus away from Month"
    stops = _tab_to(page, "combobox", "Measure to discuss")
    assert any("Service" in s for s in stops), f"Tab went a way that skips the Service box: {stops}"
    _focus_is_visible(page, measure)
    watch_runs(page)
    chosen = _choose_by_keyboard(page, before)
    settle_after_rerun(page)
    after = measure.input_value()
    assert after == chosen != before
    expect(page).to_have_url(re.compile(r"measure="))
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.get_by_text(re.compile(re.escape(after) + f": .* in {new_month}")).first).to_be_visible()
    expect(page.get_by_role("heading", name=f"Assessment: {new_month}")).to_be_visible()

    # And back again with Shift+Tab: the sidebar's Service box is reachable backwards too.
    _tab_to(page, "combobox", "Service", key="Shift+Tab")
    page.screenshot(path=str(screenshots / "keyboard-clinic-done.png"))
