"""Work reports' pages (issue 20 point 6; seed 002 第14篇): my reports (open today's,
this week's or this month's draft, edit it, submit it); a report's page (the author edits
and submits; the leader comments or returns it); the team's reports of a period, who has
submitted and who has not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import DomainError, Forbidden
from kefu.core.forms import DateInput, refuse
from kefu.core.http import posted_version, request_user
from kefu.core.models import User
from kefu.core.roles import MANAGER
from kefu.supervision import drafting
from kefu.supervision.models import ReportKind, ReportState, WorkReport
from kefu.supervision.queries import work_reports as queries
from kefu.supervision.services import work_reports as services

PER_PAGE = 20
#: The team page reaches this far back (and never into the future).
LONGEST_LOOK_BACK = dt.timedelta(days=3653)


class OpenForm(forms.Form):
    kind = forms.ChoiceField(choices=ReportKind.choices)
    day = forms.DateField(required=False, widget=DateInput())


class ReportForm(forms.Form):
    summary = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    problems = forms.CharField(
        max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    plans = forms.CharField(
        max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    tasks_done = forms.IntegerField(
        label=_("Planned tasks done"), min_value=0, max_value=1000, required=False
    )

    def __init__(self, *args: Any, report: WorkReport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, title in drafting.section_titles(report.kind).items():
            self.fields[name].label = title
        if report.planned_tasks == 0:
            del self.fields["tasks_done"]
        else:
            self.fields["tasks_done"].help_text = _(
                "Of the %(count)s tasks of the last plan; 80 %% or more is a pass."
            ) % {"count": report.planned_tasks}


class CommentForm(forms.Form):
    note = forms.CharField(
        label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TeamFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices, required=False)
    day = forms.DateField(label=_("Day of the period"), required=False, widget=DateInput())
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user.role == MANAGER:
            self.fields["team"].choices = [  # type: ignore[attr-defined]
                ("", _("Team leaders"))
            ] + [(str(team.pk), team.name) for team in queries.teams_of(user.centre_id)]
        else:
            del self.fields["team"]


def _need_writer(user: User) -> None:
    if not queries.may_write(user):
        raise Forbidden()


@login_required
def my_reports_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    _need_writer(user)
    reports = WorkReport.objects.filter(author=user).order_by("-period_start", "kind", "-pk")
    today = timezone.localdate()
    current = {kind: drafting.period_of(kind, today)[0] for kind in ReportKind.values}
    open_now = {
        report.kind: report
        for report in WorkReport.objects.filter(author=user).filter(
            kind__in=list(current), period_start__in=list(current.values())
        )
        if current[report.kind] == report.period_start
    }
    return render(
        request,
        "supervision/work_reports/mine.html",
        {
            "reports": Paginator(reports, PER_PAGE).get_page(request.GET.get("page")),
            "current": [(kind, label, open_now.get(kind)) for kind, label in ReportKind.choices],
            "now": timezone.now(),
        },
    )


@login_required
def report_open_view(request: HttpRequest) -> HttpResponse:
    """Open (or find) a period's report and go to it."""
    user = request_user(request)
    if request.method != "POST":
        return redirect("supervision_my_reports")
    form = OpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of report."))
        return redirect("supervision_my_reports")
    try:
        report, _created = services.report_open(
            actor=user, kind=form.cleaned_data["kind"], day=form.cleaned_data["day"]
        )
    except DomainError as refused:
        messages.error(request, str(refused.message))
        return redirect("supervision_my_reports")
    return redirect("supervision_report", report.pk)


