"""What a centre decides about how attendance is judged against the rota."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit

DEFAULT_GRACE_MINUTES = 5


class AttendanceRules(models.Model):
    """The grace before a log-in counts as late, or a log-off as early (the centre's
    choice; without a row, `DEFAULT_GRACE_MINUTES`)."""

    centre = models.OneToOneField(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("grace for late and early (minutes)"), default=DEFAULT_GRACE_MINUTES
    )

    class Meta:
        verbose_name = _("attendance rules")
        verbose_name_plural = _("attendance rules")

    def __str__(self) -> str:
        return str(self.centre)
