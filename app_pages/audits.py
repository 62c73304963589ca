"""Audit grades: the QA lead's monthly read of case-file audits, shared with the AD and the
improvement board. The month's headline, then one tab per question in the order the QA lead
asks them: grades by month (p-chart against the 10% target), services and teams against the
target (funnel plot, never a ranking), the areas behind Inadequate grades, completion against
expectation, moderation, overdue audit actions, and the escalations due.

Follows the sidebar Month and Service; the comparison window, the comparison level, the
open tab and each toggle are bound to the URL, so a view is a link.

Who sees what: every figure is an aggregate except the overdue actions, the escalations and
completion by manager, which name cases and people. Their queries return only the rows the
viewer may see (``qa_core.roles``); where that is none for the chosen service the page says why
instead of showing the table, and a role with no case-level rights at all gets no such tabs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from qa_core.rules.audits import (
    ASSESS_BETTER,
    ASSESS_MEETS,
    ASSESS_MISSES,
    ASSESS_WORSE,
    GRADE_COLUMNS,
    GRADES,
    INADEQUATE_TARGET_PCT,
)
from qa_core.rules.formatting import round_half_up
from qa_core.rules.periods import window_start
from qa_core.views.audit_grades import DEFAULT_WINDOW, WINDOWS, funnel_limits, trend_icons
from ui import audit_data, auth, data, filters, long_text
from ui.charts import DARK_BLUE, GREY, ORANGE, PINK, TURQUOISE, spc_figure
from ui.components import TAG_COLOURS, csv_bytes, table_with_download
from ui.safe import md, plain

TARGET = INADEQUATE_TARGET_PCT
PLOTLY_CONFIG = {"displaylogo": False}
# The theme's categorical order: each colour 3:1 or more against the next (tests/unit/test_contrast.py),
# and orange for the worst grade, as on the SPC charts.
GRADE_COLOURS = {"Outstanding": DARK_BLUE, "Good": TURQUOISE, "Requires Improvement": PINK, "Inadequate": ORANGE}
# ...and a pattern each, so the stacked segments differ by more than colour.
GRADE_PATTERNS = {"Outstanding": "", "Good": "/", "Requires Improvement": ".", "Inadequate": "x"}
TABS = ["Grades by month", "Against the 10% target", "Areas behind Inadequate", "Completion", "Moderation",
        "Overdue actions", "Escalations due"]
ASSESSMENT_RAG = {ASSESS_WORSE: "Red", ASSESS_MISSES: "Amber", ASSESS_MEETS: "Green", ASSESS_BETTER: "Green"}
POSITION_STYLE = {  # funnel position → marker (shape and colour, and the words in the legend)
    "above the 99.8% limit": dict(color=ORANGE, symbol="square", size=13),
    "above the 95% limit": dict(color=ORANGE, symbol="triangle-up", size=12),
    "within the limits": dict(color=DARK_BLUE, symbol="circle", size=10),
    "below the 95% limit": dict(color=TURQUOISE, symbol="triangle-down", size=12),
    "below the 99.8% limit": dict(color=TURQUOISE, symbol="diamond", size=13),
}


# -- small formatting helpers -----------------------------------------------------------------

def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:.{digits}f}%"


def pct_of(value: float | None, k: int, n: int) -> str:
    """'9.4% (10 of 106)': a percentage always with its count."""
    return f"{pct(value)} ({int(k):,} of {int(n):,})"


def interval(low: float | None, high: float | None) -> str:
    return "–" if low is None or pd.isna(low) else f"{low:.1f}% to {high:.1f}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def tag_style(frame: pd.DataFrame, columns: dict[str, dict[str, str]]) -> pd.io.formats.style.Styler:
    """Colour text cells by a mapping of cell text → RAG colour name (the text keeps the meaning)."""
    def colour(mapping: dict[str, str]):
        def inner(value: object) -> str:
            fg_bg = TAG_COLOURS.get(mapping.get(str(value), ""))
            return f"color: {fg_bg[0]}; background-color: {fg_bg[1]}" if fg_bg else ""
        return inner

    styler = frame.style.format(precision=1, thousands=",")
    for col, mapping in columns.items():
        if col in frame.columns:
            styler = styler.map(colour(mapping), subset=[col])
    return styler


def rows_height(n: int, most: int) -> int | str:
    """Tall enough to show every row (up to ``most`` pixels); Streamlit's own size up to 10 rows."""
    return "auto" if n <= 10 else min(38 + 35 * (n + 1), most)


def download(frame: pd.DataFrame, filename: str, label: str, key: str) -> None:
    st.download_button(f"Download {label} (CSV)", csv_bytes(frame),
                       file_name=filename, mime="text/csv", key=key)


