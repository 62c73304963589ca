"""Accessibility statement: what was tested, how, and the known gaps, in the structure of the
GOV.UK model statement that public sector websites must publish (the Public Sector Bodies
(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018). Every role sees it.

The figures come from the automated check in the browser tests
(``tests/e2e/test_accessibility.py``, part of ``make test``); update them here when it changes.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui import data
from ui.page import start
from ui.safe import md

#: The automated check, as last run (tests/e2e/screenshots/axe-summary.json).
AXE_CORE = "4.12.1"
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")
RULES_RUN = 63
PAGES_COVERED = 10
ROLES_COVERED = 6
PAGE_STATES = 72
PREPARED = dt.date(2026, 11, 23)
#: Shown where the council must put its own details before the dashboard is published.
FILL_IN = "**[To be filled in by the council: {what}]**"

start("accessibility", "Accessibility statement")
council = md(data.settings().get("council_name") or "the council")  # stored text: escaped for Markdown
st.write(f"This statement covers the children's social care performance and quality dashboard run by "
         f"{council}. It applies to every page of the dashboard, for every role.")
st.write("We want as many people as possible to be able to use this dashboard. For example, you should be able to:")
st.markdown(
    "- zoom in up to 200% without the text spilling off the screen or overlapping\n"
    "- use the dashboard on a 1280 by 720 screen or projector, with the **Large type (projector)** switch "
    "in the sidebar for bigger text\n"
    "- reach and use every control with a keyboard alone (Tab, Shift+Tab, arrow keys, Enter and Space; "
    "the first Tab offers a link that skips to the main content)\n"
    "- read every chart as text: each has a one-sentence summary under it and its numbers as a table "
    "one click away, most with a CSV download\n"
    "- tell ratings apart without colour: RAG ratings are written as words (Red, Amber, Green), "
    "statistical process control signals as letters and words, and chart lines differ by shape and dash "
    "as well as colour\n"
    "- read text with a contrast of at least 4.5:1 against its background, and tell neighbouring chart "
    "colours apart (at least 3:1)")
st.write("We have also made the text as simple as we can. AbilityNet has advice on making your device easier "
         "to use if you have a disability.")

st.header("How accessible this dashboard is", anchor=False)
st.write("We know some parts of this dashboard are not fully accessible:")
st.markdown(
    "- the interactive tables are drawn by a grid component whose support for screen readers we have not "
    "tested; the numbers can be downloaded as CSV files instead\n"
    "- a chart's pop-up details (on hover) need a pointer; the same numbers are in the chart's table\n"
    "- the dashboard has not yet been tested with screen readers (NVDA, JAWS, VoiceOver) or by disabled users")

st.header("What to do if you cannot access parts of this dashboard", anchor=False)
st.write("If you need information from this dashboard in a different format, such as accessible PDF, large "
         "print, easy read or audio, contact us:")
st.markdown(f"- email: {FILL_IN.format(what='email address')}\n"
            f"- telephone: {FILL_IN.format(what='telephone number and opening hours')}")
st.markdown(f"We will consider your request and get back to you in "
            f"{FILL_IN.format(what='number of days')} working days.")

st.header("Reporting accessibility problems with this dashboard", anchor=False)
st.markdown(f"We are always looking to improve the accessibility of this dashboard. If you find any problems "
            f"not listed on this page or think we are not meeting accessibility requirements, contact "
            f"{FILL_IN.format(what='name of the team and contact details')}.")

st.header("Enforcement procedure", anchor=False)
st.write("The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies "
         "(Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the 'accessibility "
         "regulations'). If you are not happy with how we respond to your complaint, contact the Equality "
         "Advisory and Support Service (EASS). In Northern Ireland, contact the Equality Commission for "
         "Northern Ireland (ECNI).")

st.header("Technical information about this dashboard's accessibility", anchor=False)
st.write(f"{council} is committed to making its websites accessible, in accordance with the accessibility "
         "regulations.")
st.subheader("Compliance status", anchor=False)
st.write("This dashboard is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA "
         "standard, due to the non-compliances and gaps listed below.")

st.header("Non-accessible content", anchor=False)
st.subheader("Non-compliance with the accessibility regulations", anchor=False)
st.markdown(
    "- Interactive tables: the grid is drawn on a canvas with its own keyboard support; whether screen readers "
    "announce its cells correctly is not yet tested (WCAG 1.3.1 Info and relationships, 4.1.2 Name, role, "
    "value may fail). Tables can be downloaded as CSV and opened in other software.\n"
    "- Chart pop-ups appear on pointer hover only (WCAG 1.4.13 Content on hover or focus). The information "
    "is also in the caption and the table under each chart.\n"
    "- Charts are images to a screen reader: their summary is the caption under them, and their numbers "
    "are in the table (WCAG 1.1.1 Non-text content is met this way; the chart itself is not navigable).")
st.subheader("Known gaps in our testing", anchor=False)
st.markdown(
    "- Automated checks find only part of the problems a person would meet. We have not yet had a manual "
    "audit against every WCAG 2.2 success criterion, nor tested with assistive technology.\n"
    "- axe-core marks the text at the foot of the sidebar for review ('needs review', not a failure): it "
    "cannot work out the background there. That text is near-black (#0b0c0c) on light grey (#f3f2f1), a "
    "contrast of about 17.6:1.\n"
    "- The keyboard test covers the performance clinic page; other pages use the same kinds of control but "
    "have not each been walked through by keyboard in a test.")
st.subheader("Disproportionate burden", anchor=False)
st.write("We are not claiming disproportionate burden for any part of this dashboard.")
st.subheader("Content that is not within the scope of the accessibility regulations", anchor=False)
st.write("Files that people upload on the Data page, and the CSV and HTML files the dashboard lets you "
         "download, are produced from the data as it stands; downloaded CSV files have no formatting.")

st.header("What we are doing to improve accessibility", anchor=False)
st.write("The automated check below runs on every change to the dashboard (it is part of the test suite that "
         "must pass before a change is accepted). We plan a manual audit and testing with screen readers, "
         f"and will update this statement after them. {FILL_IN.format(what='date of the planned audit')}")

st.header("How we tested this dashboard", anchor=False)
st.markdown(
    f"- **Automated check, every page:** axe-core {AXE_CORE} in a real browser (Chromium), with the rules "
    f"tagged {', '.join(AXE_TAGS)} (WCAG 2.0, 2.1 and 2.2, levels A and AA). It ran {RULES_RUN} rules over "
    f"all {PAGES_COVERED} pages, for each of the {ROLES_COVERED} roles, on each page as it opens and again "
    f"after its main interaction (for example choosing a measure, a month, a tab or a quarter): "
    f"{PAGE_STATES} page views in all. Result: no violation of impact serious or critical. A violation of "
    "impact serious or critical fails the test suite.\n"
    "- **Keyboard:** a browser test uses the keyboard alone on the performance clinic page to move to the "
    "sidebar's Month, change it, then change the measure being discussed, and checks that each control shows "
    "where the focus is.\n"
    "- **Zoom and projector:** browser tests take screenshots of every page at 1280 by 720 and of the main "
    "pages at 200% zoom (a 640 by 360 view at twice the pixel density), check that nothing scrolls sideways, "
    "and the screenshots were looked at for overlapping text.\n"
    "- **Colour:** unit tests compute the contrast of the chart colours that sit next to each other (at least "
    "3:1) and of text colours on their backgrounds (at least 4.5:1).")

st.header("Preparation of this accessibility statement", anchor=False)
st.write(f"This statement was prepared on {PREPARED:%-d %B %Y}. It was last reviewed on {PREPARED:%-d %B %Y}.")
st.write(f"This dashboard was last tested on {PREPARED:%-d %B %Y}, by the team that builds it, with the "
         "automated and manual checks described above.")
