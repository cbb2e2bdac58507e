"""Which queues each person may not be put on for want of a certification (持证上岗,
000 第3篇; issue 20 point 2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from kefu.core.models import OrgUnit
from kefu.workforce.models import Certification, CertifiedQueue


def uncertified_queues(
    centre: OrgUnit, user_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[int, set[str]]:
    """For each user, the names of the centre's queues that require a certification the
    user does not hold for the whole span `first`–`last` (a certification that expires
    within the span, or is revoked by its last day, does not cover it: the rota gives
    skills for the whole span). Two
    queries, whatever the number of people."""
    required = dict(
        CertifiedQueue.objects.filter(queue__centre=centre).values_list("queue_id", "queue__name")
    )
    ids = list(user_ids)
    if not required:
        return {uid: set() for uid in ids}
    held: dict[int, set[int]] = defaultdict(set)
    for user_id, queue_id in (
        Certification.objects.filter(
            user_id__in=ids,
            queue_id__in=list(required),
            granted_on__lte=first,
            expires_on__gte=last,
        )
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=last))
        .values_list("user_id", "queue_id")
    ):
        held[user_id].add(queue_id)
    return {uid: {name for qid, name in required.items() if qid not in held[uid]} for uid in ids}


def required_queues(centre_id: int) -> dict[int, CertifiedQueue]:
    """The centre's queues that require a certification, by queue id."""
    return {
        row.queue_id: row
        for row in CertifiedQueue.objects.filter(queue__centre_id=centre_id).select_related("queue")
    }


def certifications_of(centre_id: int) -> QuerySet[Certification]:
    """Every certification of the centre's queues, newest first: the history, revoked and
    expired ones included."""
    return (
        Certification.objects.filter(queue__centre_id=centre_id)
        .select_related("user", "queue", "granted_by", "revoked_by")
        .order_by("-created_at", "-pk")
    )


def holds(certification: Certification, day: dt.date) -> bool:
    """Whether the certification covers `day`."""
    return certification.granted_on <= day <= certification.expires_on and (
        certification.revoked_on is None or certification.revoked_on > day
    )
