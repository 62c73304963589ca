"""The viewer of this session: who is signed in, as which role.

Two ways in, decided before navigation by ``dashboard.py`` (``establish_viewer``):

- **Sign-in** (OpenID Connect through ``st.login``) when ``[auth]`` is in Streamlit's secrets,
  and only with a real ``cookie_secret`` (not the example's placeholder, at least 32 characters:
  anyone who knows the secret can forge a signed-in cookie). The signed-in email, if the
  provider says it is verified, or a group in the provider's ``groups`` claim, is looked up in
  the role mapping file (``data/roles.toml``, or the file named by ``QA_ROLES``).
- **Local demo** when sign-in is not configured, the role file says ``local_demo = true``, the
  store is the fictional demo council (``qa_core.demo.is_demo_store``) and the browser is on
  this machine (the server listens on loopback, the client is loopback, no proxy forwarded the
  request) unless the role file also says ``local_demo_open_to_network = true``: anyone picks
  any role in the sidebar, under a banner saying so. Otherwise the app shows only a message
  saying what an administrator needs to set up.

It fails closed: a missing, unreadable or invalid role file gives nobody a role (the visitor
sees a plain message, the details go to the server log), and never opens the local demo.

The Viewer goes into ``st.session_state["viewer"]``; pages read it with ``current_viewer()``.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import streamlit as st

from qa_core.demo import is_demo_store
from qa_core.errors import QAError
from qa_core.roles import (
    DEFAULT_ROLE,
    ROLE_LABELS,
    ROLE_MAP_FILE,
    ROLES,
    RoleMap,
    Viewer,
    load_role_map,
    resolve_viewer,
)
from ui import data
from ui.safe import md

#: Environment variable naming another role mapping file (tests, or a deployment's own path).
ROLES_ENV = "QA_ROLES"
log = logging.getLogger(__name__)

DEMO_BANNER = ("Local demo: not signed in. Anyone can pick any role here; turn this off "
               "(local_demo = false in data/roles.toml) before real data is loaded.")
SET_UP_SIGN_IN = ("An administrator needs to set up sign-in: an `[auth]` section (OpenID Connect) in "
                  "`.streamlit/secrets.toml`, as \"Deploying it safely\" in the README describes.")
NO_SIGN_IN = ("Sign-in is not configured and the local demo is turned off, so no one can see this "
              f"dashboard. {SET_UP_SIGN_IN}")
COUNCIL_STORE = ("Sign-in is not configured, and this dashboard holds a council's own data, which is never "
                 f"shown without sign-in, so no one can see it. {SET_UP_SIGN_IN} (The local demo, with its "
                 "role picker, runs only on the fictional demo council's store as `python -m qa_core demo` builds "
                 "it: `make demo` rebuilds it.)")
NOT_THIS_MACHINE = ("Sign-in is not configured, so this dashboard opens only as the local demo, and only in a "
                    "browser on the machine that runs it (served on 127.0.0.1, as `make run` does, and not "
                    f"through a proxy). {SET_UP_SIGN_IN}")
NO_VIEWER = "Nobody is signed in here, so this page shows nothing. Open the dashboard from its home page."
ROLE_FILE_BROKEN = ("The role settings cannot be used, so no one can be given a role. An administrator can "
                    "find the details in the server's log.")
#: ``cookie_secret`` in ``.streamlit/secrets.example.toml``: published, so it signs nothing here.
PLACEHOLDER_COOKIE_SECRET = "a long random string: python -c 'import secrets; print(secrets.token_hex(32))'"
MIN_COOKIE_SECRET = 32
MAKE_A_SECRET = "python -c 'import secrets; print(secrets.token_hex(32))'"
#: Request headers a reverse proxy adds: through a proxy, a remote browser looks like this machine.
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip")


def current_viewer() -> Viewer:
    """The session's Viewer, set by dashboard.py before the page runs. Without one (a page run
    some other way) the page stops: nobody is taken for anyone by default."""
    viewer = st.session_state.get("viewer")
    if not isinstance(viewer, Viewer):
        st.error(NO_VIEWER)
        st.stop()
    return viewer


def require_page(page: str) -> Viewer:
    """The viewer, after stopping the page with a message if their role may not open it
    (navigation already hides such pages; this guards a page run any other way)."""
    viewer = current_viewer()
    if not viewer.can_open(page):
        st.error(f"Your role ({viewer.describe()}) cannot see this page.")
        st.stop()
    return viewer


def role_map() -> RoleMap:
    """The role mapping file, looked at on every run so an administrator's edit applies at once: it is
    parsed again whenever the file's identity, size or time changes (a parse is most of a page's sign-in
    cost), and a file that cannot be read is refused as ``load_role_map`` refuses it, every time."""
    path = os.environ.get(ROLES_ENV)
    file = Path(path) if path else ROLE_MAP_FILE
    try:
        stat = file.stat()
    except OSError:
        return load_role_map(file)  # the plain refusal
    key = (str(file), stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if _PARSED.get("key") != key:
        _PARSED.update(key=key, roles=load_role_map(file))
    return _PARSED["roles"]


#: The role file last parsed, by its identity (``role_map``): one process-wide entry.
_PARSED: dict[str, object] = {}


def auth_configured() -> bool:
    """Is sign-in set up (an ``[auth]`` section in the secrets)? No secrets file means no."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # Streamlit's "no secrets file" error is a FileNotFoundError
        return False


