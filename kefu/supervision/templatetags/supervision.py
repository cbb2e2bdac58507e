"""The supervision pages' tab strip."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext

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


@register.simple_tag
def honour_check(check: dict[str, Any]) -> str:
    """One criterion a candidate met, with their value (the honours' page)."""
    from kefu.supervision.queries.honours import describe_check

    return describe_check(check)


@register.simple_tag
def honour_ranked(candidate: Any, rule: dict[str, Any] | None) -> str:
    """What a candidate was ranked on, with their value."""
    from kefu.supervision.queries.honours import figure_label, figure_value

    if not rule:
        return ""
    code = rule["rank_by"]
    return gettext("Ranked on %(figure)s %(value)s") % {
        "figure": figure_label(code),
        "value": figure_value(code, candidate.value),
    }


@register.simple_tag
def posted_field(posted: Any, prefix: str, pk: int) -> str:
    """What was typed in the field `prefix<pk>` of a refused form."""
    return str(posted.get(f"{prefix}{pk}", ""))
