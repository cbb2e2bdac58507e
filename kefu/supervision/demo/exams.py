"""The demo centre's training and exams (issue 20 point 2; 001 4.4.3): two months of
training sessions on the four topics with attendance recorded; a question bank of 41
questions on a 95598 power centre's business (some written from the demo's knowledge
articles, one of them due for review since its article changed); last quarter's exam,
marked, with results for the demo's front line, and the certification it grants for the
fault-repair queue (which then requires it); and an exam open now that the demo agent can
take, which a few colleagues have already handed in, their short answers still to mark.

Rows are written directly, as the other demo loaders do (the services stamp the present
moment); the papers are drawn and marked by the same pure modules the services use."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from kefu.core.models import OrgUnit, User
from kefu.core.roles import AGENT, BACKOFFICE, EXPERT, LEADER, MANAGER, QA
from kefu.knowledge.models import Article
from kefu.supervision import marking, papers
from kefu.supervision.models import (
    Attendance,
    Exam,
    ExamKind,
    Paper,
    PaperQuestion,
    PaperState,
    PartialRule,
    Question,
    TrainingSession,
)
from kefu.telephony.models import Queue
from kefu.workforce.models import Certification, CertifiedQueue

SEED = 95598 + 202
DAYS = 61

# (topic, title, trainer's name when from outside, minutes)
SESSIONS = [
    ("etiquette", "接听礼仪与规范用语", "", 90),
    ("communication", "情绪客户的安抚与沟通技巧", "", 120),
    ("law", "《电力供应与使用条例》要点", "市供电公司法律事务部 刘律师", 90),
    ("business", "阶梯电价与峰谷电价政策", "", 60),
    ("business", "停电报修受理与派单流程", "", 90),
    ("etiquette", "服务形象与仪容仪表", "", 60),
    ("communication", "投诉处理中的倾听与复述", "", 90),
    ("law", "《消费者权益保护法》与个人信息保护", "市消费者协会 王老师", 90),
]

# (topic, kind, question, options, key); the key: right options' indexes, True/False, or
# the reference answer.
BANK: list[tuple[str, str, str, list[str], Any]] = [
    (
        "etiquette",
        "single",
        "接听来电时，标准开头语应在电话铃响几声内说出？",
        ["3 声", "5 声", "8 声", "不限"],
        [0],
    ),
    (
        "etiquette",
        "single",
        "以下哪一句是规范的开头语？",
        ["喂，什么事？", "您好，95598，很高兴为您服务，请问有什么可以帮您？", "说吧", "你找谁？"],
        [1],
    ),
    (
        "etiquette",
        "single",
        "通话结束时，应由谁先挂断电话？",
        ["坐席", "客户", "谁先都行", "班长"],
        [1],
    ),
    (
        "etiquette",
        "single",
        "需要客户等待查询时，应当如何处理？",
        ["直接静音", "告知客户并征得同意后再保持", "让客户稍后再打", "不作说明"],
        [1],
    ),
    (
        "etiquette",
        "multiple",
        "以下哪些属于服务忌语？",
        ["这不归我们管", "您稍等，我帮您查询", "你自己去营业厅问", "我们下班了"],
        [0, 2, 3],
    ),
    (
        "etiquette",
        "multiple",
        "坐席上岗时的仪容仪表要求包括：",
        ["按规定着工装", "佩戴工牌", "桌面整洁", "可以吃零食"],
        [0, 1, 2],
    ),
    ("etiquette", "true_false", "客户情绪激动时，坐席可以提高音量压过客户。", [], False),
    ("etiquette", "true_false", "通话中应使用普通话，客户使用方言时可适当使用方言沟通。", [], True),
    ("etiquette", "true_false", "离开座位时可以不置示忙。", [], False),
    (
        "etiquette",
        "short",
        "请写出一段完整的来电结束语，并说明要点。",
        [],
        "感谢来电，确认问题已解决或告知后续时限，礼貌道别，待客户先挂机。",
    ),
    (
        "communication",
        "single",
        "面对情绪激动的客户，首先应当：",
        ["解释规定", "倾听并表示理解", "转接班长", "挂断电话"],
        [1],
    ),
    (
        "communication",
        "single",
        "复述客户诉求的主要目的是：",
        ["拖延时间", "确认理解无误", "录音需要", "显得专业"],
        [1],
    ),
    (
        "communication",
        "multiple",
        "有效倾听的做法包括：",
        ["不打断客户", "适时回应", "记录要点", "边听边办其他工单"],
        [0, 1, 2],
    ),
    (
        "communication",
        "multiple",
        "向客户说明抢修到达时间时，应做到：",
        ["说明承诺时限", "不随意许诺具体时刻", "告知可随时来电查询进度", "保证十分钟内到"],
        [0, 1, 2],
    ),
    ("communication", "true_false", "客户提出无法满足的要求时，应直接回答“不行”。", [], False),
    ("communication", "true_false", "使用“您看这样可以吗”等征询语气有助于达成一致。", [], True),
    ("communication", "true_false", "对同一问题客户多次来电时，应查看历史记录后再答复。", [], True),
    (
        "communication",
        "short",
        "客户因停电多次来电催促，情绪很差，你会如何沟通？",
        [],
        "先致歉并共情，核实地址与停电范围，查询抢修进度并说明时限，主动登记催办，承诺回访。",
    ),
    (
        "law",
        "single",
        "供电企业对居民用户的供电电压允许偏差为额定电压的：",
        ["±5%", "+7%、-10%", "±10%", "±15%"],
        [1],
    ),
    (
        "law",
        "single",
        "个人信息保护法规定，处理敏感个人信息应当取得个人的：",
        ["口头同意", "单独同意", "默认同意", "家属同意"],
        [1],
    ),
    (
        "law",
        "single",
        "因供电企业责任造成居民家用电器损坏，用户应在损坏后多少日内提出索赔？",
        ["3 日", "7 日", "15 日", "30 日"],
        [1],
    ),
    (
        "law",
        "multiple",
        "以下哪些属于用户的个人信息，不得随意告知他人？",
        ["户号对应的姓名", "身份证号", "用电地址", "供电营业厅地址"],
        [0, 1, 2],
    ),
    (
        "law",
        "multiple",
        "消费者依法享有的权利包括：",
        ["安全权", "知情权", "自主选择权", "无限索赔权"],
        [0, 1, 2],
    ),
    ("law", "true_false", "客户本人来电查询电费，坐席可在核实身份后告知。", [], True),
    ("law", "true_false", "为方便查询，坐席可以把客户的身份证号告诉其邻居。", [], False),
    ("law", "true_false", "欠费停电前，供电企业应按规定提前通知用户。", [], True),
    (
        "law",
        "short",
        "客户来电要求查询他人户号的用电信息，你如何处理？请说明依据。",
        [],
        "婉拒，说明个人信息受法律保护，只能由户主本人或持授权委托的代理人核实身份后查询。",
    ),
    (
        "business",
        "single",
        "居民阶梯电价第一档的月用电量是：",
        ["0–230 千瓦时", "0–180 千瓦时", "0–300 千瓦时", "0–400 千瓦时"],
        [0],
    ),
    (
        "business",
        "single",
        "峰谷电价中，谷时段一般是：",
        ["8:00–21:00", "21:00–次日 8:00", "12:00–14:00", "全天"],
        [1],
    ),
    (
        "business",
        "single",
        "城区故障抢修人员到达现场的时限承诺一般为：",
        ["45 分钟", "90 分钟", "2 小时", "24 小时"],
        [0],
    ),
    (
        "business",
        "single",
        "投诉工单简单问题的回复时限是：",
        ["2 小时", "8 小时", "24 小时", "3 天"],
        [0],
    ),
    (
        "business",
        "single",
        "客户产权设备故障，供电公司的处理原则是：",
        ["免费维修", "告知产权归属，可提供有偿服务或建议联系物业", "不予理睬", "直接派抢修"],
        [1],
    ),
    (
        "business",
        "single",
        "居民电费一般按什么周期抄表出账？",
        ["每周", "每月", "每季度", "每年"],
        [1],
    ),
    (
        "business",
        "multiple",
        "受理停电报修时需向客户核实的信息有：",
        ["户号或地址", "停电范围", "联系电话", "客户工作单位"],
        [0, 1, 2],
    ),
    (
        "business",
        "multiple",
        "以下哪些属于危急故障，需要紧急派单？",
        ["电线断落地面", "线路打火冒烟", "电杆严重倾斜", "电费账单看不懂"],
        [0, 1, 2],
    ),
    (
        "business",
        "multiple",
        "电费的查询渠道包括：",
        ["95598 热线", "网上国网", "营业厅", "随便一家银行柜台"],
        [0, 1, 2],
    ),
    ("business", "true_false", "表箱内开关跳闸，客户在确认户内无故障后可以自行合闸。", [], True),
    ("business", "true_false", "单户停电一定是供电线路故障造成的。", [], False),
    ("business", "true_false", "故障报修工单处理完毕后应对客户进行回访。", [], True),
    ("business", "true_false", "增值税专用发票可由任何来电人代为申请，无需核实。", [], False),
    (
        "business",
        "short",
        "请简述停电报修从受理到回访的流程。",
        [],
        "核实信息并判断单户或片区停电，录入报修工单，按危急程度派单，跟踪抢修进度，修复后回访确认。",
    ),
]
# Questions written from knowledge articles: bank index -> words of the article's title.
FROM_ARTICLES = {
    30: "抢修人员到达现场的时限",
    33: "受理停电报修时需向客户核实",
    36: "表箱内开关跳闸",
}
# This one's article changed after the question was written: due for review.
STALE = 36

QUARTER = {"single": (15, "2"), "multiple": (5, "4"), "true_false": (10, "2"), "short": (3, "10")}
OPEN_NOW = {"single": (5, "4"), "multiple": (3, "10"), "true_false": (5, "4"), "short": (1, "30")}
ALL_TOPICS = ["etiquette", "communication", "law", "business"]
# What a marker writes next to a short answer, and the share of points it earns.
WRITTEN = [
    ("要点齐全，表达清楚。", Decimal("0.9")),
    ("基本正确，缺少回访环节。", Decimal("0.7")),
    ("只答了一半，未说明时限。", Decimal("0.5")),
]


def _staff(centre: OrgUnit, roles: tuple[str, ...]) -> list[User]:
    return list(
        User.objects.filter(centre=centre, groups__name__in=roles, is_active=True)
        .distinct()
        .order_by("pk")
    )


def load_exams(centre: OrgUnit) -> int:
    """Load the demo's training and exams once; returns the papers written."""
    if Question.objects.filter(centre=centre).exists():
        return 0
    with transaction.atomic():
        return _load(centre)


