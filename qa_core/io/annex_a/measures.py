"""The Annex A measures, month by month and team by team, with the children's records behind each.

Input: each list's typed frame (``reader``) with ``child`` (the pseudonym), ``team_id`` (matched to the
store) and ``birth_month``. Output (``Derived``):

- ``counts``: one row per measure, month and record counted (``code, period, team_id, record, met,
  working_days``): the children's records behind every number, so "why is this number what it is" is
  answered from the same rows the number was added up from;
- ``values``: per measure, month and team, the numerator and denominator (a count measure: its value),
  summed from ``counts`` (a service's and the council's figures are sums of these, never averages);
- ``records``: the records counted (list, pseudonym, birth month, team, worker, the dates shown);
- ``scope``: the (measure, month) pairs this workbook gives: what an import replaces.

**The months a workbook covers** are the whole calendar months from its earliest to its latest contact
(List 1) or referral (List 3): the two lists that hold every event of the inspection window. A first
month the lists start after its first working day, or a last month they end before its last working day,
is only partly in the workbook: it is left out (named in the report), and a later workbook that covers
it whole gives it. So a workbook run each month for the six months to date never replaces a whole month
held with the part of it the new window still reaches. A workbook that covers no whole month at all (a
few days' extract, such as Social Finance's synthetic sample) gives its partial months, named as such,
but never in place of a month held already (``partial``). Measures of a status (children in care, care
leavers) are given for the last month only, as ``catalogue`` says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qa_core.io.annex_a.catalogue import MEASURES
from qa_core.rules.periods import month_label
from qa_core.rules.working_days import (
    ASSESSMENT_DAYS,
    FIRST_CLA_REVIEW_DAYS,
    ICPC_DAYS,
    first_working_day,
    last_working_day,
    working_days,
)

__all__ = ["Coverage", "Derived", "covered_months", "derive", "two_years_on", "COUNT_COLUMNS", "RECORD_COLUMNS"]

COUNT_COLUMNS = ["code", "period", "team_id", "list_no", "row", "met", "working_days"]
RECORD_COLUMNS = [
    "list_no",
    "row",
    "child",
    "birth_month",
    "team_id",
    "worker",
    "start_date",
    "end_date",
    "review_date",
    "answer",
]


@dataclass
class Coverage:
    months: list[dt.date]
    first: dt.date | None = None  # earliest contact or referral
    last: dt.date | None = None  # latest
    left_out: list[str] = field(default_factory=list)  # sentences: a partial month and why
    partial: list[dt.date] = field(default_factory=list)  # months given though not whole (no whole month at all)

    def span(self, month: dt.date) -> tuple[dt.date, dt.date]:
        """The days of ``month`` the workbook's figures for it come from (all of it, for a whole month)."""
        last_day = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
        if month not in self.partial or self.first is None or self.last is None:
            return month, last_day
        return max(month, self.first), min(last_day, self.last)


@dataclass
class Derived:
    counts: pd.DataFrame
    values: pd.DataFrame
    records: pd.DataFrame
    scope: pd.DataFrame
    not_given: list[str] = field(default_factory=list)  # sentences: measures with no list to work from


def _month_start(stamps: pd.Series) -> pd.Series:
    return pd.to_datetime(stamps).dt.to_period("M").dt.to_timestamp()


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def covered_months(lists: dict[int, pd.DataFrame]) -> Coverage:
    """The whole months the workbook covers (see the module's docstring)."""
    parts = [lists[n][c] for n, c in ((1, "contact_date"), (3, "referral_date")) if n in lists and c in lists[n]]
    dates = pd.concat(parts).dropna() if parts else pd.Series(dtype="datetime64[ns]")
    if dates.empty:
        return Coverage([])
    first, last = dates.min().date(), dates.max().date()
    months = [m.date() for m in pd.date_range(first.replace(day=1), last.replace(day=1), freq="MS")]
    coverage = Coverage(months, first, last)
    cut: list[tuple[dt.date, str]] = []
    if first > first_working_day(first):
        cut.append(
            (
                first.replace(day=1),
                f"the workbook's contacts and referrals begin on {_long(first)}, after its first working day",
            )
        )
    if last < last_working_day(last):
        cut.append(
            (
                last.replace(day=1),
                f"the workbook's contacts and referrals end on {_long(last)}, before its last working day",
            )
        )
    cut_months = {m for m, _ in cut}
    if cut_months >= set(months):  # no whole month: give the partial ones, said plainly
        coverage.partial = list(months)
        span = f"{_long(first)} to {_long(last)}" if first != last else _long(first)
        coverage.left_out.append(
            f"The workbook covers no whole month (its contacts and referrals run from {span}): "
            + ", ".join(month_label(m) for m in months)
            + (" is" if len(months) == 1 else " are")
            + " given from the days it holds, so its figures are for part of the month only."
        )
        return coverage
    for month, why in cut:
        if month in months:
            coverage.left_out.append(f"{month_label(month)} is left out: {why}, so the month is not whole.")
            months.remove(month)
    return coverage


