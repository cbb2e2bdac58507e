from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from kefu.core.navigation import tab_strip
from kefu.insights.navigation import TABS

register = template.Library()


@register.simple_tag(takes_context=True)
def insights_tabs(context: Any) -> SafeString:
    return tab_strip(TABS, context["request"])
