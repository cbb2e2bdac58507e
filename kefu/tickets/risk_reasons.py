"""How an order's escalation risk reasons read (升级风险, issue 21 point 4): one sentence
per stored reason (`Ticket.risk_reasons`), on the order's page, in the queues and in the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kefu.customers.models import Tier


def reason_text(reason: dict[str, Any]) -> str:
    """One stored reason (`Ticket.risk_reasons`) as a sentence, with its points."""
    code, count = reason.get("code"), int(reason.get("count") or 0)
    if code == "urges":
        text = ngettext("Urged %(n)d time", "Urged %(n)d times", count) % {"n": count}
    elif code == "repeats":
        text = ngettext(
            "%(n)d repeat contact on the same reason",
            "%(n)d repeat contacts on the same reason",
            count,
        ) % {"n": count}
    elif code == "anger":
        text = _("Angry words: %(words)s") % {"words": "、".join(reason.get("words", []))}
    elif code == "tier":
        tier = str(reason.get("tier", ""))
        label = Tier(tier).label if tier in Tier.values else tier
        text = _("Customer tier: %(tier)s") % {"tier": label}
    elif code == "dissatisfied":
        text = _("On the dissatisfied list")
    elif code == "reopened":
        text = ngettext("Reopened %(n)d time", "Reopened %(n)d times", count) % {"n": count}
    else:
        text = str(code)
    return _("%(text)s (+%(points)d)") % {"text": text, "points": int(reason.get("points", 0))}
