"""Services for the duties of China's Personal Information Protection Law (PIPL): a
customer's copy of their data, their erasure by anonymisation, retention periods, and the
re-encryption of ID numbers under a new key.

Anonymising keeps every row that a report counts (the customer, their contacts and work
orders, with times, channels, call reasons, regions and states) and replaces what names or
describes the person: name, ID number, account number, address, phones, notes, caller
numbers and the free text of contacts and orders, which people fill with addresses and
numbers. Each request is audited; the audit rows about the customer keep who did what and
when, with the personal values in their pictures replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact, ContactSms, HelpRequest
from kefu.core.crypto import blind_index, is_current, reencrypt
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.exports import person
from kefu.core.models import AuditEntry, OrgUnit, User
from kefu.core.roles import HANDLE_PERSONAL_DATA_REQUEST
from kefu.core.services import audit_record
from kefu.customers.models import Customer, CustomerDocument, RetentionProgress
from kefu.tickets.models import OPEN, Ticket, TicketEvent

# Keys of audit pictures and ticket-event data that carry personal values or free text.
PERSONAL_KEYS = frozenset(
    {
        "name",
        "id_number",
        "account_number",
        "address",
        "notes",
        "phones",
        "phone",
        "caller_number",
        "summary",
    }
)
FREE_TEXT_KEYS = frozenset({"result", "reason"})
# The blind index's purpose for the account numbers of anonymised customers.
ERASED_ACCOUNT = "account_number"
REDACTED = "***"


def anonymised_label() -> str:
    """What stands in a name or title once the person is gone: in the centre's language,
    whoever's request runs it."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Anonymised")


def _require(actor: User | None) -> None:
    """`None` is the operator at the `kefu` command, who answers for the whole database."""
    if actor is not None and not actor.has_perm(HANDLE_PERSONAL_DATA_REQUEST):
        raise Forbidden()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _name(obj: Any) -> str | None:
    return str(obj.name) if obj is not None else None


# --- the customer's copy (PIPL art. 45) -------------------------------------------------


def _archive(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "name": customer.name,
        "phones": [{"number": phone.number, "kind": phone.kind} for phone in customer.phones.all()],
        "id_number": customer.id_number,
        "account_number": customer.account_number,
        "address": customer.address,
        "region": _name(customer.region),
        "tier": customer.tier,
        "tags": [tag.code for tag in customer.tags.all()],
        "notes": customer.notes,
        "created_at": _iso(customer.created_at),
        "updated_at": _iso(customer.updated_at),
        "anonymised_at": _iso(customer.anonymised_at),
    }


def _contacts(customer: Customer) -> list[dict[str, Any]]:
    rows = (
        Contact.objects.filter(customer=customer)
        .select_related("agent", "region", "customer_attribute", "business_type", "service_content")
        .order_by("started_at", "id")
    )
    return [
        {
            "id": contact.pk,
            "started_at": _iso(contact.started_at),
            "ended_at": _iso(contact.ended_at),
            "channel": contact.channel,
            "direction": contact.direction,
            "caller_number": contact.caller_number,
            "agent": person(contact.agent),
            "customer_attribute": _name(contact.customer_attribute),
            "region": _name(contact.region),
            "business_type": _name(contact.business_type),
            "service_content": _name(contact.service_content),
            "summary": contact.summary,
            "settled": contact.settled,
        }
        for contact in rows
    ]


def _orders(customer: Customer) -> list[dict[str, Any]]:
    rows = (
        Ticket.objects.filter(customer=customer)
        .select_related("category", "department")
        .prefetch_related("events__actor")
        .order_by("created_at", "id")
    )
    return [
        {
            "number": ticket.number,
            "kind": ticket.kind,
            "category": _name(ticket.category),
            "urgency": ticket.urgency,
            "title": ticket.title,
            "description": ticket.description,
            "state": ticket.state,
            "department": _name(ticket.department),
            "result": ticket.result,
            "satisfied": ticket.satisfied,
            "created_at": _iso(ticket.created_at),
            "closed_at": _iso(ticket.closed_at),
            "events": [
                {
                    "at": _iso(event.at),
                    "action": event.action,
                    "from": event.from_state,
                    "to": event.to_state,
                    "actor": person(event.actor) or None,
                    "note": event.note,
                }
                for event in ticket.events.all()
            ],
        }
        for ticket in rows
    ]


def _access_log(customer: Customer) -> list[dict[str, Any]]:
    entries = (
        AuditEntry.objects.filter(object_type="customers.customer", object_id=str(customer.pk))
        .select_related("actor")
        .order_by("at", "id")
    )
    return [
        {
            "at": _iso(entry.at),
            "actor": person(entry.actor) or None,
            "action": entry.action,
            "ip": entry.ip,
        }
        for entry in entries
    ]


