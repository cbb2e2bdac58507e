"""The reminder plan pages (issue 19, point 4): a manager keeps the rules; a refused form
keeps what was typed; the plan of 002 第2篇 in one step; others are refused."""

from __future__ import annotations

from django.test import Client

from kefu.core.models import User
from kefu.satisfaction.models import ReminderRule

FORM = {
    "name": "预付费余额到期提醒",
    "event": "prepaid_expiry",
    "days": "3",
    "channel": "sms",
    "template": "尊敬的{客户}：您的预付费余额将于{日期}到期。",
    "send_from": "09:00",
    "send_until": "11:00",
    "active": "on",
}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_manager_adds_and_changes_a_rule(users: dict[str, User]) -> None:
    client = _client(users["manager"])
    page = client.get("/satisfaction/reminders/")
    assert page.status_code == 200
    assert "提醒" in page.content.decode()
    saved = client.post("/satisfaction/reminders/", FORM)
    assert saved.status_code == 302
    rule = ReminderRule.objects.get()
    assert (rule.event, rule.days, rule.active) == ("prepaid_expiry", 3, True)
    listed = client.get("/satisfaction/reminders/").content.decode()
    assert "预付费余额到期提醒" in listed

    edit = client.get(f"/satisfaction/reminders/{rule.pk}/")
    assert edit.status_code == 200
    changed = client.post(
        f"/satisfaction/reminders/{rule.pk}/", {**FORM, "days": "5", "version": "1"}
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert (rule.days, rule.version, rule.active) == (5, 2, True)
    stale = client.post(f"/satisfaction/reminders/{rule.pk}/", {**FORM, "version": "1"})
    assert stale.status_code == 400


def test_a_refused_rule_keeps_what_was_typed(users: dict[str, User]) -> None:
    client = _client(users["manager"])
    refused = client.post("/satisfaction/reminders/", {**FORM, "template": "您好{姓名}，请缴费"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "您好{姓名}，请缴费" in body
    assert "预付费余额到期提醒" in body
    assert not ReminderRule.objects.exists()


def test_the_service_standards_plan_in_one_step(users: dict[str, User]) -> None:
    """002 第2篇: four weeks, two weeks and one week ahead; seven days after a repair."""
    client = _client(users["manager"])
    assert client.post("/satisfaction/reminders/seed/").status_code == 302
    assert sorted(ReminderRule.objects.values_list("days", flat=True)) == [7, 7, 14, 28]


def test_an_agent_may_not_keep_the_rules(users: dict[str, User]) -> None:
    client = _client(users["agent"])
    assert client.get("/satisfaction/reminders/").status_code == 403
    assert client.post("/satisfaction/reminders/seed/").status_code == 403
