"""Set-based writes of staged rows into a store table, inside the caller's transaction.

A ``Merge`` compares the staged rows with the table on the key: new keys are **added**,
keys held with other values are **replaced** (updated in place), keys held with the same
values are **unchanged** (not written at all, so a second load of the same file writes
nothing), and rows held in a *scope* the file covers (e.g. one team's month of values) but
absent from the file are **removed**. Only the columns the file has are compared and written:
a column left out of the file keeps its stored value on rows already held.

Everything is one SQL statement per step over whole tables (DuckDB), never row by row.
Parents (tables other tables reference) are updated in place and never deleted, because
DuckDB refuses to delete or re-key a referenced row within the transaction that deletes its
references; the kinds check for such moves before writing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = ["Merge"]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Merge:
    table: str
    staged: str  # a registered relation holding the key and ``columns``
    key: Sequence[str]
    columns: Sequence[str]  # non-key columns the file provides
    scope: Sequence[str] | None = None  # columns (or SQL over them) whose covered values are replaced wholly
    scope_from: str | None = None  # relation listing the covered scope values (default: staged)
    fixed: Sequence[str] = field(default_factory=tuple)  # indexed columns never updated in place
    protect: str | None = None  # SQL condition on a held row that keeps it even when its scope is replaced

    # -- SQL pieces --------------------------------------------------------------------------
    def _on(self, left: str = "n", right: str = "t") -> str:
        return " AND ".join(f"{left}.{_q(k)} = {right}.{_q(k)}" for k in self.key)

    def _same(self) -> str:
        if not self.columns:
            return "TRUE"
        return " AND ".join(f"n.{_q(c)} IS NOT DISTINCT FROM t.{_q(c)}" for c in self.columns)

    def _status(self) -> str:
        first = self.key[0]
        return (f"CASE WHEN t.{_q(first)} IS NULL THEN 'added' WHEN {self._same()} THEN 'unchanged' "
                "ELSE 'replaced' END")

    def _removed_where(self, protected: bool = False, none_held: bool = False) -> str:
        """Held rows in a covered scope and absent from the file (those ``protect`` keeps, or only those).

        ``none_held``: the caller knows no staged key is held, so every held row of a covered scope is absent
        from the file, told without matching the held rows against every staged key (a million, issue 14)."""
        assert self.scope
        source = self.scope_from or self.staged
        cols = ", ".join(self.scope)
        where = f"({cols}) IN (SELECT DISTINCT {cols} FROM {source})"
        if not none_held:
            where += f" AND NOT EXISTS (SELECT 1 FROM {self.staged} n WHERE {self._on('n', _q(self.table))})"
        if self.protect:
            where += f" AND {'' if protected else 'NOT '}({self.protect})"
        elif protected:
            where += " AND FALSE"
        return where

    # -- reading -----------------------------------------------------------------------------
    def statuses(self, cur: Any, by: Sequence[str] = ()) -> pd.DataFrame:
        """Counts of added / replaced / unchanged staged rows, grouped by ``by`` (SQL over ``n``)."""
        group = ", ".join(by)
        select = (group + ", ") if by else ""
        sql = (f"SELECT {select}count(*) FILTER (WHERE s = 'added') AS added, "
               "count(*) FILTER (WHERE s = 'replaced') AS replaced, "
               "count(*) FILTER (WHERE s = 'unchanged') AS unchanged, count(*) AS rows "
               f"FROM (SELECT n.*, {self._status()} AS s FROM {self.staged} n "
               f"LEFT JOIN {_q(self.table)} t ON {self._on()}) n"
               + (" GROUP BY ALL" if by else ""))
        return cur.execute(sql).df()

    def removed(self, cur: Any, by: Sequence[str] = (), protected: bool = False,
                none_held: bool = False) -> pd.DataFrame:
        """Rows held in a covered scope and absent from the file, counted by ``by`` (SQL over the table).

        With ``protected``: those that ``protect`` keeps instead (counted as ``kept``). ``none_held``: as for
        ``_removed_where``.
        """
        name = "kept" if protected else "removed"
        if not self.scope:
            return pd.DataFrame({name: [0]}) if not by else pd.DataFrame(columns=[*by, name])
        group = ", ".join(by)
        select = (group + ", ") if by else ""
        sql = (f"SELECT {select}count(*) AS {name} FROM {_q(self.table)} "
               f"WHERE {self._removed_where(protected, none_held)}"
               + (" GROUP BY ALL" if by else ""))
        return cur.execute(sql).df()

    def _fixed(self) -> list[str]:
        """The ``fixed`` columns the file has: one it leaves out keeps its stored value, so it cannot move."""
        return [c for c in self.fixed if c in self.columns]

    def moved(self, cur: Any) -> pd.DataFrame:
        """Keys held whose ``fixed`` columns the file changes (they cannot be updated in place)."""
        if not self._fixed():
            return pd.DataFrame()
        changed = " OR ".join(f"n.{_q(c)} IS DISTINCT FROM t.{_q(c)}" for c in self._fixed())
        keys = ", ".join(f"n.{_q(k)}" for k in self.key)
        olds = ", ".join(f"t.{_q(c)} AS {_q('old_' + c)}" for c in self._fixed())
        return cur.execute(f"SELECT {keys}, {olds} FROM {self.staged} n JOIN {_q(self.table)} t "
                           f"ON {self._on()} WHERE {changed}").df()

    # -- writing -----------------------------------------------------------------------------
    def apply(self, cur: Any, insert_only: bool = False) -> None:
        """Remove, update, insert: three statements, all inside the caller's transaction.

        ``insert_only`` when the caller knows no staged key is held and nothing is to be
        removed (a first load): one plain INSERT, without comparing with the table.
        """
        table = _q(self.table)
        cols = ", ".join(_q(c) for c in [*self.key, *self.columns])
        if insert_only:
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {self.staged}")
            return
        if self.scope:
            cur.execute(f"DELETE FROM {table} WHERE {self._removed_where()}")
        if self._fixed():  # re-keyed rows (the kind has checked nothing references them): delete, re-insert
            changed = " OR ".join(f"n.{_q(c)} IS DISTINCT FROM t.{_q(c)}" for c in self._fixed())
            keys = ", ".join(_q(k) for k in self.key)
            cur.execute(f"DELETE FROM {table} WHERE ({keys}) IN (SELECT {', '.join('n.' + _q(k) for k in self.key)} "
                        f"FROM {self.staged} n JOIN {table} t ON {self._on()} WHERE {changed})")
        settable = [c for c in self.columns if c not in self.fixed]
        if settable:
            sets = ", ".join(f"{_q(c)} = n.{_q(c)}" for c in settable)
            differs = " OR ".join(f"n.{_q(c)} IS DISTINCT FROM {table}.{_q(c)}" for c in settable)
            on = " AND ".join(f"n.{_q(k)} = {table}.{_q(k)}" for k in self.key)
            cur.execute(f"UPDATE {table} SET {sets} FROM {self.staged} n WHERE {on} AND ({differs})")
        anti = " AND ".join(f"t.{_q(k)} = n.{_q(k)}" for k in self.key)
        values = ", ".join("n." + _q(c) for c in [*self.key, *self.columns])
        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {values} "
                    f"FROM {self.staged} n WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {anti})")
