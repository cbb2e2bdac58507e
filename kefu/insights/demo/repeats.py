"""The demo's repeats, duplicates and risky orders (issue 21 point 4), their contacts
by the app (the demo's hotline contacts are the telephony's answered calls): every demo contact
marked with the contact it repeats (the backfill), a few callers who call again today on
yesterday's reason, an order opened again on a customer's open order (a likely duplicate,
offered for merge on its page), a few orders urged by angry customers, and the risk of
every open order scored. Through the services, so the marks and scores are the product's.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from kefu.contacts.models import Channel, Contact
from kefu.contacts.services import contact_create, contact_repeats_mark
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Tag
from kefu.insights.services.risk import risks_refresh
from kefu.tickets.lifecycle import Action, State
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_act, ticket_create

#: Said by the callers who call again, settled by telling them where their matter stands.
AGAIN = (
    "客户再次来电，称问题仍未解决，已经第三次打电话了，再不处理就投诉到12398；"
    "已告知处理进度并安抚。"
)
DUPLICATE_NOTE = "客户通过网上营业厅再次提交同一诉求，要求尽快处理。"


def load_repeats(centre: OrgUnit) -> None:
    if Contact.objects.filter(centre=centre, summary=AGAIN).exists():
        return  # loaded before
    contact_repeats_mark(centre=centre)
    agent = User.objects.get(username="agent")
    now = timezone.now()
    _callers_again(centre, agent, now)
    _duplicate(centre, agent, now)
    _urged(centre, agent, now)
    risks_refresh(centre=centre)


def _callers_again(centre: OrgUnit, agent: User, now: datetime) -> None:
    """Three customers who called yesterday call again today on the same reason."""
    yesterday = Contact.objects.filter(
        centre=centre,
        customer__isnull=False,
        service_content__isnull=False,
        started_at__gte=now - timedelta(days=2),
        started_at__lt=now - timedelta(days=1),
    ).select_related("service_content", "business_type", "region")
    seen: set[int] = set()
    for contact in yesterday.order_by("-started_at")[:40]:
        if contact.customer_id in seen or contact.service_content is None:
            continue
        seen.add(contact.customer_id)  # type: ignore[arg-type]
        contact_create(
            actor=agent,
            channel=Channel.APP,
            started_at=now - timedelta(hours=len(seen)),
            ended_at=now - timedelta(hours=len(seen)) + timedelta(minutes=4),
            caller_number=contact.caller_number,
            customer_id=contact.customer_id,
            region=contact.region.code if contact.region else None,
            business_type=contact.business_type.code if contact.business_type else None,
            service_content=contact.service_content.code,
            summary=AGAIN,
            settled=True,
        )
        if len(seen) == 3:
            break


def _duplicate(centre: OrgUnit, agent: User, now: datetime) -> None:
    """The same customer's request opened a second time (sent again from the online
    service hall), while the first is still under review: its page offers the first for
    merge."""
    first = (
        Ticket.objects.filter(centre=centre, state=State.ACCEPTED, category__isnull=False)
        .select_related("category")
        .order_by("-created_at")
        .first()
    )
    if first is None or first.category is None:
        return
    ticket_create(
        actor=agent,
        customer_id=first.customer_id,
        kind=first.kind,
        title=first.title,
        description=f"{first.description}\n{DUPLICATE_NOTE}".strip(),
        category=first.category.code,
        created_at=now - timedelta(minutes=20),
    )


def _urged(centre: OrgUnit, agent: User, now: datetime) -> None:
    """Three orders in the departments' hands chased by their customers: the first's
    customer is on the dissatisfied tag, the second's called twice more on the order's
    reason (repeat contacts), the third only urged: two risky orders and one below."""
    tag = Tag.objects.filter(code=Tag.DISSATISFIED).first()
    orders = list(
        Ticket.objects.filter(
            centre=centre, state__in=[State.DISPATCHED, State.HANDLING], urge_count=0
        )
        .select_related("customer", "category")
        .order_by("stage_due_at")[:3]
    )
    for position, order in enumerate(orders):
        for _urge in range(3 if position == 1 else 2):
            order = ticket_act(
                actor=agent, number=order.number, action=Action.URGE, version=order.version
            )
        if position == 0 and tag is not None:
            order.customer.tags.add(tag)
        if position == 1 and order.category is not None:
            for hours in (5, 3):
                contact_create(
                    actor=agent,
                    channel=Channel.APP,
                    started_at=now - timedelta(hours=hours),
                    ended_at=now - timedelta(hours=hours) + timedelta(minutes=3),
                    customer_id=order.customer_id,
                    service_content=order.category.code,
                    summary=AGAIN,
                    settled=True,
                )
