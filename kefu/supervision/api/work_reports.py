"""Work reports and weekly review meetings over the API at /api/v1/supervision/ (issue 20
point 6; seed 002 第14篇, 000 第1篇): open a period's report (the same one on a second
call), edit, submit, comment on or return it; a reviewer's view of who has submitted;
meetings with their minutes and action items, an item marked done by its owner. Every
change but a create carries the version it was read at (409 when stale)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden, Invalid
from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, Version, errors
from kefu.supervision import drafting
from kefu.supervision.api import SupervisionVersionIn
from kefu.supervision.models import (
    ActionItem,
    Meeting,
    ReportAction,
    ReportKind,
    ReportState,
    WorkReport,
)
from kefu.supervision.queries import work_reports as queries
from kefu.supervision.services import meetings as meeting_services
from kefu.supervision.services import work_reports as services

router = Router(tags=["supervision"])

#: The team view reaches this far back.
LONGEST_LOOK_BACK = timedelta(days=3653)


# --------------------------------------------------------------------------- reports


class SupervisionReportOpenIn(StrictSchema):
    kind: ReportKind
    day: date | None = Field(None, description="A day of the period; today when left out.")


class SupervisionReportEditIn(StrictSchema):
    version: Version
    summary: str = Field(max_length=5000)
    problems: str = Field("", max_length=3000)
    plans: str = Field("", max_length=3000)
    tasks_done: int | None = Field(
        None, ge=0, le=1000, description="How many of the previous plan's tasks were done."
    )


class SupervisionReportReturnIn(StrictSchema):
    version: Version
    note: str = Field(min_length=1, max_length=2000, description="What is to change.")


class SupervisionReportCommentIn(StrictSchema):
    note: str = Field(min_length=1, max_length=2000)


class SupervisionReportFilter(StrictSchema):
    kind: ReportKind | None = None
    state: ReportState | None = None
    author_id: Id | None = None
    mine: bool = Field(False, description="Only the caller's own reports.")


class SupervisionFigureOut(Out):
    key: str
    label: str
    value: str


class SupervisionReportEntryOut(Out):
    action: ReportAction
    actor_id: int
    actor: str
    at: datetime
    note: str


class SupervisionWorkReportOut(Out):
    id: int
    author_id: int
    author: str
    kind: ReportKind
    period_start: date
    period_end: date
    due_at: datetime
    state: ReportState
    submitted_at: datetime | None
    late: bool = Field(description="Submitted after it was due.")
    overdue: bool = Field(description="Not submitted and past its due time.")
    times_returned: int
    version: int


class SupervisionWorkReportDetailOut(SupervisionWorkReportOut):
    summary: str
    problems: str
    plans: str
    planned_tasks: int
    tasks_done: int | None
    plan_done_ratio: float | None = Field(description="tasks_done / planned_tasks.")
    plan_passed: bool | None = Field(
        description="At least 80 % of the plan done (002 第14篇 全体员工 5)."
    )
    figures: list[SupervisionFigureOut]
    entries: list[SupervisionReportEntryOut]


class SupervisionTeamReportRowOut(Out):
    person_id: int
    name: str
    report: SupervisionWorkReportOut | None = Field(
        description="The period's report once submitted (or returned); null until then."
    )


class SupervisionTeamReportsOut(Out):
    kind: ReportKind
    period_start: date
    period_end: date
    due_at: datetime
    submitted: int
    rows: list[SupervisionTeamReportRowOut]


class SupervisionTeamReportsFilter(StrictSchema):
    kind: ReportKind = ReportKind.WEEKLY
    day: date | None = Field(None, description="A day of the period; today when left out.")
    team_id: Id | None = Field(None, description="Managers: one team's members.")


def report_out(report: WorkReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "author_id": report.author_id,
        "author": str(report.author),
        "kind": report.kind,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "due_at": report.due_at,
        "state": report.state,
        "submitted_at": report.submitted_at,
        "late": report.late,
        "overdue": report.state != ReportState.SUBMITTED
        and report.submitted_at is None
        and timezone.now() > report.due_at,
        "times_returned": report.times_returned,
        "version": report.version,
    }


def _detail(report: WorkReport) -> dict[str, Any]:
    figures = drafting.Figures.from_dict(report.figures)
    done = drafting.completion(report.planned_tasks, report.tasks_done)
    return {
        **report_out(report),
        "summary": report.summary,
        "problems": report.problems,
        "plans": report.plans,
        "planned_tasks": report.planned_tasks,
        "tasks_done": report.tasks_done,
        "plan_done_ratio": float(done.ratio) if done else None,
        "plan_passed": done.passed if done else None,
        "figures": [line.__dict__ for line in drafting.figure_lines(figures)],
        "entries": [
            {
                "action": entry.action,
                "actor_id": entry.actor_id,
                "actor": str(entry.actor),
                "at": entry.at,
                "note": entry.note,
            }
            for entry in queries.report_entries(report)
        ],
    }


@router.get("/work-reports", response=Page[SupervisionWorkReportOut])
def list_reports(
    request: HttpRequest,
    filters: Query[SupervisionReportFilter],
    params: Query[PageParams],
) -> dict[str, Any]:
    """The caller's own reports and those they review, newest period first."""
    user = request_user(request)
    reports = queries.reports_of(user)
    if filters.kind is not None:
        reports = reports.filter(kind=filters.kind)
    if filters.state is not None:
        reports = reports.filter(state=filters.state)
    if filters.author_id is not None:
        reports = reports.filter(author_id=filters.author_id)
    if filters.mine:
        reports = reports.filter(author_id=user.pk)
    return page(reports.order_by("-period_start", "kind", "pk"), params, report_out)


