"""The forms of the callback and dissatisfied-list pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Channel as ContactChannel
from kefu.core.forms import DateInput
from kefu.satisfaction.models import CallbackOutcomeChoice

MAX_DAYS = 366
GROUPING_CHOICES = [
    ("touchpoint", _("Touchpoint")),
    ("team", _("Team")),
    ("agent", _("Agent")),
    ("kind", _("Kind of callback")),
    ("list", _("Outbound list")),
]


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=CallbackOutcomeChoice.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class ResultsForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=DateInput())
    until = forms.DateField(label=_("To"), widget=DateInput())
    by = forms.ChoiceField(label=_("Break down by"), choices=GROUPING_CHOICES)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if isinstance(since, dt.date) and isinstance(until, dt.date):
            if until < since:
                self.add_error("until", _("The end comes before the start."))
            elif (until - since).days > MAX_DAYS:
                self.add_error("until", _("Choose at most a year."))
        return data


class PlanForm(forms.Form):
    owner = forms.CharField(label=_("Owner (user name)"), max_length=150)
    deadline = forms.DateField(label=_("Repair deadline"), required=False, widget=DateInput())
    goal = forms.CharField(label=_("Repair goal"), max_length=500, required=False)
    step = forms.CharField(label=_("New step"), max_length=300, required=False)
    step_due = forms.DateField(label=_("Step by"), required=False, widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class RepairContactForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    note = forms.CharField(
        label=_("What was said"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(forms.Form):
    repaired = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("Repaired")), ("no", _("Not repaired"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What showed it"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ListFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("open", _("On the list")),
            ("repaired", _("Repaired")),
            ("not_repaired", _("Not repaired")),
            ("all", _("All")),
        ],
    )
    q = forms.CharField(label=_("Customer"), max_length=100, required=False)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind of callback"),
        choices=[
            ("sample", _("Sample of settled contacts")),
            ("after_repair", _("After a repair")),
            ("after_complaint", _("After a complaint is answered")),
        ],
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("Any")), *ContactChannel.choices],
    )
    rate = forms.DecimalField(
        label=_("sample rate (%)"), min_value=0, max_value=100, decimal_places=2, initial=5
    )
    delay_days = forms.IntegerField(label=_("days after"), min_value=0, max_value=365, initial=7)
    due_days = forms.IntegerField(
        label=_("days to call back"), min_value=0, max_value=365, initial=2
    )
    max_attempts = forms.IntegerField(
        label=_("attempts at most"), min_value=1, max_value=20, initial=3
    )
    retry_hours = forms.IntegerField(
        label=_("hours before calling again"), min_value=0, max_value=720, initial=4
    )
    assignment = forms.ChoiceField(
        label=_("assignment"),
        choices=[
            ("round_robin", _("In turn")),
            ("least_loaded", _("To whoever has the fewest open")),
        ],
    )
    script = forms.CharField(
        label=_("script"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=_("active"), required=False, initial=True)
