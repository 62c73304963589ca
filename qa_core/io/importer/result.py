"""What an import reports: its problems, its counts, and the error raised when it is refused."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from qa_core.errors import QAError

__all__ = ["Problem", "ImportResult", "ImportRejected", "SHOWN_PROBLEMS"]

#: How many problems the error message and the command line list before summarising.
SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file.

    ``row`` is the row as the user sees it in the spreadsheet (the header is row 1, the first
    data row is row 2); ``None`` when the problem is with the file as a whole. ``column`` is
    the column's name as written in the file (``None`` when no one column is at fault). ``sheet``
    names the sheet of a workbook read whole (an Annex A's "List 3"); ``None`` for one-sheet kinds.
    """

    row: int | None
    column: str | None
    message: str
    sheet: str | None = None

    def __str__(self) -> str:
        where = [f"Sheet '{self.sheet}'"] if self.sheet else []
        if self.row is not None:
            where.append(f"{'row' if where else 'Row'} {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return (", ".join(where) + ": " if where else "") + self.message

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"row": self.row, "column": self.column, "message": self.message}
        if self.sheet:
            found["sheet"] = self.sheet
        return found


@dataclass
class ImportResult:
    """The outcome of importing (or checking) one file.

    Counts are of the kind's rows (one per audit, per value, per risk review...):
    ``added`` were new, ``replaced`` were held before and changed, ``unchanged`` were held
    exactly so, ``removed`` were held in a replaced scope (e.g. a team's month of values)
    and are not in the file, ``rejected`` is the number of rows with a problem.
    """

    kind: str
    filename: str
    sha256: str
    user: str = ""
    rows: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    rejected: int = 0
    messages: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    dry_run: bool = False
    import_id: int | None = None
    seconds: float = 0.0
    preview: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table (row, column, message; and sheet, first, when any names one) for display."""
        columns = ["row", "column", "message"]
        if any(p.sheet for p in self.problems):
            columns.insert(0, "sheet")
        return pd.DataFrame([p.as_dict() for p in self.problems], columns=columns)

    def summary(self) -> str:
        if not self.ok:
            noun = "problem" if self.problem_count == 1 else "problems"
            rows = f" in {self.rejected:,} of {self.rows:,} rows" if self.rows and self.rejected else ""
            return (f"{self.filename}: {self.problem_count:,} {noun}{rows}; nothing was imported. "
                    "Correct the file and load it again.")
        verb = "would be" if self.dry_run else "were"
        rows = f"{self.rows:,} row" + ("" if self.rows == 1 else "s")
        return (f"{self.filename} ({self.kind}): {rows} read; {self.added:,} {verb} added, "
                f"{self.replaced:,} replaced, {self.unchanged:,} unchanged, {self.removed:,} removed."
                + (" Nothing was written (dry run)." if self.dry_run else ""))

    def report(self, limit: int = SHOWN_PROBLEMS) -> str:
        """The summary, then the messages or the problems (at most ``limit``), one per line."""
        lines = [self.summary()]
        if self.ok:
            lines += self.messages
        else:
            lines += [str(p) for p in self.problems[:limit]]
            more = self.problem_count - min(limit, len(self.problems))
            if more > 0:
                lines.append(f"... and {more:,} more problems.")
        return "\n".join(lines)


class ImportRejected(QAError):
    """The file has problems; nothing from it was written. ``problems`` lists them all."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.problems = result.problems
        super().__init__(result.report(limit=20))