@router.post(
    "/work-reports",
    response={
        200: SupervisionWorkReportDetailOut,
        201: SupervisionWorkReportDetailOut,
        **errors(403, 422),
    },
)
def open_report(request: HttpRequest, payload: SupervisionReportOpenIn) -> Status[dict[str, Any]]:
    """The caller's report of the period: 201 with a new draft written from their figures,
    or 200 with the report already there."""
    user = request_user(request)
    report, created = services.report_open(actor=user, kind=payload.kind, day=payload.day)
    return Status(201 if created else 200, _detail(report))


@router.get(
    "/work-reports/team",
    response={200: SupervisionTeamReportsOut, **errors(403, 422)},
)
def team_reports(
    request: HttpRequest, filters: Query[SupervisionTeamReportsFilter]
) -> dict[str, Any]:
    """For a reviewer: each of their people and their report of the period, if submitted."""
    user = request_user(request)
    if not queries.may_review(user):
        raise Forbidden()
    today = timezone.localdate()
    day = filters.day or today
    if not today - LONGEST_LOOK_BACK <= day <= today:
        raise Invalid(
            _("Choose a day within the last ten years."), code="day_range", detail={"field": "day"}
        )
    first, last = drafting.period_of(filters.kind, day)
    rows = queries.team_status(user, filters.kind, first, filters.team_id)
    out = []
    for row in rows:
        shown = row.report if row.report and row.report.state != ReportState.DRAFT else None
        out.append(
            {
                "person_id": row.person.pk,
                "name": str(row.person),
                "report": report_out(shown) if shown else None,
            }
        )
    return {
        "kind": filters.kind,
        "period_start": first,
        "period_end": last,
        "due_at": timezone.make_aware(drafting.due_of(filters.kind, first)),
        "submitted": sum(1 for row in out if row["report"] is not None),
        "rows": out,
    }


@router.get(
    "/work-reports/{int:report_id}",
    response={200: SupervisionWorkReportDetailOut, **errors(404)},
)
def get_report(request: HttpRequest, report_id: Id) -> dict[str, Any]:
    return _detail(queries.report_get_for_user(request_user(request), report_id))


