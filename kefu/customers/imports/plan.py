"""The write of a batch: what it creates and changes (the plan, counted and described in
the report), the new customers inserted in bulk and the changed ones updated and audited."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.translation import gettext as _

from kefu.core.crypto import blind_indexer, encrypt_many, encrypter
from kefu.core.imports import Report
from kefu.core.masking import mask_address, mask_id_number, mask_phone
from kefu.core.models import AuditEntry
from kefu.core.validation import FIXED, MOBILE
from kefu.customers.imports.sql import _insert_keyed, _insert_rows, _select
from kefu.customers.imports.values import JOIN, KEEP, Existing, Record
from kefu.customers.models import Customer, CustomerPhone, Tier

if TYPE_CHECKING:
    from kefu.customers.imports.kind import CustomerImporter


def plan_batch(kind: CustomerImporter, records: list[Record], report: Report) -> _Plan:
    """What the batch creates and changes, counted and described in the report."""
    plan = _Plan()
    olds = [kind.existing[r.account].pk for r in records if r.account in kind.existing]
    phones: dict[int, list[str]] = {}
    tags: dict[int, list[int]] = {}
    if olds:
        # Sorted here rather than by the database (ORDER BY): SQLite would sort them in a
        # temporary b-tree, which took as long as finding them; they come nearly in order.
        found = _select(
            f"SELECT customer_id, position, id, number FROM {CustomerPhone._meta.db_table} "  # noqa: S608
            "WHERE customer_id {among}",
            olds,
        )
        found.sort()
        for pk, _position, _id, number in found:
            phones.setdefault(pk, []).append(number)
        for pk, tag in _select(
            f"SELECT customer_id, tag_id FROM {Customer.tags.through._meta.db_table} "  # noqa: S608
            "WHERE customer_id {among}",
            olds,
        ):
            tags.setdefault(pk, []).append(tag)
    index = blind_indexer() if any(isinstance(r.id_number, str) for r in records) else None
    for record in records:
        old = kind.existing.get(record.account)
        if old is None:
            plan.new.append(record)
            report.created += 1
            continue
        had_phones = phones.get(old.pk, [])
        had_tags = sorted(tags.get(old.pk, []))
        changed = plan.compare(kind, record, old, had_phones, had_tags, index)
        if changed:
            report.updated += 1
            report.change(record.row, record.account, "；".join(changed))
        else:
            report.unchanged += 1
    plan.old_phones = phones
    plan.old_tags = tags
    return plan


def insert_new(kind: CustomerImporter, records: list[Record], stamp: Any) -> None:
    index_one = blind_indexer()
    clear = [r.id_number if isinstance(r.id_number, str) else "" for r in records]
    tokens = encrypt_many(clear)
    table = Customer._meta.db_table
    columns = (
        "centre_id, name, id_number_encrypted, id_number_index, account_number, address, "
        "region_id, tier, notes, version, created_at, updated_at, account_number_erased"
    )
    centre = kind.centre.pk
    general = str(Tier.GENERAL)
    rows = [
        (
            centre,
            r.name,
            token,
            index_one(id_number),
            r.account,
            r.address if isinstance(r.address, str) else "",
            r.region if isinstance(r.region, int) else None,
            r.tier if isinstance(r.tier, str) else general,
            "",
            1,
            stamp,
            stamp,
            "",
        )
        for r, id_number, token in zip(records, clear, tokens, strict=True)
    ]
    ids = _insert_keyed(table, columns, rows, "account_number")
    phone_rows: list[tuple[Any, ...]] = [
        (ids[r.account], number, _kind(number), position)
        for r in records
        if isinstance(r.phones, list)
        for position, number in enumerate(r.phones)
    ]
    if phone_rows:
        _insert_rows(
            CustomerPhone._meta.db_table, "customer_id, number, kind, position", phone_rows
        )
    tag_rows: list[tuple[Any, ...]] = [
        (ids[r.account], tag) for r in records if isinstance(r.tags, list) for tag in r.tags
    ]
    if tag_rows:
        _insert_rows(Customer.tags.through._meta.db_table, "customer_id, tag_id", tag_rows)


def update_known(kind: CustomerImporter, plan: _Plan, stamp: Any, now: dt.datetime) -> None:
    table = Customer._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET name = %s, address = %s, region_id = %s, tier = %s, "  # noqa: S608
            # The ID number's token and index kept where the row leaves it (None).
            "id_number_encrypted = COALESCE(%s, id_number_encrypted), "
            "id_number_index = COALESCE(%s, id_number_index), version = version + 1, "
            "updated_at = %s WHERE id = %s",
            [(*fields, stamp, pk) for pk, fields in plan.updates],
        )
    if plan.phones:
        ids = [pk for pk, _numbers in plan.phones]
        CustomerPhone.objects.filter(customer_id__in=ids).delete()
        rows = [
            (pk, number, _kind(number), position)
            for pk, numbers in plan.phones
            for position, number in enumerate(numbers)
        ]
        if rows:
            _insert_rows(CustomerPhone._meta.db_table, "customer_id, number, kind, position", rows)
    if plan.tags:
        through = Customer.tags.through
        through.objects.filter(customer_id__in=[pk for pk, _tags in plan.tags]).delete()
        tag_rows: list[tuple[Any, ...]] = [(pk, tag) for pk, tags in plan.tags for tag in tags]
        if tag_rows:
            _insert_rows(through._meta.db_table, "customer_id, tag_id", tag_rows)
    actor = kind.actor.pk if kind.actor is not None and kind.actor.pk else None
    # The audit entries as AuditEntry.objects.bulk_create would write them (the JSON
    # fields as Django's JSONField dumps them), without an instance each: a re-import
    # audits tens of thousands of changed customers.
    if plan.audits:
        _insert_rows(
            AuditEntry._meta.db_table,
            "at, actor_id, action, object_type, object_id, object_repr, before, after, ip",
            [
                (
                    stamp,
                    actor,
                    "customer.update",
                    "customers.customer",
                    str(pk),
                    name[:200],
                    json.dumps(before),
                    json.dumps({**after, "via": "import"}),
                    None,
                )
                for pk, name, before, after in plan.audits
            ],
        )


# -- the export ---------------------------------------------------------------------------


class _Plan:
    """A batch's new customers and the changes to those kefu has."""

    def __init__(self) -> None:
        self.new: list[Record] = []
        # (pk, (name, address, region, tier, token, index)) for each changed customer; the
        # token and index None where the ID number stays as it is
        self.updates: list[tuple[int, tuple[Any, ...]]] = []
        self.phones: list[tuple[int, list[str]]] = []
        self.tags: list[tuple[int, list[int]]] = []
        self.audits: list[tuple[int, str, dict[str, Any], dict[str, Any]]] = []
        self.old_phones: dict[int, list[str]] = {}
        self.old_tags: dict[int, list[int]] = {}
        self._encrypt: Any = None

    def compare(
        self,
        kind: CustomerImporter,
        r: Record,
        old: Existing,
        had_phones: list[str],
        had_tags: list[int],
        index: Any,
    ) -> list[str]:
        """What the row changes, as the report says it; the update is noted in the plan."""
        if (  # most rows of a re-import change nothing: said at once
            r.name == old.name
            and (not isinstance(r.id_number, str) or index(r.id_number) == old.id_index)
            and (not isinstance(r.address, str) or r.address == old.address)
            and (r.region is KEEP or r.region == old.region)
            and (not isinstance(r.tier, str) or r.tier == old.tier)
            and (not isinstance(r.phones, list) or r.phones == had_phones)
            and (not isinstance(r.tags, list) or sorted(r.tags) == had_tags)
        ):
            return []
        labels = kind.labels
        texts: list[str] = []
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}

        def note(key: str, field: str, was: Any, now: Any, shown: tuple[str, str]) -> None:
            texts.append(
                _("%(field)s: %(before)s → %(after)s")
                % {
                    "field": labels[key],
                    "before": shown[0] or _("(empty)"),
                    "after": shown[1] or _("(empty)"),
                }
            )
            before[field], after[field] = was, now

        name, address, region, tier = old.name, old.address, old.region, old.tier
        token: str | None = None
        id_index: str | None = None
        if r.name != name:
            note("name", "name", name, r.name, (name, r.name))
            name = r.name
        if isinstance(r.id_number, str) and index(r.id_number) != old.id_index:
            was = mask_id_number(_clear(_token(old.pk)))
            now = mask_id_number(r.id_number)
            note("id_number", "id_number", was, now, (was, now))
            if self._encrypt is None:
                self._encrypt = encrypter()
            token, id_index = self._encrypt(r.id_number), index(r.id_number)
        if isinstance(r.address, str) and r.address != address:
            shown = (mask_address(address), mask_address(r.address))
            if shown[0] == shown[1]:
                shown = (shown[0], _("(details changed)"))
            note("address", "address", address, r.address, shown)
            address = r.address
        if r.region is not KEEP and r.region != region:
            labels_of = kind.region_labels
            shown = (
                labels_of[region] if region is not None else "",
                labels_of[r.region] if r.region is not None else "",
            )
            note("region", "region", shown[0], shown[1], shown)
            region = r.region
        if isinstance(r.tier, str) and r.tier != tier:
            shown = (str(Tier(tier).label), str(Tier(r.tier).label))
            note("tier", "tier", tier, r.tier, shown)
            tier = r.tier
        if isinstance(r.phones, list) and r.phones != had_phones:
            shown = (JOIN.join(map(mask_phone, had_phones)), JOIN.join(map(mask_phone, r.phones)))
            note("phones", "phones", had_phones, r.phones, shown)
            self.phones.append((old.pk, r.phones))
        if isinstance(r.tags, list) and sorted(r.tags) != had_tags:
            names = kind.tag_names
            shown = (
                JOIN.join(sorted(names[t] for t in had_tags)),
                JOIN.join(sorted(names[t] for t in r.tags)),
            )
            note("tags", "tags", shown[0], shown[1], shown)
            self.tags.append((old.pk, r.tags))
        if texts:
            self.updates.append((old.pk, (name, address, region, tier, token, id_index)))
            self.audits.append((old.pk, name, before, after))
        return texts


def _token(pk: int) -> str:
    """The customer's ID number token, read only for the few rows that change it: the
    look-up of every row (`_look_up`) leaves the tokens out."""
    return str(Customer.objects.filter(pk=pk).values_list("id_number_encrypted", flat=True).get())


def _clear(token: str) -> str:
    from kefu.core.crypto import decrypt

    return decrypt(token)


def _kind(number: str) -> str:
    """`phone_kind` of a number `normalize_phone` made: an 11-digit number from 1 is a
    mobile, any other a fixed line (with its trunk 0), without phone_kind's checks of
    what normalize_phone has checked already."""
    return MOBILE if len(number) == 11 and number[0] == "1" else FIXED
