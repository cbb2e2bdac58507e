"""A major incident in Chromium at 1366×768 (issue 21 point 1): the team leader opens it
by hand; an agent on the workbench sees it proposed for the caller's area with its script
and attaches the contact just recorded in one click; a second agent attaches theirs from
the incident's page; the leader sends the one order to the department on duty and closes
the incident with one reply: the child orders are closed, one text message per customer
waits in the outbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.insights.models import Incident
from kefu.insights.tests.conftest import IncidentWorld
from kefu.satisfaction.models import Message
from kefu.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_opened_attached_dispatched_and_closed_with_one_reply(
    browser_page: Callable[..., BrowserPage], incident_world: IncidentWorld
) -> None:
    world = incident_world
    leader = browser_page()
    leader.sign_in("leader", PASSWORD)
    page = leader.page
    leader.goto("/insights/incidents/")
    page.click("text=新建重大故障")
    form = "form.incident-open"
    page.fill(f"{form} input[name=title]", "鼓楼区10kV线路跳闸")
    page.select_option(f"{form} select[name=region]", str(world.region.pk))
    page.select_option(f"{form} select[name=reason]", str(world.outage.pk))
    page.select_option(f"{form} select[name=department]", str(world.department.pk))
    page.fill(f"{form} textarea[name=script]", "鼓楼区线路故障停电，抢修中，预计18:00恢复。")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("text=故障已建立")
    incident = Incident.objects.get()

    zhang, li = world.customers[0], world.customers[1]
    world.record(zhang, order=True)  # the call the agent is on, with its repair order
    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto(f"/workbench/?caller=13800000001&customer={zhang.pk}")
    panel = agent.page.wait_for_selector(".incident-suggested")
    assert "鼓楼区10kV线路跳闸" in panel.inner_text()
    assert "预计18:00恢复" in panel.inner_text()
    agent.screenshot("insights-incident-workbench")
    agent.page.click(".incident-suggested button:text-is('将本次来电归入')")
    agent.page.wait_for_selector("text=本次来电已归入")

    world.record(li, agent="agent2")
    agent2 = browser_page()
    agent2.sign_in("agent2", PASSWORD)
    agent2.goto(f"/insights/incidents/{incident.pk}/")
    agent2.page.click(".incident-mine button:text-is('归入此故障')")
    agent2.page.wait_for_selector("text=接触记录已归入该故障")

    leader.goto(f"/insights/incidents/{incident.pk}/")
    assert "来电 (2)" in page.inner_text(".incident-contacts h2")
    assert "子工单 (1)" in page.inner_text(".incident-orders h2")
    page.click("text=向值班部门派发统一工单")
    page.wait_for_selector("text=工单已派至部门")
    assert page.inner_text(".incident-progress .order-state") == "已派单"
    leader.screenshot("insights-incident-page")
    page.fill("form textarea[name=reply]", "鼓楼区线路已抢修完毕，17:40恢复供电。")
    page.click("text=办结并发送答复")
    page.wait_for_selector("text=故障已办结")
    assert page.inner_text(".incident-state") == "已办结"
    assert page.inner_text(".incident-orders .child-state") == "已办结"

    assert set(Ticket.objects.values_list("state", flat=True)) == {"closed"}
    assert sorted(Message.objects.values_list("address", flat=True)) == [
        "13800000001",
        "13800000002",
    ]
