"""Appointments (预约 and 跟踪, issue 19 point 5; seed 002 第11篇): booked on a contact or
from the customer's page, reminded by text message the day before (through the outbox,
in the same transaction), moved, and tracked to their outcome: kept, missed, cancelled."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.queries import contact_get_for_user
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.queries import department_in_centre, require_centre
from kefu.core.roles import ADD_CONTACT
from kefu.core.services.audit import audit_record
from kefu.core.validation import InvalidInstant, check_instant, check_lengths
from kefu.customers.models import PhoneKind
from kefu.customers.queries import customer_get_for_user
from kefu.satisfaction.models import Channel, Message, MessageState, Purpose
from kefu.satisfaction.models.appointments import Appointment, AppointmentState
from kefu.satisfaction.services.outbound import message_enqueue

#: The reminder goes this long before the appointment (the quiet hours may hold it back
#: to the morning; never past the appointment: one due within this is not reminded).
REMIND_BEFORE = dt.timedelta(days=1)
#: Appointments are booked at most this far ahead.
FURTHEST = dt.timedelta(days=180)


def _require(actor: User) -> None:
    if not (actor.is_superuser or actor.has_perm(ADD_CONTACT)):
        raise Forbidden()


def _when(at: dt.datetime, *, now: dt.datetime) -> dt.datetime:
    try:
        check_instant(at)
    except InvalidInstant as error:
        raise Invalid(error.message, code=error.code, detail={"field": "at"}) from error
    if at <= now:
        raise Invalid(
            _("An appointment is booked for a time to come."),
            code="appointment_past",
            detail={"field": "at"},
        )
    if at - now > FURTHEST:
        raise Invalid(
            _("Appointments are booked at most 180 days ahead."),
            code="appointment_too_far",
            detail={"field": "at"},
        )
    return at


def _reminder_key(appointment: Appointment) -> str:
    return f"appointment:{appointment.pk}:{appointment.at.timestamp():.0f}"


def _remind(appointment: Appointment, centre: OrgUnit, now: dt.datetime) -> None:
    """Write the reminder for the appointment's time, unless it is too near to remind."""
    due = appointment.at - REMIND_BEFORE
    if not appointment.number or due <= now:
        return
    local = timezone.localtime(appointment.at)
    message_enqueue(
        centre=centre,
        channel=Channel.SMS,
        address=appointment.number,
        purpose=Purpose.REMINDER,
        text=str(
            _("Reminder: your appointment for %(subject)s is at %(when)s, %(place)s.")
            % {
                "subject": appointment.subject,
                "when": f"{local:%m-%d %H:%M}",
                "place": appointment.place,
            }
        )[:500],
        key=_reminder_key(appointment),
        customer=appointment.customer,
        due_at=due,
    )


def _cancel_reminder(appointment: Appointment) -> None:
    Message.objects.filter(
        centre_id=appointment.centre_id,
        key__startswith=f"appointment:{appointment.pk}:",
        state=MessageState.QUEUED,
    ).update(state=MessageState.CANCELLED)


@transaction.atomic
def appointment_book(
    *,
    actor: User,
    customer_id: int,
    subject: str,
    place: str,
    at: dt.datetime,
    contact_id: int | None = None,
    department_id: int | None = None,
    note: str = "",
) -> Appointment:
    """Book an appointment for a customer the actor may see (on one of their contacts),
    and write its reminder the day before to the customer's first mobile."""
    _require(actor)
    centre_id = require_centre(actor)
    now = timezone.now()
    customer = customer_get_for_user(actor, customer_id)
    contact = contact_get_for_user(actor, contact_id) if contact_id else None
    if contact is not None and contact.customer_id not in (None, customer.pk):
        raise Invalid(_("The contact is another customer's."), code="contact_other_customer")
    department = None
    if department_id is not None:
        department = department_in_centre(centre_id, department_id, "department")
    mobile = next(
        (phone.number for phone in customer.phones.all() if phone.kind == PhoneKind.MOBILE), ""
    )
    appointment = Appointment(
        centre_id=centre_id,
        customer=customer,
        contact=contact,
        subject=subject.strip(),
        place=place.strip(),
        at=_when(at, now=now),
        department=department,
        number=mobile,
        note=note.strip(),
        booked_by=actor,
    )
    if not appointment.subject or not appointment.place:
        raise Invalid(_("Say what the appointment is for and where."), code="appointment_empty")
    check_lengths(appointment)
    appointment.save()
    _remind(appointment, OrgUnit.objects.get(pk=centre_id), now)
    audit_record(actor=actor, action="satisfaction.appointment_book", obj=appointment)
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.state != AppointmentState.BOOKED:
        raise Conflict(_("This appointment is already closed."), code="appointment_closed")
    return locked


@transaction.atomic
def appointment_move(*, actor: User, appointment: Appointment, at: dt.datetime) -> Appointment:
    """Move a booked appointment: the old reminder is cancelled, a new one written."""
    _require(actor)
    now = timezone.now()
    appointment = _locked(appointment)
    before = appointment.at
    _cancel_reminder(appointment)
    appointment.at = _when(at, now=now)
    appointment.save(update_fields=["at"])
    _remind(appointment, OrgUnit.objects.get(pk=appointment.centre_id), now)
    audit_record(
        actor=actor,
        action="satisfaction.appointment_move",
        obj=appointment,
        before={"at": before.isoformat()},
        after={"at": appointment.at.isoformat()},
    )
    return appointment


@transaction.atomic
def appointment_close(
    *, actor: User, appointment: Appointment, state: str, note: str = ""
) -> Appointment:
    """Record how it went (跟踪): kept or missed once its time has come, cancelled at any
    time before. A reminder not yet sent is cancelled with it."""
    _require(actor)
    if state not in {AppointmentState.KEPT, AppointmentState.MISSED, AppointmentState.CANCELLED}:
        raise Invalid(_("There is no such outcome."), code="outcome_unknown")
    appointment = _locked(appointment)
    now = timezone.now()
    if state != AppointmentState.CANCELLED and appointment.at > now:
        raise Conflict(
            _("Whether it was kept is known once its time has come."),
            code="appointment_not_yet",
        )
    _cancel_reminder(appointment)
    appointment.state, appointment.closed_by, appointment.closed_at = state, actor, now
    if note.strip():
        appointment.note = note.strip()
    check_lengths(appointment)
    appointment.save(update_fields=["state", "closed_by", "closed_at", "note"])
    audit_record(
        actor=actor,
        action="satisfaction.appointment_close",
        obj=appointment,
        after={"state": state},
    )
    return appointment
