"""Judging complaints (判责, issue 20 point 3; seed 003 (五) 2 counts the complaints judged
against the company, 二(一)1 its 认责考核 — who answers for a complaint is decided and
assessed): every complaint work order, once closed, is judged by the back office — a
department, a person, or nobody (not at fault, or the customer's unreasonable demand) —
always with a reason. The department judged responsible (its handlers), or the team leader
of the person judged responsible, may appeal once, with a reason, within the appeal window
(working days on the centre's calendar, 3 unless the centre set another). The manager
decides the appeal with a reason: upheld, and the judgement changes; or refused. Every step
is one JudgementStep row and an audit entry, in one transaction, guarded by the row's
version."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.queries import calendar_of, departments_of_centre
from kefu.core.roles import APPEAL_JUDGEMENTS, DECIDE_JUDGEMENT_APPEALS, JUDGE_COMPLAINTS
from kefu.core.services.audit import audit_record
from kefu.core.workcal import WorkingCalendar, add_working_days
from kefu.supervision.models import (
    AppraisalRules,
    ComplaintJudgement,
    JudgementAction,
    JudgementState,
    JudgementStep,
    NoFaultReason,
    Responsibility,
)
from kefu.supervision.queries.assessment import may_appeal
from kefu.tickets.lifecycle import State
from kefu.tickets.models import Ticket, TicketKind

#: Working days to appeal a judgement when the centre has set none.
DEFAULT_APPEAL_DAYS = 3
REASON_MAX = 1000


@dataclass(frozen=True)
class Verdict:
    """Who answers for a complaint: exactly one of a department and a person, or nobody
    with why."""

    responsibility: str
    department_id: int | None = None
    person_id: int | None = None
    no_fault: str = ""


def _require(actor: User, permission: str) -> None:
    if not (actor.is_superuser or actor.has_perm(permission)):
        raise Forbidden()


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Give the reason."), code="reason_required", detail={"field": field})
    if len(text) > REASON_MAX:
        raise Invalid(
            _("The reason is at most 1000 characters."),
            code="reason_too_long",
            detail={"field": field},
        )
    return text


def _checked_verdict(centre_id: int, verdict: Verdict) -> Verdict:
    """The verdict with only the fields its responsibility uses, each checked to be the
    centre's own."""
    if verdict.responsibility == Responsibility.DEPARTMENT:
        if (
            verdict.department_id is None
            or not departments_of_centre(centre_id).filter(pk=verdict.department_id).exists()
        ):
            raise Invalid(
                _("Choose a department of the centre."),
                code="department_unknown",
                detail={"field": "department"},
            )
        return Verdict(Responsibility.DEPARTMENT, department_id=verdict.department_id)
    if verdict.responsibility == Responsibility.PERSON:
        if (
            verdict.person_id is None
            or not User.objects.filter(pk=verdict.person_id, centre_id=centre_id).exists()
        ):
            raise Invalid(
                _("Choose a person of the centre."),
                code="person_unknown",
                detail={"field": "person"},
            )
        return Verdict(Responsibility.PERSON, person_id=verdict.person_id)
    if verdict.responsibility == Responsibility.NONE:
        if verdict.no_fault not in NoFaultReason.values:
            raise Invalid(
                _("Say why nobody is responsible."),
                code="no_fault_required",
                detail={"field": "no_fault"},
            )
        return Verdict(Responsibility.NONE, no_fault=verdict.no_fault)
    raise Invalid(
        _("Choose who is responsible."),
        code="responsibility_unknown",
        detail={"field": "responsibility"},
    )


def _as_data(judgement: ComplaintJudgement) -> dict[str, Any]:
    return {
        "responsibility": judgement.responsibility,
        "department": judgement.department_id,
        "person": judgement.person_id,
        "no_fault": judgement.no_fault,
    }


def _apply(judgement: ComplaintJudgement, verdict: Verdict) -> None:
    judgement.responsibility = verdict.responsibility
    judgement.department_id = verdict.department_id
    judgement.person_id = verdict.person_id
    judgement.no_fault = verdict.no_fault


def centre_calendar(centre_id: int) -> WorkingCalendar:
    """The centre's working calendar; office hours on official working days when it has
    none."""
    centre = OrgUnit.objects.select_related("calendar").get(pk=centre_id)
    if centre.calendar is not None:
        return calendar_of(centre.calendar)
    return WorkingCalendar.working_hours()


def appeal_days_of(centre_id: int) -> int:
    days = (
        AppraisalRules.objects.filter(centre_id=centre_id)
        .values_list("appeal_days", flat=True)
        .first()
    )
    return DEFAULT_APPEAL_DAYS if days is None else days


def appeal_due(centre_id: int, judged_at: dt.datetime) -> dt.datetime:
    """The end of the appeal window: the same working moment `appeal_days` working days
    after the judgement, on the centre's calendar."""
    return add_working_days(centre_calendar(centre_id), judged_at, appeal_days_of(centre_id))


def _step(
    judgement: ComplaintJudgement,
    *,
    actor: User,
    action: str,
    at: dt.datetime,
    reason: str,
    data: dict[str, Any],
) -> None:
    JudgementStep.objects.create(
        judgement=judgement, action=action, actor=actor, at=at, reason=reason, data=data
    )
    audit_record(actor=actor, action=f"supervision.judgement_{action}", obj=judgement, after=data)


