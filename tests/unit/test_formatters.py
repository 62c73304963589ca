"""The pages' wording of published figures, report-card figures and targets (``ui.formatters``).

These helpers import the modules they lean on (the scrutiny view, disclosure control, the published
files' symbols, the team profile) when called rather than when ``ui.formatters`` is imported, so the
home page's start does not load them (issue 14). The expected texts are worked by hand from the rules
they follow: one decimal place for a percentage, half rounded up; DfE's symbols never shown as 0.
"""

from __future__ import annotations

import math

import pandas as pd

from ui import formatters as f

NAN = math.nan


def test_symbol_words_name_the_dfe_symbol_or_say_nothing_was_published():
    assert f.symbol_words("u") == "u (low reliability)"
    assert f.symbol_words("c") == "c (suppressed to protect confidentiality)"
    assert f.symbol_words("q") == "q (no figure)"  # not a DfE symbol
    assert f.symbol_words("") == "nothing published"
    assert f.symbol_words(None) == "nothing published"


def test_card_value_withholds_small_counts_and_keeps_symbols():
    assert f.card_value(3, True, "%") == "fewer than 10"  # withheld, whatever the value
    assert f.card_value("c", False, "%") == "c"  # a public figure's symbol, never 0
    assert f.card_value(":", False, "%") == "no figures"  # ':' is "not available"
    assert f.card_value(NAN, False, "%") == "no figures"
    assert f.card_value(20.64, False, "%") == "20.6%"  # one decimal place for a percentage


def test_card_with_count_puts_the_counts_beside_the_figure():
    row = pd.Series({"value": 20.64, "suppressed": False, "unit": "%", "numerator": 193, "denominator": 937})
    assert f.card_with_count(row) == "20.6% (193 of 937)"
    public = pd.Series({"value": "c", "suppressed": False, "unit": "%", "numerator": "c", "denominator": 92})
    assert f.card_with_count(public) == "c (c of 92)"
    withheld = pd.Series({"value": 3.0, "suppressed": True, "unit": "%", "numerator": 1, "denominator": 4})
    assert f.card_with_count(withheld) == "fewer than 10"


def test_card_rag_words_say_why_there_is_no_rag():
    assert f.card_rag_words(pd.Series({"rag": "Green", "value": 1.0, "target": 5.0})) == "Green"
    assert f.card_rag_words(pd.Series({"rag": None, "value": "c", "target": 5.0})) == "Not shown"
    assert f.card_rag_words(pd.Series({"rag": None, "value": 3.0, "target": NAN})) == "No target"
    assert f.card_rag_words(pd.Series({"rag": None, "value": 3.0, "target": 5.0})) == "Not rated"


def test_comparator_and_neighbours_texts():
    assert f.comparator_text(NAN, "%") == "not published"
    assert f.comparator_text(87.456, "%") == "87.5%"
    assert f.neighbours_text(NAN, 3, "%") == "not published"
    assert f.neighbours_text(20.35, 10, "%") == "20.4%"  # all ten published: no count
    assert f.neighbours_text(20.35, 7, "%") == "20.4% (7 of 10 published)"
    assert f.neighbours_text(1234.5, NAN, "count") == "1,235"  # a count: whole, half rounded up


def test_format_target_as_people_say_it():
    assert f.format_target(95.0, "%") == "95%"  # not 95.0%
    assert f.format_target(12.5, "%") == "12.5%"
    assert f.format_target(1200, "count") == "1,200"
    assert f.format_target(12.25, "days") == "12.3"
    assert f.format_target(None, "%") == "–"
