"""Reads of leave and swap requests (调班申请, 002 第15篇 3.1.1): who may see which, the
lists of each page, and what a request would change before the team leader decides:
the coverage per queue and interval on the days concerned, and the contract rules the
changed shifts break (rota.rules)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import ASK_ROTA_CHANGE, LEADER, PLAN_ROTA
from kefu.workforce import rota as pure
from kefu.workforce.models import (
    Contract,
    LeaveRequest,
    RequestStatus,
    Rota,
    RotaStatus,
    Shift,
    StaffMember,
    SwapRequest,
)
from kefu.workforce.rota.rules import Breach, WorkedShift, broken_rules

# --- who may see what -------------------------------------------------------------------


def staff_member_of(user: User) -> StaffMember | None:
    return StaffMember.objects.filter(user=user).select_related("contract", "user").first()


def members_led_by(user: User) -> QuerySet[StaffMember]:
    """The staff a planner decides for: a team leader's team (their centre when they lead
    no team), a manager's or administrator's centre."""
    if not user.has_perm(PLAN_ROTA):
        return StaffMember.objects.none()
    members = StaffMember.objects.all()
    if user.is_superuser:
        return members
    members = members.filter(centre_id=user.centre_id)
    if user.role == LEADER and user.team_id is not None:
        members = members.filter(user__team_id=user.team_id)
    return members


def leave_requests_visible_to(user: User) -> QuerySet[LeaveRequest]:
    """An agent's own leave requests; a planner's those of the staff they lead."""
    if not (user.has_perm(ASK_ROTA_CHANGE) or user.has_perm(PLAN_ROTA)):
        raise Forbidden()
    own = Q(member__user=user)
    led = Q(member__in=members_led_by(user)) if user.has_perm(PLAN_ROTA) else Q(pk__in=[])
    return LeaveRequest.objects.filter(own | led).select_related(
        "member__user", "member__contract", "decided_by"
    )


def swap_requests_visible_to(user: User) -> QuerySet[SwapRequest]:
    """The swaps an agent asked for or was offered; a planner's those of the staff they
    lead (either side)."""
    if not (user.has_perm(ASK_ROTA_CHANGE) or user.has_perm(PLAN_ROTA)):
        raise Forbidden()
    own = Q(requester__user=user) | Q(counterpart__user=user)
    if user.has_perm(PLAN_ROTA):
        led = members_led_by(user)
        own |= Q(requester__in=led) | Q(counterpart__in=led)
    return SwapRequest.objects.filter(own).select_related(
        "requester__user",
        "counterpart__user",
        "shift__template",
        "counterpart_shift__template",
        "decided_by",
    )


def leave_request_get_for_user(user: User, leave_id: int) -> LeaveRequest:
    found = leave_requests_visible_to(user).filter(pk=leave_id).first()
    if found is None:
        raise NotFound(code="leave_request_not_found")
    return found


def swap_request_get_for_user(user: User, swap_id: int) -> SwapRequest:
    found = swap_requests_visible_to(user).filter(pk=swap_id).first()
    if found is None:
        raise NotFound(code="swap_request_not_found")
    return found


# --- lists ------------------------------------------------------------------------------


def my_leave_requests(user: User) -> QuerySet[LeaveRequest]:
    return leave_requests_visible_to(user).filter(member__user=user).order_by("-created_at", "-id")


def my_swap_requests(user: User) -> QuerySet[SwapRequest]:
    return (
        swap_requests_visible_to(user).filter(requester__user=user).order_by("-created_at", "-id")
    )


def swap_offers_to(user: User) -> QuerySet[SwapRequest]:
    return (
        swap_requests_visible_to(user).filter(counterpart__user=user).order_by("-created_at", "-id")
    )


def leave_to_decide(user: User) -> QuerySet[LeaveRequest]:
    if not user.has_perm(PLAN_ROTA):
        raise Forbidden()
    return (
        leave_requests_visible_to(user)
        .filter(member__in=members_led_by(user), status=RequestStatus.PENDING)
        .exclude(member__user=user)
        .order_by("first_day", "id")
    )


def swaps_to_decide(user: User) -> QuerySet[SwapRequest]:
    """Swaps the colleague accepted, waiting for the leader."""
    if not user.has_perm(PLAN_ROTA):
        raise Forbidden()
    return (
        swap_requests_visible_to(user)
        .filter(
            Q(requester__in=members_led_by(user)) | Q(counterpart__in=members_led_by(user)),
            status=RequestStatus.PENDING,
            accepted_at__isnull=False,
            shift__isnull=False,
        )
        .exclude(requester__user=user)
        .exclude(counterpart__user=user)
        .order_by("shift__day", "id")
    )


def recently_decided(user: User, *, limit: int = 20) -> list[LeaveRequest | SwapRequest]:
    if not user.has_perm(PLAN_ROTA):
        raise Forbidden()
    decided = [RequestStatus.APPROVED, RequestStatus.REFUSED]
    leave = list(
        leave_requests_visible_to(user)
        .filter(member__in=members_led_by(user), status__in=decided, decided_at__isnull=False)
        .order_by("-decided_at")[:limit]
    )
    swaps = list(
        swap_requests_visible_to(user)
        .filter(requester__in=members_led_by(user), status__in=decided, accepted_at__isnull=False)
        .order_by("-decided_at")[:limit]
    )
    items: list[LeaveRequest | SwapRequest] = [*leave, *swaps]
    items.sort(key=lambda item: item.decided_at or item.created_at, reverse=True)
    return items[:limit]


def colleagues_of(member: StaffMember) -> QuerySet[StaffMember]:
    """Those a member may offer a swap to: the centre's other current staff."""
    return (
        StaffMember.objects.filter(centre_id=member.centre_id, left_on__isnull=True)
        .exclude(pk=member.pk)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )


