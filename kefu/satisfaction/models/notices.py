"""Notices to customers (issue 19 point 6; seeds 002 第19篇 planned-outage notices, 000
第1篇 notices and 温馨提示): what will happen, where and when, sent by SMS to the
customers of the affected regions when published, and shown to the agent at screen pop
for a caller from there, before the agent asks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit, Region


class NoticeKind(models.TextChoices):
    PLANNED_OUTAGE = "planned_outage", _("Planned outage")
    UNPLANNED_OUTAGE = "unplanned_outage", _("Unplanned outage")
    MAINTENANCE = "maintenance", _("Maintenance work")
    TIP = "tip", _("Friendly reminder")
    OTHER = "other", _("Other notice")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Notice(models.Model):
    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(
        _("what agents tell callers"),
        max_length=1000,
        help_text=_("What happens, where, from when to when, and what the customer can do."),
    )
    sms_text = models.CharField(
        _("text message to customers"),
        max_length=300,
        blank=True,
        help_text=_("Sent to the affected customers when published; leave empty to send none."),
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("affected regions"), related_name="+", blank=True
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # How many customers the text message was written to (when published).
    recipients = models.PositiveIntegerField(_("customers written to"), default=0)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["centre", "state", "ends_at"], name="sat_notice_live_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="sat_notice_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
