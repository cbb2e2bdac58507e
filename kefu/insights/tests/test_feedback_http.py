"""The feedback to departments through HTTP (issue 21 point 3): who reads which department's
report through the one getter (role × department; another department's handler finds
nothing, 404), the subscriptions over the API (strict, safe to retry, stale changes
refused) and on the page (a refused form keeps what was typed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.models import OrgUnit, User
from kefu.insights.models import FeedbackSubscription
from kefu.insights.tests.test_feedback_report import NOW, FeedbackWorld, build

pytestmark = pytest.mark.django_db

ROLES = ("agent", "expert", "backoffice", "handler", "leader", "qa", "editor", "manager", "admin")
#: Who reads any department's report (the administrator is a superuser); a handler reads
#: their own department's only; who keeps the subscriptions.
READ_ALL = {"backoffice", "leader", "manager", "admin"}
MANAGE = {"manager", "admin"}
REPORT = "/api/v1/insights/feedback/report"
SUBSCRIPTIONS = "/api/v1/insights/feedback/subscriptions"


@pytest.fixture
def world(centre: OrgUnit, department: OrgUnit, make_user: Callable[..., User]) -> FeedbackWorld:
    users = {role: make_user(role) for role in ROLES if role != "agent"}
    built = build(centre, department, make_user("agent"))
    users["handler"].email = "repair@example.com"
    users["handler"].save(update_fields=["email"])
    make_user("handler", username="gas-handler", department=built.gas)
    return built


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_what_it_may(world: FeedbackWorld, role: str) -> None:
    api = ApiClient(token_for(role))
    day = NOW.date().isoformat()
    ours = api.get(REPORT, department_id=world.repair.pk, period="daily", day=day)
    theirs = api.get(REPORT, department_id=world.gas.pk, period="daily", day=day)
    assert ours.status_code == (200 if role in READ_ALL | {"handler"} else 404)
    assert theirs.status_code == (200 if role in READ_ALL else 404)
    listed = [row["id"] for row in api.get("/api/v1/insights/feedback/departments").json()]
    expected = (
        sorted([world.repair.pk, world.gas.pk], key=lambda pk: OrgUnit.objects.get(pk=pk).name)
        if role in READ_ALL
        else [world.repair.pk]
        if role == "handler"
        else []
    )
    assert listed == expected
    browser = Client()
    browser.login(username=role, password=PASSWORD)
    page = browser.get(f"/insights/feedback/?department={world.gas.pk}&day={day}")
    assert page.status_code == (200 if role in READ_ALL else 404 if role == "handler" else 403)
    created = api.post(SUBSCRIPTIONS, {"department_id": world.repair.pk, "period": "daily"})
    assert created.status_code == (201 if role in MANAGE else 403)


def test_the_report_over_the_api(world: FeedbackWorld) -> None:
    api = ApiClient(token_for("handler"))
    body = api.get(
        REPORT, department_id=world.repair.pk, period="daily", day=NOW.date().isoformat()
    ).json()
    # The whole past day (the clock is past it): every repair contact of the 18th.
    assert body["department_name"] == world.repair.name and body["running"] is False
    assert (body["contacts"], body["contacts_before"]) == (18, 14)
    assert body["orders"]["received"] == 3 and body["orders"]["complaints"] == 1
    assert body["timeliness"] == {
        "returned": 2,
        "returned_on_time": 1,
        "on_time_rate": 0.5,
        "mean_handling_hours": 3.0,
    }
    assert [topic["label"] for topic in body["topics"]] == ["电力故障 › 电压低"]
    assert [row["title"] for row in body["incidents"]] == ["鼓楼区停电"]
    # Strict: an unknown period, an unknown field, a day to come.
    for query in ({"period": "yearly"}, {"colour": "red"}, {"day": "2999-01-01"}):
        refused = api.get(REPORT, department_id=world.repair.pk, **query)
        assert refused.status_code == 422, query
    assert api.get(REPORT, department_id=10**9).status_code == 404


def test_subscriptions_over_the_api(world: FeedbackWorld) -> None:
    manager = ApiClient(token_for("manager"))
    headers = {**manager.headers, "Idempotency-Key": "feedback-daily-1"}
    body = {"department_id": world.repair.pk, "period": "daily"}
    first, second = (
        manager.client.post(SUBSCRIPTIONS, body, content_type="application/json", headers=headers)
        for _ in range(2)
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    # No recipient given: the department's handlers' addresses.
    assert first.json()["recipients"] == ["repair@example.com"]
    again = manager.post(SUBSCRIPTIONS, body)
    assert again.status_code == 409 and again.json()["code"] == "subscription_exists"
    # The gas handler has no address: a recipient must be given.
    gas = {"department_id": world.gas.pk, "period": "weekly"}
    empty = manager.post(SUBSCRIPTIONS, gas)
    assert empty.status_code == 422 and empty.json()["code"] == "recipients_empty"
    wrong = manager.post(SUBSCRIPTIONS, {**gas, "recipients": ["not an address"]})
    assert wrong.status_code == 422 and "not an address" in wrong.json()["message"]
    assert manager.post(SUBSCRIPTIONS, {**gas, "colour": "red"}).status_code == 422
    assert manager.post(SUBSCRIPTIONS, {**gas, "period": "yearly"}).status_code == 422
    weekly = manager.post(SUBSCRIPTIONS, {**gas, "recipients": ["gas@example.com"]})
    assert weekly.status_code == 201
    # A handler lists their own department's subscriptions only.
    handler = ApiClient(token_for("handler"))
    assert [row["period"] for row in handler.get(SUBSCRIPTIONS).json()["items"]] == ["daily"]
    assert len(manager.get(SUBSCRIPTIONS).json()["items"]) == 2
    # A change carries the version it was read at.
    url = f"{SUBSCRIPTIONS}/{first.json()['id']}"
    change = {"version": 1, "recipients": ["a@example.com", "b@example.com"], "active": False}
    changed = manager.put(url, change)
    assert changed.status_code == 200
    assert changed.json()["recipients"] == ["a@example.com", "b@example.com"]
    assert changed.json()["active"] is False and changed.json()["version"] == 2
    assert manager.put(url, change).status_code == 409
    assert handler.put(url, {**change, "version": 2}).status_code == 403
    gas_url = f"{SUBSCRIPTIONS}/{weekly.json()['id']}"
    assert handler.put(gas_url, {**change, "version": 1}).status_code == 404


def test_the_manager_subscribes_on_the_page(world: FeedbackWorld) -> None:
    browser = Client()
    browser.login(username="manager", password=PASSWORD)
    query = f"?department={world.gas.pk}&period=weekly&day={NOW.date().isoformat()}"
    page = browser.get(f"/insights/feedback/{query}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "部门信息反馈" in text and "燃气" in text and "周报" in text
    refused = browser.post(
        f"/insights/feedback/subscribe/{query}",
        {"period": "weekly", "recipients": "gas@example.com\nnot-an-address", "active": "on"},
    )
    assert refused.status_code == 400
    assert "not-an-address" in refused.content.decode()  # kept as typed
    assert FeedbackSubscription.objects.count() == 0
    done = browser.post(
        f"/insights/feedback/subscribe/{query}",
        {"period": "weekly", "recipients": "gas@example.com", "active": "on"},
    )
    assert done.status_code == 302
    row = FeedbackSubscription.objects.get()
    assert (row.department_id, row.period, row.recipients) == (
        world.gas.pk,
        "weekly",
        "gas@example.com",
    )
    edit = f"/insights/feedback/subscriptions/{row.pk}/"
    assert browser.get(edit).status_code == 200
    kept = browser.post(edit, {"version": 1, "recipients": "oops@", "active": ""})
    assert kept.status_code == 400 and "oops@" in kept.content.decode()
    saved = browser.post(edit, {"version": 1, "recipients": "boss@example.com", "active": ""})
    assert saved.status_code == 302
    row.refresh_from_db()
    assert (row.recipients, row.active) == ("boss@example.com", False)
    handler = Client()
    handler.login(username="handler", password=PASSWORD)
    assert handler.get(edit).status_code == 404
    # The handler's own page: no department chooser, no subscription form.
    own = handler.get("/insights/feedback/").content.decode()
    assert world.repair.name in own and '<select name="department"' not in own
    assert 'id="feedback-subscribe"' not in own


@pytest.mark.parametrize("typed", ["in six weeks", "2026-13-40", "0001-01-01"])
def test_a_refused_day_is_said_and_kept(world: FeedbackWorld, typed: str) -> None:
    """A week that has not begun, or no day at all, is refused at the day field: the page
    says why, keeps what was typed and the chosen period, and shows this week's report."""
    if typed == "in six weeks":
        typed = (timezone.localdate() + dt.timedelta(weeks=6)).isoformat()
    browser = Client()
    browser.login(username="manager", password=PASSWORD)
    page = browser.get(f"/insights/feedback/?department={world.gas.pk}&period=weekly&day={typed}")
    assert page.status_code == 200
    text = page.content.decode()
    errors = text.split('id="feedback-chooser-errors"')[1].split("</ul>")[0]
    assert "日期" in errors
    assert f'value="{typed}"' in text
    assert '<option value="weekly" selected>' in text
    assert 'id="feedback-title"' in text and "燃气" in text
