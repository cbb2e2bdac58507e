"""The survey pages (issue 19 point 2): the public page a link opens, answered once;
expired, guessed and used links answered with one page that says nothing of which and
shows nothing of the customer; guesses limited; 退订 on the page; the figures page and the
survey editing, each for its role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.satisfaction.models import Invitation, OptOut, SurveyAnswer, SurveyTemplate
from kefu.satisfaction.tests.survey_world import World, token_of
from kefu.satisfaction.tests.survey_world import world as world  # the fixture
from kefu.satisfaction.views.surveys import GUESS_LIMIT

pytestmark = pytest.mark.django_db


def _form(invitation: Invitation, **scores: str) -> dict[str, str]:
    qs = list(invitation.version.questions.order_by("position"))
    values = {"csat": "4", "nps": "8", "ces": "6", **scores}
    return {f"q{q.pk}": values.get(q.kind, "") for q in qs}


def test_the_page_shows_the_questions_and_nothing_of_the_customer(world: World) -> None:
    (invitation,) = world.send(0)
    page = Client().get(f"/s/{token_of(invitation)}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "您对本次服务满意吗？" in html and "非常满意" in html and "提交" in html
    assert "客户0" not in html and "13912340000" not in html and "王芳" not in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_link_answered_twice_is_refused_the_second_time(world: World) -> None:
    (invitation,) = world.send(0)
    url = f"/s/{token_of(invitation)}/"
    client = Client()
    done = client.post(url, _form(invitation))
    assert done.status_code == 200 and "感谢您的评价，我们会持续改进。" in done.content.decode()
    again = client.post(url, _form(invitation, csat="1"))
    assert again.status_code == 404
    assert SurveyAnswer.objects.get(kind="csat").score == 4
    assert client.get(url).status_code == 404


def test_expired_guessed_and_used_links_get_one_page(world: World) -> None:
    used, expired = world.send(0, 1)
    client = Client()
    client.post(f"/s/{token_of(used)}/", _form(used))
    Invitation.objects.filter(pk=expired.pk).update(
        expires_at=expired.sent_at - dt.timedelta(days=30)
    )
    pages = [
        client.get(f"/s/{token_of(used)}/"),
        client.get(f"/s/{token_of(expired)}/"),
        client.get("/s/AAAAAAAAAAAAAAAAAAAAAA/"),
        client.get("/s/x/"),
    ]
    assert {page.status_code for page in pages} == {404}
    bodies = {page.content.decode().replace(page.wsgi_request.path, "") for page in pages}
    assert len(bodies) == 1  # the same words whatever the cause
    assert "该调查链接无法使用" in bodies.pop()


def test_guesses_are_limited_per_address(world: World) -> None:
    (invitation,) = world.send(0)
    client = Client()
    for n in range(GUESS_LIMIT):
        assert client.get(f"/s/guess{n:06d}xxxxxxxx/").status_code == 404
    # Locked: even a good link is refused to this address until the window ends.
    locked = client.get(f"/s/{token_of(invitation)}/")
    assert locked.status_code == 429 and "尝试次数过多" in locked.content.decode()


def test_a_refused_answer_keeps_what_was_chosen(world: World) -> None:
    (invitation,) = world.send(0)
    form = _form(invitation, nps="")
    text = next(q for q in invitation.version.questions.all() if q.kind == "text")
    form[f"q{text.pk}"] = "希望缩短等待时间"
    page = Client().post(f"/s/{token_of(invitation)}/", form)
    assert page.status_code == 400
    html = page.content.decode()
    assert "请回答这个问题。" in html and "希望缩短等待时间" in html
    assert 'value="4" checked' in html
    assert not SurveyAnswer.objects.exists()


def test_unsubscribing_on_the_page(world: World) -> None:
    (invitation,) = world.send(0)
    client = Client()
    page = client.post(f"/s/{token_of(invitation)}/unsubscribe/")
    assert page.status_code == 200 and "不再收到" in page.content.decode()
    assert OptOut.objects.get().source == "link"
    assert client.get(f"/s/{token_of(invitation)}/").status_code == 404


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_figures_page_for_readers_only(world: World) -> None:
    (invitation,) = world.send(0)
    Client().post(f"/s/{token_of(invitation)}/", _form(invitation))
    reader = _signed_in("back1")
    page = reader.get("/satisfaction/surveys/", {"by": "staff"})
    assert page.status_code == 400  # the dates are needed too
    page = reader.get("/satisfaction/surveys/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "NPS = 9–10分占比 − 0–6分占比" in html and "热线来电" in html
    by_staff = reader.get(
        "/satisfaction/surveys/",
        {"since": "2020-01-01", "until": "2020-12-31", "by": "staff"},
    )
    assert by_staff.status_code == 200 and "这段时间没有发出调查" in by_staff.content.decode()
    assert _signed_in("agent1").get("/satisfaction/surveys/").status_code == 403


def test_a_manager_edits_a_survey_and_a_refused_form_keeps_what_was_typed(world: World) -> None:
    manager = _signed_in("manager1")
    listing = manager.get("/satisfaction/surveys/templates/")
    assert listing.status_code == 200 and "热线满意度" in listing.content.decode()
    form = {
        "name": "营业厅满意度",
        "touchpoint": "service_hall",
        "trigger": "after_contact",
        "channel": "sms",
        "delay_hours": "2",
        "expiry_days": "5",
        "active": "on",
        "intro": "请评价营业厅服务。",
        "sms_text": "请回复1-5评价营业厅服务：",
        "thanks": "谢谢！",
        "q1_kind": "text",
        "q1_text": "有什么建议？",
    }
    refused = manager.post("/satisfaction/surveys/templates/new/", form)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "第一个问题必须是评分题" in html and "有什么建议？" in html and "营业厅满意度" in html
    form.update({"q1_kind": "csat", "q1_text": "您满意吗？", "q1_required": "1"})
    saved = manager.post("/satisfaction/surveys/templates/new/", form)
    assert saved.status_code == 302
    template = SurveyTemplate.objects.get(name="营业厅满意度")
    assert template.touchpoint == "service_hall" and template.versions.get().questions.count() == 1
    assert manager.get(saved["Location"]).status_code == 200
    assert _signed_in("back1").get("/satisfaction/surveys/templates/").status_code == 403