def literal(text: str) -> str:
    """``text`` as inline code: shown exactly as written, never a link or formatting."""
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"


def cookie_secret_problem(secret: object) -> str | None:
    """What is wrong with ``cookie_secret`` (it signs the signed-in cookie: whoever knows it can
    forge anyone's sign-in), or None if it will do."""
    if not isinstance(secret, str) or not secret.strip():
        return "is missing"
    if secret.strip() == PLACEHOLDER_COOKIE_SECRET:
        return "is still the placeholder of secrets.example.toml, which anyone can read"
    if len(secret) < MIN_COOKIE_SECRET:
        return f"is shorter than {MIN_COOKIE_SECRET} characters"
    return None


def weak_secret_message(problem: str) -> str:
    """What the visitor (and so the administrator) reads when sign-in is refused for its secret."""
    return (f"Sign-in is turned off because the `cookie_secret` in `.streamlit/secrets.toml` {problem}: with "
            "it, anyone could forge a sign-in. An administrator needs to set `cookie_secret` to a long random "
            f"string, such as the output of `{MAKE_A_SECRET}`, and restart the dashboard.")


def is_loopback(address: object) -> bool:
    """Is ``address`` this machine only (127.0.0.0/8, ::1 or "localhost")? An unset address
    ("" or None) means every interface, so it is not."""
    if not isinstance(address, str) or not address.strip():
        return False
    text = address.strip().strip("[]")
    if text.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def local_demo_refusal(roles: RoleMap, demo_store: bool, server_address: object, client_ip: object,
                       headers: Iterable[str]) -> str | None:
    """Why the local demo (no sign-in, anyone picks any role) may not open here, or None if it may.

    Only on the demo store, and only for a browser on this machine unless the role file opens it
    to the network: the server listens on loopback (``server.address``), the client's address is
    loopback (Streamlit gives None for loopback; anything but a string is no address at all, as
    under AppTest), and no reverse proxy forwarded the request (``headers``: the request's names).
    """
    if not roles.local_demo:
        return NO_SIGN_IN
    if not demo_store:
        return COUNCIL_STORE
    if roles.local_demo_open_to_network:
        return None
    proxied = {name.lower() for name in headers} & set(FORWARDING_HEADERS)
    if not is_loopback(server_address) or (isinstance(client_ip, str) and not is_loopback(client_ip)) or proxied:
        return NOT_THIS_MACHINE
    return None


def email_verified(claims: Mapping) -> bool:
    """Does the identity provider say the email is the user's (``email_verified`` true)? Without
    that, anyone could give their account a mapped person's email."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def claim_groups(claims: Mapping) -> list[str]:
    """The identity provider's ``groups`` claim as a list (some send one string)."""
    groups = claims.get("groups") or []
    if isinstance(groups, str):
        return [g for g in re.split(r"[,\s]+", groups) if g]
    return [str(g) for g in groups]


def viewer_for_claims(store, roles: RoleMap, claims: Mapping, resolve=resolve_viewer) -> Viewer | None:
    """The Viewer for a signed-in user's claims (email, groups), or None if the role file
    maps neither. The email is matched only if the provider verified it (``email_verified``).
    Raises ``QAError`` if the file's scope names no service or team in the store. ``resolve``
    checks the scope (the app passes its cached ``resolve_viewer``)."""
    email = claims.get("email")
    email = str(email).strip() if email else None
    verified = email_verified(claims)
    grant = roles.grant_for(email if verified else None, claim_groups(claims))
    if grant is None:
        return None
    who = email if verified or not email else f"{email} (email not verified)"  # as the import log records it
    return resolve(store, grant.role, grant.scope, who=who)


