"""Demo work orders: policies from the source documents, dispatch rules, and about 1,500
orders over the last 60 days told through the real services, so every event is one the
product itself would have written."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from kefu.contacts.models import CallReason, Contact
from kefu.core.models import OrgUnit, User, WorkCalendar
from kefu.tickets.models import DispatchRule, StandardPhrase, Ticket, TimeLimitPolicy
from kefu.tickets.services import ActionInput, deadline_sweep, ticket_act, ticket_create

SEED = 95599


def _limits(**stages: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {
        stage: {"limit": limit, "warning": warning} for stage, (limit, warning) in stages.items()
    }


# (name, match, calendar, limits, callback required)
POLICIES: list[tuple[str, dict[str, Any], str, dict[str, dict[str, str]], bool]] = [
    (
        "一般工单",
        {},
        "workhours",
        _limits(
            review=("PT2H", "PT1H30M"),
            take=("PT4H", "PT3H"),
            **{"return": ("P2D", "P1D")},
            verify=("PT4H", "PT3H"),
            reply=("PT4H", "PT3H"),
            callback=("P1D", "PT4H"),
            overall=("P5D", "P4D"),
        ),
        True,
    ),
    # 002 第17篇 20: a complaint not answered on the call gets a clear answer within 2 hours
    # (simple) or 24 hours (complex): the `answer` limit, counted to the reply, not to the
    # close after the callback. The callback has its own limit (ours: a day after the reply).
    (
        "投诉（复杂，24小时答复）",
        {"kind": "complaint"},
        "24x7",
        _limits(
            review=("PT1H", "PT45M"),
            take=("PT2H", "PT1H30M"),
            **{"return": ("PT16H", "PT12H")},
            verify=("PT2H", "PT1H30M"),
            reply=("PT2H", "PT1H30M"),
            answer=("PT24H", "PT20H"),
            callback=("PT24H", "PT20H"),
            overall=("PT48H", "PT40H"),
        ),
        True,
    ),
    (
        "投诉（简单，2小时答复）",
        {"kind": "complaint", "category": "service_attitude"},
        "24x7",
        _limits(
            review=("PT15M", "PT10M"),
            take=("PT15M", "PT10M"),
            **{"return": ("PT1H", "PT45M")},
            verify=("PT10M", "PT5M"),
            reply=("PT10M", "PT5M"),
            answer=("PT2H", "PT1H30M"),
            callback=("PT24H", "PT20H"),
            overall=("PT26H", "PT24H"),
        ),
        True,
    ),
    (
        "故障报修（7×24小时）",
        {"kind": "fault"},
        "24x7",
        _limits(
            review=("PT10M", "PT5M"),
            take=("PT15M", "PT10M"),
            **{"return": ("PT4H", "PT3H")},
            verify=("PT1H", "PT45M"),
            reply=("PT1H", "PT45M"),
            callback=("P1D", "PT20H"),
            overall=("P1D", "PT20H"),
        ),
        True,
    ),
    (
        "VIP客户（时限减半）",
        {"tier": "vip"},
        "workhours",
        _limits(
            review=("PT1H", "PT45M"),
            take=("PT2H", "PT1H30M"),
            **{"return": ("P1D", "PT4H")},
            verify=("PT2H", "PT1H30M"),
            reply=("PT2H", "PT1H30M"),
            callback=("PT4H", "PT3H"),
            overall=("P2D", "P1D"),
        ),
        True,
    ),
    (
        # 一线+专席 (000 第8篇): the transfer is taken within 10 minutes, and the expert seat
        # answers the customer within 10 minutes of taking it (its own steps alone).
        "专席转派（10分钟接单，10分钟答复）",
        {"expert_seat": True},
        "24x7",
        _limits(take=("PT10M", "PT8M"), **{"return": ("PT10M", "PT8M")}),
        True,
    ),
    (
        "表扬与建议（无需回访）",
        {"kind": "praise"},
        "workhours",
        _limits(review=("P1D", "PT4H"), reply=("P2D", "P1D"), overall=("P5D", "P4D")),
        False,
    ),
]

# business type → (work-order kind, department code or None for the centre itself)
ROUTES = {
    "fault_repair": ("fault", "repair"),
    "billing": ("query", "billing"),
    "connection": ("business", "marketing"),
    "metering": ("business", "metering"),
    "outage_info": ("query", None),
    "consultation": ("consultation", None),
    "complaint": ("complaint", "service"),
    "praise": ("praise", None),
    "suggestion": ("suggestion", "service"),
    "online_channel": ("help", None),
}
OPERATION_CONTENTS = {"tree_obstruction", "pole_tilt", "broken_line"}

RESULTS = {
    "repair": [
        "抢修人员已到达现场，更换熔断器后恢复供电。",
        "经查为低压线路接头松动，已紧固处理，供电恢复正常。",
        "现场检查为表箱内空开跳闸，已复位并告知客户用电注意事项。",
        "已更换损坏表箱门锁，现场安全隐患已消除。",
    ],
    "operation": [
        "已安排运检班组修剪线路通道树木，隐患已消除。",
        "经现场勘察，电杆倾斜已加装拉线并扶正。",
    ],
    "billing": [
        "经核查，客户本月电费按阶梯电价正确计收，已向客户解释计费明细。",
        "核实为抄表数据录入错误，已退补电费并更正账单。",
        "已为客户重新开具电费发票并邮寄。",
    ],
    "marketing": [
        "已受理客户新装申请，现场勘查已完成，预计5个工作日内装表接电。",
        "客户增容方案已答复，待客户签署供用电合同。",
        "过户手续已办结，新户名已生效。",
    ],
    "metering": [
        "电能表现场校验误差在允许范围内，计量准确。",
        "确认电能表故障，已免费更换新表并做好底度确认。",
    ],
    "service": [
        "已约谈相关工作人员并进行批评教育，向客户当面致歉。",
        "已核实情况并制定整改措施，落实到责任班组。",
        "客户建议已转相关部门研究，后续将优化服务流程。",
    ],
    None: [
        "已电话向客户详细解释相关政策。",
        "已查询并告知客户停电范围及预计复电时间。",
        "已指导客户完成网上国网App注册和缴费。",
    ],
}
EXPERT_SEAT = "expert-seat"
EXPERT_ANSWERS = [
    "专席已电话答复客户阶梯电价分档及结算周期，客户表示理解。",
    "专席核对客户近六个月电量，确认电费计算无误，已向客户逐项解释。",
    "专席已指导客户通过网上国网App办理峰谷电价变更。",
    "专席已向客户说明分布式光伏并网流程及所需材料。",
]
LEADER_RESULTS = [
    "班长已回电客户致歉，并对当班客服代表进行服务规范辅导。",
    "值班长调听录音核实，确认服务用语不规范，已向客户道歉并纳入班组考核。",
]
REJECT_REASONS = [
    "回单未说明处理依据，请补充。",
    "客户反映问题未彻底解决，请重新核实处理。",
    "处理结果与现场照片不符，请复核。",
]
REPLY_TEXTS = [
    "已致电客户告知处理结果，客户表示知晓。",
    "已通过短信向客户发送处理结果。",
    "已电话回复客户并解释相关政策。",
]
CALLBACK_NOTES = {
    True: ["客户对处理结果表示满意。", "客户表示满意，感谢及时处理。"],
    False: ["客户对处理结果不满意，要求重新处理。", "客户认为处理时间过长，表示不满意。"],
}


# (used for, kind or "" for any, text): the back office's approved wording.
PHRASES = [
    ("reply", "", "您好，您反映的问题已处理完毕，处理结果如下：{result}。感谢您的耐心等待。"),
    (
        "reply",
        "complaint",
        "您好，对给您带来的不便我们深表歉意。经核实，{result}。我们已加强管理，避免类似情况再次发生。",
    ),
    ("reply", "fault", "您好，您报修的故障已处理：{result}。如再次出现停电，请拨打95598。"),
    ("reply", "query", "您好，经查询，{result}。您也可以通过网上国网App随时查询。"),
    ("callback", "", "客户对处理结果表示满意。"),
    ("callback", "", "客户表示已知晓处理结果，无其他诉求。"),
    ("callback", "", "客户对处理结果不满意，要求重新处理。"),
    ("callback", "complaint", "客户接受道歉，对整改措施表示认可。"),
]


# (situation, kind or "", what to say, what never to say): an agent's wording during a
# call, from 002 第13篇 (客户服务中心规范用语), the centre's name and number put in.
CALL_PHRASES = [
    ("开头语", "", "国网95598，您好，很高兴为您服务。", "“讲”；“说话”；“我听的见”；“喂”"),
    (
        "听不清或听不懂客户的讲话",
        "",
        "对不起先生/女士，由于线路的问题，我没有听清楚您的意思，您能再重复一遍吗？",
        "“您说话呀”；“您说什么？”；“嗯？”；“什么？”",
    ),
    (
        "需要向主管咨询后答复",
        "",
        "先生/女士抱歉，您的问题需要向主管咨询，请您不要挂机，等待一下可以吗？",
        "没有征求客户的同意就离席问问题；“我不知道，我给您问一下吧”",
    ),
    (
        "让客户久等之后",
        "",
        "先生/女士，很抱歉让您久等了。",
        "“我告诉您…”；“我查了一下…”；“喂”；“您记一下。”",
    ),
    (
        "查询时间较长",
        "",
        "由于信息量很大，系统处理要花一些时间，您需要稍等，请原谅！",
        "“我不是正在给您查那吗？”；“您等会不行呀！”",
    ),
    (
        "需要转接电话",
        "",
        "我需要将您的电话转给专席处理，您看可以吗？（客户同意后再转接，并说“谢谢您！”）",
        "客户不同意时私自把电话转出",
    ),
    (
        "客户表示不满或抱怨",
        "complaint",
        "先生/女士，真对不起给您带来这么多麻烦，请您不要生气，您的意思我明白，我会尽快帮助您协调的。",
        "在客户抱怨时打断客户；“您的意思我不懂”；“您到底让我们怎么办？”",
    ),
    (
        "客户要求找领导",
        "",
        "先生/女士很抱歉给您带来这么多麻烦，您有什么事情可以跟我讲一下，我也会尽快帮您反映的，您看可以吗？",
        "“您有多大的事还用找领导，和我讲就可以了”",
    ),
    (
        "客户询问处理结果",
        "query",
        "先生/女士，我们这里已经有了您反映的问题的记录，并且已经通知相关部门正在帮您处理，一有结果我们会马上和您联系。很抱歉给您带来这么多麻烦，您再耐心地等待一下好吗？",
        "“您得给我们处理时间呀！”；“我们处理也得有个过程吧！”",
    ),
    (
        "客户提出意见和建议",
        "suggestion",
        "非常感谢您给我们提出这么好的建议，我已经作了详细的记录，并会反馈到相关部门进行分析，根据实际情况进行改进。",
        "不作任何回应，继续下一个问题或结束通话",
    ),
    (
        "客户投诉工作人员",
        "complaint",
        "先生/女士很抱歉给您带来这么多麻烦，您所反映的问题我们已经做了相关记录，一经核实，会对其进行严肃处理。",
        "推脱客户、回避客户投诉座席的问题",
    ),
    (
        "客户有无理要求",
        "",
        "感谢您提出的宝贵意见，我们会针对您所提出的意见进行调查，如有需要，公司会考虑修改相关规定。",
        "“不可能，您的要求我们做不到。”；“这个我们办不到。”",
    ),
    (
        "结束通话",
        "",
        "感谢您的来电，今后有什么需要帮助，请随时拨打95598与我们联系，再见！",
        "客户还在反映问题时强行说结束语并挂断电话",
    ),
]


def load_phrases() -> None:
    if not StandardPhrase.objects.exclude(use=StandardPhrase.Use.CALL).exists():
        StandardPhrase.objects.bulk_create(
            StandardPhrase(use=use, kind=kind, text=text, position=position)
            for position, (use, kind, text) in enumerate(PHRASES)
        )
    if not StandardPhrase.objects.filter(use=StandardPhrase.Use.CALL).exists():
        StandardPhrase.objects.bulk_create(
            StandardPhrase(
                use=StandardPhrase.Use.CALL,
                situation=situation,
                kind=kind,
                text=text,
                avoid=avoid,
                position=position,
            )
            for position, (situation, kind, text, avoid) in enumerate(CALL_PHRASES)
        )


def load_policies(centre: OrgUnit) -> None:
    calendars = {calendar.name: calendar for calendar in WorkCalendar.objects.all()}
    for name, match, calendar, limits, callback in POLICIES:
        category = None
        if "category" in match:
            category = CallReason.objects.get(centre=centre, code=match["category"])
        TimeLimitPolicy.objects.get_or_create(
            name=name,
            defaults={
                "kind": match.get("kind", ""),
                "tier": match.get("tier", ""),
                "category": category,
                "calendar": calendars[calendar],
                "limits": limits,
                "callback_required": callback,
                "expert_seat": match.get("expert_seat", False),
            },
        )
    if DispatchRule.objects.filter(department__parent=centre).exists():
        return
    departments = {unit.code: unit for unit in OrgUnit.objects.filter(parent=centre)}
    businesses = {
        reason.code: reason
        for reason in CallReason.objects.filter(
            centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE
        )
    }
    for position, (business, (_kind, department)) in enumerate(ROUTES.items()):
        if department is not None and business in businesses:
            DispatchRule.objects.create(
                category=businesses[business], department=departments[department], position=position
            )
    for content in sorted(OPERATION_CONTENTS):
        DispatchRule.objects.create(
            category=CallReason.objects.get(centre=centre, code=content),
            department=departments["operation"],
            position=0,
        )
    # 002 第17篇 18-19: complaints about a staff member's attitude go to the team leaders.
    attitude = CallReason.objects.filter(centre=centre, code="service_attitude").first()
    if attitude is not None:
        DispatchRule.objects.create(category=attitude, to_leaders=True, position=0)


def _handlers(centre: OrgUnit) -> dict[str, User]:
    """One handler per department: the documented `handler` for repair, colleagues elsewhere."""
    group = Group.objects.get(name="handler")
    handlers = {"repair": User.objects.get(username="handler")}
    for unit in OrgUnit.objects.filter(parent=centre, kind=OrgUnit.Kind.DEPARTMENT):
        if unit.code in handlers:
            continue
        user, created = User.objects.get_or_create(
            username=f"handler-{unit.code}",
            defaults={"full_name": f"{unit.name}处理人", "centre": centre, "department": unit},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(group)
        handlers[unit.code] = user
    return handlers


# The share of steps taken after their stage's limit: a well-run centre misses a few.
LATE_SHARE = 0.01


class _Story:
    """Walks one order along the loop with believable gaps between steps, never past now.

    Each step is taken within the time its stage allows (the stage's and the order's own
    limits), but for the odd late one (`LATE_SHARE`): the centre is well run, so the orders
    overdue at any moment are a handful.
    """

    def __init__(self, rng: random.Random, ticket: Ticket, now: datetime) -> None:
        self.rng, self.ticket, self.now = rng, ticket, now
        self.at = ticket.created_at

    def step(self, actor: User, action: str, within: tuple[int, int], **fields: object) -> bool:
        """Take `action` some minutes (`within` a range) after the last step."""
        gap = timedelta(minutes=self.rng.randint(*within))
        late = self.rng.random() < LATE_SHARE
        dues = [due for due in (self.ticket.stage_due_at, self.ticket.due_at) if due]
        if dues and not late:
            room = min(dues) - self.at
            if room > timedelta(minutes=2):
                gap = min(gap, room * self.rng.uniform(0.2, 0.8))
            else:
                gap = min(gap, timedelta(minutes=1))
        at = self.at + max(gap, timedelta(seconds=30))
        if at >= self.now:
            return False
        self.ticket = ticket_act(
            actor=actor,
            number=self.ticket.number,
            action=action,
            version=self.ticket.version,
            fields=ActionInput(**fields),  # type: ignore[arg-type]
            at=at,
        )
        self.at = at
        return True


def load_tickets(
    centre: OrgUnit,
    count: int,
    staff: dict[str, User],
    *,
    titles: dict[int, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """One work order for each contact that says it opened one (up to `count`), titled
    with `titles` (by contact id: what the customer asked, whole)."""
    if Ticket.objects.filter(centre=centre).exists() or count <= 0:
        return 0
    rng = random.Random(SEED)
    now = timezone.now()
    handlers = _handlers(centre)
    contacts = list(
        Contact.objects.filter(centre=centre, settled=False, customer__isnull=False)
        .select_related("business_type", "service_content", "agent")
        .order_by("started_at", "pk")[:count]
    )
    titles = titles or {}
    backoffice, leader = staff["backoffice"], staff["leader"]
    created = 0
    for contact in contacts:
        business = contact.business_type.code if contact.business_type else "consultation"
        kind, department = ROUTES.get(business, ("consultation", None))
        content = contact.service_content.code if contact.service_content else None
        if content in OPERATION_CONTENTS:
            department = "operation"
        title = titles.get(contact.pk) or (
            contact.service_content.name if contact.service_content else contact.summary[:60]
        )
        ticket = ticket_create(
            actor=contact.agent,
            customer_id=contact.customer_id,  # type: ignore[arg-type]
            kind=kind,
            category=content,
            urgency=rng.choices(["normal", "urgent", "very_urgent"], weights=[85, 12, 3])[0],
            title=title,
            description=contact.summary,
            contact_id=contact.pk,
            created_at=contact.ended_at or contact.started_at,
        )
        created += 1
        story = _Story(rng, ticket, now)
        _tell(story, rng, department, handlers, backoffice, leader, staff)
        if progress is not None and created % 250 == 0:
            progress(f"{created}/{len(contacts)}")
    deadline_sweep(now=now)
    return created


FIELD_VISITS = [
    "专席远程排查未果，已派抢修人员上门检查，预计2小时内到达。",
    "专席判断为表箱内故障，已安排抢修班组上门处理。",
]
MAINTENANCE_WARNINGS = [
    "同一小区半小时内多户反映停电，疑似区域性故障，请运维核查。",
    "多名客户反映同一线路电压不稳，请运维部门排查。",
]


def _tell_expert(story: _Story, rng: random.Random, expert: User) -> str | None:
    """The expert seat's own steps (000 第8篇), each within minutes of taking the order:
    mostly an answer that closes it, now and then after warning maintenance, sometimes
    a field visit. Returns the department the order went out to, or None."""
    if rng.random() < 0.1:
        warned = story.step(
            expert,
            "warn_maintenance",
            (1, 4),
            department="operation",
            note=rng.choice(MAINTENANCE_WARNINGS),
        )
        if not warned:
            return None
    if rng.random() < 0.15:
        story.step(
            expert, "field_dispatch", (2, 8), department="repair", text=rng.choice(FIELD_VISITS)
        )
        return "repair" if story.ticket.state == "dispatched" else None
    story.step(expert, "answer_close", (2, 8), channel="phone", text=rng.choice(EXPERT_ANSWERS))
    return None


def _tell(
    story: _Story,
    rng: random.Random,
    department: str | None,
    handlers: dict[str, User],
    backoffice: User,
    leader: User,
    staff: dict[str, User],
) -> None:
    """One order's life; it stops wherever the next step would lie in the future."""
    if rng.random() < 0.02:
        story.step(leader, "cancel", (10, 600), reason="客户来电撤销诉求。")
        return
    if rng.random() < 0.12 and not story.step(
        staff["agent"], "urge", (30, 900), note="客户来电催办。"
    ):
        return
    if rng.random() < 0.04:
        if not story.step(backoffice, "suspend", (5, 60), reason="等待客户补充材料。"):
            return
        if not story.step(backoffice, "resume", (60, 1500), note="客户已补充材料。"):
            return
    for attempt in range(2):
        if not _handle(story, rng, department, handlers, backoffice, staff, again=attempt > 0):
            return
        if not (story.ticket.policy and story.ticket.policy.callback_required):
            story.step(backoffice, "close", (30, 600), note="无需回访，办结。")
            return
        # Unsatisfied at the callback, the order is handled again (重办), and the second
        # time the customer is satisfied.
        satisfied = attempt > 0 or rng.random() > 0.06
        if rng.random() < 0.08 and not story.step(
            backoffice,
            "callback",
            (30, 600),
            outcome="unreachable",
            note="客户电话无人接听，稍后再拨。",
        ):
            return
        fairly = satisfied and rng.random() < 0.15
        outcome = "fairly_satisfied" if fairly else "satisfied" if satisfied else "dissatisfied"
        if not story.step(
            backoffice,
            "callback",
            (60, 2880),
            outcome=outcome,
            note=rng.choice(CALLBACK_NOTES[satisfied]),
        ):
            return
        if satisfied:
            return


