"""The demo centre's work reports and weekly review meetings (issue 20 point 6; seed 002
第14篇, 000 第1篇): two months of weekly reports and the last two monthly reports of the
demo's team leader and three agents of the leader's team, and the last week's daily
reports of the agents, each drafted from the person's own figures; most on time, some late,
one returned by the leader with a comment and another commented; this week's report of the
agent still to write. Eight weekly meetings of the leader's team on Mondays with minutes,
decisions and action items, most done, a few still open and one overdue. Times are
relative to the load.

Rows are written directly, as the other demo loaders do: the services stamp the present
moment, and the demo's history lies in the past.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import AGENT, LEADER, MANAGER
from kefu.supervision import drafting
from kefu.supervision.models import (
    ActionItem,
    Meeting,
    ReportAction,
    ReportEntry,
    ReportState,
    WorkReport,
)
from kefu.supervision.queries.work_reports import figures_of

SEED = 95598 + 6
WEEKS = 9
PLANS = [
    "- 熟悉新版阶梯电价口径\n- 回访上周投诉客户\n- 参加周四业务培训",
    "- 降低平均话后处理时长\n- 整理本班常见问题清单\n- 完成质检复训",
    "- 跟进超时工单原因\n- 学习停电报修派单流程\n- 协助新员工带教",
    "- 完成知识库三篇文章的复核\n- 回访不满意客户\n- 参加月度考试",
]
PROBLEMS = [
    "- 部分停电信息更新不及时，客户重复来电较多",
    "- 高峰时段排队较长，建议增加午间人手",
    "",
    "- 抢修部门回单偶有延迟，影响回复时限",
]
COMMENTS = [
    "数据清楚，计划具体，继续保持。",
    "注意话后处理时长，下周重点改进。",
    "本周回访做得好。",
]
MINUTES = [
    "一、上周工作完成情况：接话量平稳，服务水平达标。\n二、未能解决的事件：两张抢修工单回单超时。\n"
    "三、好的处理方法：停电高峰时先播报停电信息再转人工。\n四、存在的问题：新员工对电价口径不熟。",
    "一、上周工作完成情况：投诉量下降，回访全部完成。\n二、未能解决的事件：一位客户对电费异议仍不满意。\n"
    "三、好的处理方法：疑难来电先记录再升级专席。\n四、存在的问题：午间排班偏紧。",
]
DECISIONS = [
    "下周起每天 8:30 班前会五分钟，通报停电信息。",
    "新员工由老员工一对一带教两周。",
    "超时工单每天下班前由班长逐单跟进。",
]
ACTIONS = [
    "整理本周停电口径并发给全班",
    "回访电费异议客户并记录结果",
    "调整午间排班，增加一名坐席",
    "完成新员工电价知识考核",
    "跟进两张超时抢修工单的回单",
    "更新知识库中的报修流程",
]


def load_work_reports(centre: OrgUnit) -> int:
    """Load the demo's work reports and meetings once; returns the reports written."""
    if WorkReport.objects.filter(centre=centre).exists():
        return 0
    leader = (
        User.objects.filter(centre=centre, groups__name=LEADER, is_active=True)
        .exclude(team=None)
        .order_by("pk")
        .first()
    )
    manager = User.objects.filter(centre=centre, groups__name=MANAGER).order_by("pk").first()
    if leader is None or manager is None:
        return 0
    agents = list(
        User.objects.filter(
            centre=centre, team_id=leader.team_id, groups__name=AGENT, is_active=True
        ).order_by("pk")[:3]
    )
    with transaction.atomic():
        written = _reports(centre, leader, manager, agents)
        _meetings(centre, leader, manager, agents)
    return written


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _report(
    centre: OrgUnit,
    person: User,
    kind: str,
    first: date,
    *,
    rng: random.Random,
    previous_plans: str,
    late: bool,
) -> WorkReport:
    last = drafting.period_of(kind, first)[1]
    figures = figures_of(person, first, last)
    text = drafting.draft(kind, figures, previous_plans=previous_plans)
    due = timezone.make_aware(drafting.due_of(kind, first))
    submitted = (
        due + timedelta(hours=rng.randint(2, 30))
        if late
        else due - timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
    )
    planned = len(drafting.plan_items(previous_plans))
    return WorkReport.objects.create(
        centre=centre,
        team_id=person.team_id,
        author=person,
        kind=kind,
        period_start=first,
        period_end=last,
        due_at=due,
        state=ReportState.SUBMITTED,
        figures=figures.as_dict(),
        summary=text.summary,
        problems=(text.problems + "\n" + rng.choice(PROBLEMS)).strip(),
        plans=rng.choice(PLANS) if kind != "daily" else "- 按时完成回访\n- 复习电价口径",
        planned_tasks=planned,
        tasks_done=rng.choice([planned, planned, max(planned - 1, 0)]) if planned else None,
        submitted_at=submitted,
        late=late,
    )


