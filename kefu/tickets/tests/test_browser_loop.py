"""The expert seat's day (000 第8篇), an escalation's source and a complaint's promised
answer (002 第17篇), in Chromium at 1366×768."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.tickets.models import DispatchRule, Ticket, TicketEvent, TimeLimitPolicy

pytestmark = pytest.mark.django_db(transaction=True)


def person(browser_page: Callable[..., BrowserPage], user: User) -> BrowserPage:
    tab = browser_page()
    tab.sign_in(user.username, PASSWORD)
    return tab


def visible(tab: BrowserPage, selector: str) -> bool:
    """On screen without scrolling: the element's box lies inside the 1366×768 viewport."""
    box = tab.page.locator(selector).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= 768 and box["x"] + box["width"] <= 1366


@pytest.fixture
def seat(centre: OrgUnit, users: dict[str, User], always: WorkCalendar) -> OrgUnit:
    unit = OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT,
        code="expert-seat",
        name="专席",
        parent=centre,
        expert_seat=True,
    )
    OrgUnit.objects.create(
        kind=OrgUnit.Kind.DEPARTMENT, code="operation", name="运维检修部", parent=centre
    )
    users["expert"].department = unit
    users["expert"].save(update_fields=["department"])
    ten = {"limit": "PT10M", "warning": "PT8M"}
    TimeLimitPolicy.objects.create(
        name="专席（10分钟）",
        calendar=always,
        expert_seat=True,
        limits={"take": ten, "return": ten},
    )
    return unit


@pytest.mark.usefixtures("seat", "department")
def test_the_expert_takes_warns_maintenance_and_answers_and_closes(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
    act: Callable[..., Any],
) -> None:
    number = open_ticket(kind="consultation", title="光伏并网咨询")["number"]
    assert act("agent", number, "transfer").status_code == 200

    expert = person(browser_page, users["expert"])
    expert.goto("/department/")
    row = expert.page.locator("tr", has_text=number)
    assert "专席" in row.inner_text()
    row.locator("button", has_text="接单").click()
    expert.page.wait_for_load_state()
    row = expert.page.locator("tr", has_text=number)
    row.locator("a", has_text="答复客户").click()
    expert.page.wait_for_load_state()

    # The expert's own steps come first, in Chinese, on the first screen.
    actions = expert.page.locator("section.actions")
    for label in ["答复客户并办结", "退回一线", "派单上门处理", "向维护部门预警"]:
        assert actions.locator("button", has_text=label).count() == 1, label
    for step in ["answer_close", "send_back", "field_dispatch", "warn_maintenance"]:
        assert visible(expert, f"form.action-{step} button"), step
    assert visible(expert, "form.action-answer_close textarea[name=text]")
    # The expert's own step runs on the 10-minute limit, not on the order's hours.
    answering = expert.page.locator("table.stages tbody tr").last.inner_text()
    assert "处理回单" in answering and "/ 10分钟" in answering
    expert.screenshot("expert-order")

    # A regional fault: the expert warns maintenance and keeps the order.
    warning = expert.page.locator("form.action-warn_maintenance")
    warning.locator("select[name=department]").select_option("operation")
    warning.locator("textarea[name=note]").fill("同一小区多户反映停电")
    warning.locator("button").click()
    expert.page.wait_for_load_state()
    assert "完成" in expert.page.locator("[role=status]").inner_text()
    assert Ticket.objects.get(number=number).state == "handling"

    answer = expert.page.locator("form.action-answer_close")
    answer.locator("textarea[name=text]").fill("已告知客户并网流程及所需材料，客户表示清楚。")
    answer.locator("button").click()
    expert.page.wait_for_load_state()
    ticket = Ticket.objects.get(number=number)
    assert ticket.state == "closed" and ticket.answered_at is not None
    assert "已答复客户" in expert.page.locator("section.facts").inner_text()
    assert "已办结" in expert.page.locator(".heading .state").inner_text()
    history = expert.page.locator("ol.timeline").inner_text()
    assert "向维护部门预警" in history and "答复客户并办结" in history
    expert.screenshot("expert-order-closed")


