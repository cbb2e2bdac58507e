from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit


class Measure(models.TextChoices):
    """What a wallboard threshold watches."""

    WAITING = "waiting", _("Callers waiting")
    LONGEST_WAIT = "longest_wait", _("Longest wait")
    SERVICE_LEVEL = "service_level", _("Service level, last 30 minutes")


class WallboardThresholds(models.Model):
    """The limits a manager sets for the wallboard: past one, its tile turns red and the
    team leaders on duty are told, once per breach. Empty: not watched."""

    centre = models.OneToOneField(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    waiting = models.PositiveIntegerField(
        _("callers waiting in a queue, at most"), null=True, blank=True
    )
    longest_wait_seconds = models.PositiveIntegerField(
        _("longest wait in a queue, at most (s)"), null=True, blank=True
    )
    service_level = models.FloatField(
        _("service level over the last 30 minutes, at least"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("wallboard thresholds")
        verbose_name_plural = _("wallboard thresholds")

    def __str__(self) -> str:
        return str(self.centre)


class WallboardBreach(models.Model):
    """One stretch of time a measure was past its threshold, in one queue or (service
    level) the whole centre. At most one is open per measure and scope: that is what makes
    the team leaders hear of a breach once, and again only after it cleared."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    measure = models.CharField(_("measure"), max_length=16, choices=Measure.choices)
    # The queue's platform name; empty for the whole centre.
    scope = models.CharField(_("queue"), max_length=128, blank=True)
    value = models.FloatField(_("value"))
    limit = models.FloatField(_("threshold"))
    started_at = models.DateTimeField(_("started"))
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        verbose_name = _("wallboard breach")
        verbose_name_plural = _("wallboard breaches")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "measure", "scope"],
                condition=models.Q(cleared_at__isnull=True),
                name="web_breach_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.scope} {self.started_at:%Y-%m-%d %H:%M}"
