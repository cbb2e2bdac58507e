"""The agent's screen in Chromium at the sizes agents work at: everything a call needs on one
screen, Chinese names in every box, a refused form keeping what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.contacts.models import Contact
from kefu.contacts.tests.conftest import Scene
from kefu.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

# What an agent needs during a call, all of it on the first screen.
DURING_A_CALL = {
    "caller number": "#caller",
    "customer": ".caller-card h2",
    "repeat flag": "#repeat-flag",
    "three-field check": "#identity-check summary",
    "call reason": "input[name=service_content]",
    "region": "input[name=region]",
    "summary": "textarea[name=summary]",
    "kind": "select[name=kind]",
    "description": "textarea[name=description]",
    "save": "#contact-actions button.save",
    "standard phrases": "#phrase-situation",
    "knowledge search": "#kb-q",
    "knowledge hits": "#kb-hits",
}


def _inside(tab: BrowserPage, selector: str, width: int, height: int) -> dict[str, Any]:
    box = tab.page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return {
        "box": box,
        "inside": box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height,
    }


def _all_inside(tab: BrowserPage, width: int, height: int) -> None:
    outside = {
        name: found["box"]
        for name, selector in DURING_A_CALL.items()
        if not (found := _inside(tab, selector, width, height))["inside"]
    }
    assert outside == {}, outside


def _lines(tab: BrowserPage, selector: str) -> int:
    """How many lines the first text of the element takes on screen."""
    return int(
        tab.page.eval_on_selector(
            selector,
            """element => {
                const range = document.createRange();
                range.selectNodeContents(element.firstChild);
                const rects = Array.from(range.getClientRects());
                return new Set(rects.map(r => Math.round(r.top))).size;
            }""",
        )
    )


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1280, 720)])
def test_everything_a_call_needs_fits_one_screen(
    browser_page: Callable[..., BrowserPage], scene: Scene, width: int, height: int
) -> None:
    tab = browser_page(width, height)
    tab.sign_in("agent", PASSWORD)
    tab.goto("/workbench/?caller=13912345678")
    tab.page.wait_for_load_state("networkidle")
    tab.screenshot(f"agent-workbench-{width}x{height}")
    _all_inside(tab, width, height)
    # After a save the page says what was done above the form, and still fits.
    tab.page.fill("textarea[name=summary]", "客户咨询电费，已答复。")
    tab.page.check("#settled")
    tab.page.click("#contact-actions button.save")
    tab.page.wait_for_selector(".message.success")
    tab.page.wait_for_load_state("networkidle")
    tab.screenshot(f"agent-workbench-{width}x{height}-saved")
    _all_inside(tab, width, height)
    # The order form's labels read on one line (类型, not 类 over 型).
    for label in ("Kind", "Urgency", "Title", "Description"):
        selector = {
            "Kind": "#order-fields label:has(select[name=kind])",
            "Urgency": "#order-fields label:has(select[name=urgency])",
            "Title": "#order-fields label:has(input[name=title]) .label-line",
            "Description": "#order-fields label:has(textarea[name=description]) .label-line",
        }[label]
        assert _lines(tab, selector) == 1, label


def test_a_refused_form_keeps_everything_typed_and_names_the_field(
    browser_page: Callable[..., BrowserPage], scene: Scene
) -> None:
    tab = browser_page()
    tab.sign_in("agent", PASSWORD)
    tab.goto("/workbench/?caller=13912345678")
    page = tab.page
    long_description = "客户反映：" + "停电后冰箱食物变质，要求赔偿。" * 300
    page.fill("input[name=service_content]", "服务态度差")
    page.fill("textarea[name=summary]", "客户投诉抄表员态度恶劣，要求道歉。")
    page.select_option("select[name=kind]", "complaint")
    page.select_option("select[name=urgency]", "urgent")
    page.fill("input[name=title]", "投诉抄表员态度")
    page.fill("textarea[name=description]", long_description)
    # Pasted text is kept whole and counted; the counter says it is too long.
    counter = page.locator("[data-counter-for=description]")
    assert counter.inner_text() == f"{len(long_description)}/4000"
    assert "over" in (counter.get_attribute("class") or "")
    page.click("#contact-actions button.save")
    page.wait_for_selector("#form-problems")
    tab.screenshot("agent-workbench-refused")
    for selector in ("#form-problems", "#contact-actions button.save"):
        assert _inside(tab, selector, 1366, 768)["inside"], selector
    problems = page.inner_text("#form-problems")
    assert "来电原因" in problems and "服务态度差" in problems
    assert "诉求描述" in problems and "4000" in problems
    assert page.input_value("input[name=service_content]") == "服务态度差"
    assert page.input_value("textarea[name=summary]") == "客户投诉抄表员态度恶劣，要求道歉。"
    assert page.input_value("select[name=kind]") == "complaint"
    assert page.input_value("select[name=urgency]") == "urgent"
    assert page.input_value("input[name=title]") == "投诉抄表员态度"
    assert page.input_value("textarea[name=description]") == long_description
    assert page.input_value("input[name=region]") == "江苏省 › 南京市 › 鼓楼区"
    assert not Contact.objects.exclude(pk=scene.earlier.pk).exists()

    # Corrected, by the Chinese name the agent sees, the same form saves.
    page.fill("input[name=service_content]", "服务态度")
    page.fill("textarea[name=description]", "客户投诉抄表员态度恶劣。")
    page.click("#contact-actions button.save")
    page.wait_for_selector(".message.success")
    contact = Contact.objects.exclude(pk=scene.earlier.pk).get()
    assert contact.service_content == scene.reasons["service_attitude"]
    assert contact.region == scene.region


def test_call_reason_and_region_boxes_offer_chinese_names_with_their_path(
    browser_page: Callable[..., BrowserPage], scene: Scene
) -> None:
    tab = browser_page()
    tab.sign_in("agent", PASSWORD)
    tab.goto("/workbench/?caller=13912345678")
    page = tab.page
    reasons = page.eval_on_selector_all(
        "#service-contents option", "options => options.map(o => o.value + '|' + o.textContent)"
    )
    regions = page.eval_on_selector_all(
        "#regions option", "options => options.map(o => o.value + '|' + o.textContent)"
    )
    assert "电费电价 › 电费查询|" in reasons and "服务投诉 › 服务态度|" in reasons
    assert "江苏省 › 南京市 › 雨花台区|" in regions
    shown = " ".join(reasons + regions)
    for code in ("service_attitude", "bill_query", "320114", "320106"):
        assert code not in shown
    assert "320106" not in page.input_value("input[name=region]")


def test_the_screen_pop_flags_a_repeat_contact_and_shows_the_earlier_one(
    browser_page: Callable[..., BrowserPage], scene: Scene
) -> None:
    tab = browser_page()
    tab.sign_in("agent", PASSWORD)
    tab.goto("/workbench/?caller=13912345678")
    page = tab.page
    flag = page.locator("#repeat-flag")
    assert "可能是重复来电" in flag.inner_text() and "7 天内来电 1 次" in flag.inner_text()
    assert "故障报修 › 停电 ×1" in flag.inner_text()
    assert not page.is_visible("text=已告知抢修人员两小时内到达")
    page.click("#repeat-flag summary")  # one click to the earlier contact
    assert page.is_visible("text=已告知抢修人员两小时内到达")
    # Choosing the same reason again marks this contact a repeat.
    assert page.is_hidden("#repeat-reason")
    page.fill("input[name=service_content]", "故障报修 › 停电")
    page.dispatch_event("input[name=service_content]", "change")
    assert page.is_visible("#repeat-reason")
    page.fill("input[name=service_content]", "电费查询")
    page.dispatch_event("input[name=service_content]", "change")
    assert page.is_hidden("#repeat-reason")
    tab.screenshot("agent-workbench-repeat")


def test_three_field_check_and_unmasking_keep_the_form_and_are_audited(
    browser_page: Callable[..., BrowserPage], scene: Scene
) -> None:
    tab = browser_page()
    tab.sign_in("agent", PASSWORD)
    tab.goto("/workbench/?caller=13912345678")
    page = tab.page
    page.fill("textarea[name=summary]", "客户要求上门检修。")
    page.click("#identity-check summary")
    assert page.input_value("#identity-check input[name=phone]") == "13912345678"
    page.fill("#identity-check input[name=name]", "李秀英")
    page.fill("#identity-check input[name=id_number]", "11010519491231002X")
    page.click("#identity-check button")
    page.wait_for_selector("#identity-check .tag.good")
    assert "三字段认证通过" in page.inner_text("#identity-check")
    assert AuditEntry.objects.filter(
        action="customer.identity_check", object_id=str(scene.customer.pk)
    ).exists()

    address = f"#address-{scene.customer.pk}"
    assert "中山北路1号3栋502室" not in page.inner_text(".caller-card")
    page.click(f"{address} summary")
    page.click(f"{address} button")
    page.wait_for_selector(f"{address} .message.error")
    assert "请说明查看完整地址的原因" in page.inner_text(address)
    assert not AuditEntry.objects.filter(action="customer.view_personal_data").exists()
    page.fill(f"{address} input[name=reason]", "抢修人员上门")
    page.click(f"{address} button")
    page.wait_for_selector(f"{address} .full-address")
    assert page.inner_text(f"{address} .full-address") == "江苏省南京市鼓楼区中山北路1号3栋502室"
    entry = AuditEntry.objects.get(action="customer.view_personal_data")
    assert entry.after == {"fields": ["address"], "reason": "抢修人员上门"}
    # Nothing the agent typed in the contact form was lost on the way.
    assert page.input_value("textarea[name=summary]") == "客户要求上门检修。"
    tab.screenshot("agent-workbench-checked")


def test_standard_phrases_follow_the_situation(
    browser_page: Callable[..., BrowserPage], scene: Scene
) -> None:
    """The wording of 002 第13/17/18篇 for each situation of a call, with what never to say
    (the quality app's standard phrases in use); an order's kind turns to its situation."""
    tab = browser_page()
    tab.sign_in("agent", PASSWORD)
    tab.goto("/workbench/?caller=13912345678")
    page = tab.page
    assert "很高兴为您服务" in page.inner_text(".phrases .phrase:not([hidden])")
    page.select_option("#phrase-situation", label="客户情绪激动")
    shown = page.inner_text(".phrases .phrase:not([hidden])")
    assert "您有什么事情可以跟我讲一下" in shown and "切忌" in shown
    page.select_option("select[name=kind]", "complaint")
    assert "请您不要生气" in page.inner_text(".phrases .phrase:not([hidden])")
    page.select_option("select[name=kind]", "praise")
    assert "请不必客气" in page.inner_text(".phrases .phrase:not([hidden])")