def base_layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, font=dict(size=17, color="#0b0c0c")), height=height,
        margin=dict(l=60, r=20, t=60, b=40), plot_bgcolor="white", font=dict(size=14, color="#0b0c0c"),
        legend=dict(orientation="h", yanchor="top", y=-0.15, traceorder="normal"),
    )
    fig.update_yaxes(gridcolor="#e5e5e5")
    return fig


# -- the filters ------------------------------------------------------------------------------

viewer = auth.require_page("audits")
month = filters.selected_month()
service_id = filters.selected_service()
label = filters.month_label(month)
scope = md(filters.service_name(service_id))  # shown only in markdown places
cases = f"{scope} cases" if service_id else "the council's cases"
where = scope if service_id else "the council"
first_month = data.months()[0]
month_key = month.strftime("%Y-%m")
slug = f"{service_id or 'council'}-{month_key}"

st.title("Audit grades", anchor=False)
st.caption(f"{label} · {scope} · final grades (the moderator's where an audit was moderated), "
           "all audit tiers. Target: no more than 10% of audits Inadequate.")

choice_col, compare_col = st.columns([1, 2])
with choice_col:
    window = st.selectbox(
        "Period for comparisons", WINDOWS, index=WINDOWS.index(DEFAULT_WINDOW), key="audit_window",
        bind="query-params", format_func=lambda w: "This month only" if w == 1 else f"{w} months to the month",
        help="Used by the funnel plot, the areas behind Inadequate grades and moderation: one month "
             "holds too few audits per team to compare fairly.")
start = max(window_start(month, window), first_month)
period = label if start == month else f"{start:%B %Y} to {label}"
with compare_col:
    if service_id is None:
        by = st.radio("Compare", ["service", "team"], key="audit_compare", bind="query-params", horizontal=True,
                      format_func=lambda b: "Services" if b == "service" else "Teams across the council")
    else:
        by = "team"
        st.write("")
        st.caption(f"Comparing the teams of {scope}.")

# -- the month's headline ---------------------------------------------------------------------

monthly = audit_data.monthly_grades(month, service_id)
now = monthly.iloc[-1]
total_now = int(now["total"])
completion_all = audit_data.completion(month, service_id, "all", viewer)
moderation_all = audit_data.moderation(month, service_id, window, None).iloc[0]
overdue_total = audit_data.overdue_count(month, service_id)
sees_cases, case_note = audit_data.case_scope(viewer, service_id)
month_end = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()

cols = st.columns(5, border=True)
with cols[0]:
    st.metric("Inadequate", pct(now["pct_inadequate"]) if total_now else "No audits",
              help="Share of the month's audits whose final grade is Inadequate, with a Wilson 95% interval.")
    if total_now:
        st.write(f"{int(now['inadequate'])} of {total_now} audits; 95% interval "
                 f"{interval(now['ci_low'], now['ci_high'])}: **{now['assessment']}**.")
with cols[1]:
    st.metric("Good or better", pct(now["pct_good_or_better"]) if total_now else "No audits")
    if total_now:
        st.write(f"{int(now['outstanding']) + int(now['good'])} of {total_now} audits graded "
                 "Good or Outstanding.")
with cols[2]:
    if completion_all.empty or int(completion_all["expected"].iloc[0]) == 0:
        st.metric("Completed", "No expectation")
    else:
        c = completion_all.iloc[0]
        st.metric("Completed", pct(c["pct_complete"]), help="Audits counted against the month's expectation.")
        st.write(f"{int(c['done'])} of {int(c['expected'])} expected; "
                 f"{plural(int(c['shortfall']), 'audit')} short.")
with cols[3]:
    if int(moderation_all["moderated"]) == 0:
        st.metric("Moderation agreement", "None moderated")
        st.write(f"No audits moderated, {period}.")
    else:
        st.metric("Moderation agreement", pct(moderation_all["pct_agreement"]))
        st.write(f"{int(moderation_all['agreed'])} of {int(moderation_all['moderated'])} moderated grades "
                 f"kept, {period}.")
with cols[4]:
    st.metric("Overdue actions", f"{overdue_total:,}")
    st.write(f"Audit actions due before {month_end:%d %B %Y} and not done by then.")

# -- the tabs: only the open one is computed ------------------------------------------------------

CASE_TABS = ("Overdue actions", "Escalations due")
shown_tabs = TABS if viewer.sees_any_cases else [t for t in TABS if t not in CASE_TABS]
tabs = dict(zip(shown_tabs, st.tabs(shown_tabs, key="audit_tab", bind="query-params"), strict=True))


def case_rows_withheld() -> bool:
    """Say why case-level rows are missing or partial; True when there are none to show."""
    if not sees_cases:
        st.info(case_note, icon=":material/lock:")
        return True
    if case_note:
        st.caption(case_note)
    return False


