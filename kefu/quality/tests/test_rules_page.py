"""The automatic checks a centre runs (issue 18 point 7): each check's precision and
recall on the answers inspectors confirmed, shown before it goes live; a check taken off
no longer hits the transcripts brought in afterwards."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from kefu.conftest import PASSWORD
from kefu.core.errors import Forbidden
from kefu.quality.models import Answer
from kefu.quality.queries.rules import confirmed, live_families
from kefu.quality.services.transcripts import rule_switch_set, transcript_import
from kefu.quality.tests.conftest import World
from kefu.quality.tests.test_pages import TRANSCRIPT


def test_precision_and_recall_from_confirmed_answers(world: World) -> None:
    greeting = world.items()[0]  # tied to greeting_missing
    # A hit kept, a hit overruled, a fault the check missed, a clean call confirmed.
    for contact, value, automatic in [
        (world.contacts["a1"][0], "no", True),
        (world.contacts["a1"][1], "yes", False),
        (world.contacts["a1"][2], "no", False),
        (world.contacts["a1"][3], "yes", True),
    ]:
        evaluation = world.score(contact)
        Answer.objects.filter(evaluation=evaluation, item=greeting).update(
            value=value, automatic=automatic
        )
    found = confirmed(world.centre.pk)["greeting_missing"]
    assert (found.true_hits, found.false_hits, found.missed) == (1, 1, 1)
    assert found.precision == 0.5 and found.recall == 0.5


def test_a_check_taken_off_hits_no_more(world: World) -> None:
    with pytest.raises(Forbidden):
        rule_switch_set(actor=world.people["a1"], family="silence", live=False)
    rule_switch_set(actor=world.people["qa1"], family="silence", live=False)
    assert "silence" not in live_families(world.centre.pk)
    row = transcript_import(
        actor=None, contact_id=world.contacts["a1"][0].pk, data=json.dumps(TRANSCRIPT)
    )
    assert "silence" not in {hit["rule"] for hit in row.hits}
    assert "greeting_missing" in {hit["rule"] for hit in row.hits}


def test_the_page_shows_each_check_and_switches_it(world: World) -> None:
    client = Client()
    assert client.login(username="qa1", password=PASSWORD)
    page = client.get("/quality/rules/").content.decode()
    assert "开头语缺失" in page and "准确率" in page and "002 第13篇" in page
    switched = client.post("/quality/rules/silence/", {"live": "0"}, follow=True)
    assert "长时间静音 已停用。" in switched.content.decode()
    assert "silence" not in live_families(world.centre.pk)
    agent = Client()
    assert agent.login(username="a1", password=PASSWORD)
    assert agent.get("/quality/rules/").status_code == 403
