"""Reads of outbound call lists: the access-checked getter, the centre's lists with the
counts of their calls, and a list's calls."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.roles import VIEW_SATISFACTION
from kefu.satisfaction import callbacking
from kefu.satisfaction.models import CallbackState, CallbackTask, CallList


def lists_visible_to(user: User) -> QuerySet[CallList]:
    """The lists of the user's centre, for those who see the centre's satisfaction work."""
    if user.centre_id is None or not user.has_perm(VIEW_SATISFACTION):
        return CallList.objects.none()
    return CallList.objects.filter(centre_id=user.centre_id).select_related(
        "business_type", "region", "survey", "team", "created_by"
    )


def call_list_get_for_user(user: User, list_id: int) -> CallList:
    found = lists_visible_to(user).filter(pk=list_id).first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class ListCounts:
    """A list's calls by state, and the outcomes of those closed (cancelled calls, of a
    list closed before they were made, are counted apart)."""

    to_call: int = 0
    done: int = 0
    unreachable: int = 0
    cancelled: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.to_call + self.done + self.unreachable + self.cancelled

    @property
    def tally(self) -> callbacking.Tally:
        return callbacking.tally(self.outcomes.items())


def counts_of(list_ids: list[int]) -> dict[int, ListCounts]:
    """The counts of each list, in one query."""
    counts = {pk: ListCounts() for pk in list_ids}
    rows = (
        CallbackTask.objects.filter(call_list_id__in=list_ids)
        .values("call_list_id", "state", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        found = counts[row["call_list_id"]]
        state, n = row["state"], row["n"]
        if state == CallbackState.OPEN:
            found.to_call += n
        elif state == CallbackState.DONE:
            found.done += n
        elif state == CallbackState.UNREACHABLE:
            found.unreachable += n
        else:
            found.cancelled += n
        if state in (CallbackState.DONE, CallbackState.UNREACHABLE) and row["outcome"]:
            found.outcomes[row["outcome"]] = found.outcomes.get(row["outcome"], 0) + n
    return counts


def calls_of(call_list: CallList, limit: int = 200) -> list[CallbackTask]:
    """The list's calls, the ones still to make first, soonest due first."""
    return list(
        CallbackTask.objects.filter(call_list=call_list)
        .select_related("customer", "assignee", "ticket")
        .order_by(F("closed_at").asc(nulls_first=True), "due_at", "pk")[:limit]
    )
