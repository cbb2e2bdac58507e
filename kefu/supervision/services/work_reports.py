"""Work reports (issue 20 point 6; seed 002 第14篇): open a period's report (drafted from the
author's own figures; a second open gives the same report), edit it, submit it to the
leader, and the leader's comments and returns (全体员工 6: a report the leader finds
unreasonable is written again). Every change checks the actor, runs in one transaction,
guards against a concurrent writer with the row's version and writes a history entry."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import User
from kefu.core.services.audit import audit_record
from kefu.supervision import drafting
from kefu.supervision.models import (
    ReportAction,
    ReportEntry,
    ReportKind,
    ReportState,
    WorkReport,
)
from kefu.supervision.queries import work_reports as queries

#: A report is opened for a period at most this far back (a missed month, written late).
LONGEST_BACK = dt.timedelta(days=92)
EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)


def _aware(local: dt.datetime) -> dt.datetime:
    return timezone.make_aware(local, timezone.get_current_timezone())


@transaction.atomic
def report_open(*, actor: User, kind: str, day: dt.date | None = None) -> tuple[WorkReport, bool]:
    """The actor's report of the period holding `day` (today when left out): the existing
    one, or a new draft written from their figures for the period and the plan of the
    period before (002 第14篇 5: the summary is written against the plan). Safe to retry:
    returns the report and whether this call created it."""
    centre_id = actor.centre_id
    if centre_id is None or not queries.may_write(actor):
        raise Forbidden()
    if kind not in ReportKind.values:
        raise Invalid(_("There is no such kind of report."), code="report_kind_unknown")
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise Invalid(
            _("A report is written for a period that has begun."),
            code="report_in_future",
            detail={"field": "day"},
        )
    if day < today - LONGEST_BACK:
        raise Invalid(
            _("A report is opened within three months of its period."),
            code="report_too_old",
            detail={"field": "day"},
        )
    first, last = drafting.period_of(kind, day)
    found = WorkReport.objects.filter(author=actor, kind=kind, period_start=first).first()
    if found is not None:
        return found, False
    before = drafting.previous_period(kind, first)[0]
    previous = (
        WorkReport.objects.filter(author=actor, kind=kind, period_start=before)
        .values_list("plans", flat=True)
        .first()
    ) or ""
    figures = queries.figures_of(actor, first, last)
    text = drafting.draft(kind, figures, previous_plans=previous)
    try:
        with transaction.atomic():
            report = WorkReport.objects.create(
                centre_id=centre_id,
                team_id=actor.team_id,
                author=actor,
                kind=kind,
                period_start=first,
                period_end=last,
                due_at=_aware(drafting.due_of(kind, first)),
                figures=figures.as_dict(),
                summary=text.summary,
                problems=text.problems,
                plans=text.plans,
                planned_tasks=len(drafting.plan_items(previous)),
            )
    except IntegrityError:
        # Opened at the same moment by a second request: that one's report is the report.
        return WorkReport.objects.get(author=actor, kind=kind, period_start=first), False
    audit_record(actor=actor, action="supervision.report_open", obj=report)
    return report, True


def _lock(report: WorkReport, version: int) -> WorkReport:
    locked = WorkReport.objects.select_for_update().get(pk=report.pk)
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    return locked


def _author_only(actor: User, report: WorkReport) -> None:
    if report.author_id != actor.pk:
        raise Forbidden(_("Only the author changes a report."), code="not_author")


def _editable(report: WorkReport) -> None:
    if report.state not in EDITABLE:
        raise Conflict(
            _("This report is submitted: it changes only when the leader returns it."),
            code="report_submitted",
        )


def _save(report: WorkReport, fields: list[str]) -> None:
    report.version += 1
    report.save(update_fields=[*fields, "version", "updated_at"])


def _check_text(summary: str, problems: str, plans: str) -> None:
    for name, value, most in (
        ("summary", summary, 5000),
        ("problems", problems, 3000),
        ("plans", plans, 3000),
    ):
        if len(value) > most:
            raise Invalid(
                _("This section is at most %(most)s characters.") % {"most": most},
                code="text_too_long",
                detail={"field": name},
            )


@transaction.atomic
def report_edit(
    *,
    actor: User,
    report: WorkReport,
    version: int,
    summary: str,
    problems: str,
    plans: str,
    tasks_done: int | None = None,
) -> WorkReport:
    """The author's text, while the report is a draft or returned to them."""
    report = _lock(report, version)
    _author_only(actor, report)
    _editable(report)
    _check_text(summary, problems, plans)
    if tasks_done is not None and not 0 <= tasks_done <= report.planned_tasks:
        raise Invalid(
            _("Tasks done are between 0 and the tasks planned."),
            code="tasks_done_range",
            detail={"field": "tasks_done"},
        )
    report.summary, report.problems, report.plans = summary, problems, plans
    report.tasks_done = tasks_done
    _save(report, ["summary", "problems", "plans", "tasks_done"])
    return report


@transaction.atomic
def report_submit(*, actor: User, report: WorkReport, version: int) -> WorkReport:
    """Hand the report to the leader. Its figures are read again at this moment and kept as
    submitted; it is late when handed in after its due time (002 第14篇)."""
    report = _lock(report, version)
    _author_only(actor, report)
    _editable(report)
    if not report.summary.strip():
        raise Invalid(
            _("Write the work summary before submitting."),
            code="summary_empty",
            detail={"field": "summary"},
        )
    now = timezone.now()
    report.figures = queries.figures_of(actor, report.period_start, report.period_end).as_dict()
    report.state = ReportState.SUBMITTED
    report.submitted_at = now
    report.late = now > report.due_at
    _save(report, ["figures", "state", "submitted_at", "late"])
    ReportEntry.objects.create(report=report, action=ReportAction.SUBMITTED, actor=actor)
    audit_record(actor=actor, action="supervision.report_submit", obj=report)
    return report


def _reviewer_only(actor: User, report: WorkReport) -> None:
    if not queries.may_review_report(actor, report):
        raise Forbidden(_("Only the author's leader reviews a report."), code="not_reviewer")


def _note(note: str, *, required: bool) -> str:
    note = note.strip()
    if required and not note:
        raise Invalid(_("Say what is to change."), code="note_required", detail={"field": "note"})
    if len(note) > 2000:
        raise Invalid(
            _("A comment is at most 2000 characters."),
            code="note_too_long",
            detail={"field": "note"},
        )
    return note


@transaction.atomic
def report_comment(*, actor: User, report: WorkReport, note: str) -> ReportEntry:
    """The leader's comment on a submitted report (it stays submitted)."""
    _reviewer_only(actor, report)
    note = _note(note, required=True)
    entry = ReportEntry.objects.create(
        report=report, action=ReportAction.COMMENTED, actor=actor, note=note
    )
    audit_record(actor=actor, action="supervision.report_comment", obj=report)
    return entry


@transaction.atomic
def report_return(*, actor: User, report: WorkReport, version: int, note: str) -> WorkReport:
    """Return a submitted report to its author with what is to change (全体员工 6)."""
    _reviewer_only(actor, report)
    note = _note(note, required=True)
    report = _lock(report, version)
    if report.state != ReportState.SUBMITTED:
        raise Conflict(_("Only a submitted report is returned."), code="report_not_submitted")
    report.state = ReportState.RETURNED
    report.times_returned += 1
    _save(report, ["state", "times_returned"])
    ReportEntry.objects.create(report=report, action=ReportAction.RETURNED, actor=actor, note=note)
    audit_record(actor=actor, action="supervision.report_return", obj=report)
    return report
