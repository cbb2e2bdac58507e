"""Training a centre's model on its contacts, the threshold, suggesting, and matching what
was suggested with the reason saved (kefu/insights/services/reasons.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation
from django_q.models import Schedule

from kefu.contacts.models import Contact
from kefu.contacts.services import contact_create
from kefu.core.errors import Forbidden, Invalid
from kefu.core.models import User
from kefu.insights import tasks
from kefu.insights.demo.reasons import load_reasons
from kefu.insights.models import ReasonModel, ReasonSuggestion
from kefu.insights.queries.reasons import acceptance, threshold_of
from kefu.insights.services.reasons import (
    reason_model_train,
    reason_models_retrain,
    reason_suggest,
    reason_threshold_set,
)
from kefu.insights.tests.reasons_data import ReasonWorld, contacts, reason_world, taxonomy

pytestmark = pytest.mark.django_db
__all__ = ["reason_world"]


def test_too_few_contacts_refuse_in_chinese(centre: Any, users: dict[str, User]) -> None:
    world = ReasonWorld(centre=centre, reasons=taxonomy(centre), agent=users["agent"])
    contacts(world, 40)
    with pytest.raises(Invalid) as error, translation.override("zh-hans"):
        reason_model_train(actor=users["manager"])
    assert error.value.code == "reason_training_too_few"
    with translation.override("zh-hans"):
        message = str(error.value.message)
    assert "40" in message and "200" in message and "至少" in message
    assert not ReasonModel.objects.exists()


def test_a_manager_trains_and_the_figures_are_kept(
    reason_world: ReasonWorld, users: dict[str, User]
) -> None:
    with pytest.raises(Forbidden):
        reason_model_train(actor=users["agent"])
    model = reason_model_train(actor=users["manager"])
    assert (model.size, model.reasons, model.held_out) == (240, 4, 48)
    assert model.top1 >= 0.9 and model.top3 >= model.top1
    assert sorted(row["reason"] for row in model.per_reason) == sorted(
        r.pk for r in reason_world.reasons.values()
    )
    assert all(row["support"] == 12 for row in model.per_reason)
    assert model.trained_by == users["manager"] and bytes(model.data)[:2] == b"PK"  # .npz


def test_suggestions_name_the_reason_as_the_workbench_takes_it(
    reason_world: ReasonWorld, users: dict[str, User]
) -> None:
    agent = users["agent"]
    assert reason_suggest(actor=agent, summary="家里停电了").model_id is None  # no model yet
    reason_model_train(actor=users["manager"])
    found = reason_suggest(actor=agent, summary="客户反映整栋楼没电", session="form-1")
    assert found.choices[0].label == "故障报修 › 停电"
    assert found.choices[0].code == "outage" and len(found.choices) <= 3
    assert all(c.confidence >= 0.15 for c in found.choices)
    shown = ReasonSuggestion.objects.get(agent=agent, session="form-1")
    assert shown.shown[0]["reason"] == reason_world.reasons["outage"].pk
    # The same form typing on: one row, the latest suggestions.
    reason_suggest(actor=agent, summary="客户反映整栋楼没电，电费怎么这么高", session="form-1")
    assert ReasonSuggestion.objects.filter(agent=agent).count() == 1
    # A higher threshold shows fewer.
    reason_threshold_set(actor=users["manager"], threshold="0.9")
    sure = reason_suggest(actor=agent, summary="客户反映整栋楼没电")
    assert all(c.confidence >= 0.9 for c in sure.choices)
    with pytest.raises(Forbidden):
        reason_suggest(actor=users["editor"], summary="停电")


def test_the_threshold_is_the_managers_and_bounded(
    reason_world: ReasonWorld, users: dict[str, User]
) -> None:
    assert threshold_of(reason_world.centre.pk) == Decimal("0.15")
    with pytest.raises(Forbidden):
        reason_threshold_set(actor=users["agent"], threshold="0.5")
    for wrong in ("0", "1", "abc", "-0.3"):
        with pytest.raises(Invalid):
            reason_threshold_set(actor=users["manager"], threshold=wrong)
    reason_threshold_set(actor=users["manager"], threshold=Decimal("0.35"))
    assert threshold_of(reason_world.centre.pk) == Decimal("0.35")


def test_the_reason_saved_is_matched_with_what_was_shown(
    reason_world: ReasonWorld,
    users: dict[str, User],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    agent = users["agent"]
    reason_model_train(actor=users["manager"])

    def save(summary: str, reason: str, session: str) -> None:
        reason_suggest(actor=agent, summary=summary, session=session)
        with django_capture_on_commit_callbacks(execute=True):
            contact_create(
                actor=agent,
                channel="hotline",
                started_at=timezone.now(),
                service_content=reason,
                summary=summary,
                settled=True,
            )

    save("家里停电了，已派单。", "outage", "a")  # the first suggestion
    save("电费怎么这么高", "tariff", "b")  # not the first: bill is
    outcomes = dict(ReasonSuggestion.objects.values_list("session", "outcome"))
    assert outcomes["a"] == "top1"
    assert outcomes["b"] in {"top3", "none"}
    figures = acceptance(reason_world.centre.pk, days=7)
    assert (figures.matched, figures.top1) == (2, 1)
    assert figures.top1_rate == 0.5
    # A contact saved with no suggestion shown is matched with nothing.
    with django_capture_on_commit_callbacks(execute=True):
        contact_create(actor=agent, channel="hotline", started_at=timezone.now(), summary="x")
    assert acceptance(reason_world.centre.pk, days=7).matched == 2


def test_the_nightly_task_retrains_each_centre_with_enough_contacts(
    reason_world: ReasonWorld, other_centre: Any
) -> None:
    assert Schedule.objects.filter(
        func=tasks.REASON_MODELS_RETRAIN, schedule_type=Schedule.DAILY
    ).exists()
    assert tasks.reason_models_retrain() == 1  # the other centre has no contacts
    assert ReasonModel.objects.filter(centre=reason_world.centre).count() == 1
    assert reason_models_retrain() == 1
    assert ReasonModel.objects.filter(centre=reason_world.centre).count() == 2


def test_the_demo_rewrites_notes_as_agents_write_them_and_trains(
    reason_world: ReasonWorld, centre: Any
) -> None:
    before = dict(Contact.objects.values_list("pk", "summary"))
    model = load_reasons(centre)
    assert model is not None and model.size == 240
    after = dict(Contact.objects.values_list("pk", "summary"))
    changed = sum(before[pk] != after[pk] for pk in before)
    assert 0.15 * len(before) < changed < 0.7 * len(before)  # about half rewritten


def test_the_demo_with_too_few_contacts_has_no_model(centre: Any, users: dict[str, User]) -> None:
    world = ReasonWorld(centre=centre, reasons=taxonomy(centre), agent=users["agent"])
    contacts(world, 20)
    assert load_reasons(centre) is None
