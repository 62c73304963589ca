"""Reading DfE EES files as published: BOM, symbols kept distinct from 0, joint returns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qa_core.errors import QAError
from qa_core.io.published import PUBLISHED_SYMBOLS, load_ees, published_frames
from qa_core.store import Store
from qa_core.views.benchmarks import benchmark_report

HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
          "old_la_code,new_la_code,la_name,category,CPP_start,CPP_subsequent,CPP_subsequent_percent\n")


def _d3(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "d3_test.csv"
    path.write_bytes(("\ufeff" + HEADER + "".join(r + "\n" for r in rows)).encode("utf-8"))
    return path


def test_symbols_are_kept_and_never_zero(tmp_path: Path) -> None:
    rows = [f"2024,Reporting year,Local authority,E92000001,England,E12000002,North West,{c},E0800{c},LA {c},"
            f"x,10,{s},{s}" for c, s in zip(("350", "351", "352", "353", "354", "355"),
                                           ("c", "x", "z", "k", "u", "low"), strict=True)]
    rows.append("2024,Reporting year,Local authority,E92000001,England,E12000002,North West,356,E08000007,"
                "Stockport,x,10,0,0")
    values, measures, _ = load_ees(_d3(tmp_path, rows), "d3")
    pct = values[values["measure"] == "d3.cpp_subsequent_percent"].set_index("area_code")
    assert pct.loc["356", "value"] == 0 and pd.isna(pct.loc["356", "symbol"])  # a true zero
    for code, sym in zip(("350", "351", "352", "353", "354", "355"), ("c", "x", "z", "k", "u", "low"), strict=True):
        assert pd.isna(pct.loc[code, "value"]) and pct.loc[code, "symbol"] == sym
        assert sym in PUBLISHED_SYMBOLS
    assert set(measures["polarity"]) <= {"High", "Low", "-"}


def test_joint_return_codes_are_normalised_and_listed(tmp_path: Path) -> None:
    rows = ["2024,Reporting year,Local authority,E92000001,England,E13000002,Outer London,314/318,"
            "E09000021 / E09000027,Kingston upon Thames / Richmond upon Thames,x,40,10,25.0"]
    values, _, las = load_ees(_d3(tmp_path, rows), "d3")
    assert set(values["area_code"]) == {"314 / 318"}
    assert las["new_la_code"].tolist() == ["E09000021 / E09000027"]


def test_bad_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "d3_bad.csv"
    path.write_text("time_period,old_la_code\n2024,356\n", encoding="utf-8")
    with pytest.raises(QAError, match="lacks the column"):
        load_ees(path, "d3")
    with pytest.raises(QAError, match="no measures"):
        load_ees(path, "zz")
    rows = ["2024,Reporting year,Local authority,E92000001,England,E12000002,North West,356,E08000007,S,x,1,1,1"] * 2
    with pytest.raises(QAError, match="more than one row"):
        load_ees(_d3(tmp_path, rows), "d3")


def test_published_frames_cover_every_la(tmp_path: Path) -> None:
    frames = published_frames()
    las = frames["published_la"].set_index("old_la_code")
    assert (las["status"] == "current").sum() == 153
    assert las.loc["928", "successors"] == "940;941" and las.loc["940", "predecessors"] == "928"
    assert las.loc["839", "predecessors"] == "835;836;837"
    assert las.loc["314 / 318", "status"] == "joint"
    assert len(frames["statistical_neighbour"]) == 1530
    assert frames["ilacs_judgement"]["la_code"].notna().all()
    assert frames["published_measure"]["measure"].is_unique
    with Store(tmp_path / "p.duckdb") as store:
        counts = store.insert_frames(frames)
        assert counts["published_value"] == store.scalar("SELECT count(*) FROM published_value")
        assert benchmark_report(store, "356", "ReReferral", 2024)["sn_count"].tolist() == [10]


def test_c4_icpc_within_15_days_is_derived_from_the_duration_counts() -> None:
    """Stockport (356), 2024, raw C4 row: ICPC 391; 0-10 days 54, 11-15 days 255.
    (54 + 255) / 391 = 309 / 391 = 79.03% → 79.0, with 309 of 391 kept as the counts."""
    from qa_core.io.published import EES_FILES, PUBLIC_DIR
    values, measures, _ = load_ees(PUBLIC_DIR / EES_FILES["c4"], "c4")
    row = values[(values["measure"] == "c4.icpc_within_15_days_percent") & (values["year"] == 2024)
                 & (values["area_code"] == "356")].iloc[0]
    assert row["value"] == 79.0 and row["numerator"] == 309 and row["denominator"] == 391
    assert measures.set_index("measure").loc["c4.icpc_within_15_days_percent", "polarity"] == "High"
    # A part withheld by DfE ('c') makes the derived figure 'c' too, never a smaller number.
    withheld = values[(values["measure"] == "c4.icpc_within_15_days_percent") & (values["symbol"] == "c")]
    assert len(withheld) > 0 and withheld["value"].isna().all()


def test_cla_rows_are_split_by_population_type_and_d5_has_its_counts() -> None:
    """Stockport 2024: CLA at 31 March 493 of 64,311 children, published rate 77 per 10,000
    (493 / 64,311 × 10,000 = 76.7); starting 188, rate 29. D5: 13 of 265 plans open 2 years or
    more, 4.9% (13 / 265 = 4.91%)."""
    from qa_core.io.published import EES_FILES, PUBLIC_DIR
    cla, _, _ = load_ees(PUBLIC_DIR / EES_FILES["cla"], "cla")
    mine = cla[(cla["area_code"] == "356") & (cla["year"] == 2024)].set_index("measure")
    assert mine.loc["cla.rate_per_10000", ["value", "numerator", "denominator"]].tolist() == [77, 493, 64311]
    assert mine.loc["cla.starting_rate_per_10000", ["value", "numerator"]].tolist() == [29, 188]
    d5, _, _ = load_ees(PUBLIC_DIR / EES_FILES["d5"], "d5")
    plan = d5[(d5["area_code"] == "356") & (d5["year"] == 2024)
              & (d5["measure"] == "d5.cpp_2_years_or_more_percent")].iloc[0]
    assert [plan["value"], plan["numerator"], plan["denominator"]] == [4.9, 13, 265]


def test_a_category_file_refuses_two_rows_for_one_category(tmp_path: Path) -> None:
    head = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
            "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000\n")
    row = ("2024,Reporting year,Local authority,E92000001,England,E12000002,North West,356,Stockport,E08000007,"
           "Children looked after on 31 March each year,64311,493,77\n")
    other = row.replace("looked after on 31 March each year", "starting to be looked after each year")
    path = tmp_path / "cla_test.csv"
    path.write_text(head + row + other, encoding="utf-8")
    values, _, _ = load_ees(path, "cla")  # two categories of one LA and year: fine
    assert len(values) == 2
    path.write_text(head + row + row, encoding="utf-8")
    with pytest.raises(QAError, match="more than one row"):
        load_ees(path, "cla")
