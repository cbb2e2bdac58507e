"""The agent's survey on a contact (issue 19 point 2): recording what the customer answered
on the phone (a survey picked, its questions answered, the contact agent's staff ID
carried) and skipping the survey for a contact (Chatwoot's most asked-for feature), so
the draw passes it by; each role against a contact of its centre and of another."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit, User
from kefu.satisfaction.models import Invitation, SurveySkip
from kefu.satisfaction.services.outbound import opt_out_record, rules_of
from kefu.satisfaction.services.surveys import QuestionSpec, surveys_draw, template_create
from kefu.satisfaction.tests.survey_world import SPEC, World
from kefu.satisfaction.tests.survey_world import world as world  # the fixture

pytestmark = pytest.mark.django_db


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _url(contact: Contact) -> str:
    return f"/satisfaction/surveys/contacts/{contact.pk}/"


def _answers(world: World, **values: str) -> dict[str, str]:
    qs = list(world.template.versions.get().questions.order_by("position"))
    given = {"csat": "2", "nps": "6", "ces": "5", "text": "等待时间太长", **values}
    return {"survey": str(world.template.pk), **{f"q{q.pk}": given[q.kind] for q in qs}}


def test_an_agent_records_the_answers_with_the_staff_id(world: World) -> None:
    contact = world.contact()
    agent = _signed_in("agent1")
    page = agent.get(_url(contact))
    html = page.content.decode()
    assert page.status_code == 200
    assert "记录客户的回答" in html and "您对本次服务满意吗？" in html and "A001" in html
    assert "本次接触不做调查" in html and "王芳" in html
    saved = agent.post(_url(contact), _answers(world))
    assert saved.status_code == 302
    invitation = Invitation.objects.get(key=f"contact:{contact.pk}")
    assert invitation.state == "answered" and invitation.answered_via == "agent"
    assert invitation.staff_number == "A001" and invitation.recorded_by == world.agent
    assert invitation.answers.get(kind="csat").score == 2
    shown = agent.get(_url(contact)).content.decode()
    assert "客户的回答已记录" in shown and "等待时间太长" in shown and "客户已回答" in shown
    assert "记录回答" not in shown  # one survey per contact


def test_a_refused_form_keeps_what_was_typed(world: World) -> None:
    contact = world.contact()
    refused = _signed_in("agent1").post(_url(contact), _answers(world, nps="", csat="12"))
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "请回答这个问题。" in html and "请选择所列分值之一。" in html
    assert "等待时间太长" in html and 'value="5" checked' in html
    assert not Invitation.objects.exists()


def test_a_customer_over_the_cap_or_opted_out_is_not_recorded(world: World) -> None:
    opt_out_record(centre=world.centre, channel="", address="13912340000", source="agent")
    contact = world.contact()
    agent = _signed_in("agent1")
    saved = agent.post(_url(contact), _answers(world))
    assert saved.status_code == 302
    assert "未记录：该客户已退订" in agent.get(saved["Location"]).content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.state, invitation.refusal) == ("refused", "opted_out")
    assert not invitation.answers.exists()


def test_the_survey_picked_is_the_one_asked(world: World) -> None:
    hall = template_create(
        actor=world.manager,
        spec=replace(
            SPEC,
            name="营业厅满意度",
            touchpoint="service_hall",
            questions=[QuestionSpec("csat", "您对营业厅的服务满意吗？")],
        ),
    )
    contact = world.contact()
    agent = _signed_in("agent1")
    default = agent.get(_url(contact)).content.decode()
    assert "您对本次服务满意吗？" in default  # the hotline survey fits a hotline contact
    picked = agent.get(_url(contact), {"survey": str(hall.pk)}).content.decode()
    assert "您对营业厅的服务满意吗？" in picked and "您对本次服务满意吗？" not in picked
    question = hall.versions.get().questions.get()
    saved = agent.post(_url(contact), {"survey": str(hall.pk), f"q{question.pk}": "5"})
    assert saved.status_code == 302
    assert Invitation.objects.get().version.template == hall


def test_skipping_a_contact_keeps_the_draw_from_inviting(world: World) -> None:
    world.template.trigger = "after_contact"
    world.template.delay_hours = 1
    world.template.save()
    rules = rules_of(world.centre.pk)
    rules.quiet_from = rules.quiet_until = rules.quiet_from.replace(hour=0)
    rules.surveys_per_period = 5
    rules.save()
    skipped, drawn = world.contact(0), world.contact(1)
    agent = _signed_in("agent1")
    long = agent.post(f"{_url(skipped)}skip/", {"reason": "客" * 201})
    assert long.status_code == 400 and "客" * 201 in long.content.decode()
    done = agent.post(f"{_url(skipped)}skip/", {"reason": "客户投诉情绪激动"})
    assert done.status_code == 302
    assert agent.post(f"{_url(skipped)}skip/", {"reason": ""}).status_code == 302  # a repeat
    assert SurveySkip.objects.get().reason == "客户投诉情绪激动"
    assert "本次接触已设为不调查" in agent.get(_url(skipped)).content.decode()
    assert surveys_draw(centre_id=world.centre.pk) == 1
    assert Invitation.objects.get().contact_id == drawn.pk


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("agent", 200),
        ("expert", 200),
        ("backoffice", 200),
        ("leader", 200),
        ("admin", 200),
        ("manager", 403),
        ("qa", 403),
        ("handler", 403),
        ("editor", 403),
    ],
)
def test_each_role_on_a_contact_of_its_centre(
    world: World, make_user: Callable[..., User], role: str, status: int
) -> None:
    make_user(role, f"{role}-x")
    contact = world.contact()
    client = _signed_in(f"{role}-x")
    assert client.get(_url(contact)).status_code == status
    posted = client.post(_url(contact), _answers(world))
    assert posted.status_code == (302 if status == 200 else status)
    skip = client.post(f"{_url(contact)}skip/", {"reason": ""})
    assert skip.status_code == (302 if status == 200 else status)


@pytest.mark.parametrize("role", ["agent", "backoffice", "leader", "admin"])
def test_another_centres_contact_is_not_found(
    world: World, other_centre: OrgUnit, role: str
) -> None:
    from kefu.core.services.users import user_create

    user_create(username=f"far-{role}", password=PASSWORD, role=role, centre=other_centre)
    contact = world.contact()
    client = _signed_in(f"far-{role}")
    assert client.get(_url(contact)).status_code == 404
    assert client.post(_url(contact), _answers(world)).status_code == 404
    assert client.post(f"{_url(contact)}skip/", {"reason": ""}).status_code == 404
    assert not Invitation.objects.exists() and not SurveySkip.objects.exists()


def test_the_contact_page_and_the_workbench_link_to_it(world: World) -> None:
    contact = world.contact()
    page = _signed_in("agent1").get(f"/contacts/{contact.pk}/").content.decode()
    assert _url(contact) in page and "本次接触的满意度调查" in page
    manager = _signed_in("manager1").get(f"/contacts/{contact.pk}/").content.decode()
    assert _url(contact) not in manager
    bench = _signed_in("agent1").get("/workbench/", {"caller": "13912340000"}).content.decode()
    assert _url(contact) in bench
