"""A supervisor's round in Chromium at 1366×768 (issue 20 point 1): the team leader starts
a round, a finding without its on-the-spot correction is held (001 4.1.4) with what was
typed kept, the finding is recorded with a photo and a rectification, the items are
answered and the round finished with its score out of 10; the agent reports the
rectification done, the leader's re-check sends it back, the agent reports again and the
re-check closes it (001 4.1.3); the manager reads who missed rounds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.supervision.models import Finding, Rectification, RectificationState, Round
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


def test_a_round_its_finding_and_the_rectification_rechecked(
    browser_page: Callable[..., BrowserPage], world: World, tmp_path: Path
) -> None:
    leader = browser_page()
    leader.sign_in("leader", PASSWORD)
    page = leader.page
    leader.goto("/supervision/rounds/")
    assert page.inner_text("h1") == "巡查记录"
    page.click("text=开始巡查")
    page.select_option("select[name=kind]", "patrol")
    # The round checklist is offered first.
    assert page.locator("select[name=checklist] option:checked").inner_text() == "客服中心日常巡查"
    page.fill("input[name=place]", "二楼坐席区")
    page.click("form.round-start button[type=submit]")
    page.wait_for_selector("section.round-items")
    leader.screenshot("supervision-round-open")
    round_ = Round.objects.get()
    items = list(round_.checklist_version.items.all())

    # A finding without the correction: the browser holds the form, what was typed stays.
    form = "form.finding-form"
    page.select_option(f"{form} select[name=item]", str(items[0].pk))
    page.select_option(f"{form} select[name=person]", str(world.users["agent"].pk))
    page.fill(f"{form} textarea[name=description]", "桌面堆放零食和杂志")
    page.click(f"{form} button[type=submit]")
    correction = page.locator(f"{form} textarea[name=correction]")
    assert correction.evaluate("field => !field.validity.valid")
    assert page.input_value(f"{form} textarea[name=description]") == "桌面堆放零食和杂志"
    assert not Finding.objects.exists()
    # Only spaces pass the browser: the server refuses and keeps the page's text.
    correction.fill("   ")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"{form} .message.error")
    assert page.input_value(f"{form} textarea[name=description]") == "桌面堆放零食和杂志"
    leader.screenshot("supervision-finding-refused")
    leader.errors.clear()  # the refused post's 400 is logged by the browser
    correction.fill("当场请其收起，示范桌面只留工作用品")
    photo = tmp_path / "desk.png"
    photo.write_bytes(PNG)
    page.set_input_files(f"{form} input[name=photos]", str(photo))
    page.fill(f"{form} textarea[name=requirement]", "全班整理工位")
    page.select_option(f"{form} select[name=owner]", str(world.users["agent"].pk))
    page.fill(
        f"{form} input[name=deadline]", (timezone.localdate() + timedelta(days=3)).isoformat()
    )
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("text=问题已记录")
    assert Finding.objects.get().photos.count() == 1

    for item in items[1:]:
        page.check(f"input[name=item_{item.pk}][value=pass]")
    page.click("form.round-results button[type=submit]")
    page.wait_for_selector("text=检查结果已保存")
    page.fill("form.finish-form textarea[name=note]", "整体良好，一处当场纠正")
    page.click("form.finish-form button[type=submit]")
    page.wait_for_selector("text=巡查已结束")
    assert "9.3 / 10" in page.inner_text(".round-score")
    leader.screenshot("supervision-round-finished")

    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto("/supervision/rectifications/")
    agent.page.click("table.rectifications a")
    agent.page.fill("form.report-form textarea[name=note]", "已整理工位")
    agent.page.click("form.report-form button[type=submit]")
    agent.page.wait_for_selector("text=已报告整改完成")
    agent.screenshot("supervision-rectification-reported")

    rect = Rectification.objects.get()
    leader.goto(f"/supervision/rectifications/{rect.pk}/")
    page.check("form.recheck-form input[value=no]")
    page.fill("form.recheck-form textarea[name=note]", "仍有两处堆放杂物")
    page.click("form.recheck-form button[type=submit]")
    page.wait_for_selector("text=已退回责任人继续整改")

    agent.goto(f"/supervision/rectifications/{rect.pk}/")
    agent.page.fill("form.report-form textarea[name=note]", "杂物已清走")
    agent.page.click("form.report-form button[type=submit]")
    agent.page.wait_for_selector("text=已报告整改完成")

    leader.goto(f"/supervision/rectifications/{rect.pk}/")
    page.check("form.recheck-form input[value=yes]")
    page.click("form.recheck-form button[type=submit]")
    page.wait_for_selector("text=整改已关闭")
    rect.refresh_from_db()
    assert rect.state == RectificationState.CLOSED and rect.reopened == 1
    leader.screenshot("supervision-rectification-closed")

    manager = browser_page()
    manager.sign_in("manager", PASSWORD)
    manager.goto("/supervision/compliance/")
    table = manager.page.inner_text("table.compliance")
    assert "陈建华" in table and "李强" in table
    manager.screenshot("supervision-compliance")
