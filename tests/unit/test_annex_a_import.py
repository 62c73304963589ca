"""The import kind ``annex_a``: all or nothing, idempotent, what a later workbook replaces, partial months,
privacy on the way in (the key beside the store), the command line, and Social Finance's synthetic sample."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from qa_core.io.annex_a.catalogue import UNALLOCATED_NAME, UNALLOCATED_TEAM
from qa_core.io.annex_a.privacy import KEY_SUFFIX, PseudonymKey, key_path, pseudonymise
from qa_core.io.importer import ImportRejected, export_frame, import_file, import_history, validate_file
from qa_core.store import PROJECT_ROOT, Store
from tests.unit.annex_a_support import CHILD_NAMES, D, hand_worked_sheets, hand_worked_workbook, org_store, workbook

SAMPLE = PROJECT_ROOT / "data" / "public" / "SYNTHETIC_annex_a_sample_socialfinance.xlsx"
TABLES = [
    "indicator",
    "indicator_service",
    "indicator_value",
    "annex_a_record",
    "annex_a_count",
    "annex_a_month",
    "service",
    "team",
    "comparator",
]


def snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {t: store.query(f'SELECT * FROM "{t}" ORDER BY ALL') for t in TABLES}


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(a[table], b[table], obj=table)


@pytest.fixture
def file_store(tmp_path: Path) -> Store:
    store = org_store(str(tmp_path / "qa.duckdb"))
    yield store
    store.close()


def test_importing_the_same_workbook_again_changes_nothing(file_store: Store) -> None:
    first = import_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    assert first.added > 0 and first.replaced == first.removed == first.unchanged == 0
    before = snapshot(file_store)
    again = import_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    assert (again.added, again.replaced, again.removed, again.unchanged) == (0, 0, 0, first.added)
    assert any("already held exactly as in this file" in m for m in again.messages)
    assert_same(before, snapshot(file_store))
    log = import_history(file_store)
    assert log["kind"].tolist() == ["annex_a", "annex_a"] and log["status"].tolist() == ["imported"] * 2


def _later_workbook() -> bytes:
    """January and February 2024 again, with February's referrals changed: C4 gone, C5 new (NFA, no earlier)."""
    sheets = hand_worked_sheets()
    sheets["List 1"] = [
        sheets["List 1"][0],
        ["K3", None, D(2015, 1, 1), D(2024, 1, 2), "Police"],
        ["K4", None, D(2015, 1, 1), D(2024, 2, 29), "Police"],
    ]
    referrals = [
        r
        for r in sheets["List 3"][1:]
        if r[0] != "C4"
        and pd.Timestamp(r[2] if not isinstance(r[2], str) else pd.to_datetime(r[2], dayfirst=True))
        >= pd.Timestamp("2024-01-01")
    ]
    sheets["List 3"] = [
        sheets["List 3"][0],
        *referrals,
        ["C5", D(2017, 4, 4), D(2024, 2, 14), "a) Yes", 0, "MASH", "X"],
    ]
    return workbook(sheets)


def test_a_later_workbook_replaces_the_months_it_covers_and_keeps_the_rest(file_store: Store) -> None:
    import_file(file_store, "annex_a", hand_worked_workbook(), "first.xlsx", user="t")
    dec = file_store.query("SELECT * FROM indicator_value WHERE period = DATE '2023-12-01' ORDER BY ALL")
    later = import_file(file_store, "annex_a", _later_workbook(), "later.xlsx", user="t")
    assert later.ok
    # Its months are January and February 2024 (2 Jan is January's first working day: 1 Jan was a bank holiday).
    assert any(m.startswith("Months given: January 2024 to February 2024") for m in later.messages)
    # December 2023 and before: kept as they were.
    pd.testing.assert_frame_equal(
        dec, file_store.query("SELECT * FROM indicator_value WHERE period = DATE '2023-12-01' ORDER BY ALL")
    )
    feb = file_store.query(
        "SELECT code, numerator, denominator FROM indicator_value WHERE period = DATE '2024-02-01' "
        "AND code IN ('AA_REFERRALS', 'AA_REREF_12M', 'AA_REF_NFA') ORDER BY code"
    ).set_index("code")
    # February 2024 now: C2 (20 Feb, NFA yes), C3 (29 Feb, re-referral: its 28 Feb 2023 referral is not in this
    # workbook, so not any more), C5 (14 Feb, NFA yes). C4 is gone.
    assert feb.loc["AA_REFERRALS", "numerator"] == 3
    assert (feb.loc["AA_REREF_12M", "numerator"], feb.loc["AA_REREF_12M", "denominator"]) == (0, 3)
    assert (feb.loc["AA_REF_NFA", "numerator"], feb.loc["AA_REF_NFA", "denominator"]) == (2, 3)
    # Added: January 2024's contacts (none before); replaced: February's referral figures and contacts (the same
    # count, other records behind it); removed: none (every team with a figure before has one now).
    assert (later.added, later.removed) == (1, 0) and later.replaced >= 4
    # Assessments were authorised in June 2023 and February 2024; the later workbook gives February only.
    june = file_store.scalar(
        "SELECT numerator FROM indicator_value WHERE code = 'AA_ASSESS_45WD' "
        "AND period = DATE '2023-06-01' AND team_id = 'north'"
    )
    assert june == 1
    # Records no number counts any more are gone; those still counted are kept.
    orphans = file_store.scalar(
        "SELECT count(*) FROM annex_a_record r WHERE NOT EXISTS "
        "(SELECT 1 FROM annex_a_count c WHERE c.record_id = r.record_id)"
    )
    assert orphans == 0
    ids = set(file_store.query("SELECT child FROM annex_a_record WHERE list_no = 3")["child"])
    key = _key(file_store)
    assert pseudonymise(["C4"], key)[0] not in ids and pseudonymise(["C5"], key)[0] in ids


