"""Leave and swap requests (调班申请, 002 第15篇 3.1.1): an agent asks, a colleague accepts
the swap offered to them, the team leader approves or refuses with a reason; nothing
changes the rota before approval ("未批准前不允许私自调班"). Approval moves or removes the
`Shift` rows and, on a published rota, appends a `RotaChange` for each, in the same
transaction (`request_shifts_apply`, small on purpose: the general shift-change service
of the rota pages takes it over on merge)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.roles import ASK_ROTA_CHANGE, LEADER, PLAN_ROTA
from kefu.core.services.audit import audit_record
from kefu.core.services.notifications import notify
from kefu.workforce.models import (
    LeaveKind,
    LeaveRequest,
    RequestStatus,
    RotaChange,
    RotaStatus,
    Shift,
    ShiftTemplate,
    StaffMember,
    SwapRequest,
)
from kefu.workforce.queries.requests import (
    Change,
    ShiftState,
    change_digest,
    leave_change,
    members_led_by,
    swap_change,
)
from kefu.workforce.services.rota import shift_json

MAX_LEAVE_DAYS = 31
REASON_LENGTH = 500


def _member(actor: User) -> StaffMember:
    if not actor.has_perm(ASK_ROTA_CHANGE):
        raise Forbidden()
    member = StaffMember.objects.filter(user=actor).select_related("user").first()
    if member is None:
        raise Invalid(_("You are not on the centre's rota."), code="not_on_rota")
    return member


def _leaders(member: StaffMember) -> list[User]:
    """The leaders told of a request: of the member's team when it has any, else of the
    centre."""
    leaders = User.objects.filter(groups__name=LEADER, centre_id=member.centre_id, is_active=True)
    team_id = member.user.team_id
    if team_id is not None and leaders.filter(team_id=team_id).exists():
        leaders = leaders.filter(team_id=team_id)
    return list(leaders.order_by("id"))


def _text(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid(_("Please give a reason."), code="reason_required", detail={"field": field})
    if len(value) > REASON_LENGTH:
        raise Invalid(
            _("At most %(count)s characters.") % {"count": REASON_LENGTH},
            code="too_long",
            detail={"field": field},
        )
    return value


def _name(member: StaffMember) -> str:
    return member.user.full_name or member.user.username


# --- leave --------------------------------------------------------------------------------


def leave_request_create(
    *, actor: User, kind: str, first_day: dt.date, last_day: dt.date, reason: str
) -> LeaveRequest:
    member = _member(actor)
    if kind not in LeaveKind.values:
        raise Invalid(_("Choose a kind of leave."), code="leave_kind", detail={"field": "kind"})
    if last_day < first_day:
        raise Invalid(
            _("The last day comes before the first."),
            code="leave_days",
            detail={"field": "last_day"},
        )
    if (last_day - first_day).days + 1 > MAX_LEAVE_DAYS:
        raise Invalid(
            _("Ask for at most %(count)s days at a time.") % {"count": MAX_LEAVE_DAYS},
            code="leave_days",
            detail={"field": "last_day"},
        )
    if first_day < timezone.localdate():
        raise Invalid(
            _("Leave cannot start in the past."), code="leave_days", detail={"field": "first_day"}
        )
    reason = _text(reason, "reason", required=True)
    overlapping = LeaveRequest.objects.filter(
        member=member,
        status__in=[RequestStatus.PENDING, RequestStatus.APPROVED],
        first_day__lte=last_day,
        last_day__gte=first_day,
    )
    with transaction.atomic():
        if overlapping.exists():
            raise Conflict(
                _("You have already asked for leave on some of these days."),
                code="leave_overlaps",
                detail={"field": "first_day"},
            )
        leave = LeaveRequest.objects.create(
            member=member, kind=kind, first_day=first_day, last_day=last_day, reason=reason
        )
        audit_record(actor=actor, action="workforce.leave_request", obj=leave)
        notify(
            recipients=_leaders(member),
            kind="leave_request",
            title=_("%(agent)s asks for leave %(first)s–%(last)s")
            % {"agent": _name(member), "first": first_day, "last": last_day},
            body=reason,
            link="/workforce/requests/",
        )
    return leave


def leave_request_withdraw(*, actor: User, leave_id: int) -> LeaveRequest:
    with transaction.atomic():
        leave = (
            LeaveRequest.objects.select_for_update().filter(pk=leave_id, member__user=actor).first()
        )
        if leave is None:
            raise NotFound(code="leave_request_not_found")
        _still_pending(leave)
        leave.status = RequestStatus.WITHDRAWN
        leave.save(update_fields=["status"])
        audit_record(actor=actor, action="workforce.leave_withdraw", obj=leave)
    return leave


def _still_pending(item: LeaveRequest | SwapRequest) -> None:
    if item.status != RequestStatus.PENDING:
        raise Conflict(
            _("This request was already %(status)s; nothing was changed.")
            % {"status": item.get_status_display()},
            code="request_decided",
        )


# --- swaps --------------------------------------------------------------------------------


def swap_request_create(
    *,
    actor: User,
    shift_id: int,
    counterpart_id: int,
    counterpart_shift_id: int | None,
    reason: str,
) -> SwapRequest:
    """Offer one's own shift to a colleague, for one of theirs or as a gift."""
    member = _member(actor)
    reason = _text(reason, "reason", required=True)
    shift = Shift.objects.filter(pk=shift_id, member=member).select_related("rota").first()
    if shift is None:
        raise Invalid(_("Choose one of your shifts."), code="swap_shift", detail={"field": "shift"})
    if shift.day < timezone.localdate():
        raise Invalid(_("This shift is in the past."), code="swap_shift", detail={"field": "shift"})
    counterpart = (
        StaffMember.objects.filter(
            pk=counterpart_id, centre_id=member.centre_id, left_on__isnull=True
        )
        .exclude(pk=member.pk)
        .select_related("user")
        .first()
    )
    if counterpart is None:
        raise Invalid(
            _("Choose a colleague of your centre."),
            code="swap_counterpart",
            detail={"field": "counterpart"},
        )
    other = None
    if counterpart_shift_id is not None:
        other = Shift.objects.filter(pk=counterpart_shift_id, member=counterpart).first()
        if other is None:
            raise Invalid(
                _("Choose one of the colleague's shifts."),
                code="swap_counterpart_shift",
                detail={"field": "counterpart_shift"},
            )
        if other.day < timezone.localdate():
            raise Invalid(
                _("This shift is in the past."),
                code="swap_counterpart_shift",
                detail={"field": "counterpart_shift"},
            )
    swap = SwapRequest(
        requester=member, counterpart=counterpart, shift=shift, counterpart_shift=other,
        reason=reason,
    )  # fmt: skip
    _check_swap_fits(swap)
    with transaction.atomic():
        open_swaps = SwapRequest.objects.filter(status=RequestStatus.PENDING).filter(
            Q(shift=shift) | Q(counterpart_shift=shift)
        )
        if open_swaps.exists():
            raise Conflict(
                _("This shift is already in a swap waiting for an answer."),
                code="swap_pending",
                detail={"field": "shift"},
            )
        swap.save()
        audit_record(actor=actor, action="workforce.swap_request", obj=swap)
        notify(
            recipients=[counterpart.user],
            kind="swap_offer",
            title=_("%(agent)s offers you a swap of the shift on %(day)s")
            % {"agent": _name(member), "day": shift.day},
            body=reason,
            link="/workforce/offers/",
        )
    return swap


