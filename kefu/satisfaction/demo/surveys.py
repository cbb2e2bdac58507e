"""The demo centre's surveys (issue 19 point 8): three surveys (the hotline's after each
call, in two versions, the old one's answers still tied to its questions; the field
repair's when a fault order closes; the service hall's sent by hand), two months of
invitations about the agents' and repairers' service with answers by link, digit reply,
agent and IVR at a plausible rate, never more than one a customer a month, and each
agent's monthly owner questionnaires with a sample spot-checked (000 第7篇).

Rows are written directly, as the other demo loaders do: the services stamp the present
moment, and the demo's history lies in the past. Call after contacts and work orders are
loaded: `load_surveys(centre, days=days)`.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from kefu.contacts.models import Contact
from kefu.core.models import OrgUnit, User
from kefu.customers.models import CustomerPhone
from kefu.satisfaction.models import (
    Invitation,
    Questionnaire,
    SpotCheck,
    SurveyAnswer,
    SurveyQuestion,
    SurveyTemplate,
    SurveyVersion,
)
from kefu.tickets.models import Ticket

SEED = 95598 + 19
#: The share of contacts and closed repairs asked, and of those asked who answer.
ASKED = 0.3
ANSWERED = 0.55
PERIOD = timedelta(days=30)

CSAT_WEIGHTS = [4, 5, 12, 40, 39]  # 1..5
NPS_WEIGHTS = [2, 1, 1, 2, 2, 4, 5, 12, 20, 22, 29]  # 0..10
CES_WEIGHTS = [2, 3, 6, 10, 20, 29, 30]  # 1..7
COMMENTS = [
    "接通很快，问题一次就解决了",
    "客服态度很好",
    "等待时间有点长",
    "希望能短信通知处理进度",
    "抢修人员来得很及时",
    "说明得很清楚，谢谢",
    "转了两次才找到能处理的人",
]

HOTLINE_V1 = [("csat", "您对本次服务满意吗？"), ("text", "您还有什么意见或建议？")]
HOTLINE_V2 = [
    ("csat", "您对本次热线服务满意吗？"),
    ("nps", "您有多大可能向亲友推荐我们的服务？"),
    ("ces", "这次办理事情容易吗？"),
    ("text", "您还有什么意见或建议？"),
]
REPAIR = [("csat", "您对本次抢修服务满意吗？"), ("ces", "报修过程容易吗？"), ("text", "您的建议")]
HALL = [("csat", "您对营业厅的服务满意吗？"), ("nps", "您有多大可能向亲友推荐我们？")]


def _template(
    centre: OrgUnit,
    name: str,
    touchpoint: str,
    trigger: str,
    versions: list[tuple[list[tuple[str, str]], datetime]],
) -> tuple[SurveyTemplate, list[SurveyVersion]]:
    template = SurveyTemplate.objects.create(
        centre=centre, name=name, touchpoint=touchpoint, trigger=trigger, delay_hours=1
    )
    written = []
    for number, (questions, created) in enumerate(versions, start=1):
        version = SurveyVersion.objects.create(
            template=template,
            number=number,
            intro="感谢您使用我们的服务，请花一分钟评价。",
            thanks="感谢您的评价，我们会持续改进。",
            sms_text=f"【客服中心】请回复1-5评价{name}（5为非常满意），或点击链接：",
            sent=True,
        )
        SurveyVersion.objects.filter(pk=version.pk).update(created_at=created)
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(version=version, position=i, kind=kind, text=text)
            for i, (kind, text) in enumerate(questions, start=1)
        )
        written.append(version)
    return template, written


def _score(rng: random.Random, kind: str) -> int:
    if kind == "csat":
        return rng.choices(range(1, 6), CSAT_WEIGHTS)[0]
    if kind == "nps":
        return rng.choices(range(11), NPS_WEIGHTS)[0]
    return rng.choices(range(1, 8), CES_WEIGHTS)[0]


def load_surveys(centre: OrgUnit, *, days: int = 60) -> int:
    """Load the demo's surveys once; returns the invitations written."""
    if SurveyTemplate.objects.filter(centre=centre).exists():
        return 0
    rng = random.Random(SEED)  # noqa: S311 - demo data, nothing secret
    now = timezone.now()
    since = now - timedelta(days=days)
    switched = now - timedelta(days=min(21, days // 3))
    _hotline, (v1, v2) = _template(
        centre,
        "热线服务满意度",
        "hotline",
        "after_contact",
        [(HOTLINE_V1, since - timedelta(days=10)), (HOTLINE_V2, switched)],
    )
    _repair, (repair,) = _template(
        centre, "抢修服务回访", "field_repair", "after_ticket", [(REPAIR, since)]
    )
    _template(centre, "营业厅满意度", "service_hall", "manual", [(HALL, since)])
    questions = {
        version.pk: list(version.questions.order_by("position")) for version in (v1, v2, repair)
    }
    mobiles = dict(
        CustomerPhone.objects.filter(customer__centre=centre, kind="mobile")
        .order_by("-position", "-id")
        .values_list("customer_id", "number")
    )
    last: dict[int, datetime] = {}
    planned: list[tuple[Invitation, list[tuple[SurveyQuestion, int | None, str]]]] = []
    contacts = Contact.objects.filter(
        centre=centre,
        direction="inbound",
        channel="hotline",
        customer__isnull=False,
        ended_at__gte=since,
    ).select_related("agent")
    tickets = Ticket.objects.filter(
        centre=centre, kind="fault", customer__isnull=False, closed_at__gte=since
    ).select_related("assignee")
    events: list[tuple[datetime, str, object]] = [
        (c.ended_at, "contact", c) for c in contacts.order_by("ended_at") if c.ended_at
    ]
    events += [(t.closed_at, "ticket", t) for t in tickets.order_by("closed_at") if t.closed_at]
    events.sort(key=lambda event: event[0])
    for moment, kind, subject in events:
        if rng.random() > ASKED:
            continue
        customer_id = subject.customer_id  # type: ignore[attr-defined]
        if customer_id in last and moment - last[customer_id] < PERIOD:
            continue  # the survey cap: one a customer a month
        last[customer_id] = moment
        staff: User | None = (
            subject.agent if kind == "contact" else subject.assignee  # type: ignore[attr-defined]
        )
        version = repair if kind == "ticket" else (v2 if moment >= switched else v1)
        sent = moment + timedelta(hours=1)
        raw = f"demo-{kind}-{subject.pk}"  # type: ignore[attr-defined]
        invitation = Invitation(
            centre=centre,
            version=version,
            key=f"{kind}:{subject.pk}",  # type: ignore[attr-defined]
            channel="sms",
            customer_id=customer_id,
            address=mobiles.get(customer_id, ""),
            token_digest=hashlib.sha256(raw.encode()).hexdigest(),
            touchpoint="field_repair" if kind == "ticket" else "hotline",
            staff=staff,
            staff_number=staff.employee_number if staff else "",
            team_id=staff.team_id if staff else None,
            subject_kind=subject.kind if kind == "ticket" else "",  # type: ignore[attr-defined]
            contact_id=subject.pk if kind == "contact" else None,  # type: ignore[attr-defined]
            ticket_id=subject.pk if kind == "ticket" else None,  # type: ignore[attr-defined]
            sent_at=sent,
            expires_at=sent + timedelta(days=7),
        )
        answers: list[tuple[SurveyQuestion, int | None, str]] = []
        if rng.random() < ANSWERED and sent < now:
            via = rng.choices(["link", "reply", "ivr"], [55, 35, 10])[0]
            invitation.state = "answered"
            invitation.answered_via = via
            invitation.answered_at = min(now, sent + timedelta(minutes=rng.randint(3, 2000)))
            if via == "ivr":
                invitation.channel = "ivr"
                invitation.token_digest = None
                invitation.sent_at = invitation.answered_at = moment
            for question in questions[version.pk]:
                if via != "link" and question.position > 1:
                    break  # a digit reply and the IVR answer the first question only
                if question.kind == "text":
                    if rng.random() < 0.3:
                        answers.append((question, None, rng.choice(COMMENTS)))
                else:
                    answers.append((question, _score(rng, question.kind), ""))
        planned.append((invitation, answers))
    Invitation.objects.bulk_create([invitation for invitation, _answers in planned])
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(invitation=invitation, question=q, kind=q.kind, score=score, text=text)
        for invitation, answers in planned
        for q, score, text in answers
    )
    _questionnaires(centre, rng, now)
    return len(planned)


def _questionnaires(centre: OrgUnit, rng: random.Random, now: datetime) -> None:
    """Two months of owner questionnaires, three for each agent with a staff ID, a fifth
    of them spot-checked by calling back."""
    agents = list(User.objects.filter(centre=centre).exclude(employee_number="").order_by("pk"))
    today = timezone.localdate(now)
    months = [
        (today.replace(day=1) - timedelta(days=1)).replace(day=1),
        today.replace(day=1),
    ]
    rows = [
        _questionnaire(centre, agent, month, n, rng, now)
        for month in months
        for agent in agents[:30]
        for n in range(3)
    ]
    Questionnaire.objects.bulk_create(rows)


def _questionnaire(
    centre: OrgUnit, agent: User, month: date, n: int, rng: random.Random, now: datetime
) -> Questionnaire:
    drawn = rng.random() < 0.2
    outcome = rng.choices(
        [SpotCheck.CONFIRMED, SpotCheck.DISPUTED, SpotCheck.UNREACHABLE], [80, 5, 15]
    )[0]
    return Questionnaire(
        centre=centre,
        month=month,
        staff=agent,
        staff_number=agent.employee_number,
        respondent=f"业主{rng.choice('王李张刘陈杨赵黄周吴')}先生",
        phone=f"139{rng.randint(10000000, 99999999)}",
        score=rng.choices(range(1, 6), CSAT_WEIGHTS)[0],
        paper_number=f"Q{month:%Y%m}-{agent.employee_number}-{n + 1}",
        recorded_by=None,
        spot_check=outcome if drawn else SpotCheck.NOT_DRAWN,
        checked_at=now - timedelta(days=rng.randint(0, 10)) if drawn else None,
        check_note="已电话回访业主" if drawn else "",
    )