def upcoming_shifts(member: StaffMember, *, today: dt.date | None = None) -> QuerySet[Shift]:
    today = today or timezone.localdate()
    return (
        Shift.objects.filter(member=member, day__gte=today)
        .select_related("template", "rota")
        .order_by("day", "starts_at")
    )


# How far ahead the swap form offers colleagues' shifts.
SWAP_HORIZON_DAYS = 31


def colleague_shifts(member: StaffMember, *, today: dt.date | None = None) -> QuerySet[Shift]:
    today = today or timezone.localdate()
    return (
        Shift.objects.filter(
            member__in=colleagues_of(member),
            day__gte=today,
            day__lte=today + dt.timedelta(days=SWAP_HORIZON_DAYS),
        )
        .select_related("template", "member__user")
        .order_by("day", "starts_at", "member_id")[:500]
    )


# --- what a request would change --------------------------------------------------------


@dataclass(frozen=True)
class ShiftState:
    """A shift's content, independent of the row: what a change moves."""

    member_id: int
    day: dt.date
    template_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    breaks: list[Any]

    @classmethod
    def of(cls, shift: Shift) -> ShiftState:
        return cls(
            shift.member_id,
            shift.day,
            shift.template_id,
            shift.starts_at,
            shift.ends_at,
            list(shift.breaks or []),
        )


@dataclass
class Change:
    """A request's change to the rota: the rows it moves (`moves`: shift id → its new
    member, template and times) and the rows it removes."""

    moves: dict[int, ShiftState] = field(default_factory=dict)
    removes: list[int] = field(default_factory=list)
    members: set[int] = field(default_factory=set)
    days: set[dt.date] = field(default_factory=set)
    shifts: list[Shift] = field(default_factory=list)


def swap_change(swap: SwapRequest) -> Change:
    """The requester's shift goes to the colleague; the colleague's (if any) to the
    requester. Each shift keeps its day, template and times and changes hands. A swap
    whose shift was removed since changes nothing."""
    shift = swap.shift
    if shift is None:
        return Change(members={swap.requester_id, swap.counterpart_id})
    change = Change(members={swap.requester_id, swap.counterpart_id}, shifts=[shift])
    change.moves[shift.pk] = ShiftState(
        swap.counterpart_id, shift.day, shift.template_id, shift.starts_at, shift.ends_at,
        list(shift.breaks or []),
    )  # fmt: skip
    change.days.add(shift.day)
    other = swap.counterpart_shift
    if other is not None:
        change.shifts.append(other)
        change.moves[other.pk] = ShiftState(
            swap.requester_id, other.day, other.template_id, other.starts_at, other.ends_at,
            list(other.breaks or []),
        )  # fmt: skip
        change.days.add(other.day)
    return change


def leave_shifts(leave: LeaveRequest) -> QuerySet[Shift]:
    return Shift.objects.filter(
        member_id=leave.member_id, day__gte=leave.first_day, day__lte=leave.last_day
    ).select_related("rota", "template")


def leave_change(leave: LeaveRequest) -> Change:
    shifts = list(leave_shifts(leave))
    days = {
        leave.first_day + dt.timedelta(days=n)
        for n in range((leave.last_day - leave.first_day).days + 1)
    }
    return Change(
        removes=[shift.pk for shift in shifts], members={leave.member_id}, days=days, shifts=shifts
    )


