from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.web.models import WallboardThresholds


class ThresholdsForm(forms.Form):
    """The manager's wallboard thresholds; a field left empty is not watched. The service
    level is entered as a percentage, as people say it."""

    waiting = forms.IntegerField(
        label=_("Callers waiting in a queue, at most"),
        required=False,
        min_value=0,
        max_value=10_000,
    )
    longest_wait_seconds = forms.IntegerField(
        label=_("Longest wait in a queue, at most (s)"),
        required=False,
        min_value=0,
        max_value=86_400,
    )
    service_level_percent = forms.DecimalField(
        label=_("Service level over the last 30 minutes, at least (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
    )

    @classmethod
    def of(cls, thresholds: WallboardThresholds | None, data: Any = None) -> ThresholdsForm:
        initial = {}
        if thresholds is not None:
            level = thresholds.service_level
            initial = {
                "waiting": thresholds.waiting,
                "longest_wait_seconds": thresholds.longest_wait_seconds,
                "service_level_percent": None if level is None else round(level * 100, 1),
            }
        return cls(data, initial=initial)

    def service_level(self) -> float | None:
        percent = self.cleaned_data["service_level_percent"]
        return None if percent is None else float(percent) / 100
