"""The demo centre's duty logs (值班记录) and handovers (交接班), 002 第15篇 3.4: the last
few days of eight-hour leader shifts, each log with its entries and an acknowledged
handover to the next shift's leader (with the orders in warning or overdue at that moment,
by the tickets app's rules), and today's open log of the demo's team leader. Times are
relative to the load. Called by kefu/demo.py once the work orders are loaded.

Rows are written directly, as the other demo loaders do: the services stamp the present
moment, and the demo's history lies in the past.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import LEADER, MANAGER
from kefu.tickets.models import Ticket
from kefu.tickets.queries import in_warning_at, overdue_at
from kefu.workforce.models import DutyEntry, DutyEntryKind, DutyLog, DutyLogState, Handover
from kefu.workforce.queries.duty import orders_needing_attention

SHIFT = timedelta(hours=8)
# The incoming leader arrives ten minutes early to take over (3.4.1.1).
TAKE_OVER_EARLY = timedelta(minutes=10)
ORDERS_KEPT = 20

EVENTS = [
    "城东片区计划停电，来电量上升约三成，已启用停电应急话术",
    "IVR 语音导航中断 3 分钟，已恢复并报信息运维",
    "一位客户来电情绪激动，已由值班长接听安抚，客户表示理解",
    "营销部通知：下月起执行新的分时电价，已组织坐席学习口径",
    "大风天气，故障报修来电增多，已增开两个座席",
    "江宁区一条 10 千伏线路故障跳闸，抢修已出发，统一答复预计两小时恢复",
]
EQUIPMENT = [
    "3号座席耳麦有杂音，已报信息运维",
    "7号座席电脑频繁死机，已临时调换座位",
    "大屏话务数据刷新延迟约两分钟，已联系厂家",
    "录音系统告警一次，已确认录音完整",
]
OTHERS = [
    "新员工今日跟班学习，由老员工带教",
    "质检组抽听本班录音 20 通",
    "本班完成回访 35 户，不满意 2 户已登记",
]
ISSUES = [
    "工单{number}客户反映多收电费，营销部尚未回单，需继续催办",
    "工单{number}报修超时未到场，已电话催办抢修班，下一班跟进",
    "工单{number}客户要求当天回电，请下一班按时回复",
]
NOTES = [
    "注意城东停电区域的回访；遗留工单请继续催办",
    "3号座席耳麦待更换；超时工单已逐一催办，下一班请跟进回单",
    "明早高峰注意增开座席；投诉工单今天到期的优先处理",
]
ACKNOWLEDGEMENTS = [
    "已清点物品，设备正常；遗留问题已知悉",
    "已查阅值班记录，耳麦问题已知悉，继续跟进",
    "交接无误，开始值班",
]


def _leaders(centre: OrgUnit) -> list[User]:
    """The centre's team leaders, then its managers: who stands the demo's shifts."""
    users = User.objects.filter(centre=centre, is_active=True, groups__name__in=[LEADER, MANAGER])
    by_role = {LEADER: 0, MANAGER: 1}
    return sorted(users.distinct(), key=lambda user: (by_role.get(user.role or "", 2), user.pk))


def _shift_start(now: datetime) -> datetime:
    """The start of the eight-hour shift (00:00, 08:00, 16:00) that `now` falls in."""
    local = timezone.localtime(now)
    midnight = timezone.make_aware(datetime.combine(local.date(), time.min))
    return midnight + SHIFT * ((local - midnight) // SHIFT)


@transaction.atomic
def load_duty_logs(
    centre: OrgUnit,
    *,
    days: int = 3,
    leaders: list[User] | None = None,
    now: datetime | None = None,
    seed: int = 15,
) -> int:
    """Load `days` days of the centre's duty logs, once: every eight-hour shift up to
    now, its leader taking turns among `leaders` (the centre's team leaders, then its
    managers), each log handed over to the next shift's leader and acknowledged, and
    today's log of the first leader still open. Returns the number of logs written."""
    if DutyLog.objects.filter(centre=centre).exists():
        return 0
    leaders = leaders if leaders is not None else _leaders(centre)
    if not leaders:
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, nothing secret
    now = now or timezone.now()
    current = _shift_start(now)
    # With one leader there is nobody to hand over to: only today's log.
    shifts = days * 3 if len(leaders) > 1 else 0
    # The current shift belongs to the first leader; earlier ones rotate backwards.
    starts = [current - SHIFT * back for back in range(shifts, -1, -1)]
    order = [leaders[(shifts - index) % len(leaders)] for index in range(len(starts))]
    open_orders = list(
        Ticket.objects.filter(centre=centre)
        .filter(in_warning_at(now) | overdue_at(now))
        .values_list("pk", "number")[:50]
    )
    written = 0
    carried: list[DutyEntry] = []
    for index, (start, leader) in enumerate(zip(starts, order, strict=True)):
        last = index == len(starts) - 1
        handing = not last
        log = DutyLog.objects.create(
            centre=centre,
            leader=leader,
            starts_at=start,
            ends_at=start + SHIFT,
            state=DutyLogState.HANDED_OVER if handing else DutyLogState.OPEN,
        )
        written += 1
        for entry in carried:
            DutyEntry.objects.create(
                log=log,
                at=start,
                kind=DutyEntryKind.OPEN_ISSUE,
                text=entry.text,
                ticket_id=entry.ticket_id,
                carried_from=entry,
                author=leader,
            )
        end = min(start + SHIFT - TAKE_OVER_EARLY, now) if last else start + SHIFT
        carried = _entries(rng, log, leader, start, end, open_orders)
        if not handing:
            continue
        taker = order[index + 1]
        handed_at = start + SHIFT - TAKE_OVER_EARLY
        found = orders_needing_attention(leader, handed_at)
        Handover.objects.create(
            log=log,
            handed_by=leader,
            handed_at=handed_at,
            notes=rng.choice(NOTES),
            orders=[
                {**row, "due_at": row["due_at"].isoformat() if row["due_at"] else None}
                for row in found.rows[:ORDERS_KEPT]
            ],
            incoming=taker,
            acknowledged_at=handed_at + timedelta(minutes=rng.randint(3, 8)),
            acknowledgement_note=rng.choice(ACKNOWLEDGEMENTS),
        )
    return written


