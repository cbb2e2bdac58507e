"""ID numbers encrypted at rest, found by their blind index, under keys that rotate."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from kefu.conftest import ApiClient, migrated_back_to
from kefu.core import crypto
from kefu.core.models import AuditEntry, User
from kefu.customers.models import Customer
from kefu.customers.services import customer_create

ID_NUMBER = "11010519491231002X"
OTHER_ID_NUMBER = "110105195001010012"


def _raw(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return repr(cursor.fetchall())


@pytest.mark.django_db
def test_id_numbers_are_not_in_the_database_in_clear_and_search_still_finds_them(
    api_as: Callable[[str], ApiClient], users: dict[str, User]
) -> None:
    agent = api_as("agent")
    created = agent.post(
        "/api/v1/customers",
        {"name": "王建国", "phones": ["13812345678"], "id_number": ID_NUMBER},
    ).json()
    changed = agent.patch(f"/api/v1/customers/{created['id']}", {"id_number": OTHER_ID_NUMBER})
    assert changed.status_code == 200, changed.content

    # What a stolen database file holds: the archive and the audit log's pictures of it.
    stored = _raw("SELECT * FROM customers_customer") + _raw(
        "SELECT before, after, object_repr FROM core_auditentry"
    )
    for number in (ID_NUMBER, OTHER_ID_NUMBER):
        assert number not in stored
        assert number[6:14] not in stored  # not even the birth date in the middle
    change = AuditEntry.objects.get(action="customer.update")
    assert change.before == {"id_number": "110105********002X"}
    assert change.after == {"id_number": "110105********0012"}

    # Search by `q` (written in lower case too) and the three-field check go by the index.
    found = agent.get("/api/v1/customers", q=OTHER_ID_NUMBER.lower()).json()
    assert [row["id"] for row in found["items"]] == [created["id"]]
    assert found["items"][0]["id_number"] == "110105********0012"
    assert agent.get("/api/v1/customers", q=ID_NUMBER).json()["count"] == 0
    check = agent.post(
        "/api/v1/customers/identity-check",
        {"phone": "13812345678", "name": "王建国", "id_number": OTHER_ID_NUMBER},
    )
    assert check.json() == {"matched": True, "customer_id": created["id"]}
    # Audited unmasking shows the number in clear.
    unmasked = agent.get(f"/api/v1/customers/{created['id']}", unmask="true").json()
    assert unmasked["id_number"] == OTHER_ID_NUMBER


def test_keys_file_is_created_for_the_owner_only() -> None:
    from django.conf import settings

    path = Path(settings.KEFU_DATA_KEYS_FILE)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    keys = crypto.parse_keys(path.read_text())
    assert len(keys.index_key) == 32 and len(keys.keys) >= 1


@pytest.fixture
def key_file(settings: Any, tmp_path: Path) -> Path:
    """A key file of the test's own, as DATA_DIR/data_keys would be."""
    path = tmp_path / "data_keys"
    crypto.keys_file_write(
        path,
        crypto.DataKeys(index_key=os.urandom(32), keys=(crypto.new_key(),)),
    )
    settings.KEFU_DATA_KEYS = ""
    settings.KEFU_DATA_KEYS_FILE = path
    return path


@pytest.mark.django_db
def test_rotation_reencrypts_in_batches_is_safe_to_rerun_and_retires_old_keys(
    key_file: Path, users: dict[str, User]
) -> None:
    customers = [
        customer_create(
            actor=users["agent"],
            name=f"客户{index}",
            id_number=number,
        )
        for index, number in enumerate([ID_NUMBER, OTHER_ID_NUMBER, "320106199001010016"])
    ]
    old = crypto.parse_keys(key_file.read_text()).keys[0]
    out = StringIO()

    call_command("datakeys", "rotate", "--batch", "2", stdout=out)

    keys = crypto.parse_keys(key_file.read_text())
    assert keys.keys[1:] == (old,) and keys.keys[0] != old
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert "3 ID number(s) re-encrypted" in out.getvalue()
    for customer in Customer.objects.all():
        # The new key alone opens every value now.
        Fernet(keys.keys[0]).decrypt(customer.id_number_encrypted.encode())
    out = StringIO()
    call_command("datakeys", "reencrypt", stdout=out)
    assert "0 ID number(s) re-encrypted" in out.getvalue()

    call_command("datakeys", "retire", stdout=StringIO())
    assert crypto.parse_keys(key_file.read_text()).keys == (keys.keys[0],)
    for customer in customers:
        fresh = Customer.objects.get(pk=customer.pk)
        assert fresh.id_number == customer.id_number
    assert Customer.objects.filter(id_number_index=crypto.blind_index(ID_NUMBER)).count() == 1


@pytest.mark.django_db
def test_retiring_a_key_still_needed_is_refused(key_file: Path, users: dict[str, User]) -> None:
    customer_create(actor=users["agent"], name="王建国", id_number=ID_NUMBER)
    keys = crypto.parse_keys(key_file.read_text())
    # A new key put first by hand, nothing re-encrypted yet.
    crypto.keys_file_write(
        key_file, crypto.DataKeys(index_key=keys.index_key, keys=(crypto.new_key(), *keys.keys))
    )

    with pytest.raises(Exception, match="still need an older key"):
        call_command("datakeys", "retire", stdout=StringIO())
    assert len(crypto.parse_keys(key_file.read_text()).keys) == 2


