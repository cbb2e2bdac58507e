"""The training pages' finishing pieces (issue 20 point 2), over HTTP: editing a question
of the bank (a refused form keeps what was typed; saving reviews it against its changed
article), adding walk-ins to a session (searched from the centre, listed once), and the
certification page and API (a queue made to require one, a certification granted and
revoked by hand, the history; the rota reads the revocation)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from kefu.conftest import PASSWORD, ApiClient, token_for
from kefu.core.models import User
from kefu.knowledge.models import Article
from kefu.supervision.models import Attendance, Question, TrainingSession
from kefu.supervision.services.training import question_save, session_create
from kefu.supervision.tests.conftest import World
from kefu.telephony.models import Queue
from kefu.workforce.models import Certification, CertifiedQueue
from kefu.workforce.queries.certification import uncertified_queues

pytestmark = pytest.mark.django_db


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


# ------------------------------------------------------------------------ question edit


@pytest.fixture
def question(world: World) -> Question:
    editor = world.users["editor"]
    article = Article.objects.create(
        centre=world.centre, kind="faq", title="电费缴纳渠道", body="…", owner=editor, author=editor
    )
    return question_save(
        actor=editor,
        topic="business",
        kind="multiple",
        text="以下哪些是电费缴纳渠道？",
        options=["营业厅", "网上国网", "上门收现金"],
        key=[0, 1],
        article_id=article.pk,
    )


def test_editing_a_question(world: World, question: Question) -> None:
    url = f"/supervision/questions/{question.pk}/edit/"
    qa = signed_in("qa")
    shown = qa.get(url).content.decode()
    assert "以下哪些是电费缴纳渠道？" in shown and "营业厅\n网上国网\n上门收现金" in shown
    assert "1,2</textarea>" in shown  # the key as typed: the right options' numbers
    # The article changed: the question is due for review until someone saves it.
    article_id = question.article_id
    assert article_id is not None
    Article.objects.filter(pk=article_id).update(version=2)
    assert Question.objects.select_related("article").get(pk=question.pk).needs_review
    form = {
        "topic": "business",
        "kind": "single",
        "text": "电费可在哪里缴纳？",
        "options": "营业厅\n网上国网\n上门收现金",
        "key": "1,2",  # two right options for a single choice: refused by the service
        "article": str(article_id),
        "active": "on",
        "version": "1",
    }
    refused = qa.post(url, form)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "电费可在哪里缴纳？" in text and "1,2</textarea>" in text and 'role="alert"' in text
    saved = qa.post(url, {**form, "key": "2"})
    assert saved.status_code == 302
    question = Question.objects.select_related("article").get(pk=question.pk)
    assert (question.kind, question.text, question.key, question.version) == (
        "single",
        "电费可在哪里缴纳？",
        [1],
        2,
    )
    assert question.active and not question.needs_review and question.article_version == 2
    # A form read before that change is refused, what was typed kept.
    stale = signed_in("editor").post(url, {**form, "key": "1", "text": "旧的题目"})
    assert stale.status_code == 400 and "旧的题目" in stale.content.decode()
    # Taken out of use from the same page; the bank lists it as not in use, with its link.
    signed_in("editor").post(url, {**form, "key": "1", "version": "2", "active": ""})
    assert not Question.objects.get(pk=question.pk).active
    bank = qa.get("/supervision/questions/").content.decode()
    assert url in bank and "已停用" in bank
    # Only those who write questions.
    for who in ("agent", "leader"):
        assert signed_in(who).get(url).status_code == 403
    assert signed_in("other-manager").get(url).status_code == 404


# ----------------------------------------------------------------------------- walk-ins


def test_adding_walk_ins_to_a_session(world: World) -> None:
    u = world.users
    session = session_create(
        actor=u["qa"],
        topic="law",
        title="消费者权益保护法要点",
        starts_at=timezone.now(),
        minutes=60,
        trainer_name="外聘律师",
        people=[u["agent"].pk],
    )
    page = f"/supervision/training/{session.pk}/"
    qa = signed_in("qa")
    # No search, no list; a search leaves out who is listed already.
    assert "walk-in-form" not in qa.get(page).content.decode()
    found = qa.get(page, {"q": "一班"}).content.decode()  # the team's name
    assert f'value="{u["leader"].pk}"' in found
    assert f'name="people" value="{u["agent"].pk}"' not in found
    assert f'value="{u["expert"].pk}"' in qa.get(page, {"q": "expert"}).content.decode()
    add = f"/supervision/training/{session.pk}/attendees/"
    people = [str(u["expert"].pk), str(u["leader"].pk), str(u["agent"].pk)]
    assert qa.post(add, {"people": people}).status_code == 302
    assert qa.post(add, {"people": people}).status_code == 302  # again: nobody twice
    rows = dict(
        Attendance.objects.filter(session=session).values_list("person__username", "present")
    )
    assert rows == {"agent": True, "expert": True, "leader": True}
    # Someone of another centre is refused, nothing added.
    refused = qa.post(add, {"people": [str(world.other.pk)]}, follow=True)
    assert "其中有人不是本中心员工。" in refused.content.decode()
    assert Attendance.objects.filter(session=session).count() == 3
    assert signed_in("agent").post(add, {"people": people}).status_code == 404
    assert TrainingSession.objects.get(pk=session.pk).attendance.count() == 3


# ------------------------------------------------------------------------ certification


def test_certification_by_hand(world: World) -> None:
    fault = Queue.objects.create(centre=world.centre, name="power-fault", title="故障报修")
    billing = Queue.objects.create(centre=world.centre, name="power-billing", title="电费咨询")
    manager = signed_in("manager")
    url = "/supervision/certification/"
    page = manager.get(url)
    assert page.status_code == 200
    # The person picker groups the centre's people by team, those of no team last.
    picker = page.content.decode().split('name="person"')[1].split("</select>")[0]
    assert picker.index('<optgroup label="一班">') < picker.index('<optgroup label="未分班组">')
    assert manager.post(f"/supervision/certification/queues/{fault.pk}/", {"required": "1"})
    assert list(CertifiedQueue.objects.values_list("queue__name", flat=True)) == ["power-fault"]
    agent: User = world.users["agent"]
    today = timezone.localdate()
    grant = {
        "person": str(agent.pk),
        "queue": str(fault.pk),
        "granted_on": today.isoformat(),
        "days": "365",
        "reason": "",
    }
    refused = manager.post(url, grant)
    assert refused.status_code == 400 and 'name="days" value="365"' in refused.content.decode()
    assert manager.post(url, {**grant, "reason": "在省中心取得上岗证"}).status_code == 302
    held = Certification.objects.get(user=agent)
    assert held.granted_by == world.users["manager"] and held.source == "在省中心取得上岗证"
    assert held.expires_on == today + dt.timedelta(days=364)
    week = (today, today + dt.timedelta(days=6))
    assert uncertified_queues(world.centre, [agent.pk], *week) == {agent.pk: set()}
    revoke = f"/supervision/certification/{held.pk}/revoke/"
    assert manager.post(revoke, {"reason": "监听发现业务不熟"}).status_code == 302
    held.refresh_from_db()
    assert held.revoked_on == today and held.revoked_by == world.users["manager"]
    assert uncertified_queues(world.centre, [agent.pk], *week) == {agent.pk: {"power-fault"}}
    again = manager.post(revoke, {"reason": "再次"}, follow=True).content.decode()
    assert "该上岗资格已被撤销" in again
    history = manager.get(url, {"queue": fault.pk}).content.decode()
    assert "在省中心取得上岗证" in history and "监听发现业务不熟" in history and "撤销" in history
    assert manager.post(f"/supervision/certification/queues/{fault.pk}/", {"required": "0"})
    assert not CertifiedQueue.objects.exists()
    # A queue of another centre, a person of another: refused; a leader (who plans the
    # rota but keeps no training) does not see the page.
    other = manager.post(
        url, {**grant, "person": str(world.other.pk), "reason": "调入"}, follow=False
    )
    assert other.status_code == 400 and Certification.objects.count() == 1
    assert billing.pk  # listed, never required
    for who in ("leader", "agent"):
        assert signed_in(who).get(url).status_code == 403
        assert signed_in(who).post(revoke, {"reason": "x"}).status_code == 403


def test_certification_over_the_api(world: World) -> None:
    """The same as the page, at /api/v1/supervision/: strict, 201 for a grant (retried
    with the same Idempotency-Key: one row), 409 for a second revocation, 403 for who keeps
    no training."""
    fault = Queue.objects.create(centre=world.centre, name="power-fault", title="故障报修")
    base = "/api/v1/supervision"
    manager = ApiClient(token_for("manager"))
    put = manager.request(
        "PUT", f"{base}/certification/queues/{fault.pk}", {"certification_required": True}
    )
    assert put.status_code == 200 and put.json()["required"] is True
    assert manager.get(f"{base}/certification/queues").json()[0]["queue_id"] == fault.pk
    body = {"person_id": world.users["agent"].pk, "queue_id": fault.pk, "reason": "调入"}
    retried = ApiClient(token_for("manager"))
    retried.headers["Idempotency-Key"] = "grant-agent-fault"
    first = retried.post(f"{base}/certifications", body)
    again = retried.post(f"{base}/certifications", body)
    assert first.status_code == 201 and again.json() == first.json()
    granted = first.json()
    assert granted["valid_today"] and granted["granted_by_id"] == world.users["manager"].pk
    assert Certification.objects.count() == 1
    assert manager.post(f"{base}/certifications", {**body, "days": 0}).status_code == 422
    assert manager.post(f"{base}/certifications", {**body, "extra": 1}).status_code == 422
    other = {**body, "person_id": world.other.pk}
    assert manager.post(f"{base}/certifications", other).status_code == 422
    revoke = f"{base}/certifications/{granted['id']}/revoke"
    done = manager.post(revoke, {"reason": "复训"})
    assert done.status_code == 200 and done.json()["valid_today"] is False
    assert manager.post(revoke, {"reason": "复训"}).status_code == 409
    listed = manager.get(f"{base}/certifications", queue_id=fault.pk).json()["items"]
    assert [c["revoke_reason"] for c in listed] == ["复训"]
    leader = ApiClient(token_for("leader"))
    assert leader.get(f"{base}/certifications").status_code == 403
    assert leader.post(revoke, {"reason": "x"}).status_code == 403
