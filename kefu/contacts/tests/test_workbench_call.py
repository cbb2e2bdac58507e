"""The workbench during a call, through real requests: a refused form comes back whole,
boxes speak Chinese names, the three-field check and the unmasked address are audited, the
standard phrases are offered and a repeat contact is flagged at screen pop."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.contacts.tests.conftest import Scene
from kefu.core.models import AuditEntry, OrgUnit, User
from kefu.metrics.models import CentreRules
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response: Any) -> str:
    """The page as a reader sees it: tags out, entities decoded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def order(scene: Scene, **fields: Any) -> dict[str, Any]:
    return {
        "caller_number": "13912345678",
        "customer_id": scene.customer.pk,
        "summary": "客户投诉抄表员态度恶劣，要求道歉。",
        "kind": "complaint",
        "urgency": "urgent",
        "title": "投诉抄表员态度",
        "description": "抄表员上门时态度恶劣。",
        "submission": "form-1",
        **fields,
    }


def new_contacts(scene: Scene) -> Any:
    return Contact.objects.exclude(pk=scene.earlier.pk)


# 12. A refused form keeps everything typed and names the field in Chinese.


def test_an_unknown_call_reason_keeps_the_whole_form_and_names_the_field(
    users: dict[str, User], scene: Scene
) -> None:
    response = signed_in(users["agent"]).post(
        "/workbench/record", order(scene, service_content="服务态度差")
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="form-problems"' in page
    assert "来电原因：没有“服务态度差”这个来电原因，请从列表中选择。" in text_of(response)
    for kept in (
        'value="服务态度差"',
        ">客户投诉抄表员态度恶劣，要求道歉。</textarea>",
        'value="投诉抄表员态度"',
        ">抄表员上门时态度恶劣。</textarea>",
        '<option value="complaint" selected>',
        '<option value="urgent" selected>',
        'name="submission" value="form-1"',
    ):
        assert kept in page, kept
    assert not new_contacts(scene).exists() and not Ticket.objects.exists()


def test_a_text_too_long_is_refused_with_its_count_never_cut(
    users: dict[str, User], scene: Scene
) -> None:
    summary = "客户反映停电。" * 300  # 2,100 characters
    response = signed_in(users["agent"]).post(
        "/workbench/record", order(scene, summary=summary, service_content="停电")
    )
    shown = text_of(response)
    assert "来电内容摘要：" in shown and "2000" in shown and "2100" in shown
    assert f">{summary}</textarea>" in response.content.decode()
    assert 'maxlength="2000"' not in response.content.decode()
    assert not new_contacts(scene).exists()


def test_a_refusal_of_the_services_keeps_the_form_too(users: dict[str, User], scene: Scene) -> None:
    response = signed_in(users["agent"]).post(
        "/workbench/record", order(scene, customer_id="", summary="未识别客户的投诉")
    )
    page = response.content.decode()
    assert "工单需要关联客户" in text_of(response)
    assert ">未识别客户的投诉</textarea>" in page and 'value="投诉抄表员态度"' in page
    assert not new_contacts(scene).exists() and not Ticket.objects.exists()


# 13. Call reasons and regions are shown and accepted as Chinese names with their path.


def test_the_boxes_show_chinese_paths_and_no_codes(users: dict[str, User], scene: Scene) -> None:
    page = signed_in(users["agent"]).get("/workbench/", {"caller": "13912345678"})
    html = page.content.decode()
    assert '<option value="电费电价 › 电费查询" data-code="bill_query">' in html
    assert '<option value="江苏省 › 南京市 › 雨花台区">' in html
    region_box = re.search(r'<input name="region"[^>]*>', html)
    assert region_box and 'value="江苏省 › 南京市 › 鼓楼区"' in region_box.group()
    for code in ("service_attitude", "320114", "320106"):
        assert f'value="{code}"' not in html and f">{code}<" not in html


def test_the_chinese_names_are_saved_as_codes(users: dict[str, User], scene: Scene) -> None:
    signed_in(users["agent"]).post(
        "/workbench/record",
        order(scene, service_content="服务态度", region="江苏省 › 南京市 › 雨花台区"),
    )
    contact = new_contacts(scene).get()
    assert contact.service_content == scene.reasons["service_attitude"]
    assert contact.business_type is not None and contact.business_type.code == "complaint"
    assert contact.region is not None and contact.region.code == "320114"


def test_a_name_two_reasons_share_asks_for_the_path(users: dict[str, User], scene: Scene) -> None:
    agent = signed_in(users["agent"])
    response = agent.post("/workbench/record", order(scene, service_content="其他"))
    assert "故障报修 › 其他" in text_of(response) and "电费电价 › 其他" in text_of(response)
    assert not new_contacts(scene).exists()
    agent.post("/workbench/record", order(scene, service_content="电费电价 › 其他"))
    assert new_contacts(scene).get().service_content == scene.reasons["fees_other"]


# 15. The three-field check (000 第8篇) on the workbench, audited; the address unmasked on
# purpose, with a reason, audited.


def test_the_three_field_check_on_the_workbench_is_audited(
    users: dict[str, User], scene: Scene
) -> None:
    """000 第8篇: 客户只需用电话拨打10010, 提供姓名和身份证号码 (三字段认证)."""
    agent = signed_in(users["agent"])
    page = agent.get("/workbench/", {"caller": "13912345678"}).content.decode()
    assert 'id="identity-check"' in page and "三字段认证" in page
    check = {"customer_id": scene.customer.pk, "phone": "13912345678", "name": "李秀英"}
    passed = agent.post(
        "/workbench/identity-check", {**check, "id_number": "11010519491231002X"}, headers=HTMX
    )
    assert "三字段认证通过" in text_of(passed)
    assert "11010519491231002X" not in passed.content.decode()  # not echoed once checked
    failed = agent.post(
        "/workbench/identity-check", {**check, "id_number": "110101199003074477"}, headers=HTMX
    )
    assert "三字段认证未通过" in text_of(failed)
    entries = AuditEntry.objects.filter(action="customer.identity_check").order_by("id")
    assert [entry.after["matched"] for entry in entries] == [True, False]  # type: ignore[index]
    assert entries[0].object_id == str(scene.customer.pk)


def test_a_malformed_id_number_is_named_and_kept(users: dict[str, User], scene: Scene) -> None:
    response = signed_in(users["agent"]).post(
        "/workbench/identity-check",
        {"phone": "13912345678", "name": "李秀英", "id_number": "12345"},
        headers=HTMX,
    )
    assert 'class="message error"' in response.content.decode()
    assert 'value="12345"' in response.content.decode()


def test_the_full_address_needs_a_reason_and_is_audited(
    users: dict[str, User], scene: Scene
) -> None:
    agent = signed_in(users["agent"])
    url = f"/workbench/customers/{scene.customer.pk}/address"
    page = agent.get("/workbench/", {"caller": "13912345678"}).content.decode()
    assert "中山北路1号3栋502室" not in page and "查看完整地址" in page
    refused = agent.post(url, {"reason": "  "}, headers=HTMX)
    assert "请说明查看完整地址的原因" in text_of(refused)
    assert "中山北路1号3栋502室" not in refused.content.decode()
    assert not AuditEntry.objects.filter(action="customer.view_personal_data").exists()
    shown = agent.post(url, {"reason": "抢修人员上门"}, headers=HTMX)
    assert "江苏省南京市鼓楼区中山北路1号3栋502室" in shown.content.decode()
    entry = AuditEntry.objects.get(action="customer.view_personal_data")
    assert entry.actor == users["agent"] and entry.object_id == str(scene.customer.pk)
    assert entry.after == {"fields": ["address"], "reason": "抢修人员上门"}


def test_a_role_without_personal_data_cannot_unmask(users: dict[str, User], scene: Scene) -> None:
    leader = signed_in(users["leader"])
    response = leader.post(
        f"/workbench/customers/{scene.customer.pk}/address",
        {"reason": "想看看"},
        headers=HTMX,
    )
    assert "中山北路1号3栋502室" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="customer.view_personal_data").exists()
    page = leader.get("/workbench/", {"caller": "13912345678"}).content.decode()
    assert "查看完整地址" not in page and 'id="identity-check"' not in page


