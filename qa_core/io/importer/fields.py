"""Cell types of the import formats: pydantic types that read one cell's text.

Each type is an ``Annotated`` pydantic type: the validator reads the text a spreadsheet
cell holds and returns the stored value, or raises ``ValueError`` with a sentence a
performance officer understands. A ``Cell`` marker says how the validation engine runs
the type over a whole column fast:

* ``text``: stripped text, checked over the whole column at once;
* ``number`` / ``integer``: converted over the whole column at once; the few cells that
  do not convert are handed to the pydantic type, which reads forms such as ``1,234``;
* ``coded`` (grades, dates, months, quarters, tiers, RAG, yes/no, choices): the pydantic
  type reads each *distinct* value once, so a million rows of "Good" cost one parse;
* ``ref`` (team, service, indicator): looked up in the store's organisation or catalogue.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(Grade).validate_python("requires improvement")
3
>>> TypeAdapter(Day).validate_python("31/10/2026")
datetime.date(2026, 10, 31)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, TypeAdapter, ValidationError

from qa_core.errors import QAError
from qa_core.rules.audits import GRADES, parse_grade
from qa_core.rules.rag import RAG_ORDER

__all__ = [
    "Cell", "Text", "Number", "NonNegative", "Count", "Grade", "Day", "Month", "Quarter",
    "YesNo", "Tier", "Rag", "Level", "choice", "cell_of", "read_value", "message_of",
    "TIERS", "GRADE_HELP", "DATE_HELP", "MONTH_HELP",
]


@dataclass(frozen=True)
class Cell:
    """How the engine validates a column of this type (see the module docstring)."""

    how: str  # 'text', 'number', 'integer', 'coded', 'ref'
    ge: float | None = None
    ref: str | None = None  # for how='ref': 'team', 'service', 'indicator'


GRADE_HELP = "Grades are 1 to 4 or their words: " + ", ".join(f"{k} {v}" for k, v in GRADES.items()) + "."
DATE_HELP = "Write dates as 2026-10-31 or 31/10/2026."
MONTH_HELP = "Write months as 2026-10 (or October 2026, or a date in the month)."
QUARTER_HELP = "Write quarters as 2026-Q3."

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMES["sept"] = 9

_TIME = r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # a time of day after a date is ignored
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_UK_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})" + _TIME)
_NAMED_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([a-z]+)\.?,?[ \-](\d{4})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_UK_MONTH = re.compile(r"(\d{1,2})/(\d{4})")
_NAMED_MONTH = re.compile(r"([a-z]+)\.?[ \-](\d{4}|\d{2})")
_QUARTER = re.compile(r"(\d{4})\s*[-/ ]?\s*q([1-4])|q([1-4])\s*[-/ ]?\s*(\d{4})")
_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[-+]?\.\d+")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, not {value!r}")
    return value.strip()


def _make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"'{shown}' is not a date: there is no month {month}. {DATE_HELP}")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(
            f"'{shown}' is not a date that exists: {calendar.month_name[month]} {year} "
            f"has {last} days. {DATE_HELP}"
        )
    return dt.date(year, month, day)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def read_date(value: Any) -> dt.date:
    """A day from ISO (2026-10-31) or UK day-first (31/10/2026, 31-10-26, 31 Oct 2026) text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    low = text.lower()
    if m := _ISO_DATE.fullmatch(low):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _UK_DATE.fullmatch(low):
        return _make_date(_year(m[3]), int(m[2]), int(m[1]), text)
    if (m := _NAMED_DATE.fullmatch(low)) and m[2] in _MONTH_NAMES:
        return _make_date(int(m[3]), _MONTH_NAMES[m[2]], int(m[1]), text)
    raise ValueError(f"'{text}' is not a date. {DATE_HELP}")


def read_month(value: Any) -> dt.date:
    """The first day of a month from 2026-10, 10/2026, October 2026, Oct-26 or a date in it."""
    text = _text(value)
    low = text.lower()
    if m := _ISO_MONTH.fullmatch(low):
        year, month = int(m[1]), int(m[2])
    elif m := _UK_MONTH.fullmatch(low):
        year, month = int(m[2]), int(m[1])
    elif (m := _NAMED_MONTH.fullmatch(low)) and m[1] in _MONTH_NAMES:
        year, month = _year(m[2]), _MONTH_NAMES[m[1]]
    else:
        try:
            return read_date(text).replace(day=1)
        except ValueError as exc:
            if "exists" in str(exc):
                raise
            raise ValueError(f"'{text}' is not a month. {MONTH_HELP}") from None
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' is not a month: there is no month {month}. {MONTH_HELP}")
    return dt.date(year, month, 1)


def read_quarter(value: Any) -> str:
    """'YYYY-Qn' from 2026-Q3, 2026 Q3, Q3 2026 (any case)."""
    text = _text(value)
    m = _QUARTER.fullmatch(text.lower())
    if not m:
        raise ValueError(f"'{text}' is not a quarter. {QUARTER_HELP}")
    year, q = (m[1], m[2]) if m[1] else (m[4], m[3])
    return f"{year}-Q{q}"


def read_grade(value: Any) -> int:
    try:
        return parse_grade(value.strip() if isinstance(value, str) else value)
    except QAError:
        raise ValueError(f"'{value}' is not a grade. {GRADE_HELP}") from None


