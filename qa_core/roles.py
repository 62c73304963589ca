"""Who sees what. A ``Viewer`` is a role and, for a head of service or team manager, the
service or team they answer for. The app and the command line make one and pass it down to
every query: the rules live here, once, and are enforced where the data is read, not by
hiding widgets.

Two kinds of detail are kept apart:

- **aggregates** (counts, rates, grades mixed over many audits): any role that may open the
  page sees them, for every service and team. Councillors (``scrutiny``) see them only after
  disclosure control (``qa_core.rules.disclosure``).
- **case-level detail** (case references, and the names of workers, auditors, moderators and
  action owners): only where the role's job needs it. ``Viewer.sees_cases(service, team)``
  decides, and ``restrict`` drops the rows a viewer must not see from any case-level table.

>>> v = Viewer("head_of_service", scope="assessment")
>>> v.sees_cases("assessment", "assess-north"), v.sees_cases("cin-cp", "cp-east")
(True, False)
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qa_core.errors import QAError
from qa_core.pages import PAGE_KEYS

__all__ = ["ROLES", "ROLE_LABELS", "DEFAULT_ROLE", "Viewer",
           "AccessDenied", "RoleMap", "load_role_map", "resolve_viewer", "restrict", "ROLE_MAP_FILE"]

ROLE_MAP_FILE = Path(__file__).resolve().parent.parent / "data" / "roles.toml"

#: The pages each role may open (keys in ``qa_core.pages``), in navigation order.
ROLES: dict[str, tuple[str, ...]] = {
    "assistant_director": PAGE_KEYS,
    "head_of_service": ("home", "clinic", "rag", "audits", "risks", "teams", "scrutiny", "benchmarks",
                        "accessibility"),
    "team_manager": ("home", "clinic", "audits", "teams", "scrutiny", "benchmarks", "accessibility"),
    "qa_lead": ("home", "clinic", "rag", "audits", "teams", "scrutiny", "benchmarks", "accessibility"),
    "scrutiny": ("scrutiny", "benchmarks", "accessibility"),
    "admin": ("data", "accessibility"),
}
ROLE_LABELS = {
    "assistant_director": "Assistant director",
    "head_of_service": "Head of service",
    "team_manager": "Team manager",
    "qa_lead": "QA lead",
    "scrutiny": "Scrutiny member",
    "admin": "Administrator",
}
DEFAULT_ROLE = "assistant_director"

_SCOPED = {"head_of_service": "service", "team_manager": "team"}
_ALL_CASES = {"assistant_director", "qa_lead"}


class AccessDenied(QAError):
    """The viewer's role may not see this page or report."""


@dataclass(frozen=True)
class Viewer:
    """A role, and the service (head of service) or team (team manager) it answers for.

    ``scope`` holds a service_id or team_id; ``scope_service`` is the team's service for a team
    manager (filled by ``resolve_viewer``), so "their service" questions need no lookup.
    """

    role: str = DEFAULT_ROLE
    scope: str | None = None
    scope_service: str | None = None
    who: str | None = None  # the signed-in email, or None for the local demo

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise QAError(f"There is no role {self.role!r}. Roles: {', '.join(ROLES)}.")
        kind = _SCOPED.get(self.role)
        if kind and not self.scope:
            raise QAError(f"The {self.role} role needs a scope: the {kind} it answers for (--scope).")
        if not kind and self.scope:
            raise QAError(f"The {self.role} role sees {'everything' if self.role in _ALL_CASES else 'no case'} "
                          "detail and takes no scope; leave --scope out.")

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def pages(self) -> tuple[str, ...]:
        return ROLES[self.role]

    @property
    def public(self) -> bool:
        """Figures reach this viewer only after disclosure control (councillors, the public)."""
        return self.role == "scrutiny"

    @property
    def may_export_cases(self) -> bool:
        """May download case-level tables (the app hides those downloads otherwise)."""
        return self.role in _ALL_CASES or self.role in _SCOPED

    def can_open(self, page: str) -> bool:
        return page in ROLES[self.role]

    def require(self, page: str) -> None:
        """Raise ``AccessDenied`` unless the role may open ``page`` (a key of ``qa_core.pages.PAGES``)."""
        if not self.can_open(page):
            allowed = ", ".join(ROLES[self.role])
            raise AccessDenied(f"The {self.role} role cannot see the {page} view (it sees: {allowed}).")

    def sees_cases(self, service_id: str | None, team_id: str | None = None) -> bool:
        """Case references and workers' names for a case in this service and team?"""
        if self.role in _ALL_CASES:
            return True
        if self.role == "head_of_service":
            return service_id is not None and service_id == self.scope
        if self.role == "team_manager":
            return team_id is not None and team_id == self.scope
        return False

    @property
    def sees_any_cases(self) -> bool:
        return self.role in _ALL_CASES or self.role in _SCOPED

    def case_filter(self, service_col: str = "service_id", team_col: str = "team_id") -> tuple[str, dict]:
        """A SQL condition (and its named parameters) true for the rows whose case-level detail
        this viewer may see, for queries that return case-level rows."""
        if self.role in _ALL_CASES:
            return "TRUE", {}
        if self.role == "head_of_service":
            return f"{service_col} = $viewer_scope", {"viewer_scope": self.scope}
        if self.role == "team_manager":
            return f"{team_col} = $viewer_scope", {"viewer_scope": self.scope}
        return "FALSE", {}

    def describe(self) -> str:
        """"Head of service (assessment)" — for banners and report headers."""
        return f"{self.label} ({self.scope})" if self.scope else self.label


