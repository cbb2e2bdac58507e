"""A department's own steps and the back office's answers (issue 15, points 19–20): no
suspending after the return, 退单 counted against the dispatch, passing to a colleague,
延期申请 and its answer, photos on the return, the AB post (002 第10篇), callback outcomes
with unreachable customers called again, and incomplete acceptances sent back to the agent.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient
from kefu.core.models import Notification, OrgUnit, User
from kefu.metrics.queries import Period, rules_of, service_figures
from kefu.tickets.lifecycle import CALLBACK_ATTEMPTS
from kefu.tickets.models import Ticket, TicketAttachment
from kefu.tickets.queries import send_backs, sent_to_agents

pytestmark = pytest.mark.django_db

Act = Callable[..., Any]


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture
def handling(open_ticket: Callable[..., dict[str, Any]], act: Act) -> str:
    """An order the repair department's handler has taken."""
    number = open_ticket()["number"]
    assert act("backoffice", number, "dispatch", department="repair").status_code == 200
    assert act("handler", number, "take").status_code == 200
    return str(number)


@pytest.fixture
def colleague(make_user: Callable[..., User]) -> User:
    return make_user("handler", "handler2", full_name="李明")


def test_a_department_cannot_suspend_an_order_it_has_returned(handling: str, act: Act) -> None:
    assert act("handler", handling, "return", result="已处理").status_code == 200
    refused = act("handler", handling, "suspend", reason="等待材料")
    assert refused.status_code == 403
    ticket = Ticket.objects.get(number=handling)
    assert (ticket.state, ticket.suspended) == ("returned", False)
    # The back office cannot stop its own check either: it verifies or sends back.
    assert act("backoffice", handling, "suspend", reason="x").status_code == 409


def test_while_handling_the_department_may_still_suspend(handling: str, act: Act) -> None:
    assert act("handler", handling, "suspend", reason="等待客户提供材料").status_code == 200
    assert act("handler", handling, "resume").status_code == 200


def test_decline_returns_a_wrong_dispatch_and_counts_against_it(
    handling: str, act: Act, users: dict[str, User], department: OrgUnit
) -> None:
    assert act("handler", handling, "decline").status_code == 422  # a reason is required
    response = act("handler", handling, "decline", reason="不属于本部门，应派营销部")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["department"]) == ("accepted", None)
    assert Notification.objects.filter(
        recipient=users["backoffice"], kind="ticket.decline"
    ).exists()
    [row] = send_backs(users["backoffice"], since=timezone.now() - timedelta(days=1))
    assert (row.name, row.sent_back, row.out_of) == (department.name, 1, 1)


def test_only_the_holding_department_sends_back(
    handling: str, act: Act, make_user: Callable[..., User], centre: OrgUnit
) -> None:
    other = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="marketing", name="营销部", parent=centre
    )
    make_user("handler", "outsider", department=other)
    api = ApiClient(_token("outsider"))
    version = Ticket.objects.get(number=handling).version
    response = api.post(f"/api/v1/tickets/{handling}/decline", {"version": version, "reason": "x"})
    assert response.status_code == 404


def test_pass_on_to_a_colleague_of_the_same_department(
    handling: str, act: Act, colleague: User, users: dict[str, User]
) -> None:
    refused = act("handler", handling, "pass_on", assignee="backoffice")
    assert refused.status_code == 422
    assert refused.json()["detail"]["field"] == "assignee"
    response = act("handler", handling, "pass_on", assignee="handler2")
    assert response.status_code == 200
    assert response.json()["assignee"] == "handler2"
    assert Notification.objects.filter(recipient=colleague, kind="ticket.pass_on").exists()


def test_an_extension_asked_for_and_granted_moves_the_stage_due_time(
    handling: str, act: Act, users: dict[str, User]
) -> None:
    before = Ticket.objects.get(number=handling).stage_due_at
    assert act("handler", handling, "request_extension", minutes=120).status_code == 422
    asked = act("handler", handling, "request_extension", minutes=120, reason="需等待备件到货")
    assert asked.status_code == 200
    assert asked.json()["extension_pending_minutes"] == 120
    # One request at a time; the department cannot grant its own.
    again = act("handler", handling, "request_extension", minutes=60, reason="x")
    assert again.status_code == 409
    assert act("handler", handling, "grant_extension").status_code == 403
    queue = Client()
    queue.login(username="backoffice", password=PASSWORD)
    assert handling in queue.get("/backoffice/?queue=extension").content.decode()
    granted = act("backoffice", handling, "grant_extension")
    assert granted.status_code == 200
    ticket = Ticket.objects.get(number=handling)
    assert ticket.extension_pending is None and ticket.extension_minutes == 120
    assert before is not None
    assert ticket.stage_due_at == before + timedelta(minutes=120)  # a 24×7 calendar
    assert Notification.objects.filter(
        recipient=users["handler"], kind="ticket.grant_extension"
    ).exists()
    # The extension is the stage's: the next stage starts on its own limit.
    act("handler", handling, "return", result="已更换备件")
    assert Ticket.objects.get(number=handling).extension_minutes == 0


