"""The monthly honours through the services and the API (issue 20 point 4; 003 (八) 1
每月评选): proposed once per month from the measured figures (the task on the 1st for the
month before, the manager's button), confirmed with a reason for every change, published
with a notification to each honoured person; the board; who sees what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.contacts.models import Channel, Contact, Direction
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import Notification, User
from kefu.supervision.honours_rules import Criterion, months_back
from kefu.supervision.models import HonourCandidate, HonourMonth, HonourMonthState, HonourRule
from kefu.supervision.services.honours import (
    Addition,
    Removal,
    honour_rule_save,
    honours_confirm,
    honours_propose,
    honours_propose_due,
)
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db

LAST_MONTH = months_back(timezone.localdate().replace(day=1), 1)


def contacts_rules(world: World) -> None:
    """Every honour but 服务明星 off; 服务明星 by contacts taken (at least 2), two proposed."""
    manager = world.users["manager"]
    for kind in ("post_expert", "rising_star", "team_star"):
        honour_rule_save(
            actor=manager,
            kind=kind,
            active=False,
            count=1,
            per_team=False,
            joined_within_months=None,
            rank_by="contacts",
            descending=True,
            criteria=[],
        )
    honour_rule_save(
        actor=manager,
        kind="service_star",
        active=True,
        count=2,
        per_team=False,
        joined_within_months=None,
        rank_by="contacts",
        descending=True,
        criteria=[Criterion("contacts", "gte", 2)],
    )


@pytest.fixture
def month_of_contacts(world: World) -> dict[str, User]:
    """Last month: the agent took 5 contacts, the expert 3, the back office 1."""
    made = {"agent": 5, "expert": 3, "backoffice": 1}
    at = timezone.make_aware(dt.datetime.combine(LAST_MONTH + dt.timedelta(days=3), dt.time(10)))
    for role, n in made.items():
        for k in range(n):
            Contact.objects.create(
                centre=world.centre,
                channel=Channel.HOTLINE,
                direction=Direction.INBOUND,
                agent=world.users[role],
                started_at=at + dt.timedelta(minutes=k),
                settled=True,
            )
    contacts_rules(world)
    return {role: world.users[role] for role in made}


def test_proposed_once_per_month_with_reasons(
    world: World, month_of_contacts: dict[str, User]
) -> None:
    manager = world.users["manager"]
    month, created = honours_propose(centre=world.centre, month=LAST_MONTH, actor=manager)
    assert created and month.state == HonourMonthState.PROPOSED
    rows = list(month.candidates.order_by("rank"))
    assert [(r.kind, r.person_id, r.rank) for r in rows] == [
        ("service_star", month_of_contacts["agent"].pk, 1),
        ("service_star", month_of_contacts["expert"].pk, 2),
    ]
    assert rows[0].checks == [{"figure": "contacts", "op": "gte", "threshold": 2.0, "value": 5}]
    left = {m["user_id"]: m for m in month.left_out["service_star"]}
    assert left[month_of_contacts["backoffice"].pk]["kind"] == "threshold"
    # Proposing again (the task, a second click) changes nothing.
    again, created = honours_propose(
        centre=world.centre, month=LAST_MONTH + dt.timedelta(days=9), actor=manager
    )
    assert not created and again.pk == month.pk and HonourCandidate.objects.count() == 2
    # The monthly task finds the month done (it proposes the other centre's only); only
    # managers propose; no month to come, nor the month running (proposed once, its first
    # days' figures would stand).
    assert honours_propose_due() == 1 and honours_propose_due() == 0
    with pytest.raises(Forbidden):
        honours_propose(centre=world.centre, month=LAST_MONTH, actor=world.users["leader"])
    with pytest.raises(Invalid):
        honours_propose(centre=world.centre, month=months_back(LAST_MONTH, -2), actor=manager)
    with pytest.raises(Invalid) as running:
        honours_propose(centre=world.centre, month=months_back(LAST_MONTH, -1), actor=manager)
    assert running.value.code == "honour_month_running"


def test_the_task_proposes_the_month_before_for_every_centre(
    world: World, month_of_contacts: dict[str, User]
) -> None:
    assert honours_propose_due() == 2  # this centre and the other one
    assert set(HonourMonth.objects.values_list("month", flat=True)) == {LAST_MONTH}
    other = HonourMonth.objects.exclude(centre=world.centre).get()
    assert not other.candidates.exists()  # the other centre's default rules: nobody has data
    assert HonourRule.objects.filter(centre=other.centre).count() == 4


def test_confirm_with_changes_needs_reasons_and_publishes(
    world: World, month_of_contacts: dict[str, User]
) -> None:
    manager = world.users["manager"]
    month, _ = honours_propose(centre=world.centre, month=LAST_MONTH, actor=manager)
    expert = month.candidates.get(person=month_of_contacts["expert"])
    backoffice = month_of_contacts["backoffice"]
    for removals, additions in (
        ([Removal(expert.pk, "  ")], []),
        ([], [Addition("service_star", backoffice.pk, "")]),
    ):
        with pytest.raises(Invalid) as refused:
            honours_confirm(
                actor=manager,
                honour_month=month,
                version=month.version,
                removals=removals,
                additions=additions,
            )
        assert refused.value.code == "honour_reason_required"
    with pytest.raises(Forbidden):
        honours_confirm(actor=world.users["leader"], honour_month=month, version=month.version)
    with pytest.raises(Invalid):  # a person of another centre
        honours_confirm(
            actor=manager,
            honour_month=month,
            version=month.version,
            additions=[Addition("service_star", world.other.pk, "表扬信")],
        )
    confirmed = honours_confirm(
        actor=manager,
        honour_month=month,
        version=month.version,
        removals=[Removal(expert.pk, "本月有一起有责投诉")],
        additions=[Addition("rising_star", backoffice.pk, "客户来信表扬")],
    )
    assert confirmed.state == HonourMonthState.CONFIRMED and confirmed.confirmed_by == manager
    expert.refresh_from_db()
    assert expert.removed and expert.reason == "本月有一起有责投诉"
    added = confirmed.candidates.get(person=backoffice)
    assert (added.source, added.kind, added.reason) == ("added", "rising_star", "客户来信表扬")
    # Published: each honoured person told once, the one removed not at all.
    told = Notification.objects.filter(kind="supervision.honour")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["agent", "backoffice"]
    assert "服务明星" in told.get(recipient__username="agent").title
    with pytest.raises(Conflict):
        honours_confirm(actor=manager, honour_month=confirmed, version=confirmed.version)


# ------------------------------------------------------------------------------------ API


@pytest.fixture
def api(world: World) -> Callable[[str], ApiClient]:
    return lambda username: ApiClient(token_for(username))


def test_the_month_through_the_api(
    world: World, month_of_contacts: dict[str, User], api: Callable[[str], ApiClient]
) -> None:
    manager = api("manager")
    path = f"/api/v1/supervision/honours/months/{LAST_MONTH:%Y-%m}"
    first = manager.post(f"{path}/propose")
    assert first.status_code == 201, first.content
    body: dict[str, Any] = first.json()
    assert [c["person"] for c in body["candidates"]] == ["王晓婷", "expert"]
    assert [m["why"] for m in body["left_out"]] == ["受理接触数 1，未达到 ≥ 2"]
    assert manager.post(f"{path}/propose").status_code == 200  # safe to retry
    # Before confirmation: the leader reads the proposals, the agent sees nothing.
    assert api("leader").get(path).status_code == 200
    assert api("agent").get(path).status_code == 404
    assert api("leader").post(f"{path}/propose").status_code == 403
    expert = next(c for c in body["candidates"] if c["person"] == "expert")
    refused = manager.post(
        f"{path}/confirm",
        {"version": body["version"], "removals": [{"candidate_id": expert["id"]}]},
    )
    assert refused.status_code == 422
    strict = manager.post(f"{path}/confirm", {"version": body["version"], "publish": True})
    assert strict.status_code == 422
    done = manager.post(
        f"{path}/confirm",
        {
            "version": body["version"],
            "removals": [{"candidate_id": expert["id"], "reason": "有责投诉"}],
        },
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "confirmed"
    assert manager.post(f"{path}/confirm", {"version": body["version"]}).status_code == 409
    # Published: everyone sees the honours (not the removed candidate, not who was left out).
    seen = api("agent").get(path).json()
    assert [c["person"] for c in seen["candidates"]] == ["王晓婷"] and seen["left_out"] == []
    board = api("editor").get("/api/v1/supervision/honours/board").json()
    assert board["month"] == f"{LAST_MONTH:%Y-%m}"
    assert [c["person"] for c in board["candidates"]] == ["王晓婷"]
    assert api("other-manager").get(path).status_code == 404
    assert manager.get("/api/v1/supervision/honours/months/2026-13").status_code == 422


def test_rules_through_the_api(world: World, api: Callable[[str], ApiClient]) -> None:
    manager = api("manager")
    rules = manager.get("/api/v1/supervision/honours/rules").json()
    assert [r["kind"] for r in rules] == ["post_expert", "service_star", "rising_star", "team_star"]
    rising = next(r for r in rules if r["kind"] == "rising_star")
    assert rising["joined_within_months"] == 6
    assert {"figure": "attendance", "op": "gte", "value": 1.0} in rising["criteria"]
    body = {
        "version": rising["version"],
        "count": 1,
        "rank_by": "settled_rate",
        "criteria": [{"figure": "attendance", "op": "gte", "value": 0.95}],
        "joined_within_months": 3,
    }
    changed = manager.put("/api/v1/supervision/honours/rules/rising_star", body)
    assert changed.status_code == 200, changed.content
    assert changed.json()["version"] == rising["version"] + 1
    stale = manager.put("/api/v1/supervision/honours/rules/rising_star", body)
    assert stale.status_code == 409
    share = {
        **body,
        "version": None,
        "criteria": [{"figure": "attendance", "op": "gte", "value": 95}],
    }
    assert manager.put("/api/v1/supervision/honours/rules/rising_star", share).status_code == 422
    unknown = {**body, "version": None, "rank_by": "height"}
    assert manager.put("/api/v1/supervision/honours/rules/rising_star", unknown).status_code == 422
    assert (
        api("leader").put("/api/v1/supervision/honours/rules/rising_star", body).status_code == 403
    )
    assert api("agent").get("/api/v1/supervision/honours/rules").status_code == 403


# --------------------------------------------------------------------------------- access

PERSON_PAGE = {
    # viewer: whose pages open (the agent is in the leader's team)
    "agent": {"agent"},
    "leader": {"agent", "leader"},
    "leader2": {"leader2"},  # a leader in no team: their own only
    "qa": {"agent", "leader", "manager", "qa"},
    "manager": {"agent", "leader", "manager", "qa"},
    "editor": {"editor"},
    "other-manager": {"other-manager"},
}


def test_who_opens_whose_page(world: World, month_of_contacts: dict[str, User]) -> None:
    people = {**world.users, "leader2": world.other_leader, "other-manager": world.other}
    for viewer, allowed in PERSON_PAGE.items():
        client = Client()
        assert client.login(username=viewer, password=PASSWORD)
        api = ApiClient(token_for(viewer))
        for target in ("agent", "leader", "manager", "qa"):
            page = client.get(f"/supervision/people/{people[target].pk}/")
            person = api.get(f"/api/v1/supervision/people/{people[target].pk}")
            expected = 200 if target in allowed else 404
            assert (page.status_code, person.status_code) == (expected, expected), (viewer, target)
    mine = ApiClient(token_for("agent")).get(
        f"/api/v1/supervision/people/{world.users['agent'].pk}"
    )
    body = mine.json()
    assert (body["team"], body["role"]) == ("一班", "agent")
    assert set(body["figures"]) >= {"monitoring_score", "attendance", "contacts"}


PAGES = {
    "/supervision/honours/": {"leader", "manager", "admin"},
    "/supervision/honours/rules/": {"manager", "admin"},
}


def test_who_opens_the_honours_pages(world: World) -> None:
    for username in ("agent", "leader", "qa", "manager", "admin", "editor"):
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        for path, allowed in PAGES.items():
            status = client.get(path).status_code
            assert status == (200 if username in allowed else 403), (username, path, status)
