"""Every path of the loop through HTTP, as the people who work it would walk it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from kefu.conftest import ApiClient
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.customers.models import Customer
from kefu.tickets.models import Ticket, TicketEvent, TimeLimitPolicy

pytestmark = pytest.mark.django_db

Act = Callable[..., Any]


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return dict(response.json())


def detail(api_as: Callable[[str], ApiClient], number: str) -> dict[str, Any]:
    return ok(api_as("backoffice").get(f"/api/v1/tickets/{number}"))


def test_created_order_has_a_number_deadlines_and_its_first_event(
    open_ticket: Callable[..., dict[str, Any]], api_as: Callable[[str], ApiClient]
) -> None:
    ticket = detail(api_as, open_ticket()["number"])

    assert re.fullmatch(r"GD\d{8}\d{6}", ticket["number"])
    assert ticket["state"] == "accepted" and ticket["version"] == 1
    assert ticket["stage"] == "review"
    started = datetime.fromisoformat(ticket["stage_started_at"])
    assert datetime.fromisoformat(ticket["stage_due_at"]) - started == timedelta(hours=4)
    assert datetime.fromisoformat(ticket["stage_warn_at"]) - started == timedelta(hours=3)
    assert [event["action"] for event in ticket["events"]] == ["create"]
    assert ticket["status"] == "ok"


def test_numbers_never_repeat(open_ticket: Callable[..., dict[str, Any]]) -> None:
    numbers = [open_ticket()["number"] for _ in range(5)]
    assert len(set(numbers)) == 5
    assert sorted(numbers) == numbers


def test_straight_through_the_loop(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    department: OrgUnit,
    api_as: Callable[[str], ApiClient],
) -> None:
    number = open_ticket()["number"]
    steps: list[tuple[str, str, dict[str, Any], str]] = [
        ("backoffice", "dispatch", {"department": "repair"}, "dispatched"),
        ("handler", "take", {}, "handling"),
        ("handler", "return", {"result": "已约谈抢修人员并致歉。"}, "returned"),
        ("backoffice", "verify", {}, "verified"),
        ("backoffice", "reply", {"channel": "phone", "text": "已向客户说明处理结果。"}, "replied"),
        ("backoffice", "callback", {"satisfied": True, "note": "客户表示满意"}, "closed"),
    ]
    for role, action, fields, state in steps:
        assert ok(act(role, number, action, **fields))["state"] == state, action
    body = detail(api_as, number)

    assert body["satisfied"] is True and body["closed_at"] is not None
    assert body["department"] == {"code": "repair", "name": "抢修"}
    assert body["result"] == "已约谈抢修人员并致歉。"
    assert [event["seq"] for event in body["events"]] == list(range(1, 8))
    assert [event["to_state"] for event in body["events"]][-1] == "closed"
    assert body["allowed_actions"] == []
    assert [span["stage"] for span in body["stages"]] == [
        "review",
        "take",
        "return",
        "verify",
        "reply",
        "callback",
    ]
    assert all(span["on_time"] is True for span in body["stages"])
    assert all(span["ended_at"] is not None for span in body["stages"])


def test_rejected_and_redone(
    open_ticket: Callable[..., dict[str, Any]], act: Act, department: OrgUnit
) -> None:
    number = open_ticket()["number"]
    ok(act("backoffice", number, "dispatch", department="repair"))
    ok(act("handler", number, "take"))
    ok(act("handler", number, "return", result="已处理"))
    rejected = ok(act("backoffice", number, "reject", reason="处理结果未说明整改措施"))

    assert rejected["state"] == "dispatched" and rejected["rework_count"] == 1
    assert rejected["assignee"] is None
    ok(act("handler", number, "take"))
    ok(act("handler", number, "return", result="已约谈并通报批评"))
    assert ok(act("backoffice", number, "verify"))["state"] == "verified"


def test_unsatisfied_callback_reopens_and_tags_the_customer(
    open_ticket: Callable[..., dict[str, Any]], act: Act, customer: Customer
) -> None:
    number = open_ticket()["number"]
    ok(act("backoffice", number, "handle_in_centre"))
    ok(act("backoffice", number, "return", result="已电话解释"))
    ok(act("backoffice", number, "verify"))
    ok(act("backoffice", number, "reply", channel="phone", text="已答复"))
    reopened = ok(act("backoffice", number, "callback", satisfied=False, note="客户不认可"))

    assert reopened["state"] == "accepted" and reopened["reopen_count"] == 1
    assert reopened["satisfied"] is False and reopened["stage"] == "review"
    assert "dissatisfied" in customer.tags.values_list("code", flat=True)


def test_suspend_and_resume_move_the_deadlines_by_the_suspended_time(
    open_ticket: Callable[..., dict[str, Any]], act: Act, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    clock = [timezone.now()]
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock[0])
    ticket = open_ticket()
    number, due = ticket["number"], datetime.fromisoformat(ticket["stage_due_at"])

    clock[0] += timedelta(minutes=30)
    suspended = ok(act("backoffice", number, "suspend", reason="等待客户提供材料"))
    assert suspended["suspended"] is True and suspended["status"] == "ok"
    clock[0] += timedelta(hours=2, minutes=15)
    resumed = ok(act("backoffice", number, "resume"))

    assert resumed["suspended"] is False
    assert datetime.fromisoformat(resumed["stage_due_at"]) - due == timedelta(hours=2, minutes=15)


def test_a_suspended_order_cannot_move_on(
    open_ticket: Callable[..., dict[str, Any]], act: Act
) -> None:
    number = open_ticket()["number"]
    ok(act("backoffice", number, "suspend", reason="等待客户回复"))
    refused = act("backoffice", number, "dispatch", department="repair")
    assert refused.status_code == 409
    assert set(refused.json()["detail"]["allowed_actions"]) >= {"resume", "cancel"}


def test_reassign_to_another_department(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    centre: OrgUnit,
    department: OrgUnit,
    api_as: Callable[[str], ApiClient],
) -> None:
    OrgUnit.objects.create(kind=OrgUnit.Kind.DEPARTMENT, code="billing", name="电费", parent=centre)
    number = open_ticket()["number"]
    ok(act("backoffice", number, "dispatch", department="repair"))
    ok(act("handler", number, "take"))
    moved = ok(act("backoffice", number, "reassign", department="billing"))

    assert moved["state"] == "dispatched" and moved["department"]["code"] == "billing"
    story = detail(api_as, number)["events"]
    assert story[-1]["data"] == {"department": "billing", "from_department": "repair"}
    # The repair handler no longer sees it.
    assert act("handler", number, "take").status_code == 404


def test_merge_into_another_open_order_of_the_same_customer(
    open_ticket: Callable[..., dict[str, Any]], act: Act, api_as: Callable[[str], ApiClient]
) -> None:
    first, second = open_ticket()["number"], open_ticket(title="重复来电")["number"]
    merged = ok(act("backoffice", second, "merge", into=first))

    assert merged["state"] == "merged" and merged["merged_into"] == first
    target = ok(api_as("backoffice").get(f"/api/v1/tickets/{first}"))
    assert target["events"][-1]["data"] == {"merged_from": second}
    assert target["version"] == 2
    refused = act("backoffice", first, "merge", into=first)
    assert refused.status_code == 422


def test_cancel_is_for_supervisors_with_a_reason(
    open_ticket: Callable[..., dict[str, Any]], act: Act
) -> None:
    number = open_ticket()["number"]
    assert act("backoffice", number, "cancel", reason="客户撤诉").status_code == 403
    assert act("leader", number, "cancel").status_code == 422
    cancelled = ok(act("leader", number, "cancel", reason="客户来电撤诉"))
    assert cancelled["state"] == "cancelled"
    assert act("backoffice", number, "dispatch", department="repair").status_code == 409


def test_the_third_urge_escalates(
    open_ticket: Callable[..., dict[str, Any]], act: Act, api_as: Callable[[str], ApiClient]
) -> None:
    number = open_ticket()["number"]
    for expected in (1, 2):
        body = ok(act("agent", number, "urge", note="客户催促"))
        assert body["urge_count"] == expected and body["escalated"] is False
    body = ok(act("agent", number, "urge", note="客户第三次催促"))

    assert body["urge_count"] == 3 and body["escalated"] is True
    events = detail(api_as, number)["events"]
    assert [event["action"] for event in events][-2:] == ["urge", "escalate"]
    assert events[-1]["data"] == {"source": "urge", "urge_count": 3}


def test_department_isolation(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    centre: OrgUnit,
    department: OrgUnit,
    make_user: Callable[..., User],
) -> None:
    from kefu.conftest import token_for

    metering = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="metering", name="计量", parent=centre
    )
    make_user("handler", username="meter-handler", department=metering)
    other = ApiClient(token_for("meter-handler"))
    number = open_ticket()["number"]
    ok(act("backoffice", number, "dispatch", department="repair"))

    assert other.get(f"/api/v1/tickets/{number}").status_code == 404
    assert other.get("/api/v1/tickets").json()["count"] == 0
    assert other.post(f"/api/v1/tickets/{number}/take", {"version": 2}).status_code == 404
    assert act("handler", number, "take").status_code == 200


def test_stale_version_is_refused_with_the_fresh_state(
    open_ticket: Callable[..., dict[str, Any]], act: Act, department: OrgUnit
) -> None:
    number = open_ticket()["number"]
    ok(act("backoffice", number, "dispatch", department="repair", version=1))
    stale = act("backoffice", number, "urge", version=1)

    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert stale.json()["detail"]["state"] == "dispatched"
    assert stale.json()["detail"]["version"] == 2
    assert TicketEvent.objects.filter(ticket__number=number).count() == 2


def test_invalid_transition_lists_what_is_allowed_now(
    open_ticket: Callable[..., dict[str, Any]], act: Act
) -> None:
    number = open_ticket()["number"]
    refused = act("backoffice", number, "verify")

    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "transition_refused"
    assert body["detail"]["state"] == "accepted"
    assert "dispatch" in body["detail"]["allowed_actions"]
    assert Ticket.objects.get(number=number).version == 1


@pytest.mark.parametrize(
    ("role", "action", "fields"),
    [
        ("agent", "dispatch", {"department": "repair"}),
        ("handler", "dispatch", {"department": "repair"}),
        ("qa", "urge", {}),
        ("editor", "urge", {}),
        ("expert", "cancel", {"reason": "x"}),
        ("agent", "verify", {}),
        ("manager", "reply", {"channel": "phone", "text": "x"}),
    ],
)
def test_forbidden_actions_per_role(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    department: OrgUnit,
    role: str,
    action: str,
    fields: dict[str, Any],
) -> None:
    number = open_ticket()["number"]
    response = act(role, number, action, **fields)
    assert response.status_code in {403, 404}, response.content
    if role != "handler":  # a handler cannot even see an order not sent to them
        assert response.status_code == 403
    assert Ticket.objects.get(number=number).version == 1


def test_list_filters_warning_overdue_and_department(
    open_ticket: Callable[..., dict[str, Any]], act: Act, api_as: Callable[[str], ApiClient]
) -> None:
    from django.utils import timezone

    fresh, warned, late = (open_ticket()["number"] for _ in range(3))
    ok(act("backoffice", late, "dispatch", department="repair"))
    now = timezone.now()
    Ticket.objects.filter(number=warned).update(stage_warn_at=now - timedelta(minutes=1))
    Ticket.objects.filter(number=late).update(
        stage_warn_at=now - timedelta(hours=2), stage_due_at=now - timedelta(hours=1)
    )
    api = api_as("backoffice")

    def numbers(**query: Any) -> set[str]:
        return {item["number"] for item in api.get("/api/v1/tickets", **query).json()["items"]}

    assert numbers(overdue="true") == {late}
    assert numbers(warning="true") == {warned}
    assert numbers(overdue="false") == {fresh, warned}
    assert numbers(state="accepted", kind="complaint") == {fresh, warned}
    assert numbers(q=late) == {late}
    assert numbers(department="repair", overdue="true") == {late}
    assert numbers(department="repair", overdue="false") == set()
    assert numbers(department="no-such-department") == set()
    soonest = api.get("/api/v1/tickets", sort="due").json()["items"]
    assert soonest[0]["number"] == late


def test_the_list_costs_the_same_few_queries_for_any_page(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    api_as: Callable[[str], ApiClient],
    django_assert_max_num_queries: Any,
) -> None:
    numbers = [open_ticket()["number"] for _ in range(12)]
    act("backoffice", numbers[1], "merge", into=numbers[0])
    api = api_as("backoffice")
    with django_assert_max_num_queries(5):
        body = api.get("/api/v1/tickets", limit=10).json()
    assert body["count"] == 12 and len(body["items"]) == 10
    assert [item["number"] for item in body["items"]] == sorted(numbers, reverse=True)[:10]


@pytest.fixture
def expert_seat(
    centre: OrgUnit,
    always: WorkCalendar,
    make_user: Callable[..., User],
    users: dict[str, User],
) -> OrgUnit:
    """The centre's expert seat, where the `expert` user sits, and the seeds' limits for
    it: taken within 10 minutes, answered within 10 minutes of taking."""
    seat = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT,
        code="expert-seat",
        name="专席",
        parent=centre,
        expert_seat=True,
    )
    users["expert"].department = seat
    users["expert"].save(update_fields=["department"])
    make_user("expert", username="expert-zhang", department=seat)
    ten_minutes = {"limit": "PT10M", "warning": "PT8M"}
    TimeLimitPolicy.objects.create(
        name="专席转派",
        calendar=always,
        expert_seat=True,
        limits={"take": ten_minutes, "return": ten_minutes},
    )
    return seat


def stage_limit(order: dict[str, Any]) -> timedelta:
    return datetime.fromisoformat(order["stage_due_at"]) - datetime.fromisoformat(
        order["stage_started_at"]
    )


@pytest.mark.usefixtures("expert_seat")
def test_the_expert_seat_takes_and_answers_within_its_own_limits(
    open_ticket: Callable[..., dict[str, Any]], act: Act, api_as: Callable[[str], ApiClient]
) -> None:
    order = open_ticket()
    number = order["number"]

    moved = ok(act("agent", number, "transfer"))
    assert moved["state"] == "dispatched" and moved["department"]["code"] == "expert-seat"
    assert stage_limit(moved) == timedelta(minutes=10)
    assert moved["due_at"] == order["due_at"]  # the promise to the customer stands

    taken = ok(act("expert", number, "take"))
    assert taken["assignee"] == "expert" and stage_limit(taken) == timedelta(minutes=10)
    returned = ok(act("expert", number, "return", result="专席已答复客户宽带故障处理办法"))
    assert returned["state"] == "returned"
    assert stage_limit(returned) == timedelta(hours=4)  # verifying is the centre's again

    spans = {span["stage"]: span for span in detail(api_as, number)["stages"]}
    for stage in ("take", "return"):
        limit = datetime.fromisoformat(spans[stage]["due_at"]) - datetime.fromisoformat(
            spans[stage]["started_at"]
        )
        assert limit == timedelta(minutes=10) and spans[stage]["on_time"] is True, stage


def test_an_order_at_an_ordinary_department_keeps_its_own_limits(
    open_ticket: Callable[..., dict[str, Any]], act: Act, expert_seat: OrgUnit
) -> None:
    number = open_ticket()["number"]
    assert stage_limit(ok(act("backoffice", number, "dispatch", department="repair"))) == (
        timedelta(hours=4)
    )


@pytest.mark.parametrize(("with_seat", "named"), [(True, "repair"), (False, None)])
def test_a_transfer_goes_only_to_an_expert_seat(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    request: pytest.FixtureRequest,
    with_seat: bool,
    named: str | None,
) -> None:
    if with_seat:
        request.getfixturevalue("expert_seat")
    number = open_ticket()["number"]
    fields = {"department": named} if named else {}
    response = act("agent", number, "transfer", **fields)
    assert response.status_code == 422 and response.json()["code"] == "expert_seat_unknown"
    assert Ticket.objects.get(number=number).version == 1


def test_an_agent_transfers_but_does_not_dispatch(
    open_ticket: Callable[..., dict[str, Any]], act: Act, expert_seat: OrgUnit
) -> None:
    number = open_ticket()["number"]
    assert act("agent", number, "dispatch", department="expert-seat").status_code == 403
