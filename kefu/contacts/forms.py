"""The agent workbench's forms, validated at the edge; the services decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Channel
from kefu.core.forms import DayField, start_of
from kefu.tickets.models import Kind, Urgency


class OnceForm(forms.Form):
    """A form that writes once: the one-time token of its rendering (contacts/views.py)."""

    submission = forms.CharField(
        max_length=255,
        error_messages={"required": _("The page is out of date. Reload it and try again.")},
    )


class NewCustomerForm(OnceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=32)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class ContactForm(OnceForm):
    caller_number = forms.CharField(max_length=32, required=False)
    customer_id = forms.IntegerField(min_value=1, required=False)
    customer_attribute = forms.CharField(max_length=64, required=False)
    region = forms.CharField(max_length=12, required=False)
    service_content = forms.CharField(label=_("Call reason"), max_length=64, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=2000)
    settled = forms.BooleanField(required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False)
    to_expert_seat = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("settled") and not data.get("kind"):
            self.add_error("kind", _("Choose the kind of work order, or mark the contact settled."))
        return data

    def contact(self) -> dict[str, Any]:
        """The fields of `contacts.services.contact_create`."""
        data = self.cleaned_data
        return {
            "channel": "hotline",
            "caller_number": data["caller_number"],
            "customer_id": data["customer_id"],
            "customer_attribute": data["customer_attribute"] or None,
            "region": data["region"] or None,
            "service_content": data["service_content"] or None,
            "summary": data["summary"],
        }

    def ticket(self) -> dict[str, Any]:
        data = self.cleaned_data
        summary = data["summary"]
        return {
            "kind": data["kind"],
            "urgency": data["urgency"] or Urgency.NORMAL,
            "title": data["title"] or summary.split("，")[0][:60],
            "description": data["description"] or summary,
            "to_expert_seat": data["to_expert_seat"],
        }


class ContactFilterForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False
    )
    settled = forms.ChoiceField(
        label=_("Settled on the call"),
        choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))],
        required=False,
    )
    caller = forms.CharField(label=_("Caller number"), max_length=32, required=False)
    since = DayField(label=_("From"), required=False)
    until = DayField(label=_("Before"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("", _("Newest first")), ("oldest", _("Oldest first"))],
        required=False,
    )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channel": data["channel"] or None,
            "settled": {"true": True, "false": False}.get(data["settled"]),
            "caller": data["caller"] or None,
            "since": start_of(data["since"]),
            "until": start_of(data["until"]),
            "sort": data["sort"] or None,
        }
