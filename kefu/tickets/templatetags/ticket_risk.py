"""How an order's escalation risk reasons read in templates."""

from __future__ import annotations

from typing import Any

from django import template

from kefu.tickets.risk_reasons import reason_text

register = template.Library()


@register.filter
def risk_reasons(reasons: list[dict[str, Any]] | None) -> list[str]:
    return [reason_text(reason) for reason in reasons or []]
