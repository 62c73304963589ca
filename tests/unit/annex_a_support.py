"""Shared helpers for the Annex A tests (no tests here): a small store with named teams, a workbook
written from rows, and the hand-worked workbook whose answers the tests count by hand.

The hand-worked workbook (``hand_worked_sheets``) covers January 2023 to February 2024 (14 whole months):
its earliest contact is Tuesday 3 January 2023, the first working day of January 2023 (Monday 2 January
was the New Year bank holiday), and its latest Thursday 29 February 2024, the last working day of
February 2024. Each case is explained where it is written.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import openpyxl
import pandas as pd

from qa_core.store import Store

D = dt.date
#: (service id, service name, [(team id, team name), ...])
ORG = [
    ("front_door", "Front Door", [("mash", "MASH")]),
    ("assessment", "Assessment", [("north", "Assessment North"), ("south", "Assessment South")]),
    ("cp", "Child Protection", [("sg1", "Safeguarding 1")]),
    ("cla", "Children in Care", [("cf1", "Cared For 1")]),
    ("leavers", "Care Leavers", [("lc", "Leaving Care")]),
]


def org_store(path: str = ":memory:", org: Sequence = ORG) -> Store:
    """A store holding only the services and teams of ``org``."""
    store = Store(path)
    services = [
        dict(service_id=s, name=n, head_of_service=f"Head of {n}", sort_order=k)
        for k, (s, n, _) in enumerate(org, start=1)
    ]
    teams = [dict(team_id=t, service_id=s, name=tn, manager=f"Manager of {tn}") for s, _, ts in org for t, tn in ts]
    store.insert_frames({"service": pd.DataFrame(services), "team": pd.DataFrame(teams)})
    return store


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx with one sheet per name, rows as given (the first is the header). A text starting with '='
    is written as a formula, with no value stored, as a program that does not calculate writes it."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def serial(day: dt.date) -> int:
    """Excel's serial number of a date (1900 date system)."""
    return (day - D(1899, 12, 30)).days


CHILD_NAMES = ("Amelia Testchild", "Oliver Testchild")


