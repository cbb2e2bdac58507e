"""Surveys sent in bulk (issue 19 point 2; Formbricks: thousands of single-use links per
API call): one call goes through the outbox's batch path across several batches, and the
survey cap per customer, the outbox's messages per day, the opt-outs and the quiet hours
are honoured for each invitation of it."""

from __future__ import annotations

import pytest

from kefu.core.errors import Invalid
from kefu.satisfaction.models import Invitation, Message
from kefu.satisfaction.services.outbound import (
    ENQUEUE_BATCH,
    message_enqueue,
    opt_out_record,
    rules_of,
)
from kefu.satisfaction.services.surveys import MAX_RECIPIENTS, Recipient, invitations_send
from kefu.satisfaction.tests.survey_world import World, today_at, token_of
from kefu.satisfaction.tests.survey_world import world as world  # the fixture

pytestmark = pytest.mark.django_db

COUNT = 2 * ENQUEUE_BATCH + 200  # three batches of the outbox


def _number(n: int) -> str:
    return f"1380000{n:04d}"


def test_a_bulk_send_honours_caps_opt_outs_and_quiet_hours_for_each_invitation(
    world: World,
) -> None:
    rules = rules_of(world.centre.pk)
    rules.messages_per_day = 1
    rules.save()
    # Opted out of text messages (first batch), of every channel (second batch).
    opt_out_record(centre=world.centre, channel="sms", address=_number(3), source="reply")
    opt_out_record(centre=world.centre, channel="", address=_number(700), source="agent")
    # The number had the day's message already (third batch): the outbox caps it.
    message_enqueue(
        centre=world.centre,
        channel="sms",
        address=_number(1100),
        purpose="notice",
        text="您的报修已受理",
        key="earlier",
        due_at=today_at(20),
    )
    # The customer had this period's survey: the survey cap refuses a second.
    (earlier,) = world.send(0, at=today_at(10))
    recipients = [Recipient(key=f"b{n}", address=_number(n)) for n in range(COUNT)]
    recipients.append(Recipient(key="again", customer_id=world.customer(0).pk))
    sent = invitations_send(
        actor=world.manager,
        template_id=world.template.pk,
        recipients=recipients,
        now=today_at(23),  # in the quiet hours: every message waits for 08:00
    )
    assert len(sent) == COUNT + 1
    by_key = {i.key: i for i in sent}
    assert (by_key["b3"].state, by_key["b3"].refusal) == ("refused", "opted_out")
    assert (by_key["b700"].state, by_key["b700"].refusal) == ("refused", "opted_out")
    assert (by_key["b1100"].state, by_key["b1100"].refusal) == ("refused", "capped")
    assert (by_key["again"].state, by_key["again"].refusal) == ("refused", "capped")
    refused = {k for k, i in by_key.items() if i.state == "refused"}
    assert refused == {"b3", "b700", "b1100", "again"}
    assert all(by_key[k].token_digest is None for k in refused)
    # Each live invitation has its own message and link, going at 08:00, valid 7 days.
    live = [i for i in sent if i.state == "pending"]
    assert len({token_of(i) for i in live}) == len(live) == COUNT - 3
    assert {i.message.scheduled_for for i in live if i.message} == {today_at(8, days=1)}
    assert {i.sent_at for i in live} == {today_at(8, days=1)}
    assert {i.expires_at for i in live} == {today_at(8, days=8)}
    stored = Invitation.objects.get(key="b650")
    assert stored.message is not None and stored.message.address == _number(650)
    assert stored.token_digest == by_key["b650"].token_digest
    assert Message.objects.filter(key__startswith="survey:b", state="refused").count() == 3
    assert earlier.state == "pending"


def test_a_bulk_send_repeated_writes_nothing_new(world: World) -> None:
    recipients = [Recipient(key=f"r{n}", address=_number(n)) for n in range(ENQUEUE_BATCH + 10)]
    first = invitations_send(
        actor=world.manager, template_id=world.template.pk, recipients=recipients
    )
    again = invitations_send(
        actor=world.manager, template_id=world.template.pk, recipients=recipients
    )
    assert [i.pk for i in again] == [i.pk for i in first]
    assert Invitation.objects.count() == Message.objects.count() == ENQUEUE_BATCH + 10


def test_a_call_is_bounded(world: World) -> None:
    assert MAX_RECIPIENTS == 10_000
    too_many = [Recipient(key=f"x{n}", address=_number(n)) for n in range(MAX_RECIPIENTS + 1)]
    with pytest.raises(Invalid) as refused:
        invitations_send(actor=world.manager, template_id=world.template.pk, recipients=too_many)
    assert refused.value.code == "too_many_recipients"
    assert not Invitation.objects.exists()