def _page(
    request: HttpRequest,
    report: WorkReport,
    *,
    form: ReportForm | None = None,
    comment: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    mine = report.author_id == user.pk
    editable = mine and report.state in services.EDITABLE
    reviewer = queries.may_review_report(user, report)
    figures = drafting.Figures.from_dict(report.figures)
    if editable and form is None:
        form = ReportForm(
            report=report,
            initial={
                "summary": report.summary,
                "problems": report.problems,
                "plans": report.plans,
                "tasks_done": report.tasks_done,
            },
        )
    return render(
        request,
        "supervision/work_reports/report.html",
        {
            "report": report,
            "titles": drafting.section_titles(report.kind),
            "lines": drafting.figure_lines(figures),
            "completion": drafting.completion(report.planned_tasks, report.tasks_done),
            "entries": queries.report_entries(report),
            "form": form if editable else None,
            "comment_form": (comment or CommentForm())
            if reviewer and report.state == ReportState.SUBMITTED
            else None,
            "overdue": report.submitted_at is None and timezone.now() > report.due_at,
            "mine": mine,
        },
        status=status,
    )


@login_required
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    return _page(request, queries.report_get_for_user(request_user(request), report_id))


@login_required
def report_save_view(request: HttpRequest, report_id: int) -> HttpResponse:
    """Save the text; with `submit`, hand it in as well."""
    user = request_user(request)
    report = queries.report_get_for_user(user, report_id)
    if request.method != "POST":
        return redirect("supervision_report", report.pk)
    form = ReportForm(request.POST, report=report)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_edit(
                actor=user,
                report=report,
                version=posted_version(request),
                summary=data["summary"],
                problems=data["problems"],
                plans=data["plans"],
                tasks_done=data.get("tasks_done"),
            )
            if "submit" in request.POST:
                report = services.report_submit(actor=user, report=report, version=report.version)
        except DomainError as refused:
            refuse(form, refused)
        else:
            if report.state == ReportState.SUBMITTED:
                messages.success(request, _("Submitted to your leader."))
            else:
                messages.success(request, _("Saved."))
            return redirect("supervision_report", report.pk)
    report.refresh_from_db()
    return _page(request, report, form=form, status=400)


@login_required
def report_review_view(request: HttpRequest, report_id: int) -> HttpResponse:
    """The leader's comment; with `return`, the report goes back to its author."""
    user = request_user(request)
    report = queries.report_get_for_user(user, report_id)
    if request.method != "POST":
        return redirect("supervision_report", report.pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if "return" in request.POST:
                services.report_return(
                    actor=user, report=report, version=posted_version(request), note=note
                )
            else:
                services.report_comment(actor=user, report=report, note=note)
        except DomainError as refused:
            refuse(form, refused)
        else:
            if "return" in request.POST:
                messages.success(request, _("Returned to the author for changes."))
            else:
                messages.success(request, _("Comment added."))
            return redirect("supervision_report", report.pk)
    return _page(request, report, comment=form, status=400)


@login_required
def team_reports_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not queries.may_review(user):
        raise Forbidden()
    filters = TeamFilterForm(
        request.GET or None, user=user, initial={"kind": ReportKind.WEEKLY.value}
    )
    kind, day, team_id = ReportKind.WEEKLY.value, timezone.localdate(), None
    if filters.is_bound and filters.is_valid():
        kind = filters.cleaned_data["kind"] or kind
        chosen = filters.cleaned_data["day"]
        if chosen is not None and day - LONGEST_LOOK_BACK <= chosen <= day:
            day = chosen
        team_id = filters.cleaned_data.get("team")
    first, last = drafting.period_of(kind, day)
    rows = queries.team_status(user, kind, first, team_id)
    due = timezone.make_aware(drafting.due_of(kind, first))
    now = timezone.now()
    shown = []
    for row in rows:
        report = row.report if row.report and row.report.state != ReportState.DRAFT else None
        shown.append({"person": row.person, "report": report, "missing": report is None})
    before = drafting.previous_period(kind, first)[0]
    after = drafting.next_period(kind, first)[0]
    query = f"kind={kind}" + (f"&team={team_id}" if team_id else "")
    return render(
        request,
        "supervision/work_reports/team.html",
        {
            "filters": filters,
            "kind_label": ReportKind(kind).label,
            "kind": kind,
            "team_id": team_id,
            "first": first,
            "last": last,
            "due": due,
            "past_due": now > due,
            "rows": shown,
            "submitted": sum(1 for row in shown if not row["missing"]),
            "previous_url": f"?{query}&day={before.isoformat()}",
            "next_url": f"?{query}&day={after.isoformat()}"
            if after <= timezone.localdate()
            else None,
        },
    )