def _at(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _load(centre: OrgUnit) -> int:
    rng = random.Random(SEED)  # noqa: S311 - demo data, not a secret
    keepers = _staff(centre, (QA, MANAGER))
    if not keepers:
        return 0
    qa = keepers[0]
    front = _staff(centre, (AGENT, EXPERT, BACKOFFICE, LEADER))
    _sessions(centre, qa, front, rng)
    bank = _bank(centre, qa)
    fault = Queue.objects.filter(centre=centre, name="power-fault").first()
    quarter = Exam.objects.create(
        centre=centre,
        kind=ExamKind.QUARTERLY,
        title="第三季度综合业务考试",
        topics=ALL_TOPICS,
        spec={k: {"count": c, "points": p} for k, (c, p) in QUARTER.items()},
        opens_at=_at(40, 9),
        closes_at=_at(33, 18),
        minutes=60,
        pass_mark=Decimal(60),
        partial_rule=PartialRule.HALF,
        certifies=fault,
        certification_days=365,
        created_by=qa,
    )
    written = 0
    for n, person in enumerate(front):
        if person.username == "agent" or rng.random() < 0.9:
            start = _at(40 - n % 7, 9 + n % 8) + timedelta(minutes=rng.randrange(60))
            written += _paper(
                quarter, person, bank, rng, start, marker=qa, skill=0.55 + 0.4 * rng.random()
            )
    if fault is not None:
        CertifiedQueue.objects.get_or_create(
            queue=fault, defaults={"required_since": _at(30, 0).date()}
        )
    now_open = Exam.objects.create(
        centre=centre,
        kind=ExamKind.AD_HOC,
        title="十二月业务知识测验",
        topics=["business", "law"],
        spec={k: {"count": c, "points": p} for k, (c, p) in OPEN_NOW.items()},
        opens_at=_at(1, 9),
        closes_at=_at(-6, 18),
        minutes=30,
        pass_mark=Decimal(60),
        partial_rule=PartialRule.HALF,
        created_by=qa,
    )
    others = [p for p in front if p.username not in {"agent", "leader", "backoffice"}]
    for person in others[:4]:
        start = timezone.now() - timedelta(hours=2, minutes=rng.randrange(60))
        written += _paper(now_open, person, bank, rng, start, marker=None, skill=0.7)
    return written


def _sessions(centre: OrgUnit, qa: User, front: list[User], rng: random.Random) -> None:
    for n, (topic, title, outside, minutes) in enumerate(SESSIONS):
        days_ago = DAYS - 3 - n * 7
        session = TrainingSession.objects.create(
            centre=centre,
            topic=topic,
            title=title,
            starts_at=_at(days_ago, 14),
            minutes=minutes,
            trainer=None if outside else qa,
            trainer_name=outside,
            place="三楼培训室",
            created_by=qa,
        )
        Attendance.objects.bulk_create(
            Attendance(session=session, person=person, present=rng.random() < 0.88)
            for person in front
        )


def _bank(centre: OrgUnit, qa: User) -> list[Question]:
    articles = list(Article.objects.filter(centre=centre).only("pk", "title", "version"))
    made = []
    for n, (topic, kind, text, options, key) in enumerate(BANK):
        words = FROM_ARTICLES.get(n)
        article = next((a for a in articles if words and words in a.title), None)
        version = None
        if article is not None:
            version = article.version - 1 if n == STALE else article.version
        made.append(
            Question(
                centre=centre,
                topic=topic,
                kind=kind,
                text=text,
                options=options,
                key=key,
                article=article,
                article_version=version,
                created_by=qa,
            )
        )
    return Question.objects.bulk_create(made)


def _answer(kind: str, key: Any, options: list[str], rng: random.Random, skill: float) -> Any:
    if kind == "short":
        return "先向客户致歉，核实信息后登记工单，说明处理时限并按时回访。"
    if rng.random() < 0.04:
        return None  # left empty
    right = rng.random() < skill
    if kind == "true_false":
        return key if right else not key
    if kind == "multiple" and not right and rng.random() < 0.5:
        return key[:-1] if len(key) > 1 else [len(options) - 1]  # a partial answer
    if right:
        return list(key)
    wrong = [i for i in range(len(options)) if i not in key]
    return [rng.choice(wrong)] if wrong else list(key)


def _paper(
    exam: Exam,
    person: User,
    bank: list[Question],
    rng: random.Random,
    start: datetime,
    *,
    marker: User | None,
    skill: float,
) -> int:
    parts = {k: papers.Part(int(v["count"]), Decimal(v["points"])) for k, v in exam.spec.items()}
    candidates = [papers.Candidate(q.pk, q.kind, q.topic) for q in bank]
    seed = rng.getrandbits(62)
    drawn = papers.draw(candidates, exam.topics, parts, seed)
    by_id = {q.pk: q for q in bank}
    handed_in = start + timedelta(minutes=rng.randrange(15, exam.minutes))
    paper = Paper.objects.create(
        exam=exam,
        person=person,
        seed=seed,
        started_at=start,
        deadline=min(start + timedelta(minutes=exam.minutes), exam.closes_at),
        submitted_at=handed_in,
        state=PaperState.SUBMITTED,
        out_of=papers.out_of(parts),
    )
    items = []
    for n, d in enumerate(drawn, start=1):
        q = by_id[d.question_id]
        answer = _answer(q.kind, q.key, q.options, rng, skill)
        points = None
        comment = ""
        if q.kind in marking.OBJECTIVE:
            points = marking.mark_objective(q.kind, q.key, answer, d.points, exam.partial_rule)
        elif marker is not None:
            comment, share = WRITTEN[rng.randrange(len(WRITTEN))]
            points = (d.points * share).quantize(Decimal("0.5"))
        items.append(
            PaperQuestion(
                paper=paper,
                question=q,
                position=n,
                kind=q.kind,
                text=q.text,
                options=q.options,
                key=q.key,
                worth=d.points,
                answer=answer,
                answered_at=handed_in,
                points=points,
                marked_by=marker if q.kind == "short" else None,
                comment=comment,
            )
        )
    PaperQuestion.objects.bulk_create(items)
    if marker is not None:
        score, share, passed = marking.result(
            [i.points for i in items if i.points is not None], paper.out_of, exam.pass_mark
        )
        paper.state, paper.score, paper.percent, paper.passed = (
            PaperState.MARKED,
            score,
            share,
            passed,
        )
        paper.marked_at = exam.closes_at + timedelta(days=1)
        paper.save(update_fields=["state", "score", "percent", "passed", "marked_at"])
        if passed and exam.certifies_id is not None:
            granted = timezone.localtime(handed_in).date()
            Certification.objects.create(
                user=person,
                queue_id=exam.certifies_id,
                granted_on=granted,
                expires_on=granted + timedelta(days=exam.certification_days - 1),
                source=exam.title,
            )
    return 1
