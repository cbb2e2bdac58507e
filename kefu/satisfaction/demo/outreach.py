"""The demo centre's satisfaction and proactive service: the notices of an ordinary week
in a city's power supply (issue 19 point 6) and a month of appointments (point 5), every
date relative to the moment it is loaded."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.satisfaction.models import Appointment, AppointmentState, Notice, NoticeState
from kefu.satisfaction.services.appointments import appointment_book
from kefu.satisfaction.services.notices import notice_publish, notice_save, notice_send


@dataclass(frozen=True)
class DemoNotice:
    kind: str
    title: str
    text: str
    sms_text: str
    regions: tuple[str, ...]
    # Hours from local midnight today (None: two hours before this hour), and the length.
    starts: float | None
    hours: float
    state: str = NoticeState.PUBLISHED


NOTICES = [
    DemoNotice(
        "unplanned_outage",
        "江宁区东山街道10千伏线路故障停电",
        "10千伏东山线今天上午故障跳闸，东山街道部分小区停电，抢修人员已到现场，预计下午恢复供电。"
        "请告知客户无需重复报修，已有抢修工单在处理。",
        "",
        ("320115",),
        starts=None,
        hours=6,
    ),
    DemoNotice(
        "planned_outage",
        "鼓楼区宁海路一带计划停电",
        "因10千伏宁海线检修，明天8:00-17:00鼓楼区宁海路、颐和路一带停电，"
        "遇雨顺延。请客户提前做好准备，停电期间注意关闭电器。",
        "【国网南京供电】尊敬的客户：因线路检修，您所在的宁海路一带将于明天8:00-17:00停电，"
        "遇雨顺延，给您带来不便敬请谅解。回T退订",
        ("320106",),
        starts=24 + 8,
        hours=9,
    ),
    DemoNotice(
        "maintenance",
        "玄武区孝陵卫变电站设备检修",
        "孝陵卫变电站后天9:00-12:00设备检修，玄武区孝陵卫一带可能短时电压波动，不停电。",
        "",
        ("320102",),
        starts=48 + 9,
        hours=3,
    ),
    DemoNotice(
        "tip",
        "寒潮来临，冬季安全用电温馨提示",
        "本周寒潮，取暖负荷大增：提醒客户不要私拉乱接、大功率电器不要同时使用，"
        "电动车不要在楼道充电；如遇家中跳闸，先检查漏电保护器。",
        "",
        ("320100",),
        starts=-24,
        hours=24 * 6,
    ),
    DemoNotice(
        "planned_outage",
        "浦口区江浦街道计划停电（草稿）",
        "下周三8:30-16:30，江浦街道部分区域因配电房改造停电。",
        "【国网南京供电】尊敬的客户：下周三8:30-16:30，您所在区域因配电改造停电，敬请谅解。回T退订",
        ("320111",),
        starts=24 * 7 + 8.5,
        hours=8,
        state=NoticeState.DRAFT,
    ),
]

# A notice that ran last week, kept as the centre's record.
ENDED = DemoNotice(
    "planned_outage",
    "栖霞区迈皋桥一带计划停电",
    "因线路改造，迈皋桥一带8:00-16:00停电。",
    "【国网南京供电】尊敬的客户：因线路改造，您所在的迈皋桥一带8:00-16:00停电，敬请谅解。回T退订",
    ("320113",),
    starts=-24 * 5 + 8,
    hours=8,
)


def load_notices(centre: OrgUnit, author: User) -> int:
    """The week's notices, once: one running since this morning's fault, tomorrow's planned
    outage (its text message written to the district's customers), a works notice, the
    winter tip, a draft, and last week's outage. Returns the notices made."""
    if Notice.objects.filter(centre=centre).exists():
        return 0
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for row in NOTICES:
        starts = (
            now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=2)
            if row.starts is None
            else midnight + dt.timedelta(hours=row.starts)
        )
        notice = notice_save(
            actor=author,
            kind=row.kind,
            title=row.title,
            text=row.text,
            sms_text=row.sms_text,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=row.hours),
            region_codes=row.regions,
        )
        if row.state == NoticeState.PUBLISHED:
            notice_publish(actor=author, notice=notice)
            notice_send(notice.pk)  # the worker's part, at once: the demo has no worker yet
    starts = midnight + dt.timedelta(hours=ENDED.starts or 0)
    ended = notice_save(
        actor=author,
        kind=ENDED.kind,
        title=ENDED.title,
        text=ENDED.text,
        sms_text="",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=ENDED.hours),
        region_codes=ENDED.regions,
    )
    # History: it was published the week before it ran, as the others were.
    Notice.objects.filter(pk=ended.pk).update(
        state=NoticeState.PUBLISHED,
        sms_text=ENDED.sms_text,
        published_by=author,
        published_at=starts - dt.timedelta(days=3),
    )
    return len(NOTICES) + 1


# What a power-supply centre books: a visit to a service hall or a call at the customer's.
SUBJECTS = [
    ("上门更换电能表", "客户住址"),
    ("上门检查表箱及进户线", "客户住址"),
    ("营业厅办理过户", "鼓楼营业厅"),
    ("营业厅办理增容", "江宁营业厅"),
    ("上门勘查新装用电", "客户住址"),
    ("充电桩报装现场勘查", "客户住址"),
]


def load_appointments(centre: OrgUnit, staff: list[User], *, days: int = 30) -> int:
    """A month of appointments, once: the past ones written as history and tracked (most
    kept, a few missed or cancelled; the last twelve hours' not yet recorded: the
    tracker's work today), the next two weeks' booked through the service, with their reminders.
    Returns the appointments made."""
    if Appointment.objects.filter(centre=centre).exists() or not staff:
        return 0
    rng = random.Random(11)  # noqa: S311 (demo data)
    customers = list(
        Customer.objects.filter(centre=centre, anonymised_at__isnull=True).order_by("pk")[:400]
    )
    if not customers:
        return 0
    now = timezone.localtime()
    history: list[Appointment] = []
    made = 0
    for offset in range(-days, 15):
        for _ in range(rng.randint(1, 3)):
            subject, place = rng.choice(SUBJECTS)
            hour, minute = rng.choice([9, 10, 14, 15]), rng.choice([0, 30])
            at = (now + dt.timedelta(days=offset)).replace(
                hour=hour, minute=minute, second=0, microsecond=0
            )
            booker, customer = rng.choice(staff), rng.choice(customers)
            made += 1
            if at > now + dt.timedelta(minutes=5):
                appointment_book(
                    actor=booker, customer_id=customer.pk, subject=subject, place=place, at=at
                )
                continue
            state = rng.choices(
                [AppointmentState.KEPT, AppointmentState.MISSED, AppointmentState.CANCELLED],
                weights=[85, 8, 7],
            )[0]
            tracked = at < now - dt.timedelta(hours=12)
            history.append(
                Appointment(
                    centre=centre,
                    customer=customer,
                    subject=subject,
                    place=place,
                    at=at,
                    booked_by=booker,
                    state=state if tracked else AppointmentState.BOOKED,
                    closed_by=booker if tracked else None,
                    closed_at=at + dt.timedelta(hours=3) if tracked else None,
                )
            )
    written = Appointment.objects.bulk_create(history)
    # Booked a few days before, as the ones to come were.
    Appointment.objects.filter(pk__in=[row.pk for row in written]).update(
        booked_at=F("at") - dt.timedelta(days=3)
    )
    return made
