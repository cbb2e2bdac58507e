"""During a contact (issue 15, 18 and 18a): the agent texts the caller a knowledge answer
through the SMS gateway, recorded on the contact; callers on the watch list (002 第17篇 28)
are flagged at screen pop with the centre's instruction; 求助 alerts the team leader on
duty at once (002 第13篇 17, 第17篇 28) and the take-over is recorded on the contact."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient
from kefu.contacts.models import Contact, ContactSms, HelpRequest
from kefu.contacts.services import help_request_raise, help_request_take
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import AuditEntry, Notification, OrgUnit, User
from kefu.customers.models import Customer, WatchEntry
from kefu.customers.services import customer_create, watch_entry_add
from kefu.knowledge.models import Article
from kefu.knowledge.services import article_act, article_create

CALLER = "13812345678"


class RecordingGateway:
    """Stands in for the operator's SMS gateway, which lies outside the product."""

    sent: list[tuple[str, str]] = []

    def send(self, number: str, text: str) -> str:
        self.sent.append((number, text))
        return f"gw-{len(self.sent)}"


class RefusingGateway:
    def send(self, number: str, text: str) -> str:
        raise RuntimeError("余额不足")


@pytest.fixture
def gateway(settings: Any) -> type[RecordingGateway]:
    settings.KEFU_SMS_GATEWAY = f"{__name__}.RecordingGateway"
    RecordingGateway.sent = []
    return RecordingGateway


@pytest.fixture
def customer(users: dict[str, User]) -> Customer:
    return customer_create(actor=users["agent"], name="王建国", phones=[CALLER, "025-84561234"])