def grades_tab() -> None:
    graded = monthly[monthly["total"] > 0]
    if graded.empty:
        st.info(f"No audits of {cases} up to {label}.")
        return
    if total_now == 0:
        st.info(f"No audits of {cases} were completed in {label}; the charts show earlier months.")
    counts = ", ".join(f"{int(now[c])} {GRADES[g]}" for g, c in zip(GRADES, GRADE_COLUMNS, strict=True))
    title = (f"{label}: {total_now} audits graded: {counts}" if total_now
             else f"No audits graded in {label}")
    fig = go.Figure()
    for g, col in zip(GRADES.values(), GRADE_COLUMNS, strict=True):
        fig.add_trace(go.Bar(x=monthly["month"], y=monthly[col], name=g, marker_color=GRADE_COLOURS[g],
                             marker_line=dict(color="white", width=1), marker_pattern_shape=GRADE_PATTERNS[g],
                             hovertemplate=f"%{{x|%B %Y}}: %{{y}} {g}<extra></extra>"))
    fig.update_layout(barmode="stack", xaxis_title=None, yaxis_title="Audits (final grade)")
    st.plotly_chart(base_layout(fig, title, 380), width="stretch", config=PLOTLY_CONFIG, key="audit_grade_bars")
    st.caption(f"Chart: number of audits each month from {first_month:%B %Y} to {label}, stacked by final "
               "grade (Outstanding plain, Good striped, Requires Improvement dotted, Inadequate crossed, from the "
               "bottom). The same numbers are in the table below the p-chart.")

    show_ci = st.toggle("Show each month's 95% interval on the p-chart", key="audit_show_ci",
                        bind="query-params")
    points = pd.DataFrame({
        "period": monthly["month"], "value": monthly["pct_inadequate"], "mean": monthly["p_mean"],
        "ucl": monthly["p_ucl"], "lcl": monthly["p_lcl"], "special_cause": monthly["special_cause"],
    })
    first = graded.iloc[0]
    if total_now:
        title = (f"{pct(now['pct_inadequate'])} of audits were Inadequate in {label} "
                 f"({int(now['inadequate'])} of {total_now}), against the 10% target")
    else:
        title = "Inadequate audits by month, against the 10% target"
    title += f"; {pct(first['pct_inadequate'], 0)} in {pd.Timestamp(first['month']):%B %Y}"
    fig = spc_figure(points, title, "% of audits graded Inadequate", TARGET, "Target: no more than 10%")
    if points["mean"].notna().any():
        fig.add_trace(go.Scatter(x=points["period"], y=monthly["p_upper_2s"], mode="lines", name="2-sigma band",
                                 line=dict(color="#b1b4b6", width=1, dash="dash", shape="hv")))
        fig.add_trace(go.Scatter(x=points["period"], y=monthly["p_lower_2s"], mode="lines", showlegend=False,
                                 name="Lower 2-sigma", line=dict(color="#b1b4b6", width=1, dash="dash", shape="hv")))
    if show_ci:
        fig.add_trace(go.Scatter(
            x=points["period"], y=monthly["pct_inadequate"], mode="markers", name="95% interval (Wilson)",
            marker=dict(size=1, color=GREY),
            error_y=dict(type="data", symmetric=False, color=GREY, thickness=1,
                         array=monthly["ci_high"] - monthly["pct_inadequate"],
                         arrayminus=monthly["pct_inadequate"] - monthly["ci_low"])))
    fig.update_layout(title=dict(font=dict(size=17)))
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key="audit_p_chart")
    icons = trend_icons(monthly)
    if icons["variation"] is None:
        spc_note = ("Fewer than 12 months with audits: the chart shows the months without process limits.")
    else:
        assurance = icons["assurance"]
        spc_note = (f"Variation: {icons['variation']['letter']}, {icons['variation']['label'].lower()} in "
                    f"{label}. Assurance: {assurance['letter']}, {assurance['label'].lower()}.")
    special = int(monthly["special_cause"].notna().sum())
    st.caption(
        f"Chart: percentage of audits graded Inadequate each month (a p-chart: the centre line is all months' "
        f"inadequate audits over all audits, {pct(monthly['p_mean'].iloc[-1])}; the process limits are 3 sigma "
        f"and widen in months with fewer audits), with the 10% target as a dashed line. {spc_note} "
        f"{plural(special, 'month')} flagged as special cause (marked by shape and named in the legend).")
    with st.expander("Show the numbers as a table"):
        table = pd.DataFrame({
            "Month": monthly["group"],
            "Outstanding": monthly["outstanding"], "Good": monthly["good"],
            "Requires Improvement": monthly["requires_improvement"], "Inadequate": monthly["inadequate"],
            "Audits": monthly["total"], "% inadequate": round_half_up(monthly["pct_inadequate"], 1),
            "95% interval low": round_half_up(monthly["ci_low"], 1),
            "95% interval high": round_half_up(monthly["ci_high"], 1),
            "% good or better": round_half_up(monthly["pct_good_or_better"], 1),
            "Against the 10% target": monthly["assessment"],
            "Centre line %": round_half_up(monthly["p_mean"], 1),
            "Lower limit %": round_half_up(monthly["p_lcl"], 1),
            "Upper limit %": round_half_up(monthly["p_ucl"], 1),
            "Special cause": monthly["special_cause"].fillna("none"),
        })
        st.dataframe(tag_style(table, {"Against the 10% target": ASSESSMENT_RAG}), hide_index=True,
                     width="stretch")
        download(table, f"audit-grades-by-month-{slug}.csv", "grades by month", "dl_audit_months")


