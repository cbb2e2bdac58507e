"""The reminder plan page's form: one rule."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.satisfaction.models import ReminderChannel, ReminderEvent


class TimeInput(forms.TimeInput):
    input_type = "time"


class ReminderRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    event = forms.ChoiceField(label=_("Event"), choices=ReminderEvent.choices)
    days = forms.IntegerField(
        label=_("Days"),
        min_value=0,
        max_value=366,
        help_text=_("Before the date; after the closing for a repair."),
    )
    working_days = forms.BooleanField(label=_("On working days"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=ReminderChannel.choices)
    template = forms.CharField(
        label=_("Text"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Placeholders: {客户} the customer's name, {日期} the date, {事项} what is due."
        ),
    )
    send_from = forms.TimeField(label=_("Send from"), initial=dt.time(9, 0), widget=TimeInput)
    send_until = forms.TimeField(label=_("Send until"), initial=dt.time(11, 0), widget=TimeInput)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
