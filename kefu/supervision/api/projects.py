"""Improvement projects and the quality-indicator library over the API at
/api/v1/supervision/ (issue 20 point 5; seed 004): the library (every indicator kefu
computes with its definition, owner, target, latest figure and projects, and those 004
names that kefu does not compute yet, marked so), an indicator's owner; projects by
two-month period, a project with its progress read from its indicator, its weekly figures
and actions; start, baseline, close; actions added and marked done. Creates answer 201 and
so honour `Idempotency-Key`; every other change carries the version it was read at (409
when stale)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden, NotFound
from kefu.core.http import request_user
from kefu.core.models import OrgUnit, User
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.supervision import library, progress
from kefu.supervision.api import SupervisionVersionIn
from kefu.supervision.models import Project, ProjectAction, ProjectEventKind, ProjectState
from kefu.supervision.queries import projects as queries
from kefu.supervision.services import projects as services

router = Router(tags=["supervision"])

# The library's codes as an enum, so a client reads every choice from the schema.
IndicatorCode = StrEnum(  # type: ignore[misc]
    "SupervisionIndicatorCode", [(code, code) for code in sorted(library.CODES)]
)
# The indicators a project can be set on: those kefu computes.
ComputedIndicator = StrEnum(  # type: ignore[misc]
    "SupervisionComputedIndicator", [(code, code) for code in sorted(library.COMPUTED)]
)


class SupervisionBetter(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    RANGE = "range"


class SupervisionIndicatorOut(Out):
    code: str
    name: str
    definition: str = Field(description="kefu.metrics' own definition; empty when not computed.")
    computed: bool = Field(description="False: 004 names it, kefu has no figure for it yet.")
    seed_term: str
    unit: str | None = Field(description="rate (a fraction), seconds, count, …")
    owner_id: int | None
    owner_name: str | None
    target_low: float | None
    target_high: float | None
    target_set_by_centre: bool
    better: SupervisionBetter | None = Field(description="Which way the figure is better.")
    latest: float | None = Field(description="Over the last 7 days; none: no figure.")
    latest_first: date
    latest_last: date
    project_ids: list[int]


class SupervisionOwnerIn(StrictSchema):
    owner_id: Id | None = Field(description="None clears the owner.")


class SupervisionProjectIn(StrictSchema):
    theme: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    indicator: ComputedIndicator
    year: int = Field(ge=2000, le=2100)
    period: int = Field(ge=1, le=6, description="1: January–February … 6: November–December.")
    target: float = Field(
        allow_inf_nan=False, description="In the indicator's unit; rates as fractions."
    )


class SupervisionBaselineIn(StrictSchema):
    version: Version
    baseline: float = Field(allow_inf_nan=False)
    reason: str = Field(min_length=1, max_length=500)


class SupervisionCloseIn(StrictSchema):
    version: Version
    conclusion: str = Field(min_length=1, max_length=2000)


class SupervisionProjectActionIn(StrictSchema):
    title: str = Field(min_length=1, max_length=200)
    owner_id: Id
    deadline: date


class SupervisionProjectActionDoneIn(StrictSchema):
    version: Version
    note: str = Field("", max_length=500)


class SupervisionProgressState(StrEnum):
    NO_FIGURE = progress.State.NO_FIGURE.value
    REGRESSED = progress.State.REGRESSED.value
    NO_CHANGE = progress.State.NO_CHANGE.value
    ON_THE_WAY = progress.State.ON_THE_WAY.value
    REACHED = progress.State.REACHED.value
    OVERSHOT = progress.State.OVERSHOT.value


class SupervisionProjectActionOut(Out):
    id: int
    project_id: int
    title: str
    owner_id: int
    deadline: date
    done: bool
    done_at: datetime | None
    overdue: bool
    note: str
    version: int


class SupervisionProjectOut(Out):
    id: int
    theme: str
    description: str
    indicator: str
    year: int
    period: int
    first_day: date
    last_day: date
    baseline: float | None
    target: float
    state: ProjectState
    conclusion: str
    started_at: datetime | None
    closed_at: datetime | None
    version: int


class SupervisionWeekOut(Out):
    first_day: date
    last_day: date
    value: float | None


class SupervisionEventOut(Out):
    kind: ProjectEventKind
    actor_id: int
    at: datetime
    note: str
    before: float | None
    after: float | None


class SupervisionProjectDetailOut(SupervisionProjectOut):
    better: SupervisionBetter
    current: float | None = Field(description="Over the period so far; none: no figure yet.")
    progress_state: SupervisionProgressState
    progress: float | None = Field(
        description="Share of the way from baseline to target: below 0 regression, above 1 "
        "overshoot; none without a figure or when baseline equals target."
    )
    weeks: list[SupervisionWeekOut]
    actions: list[SupervisionProjectActionOut]
    events: list[SupervisionEventOut]


class SupervisionProjectFilter(StrictSchema):
    year: int | None = Field(None, ge=2000, le=2100)
    period: int | None = Field(None, ge=1, le=6)
    state: ProjectState | None = None
    indicator: IndicatorCode | None = None


def _indicator(row: queries.LibraryRow, span: tuple[date, date]) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "definition": row.definition,
        "computed": row.computed,
        "seed_term": row.standard.seed_term
        if row.standard
        else (row.uncomputed.seed_term if row.uncomputed else ""),
        "unit": str(row.unit) or None,
        "owner_id": row.owner.pk if row.owner else None,
        "owner_name": str(row.owner) if row.owner else None,
        "target_low": row.target.low if row.target else None,
        "target_high": row.target.high if row.target else None,
        "target_set_by_centre": row.target_is_centres,
        "better": row.better,
        "latest": row.latest,
        "latest_first": span[0],
        "latest_last": span[1],
        "project_ids": [project.pk for project in row.projects],
    }


def action_out(action: ProjectAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "project_id": action.project_id,
        "title": action.title,
        "owner_id": action.owner_id,
        "deadline": action.deadline,
        "done": action.done_at is not None,
        "done_at": action.done_at,
        "overdue": queries.overdue(action),
        "note": action.note,
        "version": action.version,
    }


def _project(project: Project) -> dict[str, Any]:
    two_months = progress.TwoMonths(project.year, project.period)
    return {
        "id": project.pk,
        "theme": project.theme,
        "description": project.description,
        "indicator": project.indicator,
        "year": project.year,
        "period": project.period,
        "first_day": two_months.first,
        "last_day": two_months.last,
        "baseline": project.baseline,
        "target": project.target,
        "state": project.state,
        "conclusion": project.conclusion,
        "started_at": project.started_at,
        "closed_at": project.closed_at,
        "version": project.version,
    }


def _detail(project: Project) -> dict[str, Any]:
    project = queries.project_detail(project)
    figures = queries.project_figures(project)
    return {
        **_project(project),
        "better": figures.better,
        "current": figures.current,
        "progress_state": figures.progress.state,
        "progress": figures.progress.share,
        "weeks": [
            {"first_day": week.first, "last_day": week.last, "value": week.value}
            for week in figures.weeks
        ],
        "actions": [action_out(action) for action in project.actions.all()],
        "events": [
            {
                "kind": event.kind,
                "actor_id": event.actor_id,
                "at": event.at,
                "note": event.note,
                "before": event.before,
                "after": event.after,
            }
            for event in project.events.all()
        ],
    }


def _reader(request: HttpRequest) -> tuple[User, OrgUnit]:
    user = request_user(request)
    if not queries.may_view(user) or user.centre is None:
        raise Forbidden()
    return user, user.centre


@router.get("/indicators", response=list[SupervisionIndicatorOut])
def list_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    """The quality-indicator library (004 6、全面质量控制): every indicator kefu computes, in
    the order its reports list them, then those 004 names that kefu does not compute yet."""
    _user, centre = _reader(request)
    span = queries.latest_span()
    return [_indicator(row, span) for row in queries.library_rows(centre)]


@router.get("/indicators/{code}", response={200: SupervisionIndicatorOut, **errors(404)})
def get_indicator(request: HttpRequest, code: str) -> dict[str, Any]:
    _user, centre = _reader(request)
    return _indicator(queries.library_row(centre, code), queries.latest_span())


@router.put(
    "/indicators/{code}/owner", response={200: SupervisionIndicatorOut, **errors(403, 404, 422)}
)
def set_indicator_owner(
    request: HttpRequest, code: str, payload: SupervisionOwnerIn
) -> dict[str, Any]:
    """Name the person of the centre who owns the indicator (managers and team leaders)."""
    user, centre = _reader(request)
    if code not in library.CODES:
        raise NotFound()
    services.indicator_owner_set(actor=user, code=code, owner_id=payload.owner_id)
    return _indicator(queries.library_row(centre, code), queries.latest_span())


@router.get("/projects", response=list[SupervisionProjectOut])
def list_projects(
    request: HttpRequest, filters: Query[SupervisionProjectFilter]
) -> list[dict[str, Any]]:
    """The projects the caller may see, by two-month period (the current one when `year`
    and `period` are left out), the latest period first."""
    projects = queries.projects_of(request_user(request))
    if filters.year is None and filters.period is None and filters.indicator is None:
        current = progress.TwoMonths.of(timezone.localdate())
        projects = projects.filter(year=current.year, period=current.index)
    if filters.year is not None:
        projects = projects.filter(year=filters.year)
    if filters.period is not None:
        projects = projects.filter(period=filters.period)
    if filters.state is not None:
        projects = projects.filter(state=filters.state)
    if filters.indicator is not None:
        projects = projects.filter(indicator=filters.indicator.value)
    return [_project(p) for p in projects.order_by("-year", "-period", "pk")[:200]]


@router.post("/projects", response={201: SupervisionProjectDetailOut, **errors(403, 422)})
def create_project(request: HttpRequest, payload: SupervisionProjectIn) -> Status[dict[str, Any]]:
    """A planned project for one two-month period (004) on an indicator kefu computes."""
    project = services.project_create(
        actor=request_user(request),
        theme=payload.theme,
        description=payload.description,
        indicator=payload.indicator.value,
        year=payload.year,
        period=payload.period,
        target=payload.target,
    )
    return Status(201, _detail(project))


@router.get(
    "/projects/{int:project_id}", response={200: SupervisionProjectDetailOut, **errors(404)}
)
def get_project(request: HttpRequest, project_id: Id) -> dict[str, Any]:
    return _detail(queries.project_get_for_user(request_user(request), project_id))


@router.post(
    "/projects/{int:project_id}/start",
    response={200: SupervisionProjectDetailOut, **errors(403, 404, 409)},
)
def start_project(
    request: HttpRequest, project_id: Id, payload: SupervisionVersionIn
) -> dict[str, Any]:
    """Start it: the baseline is read over the two-month period before and stored."""
    user = request_user(request)
    project = queries.project_get_for_user(user, project_id)
    return _detail(services.project_start(actor=user, project=project, version=payload.version))


@router.put(
    "/projects/{int:project_id}/baseline",
    response={200: SupervisionProjectDetailOut, **errors(403, 404, 409, 422)},
)
def set_baseline(
    request: HttpRequest, project_id: Id, payload: SupervisionBaselineIn
) -> dict[str, Any]:
    """Change the stored baseline, with the reason."""
    user = request_user(request)
    project = queries.project_get_for_user(user, project_id)
    return _detail(
        services.project_baseline_set(
            actor=user,
            project=project,
            version=payload.version,
            baseline=payload.baseline,
            reason=payload.reason,
        )
    )


@router.post(
    "/projects/{int:project_id}/close",
    response={200: SupervisionProjectDetailOut, **errors(403, 404, 409, 422)},
)
def close_project(
    request: HttpRequest, project_id: Id, payload: SupervisionCloseIn
) -> dict[str, Any]:
    user = request_user(request)
    project = queries.project_get_for_user(user, project_id)
    return _detail(
        services.project_close(
            actor=user, project=project, version=payload.version, conclusion=payload.conclusion
        )
    )


@router.post(
    "/projects/{int:project_id}/actions",
    response={201: SupervisionProjectActionOut, **errors(403, 404, 409, 422)},
)
def add_action(
    request: HttpRequest, project_id: Id, payload: SupervisionProjectActionIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    project = queries.project_get_for_user(user, project_id)
    action = services.action_add(
        actor=user,
        project=project,
        title=payload.title,
        owner_id=payload.owner_id,
        deadline=payload.deadline,
    )
    return Status(201, action_out(action))


@router.post(
    "/project-actions/{int:action_id}/done",
    response={200: SupervisionProjectActionOut, **errors(403, 404, 409, 422)},
)
def mark_action_done(
    request: HttpRequest, action_id: Id, payload: SupervisionProjectActionDoneIn
) -> dict[str, Any]:
    """The action's owner marks it done."""
    user = request_user(request)
    action = queries.action_get_for_user(user, action_id)
    return action_out(
        services.action_done(actor=user, action=action, version=payload.version, note=payload.note)
    )
