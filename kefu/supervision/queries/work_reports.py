"""Reads of work reports and review meetings (issue 20 point 6): who may read which report
(the author; their team leader; the centre's managers, to whom leaders report), the one
access-checked getter of each entity, whose reports a reviewer awaits for a period, a
person's own figures for a period read from the apps that hold them, and the meetings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.core.errors import NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import (
    HOLD_MEETINGS,
    LEADER,
    MAKE_ROUNDS,
    MANAGER,
    REVIEW_REPORTS,
    WRITE_REPORTS,
)
from kefu.metrics.queries import Period, agent_totals
from kefu.quality.models import Evaluation
from kefu.satisfaction.models import CallbackAttempt
from kefu.supervision import drafting
from kefu.supervision.models import (
    ActionItem,
    Finding,
    Meeting,
    Rectification,
    RectificationState,
    ReportEntry,
    ReportState,
    Round,
    WorkReport,
)
from kefu.telephony.models import Agent
from kefu.tickets.models import Ticket, TicketEvent
from kefu.workforce.queries.attendance import workforce_totals

CLOSING_ACTIONS = ("close", "answer_close")


def may_write(user: User) -> bool:
    return user.centre_id is not None and user.has_perm(WRITE_REPORTS)


def may_review(user: User) -> bool:
    return user.centre_id is not None and user.has_perm(REVIEW_REPORTS)


def may_hold_meetings(user: User) -> bool:
    return user.centre_id is not None and user.has_perm(HOLD_MEETINGS)


def _leaders() -> Q:
    return Q(author__groups__name=LEADER)


def reviewed_by(user: User) -> Q:
    """The reports (other than their own) a reviewer reads: a team leader their team's,
    leaders' excepted; a manager every report of the centre. Drafts stay the author's."""
    if not may_review(user):
        return Q(pk__in=[])
    others = ~Q(author_id=user.pk) & ~Q(state=ReportState.DRAFT)
    if user.role == MANAGER:
        return others
    if user.role == LEADER and user.team_id is not None:
        return (
            others
            & Q(team_id=user.team_id)
            & ~Q(author__in=User.objects.filter(groups__name=LEADER).values("pk"))
        )
    return Q(pk__in=[])


def reports_of(user: User) -> QuerySet[WorkReport]:
    """The reports a user may read: their own, and those they review."""
    if user.centre_id is None:
        return WorkReport.objects.none()
    return (
        WorkReport.objects.filter(centre_id=user.centre_id)
        .filter(Q(author_id=user.pk) | reviewed_by(user))
        .select_related("author", "team")
    )


def report_get_for_user(user: User, report_id: int) -> WorkReport:
    found = reports_of(user).filter(pk=report_id).first()
    if found is None:
        raise NotFound()
    return found


def may_review_report(user: User, report: WorkReport) -> bool:
    return (
        report.author_id != user.pk
        and report.centre_id == user.centre_id
        and WorkReport.objects.filter(pk=report.pk).filter(reviewed_by(user)).exists()
    )


def report_entries(report: WorkReport) -> list[ReportEntry]:
    return list(report.entries.select_related("actor"))


def people_of(user: User, team_id: int | None = None) -> list[User]:
    """Whose reports a reviewer awaits: a team leader their team's members (leaders
    excepted); a manager the centre's team leaders, or one team's members when named."""
    staff = User.objects.filter(centre_id=user.centre_id, is_active=True).exclude(pk=user.pk)
    if user.role == LEADER:
        if user.team_id is None:
            return []
        staff = staff.filter(team_id=user.team_id).exclude(groups__name=LEADER)
    elif user.role == MANAGER:
        if team_id is None:
            staff = staff.filter(groups__name=LEADER)
        else:
            staff = staff.filter(team_id=team_id).exclude(groups__name=LEADER)
    else:
        return []
    app, codename = WRITE_REPORTS.split(".")
    staff = staff.filter(
        groups__permissions__codename=codename, groups__permissions__content_type__app_label=app
    )
    return list(staff.distinct().order_by("full_name", "username"))


@dataclass(frozen=True)
class PersonStatus:
    person: User
    report: WorkReport | None


def team_status(
    user: User, kind: str, first: dt.date, team_id: int | None = None
) -> list[PersonStatus]:
    """Each of the reviewer's people and their report of the period, if any (a draft counts
    as not submitted): two queries after the people."""
    people = people_of(user, team_id)
    reports = {
        report.author_id: report
        for report in WorkReport.objects.filter(
            author__in=[p.pk for p in people], kind=kind, period_start=first
        )
    }
    return [PersonStatus(person, reports.get(person.pk)) for person in people]


def teams_of(centre_id: int | None) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(parent_id=centre_id, kind=OrgUnit.Kind.TEAM).order_by("name")
    )


def previous_report(report: WorkReport) -> WorkReport | None:
    before, _ = drafting.previous_period(report.kind, report.period_start)
    return WorkReport.objects.filter(
        author_id=report.author_id, kind=report.kind, period_start=before
    ).first()


# ------------------------------------------------------------------------------- figures


def _average(value: Decimal | float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def figures_of(person: User, first: dt.date, last: dt.date) -> drafting.Figures:
    """A person's own figures for the local days first..last, from the apps that hold them:
    contacts taken, calls answered (metrics' agent totals from the platform's roll-ups),
    work orders created, handled, closed and gone overdue, QA scores, callbacks made,
    shifts planned and present, rounds and findings (for those who make rounds), and the
    rectifications they own."""
    period = Period.days(first, last)
    start, end = period.start, period.end
    centre = person.centre
    contacts = Contact.objects.filter(agent=person, started_at__gte=start, started_at__lt=end)
    events = TicketEvent.objects.filter(actor=person, at__gte=start, at__lt=end)
    handled = events.values("ticket_id").distinct().count()
    closed = events.filter(action__in=CLOSING_ACTIONS).values("ticket_id").distinct().count()
    overdue = (
        TicketEvent.objects.filter(
            action="overdue", at__gte=start, at__lt=end, ticket__assignee=person
        )
        .values("ticket_id")
        .distinct()
        .count()
    )
    scores = Evaluation.objects.filter(
        agent=person, current=True, contact_at__gte=start, contact_at__lt=end
    ).aggregate(n=Count("pk"), avg=Avg("score"), fatal=Count("pk", filter=Q(fatal=True)))
    calls: dict[str, int] = {}
    shifts_planned = shifts_present = None
    if centre is not None:
        for name in Agent.objects.filter(user=person, centre=centre).values_list("name", flat=True):
            for key, value in agent_totals(centre, period, agent=name).items():
                calls[key] = calls.get(key, 0) + value
            totals = workforce_totals(centre, start, end, agent=name)
            if totals.get("scheduled_agents") is not None:
                shifts_planned = (shifts_planned or 0) + int(totals["scheduled_agents"])
                shifts_present = (shifts_present or 0) + int(totals.get("present_agents") or 0)
    rounds = findings = None
    if person.has_perm(MAKE_ROUNDS):
        mine = Round.objects.filter(inspector=person, started_at__gte=start, started_at__lt=end)
        rounds = mine.count()
        findings = Finding.objects.filter(round__in=mine.values("pk")).count()
    today = timezone.localdate()
    owned = Rectification.objects.filter(owner=person).aggregate(
        open=Count("pk", filter=~Q(state=RectificationState.CLOSED)),
        overdue=Count("pk", filter=~Q(state=RectificationState.CLOSED) & Q(deadline__lt=today)),
        closed=Count(
            "pk",
            filter=Q(state=RectificationState.CLOSED, closed_at__gte=start, closed_at__lt=end),
        ),
    )
    return drafting.Figures(
        contacts=contacts.count(),
        calls_answered=calls.get("answered") if calls else None,
        talk_seconds=calls.get("talk_sum") if calls else None,
        tickets_created=Ticket.objects.filter(
            created_by=person, created_at__gte=start, created_at__lt=end
        ).count(),
        tickets_handled=handled,
        tickets_closed=closed,
        tickets_overdue=overdue,
        qa_count=scores["n"],
        qa_average=_average(scores["avg"]),
        qa_fatal=scores["fatal"],
        callbacks=CallbackAttempt.objects.filter(by=person, at__gte=start, at__lt=end).count(),
        shifts_planned=shifts_planned,
        shifts_present=shifts_present,
        rounds=rounds,
        findings=findings,
        rectifications_open=owned["open"],
        rectifications_overdue=owned["overdue"],
        rectifications_closed=owned["closed"],
    )


# ------------------------------------------------------------------------------ meetings


def meetings_of(user: User) -> QuerySet[Meeting]:
    """The meetings a user may see: those who hold meetings see the centre's (a team
    leader those of their team and of the whole centre); everyone sees the meetings they
    attended or hold an action item of."""
    if user.centre_id is None:
        return Meeting.objects.none()
    meetings = Meeting.objects.filter(centre_id=user.centre_id).select_related("chair", "team")
    mine = Q(attendees=user) | Q(actions__owner=user) | Q(chair=user)
    if may_hold_meetings(user):
        if user.role == LEADER:
            mine |= Q(team__isnull=True) | Q(team_id=user.team_id)
        else:
            return meetings
    ids = Meeting.objects.filter(centre_id=user.centre_id).filter(mine).values("pk")
    return meetings.filter(pk__in=ids)


def meeting_get_for_user(user: User, meeting_id: int) -> Meeting:
    found = meetings_of(user).filter(pk=meeting_id).first()
    if found is None:
        raise NotFound()
    return found


def meeting_detail(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.filter(pk=meeting.pk)
        .select_related("chair", "team")
        .prefetch_related(
            "attendees", Prefetch("actions", queryset=ActionItem.objects.select_related("owner"))
        )
        .get()
    )


def action_get_for_user(user: User, action_id: int) -> ActionItem:
    found = (
        ActionItem.objects.filter(pk=action_id, meeting__in=meetings_of(user).values("pk"))
        .select_related("meeting", "owner")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def carried_over(meeting: Meeting) -> list[ActionItem]:
    """The action items of earlier meetings of the same team (or of the centre) still open:
    what the next week's meeting goes through first (000 第1篇: 未能解决的事件)."""
    return list(
        ActionItem.objects.filter(
            meeting__centre_id=meeting.centre_id,
            meeting__team_id=meeting.team_id,
            meeting__held_on__lt=meeting.held_on,
            done_at__isnull=True,
        )
        .select_related("owner", "meeting")
        .order_by("due_on", "pk")
    )


def open_actions_of(user: User) -> list[ActionItem]:
    return list(
        ActionItem.objects.filter(owner=user, done_at__isnull=True)
        .select_related("meeting")
        .order_by("due_on", "pk")
    )
