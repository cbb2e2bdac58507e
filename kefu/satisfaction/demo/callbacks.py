"""The demo centre's callbacks and dissatisfied list (issue 19 point 8): the callback
rules (a sample of settled contacts per channel, seven days after a repair closes, a week
after a complaint is answered), two months of callbacks drawn by the sweep and worked by
the back office with their attempts, the dissatisfied list found in the work orders and
the callbacks, with repair plans in progress, checks waiting and entries repaired or not;
then the outbound lists (demo/call_lists.py).

Called by kefu/demo.py after the work orders: `load_callbacks(centre, days=60)`. It goes
through the services, with the sweeps' and attempts' times set in the past."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import BACKOFFICE, MANAGE_OUTREACH, MANAGER, REPAIR_DISSATISFIED
from kefu.satisfaction.demo.call_lists import load_call_lists
from kefu.satisfaction.models import (
    CallbackRule,
    CallbackState,
    CallbackTask,
    DissatisfiedEntry,
)
from kefu.satisfaction.services.callbacks import (
    callback_attempt_record,
    callback_rule_set,
    callbacks_sweep,
)
from kefu.satisfaction.services.dissatisfied import (
    dissatisfied_sweep,
    dissatisfied_verified,
    repair_check_request,
    repair_contact_record,
    repair_plan_set,
    repair_step_done,
)

SEED = 95598 + 19
SCRIPT_SAMPLE = (
    "您好,这里是95598供电服务中心,请问您是{name}先生/女士吗?您前几天来电咨询的问题已经解决了吗?"
    "您对我们的服务是否满意?(满意 / 基本满意 / 不满意)"
)
SCRIPT_REPAIR = (
    "您好,这里是95598供电服务中心,请问您是{name}先生/女士吗?七天前我们为您处理了故障报修,"
    "现在用电是否正常?如果还有问题,我们会安排人员再次上门。您对这次服务满意吗?"
)
SCRIPT_COMPLAINT = (
    "您好,这里是95598供电服务中心,请问您是{name}先生/女士吗?上周我们答复了您的投诉,"
    "处理结果您是否认可?我们就是想了解一下情况,以便今后更好地为您提供服务。"
)
RULES = [
    ("热线即时服务抽样", "sample", "hotline", Decimal(10), 1, SCRIPT_SAMPLE),
    ("其他渠道即时服务抽样", "sample", "", Decimal(5), 1, SCRIPT_SAMPLE),
    ("故障报修七日回访", "after_repair", "", Decimal(0), 7, SCRIPT_REPAIR),
    ("投诉答复一周回访", "after_complaint", "", Decimal(0), 7, SCRIPT_COMPLAINT),
]
OUTCOMES = (
    ["satisfied"] * 70 + ["fairly_satisfied"] * 16 + ["dissatisfied"] * 5 + ["unreachable"] * 9
)
# Callbacks drawn in the last days stay open for "my callbacks".
OPEN_DAYS = 2
STEPS = [
    ("电话致歉并说明原因", 2),
    ("安排供电所上门核实", 5),
    ("落实整改并告知客户", 10),
]


def load_callbacks(centre: OrgUnit, *, days: int = 60) -> int:
    """Load the demo's callbacks and dissatisfied list once; returns the tasks written."""
    if CallbackRule.objects.filter(centre=centre).exists():
        return 0
    # The centre's manager keeps the rules (the administrator only where there is none).
    people = User.objects.filter(centre=centre, is_active=True).order_by("pk")
    manager = next(
        (user for user in people.filter(groups__name=MANAGER) if user.has_perm(MANAGE_OUTREACH)),
        next((user for user in people if user.has_perm(MANAGE_OUTREACH)), None),
    )
    if manager is None:
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, nothing secret
    before = CallbackTask.objects.filter(centre=centre).count()
    now = timezone.now()
    start = now - timedelta(days=days)
    for name, kind, channel, rate, delay, script in RULES:
        callback_rule_set(
            actor=manager,
            name=name,
            kind=kind,
            channel=channel,
            rate=rate,
            delay_days=delay,
            script=script,
            assignment="least_loaded" if kind == "sample" else "round_robin",
        )
    # The rules were there from the start of the history.
    CallbackRule.objects.filter(centre=centre).update(created_at=start)
    moment = start + timedelta(days=1, hours=2)
    while moment < now:
        callbacks_sweep(now=moment, centre_id=centre.pk)
        _work(centre, rng, until=min(moment, now - timedelta(days=OPEN_DAYS)))
        dissatisfied_sweep(now=moment, centre_id=centre.pk)
        moment += timedelta(days=3)
    callbacks_sweep(now=now, centre_id=centre.pk)
    dissatisfied_sweep(now=now, centre_id=centre.pk)
    owners = [
        user
        for user in User.objects.filter(
            centre=centre, is_active=True, groups__name=BACKOFFICE
        ).order_by("pk")
        if user.has_perm(REPAIR_DISSATISFIED)
    ]
    _repairs(centre, rng, owners or [manager], now)
    load_call_lists(centre, manager)
    # The sweeps' tasks and the repair checks' alike.
    return CallbackTask.objects.filter(centre=centre).count() - before


