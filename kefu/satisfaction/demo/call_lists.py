"""The demo centre's outbound lists (issue 19 points 5 and 8): a thank-you to the customers
whose connection (业扩报装) order closed in the last week (002 第2篇), and a care call to
the high-value customers whose calls changed (003 一(二)3), each filled by its rule and
half worked by the agents, so both are in progress.

Called by `load_callbacks` (demo/callbacks.py) once the callbacks are there; loading
again changes nothing (the lists' names are taken)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from kefu.contacts.models import CallReason
from kefu.core.models import OrgUnit, User
from kefu.customers.models import Customer
from kefu.satisfaction.models import (
    CallbackState,
    CallbackTask,
    CallList,
    Invitation,
    QuestionKind,
    SurveyTemplate,
)
from kefu.satisfaction.services.call_lists import call_list_create, call_list_fill
from kefu.satisfaction.services.callbacks import callback_attempt_record
from kefu.satisfaction.services.surveys import (
    QuestionSpec,
    TemplateSpec,
    survey_record_on_task,
    template_create,
)

SEED = 95598 + 5
THANK_YOU = "新装用电一周感谢回访"
CARE = "中高端客户异动关怀"
SCRIPT_THANK_YOU = (
    "您好,这里是95598供电服务中心,请问您是{name}先生/女士吗?感谢您选择我们办理用电业务,"
    "您家里现在用电是否正常?有任何问题欢迎随时拨打95598。"
)
SCRIPT_CARE = (
    "您好,这里是95598供电服务中心,请问您是{name}先生/女士吗?我们是您的专属客户经理,"
    "想了解一下您近期的用电情况,有什么需要我们帮助的吗?"
)
MARKET = "居民用电市场调查"
SCRIPT_MARKET = (
    "您好,这里是95598供电服务中心,请问您是{name}先生/女士吗?我们正在做一个居民用电的"
    "满意度调查,大约占用您一分钟,请问方便吗?"
)
OUTCOMES = ["satisfied"] * 7 + ["fairly_satisfied"] * 2 + ["unreachable"] * 2
#: The market survey asked on the call (recorded by the agent while the customer is on
#: the line: the channel is the agent, so no SMS goes out).
SURVEY = TemplateSpec(
    name="居民用电市场调查问卷",
    touchpoint="other",
    intro="耽误您一分钟,想请您评价一下我们的供电和服务。",
    thanks="感谢您的评价,我们会持续改进。",
    sms_text="【95598】请回复1-5评价我们的供电服务(5为非常满意):",
    questions=[
        QuestionSpec("csat", "您对目前的供电质量满意吗?"),
        QuestionSpec("nps", "您有多大可能向亲友推荐网上缴费?"),
        QuestionSpec("text", "您对我们还有什么建议?", required=False),
    ],
)
SUGGESTIONS = ["", "", "希望停电能提前通知", "网上缴费很方便", "希望电费账单更清楚"]
#: Customers asked any survey within this time are not sampled for the market survey.
NOT_SURVEYED_DAYS = 60


def load_call_lists(centre: OrgUnit, manager: User) -> int:
    """The lists, filled and half worked; the calls written."""
    if CallList.objects.filter(centre=centre, name__in=[THANK_YOU, CARE]).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, nothing secret
    due_on = timezone.localdate() + timedelta(days=5)
    connection = CallReason.objects.filter(
        centre=centre, dimension=CallReason.Dimension.BUSINESS_TYPE, code="connection"
    ).first()
    thank_you, _made = call_list_create(
        actor=manager,
        name=THANK_YOU,
        purpose="thank_you",
        fill_rule="closed_orders" if connection else "new_customers",
        business_type_id=connection.pk if connection else None,
        script=SCRIPT_THANK_YOU,
        due_on=due_on,
    )
    care, _made = call_list_create(
        actor=manager,
        name=CARE,
        purpose="care",
        fill_rule="activity_change",
        tier="high_value",
        script=SCRIPT_CARE,
        due_on=due_on,
        assignment="least_loaded",
    )
    # Filled yesterday: the agents have been calling since.
    filled_at = timezone.now() - timedelta(hours=20)
    written = 0
    for call_list in (thank_you, care):
        written += call_list_fill(actor=manager, list_id=call_list.pk, now=filled_at).written
    # Where the rule found nobody in the demo's history (a small demo has few connections
    # closed last week, and no high-value customer whose calls changed), the team picks
    # a few customers by their account numbers, as it would from the business system.
    fallbacks = {
        thank_you: Customer.objects.filter(
            tickets__category__parent=connection, tickets__closed_at__isnull=False
        ).order_by("-tickets__closed_at")
        if connection
        else Customer.objects.order_by("-pk"),
        care: Customer.objects.filter(tier="high_value").order_by("pk"),
    }
    for call_list, customers in fallbacks.items():
        if CallbackTask.objects.filter(call_list=call_list).exists():
            continue
        accounts = list(
            dict.fromkeys(
                customers.filter(centre=centre, account_number__isnull=False).values_list(
                    "account_number", flat=True
                )[:40]
            )
        )[:12]
        if accounts:
            written += call_list_fill(
                actor=manager,
                list_id=call_list.pk,
                accounts="\n".join(str(account) for account in accounts),
                now=filled_at,
            ).written
    market = _market(centre, manager, due_on)
    if market is not None:
        written += call_list_fill(
            actor=manager, list_id=market[0].pk, accounts=market[1], now=filled_at
        ).written
    lists = [thank_you, care] + ([market[0]] if market else [])
    _work(rng, lists)
    if market is not None:
        _survey_answers(rng, market[0])
    return written


def _market(centre: OrgUnit, manager: User, due_on: date) -> tuple[CallList, str] | None:
    """The market survey list and the account numbers it calls: a dozen customers not
    surveyed in the last two months (none such, no list)."""
    lately = Invitation.objects.filter(
        centre=centre, sent_at__gte=timezone.now() - timedelta(days=NOT_SURVEYED_DAYS)
    ).exclude(customer__isnull=True)
    accounts = list(
        Customer.objects.filter(centre=centre, account_number__isnull=False)
        .exclude(pk__in=lately.values("customer_id"))
        .order_by("pk")
        .values_list("account_number", flat=True)[:12]
    )
    if not accounts:
        return None
    made, _new = call_list_create(
        actor=manager,
        name=MARKET,
        purpose="survey",
        fill_rule="accounts",
        script=SCRIPT_MARKET,
        survey_id=_survey(centre, manager).pk,
        due_on=due_on,
    )
    return made, "\n".join(str(account) for account in accounts)


def _survey(centre: OrgUnit, manager: User) -> SurveyTemplate:
    return SurveyTemplate.objects.filter(
        centre=centre, name=SURVEY.name
    ).first() or template_create(actor=manager, spec=SURVEY)


SCORES: dict[str, list[int]] = {
    QuestionKind.CSAT: [5, 5, 5, 4, 4, 3],
    QuestionKind.NPS: [10, 9, 9, 8, 7, 6],
}


def _survey_answers(rng: random.Random, call_list: CallList) -> None:
    """The agents recorded the survey on the calls that reached the customer, through the
    service (a customer surveyed in the meantime would be refused: the cap)."""
    survey = call_list.survey
    if survey is None:
        return
    questions = list(survey.versions.get().questions.order_by("position"))
    tasks = CallbackTask.objects.filter(call_list=call_list, state=CallbackState.DONE)
    for task in tasks.select_related("assignee").order_by("pk"):
        if task.assignee is None:
            continue
        values = {
            q.pk: rng.choice(SUGGESTIONS)
            if q.kind == QuestionKind.TEXT
            else str(rng.choice(SCORES[q.kind]))
            for q in questions
        }
        survey_record_on_task(
            actor=task.assignee, task_id=task.pk, values=values, now=task.closed_at
        )


def _work(rng: random.Random, lists: list[CallList]) -> None:
    """The agents have made about half of each list's calls."""
    for call_list in lists:
        tasks = CallbackTask.objects.filter(
            call_list=call_list, state=CallbackState.OPEN, assignee__isnull=False
        ).select_related("assignee")
        for index, task in enumerate(tasks.order_by("pk")):
            if index % 2 or task.assignee is None:
                continue
            callback_attempt_record(
                actor=task.assignee,
                task_id=task.pk,
                outcome=rng.choice(OUTCOMES),
                note="",
                at=task.next_try_at + timedelta(minutes=rng.randint(10, 600)),
            )
