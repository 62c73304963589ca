"""The demo council's organisation: services, teams, and fictional people."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qa_core.demo.catalogue import SERVICES

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
