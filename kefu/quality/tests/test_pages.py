"""The quality pages through HTTP (issue 18 points 1–5, 8): the inspector scores from the
queue with the transcript's hits shown and the checks' answers pre-filled; the agent
appeals; a leader decides; the scorecard editor versions; calibration blind then shown;
each role reaches only what it may; refused forms keep what was typed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.test import Client

from kefu.conftest import PASSWORD
from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit, User
from kefu.quality.models import (
    Appeal,
    AppealState,
    CalibrationSession,
    Evaluation,
    SampleItem,
    Scorecard,
    ScorecardVersion,
    Transcript,
)
from kefu.quality.services.calibration import calibration_create
from kefu.quality.services.transcripts import transcript_import
from kefu.quality.tests.conftest import World

TRANSCRIPT = {
    "sentences": [
        {"speaker": "agent", "start": 0.0, "end": 2.5, "text": "喂，什么事？"},
        {"speaker": "customer", "start": 3.0, "end": 7.0, "text": "我家停电了，怎么回事"},
        {"speaker": "agent", "start": 7.5, "end": 10.0, "text": "请您稍等，我帮您查询一下"},
        {"speaker": "agent", "start": 40.0, "end": 44.0, "text": "让您久等了，您所在小区正在抢修"},
        {"speaker": "customer", "start": 45.0, "end": 47.0, "text": "好的，谢谢"},
        {"speaker": "agent", "start": 47.5, "end": 50.0, "text": "感谢您的来电，再见"},
    ]
}


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _form(world: World, **values: str) -> dict[str, str]:
    data = {f"item_{item.pk}": "yes" for item in world.items()}
    data |= {f"note_{item.pk}": "" for item in world.items()}
    data.update(values)
    return data


def test_the_inspector_scores_from_the_queue_with_the_hits_shown(world: World) -> None:
    contact = world.contacts["a1"][0]
    transcript_import(actor=None, contact_id=contact.pk, data=json.dumps(TRANSCRIPT))
    item = world.queue(contact)
    inspector = signed_in("qa1")
    queue = inspector.get("/quality/queue/")
    assert queue.status_code == 200
    assert "王芳" in queue.content.decode()
    page = inspector.get(f"/quality/queue/{item.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "喂，什么事？" in html and "开头语缺失" in html  # the greeting's hit, marked
    greeting = world.items()[0]
    # The greeting item is pre-filled "not met" from the transcript's hit.
    assert re.search(rf'name="item_{greeting.pk}" value="no"[^>]* checked', html)
    refused = inspector.post(f"/quality/queue/{item.pk}/", {"comment": "未报工号"})
    assert refused.status_code == 400
    assert "未报工号" in refused.content.decode()
    assert not Evaluation.objects.exists()
    done = inspector.post(
        f"/quality/queue/{item.pk}/",
        _form(world, **{f"item_{greeting.pk}": "no", "comment": "开头未使用规范问候语"}),
    )
    assert done.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.score == 90
    assert evaluation.answers.get(item=greeting).automatic


def test_the_agent_appeals_and_a_leader_changes_the_score(world: World) -> None:
    evaluation = world.score(world.contacts["a1"][0], "yes", "yes", "no")
    agent = signed_in("a1")
    page = agent.get(f"/quality/scores/{evaluation.pk}/")
    assert page.status_code == 200 and "申诉" in page.content.decode()
    empty = agent.post(f"/quality/scores/{evaluation.pk}/appeal/", {"reason": ""})
    assert empty.status_code == 400
    sent = agent.post(f"/quality/scores/{evaluation.pk}/appeal/", {"reason": "已复述诉求，见录音"})
    assert sent.status_code == 302
    leader = signed_in("leader")
    assert "已复述诉求" in leader.get("/quality/appeals/").content.decode()
    decided = leader.post(
        f"/quality/scores/{evaluation.pk}/decide/",
        _form(world, outcome="changed", decision="录音中已复述，改判"),
    )
    assert decided.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.state == AppealState.CHANGED
    new = Evaluation.objects.get(supersedes=evaluation)
    assert new.score == 100
    assert "100.0" in agent.get(f"/quality/scores/{new.pk}/").content.decode()


def test_each_role_reaches_only_its_quality_pages(world: World) -> None:
    evaluation = world.score(world.contacts["b1"][0])
    expected = {
        "a1": {"/quality/mine/": 200, "/quality/queue/": 403, "/quality/results/": 403},
        "qa1": {"/quality/queue/": 200, "/quality/results/": 200, "/quality/scorecards/": 200},
        "leader": {"/quality/results/": 200, "/quality/appeals/": 200, "/quality/scorecards/": 403},
        "manager": {"/quality/results/": 200, "/quality/scorecards/": 200},
    }
    for who, pages in expected.items():
        client = signed_in(who)
        for path, status in pages.items():
            assert client.get(path).status_code == status, (who, path)
    # A score of team B's agent: not there for team A's agent or leader.
    assert signed_in("a1").get(f"/quality/scores/{evaluation.pk}/").status_code == 404
    assert signed_in("leader").get(f"/quality/scores/{evaluation.pk}/").status_code == 404
    assert signed_in("b1").get(f"/quality/scores/{evaluation.pk}/").status_code == 200


def test_the_results_show_each_agent_with_the_sample_size_and_interval(world: World) -> None:
    understood = ["yes", "no", "yes", "yes", "no"]
    for contact, value in zip(world.contacts["a1"][:5], understood, strict=True):
        world.score(contact, "yes", "yes", value)
    page = signed_in("manager").get("/quality/results/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "王芳" in html and "无法区分" in html
    assert "准确理解客户诉求" in html  # the most frequent fault


def test_the_results_show_a_page_of_agents_highest_or_lowest_first(
    world: World, make_user: Callable[..., User]
) -> None:
    """A centre has hundreds of agents: 25 a page, the highest means first or the lowest."""
    start = world.contacts["a1"][0].started_at
    for n in range(30):
        agent = make_user("agent", f"x{n:02d}", team=world.team_b, full_name=f"坐席{n:02d}")
        contact = Contact.objects.create(
            centre=world.centre, channel="hotline", agent=agent, started_at=start, summary="—"
        )
        # Agent n misses the first n % 3 items after the two opening ones.
        world.score(contact, "yes", "yes", *(["no"] * (n % 3)))
    manager = signed_in("manager")

    def names(html: str) -> list[str]:
        table = html.split('class="grid results-agents"')[1].split("</table>")[0]
        return re.findall(r'<td class="nowrap">(坐席\d\d)</td>', table)

    first = manager.get("/quality/results/").content.decode()
    assert len(names(first)) == 25 and "第 1 / 2 页" in first
    second = manager.get("/quality/results/", {"page": 2}).content.decode()
    assert len(names(second)) == 5
    assert set(names(first)) | set(names(second)) == {f"坐席{n:02d}" for n in range(30)}
    lowest = names(manager.get("/quality/results/", {"order": "low"}).content.decode())
    assert all(int(name[2:]) % 3 == 2 for name in lowest[:10])
    assert all(int(name[2:]) % 3 == 0 for name in names(first)[:10])


def test_the_scorecard_editor_saves_a_draft_and_publishes_a_version(world: World) -> None:
    inspector = signed_in("qa1")
    rows = {
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-0-section": "开场",
        "rows-0-text": "问候语",
        "rows-0-weight": "40",
        "rows-1-section": "结束",
        "rows-1-text": "结束语",
        "rows-1-weight": "60",
        "rows-1-auto_check": "closing_missing",
    }
    refused = inspector.post(
        "/quality/scorecards/",
        {"card-name": "短信质检表", "card-appeal_days": "0", **rows},
    )
    assert refused.status_code == 400 and "短信质检表" in refused.content.decode()
    made = inspector.post(
        "/quality/scorecards/", {"card-name": "短信质检表", "card-appeal_days": "3", **rows}
    )
    assert made.status_code == 302
    card = Scorecard.objects.get(name="短信质检表")
    assert inspector.post(f"/quality/scorecards/{card.pk}/publish/").status_code == 302
    assert ScorecardVersion.objects.get(scorecard=card).state == "published"
    editor = inspector.get(f"/quality/scorecards/{card.pk}/")
    assert 'value="问候语"' in editor.content.decode()


def test_calibration_is_blind_until_the_results_are_shown(world: World) -> None:
    contacts = world.contacts["a2"][:2]
    inspector = signed_in("qa1")
    made = inspector.post(
        "/quality/calibration/",
        {
            "title": "十二月校准",
            "scorecard": str(world.scorecard.pk),
            "contacts": f"{contacts[0].pk}，{contacts[1].pk}",
            "inspectors": [str(world.people["qa1"].pk), str(world.people["qa2"].pk)],
            "reference": str(world.people["qa1"].pk),
        },
    )
    assert made.status_code == 302, made.content.decode()
    session = CalibrationSession.objects.get()
    second = signed_in("qa2")
    for client, value in ((inspector, "yes"), (second, "no")):
        for contact in contacts:
            path = f"/quality/calibration/{session.pk}/contacts/{contact.pk}/"
            item = world.items()[2]
            assert client.post(path, _form(world, **{f"item_{item.pk}": value})).status_code == 302
    blind = second.get(f"/quality/calibration/{session.pk}/").content.decode()
    assert "100.0" not in blind  # qa1's scores are not shown to qa2 yet
    assert inspector.post(f"/quality/calibration/{session.pk}/reveal/").status_code == 302
    shown = second.get(f"/quality/calibration/{session.pk}/").content.decode()
    assert "与参照评分一致" in shown or "质检二" in shown
    assert "准确理解客户诉求" in shown
    assert not SampleItem.objects.exists() and Transcript.objects.count() == 0


def test_each_role_against_each_queue_item_and_session(
    world: World, make_user: Callable[..., User], other_centre: OrgUnit
) -> None:
    """A drawn contact: any inspector of the centre may open it (to cover a colleague's
    queue), nobody else; a calibration session: the centre's inspectors, nobody else."""
    item = world.queue(world.contacts["a1"][0])
    session = calibration_create(
        actor=world.people["qa1"],
        title="校准",
        scorecard_id=world.scorecard.pk,
        contact_ids=[world.contacts["a2"][0].pk],
        inspector_ids=[world.people["qa1"].pk, world.people["qa2"].pk],
        reference_id=world.people["qa1"].pk,
    )
    make_user("qa", "qa-other", centre=other_centre)
    expected = {"qa1": 200, "qa2": 200, "a1": 403, "leader": 403, "manager": 200, "qa-other": 404}
    for who, status in expected.items():
        client = signed_in(who)
        assert client.get(f"/quality/queue/{item.pk}/").status_code == status, who
    sessions = {"qa2": 200, "a1": 403, "leader": 403, "qa-other": 404}
    for who, status in sessions.items():
        path = f"/quality/calibration/{session.pk}/"
        assert signed_in(who).get(path).status_code == status, who
