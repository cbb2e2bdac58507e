"""Issue 15, point 21: the API's refusals of a request's form speak the user's language,
naming each field as the interface does, in the one error shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from kefu.api import api
from kefu.conftest import ApiClient
from kefu.core.api_messages import check_message, field_label

CJK = range(0x4E00, 0xA000)


def has_chinese(text: str) -> bool:
    return any(ord(character) in CJK for character in text)


def test_a_refused_body_names_the_field_in_chinese(api_as: Callable[[str], ApiClient]) -> None:
    response = api_as("agent").post("/api/v1/customers", {"name": "", "tier": "gold"})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == "validation_error"
    assert "姓名：不能为空" in body["message"] or "名称：不能为空" in body["message"]
    assert "客户等级：须为以下之一" in body["message"]
    assert "should" not in body["message"]
    by_field = {item["field"]: item for item in body["detail"]}
    assert by_field["tier"]["label"] == "客户等级"
    assert by_field["tier"]["loc"] == ["body", "payload", "tier"]
    assert by_field["tier"]["type"] == "enum"
    assert all(has_chinese(item["msg"]) for item in body["detail"])


def test_a_body_that_is_not_json_is_refused_in_chinese(
    api_as: Callable[[str], ApiClient],
) -> None:
    api = api_as("agent")
    response = api.client.post(
        "/api/v1/customers", data="{name:", content_type="application/json", headers=api.headers
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "无法解析请求内容：请发送有效的 JSON。",
        "detail": None,
    }
    assert "Cannot parse" not in response.content.decode()


def test_english_when_the_client_asks_for_it(api_as: Callable[[str], ApiClient]) -> None:
    api = api_as("agent")
    response = api.client.post(
        "/api/v1/customers",
        data={"name": ""},
        content_type="application/json",
        headers={**api.headers, "Accept-Language": "en"},
    )
    body = response.json()
    assert body["message"].endswith("cannot be empty"), body
    assert not has_chinese(body["message"].split(":")[1])


def test_a_query_parameter_and_a_bound_are_named(api_as: Callable[[str], ApiClient]) -> None:
    body = api_as("manager").get("/api/v1/customers", offset=-1).json()
    assert body["code"] == "validation_error"
    assert body["detail"][0]["field"] == "offset"
    assert has_chinese(body["message"]) and "offset" not in body["message"], body


def _input_fields() -> set[str]:
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    names: set[str] = set()

    def walk(node: Any, seen: set[str]) -> None:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str):
                key = reference.rsplit("/", 1)[-1]
                if key not in seen:
                    seen.add(key)
                    walk(components[key], seen)
            names.update(node.get("properties", {}))
            for value in node.values():
                walk(value, seen)
        elif isinstance(node, list):
            for value in node:
                walk(value, seen)

    for operations in schema["paths"].values():
        for operation in operations.values():
            names.update(parameter["name"] for parameter in operation.get("parameters", []))
            walk(operation.get("requestBody", {}), set())
    return names


@pytest.mark.django_db
def test_every_field_the_api_reads_has_a_chinese_name() -> None:
    fields = _input_fields()
    assert {"title", "customer_id", "offset", "q"} <= fields
    with translation.override("zh-hans"):
        unnamed = sorted(name for name in fields if not has_chinese(field_label(name)))
    assert unnamed == []


def test_every_check_pydantic_makes_has_words() -> None:
    with translation.override("zh-hans"):
        assert check_message({"type": "string_too_long", "ctx": {"max_length": 200}}) == (
            "最多 200 个字符"
        )
        assert check_message({"type": "missing"}) == "为必填项"
        assert check_message({"type": "no_such_kind"}) == "无效"
        nul = {"type": "value_error", "ctx": {"error": "Text may not hold a NUL character."}}
        assert check_message(nul) == "文字不能含有空字符（NUL）。"


@pytest.mark.django_db
def test_an_unknown_api_address_answers_in_the_error_shape(
    api_as: Callable[[str], ApiClient],
) -> None:
    response = api_as("agent").get("/api/v1/no-such-thing")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found" and has_chinese(body["message"])
    assert Client().get("/api/no-such-api").json()["code"] == "not_found"
