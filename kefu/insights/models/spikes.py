"""Which call reasons are faults, for the spike detection (issue 21 point 1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit


class FaultReason(models.Model):
    """A business type (all its service contents) or a service content whose contacts are
    fault reports. A centre with none counts the business types named as faults (故障,
    报修, 障碍: 故障报修, 宽带故障, 障碍申告) until its managers choose."""

    centre = models.ForeignKey(
        OrgUnit, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.ForeignKey(
        CallReason, verbose_name=_("call reason"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("fault reason")
        verbose_name_plural = _("fault reasons")
        constraints = [
            models.UniqueConstraint(fields=["centre", "reason"], name="fault_reason_unique")
        ]

    def __str__(self) -> str:
        return str(self.reason)
