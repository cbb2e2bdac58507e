"""The daily draw into the inspectors' queues (issue 18 point 2; 002 第7篇: each agent
listened to four or five times a month): each agent's share of the month so far, new
agents more, every contact that opened a complaint and every contact the automatic checks
flagged, shared evenly between the inspectors; a second run the same day adds nothing."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone
from django_q.models import Schedule

from kefu.core.models import User
from kefu.customers.models import Customer
from kefu.quality import sampling
from kefu.quality.models import SampleItem, SampleReason
from kefu.quality.services.sampling import sample_choose, samples_draw, sampling_plan_set
from kefu.quality.services.transcripts import transcript_import
from kefu.quality.tasks import SAMPLES_DRAW
from kefu.quality.tests.conftest import World
from kefu.quality.tests.test_pages import TRANSCRIPT
from kefu.tickets.models import Kind, Ticket


def _old_hands(world: World) -> None:
    User.objects.filter(username__in=["a1", "a2", "b1"]).update(
        date_joined=timezone.now() - dt.timedelta(days=400)
    )


def test_each_agent_gets_the_share_of_the_month_so_far(world: World) -> None:
    _old_hands(world)
    drawn = samples_draw(centre_id=world.centre.pk)
    owed = sampling.owed_by(timezone.localdate(), 5)
    per_agent = {
        name: SampleItem.objects.filter(agent=world.people[name]).count()
        for name in ("a1", "a2", "b1")
    }
    assert per_agent == {"a1": owed, "a2": owed, "b1": owed}
    assert drawn == 3 * owed
    loads = [SampleItem.objects.filter(inspector=world.people[n]).count() for n in ("qa1", "qa2")]
    assert abs(loads[0] - loads[1]) <= 1
    assert samples_draw(centre_id=world.centre.pk) == 0  # the same day again: nothing


def test_new_agents_are_listened_to_more(world: World) -> None:
    _old_hands(world)
    User.objects.filter(username="a2").update(date_joined=timezone.now() - dt.timedelta(days=10))
    samples_draw(centre_id=world.centre.pk)
    new = SampleItem.objects.filter(agent=world.people["a2"])
    assert new.count() == min(8, sampling.owed_by(timezone.localdate(), 8))
    assert set(new.values_list("reason", flat=True)) == {SampleReason.NEW_AGENT}


def test_complaints_and_flagged_contacts_are_always_drawn(world: World) -> None:
    _old_hands(world)
    plan_card = world.scorecard
    sampling_plan_set(
        actor=world.people["qa1"], scorecard_id=plan_card.pk, per_agent=1, flagged_below=90
    )
    complained, flagged = world.contacts["a1"][6], world.contacts["a1"][7]
    customer = Customer.objects.create(centre=world.centre, name="赵先生")
    ticket = Ticket.objects.create(
        centre=world.centre,
        customer=customer,
        number="GD20261206000001",
        kind=Kind.COMPLAINT,
        title="投诉",
        state="new",
        created_by=world.people["a1"],
        created_at=timezone.now(),
    )
    ticket.contacts.add(complained)
    transcript_import(actor=None, contact_id=flagged.pk, data=json.dumps(TRANSCRIPT))
    samples_draw(centre_id=world.centre.pk)
    reasons = dict(SampleItem.objects.values_list("contact_id", "reason"))
    assert reasons[complained.pk] == SampleReason.COMPLAINT
    assert reasons[flagged.pk] == SampleReason.FLAGGED


def test_an_inspector_chooses_a_contact_once(world: World) -> None:
    contact = world.contacts["b1"][3]
    item = sample_choose(actor=world.people["qa2"], contact_id=contact.pk)
    assert (item.reason, item.inspector) == (SampleReason.CHOSEN, world.people["qa2"])
    assert samples_draw(centre_id=world.centre.pk) >= 0
    assert SampleItem.objects.filter(contact=contact).count() == 1


def test_migrate_schedules_the_draw(db: None) -> None:
    assert Schedule.objects.filter(func=SAMPLES_DRAW).exists()
