"""Signing a review meeting's minutes (issue 20 point 6; seed 002 第14篇 全体员工 3:
会议记录……交与会者签名确认后存档备查): each attendee confirms the written minutes; from the
first signature the minutes are frozen (meeting_edit refuses); the chair or a manager may
correct them with a reason, which records the replaced text and re-opens the signing as a
new round (the attendees who had signed are told to sign again)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import User
from kefu.core.roles import MANAGER
from kefu.core.services.audit import audit_record
from kefu.core.services.notifications import notify
from kefu.supervision.models import Meeting, MinutesCorrection, MinutesSignature
from kefu.supervision.queries import signing as queries
from kefu.supervision.queries import work_reports as report_queries

NOTIFICATION_KIND = "meeting"


@transaction.atomic
def minutes_sign(*, actor: User, meeting: Meeting) -> MinutesSignature:
    """The actor, an attendee, confirms the current minutes. Signing again returns the
    same signature (safe to retry)."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not locked.attendees.filter(pk=actor.pk).exists():
        raise Forbidden(_("Only the meeting's attendees sign its minutes."), code="not_attendee")
    if not locked.minutes.strip():
        raise Conflict(
            _("The minutes are not written yet: there is nothing to sign."),
            code="minutes_empty",
        )
    round_ = queries.current_round(locked)
    found = MinutesSignature.objects.filter(meeting=locked, person=actor, round=round_).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            signature = MinutesSignature.objects.create(meeting=locked, person=actor, round=round_)
    except IntegrityError:
        return MinutesSignature.objects.get(meeting=locked, person=actor, round=round_)
    audit_record(
        actor=actor, action="supervision.minutes_sign", obj=locked, after={"round": round_}
    )
    return signature


@transaction.atomic
def minutes_correct(
    *, actor: User, meeting: Meeting, version: int, minutes: str, decisions: str, reason: str
) -> MinutesCorrection:
    """The chair (or a manager) corrects minutes already being signed: the replaced text and
    the reason are kept, and signing starts again from nobody."""
    if not report_queries.may_hold_meetings(actor) or (
        meeting.chair_id != actor.pk and actor.role != MANAGER
    ):
        raise Forbidden(_("Only the chair changes a meeting's minutes."), code="not_chair")
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise Invalid(
            _("Say why the minutes are corrected, in at most 500 characters."),
            code="reason",
            detail={"field": "reason"},
        )
    if len(minutes) > 10000 or len(decisions) > 5000:
        raise Invalid(_("The minutes are too long."), code="text_too_long")
    if not minutes.strip():
        raise Invalid(
            _("Corrected minutes cannot be empty."),
            code="minutes_empty",
            detail={"field": "minutes"},
        )
    round_ = queries.current_round(locked)
    signed = MinutesSignature.objects.filter(meeting=locked, round=round_)
    if not signed.exists():
        raise Conflict(
            _("Nobody has signed yet: edit the minutes instead."), code="minutes_not_frozen"
        )
    signers = [sig.person for sig in signed.select_related("person")]
    correction = MinutesCorrection.objects.create(
        meeting=locked,
        round=round_ + 1,
        by=actor,
        reason=reason,
        minutes_before=locked.minutes,
        decisions_before=locked.decisions,
        signed_before=len(signers),
    )
    locked.minutes, locked.decisions = minutes, decisions
    locked.version += 1
    locked.save(update_fields=["minutes", "decisions", "version"])
    audit_record(
        actor=actor,
        action="supervision.minutes_correct",
        obj=locked,
        after={"round": round_ + 1, "reason": reason},
    )
    notify(
        recipients=[person for person in signers if person.pk != actor.pk],
        kind=NOTIFICATION_KIND,
        title=gettext("The minutes of %(meeting)s were corrected: please sign again")
        % {"meeting": locked.title},
        body=reason,
        link=reverse("supervision_meeting", args=[locked.pk]),
        key=f"minutes:{locked.pk}:{round_ + 1}",
    )
    return correction
