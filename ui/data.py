"""The store handle (one per process), and cached queries keyed on plain values and the data version.

Pages call these, never SQL. The handle holds no connection: each cache miss reads through a
short read-only connection (``qa_core.store.access``), so the command line can import while the
app serves. Every cached function here and in ``ui/*_data.py`` is declared with ``@cached``: its
results are keyed on its arguments **and** the store's data version, which every write bumps (an
import by the app or the command line, a clinic action), so a page shows a write on its next run
and never serves figures from before it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from qa_core.demo import build_demo
from qa_core.roles import Viewer
from qa_core.rules import periods
from qa_core.rules.audits import grade_summary
from qa_core.store import Store, default_db_path, queries
from qa_core.views import audit_grades, clinic, home, risk_register

F = TypeVar("F", bound=Callable[..., Any])
#: Entries kept per cached function (least recently used go first); a change of data version
#: empties every cache anyway (``data_version``), so this bounds one version's worth.
MAX_ENTRIES = 512
_seen = {"version": None}
_seen_guard = threading.Lock()
_CACHES: dict[str, Any] = {}  # every @cached function's cache (by name), emptied when the data version moves on


@st.cache_resource(show_spinner="Opening the store…")
def get_store() -> Store:
    """The store handle (migrated on first use), building the demo council on first run."""
    path = default_db_path()
    if not path.exists():
        build_demo(path)
    return Store(path)


def data_version() -> str:
    """The store's data version; when it has moved on since last seen, every cache is emptied (the
    old entries can no longer be asked for: they are keyed on the old version)."""
    version = get_store().data_version()
    with _seen_guard:
        changed, _seen["version"] = _seen["version"] not in (None, version), version
    if changed:
        clear_caches()
    return version


def _fresh(value: Any) -> Any:
    """What a cache hands out: the stored value, in a new frame (or container) of its own.

    Results are kept once, not pickled and copied for every reader (unpickling a small frame of
    text columns costs milliseconds under pandas 3). pandas' copy-on-write makes a shallow copy
    safe: a page that changes its frame changes only its own copy, never the cached one.
    """
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_fresh(v) for v in value)
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and not value.__dataclass_params__.frozen:
        return dataclasses.replace(value, **{f.name: _fresh(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def cached(func: F | None = None, *, show_spinner: bool | str = False) -> F | Callable[[F], F]:
    """Cache a read of the store, keyed on the function's arguments and the data version.

    The arguments are hashed as ``st.cache_data`` hashes them (a ``Viewer`` field by field); the
    version is passed ahead of them, so a result computed before a write is never served after it.
    Each result is kept once for every session (``st.cache_resource``) and handed out through
    ``_fresh``, so no reader can change what another is given.
    """

    def wrap(fn: F) -> F:
        def keyed(version: str, *args: Any, **kwargs: Any) -> Any:
            return fn(*args, **kwargs)

        # Streamlit keys a cached function on its module, name and source: these make each one distinct.
        keyed.__module__, keyed.__qualname__, keyed.__name__ = fn.__module__, fn.__qualname__, fn.__name__
        store_cached = st.cache_resource(show_spinner=show_spinner, max_entries=MAX_ENTRIES)(keyed)
        _CACHES[f"{fn.__module__}.{fn.__qualname__}"] = store_cached  # a page script redefines its own each run

        @functools.wraps(fn)
        def read(*args: Any, **kwargs: Any) -> Any:
            return _fresh(store_cached(data_version(), *args, **kwargs))

        read.clear = store_cached.clear
        return read  # type: ignore[return-value]

    return wrap(func) if func is not None else wrap


def clear_caches() -> None:
    """Empty every cache now (a write also moves the data version, which does the same on next use)."""
    for cache in list(_CACHES.values()):
        cache.clear()
    st.cache_data.clear()


@cached
def settings() -> dict[str, str]:
    frame = get_store().query("SELECT key, value FROM setting")
    return dict(zip(frame["key"], frame["value"], strict=True))


@cached
def months() -> list[dt.date]:
    """The months the pages offer, oldest first: stored months inside ``periods``' window."""
    return periods.shown_months(queries.months(get_store()))


@cached
def months_left_out() -> list[dt.date]:
    """Stored months outside the window the pages show (e.g. December 9999): named, not shown."""
    return [m for m in queries.months(get_store()) if not periods.in_window(m)]


def default_month() -> dt.date | None:
    """The month a page opens on: not a far-future outlier (see ``periods.default_month``)."""
    return periods.default_month(months())


@cached
def services() -> pd.DataFrame:
    return queries.services(get_store())


@cached
def indicator_summary(month: dt.date, service_id: str | None) -> pd.DataFrame:
    return home.indicator_summary(get_store(), month, service_id)


@cached
def audits_by_month(until: dt.date, service_id: str | None) -> pd.DataFrame:
    counts = queries.audit_grade_counts(get_store(), month=months()[0], end_month=until, by="month",
                                        service_id=service_id)
    return grade_summary(counts)


@cached
def plan_rag(month: dt.date) -> pd.DataFrame:
    return queries.plan_rag_counts(get_store(), month)


@cached
def risks_as_at(month: dt.date) -> pd.DataFrame:
    """The register as last reviewed in or before ``month``'s quarter (empty if none)."""
    store = get_store()
    this_quarter = periods.quarter_of(month)
    reviewed = [q for q in periods.shown_quarters(queries.quarters(store)) if q <= this_quarter]
    return risk_register.risks_report(store, reviewed[-1]) if reviewed else pd.DataFrame()


@cached
def clinic_measures(service_id: str, month: dt.date) -> pd.DataFrame:
    return clinic.clinic_measures(get_store(), service_id, month)


@cached
def clinic_header(service_id: str, month: dt.date) -> dict:
    """The clinic's heading: the service, its head and the month's RAG counts."""
    return clinic.clinic_header(get_store(), service_id, month, clinic_measures(service_id, month))


@cached
def service_series(code: str, service_id: str, until: dt.date) -> pd.DataFrame:
    frame = queries.indicator_series(get_store(), code, "service", service_id)
    months = pd.to_datetime(frame["period"]).dt.date
    return frame.loc[((months <= until) & months.map(periods.in_window)).astype(bool)].reset_index(drop=True)


@cached
def team_breakdown(code: str, service_id: str, month: dt.date, viewer: Viewer) -> pd.DataFrame:
    return clinic.team_breakdown(get_store(), code, service_id, month, viewer)


@cached
def commentary(code: str, service_id: str, month: dt.date) -> pd.DataFrame:
    return queries.commentary(get_store(), code, "service", service_id, month)


@cached
def service_audits(service_id: str, month: dt.date, by: str | None) -> pd.DataFrame:
    return audit_grades.audits_report(get_store(), month=month, by=by, service_id=service_id)


@cached
def clinic_actions(service_id: str, month: dt.date, viewer: Viewer) -> pd.DataFrame:
    """The service's clinic actions; owners "withheld" unless ``viewer`` sees the service's detail."""
    return clinic.actions(get_store(), service_id, month, viewer)


@cached
def teams() -> pd.DataFrame:
    return queries.teams(get_store())