@pytest.mark.usefixtures("always")
def test_a_complaint_shows_its_promise_and_its_escalation_source(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
    always: WorkCalendar,
) -> None:
    TimeLimitPolicy.objects.create(
        name="投诉（简单，2小时答复）",
        kind="complaint",
        calendar=always,
        limits={
            "review": {"limit": "PT15M", "warning": "PT10M"},
            "answer": {"limit": "PT2H", "warning": "PT1H30M"},
        },
    )
    number = open_ticket()["number"]
    ticket = Ticket.objects.get(number=number)
    assert ticket.answer_due_at is not None

    manager = person(browser_page, users["manager"])
    manager.goto(f"/tickets/{number}/")
    facts = manager.page.locator("section.facts").inner_text()
    assert "答复时限" in facts
    assert ticket.answer_due_at.astimezone().strftime("%H:%M") in facts
    assert "答复客户承诺时限" in manager.page.locator("table.stages").inner_text()

    form = manager.page.locator("form.action-escalate")
    labels = form.locator("select[name=source] option").all_inner_texts()
    assert "监管机构（如12398能源监管热线）" in labels and "新闻媒体" in labels
    assert not any("催办" in label for label in labels)
    assert all(label.isascii() is False or label == "—" for label in labels)
    assert visible(manager, "form.action-escalate select[name=source]")
    form.locator("select[name=source]").select_option("hotline_12345")
    form.locator("button").click()
    manager.page.wait_for_load_state()
    history = manager.page.locator("ol.timeline").inner_text()
    assert "12345政务服务便民热线" in history
    assert TicketEvent.objects.get(ticket=ticket, action="escalate").data == {
        "source": "hotline_12345"
    }
    manager.screenshot("complaint-escalated")

    # The list counts escalated complaints apart from the centre's own escalations.
    manager.goto("/tickets/")
    manager.page.select_option("select[name=escalation]", label="升级投诉（越过本中心）")
    manager.page.click("form.filters button[type=submit]")
    manager.page.wait_for_load_state()
    assert manager.page.locator("tr", has_text=number).count() == 1
    assert "1" in manager.page.locator("p.count").inner_text()
    manager.page.select_option("select[name=escalation]", label="中心内部升级")
    manager.page.click("form.filters button[type=submit]")
    manager.page.wait_for_load_state()
    assert manager.page.locator("tr", has_text=number).count() == 0
    manager.screenshot("work-orders-internal-escalations")


def test_a_team_leader_takes_a_complaint_about_an_agents_attitude(
    browser_page: Callable[..., BrowserPage],
    users: dict[str, User],
    open_ticket: Callable[..., dict[str, Any]],
    complaint_category: Any,
) -> None:
    """002 第17篇 18-19: recorded by the agent, submitted to a team leader or supervisor."""
    DispatchRule.objects.create(category=complaint_category, to_leaders=True)
    number = open_ticket()["number"]

    leader = person(browser_page, users["leader"])
    leader.page.locator("nav a", has_text="待处理投诉").click()
    leader.page.wait_for_load_state()
    assert leader.page.locator("h1").inner_text() == "待处理投诉"
    row = leader.page.locator("tr", has_text=number)
    assert "抢修人员态度差" in row.inner_text() and "已派单" in row.inner_text()
    assert visible(leader, f"tr:has-text('{number}') button")
    leader.screenshot("leader-complaints")
    row.locator("button", has_text="接单").click()
    leader.page.wait_for_load_state()
    leader.page.locator("tr", has_text=number).locator("a", has_text="回单").click()
    leader.page.wait_for_load_state()
    assert "组长或主管" in leader.page.locator("section.facts").inner_text()
    assert visible(leader, "form.action-return button")
    leader.page.fill(
        "form.action-return textarea[name=result]", "已回电客户致歉，并对当班客服代表进行辅导。"
    )
    leader.page.click("form.action-return button")
    leader.page.wait_for_load_state()
    assert Ticket.objects.get(number=number).state == "returned"
    leader.screenshot("leader-complaint-returned")