@transaction.atomic
def complaint_judge(
    *, actor: User, number: str, verdict: Verdict, reason: str, at: dt.datetime | None = None
) -> ComplaintJudgement:
    """Judge a closed complaint of the actor's centre. `at` backdates the judgement (the
    demo's history); it is never in the future."""
    _require(actor, JUDGE_COMPLAINTS)
    ticket = (
        Ticket.objects.select_for_update()
        .filter(number=number, centre_id=actor.centre_id)
        .order_by()
        .first()
    )
    if ticket is None:
        raise NotFound(code="ticket_not_found")
    if ticket.kind != TicketKind.COMPLAINT:
        raise Invalid(_("Only complaints are judged."), code="not_a_complaint")
    if ticket.state != State.CLOSED:
        raise Conflict(_("A complaint is judged once it is closed."), code="complaint_open")
    if ComplaintJudgement.objects.filter(ticket=ticket).exists():
        raise Conflict(_("This complaint is judged already."), code="already_judged")
    reason = _reason(reason)
    verdict = _checked_verdict(ticket.centre_id, verdict)
    now = timezone.now() if at is None else min(at, timezone.now())
    judgement = ComplaintJudgement(
        centre_id=ticket.centre_id,
        ticket=ticket,
        reason=reason,
        judged_by=actor,
        judged_at=now,
        appeal_due_at=appeal_due(ticket.centre_id, now),
    )
    _apply(judgement, verdict)
    judgement.save()
    _step(
        judgement,
        actor=actor,
        action=JudgementAction.JUDGE,
        at=now,
        reason=reason,
        data={"after": _as_data(judgement)},
    )
    return judgement


def _lock(judgement: ComplaintJudgement, version: int) -> ComplaintJudgement:
    locked = (
        ComplaintJudgement.objects.select_for_update(of=("self",))
        .select_related("person", "ticket")
        .get(pk=judgement.pk)
    )
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    return locked


@transaction.atomic
def judgement_appeal(
    *,
    actor: User,
    judgement: ComplaintJudgement,
    version: int,
    reason: str,
    at: dt.datetime | None = None,
) -> ComplaintJudgement:
    """Appeal a judgement, once, within its window."""
    _require(actor, APPEAL_JUDGEMENTS)
    judgement = _lock(judgement, version)
    if judgement.state != JudgementState.JUDGED:
        raise Conflict(_("A judgement is appealed once only."), code="appealed_already")
    if judgement.responsibility == Responsibility.NONE:
        raise Conflict(
            _("Nobody was judged responsible: there is nothing to appeal."),
            code="nothing_to_appeal",
        )
    if not may_appeal(actor, judgement):
        raise Forbidden(
            _("Only the department judged responsible, or the person's team leader, appeals."),
            code="not_yours_to_appeal",
        )
    now = timezone.now() if at is None else min(at, timezone.now())
    if now > judgement.appeal_due_at:
        raise Conflict(_("The time to appeal is over."), code="appeal_window_closed")
    reason = _reason(reason)
    judgement.state = JudgementState.APPEALED
    judgement.appeal_reason = reason
    judgement.appealed_by = actor
    judgement.appealed_at = now
    if judgement.responsibility == Responsibility.DEPARTMENT:
        judgement.appealed_department_id = judgement.department_id
    judgement.version += 1
    judgement.save(
        update_fields=[
            "state",
            "appeal_reason",
            "appealed_by",
            "appealed_at",
            "appealed_department",
            "version",
        ]
    )
    _step(judgement, actor=actor, action=JudgementAction.APPEAL, at=now, reason=reason, data={})
    return judgement


@transaction.atomic
def judgement_decide(
    *,
    actor: User,
    judgement: ComplaintJudgement,
    version: int,
    upheld: bool,
    reason: str,
    verdict: Verdict | None = None,
    at: dt.datetime | None = None,
) -> ComplaintJudgement:
    """Decide an appeal: upheld, with the judgement that replaces the one appealed
    (`verdict`, which must differ from it); or refused, and the judgement stands."""
    _require(actor, DECIDE_JUDGEMENT_APPEALS)
    judgement = _lock(judgement, version)
    if judgement.centre_id != actor.centre_id and not actor.is_superuser:
        raise NotFound()
    if judgement.state != JudgementState.APPEALED:
        raise Conflict(_("There is no appeal waiting on this judgement."), code="no_appeal")
    reason = _reason(reason)
    now = timezone.now() if at is None else min(at, timezone.now())
    data: dict[str, Any] = {}
    if upheld:
        if verdict is None:
            raise Invalid(
                _("An upheld appeal says who is responsible instead."),
                code="verdict_required",
                detail={"field": "responsibility"},
            )
        verdict = _checked_verdict(judgement.centre_id, verdict)
        before = _as_data(judgement)
        _apply(judgement, verdict)
        if _as_data(judgement) == before:
            raise Invalid(
                _("An upheld appeal changes the judgement."),
                code="verdict_unchanged",
                detail={"field": "responsibility"},
            )
        data = {"before": before, "after": _as_data(judgement)}
    judgement.state = JudgementState.UPHELD if upheld else JudgementState.REFUSED
    judgement.decision_reason = reason
    judgement.decided_by = actor
    judgement.decided_at = now
    judgement.version += 1
    judgement.save()
    _step(
        judgement,
        actor=actor,
        action=JudgementAction.UPHOLD if upheld else JudgementAction.REFUSE,
        at=now,
        reason=reason,
        data=data,
    )
    return judgement
