"""Improvement projects and the indicator library, every change (issue 20 point 5; seed
004): the owner of a library indicator; a project created for a two-month period on a
computed indicator, started (its baseline read over the period before), its baseline
changed with a reason, closed with a conclusion; its actions added with owners and
deadlines and marked done by their owners. Managers and team leaders keep projects
(KEEP_PROJECTS); each change runs in one transaction, guards against a concurrent writer
with the row's version and writes an event row."""

from __future__ import annotations

import datetime as dt
import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import User
from kefu.core.services.audit import audit_record
from kefu.metrics import queries as metrics
from kefu.supervision import library, progress
from kefu.supervision.models import (
    IndicatorOwner,
    Project,
    ProjectAction,
    ProjectEvent,
    ProjectEventKind,
    ProjectState,
)
from kefu.supervision.queries import centre_person
from kefu.supervision.queries import projects as queries

#: An action is due within a year at most.
LONGEST_DEADLINE = dt.timedelta(days=366)
#: A project is planned at most a year ahead.
YEARS_AHEAD = 1


def _keeper(actor: User) -> int:
    """The keeper's centre."""
    if not queries.may_keep(actor):
        raise Forbidden()
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    return actor.centre_id


def _text(value: str, limit: int, field: str, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise Invalid(_("This field is required."), code="field_required", detail={"field": field})
    if len(value) > limit:
        raise Invalid(
            _("At most %(count)d characters.") % {"count": limit},
            code="text_too_long",
            detail={"field": field},
        )
    return value


def _number(value: float | None, field: str) -> float | None:
    if value is not None and not math.isfinite(value):
        raise Invalid(_("Enter a number."), code="not_a_number", detail={"field": field})
    return value


@transaction.atomic
def indicator_owner_set(*, actor: User, code: str, owner_id: int | None) -> IndicatorOwner | None:
    """Name (or clear, with None) the person of the centre who owns a library indicator."""
    centre_id = _keeper(actor)
    if code not in library.CODES:
        raise Invalid(
            _("There is no such indicator."), code="indicator_unknown", detail={"field": "code"}
        )
    before = IndicatorOwner.objects.filter(centre_id=actor.centre_id, code=code).first()
    if owner_id is None:
        if before is not None:
            before.delete()
        row = None
    else:
        owner = centre_person(centre_id, owner_id, "owner")
        row, _created = IndicatorOwner.objects.update_or_create(
            centre_id=actor.centre_id, code=code, defaults={"owner": owner, "updated_by": actor}
        )
    audit_record(
        actor=actor,
        action="supervision.indicator_owner_set",
        object_type="indicator",
        object_id=code,
        object_repr=code,
        before={"owner": before.owner_id if before else None},
        after={"owner": owner_id},
    )
    return row


def _check_indicator(code: str) -> None:
    if code in library.UNCOMPUTED_BY_CODE:
        raise Invalid(
            _("kefu does not compute this indicator yet, so a project cannot measure it."),
            code="indicator_not_computed",
            detail={"field": "indicator"},
        )
    if code not in library.COMPUTED:
        raise Invalid(
            _("There is no such indicator."),
            code="indicator_unknown",
            detail={"field": "indicator"},
        )


def _check_better(actor: User, code: str) -> None:
    target = metrics.targets_of(actor.centre).get(code) if actor.centre else None
    if library.better(code, target) is None:
        raise Invalid(
            _(
                "This figure is a count of the work with no better side: choose an indicator "
                "that can improve."
            ),
            code="indicator_without_direction",
            detail={"field": "indicator"},
        )


@transaction.atomic
def project_create(
    *,
    actor: User,
    theme: str,
    indicator: str,
    year: int,
    period: int,
    target: float,
    description: str = "",
) -> Project:
    """A planned project for one of the year's six two-month periods (004), on an
    indicator kefu computes, with its target in the indicator's unit (rates as fractions).
    The period must not be over, nor more than a year ahead."""
    centre_id = _keeper(actor)
    theme = _text(theme, 100, "theme")
    description = _text(description, 2000, "description", required=False)
    _check_indicator(indicator)
    _check_better(actor, indicator)
    _number(target, "target")
    try:
        two_months = progress.TwoMonths(year, period)
    except ValueError as error:
        raise Invalid(
            _("There is no such two-month period."),
            code="period_unknown",
            detail={"field": "period"},
        ) from error
    today = timezone.localdate()
    if two_months.last < today:
        raise Invalid(
            _("This two-month period is over."), code="period_over", detail={"field": "period"}
        )
    if two_months.year > today.year + YEARS_AHEAD:
        raise Invalid(
            _("A project is planned at most a year ahead."),
            code="period_too_far",
            detail={"field": "year"},
        )
    project = Project.objects.create(
        centre_id=centre_id,
        theme=theme,
        description=description,
        indicator=indicator,
        year=year,
        period=period,
        target=target,
        created_by=actor,
    )
    ProjectEvent.objects.create(project=project, kind=ProjectEventKind.CREATED, actor=actor)
    audit_record(actor=actor, action="supervision.project_create", obj=project)
    return project


def _lock(project: Project, version: int) -> Project:
    locked = Project.objects.select_for_update().select_related("centre").get(pk=project.pk)
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    return locked


def _save(project: Project, fields: list[str]) -> None:
    project.version += 1
    project.save(update_fields=[*fields, "version"])


def _same_centre(actor: User, project: Project) -> None:
    if project.centre_id != actor.centre_id:
        raise Forbidden()


@transaction.atomic
def project_start(*, actor: User, project: Project, version: int) -> Project:
    """Start a planned project: its baseline is read from the indicator over the whole
    two-month period before its own and stored (none when that period has no figure: set
    it then by hand, with the reason)."""
    _keeper(actor)
    project = _lock(project, version)
    _same_centre(actor, project)
    if project.state != ProjectState.PLANNED:
        raise Conflict(_("This project has already started."), code="project_not_planned")
    project.baseline = queries.baseline_of(project)
    project.state, project.started_at = ProjectState.RUNNING, timezone.now()
    _save(project, ["baseline", "state", "started_at"])
    ProjectEvent.objects.create(
        project=project, kind=ProjectEventKind.STARTED, actor=actor, after=project.baseline
    )
    audit_record(
        actor=actor,
        action="supervision.project_start",
        obj=project,
        after={"baseline": project.baseline},
    )
    return project


@transaction.atomic
def project_baseline_set(
    *, actor: User, project: Project, version: int, baseline: float, reason: str
) -> Project:
    """Change the stored baseline (a period with no data, a figure since corrected): the
    reason is required and kept with the value before and after."""
    _keeper(actor)
    project = _lock(project, version)
    _same_centre(actor, project)
    if project.state == ProjectState.CLOSED:
        raise Conflict(_("This project is closed."), code="project_closed")
    _number(baseline, "baseline")
    reason = _text(reason, 500, "reason")
    before = project.baseline
    project.baseline = baseline
    _save(project, ["baseline"])
    ProjectEvent.objects.create(
        project=project,
        kind=ProjectEventKind.BASELINE,
        actor=actor,
        note=reason,
        before=before,
        after=baseline,
    )
    audit_record(
        actor=actor,
        action="supervision.project_baseline_set",
        obj=project,
        before={"baseline": before},
        after={"baseline": baseline, "reason": reason},
    )
    return project


@transaction.atomic
def project_close(*, actor: User, project: Project, version: int, conclusion: str) -> Project:
    """Close a project with its conclusion (what worked, what is kept, what is next)."""
    _keeper(actor)
    project = _lock(project, version)
    _same_centre(actor, project)
    if project.state == ProjectState.CLOSED:
        raise Conflict(_("This project is closed."), code="project_closed")
    project.conclusion = _text(conclusion, 2000, "conclusion")
    project.state, project.closed_at = ProjectState.CLOSED, timezone.now()
    _save(project, ["conclusion", "state", "closed_at"])
    ProjectEvent.objects.create(
        project=project, kind=ProjectEventKind.CLOSED, actor=actor, note=project.conclusion
    )
    audit_record(actor=actor, action="supervision.project_close", obj=project)
    return project


@transaction.atomic
def action_add(
    *, actor: User, project: Project, title: str, owner_id: int, deadline: dt.date
) -> ProjectAction:
    """An action of an open project, with the person of the centre who owns it and its
    deadline (from today to a year ahead)."""
    _keeper(actor)
    project = Project.objects.select_for_update().get(pk=project.pk)
    _same_centre(actor, project)
    if project.state == ProjectState.CLOSED:
        raise Conflict(_("This project is closed."), code="project_closed")
    title = _text(title, 200, "title")
    owner = centre_person(project.centre_id, owner_id, "owner")
    today = timezone.localdate()
    if not today <= deadline <= today + LONGEST_DEADLINE:
        raise Invalid(
            _("The deadline lies between today and a year from now."),
            code="deadline_out_of_range",
            detail={"field": "deadline"},
        )
    action = ProjectAction.objects.create(
        project=project, title=title, owner=owner, deadline=deadline, created_by=actor
    )
    _save(project, [])
    ProjectEvent.objects.create(
        project=project, kind=ProjectEventKind.ACTION_ADDED, actor=actor, note=title
    )
    return action


@transaction.atomic
def action_done(
    *, actor: User, action: ProjectAction, version: int, note: str = ""
) -> ProjectAction:
    """The action's owner (or a keeper of projects) marks it done, with a note."""
    locked = ProjectAction.objects.select_for_update().select_related("project").get(pk=action.pk)
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    if locked.owner_id != actor.pk and not (
        queries.may_keep(actor) and locked.project.centre_id == actor.centre_id
    ):
        raise Forbidden(_("Only the owner marks an action done."), code="not_owner")
    if locked.done_at is not None:
        raise Conflict(_("This action is already done."), code="action_done")
    if locked.project.state == ProjectState.CLOSED:
        raise Conflict(_("This project is closed."), code="project_closed")
    locked.note = _text(note, 500, "note", required=False)
    locked.done_at, locked.done_by = timezone.now(), actor
    locked.version += 1
    locked.save(update_fields=["note", "done_at", "done_by", "version"])
    ProjectEvent.objects.create(
        project=locked.project,
        kind=ProjectEventKind.ACTION_DONE,
        actor=actor,
        note=locked.title,
    )
    return locked