def test_a_refused_extension_needs_a_reason_and_changes_no_time(handling: str, act: Act) -> None:
    before = Ticket.objects.get(number=handling).stage_due_at
    act("handler", handling, "request_extension", minutes=60, reason="需等待备件")
    assert act("backoffice", handling, "refuse_extension").status_code == 422
    assert act("backoffice", handling, "refuse_extension", reason="时限内可完成").status_code == 200
    ticket = Ticket.objects.get(number=handling)
    assert (ticket.extension_pending, ticket.stage_due_at) == (None, before)


def test_photos_go_with_the_return_and_only_those_who_see_the_order_download_them(
    handling: str, make_user: Callable[..., User], centre: OrgUnit
) -> None:
    page = Client()
    page.login(username="handler", password=PASSWORD)
    version = Ticket.objects.get(number=handling).version
    photo = io.BytesIO(png())
    photo.name = "现场照片.png"
    response = page.post(
        f"/tickets/{handling}/return/",
        {"version": version, "result": "已更换表箱门锁", "files": [photo]},
    )
    assert response.status_code == 302
    [attachment] = TicketAttachment.objects.filter(ticket__number=handling)
    assert (attachment.name, attachment.content_type) == ("现场照片.png", "image/png")
    assert attachment.event_seq == Ticket.objects.get(number=handling).last_event_seq
    office = Client()
    office.login(username="backoffice", password=PASSWORD)
    assert "现场照片.png" in office.get(f"/tickets/{handling}/").content.decode()
    download = office.get(f"/tickets/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download.getvalue() == png()
    other = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="marketing", name="营销部", parent=centre
    )
    make_user("handler", "outsider", department=other)
    outsider = Client()
    outsider.login(username="outsider", password=PASSWORD)
    assert outsider.get(f"/tickets/attachments/{attachment.pk}/").status_code == 404


def test_a_file_that_is_not_what_it_says_refuses_the_whole_return(handling: str) -> None:
    page = Client()
    page.login(username="handler", password=PASSWORD)
    version = Ticket.objects.get(number=handling).version
    fake = io.BytesIO(b"MZ\x90\x00 not a picture")
    fake.name = "photo.png"
    response = page.post(
        f"/tickets/{handling}/return/", {"version": version, "result": "已处理", "files": [fake]}
    )
    # The order's page again, saying why, with the result as typed (a file input cannot
    # be filled again by a page: the person chooses the right file).
    assert response.status_code == 422
    shown = response.content.decode()
    assert "photo.png" in shown and ">已处理</textarea>" in shown
    ticket = Ticket.objects.get(number=handling)
    assert ticket.state == "handling" and not ticket.attachments.exists()


def test_the_api_attaches_files_to_the_latest_step(handling: str, users: dict[str, User]) -> None:
    client = Client()
    photo = io.BytesIO(png())
    photo.name = "meter.png"
    response = client.post(
        f"/api/v1/tickets/{handling}/attachments",
        {"files": [photo]},
        headers={"Authorization": f"Bearer {_token('handler')}"},
    )
    assert response.status_code == 201, response.content
    [row] = response.json()
    assert row["name"] == "meter.png" and row["url"].startswith("/tickets/attachments/")
    detail = ApiClient(_token("backoffice")).get(f"/api/v1/tickets/{handling}").json()
    assert [file["name"] for file in detail["attachments"]] == ["meter.png"]
    agent = Client().post(
        f"/api/v1/tickets/{handling}/attachments",
        {"files": [io.BytesIO(png())]},
        headers={"Authorization": f"Bearer {_token('agent')}"},
    )
    assert agent.status_code == 403


def test_the_ab_post_receives_the_orders_in_hand_and_the_notices(
    handling: str, act: Act, colleague: User, users: dict[str, User]
) -> None:
    until = timezone.now() + timedelta(days=2)
    api = ApiClient(_token("handler"))
    response = api.put(
        "/api/v1/tickets/away/handler", {"backup": "handler2", "until": until.isoformat()}
    )
    assert response.status_code == 200, response.content
    assert response.json()["passed_on"] == [handling]
    ticket = Ticket.objects.get(number=handling)
    assert ticket.assignee == colleague
    assert ticket.events.filter(action="pass_on", data__away="handler").exists()
    # A notice meant for the absent handler reaches the stand-in.
    act("backoffice", handling, "urge")
    from kefu.core.services import notify

    notify(recipients=[users["handler"]], kind="test", title="急")
    assert Notification.objects.filter(recipient=colleague, kind="test").exists()
    assert not Notification.objects.filter(recipient=users["handler"], kind="test").exists()
    # Back: notices come to the handler again.
    assert api.put("/api/v1/tickets/away/handler", {"until": None}).status_code == 200
    notify(recipients=[users["handler"]], kind="test2", title="急")
    assert Notification.objects.filter(recipient=users["handler"], kind="test2").exists()


