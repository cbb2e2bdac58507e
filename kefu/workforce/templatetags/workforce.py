"""The workforce pages' tab strip: the tabs the user's role may open, the current one
marked."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from kefu.workforce.navigation import tabs_for

register = template.Library()


@register.simple_tag(takes_context=True)
def workforce_tabs(context: Any) -> SafeString:
    request = context["request"]
    links = []
    for tab in tabs_for(request.user.role):
        url = reverse(tab.url_name)
        current = format_html(' aria-current="{}"', "page") if request.path == url else ""
        links.append((url, current, tab.label))
    return format_html_join("", '<a href="{}"{}>{}</a>', links)
