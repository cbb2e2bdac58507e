"""The demo centre's leave and swap requests (调班申请, 002 第15篇 3.1.1): a few waiting
for the team leader, one waiting for a colleague, and a few decided, on the demo's
published rota. Made through the services, so approvals change the shifts and are
recorded as any would be. Called after the demo rota exists; does nothing without a
published rota with upcoming shifts, or when the requests are there already."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from kefu.core.errors import DomainError
from kefu.core.models import OrgUnit, User
from kefu.core.roles import LEADER
from kefu.workforce.models import (
    LeaveKind,
    LeaveRequest,
    RequestStatus,
    Rota,
    RotaStatus,
    Shift,
    StaffMember,
    SwapRequest,
)
from kefu.workforce.queries.requests import members_led_by
from kefu.workforce.services import requests as services


def _members_with_shifts(rota: Rota, led: list[int], today: dt.date) -> list[StaffMember]:
    """The leader's staff who work the rota's coming days, most shifts first."""
    counts: dict[int, int] = {}
    for member_id in Shift.objects.filter(
        rota=rota, member_id__in=led, day__gt=today + dt.timedelta(days=1)
    ).values_list("member_id", flat=True):
        counts[member_id] = counts.get(member_id, 0) + 1
    order = sorted(counts, key=lambda pk: (-counts[pk], pk))
    members = StaffMember.objects.in_bulk(order)
    return [members[pk] for pk in order]


def _upcoming(member: StaffMember, rota: Rota, today: dt.date) -> list[Shift]:
    return list(
        Shift.objects.filter(rota=rota, member=member, day__gt=today + dt.timedelta(days=1))
        .select_related("template")
        .order_by("day")
    )


def _swap_pair(
    one: StaffMember, other: StaffMember, rota: Rota, today: dt.date, skip: set[int]
) -> tuple[Shift, Shift] | None:
    """A shift of each on the same day (a swap that fits whatever else they work)."""
    theirs = {shift.day: shift for shift in _upcoming(other, rota, today)}
    for shift in _upcoming(one, rota, today):
        match = theirs.get(shift.day)
        if (
            match is not None
            and shift.pk not in skip
            and match.pk not in skip
            and (shift.starts_at, shift.ends_at) != (match.starts_at, match.ends_at)
        ):
            return shift, match
    return None


def load_demo_requests(centre: OrgUnit | None = None) -> int:
    """Make the demo's requests; returns how many were made (0: nothing to do)."""
    rotas = Rota.objects.filter(status=RotaStatus.PUBLISHED)
    if centre is not None:
        rotas = rotas.filter(centre=centre)
    today = timezone.localdate()
    rota = rotas.filter(last_day__gt=today + dt.timedelta(days=3)).order_by("first_day").first()
    if rota is None:
        return 0
    leader = (
        User.objects.filter(groups__name=LEADER, centre_id=rota.centre_id, is_active=True)
        .order_by("team_id", "id")
        .first()
    )
    if leader is None:
        return 0
    led = list(members_led_by(leader).values_list("pk", flat=True))
    # The demo rota's own approved leave (no one decided it here) is no sign of ours.
    ours = LeaveRequest.objects.filter(member_id__in=led).filter(
        Q(status=RequestStatus.PENDING) | Q(decided_by__isnull=False)
    )
    if ours.exists() or SwapRequest.objects.filter(requester_id__in=led).exists():
        return 0
    members = _members_with_shifts(rota, led, today)
    if len(members) < 4:
        return 0
    made = 0
    # The demo's own agent first, when they are on the rota: their page then has some.
    members.sort(key=lambda member: member.user.username != "agent")
    first, second, third, fourth = members[:4]

    def leave(member: StaffMember, offset: int, length: int, kind: str, reason: str) -> int:
        """A request on the member's working days from about `offset`, on days free of
        the leave they have already; 0 when there are none."""
        shifts = _upcoming(member, rota, today)
        for shift in shifts[min(offset, len(shifts) - 1) :]:
            try:
                return services.leave_request_create(
                    actor=member.user,
                    kind=kind,
                    first_day=shift.day,
                    last_day=shift.day + dt.timedelta(days=length - 1),
                    reason=reason,
                ).pk
            except DomainError:
                continue
        return 0

    # Waiting for the leader: two requests for leave.
    made += bool(leave(first, 4, 2, LeaveKind.ANNUAL, "回老家参加亲戚婚礼"))
    made += bool(leave(third, 2, 1, LeaveKind.PERSONAL, "孩子学校开家长会"))
    # Decided: one approved (its shifts go, recorded), one refused with a reason.
    approved = leave(second, 6, 1, LeaveKind.TIME_OFF, "上月加班调休")
    if approved:
        services.leave_request_decide(actor=leader, leave_id=approved, approve=True, note="同意")
        made += 1
    refused = leave(fourth, 1, 2, LeaveKind.ANNUAL, "外出旅游")
    if refused:
        services.leave_request_decide(
            actor=leader, leave_id=refused, approve=False, note="节前话务高峰，请改期"
        )
        made += 1

    used: set[int] = set()

    def swap(one: StaffMember, other: StaffMember, reason: str) -> SwapRequest | None:
        pair = _swap_pair(one, other, rota, today, used)
        if pair is None:
            return None
        used.update(shift.pk for shift in pair)
        return services.swap_request_create(
            actor=one.user,
            shift_id=pair[0].pk,
            counterpart_id=other.pk,
            counterpart_shift_id=pair[1].pk,
            reason=reason,
        )

    # Accepted by the colleague, waiting for the leader.
    offered = swap(first, second, "当天下午要去医院复查")
    if offered is not None:
        services.swap_request_answer(actor=second.user, swap_id=offered.pk, accept=True)
        made += 1
    # Waiting for the colleague.
    if swap(third, first, "家里临时有事，想换个班") is not None:
        made += 1
    # Accepted and refused by the leader.
    refused_swap = swap(fourth, third, "想和同事换班")
    if refused_swap is not None:
        services.swap_request_answer(actor=third.user, swap_id=refused_swap.pk, accept=True)
        services.swap_request_decide(
            actor=leader, swap_id=refused_swap.pk, approve=False, note="换班后当天早班人手不足"
        )
        made += 1
    return made