def test_only_the_person_or_their_leader_sets_an_absence(
    colleague: User, users: dict[str, User]
) -> None:
    until = (timezone.now() + timedelta(days=1)).isoformat()
    body = {"backup": "handler", "until": until}
    assert ApiClient(_token("agent")).put("/api/v1/tickets/away/handler2", body).status_code == 403
    assert ApiClient(_token("leader")).put("/api/v1/tickets/away/handler2", body).status_code == 200


def _replied(open_ticket: Callable[..., dict[str, Any]], act: Act) -> str:
    number = str(open_ticket()["number"])
    for role, action, fields in [
        ("backoffice", "dispatch", {"department": "repair"}),
        ("handler", "take", {}),
        ("handler", "return", {"result": "已处理"}),
        ("backoffice", "verify", {}),
        ("backoffice", "reply", {"channel": "phone", "text": "已告知"}),
    ]:
        assert act(role, number, action, **fields).status_code == 200
    return number


def test_fairly_satisfied_closes_the_order_as_satisfied(
    open_ticket: Callable[..., dict[str, Any]], act: Act
) -> None:
    number = _replied(open_ticket, act)
    body = act("backoffice", number, "callback", outcome="fairly_satisfied").json()
    assert (body["state"], body["satisfied"], body["callback_outcome"]) == (
        "closed",
        True,
        "fairly_satisfied",
    )


def test_an_unreachable_customer_is_called_again_then_closed_as_unreachable(
    open_ticket: Callable[..., dict[str, Any]], act: Act, centre: OrgUnit
) -> None:
    number = _replied(open_ticket, act)
    for attempt in range(1, CALLBACK_ATTEMPTS):
        body = act("backoffice", number, "callback", outcome="unreachable").json()
        assert (body["state"], body["callback_attempts"]) == ("replied", attempt)
        assert "callback" in body["allowed_actions"]
    body = act("backoffice", number, "callback", outcome="unreachable").json()
    assert (body["state"], body["satisfied"], body["callback_attempts"]) == (
        "closed",
        None,
        CALLBACK_ATTEMPTS,
    )
    # Not reached is neither satisfied nor dissatisfied: no callback in the satisfaction rate.
    today = Period.days(timezone.localdate(), timezone.localdate())
    figures = service_figures(centre, today, rules_of(centre))
    assert (figures["callbacks"], figures["callbacks_satisfied"]) == (0, 0)


def test_the_older_yes_or_no_still_answers_a_callback(
    open_ticket: Callable[..., dict[str, Any]], act: Act
) -> None:
    number = _replied(open_ticket, act)
    body = act("backoffice", number, "callback", satisfied=False).json()
    assert (body["state"], body["callback_outcome"]) == ("accepted", "dissatisfied")


def test_an_incomplete_acceptance_goes_back_to_its_agent_who_completes_it(
    open_ticket: Callable[..., dict[str, Any]],
    act: Act,
    users: dict[str, User],
    make_user: Callable[..., User],
) -> None:
    number = str(open_ticket()["number"])
    assert act("backoffice", number, "send_to_agent", reason="缺少客户地址").status_code == 200
    assert Notification.objects.filter(recipient=users["agent"], kind="ticket.send_to_agent")
    ticket = Ticket.objects.get(number=number)
    assert (ticket.incomplete, ticket.incomplete_count) == (True, 1)
    make_user("agent", "agent2")
    other = ApiClient(_token("agent2"))
    refused = other.post(
        f"/api/v1/tickets/{number}/supplement", {"version": ticket.version, "text": "x"}
    )
    assert refused.status_code == 403
    done = act("agent", number, "supplement", text="地址：鼓楼区中山路 1 号")
    assert done.status_code == 200
    ticket.refresh_from_db()
    assert not ticket.incomplete and ticket.description.endswith("地址：鼓楼区中山路 1 号")
    [row] = sent_to_agents(users["backoffice"], since=timezone.now() - timedelta(days=1))
    assert (row.sent_back, row.out_of) == (1, 1)


def _token(username: str) -> str:
    from kefu.conftest import token_for

    return token_for(username)


def test_the_ab_post_on_the_page(users: dict[str, User], make_user: Callable[..., User]) -> None:
    """Alone in the department, the page says nobody can stand in rather than offering an
    empty picker; with a colleague, the picker names them and the absence is set."""
    browser = Client()
    browser.login(username="handler", password=PASSWORD)
    alone = browser.get("/department/").content.decode()
    assert 'id="away-nobody"' in alone and 'name="backup"' not in alone
    make_user("handler", username="handler-b", department=users["handler"].department)
    page = browser.get("/department/").content.decode()
    assert 'id="away-nobody"' not in page and '<option value="handler-b"' in page
    until = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert browser.post("/department/away", {"backup": "handler-b", "until": until})
    users["handler"].refresh_from_db()
    assert users["handler"].backup is not None
    assert users["handler"].backup.username == "handler-b"
