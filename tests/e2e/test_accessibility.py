"""Accessibility, checked by machine: axe-core (the copy shipped in ``axe-playwright-python``)
over every page of every role, as the page opens and after its main interaction. Fails on any
violation of impact serious or critical for the WCAG 2.0, 2.1 and 2.2 A and AA rules; writes the
rules run and pages covered to ``screenshots/axe-summary.json`` (the accessibility statement
quotes it).

The helpers here (wait for a run to finish, pick a role in the local-demo sidebar, open a page
from the navigation, each page's main interaction) are used by the keyboard and zoom tests too.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from qa_core.roles import DEFAULT_ROLE, ROLE_LABELS, ROLES
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
#: The axe-core tags for WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
#: Impacts that fail the check (axe's four levels are minor, moderate, serious, critical).
FAILING_IMPACTS = {"serious", "critical"}
#: A head of service and a team manager answer for one service or team: pick a real one.
SCOPES = {"head_of_service": "Assessment", "team_manager": "Assessment North"}
RUN_START_WAIT = 5_000  # ms: how long an interaction's rerun may take to show it has started
#: Streamlit's data attribute on the app root: "running" while the script runs.
_IDLE = "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
_CHARTS_DRAWN = ("() => Array.from(document.querySelectorAll('[data-testid=stPlotlyChart]'))"
                 ".every(c => c.querySelector('.main-svg'))")
_WATCH_RUNS = """() => {
  window.__qaRuns = 0;
  const app = document.querySelector('[data-testid=stApp]');
  if (window.__qaObserver) window.__qaObserver.disconnect();
  window.__qaObserver = new MutationObserver(() => {
    if (app.dataset.testScriptState === 'running') window.__qaRuns += 1;
  });
  window.__qaObserver.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
_RAN_AND_IDLE = ("() => window.__qaRuns > 0 && "
                 "document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning'")


def existing_pages(role: str) -> list[str]:
    """The role's pages that have a file (navigation lists only those)."""
    return [key for key in ROLES[role] if (ROOT / "app_pages" / f"{key}.py").exists()]


def settle(page: Page) -> None:
    """Wait until the script has finished, nothing is stale or a placeholder, and every chart
    is drawn: what a user sees once the page is still (axe must not judge a half-drawn page)."""
    page.wait_for_function(_IDLE)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)
    expect(page.locator("[data-testid=stElementContainer][data-stale=true]")).to_have_count(0)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.wait_for_function(_CHARTS_DRAWN)


def watch_runs(page: Page) -> None:
    """Count the script runs from now on, so ``settle_after_rerun`` knows a rerun happened."""
    page.evaluate(_WATCH_RUNS)


def settle_after_rerun(page: Page) -> None:
    """After an interaction: wait for the rerun it caused to start and finish, then settle.

    A run that is quick (a cached page, or a link to the page already open) can finish within
    one frame, so the "running" state is never drawn: after a few seconds without one, settle
    on what is there (still waiting for idle, no stale elements and drawn charts)."""
    try:
        page.wait_for_function(_RAN_AND_IDLE, timeout=RUN_START_WAIT)
    except PlaywrightTimeoutError:
        pass
    settle(page)