MAX_LABELS = 30  # beyond this many points, only those outside the 95% limits are labelled


def spread(values: np.ndarray, gap: float, high: float) -> np.ndarray:
    """Label heights near ``values`` but at least ``gap`` apart and no higher than ``high``
    (a one-dimensional label layout: sort, push up, then push down from the top)."""
    order = np.argsort(values, kind="stable")
    y = np.asarray(values, dtype="float64")[order]
    for i in range(1, len(y)):
        y[i] = max(y[i], y[i - 1] + gap)
    if len(y) and y[-1] > high:
        y[-1] = high
        for i in range(len(y) - 2, -1, -1):
            y[i] = min(y[i], y[i + 1] - gap)
    out = np.empty_like(y)
    out[order] = y
    return out


def funnel_figure(frame: pd.DataFrame, title: str, noun: str) -> tuple[go.Figure, bool]:
    """The funnel plot, and whether every point carries a label (more than ``MAX_LABELS``: only
    the points beyond the 95% limits do)."""
    shown = frame[frame["total"] > 0]
    n_max = max(int(shown["total"].max()), 10)
    x_end = n_max * 1.1
    grid = funnel_limits(np.unique(np.concatenate([np.arange(1, 21), np.linspace(1, x_end, 200)])))
    labelled = shown if len(shown) <= MAX_LABELS else shown[shown["position"] != "within the limits"]
    # Show the points and the funnel's 99.8% limit at the smallest number of audits plotted.
    y_top = float(funnel_limits(shown["total"].min())["upper_998"].iloc[0])
    y_max = min(max(float(shown["pct_inadequate"].max()), y_top, 25.0) * 1.12, 105.0)
    height = max(520, 20 * len(labelled) + 260)
    fig = go.Figure()
    line = dict(color=GREY, width=1.5)
    fig.add_trace(go.Scatter(x=grid["n"], y=grid["upper_998"], mode="lines", name="99.8% limits",
                             line=line | dict(dash="dash"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=grid["n"], y=grid["lower_998"], mode="lines", showlegend=False,
                             name="99.8% lower limit", line=line | dict(dash="dash"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=grid["n"], y=grid["upper_95"], mode="lines", name="95% limits",
                             line=line | dict(dash="dot"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=grid["n"], y=grid["lower_95"], mode="lines", showlegend=False,
                             name="95% lower limit", line=line | dict(dash="dot"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[0, x_end], y=[TARGET, TARGET], mode="lines", name="Target: 10%",
                             line=dict(color=PINK, width=2, dash="dashdot"), hoverinfo="skip"))
    for position, style in POSITION_STYLE.items():
        part = shown[shown["position"] == position]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["total"], y=part["pct_inadequate"], mode="markers", name=position.capitalize(),
            marker=style | dict(line=dict(color="white", width=1)), text=part["name"].map(plain),
            customdata=np.stack([part["inadequate"], part["ci_low"], part["ci_high"], part["service"].map(plain)],
                                axis=1),
            hovertemplate=("%{text} (%{customdata[3]})<br>%{y:.1f}% inadequate: %{customdata[0]} of "
                           "%{x} audits<br>95% interval %{customdata[1]:.1f}% to %{customdata[2]:.1f}%"
                           "<extra></extra>")))
    # Labels in a column right of the funnel, spread so they never overlap, with a leader line.
    plot_px = height - 200
    label_y = spread(labelled["pct_inadequate"].to_numpy(), 17 * y_max / plot_px, y_max * 0.98)
    for (_, row), y in zip(labelled.iterrows(), label_y, strict=True):
        fig.add_annotation(x=row["total"], y=row["pct_inadequate"], ax=x_end * 1.03, ay=y, axref="x", ayref="y",
                           text=f"{plain(row['name'])} ({row['pct_inadequate']:.0f}%, {int(row['total'])})",
                           showarrow=True, arrowhead=0, arrowwidth=0.7, arrowcolor="#6f777b", standoff=6,
                           xanchor="left", font=dict(size=12, color="#0b0c0c"))
    fig.update_xaxes(title=f"Number of audits per {noun} ({period})", range=[0, x_end * 1.42],
                     gridcolor="#e5e5e5", tickformat=",d")
    fig.update_yaxes(title="% of audits graded Inadequate", range=[0, y_max])
    return base_layout(fig, title, height), len(labelled) == len(shown)


def funnel_tab() -> None:
    frame = audit_data.funnel(month, service_id, window, by)
    noun, nouns = ("service", "services") if by == "service" else ("team", "teams")
    shown = frame[frame["total"] > 0]
    if shown.empty:
        st.info(f"No audits of {cases} in {period}: nothing to compare.")
        return
    above = shown["position"].str.startswith("above")
    below = shown["position"].str.startswith("below")
    if above.any():
        title = f"{int(above.sum())} of {len(shown)} {nouns} above the 95% limit around the 10% target ({period})"
    elif below.any():
        title = f"No {noun} above the funnel; {int(below.sum())} of {len(shown)} below the 95% limit ({period})"
    else:
        title = f"All {len(shown)} {nouns} within the funnel around the 10% target ({period})"
    fig, all_labelled = funnel_figure(frame, title, noun)
    st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key="audit_funnel")
    labels = ("Each point is labelled with its name, % inadequate and number of audits."
              if all_labelled else
              f"With {len(shown)} {nouns}, only the points beyond the 95% limits are labelled; hover over a point, "
              "or read the table, for the rest.")
    st.caption(
        f"Chart: each {noun}'s percentage of audits graded Inadequate (final grade) against its number of "
        f"audits, {period}, with the 10% target and funnel limits around it: 95% (dotted) and 99.8% (dashed). "
        "The limits are Wilson score limits, 10% ± z·√(0.1 × 0.9 / n), so a point beyond the 95% limit is "
        "exactly one whose Wilson 95% interval excludes 10% (the table's \"significant\" verdicts). Points "
        f"inside the funnel differ from 10% no more than chance would make them: do not rank {nouns} on them. "
        + labels)
    table = pd.DataFrame({
        noun.capitalize(): frame["name"],
        "Audits": frame["total"], "Inadequate": frame["inadequate"],
        "% inadequate": round_half_up(frame["pct_inadequate"], 1),
        "95% interval": [interval(lo, hi) for lo, hi in zip(frame["ci_low"], frame["ci_high"], strict=True)],
        "Against the 10% target": frame["assessment"],
        "Position in the funnel": frame["position"],
    })
    if by == "team" and service_id is None:
        table.insert(1, "Service", frame["service"])
    st.subheader(f"{nouns.capitalize()} against the target, {period}", anchor=False)
    st.dataframe(tag_style(table, {"Against the 10% target": ASSESSMENT_RAG}), hide_index=True, width="stretch",
                 height=rows_height(len(table), 880))
    csv = table.assign(**{
        "Outstanding": frame["outstanding"], "Good": frame["good"],
        "Requires Improvement": frame["requires_improvement"],
        "95% interval low": round_half_up(frame["ci_low"], 2),
        "95% interval high": round_half_up(frame["ci_high"], 2),
        "95% limit low": round_half_up(frame["lower_95"], 2), "95% limit high": round_half_up(frame["upper_95"], 2),
        "99.8% limit low": round_half_up(frame["lower_998"], 2),
        "99.8% limit high": round_half_up(frame["upper_998"], 2),
    })
    download(csv, f"audit-funnel-{by}-{slug}-{window}m.csv", "the funnel figures", "dl_audit_funnel")
    st.caption(f"In the organisation's order, never ranked by %. The verdict uses each {noun}'s Wilson 95% "
               "interval: \"significant\" only where the whole interval is above (or below) 10%.")


def areas_tab() -> None:
    areas = audit_data.area_drivers(month, service_id, window)
    if areas.empty or int(areas["inadequate_audits"].max()) == 0:
        st.info(f"No Inadequate audits with area grades for {where}, {period}.")
        return
    top = areas.iloc[0]
    n_inad = int(areas["inadequate_audits"].max())
    title = (f"{plain(top['area'])} was graded Inadequate in {pct(top['pct_area_inadequate'], 0)} of Inadequate audits "
             f"({int(top['area_inadequate'])} of {int(top['inadequate_audits'])}), {period}")
    plot = areas.iloc[::-1].assign(area=lambda f: f["area"].map(plain))  # axis words and hover labels
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=plot["area"], x=plot["pct_area_inadequate"], orientation="h", name="Area graded Inadequate",
        marker_color=PINK, text=[f"{v:.0f}% ({k} of {n})" for v, k, n in
                                 zip(plot["pct_area_inadequate"], plot["area_inadequate"], plot["inadequate_audits"],
                                     strict=True)],
        textposition="inside", insidetextanchor="end", textfont=dict(color="white"),
        hovertemplate="%{y}: graded Inadequate in %{text} Inadequate audits<extra></extra>"))
    fig.add_trace(go.Bar(
        y=plot["area"], x=100 * plot["area_ri"] / plot["inadequate_audits"], orientation="h",
        name="Area graded Requires Improvement", marker_color=ORANGE, marker_pattern_shape="/",
        customdata=plot["area_ri"],
        hovertemplate="%{y}: graded Requires Improvement in %{customdata} Inadequate audits<extra></extra>"))
    fig.add_trace(go.Scatter(
        y=plot["area"], x=plot["pct_all_inadequate"], mode="markers", name="All audits: area graded Inadequate",
        marker=dict(symbol="diamond", size=12, color="white", line=dict(color=GREY, width=2)),
        customdata=np.stack([plot["all_inadequate"], plot["all_audits"]], axis=1),
        hovertemplate="%{y}: graded Inadequate in %{x:.0f}% of all audits "
                      "(%{customdata[0]} of %{customdata[1]})<extra></extra>"))
    fig.update_layout(barmode="stack", xaxis=dict(title="% of audits", range=[0, 100]), yaxis=dict(title=None))
    st.plotly_chart(base_layout(fig, title, 440), width="stretch", config=PLOTLY_CONFIG, key="audit_areas")
    total_inad = int(areas["inadequate_total"].iloc[0])
    st.caption(
        f"Chart: for the {n_inad} audits graded Inadequate ({period}) that graded each area, the share in which "
        "the area itself was graded Inadequate (pink, with counts) or Requires Improvement (orange), highest "
        "first; the white diamond is how often the area was graded Inadequate across all audits, for "
        "comparison. "
        + (f"{plural(total_inad - n_inad, 'other Inadequate audit')} (thematic) do not grade areas. "
           if total_inad > n_inad else ""))
    table = pd.DataFrame({
        "Area": areas["area"],
        "In Inadequate audits: area Inadequate": [pct_of(v, k, n) for v, k, n in zip(
            areas["pct_area_inadequate"], areas["area_inadequate"], areas["inadequate_audits"], strict=True)],
        "95% interval": [interval(lo, hi) for lo, hi in zip(areas["ci_low"], areas["ci_high"], strict=True)],
        "Area RI": areas["area_ri"],
        "Area Inadequate or RI": [pct_of(v, k, n) for v, k, n in zip(
            areas["pct_area_weak"], areas["area_weak"], areas["inadequate_audits"], strict=True)],
        "In all audits: area Inadequate": [pct_of(v, k, n) for v, k, n in zip(
            areas["pct_all_inadequate"], areas["all_inadequate"], areas["all_audits"], strict=True)],
    })
    table_with_download(table, f"audit-areas-{slug}-{window}m.csv", "the area figures", "dl_audit_areas")


