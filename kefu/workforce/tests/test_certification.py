"""持证上岗 (000 第3篇 通过技能培训考试, 持证上岗; issue 20 point 2): the rota never puts a
person on a queue that requires a certification they do not hold for the rota's days.
Certifications are granted by supervision's exams; here they are written directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from kefu.core.errors import Forbidden
from kefu.core.models import OrgUnit, User
from kefu.telephony.models import Queue
from kefu.workforce.models import Contract, Rota, ShiftTemplate, StaffMember
from kefu.workforce.services.certification import certification_grant, queue_certification_set
from kefu.workforce.services.rota import rota_problem

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 3, 2)


def test_the_rota_leaves_out_a_queue_the_person_is_not_certified_for(
    centre: OrgUnit, make_user: Callable[..., User]
) -> None:
    billing = Queue.objects.create(centre=centre, name="power-billing", title="电费咨询")
    fault = Queue.objects.create(centre=centre, name="power-fault", title="故障报修")
    contract = Contract.objects.create(centre=centre, name="全职")
    ShiftTemplate.objects.create(
        centre=centre, code="day", name="白班", kind="day", start=dt.time(9), length_minutes=480
    )
    people = {
        name: StaffMember.objects.create(
            user=make_user("agent", username=name), centre=centre, contract=contract
        )
        for name in ("held", "expires", "none")
    }
    for member in people.values():
        member.queues.set([billing, fault])
    queue_certification_set(actor=make_user("manager"), queue_id=fault.pk, required=True)
    with pytest.raises(Forbidden):
        queue_certification_set(actor=people["none"].user, queue_id=fault.pk, required=False)
    certification_grant(
        user=people["held"].user, queue_id=fault.pk, granted_on=FIRST, days=365, source="考试"
    )
    # Expires on the rota's third day: not certified for the whole rota.
    certification_grant(
        user=people["expires"].user,
        queue_id=fault.pk,
        granted_on=FIRST - dt.timedelta(days=362),
        days=365,
        source="考试",
    )
    rota = Rota.objects.create(centre=centre, first_day=FIRST, last_day=FIRST + dt.timedelta(6))
    skills = {agent.id: agent.skills for agent in rota_problem(rota).agents}
    assert skills[str(people["held"].pk)] == {"power-billing", "power-fault"}
    assert skills[str(people["expires"].pk)] == {"power-billing"}
    assert skills[str(people["none"].pk)] == {"power-billing"}
