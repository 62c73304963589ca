"""Plain-English refusals for what people type into the clinic's forms (actions, meetings,
commentary, process changes). Why here: the person at the projector must read which field is
wrong and what it needs, never a validator's wording such as "String should have at least 3
characters", and every form says it the same way.

>>> clean_text("  Review late cases ", "the description", min_chars=3, max_chars=500)
'Review late cases'
>>> clean_text(" ", "the owner", min_chars=2, max_chars=120)
Traceback (most recent call last):
...
qa_core.errors.QAError: the owner is empty
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from qa_core.errors import QAError

if TYPE_CHECKING:  # only named in a signature: pydantic is not imported for it (issue 14, cold start)
    from pydantic import ValidationError

__all__ = ["clean_text", "clean_names", "clean_date", "explain", "refuse"]


def clean_text(value: Any, label: str, *, min_chars: int = 1, max_chars: int) -> str:
    """``value`` trimmed, or a QAError naming ``label`` when it is blank, too short or too long."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise QAError(f"{label} is empty")
    if not isinstance(value, str):
        raise QAError(f"{label} must be text")
    text = value.strip()
    if len(text) < min_chars:
        raise QAError(f"{label} is too short (at least {min_chars} characters)")
    if len(text) > max_chars:
        raise QAError(f"{label} is too long ({len(text):,} characters; at most {max_chars:,})")
    return text


def clean_names(values: Iterable[Any] | None, label: str, *, max_chars: int = 120) -> list[str]:
    """A list of people's names, trimmed, blanks dropped; a name given twice is refused."""
    names: list[str] = []
    for value in values or ():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        name = clean_text(value, f"a name in {label}", min_chars=2, max_chars=max_chars)
        if name.casefold() in (n.casefold() for n in names):
            raise QAError(f"{name} is listed twice in {label}")
        names.append(name)
    return names


def clean_date(value: Any, label: str) -> dt.date:
    """A ``date`` (not a datetime or text), or a QAError naming ``label``."""
    if value is None:
        raise QAError(f"{label} is missing (choose a date)")
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise QAError(f"{label} is not a date")
    return value


def explain(error: ValidationError, labels: Mapping[str, str]) -> list[str]:
    """One sentence per problem pydantic found, naming the field by ``labels`` (its words on the
    form) and saying what it needs."""
    sentences = []
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        label = labels.get(field, field.replace("_", " "))
        kind, ctx = problem["type"], problem.get("ctx") or {}
        given = problem.get("input")
        if kind == "missing" or given is None:
            sentences.append(f"{label} is missing")
        elif kind == "string_too_short":
            blank = isinstance(given, str) and not given.strip()
            sentences.append(
                f"{label} is empty" if blank else f"{label} is too short (at least {ctx.get('min_length')} characters)"
            )
        elif kind == "string_too_long":
            sentences.append(f"{label} is too long (at most {ctx.get('max_length'):,} characters)")
        elif kind.startswith("date") or kind.startswith("datetime"):
            sentences.append(f"{label} is not a date")
        elif kind == "string_type":
            sentences.append(f"{label} must be text")
        elif kind == "value_error":
            sentences.append(f"{label} {str(problem['msg']).removeprefix('Value error, ')}")
        else:
            sentences.append(f"{label} is not valid")
    return sentences


def refuse(what: str, problems: Iterable[str]) -> QAError:
    """The QAError for a refused form: "The action was not saved: the owner is empty."."""
    listed = "; ".join(problems)
    return QAError(f"{what} was not saved: {listed}.")
