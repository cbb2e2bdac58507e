from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from kefu.core.admin import AuditedAdmin
from kefu.tickets import sla
from kefu.tickets.models import DispatchRule, StandardPhrase, TimeLimitPolicy
from kefu.tickets.queries import as_sla_policy
from kefu.tickets.services import POLICY_FIELDS


class TimeLimitPolicyForm(forms.ModelForm):
    class Meta:
        model = TimeLimitPolicy
        fields = POLICY_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                sla.validate_policy(as_sla_policy(TimeLimitPolicy(**cleaned)))
            except ValueError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


@admin.register(TimeLimitPolicy)
class TimeLimitPolicyAdmin(AuditedAdmin):
    form = TimeLimitPolicyForm
    list_display = [
        "name",
        "kind",
        "category",
        "tier",
        "urgency",
        "expert_seat",
        "calendar",
        "active",
    ]
    list_filter = ["kind", "tier", "urgency", "expert_seat", "calendar", "active"]
    search_fields = ["name"]


@admin.register(DispatchRule)
class DispatchRuleAdmin(AuditedAdmin):
    list_display = ["category", "region", "department", "to_leaders", "position"]
    list_select_related = ["category", "region", "department"]


@admin.register(StandardPhrase)
class StandardPhraseAdmin(AuditedAdmin):
    list_display = ["text", "use", "kind", "position", "active"]
    list_filter = ["use", "kind", "active"]
    search_fields = ["text"]
