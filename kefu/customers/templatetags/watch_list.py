"""The watch-list flags the workbench shows at screen pop (002 第17篇 28)."""

from __future__ import annotations

from typing import Any

from django import template

from kefu.customers.models import WatchEntry
from kefu.customers.queries import watch_flags

register = template.Library()


@register.simple_tag(takes_context=True)
def watch_flags_for(context: Any, caller: str, card: dict[str, Any] | None) -> list[WatchEntry]:
    """Entries in force for the caller's number or any of the customer's phones."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    numbers = [caller] if caller else []
    if card:
        numbers += [phone.number for phone in card["customer"].phones.all()]
    return watch_flags(request.user, numbers)
