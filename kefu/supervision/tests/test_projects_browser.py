"""An improvement project in Chromium at 1366×768 (issue 20 point 5; seed 004): the manager
opens 一次解决率 in the indicator library, creates a project on it for the current
two-month period, starts it (the baseline is read over the period before), adds an action
for an agent; the agent marks it done from the project's page; the page shows the progress
read from the indicator."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from kefu.browser import BrowserPage
from kefu.conftest import PASSWORD
from kefu.contacts.models import Channel, Contact, Direction
from kefu.supervision import progress
from kefu.supervision.models import Project, ProjectAction
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


def _contacts(world: World, day: dt.date, settled: int, unsettled: int) -> None:
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    Contact.objects.bulk_create(
        Contact(
            centre=world.centre,
            channel=Channel.HOTLINE,
            direction=Direction.INBOUND,
            agent=world.users["agent"],
            started_at=at + dt.timedelta(minutes=n),
            settled=n < settled,
        )
        for n in range(settled + unsettled)
    )


def test_a_project_created_its_action_done_and_its_progress_shown(
    browser_page: Callable[..., BrowserPage], world: World
) -> None:
    now = progress.TwoMonths.of(timezone.localdate())
    _contacts(world, now.previous().first, settled=2, unsettled=2)  # FCR 50 %
    _contacts(world, timezone.localdate(), settled=3, unsettled=2)  # FCR 60 %

    manager = browser_page()
    manager.sign_in("manager", PASSWORD)
    page = manager.page
    manager.goto("/supervision/indicators/")
    assert page.inner_text("h1") == "指标库"
    assert "未计算" in page.inner_text("table.library-uncomputed")
    manager.screenshot("supervision-indicator-library")
    page.click("table.library a:text-is('一次解决率')")
    page.click("text=为此指标新建项目")
    form = "form.project-form"
    assert page.input_value(f"{form} select[name=indicator]") == "fcr"
    page.fill(f"{form} input[name=theme]", "热线一次解决率专项提升")
    page.fill(f"{form} input[name=target]", "75")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("text=项目已创建")
    page.click("form.start-form button[type=submit]")
    page.wait_for_selector("text=项目已启动")
    assert page.inner_text("dd.baseline") == "50.0%"

    action_form = "form.action-form"
    page.fill(f"{action_form} input[name=title]", "热点问题口径入库")
    page.select_option(f"{action_form} select[name=owner]", str(world.users["agent"].pk))
    page.fill(
        f"{action_form} input[name=deadline]",
        (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
    )
    page.click(f"{action_form} button[type=submit]")
    page.wait_for_selector("text=措施已添加")
    project = Project.objects.get()

    agent = browser_page()
    agent.sign_in("agent", PASSWORD)
    agent.goto(f"/supervision/projects/{project.pk}/")
    agent.page.fill("form.done-form input[name=note]", "已发布到知识库")
    agent.page.click("form.done-form button[type=submit]")
    agent.page.wait_for_selector("text=措施已标记完成")
    assert ProjectAction.objects.get().done_at is not None

    manager.goto(f"/supervision/projects/{project.pk}/")
    assert page.inner_text("dd.current").startswith("60.0%")
    assert page.inner_text(".progress-state") == "推进中"
    assert page.inner_text(".progress-percent") == "40%"  # (60 − 50) ÷ (75 − 50)
    assert "已发布到知识库" in page.inner_text("table.project-actions")
    manager.screenshot("supervision-project")
