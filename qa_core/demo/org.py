"""The demo council's organisation: services, teams, fictional people (the staff list), the
audit expectation rules and a couple of exemptions, written through the same tables a council's
imports fill (kinds ``services``, ``teams``, ``staff``, ``expectations``, ``exemptions``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.demo.catalogue import SERVICES
from qa_core.rules.audits import HEAD_OF_SERVICE_MONTHLY, TEAM_MANAGER_MONTHLY
from qa_core.rules.expectations import FROM_THE_START

COUNCIL_NAME = "Kestrel Vale Council"

FIRST_NAMES = [
    "Aisha", "Ben", "Carys", "Dev", "Elin", "Farah", "Gareth", "Hana", "Idris", "Jodie",
    "Kofi", "Lena", "Marek", "Nia", "Olu", "Priya", "Quinn", "Rhys", "Sana", "Tomasz",
    "Una", "Vikram", "Wren", "Yusuf", "Zara", "Ciaran", "Mina", "Owain", "Leah", "Arjun",
]
LAST_NAMES = [
    "Ashdown", "Bramley", "Carrow", "Denholm", "Elsworth", "Fenwick", "Garside", "Holloway",
    "Ingleby", "Jessop", "Kettering", "Lindqvist", "Marchbank", "Northcote", "Oakhurst",
    "Pennock", "Quarrie", "Rowntree", "Salkeld", "Thornber", "Upwood", "Varley", "Whitlow",
    "Yardley", "Ormsby", "Calder", "Haworth", "Mossop", "Teasdale", "Birtwistle",
]
LOCALITIES = ["Ashby", "Brookfield", "Caldermoor", "Dunwell", "Eastwick", "Fairhollow",
              "Greyford", "Hollins", "Ivybridge Vale", "Juniper Bank"]


class NameBook:
    """Hands out unique fictional names, deterministically from the generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        pairs = [f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES]
        self._names = [pairs[i] for i in rng.permutation(len(pairs))]
        self._next = 0

    def take(self, n: int = 1) -> list[str]:
        out = self._names[self._next:self._next + n]
        self._next += n
        return out


def email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@kestrelvale.example"


def build_org(rng: np.random.Generator, names: NameBook, scale: str) -> dict[str, pd.DataFrame]:
    """Six services; four teams each at small scale, ten each at large scale."""
    services, teams = [], []
    for order, (service_id, name, stems) in enumerate(SERVICES, start=1):
        head = names.take()[0]
        services.append(dict(service_id=service_id, name=name, head_of_service=head,
                             head_email=email(head), sort_order=order))
        if scale == "large":
            team_names = [f"{stems[i % len(stems)].split()[0]} {loc}" for i, loc in enumerate(LOCALITIES)]
        else:
            team_names = stems
        for i, team_name in enumerate(team_names, start=1):
            manager = names.take()[0]
            teams.append(dict(team_id=f"{service_id}_{i:02d}", service_id=service_id, name=team_name,
                              manager=manager, manager_email=email(manager)))
    return {"service": pd.DataFrame(services), "team": pd.DataFrame(teams)}


def build_staff(services: pd.DataFrame, teams: pd.DataFrame, audits: pd.DataFrame, months: pd.DatetimeIndex,
                names: NameBook) -> dict[str, pd.DataFrame]:
    """The staff list (heads of service, team managers, the QA unit, moderators and an assistant
    director), the two seed frameworks' expectation rules as rows (team managers 4 a month; heads of
    service 1 a month outside their own service), two exemptions, and the staff ids of each
    service's head, each team's manager and each audit's auditor.

    ``audits`` carries ``auditor``, ``auditor_role`` and ``moderator`` names from ``build_audits``.
    """
    rows: list[dict] = []

    def add(name: str, role: str, team_id: str | None, service_id: str | None, auditor: bool,
            moderator: bool = False) -> str:
        staff_id = f"KV{len(rows) + 1:04d}"
        rows.append(dict(staff_id=staff_id, name=name, email=email(name), role=role, team_id=team_id,
                         service_id=service_id, auditor=auditor, moderator=moderator, start_date=None,
                         end_date=None))
        return staff_id

    director = add(names.take()[0], "assistant_director", None, None, auditor=False)
    heads = {s.service_id: add(s.head_of_service, "head_of_service", None, s.service_id, auditor=True)
             for s in services.itertuples()}
    managers = {t.team_id: add(t.manager, "team_manager", t.team_id, t.service_id, auditor=True)
                for t in teams.itertuples()}
    qa = audits.loc[audits["auditor_role"] == "qa_officer", "auditor"].drop_duplicates().sort_values()
    officers = {name: add(name, "qa_lead", None, None, auditor=True) for name in qa}
    moderators = sorted(set(audits["moderator"].dropna()))
    for name in moderators:
        add(name, "practice_manager", None, None, auditor=False, moderator=True)
    staff = pd.DataFrame(rows)
    by_name = {**{services.set_index("service_id").loc[k, "head_of_service"]: v for k, v in heads.items()},
               **{teams.set_index("team_id").loc[k, "manager"]: v for k, v in managers.items()}, **officers}
    rules = pd.DataFrame([
        dict(role="team_manager", from_month=FROM_THE_START, to_month=None, audits_per_month=TEAM_MANAGER_MONTHLY,
             outside_own_service=False),
        dict(role="head_of_service", from_month=FROM_THE_START, to_month=None,
             audits_per_month=HEAD_OF_SERVICE_MONTHLY, outside_own_service=True),
    ])
    director_name = staff.loc[staff["staff_id"] == director, "name"].iloc[0]
    first_team = teams["team_id"].iloc[0]
    last_service = services["service_id"].iloc[-1]
    exemptions = pd.DataFrame([
        dict(staff_id=managers[first_team], month=months[-4].date(), reason="Sick leave for most of the month",
             approved_by=director_name),
        dict(staff_id=managers[first_team], month=months[-3].date(), reason="Phased return from sick leave",
             approved_by=director_name),
        dict(staff_id=heads[last_service], month=months[-5].date(),
             reason="Covering the Assistant Director's duties", approved_by=director_name),
    ])
    return {"staff": staff, "audit_expectation_rule": rules, "audit_exemption": exemptions,
            "head_staff_id": services["service_id"].map(heads), "manager_staff_id": teams["team_id"].map(managers),
            "auditor_id": audits["auditor"].map(by_name)}
