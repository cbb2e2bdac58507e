"""Handling a major incident (issue 21 point 1; seed 000 第8篇 instant feedback of mass
faults): opened by hand by a leader, its script published as an unplanned-outage notice
that agents see at screen pop, callers and their orders attached, one order to the
department on duty, the instant report to the departments, and the close: one reply by
text message to every affected customer and every child order closed with it; or
dismissed as a false alarm, which closes nothing.

Every change checks the actor, runs in one transaction and guards against a concurrent
writer with the incident's version. `at` backdates a step (the demo's history, an
import), never into the future."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.models import CallReason, Contact
from kefu.contacts.queries import contacts_visible_to
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import OrgUnit, Region, User
from kefu.core.queries import department_in_centre, on_duty, require_centre
from kefu.core.roles import BACKOFFICE, HANDLER, LEADER, MANAGER
from kefu.core.services import notify
from kefu.core.services.audit import audit_record
from kefu.customers.models import Customer, CustomerPhone, PhoneKind
from kefu.insights import incident_report
from kefu.insights.models import (
    Incident,
    IncidentContact,
    IncidentOrder,
    IncidentOrigin,
    IncidentState,
)
from kefu.insights.queries import incidents as queries
from kefu.satisfaction.models import Channel, NoticeKind, NoticeState, Purpose
from kefu.satisfaction.models.notices import Notice
from kefu.satisfaction.services.outbound import Outgoing, messages_enqueue_many
from kefu.tickets.models import Ticket
from kefu.tickets.services.grouped import (
    ticket_close_grouped,
    ticket_open_check,
    ticket_open_grouped,
)

#: The notice that carries the script runs this long from the opening (moved to the
#: close when the incident closes: agents see it a few more hours, with the reply).
NOTICE_RUNS = dt.timedelta(hours=24)
#: An SMS reply fits in two messages.
REPLY_MAX = 300


def _require_manage(actor: User) -> None:
    if not queries.may_manage(actor):
        raise Forbidden()


def _lock(incident: Incident, version: int | None) -> Incident:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if version is not None and locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    return locked


def _open_only(incident: Incident) -> None:
    if incident.state != IncidentState.OPEN:
        raise Conflict(_("This incident is no longer open."), code="incident_not_open")


def _bump(incident: Incident, fields: list[str]) -> None:
    incident.version += 1
    incident.save(update_fields=[*fields, "version"])


def _text(value: str, field: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise Invalid(_("This field is required."), code="field_required", detail={"field": field})
    if len(value) > limit:
        raise Invalid(
            _("At most %(n)s characters.") % {"n": limit},
            code="too_long",
            detail={"field": field},
        )
    return value


def _department(centre_id: int, department_id: int | None) -> OrgUnit | None:
    if department_id is None:
        return None
    return department_in_centre(centre_id, department_id, "department_id")


def notice_publish_for(incident: Incident, actor: User, now: dt.datetime) -> Notice:
    """The unplanned-outage notice agents see at screen pop for callers of the region.
    Written here, not by the notices' editors: opening the incident is its publication."""
    notice = Notice.objects.create(
        centre_id=incident.centre_id,
        kind=NoticeKind.UNPLANNED_OUTAGE,
        title=incident.title,
        text=incident.script,
        starts_at=now,
        ends_at=now + NOTICE_RUNS,
        state=NoticeState.PUBLISHED,
        created_by=actor,
        published_by=actor,
        published_at=now,
    )
    if incident.region_id is not None:
        notice.regions.set([incident.region_id])
    return notice


def people_on_duty(centre_id: int, department_id: int | None, now: dt.datetime) -> list[User]:
    """The centre's team leaders, managers and back office on duty (`core.queries.on_duty`,
    role by role, so the alert is never unheard) and the handlers of the department on
    duty for the region."""
    people: list[User] = []
    for role in (LEADER, MANAGER, BACKOFFICE):
        people += on_duty(
            User.objects.filter(groups__name=role, centre_id=centre_id, is_active=True), now
        )
    if department_id is not None:
        people += list(
            User.objects.filter(
                groups__name=HANDLER, department_id=department_id, is_active=True
            ).order_by("pk")
        )
    return people


def incident_alert(incident: Incident, now: dt.datetime | None = None) -> None:
    """Tell the people on duty (`people_on_duty`), now and by SMS once the transaction
    commits; once per incident whoever opens it."""
    notify(
        recipients=people_on_duty(
            incident.centre_id, incident.department_id, now or timezone.now()
        ),
        kind="insights.incident",
        title=f"{_('Major incident')}: {incident.title}",
        body=incident.script,
        link=f"/insights/incidents/{incident.pk}/",
        sms=True,
        key=f"insights.incident:{incident.pk}",
    )


