"""A page's rows loaded by their keys (kefu/core/pagination.py `by_keys`)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core.models import OrgUnit
from kefu.core.pagination import by_keys

pytestmark = pytest.mark.django_db


def _units(count: int) -> list[int]:
    return [
        OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code=f"team-{n}", name=f"第{n}班组").pk
        for n in range(count)
    ]


def test_rows_are_loaded_by_their_keys_in_one_statement_whatever_their_number() -> None:
    """On PostgreSQL the statement text does not change with the number of keys
    (`= ANY(array)`), so a connection prepares it once and PostgreSQL stops planning the
    page's joins; SQLite keeps `IN (…)`."""
    keys = _units(4)
    with CaptureQueriesContext(connection) as queries:
        assert {unit.pk for unit in by_keys(OrgUnit, keys[:1])} == set(keys[:1])
        assert {unit.pk for unit in by_keys(OrgUnit, keys[1:])} == set(keys[1:])
        assert list(by_keys(OrgUnit, [])) == []
    first, second = (query["sql"] for query in queries.captured_queries[:2])
    if connection.vendor == "postgresql":
        # The captured text has the array written in; the statement sent has one
        # placeholder for it.
        def shape(sql: str) -> str:
            return re.sub(r"ANY\('\{[0-9,]*\}'::\w+\[\]\)", "ANY($1)", sql)

        assert "= ANY(" in first and shape(first) == shape(second)
    else:
        assert " IN (" in first