# 16. Standard phrases for the situation of a call (002 第13/17/18篇), from the quality
# app's library in use (issue 18 point 6).


def test_the_workbench_offers_the_phrases_for_each_situation(
    users: dict[str, User], scene: Scene
) -> None:
    """002 第13篇 (客户服务中心规范用语): 开头语 … 结束语, each with its 切忌."""
    page = signed_in(users["agent"]).get("/workbench/", {"caller": "13912345678"})
    shown = text_of(page)
    for situation in ("开头语", "客户情绪激动", "投诉与抱怨", "结束语"):
        assert situation in shown, situation
    assert "客户要求找领导： 先生/女士很抱歉给您带来这么多麻烦，您有什么事情可以跟我讲一下" in shown
    assert "“您有多大的事还用找领导”" in shown
    assert "国网95598，您好，很高兴为您服务。" in shown
    # A complaint order turns the panel to complaints; a praise to suggestions and praise.
    html = page.content.decode()
    assert 'value="complaint" data-kinds="complaint"' in html
    assert 'value="suggestion" data-kinds="suggestion praise"' in html
    # The back office's reply phrases stay in the back office.
    assert "处理结果如下" not in shown


# 17. At screen pop a repeat contact is flagged, with the earlier contacts one click away.


def test_the_screen_pop_flags_earlier_contacts_on_a_reason_within_the_window(
    users: dict[str, User], scene: Scene
) -> None:
    page = signed_in(users["agent"]).get("/workbench/", {"caller": "13912345678"})
    html = page.content.decode()
    assert 'id="repeat-flag"' in html and 'data-repeat-codes="power_outage "' in html
    shown = text_of(page)
    assert "可能是重复来电" in shown and "7 天内来电 1 次" in shown
    assert "故障报修 › 停电 ×1" in shown
    assert "已告知抢修人员两小时内到达" in shown  # in the flag, one click away
    assert 'href="/contacts/?caller=13912345678"' in html  # and every one of them


