"""API tokens: how long they live, and every way they end (issue 14, point 5)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.models import ApiToken, AuditEntry, User

NEW_PASSWORD = "淮海路-夜班-2027"


def _works(token: str) -> bool:
    response = ApiClient(token).get("/api/v1/me")
    assert response.status_code in {200, 401}, response.content
    return response.status_code == 200


def _admin_client(users: dict[str, User]) -> Client:
    client = Client()
    client.force_login(users["admin"])
    return client


def test_a_token_lives_thirty_days_unless_the_setting_says_otherwise(
    users: dict[str, User], settings: Any
) -> None:
    before = timezone.now()
    token_for("agent")
    issued = ApiToken.objects.get(user=users["agent"])
    assert timedelta(days=30) <= issued.expires_at - before < timedelta(days=30, minutes=1)

    settings.KEFU_TOKEN_TTL = 60
    short = token_for("leader")
    assert ApiToken.objects.get(user=users["leader"]).expires_at < before + timedelta(minutes=2)
    assert _works(short)
    ApiToken.objects.filter(user=users["leader"]).update(expires_at=timezone.now())
    assert not _works(short)


def test_changing_ones_password_on_the_password_page_ends_ones_tokens(
    users: dict[str, User],
) -> None:
    token = token_for("agent")
    other = token_for("agent")
    assert _works(token) and _works(other)
    page = Client()
    page.force_login(users["agent"])

    response = page.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not _works(token) and not _works(other)
    assert not ApiToken.objects.filter(user=users["agent"]).exists()
    revoked = AuditEntry.objects.get(action="token.revoke")
    assert revoked.after is not None and revoked.after["reason"] == "password_changed"
    assert AuditEntry.objects.filter(action="user.password_change", actor=users["agent"]).exists()
    assert _works(token_for("agent", NEW_PASSWORD))


def test_a_password_an_admin_sets_ends_the_users_tokens(users: dict[str, User]) -> None:
    token = token_for("agent")
    admin = _admin_client(users)

    response = admin.post(
        f"/admin/core/user/{users['agent'].pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert not _works(token)


def test_deactivating_a_user_ends_their_tokens_for_good(users: dict[str, User]) -> None:
    agent = users["agent"]
    token = token_for("agent")

    agent.is_active = False
    agent.save()
    agent.is_active = True
    agent.save()

    assert not _works(token)
    revoked = AuditEntry.objects.get(action="token.revoke")
    assert revoked.after is not None and revoked.after["reason"] == "deactivated"


def test_delete_auth_token_ends_the_token_the_request_carries_and_no_other(
    users: dict[str, User],
) -> None:
    first, second = token_for("agent"), token_for("agent")

    response = ApiClient(first).request("DELETE", "/api/v1/auth/token")

    assert response.status_code == 204, response.content
    assert not _works(first)
    assert _works(second)
    again = ApiClient(first).request("DELETE", "/api/v1/auth/token")
    assert again.status_code == 401
    assert again.json()["code"] == "unauthenticated"
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.actor == users["agent"]
    assert entry.after is not None and entry.after["reason"] == "signed_out"


def test_delete_auth_token_with_a_page_session_is_refused_as_bad_request(
    users: dict[str, User],
) -> None:
    page = Client()
    page.force_login(users["agent"])
    page.get("/login/")
    response = page.delete(
        "/api/v1/auth/token", headers={"X-CSRFToken": page.cookies["csrftoken"].value}
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "not_token_signed"


def test_an_admin_lists_and_revokes_a_users_tokens_through_the_api(
    users: dict[str, User], api_as: Callable[[str], ApiClient]
) -> None:
    first, second = token_for("agent"), token_for("agent")
    admin = api_as("admin")

    listed = admin.get("/api/v1/users/agent/tokens")
    assert listed.status_code == 200, listed.content
    assert len(listed.json()) == 2
    assert set(listed.json()[0]) == {"id", "created_at", "expires_at"}
    assert api_as("manager").get("/api/v1/users/agent/tokens").status_code == 403
    assert ApiClient(first).get("/api/v1/users/admin/tokens").status_code == 403
    assert admin.get("/api/v1/users/nobody/tokens").status_code == 404

    one = ApiToken.objects.filter(user=users["agent"]).order_by("id").first()
    assert one is not None
    gone = admin.request("DELETE", f"/api/v1/users/agent/tokens/{one.pk}")
    assert gone.status_code == 204, gone.content
    assert not _works(first) and _works(second)
    assert admin.request("DELETE", f"/api/v1/users/agent/tokens/{one.pk}").status_code == 404
    huge = admin.request("DELETE", "/api/v1/users/agent/tokens/9223372036854775808")
    assert huge.status_code == 422

    assert admin.request("DELETE", "/api/v1/users/agent/tokens").status_code == 204
    assert not _works(second)
    assert admin.get("/api/v1/users/agent/tokens").json() == []
    entries = AuditEntry.objects.filter(action="token.revoke", actor=users["admin"])
    assert entries.count() == 2


def test_an_admin_sees_a_users_tokens_and_revokes_them_in_the_admin(
    users: dict[str, User],
) -> None:
    token = token_for("agent")
    admin = _admin_client(users)

    user_page = admin.get(f"/admin/core/user/{users['agent'].pk}/change/").content.decode()
    assert "API 令牌" in user_page
    listing = admin.get("/admin/core/apitoken/").content.decode()
    assert "agent" in listing
    issued = ApiToken.objects.get(user=users["agent"])

    response = admin.post(f"/admin/core/apitoken/{issued.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not _works(token)
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.actor == users["admin"] and entry.object_repr == str(users["agent"])