def _entries(
    rng: random.Random,
    log: DutyLog,
    leader: User,
    start: datetime,
    end: datetime,
    open_orders: list[tuple[int, str]],
) -> list[DutyEntry]:
    """A shift's lines, in time order; returns its open issues (for the next shift)."""
    span = max((end - start).total_seconds(), 60.0)
    kinds = [DutyEntryKind.EVENT, DutyEntryKind.EVENT, DutyEntryKind.EQUIPMENT]
    kinds += rng.sample([DutyEntryKind.OTHER, DutyEntryKind.OPEN_ISSUE], k=rng.randint(1, 2))
    moments = sorted(start + timedelta(seconds=rng.uniform(60, span)) for _ in kinds)
    issues = []
    for kind, at in zip(kinds, moments, strict=True):
        ticket_id = None
        if kind == DutyEntryKind.OPEN_ISSUE and open_orders:
            ticket_id, number = rng.choice(open_orders)
            text = rng.choice(ISSUES).format(number=number)
        elif kind == DutyEntryKind.OPEN_ISSUE:
            text = "城东停电区域的回访尚未完成，下一班继续"
        else:
            pool = {
                DutyEntryKind.EVENT: EVENTS,
                DutyEntryKind.EQUIPMENT: EQUIPMENT,
                DutyEntryKind.OTHER: OTHERS,
            }[kind]
            text = rng.choice(pool)
        entry = DutyEntry.objects.create(
            log=log, at=at, kind=kind, text=text, ticket_id=ticket_id, author=leader
        )
        if kind == DutyEntryKind.OPEN_ISSUE:
            issues.append(entry)
    return issues