@router.put(
    "/work-reports/{int:report_id}",
    response={200: SupervisionWorkReportDetailOut, **errors(403, 404, 409, 422)},
)
def edit_report(
    request: HttpRequest, report_id: Id, payload: SupervisionReportEditIn
) -> dict[str, Any]:
    """The author's text, while a draft or returned."""
    user = request_user(request)
    report = queries.report_get_for_user(user, report_id)
    report = services.report_edit(
        actor=user,
        report=report,
        version=payload.version,
        summary=payload.summary,
        problems=payload.problems,
        plans=payload.plans,
        tasks_done=payload.tasks_done,
    )
    return _detail(report)


@router.post(
    "/work-reports/{int:report_id}/submit",
    response={200: SupervisionWorkReportDetailOut, **errors(403, 404, 409, 422)},
)
def submit_report(
    request: HttpRequest, report_id: Id, payload: SupervisionVersionIn
) -> dict[str, Any]:
    user = request_user(request)
    report = queries.report_get_for_user(user, report_id)
    return _detail(services.report_submit(actor=user, report=report, version=payload.version))


@router.post(
    "/work-reports/{int:report_id}/return",
    response={200: SupervisionWorkReportDetailOut, **errors(403, 404, 409, 422)},
)
def return_report(
    request: HttpRequest, report_id: Id, payload: SupervisionReportReturnIn
) -> dict[str, Any]:
    """The leader returns a submitted report with what is to change (002 第14篇 全体员工 6)."""
    user = request_user(request)
    report = queries.report_get_for_user(user, report_id)
    return _detail(
        services.report_return(
            actor=user, report=report, version=payload.version, note=payload.note
        )
    )


