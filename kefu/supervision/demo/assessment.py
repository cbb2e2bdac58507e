"""The demo centre's assessment (issue 20 point 3): the centre's appraisal weights (the
defaults, saved as the centre's own), and two months of closed complaints judged by the
back office — most against the department that handled them, some against the agent who
took them, some nobody's fault — a few of the latest still to judge; three appeals: one
upheld, one refused, one waiting for the manager. The department figures and the
quarter's appraisal are read from the demo's orders, contacts and scores as they are.

Written through the judging services with their times backdated (`at`), so every step is
recorded as the pages show it. Loaded once, at the end of load_supervision."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import BACKOFFICE, HANDLER, LEADER, MANAGER
from kefu.supervision import appraisal
from kefu.supervision.models import AppraisalRules, ComplaintJudgement
from kefu.supervision.services.judging import (
    Verdict,
    complaint_judge,
    judgement_appeal,
    judgement_decide,
)
from kefu.tickets.models import Ticket, TicketKind

SEED = 95598 + 203
DAYS = 61
LEFT_TO_JUDGE = 3
DEPARTMENT_REASONS = (
    "处理部门超过承诺时限未到场,客户多次催办",
    "回单内容与现场情况不符,客户反映问题未解决",
    "部门人员未按约定时间联系客户",
)
PERSON_REASONS = (
    "受理时未按规范核实客户信息,导致派单错误",
    "通话中语气生硬,未使用安抚话术",
)
NO_FAULT_REASONS = {
    "not_at_fault": "经核实系第三方施工造成,非我方责任",
    "unreasonable": "客户要求超出供用电合同约定的服务范围",
}


def _first(centre: OrgUnit, role: str, **extra: object) -> User | None:
    return (
        User.objects.filter(centre=centre, groups__name=role, is_active=True, **extra)
        .order_by("pk")
        .first()
    )


def load_assessment(centre: OrgUnit) -> int:
    """Load the demo's assessment once; returns the judgements written."""
    if not AppraisalRules.objects.filter(centre=centre).exists():
        AppraisalRules.objects.create(centre=centre, weights=dict(appraisal.DEFAULT_WEIGHTS))
    if ComplaintJudgement.objects.filter(centre=centre).exists():
        return 0
    backoffice = _first(centre, BACKOFFICE)
    manager = _first(centre, MANAGER)
    if backoffice is None or manager is None:
        return 0
    now = timezone.now()
    complaints = list(
        Ticket.objects.filter(
            centre=centre,
            kind=TicketKind.COMPLAINT,
            state="closed",
            closed_at__gte=now - timedelta(days=DAYS),
        )
        .select_related("department", "created_by")
        .order_by("closed_at", "pk")
    )
    rng = random.Random(SEED)  # noqa: S311 (demo data, not security)
    judged: list[ComplaintJudgement] = []
    with transaction.atomic():
        to_judge = complaints[: max(0, len(complaints) - LEFT_TO_JUDGE)]
        for index, ticket in enumerate(to_judge):
            assert ticket.closed_at is not None  # noqa: S101 (closed orders have it)
            at = min(ticket.closed_at + timedelta(hours=rng.randint(2, 30)), now)
            if index >= len(to_judge) - 4:
                # The latest few were judged this morning: their appeal window is open.
                at = max(ticket.closed_at, now - timedelta(hours=rng.randint(1, 4)))
            draw = rng.random()
            if ticket.department_id is not None and draw < 0.6:
                verdict = Verdict("department", department_id=ticket.department_id)
                reason = rng.choice(DEPARTMENT_REASONS)
            elif draw < 0.8 and ticket.created_by_id is not None:
                verdict = Verdict("person", person_id=ticket.created_by_id)
                reason = rng.choice(PERSON_REASONS)
            else:
                no_fault = rng.choice(sorted(NO_FAULT_REASONS))
                verdict = Verdict("none", no_fault=no_fault)
                reason = NO_FAULT_REASONS[no_fault]
            judged.append(
                complaint_judge(
                    actor=backoffice, number=ticket.number, verdict=verdict, reason=reason, at=at
                )
            )
        _appeals(centre, judged, manager, now)
    return len(judged)


def _appellant(centre: OrgUnit, judgement: ComplaintJudgement) -> User | None:
    if judgement.responsibility == "department":
        return _first(centre, HANDLER, department_id=judgement.department_id)
    if judgement.person is not None and judgement.person.team_id is not None:
        return _first(centre, LEADER, team_id=judgement.person.team_id)
    return None


def _appeals(
    centre: OrgUnit, judged: list[ComplaintJudgement], manager: User, now: datetime
) -> None:
    """The oldest appealable judgements: one upheld, one refused; the latest one still
    within its window: appealed, waiting for the manager."""
    appealable = [j for j in judged if j.responsibility != "none" and _appellant(centre, j)]
    if not appealable:
        return
    decided = appealable[:2] if len(appealable) > 2 else appealable[:1]
    for judgement, upheld in zip(decided, (True, False), strict=False):
        appellant = _appellant(centre, judgement)
        assert appellant is not None  # noqa: S101 (filtered above)
        judgement = judgement_appeal(
            actor=appellant,
            judgement=judgement,
            version=judgement.version,
            reason="经核实,客户改约时间已征得客户同意,请求复核",
            at=min(judgement.judged_at + timedelta(hours=20), now),
        )
        judgement_decide(
            actor=manager,
            judgement=judgement,
            version=judgement.version,
            upheld=upheld,
            reason="录音与派单记录证实客户同意改约" if upheld else "到场记录显示超时属实,维持原判",
            verdict=Verdict("none", no_fault="not_at_fault") if upheld else None,
            at=min(judgement.judged_at + timedelta(days=2), now),
        )
    waiting = appealable[-1]
    if waiting.appeal_due_at > timezone.now() and waiting not in decided:
        appellant = _appellant(centre, waiting)
        assert appellant is not None  # noqa: S101
        judgement_appeal(
            actor=appellant,
            judgement=waiting,
            version=waiting.version,
            reason="该投诉系客户对电价政策不满,非我部门处理问题",
        )