def choose(page: Page, label: str, option: str | re.Pattern, typed: str | None = None) -> None:
    """Pick ``option`` in the select box ``label`` as a user would (typing filters long lists)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    _open(box, typed)
    page.get_by_role("option", name=option).first.click()


def _open(box, typed: str | None = None) -> None:
    """Open a select box's list: typing filters and opens it; else the Down arrow opens it (a
    click sometimes only focuses the box, e.g. just after it scrolled into view)."""
    box.click()
    if typed:
        box.fill(typed)
    else:
        box.press("ArrowDown")


def choose_another(page: Page, label: str) -> str:
    """Pick an option other than the current one in the select box ``label``; its text."""
    box = page.get_by_role("combobox", name=label, exact=True)
    current = box.input_value()  # the combobox shows the chosen option as its value
    _open(box)
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    names = [n.strip() for n in options.all_inner_texts()]
    target = next(n for n in names if n != current)
    options.filter(has_text=re.compile("^" + re.escape(target) + "$")).first.click()
    return target


def pick_role(page: Page, role: str) -> None:
    """Choose ``role`` (and its scope) in the local-demo picker in the sidebar."""
    watch_runs(page)
    choose(page, "Role (local demo)", ROLE_LABELS[role])
    settle_after_rerun(page)
    if role in SCOPES:
        label = "Head of service for" if role == "head_of_service" else "Team manager of"
        box = page.get_by_role("combobox", name=label, exact=True)
        expect(box).to_be_visible()
        if box.input_value() != SCOPES[role]:
            watch_runs(page)
            choose(page, label, re.compile("^" + re.escape(SCOPES[role]) + "$"), SCOPES[role])
            settle_after_rerun(page)
    expect(page.get_by_test_id("stSidebarNavLink")).to_have_count(len(existing_pages(role)))


def open_page(page: Page, role: str, key: str) -> None:
    """Open the page ``key`` from the sidebar navigation (the session, and so the role, stays)."""
    index = existing_pages(role).index(key)
    watch_runs(page)
    page.get_by_test_id("stSidebarNavLink").nth(index).click()
    if index:
        expect(page).to_have_url(re.compile(f"/{key}(\\?|$)"))
    settle_after_rerun(page)


# -- the main interaction of each page, as the page's own browser test does it --------------------


def step(page: Page, action) -> str:
    """Do one user action that reruns the script, and wait for that rerun to finish."""
    watch_runs(page)
    done = action()
    settle_after_rerun(page)
    return done


def _home(page: Page) -> str:
    return "month " + step(page, lambda: choose_another(page, "Month"))


def _clinic(page: Page) -> str:
    done = ""
    if page.get_by_role("combobox", name="Measure to discuss", exact=True).count() == 0:
        # The council-wide view asks for a service first (as the page says): choose one.
        step(page, lambda: choose(page, "Service", "Assessment", "Assessment"))
        done = "service Assessment, then "
    return done + "measure " + step(page, lambda: choose_another(page, "Measure to discuss"))


def _audits(page: Page) -> str:
    return step(page, lambda: page.get_by_role("tab", name="Against the 10% target").click()
                or "tab Against the 10% target")


def _risks(page: Page) -> str:
    return step(page, lambda: page.get_by_role("radiogroup", name="Scores on the heat map")
                .get_by_role("radio", name="Gross").click() or "Gross scores")


def _teams(page: Page) -> str:
    return step(page, lambda: page.get_by_role("radiogroup", name="Show")
                .get_by_role("radio", name="Team profile").click() or "the team profile")


def _scrutiny(page: Page) -> str:
    return "quarter " + step(page, lambda: choose_another(page, "Quarter"))


def _benchmarks(page: Page) -> str:
    return step(page, lambda: choose(page, "Local authority", "Cumberland (North West)", "Cumberl")
                or "local authority Cumberland")


def _rag(page: Page) -> str:
    return "area " + step(page, lambda: choose_another(page, "Area"))


def _data(page: Page) -> str:
    return "kind " + step(page, lambda: choose_another(page, "Kind of data"))


#: Page key → its main interaction (returns a few words saying what it did). The statement page
#: has no interaction: it is text.
INTERACTIONS = {"home": _home, "clinic": _clinic, "audits": _audits, "risks": _risks, "teams": _teams,
                "scrutiny": _scrutiny, "benchmarks": _benchmarks, "rag": _rag, "data": _data}


def interact(page: Page, key: str) -> str | None:
    """Do the page's main interaction, waiting for each rerun; what was done, or None."""
    action = INTERACTIONS.get(key)
    return None if action is None else action(page)


# -- the check ------------------------------------------------------------------------------------

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
SUMMARY = SCREENSHOTS / "axe-summary.json"
_RESULTS: dict[str, dict] = {}  # role → what was checked, for the summary file


def _axe(page: Page) -> dict:
    return Axe().run(page, options=AXE_OPTIONS).response


