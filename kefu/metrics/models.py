from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit
from kefu.telephony.intervals import WAIT_THRESHOLDS

THRESHOLD_CHOICES = [(seconds, f"{seconds} s") for seconds in WAIT_THRESHOLDS]


class CentreRules(models.Model):
    """How one centre counts its figures; a centre without a row uses the defaults."""

    centre = models.OneToOneField(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    service_level_seconds = models.PositiveSmallIntegerField(
        _("service level threshold (s)"), choices=THRESHOLD_CHOICES, default=20
    )
    # 002 第7篇: "“短时放弃”按通常标准是20秒或者更少".
    short_abandon_seconds = models.PositiveSmallIntegerField(
        _("short abandon threshold (s)"), choices=THRESHOLD_CHOICES, default=20
    )
    ring_cycle_seconds = models.FloatField(_("ring cycle (s)"), default=5.0)
    fcr_window_days = models.PositiveSmallIntegerField(_("repeat-contact window (days)"), default=7)
    monthly_cost = models.DecimalField(
        _("monthly cost (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("centre rules")
        verbose_name_plural = _("centre rules")
        permissions = [("view_reports", _("Can see indicators and reports"))]

    def __str__(self) -> str:
        return str(self.centre)


class IndicatorTarget(models.Model):
    """A centre's own target range for one indicator, in place of the default."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("indicator"), max_length=40)
    low = models.FloatField(_("lowest good value"), null=True, blank=True)
    high = models.FloatField(_("highest good value"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="metrics_target_unique")
        ]

    def __str__(self) -> str:
        return self.code


class ReportSubscription(models.Model):
    """A report e-mailed to its recipients each day, week or month, as an .xlsx file."""

    class Period(models.TextChoices):
        DAILY = "daily", _("Daily report")
        WEEKLY = "weekly", _("Weekly report")
        MONTHLY = "monthly", _("Monthly report")

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    period = models.CharField(_("period"), max_length=8, choices=Period.choices)
    recipients = models.TextField(_("recipients"), help_text=_("One e-mail address per line."))
    active = models.BooleanField(_("active"), default=True)
    last_sent_for = models.DateField(_("last sent for"), null=True, blank=True)

    class Meta:
        verbose_name = _("report subscription")
        verbose_name_plural = _("report subscriptions")

    def __str__(self) -> str:
        return self.get_period_display()