def test_the_window_is_the_centres_first_contact_window(
    users: dict[str, User], scene: Scene, centre: OrgUnit
) -> None:
    CentreRules.objects.create(centre=centre, fcr_window_days=1)
    page = signed_in(users["agent"]).get("/workbench/", {"caller": "13912345678"})
    assert 'id="repeat-flag"' not in page.content.decode()


def test_an_unknown_number_is_flagged_by_its_earlier_contacts(
    users: dict[str, User], scene: Scene, centre: OrgUnit
) -> None:
    Contact.objects.create(
        centre=centre,
        channel="hotline",
        caller_number="13700001111",
        agent=users["agent"],
        started_at=timezone.now() - timedelta(hours=3),
        service_content=scene.reasons["bill_query"],
        summary="询问本月电费。",
    )
    shown = text_of(signed_in(users["agent"]).get("/workbench/", {"caller": "13700001111"}))
    assert "可能是重复来电" in shown and "电费查询 ×1" in shown
    assert "已告知抢修人员" not in shown  # another caller's contact


def test_a_refused_new_customer_keeps_what_was_typed(users: dict[str, User], scene: Scene) -> None:
    agent = signed_in(users["agent"])
    typed = {"name": "周建华", "phone": "12345", "address": "南京市玄武区北京东路9号"}
    response = agent.post("/workbench/customer", {**typed, "submission": "form-9"})
    page = response.content.decode()
    assert 'class="message error"' in page
    for value in typed.values():
        assert f'value="{value}"' in page, value
    long_name = "周" * 101
    response = agent.post(
        "/workbench/customer", {**typed, "phone": "13700001111", "name": long_name}
    )
    assert "姓名：" in text_of(response) and f'value="{long_name}"' in response.content.decode()
    assert not scene.customer.__class__.objects.filter(name__startswith="周").exists()
