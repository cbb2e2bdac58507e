"""Each person's figures: the same as the person's report in the metrics app, None where
the centre has no data for them (never 0)."""

from __future__ import annotations

import datetime as dt

import pytest

from kefu.core.models import OrgUnit, User
from kefu.metrics import queries as metrics
from kefu.metrics.indicators import compute
from kefu.metrics.tests.conftest import call_history, calls_day  # noqa: F401 (fixtures)
from kefu.supervision.queries.figures import FIGURES, person_figures

pytestmark = pytest.mark.django_db


def test_a_persons_call_figures_are_their_report_in_metrics(
    centre: OrgUnit,
    call_history: dict[str, OrgUnit],  # noqa: F811
    calls_day: dt.date,  # noqa: F811
) -> None:
    figures = person_figures(centre, calls_day, calls_day)
    person = User.objects.get(username="1001")
    report = compute(
        metrics.totals_for(centre, metrics.Period.days(calls_day, calls_day), agent="Agent/1001"),
        metrics.rules_of(centre),
    )
    mine = figures[person.pk]
    assert mine.name == "王晓婷" and mine.team == "一班"
    assert mine.values["answered"] == report["answered"]
    assert (report["answered"] or 0) > 0
    assert mine.values["aht_seconds"] == pytest.approx(report["aht_seconds"])
    assert mine.values["occupancy"] == pytest.approx(report["occupancy"])
    # One person's read (the person page's) is that person's row of the centre's.
    assert person_figures(centre, calls_day, calls_day, only=person.pk) == {person.pk: mine}


def test_no_data_is_no_figure_not_zero(
    centre: OrgUnit,
    users: dict[str, User],
    call_history: dict[str, OrgUnit],  # noqa: F811
    calls_day: dt.date,  # noqa: F811
) -> None:
    figures = person_figures(centre, calls_day, calls_day)
    agent = figures[users["agent"].pk]
    # The fixture's agent took three contacts, settled two, and answered no platform call.
    assert agent.values["contacts"] == 3
    assert agent.values["settled_rate"] == pytest.approx(2 / 3)
    assert agent.values["answered"] is None
    assert agent.values["monitoring_score"] is None
    assert set(agent.values) == set(FIGURES)
    # A day with nothing at all: every person is there, with no figure.
    empty = person_figures(
        centre, calls_day - dt.timedelta(days=30), calls_day - dt.timedelta(days=30)
    )
    assert set(empty) == set(figures)
    assert all(value is None for row in empty.values() for value in row.values.values())
    # Managers and leaders are not measured people.
    assert users["manager"].pk not in figures and users["leader"].pk not in figures
