"""The rota services (issue 17 point 3): the solver's problem built from the models, the
stored shifts checked rule by rule by the independent checker, publishing as immutable
versions, and changes after publication recorded. The demo's rota (point 7) too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.workforce import rota as solver
from kefu.workforce.demo import DAYS, demo_requirement
from kefu.workforce.models import (
    LeaveRequest,
    Rota,
    RotaChange,
    RotaStatus,
    Shift,
    ShiftTemplate,
    StaffMember,
)
from kefu.workforce.services.rota import (
    rota_generate,
    rota_problem,
    rota_publish,
    shift_change,
    shift_set,
    version_digest,
)
from kefu.workforce.tests.rota_checks import present_agents, rule_violations

pytestmark = pytest.mark.django_db


def result_from_shifts(problem: solver.RotaProblem, rota: Rota) -> solver.RotaResult:
    """The stored shifts read back as the solver's assignments, for the rule checker."""
    horizon = problem.horizon
    midnight = horizon.moment(0)
    templates = {template.code: template for template in problem.templates}

    def minute(moment: Any) -> int:
        value = moment if isinstance(moment, dt.datetime) else dt.datetime.fromisoformat(moment)
        return int((value - midnight).total_seconds() // 60)

    items = []
    for shift in Shift.objects.filter(rota=rota).select_related("template"):
        assert shift.template is not None
        template = templates[shift.template.code]
        items.append(
            solver.Assignment(
                agent=str(shift.member_id),
                day=(shift.day - horizon.start).days,
                date=shift.day,
                shift=template.code,
                start=minute(shift.starts_at),
                end=minute(shift.ends_at),
                breaks=tuple(
                    solver.PlacedBreak(
                        start=minute(item["start"]),
                        length=minute(item["end"]) - minute(item["start"]),
                        paid=item["paid"],
                        meal=item["meal"],
                    )
                    for item in shift.breaks
                ),
                paid_minutes=template.paid_minutes,
            )
        )
    result = solver.RotaResult(
        status=solver.RotaStatus.FEASIBLE,
        assignments=tuple(items),
        coverage={},
        short={},
        over={},
        short_total=0,
        over_total=0,
        preference_cost=0,
        solve_seconds=0,
    )
    # Every demo agent takes bills: the coverage the checker recounts, all on that queue.
    present = present_agents(problem, result)
    total = [sum(row[n] for row in present.values()) for n in range(horizon.intervals)]
    need = problem.requirements["power-billing"]
    result.coverage["power-billing"] = tuple(total)
    result.short["power-billing"] = tuple(max(0.0, r - c) for r, c in zip(need, total, strict=True))
    result.over["power-billing"] = tuple(max(0.0, c - r) for r, c in zip(need, total, strict=True))
    return result


def test_the_problem_is_built_from_the_models(planned: dict[str, Any], centre: OrgUnit) -> None:
    rota = Rota.objects.filter(centre=centre).order_by("first_day").last()
    assert rota is not None
    problem = rota_problem(rota)
    assert [t.code for t in problem.templates] == ["early", "day", "late", "night"]
    early = problem.templates[0]
    assert early.start == 7 * 60 and early.length == 540
    assert [(b.length, b.meal, b.paid) for b in early.breaks] == [
        (15, False, True),
        (60, True, False),
        (15, False, True),
    ]
    assert len(problem.agents) == 12
    members = {str(m.pk): m for m in StaffMember.objects.filter(centre=centre)}
    for agent in problem.agents:
        member = members[agent.id]
        assert agent.skills >= {q.name for q in member.queues.all()}
        assert agent.contract.max_minutes_per_week == member.contract.max_hours_per_week * 60
    # Approved leave is a day the agent cannot work.
    leave = LeaveRequest.objects.filter(last_day__gte=rota.first_day).first()
    assert leave is not None
    agent = next(a for a in problem.agents if a.id == str(leave.member_id))
    assert max(leave.first_day, rota.first_day) in agent.leave
    # The second rota starts where the first ended: the history is carried over.
    assert any(
        agent.history.days_worked_in_a_row or agent.history.last_shift_end
        for agent in problem.agents
    )
    assert problem.skill_name("power-fault") == "故障报修"


def test_stored_shifts_obey_every_rule_and_are_published(
    planned: dict[str, Any], centre: OrgUnit
) -> None:
    """The demo's two rotas: solved, stored, every contract rule holding, published as
    version 1, leave honoured, in a few seconds (issue 17 point 7)."""
    print(
        f"demo workforce: {planned['seconds']:.1f} s, of which solving {planned['solving']:.1f} s"
    )
    assert planned["seconds"] < 40
    rotas = list(Rota.objects.filter(centre=centre).order_by("first_day"))
    assert len(rotas) == 2
    today = timezone.localdate()
    assert rotas[0].first_day == today - dt.timedelta(days=DAYS)
    assert rotas[1].last_day == today + dt.timedelta(days=DAYS - 1)
    for rota in rotas:
        assert rota.status == RotaStatus.PUBLISHED
        assert rota.solver_status in {"optimal", "feasible"}
        problem = rota_problem(rota)
        stored = result_from_shifts(problem, rota)
        assert stored.assignments
        assert rule_violations(problem, stored) == []
        version = rota.versions.get()
        assert version.number == 1 and len(version.shifts) == len(stored.assignments)
        assert version.digest == version_digest(version.shifts)
        for shift in Shift.objects.filter(rota=rota).select_related("template"):
            assert shift.template is not None
            local = timezone.localtime(shift.starts_at)
            assert local.time() == shift.template.start and local.date() == shift.day
            assert [b["meal"] for b in shift.breaks] == [False, True, False]


def test_generate_as_a_task_and_publish_again(
    planned: dict[str, Any],
    centre: OrgUnit,
    users: dict[str, User],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    first = timezone.localdate() + dt.timedelta(days=DAYS)
    names = ["power-billing", "power-fault", "power-business"]
    with django_capture_on_commit_callbacks(execute=True):
        rota = rota_generate(
            actor=users["leader"],
            centre=centre,
            first_day=first,
            last_day=first + dt.timedelta(days=6),
            requirement=demo_requirement(names, first, 7, agents=12),
            time_limit_seconds=3,
        )
    rota.refresh_from_db()
    assert rota.status == RotaStatus.DRAFT and rota.solver_status in {"optimal", "feasible"}
    assert Shift.objects.filter(rota=rota).exists()
    problem = rota_problem(rota)
    assert rule_violations(problem, result_from_shifts(problem, rota)) == []

    # A draft's edit is no change record; a published rota's is.
    shift = Shift.objects.filter(rota=rota).select_related("member", "template").first()
    assert shift is not None
    shift_set(actor=users["leader"], member=shift.member, day=shift.day, note="")
    assert not RotaChange.objects.exists()

    v1 = rota_publish(actor=users["leader"], rota=rota)
    frozen = (v1.digest, list(v1.shifts))
    other = Shift.objects.filter(rota=rota).select_related("member").first()
    assert other is not None
    late = ShiftTemplate.objects.get(centre=centre, code="late")
    shift_change(
        actor=users["leader"], member=other.member, day=other.day, template=late, note="培训调整"
    )
    change = RotaChange.objects.get()
    assert change.cause == "edit" and change.by == users["leader"] and change.note == "培训调整"
    assert change.before["template"] == (other.template.code if other.template else None)
    assert change.after["template"] == "late"
    v1.refresh_from_db()
    assert (v1.digest, v1.shifts) == frozen  # a version never changes
    v1.digest = "x"
    with pytest.raises(ValueError, match="append-only"):
        v1.save()
    with pytest.raises(ValueError, match="append-only"):
        v1.delete()
    v2 = rota_publish(actor=users["leader"], rota=rota)
    assert v2.number == 2 and v2.digest != v1.digest
    # Re-planning a published rota is refused; an edit needs a reason; agents may not edit.
    with pytest.raises(Conflict):
        rota_generate(
            actor=users["leader"],
            centre=centre,
            first_day=first,
            last_day=first,
            rota=rota,
            requirement={n: [0] * 48 for n in names},
        )
    with pytest.raises(Invalid):
        shift_change(
            actor=users["leader"], member=other.member, day=other.day, template=None, note=" "
        )
    with pytest.raises(Forbidden):
        shift_change(
            actor=users["agent"], member=other.member, day=other.day, template=None, note="x"
        )