def _department_detours(
    story: _Story,
    rng: random.Random,
    department: str,
    handlers: dict[str, User],
    backoffice: User,
) -> bool:
    """Now and then an acceptance lacks a detail and goes back to its agent, or an order
    first goes to the wrong department, which sends it back (退单); False where the story
    stops."""
    if rng.random() < 0.04:
        if not story.step(
            backoffice, "send_to_agent", (5, 30), reason="受理信息缺少详细地址，请补充。"
        ):
            return False
        if not story.step(
            story.ticket.created_by, "supplement", (5, 30), text="详细地址已向客户核实补充。"
        ):
            return False
    others = sorted(code for code in handlers if code not in {department, EXPERT_SEAT})
    if others and rng.random() < 0.04:
        wrong = rng.choice(others)
        if not story.step(backoffice, "dispatch", (5, 90), department=wrong):
            return False
        if not story.step(
            handlers[wrong], "decline", (5, 60), reason="不属于本部门业务，请重新派单。"
        ):
            return False
    return True


def _handle(
    story: _Story,
    rng: random.Random,
    department: str | None,
    handlers: dict[str, User],
    backoffice: User,
    staff: dict[str, User],
    *,
    again: bool,
) -> bool:
    """Review, handle, verify and reply; False where the story stops (the next step lies
    in the future)."""
    handler = handlers.get(department) if department else backoffice
    results = RESULTS.get(department, RESULTS[None])
    answer_minutes = (30, 1800)
    if story.ticket.with_leaders and not again:
        # A complaint about a staff member: the team leader calls the customer back at
        # once and settles it within the 2 hours promised (002 第17篇).
        leader = staff["leader"]
        handler, results, answer_minutes = leader, LEADER_RESULTS, (20, 70)
        if not story.step(leader, "take", (3, 20)):
            return False
    elif department is None and not again and rng.random() < 0.3:
        # 一线+专席: the front line passes a hard question to the expert seat, which takes
        # it within minutes and answers the customer itself.
        if not story.step(staff["agent"], "transfer", (1, 5), department=EXPERT_SEAT):
            return False
        if not story.step(staff["expert"], "take", (1, 9)):
            return False
        department = _tell_expert(story, rng, staff["expert"])
        if department is None:  # answered and closed at the expert seat
            return False
        handler, results = handlers[department], RESULTS[department]
        if not story.step(handler, "take", (5, 60)):
            return False
    elif department:
        if not again and not _department_detours(story, rng, department, handlers, backoffice):
            return False
        if not story.step(backoffice, "dispatch", (5, 90), department=department):
            return False
        if not story.step(handler, "take", (5, 240)):  # type: ignore[arg-type]
            return False
        if not again and rng.random() < 0.04:
            # 延期申请: the part is on order; the back office grants the time asked.
            if not story.step(
                handler,  # type: ignore[arg-type]
                "request_extension",
                (5, 60),
                minutes=240,
                reason="需等待备件到货，申请延期4个工作小时。",
            ):
                return False
            if not story.step(backoffice, "grant_extension", (5, 30), note="同意延期。"):
                return False
    elif not story.step(backoffice, "handle_in_centre", (5, 90)):
        return False
    if not story.step(handler, "return", answer_minutes, result=rng.choice(results)):  # type: ignore[arg-type]
        return False
    if rng.random() < 0.08:
        if not story.step(backoffice, "reject", (10, 240), reason=rng.choice(REJECT_REASONS)):
            return False
        held = story.ticket.department_id is not None
        if held and not story.step(handler, "take", (5, 120)):  # type: ignore[arg-type]
            return False
        if not story.step(handler, "return", answer_minutes, result=rng.choice(results)):  # type: ignore[arg-type]
            return False
    escalated = not again and rng.random() < 0.03
    if escalated and not story.step(
        staff["manager"], "escalate", (5, 60), source="regulator", note="12398能源监管热线转办"
    ):
        return False
    if not story.step(backoffice, "verify", (5, 240)):
        return False
    return story.step(backoffice, "reply", (5, 240), channel="phone", text=rng.choice(REPLY_TEXTS))
