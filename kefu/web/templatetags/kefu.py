from __future__ import annotations

import re
from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

from kefu.core.masking import mask_phone

register = template.Library()

# A run of Latin letters and digits, which a clipped text must not split (“App” → “Ap…”).
_WORD_TAIL = re.compile(r"[A-Za-z0-9]+$")


@register.filter
def clip(value: object, length: int) -> str:
    """Django's `truncatechars` that never ends in half a Latin word or number: “手机App登录”
    clipped inside “App” ends before it, “手机…”. A text made only of one such word is cut."""
    text = str(value or "")
    if len(text) <= length:
        return text
    head = text[: max(length - 1, 0)]
    if text[len(head)].isascii() and text[len(head)].isalnum():
        shorter = _WORD_TAIL.sub("", head)
        head = shorter.rstrip() or head
    return head + "…"


@register.filter
def hours_minutes(value: timedelta | None) -> str:
    """A working-time span as people say it: 2 h 19 min, 3 d 4 h for long ones."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def masked_phone(value: str | None) -> str:
    """A caller's number as the lists show it, the middle hidden (138****5678)."""
    return mask_phone(value) if value else ""
