"""What the work-order pages accept: query parameters and action fields, validated at the
edge; whether an action may happen is the service's to say."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.forms import DayField, start_of
from kefu.tickets.models import STATE_CHOICES, Kind
from kefu.tickets.services import REPLY_CHANNELS, ActionInput

BLANK: list[tuple[str, Any]] = [("", "—")]
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
        }


class ActionForm(forms.Form):
    version = forms.IntegerField(min_value=1)
    department = forms.CharField(max_length=64, required=False)
    result = forms.CharField(max_length=4000, required=False)
    reason = forms.CharField(max_length=1000, required=False)
    channel = forms.ChoiceField(
        choices=BLANK + [(code, code) for code in sorted(REPLY_CHANNELS)], required=False
    )
    text = forms.CharField(max_length=4000, required=False)
    satisfied = forms.ChoiceField(choices=TRI_STATE, required=False)
    note = forms.CharField(max_length=1000, required=False)
    source = forms.CharField(max_length=100, required=False)
    into = forms.CharField(max_length=20, required=False)

    def action_input(self) -> ActionInput:
        data = {key: value for key, value in self.cleaned_data.items() if key != "version"}
        data["satisfied"] = {"true": True, "false": False}.get(data["satisfied"])
        data["department"] = data["department"] or None
        data["into"] = data["into"] or None
        return ActionInput(**data)
