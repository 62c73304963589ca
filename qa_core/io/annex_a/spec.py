"""Ofsted's Annex A as the importer reads it: the eleven lists, the columns read from each, the
other spellings their headers have had across years, and the coded answers.

Only the columns the measures and the records behind them need are read, plus every date column
(a date is the thing most often wrong in an Annex A, and the measures are built on dates), so a
bad date anywhere is named. Other columns (ethnicity, placement postcode, names a council may have
added...) are never read, so they never reach the store.

Headers are matched after ``normalise``: case, spaces, punctuation and trailing spaces ignored,
"Looked After" read as "in care", and the spellings in ``aliases``; failing those, a header holding
every word of ``words`` (so "Date of referral", "Referral date" and "Date Of Referral " all match).
The column names and code lists follow Ofsted's layout and Social Finance's open-source Annex A
specification (SocialFinanceDigitalLabs/liia-tools, ``liiatools/spec/annex_a``, MIT licence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

__all__ = ["Column", "ListSpec", "LISTS", "normalise", "list_number", "TEAM", "WORKER"]


@dataclass(frozen=True)
class Column:
    """One column read from a list: our key, Ofsted's header, what its cells hold."""

    key: str
    header: str
    kind: str  # id, date, yes_no, nfa, count, team, worker, in_touch, suitability, activity
    required: bool = False
    aliases: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    meaning: str = ""


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    columns: tuple[Column, ...]
    measured: bool = True  # does a measure read it (else: read for its dates only)
    notes: str = ""
    keys: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(c.key for c in self.columns))

    @property
    def sheet(self) -> str:
        return f"List {self.number}"

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


_SYNONYMS = [
    (re.compile(r"looked\s+after"), "in care"),
    (re.compile(r"authori[sz]ation"), "authorisation"),
    (re.compile(r"accomm?odation"), "accommodation"),
    (re.compile(r"&"), " and "),
    (re.compile(r"['\u2018\u2019`]"), ""),
]


def normalise(header: str) -> str:
    """'Date Started to be Looked After ' → 'date started to be in care'; 'Referral NFA?' → 'referral nfa'."""
    text = str(header).replace("\xa0", " ").strip().lower()
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_LIST = re.compile(r"^list\s*0?(\d{1,2})(?:\D.*)?$")


def list_number(sheet_name: str) -> int | None:
    """'List 3' (any case and spacing, 'List 03', 'List 3 - Referrals') → 3; another sheet → None."""
    found = _LIST.match(" ".join(str(sheet_name).replace("\xa0", " ").lower().split()))
    if not found:
        return None
    number = int(found[1])
    return number if 1 <= number <= 11 else None


CHILD = Column(
    "child_id",
    "Child Unique ID",
    "id",
    required=True,
    aliases=("Child ID", "Unique Child ID", "Child Unique Identifier", "Child Identifier", "CHILD UPN"),
    words=("child", "id"),
    meaning="The child's identifier in the case-management system. Replaced on the way in by a keyed "
    "hash: the same child matches across lists and loads, and nothing outside this store's "
    "machine can tell who it is.",
)
#: Lists no measure reads yet: their dates are checked, but a blank identifier is not a problem.
UNREAD_CHILD = replace(CHILD, required=False, meaning="Not stored: no measure reads this list yet.")
BIRTH = Column(
    "birth_date",
    "Date of Birth",
    "date",
    aliases=("DOB", "Date of birth (or expected date of birth)"),
    words=("date", "birth"),
    meaning="Kept as the month and year only.",
)
TEAM = Column(
    "team",
    "Allocated Team",
    "team",
    words=("allocated", "team"),
    meaning="Matched to the store's teams by name or id (trimmed, any case). Blank or #N/A: counted in "
    "the 'Not allocated to a team (Annex A)' bucket; a name the store does not know is refused.",
)
WORKER = Column(
    "worker",
    "Allocated Worker",
    "worker",
    aliases=("Allocated Social Worker", "Social Worker"),
    words=("allocated", "worker"),
    meaning="A staff name: case-level detail, shown only to roles that see the team's cases.",
)


def _date(
    key: str,
    header: str,
    *,
    required: bool = False,
    aliases: tuple[str, ...] = (),
    words: tuple[str, ...] = (),
    meaning: str = "",
) -> Column:
    return Column(key, header, "date", required, aliases, words, meaning)


