"""Any English LA against its statistical neighbours, its region and England, from the
store's published tables (migration 003, filled by ``qa_core.io.published`` from [DfE LAIT], the EES
files and [DfE statistical neighbours model 2025]; see docs/sources.md). No Streamlit.

DfE's conventions:

- **Statistical neighbours**: the median of the 10 neighbours of DfE's model. A neighbour
  with no figure that year (a symbol such as ``c`` or ``x``, a blank, or an LA that did not
  exist yet) is left out; ``sn_count`` says how many were used, ``missing_neighbours`` which
  were left out.
- **Rank** among all LAs with a figure that year (``of``), 1 = best honouring the measure's
  polarity: High → largest is best, Low → smallest is best, ``-`` → no rank and no quartile.
  Ties share the best rank ("1224" competition ranking). Abolished LAs count in the years they
  published figures; a joint return (``314 / 318``) counts once.
- **Quartile** is DfE's LAIT band (``quartile_band`` A to D, ``quartile`` 1 to 4 with 1 = A): the
  year's LA figures (those ranked) are cut at their 25th, 50th and 75th percentiles (R's default
  quantile) and A is the quarter on the good side (``qa_core.rules.comparison``). It is not
  ceil(4 × rank / of): Westminster's re-referrals in 2019, 16.7%, rank 38 of 151, sit below the
  25th percentile (16.85), so band A, where the rank rule would say 2.
- Suppressed and missing values are never 0: they keep their symbol (``la_symbol``) and are
  left out of medians and ranks.
- An LA with no figure of its own but part of a joint return takes the joint figure
  (``la_joint_return`` names it); so does a neighbour. In the neighbours' median a joint return
  is **one** figure (``sn_count`` counts figures, not LAs) and ``sn_joint_return_note`` says so:
  "9 neighbours' figures; North Northamptonshire and West Northamptonshire report jointly (940 /
  941), counted once". LAIT repeats a joint workforce figure under each LA's own code; it is
  treated as the joint return it is (``_mark_joint``).
- A figure DfE files under a predecessor authority after the new LA took over (Dorset's 2020
  care-leaver measures, filed under "Dorset (Pre LG)") is not moved onto the new LA; its row
  says where it is (``predecessor_note``) instead of leaving a silent blank.

>>> # benchmark_report(store, "Stockport", "ReReferral", 2024)  # one row: la_value 21.5, ...
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qa_core.errors import QAError
from qa_core.rules.comparison import BAND_NUMBER, BANDS, quartile_cuts
from qa_core.store import Store

__all__ = ["REPORT_COLUMNS", "resolve_la", "benchmark_report", "latest_published", "neighbour_values", "la_trend",
           "ilacs_judgements", "all_ilacs", "list_las", "measures", "benchmark_la", "quartile_bands",
           "JOINT_RETURN_TOPIC", "Published", "published"]

REPORT_COLUMNS = ["measure", "year", "la_value", "sn_median", "sn_count", "region_value", "england_value",
                  "rank", "of", "quartile"]
EXTRA_COLUMNS = ["measure_name", "polarity", "unit", "la_symbol", "la_joint_return", "region_symbol",
                 "england_symbol", "missing_neighbours", "note", "la_numerator", "la_denominator",
                 "region_numerator", "region_denominator", "england_numerator", "england_denominator",
                 "quartile_band", "sn_joint_return_note", "predecessor_note"]
_NEW_CODE = re.compile(r"^[EW]\d{8}$", re.IGNORECASE)


#: Joint returns are a feature of DfE's social work workforce census: two LAs that share a
#: workforce (Kingston upon Thames with Richmond upon Thames; North and West Northamptonshire)
#: return one figure. A measure is from that census when its topic or source says "workforce".
JOINT_RETURN_TOPIC = "workforce"


def list_las(store: Store, current_only: bool = True) -> pd.DataFrame:
    """The LAs: ``old_la_code, new_la_code, name, region_code, region_name, status, ...``."""
    where = "WHERE status = 'current'" if current_only else ""
    return store.query(f"SELECT * FROM published_la {where} ORDER BY name, old_la_code")


def measures(store: Store) -> pd.DataFrame:
    return store.query("SELECT * FROM published_measure ORDER BY source, measure")


def resolve_la(store: Store, la: str | int) -> dict:
    """The LA row for an old code (356), a new code (E08000007) or a name (any case).

    A name shared by a current and an abolished LA (Dorset) means the current one.
    """
    return _resolve(list_las(store, current_only=False), la)


def _resolve(las: pd.DataFrame, la: str | int) -> dict:
    """``resolve_la`` among the rows ``las`` (every LA, current and abolished)."""
    text = str(la).strip()
    if las.empty:
        raise QAError("The store holds no published LA figures: build the demo store or import them.")
    key = text.lower()
    if text.isdigit():
        hit = las[las["old_la_code"] == str(int(text))]
    elif _NEW_CODE.match(text):
        hit = las[las["new_la_code"].fillna("").str.upper() == text.upper()]
    else:
        hit = las[las["name"].str.lower() == key]
        hit = hit.sort_values("status", key=lambda s: s.ne("current"))
    if hit.empty:
        labels = {f"{r.name} ({r.old_la_code})": r for r in las.itertuples()}
        names = las["name"].tolist()
        close = difflib.get_close_matches(text, names, n=3, cutoff=0.6)
        close += [n for n in names if key and key in n.lower() and n not in close][:3]
        shown = [lbl for lbl in labels if any(lbl.startswith(c + " (") for c in close)][:5]
        hint = f" Did you mean {', '.join(shown)}?" if shown else " Give an old LA code (e.g. 356), a new code " \
            "(e.g. E08000007) or a name."
        raise QAError(f"There is no local authority {text!r} in the published figures.{hint}")
    return hit.iloc[0].to_dict()


def benchmark_la(store: Store) -> dict | None:
    """The LA named by the store's ``benchmark_la`` setting (the real LA the council is
    compared as), or None when unset or unknown."""
    code = store.setting("benchmark_la")
    if not code:
        return None
    try:
        return resolve_la(store, code)
    except QAError:
        return None


_LA_VALUES = """
WITH v AS (
    SELECT measure, year, area_code, value, symbol, numerator, denominator FROM published_value
    WHERE area_level = 'la' AND ($all_m OR list_contains($ms, measure)) AND ($y IS NULL OR year = $y)
), parts AS (
    SELECT measure, year, area_code AS joint, value, symbol, numerator, denominator,
           trim(unnest(string_split(area_code, '/'))) AS code
    FROM v WHERE area_code LIKE '%/%'
), eff AS (          -- each LA's figure: its own, else its joint return's
    SELECT measure, year, area_code AS code, value, symbol, numerator, denominator, NULL::VARCHAR AS joint FROM v
    UNION ALL
    SELECT p.measure, p.year, p.code, p.value, p.symbol, p.numerator, p.denominator, p.joint FROM parts p
    WHERE NOT EXISTS (SELECT 1 FROM v o WHERE o.measure = p.measure AND o.year = p.year AND o.area_code = p.code)
), ranked AS (       -- every LA row with a value (a joint return once), ranked by polarity
    SELECT v.measure, v.year, v.area_code,
           CASE m.polarity
               WHEN 'High' THEN rank() OVER (PARTITION BY v.measure, v.year ORDER BY v.value DESC)
               WHEN 'Low' THEN rank() OVER (PARTITION BY v.measure, v.year ORDER BY v.value ASC)
           END AS rank
    FROM v JOIN published_measure m USING (measure) WHERE v.value IS NOT NULL
)
"""


def _measure_params(measure: str | list[str] | None) -> dict:
    """SQL parameters for "this measure", "these measures" or every measure."""
    wanted = [measure] if isinstance(measure, str) else list(measure or [])
    return {"all_m": measure is None, "ms": wanted}


@dataclass(frozen=True)
class Published:
    """Every LA's published figures, with every rank, as read from the store at one moment.

    ``benchmark_report`` and ``neighbour_values`` work a report out of one of these without going
    back to the store. None of it depends on the LA asked about, so the app reads it once (per data
    version) and any LA's report is then a matter of picking rows, instead of a dozen queries that
    rank every LA again on each change of LA (issue 14).
    """

    las: pd.DataFrame  # every LA, current and abolished (``list_las``)
    meta: pd.DataFrame  # the measures (``measures``)
    keys: pd.DataFrame  # measure, year, of: how many LAs have a figure
    effective: pd.DataFrame  # every LA's own (or joint) figure: code, measure, year, value, ..., joint, rank
    others: pd.DataFrame  # region and England figures: measure, year, area_level, area_code, value, ...
    neighbours: pd.DataFrame  # la_code, rank, neighbour_code, name, closeness
    cuts: pd.DataFrame  # measure, year, q25, q50, q75: DfE's quartile bands (``quartile_bands``)
    #: Figures filed under an LA that another LA succeeded (``_predecessor_notes``); None: read when asked.
    filed: pd.DataFrame | None = None
    _at: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # code -> its rows' slice
    #: Worked out once from the fields above (``_index``): what every LA's report shares, by key number.
    _by: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Sort ``effective`` by LA once, so one LA's rows are a slice, not a scan of 100,000 rows."""
        ordered = self.effective.sort_values("code", kind="stable", ignore_index=True)
        codes = ordered["code"].to_numpy(dtype=object)
        starts = [0, *((codes[1:] != codes[:-1]).nonzero()[0] + 1), len(codes)] if len(codes) else [0]
        object.__setattr__(self, "effective", ordered)
        self._at.update({codes[a]: (a, b) for a, b in zip(starts[:-1], starts[1:], strict=True)})
        self._index()

    def _index(self) -> None:
        """Number each (measure, year) of ``keys`` (its row) and mark every figure with its number
        (``_k``), so an LA's report aligns its figures by integer positions instead of merging on
        text keys; and group the neighbours, region figures and cut points the same way."""
        keys = self.keys.reset_index(drop=True)
        object.__setattr__(self, "keys", keys)
        number = pd.Series(range(len(keys)), index=pd.MultiIndex.from_arrays([keys["measure"], keys["year"]]))

        def numbered(frame: pd.DataFrame) -> pd.DataFrame:
            at = pd.MultiIndex.from_arrays([frame["measure"], frame["year"]])
            return frame.assign(_k=number.reindex(at).to_numpy())

        object.__setattr__(self, "effective", numbered(self.effective))
        others = numbered(self.others)
        fields = ["_k", "value", "symbol", "numerator", "denominator"]
        self._by["england"] = others.loc[others["area_level"] == "england", fields].set_index("_k")
        regions = others[others["area_level"] == "region"]
        self._by["region"] = {code: part[fields].set_index("_k") for code, part in regions.groupby("area_code")}
        self._by["no_region"] = regions.iloc[0:0][fields].set_index("_k")
        self._by["neighbours"] = {code: part for code, part in self.neighbours.groupby("la_code", sort=False)}
        self._by["cuts"] = numbered(self.cuts).dropna(subset=["_k"]).set_index("_k")[["q25", "q50", "q75"]]
        meta = self.meta.set_index("measure")
        self._by["polarity"] = keys["measure"].map(meta["polarity"]).fillna("-")
        self._by["measure_name"] = keys["measure"].map(meta["name"])
        self._by["unit"] = keys["measure"].map(meta["unit"])

    def neighbours_of(self, code: str) -> pd.DataFrame:
        """The LA's neighbours (``neighbours`` rows), closest first."""
        return self._by["neighbours"].get(code, self.neighbours.iloc[0:0])

    def rows_of(self, codes: list[str]) -> pd.DataFrame:
        """``effective``'s rows for the LAs ``codes`` (in that order of LAs), taken at once."""
        spans = [self._at[c] for c in dict.fromkeys(codes) if c in self._at]
        if len(spans) == 1:
            return self.effective.iloc[spans[0][0] : spans[0][1]]
        if not spans:
            return self.effective.iloc[0:0]
        return self.effective.take(np.concatenate([np.arange(a, b) for a, b in spans]))

    def resolved(self, la: str | int) -> dict:
        """``resolve_la`` among these LAs (a QAError for an unknown one), looked up once per LA: a
        page that asks three times for one LA's row found it three times (a millisecond each)."""
        key = ("resolved", str(la))
        found = self._by.get(key)
        if found is None:
            text = str(la).strip()
            first = self._by.get("first row of code")
            if first is None:  # each old code's first row, as ``_resolve`` takes it
                codes = self.las["old_la_code"].tolist()
                first = self._by["first row of code"] = {c: i for i, c in reversed(list(enumerate(codes)))}
            at = first.get(str(int(text))) if text.isdigit() else None
            found = self.las.iloc[at].to_dict() if at is not None else _resolve(self.las, la)
            self._by[key] = found
        return dict(found)

    def key_number(self, measure: str, year: int) -> int | None:
        """The key number (``_k``) of a measure and year, or None when ``keys`` has no such row."""
        numbers = self._by.get("key numbers")
        if numbers is None:
            numbers = self._by["key numbers"] = {
                (m, int(y)): i for i, (m, y) in enumerate(zip(self.keys["measure"], self.keys["year"], strict=True))}
        try:
            return numbers.get((measure, int(year)))
        except (TypeError, ValueError):
            return None

    def every_key(self, name: str, make: Callable[[], pd.Series | pd.DataFrame]) -> pd.Series | pd.DataFrame:
        """What ``make`` aligns to every key of ``keys`` (a report of every measure and year, as the
        Benchmarks page asks for each LA), worked out once for these figures."""
        found = self._by.get(("every key", name))
        if found is None:
            found = self._by[("every key", name)] = make()
        return found


