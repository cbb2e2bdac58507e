"""The demo centre's time-limit policies from the source documents, its dispatch rules and
its standard phrases."""

from __future__ import annotations

from typing import Any

from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit, WorkCalendar
from kefu.tickets import defaults
from kefu.tickets.defaults import CENTRE_CALENDAR, Phrase
from kefu.tickets.models import DispatchRule, TimeLimitPolicy
from kefu.tickets.services.phrases import standard_phrases_ensure

# (name, match, calendar, limits, callback required): the defaults every centre starts with
# (counted on working hours where the centre's own calendar is meant), and 002 第17篇 20's
# simple complaints (2 hours), which match the demo's own "service attitude" category.
POLICIES: list[tuple[str, dict[str, Any], str, dict[str, dict[str, str]], bool]] = [
    (
        policy.name,
        policy.match,
        "workhours" if policy.calendar == CENTRE_CALENDAR else policy.calendar,
        policy.limits,
        policy.callback_required,
    )
    for policy in defaults.POLICIES
]
POLICIES.insert(
    2,
    (
        "投诉（简单，2小时答复）",
        {"kind": "complaint", "category": "service_attitude"},
        "24x7",
        defaults.stage_limits(
            review=("PT15M", "PT10M"),
            take=("PT15M", "PT10M"),
            **{"return": ("PT1H", "PT45M")},
            verify=("PT10M", "PT5M"),
            reply=("PT10M", "PT5M"),
            answer=("PT2H", "PT1H30M"),
            callback=("PT24H", "PT20H"),
            overall=("PT26H", "PT24H"),
        ),
        True,
    ),
)

# business type → (work-order kind, department code or None for the centre itself)
ROUTES = {
    "fault_repair": ("fault", "repair"),
    "billing": ("query", "billing"),
    "connection": ("business", "marketing"),
    "metering": ("business", "metering"),
    "outage_info": ("query", None),
    "consultation": ("consultation", None),
    "complaint": ("complaint", "service"),
    "praise": ("praise", None),
    "suggestion": ("suggestion", "service"),
    "online_channel": ("help", None),
}
OPERATION_CONTENTS = {"tree_obstruction", "pole_tilt", "broken_line"}


# The power utility's own reply openings, beside the defaults every centre starts with.
PHRASES = [
    *defaults.REPLY_AND_CALLBACK,
    Phrase("reply", "fault", "您好，您报修的故障已处理：{result}。如再次出现停电，请拨打95598。"),
    Phrase("reply", "query", "您好，经查询，{result}。您也可以通过网上国网App随时查询。"),
]


def load_phrases() -> None:
    standard_phrases_ensure(actor=None, phrases=PHRASES)


def load_policies(centre: OrgUnit) -> None:
    calendars = {calendar.name: calendar for calendar in WorkCalendar.objects.all()}
    for name, match, calendar, limits, callback in POLICIES:
        category = None
        if "category" in match:
            category = CallReason.objects.get(centre=centre, code=match["category"])
        TimeLimitPolicy.objects.get_or_create(
            name=name,
            defaults={
                "kind": match.get("kind", ""),
                "tier": match.get("tier", ""),
                "category": category,
                "calendar": calendars[calendar],
                "limits": limits,
                "callback_required": callback,
                "expert_seat": match.get("expert_seat", False),
            },
        )
    if DispatchRule.objects.filter(department__parent=centre).exists():
        return
    departments = {unit.code: unit for unit in OrgUnit.objects.filter(parent=centre)}
    businesses = {
        reason.code: reason
        for reason in CallReason.objects.filter(
            centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE
        )
    }
    for position, (business, (_kind, department)) in enumerate(ROUTES.items()):
        if department is not None and business in businesses:
            DispatchRule.objects.create(
                category=businesses[business], department=departments[department], position=position
            )
    for content in sorted(OPERATION_CONTENTS):
        DispatchRule.objects.create(
            category=CallReason.objects.get(centre=centre, code=content),
            department=departments["operation"],
            position=0,
        )
    # 002 第17篇 18-19: complaints about a staff member's attitude go to the team leaders.
    attitude = CallReason.objects.filter(centre=centre, code="service_attitude").first()
    if attitude is not None:
        DispatchRule.objects.create(category=attitude, to_leaders=True, position=0)
