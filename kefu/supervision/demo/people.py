"""The demo's finishing pieces of the people part (issue 20 points 2-4): the latest quarter
that is over gets its skills test, marked, so every person page shows an appraisal with
a total, a rank and the components with no figure (the demo's calls and contacts begin in
the current quarter); the fault-repair queue's certification is granted by hand to one
agent and revoked from another, so the certification page has a history; and one training
session has a walk-in attendee.

Written through the services where they exist (the hand grant, the revocation, the walk-in,
stamped today) and, for the old exam, directly as `demo.exams` writes its papers."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import AGENT, BACKOFFICE, EXPERT, MANAGER, QA
from kefu.supervision.demo.exams import ALL_TOPICS, _paper
from kefu.supervision.models import Exam, ExamKind, PartialRule, Question, TrainingSession
from kefu.supervision.queries.people import latest_quarter
from kefu.supervision.services.training import attendees_add
from kefu.telephony.models import Queue
from kefu.workforce.models import Certification
from kefu.workforce.services.certification import (
    certification_grant_by_hand,
    certification_revoke,
)

SEED = 95598 + 2004
TITLE = "季度岗位技能抽考"
SPEC = {"single": (10, "4"), "true_false": (10, "3"), "multiple": (2, "15")}


def load_people(centre: OrgUnit) -> int:
    """Load once; returns the papers written."""
    if Exam.objects.filter(centre=centre, title=TITLE).exists():
        return 0
    with transaction.atomic():
        return _load(centre)


def _staff(centre: OrgUnit, roles: tuple[str, ...]) -> list[User]:
    return list(
        User.objects.filter(centre=centre, is_active=True, groups__name__in=roles)
        .distinct()
        .order_by("username")
    )


def _load(centre: OrgUnit) -> int:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not a secret
    qa = next(iter(_staff(centre, (QA,))), None)
    manager = next(iter(_staff(centre, (MANAGER,))), None)
    bank = list(Question.objects.filter(centre=centre, active=True))
    if qa is None or manager is None or not bank:
        return 0
    _first, last = latest_quarter()
    zone = timezone.get_current_timezone()
    closes = datetime.combine(last - timedelta(days=2), time(18), tzinfo=zone)
    exam = Exam.objects.create(
        centre=centre,
        kind=ExamKind.QUARTERLY,
        title=TITLE,
        topics=ALL_TOPICS,
        spec={k: {"count": c, "points": p} for k, (c, p) in SPEC.items()},
        opens_at=closes - timedelta(days=3),
        closes_at=closes,
        minutes=45,
        pass_mark=Decimal(60),
        partial_rule=PartialRule.HALF,
        created_by=qa,
    )
    front = _staff(centre, (AGENT, EXPERT, BACKOFFICE))
    written = 0
    for n, person in enumerate(front):
        start = exam.opens_at + timedelta(days=n % 3, hours=1 + n % 6)
        written += _paper(
            exam, person, bank, rng, start, marker=qa, skill=0.5 + 0.45 * rng.random()
        )
    _certifications(centre, manager, front)
    _walk_in(centre, qa, front)
    return written


def _certifications(centre: OrgUnit, manager: User, front: list[User]) -> None:
    fault = Queue.objects.filter(centre=centre, name="power-fault").first()
    if fault is None:
        return
    held = set(Certification.objects.filter(queue=fault).values_list("user_id", flat=True))
    newcomer = next((p for p in front if p.pk not in held), None)
    if newcomer is not None:
        certification_grant_by_hand(
            actor=manager,
            user_id=newcomer.pk,
            queue_id=fault.pk,
            granted_on=timezone.localdate() - timedelta(days=20),
            days=365,
            reason="调入前已在市公司客服中心取得故障报修上岗证",
        )
    revoked = (
        Certification.objects.filter(queue=fault, granted_by__isnull=True)
        .exclude(user__username="agent")
        .order_by("user__username")
        .first()
    )
    if revoked is not None:
        certification_revoke(
            actor=manager,
            certification_id=revoked.pk,
            reason="监听发现故障报修受理流程不熟，复训后重新考试",
        )


def _walk_in(centre: OrgUnit, qa: User, front: list[User]) -> None:
    session = TrainingSession.objects.filter(centre=centre).order_by("-starts_at").first()
    if session is None:
        return
    listed = set(session.attendance.values_list("person_id", flat=True))
    walk_in = next((p for p in front if p.pk not in listed), None)
    if walk_in is not None:
        attendees_add(actor=qa, session=session, people=[walk_in.pk])
