"""The satisfaction pages' tab strip: the tabs the user's role may open, the current one
marked."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from kefu.core.navigation import tab_strip
from kefu.satisfaction.navigation import TABS

register = template.Library()


@register.simple_tag(takes_context=True)
def satisfaction_tabs(context: Any) -> SafeString:
    return tab_strip(TABS, context["request"])
