"""Idempotency-Key on every create operation, through real requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from kefu.conftest import ApiClient, race, token_for
from kefu.core.models import IdempotencyKey, User
from kefu.core.tasks import purge_idempotency_keys
from kefu.customers.models import Customer


def post(api: ApiClient, path: str, body: Any, key: str | None) -> Any:
    headers = {**api.headers, **({"Idempotency-Key": key} if key is not None else {})}
    return api.client.post(path, data=body, content_type="application/json", headers=headers)


BODY = {"name": "王建国", "phones": ["13812345678"]}


@pytest.mark.django_db
def test_a_retry_with_the_same_key_gets_the_first_answer_and_creates_nothing(
    api_as: Callable[[str], ApiClient],
) -> None:
    agent = api_as("agent")
    first = post(agent, "/api/v1/customers", BODY, "retry-1")
    reordered = {"phones": ["13812345678"], "name": "王建国"}
    again = post(agent, "/api/v1/customers", reordered, "retry-1")
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Customer.objects.count() == 1
    # Without a key, or with another one, a request is a new request.
    assert post(agent, "/api/v1/customers", BODY, "retry-2").status_code == 201
    assert post(agent, "/api/v1/customers", BODY, None).status_code == 201
    assert Customer.objects.count() == 3


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(api_as: Callable[[str], ApiClient]) -> None:
    agent = api_as("agent")
    assert post(agent, "/api/v1/customers", BODY, "k").status_code == 201
    response = post(agent, "/api/v1/customers", {**BODY, "name": "李四"}, "k")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert list(Customer.objects.values_list("name", flat=True)) == ["王建国"]


@pytest.mark.django_db
def test_keys_belong_to_one_user_and_one_route(
    api_as: Callable[[str], ApiClient], users: dict[str, User]
) -> None:
    agent, backoffice = api_as("agent"), api_as("backoffice")
    assert post(agent, "/api/v1/customers", BODY, "shared").status_code == 201
    mine = post(backoffice, "/api/v1/customers", BODY, "shared")
    assert mine.status_code == 201 and "Idempotent-Replayed" not in mine.headers
    assert Customer.objects.count() == 2
    contact = {
        "channel": "hotline",
        "caller_number": "13812345678",
        "started_at": "2026-11-20T09:00:00+08:00",
        "summary": "咨询",
        "settled": True,
    }
    assert post(agent, "/api/v1/contacts", contact, "shared").status_code == 201


@pytest.mark.django_db
def test_a_malformed_key_is_refused_and_the_quoted_form_is_accepted(
    api_as: Callable[[str], ApiClient],
) -> None:
    agent = api_as("agent")
    for bad in ["", "x" * 256, "带中文"]:
        response = post(agent, "/api/v1/customers", BODY, bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "idempotency_key_invalid"
    assert not Customer.objects.exists()
    assert post(agent, "/api/v1/customers", BODY, '"abc"').status_code == 201
    assert post(agent, "/api/v1/customers", BODY, "abc").headers["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_keys_expire_after_the_stated_time(
    api_as: Callable[[str], ApiClient], settings: Any
) -> None:
    agent = api_as("agent")
    assert post(agent, "/api/v1/customers", BODY, "old").status_code == 201
    day_ago = timezone.now() - timedelta(seconds=settings.KEFU_IDEMPOTENCY_KEY_TTL + 1)
    IdempotencyKey.objects.update(created_at=day_ago)
    again = post(agent, "/api/v1/customers", BODY, "old")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert Customer.objects.count() == 2
    IdempotencyKey.objects.update(created_at=day_ago)
    assert purge_idempotency_keys() == 1 and not IdempotencyKey.objects.exists()
    schedule = Schedule.objects.get(func="kefu.core.tasks.purge_idempotency_keys")
    assert schedule.schedule_type == Schedule.HOURLY


@pytest.mark.django_db
def test_an_answer_of_the_handler_is_kept_but_a_refused_request_keeps_nothing(
    api_as: Callable[[str], ApiClient],
) -> None:
    agent = api_as("agent")
    # Invalid input never reaches the handler: nothing is kept, the corrected retry runs.
    assert post(agent, "/api/v1/customers", {"phones": "x"}, "v").status_code == 422
    assert not IdempotencyKey.objects.exists()
    # The handler's own refusal is the answer to that request, and stays its answer.
    missing = {
        "channel": "hotline",
        "summary": "x",
        "customer_id": 999999,
        "settled": True,
        "started_at": "2026-11-20T09:00:00+08:00",
    }
    first = post(agent, "/api/v1/contacts", missing, "m")
    assert 400 <= first.status_code < 500
    again = post(agent, "/api/v1/contacts", missing, "m")
    assert (again.status_code, again.content) == (first.status_code, first.content)


def test_every_create_operation_documents_the_header() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    creates = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "post" and "201" in {str(code) for code in operation["responses"]}:
                names = {parameter["name"] for parameter in operation.get("parameters", [])}
                assert "Idempotency-Key" in names, path
                creates.append(path)
    assert "/api/v1/customers" in creates and "/api/v1/tickets" in creates
    token = schema["paths"]["/api/v1/auth/token"]["post"]
    assert "Idempotency-Key" not in {p["name"] for p in token.get("parameters", [])}


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_object(
    users: dict[str, User],
) -> None:
    agent = ApiClient(token_for(users["agent"].username))

    def create() -> tuple[int, bytes]:
        response = post(agent, "/api/v1/customers", BODY, "at-once")
        return response.status_code, response.content

    results = race([create] * 4)
    assert Customer.objects.count() == 1
    statuses = [status for status, _body in results]
    assert set(statuses) <= {201, 409} and 201 in statuses, results
    assert len({body for status, body in results if status == 201}) == 1


@pytest.mark.django_db
def test_an_upload_retried_with_a_new_multipart_boundary_is_the_same_request(
    api_as: Callable[[str], ApiClient], settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kefu.knowledge.models import Attachment

    settings.MEDIA_ROOT = tmp_path
    editor = api_as("editor")
    article = post(
        editor, "/api/v1/knowledge/articles", {"title": "停电", "body": "正文", "kind": "faq"}, None
    ).json()
    url = f"/api/v1/knowledge/articles/{article['id']}/attachments"

    def upload(content: bytes, boundary: str) -> Any:
        from django.test.client import encode_multipart

        data = {"file": SimpleUploadedFile("申请表.pdf", content, content_type="application/pdf")}
        return editor.client.post(
            url,
            data=encode_multipart(boundary, data),
            content_type=f"multipart/form-data; boundary={boundary}",
            headers={**editor.headers, "Idempotency-Key": "upload-1"},
        )

    first = upload(b"%PDF-1.4 one", "boundary-one")
    again = upload(b"%PDF-1.4 one", "boundary-two")
    assert first.status_code == again.status_code == 201, first.content
    assert again.headers["Idempotent-Replayed"] == "true" and again.content == first.content
    assert upload(b"%PDF-1.4 two", "boundary-three").status_code == 422
    assert Attachment.objects.count() == 1
