"""The demo's assessment (issue 20 point 3): the centre's weights saved, the closed
complaints judged but the latest few, one appeal upheld, one refused and one waiting;
loaded once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.customers.models import Customer
from kefu.supervision.appraisal import DEFAULT_WEIGHTS
from kefu.supervision.demo.assessment import LEFT_TO_JUDGE, load_assessment
from kefu.supervision.models import AppraisalRules, ComplaintJudgement, JudgementState
from kefu.supervision.tests.conftest import World
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_judgements_and_appeals(world: World) -> None:
    customer = Customer.objects.create(centre=world.centre, name="孙先生")
    department = world.users["handler"].department
    now = timezone.now()
    for n in range(12):
        Ticket.objects.create(
            number=f"TS9{n:03d}",
            centre=world.centre,
            kind="complaint",
            title="投诉抢修迟到",
            state="closed",
            customer=customer,
            department=department,
            created_by=world.users["agent"],
            created_at=now - timedelta(days=50 - 4 * n),
            closed_at=now - timedelta(days=48 - 4 * n),
        )
    written = load_assessment(world.centre)
    assert written == 12 - LEFT_TO_JUDGE == ComplaintJudgement.objects.count()
    assert AppraisalRules.objects.get(centre=world.centre).weights == dict(DEFAULT_WEIGHTS)
    states = sorted(ComplaintJudgement.objects.values_list("state", flat=True))
    assert states.count(JudgementState.UPHELD) == 1
    assert states.count(JudgementState.REFUSED) == 1
    assert states.count(JudgementState.APPEALED) == 1
    waiting = ComplaintJudgement.objects.get(state=JudgementState.APPEALED)
    assert waiting.appealed_at is not None and waiting.appealed_at <= waiting.appeal_due_at
    assert load_assessment(world.centre) == 0
