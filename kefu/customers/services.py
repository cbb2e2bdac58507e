"""Writes to the customer archive, each one transaction with its audit row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core import filetypes
from kefu.core.crypto import blind_index
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from kefu.core.masking import mask_id_number
from kefu.core.models import User
from kefu.core.queries import region_for_code, require_centre
from kefu.core.roles import (
    ADD_CUSTOMER,
    CHANGE_CUSTOMER,
    CHECK_IDENTITY,
    MANAGE_WATCH_LIST,
    VIEW_PERSONAL_DATA,
)
from kefu.core.services import audit_record, snapshot
from kefu.core.validation import (
    InvalidNumber,
    check_lengths,
    normalize_phone,
    phone_kind,
    validate_id_number,
)
from kefu.customers.models import (
    Customer,
    CustomerDocument,
    CustomerPhone,
    Tag,
    Tier,
    WatchEntry,
)

AUDITED_FIELDS = ["name", "id_number", "account_number", "address", "region", "tier", "notes"]


def _require(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise Forbidden()


def _clean_phones(raw_phones: Sequence[str]) -> list[str]:
    numbers: list[str] = []
    for position, raw in enumerate(raw_phones):
        try:
            number = normalize_phone(raw)
        except InvalidNumber as error:
            raise Invalid(
                error.message, code=error.code, detail={"field": f"phones[{position}]"}
            ) from error
        if number not in numbers:
            numbers.append(number)
    return numbers


def _clean_id_number(raw: str) -> str:
    if not raw:
        return ""
    try:
        return validate_id_number(raw)
    except InvalidNumber as error:
        raise Invalid(error.message, code=error.code, detail={"field": "id_number"}) from error


def _tags(codes: Sequence[str]) -> list[Tag]:
    tags = list(Tag.objects.filter(code__in=codes))
    unknown = set(codes) - {tag.code for tag in tags}
    if unknown:
        raise Invalid(
            _("Unknown tag."), code="tag_unknown", detail={"field": "tags", "tags": sorted(unknown)}
        )
    return tags


def _set_phones(customer: Customer, numbers: list[str]) -> None:
    customer.phones.all().delete()
    CustomerPhone.objects.bulk_create(
        CustomerPhone(customer=customer, number=number, kind=phone_kind(number), position=index)
        for index, number in enumerate(numbers)
    )


def _account_taken() -> Conflict:
    return Conflict(
        _("Another customer already has this account number."),
        code="account_number_taken",
        detail={"field": "account_number"},
    )


@transaction.atomic
def customer_create(
    *,
    actor: User,
    name: str,
    phones: Sequence[str] = (),
    id_number: str = "",
    account_number: str | None = None,
    address: str = "",
    region: str | None = None,
    tier: str = Tier.GENERAL,
    tags: Sequence[str] = (),
    notes: str = "",
) -> Customer:
    _require(actor, ADD_CUSTOMER)
    centre_id = require_centre(actor)
    if not name.strip():
        raise Invalid(_("The name is required."), code="name_required", detail={"field": "name"})
    if tier not in Tier.values:
        raise Invalid(_("Unknown tier."), code="tier_unknown", detail={"field": "tier"})
    numbers = _clean_phones(phones)
    tag_rows = _tags(tags)
    customer = Customer(
        centre_id=centre_id,
        name=name.strip(),
        account_number=account_number or None,
        address=address.strip(),
        region=region_for_code(region),
        tier=tier,
        notes=notes,
    )
    customer.id_number = _clean_id_number(id_number)
    if (
        customer.account_number
        and Customer.objects.filter(account_number=customer.account_number).exists()
    ):
        raise _account_taken()
    check_lengths(customer)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as error:  # a concurrent create took the account number
        raise _account_taken() from error
    _set_phones(customer, numbers)
    customer.tags.set(tag_rows)
    audit_record(
        actor=actor,
        action="customer.create",
        obj=customer,
        after={**_fields(customer), "phones": numbers, "tags": sorted(tags)},
    )
    return customer


def _fields(customer: Customer) -> dict[str, Any]:
    """The audited fields; the ID number only masked, so the log never holds it in clear."""
    picture = snapshot(customer, AUDITED_FIELDS)
    picture["id_number"] = mask_id_number(customer.id_number)
    return picture


def _picture(customer: Customer) -> dict[str, Any]:
    """What the audit log keeps of a customer, phones and tags included."""
    return {
        **_fields(customer),
        "phones": list(customer.phones.values_list("number", flat=True)),
        "tags": sorted(customer.tags.values_list("code", flat=True)),
        # Compared, never written: a new number with the same masked ends is a change too.
        "id_number_index": customer.id_number_index,
    }


@transaction.atomic
def customer_update(
    *,
    actor: User,
    customer: Customer,
    version: int | None = None,
    name: str | None = None,
    phones: Sequence[str] | None = None,
    id_number: str | None = None,
    account_number: str | None = None,
    address: str | None = None,
    region: str | None = None,
    tier: str | None = None,
    tags: Sequence[str] | None = None,
    notes: str | None = None,
) -> Customer:
    """Change the given fields; with `version`, refuse if someone changed the customer since."""
    _require(actor, CHANGE_CUSTOMER)
    current = Customer.objects.select_for_update().get(pk=customer.pk)
    if version is not None and version != current.version:
        raise Conflict(code="version_conflict", detail={"current_version": current.version})
    before = _picture(current)
    if name is not None:
        if not name.strip():
            raise Invalid(_("The name is required."), code="name_required")
        current.name = name.strip()
    if id_number is not None:
        current.id_number = _clean_id_number(id_number)
    if account_number is not None:
        current.account_number = account_number or None
        if current.account_number and (
            Customer.objects.filter(account_number=current.account_number)
            .exclude(pk=current.pk)
            .exists()
        ):
            raise _account_taken()
    if address is not None:
        current.address = address.strip()
    if region is not None:
        current.region = region_for_code(region)
    if tier is not None:
        if tier not in Tier.values:
            raise Invalid(_("Unknown tier."), code="tier_unknown", detail={"field": "tier"})
        current.tier = tier
    if notes is not None:
        current.notes = notes
    current.version += 1
    check_lengths(current)
    try:
        with transaction.atomic():
            current.save()
    except IntegrityError as error:
        raise _account_taken() from error
    if phones is not None:
        _set_phones(current, _clean_phones(phones))
    if tags is not None:
        current.tags.set(_tags(tags))
    after = _picture(current)
    changed = {key for key in after if after[key] != before[key]}
    if "id_number_index" in changed:
        changed = (changed - {"id_number_index"}) | {"id_number"}
    audit_record(
        actor=actor,
        action="customer.update",
        obj=current,
        before={key: before[key] for key in sorted(changed)},
        after={key: after[key] for key in sorted(changed)},
    )
    return current


@transaction.atomic
def customer_personal_data_view(*, actor: User, customer: Customer) -> Customer:
    """Allow an unmasked look at one customer's personal data, and leave a trace of it."""
    _require(actor, VIEW_PERSONAL_DATA)
    audit_record(actor=actor, action="customer.view_personal_data", obj=customer)
    return customer


