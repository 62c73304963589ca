"""Commentary on a measure for a service and month: written by the service's head of service or
the assistant director before or during the clinic, shown as plain text with its author and
time, and never overwritten: each edit is kept (``store.commentary``).

Why the role check is here as well as on the page: a head of service answers for their own
service's figures only; the store refuses anyone else whatever the page shows.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qa_core.errors import QAError
from qa_core.roles import AccessDenied, Viewer
from qa_core.store import Store, queries
from qa_core.store.commentary import save_commentary
from qa_core.views.refusals import clean_date, clean_text, refuse

__all__ = [
    "TEXT_CHARS",
    "may_write_commentary",
    "write_commentary",
    "current_commentary",
    "commentary_history",
    "service_commentary",
    "all_service_commentary",
    "service_commentary_from",
]

#: The longest commentary (as the import's narratives).
TEXT_CHARS = 10_000
AUTHOR_CHARS = 200


def may_write_commentary(viewer: Viewer | None, service_id: str) -> bool:
    """The assistant director (None counts as the AD) and the service's own head of service."""
    if viewer is None or viewer.role == "assistant_director":
        return True
    return viewer.role == "head_of_service" and viewer.scope == service_id


def write_commentary(
    store: Store,
    code: str,
    service_id: str,
    month: dt.date,
    text: str,
    author: str,
    viewer: Viewer | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Save ``text`` as the commentary on ``code`` for ``service_id`` in ``month``; returns
    "added", "replaced" (the earlier text stays in the history) or "unchanged". Refusals name the
    field in plain words (QAError); AccessDenied unless ``viewer`` may write for the service."""
    if not may_write_commentary(viewer, service_id):
        raise AccessDenied(
            f"The commentary was not saved: the {viewer.describe()} role cannot write commentary "
            f"for {service_id}; the assistant director and that service's head of service can."
        )
    problems = []
    if code not in set(queries.indicators(store, service_id)["code"]):
        problems.append(f"there is no measure {code!r} in this service's clinic")
    if service_id not in set(queries.services(store)["service_id"]):
        problems.append(f"there is no service {service_id!r}")
    fields = {}
    for name, check in (
        ("month", lambda: clean_date(month, "the month")),
        ("text", lambda: clean_text(text, "the commentary", min_chars=3, max_chars=TEXT_CHARS)),
        ("author", lambda: clean_text(author, "the author", min_chars=2, max_chars=AUTHOR_CHARS)),
    ):
        try:
            fields[name] = check()
        except QAError as exc:
            problems.append(str(exc))
    if problems:
        raise refuse("The commentary", problems)
    when = now or dt.datetime.now().replace(microsecond=0)
    row = pd.DataFrame(
        [
            {
                "code": code,
                "period": fields["month"].replace(day=1),
                "org_level": "service",
                "org_id": service_id,
                "text": fields["text"],
                "author": fields["author"],
                "written_at": pd.Timestamp(when),
            }
        ]
    )
    with store.transaction() as cur:
        cur.register("_n_commentary", row)
        counts = save_commentary(cur, "_n_commentary", when, "app")
        cur.unregister("_n_commentary")
    return next(status for status in ("added", "replaced", "unchanged") if counts[status])


def current_commentary(store: Store, code: str, service_id: str, month: dt.date) -> pd.DataFrame:
    """The current commentary (text, author, updated_at): at most one row."""
    return queries.commentary(store, code, "service", service_id, month.replace(day=1))


def commentary_history(store: Store, code: str, service_id: str, month: dt.date) -> pd.DataFrame:
    """Every version, newest first, numbered from 1 (the first written): version, text, author,
    written_at, source ('app', 'import', 'demo' or 'before history')."""
    return store.query(
        "SELECT row_number() OVER (ORDER BY edit_id) AS version, text, author, written_at, source "
        "FROM commentary_edit WHERE code = ? AND period = ? AND org_level = 'service' AND org_id = ? "
        "ORDER BY edit_id DESC",
        [code, month.replace(day=1), service_id],
    )


def service_commentary(store: Store, service_id: str, month: dt.date) -> pd.DataFrame:
    """The current commentary on each of the service's measures in ``month`` (code, text, author,
    updated_at, versions): one query for the measures table and the present view."""
    return store.query(
        """
        SELECT c.code, c.text, c.author, c.updated_at,
               (SELECT count(*) FROM commentary_edit e WHERE e.code = c.code AND e.period = c.period
                  AND e.org_level = c.org_level AND e.org_id = c.org_id) AS versions
        FROM commentary c JOIN indicator i USING (code)
        WHERE c.org_level = 'service' AND c.org_id = ? AND c.period = ?
        ORDER BY i.sort_order, c.code
        """,
        [service_id, month.replace(day=1)],
    )


def all_service_commentary(store: Store) -> pd.DataFrame:
    """:func:`service_commentary` for every service (``service_id``) and month (``period``), in its
    order within each, read once for :func:`service_commentary_from` to pick from."""
    return store.query(
        """
        SELECT c.org_id AS service_id, c.period, c.code, c.text, c.author, c.updated_at,
               (SELECT count(*) FROM commentary_edit e WHERE e.code = c.code AND e.period = c.period
                  AND e.org_level = c.org_level AND e.org_id = c.org_id) AS versions
        FROM commentary c JOIN indicator i USING (code)
        WHERE c.org_level = 'service'
        ORDER BY c.org_id, c.period, i.sort_order, c.code
        """
    )


def service_commentary_from(notes: pd.DataFrame, service_id: str, month: dt.date) -> pd.DataFrame:
    """:func:`service_commentary` picked from :func:`all_service_commentary`."""
    picked = notes[((notes["service_id"] == service_id)
                    & (notes["period"] == pd.Timestamp(month.replace(day=1)))).to_numpy(dtype=bool)]
    return queries.as_queried(picked.drop(columns=["service_id", "period"]).reset_index(drop=True))
