"""Certifications per queue (持证上岗, 000 第3篇; issue 20 point 2): a manager marks a queue
as requiring certification; a certification is granted by supervision's exam service when
a person passes an exam that certifies the queue, or by hand by a keeper of training, who
may also revoke one (the row stays, as history). The rota reads them
(`queries.certification.uncertified_queues`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.roles import MANAGE_TRAINING, PLAN_ROTA
from kefu.core.services import audit_record
from kefu.telephony.models import Queue
from kefu.workforce.models import Certification, CertifiedQueue


@transaction.atomic
def queue_certification_set(*, actor: User | None, queue_id: int, required: bool) -> bool:
    """Whether only certified people may take calls on the queue (a rota planner or the
    keeper of the exams decides); returns the new setting."""
    if actor is not None and not (
        actor.is_superuser or actor.has_perm(PLAN_ROTA) or actor.has_perm(MANAGE_TRAINING)
    ):
        raise Forbidden()
    queue = Queue.objects.filter(pk=queue_id).first()
    if queue is None or (actor is not None and queue.centre_id != actor.centre_id):
        raise NotFound()
    if required:
        CertifiedQueue.objects.get_or_create(
            queue=queue, defaults={"required_since": timezone.localdate()}
        )
    else:
        CertifiedQueue.objects.filter(queue=queue).delete()
    audit_record(actor=actor, action="queue.certification", obj=queue, after={"required": required})
    return required


def certification_grant(
    *,
    user: User,
    queue_id: int,
    granted_on: dt.date,
    days: int,
    source: str,
    granted_by: User | None = None,
) -> Certification:
    """Record that `user` holds a certification for the queue from `granted_on` for
    `days` days. Called inside the caller's transaction (supervision's exam marking)."""
    return Certification.objects.create(
        user=user,
        queue_id=queue_id,
        granted_on=granted_on,
        expires_on=granted_on + dt.timedelta(days=max(days, 1) - 1),
        source=source[:200],
        granted_by=granted_by,
    )


#: The longest certification granted by hand, in days (ten years).
MAX_DAYS = 3650


def _keeper(actor: User) -> int:
    """The keeper's centre: granting and revoking by hand is for keepers of training."""
    if not (actor.is_superuser or actor.has_perm(MANAGE_TRAINING)):
        raise Forbidden()
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    return actor.centre_id


@transaction.atomic
def certification_grant_by_hand(
    *,
    actor: User,
    user_id: int,
    queue_id: int,
    granted_on: dt.date,
    days: int,
    reason: str,
) -> Certification:
    """Grant a person of the centre a certification for one of its queues from
    `granted_on` for `days` days, with the reason (a certificate earned elsewhere, a
    transfer from another centre)."""
    centre_id = _keeper(actor)
    user = User.objects.filter(pk=user_id, centre_id=centre_id, is_active=True).first()
    if user is None:
        raise Invalid(
            _("There is no such person in your centre."),
            code="person_unknown",
            detail={"field": "person"},
        )
    if not Queue.objects.filter(pk=queue_id, centre_id=centre_id).exists():
        raise Invalid(_("There is no such queue."), code="queue_unknown", detail={"field": "queue"})
    if not 1 <= days <= MAX_DAYS:
        raise Invalid(
            _("A certification lasts from 1 day to 10 years."),
            code="certification_days",
            detail={"field": "days"},
        )
    if not reason.strip():
        raise Invalid(
            _("Say why it is granted."), code="certification_reason", detail={"field": "reason"}
        )
    certification = certification_grant(
        user=user,
        queue_id=queue_id,
        granted_on=granted_on,
        days=days,
        source=reason.strip(),
        granted_by=actor,
    )
    audit_record(
        actor=actor,
        action="certification.grant",
        obj=certification,
        after={"user": user.pk, "queue": queue_id, "expires_on": str(certification.expires_on)},
    )
    return certification


@transaction.atomic
def certification_revoke(
    *, actor: User, certification_id: int, reason: str, on: dt.date | None = None
) -> Certification:
    """Revoke a certification from `on` (today when left out): it covers no day from
    then on. Refused for one already revoked."""
    centre_id = _keeper(actor)
    certification = (
        Certification.objects.select_for_update(of=("self",))
        .filter(pk=certification_id, queue__centre_id=centre_id)
        .first()
    )
    if certification is None:
        raise NotFound()
    if certification.revoked_on is not None:
        raise Conflict(_("This certification is revoked already."), code="certification_revoked")
    if not reason.strip():
        raise Invalid(
            _("Say why it is revoked."), code="certification_reason", detail={"field": "reason"}
        )
    certification.revoked_on = on or timezone.localdate()
    certification.revoked_by = actor
    certification.revoke_reason = reason.strip()[:200]
    certification.save(update_fields=["revoked_on", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="certification.revoke",
        obj=certification,
        after={"revoked_on": str(certification.revoked_on)},
    )
    return certification
