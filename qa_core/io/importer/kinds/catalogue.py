"""Kinds ``indicators`` (the catalogue), ``values`` (monthly figures) and ``comparators``."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field

from qa_core.io.importer.fields import (
    Count,
    IndicatorRef,
    LongText,
    Month,
    NonNegative,
    Number,
    Sentence,
    TeamRef,
    Text,
    choice,
)
from qa_core.io.importer.kinds.base import (
    KindSpec,
    Outcome,
    Prepared,
    Step,
    changes,
    is_null,
    merge_counts,
    month_label,
    plural,
    scope_messages,
    totals,
)
from qa_core.io.importer.kinds.dfe import SHAPES_HELP
from qa_core.io.importer.merge import Merge
from qa_core.io.importer.validate import Checker, Context, Lookup, _distinct
from qa_core.io.published import PUBLISHED_SYMBOLS
from qa_core.rules.rag import DEFAULT_MIN_DENOMINATOR, POLARITIES, RULES
from qa_core.store import Store

UNITS = ("%", "rate_per_10k", "days", "count", "number")
LEVELS = ("la", "service", "team")
AGGREGATIONS = ("ratio", "sum")
COMPARATORS = ("statistical_neighbours", "region", "england", "la")
#: The DfE symbols a comparator row may carry instead of a value (LAIT's "-" is a blank cell).
COMPARATOR_SYMBOLS = tuple(symbol for symbol in PUBLISHED_SYMBOLS if symbol != "-")
SHARE_UNITS = ("%", "rate_per_10k")  # a numerator cannot exceed its denominator


# == indicators ==============================================================================
class IndicatorRow(BaseModel):
    code: Text = Field(description="Short code of the measure, unique in the catalogue; the values file uses it.",
                       examples=["CONTACT_24H"])
    name: Text = Field(description="The measure's name as reports show it.",
                       examples=["Contacts with a decision within 24 hours"])
    theme: Text = Field(description="The theme it belongs to (e.g. Safeguarding activity, Outcomes).",
                        examples=["Safeguarding activity"])
    unit: choice(UNITS, {"percent": "%", "percentage": "%", "pct": "%", "rate": "rate_per_10k",
                         "rate_per_10,000": "rate_per_10k"}, "unit") = Field(
        description="One of: %, rate_per_10k, days, count, number.", examples=["%"])
    polarity: choice(POLARITIES, {"higher": "up", "higher_is_better": "up", "lower": "down",
                                  "lower_is_better": "down"}, "polarity") = Field(
        description="up (higher is better), down (lower is better) or neutral.", examples=["up"])
    target: Number | None = Field(None, description="The target in the unit shown (90 for 90%); blank if none.",
                                  examples=["90"])
    rag_rule: choice(RULES, None, "RAG rule") | None = Field(
        None, description="tolerance, travel or none; blank means tolerance.", examples=["tolerance"])
    tolerance: NonNegative | None = Field(
        None, description="How far from target is still amber (green under 'travel'), in the unit; blank means 0.",
        examples=["5"])
    min_denominator: NonNegative | None = Field(
        None, description="The fewest cases (denominator) a figure is rated on: below it the count is shown and no "
        f"RAG; blank means {DEFAULT_MIN_DENOMINATOR}.", examples=[str(DEFAULT_MIN_DENOMINATOR)])
    levels: Sentence | None = Field(None, description="Levels it is reported at: la, service, team (comma separated); "
                                "blank means all three.", examples=["la,service,team"])
    aggregation: choice(AGGREGATIONS, None, "aggregation") | None = Field(
        None, description="ratio (numerators over denominators; the default) or sum (values added up).",
        examples=["ratio"])
    source: Sentence | None = Field(None, description="Where the figures come from.",
                                examples=["Case management system extract"])
    description: LongText | None = Field(None, description="Definition in plain words.",
                                     examples=["Contacts where a decision was recorded within 24 hours"])
    published_measure: Text | None = Field(None, description="The DfE LAIT measure it compares with, if any.",
                                           examples=[""])
    sort_order: Count | None = Field(None, description="Position in lists; blank keeps the stored order "
                                     "(new measures go last).", examples=["1"])
    services: Sentence | None = Field(None, description="Services that hold it as a core clinic measure: service ids "
                                  "or names separated by ';', or 'all'.", examples=["front_door"])


def _split(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,|]", text) if p.strip()]


def _levels(text: str) -> str:
    parts = [p.lower() for p in _split(text)]
    wrong = [p for p in parts if p not in LEVELS]
    if wrong or not parts:
        raise ValueError(f"'{text}' is not a list of levels. Use la, service and/or team, comma separated.")
    return ",".join(level for level in LEVELS if level in parts)


def _sort_orders(ctx: Context, table: str, key: str, keys: pa.Array, given: pa.Array) -> pa.Array:
    """The given order; else the stored one; else after everything held, in file order."""
    held = ctx.query(f"SELECT {key} AS k, sort_order FROM {table}")
    stored = dict(zip(held["k"], held["sort_order"], strict=True))
    start = int(max(stored.values(), default=0))
    out = []
    extra = 0
    for k, g in zip(keys.to_pylist(), given.to_pylist(), strict=True):
        if g is not None:
            out.append(int(g))
        elif k in stored:
            out.append(int(stored[k]))
        else:
            extra += 1
            out.append(start + extra)
    return pa.array(out, pa.int64())


def prepare_indicators(ck: Checker, ctx: Context) -> Prepared:
    code = ck.column("code")
    ck.duplicates([("code", code)], lambda i: f"The indicator {code[i].as_py()}")
    cols: dict[str, pa.Array] = {"code": code}
    for name in ("name", "theme", "unit", "polarity"):
        cols[name] = ck.column(name)
    defaults = {"rag_rule": "tolerance", "tolerance": 0.0, "aggregation": "ratio"}
    for name in ("target", "rag_rule", "tolerance", "aggregation", "source", "description", "published_measure"):
        if ck.has(name):
            values = ck.column(name)
            if name in defaults:
                values = pc.fill_null(values, pa.scalar(defaults[name], values.type))
            cols[name] = values
    if ck.has("levels"):
        levels = ck.coded("levels", _levels)
        cols["levels"] = pc.fill_null(levels, "la,service,team")
    if ck.has("aggregation"):
        unit, agg = cols["unit"].to_pylist(), cols["aggregation"].to_pylist()
        ck.add(np.array([u == "%" and a == "sum" for u, a in zip(unit, agg, strict=True)]), "aggregation",
               "A percentage is added up as numerators over denominators: use aggregation 'ratio'.")
    cols["sort_order"] = _sort_orders(ctx, "indicator", "code", code,
                                      ck.column("sort_order") if ck.has("sort_order") else pa.nulls(ck.n, pa.int64()))
    staged = {"_n_indicator": pa.table(cols)}
    if ck.has("min_denominator"):  # held in indicator_rating (migration 006); blank means the default
        minimum = ck.column("min_denominator")
        staged["_n_rating"] = pa.table({"code": code, "min_denominator": pc.fill_null(
            minimum, pa.scalar(float(DEFAULT_MIN_DENOMINATOR), minimum.type))})
    info: dict[str, Any] = {"links": ck.has("services")}
    if ck.has("services"):
        services = ctx.lookup("service")
        all_ids = list(ctx.services["service_id"])

        def read(text: str) -> tuple[str, ...]:
            if text.strip().lower() == "all":
                return tuple(all_ids)
            found, wrong = [], []
            for part in _split(text):
                try:
                    found.append(services.resolve(part))
                except ValueError:
                    wrong.append(part)
            if wrong:
                raise ValueError(f"Unknown service {', '.join(repr(w) for w in wrong)}. Use service ids or names "
                                 f"({', '.join(all_ids[:6])}), separated by ';', or 'all'.")
            return tuple(dict.fromkeys(found))

        codes, parsed = ck.read("services", read)
        link_code, link_service = [], []
        for i, k in enumerate(codes):
            if k >= 0 and parsed[k] and code[i].is_valid:
                link_code += [code[i].as_py()] * len(parsed[k])
                link_service += list(parsed[k])
        staged["_n_link"] = pa.table({"code": pa.array(link_code, pa.string()),
                                      "service_id": pa.array(link_service, pa.string())})
    return Prepared(rows=ck.n, staged=staged, info=info)


def load_indicators(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_indicator"]
    main = Merge("indicator", "_n_indicator", ["code"], [c for c in table.column_names if c != "code"])
    status = main.statuses(cur, by=["n.code"])
    outcome = totals(merge_counts([status], [], ["code"]))
    replaced = status.loc[status["replaced"] > 0, "code"].tolist()
    added = status.loc[status["added"] > 0, "code"].tolist()
    rating = None
    if "_n_rating" in prep.staged:
        rating = Merge("indicator_rating", "_n_rating", ["code"], ["min_denominator"])
        moved = sorted(set(rating.statuses(cur, by=["n.code"]).query("added > 0 or replaced > 0")["code"])
                       - set(replaced) - set(added))
        outcome.replaced += len(moved)
        outcome.unchanged -= len(moved)
        replaced += moved
    links = None
    if prep.info["links"]:
        links = Merge("indicator_service", "_n_link", ["code", "service_id"], [], scope=["code"],
                      scope_from="_n_indicator")
        changed = set(links.statuses(cur, by=["n.code"]).query("added > 0")["code"])
        changed |= set(links.removed(cur, by=["code"])["code"])
        moved = sorted(changed - set(replaced) - set(added))
        outcome.replaced += len(moved)
        outcome.unchanged -= len(moved)
        replaced += moved
    outcome.messages = _code_lines("indicator", added, replaced, outcome.unchanged)
    step("writing indicators")
    if write and changes(outcome):
        main.apply(cur)
        if rating is not None:
            rating.apply(cur)
        if links is not None:
            links.apply(cur)
    return outcome


def _code_lines(noun: str, added: list[str], replaced: list[str], unchanged: int) -> list[str]:
    lines = []
    if added:
        lines.append(f"{plural(len(added), noun)} added: {', '.join(sorted(added)[:30])}"
                     + (" ..." if len(added) > 30 else "") + ".")
    if replaced:
        lines.append(f"{plural(len(replaced), noun)} replaced: {', '.join(sorted(replaced)[:30])}"
                     + (" ..." if len(replaced) > 30 else "") + ".")
    if unchanged:
        lines.append(f"{plural(unchanged, noun)} already held exactly as in this file, left unchanged.")
    return lines


def export_indicators(store: Store) -> pd.DataFrame:
    return store.query(
        """
        SELECT i.code, i.name, i.theme, i.unit, i.polarity, i.target, i.rag_rule, i.tolerance,
               coalesce(r.min_denominator, $default) AS min_denominator, i.levels,
               i.aggregation, i.source, i.description, i.published_measure, i.sort_order,
               (SELECT string_agg(x.service_id, '; ' ORDER BY s.sort_order, x.service_id)
                  FROM indicator_service x JOIN service s USING (service_id) WHERE x.code = i.code) AS services
        FROM indicator i LEFT JOIN indicator_rating r USING (code) ORDER BY i.sort_order, i.code
        """, {"default": float(DEFAULT_MIN_DENOMINATOR)})


# == values ===================================================================================
class ValueRow(BaseModel):
    code: IndicatorRef = Field(description="The indicator's code in the catalogue.", examples=["CONTACT_24H"])
    period: Month = Field(description="The month, as YYYY-MM.", examples=["2026-11"])
    org_unit: TeamRef = Field(
        description="The team, by id or name. Values are held per team; service and council figures are added "
                    "up from the teams, so a service id or the council is refused.",
        examples=["MASH Team A"])
    numerator: NonNegative | None = Field(
        None, description="For a ratio measure: the count meeting the measure (e.g. contacts decided in 24 hours).",
        examples=["231"])
    denominator: NonNegative | None = Field(
        None, description="For a ratio measure: the count it is out of (e.g. all contacts).", examples=["254"])
    value: Number | None = Field(None, description="For a measure added up across teams (aggregation 'sum'): "
                                 "the figure.", examples=[""])


class OrgUnitLookup(Lookup):
    """A team by id or name; a service or the council gets a sentence explaining why not."""

    def __init__(self, ctx: Context) -> None:
        teams = ctx.lookup("team")
        self.__dict__.update(teams.__dict__)
        self.services = ctx.lookup("service")
        names = ctx.query("SELECT value FROM setting WHERE key = 'council_name'")["value"].tolist()
        self.council = {"la", "council", "local authority", "all", *(str(n).lower() for n in names if n)}

    def resolve(self, text: str) -> str:
        try:
            return super().resolve(text)
        except ValueError as exc:
            key = text.strip().lower()
            if key in self.council:
                raise ValueError(f"'{text}' is the council. Values are held per team; the council's figure is "
                                 "added up from its teams' numerators and denominators, so give one row per team."
                                 ) from None
            if key in self.services.by_key:
                raise ValueError(f"'{text}' is a service. Values are held per team; a service's figure is added "
                                 "up from its teams, so give one row per team.") from None
            raise exc


def prepare_values(ck: Checker, ctx: Context) -> Prepared:
    code = ck.ref("code", ctx.lookup("indicator"))
    period = ck.column("period")
    team = ck.ref("org_unit", OrgUnitLookup(ctx))
    num = ck.column("numerator")
    den = ck.column("denominator")
    val = ck.column("value")
    units = dict(zip(ctx.indicators["code"], ctx.indicators["unit"], strict=True))
    aggregations = dict(zip(ctx.indicators["code"], ctx.indicators["aggregation"], strict=True))
    which, codes_seen = _distinct(code)
    unit = np.array([units.get(c, "") for c in codes_seen] + [""], dtype=object)[which]
    agg = np.array([aggregations.get(c, "") for c in codes_seen] + [""], dtype=object)[which]
    code_list = code.to_pylist()
    known = ~is_null(code)
    is_sum = known & (agg == "sum")
    is_ratio = known & (agg == "ratio")
    ck.add(is_sum & ck.blank("value"), "value",
           lambda i: f"{code_list[i]} is added up across teams (aggregation 'sum'): give its figure in the value "
                     "column.")
    ck.add(is_ratio & ck.blank("numerator"), "numerator",
           lambda i: f"{code_list[i]} is a ratio: give its numerator (and denominator).")
    ck.add(is_ratio & ck.blank("denominator"), "denominator",
           lambda i: f"{code_list[i]} is a ratio: give its denominator (and numerator).")
    v = val.to_numpy(zero_copy_only=False) if val.type == pa.float64() else np.full(ck.n, np.nan)
    v = np.where(is_null(val), np.nan, v)
    ck.add(is_sum & (v < 0), "value", lambda i: (
        f"{code_list[i]} is added up across teams (aggregation 'sum'), so its value cannot be negative "
        f"({_num(v[i])}): a count of children, cases or days is 0 or more."))
    n = num.to_numpy(zero_copy_only=False) if num.type == pa.float64() else np.full(ck.n, np.nan)
    d = den.to_numpy(zero_copy_only=False) if den.type == pa.float64() else np.full(ck.n, np.nan)
    n = np.where(is_null(num), np.nan, n)
    d = np.where(is_null(den), np.nan, d)
    share = known & np.isin(unit, SHARE_UNITS)
    over = share & ~np.isnan(n) & ~np.isnan(d) & (n > d)
    ck.add(over, "numerator", lambda i: (
        f"The numerator ({_num(n[i])}) is larger than the denominator ({_num(d[i])}); "
        + ("a percentage cannot be over 100%." if unit[i] == "%" else "a rate cannot count more than its population.")))
    ck.add(is_ratio & ~share & (d == 0) & (n > 0), "denominator",
           lambda i: f"The denominator is 0 but the numerator is {_num(n[i])}; there is nothing to divide by.")
    ck.duplicates([("code", code), ("period", period), ("org_unit", team)],
                  lambda i: f"The value of {code_list[i]} for {ctx.team_names.get(team[i].as_py(), team[i].as_py())} "
                            f"in {_month(period[i].as_py())}")
    staged = pa.table({"code": code, "period": period, "team_id": team,
                       "numerator": pc.cast(num, pa.float64()), "denominator": pc.cast(den, pa.float64()),
                       "value": pc.cast(val, pa.float64())})
    return Prepared(rows=ck.n, staged={"_n_value": staged})


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _month(value: Any) -> str:
    return month_label(value) if value is not None else "an unreadable month"


def load_values(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    merge = Merge("indicator_value", "_n_value", ["code", "period", "team_id"], ["numerator", "denominator", "value"],
                  scope=["period", "team_id"])
    by = ["period", "team_id"]
    frame = merge_counts([merge.statuses(cur, by=[f"n.{c}" for c in by])], [merge.removed(cur, by=by)], by)
    frame["team"] = frame["team_id"].map(ctx.team_names).fillna(frame["team_id"])
    frame = frame.sort_values(["period", "team"])
    outcome = totals(frame)
    outcome.messages = scope_messages(frame, lambda r: f"{month_label(r['period'])} values for {r['team']}")
    step("writing indicator values")
    if write and changes(outcome):
        merge.apply(cur)
    return outcome


def export_values(store: Store) -> pd.DataFrame:
    return store.query(
        """
        SELECT v.code, strftime(v.period, '%Y-%m') AS period, v.team_id AS org_unit,
               v.numerator, v.denominator, v.value
        FROM indicator_value v JOIN indicator i USING (code)
        ORDER BY v.period, v.team_id, i.sort_order, v.code
        """)


# == comparators ==============================================================================
class ComparatorRow(BaseModel):
    code: IndicatorRef = Field(description="The indicator's code in the catalogue.", examples=["REREF_12M"])
    period: Text = Field(description="The published period, e.g. 2026 for the year to 31 March 2026.",
                         examples=["2026"])
    comparator: choice(COMPARATORS, {"sn": "statistical_neighbours", "statistical_neighbour": "statistical_neighbours",
                                     "national": "england", "local_authority": "la"}, "comparator") = Field(
        description="statistical_neighbours, region, england or la.", examples=["statistical_neighbours"])
    value: Number | None = Field(None, description="The published figure, in the indicator's unit.",
                                 examples=["21.4"])
    symbol: choice(COMPARATOR_SYMBOLS, None, "DfE symbol") | None = Field(
        None, description="When there is no value, DfE's symbol: c, x, z, k, u, low or ':'.", examples=[""])
    n_used: Count | None = Field(None, description="For a median: how many neighbours had a value.",
                                 examples=["10"])
    source: Sentence | None = Field(None, description="Where the figure was published.",
                                examples=["DfE LAIT (Open Government Licence v3.0)"])


def prepare_comparators(ck: Checker, ctx: Context) -> Prepared:
    code = ck.ref("code", ctx.lookup("indicator"))
    cols: dict[str, pa.Array] = {"code": code, "period": ck.column("period"), "comparator": ck.column("comparator")}
    for name in ("value", "symbol", "n_used", "source"):
        if ck.has(name):
            cols[name] = ck.column(name)
    ck.add(ck.blank("value") & ck.blank("symbol") & ~ck.blank("code"), "value",
           "Give a value, or a symbol (c, x, z, k, u, low or ':') saying why there is none.")
    ck.duplicates([("code", code), ("period", cols["period"]), ("comparator", cols["comparator"])],
                  lambda i: f"The {cols['comparator'][i].as_py()} figure for {code[i].as_py()} in "
                            f"{cols['period'][i].as_py()}")
    if "value" in cols:
        cols["value"] = pc.cast(cols["value"], pa.float64())
    return Prepared(rows=ck.n, staged={"_n_comparator": pa.table(cols)})


def load_comparators(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    table = prep.staged["_n_comparator"]
    key = ["code", "period", "comparator"]
    merge = Merge("comparator", "_n_comparator", key, [c for c in table.column_names if c not in key])
    frame = merge_counts([merge.statuses(cur, by=["n.code"])], [], ["code"])
    outcome = totals(frame)
    if outcome.added:
        outcome.messages.append(f"{plural(outcome.added, 'comparator figure')} added.")
    changed = frame.loc[frame["replaced"] > 0, "code"].tolist()
    if changed:
        outcome.messages.append(f"{plural(outcome.replaced, 'comparator figure')} replaced, for "
                                f"{', '.join(sorted(changed)[:30])}.")
    if outcome.unchanged:
        outcome.messages.append(f"{plural(outcome.unchanged, 'comparator figure')} already held exactly as in this "
                                "file, left unchanged.")
    step("writing comparators")
    if write and changes(outcome):
        merge.apply(cur)
    return outcome


def export_comparators(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT c.code, c.period, c.comparator, c.value, c.symbol, c.n_used, c.source FROM comparator c "
        "JOIN indicator i USING (code) ORDER BY i.sort_order, c.code, c.period, c.comparator")


KINDS = [
    KindSpec(
        name="indicators", title="Indicator catalogue",
        summary="One row per performance measure: its name, theme, unit, polarity, target and RAG rule, and the "
                "services that hold it as a core clinic measure.",
        model=IndicatorRow, tables=("indicator", "indicator_rating", "indicator_service"), key="code",
        replaces="Each indicator in the file replaces the stored one with the same code (its service links too, "
                 "when the file has a services column). Indicators not in the file are kept.",
        prepare=prepare_indicators, load=load_indicators, export=export_indicators,
        example_rows=({"code": "EXAMPLE_VISITS", "name": "Children visited within timescale (example)",
                       "theme": "Quality of plans", "unit": "%", "polarity": "up", "target": "90",
                       "rag_rule": "tolerance", "tolerance": "5", "levels": "la,service,team", "aggregation": "ratio",
                       "source": "Case management system extract",
                       "description": "Children seen within the visit timescale in their plan",
                       "published_measure": "", "sort_order": "", "services": "cp_court; children_in_care"},),
    ),
    KindSpec(
        name="values", title="Monthly indicator values",
        summary="One row per indicator, month and team: the numerator and denominator (or, for a measure added "
                "up across teams, the value).",
        model=ValueRow, tables=("indicator_value",), key="code, period, org_unit",
        replaces="A month of values for a team is replaced as a whole: the team's values for that month that "
                 "are not in the file are removed.",
        prepare=prepare_values, load=load_values, export=export_values,
        needs="the indicators (catalogue) and the teams",
    ),
    KindSpec(
        name="comparators", title="Published comparators",
        summary="Statistical-neighbour medians, regional and England figures for an indicator and published year. "
                + SHAPES_HELP,
        model=ComparatorRow, tables=("comparator",), key="code, period, comparator (a DfE or LAIT file: measure, "
                                                        "year and area)",
        replaces="Each figure replaces the stored one with the same code, period and comparator; others are kept. "
                 "A DfE or LAIT file replaces each (measure, year) it holds as a whole, for every area; other "
                 "measures and years are kept.",
        prepare=prepare_comparators, load=load_comparators, export=export_comparators,
        needs="the indicators (catalogue)",
    ),
]
