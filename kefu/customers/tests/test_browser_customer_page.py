"""The customer page in Chromium at 1366×768 (issue 15, 18b): an agent changes the tier,
tags and notes and keeps the customer's contract; a refused file is named with why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import User
from kefu.customers.models import Customer, CustomerDocument, Tag
from kefu.customers.services import customer_create

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100


def test_an_agent_edits_the_customer_and_keeps_a_contract(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    tags: dict[str, Tag],
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    customer = customer_create(actor=users["agent"], name="王建国", phones=["13812345678"])
    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto(f"/customers/{customer.pk}/")
    page = agent.page
    form = page.locator("form.customer-edit")
    assert form.locator("button[type=submit]").is_visible()
    box = form.locator("button[type=submit]").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768  # no scrolling to save
    form.locator("select[name=tier]").select_option(label="VIP 客户")
    form.get_by_label("敏感").check()
    form.get_by_role("link", name="修改备注").click()
    form = page.locator("form.customer-edit")
    form.locator("select[name=tier]").select_option(label="VIP 客户")
    form.get_by_label("敏感").check()
    form.locator("textarea[name=notes]").fill("只接受上午来电")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".message:has-text('客户信息已保存')")
    heading = page.inner_text("h1")
    assert "VIP" in heading and "敏感" in heading
    assert "只接受上午来电" in page.inner_text("form.customer-edit .notes")

    documents = page.locator("section.documents")
    documents.locator("select[name=kind]").select_option(label="合同")
    documents.locator("input[type=file]").set_input_files(
        files=[{"name": "供用电合同.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    documents.locator("button[type=submit]:has-text('存入档案')").click()
    page.wait_for_selector(".message:has-text('文件已存入客户档案')")
    listed = page.inner_text("section.documents")
    assert "供用电合同.pdf" in listed and "合同" in listed

    documents = page.locator("section.documents")
    documents.locator("input[type=file]").set_input_files(
        files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": EXE}]
    )
    documents.locator("button[type=submit]:has-text('存入档案')").click()
    page.wait_for_selector("section.documents .message.error")
    assert "“申请书.pdf”的内容与文件名所示的类型不符" in page.inner_text("section.documents")
    agent.screenshot("customer-page-edit-documents")
    # The refusal is a 400 answer, which the browser reports; it is the expected one.
    assert agent.errors and all("status of 400" in error for error in agent.errors)
    agent.errors.clear()
    assert CustomerDocument.objects.filter(customer=customer).count() == 1
    customer = Customer.objects.get(pk=customer.pk)
    assert customer.tier == "vip"


def test_a_leader_keeps_the_watch_list(
    browser_page: Callable[..., BrowserPage], users: dict[str, User]
) -> None:
    """002 第17篇 28: the seed's instruction for nuisance calls is offered; a refused entry
    keeps what was typed; the entry shows in force with who added it."""
    leader = browser_page()
    leader.sign_in("leader", PASSWORD)
    leader.goto("/customers/")
    leader.page.click("a:has-text('重点关注名单')")
    page = leader.page
    assert "请您挂机" in page.input_value("textarea[name=instruction]")
    page.fill("input[name=number]", "12")
    page.fill("input[name=reason]", "多次来电辱骂坐席")
    page.click("button:has-text('加入重点关注名单')")
    page.wait_for_selector(".message.error")
    assert page.input_value("input[name=reason]") == "多次来电辱骂坐席"
    assert leader.errors and all("status of 400" in error for error in leader.errors)
    leader.errors.clear()
    page.fill("input[name=number]", "139 0000 9999")
    page.click("button:has-text('加入重点关注名单')")
    page.wait_for_selector(".message:has-text('该号码已加入重点关注名单')")
    row = page.locator("table.grid tbody tr").first.inner_text()
    assert "139****9999" in row and "多次来电辱骂坐席" in row and "生效中" in row
    leader.screenshot("watch-list")