def two_years_on(starts: pd.Series) -> pd.Series:
    """The day a plan started on ``starts`` has lasted two years: the same day two years on, and for a
    start on 29 February, 1 March (the plan has not lasted two whole years on 28 February)."""
    starts = pd.to_datetime(starts)
    later = starts + pd.DateOffset(years=2)
    leap = (starts.dt.month == 2) & (starts.dt.day == 29)
    return later.where(~leap, later + pd.Timedelta(days=1))


def _rows(
    frame: pd.DataFrame,
    mask: np.ndarray | pd.Series,
    code: str,
    period: pd.Series | dt.date,
    list_no: int,
    met: pd.Series | None = None,
    days: np.ndarray | pd.Series | None = None,
) -> pd.DataFrame:
    mask = np.asarray(mask, dtype=bool)
    chosen = frame[mask]
    out = pd.DataFrame(
        {
            "code": code,
            "period": (pd.Timestamp(period) if isinstance(period, dt.date) else pd.to_datetime(period[mask])),
            "team_id": chosen["team_id"].to_numpy(),
            "list_no": list_no,
            "row": chosen["row"].to_numpy(),
            "met": (
                pd.array(np.asarray(met, dtype=object)[mask], dtype="boolean")
                if met is not None
                else pd.array([pd.NA] * len(chosen), dtype="boolean")
            ),
            "working_days": (
                pd.array(np.asarray(days, dtype="float64")[mask], dtype="Float64").round(0).astype("Int64")
                if days is not None
                else pd.array([pd.NA] * len(chosen), dtype="Int64")
            ),
        }
    )
    return out


def _yes(series: pd.Series) -> np.ndarray:
    return series.map(lambda v: v is True).to_numpy(dtype=bool)


def _referrals(f: pd.DataFrame, covered: np.ndarray) -> list[pd.DataFrame]:
    period = _month_start(f["referral_date"])
    keep = covered_mask(period, covered)
    prior = pd.to_numeric(f.get("prior_referrals", pd.Series(index=f.index, dtype="float64")), errors="coerce")
    pairs = f[["child", "referral_date"]].drop_duplicates().sort_values(["child", "referral_date"])
    pairs["previous"] = pairs.groupby("child")["referral_date"].shift(1)
    earlier = f[["child", "referral_date"]].merge(pairs, on=["child", "referral_date"], how="left")["previous"]
    earlier.index = f.index
    window = pd.to_datetime(f["referral_date"]) - pd.DateOffset(months=12)
    again = (earlier.notna() & (earlier >= window)).to_numpy() | (prior.fillna(0) >= 1).to_numpy()
    nfa = _yes(f["nfa"]) if "nfa" in f else np.zeros(len(f), dtype=bool)
    return [
        _rows(f, keep, "AA_REFERRALS", period, 3),
        _rows(f, keep, "AA_REREF_12M", period, 3, met=pd.Series(again)),
        _rows(f, keep, "AA_REF_NFA", period, 3, met=pd.Series(nfa)),
    ]


def covered_mask(period: pd.Series, covered: np.ndarray) -> np.ndarray:
    return pd.to_datetime(period).isin(covered).to_numpy()