def published(store: Store, measure: str | list[str] | None = None, year: int | None = None) -> Published:
    """The published figures (of ``measure`` and ``year`` only, when given) in a few queries: joint
    returns marked (``_mark_joint``) and the quartile bands cut once."""
    params = {**_measure_params(measure), "y": year}
    where = "($all_m OR list_contains($ms, measure)) AND ($y IS NULL OR year = $y)"
    las = list_las(store, current_only=False)
    return Published(
        las=las,
        meta=measures(store),
        keys=store.query(
            "SELECT measure, year, count(value) FILTER (WHERE area_level = 'la') AS \"of\" FROM published_value "
            f"WHERE {where} GROUP BY ALL ORDER BY ALL", params),
        effective=_mark_joint(store, store.query(_LA_VALUES + """
            SELECT e.code, e.measure, e.year, e.value, e.symbol, e.numerator, e.denominator, e.joint, r.rank
            FROM eff e LEFT JOIN ranked r
              ON r.measure = e.measure AND r.year = e.year AND r.area_code = coalesce(e.joint, e.code)""", params)),
        others=store.query(
            "SELECT measure, year, area_level, area_code, value, symbol, numerator, denominator FROM published_value "
            f"WHERE area_level IN ('england', 'region') AND {where}", params),
        neighbours=store.query(
            "SELECT s.la_code, s.rank, s.neighbour_code, l.name, s.closeness FROM statistical_neighbour s "
            "LEFT JOIN published_la l ON l.old_la_code = s.neighbour_code ORDER BY s.la_code, s.rank"),
        cuts=quartile_bands(store, measure, year),
        filed=_filed(store, las),
    )


