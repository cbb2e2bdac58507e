"""Issue 15, point 21: a failed request shows a page in the product's layout and language,
with the way back home; English when the user chose English; the API keeps its shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path

from kefu.core.errors import Forbidden
from kefu.core.models import User

pytestmark = pytest.mark.django_db


def _explode(request: Any) -> Any:
    raise RuntimeError("a fault the user must not read")


def _refuse(request: Any) -> Any:
    raise Forbidden("只有主管可以这样做。")


urlpatterns = [
    path("explode/", _explode),
    path("refuse/", _refuse),
]


@pytest.fixture
def faulty_urls(settings: Any) -> None:
    """The product's URLs and its error handlers, plus two views that fail."""
    from kefu import urls

    module = type(urls)("kefu_faulty_urls")
    module.urlpatterns = [*urlpatterns, *urls.urlpatterns]  # type: ignore[attr-defined]
    for name in ("handler400", "handler403", "handler404", "handler500"):
        setattr(module, name, getattr(urls, name))
    import sys

    sys.modules["kefu_faulty_urls"] = module
    settings.ROOT_URLCONF = "kefu_faulty_urls"


def _signed_in(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_not_found_is_chinese_in_the_layout_with_a_way_home(users: dict[str, User]) -> None:
    response = _signed_in(users["agent"]).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'href="/"' in html and "返回我的首页" in html
    assert 'class="topbar"' in html and "退出" in html  # the product's top bar
    assert "Not Found" not in html and "The requested resource" not in html


def test_english_when_the_user_chose_english(users: dict[str, User]) -> None:
    client = _signed_in(users["agent"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html and "Back to my home page" in html


def test_forbidden_says_why_in_chinese(users: dict[str, User]) -> None:
    client = _signed_in(users["agent"])
    response = client.get("/reports/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "您没有执行此操作的权限" in html or "无权" in html
    assert "403 Forbidden" not in html and "返回我的首页" in html


def test_a_services_refusal_is_explained(users: dict[str, User], faulty_urls: None) -> None:
    response = _signed_in(users["agent"]).get("/refuse/")
    assert response.status_code == 403
    assert "只有主管可以这样做。" in response.content.decode()


def test_a_server_error_is_chinese_and_hides_the_fault(
    users: dict[str, User], faulty_urls: None
) -> None:
    response = _signed_in(users["agent"]).get("/explode/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统出错了" in html and "返回我的首页" in html
    assert "a fault the user must not read" not in html
    assert "Server Error" not in html


def test_a_refused_csrf_check_is_a_chinese_page(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["agent"])
    response = client.post(
        "/notifications/read", headers={"referer": "http://testserver/notifications/"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html and "请刷新后重试" in html
    assert 'href="http://testserver/notifications/"' in html  # back where the form was
    assert "CSRF verification failed" not in html


def test_the_api_keeps_its_error_shape_for_unknown_addresses(db: None) -> None:
    response = Client().get("/api/v1/no/such/thing", headers={"accept-language": "zh-hans"})
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "detail"}


def test_a_request_for_another_host_is_a_chinese_400(db: None) -> None:
    response = Client(raise_request_exception=False).get(
        "/login/", headers={"referer": "http://evil.example/"}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "地址或提交的表单无效" in html and "evil.example" not in html


def test_an_api_request_for_another_host_is_a_json_400(db: None) -> None:
    """The API's fuzzing leaves the Host header out (it names the server, not an
    operation): this is where a foreign one is answered, in the API's error shape."""
    response = Client(raise_request_exception=False).get(
        "/api/v1/insights/risk", headers={"accept-language": "zh-hans"}, HTTP_HOST="Z"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert "地址或提交的表单无效" in response.json()["message"]
