"""The demo council's Annex A: a deterministic, fictional set of Ofsted's lists for its teams.

Volumes are those of a mid-sized English council (about 1,000 contacts, 260 referrals, 240 assessments
and 80 section 47 enquiries a month; some 250 children on a child protection plan, 400 in care, 250 care
leavers), split over the demo's teams by what each service does. Children are fictional numbers,
workers fictional names; nothing comes from a real record. The same seed gives the same lists.

- ``annex_a_sheets(teams, end, months, seed, volume)``: the eleven lists as frames with Ofsted's headers
  and values as a council's workbook holds them ("a) Yes", dates, team names);
- ``annex_a_workbook(sheets)``: those frames as an .xlsx workbook (the benchmark imports one);
- ``annex_a_frames(teams, services, ...)``: the store's rows the import would write for them, read with
  the import's own reader and measures (``qa_core.io.annex_a``), for ``build_demo(annex_a=True)``.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import pandas as pd

from qa_core.io.annex_a.catalogue import CODES, UNALLOCATED_NAME, UNALLOCATED_SERVICE, UNALLOCATED_TEAM, indicator_rows
from qa_core.io.annex_a.importer import build, comparator_frame
from qa_core.io.annex_a.privacy import load_key
from qa_core.io.annex_a.reader import read_annex_a_frames
from qa_core.io.importer.validate import Lookup

__all__ = ["annex_a_sheets", "annex_a_workbook", "annex_a_frames", "DEMO_TARGETS", "MONTHLY", "ANNEX_A_MONTHS"]

#: The whole months the demo's Annex A covers (ending with the demo's last month): enough for SPC limits.
ANNEX_A_MONTHS = 24

#: Events a month for the whole council at volume 1 (small scale), and standing caseloads.
MONTHLY = {
    "contacts": 1000,
    "early_help": 150,
    "referrals": 260,
    "assessments": 240,
    "s47": 80,
    "cpp_starts": 24,
    "cla_starts": 14,
}
STANDING = {"cpp": 250, "cla": 400, "care_leavers": 250, "cin": 900}
#: Which services' teams hold each list's children (weights).
HOLDERS = {
    3: {"front_door": 0.72, "assessment": 0.22, "disabilities": 0.06},
    4: {"assessment": 0.8, "disabilities": 0.1, "cp_court": 0.1},
    5: {"assessment": 0.6, "cp_court": 0.35, "disabilities": 0.05},
    6: {"assessment": 0.5, "disabilities": 0.3, "cp_court": 0.2},
    7: {"cp_court": 0.92, "disabilities": 0.08},
    8: {"children_in_care": 0.9, "disabilities": 0.1},
    9: {"care_leavers": 1.0},
}
#: The demo council's own targets for its Annex A measures: (target, RAG rule, tolerance).
DEMO_TARGETS = {
    "AA_REREF_12M": (20.0, "travel", 2.0),
    "AA_ASSESS_45WD": (85.0, "travel", 5.0),
    "AA_SEEN_IN_ASSESS": (95.0, "tolerance", 3.0),
    "AA_ICPC_15WD": (85.0, "tolerance", 5.0),
    "AA_CPP_2YRS": (3.0, "tolerance", 1.0),
    "AA_CLA_REVIEW_IN_DATE": (95.0, "tolerance", 3.0),
    "AA_CL_IN_TOUCH": (95.0, "tolerance", 3.0),
    "AA_CL_SUITABLE": (85.0, "tolerance", 5.0),
    "AA_CL_EET": (60.0, "travel", 5.0),
}
_GENDER = np.array(["a) Male", "b) Female", "c) Not stated/recorded"])
_ETHNICITY = np.array(["a) WBRI", "d) WOTH", "f) MWBC", "j) AIND", "k) APKN", "o) BAFR", "r) OOTH", "s) NOBT"])
_ETHNICITY_P = np.array([0.72, 0.05, 0.04, 0.03, 0.05, 0.04, 0.03, 0.04])
_SOURCES = np.array(
    ["q) 6: Police", "e) 2A: Schools", "j) 3D: Health services", "b) 1B: Individual", "s) 8: Other", "n) 5A: Housing"]
)
_ACTIVITY = np.array(
    [
        "F1: Full time in higher education",
        "F2: Full time in education other than higher",
        "F3: Full time in training or employment",
        "P3: Part time in training or employment",
        "G4: Not in education, employment or training - illness or disability",
        "G5: Not in education, employment or training - other",
        "G6: Not in education, employment or training - pregnancy or parenting",
    ]
)


SECOND_PERIOD = "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"


class _Children:
    """Fictional children: an id (8 digits), a date of birth, a gender and an ethnicity each."""

    def __init__(self, rng: np.random.Generator, n: int, end: dt.date) -> None:
        self.ids = (10_000_000 + rng.choice(90_000_000, size=n, replace=False)).astype(str)
        age_days = rng.integers(0, 18 * 365, size=n)
        self.dob = (pd.Timestamp(end) - pd.to_timedelta(age_days, unit="D")).normalize()
        self.gender = rng.choice(_GENDER, size=n, p=[0.51, 0.48, 0.01])
        self.ethnicity = rng.choice(_ETHNICITY, size=n, p=_ETHNICITY_P)

    def columns(self, who: np.ndarray, end: dt.date) -> dict[str, object]:
        dob = self.dob[who]
        age = ((pd.Timestamp(end) - dob).days / 365.25).round(1)
        return {
            "Child Unique ID": self.ids[who],
            "Gender": self.gender[who],
            "Ethnicity": self.ethnicity[who],
            "Date of Birth": dob.date,
            "Age": np.asarray(age),
        }


def _days(rng: np.random.Generator, n: int, start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    span = (end - start).days + 1
    return pd.DatetimeIndex(start + pd.to_timedelta(np.sort(rng.integers(0, span, size=n)), unit="D"))


def _teams_for(rng: np.random.Generator, teams: pd.DataFrame, number: int, n: int) -> np.ndarray:
    weights = HOLDERS[number]
    names, probs = [], []
    for service, weight in weights.items():
        mine = teams.loc[teams["service_id"] == service, "name"].tolist()
        names += mine
        probs += [weight / len(mine)] * len(mine)
    probs = np.array(probs) / sum(probs)
    return rng.choice(np.array(names, dtype=object), size=n, p=probs)


def _earlier_within_a_year(who: np.ndarray, when: pd.DatetimeIndex) -> np.ndarray:
    """For rows sorted by child then date: how many of the child's referrals fall on or after the same day a
    year before and strictly before this one."""
    since = (when - pd.DateOffset(months=12)).to_numpy()
    days = when.to_numpy()
    out = np.zeros(len(who), dtype=np.int64)
    group = 0
    for i in range(len(who)):
        if i and who[i] != who[i - 1]:
            group = i
        lo = group + int(np.searchsorted(days[group:i], since[i], side="left"))
        hi = group + int(np.searchsorted(days[group:i], days[i], side="left"))
        out[i] = hi - lo
    return out


def _yes_no(rng: np.random.Generator, p_yes: float, n: int) -> np.ndarray:
    return np.where(rng.random(n) < p_yes, "a) Yes", "b) No")


def _date_or_blank(values: pd.Series | pd.DatetimeIndex, keep: np.ndarray) -> list[object]:
    stamps = pd.DatetimeIndex(values)
    return [d.date() if k and not pd.isna(d) else None for d, k in zip(stamps, keep, strict=True)]


def annex_a_sheets(
    teams: pd.DataFrame,
    end: dt.date,
    months: int = 24,
    seed: int = 1,
    volume: float = 1.0,
    workers: list[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The eleven lists for the ``months`` whole months ending with ``end``'s month, as a workbook holds them.

    ``teams`` are the store's teams (``team_id, service_id, name``); ``volume`` scales every count (1: the
    small demo council); ``workers`` are the fictional social workers' names to allocate.
    """
    rng = np.random.default_rng([seed, 18])  # a stream of its own: the rest of the demo is unchanged
    last = pd.Timestamp(end) + pd.offsets.MonthEnd(0)
    first = (pd.Timestamp(end) - pd.DateOffset(months=months - 1)).replace(day=1)
    history = first - pd.DateOffset(months=12)
    workers = workers or [f"Worker {i:03d}" for i in range(1, 3 * len(teams) + 1)]
    worker_pool = np.array(workers, dtype=object)
    per = {k: max(1, round(v * volume)) for k, v in MONTHLY.items()}
    pool = _Children(rng, int(60_000 * max(volume, 0.2)), end)

    def people(n: int) -> np.ndarray:
        return rng.integers(0, len(pool.ids), size=n)

    # Each team has its own social workers (a fictional name may recur in a large council's many teams).
    caseworkers = {
        name: worker_pool[np.arange(k * 3, k * 3 + 3) % len(worker_pool)] for k, name in enumerate(teams["name"])
    }

    def allocate(number: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        chosen = _teams_for(rng, teams, number, n)
        pick = rng.integers(0, 3, size=n)
        return chosen, np.array([caseworkers[t][k] for t, k in zip(chosen, pick, strict=True)], dtype=object)

    sheets: dict[str, pd.DataFrame] = {}
    # List 1: contacts, every day of the window (out-of-hours contacts at weekends too).
    n = per["contacts"] * months
    who, when = people(n), _days(rng, n, first, last)
    sheets["List 1"] = pd.DataFrame(
        {**pool.columns(who, end), "Date of Contact": when.date, "Contact Source": rng.choice(_SOURCES, size=n)}
    )
    # List 2: early help assessments.
    n = per["early_help"] * months
    who, when = people(n), _days(rng, n, first, last)
    done = when + pd.to_timedelta(rng.integers(5, 60, size=n), unit="D")
    sheets["List 2"] = pd.DataFrame(
        {
            **pool.columns(who, end),
            "Assessment start date": when.date,
            "Assessment completion date": _date_or_blank(done, done <= last),
            "Organisation completing assessment": "Early Help Service",
        }
    )
    # List 3: referrals. Some children are referred again: 12 months of history before the window decide
    # each referral's "Number of Referrals in Last 12 Months" (the list itself holds the window only).
    n_all = per["referrals"] * (months + 12)
    repeaters = people(max(1, n_all // 12))
    who = np.where(rng.random(n_all) < 0.3, rng.choice(repeaters, size=n_all), people(n_all))
    when = _days(rng, n_all, history, last)
    ref = pd.DataFrame({"who": who, "when": when}).sort_values(["who", "when"], kind="stable")
    ref["before"] = _earlier_within_a_year(ref["who"].to_numpy(), pd.DatetimeIndex(ref["when"]))
    ref = ref[ref["when"] >= first].sort_values("when", kind="stable")
    n = len(ref)
    team, worker = allocate(3, n)
    nfa = np.where(rng.random(n) < 0.3, "a) Yes", "b) No")
    sheets["List 3"] = pd.DataFrame(
        {
            **pool.columns(ref["who"].to_numpy(), end),
            "Date of Referral": pd.DatetimeIndex(ref["when"]).date,
            "Referral Source": rng.choice(_SOURCES, size=n),
            "Referral NFA?": nfa,
            "Number of Referrals in Last 12 Months": ref["before"].to_numpy(),
            "Allocated Team": team,
            "Allocated Worker": worker,
        }
    )
    # List 4: continuous assessments authorised in the window; slower in the last 8 months.
    n = per["assessments"] * months
    who, done = people(n), _days(rng, n, first, last)
    slow = np.where(done >= last - pd.DateOffset(months=8), 0.26, 0.13)
    calendar_days = np.where(rng.random(n) < slow, rng.integers(66, 110, size=n), rng.integers(10, 62, size=n))
    start = done - pd.to_timedelta(calendar_days, unit="D")
    team, worker = allocate(4, n)
    sheets["List 4"] = pd.DataFrame(
        {
            **pool.columns(who, end),
            "Does the Child have a Disability": "b) No",
            "Continuous Assessment Start Date": start.date,
            "Child Seen During Continuous Assessment": _yes_no(rng, 0.96, n),
            "Continuous Assessment Date of Authorisation": done.date,
            "Was the child assessed as requiring LA children's social care support?": _yes_no(rng, 0.55, n),
            "Allocated Team": team,
            "Allocated Worker": worker,
        }
    )
    # List 5: section 47 enquiries; 60% need no conference; most conferences within 15 working days.
    n = per["s47"] * months
    who, start = people(n), _days(rng, n, first, last)
    unnecessary = rng.random(n) < 0.6
    icpc = start + pd.to_timedelta(
        np.where(rng.random(n) < 0.86, rng.integers(5, 20, size=n), rng.integers(22, 40, size=n)), unit="D"
    )
    held = ~unnecessary & (icpc <= last)
    team, worker = allocate(5, n)
    sheets["List 5"] = pd.DataFrame(
        {
            **pool.columns(who, end),
            "Does the Child have a Disability": "b) No",
            "Strategy discussion initiating Section 47 Enquiry Start Date": start.date,
            "Was an Initial Child Protection Conference deemed unnecessary?": np.where(unnecessary, "a) Yes", "b) No"),
            "Date of Initial Child Protection Conference": _date_or_blank(icpc, held),
            "Did the Initial Child Protection Conference Result in a Child Protection Plan": np.where(
                held, _yes_no(rng, 0.75, n), ""
            ),
            "Number of Section 47 Enquiries in the last 12 months": rng.integers(0, 3, size=n),
            "Number of ICPCs in the last 12 months": rng.integers(0, 2, size=n),
            "Allocated Team": team,
            "Allocated Worker": worker,
        }
    )
    # List 6: children in need open in the window.
    n = int(STANDING["cin"] * volume)
    who = people(n)
    start = _days(rng, n, first - pd.DateOffset(months=30), last)
    closed = start + pd.to_timedelta(rng.integers(60, 900, size=n), unit="D")
    team, worker = allocate(6, n)
    sheets["List 6"] = pd.DataFrame(
        {
            **pool.columns(who, end),
            "Does the Child have a Disability": "b) No",
            "CIN Start Date": start.date,
            "Primary Need Code": "N1 - Abuse or Neglect",
            "Date Child Was Last Seen": (last - pd.to_timedelta(rng.integers(1, 40, size=n), unit="D")).date,
            "CIN Closure Date": _date_or_blank(closed, closed <= last),
            "Reason for Closure": "",
            "Case Status": "c) Child in need plan",
            "Allocated Team": team,
            "Allocated Worker": worker,
        }
    )
    # List 7: child protection plans open at some time in the window (a standing caseload plus new plans).
    standing = int(STANDING["cpp"] * volume)
    new = per["cpp_starts"] * months
    n = standing + new
    who = people(n)
    start = pd.DatetimeIndex(
        np.concatenate(
            [
                (first - pd.to_timedelta(rng.gamma(1.6, 150, size=standing).astype(int) + 1, unit="D")).to_numpy(),
                _days(rng, new, first, last).to_numpy(),
            ]
        )
    )
    length = np.where(
        rng.random(n) < 0.05, rng.integers(730, 1000, size=n), rng.gamma(2.0, 140, size=n).astype(int) + 60
    )
    ended = start + pd.to_timedelta(length, unit="D")
    keep = ended >= first
    team, worker = allocate(7, n)
    frame = pd.DataFrame(
        {
            **pool.columns(who, end),
            "Does the Child have a Disability": "b) No",
            "Child Protection Plan Start Date": start.date,
            "Initial Category of Abuse": "Neglect",
            "Latest Category of Abuse": "Neglect",
            "Date of the Last Statutory Visit": _date_or_blank(
                ended.where(ended <= last, last) - pd.to_timedelta(rng.integers(1, 12, size=n), unit="D"),
                np.ones(n, dtype=bool),
            ),
            "Was the Child Seen Alone?": _yes_no(rng, 0.7, n),
            "Date of latest review conference": _date_or_blank(
                ended.where(ended <= last, last) - pd.to_timedelta(rng.integers(1, 150, size=n), unit="D"), length > 90
            ),
            "Child Protection Plan End Date": _date_or_blank(ended, ended <= last),
            "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)": "b) No",
            "Number of Previous Child Protection Plans": rng.integers(0, 2, size=n),
            "Allocated Team": team,
            "Allocated Worker": worker,
        }
    )
    sheets["List 7"] = frame[keep].reset_index(drop=True)
    # List 8: children in care at some time in the window; reviews mostly within 6 months.
    standing = int(STANDING["cla"] * volume)
    new = per["cla_starts"] * months
    n = standing + new
    who = people(n)
    start = pd.DatetimeIndex(
        np.concatenate(
            [
                (first - pd.to_timedelta(rng.gamma(1.5, 500, size=standing).astype(int) + 1, unit="D")).to_numpy(),
                _days(rng, new, first, last).to_numpy(),
            ]
        )
    )
    ceased = start + pd.to_timedelta(rng.gamma(2.0, 500, size=n).astype(int) + 30, unit="D")
    keep = ceased >= first
    review_age = np.where(rng.random(n) < 0.93, rng.integers(1, 175, size=n), rng.integers(190, 260, size=n))
    review = ceased.where(ceased <= last, last) - pd.to_timedelta(review_age, unit="D")
    first_review = start + pd.to_timedelta(rng.integers(10, 20, size=n), unit="D")
    review = review.where(review >= first_review, first_review)  # the first review, within 20 days
    reviewed = (review <= last) & (rng.random(n) < 0.98)
    team, worker = allocate(8, n)
    frame = pd.DataFrame(
        {
            **pool.columns(who, end),
            "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))": "b) No",
            "Does the Child have a Disability": "b) No",
            "Date Started to be Looked After": start.date,
            "Child's Category of Need": "N1 - Abuse or Neglect",
            SECOND_PERIOD: "b) No",
            "Start date of current legal status": start.date,
            "Child's Legal Status": "C2: FCO",
            "Date of Latest Statutory Review": _date_or_blank(review, reviewed),
            "Date of Last Social Work Visit": (
                ceased.where(ceased <= last, last) - pd.to_timedelta(rng.integers(1, 40, size=n), unit="D")
            ).date,
            "What is the permanence plan for this child?": "",
            "Date of Last IRO Visit / Contact to the Child": _date_or_blank(review, reviewed),
            "Date of Last Health Assessment": _date_or_blank(review, reviewed),
            "Date of Last Dental Check": _date_or_blank(review, reviewed),
            "Number of Placements in the Last 12 months": rng.integers(1, 4, size=n),
            "Date Ceased to be Looked After": _date_or_blank(ceased, ceased <= last),
            "Reason Ceased to be Looked After": "",
            "Start Date of Most Recent Placement": start.date,
            "Placement Type": "f) U6: Foster placement - not FFA",
            "Placement Provider": "b) PR1 - Own provision",
            "Allocated Team": team,
            "Allocated Worker": worker,
        }
    )
    sheets["List 8"] = frame[keep].reset_index(drop=True)
    # List 9: care leavers (aged 18 to 21), their latest status.
    n = int(STANDING["care_leavers"] * volume)
    who = people(n)
    dob = pd.DatetimeIndex(pd.Timestamp(end) - pd.to_timedelta(rng.integers(18 * 365, 22 * 365, size=n), unit="D"))
    touch = rng.choice(
        np.array(["a) Yes", "b) No", "c) Died", "d) Refu", "e) NREQ"]), size=n, p=[0.92, 0.03, 0.005, 0.03, 0.015]
    )
    team, worker = allocate(9, n)
    sheets["List 9"] = pd.DataFrame(
        {
            "Child Unique ID": pool.ids[who],
            "Gender": pool.gender[who],
            "Ethnicity": pool.ethnicity[who],
            "Date of Birth": dob.date,
            "Age": np.round((pd.Timestamp(end) - dob).days / 365.25, 1),
            "Does the Child have a Disability": "b) No",
            "Allocated Team": team,
            "Allocated Worker": worker,
            "Eligibility Category": "b) Former relevant child",
            "LA in Touch": touch,
            "Type of Accommodation": "U: Independent living",
            "Suitability of Accommodation": np.where(rng.random(n) < 0.88, "a) Suitable", "b) Unsuitable"),
            "Activity Status": rng.choice(_ACTIVITY, size=n, p=[0.12, 0.15, 0.2, 0.08, 0.1, 0.3, 0.05]),
        }
    )
    # Lists 10 and 11: adoption and adopters (dates only; no measure reads them yet).
    n = max(1, int(40 * volume))
    who = people(n)
    entered = _days(rng, n, first - pd.DateOffset(months=24), last - pd.DateOffset(months=6))
    steps = [entered + pd.to_timedelta(rng.integers(30 * k, 30 * k + 60, size=n), unit="D") for k in range(1, 6)]
    sheets["List 10"] = pd.DataFrame(
        {
            "Child Unique ID": pool.ids[who],
            "Family identifier": rng.integers(1_000_000, 9_999_999, size=n),
            "Gender": pool.gender[who],
            "Ethnicity": pool.ethnicity[who],
            "Date of Birth": pool.dob[who].date,
            "Does the Child have a Disability": "b) No",
            "Date the Child Entered Care": entered.date,
            "Date of Decision that Child Should be Placed for Adoption": _date_or_blank(steps[0], steps[0] <= last),
            "Date of Placement Order": _date_or_blank(steps[1], steps[1] <= last),
            "Date of Matching Child and Prospective Adopters": _date_or_blank(steps[2], steps[2] <= last),
            "Date Placed for Adoption": _date_or_blank(steps[3], steps[3] <= last),
            "Date of Adoption Order": _date_or_blank(steps[4], steps[4] <= last),
        }
    )
    n = max(1, int(30 * volume))
    enquiry = _days(rng, n, first - pd.DateOffset(months=12), last - pd.DateOffset(months=3))
    stages = [enquiry + pd.to_timedelta(rng.integers(14 * k, 14 * k + 20, size=n), unit="D") for k in range(1, 5)]
    sheets["List 11"] = pd.DataFrame(
        {
            "Individual adopter identifier": rng.integers(1_000_000, 9_999_999, size=n),
            "Family identifier": rng.integers(1_000_000, 9_999_999, size=n),
            "Gender": rng.choice(_GENDER[:2], size=n),
            "Ethnicity": rng.choice(_ETHNICITY, size=n, p=_ETHNICITY_P),
            "Disability": "b) No",
            "Is the (prospective) adopter fostering for adoption?": "b) No",
            "Date enquiry received": enquiry.date,
            "Date Stage 1 started": _date_or_blank(stages[0], stages[0] <= last),
            "Date Stage 1 ended": _date_or_blank(stages[1], stages[1] <= last),
            "Date Stage 2 started": _date_or_blank(stages[2], stages[2] <= last),
            "Date Stage 2 ended": _date_or_blank(stages[3], stages[3] <= last),
        }
    )
    return sheets


def annex_a_workbook(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The lists as an .xlsx workbook laid out as Ofsted's Annex A (dates as Excel dates)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(frame.columns))
        columns = [frame[c].tolist() for c in frame.columns]
        dated = [bool(len(col)) and any(isinstance(v, dt.date) for v in col[:50]) for col in columns]
        for k in range(len(frame)):
            row = []
            for col, is_date in zip(columns, dated, strict=True):
                value = col[k]
                if value is None or (isinstance(value, float) and value != value) or value == "":
                    row.append(None)
                elif is_date and isinstance(value, dt.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "dd/mm/yyyy"
                    row.append(cell)
                else:
                    row.append(value.item() if isinstance(value, np.generic) else value)
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def annex_a_frames(
    teams: pd.DataFrame,
    services: pd.DataFrame,
    end: dt.date,
    store_path: str | Path,
    months: int = 24,
    seed: int = 1,
    volume: float = 1.0,
    workers: list[str] | None = None,
    benchmark_la: int | None = None,
) -> dict[str, pd.DataFrame]:
    """The rows ``python -m qa_core import annex_a`` would write for the demo's Annex A, for ``build_demo``:
    the catalogue rows (with the demo council's targets) and service links, the 'not allocated' service and
    team, the values, the records and counts, the months' spans and the published comparators.

    The workbook is read by the import's reader (from frames, no .xlsx) and its measures worked out by the
    import's own code; the children are pseudonymised with the key beside ``store_path`` (made if missing).
    """
    sheets = annex_a_sheets(teams, end, months, seed, volume, workers)
    book = read_annex_a_frames(sheets, "demo Annex A")
    key = load_key(None, store_path, holds_records=False)
    lookup = Lookup("team", [*teams["team_id"], UNALLOCATED_TEAM], [*teams["name"], UNALLOCATED_NAME])
    built = build(book, lookup, key)
    if built is None:  # the generator's own lists: a problem here is a bug in this module
        raise AssertionError("; ".join(str(p) for p in book.sorted_problems()[:5]))
    key.save()
    links = built.values.merge(
        pd.concat(
            [
                teams[["team_id", "service_id"]],
                pd.DataFrame({"team_id": [UNALLOCATED_TEAM], "service_id": [UNALLOCATED_SERVICE]}),
            ]
        ),
        on="team_id",
    )
    frames = {  # service and team: the bucket's rows only (``build_demo`` adds them to the organisation's)
        "service": pd.DataFrame(
            [
                dict(
                    service_id=UNALLOCATED_SERVICE,
                    name=UNALLOCATED_NAME,
                    sort_order=int(services["sort_order"].max()) + 1,
                )
            ]
        ),
        "team": pd.DataFrame([dict(team_id=UNALLOCATED_TEAM, service_id=UNALLOCATED_SERVICE, name=UNALLOCATED_NAME)]),
        "indicator": pd.DataFrame(indicator_rows(DEMO_TARGETS)),
        "indicator_service": links[["code", "service_id"]].drop_duplicates().sort_values(["code", "service_id"]),
        "indicator_value": built.values,
        "annex_a_record": built.records,
        "annex_a_count": built.counts,
        "annex_a_month": built.spans,
    }
    if benchmark_la is not None:
        frames["comparator"] = comparator_frame(list(CODES), benchmark_la)
    return frames
