"""The demo centre's 绿苗计划 (seed 003 第二部分(八)1): last half year's selection, closed,
with candidates who applied or were nominated, the panel's scores, the manager's decisions
and the reserves it admitted, and the shift leaders' evaluation; and this half year's
selection, open: the reserves up for re-confirmation, new candidates partly scored, and
some ratings of the leaders. Loaded once, through the services (the dates then set
back)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import AGENT, EXPERT, LEADER, MANAGER
from kefu.supervision import reserve_rules
from kefu.supervision.models import ReserveCandidate, ReserveMember, ReserveSelection
from kefu.supervision.services.reserve import (
    candidate_apply,
    candidate_decide,
    candidate_nominate,
    candidate_score,
    leader_rate,
    selection_close,
    selection_open,
)

STATEMENTS = [
    "入职两年，熟悉各类业务，愿意带新人，希望承担更多排班和现场管理工作。",
    "多次获得服务明星，想提升自己的现场协调能力。",
    "",
]
ADMIT = "近半年接听量与质检分均在班组前列，考试成绩优秀，评委一致推荐。"
DECLINE = "质检平均分偏低，建议下半年提升后再参加。"
CONFIRM = "继续保持，再次确认为后备人才。"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _people(centre: OrgUnit, role: str) -> list[User]:
    return list(
        User.objects.filter(centre=centre, groups__name=role, is_active=True)
        .select_related("team")
        .order_by("pk")
    )


def _rate_leaders(
    selection: ReserveSelection, manager: User, leaders: list[User], staff: list[User], share: float
) -> None:
    rng = random.Random(selection.half_start.toordinal())  # noqa: S311 - demo data
    for leader in leaders:
        leader_rate(
            actor=manager, selection=selection, leader_id=leader.pk, score=rng.randint(75, 95)
        )
        members = [p for p in staff if p.team_id and p.team_id == leader.team_id]
        for person in members[: max(0, int(len(members) * share))]:
            leader_rate(
                actor=person, selection=selection, leader_id=leader.pk, score=rng.randint(70, 100)
            )


def load_reserve(centre: OrgUnit) -> int:
    """Returns the candidates written (0 when the demo has them already)."""
    if ReserveSelection.objects.filter(centre=centre).exists():
        return 0
    managers, leaders = _people(centre, MANAGER), _people(centre, LEADER)
    staff = [p for p in _people(centre, AGENT) + _people(centre, EXPERT) if p.team_id]
    if not managers or not leaders or len(staff) < 4:
        return 0
    manager = managers[0]
    today = timezone.localdate()
    current = reserve_rules.half_of(today)[0]
    past = reserve_rules.previous_half(current)
    rng = random.Random(7)  # noqa: S311 - demo data, nothing secret
    written = 0
    with transaction.atomic():
        # Last half year: opened, applied and nominated, scored, decided, closed.
        selection, _created = selection_open(
            actor=manager, half_start=past, note="上半年值班长后备公开选拔", today=past
        )
        chosen = staff[:6]
        for n, person in enumerate(chosen):
            if n % 2 == 0:
                candidate_apply(actor=person, selection=selection, statement=STATEMENTS[n % 3])
            else:
                nominator = next(
                    (lead for lead in leaders if lead.team_id == person.team_id), manager
                )
                candidate_nominate(
                    actor=nominator,
                    selection=selection,
                    person_id=person.pk,
                    statement="工作认真负责",
                )
            written += 1
        for n, candidate in enumerate(
            ReserveCandidate.objects.filter(selection=selection).order_by("pk")
        ):
            for scorer in [manager, *leaders[:2]]:
                candidate_score(
                    actor=scorer,
                    candidate=candidate,
                    score=rng.randint(70, 95) - (8 if n == 5 else 0),
                )
            candidate_decide(
                actor=manager,
                candidate=candidate,
                version=candidate.version,
                admit=n < 4,
                reason=ADMIT if n < 4 else DECLINE,
            )
        _rate_leaders(selection, manager, leaders, staff, 0.8)
        selection = selection_close(actor=manager, selection=selection, version=selection.version)
        opened = _at(past + dt.timedelta(days=14), 10)
        ReserveSelection.objects.filter(pk=selection.pk).update(
            opened_at=opened, closed_at=_at(past + dt.timedelta(days=45), 16)
        )
        ReserveMember.objects.filter(admitted_by_selection=selection).update(
            admitted_at=_at(past + dt.timedelta(days=40), 15)
        )
        # This half year: open; the reserves come back for re-confirmation, new candidates.
        selection, _created = selection_open(
            actor=manager, half_start=current, note="下半年值班长后备公开选拔，欢迎报名"
        )
        for person in staff[6:9]:
            candidate_apply(actor=person, selection=selection, statement=STATEMENTS[0])
            written += 1
        candidates = list(ReserveCandidate.objects.filter(selection=selection).order_by("pk"))
        for n, candidate in enumerate(candidates):
            if n % 2 == 0:
                candidate_score(actor=manager, candidate=candidate, score=rng.randint(75, 92))
        if candidates:
            first = candidates[0]
            candidate_decide(
                actor=manager, candidate=first, version=first.version, admit=True, reason=CONFIRM
            )
        _rate_leaders(selection, manager, leaders, staff, 0.5)
    return written