def restrict(frame: pd.DataFrame, viewer: Viewer, service_col: str = "service_id",
             team_col: str = "team_id") -> pd.DataFrame:
    """The rows of a case-level table whose detail ``viewer`` may see (all for the AD and QA
    lead; the scope's rows for a head of service or team manager; none for the others)."""
    if viewer.role in _ALL_CASES or frame.empty:
        return frame
    if viewer.role == "head_of_service" and service_col in frame:
        return frame[frame[service_col] == viewer.scope]
    if viewer.role == "team_manager" and team_col in frame:
        return frame[frame[team_col] == viewer.scope]
    return frame.iloc[0:0]


def resolve_viewer(store, role: str = DEFAULT_ROLE, scope: str | None = None, who: str | None = None) -> Viewer:
    """A Viewer whose scope is checked against the store: a service (head of service) or team
    (team manager), given by id or by name in any case."""
    kind = _SCOPED.get(role)
    if role not in ROLES:
        raise QAError(f"There is no role {role!r}. Roles: {', '.join(ROLES)}.")
    if not kind or not scope:
        return Viewer(role, scope, who=who)
    if kind == "service":
        rows = store.query("SELECT service_id AS id, name, service_id FROM service ORDER BY sort_order, name")
    else:
        rows = store.query("SELECT team_id AS id, name, service_id FROM team ORDER BY name")
    text = str(scope).strip().lower()
    hit = rows[(rows["id"].str.lower() == text) | (rows["name"].str.lower() == text)]
    if hit.empty:
        known = ", ".join(f"{i} ({n})" for i, n in zip(rows["id"], rows["name"], strict=True))
        raise QAError(f"There is no {kind} {scope!r} for the {role} role's scope. Known: {known}.")
    first = hit.iloc[0]
    return Viewer(role, first["id"], scope_service=first["service_id"], who=who)


@dataclass(frozen=True)
class Grant:
    role: str
    scope: str | None = None


@dataclass(frozen=True)
class RoleMap:
    """``data/roles.toml``: which signed-in email or identity-provider group gets which role."""

    users: Mapping[str, Grant] = field(default_factory=dict)
    groups: Mapping[str, Grant] = field(default_factory=dict)
    #: No sign-in configured: offer the role picker, on the demo store only (off unless the file says so).
    local_demo: bool = False
    #: The local demo also for browsers on other machines (normally only on this one, at 127.0.0.1).
    local_demo_open_to_network: bool = False

    def grant_for(self, email: str | None, groups: Iterable[str] = ()) -> Grant | None:
        """The user's own entry first, else the first of their groups listed in the file."""
        if email and email.strip().lower() in self.users:
            return self.users[email.strip().lower()]
        mine = {g.strip().lower() for g in groups}
        for name, grant in self.groups.items():
            if name in mine:
                return grant
        return None


def _grant(entry: object, where: str) -> Grant:
    if not isinstance(entry, Mapping) or "role" not in entry:
        raise QAError(f"{where}: each entry needs a role (one of {', '.join(ROLES)}).")
    role, scope = str(entry["role"]), entry.get("scope")
    if role not in ROLES:
        raise QAError(f"{where}: there is no role {role!r}. Roles: {', '.join(ROLES)}.")
    if (role in _SCOPED) != bool(scope):
        need = f"needs a scope (the {_SCOPED[role]})" if role in _SCOPED else "takes no scope"
        raise QAError(f"{where}: the {role} role {need}.")
    return Grant(role, str(scope) if scope else None)


def load_role_map(path: Path | None = None) -> RoleMap:
    """Read the role mapping file. A missing, unreadable or invalid file is a ``QAError``: nobody
    gets a role from a file that cannot be read (and the local demo stays off)."""
    path = Path(path) if path else ROLE_MAP_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise QAError(f"The role file {path} does not exist, so nobody can be given a role.") from error
    except OSError as error:
        raise QAError(f"The role file {path} cannot be read ({error.strerror or error}), "
                      "so nobody can be given a role.") from error
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise QAError(f"{path.name} is not valid TOML: {error}") from error
    for section in ("users", "groups"):
        if not isinstance(raw.get(section, {}), Mapping):
            raise QAError(f"{path.name}: [{section}] must be a table of entries, each with a role.")
    users = {str(k).strip().lower(): _grant(v, f"{path.name} [users.\"{k}\"]")
             for k, v in raw.get("users", {}).items()}
    groups = {str(k).strip().lower(): _grant(v, f"{path.name} [groups.\"{k}\"]")
              for k, v in raw.get("groups", {}).items()}
    switches = {}
    for key in ("local_demo", "local_demo_open_to_network"):
        switches[key] = raw.get(key, False)
        if not isinstance(switches[key], bool):
            raise QAError(f"{path.name}: {key} must be true or false.")
    return RoleMap(users, groups, **switches)
