"""The demo's quality inspection (issue 18 point 9): two scorecard versions, two months
of scores at the plan's pace, transcripts that show every automatic check, appeals decided
and one waiting, coaching, a calibration shown and one blind, today's queue; once only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from kefu.contacts.models import Channel, Contact
from kefu.core.models import OrgUnit, User
from kefu.quality import checks
from kefu.quality.demo import load_quality
from kefu.quality.models import (
    Appeal,
    AppealState,
    CalibrationSession,
    CalibrationState,
    CoachingTask,
    Evaluation,
    EvaluationPurpose,
    SampleItem,
    SampleState,
    Scorecard,
    Transcript,
    VersionState,
)

pytestmark = pytest.mark.django_db


def test_the_demo_quality_history(centre: OrgUnit, make_user: Callable[..., User]) -> None:
    team = OrgUnit.objects.create(kind=OrgUnit.Kind.TEAM, code="team-1", name="一班", parent=centre)
    agents = [make_user("agent", "agent", team=team)] + [
        make_user("agent", f"agent{n:02d}", team=team) for n in range(1, 6)
    ]
    for name in ("qa", "qa2"):
        make_user("qa", name)
    make_user("leader", "leader", team=team)
    make_user("manager", "manager")
    now = timezone.now()
    rows = []
    for index, agent in enumerate(agents):
        for hour in range(0, 60 * 24, 7):
            started = now - dt.timedelta(hours=hour, minutes=index)
            rows.append(
                Contact(
                    centre=centre,
                    channel=Channel.HOTLINE,
                    agent=agent,
                    started_at=started,
                    ended_at=started + dt.timedelta(minutes=4),
                    summary=["客户来电反映停电", "客户来电投诉抄表员态度", "咨询电价"][hour % 3],
                )
            )
    Contact.objects.bulk_create(rows)

    written = load_quality(centre, days=60)
    assert written > 6 * 5  # about five a month for each agent over two months
    card = Scorecard.objects.get()
    assert sorted(card.versions.values_list("number", "state")) == [
        (1, VersionState.RETIRED),
        (2, VersionState.PUBLISHED),
    ]
    assert Evaluation.objects.filter(version__number=1).exists()  # explained by version 1
    hits = {hit["rule"] for row in Transcript.objects.all() for hit in row.hits}
    assert hits >= set(checks.FAMILIES) - {"speech_rate"}  # speaking rate is off in the demo
    appeals = dict(Appeal.objects.values_list("state", "evaluation__agent__username"))
    assert appeals[AppealState.OPEN] == "agent"
    assert {AppealState.CHANGED, AppealState.UPHELD} <= set(appeals)
    assert Evaluation.objects.filter(purpose=EvaluationPurpose.REVIEW).count() == 1
    assert CoachingTask.objects.filter(agent__username="agent", acknowledged_at=None).exists()
    shown = CalibrationSession.objects.get(state=CalibrationState.REVEALED)
    assert Evaluation.objects.filter(calibration=shown).values("inspector").distinct().count() >= 2
    assert CalibrationSession.objects.filter(state=CalibrationState.OPEN).exists()
    assert SampleItem.objects.filter(state=SampleState.OPEN).exists()
    assert not Evaluation.objects.filter(submitted_at__gt=now).exists()
    assert load_quality(centre, days=60) == 0
