"""The detection at work on the database (issue 21 point 1): the contact that crosses the
threshold opens one incident at the next minute's run, alerts the leaders, managers, back
office and the department on duty, puts a provisional script; later runs raise its count
and open nothing; racing runs open one incident, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from kefu.conftest import race
from kefu.contacts.models import CallReason, Channel, Contact
from kefu.core.models import Notification, OrgUnit, Region, User
from kefu.customers.models import Customer
from kefu.insights.models import FaultReason, Incident, IncidentOrigin, SpikeRule
from kefu.insights.queries.spikes import fault_reason_ids
from kefu.insights.services.detection import detect_centre, incident_open, spikes_detect
from kefu.tickets.models import DispatchRule, Ticket

ZONE = dt.timezone(dt.timedelta(hours=8))
# Wednesday 11 November 2026, 10:07 in Shanghai: an ordinary working day.
NOW = dt.datetime(2026, 11, 11, 10, 7, tzinfo=ZONE)
STEP = dt.datetime(2026, 11, 11, 10, 0, tzinfo=ZONE)


@dataclass
class Scene:
    centre: OrgUnit
    region: Region
    fault: CallReason
    outage: CallReason
    billing: CallReason
    users: dict[str, User]

    def contacts(self, n: int, at: dt.datetime, reason: CallReason | None = None) -> None:
        reason = reason or self.outage
        Contact.objects.bulk_create(
            Contact(
                centre=self.centre,
                channel=Channel.HOTLINE,
                agent=self.users["agent"],
                started_at=at + dt.timedelta(seconds=index),
                region=self.region,
                business_type=reason.parent or reason,
                service_content=reason if reason.parent else None,
            )
            for index in range(n)
        )


@pytest.fixture
def scene(
    centre: OrgUnit, department: OrgUnit, region: Region, make_user: Callable[..., User]
) -> Scene:
    users = {
        role: make_user(role)
        for role in ("agent", "leader", "manager", "backoffice", "handler", "qa")
    }
    fault = CallReason.objects.create(
        centre=centre,
        dimension=CallReason.Dimension.BUSINESS_TYPE,
        code="fault_repair",
        name="故障报修",
    )
    outage = CallReason.objects.create(
        centre=centre,
        dimension=CallReason.Dimension.SERVICE_CONTENT,
        code="power_outage",
        name="停电",
        parent=fault,
    )
    billing = CallReason.objects.create(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="billing", name="电费电价"
    )
    DispatchRule.objects.create(category=fault, department=department)
    scene = Scene(centre, region, fault, outage, billing, users)
    # Eight past Wednesdays: two outage calls in each step from 09:45 to 10:30.
    for week in range(1, 9):
        for minutes in (-15, 0, 15):
            scene.contacts(2, STEP - dt.timedelta(weeks=week) + dt.timedelta(minutes=minutes))
    return scene


def test_fault_reasons_default_to_the_business_types_named_faults(scene: Scene) -> None:
    assert fault_reason_ids(scene.centre.pk) == {scene.fault.pk}
    FaultReason.objects.create(centre=scene.centre, reason=scene.outage)
    assert fault_reason_ids(scene.centre.pk) == {scene.outage.pk}


def test_the_contact_that_crosses_the_threshold_opens_one_incident(scene: Scene) -> None:
    scene.contacts(19, STEP + dt.timedelta(minutes=1))
    scene.contacts(30, STEP, reason=scene.billing)  # not a fault
    assert detect_centre(scene.centre, now=NOW) == []
    scene.contacts(1, STEP + dt.timedelta(minutes=6))  # the 20th: 20 ≥ 20 and ≥ 3 × 2
    [incident] = detect_centre(scene.centre, now=NOW + dt.timedelta(minutes=1))
    assert incident.origin == IncidentOrigin.DETECTED
    assert (incident.region, incident.reason) == (scene.region, scene.outage)
    assert incident.step_start == STEP and incident.observed == 20 and incident.baseline == 2
    assert incident.department is not None and incident.department.code == "repair"
    assert "停电" in incident.script and "鼓楼区" in incident.script
    alerts = Notification.objects.filter(kind="insights.incident")
    told = set(alerts.values_list("recipient__username", flat=True))
    assert told == {"leader", "manager", "backoffice", "handler"}
    # Later steps raise its count and open nothing.
    scene.contacts(25, STEP + dt.timedelta(minutes=16))
    later = NOW + dt.timedelta(minutes=12)
    assert detect_centre(scene.centre, now=later) == []
    assert Incident.objects.get().fault_count == 45
    # A fault order no contact brought counts too.
    customer = Customer.objects.create(centre=scene.centre, name="张三", region=scene.region)
    Ticket.objects.create(
        number="T1",
        centre=scene.centre,
        kind="fault",
        category=scene.outage,
        customer=customer,
        title="停电",
        state="accepted",
        created_at=STEP + dt.timedelta(minutes=17),
        created_by=scene.users["agent"],
    )
    assert spikes_detect(now=later) == 0
    assert Incident.objects.get().fault_count == 46


def test_a_rule_raises_the_bar_for_its_reason(scene: Scene) -> None:
    SpikeRule.objects.create(centre=scene.centre, reason=scene.outage, min_count=30, ratio=3)
    scene.contacts(25, STEP)
    assert detect_centre(scene.centre, now=NOW) == []
    scene.contacts(5, STEP + dt.timedelta(minutes=5))
    assert len(detect_centre(scene.centre, now=NOW)) == 1


def test_a_manual_open_needs_the_permission_and_meets_the_open_one(scene: Scene) -> None:
    from kefu.core.errors import Forbidden

    with pytest.raises(Forbidden):
        incident_open(
            centre=scene.centre,
            region=scene.region,
            reason=scene.outage,
            origin=IncidentOrigin.MANUAL,
            actor=scene.users["agent"],
        )
    first, created = incident_open(
        centre=scene.centre,
        region=scene.region,
        reason=scene.outage,
        origin=IncidentOrigin.MANUAL,
        actor=scene.users["leader"],
        title="鼓楼区大面积停电",
    )
    assert created and first.opened_by == scene.users["leader"]
    again, created = incident_open(centre=scene.centre, region=scene.region, reason=scene.outage)
    assert (again, created) == (first, False)
    scene.contacts(40, STEP)
    assert detect_centre(scene.centre, now=NOW) == []


@pytest.mark.django_db(transaction=True)
def test_racing_runs_open_one_incident(scene: Scene) -> None:
    scene.contacts(30, STEP)
    results = race([lambda: detect_centre(scene.centre, now=NOW) for _ in range(3)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(len(r) for r in results) == 1
    assert Incident.objects.count() == 1
    assert Notification.objects.filter(kind="insights.incident").count() == 4
    assert timezone.now()  # the clock is real; the detection was told the time
