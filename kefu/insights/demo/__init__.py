"""The demo centre's insights (issue 21). Called by kefu/demo.py once the contacts, work
orders, quality and satisfaction are loaded."""

from __future__ import annotations

from kefu.core.models import OrgUnit
from kefu.insights.demo.incidents import incident_now, load_incidents
from kefu.insights.demo.repeats import load_repeats

__all__ = ["incident_now", "load_incidents", "load_insights"]


def load_insights(centre: OrgUnit) -> None:
    load_repeats(centre)
