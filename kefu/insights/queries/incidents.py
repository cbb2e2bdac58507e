"""Reads of the major incidents: which a user may see, the one access-checked getter, the
open incidents a caller's contact may belong to, the incident's page in a fixed number of
reads, and its instant report (seed 000 第8篇)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.contacts.models import Contact
from kefu.core.errors import NotFound
from kefu.core.models import User
from kefu.core.roles import HANDLER, MANAGE_INCIDENTS, VIEW_INCIDENTS
from kefu.insights import incident_report
from kefu.insights.models import Incident, IncidentContact, IncidentOrder, IncidentState
from kefu.satisfaction.queries.notices import regions_around
from kefu.tickets.models import OPEN, Ticket, TicketEvent

#: A contact recorded this long ago or less is the one the agent is still on (the
#: workbench offers to attach it).
RECENT_CONTACT = dt.timedelta(minutes=30)


def may_view(user: User) -> bool:
    return user.is_superuser or user.has_perm(VIEW_INCIDENTS)


def may_manage(user: User) -> bool:
    return user.is_superuser or user.has_perm(MANAGE_INCIDENTS)


def incidents_of(user: User) -> QuerySet[Incident]:
    """The incidents a user may see: everyone of the centre who may see incidents sees
    all of them, open first; a department's handler those given to their department."""
    incidents = Incident.objects.filter(centre_id=user.centre_id).select_related(
        "region", "reason", "department", "order", "opened_by"
    )
    if not may_view(user) or user.centre_id is None:
        return incidents.none()
    if user.role == HANDLER:
        incidents = incidents.filter(department_id=user.department_id)
    return incidents


def open_first(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    return incidents.annotate(
        open_rank=Case(
            When(state=IncidentState.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        contact_count=Count("contacts", distinct=True),
        order_count=Count("orders", distinct=True),
    ).order_by("open_rank", "-opened_at", "-pk")


def incident_get_for_user(user: User, incident_id: int) -> Incident:
    found = incidents_of(user).filter(pk=incident_id).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class Detail:
    incident: Incident
    contacts: list[IncidentContact]
    orders: list[IncidentOrder]
    order_events: list[TicketEvent]
    report: incident_report.Report


def area_of(contact: Contact) -> str:
    region = contact.region or (contact.customer.region if contact.customer else None)
    return region.name if region is not None else _("Unknown area")


def incident_detail(incident: Incident) -> Detail:
    """What the page and the API show: the attached callers and child orders, the one
    order's progress at the department, and the instant report."""
    contacts = list(
        IncidentContact.objects.filter(incident=incident)
        .select_related(
            "contact__region",
            "contact__customer__region",
            "contact__agent",
            "contact__service_content",
            "attached_by",
        )
        .order_by("contact__started_at", "pk")
    )
    orders = list(
        IncidentOrder.objects.filter(incident=incident)
        .select_related("ticket__customer__region", "ticket__department")
        .order_by("ticket__created_at", "pk")
    )
    events = (
        list(
            TicketEvent.objects.filter(ticket_id=incident.order_id)
            .select_related("actor")
            .order_by("seq")
        )
        if incident.order_id
        else []
    )
    zone = timezone.get_current_timezone()
    report = incident_report.build(
        ((area_of(row.contact), row.contact.started_at.astimezone(zone)) for row in contacts),
        (
            (
                row.ticket.customer.region.name
                if row.ticket.customer.region
                else _("Unknown area"),
                row.ticket.created_at.astimezone(zone),
            )
            for row in orders
        ),
    )
    return Detail(incident, contacts, orders, events, report)


def open_incidents_for(user: User, region_id: int | None) -> list[Incident]:
    """The centre's open incidents, those of the caller's region (or a region it lies in
    or holds) first."""
    incidents = list(
        incidents_of(user).filter(state=IncidentState.OPEN).order_by("-opened_at", "-pk")
    )
    if region_id is None:
        return incidents
    around = regions_around(region_id)
    return sorted(incidents, key=lambda i: i.region_id not in around)


def suggested(incident: Incident, contact: Contact | None, region_id: int | None) -> bool:
    """Whether the workbench proposes the incident for the caller: the caller's region
    lies in (or holds) the incident's, and the contact's call reason is the incident's
    (or the incident names none)."""
    if incident.region_id is None or region_id is None:
        return False
    if incident.region_id not in regions_around(region_id):
        return False
    if incident.reason_id is None or contact is None:
        return True
    return incident.reason_id in {contact.service_content_id, contact.business_type_id}


def recent_contact(user: User, customer_id: int | None, caller: str) -> Contact | None:
    """The contact this agent recorded last for this caller within half an hour: the one
    they are on (attached to an incident already, or not)."""
    if customer_id is None and not caller:
        return None
    contacts = Contact.objects.filter(
        centre_id=user.centre_id,
        agent_id=user.pk,
        started_at__gte=timezone.now() - RECENT_CONTACT,
    )
    contacts = (
        contacts.filter(customer_id=customer_id)
        if customer_id
        else contacts.filter(caller_number=caller)
    )
    return (
        contacts.select_related("service_content", "region", "customer")
        .order_by("-started_at", "-pk")
        .first()
    )


def my_recent_contacts(user: User) -> list[Contact]:
    """The contacts this agent recorded in the last half hour not yet attached to an
    incident: what the incident's page offers them to attach."""
    return list(
        Contact.objects.filter(
            centre_id=user.centre_id,
            agent_id=user.pk,
            started_at__gte=timezone.now() - RECENT_CONTACT,
        )
        .exclude(pk__in=IncidentContact.objects.values("contact_id"))
        .select_related("customer", "region", "service_content")
        .order_by("-started_at", "-pk")[:10]
    )


def attached_incident(contact_id: int) -> Incident | None:
    row = IncidentContact.objects.filter(contact_id=contact_id).select_related("incident").first()
    return row.incident if row else None


def open_orders_on(contact: Contact) -> QuerySet[Ticket]:
    """The open orders opened on a contact: they become the incident's child orders."""
    return Ticket.objects.filter(OPEN, contacts=contact)
