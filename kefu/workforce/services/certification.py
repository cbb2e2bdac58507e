"""Certifications per queue (持证上岗, 000 第3篇; issue 20 point 2): a manager marks a queue
as requiring certification; a certification is granted by supervision's exam service when
a person passes an exam that certifies the queue. The rota reads them
(`queries.certification.uncertified_queues`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kefu.core.errors import Forbidden, NotFound
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
    *, user: User, queue_id: int, granted_on: dt.date, days: int, source: str
) -> Certification:
    """Record that `user` holds a certification for the queue from `granted_on` for
    `days` days. Called inside the caller's transaction (supervision's exam marking)."""
    return Certification.objects.create(
        user=user,
        queue_id=queue_id,
        granted_on=granted_on,
        expires_on=granted_on + dt.timedelta(days=max(days, 1) - 1),
        source=source[:200],
    )
