"""Changes to how a centre is measured: targets, counting rules, report subscriptions,
and the sending of scheduled reports."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.queries import require_centre
from kefu.core.roles import CHANGE_TARGETS
from kefu.core.services import audit_record
from kefu.core.validation import check_lengths
from kefu.metrics import exports, reports, standards
from kefu.metrics.models import CentreRules, IndicatorTarget, ReportSubscription
from kefu.telephony.intervals import WAIT_THRESHOLDS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _manager_centre(actor: User) -> int:
    if not actor.has_perm(CHANGE_TARGETS):
        raise Forbidden()
    return require_centre(actor)


@transaction.atomic
def target_set(*, actor: User, code: str, low: float | None, high: float | None) -> IndicatorTarget:
    """The centre's own range for one indicator; both bounds None means it is not judged."""
    centre_id = _manager_centre(actor)
    if code not in standards.BY_CODE:
        raise Invalid(_("Unknown indicator."), code="indicator_unknown", detail={"field": "code"})
    if any(bound is not None and not math.isfinite(bound) for bound in (low, high)):
        # A target of NaN or infinity could never be judged against.
        raise Invalid(
            _("The bounds must be finite numbers."),
            code="target_invalid",
            detail={"field": "low" if low is not None and not math.isfinite(low) else "high"},
        )
    if low is not None and high is not None and low > high:
        raise Invalid(
            _("The lowest good value cannot exceed the highest."),
            code="target_inverted",
            detail={"field": "low"},
        )
    row, created = IndicatorTarget.objects.select_for_update().get_or_create(
        centre_id=centre_id, code=code, defaults={"low": low, "high": high}
    )
    before = None if created else {"low": row.low, "high": row.high}
    row.low, row.high = low, high
    row.save(update_fields=["low", "high"])
    audit_record(
        actor=actor,
        action="metrics.target_set",
        obj=row,
        object_repr=code,
        before=before,
        after={"low": low, "high": high},
    )
    return row


@transaction.atomic
def rules_set(
    *,
    actor: User,
    service_level_seconds: int,
    short_abandon_seconds: int,
    ring_cycle_seconds: float = 5.0,
    fcr_window_days: int = 7,
    monthly_cost: float | None = None,
) -> CentreRules:
    centre_id = _manager_centre(actor)
    for field, value in (
        ("service_level_seconds", service_level_seconds),
        ("short_abandon_seconds", short_abandon_seconds),
    ):
        if value not in WAIT_THRESHOLDS:
            raise Invalid(
                _("Choose one of the thresholds offered."),
                code="threshold_unknown",
                detail={"field": field, "allowed": list(WAIT_THRESHOLDS)},
            )
    if not 1 <= fcr_window_days <= 90:
        raise Invalid(_("The window is 1 to 90 days."), code="window_invalid")
    if ring_cycle_seconds <= 0 or (monthly_cost is not None and monthly_cost < 0):
        raise Invalid(_("The values must be positive."), code="value_negative")
    row, _created = CentreRules.objects.select_for_update().get_or_create(centre_id=centre_id)
    row.service_level_seconds = service_level_seconds
    row.short_abandon_seconds = short_abandon_seconds
    row.ring_cycle_seconds = ring_cycle_seconds
    row.fcr_window_days = fcr_window_days
    row.monthly_cost = None if monthly_cost is None else Decimal(str(monthly_cost))
    row.save()
    audit_record(actor=actor, action="metrics.rules_set", obj=row, object_repr=str(centre_id))
    return row


def _recipients(text: str) -> list[str]:
    addresses = [line.strip() for line in text.splitlines() if line.strip()]
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError as error:
            raise Invalid(
                _("Not an e-mail address: %(address)s") % {"address": address},
                code="email_invalid",
                detail={"field": "recipients"},
            ) from error
    if not addresses:
        raise Invalid(_("Give at least one recipient."), code="recipients_empty")
    return addresses


@transaction.atomic
def subscription_save(
    *,
    actor: User,
    period: str,
    recipients: str,
    active: bool = True,
    subscription_id: int | None = None,
) -> ReportSubscription:
    centre_id = _manager_centre(actor)
    if period not in ReportSubscription.Period.values:
        raise Invalid(_("Unknown report period."), code="period_unknown")
    addresses = _recipients(recipients)
    if subscription_id is None:
        row = ReportSubscription(centre_id=centre_id)
    else:
        found = (
            ReportSubscription.objects.select_for_update()
            .filter(pk=subscription_id, centre_id=centre_id)
            .first()
        )
        if found is None:  # another centre's subscription is as good as none
            raise NotFound(code="subscription_not_found")
        row = found
    row.period, row.recipients, row.active = period, "\n".join(addresses), active
    check_lengths(row)
    row.save()
    audit_record(actor=actor, action="metrics.subscription_save", obj=row, object_repr=period)
    return row


def due_day(period: str, today: dt.date) -> dt.date | None:
    """The day whose report is due `today`: yesterday for the daily report, last week's
    Sunday on Mondays, the last day of last month on the 1st."""
    yesterday = today - dt.timedelta(days=1)
    if period == "daily":
        return yesterday
    if period == "weekly":
        return yesterday if today.weekday() == 0 else None
    if period == "monthly":
        return yesterday if today.day == 1 else None
    return None


@dataclass
class SendResult:
    sent: int = 0


def reports_send_due(*, today: dt.date | None = None) -> SendResult:
    """E-mail every report due today that has not gone out yet. Each subscription is marked
    in its own transaction before its mail leaves, after commit; two workers running this at
    once send each report once."""
    today = today or timezone.localdate()
    result = SendResult()
    for subscription_id in ReportSubscription.objects.filter(active=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            row = (
                ReportSubscription.objects.select_for_update(skip_locked=True)
                .select_related("centre")
                .filter(pk=subscription_id, active=True)
                .first()
            )
            if row is None:
                continue
            day = due_day(row.period, today)
            if day is None or (row.last_sent_for is not None and row.last_sent_for >= day):
                continue
            report = reports.build(row.centre, row.period, day)
            message = _message(row.centre, report, row.recipients.split())
            row.last_sent_for = day
            row.save(update_fields=["last_sent_for"])
            transaction.on_commit(message.send)
            result.sent += 1
    return result


def _message(centre: OrgUnit, report: reports.Report, recipients: list[str]) -> EmailMessage:
    title = f"{centre.name} {_(exports.KIND_TITLES[report.kind])} {report.first_day:%Y-%m-%d}"
    off = report.off()
    lines = [title, ""]
    if off:
        lines.append(_("Off target:"))
        lines.extend(f"- {line.name}" for line in off)
    else:
        lines.append(_("Every indicator with a target is within it or close to it."))
    message = EmailMessage(subject=title, body="\n".join(lines), to=recipients)
    message.attach(exports.report_filename(report), exports.report_xlsx(report), XLSX)
    return message
