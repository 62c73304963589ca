"""Issue 13, "data complete to": when a month's data is in (qa_core.rules.completeness and its view), each case
worked by hand. A month is complete with at least three quarters of the usual indicator values
(one per measure and team) and of the usual teams with audits, usual being the median of the
three months before it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd

from qa_core.rules import completeness, periods
from qa_core.store import Store
from qa_core.views import completeness as view

D = dt.date


def _months(*rows: tuple[dt.date, int, int]) -> pd.DataFrame:
    return completeness.assess([{"month": m, "values": v, "audit_teams": a} for m, v, a in rows])


def test_one_teams_first_audits_of_a_new_month_leave_it_partial() -> None:
    frame = _months(
        (D(2026, 8, 1), 200, 24), (D(2026, 9, 1), 200, 21), (D(2026, 10, 1), 200, 23), (D(2026, 11, 1), 0, 1)
    )
    # November: usual is the median of August to October (200 values; 24, 21, 23 teams: 23).
    nov = frame.iloc[-1]
    assert (nov["usual_values"], nov["usual_audit_teams"], nov["complete"]) == (200, 23, False)
    assert frame["complete"].tolist() == [True, True, True, False]
    assert completeness.complete_to(frame) == D(2026, 10, 1)
    assert completeness.partial_months(frame) == [D(2026, 11, 1)]
    assert completeness.partial_words(nov) == (
        "November 2026 has audits for 1 of the usual 23 teams and no indicator "
        "values yet (usually 200: one per measure and team)"
    )


def test_three_quarters_is_the_bar() -> None:
    # Usual: 200 values, 20 teams. 150 values and 15 teams are exactly three quarters: complete.
    base = [(D(2026, m, 1), 200, 20) for m in (7, 8, 9)]
    assert _months(*base, (D(2026, 10, 1), 150, 15))["complete"].iloc[-1]
    assert not _months(*base, (D(2026, 10, 1), 149, 20))["complete"].iloc[-1]  # values short
    short = _months(*base, (D(2026, 10, 1), 200, 14)).iloc[-1]
    assert not short["complete"]  # audits short
    assert completeness.partial_words(short) == "October 2026 has audits for 14 of the usual 20 teams"
    values_only = _months(*base, (D(2026, 10, 1), 120, 20)).iloc[-1]
    assert completeness.partial_words(values_only) == (
        "October 2026 has indicator values for 120 of the usual 200 measures and teams"
    )


def test_two_partial_months_at_the_end_are_both_partial() -> None:
    # November's usual is the median of August, September and October (200, 200, 0 values): 200.
    frame = _months((D(2026, 8, 1), 200, 24), (D(2026, 9, 1), 200, 24), (D(2026, 10, 1), 0, 2), (D(2026, 11, 1), 0, 2))
    assert frame["complete"].tolist() == [True, True, False, False]
    assert completeness.complete_to(frame) == D(2026, 9, 1)


def test_the_first_month_is_complete_and_a_missing_month_counts_as_none() -> None:
    assert _months((D(2026, 1, 1), 5, 1))["complete"].tolist() == [True]  # nothing to compare it with
    # March holds nothing (no row): April's usual is the median of January, February and March
    # (200, 200, 0): 200, so April with 200 is complete. May's is median(200, 0, 200) = 200.
    frame = _months(
        (D(2026, 1, 1), 200, 10), (D(2026, 2, 1), 200, 10), (D(2026, 4, 1), 200, 10), (D(2026, 5, 1), 200, 10)
    )
    assert frame["complete"].all()
    # A store of audits only (no values ever): the values half asks for nothing.
    audits_only = _months((D(2026, 1, 1), 0, 10), (D(2026, 2, 1), 0, 9), (D(2026, 3, 1), 0, 2))
    assert audits_only["complete"].tolist() == [True, True, False]
    assert completeness.complete_to(_months()) is None


def test_a_lasting_drop_becomes_usual_within_two_months() -> None:
    # Seven teams closed in October: 24 teams audited, then 17 (under 18, three quarters of 24).
    rows = [(D(2026, m, 1), 200, 24) for m in (7, 8, 9)] + [(D(2026, m, 1), 200, 17) for m in (10, 11, 12)]
    frame = _months(*rows)
    # October: median(24, 24, 24) = 24; November: median(24, 24, 17) = 24; December: median(24, 17, 17) = 17.
    assert frame["usual_audit_teams"].tolist()[3:] == [24, 24, 17]
    assert frame["complete"].tolist() == [True, True, True, False, False, True]
    assert completeness.complete_to(frame) == D(2026, 12, 1)


def test_the_default_month_skips_partial_months() -> None:
    months = [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]
    today = D(2026, 11, 20)
    assert periods.default_month(months, today) == D(2026, 11, 1)  # no rule: the newest
    assert periods.default_month(months, today, partial=[D(2026, 11, 1)]) == D(2026, 10, 1)
    # Every month partial: the newest still opens (something, rather than nothing).
    assert periods.default_month(months, today, partial=months) == D(2026, 11, 1)
    # The far-future rule still applies on top.
    assert periods.default_month([*months, D(2062, 1, 1)], today, partial=[D(2026, 11, 1)]) == D(2026, 10, 1)


def test_the_demo_store_is_complete_to_its_last_month(store: Store) -> None:
    frame = view.month_completeness(store)
    assert len(frame) == 36 and frame["complete"].all()
    assert view.complete_to(store) == D(2026, 10, 1)
    assert view.partial_note(frame, D(2026, 10, 1)) is None


def test_one_teams_first_audits_imported_for_a_new_month(demo_db: Path, tmp_path: Path) -> None:
    """Issue 13's case: a team's first four audits of November 2026 leave the store complete to
    October; the pages' default month stays October and November says why it is partial."""
    path = tmp_path / "qa.duckdb"
    shutil.copy(demo_db, path)
    with Store(path) as store:
        store.execute("""
            INSERT INTO audit (audit_id, audit_date, tier, team_id, service_id, auditor, auditor_role, overall_grade)
            SELECT 'NOV-' || i, DATE '2026-11-02' + i::INTEGER, 'tier1', 'assessment_01', 'assessment',
                   'Jodie Fenwick', 'team_manager', 2
            FROM range(4) t(i)
        """)
        frame = view.month_completeness(store)
        months = frame["month"].tolist()
        assert months[-1] == D(2026, 11, 1)
        assert view.complete_to(store) == D(2026, 10, 1)
        assert view.partial_months(frame) == [D(2026, 11, 1)]
        assert periods.default_month(months, D(2026, 11, 20), partial=view.partial_months(frame)) == D(2026, 10, 1)
        assert view.partial_note(frame, D(2026, 11, 1)) == (
            "Data complete to October 2026. November 2026 has audits for 1 of the usual 24 teams and no indicator "
            "values yet (usually 200: one per measure and team): its figures are not final."
        )
