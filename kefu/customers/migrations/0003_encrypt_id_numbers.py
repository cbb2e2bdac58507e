"""Step 2: encrypt every ID number into the new columns, and mask the ID numbers that the
audit log's before/after pictures of customers hold in clear.

The key handling is written out here rather than imported: a migration must keep doing
what it did when it was written, whatever kefu/core/crypto.py becomes (the format of the
keys is the one documented there).
"""

import base64
import hashlib
import hmac
import re
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import migrations

BATCH = 1000


def _keys() -> tuple[bytes, list[Fernet]]:
    text = getattr(settings, "KEFU_DATA_KEYS", "") or Path(settings.KEFU_DATA_KEYS_FILE).read_text()
    index_key = b""
    fernets: list[Fernet] = []
    for line in text.splitlines():
        for entry in re.split(r"[\s,]+", line.split("#", 1)[0].strip()):
            kind, _colon, value = entry.partition(":")
            if kind == "index" and not index_key:
                index_key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            elif kind == "key":
                fernets.append(Fernet(value))
    if not index_key or not fernets:
        raise RuntimeError("kefu data keys: need an index: and a key: entry")
    return index_key, fernets


def _mask(value: str) -> str:
    text = value.strip()
    if len(text) <= 10:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"


def encrypt(apps, schema_editor):  # type: ignore[no-untyped-def]
    Customer = apps.get_model("customers", "Customer")
    AuditEntry = apps.get_model("core", "AuditEntry")
    index_key, fernets = _keys()
    rows = Customer.objects.exclude(id_number="").filter(id_number_encrypted="").order_by("pk")
    while batch := list(rows[:BATCH]):
        for customer in batch:
            clear = customer.id_number
            customer.id_number_encrypted = fernets[0].encrypt(clear.encode()).decode()
            customer.id_number_index = hmac.new(
                index_key, f"id_number\x00{clear}".encode(), hashlib.sha256
            ).hexdigest()
            customer.id_number = ""
        Customer.objects.bulk_update(
            batch, ["id_number", "id_number_encrypted", "id_number_index"]
        )
    entries = AuditEntry.objects.filter(object_type="customers.customer").order_by("pk")
    for entry in entries.iterator(chunk_size=BATCH):
        changed = False
        for side in ("before", "after"):
            picture = getattr(entry, side)
            if isinstance(picture, dict) and picture.get("id_number"):
                masked = _mask(str(picture["id_number"]))
                if masked != picture["id_number"]:
                    picture["id_number"] = masked
                    changed = True
        if changed:
            # QuerySet.update: the audit model refuses save() on an existing row.
            AuditEntry.objects.filter(pk=entry.pk).update(before=entry.before, after=entry.after)


def decrypt(apps, schema_editor):  # type: ignore[no-untyped-def]
    Customer = apps.get_model("customers", "Customer")
    fernet = MultiFernet(_keys()[1])
    rows = Customer.objects.exclude(id_number_encrypted="").filter(id_number="").order_by("pk")
    while batch := list(rows[:BATCH]):
        for customer in batch:
            customer.id_number = fernet.decrypt(customer.id_number_encrypted.encode()).decode()
            customer.id_number_encrypted = ""
            customer.id_number_index = ""
        Customer.objects.bulk_update(
            batch, ["id_number", "id_number_encrypted", "id_number_index"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_customer_id_number_encrypted_columns"),
        ("core", "0004_calendar_revision"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
