"""What the rest of ``qa_core`` may ask of a store: the methods ``Store`` offers, named as protocols.

Views, the importer and the command line use only these, so another store (say, PostgreSQL for the
tables people write to during the month, when several app servers serve one council: see
docs/scaling.md) can stand in for the DuckDB one without touching them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

import pandas as pd

__all__ = ["ReadStore", "WriteStore"]

Params = Sequence[Any] | Mapping[str, Any] | None


@runtime_checkable
class ReadStore(Protocol):
    """Parameterised reads, each on a cursor of its own, and the version every write moves on."""

    read_only: bool
    #: Where the store lives (a file, or ":memory:"): the Annex A pseudonym key is kept beside it.
    path: Any

    def query(self, sql: str, params: Params = None) -> pd.DataFrame: ...

    def scalar(self, sql: str, params: Params = None) -> Any: ...

    def cursor(self) -> AbstractContextManager[Any]: ...

    def data_version(self) -> str: ...

    def setting(self, key: str, default: str | None = None) -> str | None: ...


@runtime_checkable
class WriteStore(ReadStore, Protocol):
    """Writes, each one transaction that commits whole or not at all and moves the data version on."""

    def transaction(self) -> AbstractContextManager[Any]: ...

    def execute(self, sql: str, params: Params = None) -> None: ...

    def insert_frames(self, frames: Mapping[str, pd.DataFrame], cur: Any = None) -> dict[str, int]: ...
