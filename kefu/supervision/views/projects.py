"""The quality-indicator library and the improvement projects (issue 20 point 5; seed
004): the library's table and an indicator's page (with its owner); the projects of a
two-month period with the form for a new one; a project's page with its progress read from
the indicator, the figure of each week, its actions, and the forms that start, re-base,
close it and add and complete actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import refuse
from kefu.core.http import posted_version, request_user
from kefu.core.models import OrgUnit, User
from kefu.metrics import formatting
from kefu.supervision import library, progress
from kefu.supervision.models import Project, ProjectState
from kefu.supervision.project_forms import (
    ActionForm,
    BaselineForm,
    CloseForm,
    DoneForm,
    OwnerForm,
    ProjectForm,
    period_label,
    to_stored,
    to_typed,
)
from kefu.supervision.queries import projects as queries
from kefu.supervision.services import projects as services

#: The years the projects' pages move between (the API's bounds).
FIRST_YEAR, LAST_YEAR = 2000, 2100

PROGRESS_LABELS = {
    progress.State.NO_FIGURE: _("No figure yet"),
    progress.State.REGRESSED: _("Worse than the baseline"),
    progress.State.NO_CHANGE: _("No change from the baseline"),
    progress.State.ON_THE_WAY: _("On the way"),
    progress.State.REACHED: _("Target reached"),
    progress.State.OVERSHOT: _("Past the target"),
}


def _reader(request: HttpRequest) -> tuple[User, OrgUnit]:
    user = request_user(request)
    if not queries.may_view(user) or user.centre is None:
        raise Forbidden()
    return user, user.centre


def _unit(code: str) -> str:
    standard = library.COMPUTED.get(code)
    return str(standard.unit) if standard is not None else ""


# ------------------------------------------------------------------------------ library


@login_required
def library_page(request: HttpRequest) -> HttpResponse:
    _user, centre = _reader(request)
    rows = queries.library_rows(centre)
    return render(
        request,
        "supervision/projects/library.html",
        {
            "computed": [
                {"row": row, "target": formatting.target_text(row.target, row.unit)}
                for row in rows
                if row.computed
            ],
            "uncomputed": [row for row in rows if not row.computed],
            "span": queries.latest_span(),
        },
    )


def _indicator_page(
    request: HttpRequest, code: str, form: OwnerForm | None = None, status: int = 200
) -> HttpResponse:
    user, centre = _reader(request)
    row = queries.library_row(centre, code)
    if form is None and queries.may_keep(user):
        form = OwnerForm(
            centre_id=user.centre_id, initial={"owner": row.owner.pk if row.owner else ""}
        )
    return render(
        request,
        "supervision/projects/indicator.html",
        {
            "row": row,
            "span": queries.latest_span(),
            "target_text": formatting.target_text(row.target, row.unit),
            "owner_form": form if queries.may_keep(user) else None,
            "may_keep": queries.may_keep(user),
            "periods": {
                p.pk: period_label(progress.TwoMonths(p.year, p.period)) for p in row.projects
            },
        },
        status=status,
    )


@login_required
def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    if request.method != "POST":
        return _indicator_page(request, code)
    user, centre = _reader(request)
    queries.library_row(centre, code)
    form = OwnerForm(request.POST, centre_id=user.centre_id)
    if form.is_valid():
        owner = form.cleaned_data["owner"]
        try:
            services.indicator_owner_set(
                actor=user, code=code, owner_id=int(owner) if owner else None
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The owner is saved."))
            return redirect("supervision_indicator", code)
    return _indicator_page(request, code, form, status=400)


# ------------------------------------------------------------------------------ projects


def _period_of(request: HttpRequest) -> progress.TwoMonths:
    current = progress.TwoMonths.of(timezone.localdate())
    try:
        year, index = int(request.GET["year"]), int(request.GET["period"])
    except (KeyError, ValueError):
        return current
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= index <= progress.PERIODS_PER_YEAR:
        return current
    return progress.TwoMonths(year, index)


def _projects_page(
    request: HttpRequest, form: ProjectForm | None = None, status: int = 200
) -> HttpResponse:
    user = request_user(request)
    two_months = _period_of(request)
    keeper = queries.may_keep(user)
    if form is None and keeper:
        initial: dict[str, Any] = {}
        if request.GET.get("indicator") in library.COMPUTED:
            initial["indicator"] = request.GET["indicator"]
        form = ProjectForm(initial=initial)
    projects = queries.projects_in(user, two_months.year, two_months.index)
    today = timezone.localdate()
    return render(
        request,
        "supervision/projects/projects.html",
        {
            "two_months": two_months,
            "label": period_label(two_months),
            "previous": two_months.previous(),
            "next": two_months.next(),
            "rows": [
                {
                    "project": project,
                    "name": library.COMPUTED[project.indicator].name,
                    "unit": _unit(project.indicator),
                    "actions": len(project.actions.all()),
                    "done": sum(1 for a in project.actions.all() if a.done_at is not None),
                    "overdue": sum(1 for a in project.actions.all() if queries.overdue(a, today)),
                }
                for project in projects
            ],
            "form": form if keeper else None,
        },
        status=status,
    )


@login_required
def projects_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method != "POST":
        _reader(request)
        return _projects_page(request)
    if not queries.may_keep(user):
        raise Forbidden()
    form = ProjectForm(request.POST)
    if form.is_valid():
        code = form.cleaned_data["indicator"]
        two_months = form.two_months()
        try:
            project = services.project_create(
                actor=user,
                theme=form.cleaned_data["theme"],
                indicator=code,
                year=two_months.year,
                period=two_months.index,
                target=to_stored(form.cleaned_data["target"], _unit(code)),
                description=form.cleaned_data["description"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            messages.success(request, _("The project is created: start it to read its baseline."))
            return redirect("supervision_project", project.pk)
    return _projects_page(request, form, status=400)


def _project_page(
    request: HttpRequest, project: Project, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request_user(request)
    project = queries.project_detail(project)
    figures = queries.project_figures(project)
    keeper = queries.may_keep(user) and project.centre_id == user.centre_id
    open_ = project.state != ProjectState.CLOSED
    unit = _unit(project.indicator)
    forms = forms or {}
    today = timezone.localdate()
    actions = [
        {
            "action": action,
            "overdue": queries.overdue(action, today),
            "may_done": open_ and action.done_at is None and (action.owner_id == user.pk or keeper),
        }
        for action in project.actions.all()
    ]
    share = figures.progress.share
    return render(
        request,
        "supervision/projects/project.html",
        {
            "project": project,
            "standard": library.COMPUTED[project.indicator],
            "unit": unit,
            "label": period_label(progress.TwoMonths(project.year, project.period)),
            "figures": figures,
            "progress_label": PROGRESS_LABELS[figures.progress.state],
            "progress_percent": None if share is None else round(share * 100),
            "bar_percent": round(figures.progress.bar * 100),
            "actions": actions,
            "events": list(project.events.all()),
            "keeper": keeper,
            "start": keeper and project.state == ProjectState.PLANNED,
            "action_form": forms.get("action")
            or (ActionForm(centre_id=project.centre_id) if keeper and open_ else None),
            "baseline_form": forms.get("baseline")
            or (
                BaselineForm(initial={"baseline": to_typed(project.baseline, unit)})
                if keeper and project.state == ProjectState.RUNNING
                else None
            ),
            "close_form": forms.get("close") or (CloseForm() if keeper and open_ else None),
            "done_form": DoneForm(),
        },
        status=status,
    )


@login_required
def project_page(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_page(request, queries.project_get_for_user(request_user(request), project_id))


def _done(request: HttpRequest, project: Project, message: Any) -> HttpResponse:
    messages.success(request, message)
    return redirect("supervision_project", project.pk)


@login_required
def project_start_view(request: HttpRequest, project_id: int) -> HttpResponse:
    user = request_user(request)
    project = queries.project_get_for_user(user, project_id)
    if request.method != "POST":
        return redirect("supervision_project", project.pk)
    try:
        services.project_start(actor=user, project=project, version=posted_version(request))
    except DomainError as refused:
        messages.error(request, str(refused.message))
        return redirect("supervision_project", project.pk)
    return _done(request, project, _("The project is running: its baseline is read."))


@login_required
def project_baseline_view(request: HttpRequest, project_id: int) -> HttpResponse:
    user = request_user(request)
    project = queries.project_get_for_user(user, project_id)
    if request.method != "POST":
        return redirect("supervision_project", project.pk)
    form = BaselineForm(request.POST)
    if form.is_valid():
        try:
            services.project_baseline_set(
                actor=user,
                project=project,
                version=posted_version(request),
                baseline=to_stored(form.cleaned_data["baseline"], _unit(project.indicator)),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            return _done(request, project, _("The baseline is changed."))
    return _project_page(request, project, {"baseline": form}, status=400)


@login_required
def project_close_view(request: HttpRequest, project_id: int) -> HttpResponse:
    user = request_user(request)
    project = queries.project_get_for_user(user, project_id)
    if request.method != "POST":
        return redirect("supervision_project", project.pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.project_close(
                actor=user,
                project=project,
                version=posted_version(request),
                conclusion=form.cleaned_data["conclusion"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            return _done(request, project, _("The project is closed."))
    return _project_page(request, project, {"close": form}, status=400)


@login_required
def action_add_view(request: HttpRequest, project_id: int) -> HttpResponse:
    user = request_user(request)
    project = queries.project_get_for_user(user, project_id)
    if request.method != "POST":
        return redirect("supervision_project", project.pk)
    form = ActionForm(request.POST, centre_id=project.centre_id)
    if form.is_valid():
        try:
            services.action_add(
                actor=user,
                project=project,
                title=form.cleaned_data["title"],
                owner_id=int(form.cleaned_data["owner"]),
                deadline=form.cleaned_data["deadline"],
            )
        except DomainError as refused:
            refuse(form, refused)
        else:
            return _done(request, project, _("The action is added."))
    return _project_page(request, project, {"action": form}, status=400)


@login_required
def action_done_view(request: HttpRequest, action_id: int) -> HttpResponse:
    user = request_user(request)
    action = queries.action_get_for_user(user, action_id)
    if request.method != "POST":
        return redirect("supervision_project", action.project_id)
    form = DoneForm(request.POST)
    if form.is_valid():
        try:
            services.action_done(
                actor=user,
                action=action,
                version=posted_version(request),
                note=form.cleaned_data["note"],
            )
        except DomainError as refused:
            messages.error(request, str(refused.message))
            return redirect("supervision_project", action.project_id)
        return _done(request, action.project, _("The action is marked done."))
    return redirect("supervision_project", action.project_id)