LISTS: dict[int, ListSpec] = {
    spec.number: spec
    for spec in [
        ListSpec(
            1,
            "Contacts",
            (
                CHILD,
                BIRTH,
                _date(
                    "contact_date",
                    "Date of Contact",
                    required=True,
                    aliases=("Contact Date",),
                    words=("date", "contact"),
                    meaning="AA_CONTACTS counts contacts by this date's month.",
                ),
            ),
            notes="No Allocated Team column: contacts are counted in the 'Not allocated to a team (Annex A)' bucket.",
        ),
        ListSpec(
            2,
            "Early help assessments",
            (
                UNREAD_CHILD,
                BIRTH,
                _date("eh_start", "Assessment start date", words=("assessment", "start")),
                _date("eh_end", "Assessment completion date", words=("assessment", "completion")),
            ),
            measured=False,
        ),
        ListSpec(
            3,
            "Referrals",
            (
                CHILD,
                BIRTH,
                _date(
                    "referral_date",
                    "Date of Referral",
                    required=True,
                    aliases=("Referral Date",),
                    words=("date", "referral"),
                    meaning="AA_REFERRALS, AA_REREF_12M and AA_REF_NFA take referrals by this date's month.",
                ),
                Column(
                    "nfa",
                    "Referral NFA?",
                    "nfa",
                    aliases=("Referral NFA", "NFA", "Referral No Further Action"),
                    words=("nfa",),
                    meaning="Yes (or a) Yes) marks a referral closed with no further action.",
                ),
                Column(
                    "prior_referrals",
                    "Number of Referrals in Last 12 Months",
                    "count",
                    aliases=("Number of referrals in the last 12 months", "Referrals in last 12 months"),
                    words=("number", "referrals", "12"),
                    meaning="1 or more: a re-referral (as is an earlier referral of the child in the list within 12 "
                    "months).",
                ),
                TEAM,
                WORKER,
            ),
        ),
        ListSpec(
            4,
            "Assessments",
            (
                CHILD,
                BIRTH,
                _date(
                    "assess_start",
                    "Continuous Assessment Start Date",
                    required=True,
                    aliases=("Assessment Start Date", "Date of Assessment Start", "Continuous Assessment Start"),
                    words=("assessment", "start"),
                ),
                Column(
                    "seen",
                    "Child Seen During Continuous Assessment",
                    "yes_no",
                    aliases=("Child Seen During Assessment", "Was the Child Seen During the Assessment"),
                    words=("seen",),
                    meaning="Yes: the child was seen (AA_SEEN_IN_ASSESS).",
                ),
                _date(
                    "assess_end",
                    "Continuous Assessment Date of Authorisation",
                    aliases=(
                        "Assessment Date of Authorisation",
                        "Date of Authorisation",
                        "Assessment Authorisation Date",
                        "Assessment Completion Date",
                    ),
                    words=("authorisation",),
                    meaning="AA_ASSESS_45WD and AA_SEEN_IN_ASSESS take assessments by this date's month.",
                ),
                TEAM,
                WORKER,
            ),
        ),
        ListSpec(
            5,
            "Section 47 enquiries and ICPCs",
            (
                CHILD,
                BIRTH,
                _date(
                    "s47_start",
                    "Strategy discussion initiating Section 47 Enquiry Start Date",
                    required=True,
                    aliases=("Section 47 Enquiry Start Date", "S47 Start Date", "Date of Strategy Discussion"),
                    words=("47", "start"),
                    meaning="AA_S47 and AA_S47_NO_ICPC take enquiries by this date's month; AA_ICPC_15WD counts "
                    "working days from it.",
                ),
                Column(
                    "icpc_unnecessary",
                    "Was an Initial Child Protection Conference deemed unnecessary?",
                    "yes_no",
                    aliases=("ICPC deemed unnecessary",),
                    words=("unnecessary",),
                    meaning="Yes: no conference was needed (AA_S47_NO_ICPC).",
                ),
                _date(
                    "icpc_date",
                    "Date of Initial Child Protection Conference",
                    aliases=("ICPC Date", "Date of ICPC"),
                    words=("date", "initial", "conference"),
                    meaning="AA_ICPC_15WD takes conferences by this date's month; blank: no conference held.",
                ),
                TEAM,
                WORKER,
            ),
        ),
        ListSpec(
            6,
            "Children in need",
            (
                UNREAD_CHILD,
                BIRTH,
                _date("cin_start", "CIN Start Date", words=("cin", "start")),
                _date("cin_last_seen", "Date Child Was Last Seen", words=("last", "seen")),
                _date("cin_end", "CIN Closure Date", words=("cin", "closure")),
            ),
            measured=False,
        ),
        ListSpec(
            7,
            "Child protection",
            (
                CHILD,
                BIRTH,
                _date(
                    "cpp_start",
                    "Child Protection Plan Start Date",
                    required=True,
                    aliases=("CP Plan Start Date",),
                    words=("plan", "start"),
                ),
                _date("cp_last_visit", "Date of the Last Statutory Visit", words=("last", "statutory", "visit")),
                _date("cp_review", "Date of latest review conference", words=("review", "conference")),
                _date(
                    "cpp_end",
                    "Child Protection Plan End Date",
                    aliases=("CP Plan End Date",),
                    words=("plan", "end"),
                    meaning="Blank: the plan is still open.",
                ),
                TEAM,
                WORKER,
            ),
        ),
        ListSpec(
            8,
            "Children in care",
            (
                CHILD,
                BIRTH,
                _date(
                    "cla_start",
                    "Date Started to be Looked After",
                    required=True,
                    aliases=("Date Started to be in Care", "Date Started Care", "Date Child Became Looked After"),
                    words=("date", "started"),
                ),
                _date("legal_status_start", "Start date of current legal status", words=("legal", "status", "start")),
                _date(
                    "cla_review",
                    "Date of Latest Statutory Review",
                    words=("latest", "review"),
                    meaning="AA_CLA_REVIEW_IN_DATE: within the 6 months before the month end.",
                ),
                _date("cla_sw_visit", "Date of Last Social Work Visit", words=("social", "work", "visit")),
                _date("cla_iro_contact", "Date of Last IRO Visit / Contact to the Child", words=("iro",)),
                _date("cla_health", "Date of Last Health Assessment", words=("health", "assessment")),
                _date("cla_dental", "Date of Last Dental Check", words=("dental",)),
                _date(
                    "cla_end",
                    "Date Ceased to be Looked After",
                    aliases=("Date Ceased to be in Care", "Date Ceased Care"),
                    words=("date", "ceased"),
                    meaning="Blank: still looked after.",
                ),
                _date("placement_start", "Start Date of Most Recent Placement", words=("placement", "start")),
                TEAM,
                WORKER,
            ),
        ),
        ListSpec(
            9,
            "Care leavers",
            (
                CHILD,
                BIRTH,
                TEAM,
                WORKER,
                Column(
                    "in_touch",
                    "LA in Touch",
                    "in_touch",
                    aliases=("Local Authority in Touch", "In Touch"),
                    words=("touch",),
                    meaning="a) Yes, b) No, c) Died, d) Refu, e) NREQ or f) Rhom (AA_CL_IN_TOUCH).",
                ),
                Column(
                    "suitability",
                    "Suitability of Accommodation",
                    "suitability",
                    words=("suitability",),
                    meaning="a) Suitable or b) Unsuitable (AA_CL_SUITABLE).",
                ),
                Column(
                    "activity",
                    "Activity Status",
                    "activity",
                    aliases=("Main Activity",),
                    words=("activity",),
                    meaning="F1-F3 and P1-P3 are education, employment or training; G4-G6 are not (AA_CL_EET).",
                ),
            ),
        ),
        ListSpec(
            10,
            "Adoption",
            (
                UNREAD_CHILD,
                BIRTH,
                _date("entered_care", "Date the Child Entered Care", words=("entered", "care")),
                _date(
                    "adoption_decision",
                    "Date of Decision that Child Should be Placed for Adoption",
                    words=("decision", "should", "be", "placed"),
                ),
                _date("placement_order", "Date of Placement Order", words=("placement", "order")),
                _date("matched", "Date of Matching Child and Prospective Adopters", words=("matching",)),
                _date("placed", "Date Placed for Adoption", words=("date", "placed", "for", "adoption")),
                _date("adoption_order", "Date of Adoption Order", words=("adoption", "order")),
                _date(
                    "no_longer",
                    "Date of Decision that Child Should No Longer be Placed for Adoption",
                    words=("no", "longer"),
                ),
                _date(
                    "ffa_placed",
                    "Date the child was placed for fostering in FFA or concurrent planning placement",
                    words=("ffa",),
                ),
            ),
            measured=False,
        ),
        ListSpec(
            11,
            "Adopters",
            (
                _date("enquiry", "Date enquiry received", words=("enquiry",)),
                _date("stage1_start", "Date Stage 1 started", words=("stage", "1", "started")),
                _date("stage1_end", "Date Stage 1 ended", words=("stage", "1", "ended")),
                _date("stage2_start", "Date Stage 2 started", words=("stage", "2", "started")),
                _date("stage2_end", "Date Stage 2 ended", words=("stage", "2", "ended")),
                _date("application_submitted", "Date application submitted", words=("application", "submitted")),
                _date("application_approved", "Date application approved", words=("application", "approved")),
                _date("adopter_matched", "Date adopter matched with child(ren)", words=("matched",)),
                _date("adopter_placed", "Date child/children placed with adopter(s)", words=("placed", "adopter")),
                _date("adopter_order", "Date of Adoption Order", words=("adoption", "order")),
                _date("left_process", "Date of leaving adoption process", words=("leaving",)),
            ),
            measured=False,
        ),
    ]
}
