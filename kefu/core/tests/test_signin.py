"""Sign-in throttling and its audit trail, on the API's token endpoint, the login page and
the admin's login (issue 14, point 6)."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import AuditEntry, User


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting the passwords it checks."""

    checked: ClassVar[list[str]] = []

    def verify(self, password: str, encoded: str) -> bool:
        self.checked.append(password)
        return super().verify(password, encoded)


def _token(username: str, password: str, address: str = "10.0.0.1", **headers: str) -> Any:
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token",
        data={"username": username, "password": password},
        content_type="application/json",
        headers=headers,
    )


def _login(username: str, password: str, address: str = "10.0.0.1") -> Any:
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def test_failed_api_sign_ins_lock_the_user_name_even_for_the_right_password(
    users: dict[str, User],
) -> None:
    # Each try from another address: only the user name's count can lock.
    answers = [_token("agent", f"guess-{n}", f"10.0.1.{n}").status_code for n in range(5)]
    assert answers == [401, 401, 401, 401, 429]

    refused = _token("agent", PASSWORD, "10.0.2.1")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "signin_locked"
    assert "登录失败次数过多" in body["message"] and "分钟后" in body["message"]
    assert 600 < body["detail"]["retry_after"] <= 900  # 15 minutes from the fifth failure
    assert refused["Retry-After"] == str(body["detail"]["retry_after"])
    # Another user is not affected.
    assert _token("leader", PASSWORD, "10.0.2.1").status_code == 200


