"""Issue 15, point 23: one notification per event per person. The same order's stage limit
and whole-order limit passing are two events, named apart; noticing an event again (a
second sweeper, a sweep after a restart) tells no one twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.core.models import Notification, User
from kefu.core.services import notify
from kefu.tickets.models import Ticket
from kefu.tickets.services import deadline_sweep

pytestmark = pytest.mark.django_db


def test_the_same_order_overdue_is_told_once_per_event_and_person(
    open_ticket: Callable[..., dict[str, Any]], users: dict[str, User]
) -> None:
    number = open_ticket()["number"]
    far = timezone.now() + timedelta(days=30)
    result = deadline_sweep(now=far)
    assert result.overdue == 2  # the review stage's limit and the whole order's

    titles = list(
        Notification.objects.filter(recipient=users["backoffice"], kind="ticket.overdue")
        .order_by("title")
        .values_list("title", flat=True)
    )
    assert len(titles) == 2
    assert titles[0] != titles[1]  # no two identical lines
    assert any("整单" in title for title in titles)
    assert any("审核" in title for title in titles)

    # The same events noticed again (flags lost, or a second sweeper): nobody told twice.
    before = Notification.objects.count()
    Ticket.objects.filter(number=number).update(
        stage_warned=False, stage_overdue=False, overall_warned=False, overall_overdue=False
    )
    deadline_sweep(now=far + timedelta(minutes=1))
    assert Notification.objects.count() == before


def test_the_database_refuses_a_second_notification_of_one_event(
    users: dict[str, User],
) -> None:
    agent = users["agent"]
    for _attempt in range(2):
        notify(recipients=[agent, agent], kind="ticket.overdue", title="超时", key="e:1")
    assert Notification.objects.filter(recipient=agent).count() == 1
    notify(recipients=[agent], kind="ticket.overdue", title="超时", key="e:2")
    notify(recipients=[agent], kind="ticket.overdue", title="无键", key="")
    notify(recipients=[agent], kind="ticket.overdue", title="无键", key="")
    assert Notification.objects.filter(recipient=agent).count() == 4
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=agent, kind="x", title="重复", key="e:1")