@transaction.atomic
def customer_personal_data_export(
    *, actor: User | None, customer: Customer, file_format: str = "json"
) -> dict[str, Any]:
    """Everything kefu holds about one customer, unmasked: the archive, contacts, work
    orders with their steps, and who viewed or changed the archive. The export is audited
    (and is itself the last line of the access log it returns)."""
    _require(actor)
    contacts = _contacts(customer)
    orders = _orders(customer)
    audit_record(
        actor=actor,
        action="customer.personal_data_export",
        obj=customer,
        after={
            "format": file_format,
            "contacts": len(contacts),
            "work_orders": len(orders),
            "via": "web" if actor is not None else "cli",
        },
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "exported_by": person(actor) or None,
        "customer": _archive(customer),
        "contacts": contacts,
        "work_orders": orders,
        "access_log": _access_log(customer),
    }


# --- anonymisation on request (PIPL art. 47) --------------------------------------------


def _redact(picture: Any) -> Any:
    if not isinstance(picture, dict):
        return picture
    return {
        key: (REDACTED if key in PERSONAL_KEYS and value not in ("", None, []) else value)
        for key, value in picture.items()
    }


def _scrub_events(ticket_ids: Iterable[int]) -> None:
    """Free text of the orders' steps: notes, returned results, reasons given."""
    changed: list[TicketEvent] = []
    events = TicketEvent.objects.filter(ticket_id__in=list(ticket_ids)).only("id", "note", "data")
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        scrubbed = {key: ("" if key in FREE_TEXT_KEYS else value) for key, value in data.items()}
        if event.note or scrubbed != data:
            event.note = ""
            event.data = scrubbed
            changed.append(event)
    TicketEvent.objects.bulk_update(changed, ["note", "data"], batch_size=500)


def _redact_audit(object_type: str, ids: Iterable[int], label: str | None = None) -> None:
    """The audit rows about these objects keep who did what and when, not the values."""
    entries = AuditEntry.objects.filter(
        object_type=object_type, object_id__in=[str(pk) for pk in ids]
    ).only("id", "before", "after", "object_repr")
    for entry in entries:
        before, after = _redact(entry.before), _redact(entry.after)
        if before == entry.before and after == entry.after and label is None:
            continue
        # QuerySet.update: the log refuses save() on its rows; only the values go.
        AuditEntry.objects.filter(pk=entry.pk).update(
            before=before, after=after, object_repr=label or entry.object_repr
        )


def _scrub_contacts(contacts: Any) -> int:
    ids = list(contacts.values_list("id", flat=True))
    Contact.objects.filter(id__in=ids).update(caller_number="", summary="")
    # What was sent by SMS during the contact, and to which number, goes with it.
    ContactSms.objects.filter(contact_id__in=ids).update(number="", text="")
    HelpRequest.objects.filter(contact_id__in=ids).update(caller_number="", note="")
    _redact_audit("contacts.contact", ids)
    return len(ids)


def _scrub_orders(orders: Any) -> int:
    ids = list(orders.values_list("id", flat=True))
    Ticket.objects.filter(id__in=ids).update(title=anonymised_label(), description="", result="")
    _scrub_events(ids)
    return len(ids)


def _documents_delete(customer: Customer) -> None:
    """The customer's documents go, rows now and files once the transaction commits."""
    documents = list(CustomerDocument.objects.filter(customer=customer))
    stored = [(document.file.storage, document.file.name) for document in documents]
    CustomerDocument.objects.filter(pk__in=[document.pk for document in documents]).delete()

    def remove_files() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(remove_files)


@transaction.atomic
def customer_anonymise(*, actor: User | None, customer: Customer, reason: str) -> Customer:
    """Erase a customer's personal data, keeping every count that reports need: the customer,
    contacts and orders stay, with their times, channels, reasons, regions and states. Afterwards
    the customer is found by none of their old phones, ID number, account number or name."""
    _require(actor)
    reason = reason.strip()
    if not reason:
        raise Invalid(
            _("Say why (the customer's request)."),
            code="reason_required",
            detail={"field": "reason"},
        )
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if current.anonymised_at is not None:
        raise Conflict(_("This customer is anonymised already."), code="customer_anonymised")
    if Ticket.objects.filter(OPEN, customer=current).exists():
        # An open order still needs the reply and the callback, which need the phone.
        raise Conflict(
            _("The customer has open work orders: close or cancel them first."),
            code="customer_has_open_orders",
        )
    current.name = anonymised_label()
    current.id_number = ""
    # Its digest stays, so an import of the billing system's archive leaves it out.
    current.account_number_erased = blind_index(
        current.account_number or "", purpose=ERASED_ACCOUNT
    )
    current.account_number = None
    current.address = ""
    current.notes = ""
    current.anonymised_at = timezone.now()
    current.version += 1
    current.save()
    current.phones.all().delete()
    _documents_delete(current)
    contacts = _scrub_contacts(Contact.objects.filter(customer=current))
    orders = _scrub_orders(Ticket.objects.filter(customer=current))
    _redact_audit("customers.customer", [current.pk], label=current.name)
    audit_record(
        actor=actor,
        action="customer.anonymise",
        obj=current,
        after={
            "reason": reason[:500],
            "contacts": contacts,
            "work_orders": orders,
            "via": "web" if actor is not None else "cli",
        },
    )
    return current