def change_digest(change: Change) -> str:
    """A digest of the rows a change touches as they stand now: a decision made on a page
    drawn before one of them changed is refused."""
    rows = sorted(
        (
            shift.pk,
            shift.member_id,
            shift.day.isoformat(),
            shift.template_id,
            shift.starts_at.isoformat(),
            shift.ends_at.isoformat(),
        )
        for shift in change.shifts
    )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CoverageRow:
    day: dt.date
    start: dt.datetime
    queue: str
    required: float
    before: int
    after: int

    @property
    def short_after(self) -> bool:
        return self.after < self.required

    @property
    def worse(self) -> bool:
        return self.after < self.before


@dataclass(frozen=True)
class MemberBreach:
    member: StaffMember
    breach: Breach


@dataclass
class Impact:
    coverage: list[CoverageRow]
    breaches: list[MemberBreach]
    digest: str
    published: bool


def _present(
    shift_start: dt.datetime,
    shift_end: dt.datetime,
    breaks: list[Any],
    t0: dt.datetime,
    t1: dt.datetime,
) -> bool:
    """Whether the agent is on the phones in the interval [t0, t1): for at least half of
    it, their breaks taken out."""
    start = max(shift_start, t0)
    end = min(shift_end, t1)
    if end <= start:
        return False
    seconds = (end - start).total_seconds()
    for item in breaks:
        try:
            b0 = dt.datetime.fromisoformat(str(item["start"]))
            b1 = dt.datetime.fromisoformat(str(item["end"]))
        except (KeyError, TypeError, ValueError):
            continue
        if timezone.is_naive(b0):
            b0 = timezone.make_aware(b0)
        if timezone.is_naive(b1):
            b1 = timezone.make_aware(b1)
        overlap = (min(b1, end) - max(b0, start)).total_seconds()
        if overlap > 0:
            seconds -= overlap
    return seconds * 2 >= (t1 - t0).total_seconds()


def _rotas_for(centre_id: int, days: set[dt.date]) -> list[Rota]:
    if not days:
        return []
    return list(
        Rota.objects.filter(
            centre_id=centre_id, first_day__lte=max(days), last_day__gte=min(days)
        ).order_by("first_day", "id")
    )


def coverage_change(change: Change, *, centre_id: int) -> list[CoverageRow]:
    """Per queue and interval on the days concerned, the agents scheduled before and
    after the change against the rota's requirement; only the intervals it changes."""
    rows: list[CoverageRow] = []
    members = {
        member.pk: {queue.name for queue in member.queues.all()}
        for member in StaffMember.objects.filter(centre_id=centre_id).prefetch_related("queues")
    }
    for rota in _rotas_for(centre_id, change.days):
        days = sorted(day for day in change.days if rota.first_day <= day <= rota.last_day)
        if not days:
            continue
        size = rota.interval_minutes
        per_day = 24 * 60 // size
        shifts = list(
            Shift.objects.filter(
                rota=rota,
                day__gte=days[0] - dt.timedelta(days=1),
                day__lte=days[-1],
            )
        )
        before = [ShiftState.of(shift) for shift in shifts]
        after = [
            change.moves.get(shift.pk, ShiftState.of(shift))
            for shift in shifts
            if shift.pk not in change.removes
        ]
        for day in days:
            midnight = timezone.make_aware(dt.datetime.combine(day, dt.time()))
            base = (day - rota.first_day).days * per_day
            for slot in range(per_day):
                t0 = midnight + dt.timedelta(minutes=slot * size)
                t1 = t0 + dt.timedelta(minutes=size)
                counts: list[dict[str, int]] = []
                for states in (before, after):
                    count: dict[str, int] = defaultdict(int)
                    for state in states:
                        if _present(state.starts_at, state.ends_at, state.breaks, t0, t1):
                            for queue in members.get(state.member_id, ()):
                                count[queue] += 1
                    counts.append(count)
                for queue in sorted(set(counts[0]) | set(counts[1])):
                    old, new = counts[0].get(queue, 0), counts[1].get(queue, 0)
                    if old == new:
                        continue
                    curve = rota.requirement.get(queue) or []
                    index = base + slot
                    need = float(curve[index]) if 0 <= index < len(curve) else 0.0
                    rows.append(CoverageRow(day, t0, queue, need, old, new))
    return rows