@pytest.mark.django_db
def test_environment_keys_override_the_file(
    key_file: Path, settings: Any, users: dict[str, User]
) -> None:
    customer = customer_create(actor=users["agent"], name="王建国", id_number=ID_NUMBER)
    file_keys = crypto.parse_keys(key_file.read_text())
    other = crypto.DataKeys(index_key=os.urandom(32), keys=(crypto.new_key(),))
    settings.KEFU_DATA_KEYS = " ".join(
        line for line in crypto.keys_text(other).splitlines() if not line.startswith("#")
    )

    with pytest.raises(ImproperlyConfigured, match="opens with none of the keys"):
        _ = Customer.objects.get(pk=customer.pk).id_number
    with pytest.raises(Exception, match="KEFU_DATA_KEYS is set"):
        call_command("datakeys", "rotate", stdout=StringIO())

    # The machines' environment carries the file's keys, new key first: both decrypt.
    entries = [f"key:{crypto.new_key()}", *(f"key:{key}" for key in file_keys.keys)]
    index = crypto.keys_text(file_keys).split("index:")[1].split()[0]
    settings.KEFU_DATA_KEYS = ",".join([f"index:{index}", *entries])
    assert Customer.objects.get(pk=customer.pk).id_number == ID_NUMBER
    call_command("datakeys", "reencrypt", stdout=StringIO())
    token = Customer.objects.get(pk=customer.pk).id_number_encrypted
    Fernet(entries[0].removeprefix("key:")).decrypt(token.encode())


@pytest.mark.django_db(transaction=True)
def test_migrations_encrypt_existing_id_numbers_and_drop_the_clear_column(
    users: dict[str, User],
) -> None:
    with migrated_back_to([("customers", "0002_customer_id_number_encrypted_columns")]) as state:
        OldCustomer = state.apps.get_model("customers", "Customer")
        OldAudit = state.apps.get_model("core", "AuditEntry")
        old = OldCustomer.objects.create(
            centre_id=users["agent"].centre_id, name="旧客户", id_number=ID_NUMBER
        )
        OldAudit.objects.create(
            action="customer.create",
            object_type="customers.customer",
            object_id=str(old.pk),
            after={"name": "旧客户", "id_number": ID_NUMBER},
        )

    columns = [
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), "customers_customer"
        )
    ]
    assert "id_number" not in columns
    migrated = Customer.objects.get(pk=old.pk)
    assert migrated.id_number == ID_NUMBER
    assert ID_NUMBER not in _raw("SELECT * FROM customers_customer")
    assert ID_NUMBER not in _raw("SELECT before, after FROM core_auditentry")
    entry = AuditEntry.objects.get(object_type="customers.customer", object_id=str(old.pk))
    assert entry.after == {"name": "旧客户", "id_number": "110105********002X"}
    assert list(Customer.objects.filter(id_number_index=crypto.blind_index(ID_NUMBER))) == [
        migrated
    ]


def test_the_bulk_helpers_give_what_the_single_value_functions_give() -> None:
    """An import encrypts and indexes a batch with the key looked up once: the same
    digests, and tokens the ordinary decrypt opens."""
    encrypt_one = crypto.encrypter()
    index_one = crypto.blind_indexer()
    for value in (ID_NUMBER, OTHER_ID_NUMBER, ""):
        assert crypto.decrypt(encrypt_one(value)) == value
        assert index_one(value) == crypto.blind_index(value)
    accounts = crypto.blind_indexer(purpose="account_number")
    assert accounts("0101") == crypto.blind_index("0101", purpose="account_number")
    assert accounts("0101") != index_one("0101")


def test_a_batch_is_encrypted_into_the_tokens_fernet_itself_makes() -> None:
    """`encrypt_many` (an import's batch, issue 16 point 4) writes Fernet's own tokens:
    each the very token `Fernet` builds from the same time and IV, which the ordinary
    decrypt opens; values of every padded length, empty ones left empty."""
    values = [ID_NUMBER, "", "a", "x" * 15, "y" * 16, "中文" * 9, OTHER_ID_NUMBER, "z" * 100]
    tokens = crypto.encrypt_many(values)
    assert [crypto.decrypt(token) for token in tokens] == values
    assert tokens[1] == ""
    assert len(set(tokens)) == len(tokens)  # a fresh IV for each, equal values included
    fernet = crypto.data_keys().current
    for value, token in zip(values, tokens, strict=True):
        if value:
            raw = base64.urlsafe_b64decode(token)
            at, iv = int.from_bytes(raw[1:9], "big"), raw[9:25]
            assert fernet._encrypt_from_parts(value.encode(), at, iv).decode() == token
    assert crypto.encrypt_many([ID_NUMBER, ID_NUMBER])[0] != crypto.encrypt_many([ID_NUMBER])[0]


@pytest.mark.parametrize("length", [16, 32, 64, 65, 100])
def test_the_prepared_hmac_gives_the_standard_digest(length: int) -> None:
    key = os.urandom(length)
    digest = crypto._hmac_sha256(key, b"purpose\x00")
    for message in (b"", b"0101", os.urandom(300)):
        assert digest(message) == hmac.new(key, b"purpose\x00" + message, hashlib.sha256).digest()
