"""The export of the centre's archive in the import's own shape, a chunk at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from kefu.core.crypto import data_keys
from kefu.core.masking import mask_address, mask_id_number, mask_phone
from kefu.customers.imports.values import EXPORT_CHUNK, JOIN
from kefu.customers.models import Customer, CustomerPhone, Tier

if TYPE_CHECKING:
    from kefu.customers.imports.kind import CustomerImporter


def export_chunks(
    kind: CustomerImporter, *, personal: bool, clear_ids: bool
) -> Iterator[Sequence[Any]]:
    from kefu.core.services import audit_record

    audit_record(
        actor=kind.actor,
        action="customer.export",
        obj=kind.centre,
        after={
            "id_numbers": "clear" if clear_ids else "masked",
            "personal_data": "clear" if personal else "masked",
            "via": "cli" if kind.actor is None else "web",
        },
    )
    tiers = {value: str(label) for value, label in Tier.choices}
    fernet = data_keys().fernet
    last = 0
    while True:
        chunk = list(
            Customer.objects.filter(centre=kind.centre, pk__gt=last, account_number__isnull=False)
            .order_by("pk")
            .values_list(
                "pk",
                "account_number",
                "name",
                "id_number_encrypted",
                "address",
                "region_id",
                "tier",
            )[:EXPORT_CHUNK]
        )
        if not chunk:
            return
        last = chunk[-1][0]
        ids = [row[0] for row in chunk]
        phones: dict[int, list[str]] = {}
        for pk, number in (
            CustomerPhone.objects.filter(customer_id__in=ids)
            .order_by("customer_id", "position", "id")
            .values_list("customer_id", "number")
        ):
            phones.setdefault(pk, []).append(number)
        tags: dict[int, list[str]] = {}
        for pk, tag in Customer.tags.through.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "tag_id"
        ):
            tags.setdefault(pk, []).append(kind.tag_names[tag])
        for pk, account, name, token, address, region, tier in chunk:
            id_number = fernet.decrypt(token.encode()).decode() if token else ""
            numbers = phones.get(pk, [])
            yield [
                account,
                name,
                JOIN.join(numbers if personal else map(mask_phone, numbers)),
                id_number if clear_ids else mask_id_number(id_number),
                address if personal else mask_address(address),
                kind.region_labels.get(region, "") if region is not None else "",
                tiers.get(tier, tier),
                JOIN.join(sorted(tags.get(pk, []))),
            ]
