"""A Streamlit session without a browser: the websocket a browser tab opens, driven from Python.

``bench.load`` runs many of these against one ``streamlit run`` to see how the server copes, and
``tests/e2e/test_load_while_serving.py`` keeps ten of them open while the command line imports.
A session sends what the browser sends on a click (a ``rerun_script`` message with the page and
the widgets' values) and reads the server's messages until the run has finished: the time a
person waits for the page, less the browser's drawing. Widgets are set by their label ("Month")
to an option as the page shows it ("June 2026"), as a person picks it.

A session may be signed in: given the app's ``cookie_secret`` and the claims an identity provider
would return (``{"email": ..., "email_verified": True}``), it presents the cookies Streamlit sets at
the end of ``st.login`` (signed with that secret, so only whoever configured the server can make
them), so a load test need not drive a provider's pages for every user.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect

__all__ = ["Run", "Session"]

_FINISHED = ForwardMsg.ScriptFinishedStatus


@dataclass
class Run:
    """What one run of the app showed: its time, problems, headings, alerts, select boxes and text."""

    seconds: float
    status: str
    errors: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    selects: dict[str, list[str]] = field(default_factory=dict)  # label -> options as shown
    texts: list[str] = field(default_factory=list)  # the markdown shown (st.write, st.markdown, captions aside)

    @property
    def ok(self) -> bool:
        return self.status == "FINISHED_SUCCESSFULLY" and not self.errors


class Session:
    """One browser tab's session with the app at ``url`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, url: str, timeout: float = 120.0, user: Mapping[str, object] | None = None,
                 cookie_secret: str | None = None) -> None:
        self.origin = url.rstrip("/")
        self.url = self.origin.replace("http://", "ws://") + "/_stcore/stream"
        self.timeout = timeout
        self.user, self.cookie_secret = user, cookie_secret
        self.pages: dict[str, str] = {}  # url path name -> page script hash
        self.page = ""
        self._ws: ClientConnection | None = None
        self._ids: dict[str, tuple[str, str]] = {}  # label -> (widget id, widget kind)
        self._values: dict[str, str] = {}  # widget id -> value as shown, sent with every run

    async def __aenter__(self) -> Session:
        protocols, headers = ["streamlit"], {}
        if self.user is not None:
            xsrf, cookie = self._signed_in()
            protocols.append(xsrf)
            headers = {"Cookie": cookie, "Origin": self.origin}
        self._ws = await connect(self.url, subprotocols=protocols, additional_headers=headers, max_size=None,
                                 open_timeout=self.timeout)
        return self

    def _signed_in(self) -> tuple[str, str]:
        """The XSRF token and the Cookie header of a browser that has signed in as ``self.user``."""
        import json

        from streamlit.web.server.starlette.starlette_app_utils import (
            create_signed_value,
            generate_xsrf_token_string,
        )

        if not self.cookie_secret:
            raise ValueError("a signed-in session needs the app's cookie_secret")
        xsrf = generate_xsrf_token_string()
        claims = json.dumps(dict(self.user, origin=self.origin, is_logged_in=True, provider="default"))
        signed = create_signed_value(self.cookie_secret, "_streamlit_user", claims).decode()
        return xsrf, f"_streamlit_xsrf={xsrf}; _streamlit_user={signed}"

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def run(self, page: str | None = None, choose: Mapping[str, str] | None = None, query: str = "",
                   fill: Mapping[str, str] | None = None, press: str | None = None) -> Run:
        """Rerun the app, on ``page`` (its URL name; default the current one), with the select boxes
        labelled in ``choose`` set (``{"Month": "June 2026"}``, kept for later runs, as a browser keeps
        them), the text boxes in ``fill`` typed into and the button labelled ``press`` pressed (both for
        this run only, as a form's submit sends them)."""
        message = BackMsg()
        state = message.rerun_script
        if page is not None:
            self.page = page
        state.page_name = self.page
        state.page_script_hash = self.pages.get(self.page, "")
        state.query_string = query
        for label, value in (choose or {}).items():
            self._values[self._id(label)] = value
        once = {self._id(label): value for label, value in (fill or {}).items()}
        for widget_id, value in {**self._values, **once}.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            widget.string_value = value
        if press is not None:
            widget = state.widget_states.widgets.add()
            widget.id = self._id(press)
            widget.trigger_value = True
        started = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        return await self._read(started)

    def _id(self, label: str) -> str:
        if label not in self._ids:
            raise KeyError(f"no widget labelled {label!r} on the last page shown (have: {sorted(self._ids)})")
        return self._ids[label][0]

    async def _read(self, started: float) -> Run:
        errors, headings, alerts, selects, texts = [], [], [], {}, []
        while True:
            raw = await asyncio.wait_for(self._ws.recv(), self.timeout)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "page_not_found":
                errors.append(f"page not found: {msg.page_not_found.page_name}")
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                which = element.WhichOneof("type")
                if which == "exception":
                    errors.append(f"exception: {element.exception.type}: {element.exception.message}")
                elif which == "alert":
                    alerts.append(element.alert.body)
                    if element.alert.format == Alert.ERROR:
                        errors.append(f"error shown: {element.alert.body}")
                elif which == "heading":
                    headings.append(element.heading.body)
                elif which == "selectbox":
                    box = element.selectbox
                    self._ids[box.label] = (box.id, "selectbox")
                    selects[box.label] = list(box.options)
                elif which in ("text_input", "text_area", "button"):
                    widget = getattr(element, which)
                    self._ids[widget.label] = (widget.id, which)
                elif which == "markdown":
                    texts.append(element.markdown.body)
            elif kind == "script_finished":
                status = _FINISHED.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # a rerun the app asked for itself (st.rerun): wait for that one
                return Run(time.perf_counter() - started, status, errors, headings, alerts, selects, texts)
