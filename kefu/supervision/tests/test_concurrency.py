"""Two people acting on the same thing at once (STYLE 4): the leader's re-check and a
manager's re-check of one rectification race, and two findings race on one round; the
row lock and the version let exactly one of each pair through, the other is told the
row changed (409), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.conftest import race
from kefu.core.errors import Conflict
from kefu.supervision.models import Finding, Rectification, RectificationState
from kefu.supervision.services.rectifications import (
    rectification_recheck,
    rectification_report,
)
from kefu.supervision.services.rounds import RectificationIn, finding_add, round_start
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_racing_rechecks_and_findings_let_one_through(world: World) -> None:
    leader, manager, agent = (world.users[r] for r in ("leader", "manager", "agent"))
    round_ = round_start(actor=leader, kind="patrol", checklist_id=world.checklist().pk)
    finding = finding_add(
        actor=leader,
        round_=round_,
        version=1,
        description="地面有纸屑",
        correction="当场清理",
        rectification=RectificationIn(
            "每日检查地面", agent.pk, timezone.localdate() + timedelta(days=1)
        ),
    )
    rect = Rectification.objects.get(finding=finding)
    rectification_report(actor=agent, rectification=rect, version=1, note="已整改")

    results = race(
        [
            lambda: rectification_recheck(actor=leader, rectification=rect, version=2, passed=True),
            lambda: rectification_recheck(
                actor=manager, rectification=rect, version=2, passed=False, note="仍有纸屑"
            ),
        ]
    )
    assert sum(isinstance(r, Rectification) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    rect.refresh_from_db()
    assert rect.version == 3 and rect.events.count() == 3
    assert rect.state in {RectificationState.CLOSED, RectificationState.OPEN}

    round_.refresh_from_db()
    results = race(
        [
            lambda n=n: finding_add(  # type: ignore[misc]
                actor=leader,
                round_=round_,
                version=round_.version,
                description=f"问题{n}",
                correction="当场纠正",
            )
            for n in range(2)
        ]
    )
    assert sum(isinstance(r, Finding) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert Finding.objects.count() == 2
