"""The workbench's assist area (求助 and SMS) rendered in place, with no extra request."""

from __future__ import annotations

from typing import Any

from django import template

from kefu.contacts.models import ContactSms, HelpRequest

register = template.Library()


@register.inclusion_tag("contacts/partials/assist.html", takes_context=True)
def assist_area(context: Any) -> dict[str, Any]:
    """A fresh workbench form: nothing sent and no help asked on it yet."""
    card = context.get("card") or {}
    customer = card.get("customer") if isinstance(card, dict) else None
    return {
        "request": context.get("request"),
        "perms": context.get("perms"),
        "csrf_token": context.get("csrf_token"),
        "submission": context.get("submission", ""),
        "caller": context.get("caller", ""),
        "customer_id": customer.pk if customer is not None else None,
        "assistance": {"texts": [], "helps": [], "waiting": False},
        "reasons": HelpRequest.Reason.choices,
        "compose": None,
        "refused": "",
        "sms_max": ContactSms._meta.get_field("text").max_length,
    }
