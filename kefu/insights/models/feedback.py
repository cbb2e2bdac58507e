"""Information feedback to departments (信息反馈, issue 21 point 3; seed 000 第8篇 2.3: the
centre feeds what customers call about back to the company's departments through a
one-to-many channel, 以日报、周报、月报 … 等多种方式传递信息): a subscription sends a
department its daily, weekly or monthly report by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit


class FeedbackPeriod(models.TextChoices):
    DAILY = "daily", _("Daily report")
    WEEKLY = "weekly", _("Weekly report")
    MONTHLY = "monthly", _("Monthly report")


class FeedbackSubscription(models.Model):
    """A department's report e-mailed to its recipients after each day, week or month
    (the report of the period just ended, once)."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        OrgUnit, verbose_name=_("department"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("period"), max_length=8, choices=FeedbackPeriod.choices)
    recipients = models.TextField(
        _("recipients"), max_length=2000, help_text=_("One e-mail address per line.")
    )
    active = models.BooleanField(_("active"), default=True)
    # The last day of the last period whose report went out (sent once, whoever races).
    last_sent_for = models.DateField(_("last sent for"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Bumped by every change: a change made on a stale read is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("feedback subscription")
        verbose_name_plural = _("feedback subscriptions")
        ordering = ["department_id", "period", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "period"], name="feedback_one_subscription_per_period"
            )
        ]
        permissions = [
            ("view_feedback", _("Can see the departments' feedback reports")),
            ("manage_feedback", _("Can manage the departments' feedback subscriptions")),
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.period}"