def derive(lists: dict[int, pd.DataFrame], months: list[dt.date]) -> Derived:
    """Every measure for ``months`` (the whole months covered, oldest first) from the typed lists."""
    covered = np.array([pd.Timestamp(m) for m in months], dtype="datetime64[ns]")
    parts: list[pd.DataFrame] = []
    if 1 in lists:
        f = lists[1]
        period = _month_start(f["contact_date"])
        parts.append(_rows(f, covered_mask(period, covered), "AA_CONTACTS", period, 1))
    if 3 in lists:
        parts += _referrals(lists[3], covered)
    if 4 in lists:
        f = lists[4]
        end = f["assess_end"] if "assess_end" in f else pd.Series(pd.NaT, index=f.index, dtype="datetime64[ns]")
        period = _month_start(end)
        keep = covered_mask(period, covered)
        days = working_days(f["assess_start"], end)
        parts.append(_rows(f, keep, "AA_ASSESS_45WD", period, 4, met=pd.Series(days <= ASSESSMENT_DAYS), days=days))
        seen = _yes(f["seen"]) if "seen" in f else np.zeros(len(f), dtype=bool)
        parts.append(_rows(f, keep, "AA_SEEN_IN_ASSESS", period, 4, met=pd.Series(seen)))
    if 5 in lists:
        f = lists[5]
        period = _month_start(f["s47_start"])
        keep = covered_mask(period, covered)
        parts.append(_rows(f, keep, "AA_S47", period, 5))
        unnecessary = _yes(f["icpc_unnecessary"]) if "icpc_unnecessary" in f else np.zeros(len(f), dtype=bool)
        parts.append(_rows(f, keep, "AA_S47_NO_ICPC", period, 5, met=pd.Series(unnecessary)))
        if "icpc_date" in f:
            held = _month_start(f["icpc_date"])
            days = working_days(f["s47_start"], f["icpc_date"])
            parts.append(
                _rows(
                    f, covered_mask(held, covered), "AA_ICPC_15WD", held, 5, met=pd.Series(days <= ICPC_DAYS), days=days
                )
            )
    if 7 in lists:
        f = lists[7]
        start = pd.to_datetime(f["cpp_start"])
        end = pd.to_datetime(f["cpp_end"]) if "cpp_end" in f else pd.Series(pd.NaT, index=f.index)
        two = two_years_on(start)
        for month in months:
            last = pd.Timestamp(month) + pd.offsets.MonthEnd(0)
            open_ = ((start <= last) & (end.isna() | (end > last))).to_numpy()
            parts.append(_rows(f, open_, "AA_CPP_OPEN", month, 7))
            parts.append(_rows(f, open_, "AA_CPP_2YRS", month, 7, met=pd.Series((two <= last).to_numpy())))
    if months and 8 in lists:
        parts.append(_cla_reviews(lists[8], months[-1]))
    if months and 9 in lists:
        parts += _care_leavers(lists[9], months[-1])
    counts = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series(dtype="object") for c in COUNT_COLUMNS})
    )
    counts["period"] = pd.to_datetime(counts["period"]).dt.date
    present = set(lists)
    scope = []
    not_given = []
    for m in MEASURES:
        if not set(m["lists"]) <= present:
            not_given.append(
                f"{m['code']} is not worked out: the workbook has no List "
                f"{', '.join(str(n) for n in m['lists'] if n not in present)}."
            )
            continue
        for month in months if m["when"] == "month" else months[-1:]:
            scope.append({"code": m["code"], "period": month})
    return Derived(
        counts=counts,
        values=_values(counts),
        records=_records(lists, counts),
        scope=pd.DataFrame(scope, columns=["code", "period"]),
        not_given=not_given,
    )


