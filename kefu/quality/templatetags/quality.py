"""The quality pages' tab strip: the tabs the user's role may open, the current one
marked; and how a monitoring score's interval is written."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from kefu.quality.navigation import tabs_for
from kefu.quality.stats import Estimate

register = template.Library()


@register.simple_tag(takes_context=True)
def quality_tabs(context: Any) -> SafeString:
    request = context["request"]
    links = []
    for tab in tabs_for(request.user.role):
        url = reverse(tab.url_name)
        current = format_html(' aria-current="{}"', "page") if request.path == url else ""
        links.append((url, current, tab.label))
    return format_html_join("", '<a href="{}"{}>{}</a>', links)


@register.filter
def plus_minus(estimate: Estimate) -> str:
    """± the interval's half-width, one decimal; empty without an interval."""
    half = estimate.half_width
    return "" if half is None else f"± {half:.1f}"


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]`` in a template (a label of a code)."""
    return mapping.get(key, "")
