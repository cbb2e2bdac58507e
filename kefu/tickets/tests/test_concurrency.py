"""Many clients on one order at once, on the real database: one wins, nothing is lost."""

from __future__ import annotations

import pytest

from kefu.conftest import race
from kefu.core.errors import Conflict
from kefu.core.models import OrgUnit, User
from kefu.core.services import user_create
from kefu.customers.services import customer_create
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.services import ActionInput, ticket_act, ticket_create

CLIENTS = 8


@pytest.fixture
def staff(db: None) -> dict[str, User]:
    centre = OrgUnit.objects.create(kind=OrgUnit.Kind.CENTRE, code="race", name="并发中心")
    OrgUnit.objects.create(kind=OrgUnit.Kind.DEPARTMENT, code="repair", name="抢修", parent=centre)
    return {
        role: user_create(username=role, password="x-2026-pw", role=role, centre=centre)
        for role in ("agent", "backoffice")
    }


@pytest.mark.django_db(transaction=True)
def test_same_version_from_many_clients_one_wins(staff: dict[str, User]) -> None:
    customer = customer_create(actor=staff["agent"], name="李梅")
    ticket = ticket_create(
        actor=staff["agent"], customer_id=customer.pk, kind="complaint", title="停电未通知"
    )
    results = race(
        [
            lambda: ticket_act(
                actor=staff["backoffice"],
                number=ticket.number,
                action="urge",
                version=1,
                fields=ActionInput(note="催办"),
            )
            for _ in range(CLIENTS)
        ]
    )

    winners = [result for result in results if isinstance(result, Ticket)]
    losers = [result for result in results if isinstance(result, Conflict)]
    assert len(winners) == 1, results
    assert len(losers) == CLIENTS - 1
    assert all(loser.code == "version_conflict" for loser in losers)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.version == 2 and stored.urge_count == 1
    seqs = list(TicketEvent.objects.filter(ticket=stored).values_list("seq", flat=True))
    assert seqs == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_numbers_stay_unique_under_concurrent_creation(staff: dict[str, User]) -> None:
    customer = customer_create(actor=staff["agent"], name="赵强")
    results = race(
        [
            lambda: ticket_create(
                actor=staff["agent"], customer_id=customer.pk, kind="fault", title="停电"
            )
            for _ in range(CLIENTS)
        ]
    )

    assert all(isinstance(result, Ticket) for result in results), results
    numbers = {result.number for result in results}
    assert len(numbers) == CLIENTS
    assert Ticket.objects.count() == CLIENTS