def _check_swap_fits(swap: SwapRequest) -> None:
    """Each shift moves to a day its new holder has free (but for the shift they give)."""
    shift, other = swap.shift, swap.counterpart_shift
    if shift is None:
        raise Conflict(_shift_changed(), code="shift_changed")
    taken = Shift.objects.filter(
        rota_id=shift.rota_id, member_id=swap.counterpart_id, day=shift.day
    )
    if other is not None:
        taken = taken.exclude(pk=other.pk)
    if taken.exists():
        raise Invalid(
            _("The colleague already works on %(day)s.") % {"day": shift.day},
            code="swap_day_taken",
            detail={"field": "counterpart_shift"},
        )
    if other is not None:
        mine = Shift.objects.filter(
            rota_id=other.rota_id, member_id=swap.requester_id, day=other.day
        ).exclude(pk=shift.pk)
        if mine.exists():
            raise Invalid(
                _("You already work on %(day)s.") % {"day": other.day},
                code="swap_day_taken",
                detail={"field": "counterpart_shift"},
            )


def swap_request_withdraw(*, actor: User, swap_id: int) -> SwapRequest:
    with transaction.atomic():
        swap = (
            SwapRequest.objects.select_for_update()
            .filter(pk=swap_id, requester__user=actor)
            .first()
        )
        if swap is None:
            raise NotFound(code="swap_request_not_found")
        _still_pending(swap)
        swap.status = RequestStatus.WITHDRAWN
        swap.save(update_fields=["status"])
        audit_record(actor=actor, action="workforce.swap_withdraw", obj=swap)
    return swap