# --- retention periods -------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    contacts: int
    work_orders: int


def retention_days(centre: OrgUnit) -> int:
    if centre.retention_days is not None:
        return int(centre.retention_days)
    return int(settings.KEFU_RETENTION_DAYS)


def _expired_batch(
    rows: Any, moment: str, since: datetime | None, cutoff: datetime, limit: int
) -> list[tuple[int, datetime]]:
    """The next rows past their period that still hold personal fields, oldest first."""
    rows = rows.filter(**{f"{moment}__lt": cutoff})
    if since is not None:
        rows = rows.filter(**{f"{moment}__gte": since})
    return list(rows.order_by(moment, "id").values_list("id", moment)[:limit])


def retention_sweep(
    *, now: datetime | None = None, batch: int | None = None, max_batches: int = 50
) -> RetentionResult:
    """Anonymise the personal fields of contacts and closed orders older than their centre's
    retention period, in transactions of `KEFU_RETENTION_BATCH` rows, at most `max_batches`
    of each per centre and run; the next run goes on. Each centre's progress row is locked
    per batch, so several workers may run it at once and no row is counted twice."""
    now = now or timezone.now()
    limit = batch or settings.KEFU_RETENTION_BATCH
    label = anonymised_label()
    contacts_done = orders_done = 0
    for centre in OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE).order_by("pk"):
        days = retention_days(centre)
        if days <= 0:
            continue
        cutoff = now - timedelta(days=days)
        RetentionProgress.objects.get_or_create(centre=centre)
        for table in ("contacts", "orders"):
            for _round in range(max_batches):
                with transaction.atomic():
                    progress = RetentionProgress.objects.select_for_update().get(centre=centre)
                    since = getattr(progress, f"{table}_before")
                    if table == "contacts":
                        rows = _expired_batch(
                            Contact.objects.filter(centre=centre).exclude(
                                caller_number="", summary=""
                            ),
                            "started_at",
                            since,
                            cutoff,
                            limit,
                        )
                        done = _scrub_contacts(Contact.objects.filter(id__in=[r[0] for r in rows]))
                        contacts_done += done
                    else:
                        rows = _expired_batch(
                            Ticket.objects.filter(centre=centre).exclude(
                                Q(title=label) & Q(description="") & Q(result="")
                            ),
                            "closed_at",
                            since,
                            cutoff,
                            limit,
                        )
                        done = _scrub_orders(Ticket.objects.filter(id__in=[r[0] for r in rows]))
                        orders_done += done
                    finished = len(rows) < limit
                    # Rows sharing the last instant are read again next time and skipped,
                    # since they hold nothing personal any more.
                    reached = cutoff if finished else rows[-1][1]
                    if since is None or reached > since:
                        setattr(progress, f"{table}_before", reached)
                        progress.save(update_fields=[f"{table}_before"])
                    if done:
                        audit_record(
                            actor=None,
                            action="retention.anonymise",
                            obj=centre,
                            after={
                                "days": days,
                                "before": cutoff.isoformat(),
                                "contacts" if table == "contacts" else "work_orders": done,
                            },
                        )
                if finished:
                    break
    return RetentionResult(contacts=contacts_done, work_orders=orders_done)


# --- key rotation --------------------------------------------------------------------------


def id_numbers_reencrypt(*, batch: int = 500) -> int:
    """Write every ID number under the current key, one transaction per batch; returns how
    many were rewritten. Safe to run again and while kefu runs: a value changed meanwhile
    is left alone (compare-and-swap on the old token) and is already under the new key."""
    rewritten = 0
    last = 0
    while True:
        rows = list(
            Customer.objects.filter(pk__gt=last)
            .exclude(id_number_encrypted="")
            .order_by("pk")
            .values_list("pk", "id_number_encrypted")[:batch]
        )
        if not rows:
            return rewritten
        last = rows[-1][0]
        with transaction.atomic():
            for pk, token in rows:
                if is_current(token):
                    continue
                rewritten += Customer.objects.filter(pk=pk, id_number_encrypted=token).update(
                    id_number_encrypted=reencrypt(token)
                )


def id_numbers_not_current() -> int:
    """How many stored ID numbers an older key still opens: 0 before a key is retired."""
    tokens = (
        Customer.objects.exclude(id_number_encrypted="")
        .values_list("id_number_encrypted", flat=True)
        .iterator(chunk_size=2000)
    )
    return sum(1 for token in tokens if not is_current(token))