def hand_worked_sheets() -> dict[str, list[list[object]]]:
    """The small Annex A whose every answer is worked out by hand in ``test_annex_a_measures``.

    Dates come three ways (Excel dates, serial numbers, text dd/mm/yyyy), coded answers with and without
    their letter, headers in other years' spellings, one team name with trailing spaces, one formula with
    no stored value, a column of children's names (never read) and a sheet that is not a list.
    """
    return {
        "Notes": [["This workbook was made for the tests"]],
        "List 1": [
            ["Child Unique ID", "Child's Name", "Date of Birth", "Date of Contact", "Contact Source"],
            ["K1", CHILD_NAMES[0], D(2015, 6, 14), D(2023, 1, 3), "q) 6: Police"],  # 3 Jan 2023: first working day
            ["K2", CHILD_NAMES[1], "02/11/2012", serial(D(2024, 2, 29)), "Schools"],  # 29 Feb 2024: last working day
        ],
        "List 3": [
            [
                "Child Unique ID",
                "Date of Birth",
                "date of referral ",
                "Referral NFA?",
                "Number of Referrals in Last 12 Months",
                "Allocated Team",
                "Allocated Worker",
            ],
            # C1: referred 10 Jan 2023 and again 12 Dec 2023, 11 months later: the second is a re-referral.
            ["C1", D(2016, 5, 1), D(2023, 1, 10), "b) No", 0, "MASH", "Wren Varley"],
            ["C1", D(2016, 5, 1), D(2023, 12, 12), "No", 0, "MASH", "Wren Varley"],
            # C2: referred 16 Jan 2023 and again 20 Feb 2024, 13 months later: not a re-referral.
            ["C2", D(2011, 3, 9), "16/01/2023", "N", 0, "mash", "Wren Varley"],
            ["C2", D(2011, 3, 9), "20/02/2024", "Yes", 0, "MASH", "Wren Varley"],
            # C3: referred 28 Feb 2023 and 29 Feb 2024 (a leap day): 29 Feb 2024 less 12 months is 28 Feb 2023,
            # so the earlier referral is within the 12 months before: a re-referral.
            ["C3", D(2019, 8, 30), D(2023, 2, 28), "b) No", 0, "MASH", "Quinn Ashdown"],
            ["C3", D(2019, 8, 30), D(2024, 2, 29), "b) No", 0, "MASH", "Quinn Ashdown"],
            # C4: referred 5 Feb 2024; the list's own count says 2 referrals in the 12 months before.
            ["C4", D(2010, 1, 20), D(2024, 2, 5), "a) Yes", 2, "MASH", "Quinn Ashdown"],
        ],
        "List 4": [
            [
                "Child Unique ID",
                "Date of Birth",
                "Continuous Assessment Start Date",
                "Child Seen During Continuous Assessment",
                "Continuous Assessment Date of Authorisation",
                "Allocated Team",
                "Allocated Worker",
            ],
            # A1: started Mon 3 Apr 2023; authorised Mon 12 Jun 2023. Working days after the start: 4-6 Apr (3);
            # Good Friday 7 and Easter Monday 10 Apr are bank holidays; 11-14 (7); 17-21 (12); 24-28 (17);
            # 1 May bank holiday; 2-5 May (21); 8 May the coronation bank holiday; 9-12 (25); 15-19 (30);
            # 22-26 (35); 29 May bank holiday; 30 May-2 Jun (39); 5-9 Jun (44); Mon 12 Jun (45). Within 45.
            ["A1", D(2014, 2, 2), D(2023, 4, 3), "Yes", D(2023, 6, 12), "Assessment North   ", "Lena Garside"],
            # A2: the same start, authorised Tue 13 Jun 2023: 46 working days, not within 45. Child not seen.
            ["A2", D(2013, 7, 7), D(2023, 4, 3), "b) No", "=E2+1", "assessment south", "Kofi Pennock"],
            # A3: started Wed 28 Feb 2024, authorised Thu 29 Feb 2024 (a leap day, a Thursday): 1 working day.
            ["A3", D(2020, 1, 1), serial(D(2024, 2, 28)), "a) Yes", "29/02/2024", "Assessment North", "Lena Garside"],
            # A4: not authorised yet: in no measure.
            ["A4", D(2020, 1, 1), D(2024, 2, 20), "a) Yes", None, "Assessment North", "Lena Garside"],
        ],
        "List 5": [
            [
                "Child Unique ID",
                "Date of Birth",
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                "Was an Initial Child Protection Conference deemed unnecessary?",
                "Date of Initial Child Protection Conference",
                "Allocated Team",
                "Allocated Worker",
            ],
            # S1: strategy discussion Thu 21 Dec 2023; ICPC Tue 16 Jan 2024. Working days after 21 Dec: Fri 22
            # (1); 23-24 weekend; 25 and 26 Dec bank holidays; 27-29 (4); 30-31 weekend; 1 Jan bank holiday;
            # 2-5 Jan (8); 8-12 (13); 15-16 (15). Within 15 (Monday to Friday alone would count 18).
            ["S1", D(2012, 12, 12), D(2023, 12, 21), "No", D(2024, 1, 16), "Safeguarding 1", "Ben Carrow"],
            # S2: the same strategy discussion; ICPC Wed 17 Jan 2024 (a formula: S1's date + 1): 16, not within.
            ["S2", D(2012, 12, 12), D(2023, 12, 21), "b) No", "=E2+1", "Safeguarding 1", "Ben Carrow"],
            # S3: started Fri 22 Dec 2023; no answer and no ICPC date: counted as an enquiry, not as one with an
            # ICPC deemed unnecessary, and in no ICPC figure.
            ["S3", D(2009, 9, 9), D(2023, 12, 22), None, None, "Safeguarding 1", "Ben Carrow"],
            # S4: started Mon 4 Dec 2023; ICPC deemed unnecessary.
            ["S4", D(2009, 9, 9), "04/12/2023", "a) Yes", None, "Safeguarding 1", "Ben Carrow"],
        ],
        "List 7": [
            [
                "Child Unique ID",
                "Date of Birth",
                "CHILD PROTECTION PLAN START DATE",
                "Child Protection Plan End Date",
                "Allocated Team",
                "Allocated Worker",
            ],
            # P1: started 31 Jan 2022, open: it reaches exactly 2 years on 31 Jan 2024, the January month end.
            ["P1", D(2018, 1, 1), D(2022, 1, 31), None, "Safeguarding 1", "Ben Carrow"],
            # P2: started 15 Mar 2023, ended 29 Feb 2024: open at the end of December and January, not at the end
            # of February (it ended on the month's last day).
            ["P2", D(2018, 1, 1), D(2023, 3, 15), D(2024, 2, 29), "Safeguarding 1", "Ben Carrow"],
            # P3: started 10 Jan 2024, ended 1 Mar 2024: open at the end of January and of February.
            ["P3", D(2018, 1, 1), D(2024, 1, 10), "01/03/2024", "Safeguarding 1", "Ben Carrow"],
        ],
        "List 8": [
            [
                "Child Unique ID",
                "Date of Birth",
                "Date Started to be in Care",
                "Date of Latest Statutory Review",
                "Date Ceased to be in Care",
                "Allocated Team",
                "Allocated Worker",
            ],
            # At 29 Feb 2024 (the last month's end); 6 months before it is 29 Aug 2023.
            ["L1", D(2010, 1, 1), D(2020, 6, 1), D(2023, 12, 1), None, "Cared For 1", "Nia Jessop"],  # in date
            ["L2", D(2010, 1, 1), D(2020, 6, 1), D(2023, 8, 28), None, "Cared For 1", "Nia Jessop"],  # a day too old
            ["L3", D(2010, 1, 1), D(2024, 2, 19), None, None, "Cared For 1", "Nia Jessop"],  # 8 working days: not due
            ["L4", D(2010, 1, 1), D(2023, 1, 1), D(2023, 12, 1), D(2024, 2, 15), "Cared For 1", "Nia Jessop"],  # left
            ["L5", D(2010, 1, 1), D(2021, 6, 1), D(2024, 3, 5), None, "Cared For 1", "Nia Jessop"],  # after month end
            ["L6", D(2010, 1, 1), D(2024, 1, 2), None, None, "Cared For 1", "Nia Jessop"],  # due, no review: not
        ],
        "List 9": [
            [
                "Child Unique ID",
                "Date of Birth",
                "Allocated Team",
                "Allocated Worker",
                "LA in Touch",
                "Suitability of Accommodation",
                "Activity Status",
            ],
            [
                "CL1",
                D(2004, 5, 5),
                "Leaving Care",
                "Owain Calder",
                "a) Yes",
                "Suitable",
                "F1: Full time in higher education",
            ],
            ["CL2", D(2004, 5, 5), "Leaving Care", "Owain Calder", "No", "b) Unsuitable", "G5"],
            ["CL3", D(2004, 5, 5), "Leaving Care", "Owain Calder", "c) Died", None, None],  # left out of all three
            [
                "CL4",
                D(2004, 5, 5),
                "Leaving Care",
                "Owain Calder",
                "Yes",
                None,
                "P3: Part time in training or employment",
            ],
        ],
    }


def hand_worked_workbook() -> bytes:
    return workbook(hand_worked_sheets())
