"""Two leaders' clicks at once: a log is handed over once and acknowledged once, the
other click refused (002 第15篇 3.4.1.5: one signature each)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.conftest import race
from kefu.core.errors import Conflict
from kefu.core.models import User
from kefu.workforce.models import DutyEntry, DutyLog, Handover
from kefu.workforce.services.duty import (
    duty_log_open,
    handover_acknowledge,
    handover_prepare,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_double_click_hands_over_once_and_takes_over_once(outgoing: User, incoming: User) -> None:
    now = timezone.now()
    log = duty_log_open(
        actor=outgoing, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7)
    )
    DutyEntry.objects.create(log=log, at=now, kind="open_issue", text="回访未完成", author=outgoing)
    prepared = race(
        [
            lambda: handover_prepare(actor=outgoing, log_id=log.pk, incoming="li", notes="一"),
            lambda: handover_prepare(actor=outgoing, log_id=log.pk, incoming="li", notes="二"),
        ]
    )
    assert sorted(type(result).__name__ for result in prepared) == ["Conflict", "Handover"]
    assert Handover.objects.count() == 1
    taken = race([lambda: handover_acknowledge(actor=incoming, log_id=log.pk)] * 2)
    assert sum(isinstance(result, Conflict) for result in taken) == 1
    assert sum(isinstance(result, Handover) for result in taken) == 1
    # One log for the incoming leader, the open issue carried into it once.
    mine = DutyLog.objects.get(leader=incoming)
    assert list(mine.entries.values_list("text", flat=True)) == ["回访未完成"]