@pytest.fixture
def article(make_user: Callable[..., User]) -> Article:
    author = make_user("editor", username="editor-li")
    reviewer = make_user("editor", username="editor-wang")
    written = article_create(
        actor=author,
        title="电费缴纳渠道",
        body="可通过**网上国网** App、银行代扣或营业厅缴纳。\n\n- 营业厅 8:30 开门",
        kind="faq",
    )
    written = article_act(actor=author, article_id=written.pk, action="submit", version=1)
    return article_act(actor=reviewer, article_id=written.pk, action="approve", version=2)


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def submission_of(page: str) -> str:
    found = re.search(r'name="submission" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def record(client: Client, token: str, customer: Customer) -> Contact:
    response = client.post(
        "/workbench/record",
        {
            "submission": token,
            "caller_number": CALLER,
            "customer_id": customer.pk,
            "summary": "咨询缴费渠道，已短信告知",
            "settled": "on",
        },
    )
    assert response.status_code == 302, response.content
    return Contact.objects.get(customer=customer)


def test_the_agent_texts_a_knowledge_answer_recorded_on_the_contact(
    users: dict[str, User],
    customer: Customer,
    article: Article,
    gateway: type[RecordingGateway],
    api_as: Callable[[str], ApiClient],
    django_capture_on_commit_callbacks: Any,
) -> None:
    agent = signed_in(users["agent"])
    page = agent.get(f"/workbench/?caller={CALLER}").content.decode()
    token = submission_of(page)
    context: dict[str, Any] = {
        "submission": token,
        "caller_number": CALLER,
        "customer_id": customer.pk,
    }

    compose = agent.get("/workbench/sms/compose", {**context, "article": article.pk})
    assert compose.status_code == 200
    html = compose.content.decode()
    assert "138****5678" in html and CALLER not in html.split('name="caller_number"')[0]
    assert "025****1234" not in html  # a fixed line cannot receive a text
    text = re.search(r'<textarea name="text"[^>]*>([^<]*)</textarea>', html)
    assert text is not None and text.group(1).startswith("电费缴纳渠道：可通过网上国网 App")
    assert "**" not in text.group(1)

    with django_capture_on_commit_callbacks(execute=True):
        sent = agent.post(
        "/workbench/sms",
        {**context, "article": article.pk, "title": "电费缴纳渠道", "number": "caller",
         "text": "电费可通过网上国网 App、银行代扣或营业厅缴纳。"},
    )  # fmt: skip
    assert sent.status_code == 200
    assert gateway.sent == [(CALLER, "电费可通过网上国网 App、银行代扣或营业厅缴纳。")]
    sms = ContactSms.objects.get()
    assert (sms.status, sms.gateway_reference, sms.agent) == ("sent", "gw-1", users["agent"])
    assert sms.sent_at is not None and sms.article_id == article.pk
    state = agent.get("/workbench/assist", context).content.decode()
    assert "已发送" in state and "138****5678" in state and "电费缴纳渠道" in state
    audit = AuditEntry.objects.get(action="contact.sms_send")
    assert audit.after == {"number": "138****5678", "article": article.pk, "characters": 25}

    contact = record(agent, token, customer)
    sms.refresh_from_db()
    assert sms.contact == contact
    detail = api_as("agent").get(f"/api/v1/contacts/{contact.pk}").json()
    assert detail["texts"][0]["number"] == "138****5678"
    assert detail["texts"][0]["status"] == "sent"
    assert detail["texts"][0]["agent"] == "agent"
    assert detail["texts"][0]["article_title"] == "电费缴纳渠道"


def test_a_text_the_gateway_refuses_is_recorded_as_not_sent_with_why(
    users: dict[str, User],
    customer: Customer,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.KEFU_SMS_GATEWAY = f"{__name__}.RefusingGateway"
    agent = signed_in(users["agent"])
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(
        "/workbench/sms",
        {"submission": "tok-1", "caller_number": CALLER, "customer_id": customer.pk,
         "number": "caller", "text": "营业厅 8:30 开门。"},
    )  # fmt: skip
    assert response.status_code == 200
    sms = ContactSms.objects.get()
    assert (sms.status, sms.error, sms.sent_at) == ("failed", "余额不足", None)
    state = agent.get("/workbench/assist", {"submission": "tok-1"}).content.decode()
    assert "发送失败" in state and "余额不足" in state


def test_a_text_too_long_or_to_no_mobile_is_refused_and_keeps_the_text(
    users: dict[str, User], gateway: type[RecordingGateway]
) -> None:
    agent = signed_in(users["agent"])
    long_text = "停电" * 300
    response = agent.post(
        "/workbench/sms",
        {"submission": "tok-2", "caller_number": CALLER, "number": "caller", "text": long_text},
    )
    assert response.status_code == 400
    assert "短信共 600 个字，最多只能 500 个字" in response.content.decode()
    assert long_text in response.content.decode()
    fixed = agent.post(
        "/workbench/sms",
        {"submission": "tok-2", "caller_number": "025-84561234", "number": "caller", "text": "x"},
    )
    assert fixed.status_code == 400
    assert "请选择接收短信的手机号码" in fixed.content.decode()
    assert gateway.sent == [] and not ContactSms.objects.exists()


def test_a_watch_listed_caller_is_flagged_at_screen_pop_with_the_instruction(
    users: dict[str, User], customer: Customer
) -> None:
    """002 第17篇 28: nuisance calls are answered politely and reported, never hung up on."""
    watch_entry_add(
        actor=users["leader"],
        number="025-84561234",  # one of the customer's phones; the call comes from another
        reason="多次来电辱骂坐席",
        instruction="礼貌告知后请其挂机；仍纠缠则转接自动台或报告现场主管。",
        expires_at=timezone.now() + timedelta(days=30),
    )
    page = signed_in(users["agent"]).get(f"/workbench/?caller={CALLER}").content.decode()
    assert "重点关注来电" in page and "多次来电辱骂坐席" in page
    assert "礼貌告知后请其挂机" in page
    other = signed_in(users["agent"]).get("/workbench/?caller=13900009999").content.decode()
    assert "多次来电辱骂坐席" not in other


def test_the_watch_list_is_kept_by_leaders_audited_and_ends(
    users: dict[str, User], customer: Customer
) -> None:
    leader = signed_in(users["leader"])
    page = leader.get("/customers/watch-list/")
    assert page.status_code == 200
    # The seed's instruction for nuisance calls is offered (002 第17篇 28).
    assert "对不起，您的要求不在我们的服务范围内，请您挂机。" in page.content.decode()
    added = leader.post(
        "/customers/watch-list/",
        {"number": "139 0000 9999", "reason": "骚扰电话", "instruction": "请其挂机"},
    )
    assert added.status_code == 302
    entry = WatchEntry.objects.get()
    assert (entry.number, entry.created_by, entry.expires_at) == (
        "13900009999",
        users["leader"],
        None,
    )
    assert AuditEntry.objects.filter(action="watch_list.add", actor=users["leader"]).exists()
    agent = signed_in(users["agent"])
    assert "骚扰电话" in agent.get("/workbench/?caller=13900009999").content.decode()

    refused = leader.post(
        "/customers/watch-list/", {"number": "12", "reason": "骚扰", "instruction": "请其挂机"}
    )
    assert refused.status_code == 400 and "骚扰" in refused.content.decode()

    assert leader.post("/customers/watch-list/", {"remove": entry.pk}).status_code == 302
    entry.refresh_from_db()
    assert entry.removed_by == users["leader"] and entry.removed_at is not None
    assert AuditEntry.objects.filter(action="watch_list.remove").exists()
    assert "骚扰电话" not in agent.get("/workbench/?caller=13900009999").content.decode()

    expired = watch_entry_add(
        actor=users["manager"], number=CALLER, reason="过期的", instruction="请其挂机",
        expires_at=timezone.now() + timedelta(minutes=1),
    )  # fmt: skip
    WatchEntry.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert "过期的" not in agent.get(f"/workbench/?caller={CALLER}").content.decode()

    assert signed_in(users["agent"]).get("/customers/watch-list/").status_code == 403
    with pytest.raises(Forbidden):
        watch_entry_add(actor=users["agent"], number=CALLER, reason="x", instruction="y")
    with pytest.raises(Invalid):
        watch_entry_add(actor=users["leader"], number=CALLER, reason=" ", instruction="y")


def test_help_alerts_the_leader_on_duty_at_once_and_the_take_over_is_recorded(
    users: dict[str, User],
    make_user: Callable[..., User],
    customer: Customer,
    centre: OrgUnit,
    gateway: type[RecordingGateway],
    django_capture_on_commit_callbacks: Any,
    api_as: Callable[[str], ApiClient],
) -> None:
    """002 第13篇 17: a customer who demands a leader; the leader of the agent's team is
    alerted, in the product and by SMS to their phone."""
    team = OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code="t1", name="一班", parent=centre)
    agent = make_user("agent", username="agent-zhao", team=team)
    own_leader = make_user("leader", username="leader-li", team=team)
    own_leader.phone = "13900001111"
    own_leader.save(update_fields=["phone"])
    other_leader = users["leader"]  # in no team: not this agent's leader on duty

    client = signed_in(agent)
    token = submission_of(client.get(f"/workbench/?caller={CALLER}").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(
            "/workbench/help",
            {"submission": token, "caller_number": CALLER, "customer_id": customer.pk,
             "reason": "demands_leader"},
        )  # fmt: skip
    assert asked.status_code == 200
    assert "已通知值班班长" in asked.content.decode()
    assert 'hx-trigger="every 5s"' in asked.content.decode()  # the agent's view follows it
    help_request = HelpRequest.objects.get()
    alert = Notification.objects.get(recipient=own_leader)
    assert alert.kind == "help_request" and "客户要求找领导" in alert.title
    assert alert.link == f"/help/{help_request.pk}/"
    assert not Notification.objects.filter(recipient=other_leader).exists()
    assert gateway.sent and gateway.sent[0][0] == "13900001111"

    leader = signed_in(own_leader)
    alerts = leader.get("/help/open").content.decode()
    assert "agent-zhao" in alerts and "接管" in alerts
    assert 'hx-trigger="load, every 5s"' in leader.get("/customers/").content.decode()
    assert leader.post(f"/help/{help_request.pk}/").status_code == 200
    help_request.refresh_from_db()
    assert help_request.taken_by == own_leader and help_request.taken_at is not None
    assert AuditEntry.objects.filter(action="contact.take_over", actor=own_leader).exists()
    assert "agent-zhao" not in leader.get("/help/open").content.decode()

    state = client.get(
        "/workbench/assist", {"submission": token, "caller_number": CALLER}
    ).content.decode()
    assert "leader-li 已于" in state and "接管此通话" in state

    with pytest.raises(Conflict):
        help_request_take(actor=users["manager"], help_request_id=help_request.pk)
    with pytest.raises(Forbidden):
        help_request_take(actor=users["agent"], help_request_id=help_request.pk)

    contact = record(client, token, customer)
    help_request.refresh_from_db()
    assert help_request.contact == contact
    detail = api_as("agent").get(f"/api/v1/contacts/{contact.pk}").json()
    assert detail["help_requests"] == [
        {
            "reason": "demands_leader",
            "note": "",
            "agent": "agent-zhao",
            "created_at": detail["help_requests"][0]["created_at"],
            "taken_by": "leader-li",
            "taken_at": detail["help_requests"][0]["taken_at"],
        }
    ]


def test_with_no_team_every_leader_of_the_centre_is_alerted(
    users: dict[str, User], make_user: Callable[..., User]
) -> None:
    second = make_user("leader", username="leader-2")
    help_request_raise(actor=users["agent"], reason="abusive", note="客户辱骂")
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "leader",
        second.username,
    }
    with pytest.raises(Invalid):
        help_request_raise(actor=users["agent"], reason="bored")
