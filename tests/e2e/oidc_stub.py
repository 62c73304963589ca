"""A stand-in OpenID Connect provider on localhost, for browser tests of ``st.login``.

It signs in whoever the test names (``stub.user``) without asking: ``/authorize`` redirects
straight back with a code, and ``/token`` swaps the code for an RS256-signed ID token carrying
the nonce Streamlit sent. Enough of the protocol for Authlib, nothing more; never for real use.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "qa-dashboard-test"
CLIENT_SECRET = "stub-client-secret"  # noqa: S105 - a test double's fixed value


class OIDCStub:
    """The provider. Set ``user`` (claims: email, name, optionally groups, and email_verified,
    true unless given) before signing in."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "stub-1", "use": "sig", "alg": "RS256"})
        self.user: dict[str, Any] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.signed_in: list[str] = []  # each email an ID token was issued for, in order
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }

    def secrets_toml(self) -> str:
        """The ``[auth]`` section for the app (``{port}`` is filled in by Streamlit)."""
        return (
            "[auth]\n"
            'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(16)}"\n'
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{CLIENT_SECRET}"\n'
            f'server_metadata_url = "{self.metadata_url}"\n'
        )

    def start(self) -> OIDCStub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- the protocol -----------------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> str:
        """The redirect back to the app: a fresh code for ``self.user`` (or a login_hint)."""
        user = dict(self.user)
        if query.get("login_hint"):
            user = {"email": query["login_hint"], "name": query["login_hint"].split("@")[0]}
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"user": user, "nonce": query.get("nonce"), "client_id": query.get("client_id"),
                            "redirect_uri": query.get("redirect_uri")}
        back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        return f"{query['redirect_uri']}?{urlencode(back)}"

    def token(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict[str, Any]]:
        """Swap a code for tokens, after checking the client's credentials (Basic or in the form)."""
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if (client_id, client_secret) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        user = grant["user"]
        claims = {"iss": self.issuer, "sub": user["email"], "aud": CLIENT_ID, "iat": now, "exp": now + 600,
                  "email": user["email"], "email_verified": user.get("email_verified", True),
                  "name": user.get("name", user["email"])}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        if user.get("groups"):
            claims["groups"] = list(user["groups"])
        id_token = jwt.encode({"alg": "RS256", "kid": "stub-1"}, claims, self.key)
        access_token = secrets.token_urlsafe(16)
        self.tokens[access_token] = claims
        self.signed_in.append(user["email"])
        return 200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 600,
                     "id_token": id_token, "scope": "openid email profile"}


def _handler(stub: OIDCStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._json(200, stub.metadata())
            elif url.path == "/jwks":
                self._json(200, {"keys": [stub.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                self.send_response(302)
                self.send_header("Location", stub.authorize(query))
                self.end_headers()
            elif url.path == "/userinfo":
                bearer = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                claims = stub.tokens.get(bearer)
                self._json(200, claims) if claims else self._json(401, {"error": "invalid_token"})
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            if urlparse(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            self._json(*stub.token(form, self.headers.get("Authorization")))

    return Handler


@contextmanager
def running_stub() -> Iterator[OIDCStub]:
    stub = OIDCStub().start()
    try:
        yield stub
    finally:
        stub.stop()
