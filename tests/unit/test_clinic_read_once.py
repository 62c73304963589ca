"""The clinic page reads once per data version and picks each month and service from what it read
(issue 14): every pick must equal the library's own read for that month and service, which the
command line (``report clinic``) still uses."""

from __future__ import annotations

import pandas as pd

from qa_core.store import Store, queries
from qa_core.views import clinic, home


def _months_and_services(store: Store) -> list[tuple]:
    months = queries.months(store)
    services = list(queries.services(store)["service_id"])
    return [(m, services[i % len(services)]) for i, m in enumerate(months[::3] + months[-2:])]


def test_measures_and_header_picked_from_one_read_equal_each_views_own(store: Store) -> None:
    data, comparators, services = home.summary_data(store), queries.latest_comparators(store), queries.services(store)
    for month, service in _months_and_services(store):
        picked = clinic.clinic_measures_from(home.summary_from(data, month, service), comparators)
        read = clinic.clinic_measures(store, service, month)
        pd.testing.assert_frame_equal(picked, read)
        assert clinic.clinic_header_from(services, service, month, picked) == clinic.clinic_header(
            store, service, month, read)
