"""The ``comparators`` import of DfE files as DfE publishes them: an explore-education-statistics
CSV (BOM, symbols, old and new LA codes, joint returns) and the LAIT long file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from qa_core.io.importer import ImportRejected, import_file, validate_file
from qa_core.io.published import EES_FILES, LAIT_FILE, PUBLIC_DIR, published_frames
from qa_core.store import Store
from tests.unit.test_import_support import assert_same, copy_demo, log, snapshot

C1 = PUBLIC_DIR / EES_FILES["c1"]
PUBLISHED = ["published_value", "published_measure", "published_la", "comparator"]
D3_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
             "old_la_code,new_la_code,la_name,category,CPP_start,CPP_subsequent,CPP_subsequent_percent\n")


@pytest.fixture
def demo_store(demo_db: Path, tmp_path: Path) -> Iterator[Store]:
    with Store(copy_demo(demo_db, tmp_path)) as store:
        yield store


def _values(store: Store, like: str) -> pd.DataFrame:
    frame = store.query("SELECT * FROM published_value WHERE measure LIKE ? ORDER BY ALL", [like])
    return frame.reset_index(drop=True)


def _d3(rows: list[str], bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + D3_HEADER + "".join(r + "\r\n" for r in rows)).encode("utf-8")


def _la(year: str, old: str, new: str, name: str, start: str = "40", sub: str = "10", pct: str = "25.0",
        region: str = "E12000002,North West") -> str:
    return f"{year},Reporting year,Local authority,E92000001,England,{region},{old},{new},{name},x,{start},{sub},{pct}"


def test_the_real_c1_file_loads_every_figure_as_published_and_again_unchanged(demo_store: Store) -> None:
    demo_store.execute("DELETE FROM published_value WHERE measure LIKE 'c1.%'")
    result = import_file(demo_store, "comparators", C1, user="Priya")
    expected = published_frames()["published_value"]
    expected = expected[expected["measure"].str.startswith("c1.")]
    assert result.added == len(expected) and result.replaced == result.removed == 0
    got = _values(demo_store, "c1.%")
    want = expected.sort_values(list(got.columns)).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.sort_values(list(got.columns)).reset_index(drop=True), want,
                                  check_dtype=False)
    assert (got["symbol"].notna() == got["value"].isna()).all()  # a symbol is never a 0
    assert set(got["symbol"].dropna()) <= {"c", "x", "z", "k", "u", "low", ":"}
    before = snapshot(demo_store, PUBLISHED)
    again = import_file(demo_store, "comparators", C1, user="Priya")
    assert again.unchanged == len(expected) and again.added == again.replaced == again.removed == 0
    assert any("left unchanged" in m for m in again.messages)
    assert_same(before, snapshot(demo_store, PUBLISHED))
    logged = log(demo_store)
    assert logged["status"].tolist()[-2:] == ["imported", "imported"]
    assert logged["kind"].tolist()[-1] == "comparators" and logged["file_name"].iloc[-1] == C1.name


def test_a_corrected_file_replaces_the_years_it_holds_and_says_so(demo_store: Store) -> None:
    raw = pd.read_csv(C1, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    part = raw[raw["time_period"] == "2024"].copy()
    rows = len(part)
    part.loc[part["old_la_code"] == "356", "rereferral_percent"] = "c"  # Stockport's figure now suppressed
    data = part.to_csv(index=False).encode("utf-8")
    result = import_file(demo_store, "comparators", data, "c1_corrected.csv")
    assert result.replaced == 1
    assert f"2024 figures for c1.rereferral_percent replaced ({rows} rows)" in result.messages
    row = demo_store.query("SELECT value, symbol FROM published_value WHERE measure = 'c1.rereferral_percent' "
                           "AND year = 2024 AND area_code = '356'")
    assert pd.isna(row["value"].iloc[0]) and row["symbol"].iloc[0] == "c"
    # A (measure, year) is replaced as a whole: a figure held and not in the file is removed.
    smaller = part[part["old_la_code"] != "357"].to_csv(index=False).encode("utf-8")
    result = import_file(demo_store, "comparators", smaller, "c1_corrected.csv")
    assert result.removed == 4 and any("held before and not in this file removed" in m for m in result.messages)


def test_a_mangled_dfe_file_lists_every_problem_and_changes_nothing(demo_store: Store) -> None:
    before = snapshot(demo_store, PUBLISHED)
    data = _d3([
        _la("2024", "356", "E08000007", "Stockport", pct="n/a"),          # row 2: a bad symbol
        _la("2024", "999", "E08999999", "Nowhere"),                        # row 3: an unknown LA
        _la("2024", "357", "E08000008", "Tameside"),                       # rows 4, 5: a duplicate
        _la("2024", "357", "E08000008", "Tameside"),
        _la("2024-2025x", "358", "E08000009", "Trafford"),                 # row 6: not a year
    ])
    with pytest.raises(ImportRejected) as caught:
        import_file(demo_store, "comparators", data, "d3_mangled.csv")
    problems = {(p.row, p.column): p.message for p in caught.value.problems}
    assert "neither a number nor one of DfE's symbols" in problems[(2, "CPP_subsequent_percent")]
    assert "no LA with the old code '999'" in problems[(3, "old_la_code")]
    assert "also row 5" in problems[(4, "old_la_code")] and "also row 4" in problems[(5, "old_la_code")]
    assert "not a year" in problems[(6, "time_period")]
    assert not any(m[0].islower() for m in problems.values())
    assert_same(before, snapshot(demo_store, PUBLISHED))
    assert log(demo_store)["status"].iloc[-1] == "rejected"


def test_a_missing_column_is_reported_on_the_header_row(demo_store: Store) -> None:
    data = _d3([_la("2024", "356", "E08000007", "Stockport")]).replace(b",CPP_subsequent_percent", b",other")
    result = validate_file(demo_store, "comparators", data, "d3_short.csv")
    assert [(p.row, p.column) for p in result.problems] == [(1, "CPP_subsequent_percent")]
    assert "lacks the column" in result.problems[0].message
    no_name = validate_file(demo_store, "comparators", data.replace(b",other", b",CPP_subsequent_percent")
                            .replace(b"CPP_start", b"starts"), "upload.csv")
    assert not no_name.ok and "none of the measure columns" in no_name.problems[0].message


def test_bom_joint_returns_symbols_and_a_new_code_only(demo_store: Store) -> None:
    data = _d3([
        _la("2026", "314/318", "E09000021 / E09000027", "Kingston upon Thames / Richmond upon Thames",
            region="E13000002,Outer London"),
        _la("2026", "", "E08000007", "Stockport", sub="k", pct="k"),      # the old code from the new one
        _la("2026", "357", "E08000008", "Tameside", sub="low", pct="0"),  # a true zero stays 0
    ])
    assert data.startswith(b"\xef\xbb\xbf")
    result = import_file(demo_store, "comparators", data, "d3_extra.csv")
    assert result.added == 6
    got = _values(demo_store, "d3.%").query("year == 2026").set_index(["measure", "area_code"])
    assert set(got.index.get_level_values(1)) == {"314 / 318", "356", "357"}
    pct = got.loc["d3.cpp_subsequent_percent"]
    assert pd.isna(pct.loc["356", "value"]) and pct.loc["356", "symbol"] == "k"
    assert pct.loc["357", "value"] == 0 and pd.isna(pct.loc["357", "symbol"])
    assert "2026 figures for d3.cpp_subsequent_percent added (3 rows)" in result.messages


def test_a_joint_return_the_store_lacks_is_added_as_an_la(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.duckdb") as store:
        data = _d3([_la("2024", "314 / 318", "E09000021 / E09000027", "Kingston upon Thames / Richmond upon Thames",
                        region="E13000002,Outer London"), _la("2024", "909", "E10000006", "Cumbria")])
        result = import_file(store, "comparators", data, "d3_x.csv")
        assert result.added == 4
        las = store.query("SELECT old_la_code, status FROM published_la ORDER BY 1")
        assert las.values.tolist() == [["314 / 318", "joint"], ["909", "abolished"]]
        assert store.scalar("SELECT count(*) FROM published_measure") == 2


def test_a_slice_of_the_lait_long_file(demo_store: Store, tmp_path: Path) -> None:
    lait = pd.read_csv(PUBLIC_DIR / LAIT_FILE, dtype=str, keep_default_na=False)
    part = lait[(lait["measure_short"] == "ReReferral") & (lait["year"].isin(["2019", "2020"]))]
    assert (part["value"] == "").any()  # LAIT's '-'
    path = tmp_path / "lait_slice.csv"
    part.to_csv(path, index=False)
    result = import_file(demo_store, "comparators", path)
    assert result.unchanged == len(part) and result.added == 0  # the demo build holds the same figures
    demo_store.execute("DELETE FROM published_value WHERE measure = 'ReReferral' AND year = 2020")
    result = import_file(demo_store, "comparators", path)
    assert result.added == int((part["year"] == "2020").sum())
    got = demo_store.query("SELECT * FROM published_value WHERE measure = 'ReReferral' AND year = 2020")
    assert (got["symbol"].isna() == got["value"].notna()).all() and set(got["symbol"].dropna()) == {"-"}
    bad = part.head(3).copy()
    bad.iloc[0, bad.columns.get_loc("value")] = "lots"
    bad.iloc[1, bad.columns.get_loc("la_number")] = "999"
    bad.iloc[2, bad.columns.get_loc("measure_short")] = "NoSuchMeasure"
    checked = validate_file(demo_store, "comparators", bad.to_csv(index=False).encode(), "lait_bad.csv")
    where = {(p.row, p.column) for p in checked.problems}
    assert {(2, "value"), (3, "la_number"), (4, "measure_short")} <= where


def test_a_dry_run_counts_and_writes_nothing(demo_store: Store) -> None:
    demo_store.execute("DELETE FROM published_value WHERE measure LIKE 'c1.%' AND year = 2025")
    before = snapshot(demo_store, PUBLISHED)
    logged = len(log(demo_store))
    result = import_file(demo_store, "comparators", C1, dry_run=True)
    assert result.added > 0 and result.dry_run
    assert any("would be added" in m for m in result.messages)
    assert_same(before, snapshot(demo_store, PUBLISHED))
    assert len(log(demo_store)) == logged


def test_the_store_format_is_unchanged(demo_store: Store) -> None:
    data = b"code,period,comparator,value,symbol\r\nNOPE,2026,england,1,\r\n"
    result = validate_file(demo_store, "comparators", data, "comparators.csv")
    assert [p.column for p in result.problems] == ["code"]