@transaction.atomic
def incident_open_by_hand(
    *,
    actor: User,
    region_id: int,
    reason_id: int | None,
    title: str,
    script: str,
    department_id: int | None = None,
    at: dt.datetime | None = None,
) -> Incident:
    """A leader opens an incident (a feeder they know has tripped, before the calls come):
    the script is published at once as an unplanned-outage notice for the region, and the
    leaders and the department on duty are alerted."""
    _require_manage(actor)
    centre_id = require_centre(actor)
    title = _text(title, "title", 100)
    script = _text(script, "script", 1000)
    region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise Invalid(_("Unknown region."), code="region_unknown", detail={"field": "region_id"})
    if (
        reason_id is not None
        and not CallReason.objects.filter(pk=reason_id, centre_id=centre_id).exists()
    ):
        raise Invalid(
            _("Unknown call reason."), code="reason_unknown", detail={"field": "reason_id"}
        )
    department = _department(centre_id, department_id)
    now = min(at, timezone.now()) if at is not None else timezone.now()
    # One open incident per region and reason (found by the detection or opened by
    # another leader): its callers are attached to it, not to a second one.
    already = _("An incident of this region and call reason is open already.")
    if (
        reason_id is not None
        and Incident.objects.filter(
            centre_id=centre_id, region=region, reason_id=reason_id, state=IncidentState.OPEN
        ).exists()
    ):
        raise Conflict(already, code="incident_open_already")
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                centre_id=centre_id,
                title=title,
                origin=IncidentOrigin.MANUAL,
                region=region,
                reason_id=reason_id,
                opened_at=now,
                opened_by=actor,
                department=department,
                script=script,
            )
    except IntegrityError:  # opened meanwhile
        raise Conflict(already, code="incident_open_already") from None
    incident.notice = notice_publish_for(incident, actor, now)
    incident.save(update_fields=["notice"])
    audit_record(actor=actor, action="insights.incident_open", obj=incident)
    incident_alert(incident, now)
    return incident


@transaction.atomic
def incident_change(
    *,
    actor: User,
    incident: Incident,
    version: int,
    title: str,
    script: str,
    department_id: int | None,
) -> Incident:
    """Correct the title, the script (the notice agents read changes with it) or the
    department on duty while the incident is open."""
    _require_manage(actor)
    incident = _lock(incident, version)
    _open_only(incident)
    before = {"title": incident.title, "script": incident.script}
    incident.title = _text(title, "title", 100)
    incident.script = _text(script, "script", 1000)
    department = _department(incident.centre_id, department_id)
    if incident.order_id is not None and department_id != incident.department_id:
        raise Conflict(
            _("The work order is with the department already."), code="incident_dispatched"
        )
    incident.department = department
    _bump(incident, ["title", "script", "department"])
    if incident.notice_id is not None:
        Notice.objects.filter(pk=incident.notice_id).update(
            title=incident.title, text=incident.script
        )
    else:  # a detected incident: the leader's first word publishes the notice
        incident.notice = notice_publish_for(incident, actor, timezone.now())
        incident.save(update_fields=["notice"])
    audit_record(
        actor=actor,
        action="insights.incident_change",
        obj=incident,
        before=before,
        after={"title": incident.title, "script": incident.script},
    )
    return incident


def _order_add(incident: Incident, ticket: Ticket, now: dt.datetime) -> bool:
    """Make `ticket` a child order; False when it is one (of this incident) already."""
    if ticket.pk == incident.order_id:
        return False
    existing = IncidentOrder.objects.filter(ticket=ticket).first()
    if existing is not None:
        if existing.incident_id != incident.pk:
            raise Conflict(
                _("This work order belongs to another incident."), code="order_in_other_incident"
            )
        return False
    IncidentOrder.objects.create(incident=incident, ticket=ticket, attached_at=now)
    return True


@transaction.atomic
def incident_contact_attach(
    *, actor: User, incident: Incident, contact_id: int, at: dt.datetime | None = None
) -> IncidentContact:
    """An agent attaches the caller's contact (one click on the workbench); the open
    orders opened on it become child orders. Attaching it again changes nothing."""
    if not queries.may_view(actor):
        raise Forbidden()
    incident = _lock(incident, None)
    _open_only(incident)
    contact = contacts_visible_to(actor).filter(pk=contact_id, centre_id=incident.centre_id).first()
    if contact is None:
        raise Invalid(_("Unknown contact."), code="contact_unknown", detail={"field": "contact_id"})
    existing = IncidentContact.objects.filter(contact=contact).first()
    if existing is not None:
        if existing.incident_id != incident.pk:
            raise Conflict(
                _("This contact belongs to another incident."), code="contact_in_other_incident"
            )
        return existing
    now = min(at, timezone.now()) if at is not None else timezone.now()
    try:
        with transaction.atomic():
            row = IncidentContact.objects.create(
                incident=incident, contact=contact, attached_at=now, attached_by=actor
            )
    except IntegrityError as error:  # the same contact attached at the same moment
        raise Conflict(code="contact_attached") from error
    for ticket in queries.open_orders_on(contact).select_for_update(of=("self",)):
        _order_add(incident, ticket, now)
    _bump(incident, [])
    return row


