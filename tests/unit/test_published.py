"""Reading DfE EES files as published: BOM, symbols kept distinct from 0, joint returns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from qa_core.benchmark import benchmark_report
from qa_core.errors import QAError
from qa_core.published import SYMBOLS, load_ees, published_frames, write_published
from qa_core.store import Store

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
        assert sym in SYMBOLS
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


def test_published_frames_cover_every_la_and_reload_replaces(tmp_path: Path) -> None:
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
        write_published(store, frames)
        counts = write_published(store, frames)  # again: replaced, not doubled
        assert counts["published_value"] == store.scalar("SELECT count(*) FROM published_value")
        assert benchmark_report(store, "356", "ReReferral", 2024)["sn_count"].tolist() == [10]
