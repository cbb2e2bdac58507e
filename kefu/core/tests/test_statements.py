"""Rows read by key through a statement compiled once (kefu/core/statements.py), and the
bearer token's user found the same way (kefu/core/queries.py `token_user`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from kefu.conftest import ApiClient, token_for
from kefu.core.models import ApiToken, OrgUnit, User
from kefu.core.statements import KeyedRows

pytestmark = pytest.mark.django_db


@contextmanager
def compiles() -> Iterator[list[object]]:
    """Every query Django compiles while the block runs."""
    compiled: list[object] = []
    original = SQLCompiler.as_sql

    def noted(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        compiled.append(self.query.model)
        return original(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", noted):
        yield compiled


def test_rows_by_key_are_what_the_orm_reads_and_compiled_once(centre: OrgUnit) -> None:
    """Related columns (None without a related row), booleans and times converted as the
    ORM converts them (SQLite holds 0/1 and text); one compilation for any number of keys
    on PostgreSQL, one per number of keys on SQLite."""
    seat = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="seat", name="专席", parent=centre, expert_seat=True
    )
    teams = [
        OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code=f"t{n}", name=f"班组{n}", parent=seat)
        for n in range(3)
    ]
    units = [seat.pk, centre.pk, *(team.pk for team in teams)]
    columns = ("id", "code", "expert_seat", "parent_id", "parent__code", "parent__expert_seat")
    keyed = KeyedRows(OrgUnit, columns)
    asked = [units[:1], units, units[1:3], units[:1], [units[4], units[0]]]
    with compiles() as compiled:
        read = [keyed.rows(keys) for keys in asked]
    for keys, rows in zip(asked, read, strict=True):
        expected = list(OrgUnit.objects.filter(pk__in=keys).order_by("pk").values(*columns))
        assert sorted(rows, key=lambda row: row["id"]) == expected
        for row in rows:
            assert type(row["expert_seat"]) is bool
            assert row["parent__expert_seat"] is None or type(row["parent__expert_seat"]) is bool
    assert read[1][0].keys() == set(columns)
    assert {row["id"]: row["parent__code"] for row in read[1]}[centre.pk] is None
    assert len(compiled) == (1 if connection.vendor == "postgresql" else 3)
    assert keyed.rows([]) == []

    tokens = KeyedRows(ApiToken, ("id", "expires_at", "user__username"))
    user = User.objects.create(username="someone")
    token = ApiToken.objects.create(
        user=user, digest="d" * 64, expires_at=timezone.now() + timedelta(hours=1)
    )
    assert tokens.rows([token.pk]) == [
        {"id": token.pk, "expires_at": token.expires_at, "user__username": "someone"}
    ]


def test_a_token_finds_its_user_without_compiling_again(
    users: dict[str, User], api_as: Callable[[str], ApiClient]
) -> None:
    """Every API call finds the token's user; after the first, through the statement
    compiled then. An expired token or an inactive user still finds no one."""
    api = api_as("backoffice")
    assert api.get("/api/v1/tickets").status_code == 200
    with compiles() as compiled:
        assert api.get("/api/v1/tickets").status_code == 200
    assert User not in compiled

    raw = token_for("agent")
    agent = ApiClient(raw)
    assert agent.get("/api/v1/tickets").status_code == 200
    ApiToken.objects.filter(user=users["agent"]).update(expires_at=timezone.now())
    assert agent.get("/api/v1/tickets").status_code == 401
    ApiToken.objects.filter(user=users["agent"]).update(
        expires_at=timezone.now() + timedelta(hours=1)
    )
    assert agent.get("/api/v1/tickets").status_code == 200
    User.objects.filter(pk=users["agent"].pk).update(is_active=False)
    assert agent.get("/api/v1/tickets").status_code == 401
