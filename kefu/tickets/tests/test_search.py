"""Work-order text search (issue 15, point 27b): titles, descriptions, results and
customers, with the knowledge base's Chinese full-text machinery, within what the user may
see, and always answering for the text as it is now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from kefu.conftest import ApiClient
from kefu.core.fulltext import index_terms, query_words
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.customers.privacy import customer_anonymise
from kefu.customers.services import customer_create, customer_update
from kefu.tickets import search
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create
from kefu.tickets.tasks import search_catch_up

pytestmark = pytest.mark.django_db


def found(api: ApiClient, q: str) -> set[str]:
    response = api.get("/api/v1/tickets", q=q, limit=200)
    assert response.status_code == 200, response.content
    return {item["number"] for item in response.json()["items"]}


def test_the_text_is_read_as_the_knowledge_base_reads_chinese() -> None:
    assert {"路由", "路由器"} <= set(index_terms("家里的路由器坏了"))
    assert "的" not in index_terms("欠费的问题") and "的" not in query_words("欠费的问题")
    assert query_words("ＡＢＣ电表　电表") == ["abc", "电表"]  # full-width, once each


def test_titles_descriptions_results_and_customers_are_searched(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    act: Callable[..., Any],
    users: dict[str, User],
) -> None:
    """Before, only the title was searched (LIKE '%…%'): a word of the description or the
    result found nothing."""
    zhou = customer_create(
        actor=users["agent"], name="周慧敏", phones=["13900001111"], account_number="3201140012"
    )
    meter = open_ticket(
        title="电表异常",
        description="客户反映家中智能电表夜间读数跳动，怀疑计量不准。",
        customer_id=zhou.pk,
    )["number"]
    bill = open_ticket(title="电费查询", description="客户询问上月电费构成。")["number"]
    assert act("backoffice", meter, "dispatch", department="repair").status_code == 200
    assert act("handler", meter, "take").status_code == 200
    returned = act("handler", meter, "return", result="已更换电能表，读数恢复正常。")
    assert returned.status_code == 200
    api = api_as("backoffice")
    assert found(api, "读数跳动") == {meter}  # description
    assert found(api, "计量") == {meter}
    assert found(api, "更换电能表") == {meter}  # the result, just written
    assert found(api, "周慧敏") == {meter}  # the customer
    assert found(api, "3201140012") == {meter}  # their account number (户号)
    assert found(api, "电费") == {bill}
    assert found(api, "电表 夜间") == {meter}  # every word, in any order
    assert found(api, "电表 上月") == set()
    assert found(api, "电费查询") == {bill}
    assert found(api, bill.lower()) == {bill}  # the number, as before
    assert found(api, "的") == set()  # only a stop word: nothing, not everything


def test_search_stays_within_what_the_user_may_see(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    act: Callable[..., Any],
    make_user: Callable[..., User],
    centre: OrgUnit,
    other_centre: OrgUnit,
    users: dict[str, User],
) -> None:
    mine = open_ticket(title="线路老化", description="小区线路老化需要检修")["number"]
    theirs = open_ticket(title="线路老化", description="另一处线路老化")["number"]
    act("backoffice", mine, "dispatch", department="repair")
    elsewhere = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="metering", name="计量", parent=centre
    )
    act("backoffice", theirs, "dispatch", department=elsewhere.code)
    stranger = make_user("agent", username="stranger", centre=other_centre)
    far = customer_create(actor=stranger, name="赵六", phones=["13700002222"])
    ticket_create(actor=stranger, customer_id=far.pk, kind="fault", title="线路老化")
    assert found(api_as("backoffice"), "线路老化") == {mine, theirs}
    assert found(api_as("handler"), "线路老化") == {mine}
    assert found(api_as("handler"), "另一处") == set()
    assert len(found(api_as("admin"), "线路老化")) == 3


def test_a_changed_customer_is_found_by_the_new_name_only(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    users: dict[str, User],
) -> None:
    person = customer_create(actor=users["agent"], name="钱小红", phones=["13600003333"])
    number = open_ticket(title="停电报修", customer_id=person.pk)["number"]
    api = api_as("backoffice")
    assert found(api, "钱小红") == {number}
    customer_update(actor=users["agent"], customer=person, name="钱晓虹")
    assert found(api, "钱晓虹") == {number}
    assert found(api, "钱小红") == set()


def test_an_anonymised_customer_cannot_be_found_by_what_was_erased(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    act: Callable[..., Any],
    users: dict[str, User],
) -> None:
    person = customer_create(actor=users["agent"], name="孙丽丽", phones=["13500004444"])
    number = open_ticket(
        title="投诉抄表员", description="孙丽丽住在梧桐小区", customer_id=person.pk
    )["number"]
    api = api_as("manager")
    assert found(api, "梧桐小区") == {number}
    assert act("manager", number, "cancel", reason="客户撤诉").status_code == 200
    customer_anonymise(
        actor=users["manager"], customer=Customer.objects.get(pk=person.pk), reason="客户请求"
    )
    assert found(api, "梧桐小区") == set()
    assert found(api, "孙丽丽") == set()


def _noted() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search.PENDING}")  # noqa: S608
        return int(cursor.fetchone()[0])


def test_orders_not_yet_indexed_are_matched_on_their_text_as_it_is(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bulk change leaves more notes than a search indexes: those orders are matched on
    their current text (LIKE), never on terms that may be stale; the worker indexes them."""
    number = open_ticket(title="表箱锈蚀", description="表箱门锈死打不开")["number"]
    api = api_as("backoffice")
    assert found(api, "表箱") == {number} and _noted() == 0
    Ticket.objects.filter(number=number).update(title="电缆井盖缺失", description="")
    monkeypatch.setattr(search, "CATCH_UP_AT_SEARCH", 0)
    assert _noted() == 1
    assert found(api, "表箱") == set()  # the index still holds it: not used
    assert found(api, "井盖") == {number}
    assert search_catch_up() == 1 and _noted() == 0
    assert found(api, "井盖") == {number} and found(api, "表箱") == set()


