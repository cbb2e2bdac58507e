"""The demo centre's indicator library and improvement projects (issue 20 point 5; seed
004): an owner for every indicator of the library; three projects over the current and the
previous two-month period, read from the demo centre's real figures: one of the previous
period closed with a conclusion written from what its indicator did, two of the current
period running, their baselines read over the period before, with actions done, still to
do and overdue. Times are relative to the load; loaded once.

The demo's history is 60 days, so the period before the previous one has no data: the
closed project's baseline is then taken from its first week of data, with that reason on
its history, as a manager would do by hand.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import BACKOFFICE, EDITOR, LEADER, MANAGER, QA
from kefu.metrics import formatting
from kefu.metrics.standards import Group
from kefu.supervision import library, progress
from kefu.supervision.models import (
    IndicatorOwner,
    Project,
    ProjectAction,
    ProjectEvent,
    ProjectEventKind,
    ProjectState,
)
from kefu.supervision.queries import projects as queries

HISTORY_DAYS = 60  # kefu/demo.py loads 60 days


def _first(centre: OrgUnit, role: str) -> User | None:
    return (
        User.objects.filter(centre=centre, groups__name=role, is_active=True).order_by("pk").first()
    )


def load_projects(centre: OrgUnit) -> int:
    """Load the demo's library owners and projects once; returns the projects written."""
    if IndicatorOwner.objects.filter(centre=centre).exists():
        return 0
    manager, leader = _first(centre, MANAGER), _first(centre, LEADER)
    if manager is None or leader is None:
        return 0
    people = {
        "manager": manager,
        "leader": leader,
        "qa": _first(centre, QA) or manager,
        "backoffice": _first(centre, BACKOFFICE) or leader,
        "editor": _first(centre, EDITOR) or leader,
        "agent": User.objects.filter(centre=centre, username="agent").first() or leader,
    }
    with transaction.atomic():
        _owners(centre, people)
        return _projects(centre, people)


def _owners(centre: OrgUnit, people: dict[str, User]) -> None:
    by_group = {
        Group.QUEUE: "leader",
        Group.AGENT: "leader",
        Group.WORKFORCE: "manager",
        Group.QUALITY: "qa",
        Group.COST: "manager",
        Group.SERVICE: "backoffice",
    }
    rows = [
        IndicatorOwner(
            centre=centre,
            code=code,
            owner=people[by_group[standard.group]],
            updated_by=people["manager"],
        )
        for code, standard in library.COMPUTED.items()
    ]
    rows += [
        IndicatorOwner(
            centre=centre, code=item.code, owner=people["manager"], updated_by=people["manager"]
        )
        for item in library.UNCOMPUTED
    ]
    IndicatorOwner.objects.bulk_create(rows)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())


def _project(
    centre: OrgUnit,
    manager: User,
    two_months: progress.TwoMonths,
    *,
    theme: str,
    description: str,
    indicator: str,
    baseline: float | None,
    target: float,
    started: dt.date,
) -> Project:
    project = Project.objects.create(
        centre=centre,
        theme=theme,
        description=description,
        indicator=indicator,
        year=two_months.year,
        period=two_months.index,
        baseline=baseline,
        target=target,
        state=ProjectState.RUNNING,
        created_by=manager,
        started_at=_at(started, 10),
    )
    Project.objects.filter(pk=project.pk).update(created_at=_at(started, 9))
    for kind, hour, after in (
        (ProjectEventKind.CREATED, 9, None),
        (ProjectEventKind.STARTED, 10, baseline),
    ):
        event = ProjectEvent.objects.create(project=project, kind=kind, actor=manager, after=after)
        ProjectEvent.objects.filter(pk=event.pk).update(at=_at(started, hour))
    return project


def _action(
    project: Project,
    manager: User,
    owner: User,
    title: str,
    deadline: dt.date,
    added: dt.date,
    done: dt.date | None = None,
    note: str = "",
) -> None:
    action = ProjectAction.objects.create(
        project=project,
        title=title,
        owner=owner,
        deadline=deadline,
        created_by=manager,
        done_at=_at(done, 16) if done else None,
        done_by=owner if done else None,
        note=note,
        version=2 if done else 1,
    )
    ProjectAction.objects.filter(pk=action.pk).update(created_at=_at(added, 11))
    added_event = ProjectEvent.objects.create(
        project=project, kind=ProjectEventKind.ACTION_ADDED, actor=manager, note=title
    )
    ProjectEvent.objects.filter(pk=added_event.pk).update(at=_at(added, 11))
    if done:
        done_event = ProjectEvent.objects.create(
            project=project, kind=ProjectEventKind.ACTION_DONE, actor=owner, note=title
        )
        ProjectEvent.objects.filter(pk=done_event.pk).update(at=_at(done, 16))