def _work(centre: OrgUnit, rng: random.Random, *, until: datetime) -> None:
    """The back office calls the tasks that fell due before `until`, as it did then."""
    due = CallbackTask.objects.filter(
        centre=centre, state=CallbackState.OPEN, next_try_at__lt=until, assignee__isnull=False
    ).select_related("assignee")
    for task in due.order_by("next_try_at", "pk"):
        at, assignee = task.next_try_at, task.assignee
        if assignee is None:
            continue
        while task.state == CallbackState.OPEN and at < until:
            outcome = rng.choice(OUTCOMES)
            note = {
                "dissatisfied": rng.choice(["抢修到达太慢", "对答复不认可", "多次来电未解决"]),
                "unreachable": rng.choice(["无人接听", "关机", "占线"]),
            }.get(outcome, "")
            task = callback_attempt_record(
                actor=assignee,
                task_id=task.pk,
                outcome=outcome,
                note=note,
                at=at + timedelta(minutes=rng.randint(5, 300)),
            )
            at = task.next_try_at


def _repairs(centre: OrgUnit, rng: random.Random, owners: list[User], now: datetime) -> None:
    """Plans for the entries, each owned by one of the back office: the older ones checked
    and ended, the newer (by their latest reason) in progress."""
    entries = list(
        DissatisfiedEntry.objects.filter(centre=centre, exited_at__isnull=True)
        .annotate(last_reason_at=Max("reasons__at"))
        .order_by("entered_at", "pk")
    )
    for index, entry in enumerate(entries):
        owner = owners[index % len(owners)]
        repair_plan_set(
            actor=owner,
            entry_id=entry.pk,
            owner_username=owner.username,
            deadline=timezone.localdate(entry.entered_at) + timedelta(days=15),
            goal="消除客户不满,恢复对供电服务的信任",
            steps=[
                (text, timezone.localdate(entry.entered_at) + timedelta(days=after))
                for text, after in STEPS
            ],
        )
        steps = list(entry.steps.order_by("position"))
        # A customer who gave a new reason lately (a repeated complaint) is still being
        # repaired, however long ago they entered.
        age = (now - (entry.last_reason_at or entry.entered_at)).days
        for step in steps[: min(len(steps), age // 4)]:
            repair_step_done(actor=owner, entry_id=entry.pk, step_id=step.pk)
        if age >= 3:
            repair_contact_record(
                actor=owner,
                entry_id=entry.pk,
                channel="outbound",
                note="已致电客户致歉,说明处理进度",
            )
        if age >= 20:
            # Ended: repaired as a later callback or survey showed, or not.
            dissatisfied_verified(
                centre=centre,
                customer=entry.customer,
                repaired=rng.random() < 0.75,
                source=f"demo:check:{entry.pk}",
                note="回访客户,客户表示认可" if index % 4 else "客户仍不认可处理结果",
                at=entry.entered_at + timedelta(days=rng.randint(12, 18)),
            )
        elif age >= 12:
            repair_check_request(actor=owner, entry_id=entry.pk)
