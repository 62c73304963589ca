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
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from qa_core.demo import build_demo
from qa_core.roles import Viewer
from qa_core.rules import periods
from qa_core.store import Store, default_db_path, queries
from qa_core.views import completeness, home

F = TypeVar("F", bound=Callable[..., Any])
#: Results kept per cached function (least recently used go first); a new data version empties
#: them all (``_Results``), so this bounds one version's worth.
MAX_ENTRIES = 512
_MISSING = object()
_PLAIN = (str, int, float, bool, dt.date, type(None))  # values nobody can change in place


class _Results:
    """Every ``@cached`` function's results for the current data version, shared by all sessions.

    A result is computed once per (function, arguments, version) even when several sessions ask
    at the same moment (a lock per key), kept once (never pickled: unpickling a small frame of
    text columns costs milliseconds under pandas 3) and handed out through ``_fresh``. When the
    version moves on, everything kept is dropped: it can no longer be asked for.
    """

    def __init__(self) -> None:
        self.guard = threading.Lock()
        self.version: str | None = None
        self.tables: dict[str, OrderedDict] = {}
        self.computing: dict[tuple, threading.Lock] = {}

    def table(self, version: str, name: str) -> OrderedDict:
        with self.guard:
            if version != self.version:
                self.version, self.tables, self.computing = version, {}, {}
            return self.tables.setdefault(name, OrderedDict())

    def get(self, table: OrderedDict, key: tuple) -> Any:
        with self.guard:
            value = table.get(key, _MISSING)
            if value is not _MISSING:
                table.move_to_end(key)
            return value

    def put(self, version: str, table: OrderedDict, key: tuple, value: Any) -> None:
        with self.guard:
            if version == self.version:  # else the version moved on while it was computed: drop it
                table[key] = value
                while len(table) > MAX_ENTRIES:
                    table.popitem(last=False)

    def lock_for(self, key: tuple) -> threading.Lock:
        with self.guard:
            return self.computing.setdefault(key, threading.Lock())

    def clear(self, name: str | None = None) -> None:
        with self.guard:
            if name is None:
                self.tables.clear()
            else:
                self.tables.pop(name, None)


@st.cache_resource(show_spinner="Opening the store…")
def _opened() -> tuple[Store, _Results]:
    """The store handle (migrated on first use, building the demo council on a fresh machine) and
    the results kept from it: one Streamlit resource, so ``st.cache_resource.clear()`` drops both."""
    path = default_db_path()
    if not path.exists():
        build_demo(path)
    return Store(path), _Results()


def get_store() -> Store:
    """The store handle: it holds no connection (``qa_core.store.access``)."""
    return _opened()[0]


def data_version() -> str:
    """The store's data version: it moves on with every committed write (``Store.data_version``)."""
    return _opened()[0].data_version()


