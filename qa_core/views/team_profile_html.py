"""One team's profile as a printable, self-contained HTML page (A4, for the office notice
board): measures with their RAG as words and a sparkline, audits done against expected, the
grade mix and overdue actions. Every stored text is escaped; in its public form
(``public=True``) only disclosure-controlled figures reach the page (see
``qa_core.views.team_profiles``)."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from qa_core.rules import disclosure
from qa_core.rules.audits import INADEQUATE_TARGET_PCT
from qa_core.rules.formatting import format_value
from qa_core.rules.missing import is_missing
from qa_core.rules.periods import month_end, month_label
from qa_core.views.team_profiles import TeamProfile, public_profile

__all__ = ["format_target", "profile_html", "rag_words"]


_TAGS = {  # GOV.UK tag colours (dark text on a light tint); the word always carries the meaning
    "Red": ("#2a0b06", "#f4cdc6"), "Amber": ("#6e3619", "#fcd6c3"), "Yellow": ("#594d00", "#fff7bf"),
    "Green": ("#005a30", "#cce2d8"), "Blue": ("#0c2d4a", "#bbd4ea"),
}
_CSS = """
@page { size: A4 portrait; margin: 12mm 12mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; font-size: 9.5pt; line-height: 1.3;
       margin: 0 auto; max-width: 186mm; padding: 6mm 0; }
