"""The supervision pages' tab strip."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from kefu.core.navigation import tab_strip
from kefu.supervision.navigation import TABS

register = template.Library()


@register.simple_tag(takes_context=True)
def supervision_tabs(context: Any) -> SafeString:
    return tab_strip(TABS, context["request"])


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping[key]`` in a template."""
    return mapping.get(key, "")
