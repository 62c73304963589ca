"""The demo council's Annex A (``qa_core.demo.annex_a``): deterministic, fictional, at a mid-sized council's
volumes for its teams, and what ``build_demo(annex_a=True)`` stores is what importing its workbook stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from qa_core.demo import DEMO_END, build_demo, is_demo_store
from qa_core.demo.annex_a import annex_a_frames, annex_a_sheets, annex_a_workbook
from qa_core.io.annex_a.catalogue import CODES
from qa_core.io.annex_a.privacy import key_path
from qa_core.io.importer import import_file
from qa_core.store import Store
from qa_core.views.clinic import clinic_report

END = DEMO_END.date()


def _org() -> tuple[pd.DataFrame, pd.DataFrame]:
    from qa_core.demo.catalogue import SERVICES

    services = pd.DataFrame([dict(service_id=s, name=n, sort_order=k) for k, (s, n, _) in enumerate(SERVICES, 1)])
    teams = pd.DataFrame(
        [
            dict(team_id=f"{s}_{i:02d}", service_id=s, name=t)
            for s, _, stems in SERVICES
            for i, t in enumerate(stems, start=1)
        ]
    )
    return services, teams


def test_the_same_seed_gives_the_same_lists_and_another_seed_others() -> None:
    _, teams = _org()
    one = annex_a_sheets(teams, END, months=3, seed=1, volume=0.3)
    again = annex_a_sheets(teams, END, months=3, seed=1, volume=0.3)
    other = annex_a_sheets(teams, END, months=3, seed=2, volume=0.3)
    for name in one:
        pd.testing.assert_frame_equal(one[name], again[name])
    assert not one["List 3"].equals(other["List 3"])
    assert [f"List {n}" for n in range(1, 12)] == list(one)


def test_volumes_are_a_mid_sized_councils() -> None:
    _, teams = _org()
    sheets = annex_a_sheets(teams, END, months=12, seed=1)
    per_month = {name: len(frame) / 12 for name, frame in sheets.items()}
    assert 900 <= per_month["List 1"] <= 1100  # contacts a month
    assert 200 <= per_month["List 3"] <= 320  # referrals
    assert 200 <= per_month["List 4"] <= 280  # assessments authorised
    assert 60 <= per_month["List 5"] <= 100  # section 47 enquiries
    referrals = sheets["List 3"]
    assert set(referrals["Allocated Team"]) <= set(teams["name"])
    assert referrals["Date of Referral"].min() >= dt.date(2025, 11, 1)


def test_the_demo_rows_are_what_importing_its_workbook_stores(tmp_path: Path) -> None:
    services, teams = _org()
    path = tmp_path / "qa.duckdb"
    with Store(path) as store:
        store.insert_frames({"service": services, "team": teams})
        direct = annex_a_frames(teams, services, END, path, months=3, seed=5, volume=0.3)
        book = annex_a_workbook(annex_a_sheets(teams, END, months=3, seed=5, volume=0.3))
        result = import_file(store, "annex_a", book, "demo-annex-a.xlsx", user="t")  # the same key: beside `path`
        assert result.ok, result.report()
        for table, key in (
            ("indicator_value", ["code", "period", "team_id"]),
            ("annex_a_record", ["record_id"]),
            ("annex_a_count", ["code", "period", "record_id"]),
        ):
            held = store.query(f"SELECT * FROM {table}").sort_values(key).reset_index(drop=True)
            made = direct[table][list(held.columns)].sort_values(key).reset_index(drop=True)
            for column in held.columns:
                if "period" in column or "date" in column or "month" in column:
                    held[column] = pd.to_datetime(held[column]).astype("datetime64[ns]")
                    made[column] = pd.to_datetime(made[column]).astype("datetime64[ns]")
                elif held[column].dtype == object or pd.api.types.is_string_dtype(held[column]):
                    held[column] = held[column].astype(object).where(held[column].notna(), None)
                    made[column] = made[column].astype(object).where(made[column].notna(), None)
            pd.testing.assert_frame_equal(held, made, check_dtype=False, obj=table)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("demo-aa") / "qa.duckdb"
    build_demo(path, annex_a=True)
    yield path


def test_the_demo_with_its_annex_a_runs_its_clinic_on_the_derived_measures(demo: Path) -> None:
    assert key_path(demo).exists()
    with Store(demo, read_only=True) as store:
        assert is_demo_store(store)  # built, not imported: the local demo still opens it
        report = clinic_report(store, "assessment", dt.date(2026, 10, 1)).set_index("code")
        assert {"AA_REFERRALS", "AA_REREF_12M", "AA_ASSESS_45WD", "AA_ICPC_15WD"} <= set(report.index)
        # DfE publishes re-referrals, assessments in 45 working days and ICPCs in 15: the clinic shows the
        # neighbours' median and England beside them.
        assert (
            report.loc[["AA_REREF_12M", "AA_ASSESS_45WD", "AA_ICPC_15WD"], ["sn_median", "england"]].notna().all().all()
        )
        assert report.loc["AA_ASSESS_45WD", "rag"] in ("Green", "Amber", "Red")
        months = store.query("SELECT count(DISTINCT period) AS n FROM indicator_value WHERE code = 'AA_REFERRALS'")
        assert int(months["n"].iloc[0]) == 24  # enough months for SPC limits
        codes = set(store.query("SELECT DISTINCT code FROM indicator_value WHERE code LIKE 'AA%'")["code"])
        assert codes == set(CODES)


def test_the_demo_without_its_annex_a_is_unchanged(demo: Path, demo_db: Path) -> None:
    with Store(demo_db, read_only=True) as plain, Store(demo, read_only=True) as with_annex:
        assert plain.scalar("SELECT count(*) FROM annex_a_record") == 0
        assert not key_path(demo_db).exists()
        for table in ("audit", "risk_review", "plan_area_rag"):
            pd.testing.assert_frame_equal(
                plain.query(f"SELECT * FROM {table} ORDER BY ALL"),
                with_annex.query(f"SELECT * FROM {table} ORDER BY ALL"),
            )
        ours = "SELECT * FROM indicator_value WHERE code NOT LIKE 'AA%' ORDER BY ALL"
        pd.testing.assert_frame_equal(plain.query(ours), with_annex.query(ours))
