"""The demo council's clinic records: commentary (some of it edited, so it has a history), one
recorded SPC process change, and the meetings of the last clinics but one with their people and
decisions. All fixed text and dates counted from the demo's months: no random draws (so the rest
of the demo is unchanged) and no use of today's date."""

from __future__ import annotations

import pandas as pd

__all__ = ["PROCESS_CHANGE", "build_commentary", "build_process_changes", "build_meetings"]

#: The process change the demo records: Children with Disabilities' plan reviews moved to a new hub
#: 14 months before the demo's last month, where the demo's series steps up (``catalogue``).
PROCESS_CHANGE = dict(
    code="CWD_REVIEWS",
    service_id="disabilities",
    months_back=14,
    reason="Plan reviews moved to the new disability hub, with a reviewing officer for each plan.",
    recorded_by="Assistant Director",
)
CHAIR = "Assistant Director"
RECORDER = "Performance officer"

#: What a head of service wrote about a measure in the last month; (first draft, final text).
SPECIFIC = {
    ("ASSESS_45WD", "assessment"): (
        "Figures checked with team managers: the fall in timeliness is in Assessment South; causes being looked into.",
        "Figures checked with team managers: the fall in assessments completed within 45 working days follows two "
        "long-term absences in Assessment South. Agency cover starts in November and late assessments are "
        "reviewed weekly.",
    ),
    ("CONTACT_24H", "front_door"): (
        None,
        "Decisions within 24 hours have stayed higher since the MASH triage rota began; the rota is now permanent.",
    ),
    ("CWD_REVIEWS", "disabilities"): (
        "Reviews are running through the disability hub.",
        "Reviews have run through the disability hub since it opened; the chart's limits start again there "
        "(recorded as a process change).",
    ),
}
GENERIC = (
    "No change of note this month; figures checked with team managers.",
    "Within the usual range; team managers know of no change in practice behind it.",
    "Recording checked on three cases: the figure reflects the work done.",
    "Watching this after last month's dip; no action needed yet.",
)
EARLIER = "Figures checked with team managers; see the clinic minutes for the actions agreed."
DECISIONS = (
    "Late cases to be dip-sampled each month until the figure recovers.",
    "The service's audit findings come to the next clinic with its figures.",
)


def _version(code: str, period: object, service_id: str, text: str, author: str, at: pd.Timestamp) -> dict:
    return dict(
        code=code, period=period, org_level="service", org_id=service_id, text=text, author=author, updated_at=at
    )


def build_commentary(links: pd.DataFrame, services: pd.DataFrame, months: pd.DatetimeIndex) -> dict[str, pd.DataFrame]:
    """The current commentary for the last two months and every version of it (``commentary_edit``)."""
    heads = dict(zip(services["service_id"], services["head_of_service"], strict=True))
    versions = []
    for k, link in enumerate(links.itertuples()):
        head = heads[link.service_id]
        earlier, latest = months[-2], months[-1]
        versions.append(
            _version(link.code, earlier.date(), link.service_id, EARLIER, head, earlier + pd.Timedelta(days=20))
        )
        draft, final = SPECIFIC.get((link.code, link.service_id), (None, GENERIC[k % len(GENERIC)]))
        if draft:
            versions.append(
                _version(link.code, latest.date(), link.service_id, draft, head, latest + pd.Timedelta(days=17))
            )
        versions.append(
            _version(link.code, latest.date(), link.service_id, final, head, latest + pd.Timedelta(days=20, hours=9))
        )
    history = pd.DataFrame(versions).rename(columns={"updated_at": "written_at"})
    history = history.sort_values(["written_at", "code", "period", "org_id"], kind="stable").reset_index(drop=True)
    history.insert(0, "edit_id", range(1, len(history) + 1))
    history["source"] = "demo"
    current = history.drop_duplicates(["code", "period", "org_level", "org_id"], keep="last")
    current = current.drop(columns=["edit_id", "source"]).rename(columns={"written_at": "updated_at"})
    return {"commentary": current.reset_index(drop=True), "commentary_edit": history}


def build_process_changes(months: pd.DatetimeIndex) -> pd.DataFrame:
    change = PROCESS_CHANGE
    month = months[-change["months_back"]]
    return pd.DataFrame(
        [
            dict(
                code=change["code"],
                org_level="service",
                org_id=change["service_id"],
                month=month.date(),
                reason=change["reason"],
                recorded_by=change["recorded_by"],
                recorded_at=month + pd.Timedelta(days=3, hours=10),
            )
        ]
    )


def build_meetings(services: pd.DataFrame, teams: pd.DataFrame, months: pd.DatetimeIndex) -> dict[str, pd.DataFrame]:
    """Each service's clinics for the last months but one and but two: held on the 21st (when the
    demo's actions for those clinics were recorded), chaired by the AD, attended by the head of
    service and three team managers, with apologies from a fourth, and one decision."""
    heads, items = [], []
    for service in services.itertuples():
        managers = teams.loc[teams["service_id"] == service.service_id, "manager"].tolist()
        for n, clinic in enumerate(months[-3:-1]):
            held = clinic + pd.Timedelta(days=20)
            heads.append(
                dict(
                    service_id=service.service_id,
                    clinic_month=clinic.date(),
                    meeting_date=held.date(),
                    chair=CHAIR,
                    recorded_by=RECORDER,
                    recorded_at=held + pd.Timedelta(days=1),
                )
            )
            people = [("attendee", name) for name in [service.head_of_service, *managers[:3]]]
            people += [("apology", name) for name in managers[3:4]]
            people += [("decision", DECISIONS[n % len(DECISIONS)])]
            seqs: dict[str, int] = {}
            for kind, text in people:
                seqs[kind] = seqs.get(kind, 0) + 1
                items.append(
                    dict(
                        service_id=service.service_id, clinic_month=clinic.date(), kind=kind, seq=seqs[kind], text=text
                    )
                )
    return {"clinic_meeting": pd.DataFrame(heads), "clinic_meeting_item": pd.DataFrame(items)}