def establish_viewer() -> Viewer:
    """Decide who is looking, draw the sidebar's sign-in or role-picker part, and keep the
    Viewer in session state. Stops the script (sign-in screen, or a message) when no one may
    see anything yet."""
    signing_in = auth_configured()
    if signing_in:
        problem = cookie_secret_problem(st.secrets["auth"].get("cookie_secret"))
        if problem:  # never read st.user: a cookie signed with a known secret may be forged
            log.error("Sign-in refused: the cookie_secret in the [auth] secrets %s.", problem)
            st.error(weak_secret_message(problem), icon=":material/lock:")
            st.stop()
    try:
        roles = role_map()
        viewer = _signed_in_viewer(roles) if signing_in else _local_demo_viewer(roles)
    except QAError as error:  # a missing or broken role file, or a scope the store does not hold
        log.error("The role settings cannot be used: %s", error)
        st.error(ROLE_FILE_BROKEN)
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
    viewer = viewer_for_claims(None, roles, claims, lambda _, role, scope, who: _resolve(role, scope, who))
    if viewer is None:
        unverified = (" Your identity provider has not confirmed that this email address is yours, so it "
                      "cannot be matched to a role." if claims.get("email") and not email_verified(claims) else "")
        st.error(f"Your account ({literal(email)}) has no role here; ask an administrator.{unverified}")
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


def local_demo_on() -> bool:
    """Is this session the local demo (no sign-in configured)? Pages that write refuse a
    council's data there."""
    return not auth_configured()


def _local_demo_viewer(roles: RoleMap) -> Viewer:
    refusal = local_demo_refusal(roles, roles.local_demo and _is_demo_store(),
                                 st.get_option("server.address"), st.context.ip_address,
                                 list(st.context.headers.keys()))
    if refusal:
        st.error(refusal, icon=":material/lock:")
        st.stop()
    state = st.session_state
    if state.get("role") not in ROLES:
        state["role"] = DEFAULT_ROLE
    with st.sidebar:
        st.warning(DEMO_BANNER, icon=":material/lock_open:")
        role = st.selectbox("Role (local demo)", list(ROLES), key="role", format_func=ROLE_LABELS.get,
                            on_change=_follow_role,
                            help="Who the dashboard shows the data to. With sign-in configured, the role "
                                 "comes from the signed-in account instead.")
        options = _scope_options(role)
        scope = None
        if options:
            state["role_scope"] = _known_scope(state.get("role_scope"), options)
            label = "Head of service for" if role == "head_of_service" else "Team manager of"
            scope = st.selectbox(label, list(options), key="role_scope", format_func=options.get,
                                 on_change=_follow_role)
    return _resolve(role, scope, None)


def _follow_role() -> None:
    """The picker moved to a head of service or a team manager (or to another service or team):
    point the sidebar's Service filter at theirs and, for a team manager, Team profiles' team at
    theirs, as the person would start. Run only when the picker changes (a widget callback), so
    the filters stay wherever the user puts them afterwards."""
    state = st.session_state
    options = _scope_options(state.get("role"))
    if not options:
        return
    scope = state["role_scope"] = _known_scope(state.get("role_scope"), options)
    if state.get("role") == "head_of_service":
        state["service"] = scope
        return
    teams = data.teams()
    state["service"] = str(teams.loc[teams["team_id"] == scope, "service_id"].iloc[0])
    state["team"] = scope


def _known_scope(value: object, options: dict[str, str]) -> str:
    """``value`` as an id among ``options`` (it may be given by id or by name), else the first."""
    if value in options:
        return str(value)
    text = str(value or "").strip().lower()
    by_name = {name.lower(): key for key, name in options.items()}
    return by_name.get(text, next(iter(options)))


@data.cached
def _is_demo_store() -> bool:
    return is_demo_store(data.get_store())


@data.cached
def _resolve(role: str, scope: str | None, who: str | None) -> Viewer:
    return resolve_viewer(data.get_store(), role, scope, who=who)
