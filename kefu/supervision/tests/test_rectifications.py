"""Who is told what along a rectification (001 4.1.3: 整改落实情况要重点监督): the owner
when it is set and when it is sent back, the inspector when it is reported done, and both,
once, when it is past its deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.models import Notification, User
from kefu.supervision.models import Rectification
from kefu.supervision.services.rectifications import (
    rectification_recheck,
    rectification_report,
    rectifications_overdue_sweep,
)
from kefu.supervision.services.rounds import RectificationIn, finding_add, round_start
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def _titles(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="rectification")
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_owner_and_inspector_are_told_each_step_and_of_the_overdue_once(world: World) -> None:
    leader, agent = world.users["leader"], world.users["agent"]
    today = timezone.localdate()
    round_ = round_start(actor=leader, kind="patrol", checklist_id=world.checklist().pk)
    finding = finding_add(
        actor=leader,
        round_=round_,
        version=1,
        description="桌面资料摆放杂乱",
        correction="当场整理",
        rectification=RectificationIn("每日交班前整理桌面", agent.pk, today + timedelta(days=1)),
    )
    rect = Rectification.objects.get(finding=finding)
    assert _titles(agent) == [f"整改任务已派给您，期限 {today + timedelta(days=1)}"]
    link = Notification.objects.get(recipient=agent).link
    assert link == f"/supervision/rectifications/{rect.pk}/"

    rectification_report(actor=agent, rectification=rect, version=1, note="已整理")
    assert _titles(leader) == ["整改已报完成，请复查"]
    rectification_recheck(
        actor=leader, rectification=rect, version=2, passed=False, note="抽屉仍杂乱"
    )
    assert _titles(agent)[-1] == "整改被退回：抽屉仍杂乱"

    # Not yet late on its deadline; late the day after, and told once however often swept.
    assert rectifications_overdue_sweep(today=today + timedelta(days=1)) == 0
    for _ in range(2):
        assert rectifications_overdue_sweep(today=today + timedelta(days=2)) == 1
    overdue = f"整改已逾期（期限 {today + timedelta(days=1)}）"
    assert _titles(agent).count(overdue) == 1 and _titles(leader).count(overdue) == 1

    # Closed after the re-check: no longer swept.
    rect.refresh_from_db()
    rectification_report(actor=agent, rectification=rect, version=rect.version, note="已整理")
    rectification_recheck(actor=leader, rectification=rect, version=rect.version + 1, passed=True)
    assert rectifications_overdue_sweep(today=today + timedelta(days=9)) == 0
