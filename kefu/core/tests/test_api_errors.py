"""Every error status the API uses, each with the one body shape `{code, message, detail}`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.conftest import ApiClient
from kefu.core.models import User

pytestmark = pytest.mark.django_db


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = dict(response.json())
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_400_for_a_body_that_is_not_json(users: dict[str, User]) -> None:
    from kefu.conftest import token_for

    response = Client().post(
        "/api/v1/customers",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for('agent')}"},
    )
    assert_error(response, 400, "bad_request")


def test_401_without_credentials(anonymous: ApiClient) -> None:
    assert_error(anonymous.get("/api/v1/customers"), 401, "unauthenticated")


def test_401_with_an_unknown_token(db: None) -> None:
    assert_error(ApiClient("not-a-token").get("/api/v1/customers"), 401, "unauthenticated")


def test_401_for_wrong_password(users: dict[str, User], anonymous: ApiClient) -> None:
    response = anonymous.post("/api/v1/auth/token", {"username": "agent", "password": "wrong"})
    assert_error(response, 401, "unauthenticated")


def test_token_works_and_expires(users: dict[str, User], settings: Any) -> None:
    from kefu.conftest import token_for
    from kefu.core.models import ApiToken

    api = ApiClient(token_for("agent"))
    assert api.get("/api/v1/me").json()["role"] == "agent"
    ApiToken.objects.update(expires_at="2000-01-01T00:00:00Z")
    assert_error(api.get("/api/v1/me"), 401, "unauthenticated")


def test_403_for_a_role_without_the_permission(api_as: Callable[[str], ApiClient]) -> None:
    assert_error(api_as("editor").get("/api/v1/customers"), 403, "forbidden")


def test_404_for_a_missing_customer(api_as: Callable[[str], ApiClient]) -> None:
    assert_error(api_as("agent").get("/api/v1/customers/999999"), 404, "customer_not_found")


def test_404_for_an_unknown_path(api_as: Callable[[str], ApiClient]) -> None:
    response = api_as("agent").get("/api/v1/no-such-thing")
    assert response.status_code == 404


def test_409_for_a_stale_version(api_as: Callable[[str], ApiClient]) -> None:
    api = api_as("agent")
    created = api.post("/api/v1/customers", {"name": "张三"}).json()
    api.patch(f"/api/v1/customers/{created['id']}", {"version": 1, "notes": "一"})
    body = assert_error(
        api.patch(f"/api/v1/customers/{created['id']}", {"version": 1, "notes": "二"}),
        409,
        "version_conflict",
    )
    assert body["detail"] == {"current_version": 2}


def test_422_for_a_schema_violation_names_the_field(api_as: Callable[[str], ApiClient]) -> None:
    body = assert_error(
        api_as("agent").post("/api/v1/customers", {"name": "", "tier": "gold"}),
        422,
        "validation_error",
    )
    locations = {tuple(error["loc"]) for error in body["detail"]}
    assert ("body", "payload", "name") in locations
    assert ("body", "payload", "tier") in locations


def test_422_for_a_domain_rule(api_as: Callable[[str], ApiClient]) -> None:
    body = assert_error(
        api_as("agent").post("/api/v1/customers", {"name": "张三", "phones": ["110"]}),
        422,
        "phone_invalid",
    )
    assert body["detail"] == {"field": "phones[0]"}


def test_messages_are_chinese_by_default_and_english_on_request(
    api_as: Callable[[str], ApiClient],
) -> None:
    api = api_as("editor")
    chinese = api.get("/api/v1/customers").json()["message"]
    api.headers["Accept-Language"] = "en"
    english = api.get("/api/v1/customers").json()["message"]

    assert chinese == "您没有执行此操作的权限。"
    assert english == "You do not have permission to do this."


def test_pages_call_the_api_with_their_session_and_csrf_token(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["agent"])
    assert client.get("/api/v1/me").json()["username"] == "agent"

    without_token = client.post(
        "/api/v1/customers", data={"name": "张三"}, content_type="application/json"
    )
    assert_error(without_token, 403, "csrf_failed")
    client.get("/login/")  # sets the CSRF cookie, as any page does
    with_token = client.post(
        "/api/v1/customers",
        data={"name": "张三"},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert with_token.status_code == 201, with_token.content
