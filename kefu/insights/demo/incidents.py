"""The demo centre's major incidents (issue 21 point 6). Earlier today, a feeder fault
in 栖霞区 that forty customers reported in the app and on WeChat within an hour, handled
once: opened by the team leader, the callers attached by the agents (the orders opened
on them became child orders), the one order to 抢修 taken and returned, the incident
closed with one reply sent by text message to every caller. And `kefu demo incident`
(`incident_now`): a burst of fault reports in 江宁区 now, the incident opened and the
leaders and the department on duty alerted, for the demo to go on from there.

The steps go through the services, backdated where the demo's history lies in the past."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.contacts.models import CallReason, Channel, Contact, Direction
from kefu.core.models import OrgUnit, Region, User
from kefu.customers.models import Customer
from kefu.insights.models import Incident, IncidentContact, IncidentOrder
from kefu.insights.services import incidents as services
from kefu.insights.services.detection import detect_centre
from kefu.satisfaction.models import Message, MessageState
from kefu.tickets.models import Kind
from kefu.tickets.services import ActionInput, ticket_act, ticket_create

SEED = 95598 + 21
HISTORY_TITLE = "栖霞区10千伏迈皋桥线跳闸停电"
HISTORY_SCRIPT = (
    "您好，栖霞区迈皋桥一带因10千伏线路故障停电，抢修人员已赶赴现场，预计两小时内恢复供电，"
    "给您带来不便敬请谅解。"
)
HISTORY_REPLY = "【国网南京供电】迈皋桥一带10千伏线路故障已抢修完毕，已恢复供电。感谢您的耐心等待。"
LIVE_TITLE = "江宁区东山街道大面积停电"
LIVE_SCRIPT = (
    "您好，江宁区东山街道部分小区因线路故障停电，抢修人员正在处理，恢复时间另行通知，"
    "请勿靠近断落的电线。"
)


@dataclass(frozen=True)
class _Cast:
    leader: User
    agents: list[User]
    handler: User | None
    department: OrgUnit
    reason: CallReason | None


def _cast(centre: OrgUnit) -> _Cast | None:
    leader = User.objects.filter(centre=centre, username="leader").first()
    department = OrgUnit.objects.filter(
        parent=centre, kind=OrgUnit.Kind.DEPARTMENT, code="repair"
    ).first()
    agents = list(
        User.objects.filter(centre=centre, groups__name="agent", is_active=True).order_by(
            "username"
        )[:8]
    )
    if leader is None or department is None or not agents:
        return None
    return _Cast(
        leader=leader,
        agents=agents,
        handler=User.objects.filter(department=department, groups__name="handler").first(),
        department=department,
        reason=CallReason.objects.filter(
            centre=centre, code="power_outage", dimension=CallReason.Dimension.SERVICE_CONTENT
        )
        .select_related("parent")
        .first(),
    )


def _burst(
    centre: OrgUnit,
    cast: _Cast,
    region: Region,
    *,
    start: datetime,
    minutes: int,
    count: int,
    rng: random.Random,
) -> list[Contact]:
    """`count` fault reports (app, WeChat) from the region's customers within `minutes`
    of `start`."""
    customers = list(
        Customer.objects.filter(centre=centre, region=region, anonymised_at__isnull=True)
        .prefetch_related("phones")
        .order_by("pk")[: count * 2]
    )
    rng.shuffle(customers)
    reason = cast.reason
    contacts = []
    for n, customer in enumerate(customers[:count]):
        started = start + timedelta(seconds=rng.randint(0, minutes * 60))
        phones = list(customer.phones.all())
        contacts.append(
            Contact(
                centre=centre,
                # Reported in the app and on WeChat (网上国网): the demo's hotline contacts
                # are each one of the telephony's answered calls, which this burst has not.
                channel=Channel.APP if n % 2 else Channel.WECHAT,
                direction=Direction.INBOUND,
                caller_number=phones[0].number if phones else "",
                customer=customer,
                agent=cast.agents[n % len(cast.agents)],
                started_at=started,
                ended_at=started + timedelta(seconds=rng.randint(60, 180)),
                region=region,
                business_type=reason.parent if reason else None,
                service_content=reason,
                summary="家中突然停电，邻居家也没电，询问何时恢复。",
                settled=n % 4 != 0,
            )
        )
    return Contact.objects.bulk_create(contacts)


def _orders(cast: _Cast, contacts: list[Contact]) -> None:
    """A quarter of the callers had a repair order opened on their call."""
    for contact in contacts:
        if not contact.settled and contact.customer_id is not None and contact.agent:
            ticket_create(
                actor=contact.agent,
                customer_id=contact.customer_id,
                kind=Kind.FAULT,
                title="家中突然停电",
                description=contact.summary,
                category=cast.reason.code if cast.reason else None,
                contact_id=contact.pk,
                created_at=min(contact.started_at + timedelta(minutes=2), timezone.now()),
            )


@transaction.atomic
def load_incidents(centre: OrgUnit) -> None:
    """Today's closed incident (once: a second load changes nothing)."""
    if Incident.objects.filter(centre=centre, title=HISTORY_TITLE).exists():
        return
    cast = _cast(centre)
    region = Region.objects.filter(code="320113").first()  # 栖霞区
    if cast is None or region is None:
        return
    rng = random.Random(SEED)  # noqa: S311 - demo data, nothing secret
    now = timezone.now()
    opened = now - timedelta(hours=6)
    contacts = _burst(
        centre, cast, region, start=opened - timedelta(minutes=20), minutes=75, count=40, rng=rng
    )
    if not contacts:  # a demo without customers in the district has no incident to tell
        return
    _orders(cast, contacts)
    incident = services.incident_open_by_hand(
        actor=cast.leader,
        region_id=region.pk,
        reason_id=cast.reason.pk if cast.reason else None,
        title=HISTORY_TITLE,
        script=HISTORY_SCRIPT,
        department_id=cast.department.pk,
        at=opened,
    )
    for contact in sorted(contacts, key=lambda c: c.started_at):
        services.incident_contact_attach(
            actor=contact.agent or cast.leader,
            incident=incident,
            contact_id=contact.pk,
            at=max(contact.started_at, opened) + timedelta(minutes=3),
        )
    incident.refresh_from_db()
    incident = services.incident_dispatch(
        actor=cast.leader,
        incident=incident,
        version=incident.version,
        at=opened + timedelta(minutes=5),
    )
    order = incident.order
    if cast.handler is not None and order is not None:
        order = ticket_act(
            actor=cast.handler,
            number=order.number,
            action="take",
            version=order.version,
            at=opened + timedelta(minutes=12),
        )
        ticket_act(
            actor=cast.handler,
            number=order.number,
            action="return",
            version=order.version,
            fields=ActionInput(result="迈皋桥10千伏线路故障点已隔离，更换故障绝缘子，已恢复送电。"),
            at=opened + timedelta(hours=2, minutes=40),
        )
    closed_at = opened + timedelta(hours=3)
    services.incident_close(
        actor=cast.leader,
        incident=incident,
        version=incident.version,
        reply=HISTORY_REPLY,
        at=closed_at,
    )
    # The gateway took the messages as they were written: the reply was sent.
    Message.objects.filter(
        centre=centre, key__startswith=f"incident:{incident.pk}:", state=MessageState.QUEUED
    ).update(
        state=MessageState.DELIVERED,
        sent_at=closed_at + timedelta(seconds=30),
        delivered_at=closed_at + timedelta(minutes=1),
        attempts=1,
    )