def completion_tab() -> None:
    views = ["team", "auditor"] if sees_cases else ["team"]  # a manager's row names them
    view = st.segmented_control("Show", views, default="team", key="audit_completion_by",
                                bind="query-params", required=True,
                                format_func=lambda v: "By team" if v == "team" else "By manager")
    view = view if view in views else "team"
    frame = audit_data.completion(month, service_id, view, viewer)
    if view == "auditor" and case_note:
        st.caption(case_note + " Everyone else's audits are in the By team view.")
    if frame.empty:
        st.info(f"No audit expectations recorded for {where} in {label}.")
        return
    c = completion_all.iloc[0]
    short = int((~frame["met"]).sum())
    rows = "managers" if view == "auditor" else "rows"
    st.markdown(
        f"**{pct(c['pct_complete'])} of expected audits counted in {label} ({int(c['done'])} of "
        f"{int(c['expected'])})**; {plural(int(c['shortfall']), 'audit')} short, in {short} of the {len(frame)} "
        f"{rows} below. Team managers are expected to audit 4 cases a month; Heads of Service 1 case a month "
        "outside their own service: their audits inside their own service are shown as not counted.")
    table = pd.DataFrame({
        "Status": np.where(frame["met"], "Met", "Short by " + frame["shortfall"].astype(str)),
    })
    if view == "auditor":
        table["Manager"] = frame["auditor"]
        table["Role"] = frame["role"]
    if service_id is None:
        table["Service"] = frame["service"]
    team = frame["unit"]
    if view == "auditor":
        team = team.where(frame["role"] != "Head of Service", "Tier 2 (outside own service)")
    table["Team"] = team
    table["Expected"] = frame["expected"]
    table["Counted"] = frame["done"]
    table["% complete"] = [pct_of(p, d, e) if e else "–" for p, d, e in
                           zip(frame["pct_complete"], frame["done"], frame["expected"], strict=True)]
    table["Not counted"] = frame["not_counted"]
    table["Shortfall"] = frame["shortfall"]
    colours = {s: "Red" for s in table["Status"] if s != "Met"} | {"Met": "Green"}
    st.dataframe(tag_style(table, {"Status": colours}), hide_index=True, width="stretch",
                 height=rows_height(len(table), 900))
    if view == "team" or viewer.may_export_cases:
        download(table, f"audit-completion-{view}-{slug}.csv", "the completion table", "dl_audit_completion")
    st.caption("Shortfall is summed manager by manager, so one manager's extra audits never hide another's "
               "missing ones. A team's row is its manager's audits, wherever the cases were.")


