"""What a centre plans its staff for: the service level its rota and intraday view aim
at (X % of calls answered within Y s, 002 第7篇 服务水平)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.core.models import OrgUnit

# The standard's target: 80 % of calls answered within 20 s (002 第7篇 服务水平).
DEFAULT_TARGET_PERCENT = 80
DEFAULT_ANSWER_SECONDS = 20


class StaffingGoal(models.Model):
    """The service level the plans staff for (the centre's choice; without a row, 80 %
    within 20 s). The planners' own, beside the indicators' targets the reports judge by,
    as workforce products keep their staffing goals."""

    centre = models.OneToOneField(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    target_percent = models.PositiveSmallIntegerField(
        _("calls answered in time (%)"), default=DEFAULT_TARGET_PERCENT
    )
    answer_seconds = models.PositiveSmallIntegerField(
        _("answered within (s)"), default=DEFAULT_ANSWER_SECONDS
    )

    class Meta:
        verbose_name = _("staffing goal")
        verbose_name_plural = _("staffing goals")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_percent__gte=50, target_percent__lte=99),
                name="workforce_goal_target_range",
            ),
            models.CheckConstraint(
                condition=models.Q(answer_seconds__gte=5, answer_seconds__lte=120),
                name="workforce_goal_seconds_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.centre)