def _reports(centre: OrgUnit, leader: User, manager: User, agents: list[User]) -> int:
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    today = timezone.localdate()
    this_week = drafting.period_of("weekly", today)[0]
    people = [leader, *agents]
    written = 0
    entries: list[ReportEntry] = []
    returned_done = False
    for person in people:
        reviewer = manager if person.pk == leader.pk else leader
        plans = ""
        for n in range(WEEKS, 0, -1):
            first = this_week - timedelta(weeks=n)
            late = rng.random() < 0.15 or (person is not leader and n == 3 and person == agents[0])
            report = _report(
                centre, person, "weekly", first, rng=rng, previous_plans=plans, late=late
            )
            plans = report.plans
            written += 1
            entries.append(
                ReportEntry(
                    report=report,
                    action=ReportAction.SUBMITTED,
                    actor=person,
                    note="",
                )
            )
            if rng.random() < 0.3:
                entries.append(
                    ReportEntry(
                        report=report,
                        action=ReportAction.COMMENTED,
                        actor=reviewer,
                        note=rng.choice(COMMENTS),
                    )
                )
            # Last week's report of the second agent: returned for a more concrete plan
            # (002 第14篇 全体员工 6), still to be rewritten.
            if n == 1 and len(agents) > 1 and person == agents[1] and not returned_done:
                report.state = ReportState.RETURNED
                report.times_returned = 1
                report.save(update_fields=["state", "times_returned"])
                entries.append(
                    ReportEntry(
                        report=report,
                        action=ReportAction.RETURNED,
                        actor=reviewer,
                        note="下周计划写得太笼统，请写明具体要做的事和完成时间，今天内重新提交。",
                    )
                )
                returned_done = True
        # The last two months' reports.
        month = drafting.period_of("monthly", today)[0]
        for _ in range(2):
            month = drafting.previous_period("monthly", month)[0]
            report = _report(
                centre,
                person,
                "monthly",
                month,
                rng=rng,
                previous_plans="",
                late=rng.random() < 0.2,
            )
            written += 1
            entries.append(ReportEntry(report=report, action=ReportAction.SUBMITTED, actor=person))
    # The agents' daily reports of the last five working days; one handed in late.
    for index, person in enumerate(agents):
        day, made = today - timedelta(days=1), 0
        while made < 5:
            if day.weekday() < 5:
                late = index == 0 and made == 2
                report = _report(
                    centre, person, "daily", day, rng=rng, previous_plans="", late=late
                )
                written += 1
                entries.append(
                    ReportEntry(report=report, action=ReportAction.SUBMITTED, actor=person)
                )
                made += 1
            day -= timedelta(days=1)
    ReportEntry.objects.bulk_create(entries)
    # Back-date the entries to when the reports were handed in.
    for entry in ReportEntry.objects.filter(report__centre=centre).select_related("report"):
        when = entry.report.submitted_at or entry.at
        if entry.action != ReportAction.SUBMITTED:
            when += timedelta(hours=3)
        ReportEntry.objects.filter(pk=entry.pk).update(at=when)
    return written


def _meetings(centre: OrgUnit, leader: User, manager: User, agents: list[User]) -> None:
    rng = random.Random(SEED + 1)  # noqa: S311 (demo data, not secrets)
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    team = list(User.objects.filter(team_id=leader.team_id, is_active=True).order_by("pk"))
    owners = [leader, *agents]
    for n in range(7, -1, -1):
        held_on = monday - timedelta(weeks=n)
        meeting = Meeting.objects.create(
            centre=centre,
            team_id=leader.team_id,
            held_on=held_on,
            title="周例会",
            chair=leader,
            minutes=MINUTES[n % len(MINUTES)],
            decisions=DECISIONS[n % len(DECISIONS)],
        )
        meeting.attendees.set(team if n % 4 else [*team, manager])
        for k in range(1 + n % 3):
            due = held_on + timedelta(days=rng.randint(2, 6))
            # Older items are done; two of recent weeks are still open (one overdue).
            open_ = n == 0 or (n in (1, 2) and k == 0)
            done_at = None if open_ else _at(min(due, today), 17, rng.randint(0, 59))
            ActionItem.objects.create(
                meeting=meeting,
                description=ACTIONS[(n + k) % len(ACTIONS)],
                owner=owners[(n + k) % len(owners)],
                due_on=due,
                done_at=done_at,
                done_note="" if open_ else "已完成",
            )