def _cla_reviews(f: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    last = pd.Timestamp(month) + pd.offsets.MonthEnd(0)
    start = pd.to_datetime(f["cla_start"])
    end = pd.to_datetime(f["cla_end"]) if "cla_end" in f else pd.Series(pd.NaT, index=f.index)
    review = pd.to_datetime(f["cla_review"]) if "cla_review" in f else pd.Series(pd.NaT, index=f.index)
    in_care = (start <= last) & (end.isna() | (end > last))
    days = working_days(start, pd.Series(last, index=f.index))
    due = days >= FIRST_CLA_REVIEW_DAYS
    known = review.isna() | (review <= last)
    in_date = review.notna() & (review >= last - pd.DateOffset(months=6)) & (review >= start)
    mask = (in_care & known).to_numpy() & due
    return _rows(f, mask, "AA_CLA_REVIEW_IN_DATE", month, 8, met=pd.Series(in_date.to_numpy()))


def _care_leavers(f: pd.DataFrame, month: dt.date) -> list[pd.DataFrame]:
    touch = f["in_touch"] if "in_touch" in f else pd.Series(None, index=f.index, dtype="object")
    alive = (touch != "died").to_numpy()
    out = [_rows(f, alive, "AA_CL_IN_TOUCH", month, 9, met=pd.Series((touch == "yes").to_numpy()))]
    for code, column, good in (("AA_CL_SUITABLE", "suitability", "suitable"), ("AA_CL_EET", "activity", "eet")):
        answer = f[column] if column in f else pd.Series(None, index=f.index, dtype="object")
        out.append(_rows(f, alive, code, month, 9, met=pd.Series((answer == good).to_numpy())))
    return out


def _values(counts: pd.DataFrame) -> pd.DataFrame:
    """Numerators and denominators per measure, month and team, summed from the records counted."""
    columns = ["code", "period", "team_id", "numerator", "denominator", "value"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    kinds = {m["code"]: m["aggregation"] for m in MEASURES}
    grouped = (
        counts.assign(hit=counts["met"].fillna(False).astype(bool))
        .groupby(["code", "period", "team_id"], as_index=False)
        .agg(n=("row", "size"), hits=("hit", "sum"))
    )
    is_sum = grouped["code"].map(kinds).eq("sum")
    return pd.DataFrame(
        {
            "code": grouped["code"],
            "period": grouped["period"],
            "team_id": grouped["team_id"],
            "numerator": np.where(is_sum, grouped["n"], grouped["hits"]).astype("float64"),
            "denominator": np.where(is_sum, np.nan, grouped["n"]).astype("float64"),
            "value": np.where(is_sum, grouped["n"], np.nan).astype("float64"),
        }
    )[columns]


_DATES = {  # list → (start, end, review) columns shown with a record
    1: ("contact_date", None, None),
    3: ("referral_date", None, None),
    4: ("assess_start", "assess_end", None),
    5: ("s47_start", "icpc_date", None),
    7: ("cpp_start", "cpp_end", "cp_review"),
    8: ("cla_start", "cla_end", "cla_review"),
    9: (None, None, None),
}


def _answer(number: int, f: pd.DataFrame) -> pd.Series:
    """The coded answers a record's measures read, in words (no names, no identifiers)."""

    def yes_no(column: str) -> pd.Series:
        values = f[column] if column in f else pd.Series(None, index=f.index, dtype="object")
        return values.map(lambda v: "yes" if v is True else "no" if v is False else "blank")

    if number == 3:
        prior = f["prior_referrals"] if "prior_referrals" in f else pd.Series(None, index=f.index, dtype="object")
        return (
            "NFA: "
            + yes_no("nfa")
            + "; referrals in the last 12 months: "
            + prior.map(lambda v: "blank" if v is None or pd.isna(v) else str(int(v)))
        )
    if number == 4:
        return "Child seen: " + yes_no("seen")
    if number == 5:
        return "ICPC deemed unnecessary: " + yes_no("icpc_unnecessary")
    if number == 9:

        def word(column: str) -> pd.Series:
            values = f[column] if column in f else pd.Series(None, index=f.index, dtype="object")
            return values.fillna("blank").astype(str)

        return (
            "In touch: "
            + word("in_touch")
            + "; accommodation: "
            + word("suitability")
            + "; activity: "
            + word("activity").str.upper().str.replace("BLANK", "blank")
        )
    return pd.Series(None, index=f.index, dtype="object")


def _records(lists: dict[int, pd.DataFrame], counts: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for number, (start, end, review) in _DATES.items():
        if number not in lists:
            continue
        f = lists[number]
        used = set(counts.loc[counts["list_no"] == number, "row"]) if not counts.empty else set()
        f = f[f["row"].isin(used)]
        if f.empty:
            continue

        def day(column: str | None, frame: pd.DataFrame = f) -> pd.Series:
            if column is None or column not in frame:
                return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
            return pd.to_datetime(frame[column])

        parts.append(
            pd.DataFrame(
                {
                    "list_no": number,
                    "row": f["row"],
                    "child": f["child"],
                    "birth_month": f["birth_month"],
                    "team_id": f["team_id"],
                    "worker": f["worker"] if "worker" in f else None,
                    "start_date": day(start).dt.date,
                    "end_date": day(end).dt.date,
                    "review_date": day(review).dt.date,
                    "answer": _answer(number, f),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=RECORD_COLUMNS)
    return pd.concat(parts, ignore_index=True)[RECORD_COLUMNS]