@transaction.atomic
def incident_order_attach(*, actor: User, incident: Incident, number: str) -> IncidentOrder:
    """An existing open order of an affected customer becomes a child order."""
    _require_manage(actor)
    incident = _lock(incident, None)
    _open_only(incident)
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .filter(number=number.strip(), centre_id=incident.centre_id)
        .first()
    )
    if ticket is None:
        raise Invalid(_("Unknown work order."), code="ticket_unknown", detail={"field": "number"})
    ticket_open_check(ticket)
    if ticket.pk == incident.order_id:
        raise Invalid(
            _("This is the incident's own work order."),
            code="incident_own_order",
            detail={"field": "number"},
        )
    _order_add(incident, ticket, timezone.now())
    _bump(incident, [])
    return IncidentOrder.objects.get(ticket=ticket)


def _first_customer(incident: Incident) -> Customer | None:
    row = (
        IncidentContact.objects.filter(incident=incident, contact__customer__isnull=False)
        .select_related("contact__customer")
        .order_by("attached_at", "pk")
        .first()
    )
    if row is not None:
        return row.contact.customer
    child = (
        IncidentOrder.objects.filter(incident=incident)
        .select_related("ticket__customer")
        .order_by("attached_at", "pk")
        .first()
    )
    return child.ticket.customer if child else None


@transaction.atomic
def incident_dispatch(
    *, actor: User, incident: Incident, version: int, at: dt.datetime | None = None
) -> Incident:
    """The one work order to the department on duty, for all the callers: an urgent
    fault order, on the first caller's customer record, dispatched at once."""
    _require_manage(actor)
    incident = _lock(incident, version)
    _open_only(incident)
    if incident.order_id is not None:
        raise Conflict(_("The incident's work order is open already."), code="incident_dispatched")
    department = incident.department
    if department is None:
        raise Invalid(
            _("Choose the department on duty first."),
            code="department_required",
            detail={"field": "department_id"},
        )
    customer = _first_customer(incident)
    if customer is None:
        raise Invalid(
            _("Attach a caller with a customer record first."), code="incident_no_customer"
        )
    region = incident.region.name if incident.region else ""
    incident.order = ticket_open_grouped(
        actor=actor,
        customer=customer,
        department=department,
        title=incident.title,
        description=f"{incident.title}。{region}\n{incident.script}",
        category_id=incident.reason_id,
        at=at,
    )
    _bump(incident, ["order"])
    audit_record(
        actor=actor,
        action="insights.incident_dispatch",
        obj=incident,
        after={"order": incident.order.number},
    )
    return incident


def _recipients(incident: Incident) -> list[Outgoing]:
    """One text message per affected customer (the first mobile on file, else the number
    they called from), and one per caller with no customer record, by number."""
    text_key = f"incident:{incident.pk}"
    by_customer: dict[int, str] = {}
    by_number: set[str] = set()
    contacts = Contact.objects.filter(
        pk__in=IncidentContact.objects.filter(incident=incident).values("contact_id")
    ).values_list("customer_id", "caller_number")
    orders = Ticket.objects.filter(
        pk__in=IncidentOrder.objects.filter(incident=incident).values("ticket_id")
    ).values_list("customer_id", flat=True)
    for customer_id, caller in contacts:
        if customer_id is not None:
            by_customer.setdefault(customer_id, caller)
        elif caller:
            by_number.add(caller)
    for customer_id in orders:
        by_customer.setdefault(customer_id, "")
    mobiles: dict[int, str] = {}
    for customer_id, number in (
        CustomerPhone.objects.filter(customer_id__in=list(by_customer), kind=PhoneKind.MOBILE)
        .order_by("customer_id", "position", "pk")
        .values_list("customer_id", "number")
    ):
        mobiles.setdefault(customer_id, number)
    items = [
        Outgoing(f"{text_key}:{customer_id}", mobiles.get(customer_id) or caller, "", customer_id)
        for customer_id, caller in sorted(by_customer.items())
    ]
    items += [Outgoing(f"{text_key}:n{number}", number, "") for number in sorted(by_number)]
    return items