SHORT_GRADES = {"Outstanding": "Outstanding", "Good": "Good", "Requires Improvement": "RI", "Inadequate": "Inadequate"}


def moderation_tab() -> None:
    if int(moderation_all["moderated"]) == 0:
        st.info(f"No audits of {cases} were moderated, {period}.")
        return
    m = moderation_all
    up, down = int(m["upgraded"]), int(m["downgraded"])
    st.markdown(
        f"**Moderators kept {pct(m['pct_agreement'])} of grades ({int(m['agreed'])} of {int(m['moderated'])}; "
        f"95% interval {interval(m['agreement_ci_low'], m['agreement_ci_high'])})**, {period}. "
        f"They judged {plural(down, 'audit')} worse (moved down) and {plural(up, 'audit')} better (moved up); "
        f"mean shift {m['mean_shift']:+.2f} of a grade. {pct_of(m['pct_moderated'], m['moderated'], m['audits'])} "
        f"of audits were moderated, and {pct_of(m['pct_good_moderated'], m['good_moderated'], m['good_audits'])} "
        "of those the auditor graded Good or Outstanding (these need moderating to give assurance).")
    grid = audit_data.moderation_grid(month, service_id, window)
    names = [SHORT_GRADES[g] for g in grid.columns]
    cells = grid.to_numpy()
    title = f"{int(np.trace(cells))} of {int(cells.sum())} grades kept; {down} moved down, {up} up"
    matrix_col, table_col = st.columns([5, 8])
    with matrix_col:
        fig = go.Figure(go.Heatmap(
            z=cells, x=names, y=names, colorscale=[[0, "#ffffff"], [1, DARK_BLUE]], showscale=False,
            text=cells, texttemplate="%{text}", textfont=dict(size=15),
            hovertemplate="Auditor: %{y}<br>Moderator: %{x}<br>%{z} audits<extra></extra>"))
        fig.update_yaxes(title="Auditor's grade", autorange="reversed")
        fig.update_xaxes(title="Moderator's grade", side="bottom", tickangle=0)
        fig = base_layout(fig, title, 420)
        fig.update_layout(margin=dict(l=100, r=10, t=60, b=50))
        st.plotly_chart(fig, width="stretch", config=PLOTLY_CONFIG, key="audit_moderation_matrix")
        st.caption("Chart: moderated audits by the auditor's grade (rows) and the moderator's grade (columns), "
                   "with counts in each cell (RI: Requires Improvement). The diagonal is agreement; right of it "
                   "the moderator judged the work worse.")
        with st.expander("Show the matrix as a table"):
            matrix = grid.reset_index().rename(columns={"overall": "Auditor's grade \\ moderator's grade"})
            table_with_download(matrix, f"audit-moderation-matrix-{slug}-{window}m.csv", "the matrix",
                                "dl_audit_matrix")
    with table_col:
        frame = audit_data.moderation(month, service_id, window, by)
        noun = "service" if by == "service" else "team"
        st.subheader(f"By {noun}", anchor=False)
        table = pd.DataFrame({noun.capitalize(): frame[noun]})
        table["Moderated"] = [pct_of(p, k, n) for p, k, n in
                              zip(frame["pct_moderated"], frame["moderated"], frame["audits"], strict=True)]
        table["Agreement"] = [pct_of(p, k, n) if n else "–" for p, k, n in
                              zip(frame["pct_agreement"], frame["agreed"], frame["moderated"], strict=True)]
        table["95% interval"] = ["–" if pd.isna(lo) else f"{lo:.0f}–{hi:.0f}%" for lo, hi in
                                 zip(frame["agreement_ci_low"], frame["agreement_ci_high"], strict=True)]
        table["Down"] = frame["downgraded"]
        table["Up"] = frame["upgraded"]
        st.dataframe(table, hide_index=True, width="stretch", height=rows_height(len(table), 700))
        csv = table.assign(**{
            "Service": frame["service"], "Audits": frame["audits"], "Moderated audits": frame["moderated"],
            "Good or better audits": frame["good_audits"], "Good or better moderated": frame["good_moderated"],
            "Agreed": frame["agreed"], "Mean shift": round_half_up(frame["mean_shift"], 3)})
        download(csv, f"audit-moderation-{by}-{slug}-{window}m.csv", "moderation by group", "dl_audit_moderation")
        st.caption("Down: the moderator judged the work worse; up: better. Small numbers: read the interval, "
                   "not the order. The download adds the mean shift and the Good or better audits moderated.")


