"""How the pages write a value, once: measures with their counts, percentages with their
intervals, published (DfE) figures with their symbols, the scrutiny report card's figures under
disclosure control, risk scores, and months. Each helper returns plain text; where it goes to
Markdown the page escapes any stored words in it.

>>> fmt_number(87.456, "%"), fmt_count(163, 216), pct_of(9.43, 10, 106)
('87.5%', '163 of 216', '9.4% (10 of 106)')
>>> published_counted(4.9, None, "%", 13, 265), score_text(12, "High"), or_list(["High", "Very high"])
('4.9% (13 of 265)', '12 (High)', 'High or Very high')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from qa_core.rules.formatting import format_value as fmt_number
from qa_core.rules.formatting import round_half_up
from qa_core.rules.periods import month_label

# The helpers for published figures, the report card and targets import their modules where they
# are used: the home page imports this module on every start of the app and needs none of those
# (the scrutiny and team profile views, the published-data readers: issue 14's cold start).

__all__ = [
    "fmt_number", "fmt_count", "value_texts", "count_texts", "format_target", "pct", "pct_of", "pct_share",
    "interval", "plural",
    "ORDINALS", "POLARITY_WORDS", "published_number", "published_figure", "published_counted", "symbol_words",
    "quartile_words", "rank_words", "median_words",
    "count_text", "card_value", "card_with_count", "card_rag_words", "comparator_text", "neighbours_text",
    "score_text", "impact_likelihood", "yes_no", "or_list", "month_text", "TIER_WORDS",
]  # fmt: skip


# -- a measure's value, its count and percentages ---------------------------------------------------


def fmt_count(numerator: float | None, denominator: float | None) -> str:
    """'163 of 216' beside every percentage; blank where no ratio applies."""
    if numerator is None or denominator is None or pd.isna(numerator) or pd.isna(denominator):
        return ""
    den = f"{denominator:,.1f}" if denominator % 1 else f"{denominator:,.0f}"
    return f"{numerator:,.0f} of {den}"


def value_texts(values: Iterable[object], units: Iterable[str]) -> list[str]:
    """Each value written for its unit (``fmt_number``): a table's Value column."""
    return [fmt_number(v, u) for v, u in zip(values, units, strict=True)]


def count_texts(numerators: Iterable[object], denominators: Iterable[object], units: Iterable[str]) -> list[str]:
    """'163 of 216' beside each percentage, '' for any other unit: a table's Count column."""
    return [fmt_count(n, d) if u == "%" else "" for n, d, u in zip(numerators, denominators, units, strict=True)]


def format_target(target: object, unit: str) -> str:
    """A target as people say it, 95% rather than 95.0%, as the printed team profile writes it
    (``qa_core.views.team_profile_html.format_target``)."""
    from qa_core.views.team_profile_html import format_target as profile_target

    return profile_target(target, unit)


def pct(value: float | None, digits: int = 1) -> str:
    """'9.4%'; '–' when there is no value."""
    return "–" if value is None or pd.isna(value) else f"{value:.{digits}f}%"


def pct_of(value: float | None, k: int, n: int) -> str:
    """'9.4% (10 of 106)': a percentage always with its count."""
    return f"{pct(value)} ({int(k):,} of {int(n):,})"


def pct_share(part: int, whole: int) -> str:
    """``part`` as a percentage of ``whole`` ('75.0%'); '–' when ``whole`` is 0."""
    return pct(part * 100 / whole if whole else None)


def interval(low: float | None, high: float | None) -> str:
    """A 95% interval, '5.7% to 51.0%'; '–' when there is none."""
    return "–" if low is None or pd.isna(low) else f"{low:.1f}% to {high:.1f}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 audit', '3 audits' (``many`` for an irregular plural)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


#: An audit's tier (as stored) in words.
TIER_WORDS = {"tier1": "Tier 1", "tier2": "Tier 2", "thematic": "Thematic"}


# -- published (DfE) figures: a symbol is never a 0 ---------------------------------------------

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
POLARITY_WORDS = {"High": "higher is better", "Low": "lower is better", "-": "neither (not ranked)"}


def _is_percent(unit: object) -> bool:
    return isinstance(unit, str) and unit.startswith("%")


def published_number(value: object, unit: object) -> str:
    """'20.9%' for a percentage unit, else '3,447' or '281.6'; '' when there is no value."""
    if value is None or pd.isna(value):
        return ""
    value = round_half_up(float(value), 1)  # a half rounded up, as DfE rounds
    if _is_percent(unit):
        return f"{value:.1f}%"
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"


def published_figure(value: object, symbol: object, unit: object, none: str = "no figure") -> str:
    """A figure, or its DfE symbol (never 0), or ``none`` when nothing was published."""
    if value is not None and not pd.isna(value):
        return published_number(value, unit)
    if isinstance(symbol, str) and symbol:
        return symbol
    return none