# The longest reason an agent gives for unmasking; the audit log keeps it whole.
UNMASK_REASON_MAX_LENGTH = 200


@transaction.atomic
def customer_address_unmask(*, actor: User, customer: Customer, reason: str) -> str:
    """The customer's full address, for an agent who needs it (a repair crew's visit): only
    with a reason, and the look and its reason go to the audit log."""
    _require(actor, VIEW_PERSONAL_DATA)
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid(
            _("Say why you need the full address."),
            code="reason_required",
            detail={"field": "reason"},
        )
    if len(reason) > UNMASK_REASON_MAX_LENGTH:
        raise Invalid(
            _("The reason is at most %(limit)d characters (it has %(length)d).")
            % {"limit": UNMASK_REASON_MAX_LENGTH, "length": len(reason)},
            code="reason_too_long",
            detail={"field": "reason"},
        )
    audit_record(
        actor=actor,
        action="customer.view_personal_data",
        obj=customer,
        after={"fields": ["address"], "reason": reason},
    )
    return customer.address


@dataclass(frozen=True)
class IdentityCheckResult:
    matched: bool
    customer: Customer | None


def _identity_check_allowed(actor: User) -> bool:
    """A fixed window per user in the shared cache, so every worker counts the same tries."""
    limit_text, _slash, period_text = settings.KEFU_IDENTITY_CHECK_RATE.partition("/")
    period = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period_text or "m"]
    key = f"kefu:identity-check:{actor.pk}"
    cache.add(key, 0, timeout=period)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        used = 1
    return used <= int(limit_text)


def identity_check(*, actor: User, phone: str, name: str, id_number: str) -> IdentityCheckResult:
    """The three-field check: do phone, name and ID number belong to one customer?

    Not one transaction on purpose: a try counts against the limit, and a refusal is
    audited, even when the check itself then fails on bad input.
    """
    _require(actor, CHECK_IDENTITY)
    if not _identity_check_allowed(actor):
        audit_record(
            actor=actor, action="customer.identity_check.refused", object_type="customers.customer"
        )
        raise RateLimited()
    number = _clean_phones([phone])[0]
    clean_id = _clean_id_number(id_number)
    with transaction.atomic():
        customer = (
            Customer.objects.filter(
                centre_id=actor.centre_id,
                phones__number=number,
                name=name.strip(),
                id_number_index=blind_index(clean_id) or "-",
            )
            .distinct()
            .first()
        )
        audit_record(
            actor=actor,
            action="customer.identity_check",
            obj=customer,
            object_type="customers.customer",
            after={"matched": customer is not None, "phone": number},
        )
    return IdentityCheckResult(matched=customer is not None, customer=customer)


# --- documents ----------------------------------------------------------------------------


