"""Issue 15, point 23: the bell's page groups notifications by what they are about,
filters them by kind and by read or unread, marks them read all at once or a group at a
time, and the badge stays readable past 99."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kefu.core.models import Notification, User
from kefu.core.services import notify

pytestmark = pytest.mark.django_db


def _bell(users: dict[str, User]) -> tuple[User, Client]:
    person = users["backoffice"]
    a, b = "/tickets/GD20261201000001/", "/tickets/GD20261201000002/"
    notify(recipients=[person], kind="ticket.warning", title="GD…01 预警", link=a, key="w1")
    notify(recipients=[person], kind="ticket.overdue", title="GD…01 超时（审核）", link=a, key="o1")
    notify(recipients=[person], kind="ticket.overdue", title="GD…01 超时（整单）", link=a, key="o2")
    notify(recipients=[person], kind="ticket.assigned", title="GD…02 新工单", link=b, key="n2")
    client = Client()
    client.force_login(person)
    return person, client


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr class=\"[^\"]*\">.*?</tr>", body, re.S)


def test_grouped_by_order_with_kinds_in_chinese(users: dict[str, User]) -> None:
    _person, client = _bell(users)
    html = client.get("/notifications/").content.decode()
    rows = _rows(html)
    assert len(rows) == 2  # two orders, four notifications
    assert "GD…02 新工单" in rows[0] and "工单派发" in rows[0]
    assert "GD…01 超时（整单）" in rows[1] and "时限超时" in rows[1]
    assert "此前同一事项还有 2 条" in rows[1]
    assert "ticket.overdue" not in html.split("<main>", 1)[1].split("<select", 1)[0]


def test_filtered_by_kind_and_by_read(users: dict[str, User]) -> None:
    person, client = _bell(users)
    html = client.get("/notifications/", {"kind": "ticket.assigned"}).content.decode()
    assert len(_rows(html)) == 1 and "GD…02 新工单" in html and "GD…01" not in html
    client.post("/notifications/read", {"kind": "ticket.assigned"})
    assert Notification.objects.filter(recipient=person, read_at__isnull=True).count() == 3
    unread = client.get("/notifications/", {"state": "unread"}).content.decode()
    assert "GD…02" not in unread and "GD…01" in unread
    read = client.get("/notifications/", {"state": "read"}).content.decode()
    assert "GD…02" in read and "GD…01" not in read


def test_mark_all_read_and_one_group_read(users: dict[str, User]) -> None:
    person, client = _bell(users)
    client.post("/notifications/read", {"link": "/tickets/GD20261201000001/"})
    assert client.get("/notifications/badge").content == b"1"
    client.post("/notifications/read")
    assert client.get("/notifications/badge").content == b""
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()


def test_opening_a_notification_reads_it_and_goes_to_its_order(users: dict[str, User]) -> None:
    person, client = _bell(users)
    item = Notification.objects.get(recipient=person, key="n2")
    response = client.get(f"/notifications/{item.pk}/open")
    assert response.headers["Location"] == "/tickets/GD20261201000002/"
    item.refresh_from_db()
    assert item.read_at is not None
    other = Client()
    other.force_login(users["agent"])
    assert other.get(f"/notifications/{item.pk}/open").status_code == 404


def test_the_badge_says_99_plus_past_99(users: dict[str, User]) -> None:
    person = users["agent"]
    Notification.objects.bulk_create(
        Notification(recipient=person, kind="ticket.overdue", title=f"{n}", key=f"k{n}")
        for n in range(120)
    )
    client = Client()
    client.force_login(person)
    assert client.get("/notifications/badge").content.decode() == "99+"