def overdue_tab() -> None:
    if overdue_total == 0:
        st.info(f"No audit actions for {cases} were overdue at {month_end:%d %B %Y}.")
        return
    if case_rows_withheld():
        st.write(f"{plural(overdue_total, 'audit action')} overdue at {month_end:%d %B %Y}.")
        return
    overdue = audit_data.overdue_actions(month, service_id, viewer)
    if overdue.empty:
        st.info(f"{plural(overdue_total, 'audit action')} overdue at {month_end:%d %B %Y}, none on the cases "
                "listed to you.")
        return
    days = overdue["days_overdue"]
    bands = [int((days <= 30).sum()), int(((days > 30) & (days <= 90)).sum()), int((days > 90).sum())]
    st.markdown(
        f"**{plural(len(overdue), 'audit action')} overdue at {month_end:%d %B %Y}**"
        + (f" (of {overdue_total:,} for {where})" if len(overdue) != overdue_total else "")
        + f": {bands[0]} up to 30 days, "
        f"{bands[1]} 31 to 90 days, {bands[2]} over 90 days. Most overdue first.")
    table = pd.DataFrame({
        "Case reference": overdue["case_ref"],
        "Days overdue": overdue["days_overdue"],
        "Due": pd.to_datetime(overdue["due_date"]).dt.strftime("%d %b %Y"),
        "Action": overdue["description"], "Owner": overdue["owner"],
        "Team": overdue["team"], "Service": overdue["service"], "Audit grade": overdue["grade_name"],
        "Audit": overdue["audit_id"],
        "Done later on": pd.to_datetime(overdue["completed_date"]).dt.strftime("%d %b %Y").fillna(""),
    })
    if service_id is not None:
        table = table.drop(columns="Service")
    st.dataframe(long_text.preview_frame(table, ["Action"]), hide_index=True, width="stretch",
                 height=rows_height(len(table), 600))
    long_text.read_in_full(table, ["Action"], (table["Audit"] + ", due " + table["Due"]).tolist(),
                           key="audit_full_overdue")
    if viewer.may_export_cases:
        download(table, f"overdue-audit-actions-{slug}.csv", "the overdue actions", "dl_audit_overdue")
    st.caption("Action and owner are as recorded on the audit. \"Done later on\" is filled only where the "
               "action was completed after the end of the month.")