@router.post(
    "/work-reports/{int:report_id}/comments",
    response={201: SupervisionWorkReportDetailOut, **errors(403, 404, 422)},
)
def comment_report(
    request: HttpRequest, report_id: Id, payload: SupervisionReportCommentIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    report = queries.report_get_for_user(user, report_id)
    services.report_comment(actor=user, report=report, note=payload.note)
    return Status(201, _detail(report))


# -------------------------------------------------------------------------- meetings


class SupervisionMeetingIn(StrictSchema):
    held_on: date
    title: str = Field(min_length=1, max_length=100)
    team_id: Id | None = None
    attendee_ids: list[Id] = Field(default_factory=list, max_length=200)
    minutes: str = Field("", max_length=10000)
    decisions: str = Field("", max_length=5000)


class SupervisionMeetingEditIn(StrictSchema):
    version: Version
    held_on: date
    title: str = Field(min_length=1, max_length=100)
    attendee_ids: list[Id] = Field(default_factory=list, max_length=200)
    minutes: str = Field("", max_length=10000)
    decisions: str = Field("", max_length=5000)


class SupervisionActionIn(StrictSchema):
    description: str = Field(min_length=1, max_length=500)
    owner_id: Id
    due_on: date


class SupervisionActionDoneIn(StrictSchema):
    note: str = Field("", max_length=500)


class SupervisionActionOut(Out):
    id: int
    meeting_id: int
    description: str
    owner_id: int
    owner: str
    due_on: date
    done_at: datetime | None
    done_note: str
    overdue: bool


class SupervisionMeetingOut(Out):
    id: int
    held_on: date
    title: str
    team_id: int | None
    chair_id: int
    version: int


class SupervisionMeetingDetailOut(SupervisionMeetingOut):
    attendee_ids: list[int]
    minutes: str
    decisions: str
    actions: list[SupervisionActionOut]
    carried_over: list[SupervisionActionOut] = Field(
        description="Earlier meetings' items still open, for this meeting to go through."
    )


def action_out(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "meeting_id": item.meeting_id,
        "description": item.description,
        "owner_id": item.owner_id,
        "owner": str(item.owner),
        "due_on": item.due_on,
        "done_at": item.done_at,
        "done_note": item.done_note,
        "overdue": item.done_at is None and item.due_on < timezone.localdate(),
    }


def meeting_out(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "held_on": meeting.held_on,
        "title": meeting.title,
        "team_id": meeting.team_id,
        "chair_id": meeting.chair_id,
        "version": meeting.version,
    }


def _meeting_detail(meeting: Meeting) -> dict[str, Any]:
    meeting = queries.meeting_detail(meeting)
    return {
        **meeting_out(meeting),
        "attendee_ids": sorted(person.pk for person in meeting.attendees.all()),
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
        "actions": [action_out(item) for item in meeting.actions.all()],
        "carried_over": [action_out(item) for item in queries.carried_over(meeting)],
    }


@router.get("/meetings", response=Page[SupervisionMeetingOut])
def list_meetings(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    meetings = queries.meetings_of(request_user(request))
    return page(meetings.order_by("-held_on", "-pk"), params, meeting_out)


@router.post("/meetings", response={201: SupervisionMeetingDetailOut, **errors(403, 422)})
def create_meeting(request: HttpRequest, payload: SupervisionMeetingIn) -> Status[dict[str, Any]]:
    """A weekly review meeting (000 第1篇). Send an `Idempotency-Key` to retry safely."""
    meeting = meeting_services.meeting_create(
        actor=request_user(request),
        held_on=payload.held_on,
        title=payload.title,
        team_id=payload.team_id,
        attendee_ids=payload.attendee_ids,
        minutes=payload.minutes,
        decisions=payload.decisions,
    )
    return Status(201, _meeting_detail(meeting))


@router.get(
    "/meetings/{int:meeting_id}", response={200: SupervisionMeetingDetailOut, **errors(404)}
)
def get_meeting(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    return _meeting_detail(queries.meeting_get_for_user(request_user(request), meeting_id))


@router.put(
    "/meetings/{int:meeting_id}",
    response={200: SupervisionMeetingDetailOut, **errors(403, 404, 409, 422)},
)
def edit_meeting(
    request: HttpRequest, meeting_id: Id, payload: SupervisionMeetingEditIn
) -> dict[str, Any]:
    user = request_user(request)
    meeting = queries.meeting_get_for_user(user, meeting_id)
    meeting = meeting_services.meeting_edit(
        actor=user,
        meeting=meeting,
        version=payload.version,
        held_on=payload.held_on,
        title=payload.title,
        attendee_ids=payload.attendee_ids,
        minutes=payload.minutes,
        decisions=payload.decisions,
    )
    return _meeting_detail(meeting)


@router.post(
    "/meetings/{int:meeting_id}/actions",
    response={201: SupervisionActionOut, **errors(403, 404, 422)},
)
def add_action(
    request: HttpRequest, meeting_id: Id, payload: SupervisionActionIn
) -> Status[dict[str, Any]]:
    """An action item: what, who, by when. Send an `Idempotency-Key` to retry safely."""
    user = request_user(request)
    meeting = queries.meeting_get_for_user(user, meeting_id)
    item = meeting_services.action_add(
        actor=user,
        meeting=meeting,
        description=payload.description,
        owner_id=payload.owner_id,
        due_on=payload.due_on,
    )
    return Status(201, action_out(item))


@router.get("/actions", response=list[SupervisionActionOut])
def my_actions(request: HttpRequest) -> list[dict[str, Any]]:
    """The caller's open action items, soonest due first."""
    return [action_out(item) for item in queries.open_actions_of(request_user(request))]


@router.post(
    "/actions/{int:action_id}/done",
    response={200: SupervisionActionOut, **errors(403, 404, 422)},
)
def action_done(
    request: HttpRequest, action_id: Id, payload: SupervisionActionDoneIn
) -> dict[str, Any]:
    """The owner marks the item done (again: no change)."""
    user = request_user(request)
    item = queries.action_get_for_user(user, action_id)
    return action_out(meeting_services.action_done(actor=user, item=item, note=payload.note))
