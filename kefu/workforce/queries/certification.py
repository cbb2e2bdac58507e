"""Which queues each person may not be put on for want of a certification (持证上岗,
000 第3篇; issue 20 point 2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from kefu.core.models import OrgUnit
from kefu.workforce.models import Certification, CertifiedQueue


def uncertified_queues(
    centre: OrgUnit, user_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[int, set[str]]:
    """For each user, the names of the centre's queues that require a certification the
    user does not hold for the whole span `first`–`last` (a certification that expires
    within the span does not cover it: the rota gives skills for the whole span). Two
    queries, whatever the number of people."""
    required = dict(
        CertifiedQueue.objects.filter(queue__centre=centre).values_list("queue_id", "queue__name")
    )
    ids = list(user_ids)
    if not required:
        return {uid: set() for uid in ids}
    held: dict[int, set[int]] = defaultdict(set)
    for user_id, queue_id in Certification.objects.filter(
        user_id__in=ids,
        queue_id__in=list(required),
        granted_on__lte=first,
        expires_on__gte=last,
    ).values_list("user_id", "queue_id"):
        held[user_id].add(queue_id)
    return {uid: {name for qid, name in required.items() if qid not in held[uid]} for uid in ids}
