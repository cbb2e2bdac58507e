"""The callers' patience as the centre's own calls show it (issue 17, point 2: Erlang A
"with caller patience estimated from the centre's own abandoned calls"), read from the
telephony roll-ups, and `kefu staffing --patience-seconds observed` planning with it."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kefu.core.models import OrgUnit
from kefu.telephony.models import Queue, QueueInterval
from kefu.workforce import staffing
from kefu.workforce.queries import observed_patience_seconds

pytestmark = pytest.mark.django_db

EXAMPLE = [
    "--calls", "100", "--interval-minutes", "30", "--aht-seconds", "180", "--target", "0.8",
    "--answer-seconds", "20", "--format", "json",
]  # fmt: skip


@pytest.fixture
def calls(centre: OrgUnit, other_centre: OrgUnit) -> None:
    """Two queues of the centre a week ago and a queue of another centre; one interval
    outside the four weeks."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    power = Queue.objects.create(centre=centre, name="power", title="电费")
    faults = Queue.objects.create(centre=centre, name="faults", title="故障")
    elsewhere = Queue.objects.create(centre=other_centre, name="power")
    week_ago = now - timedelta(days=7)
    for queue, wait, abandoned in ((power, 9_000, 100), (faults, 3_000, 50), (elsewhere, 10, 1)):
        QueueInterval.objects.create(
            queue=queue, start=week_ago, offered=1000, abandoned=abandoned, wait_sum=wait
        )
    QueueInterval.objects.create(
        queue=power, start=now - timedelta(days=40), offered=10, abandoned=10, wait_sum=10
    )


@pytest.mark.usefixtures("calls")
def test_the_patience_is_the_total_wait_over_the_calls_abandoned(centre: OrgUnit) -> None:
    end = timezone.now()
    start = end - timedelta(days=28)
    # (9,000 + 3,000 s) ÷ (100 + 50) abandoned: the other centre's and older calls left out.
    assert observed_patience_seconds(centre=centre, start=start, end=end) == 80.0
    assert observed_patience_seconds(centre=centre, start=start, end=end, queue="power") == 90.0
    assert observed_patience_seconds(centre=centre, start=end, end=end + timedelta(1)) is None


@pytest.mark.usefixtures("calls")
def test_staffing_plans_with_the_observed_patience(centre: OrgUnit) -> None:
    out = StringIO()
    call_command(
        "staffing", *EXAMPLE, "--patience-seconds", "observed", "--queue", "power", stdout=out
    )
    figures = json.loads(out.getvalue())
    expected = staffing.plan(
        calls=100,
        interval_seconds=1800,
        aht_seconds=180,
        target=0.8,
        answer_seconds=20,
        patience_seconds=90.0,
    )
    assert figures == expected.as_dict()
    assert "abandon_rate" in figures
    text = StringIO()
    call_command(
        "staffing", *EXAMPLE[:-2], "--patience-seconds", "observed", "--centre", "test-centre",
        stdout=text,
    )  # fmt: skip
    rows = {line.split()[0]: line.split()[1:] for line in text.getvalue().splitlines()}
    assert rows["来电者平均耐心时长"] == ["80.0", "秒"]
    assert "放弃呼叫占呼入量的比例" in rows


@pytest.mark.usefixtures("calls")
def test_no_abandoned_call_is_refused_in_chinese(centre: OrgUnit) -> None:
    err = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "staffing", *EXAMPLE, "--patience-seconds", "observed", "--queue", "nothing",
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert exit_.value.code == 2
    assert "「nothing」近 28 天没有放弃的呼叫，无法估计来电者的耐心时长" in err.getvalue()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "staffing", *EXAMPLE, "--patience-seconds", "observed", "--centre", "nowhere",
            stdout=StringIO(), stderr=err,
        )  # fmt: skip
    assert exit_.value.code == 2
    assert "nowhere" in err.getvalue()
