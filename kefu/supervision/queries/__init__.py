"""Reads of supervision: which rounds and rectifications a user may see, the one
access-checked getter of each, the centre's checklists, and the compliance table of the
daily rounds (001 4.5) built from the rota, the calendar and the finished rounds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid, NotFound
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.core.queries import calendar_of
from kefu.core.roles import (
    LEADER,
    MAKE_ROUNDS,
    MANAGE_CHECKLISTS,
    MANAGER,
    SPOT_CHECK,
    VIEW_SUPERVISION,
)
from kefu.core.workcal import is_working_day
from kefu.supervision import frequency
from kefu.supervision.models import (
    Checklist,
    ChecklistItem,
    ChecklistVersion,
    Finding,
    Rectification,
    RectificationState,
    Round,
    RoundKind,
    RoundState,
    SampledRecord,
)

#: The kinds of round that count towards a person's daily rounds of the centre (001 4.5.1,
#: 4.5.2: 工作巡查 of the centre); mystery visits and field safety inspections do not.
ROUNDS_OF_THE_CENTRE = (RoundKind.PATROL, RoundKind.SPOT_CHECK, RoundKind.SITE)
SPOT_CHECKS = (RoundKind.SPOT_CHECK, RoundKind.MYSTERY_VISIT, RoundKind.MYSTERY_CALL)


def may_view(user: User) -> bool:
    return user.is_superuser or user.has_perm(VIEW_SUPERVISION)


def may_make_rounds(user: User) -> bool:
    return user.has_perm(MAKE_ROUNDS)


def may_spot_check(user: User) -> bool:
    return user.has_perm(SPOT_CHECK)


def may_manage_checklists(user: User) -> bool:
    return user.has_perm(MANAGE_CHECKLISTS)


def rounds_of(user: User) -> QuerySet[Round]:
    """The rounds a user may see: a team leader their own and their team's; managers,
    inspectors and administrators every round of their centre; others none."""
    rounds = Round.objects.filter(centre_id=user.centre_id).select_related(
        "inspector", "team", "checklist_version__checklist"
    )
    if not may_view(user) or user.centre_id is None:
        return rounds.none()
    if user.role == LEADER:
        mine = Q(inspector_id=user.pk)
        if user.team_id is not None:
            mine |= Q(team_id=user.team_id)
        rounds = rounds.filter(mine)
    return rounds


def round_get_for_user(user: User, round_id: int) -> Round:
    found = rounds_of(user).filter(pk=round_id).first()
    if found is None:
        raise NotFound()
    return found


def finding_get_for_user(user: User, finding_id: int) -> Finding:
    """A finding of a round the user may see."""
    found = Finding.objects.filter(pk=finding_id, round__in=rounds_of(user)).first()
    if found is None:
        raise NotFound()
    return found


def record_get_for_user(user: User, record_id: int) -> SampledRecord:
    """A record drawn into a round the user may see (the API and the page alike)."""
    found = (
        SampledRecord.objects.filter(
            pk=record_id, round__in=rounds_of(user).order_by().values("pk")
        )
        .select_related("ticket")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def round_detail(round_: Round) -> Round:
    """The round with everything its page and the API show, in a fixed number of reads."""
    return (
        Round.objects.filter(pk=round_.pk)
        .select_related("inspector", "team", "checklist_version__checklist")
        .prefetch_related(
            Prefetch(
                "checklist_version__items",
                queryset=ChecklistItem.objects.order_by("position"),
            ),
            "results",
            Prefetch(
                "findings",
                queryset=Finding.objects.select_related(
                    "person", "item", "rectification__owner"
                ).prefetch_related("photos", "rectification__events__actor"),
            ),
            "records__ticket",
            "records__contact",
            "questions__person",
        )
        .get()
    )


def rectifications_of(user: User) -> QuerySet[Rectification]:
    """The rectifications a user may see: those they own, and those of the rounds they
    may see."""
    rects = Rectification.objects.filter(centre_id=user.centre_id).select_related(
        "owner", "finding__round__inspector", "finding__round__team", "finding__person"
    )
    if user.centre_id is None:
        return rects.none()
    visible = Q(owner_id=user.pk)
    if may_view(user):
        visible |= Q(finding__round__in=rounds_of(user).order_by().values("pk"))
    return rects.filter(visible)


def rectification_get_for_user(user: User, rectification_id: int) -> Rectification:
    found = rectifications_of(user).filter(pk=rectification_id).first()
    if found is None:
        raise NotFound()
    return found


def overdue(rect: Rectification, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return rect.state != RectificationState.CLOSED and rect.deadline < today


def checklists_of(user: User) -> QuerySet[Checklist]:
    if user.centre_id is None or not (may_view(user) or may_make_rounds(user)):
        return Checklist.objects.none()
    return Checklist.objects.filter(centre_id=user.centre_id).prefetch_related(
        Prefetch("versions", queryset=ChecklistVersion.objects.order_by("-number"))
    )


def checklist_get_for_user(user: User, checklist_id: int) -> Checklist:
    found = checklists_of(user).filter(pk=checklist_id).first()
    if found is None:
        raise NotFound()
    return found


def current_version(checklist: Checklist) -> ChecklistVersion | None:
    return checklist.versions.order_by("-number").prefetch_related("items").first()


@dataclass(frozen=True)
class Compliance:
    days: list[dt.date]
    rows: list[frequency.Row]
    months_without_spot_check: list[tuple[int, int]]


def _every_day(day: dt.date) -> bool:
    return True


def _local_day(at: dt.datetime) -> dt.date:
    return timezone.localtime(at).date()


def compliance_of(
    centre: OrgUnit, first: dt.date, last: dt.date, team_id: int | None = None
) -> Compliance:
    """Who owed rounds and made them, day by day (001 4.5.1–4.5.3): the centre's team
    leaders (two a day) and managers (one a day), on duty by the published rota, else by
    the centre's working calendar."""
    from kefu.workforce.models import RotaStatus, Shift

    days = frequency.days_between(first, last)
    roles: dict[int, str] = {}
    for user_id, role in User.objects.filter(
        centre_id=centre.pk, is_active=True, groups__name__in=[LEADER, MANAGER]
    ).values_list("pk", "groups__name"):
        # A person in both groups owes the larger quota: the leader's.
        roles[user_id] = LEADER if LEADER in (role, roles.get(user_id)) else role
    people = User.objects.filter(pk__in=roles)
    if team_id is not None:
        people = people.filter(Q(team_id=team_id) | Q(groups__name=MANAGER))
    people_list = list(people.distinct().order_by("pk"))
    ids = [person.pk for person in people_list]
    shifts: dict[int, set[dt.date]] = {}
    for user_id, day in Shift.objects.filter(
        member__user_id__in=ids,
        day__gte=first,
        day__lte=last,
        rota__status=RotaStatus.PUBLISHED,
    ).values_list("member__user_id", "day"):
        shifts.setdefault(user_id, set()).add(day)
    # The rota knows a person when it plans any day of theirs in the period.
    start = dt.datetime.combine(first, dt.time.min, tzinfo=timezone.get_current_timezone())
    end = dt.datetime.combine(
        last + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    finished = Round.objects.filter(
        centre_id=centre.pk,
        state=RoundState.DONE,
        started_at__gte=start,
        started_at__lt=end,
    ).values_list("inspector_id", "kind", "started_at")
    rounds: list[tuple[int, dt.date]] = []
    spot_days: list[dt.date] = []
    for inspector_id, kind, started in finished:
        if kind in ROUNDS_OF_THE_CENTRE:
            rounds.append((inspector_id, _local_day(started)))
        if kind in SPOT_CHECKS:
            spot_days.append(_local_day(started))
    working_day: Callable[[dt.date], bool] | None = None
    if centre.calendar is not None and centre.calendar.kind == WorkCalendar.Kind.ALWAYS:
        working_day = _every_day  # a round-the-clock centre is staffed every day
    elif centre.calendar is not None:
        calendar = calendar_of(centre.calendar)

        def working_day(day: dt.date) -> bool:
            return is_working_day(calendar, day)

    persons = [
        frequency.Person(
            id=user.pk,
            name=str(user),
            role=roles[user.pk],
            on_duty=frozenset(shifts[user.pk]) if user.pk in shifts else None,
        )
        for user in people_list
    ]
    return Compliance(
        days=days,
        rows=frequency.compliance(persons, rounds, days, working_day, today=timezone.localdate()),
        months_without_spot_check=frequency.months_without_spot_check(spot_days, first, last),
    )


def teams_of(centre_id: int | None) -> Sequence[OrgUnit]:
    return list(
        OrgUnit.objects.filter(parent_id=centre_id, kind=OrgUnit.Kind.TEAM, active=True).order_by(
            "name"
        )
    )


def centre_person(centre_id: int, user_id: int, field: str) -> User:
    user = User.objects.filter(pk=user_id, centre_id=centre_id, is_active=True).first()
    if user is None:
        raise Invalid(
            _("There is no such person in your centre."),
            code="person_unknown",
            detail={"field": field},
        )
    return user


def notices_to_place(rect: Rectification) -> int:
    """How many rectifications the centre has set at this rectification's place, this one
    included: a customer who leaves notice after notice unheeded (002 第3篇: 连续几个反映和
    下达《安全隐患整改通知书》告知,用户仍不处理) shows on the notice itself."""
    place = rect.finding.round.place
    if not place:
        return 1
    return Rectification.objects.filter(
        centre_id=rect.centre_id,
        finding__round__place=place,
        finding__round__kind=rect.finding.round.kind,
    ).count()
