"""Issue 13: the local demo's role picker follows the role. Choosing "head of service" or "team
manager" also points the sidebar's Service filter at their service (a team manager: their team's),
and Team profiles' team at a team manager's own team; only when the picker changes, so the filters
stay wherever the user then puts them."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from qa_core.roles import Viewer


def _service(app: AppTest) -> str:
    return app.selectbox(key="service").value


def test_choosing_head_of_service_sets_the_service_filter(app: AppTest) -> None:
    app.run()
    assert _service(app) == "all"
    app.selectbox(key="role").set_value("head_of_service").run()
    assert not app.exception
    viewer = app.session_state["viewer"]
    assert viewer.role == "head_of_service" and viewer.scope is not None
    assert _service(app) == viewer.scope
    assert app.caption[0].value.endswith(f"· {app.selectbox(key='service').format_func(viewer.scope)}")
    # Another service in the picker: the filter follows.
    app.selectbox(key="role_scope").set_value("children_in_care").run()
    assert app.session_state["viewer"] == Viewer(
        "head_of_service", "children_in_care", scope_service="children_in_care"
    )
    assert _service(app) == "children_in_care"


def test_the_filter_stays_where_the_user_puts_it_afterwards(app: AppTest) -> None:
    app.run()
    app.selectbox(key="role").set_value("head_of_service").run()
    app.selectbox(key="service").set_value("all").run()
    assert _service(app) == "all"
    app.run()  # reruns (a click elsewhere, a new month) leave it alone
    app.selectbox(key="month").set_value("2026-08").run()
    assert not app.exception
    assert _service(app) == "all" and app.caption[0].value == "August 2026 · All services"


def test_choosing_team_manager_sets_the_service_and_the_team(app: AppTest) -> None:
    app.run()
    app.selectbox(key="role").set_value("team_manager").run()
    assert not app.exception
    viewer = app.session_state["viewer"]
    assert viewer.role == "team_manager"
    assert _service(app) == viewer.scope_service
    app.selectbox(key="role_scope").set_value("children_in_care_02").run()
    assert _service(app) == "children_in_care"
    app.session_state["view"] = "Team profile"
    app.switch_page("app_pages/teams.py").run()
    assert not app.exception
    assert app.selectbox(key="team").value == "children_in_care_02"
    assert _service(app) == "children_in_care"


def test_roles_without_a_scope_leave_the_filters_alone(app: AppTest) -> None:
    app.run()
    app.selectbox(key="service").set_value("assessment").run()
    for role in ("qa_lead", "assistant_director"):
        app.selectbox(key="role").set_value(role).run()
        assert not app.exception
        assert _service(app) == "assessment"