def _text(value: object) -> object:
    """A stored text, or None where there is none (never NaN)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _pick(frame: pd.DataFrame, measure: str | list[str] | None, year: int | None) -> pd.DataFrame:
    """The rows of ``measure`` (one code or a list) and ``year``; all of them for None."""
    if measure is None and year is None:
        return frame
    keep = pd.Series(True, index=frame.index)
    if measure is not None:
        keep &= frame["measure"].isin([measure] if isinstance(measure, str) else list(measure))
    if year is not None:
        keep &= frame["year"] == year
    return frame[keep]


def quartile_bands(store: Store, measure: str | list[str] | None = None, year: int | None = None) -> pd.DataFrame:
    """The cut points of DfE's quartile bands per measure and year: ``measure, year, q25, q50,
    q75`` over every LA figure that is ranked (a joint return once, as it is published)."""
    values = store.query(
        "SELECT measure, year, value FROM published_value WHERE area_level = 'la' AND value IS NOT NULL "
        "AND ($all_m OR list_contains($ms, measure)) AND ($y IS NULL OR year = $y) ORDER BY measure, year, value",
        {**_measure_params(measure), "y": year})
    rows = []
    for (m, y), group in values.groupby(["measure", "year"], sort=False):
        q25, q50, q75 = quartile_cuts(group["value"].tolist())
        rows.append({"measure": m, "year": y, "q25": q25, "q50": q50, "q75": q75})
    return pd.DataFrame(rows, columns=["measure", "year", "q25", "q50", "q75"])


def _mark_joint(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (rows of ``_effective``) with ``joint`` filled in where LAIT repeats a joint
    workforce return under each LA's own code: a measure of the workforce census, a year in which
    the LAs made a joint return (an EES row for ``940 / 941``), and the same figure for every LA
    of the return. A figure that differs between them is each LA's own, and stays so."""
    if frame.empty:
        return frame
    joints = store.query("SELECT old_la_code AS joint FROM published_la WHERE status = 'joint'")["joint"].tolist()
    member_of = {code.strip(): joint for joint in joints for code in joint.split("/")}
    candidates = frame["joint"].isna() & frame["code"].isin(list(member_of))
    if not candidates.any():
        return frame
    workforce = set(store.query(
        "SELECT measure FROM published_measure WHERE lower(coalesce(topic, '') || ' ' || coalesce(source, '')) "
        "LIKE '%' || $w || '%'", {"w": JOINT_RETURN_TOPIC})["measure"])
    returned = store.query(
        "SELECT DISTINCT area_code AS joint, year FROM published_value WHERE list_contains($j, area_code)",
        {"j": joints})
    joint_years = set(zip(returned["joint"], returned["year"], strict=True))
    members = store.query(
        "SELECT area_code AS code, measure, year, value FROM published_value WHERE area_level = 'la' "
        "AND list_contains($codes, area_code) AND list_contains($ms, measure)",
        {"codes": list(member_of), "ms": sorted(workforce & set(frame["measure"]))})
    members["joint"] = members["code"].map(member_of)
    shared = members.groupby(["joint", "measure", "year"]).agg(
        n=("code", "nunique"), values=("value", "nunique"), missing=("value", lambda v: v.isna().any()))
    size = {joint: len(joint.split("/")) for joint in joints}
    one_figure = {key for key, r in shared.iterrows() if r["n"] == size[key[0]] and r["values"] == 1
                  and not r["missing"] and (key[0], key[2]) in joint_years}
    out = frame.copy()
    keys = zip(out["code"].map(member_of), out["measure"], out["year"], strict=True)
    marked = [bool(c) and k in one_figure for c, k in zip(candidates, keys, strict=True)]
    out.loc[marked, "joint"] = out.loc[marked, "code"].map(member_of)
    return out