def swap_request_answer(*, actor: User, swap_id: int, accept: bool, note: str = "") -> SwapRequest:
    """The colleague accepts the offer (it then waits for the leader) or declines it (it
    ends there: refused, by the colleague)."""
    note = _text(note, "note")
    with transaction.atomic():
        swap = (
            SwapRequest.objects.select_for_update()
            .filter(pk=swap_id, counterpart__user=actor)
            .select_related("requester__user", "counterpart__user")
            .first()
        )
        if swap is None:
            raise NotFound(code="swap_request_not_found")
        _still_pending(swap)
        if swap.accepted_at is not None:
            raise Conflict(_("You have accepted this swap already."), code="swap_accepted")
        requester = swap.requester
        if accept:
            swap.accepted_at = timezone.now()
            swap.save(update_fields=["accepted_at"])
            notify(
                recipients=_leaders(requester),
                kind="swap_request",
                title=_("Swap to decide: %(agent)s ⇄ %(colleague)s")
                % {"agent": _name(requester), "colleague": _name(swap.counterpart)},
                body=swap.reason,
                link="/workforce/requests/",
            )
        else:
            swap.status = RequestStatus.REFUSED
            swap.decided_by = actor
            swap.decided_at = timezone.now()
            swap.decision_note = note
            swap.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        notify(
            recipients=[requester.user],
            kind="swap_answer",
            title=(
                _("%(colleague)s accepted your swap; it now waits for the team leader.")
                if accept
                else _("%(colleague)s declined your swap.")
            )
            % {"colleague": _name(swap.counterpart)},
            body=note,
            link="/workforce/my-requests/",
        )
        audit_record(
            actor=actor,
            action="workforce.swap_accept" if accept else "workforce.swap_decline",
            obj=swap,
        )
    return swap


# --- decisions ----------------------------------------------------------------------------


def _state_json(shift: Shift | ShiftState) -> dict[str, Any]:
    """A shift as the change log keeps it, the rota's own way (`rota.shift_json`), for a
    row or for the state a change gives it."""
    if isinstance(shift, Shift):
        return shift_json(shift)
    template = (
        ShiftTemplate.objects.filter(pk=shift.template_id).first() if shift.template_id else None
    )
    return shift_json(
        Shift(
            member_id=shift.member_id,
            day=shift.day,
            template=template,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            breaks=shift.breaks,
        )
    )


def request_shifts_apply(
    *,
    actor: User,
    change: Change,
    cause: str,
    note: str,
    swap: SwapRequest | None = None,
    leave: LeaveRequest | None = None,
) -> int:
    """Move and remove the change's `Shift` rows; for each on a published rota append a
    `RotaChange` (before, after, cause, who). Runs inside the caller's transaction, with
    the rows locked by it. Returns the rows changed."""
    changed = 0
    shifts = {shift.pk: shift for shift in change.shifts}
    records: list[RotaChange] = []
    for pk in change.removes:
        shift = shifts[pk]
        if shift.rota.status == RotaStatus.PUBLISHED:
            records.append(
                RotaChange(
                    rota_id=shift.rota_id, member_id=shift.member_id, day=shift.day, cause=cause,
                    before=_state_json(shift), after={}, note=note, swap=swap, leave=leave,
                    by=actor,
                )
            )  # fmt: skip
    Shift.objects.filter(pk__in=change.removes).delete()
    changed += len(change.removes)
    # Swapping hands on one day would meet the one-shift-a-day constraint half way: the
    # rows moving to another member step aside (a day outside any plan) first.
    moving = [pk for pk, state in change.moves.items() if shifts[pk].member_id != state.member_id]
    parked = dt.date(1900, 1, 1)
    for offset, pk in enumerate(moving):
        Shift.objects.filter(pk=pk).update(day=parked + dt.timedelta(days=offset))
    for pk, state in change.moves.items():
        shift = shifts[pk]
        if shift.rota.status == RotaStatus.PUBLISHED:
            for member_id, before, after in (
                (shift.member_id, _state_json(shift), {}),
                (state.member_id, {}, _state_json(state)),
            ):
                records.append(
                    RotaChange(
                        rota_id=shift.rota_id, member_id=member_id, day=state.day, cause=cause,
                        before=before, after=after, note=note, swap=swap, leave=leave, by=actor,
                    )
                )  # fmt: skip
        Shift.objects.filter(pk=pk).update(
            member_id=state.member_id,
            day=state.day,
            template_id=state.template_id,
            starts_at=state.starts_at,
            ends_at=state.ends_at,
            breaks=state.breaks,
        )
        changed += 1
    RotaChange.objects.bulk_create(records)
    return changed


def _decider(actor: User, member_ids: set[int]) -> None:
    if not actor.has_perm(PLAN_ROTA):
        raise Forbidden()
    if not members_led_by(actor).filter(pk__in=member_ids).exists():
        raise NotFound(code="request_not_found")
    if StaffMember.objects.filter(pk__in=member_ids, user=actor).exists():
        raise Forbidden(
            _("A request of your own is decided by another leader."), code="own_request"
        )


def _decision(approve: bool, note: str) -> str:
    note = _text(note, "note", required=not approve)
    return note