def _projects(centre: OrgUnit, people: dict[str, User]) -> int:
    manager = people["manager"]
    today = timezone.localdate()
    current = progress.TwoMonths.of(today)
    previous = current.previous()
    first_data = today - dt.timedelta(days=HISTORY_DAYS)
    written = 0

    # 1. The previous period's project, closed with a conclusion from its real figures.
    code = "callback_satisfaction"
    unit = library.COMPUTED[code].unit
    start = max(previous.first, first_data)
    before = previous.previous()
    baseline = queries.indicator_value(centre, code, before.first, before.last)
    reason = ""
    if baseline is None:
        week_end = min(start + dt.timedelta(days=6), previous.last)
        baseline = queries.indicator_value(centre, code, start, week_end)
        reason = (
            f"上一周期无系统数据，取本周期第一周（{start:%m-%d}至{week_end:%m-%d}）实测值作基线"
        )
    if baseline is not None:
        target = min(0.99, baseline + 0.02)
        closed = _project(
            centre,
            manager,
            previous,
            theme="回访满意率专项提升",
            description="针对回访不满意的工单逐单复盘，统一回复口径，提升回访满意率。",
            indicator=code,
            baseline=None if reason else baseline,
            target=target,
            started=start,
        )
        if reason:
            closed.baseline = baseline
            closed.save(update_fields=["baseline"])
            event = ProjectEvent.objects.create(
                project=closed,
                kind=ProjectEventKind.BASELINE,
                actor=manager,
                note=reason,
                before=None,
                after=baseline,
            )
            ProjectEvent.objects.filter(pk=event.pk).update(at=_at(start, 10))
        _action(
            closed,
            manager,
            people["backoffice"],
            "逐单复盘回访不满意工单，整理原因清单",
            start + dt.timedelta(days=10),
            start,
            done=start + dt.timedelta(days=8),
            note="整理不满意原因 6 类",
        )
        _action(
            closed,
            manager,
            people["editor"],
            "更新常见问题的回复口径并发布到知识库",
            start + dt.timedelta(days=20),
            start,
            done=start + dt.timedelta(days=18),
            note="更新口径 12 条",
        )
        figures = queries.project_figures(closed, weekly=False, today=previous.last)
        reached = figures.progress.state in (progress.State.REACHED, progress.State.OVERSHOT)
        was, now, aim = (
            formatting.value_text(value, unit) for value in (baseline, figures.current, target)
        )
        verdict = "目标已达成" if reached else "目标未达成"
        result = f"{verdict}：回访满意率由 {was} 到 {now}（目标 {aim}）。"
        closed.state = ProjectState.CLOSED
        closed.conclusion = result + (
            "复盘清单与新口径保留为日常做法。"
            if reached
            else "不满意集中在处理时长，下期转入工单时限专项继续跟进。"
        )
        closed.closed_at = _at(previous.last, 17)
        closed.version = 3
        closed.save(update_fields=["state", "conclusion", "closed_at", "version"])
        event = ProjectEvent.objects.create(
            project=closed, kind=ProjectEventKind.CLOSED, actor=manager, note=closed.conclusion
        )
        ProjectEvent.objects.filter(pk=event.pk).update(at=closed.closed_at)
        written += 1

    # 2 and 3. The current period's projects, running; baselines read over the period before.
    # Deadlines are counted from today, so some are overdue whenever the demo is loaded.
    start = min(max(current.first, first_data), today - dt.timedelta(days=7))
    plans = (
        (
            "热线满意度专项提升",  # 004: 11月-12月,热线满意度专项提升
            "以回访满意率衡量热线服务：首问负责、回复前核对处理结果、不满意当日回访。",
            "callback_satisfaction",
            lambda base: min(0.99, base + 0.03),
            [
                ("回复客户前核对部门回单是否解决问题", "backoffice", -4, -5, "已纳入结果审核要点"),
                ("不满意回访当日升级班长跟进", "leader", -2, None, ""),
                ("班前会通报每周回访满意率", "leader", 12, None, ""),
            ],
        ),
        (
            "高峰时段接通专项提升",
            "午间与傍晚高峰放弃率偏高：调整排班、压缩事后处理时间。",
            "abandon_rate",
            lambda base: base * 0.6,
            [
                ("午高峰（11:00–13:00）增排两名值机员", "manager", -3, -6, "自下周起执行"),
                ("事后处理超过 60 秒的坐席逐一辅导", "qa", -1, None, ""),
                ("整理高峰常见问题口径供语音导航播报", "editor", 20, None, ""),
            ],
        ),
    )
    for theme, description, code, target_of, actions in plans:
        baseline = queries.indicator_value(centre, code, previous.first, previous.last)
        if baseline is None:
            continue
        project = _project(
            centre,
            manager,
            current,
            theme=theme,
            description=description,
            indicator=code,
            baseline=baseline,
            target=target_of(baseline),
            started=start,
        )
        for title, owner, due, done_on, note in actions:
            deadline = today + dt.timedelta(days=due)
            done = today + dt.timedelta(days=done_on) if done_on is not None else None
            _action(project, manager, people[owner], title, deadline, start, done, note)
        written += 1
    return written
