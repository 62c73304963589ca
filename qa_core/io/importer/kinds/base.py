"""What every kind declares: its model (the columns), its tables, its key and replace scope,
how to prepare validated rows for the store, how to write them, and how to export them."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel

__all__ = ["ColumnDoc", "KindSpec", "Prepared", "Outcome", "month_label", "plural", "scope_messages",
           "register", "columns_of"]

#: Per-scope lines listed before the rest are summarised.
LISTED_SCOPES = 30


@dataclass(frozen=True)
class ColumnDoc:
    """One documented column of a format."""

    name: str
    required: bool
    meaning: str
    example: str


@dataclass
class Prepared:
    """Validated rows, staged (registered on the cursor) under the names in ``staged``."""

    rows: int
    staged: dict[str, pa.Table] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)
    preview: pd.DataFrame | None = None


@dataclass
class Outcome:
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    messages: list[str] = field(default_factory=list)


Step = Callable[[str], None]


@dataclass(frozen=True)
class KindSpec:
    name: str
    title: str
    summary: str
    model: type[BaseModel]
    tables: tuple[str, ...]
    key: str  # in words
    replaces: str  # in words: what a re-submission replaces
    prepare: Callable[..., Prepared]
    load: Callable[..., Outcome]
    export: Callable[..., pd.DataFrame]
    example_rows: tuple[dict[str, str], ...] = ()
    extra: ColumnDoc | None = None  # audits: one column per area grade
    needs: str = ""  # what must be in the store first
    write_steps: int = 1  # progress steps the kind's load takes (its calls to ``step``)
    replace_all: str = ""  # in words: what ``--replace`` removes (blank: the kind has no whole set)
    # A workbook read whole (annex_a): ``read(data, filename)`` reads and checks every sheet and returns the
    # checker ``prepare`` takes; ``docs`` lists what it reads (sheet: column); ``template`` makes its files.
    read: Callable[[bytes, str], Any] | None = None
    docs: tuple[ColumnDoc, ...] = ()
    template: Callable[[], dict[str, bytes]] | None = None

    @property
    def columns(self) -> list[ColumnDoc]:
        return list(self.docs) if self.docs else columns_of(self.model)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def examples(self) -> list[dict[str, str]]:
        """The template's example rows: the fields' examples unless the kind gives its own."""
        if self.example_rows:
            return [dict(r) for r in self.example_rows]
        return [{c.name: c.example for c in self.columns}]


def columns_of(model: type[BaseModel]) -> list[ColumnDoc]:
    docs = []
    for name, info in model.model_fields.items():
        example = info.examples[0] if info.examples else ""
        docs.append(ColumnDoc(name, info.is_required(), info.description or "", str(example)))
    return docs


def register(cur: Any, name: str, table: pa.Table) -> None:
    cur.register(name, table)


def month_label(value: Any) -> str:
    """date(2026, 10, 1) → 'October 2026'."""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{calendar.month_name[value.month]} {value.year}"


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    return f"{n:,} {noun if n == 1 else (nouns or noun + 's')}"


def scope_messages(frame: pd.DataFrame, label: Callable[[pd.Series], str], noun: str = "rows") -> list[str]:
    """One line per scope that was replaced (changed, with rows held before), then summaries.

    ``frame`` has one row per scope with ``rows, added, replaced, unchanged, removed``; ``label``
    turns a scope into words, e.g. "October 2026 values for Assessment North".
    """
    if frame.empty:
        return []
    one = noun[:-1] if noun.endswith("s") else noun
    f = frame.fillna(0)
    held_before = f["replaced"] + f["unchanged"] + f["removed"] > 0
    changed = f["added"] + f["replaced"] + f["removed"] > 0
    lines: list[str] = []
    replaced = f[held_before & changed]
    for _, r in replaced.head(LISTED_SCOPES).iterrows():
        extra = ""
        if r["removed"]:
            extra = f"; {plural(int(r['removed']), one)} held before and not in this file removed"
        lines.append(f"{label(r)} replaced ({plural(int(r['rows']), one)}{extra})")
    if len(replaced) > LISTED_SCOPES:
        lines.append(f"... and {len(replaced) - LISTED_SCOPES:,} more replaced.")
    added = f[~held_before]
    if 0 < len(added) <= 10:
        lines += [f"{label(r)} added ({plural(int(r['rows']), one)})" for _, r in added.iterrows()]
    elif len(added):
        lines.append(f"{plural(int(added['rows'].sum()), one)} added in {len(added):,} new groups.")
    same = f[held_before & ~changed]
    if len(same):
        lines.append(f"{plural(len(same), 'group')} already held exactly as in this file "
                     f"({plural(int(same['rows'].sum()), one)}), left unchanged.")
    return lines


def merge_counts(parts: Sequence[pd.DataFrame], removed: Sequence[pd.DataFrame], by: Sequence[str]) -> pd.DataFrame:
    """Status counts and removed counts joined on the scope columns ``by``."""
    status = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    gone = pd.concat(removed, ignore_index=True) if removed else pd.DataFrame(columns=[*by, "removed"])
    if status.empty and gone.empty:
        return pd.DataFrame(columns=[*by, "rows", "added", "replaced", "unchanged", "removed"])
    if by:
        status = status.groupby(list(by), as_index=False, dropna=False).sum(numeric_only=True) if not status.empty \
            else pd.DataFrame(columns=[*by, "rows", "added", "replaced", "unchanged"])
        gone = gone.groupby(list(by), as_index=False, dropna=False).sum(numeric_only=True) if not gone.empty \
            else pd.DataFrame(columns=[*by, "removed"])
        out = status.merge(gone, on=list(by), how="outer")
    else:
        out = pd.concat([status.sum(numeric_only=True).to_frame().T, gone.sum(numeric_only=True).to_frame().T], axis=1)
    for col in ("rows", "added", "replaced", "unchanged", "removed"):
        if col not in out:
            out[col] = 0
        out[col] = out[col].fillna(0).astype("int64")
    return out


def changes(outcome: Outcome) -> bool:
    """Whether anything is to be written (a second load of the same file writes nothing)."""
    return bool(outcome.added or outcome.replaced or outcome.removed)


def totals(frame: pd.DataFrame) -> Outcome:
    if frame.empty:
        return Outcome()
    return Outcome(added=int(frame["added"].sum()), replaced=int(frame["replaced"].sum()),
                   unchanged=int(frame["unchanged"].sum()), removed=int(frame["removed"].sum()))


def is_null(values: pa.Array) -> np.ndarray:
    return pc.is_null(values).to_numpy(zero_copy_only=False)
