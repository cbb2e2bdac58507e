"""How indicator values read in templates: the report page and the dashboard's panel."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from kefu.metrics import exports, formatting, standards

register = template.Library()


@register.filter
def figure(value: float | None, unit: str) -> str:
    """85.3%, 23 s, 1,204, or n/a."""
    return formatting.value_text(value, unit)


@register.filter
def signed(number: int) -> str:
    """+8, −5, 0: a change in a count, with the same minus sign as the cards."""
    return f"+{number}" if number > 0 else f"−{-number}" if number < 0 else "0"


@register.simple_tag
def change(line: Any) -> str:
    """The change of a report line against the period before."""
    return formatting.change_text(line.value, line.previous, line.unit)


@register.filter
def status_label(status: str) -> str:
    title = exports.STATUS_TITLES.get(status)
    return _(title) if title else ""


@register.filter
def definition(code: str) -> str:
    standard = standards.BY_CODE.get(code)
    return str(standard.definition) if standard else ""
