"""Judging complaints (判责, issue 20 point 3; seed 003 (五) 2 and 二(一)1's 认责考核): only
a closed complaint is judged, once, with a reason; the department judged responsible (or
the person's team leader) appeals once, with a reason, within 3 working days of the
centre's calendar; the manager decides with a reason, an upheld appeal changing the
judgement; every step recorded. A handler never sees another department's judgements."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.supervision.models import ComplaintJudgement, JudgementState
from kefu.supervision.queries import assessment as queries
from kefu.supervision.services.judging import (
    Verdict,
    complaint_judge,
    judgement_appeal,
    judgement_decide,
)
from kefu.supervision.tests.conftest import World
from kefu.tickets.models import Ticket, TicketKind

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def complaint(world: World, number: str, state: str = "closed", kind: str = "complaint") -> Ticket:
    customer, _ = Customer.objects.get_or_create(centre=world.centre, name="赵先生")
    now = timezone.now()
    return Ticket.objects.create(
        number=number,
        centre=world.centre,
        kind=kind,
        title="投诉抢修迟到",
        state=state,
        customer=customer,
        created_by=world.users["agent"],
        created_at=now - dt.timedelta(days=3),
        closed_at=now - dt.timedelta(days=1) if state == "closed" else None,
    )


def department_of(world: World) -> OrgUnit:
    department = world.users["handler"].department
    assert department is not None
    return department


def judged(world: World, number: str = "TS0001", **at: dt.datetime) -> ComplaintJudgement:
    complaint(world, number)
    return complaint_judge(
        actor=world.users["backoffice"],
        number=number,
        verdict=Verdict("department", department_id=department_of(world).pk),
        reason="抢修队超时未到场",
        **at,
    )


def test_only_a_closed_complaint_is_judged_once_and_with_a_reason(world: World) -> None:
    backoffice = world.users["backoffice"]
    department = department_of(world)
    complaint(world, "TS0001", state="replied")
    complaint(world, "TS0002", kind=TicketKind.FAULT)
    complaint(world, "TS0003")
    verdict = Verdict("department", department_id=department.pk)
    with pytest.raises(Conflict) as refused:
        complaint_judge(actor=backoffice, number="TS0001", verdict=verdict, reason="超时")
    assert refused.value.code == "complaint_open"
    with pytest.raises(Invalid) as refused_kind:
        complaint_judge(actor=backoffice, number="TS0002", verdict=verdict, reason="超时")
    assert refused_kind.value.code == "not_a_complaint"
    with pytest.raises(Invalid) as no_reason:
        complaint_judge(actor=backoffice, number="TS0003", verdict=verdict, reason="  ")
    assert no_reason.value.code == "reason_required"
    with pytest.raises(Invalid) as no_why:
        complaint_judge(actor=backoffice, number="TS0003", verdict=Verdict("none"), reason="无责")
    assert no_why.value.code == "no_fault_required"
    with pytest.raises(Forbidden):
        complaint_judge(actor=world.users["agent"], number="TS0003", verdict=verdict, reason="x")
    assert queries.complaints_to_judge(backoffice).count() == 1

    judgement = complaint_judge(actor=backoffice, number="TS0003", verdict=verdict, reason="超时")
    assert (judgement.department_id, judgement.state) == (department.pk, JudgementState.JUDGED)
    assert queries.complaints_to_judge(backoffice).count() == 0
    with pytest.raises(Conflict) as twice:
        complaint_judge(
            actor=backoffice,
            number="TS0003",
            verdict=Verdict("none", no_fault="unreasonable"),
            reason="x",
        )
    assert twice.value.code == "already_judged"
    # The other centre's manager finds nothing to judge here.
    with pytest.raises(NotFound):
        complaint_judge(actor=world.other, number="TS0003", verdict=verdict, reason="x")


def test_the_department_appeals_once_and_the_manager_upholds_with_a_new_judgement(
    world: World,
) -> None:
    judgement = judged(world)
    handler, manager = world.users["handler"], world.users["manager"]
    with pytest.raises(Invalid):
        judgement_appeal(actor=handler, judgement=judgement, version=1, reason=" ")
    judgement = judgement_appeal(
        actor=handler, judgement=judgement, version=1, reason="客户预约时间变更,非我部门原因"
    )
    assert judgement.state == JudgementState.APPEALED
    with pytest.raises(Conflict) as again:
        judgement_appeal(actor=handler, judgement=judgement, version=2, reason="再次申诉")
    assert again.value.code == "appealed_already"
    with pytest.raises(Forbidden):
        judgement_decide(actor=handler, judgement=judgement, version=2, upheld=True, reason="x")
    with pytest.raises(Invalid) as unchanged:
        judgement_decide(
            actor=manager,
            judgement=judgement,
            version=2,
            upheld=True,
            reason="属实",
            verdict=Verdict("department", department_id=judgement.department_id),
        )
    assert unchanged.value.code == "verdict_unchanged"
    judgement = judgement_decide(
        actor=manager,
        judgement=judgement,
        version=2,
        upheld=True,
        reason="预约记录显示客户改期",
        verdict=Verdict("none", no_fault="unreasonable"),
    )
    assert (judgement.state, judgement.responsibility, judgement.department_id) == (
        JudgementState.UPHELD,
        "none",
        None,
    )
    steps = queries.judgement_steps(judgement)
    assert [s.action for s in steps] == ["judge", "appeal", "uphold"]
    assert steps[2].data["before"]["responsibility"] == "department"
    assert steps[2].reason == "预约记录显示客户改期"
    # The department that appealed still sees the judgement it had changed.
    assert queries.judgement_get_for_user(handler, judgement.pk) == judgement
    with pytest.raises(Conflict):
        judgement_decide(actor=manager, judgement=judgement, version=3, upheld=False, reason="x")


def test_a_refused_appeal_leaves_the_judgement_and_needs_a_reason(world: World) -> None:
    judgement = judged(world)
    judgement = judgement_appeal(
        actor=world.users["handler"], judgement=judgement, version=1, reason="非我部门"
    )
    manager = world.users["manager"]
    with pytest.raises(Invalid):
        judgement_decide(actor=manager, judgement=judgement, version=2, upheld=False, reason="")
    with pytest.raises(Conflict) as stale:
        judgement_decide(actor=manager, judgement=judgement, version=1, upheld=False, reason="x")
    assert stale.value.code == "stale_version"
    judgement = judgement_decide(
        actor=manager, judgement=judgement, version=2, upheld=False, reason="到场记录超时属实"
    )
    assert judgement.state == JudgementState.REFUSED
    assert judgement.department_id == department_of(world).pk


def test_the_appeal_window_is_three_working_days_on_the_centres_calendar(world: World) -> None:
    # Friday 14 November 2025, 16:00: three working days on → Wednesday 19th, 16:00.
    friday = dt.datetime(2025, 11, 14, 16, 0, tzinfo=SHANGHAI)
    judgement = judged(world, at=friday)
    assert judgement.appeal_due_at == dt.datetime(2025, 11, 19, 16, 0, tzinfo=SHANGHAI)
    handler = world.users["handler"]
    with pytest.raises(Conflict) as late:
        judgement_appeal(
            actor=handler,
            judgement=judgement,
            version=1,
            reason="迟到的申诉",
            at=dt.datetime(2025, 11, 19, 16, 1, tzinfo=SHANGHAI),
        )
    assert late.value.code == "appeal_window_closed"
    judgement = judgement_appeal(
        actor=handler,
        judgement=judgement,
        version=1,
        reason="按时申诉",
        at=dt.datetime(2025, 11, 19, 15, 59, tzinfo=SHANGHAI),
    )
    assert judgement.state == JudgementState.APPEALED


def test_who_appeals_a_persons_judgement_and_who_sees_which(
    world: World, make_user: object
) -> None:
    complaint(world, "TS0009")
    agent = world.users["agent"]
    judgement = complaint_judge(
        actor=world.users["manager"],
        number="TS0009",
        verdict=Verdict("person", person_id=agent.pk),
        reason="服务态度生硬",
    )
    gas = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="gas", name="燃气", parent=world.centre
    )
    other_handler: User = make_user("handler", username="gas-handler", department=gas)  # type: ignore[operator]
    mine = judged(world, "TS0010")
    # The department's handler: only its own department's judgements.
    assert list(queries.judgements_of(world.users["handler"])) == [mine]
    assert list(queries.judgements_of(other_handler)) == []
    with pytest.raises(NotFound):
        queries.judgement_get_for_user(other_handler, mine.pk)
    with pytest.raises(Forbidden):
        judgement_appeal(actor=other_handler, judgement=mine, version=1, reason="x")
    with pytest.raises(Forbidden):
        queries.judgements_of(world.users["agent"])
    # A person's judgement: their team leader appeals, not another leader nor a handler.
    with pytest.raises(Forbidden):
        judgement_appeal(actor=world.other_leader, judgement=judgement, version=1, reason="x")
    with pytest.raises(Forbidden):
        judgement_appeal(actor=world.users["handler"], judgement=judgement, version=1, reason="x")
    judgement = judgement_appeal(
        actor=world.users["leader"], judgement=judgement, version=1, reason="录音显示语气正常"
    )
    assert judgement.appealed_by == world.users["leader"]
    assert set(queries.judgements_of(world.users["qa"])) == {judgement, mine}