header { border-bottom: 4px solid #12436D; margin-bottom: 3mm; padding-bottom: 1.5mm; }
header p { margin: 0; color: #3d3d3d; }
h1 { font-size: 18pt; margin: 1mm 0; }
h2 { font-size: 12pt; margin: 4mm 0 1.5mm; color: #12436D; }
p { margin: 1mm 0; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5mm; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 1mm 1.5mm; text-align: left; vertical-align: middle; }
th { background: #f3f2f1; font-weight: bold; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tag { display: inline-block; padding: 0.2mm 1.5mm; font-weight: bold; border-radius: 1mm; }
.summary { display: flex; gap: 3mm; margin: 2mm 0; }
.summary div { flex: 1; border-left: 4px solid #12436D; padding: 1mm 2.5mm; background: #f3f2f1; }
.summary strong { display: block; font-size: 12pt; }
.cols { display: flex; gap: 5mm; align-items: flex-start; }
.cols > div { flex: 1; }
.note { color: #3d3d3d; font-size: 8.5pt; }
footer { margin-top: 4mm; border-top: 1px solid #b1b4b6; padding-top: 1.5mm; color: #3d3d3d; font-size: 8pt; }
svg { vertical-align: middle; }
@media print {
  body { padding: 0; max-width: none; }
  h2 { break-after: avoid; }
  table, .summary, .cols { break-inside: avoid; }
  .tag, th, .summary div { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def format_target(target: object, unit: str) -> str:
    """A target as people say it: 95%, not 95.0%; '–' when there is none."""
    if not is_missing(target) and float(target).is_integer():
        return f"{int(target)}%" if unit == "%" else f"{int(target):,}"
    return format_value(target, unit)


def _count(numerator: object, denominator: object) -> str:
    if isinstance(numerator, str) or isinstance(denominator, str):  # a disclosure symbol
        return f"{_whole(numerator)} of {_whole(denominator)}"
    if is_missing(numerator) or is_missing(denominator):
        return ""
    den = float(denominator)
    return f"{float(numerator):,.0f} of {den:,.1f}" if den % 1 else f"{float(numerator):,.0f} of {den:,.0f}"


def _whole(value: object) -> str:
    """A count as text: a disclosure symbol as it is."""
    if isinstance(value, str):
        return value
    return "–" if is_missing(value) else f"{float(value):,.0f}"


def _value(value: object, unit: str) -> str:
    return value if isinstance(value, str) else format_value(value, unit)


def _pct(part: object, whole: object) -> str:
    if isinstance(part, str) or isinstance(whole, str):
        return "c"
    return format_value(part * 100.0 / whole, "%") if whole else "–"  # a half rounded up


def _share(pct: object) -> str:
    return pct if isinstance(pct, str) else format_value(pct, "%")


def _interval(low: object, high: object) -> str:
    return low if isinstance(low, str) else "–" if is_missing(low) else \
        f"{format_value(low, '%')} to {format_value(high, '%')}"


def _pct_public(part: object, whole: object) -> str:
    """As :func:`_pct`, withheld (``c``) when out of fewer than 5."""
    if not isinstance(whole, str) and 0 < float(whole) < disclosure.MIN_RATE_DENOMINATOR:
        return "c"
    return _pct(part, whole)


def _sparkline(values: list | None, label: str) -> str:
    """A small inline SVG line of the trend; its text alternative is in the aria-label."""
    points = [(i, v) for i, v in enumerate(values or []) if v is not None]
    if len(points) < 2:
        return "–"
    width, height, pad = 90.0, 22.0, 2.0
    n = max(len(values) - 1, 1)
    lo = min(v for _, v in points)
    hi = max(v for _, v in points)
    span = hi - lo or 1.0
    coords = " ".join(f"{pad + i * (width - 2 * pad) / n:.1f},{height - pad - (v - lo) * (height - 2 * pad) / span:.1f}"
                      for i, v in points)
    last_x, last_y = coords.split(" ")[-1].split(",")
    return (f'<svg width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
            f'aria-label="{_e(label)}"><polyline fill="none" stroke="#12436D" stroke-width="1.5" '
            f'points="{coords}"/><circle cx="{last_x}" cy="{last_y}" r="2" fill="#12436D"/></svg>')


def rag_words(rag: object, value: object, target: object, note: object = None) -> str:
    """The RAG cell in words: the rating, or why there is none (no value this month, no
    target, a measure tracked for direction only, or ``note``: too few cases to rate, with
    the count, e.g. '0 of 1: too few to rate (fewer than 5)')."""
    if not is_missing(rag):
        return str(rag)
    if disclosure.is_symbol(value):
        return "Not shown"
    if is_missing(value):
        return "No value"
    if isinstance(note, str) and note:
        return note
    return "No target" if is_missing(target) else "No rating"


def _tag(status: object, value: object = 0.0, target: object = None, note: object = None) -> str:
    if is_missing(status):
        return _e(rag_words(status, value, target, note))
    fg, bg = _TAGS.get(str(status), ("#0b0c0c", "#f3f2f1"))
    return f'<span class="tag" style="color:{fg};background:{bg}">{_e(status)}</span>'


def profile_html(profile: TeamProfile, generated: dt.date | None = None, public: bool = False) -> str:
    """The team's profile as one self-contained A4 HTML page (inline CSS, no scripts, no
    external files) for printing. Every value from the store is passed through
    :func:`html.escape`; RAG is a word in a coloured tag, never colour alone. ``public``: for
    the office notice board, under disclosure control (:func:`public_profile`), with the
    symbols explained (``disclosure.NOTE``); otherwise marked not for publication."""
    shown_month = month_label(profile.month)
    generated = generated or dt.date.today()
    if public:
        profile = public_profile(profile)
    pct = _pct_public if public else _pct
    a = profile.audits

    def whole(x: object) -> int | str:
        return x if isinstance(x, str) else int(x)

    total, inadequate = whole(a["audits_total"]), whole(a["inadequate"])
    done, expected = whole(a["audits_done"]), whole(a["audits_expected"])
    overdue_total = whole(a["overdue_actions"])
    first = profile.trend_months[0].strftime("%b %Y") if profile.trend_months else ""

    rows = []
    for m in profile.measures.itertuples():
        trend_values = [v for v in (m.trend or []) if v is not None]
        alt = (f"{m.name}, last {len(profile.trend_months)} months from {format_value(trend_values[0], m.unit)} to "
               f"{format_value(trend_values[-1], m.unit)}") if trend_values else "No trend"
        rows.append(
            "<tr>"
            f"<td>{_e(m.name)}</td>"
            f'<td class="num">{_e(_value(m.value, m.unit))}</td>'
            f'<td class="num">{_e(_count(m.numerator, m.denominator) if m.unit == "%" else "")}</td>'
            f'<td class="num">{_e(format_target(m.target, m.unit))}</td>'
            f"<td>{_tag(m.rag, m.value, m.target, m.rag_note)}</td>"
            f"<td>{_e(m.direction if not is_missing(m.direction) else '–')}</td>"
            f"<td>{_sparkline(m.trend, alt)}</td>"
            "</tr>")
    measures_html = (
        "<table><thead><tr><th>Measure</th><th class=\"num\">Value</th><th class=\"num\">Count</th>"
        "<th class=\"num\">Target</th><th>RAG</th><th>Direction</th>"
        f"<th>Trend ({_e(first)} to {_e(profile.month.strftime('%b %Y'))})</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table>"
    ) if rows else f"<p>No measures have values for this team in {_e(shown_month)}.</p>"

    grade_rows = "".join(
        "<tr>"
        f"<td>{_e(g.label)}</td><td class=\"num\">{_e(g.audits)}</td>"
        f"<td class=\"num\">{_e(_share(g.pct))}</td>"
        f"<td class=\"num\">{_e(_interval(g.ci_low, g.ci_high))}</td>"
        "</tr>" for g in profile.grades.itertuples())
    grades_html = (
        "<table><thead><tr><th>Final grade</th><th class=\"num\">Audits</th><th class=\"num\">%</th>"
        "<th class=\"num\">95% interval</th></tr></thead><tbody>" + grade_rows
        + f"<tr><th>Total</th><th class=\"num\">{total}</th><th></th><th></th></tr></tbody></table>"
    ) if total else f"<p>No audits of this team's cases were completed in {_e(shown_month)}.</p>"
    overdue_rows = "".join(f"<tr><td>{_e(o.band)}</td><td class=\"num\">{_e(o.actions)}</td></tr>"
                           for o in profile.overdue.itertuples())
    overdue_html = (
        "<table><thead><tr><th>Overdue audit actions</th><th class=\"num\">Actions</th></tr></thead><tbody>"
        + overdue_rows + f"<tr><th>Total</th><th class=\"num\">{overdue_total}</th></tr></tbody></table>")

    rag_counts = profile.measures["rag"].value_counts() if len(profile.measures) else pd.Series(dtype=int)
    inadequate_text = (f"{pct(inadequate, total)} ({inadequate} of {total})" if total else "No audits")
    verdict = "" if not total or isinstance(a["ci_low"], str) else (
        f"95% interval {_interval(a['ci_low'], a['ci_high'])}; target no more than "
        f"{INADEQUATE_TARGET_PCT:.0f}%: {a['assessment']}.")
    summary = (
        '<div class="summary">'
        f"<div>Measures<strong>{int(rag_counts.get('Red', 0))} Red · {int(rag_counts.get('Amber', 0))} Amber · "
        f"{int(rag_counts.get('Green', 0))} Green</strong>of {len(profile.measures)} measures</div>"
        f"<div>Audits done<strong>{done} of {expected}</strong>expected of the team's managers</div>"
        f"<div>Inadequate<strong>{_e(inadequate_text)}</strong>of audits of the team's cases</div>"
        f"<div>Overdue actions<strong>{overdue_total}</strong>at {_e(month_end(profile.month).strftime('%d %B %Y'))}"
        "</div></div>")
    done_text = (f"{done} of {expected} expected audits done by the team's managers "
                 f"({pct(done, expected)}); shortfall {whole(a['audits_shortfall'])}."
                 if expected else "No audits were expected of the team's managers this month.")
    overdue_at = month_end(profile.month)
    board = " · For the notice board (disclosure-controlled)" if public else " · Not for publication"
    symbols = f'<p class="note">{_e(disclosure.NOTE)}</p>\n' if public else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{_e(profile.team)} team profile: {_e(shown_month)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<p>{_e(profile.council)} · Children's social care · {_e(profile.service)}{board}</p>
<h1>{_e(profile.team)}: team profile</h1>
<p><strong>{_e(shown_month)}</strong></p>
</header>
{symbols}{summary}
<h2>Measures in {_e(shown_month)}</h2>
{measures_html}
<p class="note">Value: the team's figure for the month, from its numerator and denominator (Count).
RAG is the measure's own rule against its target; direction compares with the previous month.</p>
<h2>Case-file audits</h2>
<p>{_e(done_text)}</p>
<p>Audits of the team's cases in {_e(shown_month)}: {_e(inadequate_text)} Inadequate. {_e(verdict)}</p>
<div class="cols">
<div>{grades_html}
<p class="note">Final grade: the moderated grade where the audit was moderated. With few audits the
95% interval is wide: read it, not the percentage alone.</p></div>
<div>{overdue_html}
<p class="note">Overdue: due before {_e(overdue_at.strftime('%d %B %Y'))} and not completed by then.</p></div>
</div>
<footer>Produced on {_e(generated.strftime('%d %B %Y'))} from the {_e(profile.council)} performance and
quality store. Counts are shown beside every percentage. No child, worker or case is named.
{"" if public else _e(disclosure.NOT_CONTROLLED)}</footer>
</body>
</html>
"""
