"""Reads of the improvement projects and the indicator library (issue 20 point 5; 004):
who may see and keep them, the one access-checked getter of a project and of an action,
the library's rows with each indicator's definition, owner, target, latest figure and
projects, and a project's figures read from its indicator (kefu.metrics) over its period so
far and week by week."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kefu.core.errors import NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.roles import KEEP_PROJECTS, VIEW_SUPERVISION
from kefu.metrics import queries as metrics
from kefu.metrics.indicators import INDICATORS, compute
from kefu.metrics.reports import KEPT_PAST_SECONDS
from kefu.metrics.standards import Direction, Standard, Target
from kefu.supervision import library, progress
from kefu.supervision.models import (
    IndicatorOwner,
    Project,
    ProjectAction,
    ProjectEvent,
    ProjectState,
)
from kefu.supervision.progress import Better, Progress

#: The library's latest figure is read over the last week up to today.
LATEST_DAYS = 7


def may_view(user: User) -> bool:
    return user.is_superuser or user.has_perm(VIEW_SUPERVISION)


def may_keep(user: User) -> bool:
    return user.is_superuser or user.has_perm(KEEP_PROJECTS)


def projects_of(user: User) -> QuerySet[Project]:
    """The projects a user may see: every project of their centre with VIEW_SUPERVISION,
    else those where they own an action; none outside their centre."""
    projects = Project.objects.filter(centre_id=user.centre_id)
    if user.centre_id is None:
        return projects.none()
    if may_view(user):
        return projects
    return projects.filter(
        pk__in=ProjectAction.objects.filter(owner_id=user.pk).values("project_id")
    )


def project_get_for_user(user: User, project_id: int) -> Project:
    found = projects_of(user).filter(pk=project_id).select_related("created_by").first()
    if found is None:
        raise NotFound()
    return found


def action_get_for_user(user: User, action_id: int) -> ProjectAction:
    found = (
        ProjectAction.objects.filter(
            pk=action_id, project__in=projects_of(user).order_by().values("pk")
        )
        .select_related("project", "owner")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def project_detail(project: Project) -> Project:
    """The project with its actions and history, in a fixed number of reads."""
    return (
        Project.objects.filter(pk=project.pk)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=ProjectAction.objects.select_related("owner", "done_by").order_by(
                    "deadline", "pk"
                ),
            ),
            Prefetch("events", queryset=ProjectEvent.objects.select_related("actor")),
        )
        .get()
    )


def overdue(action: ProjectAction, today: dt.date | None = None) -> bool:
    return action.done_at is None and action.deadline < (today or timezone.localdate())


# ------------------------------------------------------------------------------ figures


def _read(
    centre: OrgUnit, first: dt.date, last: dt.date, *, service: bool
) -> dict[str, float | None]:
    rules = metrics.rules_of(centre)
    totals = metrics.totals_for(
        centre, metrics.Period.days(first, last), rules=rules, service=service
    )
    return compute(totals, rules)


def indicator_value(centre: OrgUnit, code: str, first: dt.date, last: dt.date) -> float | None:
    """The indicator over whole local days `first`–`last`, as kefu.metrics computes it
    (the same totals and function its reports use); None where it has no figure."""
    service = library.needs_service(code)
    if last >= timezone.localdate():
        return _read(centre, first, last, service=service)[code]
    # Days that are over: a project's page reads the same past weeks on every view.
    key = f"supervision:figure:{centre.pk}:{code}:{first}:{last}"
    hit = cache.get(key)
    if hit is not None:
        return float(hit[0]) if hit[0] is not None else None
    value = _read(centre, first, last, service=service)[code]
    cache.set(key, (value,), KEPT_PAST_SECONDS)
    return value


def baseline_of(project: Project) -> float | None:
    """The indicator over the whole two-month period before the project's (004)."""
    before = progress.TwoMonths(project.year, project.period).previous()
    return indicator_value(project.centre, project.indicator, before.first, before.last)


@dataclass(frozen=True)
class Week:
    first: dt.date
    last: dt.date
    value: float | None


@dataclass(frozen=True)
class Figures:
    """A project's indicator over its period so far: the figure, the progress towards the
    target and the figure of each week."""

    span: tuple[dt.date, dt.date] | None
    current: float | None
    progress: Progress
    better: Better
    weeks: list[Week] = field(default_factory=list)


def project_better(project: Project, target: Target | None) -> progress.Better:
    return progress.project_better(
        library.better(project.indicator, target), project.baseline, project.target
    )


