"""The stored escalation risk of open orders (升级风险, issue 21 point 4).

The score is computed by insights (`kefu.insights.risk`, which reads satisfaction's
dissatisfied list and quality's transcripts, above tickets) and written here. It is a
reading of the order, not a step of it: no event, and the version is not bumped, so an
agent's or a handler's step in flight is never refused because the score moved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from kefu.tickets.models import OPEN, Ticket

#: The reason codes a risk may carry, with what each records beside its points.
RISK_REASON_CODES = frozenset({"urges", "repeats", "anger", "tier", "dissatisfied", "reopened"})


@transaction.atomic
def ticket_risks_set(*, scores: Mapping[int, tuple[int, list[dict[str, Any]]]]) -> int:
    """Store each open order's score and reasons ({ticket id: (score, reasons)}); an order
    closed meanwhile is left alone. Returns how many rows changed."""
    changed = []
    current = Ticket.objects.filter(OPEN, pk__in=list(scores)).values_list(
        "pk", "escalation_risk", "risk_reasons"
    )
    for pk, score, reasons in current:
        new_score, new_reasons = scores[pk]
        for reason in new_reasons:
            if reason.get("code") not in RISK_REASON_CODES:
                raise ValueError(f"unknown risk reason {reason!r}")
        if not 0 <= new_score <= 100:
            raise ValueError(f"a risk is from 0 to 100, not {new_score}")
        if (score, reasons) != (new_score, new_reasons):
            changed.append(Ticket(pk=pk, escalation_risk=new_score, risk_reasons=new_reasons))
    Ticket.objects.bulk_update(changed, ["escalation_risk", "risk_reasons"], batch_size=500)
    return len(changed)
