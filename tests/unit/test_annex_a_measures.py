"""The Annex A measures on a small workbook whose answers are counted by hand (``annex_a_support``: each
case is explained where the workbook is written). Imported through the real import kind into a store
with the teams named in it, then read back the way the clinic reads it: sums of numerators and
denominators per team, service and council."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest

from qa_core.io.annex_a.catalogue import CODES, MEASURES, UNALLOCATED_TEAM
from qa_core.io.annex_a.measures import two_years_on
from qa_core.io.importer import import_file
from qa_core.store import Store, queries
from qa_core.views import annex_a_records
from tests.unit.annex_a_support import hand_worked_workbook, org_store

D = dt.date


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    held = org_store()
    result = import_file(held, "annex_a", hand_worked_workbook(), "hand-worked.xlsx", user="test")
    assert result.ok, result.report()
    held.result = result
    yield held
    held.close()


def figure(
    store: Store, code: str, month: dt.date, team: str | None = None, service: str | None = None
) -> tuple[float | None, float | None]:
    """(numerator, denominator) summed as the clinic sums them; a count measure: (count, None)."""
    level, org = ("team", team) if team else ("service", service) if service else ("la", None)
    series = queries.indicator_series(store, code, level, org)
    row = series[pd.to_datetime(series["period"]).dt.date == month]
    if row.empty:
        return (None, None)
    numerator, denominator = row["numerator"].iloc[0], row["denominator"].iloc[0]
    return float(numerator), (None if pd.isna(denominator) else float(denominator))


def test_the_months_covered_are_the_fourteen_whole_months(store: Store) -> None:
    months = sorted(
        set(
            pd.to_datetime(
                store.query("SELECT DISTINCT period FROM indicator_value WHERE code = 'AA_CPP_OPEN'")["period"]
            ).dt.date
        )
    )
    assert months[0] == D(2023, 1, 1) and months[-1] == D(2024, 2, 1) and len(months) == 14
    # The status measures are given for the last month only.
    assert store.query("SELECT DISTINCT period FROM indicator_value WHERE code = 'AA_CL_EET'")["period"].tolist() == [
        pd.Timestamp("2024-02-01")
    ]


def test_contacts_count_in_the_not_allocated_bucket(store: Store) -> None:
    assert figure(store, "AA_CONTACTS", D(2023, 1, 1)) == (1, None)
    assert figure(store, "AA_CONTACTS", D(2024, 2, 1), team=UNALLOCATED_TEAM) == (1, None)
    assert figure(store, "AA_CONTACTS", D(2023, 6, 1)) == (None, None)  # no contact that month: no figure


def test_referrals_re_referrals_and_no_further_action(store: Store) -> None:
    assert figure(store, "AA_REFERRALS", D(2023, 1, 1)) == (2, None)  # C1 10 Jan, C2 16 Jan
    assert figure(store, "AA_REFERRALS", D(2024, 2, 1)) == (3, None)  # C4 5 Feb, C2 20 Feb, C3 29 Feb
    # C1's second referral, 11 months after its first: a re-referral.
    assert figure(store, "AA_REREF_12M", D(2023, 12, 1)) == (1, 1)
    # February 2024: C3 (28 Feb 2023 is within the 12 months before 29 Feb 2024) and C4 (its count says 2);
    # not C2 (its earlier referral was 13 months before).
    assert figure(store, "AA_REREF_12M", D(2024, 2, 1)) == (2, 3)
    assert figure(store, "AA_REREF_12M", D(2023, 1, 1)) == (0, 2)
    # NFA: C2 'Yes' (no letter) and C4 'a) Yes'.
    assert figure(store, "AA_REF_NFA", D(2024, 2, 1)) == (2, 3)
    assert figure(store, "AA_REF_NFA", D(2023, 2, 1), team="mash") == (0, 1)


def test_assessments_within_45_working_days_across_easter_and_may(store: Store) -> None:
    # June 2023: A1 in 45 working days (North), A2 in 46 (South; its date is a formula with no value stored).
    assert figure(store, "AA_ASSESS_45WD", D(2023, 6, 1), team="north") == (1, 1)
    assert figure(store, "AA_ASSESS_45WD", D(2023, 6, 1), team="south") == (0, 1)
    assert figure(store, "AA_ASSESS_45WD", D(2023, 6, 1), service="assessment") == (1, 2)  # summed, not averaged
    assert figure(store, "AA_ASSESS_45WD", D(2024, 2, 1)) == (1, 1)  # A3: 28 -> 29 Feb 2024, 1 working day
    assert figure(store, "AA_SEEN_IN_ASSESS", D(2023, 6, 1), service="assessment") == (1, 2)
    days = store.query(
        "SELECT working_days FROM annex_a_count WHERE code = 'AA_ASSESS_45WD' ORDER BY period, working_days"
    )["working_days"].tolist()
    assert days == [45, 46, 1]


def test_section_47s_and_icpcs_across_christmas(store: Store) -> None:
    assert figure(store, "AA_S47", D(2023, 12, 1)) == (4, None)
    assert figure(store, "AA_S47_NO_ICPC", D(2023, 12, 1)) == (1, 4)  # S4 only: S3's blank is not "yes"
    # January 2024: S1 in 15 working days (21 Dec -> 16 Jan), S2 in 16; S3 (no ICPC date) is in no ICPC figure.
    assert figure(store, "AA_ICPC_15WD", D(2024, 1, 1), team="sg1") == (1, 2)
    assert figure(store, "AA_ICPC_15WD", D(2023, 12, 1)) == (None, None)


def test_child_protection_plans_open_and_two_years_at_month_end(store: Store) -> None:
    assert figure(store, "AA_CPP_OPEN", D(2023, 1, 1)) == (1, None)  # P1
    assert figure(store, "AA_CPP_OPEN", D(2023, 12, 1)) == (2, None)  # P1, P2
    assert figure(store, "AA_CPP_OPEN", D(2024, 1, 1)) == (3, None)  # P1, P2, P3
    assert figure(store, "AA_CPP_OPEN", D(2024, 2, 1)) == (2, None)  # P2 ended on 29 Feb, the month's last day
    assert figure(store, "AA_CPP_2YRS", D(2023, 12, 1)) == (0, 2)
    assert figure(store, "AA_CPP_2YRS", D(2024, 1, 1)) == (1, 3)  # P1 reaches exactly 2 years on 31 Jan 2024
    assert figure(store, "AA_CPP_2YRS", D(2024, 2, 1)) == (1, 2)


def test_a_plan_started_on_a_leap_day_reaches_two_years_on_1_march() -> None:
    got = two_years_on(pd.Series(pd.to_datetime(["2024-02-29", "2022-01-31", "2024-02-28"])))
    assert got.dt.date.tolist() == [D(2026, 3, 1), D(2024, 1, 31), D(2026, 2, 28)]


def test_children_in_care_reviews_in_date_at_the_last_month_end(store: Store) -> None:
    # At 29 Feb 2024: L1 (review 1 Dec 2023) in date; L2 (28 Aug 2023, a day before 29 Aug) not; L6 (in care since
    # 2 Jan, 42 working days, no review) not. L3 (8 working days in care) not due; L4 left care; L5's latest
    # review (5 Mar 2024) is after the month end: left out.
    assert figure(store, "AA_CLA_REVIEW_IN_DATE", D(2024, 2, 1)) == (1, 3)
    assert figure(store, "AA_CLA_REVIEW_IN_DATE", D(2024, 1, 1)) == (None, None)


def test_care_leavers_in_touch_suitable_and_in_education_employment_or_training(store: Store) -> None:
    # CL3 died: left out of all three. CL1 yes/suitable/F1; CL2 no/unsuitable/G5; CL4 yes/blank/P3.
    assert figure(store, "AA_CL_IN_TOUCH", D(2024, 2, 1)) == (2, 3)
    assert figure(store, "AA_CL_SUITABLE", D(2024, 2, 1)) == (1, 3)
    assert figure(store, "AA_CL_EET", D(2024, 2, 1)) == (2, 3)


def test_every_number_is_the_count_of_the_records_behind_it(store: Store) -> None:
    """Numerators and denominators summed from the counted records, every measure, month and team."""
    held = store.query("""
        SELECT v.code, v.period, v.team_id, v.numerator, v.denominator, v.value,
               count(c.record_id) AS records, count(*) FILTER (WHERE c.met) AS met
        FROM indicator_value v LEFT JOIN annex_a_count c USING (code, period, team_id)
        WHERE v.code LIKE 'AA%' GROUP BY ALL""")
    sums = {m["code"]: m["aggregation"] == "sum" for m in MEASURES}
    for row in held.itertuples():
        if sums[row.code]:
            assert row.value == row.numerator == row.records and pd.isna(row.denominator)
        else:
            assert (row.numerator, row.denominator) == (row.met, row.records)
    assert set(held["code"]) == set(CODES)


def test_the_records_behind_a_number(store: Store) -> None:
    rows = annex_a_records.records_behind(store, "AA_ICPC_15WD", D(2024, 1, 1), service_id="cp")
    assert rows["working_days"].tolist() == [16, 15]  # the one out of time first
    assert rows["met"].tolist() == [False, True]
    assert rows["team"].tolist() == ["Safeguarding 1"] * 2

    def days(column: str) -> list[dt.date]:
        return pd.to_datetime(rows[column]).dt.date.tolist()

    assert days("start_date") == [D(2023, 12, 21)] * 2
    assert days("end_date") == [D(2024, 1, 17), D(2024, 1, 16)]
    assert days("birth_month") == [D(2012, 12, 1)] * 2  # month and year only
    assert annex_a_records.records_total(store, "AA_ICPC_15WD", D(2024, 1, 1), service_id="cp") == {
        "records": 2,
        "met": 1,
    }


def test_the_catalogue_defines_every_code_and_links_the_published_ones(store: Store) -> None:
    catalogue = store.query(
        "SELECT code, description, published_measure, source FROM indicator WHERE code LIKE 'AA%' ORDER BY sort_order"
    ).set_index("code")
    assert list(catalogue.index) == list(CODES)
    assert all("List" in d for d in catalogue["description"])
    assert catalogue["published_measure"].dropna().to_dict() == {
        "AA_REREF_12M": "ReReferral",
        "AA_ASSESS_45WD": "Continue_Assess_Comp",
        "AA_ICPC_15WD": "CP_conf_15days",
        "AA_CPP_2YRS": "CPPlans2yrsActive",
    }
    assert set(annex_a_records._LIST_OF) == set(CODES)