def _joint_words(las: pd.DataFrame, joint: str) -> str:
    """'North Northamptonshire and West Northamptonshire report jointly (940 / 941)'."""
    codes = [c.strip() for c in joint.split("/")]
    names = las.drop_duplicates("old_la_code").set_index("old_la_code")["name"]
    listed = [names.get(c, c) for c in codes]
    return f"{' and '.join(listed)} report jointly ({joint})"


_FILED = ("SELECT v.measure, v.year, v.area_code, v.area_name, v.value, l.name AS la_name FROM published_value v "
          "LEFT JOIN published_la l ON l.old_la_code = v.area_code WHERE v.area_level = 'la' "
          "AND v.value IS NOT NULL AND list_contains($codes, v.area_code) AND v.year >= $first ORDER BY v.area_code")


def _filed(store: Store, las: pd.DataFrame) -> pd.DataFrame:
    """Every figure filed under an LA that another LA took over from (``_predecessor_notes`` picks from it)."""
    codes = sorted({c for p in las["predecessors"].dropna() for c in str(p).split(";")})
    return store.query(_FILED, {"codes": codes, "first": -1})


def _predecessor_notes(store: Store, row: dict, measures: list, years: list, values: list,
                       filed: pd.DataFrame | None = None) -> list[str | None]:
    """Where the LA has no figure in a year after it took over from a predecessor that DfE still
    files a figure under: where that figure is and what it is (it is not moved onto the LA).
    ``filed``: every predecessor's figures read already (``_filed``), else they are read here."""
    notes: list[str | None] = [None] * len(measures)
    first = row.get("first_year")
    if not row.get("predecessors") or first is None or pd.isna(first):
        return notes
    codes = row["predecessors"].split(";")
    if filed is None:
        filed = store.query(_FILED, {"codes": codes, "first": int(first)})
    else:
        filed = filed[filed["area_code"].isin(codes) & (filed["year"] >= int(first))]
    if filed.empty:
        return notes
    by_key = filed.groupby(["measure", "year"])
    for i, (measure, year, value) in enumerate(zip(measures, years, values, strict=True)):
        if not pd.isna(value) or (measure, year) not in by_key.groups:
            continue
        parts = [f"\"{r.area_name}\" ({r.area_code}, {r.la_name or 'a predecessor'}): {r.value:g}"
                 for r in by_key.get_group((measure, year)).itertuples()]
        notes[i] = (f"DfE files {row['name']}'s {int(year)} figure under its predecessor "
                    f"{'; '.join(parts)}. It is not moved onto {row['name']} here.")
    return notes


