"""Reads of the notices: which a user may see, the one access-checked getter, and the
notices that explain a caller's trouble at screen pop."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.core.models import Region, User
from kefu.core.roles import PUBLISH_NOTICES
from kefu.satisfaction.models.notices import Notice, NoticeKind, NoticeState
from kefu.satisfaction.models.outbound import Message

#: The order a caller's notices are shown in: the likeliest reason for the call first.
URGENCY: list[str] = [
    NoticeKind.UNPLANNED_OUTAGE,
    NoticeKind.PLANNED_OUTAGE,
    NoticeKind.MAINTENANCE,
    NoticeKind.TIP,
    NoticeKind.OTHER,
]
#: A notice stays on the agents' screens this long after its end: the calls go on a while.
SHOWN_AFTER_END = dt.timedelta(hours=6)


def _tree() -> dict[int, int | None]:
    return dict(Region.objects.values_list("pk", "parent_id"))


def regions_within(
    region_ids: Iterable[int], tree: dict[int, int | None] | None = None
) -> set[int]:
    """The regions and every region inside them (a district's streets); `tree`, the
    region table read once already, if the caller has it."""
    children: dict[int, list[int]] = {}
    for pk, parent in (tree if tree is not None else _tree()).items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    todo = list(region_ids)
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children.get(pk, ()))
    return found


def regions_around(region_id: int) -> set[int]:
    """A caller's region, the regions it lies in, and those inside it: a notice for any of
    them may explain the caller's trouble (a district's notice covers its streets; a
    street's notice concerns a caller known only by district)."""
    tree = _tree()
    found = regions_within([region_id], tree)
    above: set[int] = set()
    current = tree.get(region_id)
    while current is not None and current not in above:  # a loop in the tree ends too
        above.add(current)
        current = tree.get(current)
    return found | above


def may_publish(user: User) -> bool:
    return user.is_superuser or user.has_perm(PUBLISH_NOTICES)


def notices_of(user: User) -> QuerySet[Notice]:
    """The notices of the user's centre: everyone at the centre reads the published ones
    (the workbench shows them); those who publish also see drafts and withdrawn ones."""
    notices = Notice.objects.filter(centre_id=user.centre_id).prefetch_related("regions")
    if not may_publish(user):
        notices = notices.filter(state=NoticeState.PUBLISHED)
    return notices.select_related("created_by", "published_by")


def notice_get_for_user(user: User, notice_id: int) -> Notice:
    notice = notices_of(user).filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    return notice


def notices_live(centre_id: int | None, at: dt.datetime | None = None) -> QuerySet[Notice]:
    """Published notices that have not ended (or ended only a few hours ago)."""
    at = at or timezone.now()
    return (
        Notice.objects.filter(
            centre_id=centre_id, state=NoticeState.PUBLISHED, ends_at__gt=at - SHOWN_AFTER_END
        )
        .prefetch_related("regions")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class CallerNotices:
    """What the agent sees at screen pop: the notices for the caller's region first, then
    how many others run in the centre now."""

    theirs: list[Notice]
    others: list[Notice]


def notices_for_caller(
    centre_id: int | None, region_id: int | None, at: dt.datetime | None = None
) -> CallerNotices:
    live = list(notices_live(centre_id, at))
    if region_id is None or not live:
        return CallerNotices([], live)
    around = regions_around(region_id)
    theirs = [n for n in live if any(r.pk in around for r in n.regions.all())]
    # An outage explains the call best: outages first, then works, then the rest.
    theirs.sort(key=lambda n: (URGENCY.index(n.kind), n.starts_at))
    return CallerNotices(theirs, [n for n in live if n not in theirs])


def notice_messages(notice: Notice) -> Counter[str]:
    """The notice's text messages by state (waiting, sent, delivered, not sent...)."""
    rows = (
        Message.objects.filter(centre_id=notice.centre_id, key__startswith=f"notice:{notice.pk}:")
        .values("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return Counter(dict(rows))
