"""The spike rules page's form: it checks what a manager typed; the service decides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import CallReason
from kefu.core.models import Region


class ReasonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} / {obj.name}" if obj.parent else str(obj.name)


class SpikeRuleForm(forms.Form):
    region = forms.ModelChoiceField(
        Region.objects.order_by("code"),
        label=_("Region"),
        required=False,
        empty_label=_("Every region"),
    )
    reason = ReasonField(
        CallReason.objects.none(),
        label=_("Call reason"),
        required=False,
        empty_label=_("Every fault reason"),
    )
    min_count = forms.IntegerField(
        label=_("Minimum count in 15 minutes"), min_value=1, max_value=10_000, initial=20
    )
    ratio = forms.DecimalField(
        label=_("Times the baseline"),
        min_value=Decimal(1),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        initial=Decimal(3),
    )
    active = forms.BooleanField(label=_("Rule in force"), required=False, initial=True)

    def __init__(self, *args: Any, reasons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = reasons  # type: ignore[attr-defined]