def _key(store: Store) -> PseudonymKey:
    return PseudonymKey(bytes.fromhex(key_path(store.path).read_text().strip()), key_path(store.path))


def test_a_partial_month_never_replaces_a_whole_one(file_store: Store) -> None:
    import_file(file_store, "annex_a", hand_worked_workbook(), "first.xlsx", user="t")
    sheets = hand_worked_sheets()
    # Contacts and referrals from 10 January to 29 February 2024: January is only partly there.
    sheets["List 1"] = [
        sheets["List 1"][0],
        ["K9", None, None, D(2024, 1, 10), "Police"],
        ["K9", None, None, D(2024, 2, 29), "Police"],
    ]
    sheets["List 3"] = [sheets["List 3"][0], ["C9", None, D(2024, 2, 12), "No", 0, "MASH", "X"]]
    jan = file_store.query("SELECT * FROM indicator_value WHERE period = DATE '2024-01-01' ORDER BY ALL")
    result = import_file(file_store, "annex_a", workbook(sheets), "partial.xlsx", user="t")
    assert (
        "January 2024 is left out: the workbook's contacts and referrals begin on 10 January 2024, after its "
        "first working day, so the month is not whole." in result.messages
    )
    pd.testing.assert_frame_equal(
        jan, file_store.query("SELECT * FROM indicator_value WHERE period = DATE '2024-01-01' ORDER BY ALL")
    )
    # A workbook of a few days only (no whole month) may not replace the whole month held either.
    sheets["List 1"] = [sheets["List 1"][0], ["K9", None, None, D(2024, 2, 12), "Police"]]
    with pytest.raises(ImportRejected, match="held already for more of the month"):
        import_file(file_store, "annex_a", workbook(sheets), "days.xlsx", user="t")


def test_a_dry_run_writes_nothing_and_makes_no_key(file_store: Store) -> None:
    before = snapshot(file_store)
    checked = validate_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx")
    assert checked.ok and checked.added > 0 and checked.dry_run
    assert all("would be" in m for m in checked.messages if m.startswith("January 2023 Annex A measures"))
    assert_same(before, snapshot(file_store))
    assert not key_path(file_store.path).exists()
    assert import_history(file_store).empty


def test_an_unknown_team_is_refused_naming_sheet_row_and_column(file_store: Store) -> None:
    sheets = hand_worked_sheets()
    sheets["List 4"][2][5] = "Assessment Nrth"
    before = snapshot(file_store)
    with pytest.raises(ImportRejected) as refused:
        import_file(file_store, "annex_a", workbook(sheets), "annex.xlsx", user="t")
    (problem,) = refused.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("List 4", 3, "Allocated Team")
    assert "There is no team 'Assessment Nrth'. Did you mean 'Assessment North'?" in problem.message
    assert_same(before, snapshot(file_store))
    assert import_history(file_store)["status"].tolist() == ["rejected"]


