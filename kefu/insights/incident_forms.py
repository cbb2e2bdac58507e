"""The forms of the major-incident pages: what a leader types to open, correct, close or
dismiss an incident, and the order or contact an agent attaches."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.insights.models import IncidentState


class IncidentOpenForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    region = forms.TypedChoiceField(label=_("Affected region"), coerce=int)
    reason = forms.TypedChoiceField(
        label=_("Call reason"), coerce=int, required=False, empty_value=None
    )
    department = forms.TypedChoiceField(
        label=_("Department on duty"), coerce=int, required=False, empty_value=None
    )
    script = forms.CharField(
        label=_("What agents tell callers"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published at once as an unplanned-outage notice for the region."),
    )

    def __init__(
        self,
        *args: Any,
        regions: list[tuple[int, str]],
        reasons: list[tuple[int, str]],
        departments: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "—"), *regions]
        cast(forms.ChoiceField, self.fields["reason"]).choices = [("", "—"), *reasons]
        cast(forms.ChoiceField, self.fields["department"]).choices = [("", "—"), *departments]


class IncidentChangeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = forms.CharField(label=_("Title"), max_length=100)
    department = forms.TypedChoiceField(
        label=_("Department on duty"), coerce=int, required=False, empty_value=None
    )
    script = forms.CharField(
        label=_("What agents tell callers"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, departments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [("", "—"), *departments]


class IncidentCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reply = forms.CharField(
        label=_("Reply to every affected customer"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent by text message to each customer once; every child order is closed."),
    )


class IncidentDismissForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Why it was a false alarm"), max_length=500)


class IncidentVersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class IncidentOrderForm(forms.Form):
    number = forms.CharField(label=_("Work order number"), max_length=20)


class IncidentContactForm(forms.Form):
    contact_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class IncidentFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All states")), *IncidentState.choices],
    )


class WorkbenchPanelForm(forms.Form):
    caller = forms.CharField(required=False, max_length=32)
    customer = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