def test_a_locked_sign_in_is_refused_before_its_password_is_hashed(
    users: dict[str, User], settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["kefu.core.tests.test_signin.CountingHasher"]
    for n in range(5):
        _token("agent", f"guess-{n}")
    CountingHasher.checked.clear()

    for _n in range(20):
        assert _token("agent", PASSWORD).status_code == 429

    assert CountingHasher.checked == []


def test_failed_sign_ins_from_one_address_lock_the_address(
    users: dict[str, User], settings: Any
) -> None:
    settings.KEFU_SIGNIN_ADDRESS_FAILURES = 3
    answers = [_token(f"nobody{n}", "guess", "10.0.3.9").status_code for n in range(3)]
    assert answers == [401, 401, 429]

    assert _token("agent", PASSWORD, "10.0.3.9").status_code == 429
    assert _token("agent", PASSWORD, "10.0.3.10").status_code == 200


def test_a_forged_forwarded_for_header_does_not_make_a_new_address(
    users: dict[str, User], settings: Any
) -> None:
    settings.KEFU_SIGNIN_ADDRESS_FAILURES = 3
    answers = [
        _token(f"nobody{n}", "guess", "10.0.4.1", **{"X-Forwarded-For": f"192.0.2.{n}"})
        for n in range(3)
    ]
    assert [answer.status_code for answer in answers] == [401, 401, 429]

    # Behind one proxy the client is the hop that proxy appended, not what it was sent.
    settings.KEFU_PROXY_COUNT = 1
    behind = [
        _token(f"other{n}", "guess", "10.0.0.254", **{"X-Forwarded-For": f"192.0.2.{n}, 10.0.4.2"})
        for n in range(3)
    ]
    assert [answer.status_code for answer in behind] == [401, 401, 429]
    assert AuditEntry.objects.filter(action="signin.failed", ip="10.0.4.2").count() == 3


def test_the_lock_ends_after_the_lockout_time(users: dict[str, User], settings: Any) -> None:
    settings.KEFU_SIGNIN_LOCKOUT_SECONDS = 2
    settings.KEFU_SIGNIN_USER_FAILURES = 1  # one failure locks: no race with the clock
    assert _token("agent", "guess").status_code == 429
    assert _token("agent", PASSWORD).status_code == 429

    time.sleep(2.1)

    assert _token("agent", PASSWORD).status_code == 200


def test_signing_in_right_clears_the_user_names_count(users: dict[str, User]) -> None:
    for n in range(4):
        assert _token("agent", f"guess-{n}", f"10.0.5.{n}").status_code == 401
    assert _token("agent", PASSWORD, "10.0.5.9").status_code == 200
    for n in range(4):
        assert _token("agent", f"guess-{n}", f"10.0.6.{n}").status_code == 401


def test_failed_sign_ins_and_lock_outs_are_audited(users: dict[str, User]) -> None:
    for n in range(4):
        _token("agent", f"guess-{n}", "10.0.7.1")
    _login("agent", "wrong", "10.0.7.2")  # the fifth: it locks the user name

    failed = AuditEntry.objects.filter(action="signin.failed").order_by("id")
    assert [entry.after["channel"] for entry in failed] == ["api"] * 4 + ["web"]  # type: ignore[index]
    assert {entry.object_repr for entry in failed} == {"agent"}
    assert {entry.ip for entry in failed} == {"10.0.7.1", "10.0.7.2"}
    assert all(entry.actor is None for entry in failed)
    locked = AuditEntry.objects.get(action="signin.locked")
    assert locked.after is not None and locked.after["by"] == "user"
    assert "guess" not in str(list(AuditEntry.objects.values_list("after", flat=True)))


def test_the_login_page_locks_too_and_says_when_to_try_again_in_its_form(
    users: dict[str, User],
) -> None:
    answers = [_login("agent", f"guess-{n}", f"10.0.8.{n}") for n in range(5)]
    assert [answer.status_code for answer in answers[:4]] == [200] * 4
    assert "用户名或密码错误" in answers[0].content.decode()

    browser = Client(REMOTE_ADDR="10.0.8.9")
    refused = browser.post("/login/", {"username": "agent", "password": PASSWORD})
    page = refused.content.decode()
    assert refused.status_code == 429
    assert answers[4].status_code == 429
    form = page.split('<form method="post" class="login">')[1].split("</form>")[0]
    assert "登录失败次数过多" in form and "分钟后" in form
    assert 'name="username" value="agent"' in form  # what was typed stays, but the password
    assert PASSWORD not in page
    assert browser.get("/notifications/").status_code == 302  # not signed in

    # The API and the admin's login count the same failures.
    assert _token("agent", PASSWORD, "10.0.8.10").status_code == 429
    admin_login = Client(REMOTE_ADDR="10.0.8.11").post(
        "/admin/login/", {"username": "agent", "password": PASSWORD}
    )
    assert "登录失败次数过多" in admin_login.content.decode()


def test_the_admins_login_counts_failures(users: dict[str, User]) -> None:
    for n in range(5):
        Client(REMOTE_ADDR=f"10.0.9.{n}").post(
            "/admin/login/", {"username": "admin", "password": f"guess-{n}"}
        )
    assert _token("admin", PASSWORD, "10.0.9.9").status_code == 429
    assert AuditEntry.objects.filter(action="signin.failed", after__channel="admin").count() == 5


@pytest.mark.parametrize("channel", ["api", "web"])
def test_two_hundred_wrong_passwords_do_not_leave_the_right_one_working(
    users: dict[str, User], channel: str
) -> None:
    """The issue's reproduction: 200 wrong passwords, then the right one at once."""
    send = _token if channel == "api" else _login
    codes = {send("agent", f"guess-{n}").status_code for n in range(200)}
    assert 429 in codes
    assert send("agent", PASSWORD).status_code == 429


def test_the_lock_holds_in_the_products_database_cache(
    users: dict[str, User], settings: Any
) -> None:
    """The product counts in the database cache (or Redis), which every process shares;
    the tests' memory cache would hide a lock that did not reach the database."""
    from django.db import connection

    memory = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kefu_cache",
        }
    }
    try:
        answers = [_token("agent", f"guess-{n}", f"10.0.10.{n}").status_code for n in range(5)]
        assert answers == [401, 401, 401, 401, 429]
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM kefu_cache WHERE cache_key LIKE %s", ["%signin%"])
            assert cursor.fetchone()[0] >= 1
        assert _token("agent", PASSWORD, "10.0.10.9").status_code == 429
    finally:
        settings.CACHES = memory  # the shared fixtures clear the cache after the database


def test_an_admin_lifts_a_users_sign_in_lock(users: dict[str, User]) -> None:
    for n in range(5):
        _token("agent", f"guess-{n}", f"10.0.11.{n}")
    assert _token("agent", PASSWORD, "10.0.11.9").status_code == 429
    admin = Client()
    admin.force_login(users["admin"])

    response = admin.post(
        "/admin/core/user/",
        {"action": "unlock_signin", "_selected_action": [users["agent"].pk]},
        follow=True,
    )

    assert "已解除登录锁定：agent" in response.content.decode()
    assert _token("agent", PASSWORD, "10.0.11.9").status_code == 200
    entry = AuditEntry.objects.get(action="signin.unlock")
    assert entry.actor == users["admin"] and entry.after == {"was_locked": True}