def benchmark_report(store: Store, la: str, measure: str | list[str] | None = None,
                     year: int | None = None, data: Published | None = None) -> pd.DataFrame:
    """Per measure and year: the LA's value, its neighbours' median (and how many were used),
    its region, England, and its rank, ``of`` and quartile among all LAs (see the module
    docstring for the rules). Columns: ``REPORT_COLUMNS`` then ``measure_name, polarity, unit,
    la_symbol, la_joint_return, region_symbol, england_symbol, missing_neighbours, note`` and the
    counts behind a percentage where DfE publishes them (``la_numerator, la_denominator``, and
    the same for region and England; blank for LAIT measures, which carry no counts).
    One row per measure and year the store has any figure for (filtered by ``measure``, one code
    or a list, and ``year``). ``data``: the published figures already read (``published``), else
    they are read for this report.
    """
    data = data if data is not None else published(store, measure, year)
    row = data.resolved(la)
    code = row["old_la_code"]
    if measure is not None:
        meta = data.meta.set_index("measure")
        for one in [measure] if isinstance(measure, str) else measure:
            if one not in meta.index:
                close = difflib.get_close_matches(one, meta.index.tolist(), n=3, cutoff=0.5)
                hint = f" Did you mean {', '.join(close)}?" if close else ""
                raise QAError(f"There is no published measure {one!r}.{hint}")
    keys = _pick(data.keys, measure, year)
    if keys.empty:
        return pd.DataFrame(columns=REPORT_COLUMNS + EXTRA_COLUMNS)
    at = keys.index.to_numpy()  # each row's key number (``Published._index``): figures align on these
    every = len(at) == len(data.keys)  # every measure and year: what they share is aligned once

    def aligned(name: str, figures: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """``figures()`` (indexed by key number) in the report's rows, numbered 0, 1, ...; blank where none."""
        if every:
            return data.every_key(name, lambda: figures().reindex(at).reset_index(drop=True))
        return figures().reindex(at).reset_index(drop=True)

    # Every column is worked out on its own and the report made once at the end: a column set on a
    # growing frame cost more than working it out (issue 14).
    out: dict[str, object] = {}
    base = keys.reset_index(drop=True)
    out["measure"], out["year"] = base["measure"], base["year"].astype("int64")
    of = base["of"].astype("Int64")
    out["of"] = of.mask(of == 0)

    neighbours = data.neighbours_of(code)
    mine = _pick(data.rows_of([code]), measure, year).set_index("_k").reindex(at).reset_index(drop=True)
    region = aligned(f"region {row['region_code'] or ''}",
                     lambda: data._by["region"].get(row["region_code"] or "", data._by["no_region"]))
    england = aligned("england", lambda: data._by["england"])

    effective = _pick(data.rows_of(neighbours["neighbour_code"].tolist()), measure, year)
    sn = effective[effective["value"].notna().to_numpy()]  # every row is a neighbour's (``rows_of``)
    grid = _NeighbourGrid(sn, neighbours["neighbour_code"].tolist(), at)
    joints = sn[sn["joint"].notna().to_numpy()].groupby(["_k", "joint"]).size()
    notes: dict[int, str] = {}
    counted = dict(zip(at.tolist(), grid.count.tolist(), strict=True))
    for k, shared in joints[joints > 1].reset_index().groupby("_k")["joint"]:
        words = "; ".join(_joint_words(data.las, j) for j in sorted(shared))
        notes[k] = (f"{counted[k]} neighbours' figures; {words}"
                    + (", counted once" if len(shared) == 1 else ", each counted once"))

    polarity = aligned("polarity", lambda: data._by["polarity"].set_axis(range(len(data.keys))))
    rank = mine["rank"]
    ranked_ok = rank.notna() & polarity.isin(["High", "Low"])
    cuts = aligned("cuts", lambda: data._by["cuts"])
    value = mine["value"].to_numpy(dtype="float64", na_value=np.nan)
    have = ranked_ok.to_numpy() & cuts["q25"].notna().to_numpy() & ~np.isnan(value)
    # ``quartile_band`` for every row at once: a value on a cut point sits in the quarter below it.
    position = np.select([value <= cuts["q25"].to_numpy(), value <= cuts["q50"].to_numpy(),
                          value <= cuts["q75"].to_numpy()], [0, 1, 2], 3)
    position = np.where(polarity.to_numpy() == "Low", position, 3 - position)
    bands = [BANDS[p] if h else None for p, h in zip(position.tolist(), have.tolist(), strict=True)]
    years = out["year"].tolist()
    values = mine["value"].tolist()

    out["la_value"] = mine["value"]
    out["sn_median"] = pd.Series(grid.median, dtype="float64")
    out["sn_count"] = pd.Series(grid.count, dtype="int64")
    out["region_value"], out["england_value"] = region["value"], england["value"]
    out["rank"] = rank.where(ranked_ok).astype("Int64")
    out["quartile"] = pd.array([BAND_NUMBER[b] if b else None for b in bands], dtype="Int64")
    out["measure_name"] = aligned("measure_name", lambda: data._by["measure_name"].set_axis(range(len(data.keys))))
    out["polarity"] = polarity
    out["unit"] = aligned("unit", lambda: data._by["unit"].set_axis(range(len(data.keys))))
    out["la_symbol"], out["la_joint_return"] = mine["symbol"], mine["joint"]
    out["region_symbol"], out["england_symbol"] = region["symbol"], england["symbol"]
    out["missing_neighbours"] = _missing_neighbours(neighbours, sn, at, grid)
    out["note"] = _notes(row, values, years)
    out["la_numerator"], out["la_denominator"] = mine["numerator"], mine["denominator"]
    out["region_numerator"], out["region_denominator"] = region["numerator"], region["denominator"]
    out["england_numerator"], out["england_denominator"] = england["numerator"], england["denominator"]
    out["quartile_band"] = pd.Series(bands, dtype=object)
    out["sn_joint_return_note"] = pd.Series([notes.get(k) for k in at] if notes else [None] * len(at), dtype=object)
    out["predecessor_note"] = pd.Series(
        _predecessor_notes(store, row, out["measure"].tolist(), years, values, data.filed), dtype=object)
    # Text or None, never NaN (``j and f"... {j}"`` reads them), and one dtype however many rows have text.
    for text in ("la_symbol", "la_joint_return", "missing_neighbours", "note", "sn_joint_return_note"):
        column = pd.Series(out[text])
        shown = column.to_numpy(dtype=object, copy=True)
        shown[column.isna().to_numpy()] = None
        out[text] = pd.Series(shown, dtype=object)
    return pd.DataFrame({name: out[name] for name in REPORT_COLUMNS + EXTRA_COLUMNS})


def latest_published(store: Store, la: str, measure_codes: list[str], data: Published | None = None) -> pd.DataFrame:
    """``benchmark_report`` rows for each measure's latest year: the newest year the LA has a
    figure or a symbol for, else the newest year anyone has. In ``measure_codes`` order; codes
    the store does not hold are left out. ``data`` as in ``benchmark_report``."""
    known = set((data.meta if data is not None else measures(store))["measure"])
    wanted = [m for m in dict.fromkeys(measure_codes) if m in known]
    if not wanted:
        return pd.DataFrame(columns=REPORT_COLUMNS + EXTRA_COLUMNS)
    rep = benchmark_report(store, la, wanted, data=data)
    has = rep["la_value"].notna() | rep["la_symbol"].notna()
    rep = rep.assign(_has=has).sort_values(["measure", "_has", "year"], kind="stable")
    latest = rep.groupby("measure").tail(1).drop(columns="_has")
    order = {m: i for i, m in enumerate(wanted)}
    return latest.sort_values("measure", key=lambda c: c.map(order)).reset_index(drop=True)


class _NeighbourGrid:
    """The neighbours' figures as a grid, a row per key number of ``at`` and a column per
    neighbour (closest first), so each row's median, count and who has a figure are worked out
    for every row at once. A joint return is one figure: in each row it keeps the closest
    neighbour's cell and blanks the others' for the median (each return counted once, as
    ``medians_once``), while ``have`` still says each of those neighbours has a figure.
    ``sn``: the neighbours' rows that have a value (``_k``, ``code``, ``value``, ``joint``), in
    ``rows_of`` order (without ``value`` or ``joint``: each row is a figure of its own). A key
    number may be asked for twice in ``at``."""

    def __init__(self, sn: pd.DataFrame, codes: list[str], at: np.ndarray) -> None:
        self.codes = list(dict.fromkeys(codes))
        asked, again = np.unique(np.asarray(at, dtype="int64"), return_inverse=True)
        keys = sn["_k"].to_numpy(dtype="int64")
        row = np.full(int(max(asked.max(initial=-1), keys.max(initial=-1))) + 1, -1, dtype="int64")
        row[asked] = np.arange(len(asked))
        rows = row[keys]
        cols = pd.Index(self.codes).get_indexer(sn["code"])
        keep = (rows >= 0) & (cols >= 0)  # a key not asked for, or a code that is no neighbour: left out
        rows, cols = rows[keep], cols[keep]
        values = np.full((len(asked), len(self.codes)), np.nan)
        figures = sn["value"].to_numpy(dtype="float64", na_value=np.nan) if "value" in sn else np.ones(len(sn))
        values[rows, cols] = figures[keep]
        self.have = ~np.isnan(values)[again]
        joint = sn["joint"] if "joint" in sn else pd.Series(None, index=sn.index, dtype=object)
        shared = np.flatnonzero(joint.notna().to_numpy()[keep])
        if len(shared):  # rare: blank every cell of a joint return but its closest neighbour's
            joint = joint.to_numpy(dtype=object)[keep]
            seen: set[tuple[int, str]] = set()
            for i in sorted(shared.tolist(), key=lambda i: (rows[i], cols[i])):
                key = (int(rows[i]), joint[i])
                if key in seen:
                    values[rows[i], cols[i]] = np.nan
                seen.add(key)
        count = (~np.isnan(values)).sum(axis=1).astype("int64")
        median = np.full(len(asked), np.nan)
        some = count > 0
        if some.any():
            median[some] = np.nanmedian(values[some], axis=1)
        self.count, self.median = count[again], median[again]


def _missing_neighbours(neighbours: pd.DataFrame, sn: pd.DataFrame, at: np.ndarray,
                        grid: _NeighbourGrid | None = None) -> list[str | None]:
    """For each key number in ``at``: the neighbours with no figure ("Name (code); ..."), or None.
    ``sn`` holds the neighbours' figures (``_k``, ``code``). Which neighbours have one is a bit
    each, so a row's words are looked up by its pattern, not built neighbour by neighbour."""
    codes = neighbours["neighbour_code"].tolist()
    label = {code: f"{name} ({code})" for code, name in zip(codes, neighbours["name"].tolist(), strict=True)}
    if not codes:
        return [None] * len(at)
    if len(codes) > 60:  # not DfE's model (10): too many for a bit each
        used = sn.groupby("_k")["code"].agg(set).to_dict()
        return ["; ".join(label[c] for c in codes if c not in used.get(k, set())) or None for k in at]
    grid = grid or _NeighbourGrid(sn, codes, at)
    # Each grid column's bit: a code listed twice among the neighbours has both its places' bits.
    bits = np.array([sum(1 << j for j, c in enumerate(codes) if c == code) for code in grid.codes], dtype="int64")
    used = np.bitwise_or.reduce(np.where(grid.have, bits, 0), axis=1) if len(at) else np.zeros(0, dtype="int64")
    missing = ((1 << len(codes)) - 1) & ~used
    words = {m: "; ".join(label[c] for j, c in enumerate(codes) if m >> j & 1) or None
             for m in np.unique(missing).tolist()}
    return [words[m] for m in missing.tolist()]


def _notes(row: dict, values: list, years: list) -> list[str | None]:
    """Each row's note where the LA has no figure because it did not exist that year (``values`` and
    ``years``: the report's ``la_value`` and ``year``)."""
    notes = []
    for value, yr in zip(values, years, strict=True):
        note = None
        if pd.isna(value):
            first, last = row.get("first_year"), row.get("last_year")
            if first is not None and not pd.isna(first) and yr < first:
                note = (f"{row['name']} was created by local government reorganisation; its own figures start "
                        f"in {int(first)} (before that see {row['predecessors'].replace(';', ', ')}).")
            elif last is not None and not pd.isna(last) and yr > last:
                note = (f"{row['name']} was abolished after {int(last)} (see "
                        f"{row['successors'].replace(';', ', ')}).")
        notes.append(note)
    return notes


def neighbour_values(store: Store, la: str, measure: str, year: int, data: Published | None = None) -> pd.DataFrame:
    """The LA's 10 neighbours with their figure for a measure and year: ``rank, neighbour_code,
    name, closeness, value, symbol, joint_return, missing, numerator, denominator`` (missing: no
    figure, left out of the median; the counts where DfE publishes them). ``data`` as in
    ``benchmark_report``."""
    data = data if data is not None else published(store, measure, year)
    row = data.resolved(la)
    neighbours = data.neighbours_of(row["old_la_code"])
    effective = data.rows_of(neighbours["neighbour_code"].tolist())
    k = data.key_number(measure, year)  # None: no LA has that measure and year, so no neighbour has it
    effective = effective[(effective["_k"] == k).to_numpy(dtype=bool, na_value=False)]
    found = {c: effective[c].tolist() for c in ("code", "value", "symbol", "joint", "numerator", "denominator")}
    first_row = {c: i for i, c in reversed(list(enumerate(found["code"])))}  # each code's first row
    rows = []
    for n in neighbours.itertuples():
        i = first_row.get(n.neighbour_code)
        value = None if i is None or pd.isna(found["value"][i]) else float(found["value"][i])
        rows.append(dict(rank=n.rank, neighbour_code=n.neighbour_code, name=n.name, closeness=n.closeness,
                         value=value, symbol=None if i is None else _text(found["symbol"][i]),
                         joint_return=None if i is None else _text(found["joint"][i]), missing=value is None,
                         numerator=None if i is None else found["numerator"][i],
                         denominator=None if i is None else found["denominator"][i]))
    return pd.DataFrame(rows, columns=["rank", "neighbour_code", "name", "closeness", "value", "symbol",
                                       "joint_return", "missing", "numerator", "denominator"])


def la_trend(store: Store, la: str, measure: str, data: Published | None = None) -> pd.DataFrame:
    """The LA's figures for one measure, year by year, with its comparators."""
    return benchmark_report(store, la, measure=measure, data=data)


def all_ilacs(store: Store) -> pd.DataFrame:
    """Every Ofsted ILACS judgement held, newest first (``ilacs_judgements`` picks one LA's)."""
    return store.query("SELECT * FROM ilacs_judgement ORDER BY inspection_date DESC")


def ilacs_judgements(store: Store, la: str, data: Published | None = None,
                     judgements: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every Ofsted ILACS inspection of the LA, newest first (an abolished LA's own history).
    ``data``: the published figures already read (their LAs); ``judgements``: ``all_ilacs`` already
    read; else each is read here."""
    row = data.resolved(la) if data is not None else resolve_la(store, la)
    every = judgements if judgements is not None else all_ilacs(store)
    return every[ilacs_rows(row, every)].drop(columns="la_code").reset_index(drop=True)


def ilacs_rows(row: dict, every: pd.DataFrame) -> np.ndarray:
    """Which of ``every`` (``all_ilacs``' rows) are inspections of the LA ``row`` (``resolve_la``'s):
    its old code, or its new code (an LA renumbered keeps its history)."""
    new_code = row["new_la_code"] or ""
    return (every["la_code"] == row["old_la_code"]).to_numpy(dtype=bool, na_value=False) | (
        every["new_la_code"] == new_code).to_numpy(dtype=bool, na_value=False)
