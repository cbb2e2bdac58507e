"""What the work-order pages accept: query parameters and action fields, validated at the
edge; whether an action may happen is the service's to say."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DateTimeInput, DayField, start_of
from kefu.tickets.models import (
    CALLBACK_OUTCOME_CHOICES,
    REPLY_CHANNEL_CHOICES,
    STATE_CHOICES,
    EscalationSource,
    Kind,
)
from kefu.tickets.services import ActionInput
from kefu.tickets.services.steps import EXTENSION_MAX_MINUTES

BLANK: list[tuple[str, Any]] = [("", "—")]
# The escalation sources a person names; the third urge escalates by itself.
MANUAL_ESCALATION_SOURCES = [
    (value, label) for value, label in EscalationSource.choices if value != EscalationSource.URGE
]
TRI_STATE = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


class TicketFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Number, customer, or words of the order"), "size": 24}
        ),
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[*BLANK, ("open", _("Open")), *STATE_CHOICES], required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=BLANK + Kind.choices, required=False)
    department = forms.CharField(label=_("Department"), max_length=64, required=False)
    warning = forms.ChoiceField(label=_("In warning"), choices=TRI_STATE, required=False)
    overdue = forms.ChoiceField(label=_("Overdue"), choices=TRI_STATE, required=False)
    created_since = DayField(label=_("Created from"), required=False)
    created_until = DayField(label=_("Created before"), required=False)
    escalation = forms.ChoiceField(
        label=_("Escalated by way of"),
        choices=[
            *BLANK,
            ("external", _("Escalated complaint (above the centre)")),
            ("internal", _("Raised inside the centre")),
            ("urge", _("Third urge (automatic)")),
        ],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("", _("Newest first")), ("due", _("Due soonest first"))],
        required=False,
    )

    def filters(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of `queries.ticket_list`."""
        data = self.cleaned_data
        return {
            "q": data["q"] or None,
            "state": data["state"] or None,
            "kind": data["kind"] or None,
            "department": data["department"] or None,
            "warning": {"true": True, "false": False}.get(data["warning"]),
            "overdue": {"true": True, "false": False}.get(data["overdue"]),
            "created_since": start_of(data["created_since"]),
            "created_until": start_of(data["created_until"]),
            "sort": data["sort"] or None,
            "escalation": data["escalation"] or None,
        }


class ActionForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    department = forms.CharField(max_length=64, required=False)
    result = forms.CharField(max_length=4000, required=False)
    reason = forms.CharField(max_length=1000, required=False)
    channel = forms.ChoiceField(choices=BLANK + REPLY_CHANNEL_CHOICES, required=False)
    text = forms.CharField(max_length=4000, required=False)
    satisfied = forms.ChoiceField(choices=TRI_STATE, required=False)
    note = forms.CharField(max_length=1000, required=False)
    source = forms.ChoiceField(choices=BLANK + MANUAL_ESCALATION_SOURCES, required=False)
    into = forms.CharField(max_length=20, required=False)
    assignee = forms.CharField(max_length=150, required=False)
    hours = forms.IntegerField(min_value=1, max_value=EXTENSION_MAX_MINUTES // 60, required=False)
    outcome = forms.ChoiceField(choices=BLANK + CALLBACK_OUTCOME_CHOICES, required=False)

    def action_input(self) -> ActionInput:
        data = {key: value for key, value in self.cleaned_data.items() if key != "version"}
        data["satisfied"] = {"true": True, "false": False}.get(data["satisfied"])
        data["department"] = data["department"] or None
        data["into"] = data["into"] or None
        data["assignee"] = data["assignee"] or None
        hours = data.pop("hours")
        data["minutes"] = hours * 60 if hours else None
        return ActionInput(**data)


class AwayForm(forms.Form):
    """AB岗: who stands in, and until when."""

    backup = forms.CharField(label=_("Stand-in"), max_length=150, required=False)
    until = forms.DateTimeField(
        label=_("Away until"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
