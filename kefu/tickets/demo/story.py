"""The demo centre's work orders: about 1,500 over the last 60 days, each told through the
real services, so every event is one the product itself would have written."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit, User
from kefu.tickets.demo.setup import OPERATION_CONTENTS, ROUTES
from kefu.tickets.lifecycle import State
from kefu.tickets.models import Ticket
from kefu.tickets.services import ActionInput, deadline_sweep, ticket_act, ticket_create

SEED = 95599


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


#: The documented handler's colleague in repair, their stand-in when away (AB岗).
REPAIR_COLLEAGUE = ("handler-repair-b", "马俊")


def _handlers(centre: OrgUnit) -> dict[str, User]:
    """One handler per department: the documented `handler` for repair, colleagues elsewhere.
    Repair has a second handler, the first's stand-in (AB岗), who takes no orders of the
    story: the AB post's picker has someone to name."""
    group = Group.objects.get(name="handler")
    handlers = {"repair": User.objects.get(username="handler")}
    username, full_name = REPAIR_COLLEAGUE
    colleague, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "centre": centre,
            "department": handlers["repair"].department,
        },
    )
    if created:
        colleague.set_unusable_password()
        colleague.save(update_fields=["password"])
        colleague.groups.add(group)
        handlers["repair"].backup = colleague
        handlers["repair"].save(update_fields=["backup"])
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

    def __init__(self, rng: random.Random, ticket: Ticket, now: datetime, shown: set[str]) -> None:
        self.rng, self.ticket, self.now = rng, ticket, now
        self.at = ticket.created_at
        self.shown = shown

    def rare(self, name: str, share: float) -> bool:
        """Whether this order takes a turn few take: `share` of the orders, and every
        order until one has taken it (`took`), so each demo shows every turn whatever
        the day and hour it is loaded."""
        return self.rng.random() < share or name not in self.shown

    def took(self, name: str) -> None:
        self.shown.add(name)

    def step(self, actor: User, action: str, within: tuple[int, int], **fields: object) -> bool:
        """Take `action` some minutes (`within` a range) after the last step.

        A late step is taken when it comes, past its limit: the deadline sweep runs at the
        limit first, as the worker would have, so the order carries its overdue mark and
        the on-time figures count it late.
        """
        gap = timedelta(minutes=self.rng.randint(*within))
        late = self.rare("late", LATE_SHARE)
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
        if dues and min(dues) < at:
            deadline_sweep(now=min(dues) + timedelta(minutes=1))
            self.ticket.refresh_from_db()
            self.took("late")
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
    shown: set[str] = set()
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
        story = _Story(rng, ticket, now, shown)
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
        if story.rare("unreachable", 0.08):
            if not story.step(
                backoffice,
                "callback",
                (30, 600),
                outcome="unreachable",
                note="客户电话无人接听，稍后再拨。",
            ):
                return
            story.took("unreachable")
            if story.ticket.state == State.CLOSED:  # its last attempt: closed as unreachable
                return
        fairly = satisfied and story.rare("fairly_satisfied", 0.15)
        outcome = "fairly_satisfied" if fairly else "satisfied" if satisfied else "dissatisfied"
        if not story.step(
            backoffice,
            "callback",
            (60, 2880),
            outcome=outcome,
            note=rng.choice(CALLBACK_NOTES[satisfied]),
        ):
            return
        if fairly:
            story.took("fairly_satisfied")
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
    # Only an agent completes an acceptance (an order the back office took itself is
    # complete by its own hand).
    if story.rare("supplement", 0.04) and story.ticket.created_by.role == "agent":
        if not story.step(
            backoffice, "send_to_agent", (5, 30), reason="受理信息缺少详细地址，请补充。"
        ):
            return False
        if not story.step(
            story.ticket.created_by, "supplement", (5, 30), text="详细地址已向客户核实补充。"
        ):
            return False
        story.took("supplement")
    others = sorted(code for code in handlers if code not in {department, EXPERT_SEAT})
    if others and story.rare("decline", 0.04):
        wrong = rng.choice(others)
        if not story.step(backoffice, "dispatch", (5, 90), department=wrong):
            return False
        if not story.step(
            handlers[wrong], "decline", (5, 60), reason="不属于本部门业务，请重新派单。"
        ):
            return False
        story.took("decline")
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
        if not again and story.rare("extension", 0.04):
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
            story.took("extension")
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
