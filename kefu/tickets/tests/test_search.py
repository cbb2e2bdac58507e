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
from kefu.core import listing, pagination
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


def _listed(api: ApiClient, **params: Any) -> dict[str, Any]:
    response = api.get("/api/v1/tickets", **params)
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_a_search_counts_up_to_a_bound_and_says_so(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A common word matched a quarter of 100,000 orders and counting them all took most
    of the time: a search counts up to a bound (1000; 2 here) and says when it stopped,
    always far enough to tell whether another page follows."""
    numbers = [open_ticket(title=f"停电报修{index}")["number"] for index in range(4)]
    open_ticket(title="电费查询")
    api = api_as("backoffice")
    exact = _listed(api, q="停电", limit=1)
    assert (exact["count"], exact["count_exact"]) == (4, True)
    monkeypatch.setattr(pagination, "COUNT_BOUND", 2)
    monkeypatch.setattr(search, "COMMON", 2)  # and the walk newest first
    first = _listed(api, q="停电", limit=1)
    assert (first["count"], first["count_exact"]) == (2, False)  # more than 2
    assert [item["number"] for item in first["items"]] == [numbers[-1]]
    further = _listed(api, q="停电", limit=2, offset=2)  # counted to the end of the page
    assert (further["count"], further["count_exact"]) == (4, True)
    assert [item["number"] for item in further["items"]] == numbers[1::-1]
    one = _listed(api, q="电费", limit=1)
    assert (one["count"], one["count_exact"]) == (1, True)
    everything = _listed(api, limit=1)  # not a search: counted exactly
    assert (everything["count"], everything["count_exact"]) == (5, True)


def test_the_count_contract_is_in_the_openapi_document(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    page = next(value for name, value in schema.items() if name == "Page_TicketOut_")
    assert "count_exact" in page["properties"]
    assert "more than `count`" in page["properties"]["count_exact"]["description"]
    assert "more than this many" in page["properties"]["count"]["description"]


@pytest.mark.parametrize("common", [1000, 0])
def test_a_handler_counts_only_their_departments_matches(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    act: Callable[..., Any],
    centre: OrgUnit,
    monkeypatch: pytest.MonkeyPatch,
    common: int,
) -> None:
    """The index counts a department's matches by the terms saying where each order is
    seen; an order moved to another department (by any means) is counted there at once."""
    monkeypatch.setattr(search, "COMMON", common)
    elsewhere = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="metering", name="计量", parent=centre
    )
    ours = [open_ticket(title=f"线路老化{index}")["number"] for index in range(3)]
    theirs = [open_ticket(title=f"线路老化{index}")["number"] for index in range(2)]
    for number in ours:
        assert act("backoffice", number, "dispatch", department="repair").status_code == 200
    for number in theirs:
        act("backoffice", number, "dispatch", department=elsewhere.code)
    handler, backoffice = api_as("handler"), api_as("backoffice")
    mine = _listed(handler, q="线路老化")
    assert (mine["count"], mine["count_exact"]) == (3, True)
    assert {item["number"] for item in mine["items"]} == set(ours)
    assert _listed(backoffice, q="线路老化", department="metering")["count"] == 2
    Ticket.objects.filter(number=ours[0]).update(department=elsewhere)  # not a service
    assert _listed(handler, q="线路老化")["count"] == 2
    assert _listed(backoffice, q="线路老化", department="metering")["count"] == 3
    assert _listed(backoffice, q="线路老化")["count"] == 5
    # A handler asking for another department sees nothing, and counts nothing.
    assert _listed(handler, q="线路老化", department="metering")["count"] == 0


def test_no_text_makes_the_terms_that_say_where_an_order_is_seen(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    make_user: Callable[..., User],
    centre: OrgUnit,
    other_centre: OrgUnit,
) -> None:
    """An order of another centre whose text spells our centre's term is neither indexed
    under it nor counted for us."""
    forged = f"{search.SCOPE}c{centre.pk}"
    terms = search.document_terms(
        title=f"线路老化 {forged}",
        description="",
        result="",
        customer_name="",
        account_number=forged,
        centre_id=other_centre.pk,
        department_id=None,
    )
    assert forged not in terms and f"{search.SCOPE}c{other_centre.pk}" in terms
    mine = open_ticket(title="线路老化")["number"]
    stranger = make_user("agent", username="stranger", centre=other_centre)
    far = customer_create(actor=stranger, name="赵六", phones=["13700002222"])
    ticket_create(
        actor=stranger, customer_id=far.pk, kind="fault", title=f"线路老化 {forged} zzkefud0"
    )
    listed = _listed(api_as("backoffice"), q="线路老化")
    assert (listed["count"], [item["number"] for item in listed["items"]]) == (1, [mine])
    assert _listed(api_as("backoffice"), q=forged)["count"] == 0


@pytest.mark.parametrize("materialize", [20000, 0])
def test_the_walk_newest_first_finds_named_and_noted_orders_too(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    users: dict[str, User],
    monkeypatch: pytest.MonkeyPatch,
    materialize: int,
) -> None:
    """Above COMMON matches the orders are walked newest first (SQLite: the matches read
    once into a set, or FTS5 asked order by order): the orders found by their customer's
    name, or still noted as changed, are in it as well."""
    monkeypatch.setattr(search, "COMMON", 0)
    monkeypatch.setattr(search, "MATERIALIZE", materialize)
    person = customer_create(actor=users["agent"], name="表箱", phones=["13900002222"])
    indexed = open_ticket(title="表箱锈蚀")["number"]
    named = open_ticket(title="电费查询", customer_id=person.pk)["number"]
    noted = open_ticket(title="路灯不亮")["number"]
    api = api_as("backoffice")
    assert found(api, "表箱") == {indexed, named}
    monkeypatch.setattr(search, "CATCH_UP_AT_SEARCH", 0)
    Ticket.objects.filter(number=noted).update(description="表箱门锈死")
    Ticket.objects.filter(number=indexed).update(title="电缆井盖缺失")
    listed = _listed(api, q="表箱")
    assert [item["number"] for item in listed["items"]] == [noted, named]
    assert (listed["count"], listed["count_exact"]) == (2, True)


def test_the_list_page_says_when_it_stopped_counting(
    client: Any,
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pagination, "COUNT_BOUND", 2)
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    monkeypatch.setattr(search, "COMMON", 1)  # walked newest first
    numbers = [open_ticket(title=f"停电报修{index}")["number"] for index in range(3)]
    client.force_login(users["backoffice"])
    first = client.get("/tickets/", {"q": "停电"}).content.decode()
    assert "共 2+ 张工单" in first and "第 1 页" in first and 'rel="next"' in first
    assert numbers[2] in first and numbers[0] not in first
    second = client.get("/tickets/", {"q": "停电", "page": 2}).content.decode()
    assert "共 3 张工单" in second and "第 2 / 2 页" in second and 'rel="next"' not in second
    assert numbers[0] in second
    export = client.get("/tickets/export.xlsx", {"q": "停电"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_the_words_reach_postgresql_as_a_literal_and_odd_text_is_harmless(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
) -> None:
    """On PostgreSQL the index is asked with the words written into the statement, not
    bound: a prepared statement's generic plan cannot know how common a word is (a word
    in half the orders cost 12 ms instead of 1 ms at 100,000 orders). Quotes, percent
    signs and backslashes in what was typed change nothing."""
    number = open_ticket(title="表箱锈蚀", description="客户反映表箱锈蚀")["number"]
    api = api_as("backoffice")
    query = search._Query(expression="'表箱'", scoped="'表箱'", words=["表箱"])
    sql, params = query.indexed(scoped=True)
    if connection.vendor == "postgresql":
        assert "'''表箱'''::tsquery" in sql and params == []
    else:
        assert params == ["'表箱'"]
    for typed in ("表箱", "表箱'", "'表箱';--", "表箱%", "表箱\\", "表箱 %%"):
        assert found(api, typed) == {number}, typed
    # Every word must be held: none holds these, and nothing but the search ran.
    assert found(api, "表箱'; DROP TABLE tickets_ticket; --") == set()
    assert Ticket.objects.filter(number=number).exists()


@pytest.mark.django_db(transaction=True)
def test_an_upgrade_that_rebuilds_the_orders_table_keeps_the_search(
    api_as: Callable[[str], ApiClient],
    open_ticket: Callable[..., dict[str, Any]],
    users: dict[str, User],
) -> None:
    """SQLite rebuilds a table to add a column with a default (tickets 0018). The
    customers' search trigger names the orders' table, so an existing centre's upgrade
    stopped there. The migrate command drops the triggers before and makes them after;
    a customer renamed afterwards is still found by the new name."""
    from django.core.management import call_command

    person = customer_create(actor=users["agent"], name="钱小红", phones=["13600003333"])
    number = open_ticket(title="停电报修", customer_id=person.pk)["number"]
    call_command("migrate", "insights", "zero", verbosity=0)
    call_command("migrate", "tickets", "0017", verbosity=0)
    call_command("migrate", verbosity=0)
    customer_update(actor=users["agent"], customer=person, name="钱晓虹")
    assert found(api_as("backoffice"), "钱晓虹") == {number}
