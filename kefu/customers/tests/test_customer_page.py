"""The customer page (issue 15, 18b): its editors change tier, tags and notes through the
same service and version check as the API, and keep the customer's documents, checked
like every upload, audited, opened only by those who may see personal data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import AuditEntry, User
from kefu.customers.models import Customer, CustomerDocument, Tag
from kefu.customers.services import customer_create, customer_update

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


@pytest.fixture
def customer(
    users: dict[str, User], tags: dict[str, Tag], settings: Any, tmp_path: Any
) -> Customer:
    settings.MEDIA_ROOT = tmp_path
    return customer_create(
        actor=users["agent"], name="王建国", phones=["13812345678"], id_number="11010519491231002X"
    )


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_an_agent_changes_tier_tags_and_notes_on_the_page(
    users: dict[str, User], customer: Customer
) -> None:
    client = signed_in(users["agent"])
    page = client.get(f"/customers/{customer.pk}/")
    assert page.status_code == 200
    assert "保存客户等级、标签和备注" in page.content.decode()

    # The notes may hold personal data: masked on the page, in clear only on purpose.
    customer_update(actor=users["agent"], customer=customer, notes="备用电话13900001111")
    customer.refresh_from_db()
    page = client.get(f"/customers/{customer.pk}/")
    assert "139****1111" in page.content.decode()
    assert "13900001111" not in page.content.decode()
    page = client.get(f"/customers/{customer.pk}/?notes=edit")
    assert "13900001111" in page.content.decode()
    assert AuditEntry.objects.filter(
        action="customer.view_personal_data", actor=users["agent"], object_id=str(customer.pk)
    ).exists()

    response = client.post(
        f"/customers/{customer.pk}/edit",
        {
            "version": customer.version,
            "tier": "vip",
            "tags": ["sensitive"],
            "edit_notes": "True",
            "notes": "只接受上午来电",
        },
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.tier == "vip"
    assert customer.notes == "只接受上午来电"
    assert [tag.code for tag in customer.tags.all()] == ["sensitive"]
    entry = AuditEntry.objects.filter(action="customer.update", object_id=str(customer.pk)).latest(
        "id"
    )
    assert entry.actor == users["agent"]
    assert entry.after is not None
    assert entry.after["tags"] == ["sensitive"] and entry.after["tier"] == "vip"


def test_a_stale_form_is_refused_and_keeps_what_was_typed(
    users: dict[str, User], customer: Customer
) -> None:
    client = signed_in(users["agent"])
    stale = customer.version
    customer_update(actor=users["backoffice"], customer=customer, notes="后台先改了")
    response = client.post(
        f"/customers/{customer.pk}/edit",
        {"version": stale, "tier": "vip", "edit_notes": "True", "notes": "我写的备注，不能丢"},
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert "有人在此期间修改了这位客户" in text
    assert "我写的备注，不能丢" in text
    customer.refresh_from_db()
    assert customer.notes == "后台先改了" and customer.tier == "general"


def test_roles_that_may_not_edit_see_no_form_and_are_refused(
    users: dict[str, User], customer: Customer
) -> None:
    client = signed_in(users["qa"])
    assert (
        "保存客户等级、标签和备注" not in client.get(f"/customers/{customer.pk}/").content.decode()
    )
    response = client.post(
        f"/customers/{customer.pk}/edit", {"version": customer.version, "tier": "vip"}
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.tier == "general"


def test_documents_are_kept_checked_audited_and_opened_only_with_the_right(
    users: dict[str, User], customer: Customer, settings: Any
) -> None:
    agent = signed_in(users["agent"])
    contract = SimpleUploadedFile("供用电合同.pdf", PDF, content_type="application/pdf")
    response = agent.post(
        f"/customers/{customer.pk}/documents", {"kind": "contract", "file": contract}
    )
    assert response.status_code == 302
    document = CustomerDocument.objects.get(customer=customer)
    assert (document.name, document.kind, document.size) == ("供用电合同.pdf", "contract", len(PDF))
    assert AuditEntry.objects.filter(action="customer.document_add").count() == 1

    # A program named as a PDF is refused with the reason, and nothing is kept.
    fake = SimpleUploadedFile("申请书.pdf", EXE, content_type="application/pdf")
    refused = agent.post(
        f"/customers/{customer.pk}/documents", {"kind": "application", "file": fake}
    )
    assert refused.status_code == 400
    assert "“申请书.pdf”的内容与文件名所示的类型不符" in refused.content.decode()
    settings.KEFU_CUSTOMER_DOCUMENT_MAX_BYTES = 10
    large = SimpleUploadedFile("申请书.pdf", PDF, content_type="application/pdf")
    too_large = agent.post(
        f"/customers/{customer.pk}/documents", {"kind": "application", "file": large}
    )
    assert too_large.status_code == 400
    assert CustomerDocument.objects.count() == 1

    opened = agent.get(f"/customers/documents/{document.pk}")
    assert opened.status_code == 200
    assert b"".join(opened.streaming_content) == PDF  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(
        action="customer.document_download", actor=users["agent"]
    ).exists()
    # A team leader sees the document listed but may not open personal data.
    leader = signed_in(users["leader"])
    assert "供用电合同.pdf" in leader.get(f"/customers/{customer.pk}/").content.decode()
    assert leader.get(f"/customers/documents/{document.pk}").status_code == 403
    # Another centre's user does not even learn that it exists.
    stranger = User.objects.create_user(username="stranger", password=PASSWORD)
    assert signed_in(stranger).get(f"/customers/documents/{document.pk}").status_code in {403, 404}

    removed = agent.post(f"/customers/documents/{document.pk}/remove")
    assert removed.status_code == 302
    assert not CustomerDocument.objects.exists()
    assert AuditEntry.objects.filter(action="customer.document_remove").count() == 1


def test_anonymising_the_customer_deletes_their_documents(
    users: dict[str, User], customer: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    from kefu.customers.privacy import customer_anonymise
    from kefu.customers.services import customer_document_add

    document = customer_document_add(
        actor=users["agent"],
        customer=customer,
        upload=SimpleUploadedFile("身份证复印件.pdf", PDF),
        kind="application",
    )
    stored = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        customer_anonymise(actor=users["manager"], customer=customer, reason="客户来电要求删除")
    assert not CustomerDocument.objects.filter(customer=customer).exists()
    import os

    assert not os.path.exists(stored)
