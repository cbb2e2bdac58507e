"""Changes to the feedback to departments (issue 21 point 3): a manager subscribes a
department to its daily, weekly or monthly report, and the worker e-mails each report due.

Sending follows the metrics app's scheduled reports (`kefu.metrics.services.due_day`):
the daily report of yesterday goes out each day, the weekly one on Mondays (the ISO week
just ended), the monthly one on the 1st. A subscription is claimed for the day by one
conditional update before its mail is built, and the mail leaves after commit: two workers
running at once send each report once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.queries import department_in_centre, require_centre
from kefu.core.services import audit_record
from kefu.insights.models import FeedbackPeriod, FeedbackSubscription
from kefu.insights.queries import feedback as queries
from kefu.metrics.services import due_day

#: The most addresses one subscription writes to.
MAX_RECIPIENTS = 30

TITLES = {
    FeedbackPeriod.DAILY: gettext_lazy("feedback daily report"),
    FeedbackPeriod.WEEKLY: gettext_lazy("feedback weekly report"),
    FeedbackPeriod.MONTHLY: gettext_lazy("feedback monthly report"),
}


def _manager_centre(actor: User) -> int:
    if not queries.may_manage(actor):
        raise Forbidden()
    return require_centre(actor)


def _recipients(addresses: list[str], department: OrgUnit) -> list[str]:
    """The addresses, each checked, without repeats; none given: the department's
    handlers'."""
    found: list[str] = []
    for address in (a.strip() for a in addresses):
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError as error:
            raise Invalid(
                _("Not an e-mail address: %(address)s") % {"address": address[:100]},
                code="email_invalid",
                detail={"field": "recipients"},
            ) from error
        if address.lower() not in {known.lower() for known in found}:
            found.append(address)
    if not found:
        found = queries.handler_emails(department)
    if not found:
        raise Invalid(
            _("Give at least one recipient: the department's handlers have no e-mail address."),
            code="recipients_empty",
            detail={"field": "recipients"},
        )
    if len(found) > MAX_RECIPIENTS:
        raise Invalid(
            _("At most %(count)d recipients.") % {"count": MAX_RECIPIENTS},
            code="recipients_too_many",
            detail={"field": "recipients"},
        )
    return found


@transaction.atomic
def feedback_subscription_create(
    *,
    actor: User,
    department_id: int,
    period: str,
    recipients: list[str],
    active: bool = True,
) -> FeedbackSubscription:
    """Subscribe a department to its report of a period; one subscription per department
    and period (a second is refused: change the first)."""
    centre_id = _manager_centre(actor)
    if period not in FeedbackPeriod.values:
        raise Invalid(
            _("Unknown report period."), code="period_unknown", detail={"field": "period"}
        )
    department = department_in_centre(centre_id, department_id, "department_id")
    row = FeedbackSubscription(
        centre_id=centre_id,
        department=department,
        period=period,
        recipients="\n".join(_recipients(recipients, department)),
        active=active,
        created_at=timezone.now(),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise Conflict(
            _("This department already has this report; change its recipients instead."),
            code="subscription_exists",
            detail={"field": "period"},
        ) from error
    audit_record(
        actor=actor,
        action="insights.feedback_subscription_create",
        obj=row,
        object_repr=f"{department.name} {period}",
        after={"recipients": row.recipients, "active": active},
    )
    return row


@transaction.atomic
def feedback_subscription_update(
    *,
    actor: User,
    subscription_id: int,
    version: int,
    recipients: list[str],
    active: bool,
) -> FeedbackSubscription:
    """Change a subscription's recipients or pause it; a change made on a stale read is
    refused."""
    centre_id = _manager_centre(actor)
    row = (
        FeedbackSubscription.objects.select_for_update()
        .select_related("department")
        .filter(pk=subscription_id, centre_id=centre_id)
        .first()
    )
    if row is None:
        raise NotFound(code="subscription_not_found")
    if row.version != version:
        raise Conflict(
            _("Someone changed this subscription meanwhile; read it again."),
            code="version_conflict",
        )
    before = {"recipients": row.recipients, "active": row.active}
    row.recipients = "\n".join(_recipients(recipients, row.department))
    row.active = active
    row.version += 1
    row.save(update_fields=["recipients", "active", "version"])
    audit_record(
        actor=actor,
        action="insights.feedback_subscription_update",
        obj=row,
        object_repr=f"{row.department.name} {row.period}",
        before=before,
        after={"recipients": row.recipients, "active": active},
    )
    return row


# ------------------------------------------------------------------------------ sending


@dataclass
class SendResult:
    sent: int = 0


def page_url(department_id: int, period: str, day: dt.date) -> str:
    query = urlencode({"department": str(department_id), "period": period, "day": day.isoformat()})
    return f"{settings.KEFU_PUBLIC_URL.rstrip('/')}{reverse('insights_feedback')}?{query}"


def feedback_message(
    report: queries.FeedbackReport, recipients: list[str]
) -> EmailMultiAlternatives:
    """The report as an e-mail: a subject that says whose report of which period, a plain
    text body and the same in HTML, with the link to the page."""
    span = report.span
    with translation.override(settings.LANGUAGE_CODE):
        when = (
            span.first.isoformat()
            if span.first == span.last
            else f"{span.first.isoformat()} – {span.last.isoformat()}"
        )
        subject = _("%(department)s %(title)s %(when)s") % {
            "department": report.department.name,
            "title": str(TITLES[FeedbackPeriod(span.period)]),
            "when": when,
        }
        context = {
            "report": report,
            "subject": subject,
            "when": when,
            "url": page_url(report.department.pk, span.period, span.first),
        }
        text = render_to_string("insights/feedback/mail.txt", context)
        html = render_to_string("insights/feedback/mail.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=recipients)
    message.attach_alternative(html, "text/html")
    return message


def feedback_send_due(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> SendResult:
    """E-mail every department's report due today that has not gone out yet."""
    today = today or timezone.localdate()
    result = SendResult()
    for subscription_id, period in FeedbackSubscription.objects.filter(
        active=True, department__active=True
    ).values_list("pk", "period"):
        day = due_day(period, today)
        if day is None:
            continue
        with transaction.atomic():
            # The claim: one worker moves last_sent_for to the day, the other finds it done.
            claimed = (
                FeedbackSubscription.objects.filter(pk=subscription_id, active=True)
                .filter(Q(last_sent_for__isnull=True) | Q(last_sent_for__lt=day))
                .update(last_sent_for=day)
            )
            if not claimed:
                continue
            row = FeedbackSubscription.objects.select_related("department").get(pk=subscription_id)
            report = queries.feedback_report(row.department, row.period, day, now=now)
            message = feedback_message(report, row.recipients.split())
            transaction.on_commit(message.send)
            result.sent += 1
    return result