@transaction.atomic
def customer_document_add(
    *,
    actor: User,
    customer: Customer,
    upload: UploadedFile,
    kind: str = CustomerDocument.Kind.OTHER,
) -> CustomerDocument:
    """Keep a document (an application, a contract) in the customer's archive. Checked as
    every upload is (kefu.core.filetypes): allowed kinds of file only, content that is what
    the name says, not empty, at most KEFU_CUSTOMER_DOCUMENT_MAX_BYTES; audited."""
    _require(actor, CHANGE_CUSTOMER)
    if customer.anonymised_at is not None:
        raise Conflict(
            _("This customer is anonymised; nothing more is kept about them."),
            code="customer_anonymised",
        )
    if kind not in CustomerDocument.Kind.values:
        raise Invalid(_("Unknown document kind."), code="document_kind_unknown")
    name = Path(upload.name or "").name[:200]
    content_type = filetypes.upload_check(
        name, upload.size or 0, upload, max_bytes=settings.KEFU_CUSTOMER_DOCUMENT_MAX_BYTES
    )
    document = CustomerDocument(
        customer=customer,
        kind=kind,
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    document.file.save(name, upload, save=False)
    document.save()
    audit_record(
        actor=actor,
        action="customer.document_add",
        obj=customer,
        after={"document": document.pk, "name": name, "kind": kind, "size": document.size},
    )
    return document


@transaction.atomic
def customer_document_remove(*, actor: User, document: CustomerDocument) -> None:
    """Remove a document from the archive; the file goes once the row is surely gone."""
    _require(actor, CHANGE_CUSTOMER)
    audit_record(
        actor=actor,
        action="customer.document_remove",
        obj=document.customer,
        before={"document": document.pk, "name": document.name, "kind": document.kind},
    )
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def customer_document_download(*, actor: User, document: CustomerDocument) -> CustomerDocument:
    """Opening a document shows personal data unmasked: only for those who may see it, and
    every opening is audited."""
    _require(actor, VIEW_PERSONAL_DATA)
    audit_record(
        actor=actor,
        action="customer.document_download",
        obj=document.customer,
        after={"document": document.pk, "name": document.name},
    )
    return document


# --- the watch list -----------------------------------------------------------------------


@transaction.atomic
def watch_entry_add(
    *,
    actor: User,
    number: str,
    reason: str,
    instruction: str,
    expires_at: datetime | None = None,
) -> WatchEntry:
    """Put a caller's number on the centre's watch list (002 第17篇 28), with the reason, the
    instruction the agent sees at screen pop, and when the entry ends; audited."""
    _require(actor, MANAGE_WATCH_LIST)
    centre_id = require_centre(actor)
    clean = _clean_phones([number])[0]
    if not reason.strip():
        raise Invalid(_("Give the reason."), code="reason_required", detail={"field": "reason"})
    if not instruction.strip():
        raise Invalid(
            _("Give the instruction to the agent."),
            code="instruction_required",
            detail={"field": "instruction"},
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid(
            _("The end of the entry must lie in the future."),
            code="expires_in_past",
            detail={"field": "expires_at"},
        )
    entry = WatchEntry(
        centre_id=centre_id,
        number=clean,
        reason=reason.strip(),
        instruction=instruction.strip(),
        expires_at=expires_at,
        created_by=actor,
    )
    check_lengths(entry)
    entry.save()
    audit_record(
        actor=actor,
        action="watch_list.add",
        obj=entry,
        after=snapshot(entry, ["number", "reason", "instruction", "expires_at"]),
    )
    return entry


@transaction.atomic
def watch_entry_remove(*, actor: User, entry_id: int) -> WatchEntry:
    """Take an entry off the watch list: kept, with who removed it and when; audited."""
    _require(actor, MANAGE_WATCH_LIST)
    entry = (
        WatchEntry.objects.select_for_update()
        .filter(pk=entry_id, centre_id=require_centre(actor), removed_at__isnull=True)
        .first()
    )
    if entry is None:
        raise NotFound(code="watch_entry_not_found")
    entry.removed_at = timezone.now()
    entry.removed_by = actor
    entry.save(update_fields=["removed_at", "removed_by"])
    audit_record(
        actor=actor,
        action="watch_list.remove",
        obj=entry,
        before={"number": entry.number, "reason": entry.reason},
    )
    return entry


# The tags kefu itself acts on (Tag.HIGHLIGHTED: shown before the first word is said; the
# dissatisfied list is what satisfaction repair works through), as every centre names them.
BUILT_IN_TAGS = {Tag.SENSITIVE: "敏感客户", Tag.DISSATISFIED: "不满意客户"}


@transaction.atomic
def tags_ensure(*, actor: User | None) -> list[Tag]:
    """The built-in tags, made where missing (a renamed one keeps its name)."""
    tags = []
    for code, name in BUILT_IN_TAGS.items():
        tag, created = Tag.objects.get_or_create(code=code, defaults={"name": name})
        if created:
            audit_record(actor=actor, action="tag.create", obj=tag, after={"name": name})
        tags.append(tag)
    return tags
