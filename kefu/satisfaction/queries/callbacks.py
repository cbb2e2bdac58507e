"""Reads of callback tasks: the access-checked getter, the lists a user may see, and the
results by touchpoint, team, agent and kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.roles import VIEW_SATISFACTION, WORK_CALLBACKS
from kefu.satisfaction import callbacking
from kefu.satisfaction.models import CallbackAttempt, CallbackRule, CallbackState, CallbackTask

#: What the results may be grouped by: the column that tells the groups apart and the
#: one that names them (an agent by their account, shown by their name).
GROUPINGS = {
    "touchpoint": ("touchpoint", "touchpoint"),
    "team": ("team_id", "team__name"),
    "agent": ("agent_id", "agent__full_name"),
    "kind": ("kind", "kind"),
    "list": ("call_list_id", "call_list__name"),
}


def _loaded(tasks: QuerySet[CallbackTask]) -> QuerySet[CallbackTask]:
    return tasks.select_related(
        "customer",
        "contact",
        "ticket",
        "agent",
        "team",
        "assignee",
        "rule",
        "entry",
        "call_list__survey",
    )


def tasks_visible_to(user: User) -> QuerySet[CallbackTask]:
    """The tasks of the user's centre that they may see: all of them with VIEW_SATISFACTION,
    else the ones assigned to them; none outside their centre."""
    if user.centre_id is None or not (
        user.has_perm(VIEW_SATISFACTION) or user.has_perm(WORK_CALLBACKS)
    ):
        return CallbackTask.objects.none()
    tasks = CallbackTask.objects.filter(centre_id=user.centre_id)
    if not user.has_perm(VIEW_SATISFACTION):
        tasks = tasks.filter(assignee=user)
    return _loaded(tasks)


def callback_task_get_for_user(user: User, task_id: int) -> CallbackTask:
    task = tasks_visible_to(user).filter(pk=task_id).first()
    if task is None:
        raise NotFound()
    return task


def my_callbacks(user: User) -> QuerySet[CallbackTask]:
    """The user's open tasks, soonest due first."""
    return (
        tasks_visible_to(user)
        .filter(assignee=user, state=CallbackState.OPEN)
        .order_by("due_at", "pk")
    )


def attempts_of(task: CallbackTask) -> list[CallbackAttempt]:
    return list(task.attempt_rows.select_related("by").order_by("number"))


def rules_of_centre(user: User) -> QuerySet[CallbackRule]:
    if user.centre_id is None or not user.has_perm(VIEW_SATISFACTION):
        return CallbackRule.objects.none()
    return CallbackRule.objects.filter(centre_id=user.centre_id).select_related("business_type")


@dataclass(frozen=True)
class ResultRow:
    group: str
    tally: callbacking.Tally


def callback_results(
    user: User, *, since: dt.datetime, until: dt.datetime, by: str
) -> list[ResultRow]:
    """The outcomes of the tasks closed in [since, until) in the user's centre, grouped by
    touchpoint, team, agent, kind or outbound list; cancelled tasks are not counted."""
    if user.centre_id is None or not user.has_perm(VIEW_SATISFACTION):
        return []
    column, name = GROUPINGS[by]
    tasks = CallbackTask.objects.all()
    if by == "list":  # the calls of outbound lists only
        tasks = tasks.filter(call_list__isnull=False)
    rows = (
        tasks.filter(
            centre_id=user.centre_id,
            closed_at__gte=since,
            closed_at__lt=until,
            state__in=[CallbackState.DONE, CallbackState.UNREACHABLE],
        )
        .values(column, name, "outcome")
        .annotate(n=Count("pk"))
        .order_by(name, column)
    )
    grouped: dict[object, list[tuple[str, int]]] = {}
    names: dict[object, str] = {}
    for row in rows:
        grouped.setdefault(row[column], []).append((row["outcome"], row["n"]))
        names[row[column]] = row[name] or ""
    return [ResultRow(names[key], callbacking.tally(pairs)) for key, pairs in grouped.items()]