def test_bulk_inserted_orders_are_noted_and_indexed(
    api_as: Callable[[str], ApiClient], users: dict[str, User], centre: OrgUnit
) -> None:
    """Orders written without the services (imports, the benchmarks) are found too."""
    person = customer_create(actor=users["agent"], name="吴桂芳", phones=["13400005555"])
    Ticket.objects.bulk_create(
        Ticket(
            number=f"GD20261205{index:06d}",
            centre=centre,
            kind="fault",
            customer=person,
            title=title,
            state="accepted",
            created_by=users["agent"],
            created_at=timezone.now(),
        )
        for index, title in enumerate(["变压器异响", "路灯不亮", "变压器漏油"], start=1)
    )
    assert _noted() == 3
    assert found(api_as("backoffice"), "变压器") == {"GD20261205000001", "GD20261205000003"}
    assert _noted() == 0


def test_the_list_page_search_box_finds_a_description(
    client: Any, users: dict[str, User], open_ticket: Callable[..., dict[str, Any]]
) -> None:
    number = open_ticket(title="咨询", description="客户询问峰谷电价执行时段")["number"]
    open_ticket(title="咨询", description="客户询问阶梯电价")
    client.force_login(users["backoffice"])
    page = client.get("/tickets/", {"q": "峰谷"})
    assert page.status_code == 200
    html = page.content.decode()
    assert number in html and html.count("客户询问阶梯电价") == 0


def test_a_common_word_finds_the_same_orders_newest_first(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above `COMMON` matches SQLite walks the orders newest first: the same answer."""
    numbers = [
        open_ticket(title=f"停电报修{index}", description="小区停电")["number"]
        for index in range(3)
    ]
    open_ticket(title="电费查询")
    api = api_as("backoffice")
    before = api.get("/api/v1/tickets", q="停电").json()["items"]
    monkeypatch.setattr(search, "COMMON", 1)
    after = api.get("/api/v1/tickets", q="停电").json()["items"]
    assert [item["number"] for item in after] == [item["number"] for item in before]
    assert sorted(item["number"] for item in after) == sorted(numbers)
    assert after[0]["number"] == numbers[-1]
