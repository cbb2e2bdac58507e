"""The catalogue of the centre's indicators: what each one means, the range it should stay in
and what a manager does when it leaves that range. Pure: the computations produce numbers
under these codes, and reports read names, targets and actions from here.

Sources. The first 23 are the contact-centre standards of Prof. Jon Anton of Purdue
University (琼·安顿) as the seed text "客户服务中心标准" (002 第7篇) gives them, in its
order, with its formulas, industry figures and recommended ranges; the rings are judged by
the duty rules' "电话铃响3声内接听" (002 第15篇). The service-management indicators after
them come from a centre's annual plan (003: 万客户投诉量, 升级投诉, 满意度) and from kefu's
work-order process. Every standard names its source (`seed`, `seed_term`: the seed's own
name for it) and every default target the seed's words it follows (`target_basis`) or, for
kefu's own defaults, says so (`target_note`). A centre can override any target.

One definition, one name: no two standards share a name, and figures that look alike but
count different things (一次解决率, 即时办结率, 重复来电率) are named apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kefu.metrics.standards.model import (
    SEED_SECTIONS,
    Direction,
    Group,
    Standard,
    Status,
    Target,
    Unit,
    status,
)
from kefu.metrics.standards.seed import SEED_STANDARDS
from kefu.metrics.standards.service import QUEUE_FIGURES, SERVICE_STANDARDS, VARIANTS

STANDARDS: tuple[Standard, ...] = SEED_STANDARDS + VARIANTS + SERVICE_STANDARDS + QUEUE_FIGURES
BY_CODE: Mapping[str, Standard] = MappingProxyType({s.code: s for s in STANDARDS})

__all__ = [
    "BY_CODE",
    "SEED_SECTIONS",
    "STANDARDS",
    "Direction",
    "Group",
    "Standard",
    "Status",
    "Target",
    "Unit",
    "status",
]