def _failures(response: dict, where: str) -> list[str]:
    return [f"{where}: {v['id']} ({v['impact']}) {v['help']} at {', '.join(str(n['target']) for n in v['nodes'][:5])}"
            for v in response["violations"] if v["impact"] in FAILING_IMPACTS]


def statement_figures() -> dict[str, object]:
    """The figures the accessibility statement page quotes (module constants of
    app_pages/accessibility.py, read without running the page)."""
    tree = ast.parse((ROOT / "app_pages" / "accessibility.py").read_text(encoding="utf-8"))
    return {t.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name) and t.id in ("AXE_CORE", "RULES_RUN")}


def _rule_ids(response: dict) -> set[str]:
    return {r["id"] for kind in ("violations", "passes", "incomplete", "inapplicable") for r in response[kind]}


@pytest.fixture(scope="module", autouse=True)
def _summary() -> Iterator[None]:
    """After the module: the rules axe ran and the pages covered, printed and written to
    ``screenshots/axe-summary.json`` for the accessibility statement and the notes."""
    yield
    if not _RESULTS:
        return
    rules = sorted(set().union(*(r["rules"] for r in _RESULTS.values())))
    states = sum(r["states"] for r in _RESULTS.values())
    pages = sorted(set().union(*(r["pages"] for r in _RESULTS.values())))
    summary = {
        "axe_core": _RESULTS[next(iter(_RESULTS))]["axe_version"],
        "tags": WCAG_TAGS, "failing_impacts": sorted(FAILING_IMPACTS),
        "rules_run": len(rules), "rule_ids": rules, "pages": pages, "pages_covered": len(pages),
        "roles": {role: {"pages": r["pages"], "states_checked": r["states"], "violations": r["violations"],
                         "minor_or_moderate": r["minor"], "incomplete": r["incomplete"]}
                  for role, r in _RESULTS.items()},
        "states_checked": states,
        "serious_or_critical_violations": sum(len(r["violations"]) for r in _RESULTS.values()),
    }
    SCREENSHOTS.mkdir(exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"\naxe-core {summary['axe_core']}: {len(rules)} rules run ({', '.join(WCAG_TAGS)}) over "
          f"{len(pages)} pages, {states} page states, {len(_RESULTS)} roles; "
          f"{summary['serious_or_critical_violations']} serious or critical violations. Written to {SUMMARY}.")


@pytest.mark.timeout(900)  # up to 19 page states, each rendered, used and checked, on a busy CI machine
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_passes_axe(browser, app_url, role):
    """Each of the role's pages, as it opens and after its main interaction: no serious or
    critical violation of a WCAG 2.0, 2.1 or 2.2 A or AA rule."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    try:
        page.goto(app_url)
        settle(page)
        if role != DEFAULT_ROLE:
            pick_role(page, role)  # the local-demo picker: its absence is a failure, not a skip
        failures, minor, incomplete, rules, checked = [], [], [], set(), []
        version = None
        for key in existing_pages(role):
            open_page(page, role, key)
            for label in ("as opened", "after"):
                if label == "after":
                    done = interact(page, key)
                    if done is None:
                        continue
                    label = f"after choosing {done}"
                response = _axe(page)
                version = response["testEngine"]["version"]
                where = f"{role} · {key} · {label}"
                failures += _failures(response, where)
                minor += [f"{where}: {v['id']} ({v['impact']})" for v in response["violations"]
                          if v["impact"] not in FAILING_IMPACTS]
                incomplete += [f"{where}: {v['id']}" for v in response["incomplete"]]
                rules |= _rule_ids(response)
                checked.append(where)
        _RESULTS[role] = {"pages": existing_pages(role), "states": len(checked), "violations": failures,
                          "minor": minor, "incomplete": incomplete, "rules": rules, "axe_version": version}
        print(f"\n{role}: {len(checked)} page states, {len(rules)} rules; incomplete: {incomplete or 'none'}")
        assert not failures, "axe found serious or critical WCAG A/AA violations:\n" + "\n".join(failures)
        # The statement quotes the axe-core version and the rules run: keep it true.
        assert statement_figures() == {"AXE_CORE": version, "RULES_RUN": len(rules)}
    finally:
        context.close()
