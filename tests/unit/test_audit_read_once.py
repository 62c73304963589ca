"""The Audit grades page reads once per data version and picks each month, service and window from
what it read (issue 14): every pick must equal the library's own read, which the command line
(``report audits``, ``report completion``) still uses, dtypes and row order included."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from qa_core.roles import Viewer
from qa_core.store import Store, queries
from qa_core.views import audit_grades as ag


def _reads(store: Store, months: list[dt.date]) -> dict:
    return {"counts": ag.grade_counts_by_month(store), "rosters": ag.completion_rosters(store, months),
            "audits": ag.moderation_audits(store), "actions": ag.audit_actions(store),
            "areas": ag.area_counts(store), "services": queries.services(store), "teams": queries.teams(store)}


def _picked(store: Store, read: dict, months: list[dt.date], month: dt.date, service_id: str | None,
            window: int, viewer: Viewer) -> dict:
    """Every frame the page shows for one choice, picked from ``read`` (or read, with ``read`` empty)."""
    given = bool(read)

    def pick(name: str, **extra: object) -> dict:
        return {name: read[name], **extra} if given else {}

    out = {"monthly": ag.monthly_grades(store, month, service_id, months=months, **pick("counts")),
           "overdue": ag.overdue_count(store, month, service_id, **pick("actions")),
           "areas": ag.area_drivers(store, month, service_id, window, **pick("areas")),
           "grid": ag.moderation_grid(store, month, service_id, window, **pick("audits"))}
    for by in ("service", "team"):
        units = {"units": read["services" if by == "service" else "teams"]} if given else {}
        out[f"funnel {by}"] = ag.funnel(store, month, service_id, window, by, **pick("counts"), **units)
    for by in (None, "service", "team"):
        out[f"moderation {by}"] = ag.moderation(store, month, service_id, window, by, **pick("audits"))
    for by in ag.COMPLETION_GROUPINGS:
        out[f"completion {by}"] = ag.audit_completion(store, month, service_id, by, viewer, **pick("rosters"))
    return out


def _choices(store: Store) -> list[tuple]:
    """A spread of months (one before the first: no audits), each service, the council and an unknown
    service, each window, and each kind of viewer."""
    months = queries.months(store)
    services = [None, *queries.services(store)["service_id"], "no-such-service"]
    team = queries.teams(store).iloc[0]
    viewers = [Viewer(), Viewer("head_of_service", team["service_id"]), Viewer("team_manager", team["team_id"]),
               Viewer("scrutiny")]
    before = (months[0] - dt.timedelta(days=1)).replace(day=1)
    shown = [before, months[0], months[len(months) // 2], months[-1]]
    return [(m, s, ag.WINDOWS[i % len(ag.WINDOWS)], viewers[i % len(viewers)])
            for i, (m, s) in enumerate((m, s) for m in shown for s in services)]


def test_every_pick_equals_the_librarys_own_read(store: Store) -> None:
    months = queries.months(store)
    before = (months[0] - dt.timedelta(days=1)).replace(day=1)
    read = _reads(store, [before, *months])
    checked = 0
    for month, service_id, window, viewer in _choices(store):
        picked = _picked(store, read, months, month, service_id, window, viewer)
        alone = _picked(store, {}, months, month, service_id, window, viewer)
        for name, frame in alone.items():
            if isinstance(frame, pd.DataFrame):
                pd.testing.assert_frame_equal(picked[name], frame, check_exact=True, obj=f"{name} {month} "
                                              f"{service_id} {window}")
            else:
                assert picked[name] == frame
            checked += 1
    assert checked > 300


def test_a_pick_reads_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    months = queries.months(store)
    read = _reads(store, months)
    service_id = queries.services(store)["service_id"].iloc[0]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pick read the store")

    monkeypatch.setattr(store, "query", refuse)
    monkeypatch.setattr(store, "scalar", refuse)
    for month in (months[0], months[-1]):
        for sid in (None, service_id):
            picked = _picked(store, read, months, month, sid, ag.DEFAULT_WINDOW, Viewer("head_of_service", service_id))
            assert picked["monthly"]["total"].iloc[-1] >= 0


def test_the_clinics_month_of_audits_is_picked_from_one_read(store: Store, monkeypatch) -> None:
    """The clinic's "Audits this month" and its weakest areas (``audits_report`` by None and 'area') for
    every month, service and the council, picked from ``report_counts``: the same rows as reading each."""
    counts = ag.report_counts(store)
    months = queries.months(store)
    cases = [(m, s, by) for m in [*months[:2], *months[-3:], dt.date(1999, 12, 1)]
             for s in [None, *queries.services(store)["service_id"], "no_such_service"] for by in (None, "area")]
    read = {c: ag.audits_report(store, month=c[0], by=c[2], service_id=c[1]) for c in cases}
    monkeypatch.setattr(store, "query", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read the store")))
    for (month, service, by), want in read.items():
        pd.testing.assert_frame_equal(ag.audits_report_from(counts, month, by, service), want,
                                      check_exact=True, obj=f"{month} {service} {by}")
    assert int(read[(months[-1], None, None)]["total"].iloc[0]) > 0 and not read[(months[-1], None, "area")].empty


def test_the_headlines_completion_is_picked_from_every_months_totals(store: Store, monkeypatch) -> None:
    """The headline's completion (``audit_completion`` by 'all') of every month and service, and the
    council's, picked from ``completion_totals`` worked out once: the same row as reading each; nothing
    where nobody is expected (a service the store does not hold, a month it does not show)."""
    months = queries.months(store)
    services = [None, *queries.services(store)["service_id"], "no_such_service"]
    want = {(m, s): ag.audit_completion(store, m, s, "all") for m in months for s in services}
    totals = ag.completion_totals(ag.completion_rosters(store, months))
    monkeypatch.setattr(store, "query", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read the store")))
    picked = 0
    for (month, service), frame in want.items():
        got = ag.completion_total_from(totals, month, service)
        if got is None:
            assert frame.empty, (month, service)
            continue
        pd.testing.assert_frame_equal(got, frame, check_exact=True, obj=f"{month} {service}")
        picked += 1
    assert picked == len(months) * (len(services) - 1)
    assert ag.completion_total_from(totals, dt.date(1999, 12, 1)) is None


def test_the_headlines_moderation_is_counted_as_the_query_counts_it(store: Store) -> None:
    """``moderation(by=None)`` from the audits read once, counted with arrays: the query's row, for every
    window, the council, each service and one the store does not hold (no audits: zeros and blanks)."""
    months = queries.months(store)
    audits = ag.moderation_audits(store)
    before = (months[0] - dt.timedelta(days=1)).replace(day=1)
    for month in (before, months[0], months[len(months) // 2], months[-1]):
        for service in (None, *queries.services(store)["service_id"], "no_such_service"):
            for window in ag.WINDOWS:
                pd.testing.assert_frame_equal(ag.moderation(store, month, service, window, None, audits=audits),
                                              ag.moderation(store, month, service, window, None), check_exact=True,
                                              obj=f"{month} {service} {window}")
