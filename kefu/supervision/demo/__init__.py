"""The demo centre's supervision (issue 20 point 1): the default checklists, two months of
rounds by the team leaders (two a working day, a few days short) and the manager (one),
the QA inspectors' spot checks with records drawn and questions put to staff, a mystery
call and a ten-point site inspection each month, a pre-holiday equipment check; findings
each with its on-the-spot correction, some with a rectification, most closed after the
re-check, one sent back once, a few still open or overdue; and today's first round of the
leader still in progress. Times are relative to the load. Called by kefu/demo.py once
the work orders and contacts are loaded.

Rows are written directly, as the other demo loaders do: the services stamp the present
moment, and the demo's history lies in the past.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.contacts.models import Contact, Direction
from kefu.core.models import OrgUnit, User
from kefu.core.queries import calendar_of
from kefu.core.roles import LEADER, MANAGER, QA
from kefu.core.workcal import is_working_day
from kefu.supervision import sampling, scoring
from kefu.supervision.demo.assessment import load_assessment
from kefu.supervision.demo.exams import load_exams
from kefu.supervision.demo.honours import load_honours
from kefu.supervision.demo.people import load_people
from kefu.supervision.demo.projects import load_projects
from kefu.supervision.demo.reserve import load_reserve
from kefu.supervision.demo.signing import load_signing
from kefu.supervision.demo.work_reports import load_work_reports
from kefu.supervision.models import (
    AnswerVerdict,
    Checklist,
    ChecklistItem,
    ChecklistKind,
    ChecklistVersion,
    Finding,
    ItemResult,
    RecordKind,
    Rectification,
    RectificationAction,
    RectificationEvent,
    RectificationState,
    ResultChoice,
    Round,
    RoundKind,
    RoundState,
    SampledRecord,
    StaffQuestion,
    Verdict,
)
from kefu.supervision.services.checklists import checklists_ensure
from kefu.tickets.models import Ticket, TicketKind

SEED = 95598 + 20
DAYS = 61  # two months
FAIL_RATE = 0.06
# (section, what was found, what was corrected and shown on the spot, rectification or "")
FINDINGS: dict[str, list[tuple[str, str, str]]] = {
    "scene": [
        ("坐席桌面堆放与工作无关的零食和杂志", "当场请坐席收起，示范桌面只留工作用品", ""),
        ("地面有纸屑，垃圾篓已满", "当场清理并提醒值日人员", "落实每日卫生值日表，班前检查"),
        ("外套搭在椅背上", "请其挂到衣柜，讲解物品放置规定", ""),
        ("文件柜上堆放旧工单", "当场整理归档", "清理过期纸质工单，按档案制度归档"),
    ],
    "behaviour": [
        ("接听时未使用标准开头语", "当场示范标准开头语，请其复述", ""),
        ("坐席工装不整，未佩戴工牌", "当场请其整理并佩戴工牌", ""),
        ("通话中语气生硬", "通话后当场辅导安抚话术并示范", "一周内完成安抚话术专项练习"),
    ],
    "competence": [
        ("对阶梯电价分档标准回答不准确", "当场讲解分档标准并请其复述", "三天内完成电价知识复训"),
        ("不熟悉停电报修派单流程", "当场演示报修工单录入与派单", ""),
    ],
    "records": [
        ("两张回访记录未填写回访结果", "当场请其补录并说明记录要求", "检查本班一周内全部回访记录"),
        ("报修记录缺少客户地址", "当场补录，讲解必填项", ""),
    ],
    "equipment": [
        ("一台坐席耳麦有杂音", "当场更换备用耳麦", "报修耳麦并补足备用件"),
        ("UPS 未做节前检测", "当场联系厂家预约检测", "节前完成 UPS 检测并留存记录"),
    ],
}
QUESTIONS: list[tuple[str, str, str]] = [
    ("居民阶梯电价第二档的起点是多少？", "年用电量 2761 度以上", AnswerVerdict.CORRECT),
    ("故障报修的到达现场时限是多少？", "城区 45 分钟", AnswerVerdict.CORRECT),
    (
        "客户要求查询他人户号的用电信息怎么办？",
        "需要核实身份，本人或授权才能查",
        AnswerVerdict.PARTLY,
    ),
    ("投诉工单的回复时限是多少？", "简单 2 小时，复杂 24 小时", AnswerVerdict.CORRECT),
    ("欠费停电后缴费多久恢复供电？", "不清楚", AnswerVerdict.WRONG),
]


def load_supervision(centre: OrgUnit) -> int:
    """Load the demo's supervision once; returns the rounds written."""
    checklists_ensure(centre=centre)
    written = 0
    if not Round.objects.filter(centre=centre).exists():
        with transaction.atomic():
            written = _history(centre)
    load_exams(centre)
    load_work_reports(centre)
    load_assessment(centre)
    load_honours(centre)
    load_projects(centre)
    load_people(centre)
    load_reserve(centre)
    load_signing(centre)
    return written


