from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.customers.models import Tier


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, phone, account or ID number"), max_length=100, required=False
    )
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", "—"), *Tier.choices], required=False)
    tag = forms.CharField(label=_("Tag"), max_length=32, required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("", _("Newest first")), ("name", _("By name"))],
        required=False,
    )

    def filters(self) -> dict[str, Any]:
        return {key: value or None for key, value in self.cleaned_data.items()}


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the customer's request)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."), required=True)
