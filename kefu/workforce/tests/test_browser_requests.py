"""Leave and swap requests in Chromium at 1366×768 (调班申请, 002 第15篇 3.1.1): an agent
asks for leave (a wrong form refused, its text kept) and offers a swap, the colleague
accepts, the team leader sees the coverage change and the broken rule, refuses the swap
with a reason, approves the leave, and the agent sees the rota changed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.workforce.models import RotaChange, Shift
from kefu.workforce.tests.requests_world import World, world_fixture  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)

LATIN = re.compile(r"[A-Za-z]{2,}")


def english_left(tab: BrowserPage) -> list[str]:
    """Latin words a user reads on the page, its lists' options included."""
    shown = tab.page.evaluate(
        """() => [document.body.innerText,
                  ...[...document.querySelectorAll('option')].map(o => o.textContent)]
                 .join('\\n')"""
    )
    return LATIN.findall(shown)


def test_leave_and_a_swap_from_asking_to_the_leaders_decision(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto("/workforce/")
    page = agent.page
    page.get_by_role("link", name="我的申请").click()
    page.wait_for_selector("#leave-form")
    assert page.locator("h1").inner_text() == "我的申请"

    # The last day before the first: refused, what was typed kept.
    page.select_option("#leave-form select[name=kind]", "annual")
    page.fill("#leave-form input[name=first_day]", world.day(4).isoformat())
    page.fill("#leave-form input[name=last_day]", world.day(3).isoformat())
    page.fill("#leave-form textarea[name=reason]", "回老家办事")
    page.locator("#leave-form").get_by_role("button", name="申请请假").click()
    page.wait_for_load_state()
    assert "结束日期早于开始日期。" in page.inner_text("#leave-form")
    assert page.input_value("#leave-form textarea[name=reason]") == "回老家办事"
    assert page.input_value("#leave-form input[name=first_day]") == world.day(4).isoformat()
    assert page.inner_text("nav.tabs a[aria-current=page]") == "我的申请"
    agent.screenshot("workforce-leave-refused")
    page.fill("#leave-form input[name=first_day]", world.day(3).isoformat())
    page.fill("#leave-form input[name=last_day]", world.day(4).isoformat())
    page.locator("#leave-form").get_by_role("button", name="申请请假").click()
    page.wait_for_selector("text=请假申请已提交班长审批。")
    assert "待审批" in page.inner_text("#my-leave tbody tr")

    # A swap: my day shift on day 1 for 李明's night that day.
    page.select_option("#swap-form select[name=shift]", str(world.shift(world.agent, 1).pk))
    page.select_option(
        "#swap-form select[name=counterpart_shift]", str(world.shift(world.colleague, 1).pk)
    )
    page.fill("#swap-form textarea[name=reason]", "孩子开家长会")
    submit = page.locator("#swap-form").get_by_role("button", name="提交调班")
    box = submit.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768
    submit.click()
    page.wait_for_selector("text=调班申请已发给同事。")
    assert "待同事答复" in page.inner_text("#my-swaps tbody tr")
    agent.screenshot("workforce-my-requests")
    assert english_left(agent) == []

    colleague = browser_page()
    colleague.sign_in("agent2", PASSWORD)
    colleague.goto("/workforce/offers/")
    offers = colleague.page.locator("#swap-offers tbody tr")
    assert offers.count() == 1
    assert "王晓婷" in offers.first.inner_text() and "孩子开家长会" in offers.first.inner_text()
    colleague.screenshot("workforce-swap-offers")
    assert english_left(colleague) == []
    offers.first.get_by_role("button", name="同意").click()
    colleague.page.wait_for_selector("text=您已同意调班，等待班长审批。")

    leader = browser_page()
    leader.sign_in("leader", PASSWORD)
    leader.goto("/workforce/")
    lp = leader.page
    lp.get_by_role("link", name="申请审批").click()
    lp.wait_for_selector(".request-card")
    assert lp.locator("h1").inner_text() == "申请审批"
    leave_card = lp.locator("article[id^=leave-]")
    swap_card = lp.locator("article[id^=swap-]")
    assert "王晓婷：年假" in leave_card.locator("h2").inner_text()
    headers = leave_card.locator("table.coverage th").all_inner_texts()
    assert headers == ["日期", "时段", "队列", "需求", "调整前", "调整后"]
    first = leave_card.locator("table.coverage tbody tr").first.locator("td").all_inner_texts()
    assert first == [world.day(3).strftime("%m-%d"), "09:00", "95598", "1", "2", "1"]
    assert "不违反任何合同规则。" in leave_card.inner_text()
    assert "调班：王晓婷 ⇄ 李明" in swap_card.locator("h2").inner_text()
    breach = swap_card.locator(".breaches li").first.inner_text()
    assert breach.startswith("王晓婷：") and "只间隔2小时" in breach
    approve = leave_card.get_by_role("button", name="批准")
    box = approve.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768
    leader.screenshot("workforce-requests")
    assert english_left(leader) == []

    # Refusing without a reason is refused; the page says why.
    swap_card.get_by_role("button", name="驳回").click()
    lp.wait_for_selector("article[id^=swap-] .error[role=alert]")
    swap_card = lp.locator("article[id^=swap-]")
    assert swap_card.locator(".decision .error").inner_text() == "请填写理由。"
    assert lp.inner_text("nav.tabs a[aria-current=page]") == "申请审批"
    swap_card.locator("input[name=note]").fill("违反班次间隔11小时的规定")
    swap_card.get_by_role("button", name="驳回").click()
    lp.wait_for_selector("text=已驳回。")
    lp.locator("article[id^=leave-]").get_by_role("button", name="批准").click()
    lp.wait_for_selector("text=已批准，排班表已调整。")
    assert lp.locator(".request-card").count() == 0
    decided = lp.locator("#decided tbody").inner_text()
    assert "违反班次间隔11小时的规定" in decided and "已批准" in decided
    leader.screenshot("workforce-requests-decided")

    assert not Shift.objects.filter(member=world.agent, day=world.day(3)).exists()
    assert world.shift(world.agent, 1).member_id == world.agent.pk
    assert RotaChange.objects.filter(cause="leave").count() == 2

    agent.goto("/workforce/my-requests/")
    assert "已批准" in page.inner_text("#my-leave tbody tr")
    swap_row = page.inner_text("#my-swaps tbody tr")
    assert "已驳回" in swap_row and "违反班次间隔11小时的规定" in swap_row
    shifts = page.inner_text("#my-shifts tbody")
    assert world.day(2).strftime("%m-%d") in shifts
    assert world.day(3).strftime("%m-%d") not in shifts
    agent.screenshot("workforce-my-requests-after")
