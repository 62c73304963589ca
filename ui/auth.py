"""The viewer of this session: who is signed in, as which role.

Two ways in, decided before navigation by ``dashboard.py`` (``establish_viewer``):

- **Sign-in** (OpenID Connect through ``st.login``) when ``[auth]`` is in Streamlit's secrets.
  The signed-in email, or a group in the identity provider's ``groups`` claim, is looked up in
  the role mapping file (``data/roles.toml``, or the file named by ``QA_ROLES``).
- **Local demo** when sign-in is not configured and the role file says ``local_demo = true``:
  anyone picks any role in the sidebar, under a banner saying so. With ``local_demo = false``
  and no sign-in, the app shows only a message.

The Viewer goes into ``st.session_state["viewer"]``; pages read it with ``current_viewer()``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from qa_core.errors import QAError
from qa_core.roles import DEFAULT_ROLE, ROLE_LABELS, ROLES, RoleMap, Viewer, load_role_map, resolve_viewer
from ui import data
from ui.safe import md

#: Environment variable naming another role mapping file (tests, or a deployment's own path).
ROLES_ENV = "QA_ROLES"
DEMO_BANNER = ("Local demo: not signed in. Anyone can pick any role here; turn this off "
               "(local_demo = false in data/roles.toml) before real data is loaded.")
NO_SIGN_IN = ("Sign-in is not configured and the local demo is turned off, so no one can see this "
              "dashboard. An administrator needs to add an [auth] section (OpenID Connect) to "
              ".streamlit/secrets.toml, or set local_demo = true in data/roles.toml for a demonstration.")


def current_viewer() -> Viewer:
    """The session's Viewer, set by dashboard.py before the page runs."""
    viewer = st.session_state.get("viewer")
    return viewer if isinstance(viewer, Viewer) else Viewer()


def require_page(page: str) -> Viewer:
    """The viewer, after stopping the page with a message if their role may not open it
    (navigation already hides such pages; this guards a page run any other way)."""
    viewer = current_viewer()
    if not viewer.can_open(page):
        st.error(f"Your role ({viewer.describe()}) cannot see this page.")
        st.stop()
    return viewer


def role_map() -> RoleMap:
    """The role mapping file, read on every run so an administrator's edit applies at once."""
    path = os.environ.get(ROLES_ENV)
    return load_role_map(Path(path) if path else None)


def auth_configured() -> bool:
    """Is sign-in set up (an ``[auth]`` section in the secrets)? No secrets file means no."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # Streamlit's "no secrets file" error is a FileNotFoundError
        return False


def literal(text: str) -> str:
    """``text`` as inline code: shown exactly as written, never a link or formatting."""
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"


def claim_groups(claims: Mapping) -> list[str]:
    """The identity provider's ``groups`` claim as a list (some send one string)."""
    groups = claims.get("groups") or []
    if isinstance(groups, str):
        return [g for g in re.split(r"[,\s]+", groups) if g]
    return [str(g) for g in groups]


def viewer_for_claims(store, roles: RoleMap, claims: Mapping) -> Viewer | None:
    """The Viewer for a signed-in user's claims (email, groups), or None if the role file
    maps neither. Raises ``QAError`` if the file's scope names no service or team in the store."""
    email = claims.get("email")
    email = str(email).strip() if email else None
    grant = roles.grant_for(email, claim_groups(claims))
    if grant is None:
        return None
    return resolve_viewer(store, grant.role, grant.scope, who=email)


def establish_viewer() -> Viewer:
    """Decide who is looking, draw the sidebar's sign-in or role-picker part, and keep the
    Viewer in session state. Stops the script (sign-in screen, or a message) when no one may
    see anything yet."""
    try:
        roles = role_map()
        viewer = _signed_in_viewer(roles) if auth_configured() else _local_demo_viewer(roles)
    except QAError as error:  # a broken role file or a scope the store does not hold
        st.error(f"The role settings cannot be used: {md(str(error))}")
        st.stop()
    st.session_state["viewer"] = viewer
    return viewer


def _providers() -> list[str | None]:
    """The names to pass to ``st.login``: None for the unnamed provider in ``[auth]`` itself,
    else each ``[auth.NAME]`` section."""
    section = st.secrets["auth"]
    if "client_id" in section or "server_metadata_url" in section:
        return [None]
    named = [name for name, value in section.items() if isinstance(value, Mapping)]
    return named or [None]


def _signed_in_viewer(roles: RoleMap) -> Viewer:
    user = st.user
    if not user.get("is_logged_in"):
        st.title("Children's social care: performance and quality")
        st.write("Sign in with your council account to see the dashboard.")
        for provider in _providers():
            label = "Sign in" if provider is None else f"Sign in with {provider}"
            if st.button(label, key=f"sign_in_{provider or 'default'}", type="primary"):
                if provider:
                    st.login(provider)
                else:
                    st.login()
        st.stop()
    claims = user.to_dict()
    email = str(claims.get("email") or claims.get("name") or "unknown")
    viewer = viewer_for_claims(data.get_store(), roles, claims)
    if viewer is None:
        st.error(f"Your account ({literal(email)}) has no role here; ask an administrator.")
        _sign_out_button(st)
        st.stop()
    with st.sidebar:
        st.caption(f"Signed in as {literal(email)}: {md(_role_text(viewer))}")
        _sign_out_button(st)
    return viewer


def _sign_out_button(where) -> None:
    if where.button("Sign out", key="sign_out", icon=":material/logout:"):
        st.logout()


def _role_text(viewer: Viewer) -> str:
    """"Head of service, Assessment": the scope by name."""
    if viewer.scope is None:
        return viewer.label
    return f"{viewer.label}, {_scope_options(viewer.role).get(viewer.scope, viewer.scope)}"


def _scope_options(role: str) -> dict[str, str]:
    """Id → name of the services (head of service) or teams (team manager) a role can answer for."""
    if role == "head_of_service":
        frame, column = data.services(), "service_id"
    elif role == "team_manager":
        frame, column = data.teams(), "team_id"
    else:
        return {}
    return dict(zip(frame[column], frame["name"], strict=True))


def _local_demo_viewer(roles: RoleMap) -> Viewer:
    if not roles.local_demo:
        st.error(NO_SIGN_IN)
        st.stop()
    state = st.session_state
    if state.get("role") not in ROLES:
        state["role"] = DEFAULT_ROLE
    with st.sidebar:
        st.warning(DEMO_BANNER, icon=":material/lock_open:")
        role = st.selectbox("Role (local demo)", list(ROLES), key="role", format_func=ROLE_LABELS.get,
                            help="Who the dashboard shows the data to. With sign-in configured, the role "
                                 "comes from the signed-in account instead.")
        options = _scope_options(role)
        scope = None
        if options:
            state["role_scope"] = _known_scope(state.get("role_scope"), options)
            label = "Head of service for" if role == "head_of_service" else "Team manager of"
            scope = st.selectbox(label, list(options), key="role_scope", format_func=options.get)
    return _resolve(role, scope, None)


def _known_scope(value: object, options: dict[str, str]) -> str:
    """``value`` as an id among ``options`` (it may be given by id or by name), else the first."""
    if value in options:
        return str(value)
    text = str(value or "").strip().lower()
    by_name = {name.lower(): key for key, name in options.items()}
    return by_name.get(text, next(iter(options)))


@st.cache_data(show_spinner=False)
def _resolve(role: str, scope: str | None, who: str | None) -> Viewer:
    return resolve_viewer(data.get_store(), role, scope, who=who)
