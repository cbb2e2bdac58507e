"""One's own password, the password policy, and how long a signed-in page session lasts
(issue 14, point 6)."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.middleware import ACTIVE_AT, SIGNED_IN_AT
from kefu.core.models import AuditEntry, User

NEW_PASSWORD = "淮海路-夜班-2027"


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _age(client: Client, **seconds_ago: float) -> None:
    """Moves the session's sign-in or last activity into the past."""
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"signed_in": SIGNED_IN_AT, "active": ACTIVE_AT}[key]] = now - ago
    session.save()


def test_the_user_menu_links_to_the_password_page(users: dict[str, User]) -> None:
    page = _signed_in(users["agent"]).get("/notifications/").content.decode()
    assert 'href="/password/"' in page and "修改密码" in page


def test_the_password_page_refuses_weak_passwords_with_chinese_reasons(
    users: dict[str, User],
) -> None:
    client = _signed_in(users["agent"])
    page = client.get("/password/")
    assert page.status_code == 200
    assert "你的密码必须包含至少 10 个字符" in page.content.decode()

    cases = {
        "12345678": ["密码太短，至少需要 10 个字符", "这个密码太常见了", "密码只包含数字"],
        "Agent": ["密码跟 用户名 太相似了", "密码太短"],
        "password123": ["这个密码太常见了"],
    }
    for weak, reasons in cases.items():
        response = client.post(
            "/password/", {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
        )
        text = response.content.decode()
        assert response.status_code == 200, weak
        assert "form" in response.context and response.context["form"].errors
        for reason in reasons:
            assert reason in text, (weak, reason)
        assert f'value="{weak}"' not in text and PASSWORD not in text  # never sent back

    wrong_old = client.post(
        "/password/",
        {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "你的旧密码不正确" in wrong_old.content.decode()
    mismatch = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other"},
    )
    assert "输入的两个密码不一致" in mismatch.content.decode()
    users["agent"].refresh_from_db()
    assert users["agent"].check_password(PASSWORD)


def test_a_changed_password_keeps_this_session_and_ends_the_others(
    users: dict[str, User],
) -> None:
    here, elsewhere = _signed_in(users["agent"]), _signed_in(users["agent"])

    response = here.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert "密码已修改" in response.content.decode()
    assert here.get("/notifications/").status_code == 200
    assert elsewhere.get("/notifications/").status_code == 302
    assert AuditEntry.objects.filter(action="user.password_change").count() == 1
    assert Client().login(username="agent", password=NEW_PASSWORD)


def test_an_idle_session_ends_and_says_so(users: dict[str, User], settings: Any) -> None:
    assert settings.KEFU_SESSION_IDLE_SECONDS == 1800
    client = _signed_in(users["agent"])
    assert client.get("/notifications/").status_code == 200
    _age(client, active=1801)

    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/notifications/"
    assert "长时间未操作" in client.get(response["Location"]).content.decode()
    assert client.get("/notifications/").status_code == 302


def test_a_session_ends_at_its_time_limit_however_active(
    users: dict[str, User], settings: Any
) -> None:
    assert settings.KEFU_SESSION_MAX_SECONDS == 12 * 3600
    client = _signed_in(users["agent"])
    _age(client, signed_in=12 * 3600 + 1, active=10)

    response = client.get("/notifications/", follow=True)

    assert "最长时限" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith("/login/")


def test_the_timeouts_follow_their_settings(users: dict[str, User], settings: Any) -> None:
    settings.KEFU_SESSION_IDLE_SECONDS = 60
    client = _signed_in(users["agent"])
    _age(client, active=61)
    assert client.get("/notifications/").status_code == 302

    settings.KEFU_SESSION_MAX_SECONDS = 300
    client = _signed_in(users["agent"])
    _age(client, signed_in=301, active=0)
    assert client.get("/notifications/").status_code == 302


def test_background_polls_do_not_keep_a_session_alive(users: dict[str, User]) -> None:
    client = _signed_in(users["agent"])
    _age(client, active=1000)
    assert client.get("/notifications/badge").status_code == 200
    assert time.time() - client.session[ACTIVE_AT] >= 1000  # the poll did not count

    assert client.get("/notifications/").status_code == 200
    assert time.time() - client.session[ACTIVE_AT] < 5  # the person's request did
    _age(client, active=1801)
    polled = client.get("/notifications/badge", headers={"HX-Request": "true"})
    assert polled.status_code == 204
    assert polled["HX-Redirect"] == "/login/?next=/notifications/badge"


def test_an_idle_session_no_longer_signs_api_calls(users: dict[str, User]) -> None:
    client = _signed_in(users["agent"])
    assert client.get("/api/v1/me").status_code == 200
    _age(client, active=1801)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