@dataclass(frozen=True)
class LiveIncident:
    incident: Incident
    contacts: int
    orders: int


@transaction.atomic
def incident_now(centre: OrgUnit, *, count: int = 30) -> LiveIncident | None:
    """A burst of fault reports in 江宁区 in the last quarter hour, the incident opened on it
    by the spike detection (the worker's own run, `detection.detect_centre`) with the
    leaders and the department on duty alerted, and the burst's calls attached; where the
    detection finds no spike (an incident of the scope open already, or rules set higher),
    the leader opens it by hand. None when the demo centre is not loaded."""
    cast = _cast(centre)
    region = Region.objects.filter(code="320115").first()  # 江宁区
    if cast is None or region is None:
        return None
    now = timezone.now()
    rng = random.Random()  # noqa: S311 - demo data, nothing secret
    contacts = _burst(
        centre, cast, region, start=now - timedelta(minutes=14), minutes=13, count=count, rng=rng
    )
    if not contacts:
        return None
    _orders(cast, contacts)
    found = [
        incident for incident in detect_centre(centre, now=now) if incident.region_id == region.pk
    ]
    incident = found[0] if found else None
    if incident is None:
        incident = services.incident_open_by_hand(
            actor=cast.leader,
            region_id=region.pk,
            reason_id=cast.reason.pk if cast.reason else None,
            title=LIVE_TITLE,
            script=LIVE_SCRIPT,
            department_id=cast.department.pk,
        )
    for contact in contacts:
        services.incident_contact_attach(
            actor=contact.agent or cast.leader, incident=incident, contact_id=contact.pk
        )
    return LiveIncident(
        incident,
        IncidentContact.objects.filter(incident=incident).count(),
        IncidentOrder.objects.filter(incident=incident).count(),
    )