def _fresh(value: Any) -> Any:
    """What a cache hands out: the stored value, in a new frame (or container) of its own.

    pandas' copy-on-write makes a shallow copy safe: a page that changes its frame changes only
    its own copy, never the one kept for everybody.
    """
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy(deep=False)
    if isinstance(value, list):
        return [v if isinstance(v, _PLAIN) else _fresh(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(v if isinstance(v, _PLAIN) else _fresh(v) for v in value)
    if isinstance(value, dict):
        return {k: v if isinstance(v, _PLAIN) else _fresh(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and not value.__dataclass_params__.frozen:
        return dataclasses.replace(value, **{f.name: _fresh(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


def cached(func: F | None = None, *, show_spinner: bool | str = False) -> F | Callable[[F], F]:
    """Cache a read of the store, keyed on the function's arguments and the data version.

    The arguments must be hashable plain values (dates, strings, numbers, tuples, a ``Viewer``),
    as every accessor's are. A result computed before a write is never served after it: the
    version is part of the key. ``show_spinner``: words to show while a result is computed.
    """

    def wrap(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"  # a page script redefines its own on every run

        def compute(*args: Any, **kwargs: Any) -> Any:
            if isinstance(show_spinner, str) and get_script_run_ctx() is not None:
                with st.spinner(show_spinner):
                    return fn(*args, **kwargs)
            return fn(*args, **kwargs)

        @functools.wraps(fn)
        def read(*args: Any, **kwargs: Any) -> Any:
            store, results = _opened()
            version = store.data_version()
            key = (args, tuple(sorted(kwargs.items())))
            table = results.table(version, name)
            value = results.get(table, key)
            if value is _MISSING:
                with results.lock_for((name, key)):  # one session computes; the others wait for it
                    value = results.get(table, key)
                    if value is _MISSING:
                        value = compute(*args, **kwargs)
                        results.put(version, table, key, value)
            return _fresh(value)

        read.clear = lambda: _opened()[1].clear(name)
        return read  # type: ignore[return-value]

    return wrap(func) if func is not None else wrap


def clear_caches() -> None:
    """Empty every cache now (a write also moves the data version, which does the same on next use)."""
    _opened()[1].clear()
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


@cached
def month_completeness() -> pd.DataFrame:
    """Each shown month's coverage and whether its data is complete (``qa_core.rules.completeness``)."""
    return completeness.month_completeness(get_store())


@cached
def partial_months() -> list[dt.date]:
    """Shown months whose data is not all in yet (``qa_core.rules.completeness``)."""
    return completeness.partial_months(month_completeness())


@cached
def partial_note(month: dt.date) -> str | None:
    """The warning a page showing ``month`` gives when its data is partial (``views.completeness``):
    once per data version and month, not on every run of every page."""
    return completeness.partial_note(month_completeness(), month)


@cached
def month_options() -> tuple[list[str], dict[str, str]]:
    """The sidebar's months, newest first, as keys ("2026-10") and their labels ("October 2026"):
    worked out once per data version, not for each of 120 options on every run of every page."""
    keys = [periods.month_key(m) for m in reversed(months())]
    return keys, {k: periods.month_label(dt.date.fromisoformat(k + "-01")) for k in keys}


def default_month() -> dt.date | None:
    """The month a page opens on: the latest whose data is complete, not a far-future outlier
    (see ``periods.default_month``), so an import of a new month's first audits moves no page."""
    return _default_month_on(dt.date.today())


@cached
def _default_month_on(today: dt.date) -> dt.date | None:
    return periods.default_month(months(), today, partial=partial_months())


@cached
def services() -> pd.DataFrame:
    return queries.services(get_store())


@cached
def service_names() -> dict[str, str]:
    """Service id → name, in the store's order: the sidebar's options and every page's heading."""
    frame = services()
    return dict(zip(frame["service_id"], frame["name"], strict=True))


@cached
def _indicator_data() -> home.SummaryData:
    """Every service's and the council's monthly figures, read once per data version: a change of
    month or service picks from them (``views.home.summary_from``) and reads nothing."""
    return home.summary_data(get_store())


def indicator_members() -> pd.DataFrame:
    """Each service's own measures (code, service_id), from the figures read once."""
    return _indicator_data().members


@cached
def indicator_summary(month: dt.date, service_id: str | None) -> pd.DataFrame:
    return home.summary_from(_indicator_data(), month, service_id)


@cached
def latest_comparators() -> pd.DataFrame:
    """Each measure's latest published comparators: the same for every month, read once per data version."""
    return queries.latest_comparators(get_store())


@cached
def clinic_measures(service_id: str, month: dt.date) -> pd.DataFrame:
    """The clinic's measures, picked from the figures read once (``indicator_summary``), no query."""
    from qa_core.views import clinic  # imported here: its pydantic model would cost every start of the app (issue 14)

    return clinic.clinic_measures_from(indicator_summary(month, service_id), latest_comparators())


@cached
def clinic_header(service_id: str, month: dt.date) -> dict:
    """The clinic's heading: the service, its head and the month's RAG counts."""
    from qa_core.views import clinic

    return clinic.clinic_header_from(services(), service_id, month, clinic_measures(service_id, month))


@cached
def service_series_all() -> pd.DataFrame:
    """Every measure's monthly series for every service, read once per data version (the clinic's charts
    and the team page's service figures pick from it)."""
    return queries.indicator_series_all(get_store())


@cached
def _service_series_shown(code: str, service_id: str) -> pd.DataFrame:
    """A measure's monthly series for a service, the months the pages show: picked, no query."""
    frame = queries.indicator_series_from(service_series_all(), code, service_id)
    months = pd.to_datetime(frame["period"]).dt.date
    return frame.loc[months.map(periods.in_window).astype(bool)].reset_index(drop=True)


@cached
def service_series(code: str, service_id: str, until: dt.date) -> pd.DataFrame:
    """The series up to ``until``: rows of one query per measure and service, not one per month."""
    frame = _service_series_shown(code, service_id)
    return frame.loc[(pd.to_datetime(frame["period"]).dt.date <= until).astype(bool)].reset_index(drop=True)


@cached
def commentary(code: str, service_id: str, month: dt.date) -> pd.DataFrame:
    return queries.commentary(get_store(), code, "service", service_id, month)


@cached
def clinic_actions(service_id: str, month: dt.date, viewer: Viewer) -> pd.DataFrame:
    """The service's clinic actions; owners "withheld" unless ``viewer`` sees the service's detail."""
    from qa_core.views import clinic

    return clinic.actions(get_store(), service_id, month, viewer)


@cached
def teams() -> pd.DataFrame:
    return queries.teams(get_store())


def record_clinic_action(action: dict, viewer: Viewer) -> str:
    """Record a clinic action (``clinic.record_action``: checked, refused unless ``viewer`` may);
    its id. The caller clears the caches."""
    from qa_core.views import clinic

    return clinic.record_action(get_store(), action, viewer)


def complete_clinic_action(action_id: str, done_on: dt.date, viewer: Viewer) -> None:
    """Mark a clinic action done (``clinic.complete_action``). The caller clears the caches."""
    from qa_core.views import clinic

    clinic.complete_action(get_store(), action_id, done_on, viewer)