_YES = {"yes", "y", "true", "t", "1", "1.0"}
_NO = {"no", "n", "false", "f", "0", "0.0"}


def read_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text.lower() in _YES:
        return True
    if text.lower() in _NO:
        return False
    raise ValueError(f"'{text}' is not yes or no. Write yes or no.")


TIERS = ("tier1", "tier2", "thematic", "supervision")
_TIER_ALIASES = {"1": "tier1", "t1": "tier1", "2": "tier2", "t2": "tier2"}


def read_tier(value: Any) -> str:
    text = _text(value)
    key = re.sub(r"[\s_\-]+", "", text.lower())
    key = _TIER_ALIASES.get(key, key)
    if key in TIERS:
        return key
    raise ValueError(f"'{text}' is not an audit tier. Use one of: Tier 1, Tier 2, thematic, supervision.")


def read_rag(value: Any) -> str:
    text = _text(value)
    for status in RAG_ORDER:
        if text.lower() == status.lower():
            return status
    raise ValueError(f"'{text}' is not a RAG rating. Use one of: {', '.join(RAG_ORDER)}.")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number.")
    if isinstance(value, int | float):
        return float(value)
    text = _text(value).replace(" ", "")
    if _NUMBER.fullmatch(text):
        return float(text.replace(",", ""))
    raise ValueError(f"'{value}' is not a number.")


def _non_negative(value: Any) -> float:
    number = _number(value)
    if number < 0:
        raise ValueError(f"'{value}' is negative; it must be 0 or more.")
    return number


def _count(value: Any) -> int:
    number = _non_negative(value)
    if not float(number).is_integer():
        raise ValueError(f"'{value}' is not a whole number.")
    return int(number)


def _level(value: Any) -> int:
    """An impact or likelihood level: a whole number (matrix labels are read by the kind)."""
    number = _count(value)
    if number < 1:
        raise ValueError(f"'{value}' is not a level: levels start at 1.")
    return number


def choice(allowed: Iterable[str], aliases: dict[str, str] | None = None, what: str = "value") -> Any:
    """A pydantic type accepting one of ``allowed`` (any case, spaces or underscores)."""
    allowed = tuple(allowed)
    table = {a.lower(): a for a in allowed}
    table.update({k.lower(): v for k, v in (aliases or {}).items()})

    def read(value: Any) -> str:
        text = _text(value)
        key = re.sub(r"[\s\-]+", "_", text.lower())
        if key in table:
            return table[key]
        if text.lower() in table:
            return table[text.lower()]
        raise ValueError(f"'{text}' is not a {what}. Use one of: {', '.join(allowed)}.")

    return Annotated[str, Cell("coded"), BeforeValidator(read)]


Text = Annotated[str, Cell("text"), BeforeValidator(_text)]
Number = Annotated[float, Cell("number"), BeforeValidator(_number)]
NonNegative = Annotated[float, Cell("number", ge=0), BeforeValidator(_non_negative)]
Count = Annotated[int, Cell("integer", ge=0), BeforeValidator(_count)]
Level = Annotated[int, Cell("coded"), BeforeValidator(_level)]
Grade = Annotated[int, Cell("coded"), BeforeValidator(read_grade)]
Day = Annotated[dt.date, Cell("coded"), BeforeValidator(read_date)]
Month = Annotated[dt.date, Cell("coded"), BeforeValidator(read_month)]
Quarter = Annotated[str, Cell("coded"), BeforeValidator(read_quarter)]
YesNo = Annotated[bool, Cell("coded"), BeforeValidator(read_yes_no)]
Tier = Annotated[str, Cell("coded"), BeforeValidator(read_tier)]
Rag = Annotated[str, Cell("coded"), BeforeValidator(read_rag)]
TeamRef = Annotated[str, Cell("ref", ref="team"), BeforeValidator(_text)]
ServiceRef = Annotated[str, Cell("ref", ref="service"), BeforeValidator(_text)]
IndicatorRef = Annotated[str, Cell("ref", ref="indicator"), BeforeValidator(_text)]


def cell_of(info: Any) -> tuple[Cell, Any]:
    """The ``Cell`` marker of a model field and its type without ``| None`` (a pydantic type).

    Pydantic keeps a required field's ``Annotated`` metadata apart from its annotation, and an
    optional field's inside the union; both are found here.
    """
    import types
    import typing

    annotation, metadata = info.annotation, list(info.metadata)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if metadata:
        annotation = Annotated[(annotation, *metadata)]
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, Cell):
            return meta, annotation
    raise TypeError(f"{annotation!r} carries no Cell marker")


def message_of(error: ValidationError) -> str:
    """The sentence from a validator's ValueError, without pydantic's prefix."""
    msg = error.errors()[0]["msg"]
    return msg.removeprefix("Value error, ")


_ADAPTERS: dict[Any, TypeAdapter] = {}


def read_value(annotation: Any, value: Any) -> Any:
    """Validate one value with the pydantic type; ValueError carries the sentence."""
    adapter = _ADAPTERS.get(annotation)
    if adapter is None:
        adapter = _ADAPTERS[annotation] = TypeAdapter(annotation)
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise ValueError(message_of(exc)) from None


def reader(annotation: Any) -> Callable[[Any], Any]:
    return lambda value: read_value(annotation, value)
