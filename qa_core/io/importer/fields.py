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

Every type has a plausible range, named in its error (see *Limits* below): a value the store
would refuse, or one no council could mean (a month in the year 9999, a denominator of 1e308, a
narrative of a mebibyte), is refused here with its row and column, never by the store. Digits are
0 to 9 only: Python reads Arabic-Indic and full-width digits as numbers; an import does not.

Limits (``LIMITS`` lists them for the formats' README):

* dates of events (an audit, a completion): 1 January 1990 to 31 December next year; due and
  target dates: to 31 December ten years ahead; months and quarters: January 2000 to December
  next year;
* numbers: finite, at most 10^12 either side of zero; whole numbers: at most 2,147,483,647 (the
  store's INTEGER); risk matrix levels: 1 to 10;
* text: names and references 200 characters, titles, sources and lists 1,000, descriptions and
  narratives 10,000.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(Grade).validate_python("requires improvement")
3
>>> TypeAdapter(Day).validate_python("31/10/2026")
datetime.date(2026, 10, 31)
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BeforeValidator, TypeAdapter, ValidationError

from qa_core.errors import QAError
from qa_core.rules import periods
from qa_core.rules.audits import GRADES, parse_grade
from qa_core.rules.rag import RAG_ORDER

__all__ = [
    "Cell", "Text", "Sentence", "LongText", "Number", "NonNegative", "Count", "Grade", "Day", "DueDay", "Month",
    "Quarter", "YesNo", "Tier", "Rag", "Level", "choice", "cell_of", "read_value", "message_of",
    "TIERS", "GRADE_HELP", "DATE_HELP", "MONTH_HELP", "LIMITS", "NAME_CHARS", "SENTENCE_CHARS", "LONG_CHARS",
    "CODED_CHARS", "MAX_NUMBER", "MAX_WHOLE", "MAX_LEVEL", "plain_digits", "shorten",
]


@dataclass(frozen=True)
class Cell:
    """How the engine validates a column of this type (see the module docstring)."""

    how: str  # 'text', 'number', 'integer', 'coded', 'ref'
    ge: float | None = None
    ref: str | None = None  # for how='ref': 'team', 'service', 'indicator'
    le: float | None = None
    max_chars: int | None = None  # for how='text': the longest text the column takes


#: The longest text of a name, reference or short label (a column name too).
NAME_CHARS = 200
#: The longest sentence: a title, a source, a list (levels, services, a matrix's words).
SENTENCE_CHARS = 1_000
#: The longest description or narrative.
LONG_CHARS = 10_000
#: The longest cell of a coded or reference column (a grade, a date, a team...) read at all: longer
#: text is refused without being parsed or echoed in the message.
CODED_CHARS = 1_000
#: Numbers (numerators, denominators, values, targets) lie within this either side of zero.
MAX_NUMBER = 1e12
#: Whole numbers (sort orders, sequence numbers, counts of neighbours, scores): the store's INTEGER.
MAX_WHOLE = 2**31 - 1
#: Impact and likelihood levels of a risk matrix run from 1 to this.
MAX_LEVEL = 10
#: The earliest date and the earliest month (or quarter) any column takes.
EARLIEST_DAY = dt.date(1990, 1, 1)
EARLIEST_MONTH = dt.date(2000, 1, 1)
#: How many years after this one an event (an audit, a completion) and a due date may fall.
EVENT_YEARS_AHEAD = 1
DUE_YEARS_AHEAD = 10


GRADE_HELP = "Grades are 1 to 4 or their words: " + ", ".join(f"{k} {v}" for k, v in GRADES.items()) + "."
DATE_HELP = "Write dates as 2026-10-31 or 31/10/2026."
MONTH_HELP = "Write months as 2026-10 (or October 2026, or a date in the month)."
QUARTER_HELP = periods.QUARTER_HELP

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMES["sept"] = 9

# re.ASCII: \d is 0-9 only (Python's \d and int() also take Arabic-Indic, full-width... digits).
_TIME = r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # a time of day after a date is ignored
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME, re.ASCII)
_UK_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})" + _TIME, re.ASCII)
_NAMED_DATE = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([a-z]+)\.?,?[ \-](\d{4})", re.ASCII)
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_UK_MONTH = re.compile(r"(\d{1,2})/(\d{4})", re.ASCII)
_NAMED_MONTH = re.compile(r"([a-z]+)\.?[ \-](\d{4}|\d{2})", re.ASCII)
_QUARTER_CHARS = 30  # longer than any way of writing a quarter
_NUMBER = re.compile(r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[-+]?\.\d+", re.ASCII)
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")  # a Unicode decimal digit that is not 0-9


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, not {value!r}")
    return value.strip()


def shorten(text: str, limit: int = 60) -> str:
    """Text for a message: whole when short, else its start and its length."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def plain_digits(value: Any) -> str:
    """The cell's text; a ValueError when it holds digits other than 0 to 9 (e.g. '٣', '３')."""
    text = _text(value)
    if found := _OTHER_DIGIT.search(text):
        raise ValueError(f"'{shorten(text)}' holds the digit '{found[0]}': write numbers, dates and periods "
                         "with the digits 0 to 9.")
    return text


def _make_date(year: int, month: int, day: int, shown: str) -> dt.date:
    if not 1 <= year <= 9999:
        raise ValueError(f"'{shown}' is not a date: there is no year {year}. {DATE_HELP}")
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
    text = plain_digits(value)
    low = text.lower()
    if m := _ISO_DATE.fullmatch(low):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _UK_DATE.fullmatch(low):
        return _make_date(_year(m[3]), int(m[2]), int(m[1]), text)
    if (m := _NAMED_DATE.fullmatch(low)) and m[2] in _MONTH_NAMES:
        return _make_date(int(m[3]), _MONTH_NAMES[m[2]], int(m[1]), text)
    raise ValueError(f"'{shorten(text)}' is not a date. {DATE_HELP}")


def read_month(value: Any) -> dt.date:
    """The first day of a month from 2026-10, 10/2026, October 2026, Oct-26 or a date in it."""
    text = plain_digits(value)
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
            raise ValueError(f"'{shorten(text)}' is not a month. {MONTH_HELP}") from None
    if not 1 <= month <= 12:
        raise ValueError(f"'{text}' is not a month: there is no month {month}. {MONTH_HELP}")
    if not 1 <= year <= 9999:
        raise ValueError(f"'{text}' is not a month: there is no year {year}. {MONTH_HELP}")
    return dt.date(year, month, 1)


def _last_year(years_ahead: int) -> int:
    return dt.date.today().year + years_ahead


def _day_between(years_ahead: int) -> Callable[[Any], dt.date]:
    """A date reader that refuses days before 1990 or after 31 December ``years_ahead`` years on."""
    def read(value: Any) -> dt.date:
        day = read_date(value)
        latest = dt.date(_last_year(years_ahead), 12, 31)
        if not EARLIEST_DAY <= day <= latest:
            raise ValueError(f"'{shorten(str(value).strip())}' is outside the dates this column takes: between "
                             f"{_long_day(EARLIEST_DAY)} and {_long_day(latest)}. Check the year.")
        return day

    return read


def _long_day(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def read_period(value: Any) -> dt.date:
    """A month (``read_month``) from January 2000 to December next year."""
    month = read_month(value)
    last = _last_year(EVENT_YEARS_AHEAD)
    if not EARLIEST_MONTH <= month <= dt.date(last, 12, 1):
        raise ValueError(f"'{shorten(str(value).strip())}' is outside the months this column takes: between "
                         f"January {EARLIEST_MONTH.year} and December {last}. Check the year.")
    return month


def read_quarter(value: Any) -> str:
    """A financial quarter, '2025/26 Q3', from 2025/26 Q3, 2025/26-Q3 or Q3 2025/26 (any case),
    starting from January 2000 (1999/00 Q4) to December next year. A calendar-style 2025-Q3 is
    refused with the financial quarter of the same months (``periods.parse_quarter``)."""
    text = plain_digits(value)
    if len(text) > _QUARTER_CHARS:  # no quarter is this long: say so without quoting it all
        raise ValueError(f"'{shorten(text)}' is not a quarter. {QUARTER_HELP}")
    try:
        quarter = periods.parse_quarter(text)
    except QAError as error:
        raise ValueError(str(error)) from None
    first, last = EARLIEST_MONTH, dt.date(_last_year(EVENT_YEARS_AHEAD), 12, 1)
    if not first <= periods.quarter_start(quarter) <= last:
        raise ValueError(f"'{text}' is outside the quarters this column takes: from "
                         f"{periods.quarter_of(first)} to {periods.quarter_of(last)}. Check the year.")
    return quarter


def read_grade(value: Any) -> int:
    try:
        return parse_grade(value.strip() if isinstance(value, str) else value)
    except QAError:
        raise ValueError(f"'{shorten(str(value).strip())}' is not a grade. {GRADE_HELP}") from None


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
    raise ValueError(f"'{shorten(text)}' is not yes or no. Write yes or no.")


TIERS = ("tier1", "tier2", "thematic", "supervision")
_TIER_ALIASES = {"1": "tier1", "t1": "tier1", "2": "tier2", "t2": "tier2"}


def read_tier(value: Any) -> str:
    text = _text(value)
    key = re.sub(r"[\s_\-]+", "", text.lower())
    key = _TIER_ALIASES.get(key, key)
    if key in TIERS:
        return key
    raise ValueError(f"'{shorten(text)}' is not an audit tier. Use one of: Tier 1, Tier 2, thematic, supervision.")


def read_rag(value: Any) -> str:
    text = _text(value)
    for status in RAG_ORDER:
        if text.lower() == status.lower():
            return status
    raise ValueError(f"'{shorten(text)}' is not a RAG rating. Use one of: {', '.join(RAG_ORDER)}.")


def too_large(shown: str, limit: float) -> str:
    """The sentence for a number beyond ``limit`` either side of zero."""
    if limit == MAX_WHOLE:
        return f"'{shown}' is too large: whole numbers here are at most {MAX_WHOLE:,}."
    return (f"'{shown}' is too large: numbers here lie within {limit:,.0f} either side of zero. "
            "Check for a mistyped figure.")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number.")
    if isinstance(value, int | float):
        number = float(value)
        shown = str(value)
    else:
        shown = shorten(_text(value))
        text = plain_digits(value).replace(" ", "")
        if not _NUMBER.fullmatch(text):
            raise ValueError(f"'{shown}' is not a number.")
        number = float(text.replace(",", ""))
    if not math.isfinite(number):
        raise ValueError(f"'{shown}' is not a number.")
    if abs(number) > MAX_NUMBER:
        raise ValueError(too_large(shown, MAX_NUMBER))
    return number


def _non_negative(value: Any) -> float:
    number = _number(value)
    if number < 0:
        raise ValueError(f"'{shorten(str(value).strip())}' is negative; it must be 0 or more.")
    return number


def _count(value: Any) -> int:
    number = _non_negative(value)
    shown = shorten(str(value).strip())
    if not float(number).is_integer():
        raise ValueError(f"'{shown}' is not a whole number.")
    if number > MAX_WHOLE:
        raise ValueError(too_large(shown, MAX_WHOLE))
    return int(number)


def _level(value: Any) -> int:
    """An impact or likelihood level: a whole number (matrix labels are read by the kind)."""
    number = _count(value)
    if not 1 <= number <= MAX_LEVEL:
        raise ValueError(f"'{shorten(str(value).strip())}' is not a level: levels run from 1 to {MAX_LEVEL}.")
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
        raise ValueError(f"'{shorten(text)}' is not a {what}. Use one of: {', '.join(allowed)}.")

    return Annotated[str, Cell("coded"), BeforeValidator(read)]


Text = Annotated[str, Cell("text", max_chars=NAME_CHARS), BeforeValidator(_text)]
Sentence = Annotated[str, Cell("text", max_chars=SENTENCE_CHARS), BeforeValidator(_text)]
LongText = Annotated[str, Cell("text", max_chars=LONG_CHARS), BeforeValidator(_text)]
Number = Annotated[float, Cell("number", ge=-MAX_NUMBER, le=MAX_NUMBER), BeforeValidator(_number)]
NonNegative = Annotated[float, Cell("number", ge=0, le=MAX_NUMBER), BeforeValidator(_non_negative)]
Count = Annotated[int, Cell("integer", ge=0, le=MAX_WHOLE), BeforeValidator(_count)]
Level = Annotated[int, Cell("coded"), BeforeValidator(_level)]
Grade = Annotated[int, Cell("coded"), BeforeValidator(read_grade)]
#: The day of an event (an audit, a completion): 1990 to the end of next year.
Day = Annotated[dt.date, Cell("coded"), BeforeValidator(_day_between(EVENT_YEARS_AHEAD))]
#: A due or target date: 1990 to the end of the year ten years on.
DueDay = Annotated[dt.date, Cell("coded"), BeforeValidator(_day_between(DUE_YEARS_AHEAD))]
Month = Annotated[dt.date, Cell("coded"), BeforeValidator(read_period)]
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


#: The limits, in words, for the formats' README (``templates.readme_text``).
LIMITS = (
    f"Dates of events (an audit, a completion) from {EARLIEST_DAY.day} January {EARLIEST_DAY.year} to 31 December "
    "next year; due and target dates to 31 December ten years ahead; months and quarters from January "
    f"{EARLIEST_MONTH.year} to December next year.",
    f"Numbers finite and within {MAX_NUMBER:,.0f} either side of zero (numerators, denominators and the values "
    f"of measures added up never negative); whole numbers at most {MAX_WHOLE:,}; risk matrix levels 1 to "
    f"{MAX_LEVEL}. Digits are 0 to 9 only.",
    f"Text: names, references and column names at most {NAME_CHARS:,} characters; titles, sources and lists "
    f"(levels, services, a matrix's words) {SENTENCE_CHARS:,}; descriptions and narratives {LONG_CHARS:,}. A file "
    "breaking a limit is refused with the row, the column and the limit.",
)