def escalations_tab() -> None:
    if case_rows_withheld():
        return
    every = st.toggle("Show every grade's escalations (not only Inadequate)", key="audit_every_grade",
                      bind="query-params")
    frame = audit_data.escalations_due(month, service_id, every, viewer)
    if frame.empty:
        what = "audits" if every else "audits graded Inadequate"
        st.info(f"No {what} of {cases} were completed in {label}: no escalations are due.")
        return
    inadequate = int((frame["grade_name"] == GRADES[4]).sum())
    if every:
        st.markdown(f"**{plural(len(frame), 'audit')} completed in {label}**, each with whom its final grade must "
                    f"be escalated to; {inadequate} Inadequate.")
    else:
        st.markdown(f"**{plural(inadequate, 'audit')} completed in {label} graded Inadequate**: each must be "
                    "escalated to the Head of Service and the Assistant Director.")
    table = pd.DataFrame({
        "Case reference": frame["case_ref"],
        "Final grade": frame["grade_name"],
        "Escalate to": frame["escalate_to"],
        "Audit date": pd.to_datetime(frame["audit_date"]).dt.strftime("%d %b %Y"),
        "Service": frame["service"], "Team": frame["team"],
        "Tier": frame["tier"].map({"tier1": "Tier 1", "tier2": "Tier 2", "thematic": "Thematic"}).fillna(
            frame["tier"]),
        "Auditor": frame["auditor"],
        "Auditor's grade": frame["overall_grade"].map(GRADES),
        "Moderated": np.where(frame["moderated"].astype(bool), "Yes", "No"),
        "Audit": frame["audit_id"],
    })
    if service_id is not None:
        table = table.drop(columns="Service")
    grade_rag = {"Inadequate": "Red", "Requires Improvement": "Amber", "Good": "Green", "Outstanding": "Blue"}
    st.dataframe(tag_style(table, {"Final grade": grade_rag}), hide_index=True, width="stretch")
    if viewer.may_export_cases:
        download(table, f"audit-escalations-{slug}.csv", "the escalations", "dl_audit_escalations")
    st.caption("Escalation (framework appendices 2A and 4): Inadequate: Head of Service and Assistant Director; "
               "Requires Improvement: Head of Service, team manager and IRO/conference chair; Good: team "
               "manager; Outstanding: team manager, Head of Service and Assistant Director. The final grade "
               "(after moderation) decides.")


RENDER = {
    "Grades by month": grades_tab, "Against the 10% target": funnel_tab, "Areas behind Inadequate": areas_tab,
    "Completion": completion_tab, "Moderation": moderation_tab, "Overdue actions": overdue_tab,
    "Escalations due": escalations_tab,
}
for name, tab in tabs.items():
    if tab.open is False:  # lazy tabs: only the open one runs (None would mean "not tracked": run all)
        continue
    with tab:
        RENDER[name]()