def _people(centre: OrgUnit, role: str) -> list[User]:
    return list(
        User.objects.filter(centre=centre, groups__name=role, is_active=True).order_by("pk")
    )


def _working(centre: OrgUnit) -> Callable[[date], bool]:
    if centre.calendar is None:
        return lambda day: day.weekday() < 5
    calendar = calendar_of(centre.calendar)
    return lambda day: is_working_day(calendar, day)


class _Writer:
    def __init__(self, centre: OrgUnit, rng: random.Random, now: datetime) -> None:
        self.centre, self.rng, self.now = centre, rng, now
        self.versions: dict[str, ChecklistVersion] = {}
        for checklist in Checklist.objects.filter(centre=centre):
            version = checklist.versions.order_by("-number").first()
            if version is not None:
                self.versions[checklist.kind] = version
        self.items = {
            kind: list(ChecklistItem.objects.filter(version=version).order_by("position"))
            for kind, version in self.versions.items()
        }
        self.staff = list(
            User.objects.filter(centre=centre, groups__name__in=["agent", "expert"])
            .filter(is_active=True)
            .order_by("pk")
        )
        self.rounds = 0

    def round(
        self,
        kind: str,
        checklist: str,
        inspector: User,
        at: datetime,
        *,
        place: str = "",
        team_id: int | None = None,
        open_: bool = False,
    ) -> Round:
        rng = self.rng
        items = self.items[checklist]
        round_ = Round.objects.create(
            centre=self.centre,
            kind=kind,
            inspector=inspector,
            team_id=team_id,
            place=place,
            checklist_version=self.versions[checklist],
            unannounced=kind in (RoundKind.SPOT_CHECK, RoundKind.MYSTERY_CALL),
            started_at=at,
            state=RoundState.OPEN if open_ else RoundState.DONE,
            finished_at=None if open_ else at + timedelta(minutes=rng.randint(15, 40)),
        )
        results, pairs = [], []
        answered = items[: len(items) // 2] if open_ else items
        for item in answered:
            fails = rng.random() < FAIL_RATE * (2 if kind == RoundKind.SITE else 1)
            result = ResultChoice.FAIL if fails else ResultChoice.PASS
            results.append(ItemResult(round=round_, item=item, result=result))
            pairs.append((result, item.points))
            if fails:
                self.finding(round_, item, at)
        ItemResult.objects.bulk_create(results)
        if not open_:
            round_.score = scoring.score(pairs)
            round_.save(update_fields=["score"])
        self.rounds += 1
        return round_

    def finding(self, round_: Round, item: ChecklistItem, at: datetime) -> None:
        rng = self.rng
        pool = FINDINGS.get(item.section) or FINDINGS["scene"]
        description, correction, rectification = rng.choice(pool)
        person = rng.choice(self.staff) if self.staff and item.section != "equipment" else None
        finding = Finding.objects.create(
            round=round_,
            item=item,
            person=person,
            description=description,
            correction=correction,
            created_by=round_.inspector,
        )
        Finding.objects.filter(pk=finding.pk).update(created_at=at + timedelta(minutes=5))
        if not rectification:
            return
        owner = person or round_.inspector
        deadline = timezone.localtime(at).date() + timedelta(days=3)
        age = (self.now - at).days
        rect = Rectification.objects.create(
            finding=finding,
            centre=self.centre,
            requirement=rectification,
            owner=owner,
            deadline=deadline,
        )
        events = [(RectificationAction.OPENED, round_.inspector, at, "")]
        state = RectificationState.OPEN
        if age >= 5 or (age >= 2 and rng.random() < 0.5):
            events.append((RectificationAction.REPORTED, owner, at + timedelta(days=2), "已整改"))
            state = RectificationState.REPORTED
            if age >= 5:
                if rng.random() < 0.15:
                    events.append(
                        (
                            RectificationAction.REOPENED,
                            round_.inspector,
                            at + timedelta(days=3),
                            "复查仍未到位",
                        )
                    )
                    events.append(
                        (RectificationAction.REPORTED, owner, at + timedelta(days=4), "已再次整改")
                    )
                    rect.reopened = 1
                events.append(
                    (RectificationAction.CLOSED, round_.inspector, at + timedelta(days=5), "")
                )
                state = RectificationState.CLOSED
                rect.closed_at = at + timedelta(days=5)
        elif age >= 4 and rng.random() < 0.5:
            state = RectificationState.OPEN  # overdue: the deadline has passed
        rect.state = state
        rect.version = len(events)
        rect.save(update_fields=["state", "reopened", "closed_at", "version"])
        for action, actor, when, note in events:
            event = RectificationEvent.objects.create(
                rectification=rect, action=action, actor=actor, note=note
            )
            RectificationEvent.objects.filter(pk=event.pk).update(at=when)

    def spot_check(self, inspector: User, at: datetime) -> None:
        round_ = self.round(RoundKind.SPOT_CHECK, ChecklistKind.ROUND, inspector, at)
        since = at - timedelta(days=31)
        seed = self.rng.randrange(2**31)
        for kind, ticket_kind in (
            (RecordKind.COMPLAINT, TicketKind.COMPLAINT),
            (RecordKind.REPAIR, TicketKind.FAULT),
        ):
            ids = Ticket.objects.filter(
                centre=self.centre, kind=ticket_kind, created_at__gte=since, created_at__lte=at
            ).values_list("pk", flat=True)
            for pk in sampling.draw(list(ids), 3, seed):
                self._record(round_, kind, seed, ticket_id=pk)
        contacts = Contact.objects.filter(
            centre=self.centre,
            direction=Direction.OUTBOUND,
            started_at__gte=since,
            started_at__lte=at,
        ).values_list("pk", flat=True)
        for pk in sampling.draw(list(contacts), 2, seed):
            self._record(round_, RecordKind.CALLBACK, seed, contact_id=pk)
        for question, answer, verdict in self.rng.sample(QUESTIONS, 2):
            if self.staff:
                StaffQuestion.objects.create(
                    round=round_,
                    person=self.rng.choice(self.staff),
                    question=question,
                    answer=answer,
                    verdict=verdict,
                )

    def _record(self, round_: Round, kind: str, seed: int, **source: int) -> None:
        faulty = self.rng.random() < 0.1
        SampledRecord.objects.create(
            round=round_,
            kind=kind,
            seed=seed,
            verdict=Verdict.FAULTY if faulty else Verdict.GOOD,
            note="回访结果未记录" if faulty else "",
            **source,
        )


def _at(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _history(centre: OrgUnit) -> int:
    rng = random.Random(SEED)  # noqa: S311 - demo data, nothing secret
    now = timezone.now()
    today = timezone.localdate(now)
    working = _working(centre)
    writer = _Writer(centre, rng, now)
    if ChecklistKind.ROUND not in writer.items:
        return 0
    leaders, managers, inspectors = (
        _people(centre, LEADER),
        _people(centre, MANAGER),
        _people(centre, QA),
    )
    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        if not working(day):
            continue
        for leader in leaders:
            # Most days both rounds; a few days one; now and then none (001 4.5.1).
            made = 2 if rng.random() > 0.12 else rng.choice([0, 1])
            for n, hour in enumerate((9, 15)[:made]):
                at = _at(day, hour, rng.randint(0, 40))
                if at > now:
                    break
                open_ = back == 0 and n == 0
                writer.round(
                    RoundKind.PATROL,
                    ChecklistKind.ROUND,
                    leader,
                    at,
                    team_id=leader.team_id,
                    place="坐席区",
                    open_=open_,
                )
                if open_:
                    break
        for manager in managers:
            at = _at(day, 11, rng.randint(0, 50))
            if at <= now and back > 0 and rng.random() > 0.1:  # 001 4.5.2
                writer.round(RoundKind.PATROL, ChecklistKind.ROUND, manager, at, place="客服中心")
    if inspectors:
        for back in (55, 41, 27, 13, 4):  # 001 4.5.3: periodic and unannounced
            writer.spot_check(rng.choice(inspectors), _at(today - timedelta(days=back), 14, 10))
        for back in (50, 20):
            writer.round(
                RoundKind.MYSTERY_CALL,
                ChecklistKind.MYSTERY,
                inspectors[0],
                _at(today - timedelta(days=back), 16, 0),
                place="95598 热线",
            )
    site_people = managers or inspectors or leaders
    site_inspector = site_people[0] if site_people else None
    if site_inspector is not None and ChecklistKind.SITE in writer.items:
        for back in (45, 15):  # 000 第7篇: scored out of 10
            writer.round(
                RoundKind.SITE,
                ChecklistKind.SITE,
                site_inspector,
                _at(today - timedelta(days=back), 10, 0),
                place="营业厅及坐席区",
            )
        if ChecklistKind.HOLIDAY in writer.items:
            writer.round(
                RoundKind.HOLIDAY,
                ChecklistKind.HOLIDAY,
                site_inspector,
                _at(today - timedelta(days=9), 16, 30),
                place="机房与坐席设备",
            )
    return writer.rounds
