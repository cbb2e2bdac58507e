"""Escalation risk of the open orders (升级风险, issue 21 point 4): the inputs read from
every app that holds one (the order's urges and reopenings, the customer's repeat contacts
on the order's reason, the texts of the order, its contacts and their QA transcripts, the
customer's tier, the dissatisfied list and tag), scored by `kefu.insights.risk` and stored
on the orders by `tickets.services.ticket_risks_set`.

The inputs change in apps below insights (an urge in tickets, a contact in contacts, an
entry on the dissatisfied list in satisfaction), which may not call up to it; the worker
sweeps every open order every few minutes (`kefu.insights.tasks.risk_sweep`), and a
leader can sweep at once from the risk page or the API.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import F

from kefu.contacts.models import Contact
from kefu.contacts.repeats import LOOKBACK
from kefu.core.errors import Forbidden
from kefu.core.models import OrgUnit, User
from kefu.core.roles import VIEW_REPORTS
from kefu.customers.models import Customer, Tag
from kefu.insights.risk import Inputs, score
from kefu.metrics.queries import rules_of
from kefu.quality.models import Transcript
from kefu.satisfaction.models import DissatisfiedEntry
from kefu.tickets.models import OPEN, Ticket
from kefu.tickets.services import ticket_risks_set

#: Orders scored per round of queries.
BATCH = 500
#: Characters of a transcript's customer side read per contact.
TRANSCRIPT_CHARS = 4000


def _inputs(tickets: Sequence[Mapping[str, Any]], window: dt.timedelta) -> dict[int, Inputs]:
    """The scoring inputs of a batch of open orders (rows of `Ticket.values`)."""
    ids = [row["id"] for row in tickets]
    customers = {row["customer_id"] for row in tickets}
    tagged = set(
        Customer.objects.filter(pk__in=customers, tags__code=Tag.DISSATISFIED).values_list(
            "pk", flat=True
        )
    )
    listed = set(
        DissatisfiedEntry.objects.filter(
            customer_id__in=customers, exited_at__isnull=True
        ).values_list("customer_id", flat=True)
    )
    since = min(row["created_at"] for row in tickets) - window
    repeats: dict[tuple[int, int], list[dt.datetime]] = defaultdict(list)
    for customer, reason, at in (
        Contact.objects.filter(
            customer_id__in=customers,
            started_at__gte=since,
            repeat_of__isnull=False,
            repeat_of__started_at__gte=F("started_at") - window,
        )
        .values_list("customer_id", "service_content_id", "started_at")
        .order_by()
    ):
        repeats[(customer, reason)].append(at)
    texts: dict[int, list[str]] = defaultdict(list)
    contact_of: dict[int, list[int]] = defaultdict(list)
    through = Ticket.contacts.through
    for ticket_id, contact_id, summary in through.objects.filter(ticket_id__in=ids).values_list(
        "ticket_id", "contact_id", "contact__summary"
    ):
        texts[ticket_id].append(summary)
        contact_of[contact_id].append(ticket_id)
    for contact_id, sentences in Transcript.objects.filter(
        contact_id__in=list(contact_of)
    ).values_list("contact_id", "sentences"):
        # The customer's words: the agent's own (赔偿 in an apology) say nothing of anger.
        said = " ".join(
            str(sentence.get("text", ""))
            for sentence in (sentences or {}).get("sentences", [])
            if sentence.get("speaker") != "agent"
        )[:TRANSCRIPT_CHARS]
        for ticket_id in contact_of[contact_id]:
            texts[ticket_id].append(said)
    found = {}
    for row in tickets:
        # Repeats on the order's reason from the window before it was opened on.
        start = row["created_at"] - window
        on_reason = repeats.get((row["customer_id"], row["category_id"]), [])
        found[row["id"]] = Inputs(
            urges=row["urge_count"],
            repeats=sum(1 for at in on_reason if at >= start),
            reopens=row["reopen_count"],
            texts=[row["title"], row["description"], *texts[row["id"]]],
            tier=row["customer__tier"],
            dissatisfied=row["customer_id"] in tagged or row["customer_id"] in listed,
        )
    return found


def risks_refresh(*, centre: OrgUnit, numbers: Sequence[str] | None = None) -> int:
    """Score the centre's open orders (or those numbered) and store the scores; returns how
    many changed. A system task: the worker runs it, and `risk_sweep_now` for a leader."""
    window = min(dt.timedelta(days=rules_of(centre).fcr_window_days), LOOKBACK)
    tickets = Ticket.objects.filter(OPEN, centre=centre)
    if numbers is not None:
        tickets = tickets.filter(number__in=list(numbers))
    rows = list(
        tickets.values(
            "id",
            "customer_id",
            "category_id",
            "title",
            "description",
            "urge_count",
            "reopen_count",
            "created_at",
            "customer__tier",
        ).order_by("id")
    )
    changed = 0
    for first in range(0, len(rows), BATCH):
        batch = rows[first : first + BATCH]
        inputs = _inputs(batch, window)
        scored = {pk: score(found) for pk, found in inputs.items()}
        changed += ticket_risks_set(
            scores={pk: (risk.score, risk.reasons) for pk, risk in scored.items()}
        )
    return changed


def risk_sweep_now(*, actor: User) -> int:
    """A leader's sweep of their centre at once, without waiting for the worker."""
    if not actor.has_perm(VIEW_REPORTS) or actor.centre is None:
        raise Forbidden()
    return risks_refresh(centre=actor.centre)


def risk_sweep() -> int:
    """Every centre's open orders: what the worker runs."""
    return sum(
        risks_refresh(centre=centre)
        for centre in OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE, active=True)
    )
