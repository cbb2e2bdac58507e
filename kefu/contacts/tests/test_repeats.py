"""Repeat contacts (重复来电, issue 21 point 4): the one rule (002 第7篇 一次性解决问题的呼叫率,
"不需要呼叫者再呼"), the mark it puts on each contact when recorded, its backfill, and the
contacts list and API filtered by it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.conftest import ApiClient
from kefu.contacts.models import CallReason, Contact
from kefu.contacts.repeats import CallerTimes, RepeatRow, repeat_counts, repeats_of
from kefu.contacts.services import contact_create, contact_repeats_mark
from kefu.contacts.tests.test_api import contact_body, taxonomy  # noqa: F401 (a fixture)
from kefu.core.models import OrgUnit, User

T0 = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
WEEK = dt.timedelta(days=7)


def row(customer: int | None, number: str, reason: int, hours: float) -> RepeatRow:
    return (customer, number, reason, T0 + dt.timedelta(hours=hours), False)


def test_a_contact_repeats_the_latest_earlier_one_of_the_caller_on_its_reason() -> None:
    rows = [
        row(1, "", 10, 0),
        row(1, "", 10, 24),  # repeats the first
        row(1, "", 11, 30),  # another reason: no repeat
        row(None, "13800000000", 10, 40),  # a number only, no earlier contact from it
        row(2, "13800000000", 10, 50),  # the same number on the same reason: repeats the 4th
        row(1, "", 10, 24 + 7 * 24 + 1),  # more than the window after the 2nd: no repeat
        row(1, "", 10, 24),  # the same moment as the 2nd: strictly later only, repeats the 1st
    ]
    assert repeats_of(rows, WEEK) == {1: 0, 4: 3, 6: 0}


def brute_previous(rows: list[RepeatRow], i: int, window: dt.timedelta) -> bool:
    customer, number, reason, at, _ = rows[i]
    return any(
        other[2] == reason
        and ((customer is not None and other[0] == customer) or (number and other[1] == number))
        and at - window <= other[3] < at
        for other in rows
    )


def brute_followed(rows: list[RepeatRow], i: int, window: dt.timedelta) -> bool:
    customer, number, reason, at, _ = rows[i]
    return any(
        other[2] == reason
        and ((customer is not None and other[0] == customer) or (number and other[1] == number))
        and at < other[3] <= at + window
        for other in rows
    )


rows_strategy = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(1, 3)),
        st.sampled_from(["", "13800000001", "13800000002"]),
        st.integers(1, 2),
        st.integers(0, 30 * 24).map(lambda h: T0 + dt.timedelta(hours=h)),
        st.booleans(),
    ),
    max_size=25,
)


@given(rows_strategy, st.integers(1, 10))
def test_the_mark_and_the_fcr_count_are_the_one_rule(rows: list[RepeatRow], days: int) -> None:
    """Each contact's mark is found exactly where an earlier contact of the caller on the
    reason lies within the window, and the FCR figure counts exactly the contacts a later
    one repeats: both the brute-force reading of the rule."""
    window = dt.timedelta(days=days)
    marks = repeats_of(rows, window)
    index, indexed = CallerTimes(rows), CallerTimes(rows, positions=True)
    for i in range(len(rows)):
        assert (i in marks) == brute_previous(rows, i, window)
        assert index.followed(rows[i], window) == brute_followed(rows, i, window)
        assert indexed.followed(rows[i], window) == brute_followed(rows, i, window)
    followed = [i for i in range(len(rows)) if brute_followed(rows, i, window)]
    start, end = T0, T0 + dt.timedelta(days=31)
    assert repeat_counts(rows, start, end, window) == (
        len(followed),
        sum(rows[i][4] for i in followed),
    )


@pytest.mark.django_db
def test_a_contact_is_marked_when_recorded_and_the_backfill_marks_the_old_ones(
    users: dict[str, User],
    centre: OrgUnit,
    taxonomy: dict[str, CallReason],  # noqa: F811
) -> None:
    agent = users["agent"]
    now = dt.datetime.now(dt.UTC)
    first = contact_create(
        actor=agent,
        channel="hotline",
        caller_number="13812345678",
        started_at=now - dt.timedelta(days=2),
        service_content="outage",
    )
    second = contact_create(
        actor=agent,
        channel="hotline",
        caller_number="13812345678",
        started_at=now - dt.timedelta(hours=1),
        service_content="outage",
    )
    other = contact_create(
        actor=agent,
        channel="hotline",
        caller_number="13812345678",
        started_at=now,
        service_content="bill-query",
    )
    assert first.repeat_of is None and second.repeat_of == first and other.repeat_of is None

    Contact.objects.update(repeat_of=None)  # as before the mark existed
    assert contact_repeats_mark(centre=centre) == 1
    assert Contact.objects.get(pk=second.pk).repeat_of_id == first.pk
    assert contact_repeats_mark(centre=centre) == 0  # again: nothing to change


@pytest.mark.django_db
@pytest.mark.usefixtures("region")
def test_lists_and_the_api_filter_the_repeats_within_the_window(
    api_as: Callable[[str], ApiClient],
    taxonomy: dict[str, CallReason],  # noqa: F811
    client: Any,
    users: dict[str, User],
) -> None:
    api = api_as("agent")
    for day in ("2026-11-10", "2026-11-12", "2026-11-30"):
        body = contact_body(started_at=f"{day}T09:00:00+08:00", ended_at=None)
        assert api.post("/api/v1/contacts", body).status_code == 201
    listed = api.get("/api/v1/contacts", repeat_within_days=7).json()
    assert [item["started_at"][:10] for item in listed["items"]] == ["2026-11-12"]
    assert listed["items"][0]["repeat_of"] is not None
    # The 30th repeats the 12th after 18 days: within a 30-day window only.
    assert len(api.get("/api/v1/contacts", repeat_within_days=30).json()["items"]) == 2
    assert api.get("/api/v1/contacts", repeat_within_days=0).status_code == 422

    client.force_login(users["leader"])
    page = client.get("/contacts/", {"repeat": "on"})
    assert page.status_code == 200
    assert page.content.decode().count('class="tag repeat"') == 1
    export = client.get("/contacts/export.xlsx", {"repeat": "on"})
    assert export.status_code == 200