@transaction.atomic
def incident_close(
    *, actor: User, incident: Incident, version: int, reply: str, at: dt.datetime | None = None
) -> Incident:
    """Close the incident with one reply: a text message to every affected customer
    through the outbox (one each, under the outreach rules: quiet hours, caps, opt-outs),
    every child order and the incident's own order closed with it, the notice ended with
    the reply as its text, and the last instant report to the departments. All or
    nothing; the messages' keys make a repeated close write none twice."""
    _require_manage(actor)
    incident = _lock(incident, version)
    _open_only(incident)
    reply = _text(reply, "reply", REPLY_MAX)
    now = min(at, timezone.now()) if at is not None else timezone.now()
    centre = OrgUnit.objects.get(pk=incident.centre_id)
    items = [
        Outgoing(item.key, item.address, reply, item.customer_id) for item in _recipients(incident)
    ]
    messages_enqueue_many(
        centre=centre, channel=Channel.SMS, purpose=Purpose.SERVICE, items=items, due_at=now
    )
    children = list(
        IncidentOrder.objects.filter(incident=incident).values_list("ticket_id", flat=True)
    )
    if incident.order_id is not None:
        children.append(incident.order_id)
    for ticket_id in children:
        ticket_close_grouped(
            actor=actor,
            ticket_id=ticket_id,
            text=reply,
            at=now,
        )
    incident.state, incident.reply = IncidentState.CLOSED, reply
    incident.closed_at, incident.closed_by = now, actor
    _bump(incident, ["state", "reply", "closed_at", "closed_by"])
    if incident.notice_id is not None:
        Notice.objects.filter(pk=incident.notice_id, state=NoticeState.PUBLISHED).update(
            text=reply, ends_at=now
        )
    audit_record(
        actor=actor,
        action="insights.incident_close",
        obj=incident,
        after={"messages": len(items), "orders": len(children)},
    )
    _report_send(incident)
    return incident


@transaction.atomic
def incident_dismiss(*, actor: User, incident: Incident, version: int, note: str) -> Incident:
    """A false alarm: the notice is withdrawn; no order is closed and nobody is written."""
    _require_manage(actor)
    incident = _lock(incident, version)
    _open_only(incident)
    note = _text(note, "note", 500)
    incident.state = IncidentState.DISMISSED
    incident.closed_at, incident.closed_by = timezone.now(), actor
    _bump(incident, ["state", "closed_at", "closed_by"])
    if incident.notice_id is not None:
        Notice.objects.filter(pk=incident.notice_id).update(
            state=NoticeState.WITHDRAWN, withdrawn_at=incident.closed_at
        )
    audit_record(
        actor=actor, action="insights.incident_dismiss", obj=incident, after={"note": note}
    )
    return incident


def _report_send(incident: Incident) -> int:
    detail = queries.incident_detail(incident)
    report = detail.report
    people = list(
        User.objects.filter(
            centre_id=incident.centre_id, groups__name__in=[LEADER, MANAGER], is_active=True
        )
    )
    departments = {incident.department_id} | {
        row.ticket.department_id for row in detail.orders if row.ticket.department_id
    }
    departments.discard(None)
    people += list(
        User.objects.filter(department_id__in=departments, groups__name=HANDLER, is_active=True)
    )
    title = _("Instant report: %(title)s, %(contacts)s callers, %(orders)s orders") % {
        "title": incident.title,
        "contacts": report.contacts,
        "orders": report.orders,
    }
    sent = notify(
        recipients=people,
        kind="insights.incident_report",
        title=title,
        body=incident_report.summary(
            report,
            _("Callers / orders"),
            area_label=_("Area"),
            step_label=_("Time step"),
        ),
        link=f"/insights/incidents/{incident.pk}/",
        # The same figures are not sent twice; new callers make a new report.
        key=f"insights.incident_report:{incident.pk}:{incident.state}:"
        f"{report.contacts}:{report.orders}",
    )
    return len(sent)


@transaction.atomic
def incident_report_send(*, actor: User, incident: Incident) -> int:
    """The instant report (即时报告, seed 000 第8篇: 大面积故障类信息采取即时报的方式) to the
    departments concerned and the centre's leaders, in the app and by e-mail. The same
    figures sent again reach nobody twice. Returns the people told now."""
    _require_manage(actor)
    if incident.centre_id != actor.centre_id:
        raise NotFound()
    return _report_send(incident)


__all__ = [
    "incident_alert",
    "incident_change",
    "incident_close",
    "incident_contact_attach",
    "incident_dismiss",
    "incident_dispatch",
    "incident_open_by_hand",
    "incident_order_attach",
    "incident_report_send",
]
