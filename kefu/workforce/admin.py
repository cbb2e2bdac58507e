"""The workforce's setup surface, like the other apps' configuration: shift templates,
contracts and staff members (skills = queues, expert seat, contract, joined/left) in the
admin, each write audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from kefu.core.admin import AuditedAdmin
from kefu.workforce import rota as solver
from kefu.workforce.models import Contract, ShiftTemplate, StaffMember
from kefu.workforce.services.rota import contract_value, template_value


class ShiftTemplateForm(forms.ModelForm):
    class Meta:
        model = ShiftTemplate
        fields = ["centre", "code", "name", "kind", "start", "length_minutes", "breaks", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            breaks = cleaned.get("breaks") or []
            if not isinstance(breaks, list) or not all(
                isinstance(item, dict) and {"length", "earliest", "latest"} <= set(item)
                for item in breaks
            ):
                raise forms.ValidationError(
                    {"breaks": _("Each break needs its length, earliest and latest minute.")}
                )
            try:
                template_value(ShiftTemplate(**{k: v for k, v in cleaned.items()}))
            except (solver.RotaInputError, TypeError, ValueError) as error:
                raise forms.ValidationError(
                    {
                        "breaks": _(
                            "The breaks do not fit the shift: their windows overlap or "
                            "run past its end."
                        )
                    }
                ) from error
        return cleaned


@admin.register(ShiftTemplate)
class ShiftTemplateAdmin(AuditedAdmin):
    form = ShiftTemplateForm
    list_display = ["name", "code", "kind", "start", "length_minutes", "centre", "active"]
    list_filter = ["centre", "kind", "active"]
    search_fields = ["name", "code"]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "centre",
            "name",
            "min_hours_per_week",
            "max_hours_per_week",
            "rest_days_per_week",
            "max_consecutive_days",
            "min_rest_hours",
            "max_consecutive_nights",
            "min_consecutive_nights",
            "no_morning_after_night",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                contract_value(Contract(**cleaned))
            except solver.RotaInputError as error:
                raise forms.ValidationError(
                    _(
                        "The contract's rules contradict each other (least hours above most, "
                        "more than 7 rest days, or a run of nights shorter than one)."
                    )
                ) from error
        return cleaned


@admin.register(Contract)
class ContractAdmin(AuditedAdmin):
    form = ContractForm
    list_display = ["name", "centre", "min_hours_per_week", "max_hours_per_week"]
    list_filter = ["centre"]


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = [
            "user",
            "centre",
            "contract",
            "queues",
            "expert",
            "templates",
            "joined_on",
            "left_on",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        centre = cleaned.get("centre")
        contract = cleaned.get("contract")
        if centre and contract and contract.centre_id != centre.pk:
            self.add_error("contract", _("The contract belongs to another centre."))
        joined, left = cleaned.get("joined_on"), cleaned.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("An agent cannot leave before joining."))
        return cleaned


@admin.register(StaffMember)
class StaffMemberAdmin(AuditedAdmin):
    form = StaffMemberForm
    list_display = ["user", "centre", "contract", "expert", "joined_on", "left_on"]
    list_filter = ["centre", "contract", "expert"]
    search_fields = ["user__username", "user__full_name"]
    filter_horizontal = ["queues", "templates"]
    autocomplete_fields = ["user"]