def leave_request_decide(
    *, actor: User, leave_id: int, approve: bool, note: str = "", digest: str | None = None
) -> LeaveRequest:
    """Approve (the member's shifts on those days go) or refuse, with a reason. `digest`,
    when given, is the change as the leader saw it (queries.change_digest): a shift that
    changed since is refused."""
    note = _decision(approve, note)
    with transaction.atomic():
        leave = (
            LeaveRequest.objects.select_for_update()
            .filter(pk=leave_id)
            .select_related("member__user")
            .first()
        )
        if leave is None:
            raise NotFound(code="leave_request_not_found")
        _decider(actor, {leave.member_id})
        _still_pending(leave)
        change = leave_change(leave)
        list(Shift.objects.select_for_update().filter(pk__in=change.removes))
        if digest is not None and digest != change_digest(change):
            raise Conflict(_shift_changed(), code="shift_changed")
        if approve:
            _swaps_close(actor=actor, shift_ids=change.removes)
            request_shifts_apply(
                actor=actor, change=change, cause=RotaChange.Cause.LEAVE, note=note, leave=leave
            )
        _decide(leave, actor=actor, approve=approve, note=note)
        audit_record(
            actor=actor,
            action="workforce.leave_approve" if approve else "workforce.leave_refuse",
            obj=leave,
            after={"note": note},
        )
        notify(
            recipients=[leave.member.user],
            kind="leave_decided",
            title=(_("Your leave was approved.") if approve else _("Your leave was refused."))
            + f" {leave.first_day}–{leave.last_day}",
            body=note,
            link="/workforce/my-requests/",
        )
    return leave


def _swaps_close(*, actor: User, shift_ids: list[int]) -> None:
    """The swaps still open on shifts approved leave removes end: refused, and their
    requesters told why."""
    open_swaps = list(
        SwapRequest.objects.select_for_update()
        .filter(Q(shift_id__in=shift_ids) | Q(counterpart_shift_id__in=shift_ids))
        .filter(status=RequestStatus.PENDING)
        .select_related("requester__user")
    )
    note = _("The shift was taken off the rota by approved leave.")
    for swap in open_swaps:
        _decide(swap, actor=actor, approve=False, note=note)
    if open_swaps:
        notify(
            recipients=[swap.requester.user for swap in open_swaps],
            kind="swap_decided",
            title=_("Your swap was refused."),
            body=note,
            link="/workforce/my-requests/",
        )


def _shift_changed() -> str:
    return _(
        "A shift of this request changed since the page was drawn; nothing was changed. "
        "Look again and decide."
    )


def swap_request_decide(
    *, actor: User, swap_id: int, approve: bool, note: str = "", digest: str | None = None
) -> SwapRequest:
    note = _decision(approve, note)
    with transaction.atomic():
        swap = (
            SwapRequest.objects.select_for_update()
            .filter(pk=swap_id)
            .select_related("requester__user", "counterpart__user")
            .first()
        )
        if swap is None:
            raise NotFound(code="swap_request_not_found")
        _decider(actor, {swap.requester_id, swap.counterpart_id})
        _still_pending(swap)
        if swap.accepted_at is None:
            raise Conflict(
                _("The colleague has not accepted this swap yet."), code="swap_not_accepted"
            )
        ids = [swap.shift_id] + ([swap.counterpart_shift_id] if swap.counterpart_shift_id else [])
        locked = {
            shift.pk: shift
            for shift in Shift.objects.select_for_update().filter(pk__in=ids).select_related("rota")
        }
        shift = locked.get(swap.shift_id) if swap.shift_id else None
        other = locked.get(swap.counterpart_shift_id) if swap.counterpart_shift_id else None
        if (
            shift is None
            or shift.member_id != swap.requester_id
            or (
                swap.counterpart_shift_id
                and (other is None or other.member_id != swap.counterpart_id)
            )
        ):
            raise Conflict(_shift_changed(), code="shift_changed")
        swap.shift = shift
        swap.counterpart_shift = other
        change = swap_change(swap)
        if digest is not None and digest != change_digest(change):
            raise Conflict(_shift_changed(), code="shift_changed")
        if approve:
            _check_swap_fits(swap)
            request_shifts_apply(
                actor=actor, change=change, cause=RotaChange.Cause.SWAP, note=note, swap=swap
            )
        _decide(swap, actor=actor, approve=approve, note=note)
        audit_record(
            actor=actor,
            action="workforce.swap_approve" if approve else "workforce.swap_refuse",
            obj=swap,
            after={"note": note},
        )
        title = _("Your swap was approved.") if approve else _("Your swap was refused.")
        notify(
            recipients=[swap.requester.user, swap.counterpart.user],
            kind="swap_decided",
            title=f"{title} {shift.day}",
            body=note,
            link="/workforce/my-requests/",
        )
    return swap


def _decide(item: LeaveRequest | SwapRequest, *, actor: User, approve: bool, note: str) -> None:
    item.status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.decision_note = note
    item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