def _pure_contract(contract: Contract) -> pure.Contract:
    return pure.Contract(
        min_minutes_per_week=contract.min_hours_per_week * 60,
        max_minutes_per_week=contract.max_hours_per_week * 60,
        rest_days_per_week=contract.rest_days_per_week,
        max_consecutive_days=contract.max_consecutive_days,
        min_rest_minutes=contract.min_rest_hours * 60,
        max_consecutive_nights=contract.max_consecutive_nights,
        min_consecutive_nights=max(1, contract.min_consecutive_nights),
        no_morning_after_night=contract.no_morning_after_night,
    )


def _paid_minutes(state: ShiftState) -> int:
    minutes = int((state.ends_at - state.starts_at).total_seconds() // 60)
    for item in state.breaks:
        if isinstance(item, dict) and not item.get("paid", False):
            try:
                b0 = dt.datetime.fromisoformat(str(item["start"]))
                b1 = dt.datetime.fromisoformat(str(item["end"]))
            except (KeyError, ValueError):
                continue
            minutes -= int((b1 - b0).total_seconds() // 60)
    return minutes


def rules_broken_by(change: Change, *, centre_id: int) -> list[MemberBreach]:
    """The contract rules each member concerned breaks once the change is made and did
    not break before it."""
    found: list[MemberBreach] = []
    if not change.days:
        return found
    rotas = _rotas_for(centre_id, change.days)
    if not rotas:
        return found
    first_day = min(rota.first_day for rota in rotas)
    last_day = max(rota.last_day for rota in rotas)
    kinds: dict[int, pure.ShiftKind] = {}
    members = StaffMember.objects.filter(pk__in=change.members).select_related("contract", "user")
    window = (first_day - dt.timedelta(days=14), last_day + dt.timedelta(days=14))
    shifts = list(
        Shift.objects.filter(
            Q(member_id__in=change.members) | Q(pk__in=list(change.moves)),
            day__gte=window[0],
            day__lte=window[1],
        ).select_related("template")
    )
    for shift in shifts:
        kinds[shift.pk] = pure.ShiftKind(shift.template.kind) if shift.template else _kind_of(shift)
    for member in members:
        leave = set()
        for leave_request in LeaveRequest.objects.filter(
            member=member,
            status=RequestStatus.APPROVED,
            first_day__lte=last_day,
            last_day__gte=first_day,
        ):
            day = leave_request.first_day
            while day <= leave_request.last_day:
                leave.add(day)
                day += dt.timedelta(days=1)
        contract = _pure_contract(member.contract)
        judged: list[list[Breach]] = []
        for changed in (False, True):
            worked: list[WorkedShift] = []
            for shift in shifts:
                if changed and shift.pk in change.removes:
                    continue
                state = ShiftState.of(shift)
                if changed:
                    state = change.moves.get(shift.pk, state)
                if state.member_id != member.pk:
                    continue
                kind = kinds[shift.pk]
                worked.append(
                    WorkedShift(
                        state.day, state.starts_at, state.ends_at, kind, _paid_minutes(state)
                    )
                )
            if changed and change.removes and not change.moves:
                leave |= change.days  # the leave asked for, once approved
            judged.append(
                broken_rules(
                    worked,
                    contract,
                    first_day=first_day,
                    last_day=last_day,
                    days=change.days,
                    leave=leave,
                )
            )
        # The change answers only for what it breaks: a rule broken before it stays out.
        already = {(breach.rule, breach.day) for breach in judged[0]}
        breaches = [breach for breach in judged[1] if (breach.rule, breach.day) not in already]
        found.extend(MemberBreach(member, breach) for breach in breaches)
    return found


def _kind_of(shift: Shift) -> pure.ShiftKind:
    """A shift without a template: its kind from its local start hour."""
    hour = timezone.localtime(shift.starts_at).hour
    if hour < 5 or hour >= 21:
        return pure.ShiftKind.NIGHT
    if hour < 9:
        return pure.ShiftKind.MORNING
    if hour < 13:
        return pure.ShiftKind.DAY
    return pure.ShiftKind.EVENING


def impact_of(change: Change, *, centre_id: int) -> Impact:
    published = any(shift.rota.status == RotaStatus.PUBLISHED for shift in change.shifts)
    return Impact(
        coverage=coverage_change(change, centre_id=centre_id),
        breaches=rules_broken_by(change, centre_id=centre_id),
        digest=change_digest(change),
        published=published,
    )


def leave_impact(leave: LeaveRequest) -> Impact:
    return impact_of(leave_change(leave), centre_id=leave.member.centre_id)


def swap_impact(swap: SwapRequest) -> Impact:
    return impact_of(swap_change(swap), centre_id=swap.requester.centre_id)
