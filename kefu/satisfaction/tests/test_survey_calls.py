"""The survey of an outbound list's call (issue 19 point 5): a market survey list (003
一(二)3) or a thank-you call's questions (002 第2篇) has a survey; the agent working a call
records what the customer answers, once per call, under their own staff ID, with the cap
and the opt-outs honoured as on a contact. The service, the page and the API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone, translation

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.errors import Conflict, Invalid, NotFound
from kefu.core.models import OrgUnit, User
from kefu.core.services.users import user_create
from kefu.satisfaction.models import CallbackTask, CallList, Invitation
from kefu.satisfaction.services.outbound import opt_out_record
from kefu.satisfaction.services.surveys import survey_record_on_task
from kefu.satisfaction.tests.survey_world import World
from kefu.satisfaction.tests.survey_world import world as world  # the fixture

pytestmark = pytest.mark.django_db
API = "/api/v1/satisfaction/surveys/callbacks"


def _task(
    world: World, customer: int = 0, *, survey: bool = True, **values: object
) -> CallbackTask:
    """A call of a market survey list, assigned to the agent (a factory: the fill itself
    is tested with the lists)."""
    now = timezone.now()
    call_list, _new = CallList.objects.get_or_create(
        centre=world.centre,
        name="市场调查" if survey else "感谢回访",
        defaults={
            "purpose": "survey" if survey else "thank_you",
            "fill_rule": "sample",
            "survey": world.template if survey else None,
            "due_on": timezone.localdate() + dt.timedelta(days=7),
            "created_by": world.manager,
            "created_at": now,
        },
    )
    fields: dict[str, object] = {
        "centre": world.centre,
        "key": f"list:{call_list.pk}:{customer}",
        "kind": "list",
        "customer": world.customer(customer),
        "call_list": call_list,
        "assignee": world.agent,
        "next_try_at": now,
        "due_at": now + dt.timedelta(days=7),
        "created_at": now,
        **values,
    }
    return CallbackTask.objects.create(**fields)


def _values(world: World, **given: str) -> dict[int, str]:
    answers = {"csat": "4", "nps": "9", "ces": "6", "text": "希望多些线上办理", **given}
    qs = world.template.versions.get().questions.order_by("position")
    return {q.pk: answers[q.kind] for q in qs}


# ------------------------------------------------------------------------ the service


def test_a_call_is_surveyed_once_under_the_calling_agents_staff_id(world: World) -> None:
    task = _task(world)
    invitation = survey_record_on_task(actor=world.agent, task_id=task.pk, values=_values(world))
    assert (invitation.state, invitation.channel, invitation.answered_via) == (
        "answered",
        "agent",
        "agent",
    )
    assert invitation.key == f"callback:{task.pk}" and invitation.staff_number == "A001"
    assert invitation.staff == world.agent and invitation.team == world.team
    assert invitation.recorded_by == world.agent and invitation.customer == world.customer(0)
    assert invitation.address == "13912340000"  # the customer's mobile
    assert invitation.answers.get(kind="nps").score == 9
    with translation.override("zh-hans"), pytest.raises(Conflict) as again:
        survey_record_on_task(actor=world.agent, task_id=task.pk, values=_values(world))
    with translation.override("zh-hans"):
        assert str(again.value.message) == "本次外呼的问卷已记录。"
    assert Invitation.objects.count() == 1


def test_the_cap_and_an_opt_out_are_honoured_as_on_a_contact(world: World) -> None:
    world.send(0)  # the customer had this period's survey by SMS
    capped = survey_record_on_task(
        actor=world.agent, task_id=_task(world, 0).pk, values=_values(world)
    )
    assert (capped.state, capped.refusal) == ("refused", "capped")
    opt_out_record(centre=world.centre, channel="", address="13912340001", source="agent")
    opted = survey_record_on_task(
        actor=world.agent, task_id=_task(world, 1).pk, values=_values(world)
    )
    assert (opted.state, opted.refusal) == ("refused", "opted_out")
    assert not capped.answers.exists() and not opted.answers.exists()


def test_answers_off_the_scale_and_a_list_without_a_survey_are_refused(world: World) -> None:
    task = _task(world)
    with pytest.raises(Invalid) as off:
        survey_record_on_task(actor=world.agent, task_id=task.pk, values=_values(world, csat="9"))
    assert off.value.code == "answers_invalid"
    with pytest.raises(Invalid):
        survey_record_on_task(
            actor=world.agent, task_id=_task(world, 1, survey=False).pk, values=_values(world)
        )
    assert not Invitation.objects.exists()


def test_a_cancelled_call_takes_no_survey(world: World) -> None:
    """A list closed before the call was made cancels it: nobody called, nothing to record."""
    task = _task(world, state="cancelled")
    with translation.override("zh-hans"), pytest.raises(Conflict) as refused:
        survey_record_on_task(actor=world.agent, task_id=task.pk, values=_values(world))
    with translation.override("zh-hans"):
        assert str(refused.value.message) == "这次外呼已取消。"
    assert not Invitation.objects.exists()


def test_only_who_may_work_the_call_records_it(
    world: World, make_user: Callable[..., User], other_centre: OrgUnit
) -> None:
    task = _task(world)
    colleague = make_user("agent", "agent2", team=world.team, employee_number="A002")
    back = make_user("backoffice", "back2")  # sees every call, works only their own
    far = user_create(username="far", password=PASSWORD, role="admin", centre=other_centre)
    for stranger in (colleague, back, far):
        with pytest.raises(NotFound):
            survey_record_on_task(actor=stranger, task_id=task.pk, values=_values(world))
    assert not Invitation.objects.exists()
    # Who keeps the centre's outreach may work any call: the survey is theirs.
    admin = make_user("admin", "admin2", employee_number="M001")
    done = survey_record_on_task(actor=admin, task_id=task.pk, values=_values(world))
    assert done.staff_number == "M001" and done.recorded_by == admin


# ------------------------------------------------------------------------ the page


def _signed_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=username, password=PASSWORD)
    return client


def _form(world: World, **given: str) -> dict[str, str]:
    return {f"q{pk}": value for pk, value in _values(world, **given).items()}


def test_the_page_records_and_a_refused_form_keeps_what_was_typed(world: World) -> None:
    task = _task(world)
    url = f"/satisfaction/surveys/callbacks/{task.pk}/"
    agent = _signed_in("agent1")
    panel = agent.get(f"/satisfaction/callbacks/{task.pk}/").content.decode()
    assert "记录问卷" in panel and url in panel
    page = agent.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "本次外呼的问卷" in html and "市场调查" in html and "问卷未记录" in html
    assert "您对本次服务满意吗？" in html and "A001" in html
    assert f"/satisfaction/callbacks/{task.pk}/" in html  # back to the call
    refused = agent.post(url, _form(world, nps="", csat="12"))
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "请回答这个问题。" in body and "请选择所列分值之一。" in body
    assert "希望多些线上办理" in body and 'value="6" checked' in body
    assert not Invitation.objects.exists()
    saved = agent.post(url, _form(world))
    assert saved.status_code == 302 and saved["Location"] == url
    shown = agent.get(url).content.decode()
    assert "客户的回答已记录" in shown and "希望多些线上办理" in shown and "已记录" in shown
    assert "record-survey" not in shown  # one survey per call
    panel = agent.get(f"/satisfaction/callbacks/{task.pk}/").content.decode()
    assert "已记录" in panel and "记录问卷" not in panel
    again = agent.post(url, _form(world))
    assert again.status_code == 400 and "本次外呼的问卷已记录。" in again.content.decode()


def test_the_page_is_not_found_for_who_may_not_work_the_call(
    world: World, make_user: Callable[..., User], other_centre: OrgUnit
) -> None:
    task = _task(world)
    plain = _task(world, 1, survey=False)
    make_user("agent", "agent2", team=world.team)
    make_user("backoffice", "back2")
    user_create(username="far", password=PASSWORD, role="admin", centre=other_centre)
    url = f"/satisfaction/surveys/callbacks/{task.pk}/"
    for username in ("agent2", "back2", "far"):
        client = _signed_in(username)
        assert client.get(url).status_code == 404
        assert client.post(url, _form(world)).status_code == 404
    assert _signed_in("manager1").get(url).status_code == 403  # no callbacks to work
    agent = _signed_in("agent1")
    assert agent.get(f"/satisfaction/surveys/callbacks/{plain.pk}/").status_code == 404
    assert "记录问卷" not in agent.get(f"/satisfaction/callbacks/{plain.pk}/").content.decode()
    assert not Invitation.objects.exists()


# ------------------------------------------------------------------------ the API


def test_the_api_records_once_with_strict_answers(
    world: World, make_user: Callable[..., User]
) -> None:
    task = _task(world)
    make_user("agent", "agent2", team=world.team)
    agent = ApiClient(token_for("agent1"))
    answers = {str(pk): value for pk, value in _values(world).items()}
    assert agent.post(f"{API}/{task.pk}/responses", {"answers": answers, "x": 1}).status_code == 422
    assert agent.post(f"{API}/{task.pk}/responses", {"answers": {"abc": "1"}}).status_code == 404
    off = {**answers, next(iter(answers)): "12"}
    assert agent.post(f"{API}/{task.pk}/responses", {"answers": off}).status_code == 422
    other = ApiClient(token_for("agent2"))
    assert other.post(f"{API}/{task.pk}/responses", {"answers": answers}).status_code == 404
    assert agent.post(f"{API}/999999/responses", {"answers": answers}).status_code == 404
    manager = ApiClient(token_for("manager1"))
    assert manager.post(f"{API}/{task.pk}/responses", {"answers": answers}).status_code == 403
    recorded = agent.post(f"{API}/{task.pk}/responses", {"answers": answers})
    assert recorded.status_code == 201, recorded.content
    body = recorded.json()
    assert body["state"] == "answered" and body["channel"] == "agent"
    assert body["key"] == f"callback:{task.pk}"
    again = agent.post(f"{API}/{task.pk}/responses", {"answers": answers})
    assert again.status_code == 409
    plain = _task(world, 1, survey=False)
    assert agent.post(f"{API}/{plain.pk}/responses", {"answers": answers}).status_code == 422
