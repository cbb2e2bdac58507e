"""The honours' pages (issue 20 point 4): the manager's rules form (shares typed as
percentages; a refused form keeps what was typed), the confirmed month's changes with their
reasons, the board on the wallboard, the person's page with their honours and figures."""

from __future__ import annotations

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.models import User
from kefu.supervision import tasks
from kefu.supervision.models import HonourMonth, HonourRule
from kefu.supervision.services.honours import Removal, honours_confirm, honours_propose
from kefu.supervision.tests.conftest import World
from kefu.supervision.tests.test_honours import LAST_MONTH, month_of_contacts  # noqa: F401

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_rules_form(world: World) -> None:
    manager = signed_in("manager")
    page = manager.get("/supervision/honours/rules/")
    assert page.status_code == 200 and "新锐标兵" in page.content.decode()
    form = {
        "kind": "rising_star",
        "rising_star-active": "on",
        "rising_star-count": "2",
        "rising_star-joined_within_months": "3",
        "rising_star-rank_by": "settled_rate",
        "rising_star-descending": "on",
        "rising_star-figure_0": "attendance",
        "rising_star-op_0": "gte",
        "rising_star-value_0": "95",
    }
    saved = manager.post("/supervision/honours/rules/", form)
    assert saved.status_code == 302
    rule = HonourRule.objects.get(centre=world.centre, kind="rising_star")
    assert rule.criteria == [{"figure": "attendance", "op": "gte", "value": 0.95}]
    assert (rule.joined_within_months, rule.rank_by, rule.count) == (3, "settled_rate", 2)
    # A share above 100 % is refused by the service; the form keeps what was typed.
    refused = manager.post("/supervision/honours/rules/", {**form, "rising_star-value_0": "120"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "比率最高为 100 %" in body and 'value="120"' in body


def test_the_confirmed_month_the_board_and_the_person_page(
    world: World,
    month_of_contacts: dict[str, User],  # noqa: F811
) -> None:
    assert tasks.honours_propose() == 2  # the monthly task: this centre and the other one
    month = HonourMonth.objects.get(centre=world.centre)
    expert = month.candidates.get(person=month_of_contacts["expert"])
    honours_confirm(
        actor=world.users["manager"],
        honour_month=month,
        version=month.version,
        removals=[Removal(expert.pk, "本月有一起有责投诉")],
    )
    page = signed_in("leader").get(f"/supervision/honours/?month={LAST_MONTH:%Y-%m}")
    text = page.content.decode()
    assert "已确认公布" in text and "本月有一起有责投诉" in text
    assert 'name="remove_' not in text  # leaders read, they do not change
    wall = signed_in("agent").get("/wallboard/").content.decode()
    assert 'id="honours-board"' in wall and "王晓婷" in wall
    mine = signed_in("agent").get(f"/supervision/people/{world.users['agent'].pk}/")
    text = mine.content.decode()
    assert mine.status_code == 200
    assert f"{LAST_MONTH:%Y-%m}</time> 服务明星" in text and "一班" in text
    assert "本月指标" in text and "监听分值" in text


def test_proposing_from_the_page_is_once_per_month(
    world: World,
    month_of_contacts: dict[str, User],  # noqa: F811
) -> None:
    manager = signed_in("manager")
    for _ in range(2):
        done = manager.post("/supervision/honours/propose/", {"month": f"{LAST_MONTH:%Y-%m}"})
        assert done.status_code == 302
    assert HonourMonth.objects.filter(centre=world.centre).count() == 1
    assert manager.post("/supervision/honours/propose/", {"month": "x"}).status_code == 302
    assert signed_in("leader").post("/supervision/honours/propose/").status_code == 403
    assert honours_propose(centre=world.centre, month=LAST_MONTH)[1] is False
