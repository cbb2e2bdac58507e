"""监听分值 (002 第7篇: "the grade a quality specialist gives an agent's handling of
monitored calls"): the metrics app's indicator reads the current quality scores of the
period's contacts; a superseded score gives way to its review and calibration scores never
count. And calibration's agreement (issue 18 point 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kefu.metrics.indicators import compute, monitoring_score
from kefu.metrics.queries import Period, rules_of, totals_for
from kefu.quality import agreement, stats
from kefu.quality.queries import evaluations_visible_to
from kefu.quality.queries.results import results
from kefu.quality.services.calibration import calibration_create, calibration_score
from kefu.quality.services.evaluations import appeal_decide, appeal_file
from kefu.quality.tests.conftest import World


def test_the_indicator_is_the_mean_of_the_current_scores(world: World) -> None:
    world.score(world.contacts["a1"][0])  # 100
    low = world.score(world.contacts["a1"][1], "yes", "yes", "no")  # 70
    world.score(world.contacts["b1"][0], "yes", "yes", "yes", "yes", "yes", "no")  # 0: fatal
    appeal_file(actor=world.people["a1"], evaluation_id=low.pk, reason="已复述诉求")
    appeal_decide(
        actor=world.people["qa2"],
        evaluation_id=low.pk,
        decision="改判",
        answers=world.answers("yes", "na", "no", "yes"),  # 60 of 90: 66.7
    )
    session = calibration_create(
        actor=world.people["qa1"],
        title="校准",
        scorecard_id=world.scorecard.pk,
        contact_ids=[world.contacts["a2"][0].pk],
        inspector_ids=[world.people["qa1"].pk, world.people["qa2"].pk],
        reference_id=world.people["qa1"].pk,
    )
    calibration_score(
        actor=world.people["qa2"],
        session_id=session.pk,
        contact_id=world.contacts["a2"][0].pk,
        answers=world.answers("no"),
    )
    today = timezone.localdate()
    period = Period.days(today.replace(day=1), today)
    totals = totals_for(world.centre, period)
    assert sorted(totals.monitoring_scores) == [0.0, 66.7, 100.0]
    value = compute(totals, rules_of(world.centre))["monitoring_score"]
    assert value == monitoring_score(totals, rules_of(world.centre))
    assert value is not None and round(value, 2) == round((100 + 66.7 + 0) / 3, 2)


def test_agreement_with_the_reference_per_item_and_per_inspector() -> None:
    scorings = [
        agreement.Scoring(1, 10, 100.0, {1: "yes", 2: "yes"}),
        agreement.Scoring(2, 10, 70.0, {1: "yes", 2: "no"}),
        agreement.Scoring(3, 10, 70.0, {1: "no", 2: "no"}),
        agreement.Scoring(1, 11, 90.0, {1: "yes", 2: "na"}),
        agreement.Scoring(2, 11, 90.0, {1: "yes", 2: "na"}),
    ]
    found = agreement.compare(scorings, reference=1)
    assert found.items[1].answers == {"yes": 4, "no": 1}
    assert found.items[1].agreement == 2 / 3
    assert found.items[2].agreement == 1 / 3
    assert found.inspectors[2].agreement == 3 / 4
    assert found.inspectors[2].mean_gap == 15.0
    assert found.inspectors[3].agreement == 0.0
    assert 1 not in found.inspectors


def test_the_months_summed_by_the_database_match_the_scores(world: World) -> None:
    """The results' months are summed up in SQL (count, mean, sum of squares): the same
    mean and interval as the scores themselves give."""
    values = [("yes",), ("yes", "yes", "no"), ("yes", "na", "no"), ("no",)]
    contacts = world.contacts["a1"][:4]
    scores = [float(world.score(c, *v).score) for c, v in zip(contacts, values, strict=True)]
    now = timezone.now()
    start = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(now).replace(day=1), dt.time.min)
    )
    found = results(evaluations_visible_to(world.people["manager"]), start, now)
    month, estimate = found.months[-1]
    assert month == timezone.localdate().replace(day=1)
    expected = stats.estimate(scores)
    assert estimate.n == expected.n == 4
    assert estimate.mean == pytest.approx(expected.mean)
    assert estimate.low == pytest.approx(expected.low)
    single = results(evaluations_visible_to(world.people["a1"]), start, now)
    assert single.months[-1][1].n == 4
