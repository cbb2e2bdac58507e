"""Reminders for missing work reports (issue 20 point 6; seed 002 第14篇): an hourly sweep
tells each person who has not submitted a due daily, weekly or monthly report (once per
report period) and tells their leader who is missing (a team's members to its leaders,
the leaders and those in no team to the centre's managers); and the leader's "remind"
button on the team-reports page, for one person or everyone missing. The rules of which
period is owed and when are `supervision.reminding`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.roles import LEADER, MANAGER, WRITE_REPORTS
from kefu.core.services.audit import audit_record
from kefu.core.services.notifications import notify
from kefu.supervision import drafting, reminding
from kefu.supervision.models import ReportKind, ReportState, WorkReport
from kefu.supervision.queries import work_reports as queries
from kefu.supervision.services.judging import centre_calendar

NOTIFICATION_KIND = "work_report"


def _writers(centre: OrgUnit, last: dt.date, now: dt.datetime) -> list[User]:
    """The centre's active people who write reports, on staff by the period's last day and
    not away now (002 第14篇: whoever is away hands theirs in on the day they return)."""
    app, codename = WRITE_REPORTS.split(".")
    return list(
        User.objects.filter(
            centre=centre,
            is_active=True,
            date_joined__date__lte=last,
            groups__permissions__codename=codename,
            groups__permissions__content_type__app_label=app,
        )
        .exclude(away_until__gt=now)
        .prefetch_related("groups")
        .distinct()
        .order_by("full_name", "username")
    )


def missing_of(people: Sequence[User], kind: str, first: dt.date) -> list[User]:
    """Those of `people` with no submitted report of the period (a draft or a report
    returned for changes is not submitted)."""
    submitted = set(
        WorkReport.objects.filter(
            author__in=[p.pk for p in people],
            kind=kind,
            period_start=first,
            state=ReportState.SUBMITTED,
        ).values_list("author_id", flat=True)
    )
    return [person for person in people if person.pk not in submitted]


def _period_text(kind: str, first: dt.date, last: dt.date) -> str:
    label = str(ReportKind(kind).label)
    if first == last:
        return f"{label} {date_format(first, 'Y-m-d')}"
    return f"{label} {date_format(first, 'Y-m-d')}–{date_format(last, 'm-d')}"


def _tell_person(person: User, kind: str, first: dt.date, last: dt.date, key: str) -> int:
    due = timezone.localtime(timezone.make_aware(drafting.due_of(kind, first)))
    return len(
        notify(
            recipients=[person],
            kind=NOTIFICATION_KIND,
            title=gettext("Your %(report)s is not submitted (due %(due)s)")
            % {"report": _period_text(kind, first, last), "due": date_format(due, "m-d H:i")},
            link=reverse("supervision_my_reports"),
            key=key,
        )
    )


def _reviewers(centre: OrgUnit) -> tuple[dict[int, list[User]], list[User]]:
    """Each team's leaders, and the centre's managers."""
    leaders: dict[int, list[User]] = defaultdict(list)
    for leader in User.objects.filter(centre=centre, is_active=True, groups__name=LEADER):
        if leader.team_id is not None:
            leaders[leader.team_id].append(leader)
    managers = list(User.objects.filter(centre=centre, is_active=True, groups__name=MANAGER))
    return leaders, managers


def _remind_centre(centre: OrgUnit, now: dt.datetime) -> int:
    cal = centre_calendar(centre.pk)
    told = 0
    for kind in ReportKind.values:
        period = reminding.period_to_remind(kind, cal, now)
        if period is None:
            continue
        first, last = period
        missing = missing_of(_writers(centre, last, now), kind, first)
        if not missing:
            continue
        leaders, managers = _reviewers(centre)
        by_reviewer: dict[int, tuple[User, list[User]]] = {}
        with transaction.atomic():
            for person in missing:
                told += _tell_person(person, kind, first, last, f"report_missing:{kind}:{first}")
                is_leader = any(group.name == LEADER for group in person.groups.all())
                over = (
                    leaders.get(person.team_id, [])
                    if person.team_id is not None and not is_leader
                    else []
                ) or managers
                for reviewer in over:
                    if reviewer.pk != person.pk:
                        by_reviewer.setdefault(reviewer.pk, (reviewer, []))[1].append(person)
            for reviewer, people in by_reviewer.values():
                notify(
                    recipients=[reviewer],
                    kind=NOTIFICATION_KIND,
                    title=gettext("%(count)s people have not submitted the %(report)s")
                    % {"count": len(people), "report": _period_text(kind, first, last)},
                    body="、".join(str(person) for person in people),
                    link=reverse("supervision_team_reports")
                    + f"?kind={kind}&day={first.isoformat()}",
                    key=f"reports_missing:{kind}:{first}",
                )
    return told


def reports_missing_sweep(*, now: dt.datetime | None = None) -> int:
    """Every hour: in each centre, for the latest period of each kind whose reminder time
    has come on the centre's calendar, each person who has not submitted is told, and
    their leader is told who is missing, once per period (the notifications' keys hold
    this against a second sweep). Returns how many people were told this time."""
    now = now or timezone.now()
    told = 0
    for centre in OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE, active=True):
        told += _remind_centre(centre, now)
    return told


@transaction.atomic
def reports_remind(
    *, actor: User, kind: str, day: dt.date, person_ids: Sequence[int] | None = None
) -> list[User]:
    """The leader's reminder, from the team-reports page: to one person, or (person_ids
    None) to everyone of theirs who has not submitted the report of the period holding
    `day`. Pressing it again the same day tells nobody twice. Returns who was told."""
    if not queries.may_review(actor):
        raise Forbidden()
    if kind not in ReportKind.values:
        raise Invalid(_("There is no such kind of report."), code="report_kind_unknown")
    today = timezone.localdate()
    if day > today:
        raise Invalid(
            _("A report is written for a period that has begun."),
            code="report_in_future",
            detail={"field": "day"},
        )
    first, last = drafting.period_of(kind, day)
    mine = {person.pk: person for person in queries.people_of(actor)}
    if actor.role == MANAGER:
        for team in queries.teams_of(actor.centre_id):
            mine.update({p.pk: p for p in queries.people_of(actor, team.pk)})
    if person_ids is not None:
        unknown = set(person_ids) - set(mine)
        if unknown or not person_ids:
            raise Invalid(
                _("Remind only the people who report to you."),
                code="person_unknown",
                detail={"field": "person_ids"},
            )
        people = [mine[pk] for pk in person_ids]
    else:
        people = list(mine.values())
    missing = missing_of(people, kind, first)
    key = f"report_remind:{kind}:{first}:{today}"
    told = [p for p in missing if _tell_person(p, kind, first, last, key)]
    if told:
        audit_record(
            actor=actor,
            action="supervision.reports_remind",
            object_type="supervision.workreport",
            object_repr=_period_text(kind, first, last),
            after={"kind": kind, "period": first.isoformat(), "people": [p.pk for p in told]},
        )
    return told