def published_counted(value: object, symbol: object, unit: object, numerator: object, denominator: object,
                      none: str = "no figure") -> str:  # fmt: skip
    """A figure with the counts DfE publishes behind it: '4.9% (13 of 265)'; a rate per 10,000
    '77 (493 of 64,311 children)'; without counts as ``published_figure``."""
    text = published_figure(value, symbol, unit, none)
    if value is None or pd.isna(value) or numerator is None or pd.isna(numerator):
        return text
    if denominator is None or pd.isna(denominator):
        return f"{text} ({float(numerator):,.0f})"
    return f"{text} ({float(numerator):,.0f} of {float(denominator):,.0f})"


def symbol_words(symbol: object) -> str:
    """'u (low reliability)'; 'nothing published' when there is no symbol either."""
    from qa_core.io.published import PUBLISHED_SYMBOLS

    if isinstance(symbol, str) and symbol:
        return f"{symbol} ({PUBLISHED_SYMBOLS.get(symbol, 'no figure')})"
    return "nothing published"


def quartile_words(quartile: object) -> str:
    """DfE's LAIT band: 'Band C (3rd quartile of 4; A is best)'; '' when not ranked."""
    if quartile is None or pd.isna(quartile):
        return ""
    return f"Band {'ABCD'[int(quartile) - 1]} ({ORDINALS[int(quartile)]} quartile of 4; A is best)"


def rank_words(rank: object, of: object, polarity: str, has_value: bool) -> str:
    """'12 of 151'; 'not ranked' for a measure with no better direction."""
    if polarity not in ("High", "Low"):
        return "not ranked"
    if not has_value or rank is None or pd.isna(rank):
        return "no figure"
    return f"{int(rank)} of {int(of)}"


def median_words(median: object, count: int, unit: object) -> str:
    """The neighbours' median and how many of the 10 had a figure: '21.3% (9 of 10)'."""
    if median is None or pd.isna(median):
        return "no figures (0 of 10)"
    return f"{published_number(median, unit)} ({int(count)} of 10)"


# -- the scrutiny report card (disclosure-controlled figures) ----------------------------------


def count_text(value: object) -> str:
    """A count, or the disclosure symbol standing in for it."""
    return str(value) if isinstance(value, str) else f"{value:,.0f}"


def card_value(value: object, suppressed: bool, unit: str, missing: str = "no figures") -> str:
    """A report card figure: 'fewer than 10' when withheld, its symbol when public, ``missing``
    when there is none."""
    from qa_core.views.scrutiny import SUPPRESSED_TEXT

    if suppressed:
        return SUPPRESSED_TEXT
    if isinstance(value, str):
        return missing if value == ":" else value
    return missing if pd.isna(value) else fmt_number(value, unit)


def card_with_count(row: pd.Series, prefix: str = "", missing: str = "no figures") -> str:
    """'20.6% (193 of 937)'; 'fewer than 10' when withheld; ``missing`` when there are none;
    public figures: 'c (c of 92)'."""
    value, suppressed = row[f"{prefix}value"], row[f"{prefix}suppressed"]
    if suppressed or (not isinstance(value, str) and pd.isna(value)) or value == ":":
        return card_value(value, suppressed, row["unit"], missing)
    return (f"{card_value(value, False, row['unit'])} "
            f"({count_text(row[f'{prefix}numerator'])} of {count_text(row[f'{prefix}denominator'])})")  # fmt: skip


def card_rag_words(row: pd.Series) -> str:
    """The report card's RAG in words, or why there is none."""
    from qa_core.rules.disclosure import is_symbol

    if row["rag"] is not None and not pd.isna(row["rag"]):
        return str(row["rag"])
    if is_symbol(row["value"]):
        return "Not shown"
    if pd.isna(row["target"]):
        return "No target"
    return "Not rated"


def comparator_text(value: float, unit: str) -> str:
    """A published comparator (England, region); 'not published' when there is none."""
    from qa_core.views.scrutiny import NOT_PUBLISHED

    return NOT_PUBLISHED if pd.isna(value) else fmt_number(value, unit)


def neighbours_text(value: float, count: object, unit: str) -> str:
    """The neighbours' median, saying how many of the 10 had a figure when not all did."""
    from qa_core.views.scrutiny import NOT_PUBLISHED

    if pd.isna(value):
        return NOT_PUBLISHED
    text = fmt_number(value, unit)
    return text if pd.isna(count) or int(count) >= 10 else f"{text} ({int(count)} of 10 published)"


# -- risk scores, lists, months -------------------------------------------------------------------


def score_text(value: object, band: object = None) -> str:
    """'12 (High)'; 'none' when there is no score."""
    if value is None or pd.isna(value):
        return "none"
    return f"{int(value)}" + (f" ({band})" if band is not None and not pd.isna(band) else "")


def impact_likelihood(impact: object, likelihood: object) -> str:
    """'4 × 3'; '' when either is missing."""
    if impact is None or pd.isna(impact) or pd.isna(likelihood):
        return ""
    return f"{int(impact)} × {int(likelihood)}"


def yes_no(value: object) -> str:
    """'Yes', 'No', or 'Not stated'."""
    return "Not stated" if value is None or pd.isna(value) else ("Yes" if bool(value) else "No")


def or_list(words: list[str]) -> str:
    """'a, b or c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def month_text(value: str | dt.date | None) -> str:
    """A month ('2026-10' or a date) in words, 'October 2026'; '–' when there is none."""
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return "–"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value + "-01")
    return month_label(value)