def project_figures(
    project: Project, *, weekly: bool = True, today: dt.date | None = None
) -> Figures:
    today = today or timezone.localdate()
    centre = project.centre
    target = metrics.targets_of(centre).get(project.indicator)
    better = project_better(project, target)
    span = progress.TwoMonths(project.year, project.period).so_far(today)
    if span is None:
        return Figures(
            None,
            None,
            progress.progress(
                baseline=project.baseline, target=project.target, current=None, better=better
            ),
            better,
        )
    current = indicator_value(centre, project.indicator, *span)
    weeks = []
    if weekly:
        weeks = [
            Week(first, last, indicator_value(centre, project.indicator, first, last))
            for first, last in progress.weeks(*span)
        ]
    return Figures(
        span,
        current,
        progress.progress(
            baseline=project.baseline, target=project.target, current=current, better=better
        ),
        better,
        weeks,
    )


# ------------------------------------------------------------------------------ library


@dataclass(frozen=True)
class LibraryRow:
    code: str
    name: str
    definition: str
    standard: Standard | None  # None: an indicator 004 names that kefu does not compute
    uncomputed: library.Uncomputed | None
    owner: User | None
    target: Target | None
    target_is_centres: bool
    better: Direction | None
    latest: float | None
    projects: list[Project]

    @property
    def computed(self) -> bool:
        return self.standard is not None

    @property
    def unit(self) -> str:
        return self.standard.unit if self.standard is not None else ""


def _owners(centre: OrgUnit) -> dict[str, User]:
    return {
        row.code: row.owner
        for row in IndicatorOwner.objects.filter(centre=centre).select_related("owner")
    }


def _projects_by_indicator(centre: OrgUnit, code: str | None = None) -> dict[str, list[Project]]:
    rows = Project.objects.filter(centre=centre).order_by("-year", "-period", "pk")
    if code is not None:
        rows = rows.filter(indicator=code)
    grouped: dict[str, list[Project]] = defaultdict(list)
    for project in rows:
        grouped[project.indicator].append(project)
    return grouped


def latest_span(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(days=LATEST_DAYS - 1), today


def library_rows(centre: OrgUnit, *, code: str | None = None) -> list[LibraryRow]:
    """Every indicator kefu computes, in the order its reports list them, then those 004
    names that kefu does not compute yet; or the one of `code`."""
    owners = _owners(centre)
    targets = metrics.targets_of(centre)
    own_targets = metrics.centre_targets(centre)
    projects = _projects_by_indicator(centre, code)
    first, last = latest_span()
    if code is None:
        latest = _read(centre, first, last, service=True)
    elif code in library.COMPUTED:
        latest = {code: indicator_value(centre, code, first, last)}
    else:
        latest = {}
    rows = []
    for standard in sorted(library.COMPUTED.values(), key=_report_order):
        if code is not None and standard.code != code:
            continue
        target = targets.get(standard.code)
        rows.append(
            LibraryRow(
                code=standard.code,
                name=str(standard.name),
                definition=str(standard.definition),
                standard=standard,
                uncomputed=None,
                owner=owners.get(standard.code),
                target=target,
                target_is_centres=standard.code in own_targets,
                better=library.better(standard.code, target),
                latest=latest.get(standard.code),
                projects=projects.get(standard.code, []),
            )
        )
    for item in library.UNCOMPUTED:
        if code is not None and item.code != code:
            continue
        rows.append(
            LibraryRow(
                code=item.code,
                name=str(item.name),
                definition="",
                standard=None,
                uncomputed=item,
                owner=owners.get(item.code),
                target=None,
                target_is_centres=False,
                better=Direction.HIGHER,
                latest=None,
                projects=[],
            )
        )
    return rows


_ORDER = {code: n for n, code in enumerate(INDICATORS)}


def _report_order(standard: Standard) -> int:
    return _ORDER.get(standard.code, len(_ORDER))


def library_row(centre: OrgUnit, code: str) -> LibraryRow:
    if code not in library.CODES:
        raise NotFound()
    return library_rows(centre, code=code)[0]


def projects_in(user: User, year: int, period: int) -> list[Project]:
    return list(
        projects_of(user)
        .filter(year=year, period=period)
        .prefetch_related(
            Prefetch("actions", queryset=ProjectAction.objects.order_by("deadline", "pk"))
        )
        .order_by("state", "pk")
    )


def open_actions_of(user: User) -> QuerySet[ProjectAction]:
    """The actions a person owns that are not done, in projects still open."""
    return (
        ProjectAction.objects.filter(owner_id=user.pk, done_at=None)
        .filter(~Q(project__state=ProjectState.CLOSED))
        .select_related("project")
        .order_by("deadline", "pk")
    )
