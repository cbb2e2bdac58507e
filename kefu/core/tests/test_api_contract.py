"""The API's contract: bounded numbers, strict bodies, enums with unique names, and every
status a route answers documented with the one error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

import jsonschema_rs
import pytest
from django.test import Client

from kefu.conftest import ApiClient
from kefu.core.models import User
from kefu.core.schemas import MAX_OFFSET
from kefu.core.tests.test_api_errors import assert_error
from kefu.customers.models import Customer
from kefu.customers.services import customer_create

pytestmark = pytest.mark.django_db

TOO_BIG = 9223372036854775808  # 2**63: one past the largest integer the databases hold


@pytest.fixture
def openapi(db: None) -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


@pytest.fixture
def customer(users: dict[str, User]) -> Customer:
    return customer_create(actor=users["agent"], name="王建国", phones=["13812345678"])


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("manager", "/api/v1/customers"),
        ("manager", "/api/v1/contacts"),
        ("manager", "/api/v1/tickets"),
        ("manager", "/api/v1/knowledge/articles"),
        ("editor", "/api/v1/knowledge/feedback"),
        ("manager", "/api/v1/customers/{customer}/history"),
    ],
)
def test_an_offset_past_the_bound_is_refused_not_a_server_error(
    api_as: Callable[[str], ApiClient], customer: Customer, role: str, path: str
) -> None:
    api = api_as(role)
    path = path.format(customer=customer.pk)
    for offset in (TOO_BIG, MAX_OFFSET + 1):
        body = assert_error(api.get(path, offset=offset), 422, "validation_error")
        assert body["detail"][0]["loc"][-1] == "offset"
    assert api.get(path, offset=MAX_OFFSET).json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/customers/{big}", None),
        ("GET", "/api/v1/customers/{big}/history", None),
        ("PATCH", "/api/v1/customers/{big}", {"notes": "x"}),
        ("GET", "/api/v1/contacts/{big}", None),
        ("GET", "/api/v1/knowledge/articles/{big}", None),
        ("GET", "/api/v1/knowledge/articles/1/versions/{big}", None),
        ("GET", "/api/v1/contacts?customer_id={big}", None),
        ("GET", "/api/v1/tickets?customer_id={big}", None),
        ("POST", "/api/v1/tickets", {"customer_id": "{big}", "kind": "query", "title": "x"}),
        ("POST", "/api/v1/dispatch-rules", {"department": "repair", "position": "{big}"}),
        ("PATCH", "/api/v1/customers/1", {"version": "{big}"}),
    ],
)
def test_integers_past_what_the_database_holds_are_refused(
    api_as: Callable[[str], ApiClient], method: str, path: str, body: Any
) -> None:
    """Path, query and body integers alike: 422, never a 500 from the database."""
    path = path.format(big=TOO_BIG)
    if body is not None:
        body = {key: TOO_BIG if value == "{big}" else value for key, value in body.items()}
    response = api_as("admin").request(method, path, body)
    assert_error(response, 422, "validation_error")


def test_an_unknown_body_field_is_refused_naming_it(api_as: Callable[[str], ApiClient]) -> None:
    api = api_as("agent")
    response = api.post("/api/v1/customers", {"name": "张三", "phone": "13812345678"})
    body = assert_error(response, 422, "unknown_field")
    assert "phone" in body["message"]
    assert body["message"] == "未知字段：phone。"
    assert body["detail"][0]["loc"][-1] == "phone"
    assert api.get("/api/v1/customers", q="张三").json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/tickets", {"customer": 1, "kind": "query", "title": "x"}),
        ("/api/v1/contacts", {"channel": "hotline", "started_at": "2026-01-01T08:00:00+08:00",
                              "customer": 1}),
        ("/api/v1/knowledge/articles", {"title": "t", "body": "b", "kind": "faq", "tag": "x"}),
        ("/api/v1/auth/token", {"username": "agent", "password": "x", "remember": True}),
    ],
)  # fmt: skip
def test_every_body_is_strict(
    api_as: Callable[[str], ApiClient], path: str, body: dict[str, Any]
) -> None:
    response = api_as("admin").post(path, body)
    assert_error(response, 422, "unknown_field")


def test_null_for_a_field_that_cannot_be_empty_is_refused(
    api_as: Callable[[str], ApiClient],
) -> None:
    """`"roles": null` on an article was a server error; a field that cannot be empty is
    left out to keep it, never sent as null."""
    api = api_as("editor")
    created = api.post("/api/v1/knowledge/articles", {"title": "停电", "body": "答", "kind": "faq"})
    assert created.status_code == 201, created.content
    article = created.json()
    for field in ("roles", "tags", "title", "kind"):
        response = api.patch(
            f"/api/v1/knowledge/articles/{article['id']}",
            {"version": article["version"], field: None},
        )
        body = assert_error(response, 422, "validation_error")
        assert body["detail"][0]["loc"][-1] == field
    cleared = api.patch(
        f"/api/v1/knowledge/articles/{article['id']}",
        {"version": article["version"], "category": None},
    )
    assert cleared.status_code == 200, cleared.content


def test_an_unknown_filter_is_refused(api_as: Callable[[str], ApiClient]) -> None:
    """`?customer=` for `?customer_id=` would otherwise list every order."""
    body = assert_error(api_as("manager").get("/api/v1/tickets", customer=1), 422, "unknown_field")
    assert body["detail"][0]["loc"][-1] == "customer"


def test_schema_names_are_unique_and_enums_are_enums(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    assert "Kind" not in schemas
    assert set(schemas["TicketKind"]["enum"]) >= {"complaint", "fault", "consultation"}
    assert set(schemas["ArticleKind"]["enum"]) == {"faq", "script", "procedure", "notice", "case"}
    assert set(schemas["FeedbackKind"]["enum"]) == {"helpful", "outdated", "wrong"}
    ticket = schemas["TicketOut"]["properties"]
    assert ticket["kind"] == {"$ref": "#/components/schemas/TicketKind"}
    assert ticket["state"] == {"$ref": "#/components/schemas/TicketState"}
    assert ticket["urgency"] == {"$ref": "#/components/schemas/Urgency"}
    channel = schemas["TicketActionIn"]["properties"]["channel"]
    assert channel["anyOf"][0]["enum"] == ["email", "letter", "phone", "sms", "visit", "wechat"]
    assert schemas["ArticleOut"]["properties"]["state"] == {
        "$ref": "#/components/schemas/ArticleState"
    }


def test_the_api_enums_are_the_products_lists() -> None:
    from kefu.core.roles import ROLES
    from kefu.knowledge.api import Role
    from kefu.tickets.api import ReplyChannel
    from kefu.tickets.services import REPLY_CHANNELS

    assert set(get_args(ReplyChannel)) == REPLY_CHANNELS
    assert set(get_args(Role)) == set(ROLES)


def test_a_work_order_validates_against_the_published_schema(
    openapi: dict[str, Any],
    api_as: Callable[[str], ApiClient],
    customer: Customer,
) -> None:
    api = api_as("agent")
    created = api.post(
        "/api/v1/tickets", {"customer_id": customer.pk, "kind": "complaint", "title": "停电"}
    )
    assert created.status_code == 201, created.content
    response = api.get(f"/api/v1/tickets/{created.json()['number']}")
    assert response.status_code == 200
    schema = openapi["paths"]["/api/v1/tickets/{number}"]["get"]["responses"]["200"]
    validator = jsonschema_rs.validator_for(
        {**schema["content"]["application/json"]["schema"], "components": openapi["components"]}
    )
    validator.validate(response.json())


def test_every_route_documents_its_error_statuses(openapi: dict[str, Any]) -> None:
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            where = f"{method.upper()} {path}"
            if operation.get("security"):
                assert {"401", "403"} <= set(responses), where
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in responses, where
            if "{" in path:
                assert "404" in responses, where
            for status, response in responses.items():
                if status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == error, where
    assert set(openapi["components"]["schemas"]["ErrorOut"]["properties"]) == {
        "code",
        "message",
        "detail",
    }


def test_text_with_a_nul_character_is_refused_wherever_it_comes_in(
    api_as: Callable[[str], ApiClient],
) -> None:
    """PostgreSQL refuses NUL in text with a server error (found by the fuzzer on
    PostgreSQL): a body field, a query parameter and a path holding one get 422 and write
    nothing, on every database."""
    admin = api_as("admin")
    assert_error(admin.post("/api/v1/customers", {"name": "王\x00建国"}), 422, "validation_error")
    assert not Customer.objects.exists()
    body = assert_error(admin.get("/api/v1/customers", q="王\x00"), 422, "validation_error")
    assert body["detail"][0]["loc"] == ["query", "q"]
    assert_error(admin.get("/api/v1/users/ag%00ent/tokens"), 422, "validation_error")
