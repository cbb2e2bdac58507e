"""The quality-indicator library's catalogue (issue 20 point 5; seed 004 6、全面质量控制:
"建好产品质量指标库"): every indicator kefu computes, read from kefu.metrics' own standards
(names, definitions, units, targets: not rewritten here), with which way each is better,
and the indicators 004 names that kefu does not compute yet, listed as such rather than
given invented figures. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kefu.metrics.standards import STANDARDS, Direction, Group, Standard, Target

# Which way is better for the computed indicators that carry no default target: the
# target, where there is one, says it (`Target.direction`); these are the rest. A count of
# the work (calls offered, answered) or a share of it (settled on contact) has no better
# side, and an improvement project cannot be set on it.
BETTER_WITHOUT_TARGET: dict[str, Direction] = {
    "monitoring_score": Direction.HIGHER,
    "service_level_answered": Direction.HIGHER,
    "abandoned": Direction.LOWER,
    "exited": Direction.LOWER,
    "repeat_contact_rate": Direction.LOWER,
    "complaints_per_10k": Direction.LOWER,
    "escalated_complaints": Direction.LOWER,
}


@dataclass(frozen=True)
class Uncomputed:
    """An indicator seed 004 names that kefu has no data for yet."""

    code: str
    name: Promise
    seed_term: str  # 004's own words
    seed_part: str  # where in 004


# 004: 专题分析时间计划 (the six satisfaction themes), 3、解决焦点难点 (投诉一次性解决率),
# 5、强化服务支撑 (一线员工满意度), 6、全面质量控制 (产品和服务质量的合格率).
UNCOMPUTED: tuple[Uncomputed, ...] = (
    Uncomputed("overall_satisfaction", _("Overall satisfaction"), "整体满意度", "1-2月"),
    Uncomputed("network_satisfaction", _("Network satisfaction"), "网络满意度", "3-4月"),
    Uncomputed(
        "new_business_satisfaction", _("New-business satisfaction"), "新业务满意度", "5-6月"
    ),
    Uncomputed("promotion_satisfaction", _("Promotion satisfaction"), "促销活动满意度", "7-8月"),
    Uncomputed("hall_satisfaction", _("Service-hall satisfaction"), "营业厅满意度", "9-10月"),
    Uncomputed("hotline_satisfaction", _("Hotline satisfaction"), "热线满意度", "11-12月"),
    Uncomputed(
        "complaint_fcr",
        _("Complaint first-contact resolution"),
        "投诉一次性解决率",
        "3、解决焦点难点",
    ),
    Uncomputed(
        "staff_satisfaction",
        _("Front-line staff satisfaction"),
        "一线员工满意度",
        "5、强化服务支撑",
    ),
    Uncomputed(
        "quality_pass_rate",
        _("Product and service quality pass rate"),
        "产品和服务质量的合格率",
        "6、全面质量控制",
    ),
)

COMPUTED: dict[str, Standard] = {standard.code: standard for standard in STANDARDS}
UNCOMPUTED_BY_CODE: dict[str, Uncomputed] = {item.code: item for item in UNCOMPUTED}
CODES = frozenset(COMPUTED) | frozenset(UNCOMPUTED_BY_CODE)

# The groups whose figures come from the telephone roll-ups alone: their indicators are read
# without the contacts, work orders, rota and QA scores (adherence, of the agent group,
# needs the rota).
TELEPHONY_ONLY = frozenset({Group.QUEUE, Group.AGENT})


def better(code: str, target: Target | None) -> Direction | None:
    """Which way the indicator is better: as its target says, else as it is by nature;
    None for a count or share of the work that has no better side."""
    if target is not None:
        return target.direction
    return BETTER_WITHOUT_TARGET.get(code)


def needs_service(code: str) -> bool:
    standard = COMPUTED[code]
    return standard.group not in TELEPHONY_ONLY or code == "adherence"
