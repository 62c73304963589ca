"""Kind ``commentary``: commentary on a measure for a service (or team, or the council) and month,
as heads of service write it before the clinic. Each row becomes the current commentary for its
measure, month and unit; a changed text is added to the history, never written over
(``qa_core.store.commentary``), and the same file loaded twice changes nothing."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pydantic import BaseModel, Field

from qa_core.io.importer.fields import Day, IndicatorRef, LongText, Month, Text, plain_digits, read_value, shorten
from qa_core.io.importer.kinds.base import KindSpec, Outcome, Prepared, Step, month_label, plural
from qa_core.io.importer.validate import Checker, Context
from qa_core.store import Store
from qa_core.store.commentary import commentary_counts, save_commentary

#: The org_id of commentary on the whole council.
COUNCIL = "la"
_TIME = re.compile(r"[t ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$", re.ASCII)


class CommentaryRow(BaseModel):
    code: IndicatorRef = Field(description="The measure's code in the catalogue.", examples=["ASSESS_45WD"])
    month: Month = Field(description="The month the commentary is about, as YYYY-MM.", examples=["2026-10"])
    org_unit: Text = Field(
        description="The service (as the clinic shows it), a team, or the council ('la'), by id or name.",
        examples=["Assessment"],
    )
    text: LongText = Field(
        description="The commentary, as plain text (shown as written, never as formatting).",
        examples=["Two long-term absences in Assessment South; agency cover starts in November."],
    )
    author: Text = Field(description="Who wrote it.", examples=["Hana Holloway"])
    written_at: Text | None = Field(
        None,
        description="When it was written: 2026-11-03 14:05 or 03/11/2026 14:05 (a date alone is midnight); "
        "blank: the time of the import.",
        examples=[""],
    )


def read_moment(value: Any) -> dt.datetime:
    """A date and time of day from 2026-11-03 14:05[:30] or 03/11/2026 14:05 (a date alone: midnight), on a
    day from 1990 to the end of next year."""
    text = plain_digits(value)
    day = read_value(Day, text)  # the date part, within the range events take (the time is ignored there)
    found = _TIME.search(text.lower())
    if not found:
        if ":" in text:
            raise ValueError(f"'{shorten(text)}' has a time that cannot be read. Write times as 14:05.")
        return dt.datetime.combine(day, dt.time())
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"'{shorten(text)}' is not a time of day. Write times as 14:05 (hours 0 to 23).")
    return dt.datetime.combine(day, dt.time(hour, minute, second))


class UnitLookup:
    """A service, a team or the council, by id or name (ids win; a name both a service's and a
    team's is refused as ambiguous)."""

    def __init__(self, ctx: Context) -> None:
        self.services, self.teams = ctx.lookup("service"), ctx.lookup("team")
        names = ctx.query("SELECT value FROM setting WHERE key = 'council_name'")["value"].tolist()
        self.council = {COUNCIL, "council", "local authority", *(str(n).lower() for n in names if n)}

    def resolve(self, text: str) -> tuple[str, str]:
        key = text.strip().lower()
        if key in self.council:
            return "la", COUNCIL
        service, team = self.services.by_key.get(key), self.teams.by_key.get(key)
        if service and team:
            raise ValueError(f"'{text}' names both a service and a team; use the id of the one you mean.")
        if service:
            return "service", service
        if team:
            return "team", team
        known = [*self.services.by_key, *self.teams.by_key]
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ValueError(
            f"There is no service or team '{text}'.{hint} Commentary is written for a service (as the "
            "clinic shows it), a team, or the council ('la')."
        )


def prepare_commentary(ck: Checker, ctx: Context) -> Prepared:
    code = ck.ref("code", ctx.lookup("indicator"))
    month = ck.column("month")
    ck.require("org_unit")
    unit_codes, units = ck.read("org_unit", UnitLookup(ctx).resolve)
    levels = [units[c][0] if c >= 0 and units[c] else None for c in unit_codes]
    org_ids = [units[c][1] if c >= 0 and units[c] else None for c in unit_codes]
    text, author = ck.column("text"), ck.column("author")
    written: pa.Array = pa.nulls(ck.n, pa.timestamp("us"))
    if ck.has("written_at"):
        written = ck.coded("written_at", read_moment, pa.timestamp("us"))
    # The measure must be one the unit's clinic shows (a service's, or a team's service's).
    links = ctx.query("SELECT code, service_id FROM indicator_service")
    held = set(zip(links["code"], links["service_id"], strict=True))
    codes = code.to_pylist()
    home = [
        org if lv == "service" else ctx.team_service.get(org) if lv == "team" else None
        for lv, org in zip(levels, org_ids, strict=True)
    ]
    outside = np.array(
        [c is not None and h is not None and (c, h) not in held for c, h in zip(codes, home, strict=True)]
    )
    ck.add(
        outside,
        "code",
        lambda i: (
            f"{codes[i]} is not one of {ctx.service_names.get(home[i], home[i])}'s clinic measures, so the clinic "
            "would never show this commentary. Check the code and the unit, or add the measure to the service in the "
            "indicators file."
        ),
    )
    unit_key = pa.array([f"{lv}:{org}" if org else None for lv, org in zip(levels, org_ids, strict=True)])
    ck.duplicates(
        [("code", code), ("month", month), ("org_unit", unit_key)],
        lambda i: (
            f"The commentary on {codes[i]} for {org_ids[i]} in "
            f"{month_label(month[i].as_py()) if month[i].as_py() else 'that month'}"
        ),
    )
    staged = pa.table(
        {
            "code": code,
            "period": month,
            "org_level": pa.array(levels, pa.string()),
            "org_id": pa.array(org_ids, pa.string()),
            "text": text,
            "author": author,
            "written_at": written,
        }
    )
    return Prepared(rows=ck.n, staged={"_n_commentary": staged})


def load_commentary(cur: Any, prep: Prepared, ctx: Context, write: bool, step: Step) -> Outcome:
    counts = commentary_counts(cur, "_n_commentary")
    outcome = Outcome(added=counts["added"], replaced=counts["replaced"], unchanged=counts["unchanged"])
    if outcome.added:
        outcome.messages.append(f"{plural(outcome.added, 'commentary', 'commentaries')} added.")
    if outcome.replaced:
        outcome.messages.append(
            f"{plural(outcome.replaced, 'commentary', 'commentaries')} replaced; the earlier "
            "text is kept in each one's history."
        )
    if outcome.unchanged:
        outcome.messages.append(
            f"{plural(outcome.unchanged, 'commentary', 'commentaries')} already held exactly as "
            "in this file, left unchanged."
        )
    step("writing commentary")
    if write and (outcome.added or outcome.replaced):
        save_commentary(cur, "_n_commentary", dt.datetime.now().replace(microsecond=0), "import")
    return outcome


def export_commentary(store: Store) -> pd.DataFrame:
    return store.query(
        """
        SELECT c.code, strftime(c.period, '%Y-%m') AS month, c.org_id AS org_unit, c.text, c.author,
               strftime(c.updated_at, '%Y-%m-%d %H:%M:%S') AS written_at
        FROM commentary c JOIN indicator i USING (code)
        ORDER BY c.period, c.org_level, c.org_id, i.sort_order, c.code
        """
    )


KINDS = [
    KindSpec(
        name="commentary",
        title="Commentary",
        summary="One row per measure, month and service (or team, or the council): the commentary on the figure, "
        "who wrote it and, if known, when.",
        model=CommentaryRow,
        tables=("commentary",),
        key="code, month, org_unit",
        replaces="Each row replaces the current commentary with the same code, month and unit when its text or "
        "author differs; the earlier text is kept in the commentary's history, never deleted. Rows the "
        "same as held change nothing; commentary not in the file is kept.",
        prepare=prepare_commentary,
        load=load_commentary,
        export=export_commentary,
        needs="the indicators (catalogue) and the services and teams",
    ),
]
