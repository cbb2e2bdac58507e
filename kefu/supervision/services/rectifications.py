"""Rectifications (001 4.1.3: 整改落实情况要重点监督): set on a finding with what must
change, an owner and a deadline; the owner is told at once, reports it done, and the
round's inspector is told to re-check it, which closes it or sends it back to the owner.
An hourly sweep tells the owner and the inspector, once, of each rectification past its
deadline. Each change checks the actor, runs in one transaction and guards against a
concurrent writer with the row's version."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import User
from kefu.core.roles import RECTIFY, SPOT_CHECK
from kefu.core.services.audit import audit_record
from kefu.core.services.notifications import notify
from kefu.supervision.models import (
    Finding,
    Rectification,
    RectificationAction,
    RectificationEvent,
    RectificationState,
)
from kefu.supervision.queries import centre_person

if TYPE_CHECKING:
    from kefu.supervision.services.rounds import RectificationIn

#: A rectification is due within a year at most.
LONGEST_DEADLINE = dt.timedelta(days=366)
NOTIFICATION_KIND = "rectification"


def _tell(rect: Rectification, recipients: list[User], title: str, key: str) -> None:
    notify(
        recipients=recipients,
        kind=NOTIFICATION_KIND,
        title=title,
        body=rect.requirement,
        link=reverse("supervision_rectification", args=[rect.pk]),
        key=f"rectification:{rect.pk}:{key}",
    )


def rectification_open(actor: User, finding: Finding, value: RectificationIn) -> Rectification:
    requirement = value.requirement.strip()
    if not requirement or len(requirement) > 1000:
        raise Invalid(
            _("Say what must change, in at most 1000 characters."),
            code="rectification_empty",
            detail={"field": "requirement"},
        )
    owner = centre_person(finding.round.centre_id, value.owner_id, "owner")
    if not owner.has_perm(RECTIFY):
        raise Invalid(
            _("This person cannot own a rectification."),
            code="owner_cannot_rectify",
            detail={"field": "owner"},
        )
    today = timezone.localdate()
    if not today <= value.deadline <= today + LONGEST_DEADLINE:
        raise Invalid(
            _("The deadline lies between today and a year from now."),
            code="deadline_out_of_range",
            detail={"field": "deadline"},
        )
    rect = Rectification.objects.create(
        finding=finding,
        centre_id=finding.round.centre_id,
        requirement=requirement,
        owner=owner,
        deadline=value.deadline,
    )
    RectificationEvent.objects.create(
        rectification=rect, action=RectificationAction.OPENED, actor=actor
    )
    _tell(
        rect,
        [owner],
        gettext("A rectification is yours, due %(deadline)s") % {"deadline": rect.deadline},
        "opened",
    )
    return rect


def _rect_bump(rect: Rectification, version: int) -> Rectification:
    locked = (
        Rectification.objects.select_for_update().select_related("finding__round").get(pk=rect.pk)
    )
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    return locked


@transaction.atomic
def rectification_report(
    *, actor: User, rectification: Rectification, version: int, note: str
) -> Rectification:
    """The owner reports the rectification done; it waits for the re-check."""
    rect = _rect_bump(rectification, version)
    if rect.owner_id != actor.pk:
        raise Forbidden(_("Only the owner reports a rectification done."), code="not_owner")
    if rect.state != RectificationState.OPEN:
        raise Conflict(_("This rectification is not open."), code="rectification_not_open")
    if not note.strip() or len(note) > 500:
        raise Invalid(
            _("Say what was done, in at most 500 characters."),
            code="note_required",
            detail={"field": "note"},
        )
    rect.state = RectificationState.REPORTED
    rect.version += 1
    rect.save(update_fields=["state", "version"])
    RectificationEvent.objects.create(
        rectification=rect, action=RectificationAction.REPORTED, actor=actor, note=note.strip()
    )
    _tell(
        rect,
        [rect.finding.round.inspector],
        gettext("A rectification is reported done: re-check it"),
        f"reported:{rect.version}",
    )
    return rect


def may_recheck(actor: User, rect: Rectification) -> bool:
    """The round's inspector re-checks, or anyone of the customer-relations department
    (001 4.1.3: 整改落实情况要重点监督)."""
    if rect.centre_id != actor.centre_id:
        return False
    return rect.finding.round.inspector_id == actor.pk or actor.has_perm(SPOT_CHECK)


@transaction.atomic
def rectification_recheck(
    *, actor: User, rectification: Rectification, version: int, passed: bool, note: str = ""
) -> Rectification:
    """The re-check (001 4.1.3): closes the rectification when it holds, else sends it
    back to the owner (open again, with why)."""
    rect = _rect_bump(rectification, version)
    if not may_recheck(actor, rect):
        raise Forbidden()
    if rect.state == RectificationState.CLOSED:
        raise Conflict(_("This rectification is closed."), code="rectification_closed")
    if len(note) > 500:
        raise Invalid(_("A note is at most 500 characters."), code="note_too_long")
    if not passed and not note.strip():
        raise Invalid(
            _("Say what still falls short."), code="note_required", detail={"field": "note"}
        )
    if passed:
        rect.state, rect.closed_at = RectificationState.CLOSED, timezone.now()
        action = RectificationAction.CLOSED
    else:
        rect.state = RectificationState.OPEN
        rect.reopened = F("reopened") + 1
        action = RectificationAction.REOPENED
    rect.version += 1
    rect.save(update_fields=["state", "closed_at", "reopened", "version"])
    rect.refresh_from_db()
    RectificationEvent.objects.create(
        rectification=rect, action=action, actor=actor, note=note.strip()
    )
    if not passed:
        _tell(
            rect,
            [rect.owner],
            gettext("A rectification was sent back: %(note)s") % {"note": note.strip()},
            f"reopened:{rect.version}",
        )
    audit_record(actor=actor, action=f"supervision.rectification_{action}", obj=rect)
    return rect


def rectifications_overdue_sweep(*, today: dt.date | None = None) -> int:
    """Every hour: the owner and the round's inspector of each open rectification past its
    deadline are told, once (the notification's key holds this against a second sweep and
    against sweepers running at once). Returns how many rectifications were found."""
    today = today or timezone.localdate()
    late = Rectification.objects.filter(
        state=RectificationState.OPEN, deadline__lt=today
    ).select_related("owner", "finding__round__inspector")
    count = 0
    for rect in late.iterator(chunk_size=500):
        with transaction.atomic():
            _tell(
                rect,
                [rect.owner, rect.finding.round.inspector],
                gettext("A rectification is overdue (due %(deadline)s)")
                % {"deadline": rect.deadline},
                f"overdue:{rect.reopened}",
            )
        count += 1
    return count
