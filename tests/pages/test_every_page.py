"""Every page under every sidebar filter value: no exception, and a title, on the demo store.

The pages' own tests check their content; this sweep checks the issue's "no exception on any
filter combination" for the shared filters: every service (and All services) in the latest
month, and the earliest month (before the plan, the register and most trends begin). Every chart
sent is checked against Plotly's schema (the figures are built without its checks, for speed).
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from qa_core.pages import PAGE_KEYS
from qa_core.store import Store, queries
from tests.pages.conftest import open_page

#: Every page but the accessibility statement (static text, no filters or data).
PAGES = [key for key in PAGE_KEYS if key != "accessibility"]


@pytest.fixture(scope="module")
def filter_values(demo_db):
    with Store(demo_db, read_only=True) as store:
        months = queries.months(store)
        services = queries.services(store)["service_id"].tolist()
    return months[0].strftime("%Y-%m"), months[-1].strftime("%Y-%m"), services


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_for_every_service_and_the_earliest_month(app, page, filter_values):
    earliest, latest, services = filter_values
    views = [(latest, s) for s in ["all", *services]] + [(earliest, "all"), (earliest, services[0])]
    for month, service in views:
        open_page(app, page, month=month, service=service)
        assert app.title, f"{page} month={month} service={service} shows no title"
        for chart in app.get("plotly_chart"):  # built without Plotly's checks for speed: checked here instead
            go.Figure(json.loads(chart.proto.spec))
