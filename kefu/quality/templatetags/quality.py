"""The quality pages' tab strip: the tabs the user's role may open, the current one
marked; and how a monitoring score's interval is written."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from kefu.core.navigation import tab_strip
from kefu.quality.navigation import TABS
from kefu.quality.stats import Estimate

register = template.Library()


@register.simple_tag(takes_context=True)
def quality_tabs(context: Any) -> SafeString:
    return tab_strip(TABS, context["request"])


@register.filter
def plus_minus(estimate: Estimate) -> str:
    """± the interval's half-width, one decimal; empty without an interval."""
    half = estimate.half_width
    return "" if half is None else f"± {half:.1f}"


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]`` in a template (a label of a code)."""
    return mapping.get(key, "")
