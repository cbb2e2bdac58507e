"""The demo's supervision (issue 20 point 1): two months of rounds by the leader (two a
working day, a few days short) and the manager, spot checks with drawn records and
questions, findings each with its on-the-spot correction, rectifications in every state,
today's round in progress; loaded once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from kefu.metrics import reports
from kefu.metrics.queries import Period
from kefu.supervision import library
from kefu.supervision.demo import DAYS, load_supervision
from kefu.supervision.models import (
    Finding,
    HonourMonth,
    IndicatorOwner,
    Rectification,
    RectificationState,
    Round,
    RoundKind,
    RoundState,
    SampledRecord,
    StaffQuestion,
)
from kefu.supervision.queries import compliance_of
from kefu.supervision.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_demo_supervision_history(world: World, records: dict[str, list[Any]]) -> None:
    written = load_supervision(world.centre)
    assert written == Round.objects.filter(centre=world.centre).count() > 100
    today = timezone.localdate()
    oldest = Round.objects.order_by("started_at").first()
    assert oldest is not None
    assert timezone.localtime(oldest.started_at).date() >= today - timedelta(days=DAYS)
    kinds = set(Round.objects.values_list("kind", flat=True))
    assert {RoundKind.PATROL, RoundKind.SPOT_CHECK, RoundKind.SITE, RoundKind.MYSTERY_CALL} <= kinds
    assert Finding.objects.exists() and not Finding.objects.filter(correction="").exists()
    states = set(Rectification.objects.values_list("state", flat=True))
    assert RectificationState.CLOSED in states
    assert SampledRecord.objects.exists() and StaffQuestion.objects.exists()
    done = Round.objects.filter(state=RoundState.DONE)
    assert not done.filter(score=None).exists()
    # The compliance table shows the leader's days, some of them missed.
    table = compliance_of(world.centre, today - timedelta(days=30), today)
    leader = next(row for row in table.rows if row.person.name == "陈建华")
    assert leader.made > 20 and leader.owed > 0
    assert table.months_without_spot_check == []
    # Honours (issue 20 point 4): two confirmed months, one with a change and its reason,
    # and last month's proposals waiting (a running month is never proposed).
    months = list(HonourMonth.objects.filter(centre=world.centre).order_by("month"))
    assert [m.state for m in months] == ["confirmed", "confirmed", "proposed"]
    assert all(m.candidates.exclude(reason="").exists() for m in months[:2])
    # The indicator library's owners (issue 20 point 5): every indicator has one.
    assert IndicatorOwner.objects.filter(centre=world.centre).count() == len(library.CODES)
    # The centre's report of the two months carries both supervision sections, figured.
    report = reports.build(
        world.centre,
        "monthly",
        today,
        period=Period.days(today - timedelta(days=DAYS), today),
    )
    sections = {section.key: section for section in report.sections}
    assert set(sections) == {"supervision-rounds", "supervision-people"}
    people = {figure.label: figure.value for figure in sections["supervision-people"].figures}
    assert (people["确认荣誉人次"] or 0) > 0 and (people["已阅试卷"] or 0) > 0
    assert load_supervision(world.centre) == 0
