"""Contact notes as agents write them (pure, no database): the demo's and the benchmark's
(bench/insights.py) corpus of call reasons. See kefu/insights/demo/reasons.py for why."""

from __future__ import annotations

import random
import re

# Notes that say nothing of the reason: a real share of any centre's contacts.
_BARE_SETTLED = (
    "客户来电咨询，已解答。",
    "已向客户解释清楚，客户表示理解。",
    "客户询问相关情况，已答复。",
    "已按口径答复客户。",
    "客户来电，问题已当场解决。",
)
_BARE_ORDER = (
    "客户来电反映问题，已派单处理。",
    "已登记并转相关部门处理。",
    "客户要求尽快处理，已派单。",
)
_CLAUSE = re.compile(r"[^，。；！？]+[，。；！？]?")
_LEADS = ("客户来电反映", "客户来电称", "客户反映", "客户来电", "客户称", "客户")


def agent_note(rng: random.Random, summary: str, *, settled: bool) -> str:
    """The note as an agent in a hurry may write it: whole (about half), its first clauses,
    some clauses dropped, the lead words cut, or bare (one in fourteen)."""
    draw = rng.random()
    if draw < 0.07:
        return rng.choice(_BARE_SETTLED if settled else _BARE_ORDER)
    if draw < 0.5:
        return summary
    clauses = [c for c in _CLAUSE.findall(summary) if c.strip()]
    if draw < 0.7:
        kept = clauses[: rng.randint(1, 2)]
    else:
        kept = [c for c in clauses if rng.random() < 0.5] or [rng.choice(clauses)]
    text = "".join(kept)
    for lead in _LEADS:
        if text.startswith(lead) and rng.random() < 0.6:
            text = text.removeprefix(lead)
            break
    text = text.rstrip("，；、 ")
    if text and text[-1] not in "。！？":
        text += "。"
    return text or summary
