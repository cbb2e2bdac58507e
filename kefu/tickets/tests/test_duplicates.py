"""Likely duplicates offered for merge (issue 21 point 4), and the stored escalation risk
raising an order in the queues."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kefu.conftest import ApiClient
from kefu.core.models import User
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.tickets.duplicates import THRESHOLD, Order, grams, likely_duplicates, similarity
from kefu.tickets.models import Ticket
from kefu.tickets.queries import backoffice_queue
from kefu.tickets.services import ticket_risks_set


def order(id: int, text: str, customer: int | None = 1, address: str = "", category: int = 5):
    return Order(id=id, customer_id=customer, address=address, category_id=category, text=text)


def test_bigrams_ignore_punctuation_and_spaces() -> None:
    assert grams("停电了！") == grams("停 电 了") == {"停电", "电了"}
    assert grams("电") == {"电"} and grams("，") == frozenset()
    assert similarity("小区停电", "小区停电") == 1.0
    assert similarity("小区停电", "电费查询") == 0.0


def test_a_likely_duplicate_shares_the_customer_or_address_category_and_text() -> None:
    new = order(1, "家中停电，抢修一直没来", address="鼓楼区中山北路1号")
    candidates = [
        order(2, "家中停电，抢修人员一直没来"),  # same customer, similar: yes
        order(3, "家中停电，抢修一直没来", category=6),  # another category: no
        order(4, "家中停电抢修一直没来", customer=9, address="鼓楼区 中山北路1号"),  # address
        order(5, "家中停电，抢修一直没来", customer=9, address="另一处"),  # neither: no
        order(6, "电费为什么这么高"),  # dissimilar: no
    ]
    found = likely_duplicates(new, candidates)
    assert [(f.id, f.same_customer, f.same_address) for f in found] == [
        (4, False, True),
        (2, True, False),
    ]
    assert all(f.score >= THRESHOLD for f in found)


@pytest.fixture
def first(open_ticket: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    return open_ticket(title="抢修人员态度差", description="客户反映抢修人员上门时态度生硬。")


def test_creation_offers_the_duplicate_and_the_back_office_merges_it(
    open_ticket: Callable[..., dict[str, Any]],
    first: dict[str, Any],
    api_as: Callable[[str], ApiClient],
    users: dict[str, User],
) -> None:
    second = open_ticket(description="客户再次来电，反映抢修人员上门时态度生硬。")
    assert [d["number"] for d in second["likely_duplicates"]] == [first["number"]]
    offered = second["likely_duplicates"][0]
    assert offered["same_customer"] and not offered["may_merge"]  # the agent may not merge
    # Another customer at another address, or another text: not offered.
    other = customer_create(actor=users["agent"], name="赵敏", phones=["13700000000"])
    assert open_ticket(customer_id=other.pk)["likely_duplicates"] == []
    assert open_ticket(title="电费咨询", description="询问阶梯电价。")["likely_duplicates"] == []

    backoffice = api_as("backoffice")
    listed = backoffice.get(f"/api/v1/tickets/{second['number']}/duplicates").json()
    assert [(d["number"], d["may_merge"]) for d in listed] == [(first["number"], True)]
    merged = backoffice.post(
        f"/api/v1/tickets/{second['number']}/merge",
        {"version": second["version"], "into": first["number"]},
    )
    assert merged.status_code == 200 and merged.json()["merged_into"] == first["number"]
    # Merged, it has nothing left to merge.
    assert backoffice.get(f"/api/v1/tickets/{second['number']}/duplicates").json() == []


def test_the_order_page_offers_the_same_address_but_merges_only_the_same_customer(
    open_ticket: Callable[..., dict[str, Any]],
    first: dict[str, Any],
    customer: Customer,
    users: dict[str, User],
    client: Client,
) -> None:
    customer.address = "江苏省南京市鼓楼区中山北路1号"
    customer.save(update_fields=["address"])
    neighbour = customer_create(
        actor=users["agent"], name="赵敏", phones=["13700000000"], address=customer.address
    )
    second = open_ticket(customer_id=neighbour.pk)
    client.force_login(users["backoffice"])
    page = client.get(f"/tickets/{second['number']}/").content.decode()
    assert first["number"] in page and "同一地址、其他客户" in page
    assert "合并到此工单" not in page  # merge takes only the same customer's orders


def test_a_risky_order_comes_first_in_its_queue_with_its_reasons(
    open_ticket: Callable[..., dict[str, Any]], users: dict[str, User], client: Client
) -> None:
    calm = open_ticket(title="电费咨询", description="询问阶梯电价。")
    risky = open_ticket(title="咨询电价", description="询问峰谷电价。")
    queue = [t.number for t in backoffice_queue(users["backoffice"], "review")]
    assert queue == [calm["number"], risky["number"]]  # soonest due first

    ticket = Ticket.objects.get(number=risky["number"])
    reasons = [{"code": "urges", "points": 30, "count": 2}, {"code": "dissatisfied", "points": 25}]
    assert ticket_risks_set(scores={ticket.pk: (55, reasons)}) == 1
    assert ticket_risks_set(scores={ticket.pk: (55, reasons)}) == 0  # unchanged
    queue = [t.number for t in backoffice_queue(users["backoffice"], "review")]
    assert queue == [risky["number"], calm["number"]]
    ticket.refresh_from_db()
    assert ticket.version == risky["version"]  # a reading, not a step: no version bump

    client.force_login(users["backoffice"])
    page = client.get("/backoffice/?queue=review").content.decode()
    assert "升级风险 55" in page and "催办 2 次（+30）" in page and "在不满意客户名单上" in page
    assert "升级风险 55" in client.get(f"/tickets/{risky['number']}/").content.decode()
    with pytest.raises(ValueError, match="unknown risk reason"):
        ticket_risks_set(scores={ticket.pk: (10, [{"code": "weather", "points": 10}])})