def test_a_failure_while_writing_leaves_the_store_as_it_was(file_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(file_store)

    def boom(self: PseudonymKey) -> None:
        raise RuntimeError("disc full")

    monkeypatch.setattr(PseudonymKey, "save", boom)  # the last step of the write
    result = validate_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx")
    assert result.ok
    with pytest.raises(ImportRejected, match="could not finish"):
        import_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    assert_same(before, snapshot(file_store))


# -- privacy ------------------------------------------------------------------------------------
def test_children_are_pseudonymised_and_their_names_and_birthdays_never_stored(file_store: Store) -> None:
    import_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    path = key_path(file_store.path)
    assert path.name == "qa.duckdb" + KEY_SUFFIX
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    records = file_store.query("SELECT * FROM annex_a_record")
    raw_ids = {str(r[0]) for sheet in hand_worked_sheets().values() for r in sheet[1:] if r and r[0]}
    # No raw identifier is any cell of the store, and no child's name is in any cell's text.
    cells = [
        str(v)
        for t in file_store.table_counts()
        for v in file_store.query(f'SELECT * FROM "{t}"').astype(str).to_numpy().ravel()
    ]
    assert not raw_ids & set(cells)
    assert not any(name in cell for cell in cells for name in CHILD_NAMES)
    assert records["child"].str.fullmatch("[0-9a-f]{16}").all()
    assert (pd.to_datetime(records["birth_month"].dropna()).dt.day == 1).all()
    # The same child has one pseudonym in every list and month: C1's two referrals.
    c1 = pseudonymise(["C1"], _key(file_store))[0]
    assert len(records[records["child"] == c1]) == 2
    # The key is not in the store file.
    file_store.checkpoint()
    assert path.read_text().strip().encode() not in Path(file_store.path).read_bytes()


def test_a_copied_store_without_its_key_is_refused(file_store: Store, tmp_path: Path) -> None:
    import_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    file_store.checkpoint()
    copy = tmp_path / "copy" / "qa.duckdb"
    copy.parent.mkdir()
    shutil.copy(file_store.path, copy)
    with Store(copy) as copied:
        before = snapshot(copied)
        checked = validate_file(copied, "annex_a", hand_worked_workbook(), "annex.xlsx")
        assert not checked.ok and "its pseudonym key" in checked.problems[0].message
        assert "Restore the key file" in checked.problems[0].message
        with pytest.raises(ImportRejected):
            import_file(copied, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
        assert_same(before, snapshot(copied))
    assert not key_path(copy).exists()


def test_a_key_others_can_read_is_named_in_the_report(file_store: Store) -> None:
    import_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    os.chmod(key_path(file_store.path), 0o644)
    again = import_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    assert any("can be read by other accounts" in m and "chmod 600" in m for m in again.messages)


def test_the_same_id_under_another_key_is_another_pseudonym() -> None:
    one = PseudonymKey(b"\x01" * 32, None)
    two = PseudonymKey(b"\x02" * 32, None)
    assert pseudonymise(["C1", "C1", None], one) == [pseudonymise(["C1"], one)[0]] * 2 + [None]
    assert pseudonymise(["C1"], one) != pseudonymise(["C1"], two)
    assert len(pseudonymise(["C1"], one)[0]) == 16


# -- the command line, the export and the sample --------------------------------------------------
def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa_core", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ},
    )


def test_the_command_line_checks_then_imports(tmp_path: Path) -> None:
    org_store(str(tmp_path / "qa.duckdb")).close()
    book = tmp_path / "annex.xlsx"
    book.write_bytes(hand_worked_workbook())
    dry = run("import", "annex_a", str(book), "--db", str(tmp_path / "qa.duckdb"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would be added" in dry.stdout and "Nothing was written (dry run)" in dry.stdout
    done = run("import", "annex_a", str(book), "--db", str(tmp_path / "qa.duckdb"))
    assert done.returncode == 0, done.stderr
    assert "Months given: January 2023 to February 2024" in done.stdout
    assert "A new pseudonym key was made for this store" in done.stdout
    sheets = hand_worked_sheets()
    sheets["List 3"][1][2] = "31/02/2023"
    book.write_bytes(workbook(sheets))
    bad = run("import", "annex_a", str(book), "--db", str(tmp_path / "qa.duckdb"))
    assert bad.returncode == 1
    assert "Sheet 'List 3', row 2, column 'date of referral': '31/02/2023' is not a date that exists" in bad.stderr


def test_export_gives_the_measures_in_the_values_format(file_store: Store) -> None:
    import_file(file_store, "annex_a", hand_worked_workbook(), "annex.xlsx", user="t")
    frame = export_frame(file_store, "annex_a")
    assert list(frame.columns) == ["code", "period", "org_unit", "numerator", "denominator", "value"]
    assert set(frame["code"]) >= {"AA_CONTACTS", "AA_ICPC_15WD"}
    row = frame[(frame["code"] == "AA_ICPC_15WD") & (frame["period"] == "2024-01")].iloc[0]
    assert (row["org_unit"], row["numerator"], row["denominator"]) == ("sg1", 1, 2)


SAMPLE_TEAMS = [
    "Multi Agency Safeguarding Hub",
    "Locality 4 Duty Team",
    "Locality 2 Unit 1",
    "Children in Care Team 1",
    "Children in Care Team 2",
    "Children in Care Team 3",
    "Locality 4 Unit 2",
    "Children with Disabilities Team",
    "Locality 3 Duty Team",
    "Locality 3 Unit 2",
    "Locality 2 Duty Team",
    "Locality 4 Unit 1",
    "Care Leavers Team",
]


def test_social_finances_synthetic_sample_imports() -> None:
    """The sample's contacts and referrals are all on 16 September 2020, so it covers no whole month: September
    2020 is given from that day, said so. Counted by hand from the sample's rows:

    - List 1: 5 contacts (no team column: the 'not allocated' bucket).
    - List 3: 6 referrals; 'Number of Referrals in Last 12 Months' 0, 2, 1, 0, 2, 0: 3 re-referrals; none NFA.
    - List 4: every assessment was authorised from November 2020 on: none in September.
    - List 5: 5 enquiries started 16 Sep 2020, 2 with an ICPC deemed unnecessary; the ICPCs were in October.
    - List 7 at 30 Sep 2020: rows 5 and 6 (27 Apr 2020 to 4 Jan 2021) open; rows 7 and 8 ended 17 Sep; rows 2-4
      started later. 2 open, neither for 2 years.
    - List 8 at 30 Sep 2020: rows 2-5 in care (row 6 ceased 22 Sep); every latest review is after 30 Sep, so
      none can be judged: no figure.
    - List 9: 6 care leavers, all in touch; 5 suitable (row 5 blank); 4 in EET (rows 2, 3, 6, 7; row 4 G5,
      row 5 blank).
    - Lists 10 and 11: their formulas (=H2+5...) are read from the values Excel stored; no measure uses them.
    """
    store = org_store(org=[("csc", "Children's services", [(f"t{i}", n) for i, n in enumerate(SAMPLE_TEAMS)])])
    result = import_file(store, "annex_a", SAMPLE, user="t")
    assert result.ok and result.rows == 59
    assert any("covers no whole month" in m and "16 September 2020" in m for m in result.messages)
    got = store.query(
        "SELECT code, sum(numerator) AS n, sum(denominator) AS d FROM indicator_value "
        "WHERE period = DATE '2020-09-01' GROUP BY code"
    ).set_index("code")
    expected = {
        "AA_CONTACTS": (5, None),
        "AA_REFERRALS": (6, None),
        "AA_REREF_12M": (3, 6),
        "AA_REF_NFA": (0, 6),
        "AA_S47": (5, None),
        "AA_S47_NO_ICPC": (2, 5),
        "AA_CPP_OPEN": (2, None),
        "AA_CPP_2YRS": (0, 2),
        "AA_CL_IN_TOUCH": (6, 6),
        "AA_CL_SUITABLE": (5, 6),
        "AA_CL_EET": (4, 6),
    }
    assert {c: (r.n, None if pd.isna(r.d) else r.d) for c, r in got.iterrows()} == expected
    assert store.scalar("SELECT name FROM team WHERE team_id = ?", [UNALLOCATED_TEAM]) == UNALLOCATED_NAME
    assert store.query("SELECT DISTINCT period FROM indicator_value")["period"].tolist() == [pd.Timestamp("2020-09-01")]
    again = import_file(store, "annex_a", SAMPLE, user="t")
    assert (again.added, again.replaced, again.removed) == (0, 0, 0)


def test_the_sample_ships_with_its_provenance_and_licence() -> None:
    text = (PROJECT_ROOT / "data" / "public" / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "SYNTHETIC_annex_a_sample_socialfinance.xlsx" in text and "MIT" in text
    assert "16a4d7aeb3150304e88ea97f62349d72e6cb688574020beb714a7c423ba83be9" in text
    assert dt.date  # the sample is synthetic: fake IDs and names, not real children


def test_a_team_with_a_figure_before_and_none_now_loses_it(file_store: Store) -> None:
    import_file(file_store, "annex_a", hand_worked_workbook(), "first.xlsx", user="t")
    sheets = hand_worked_sheets()
    for row in sheets["List 9"][1:]:
        row[2] = "MASH"  # the care leavers are now with another team
    moved = import_file(file_store, "annex_a", workbook(sheets), "moved.xlsx", user="t")
    # AA_CL_IN_TOUCH, AA_CL_SUITABLE and AA_CL_EET for February 2024: Leaving Care's removed, MASH's added.
    assert (moved.added, moved.removed, moved.replaced) == (3, 3, 0)
    assert (
        "February 2024 Annex A measures replaced (12 values; 3 values held before and not in this file removed)"
        in moved.messages
    )
    held = file_store.query("SELECT DISTINCT team_id FROM indicator_value WHERE code = 'AA_CL_EET'")["team_id"]
    assert held.tolist() == ["mash"]
