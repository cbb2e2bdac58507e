"""The demo centre's quality inspection (issue 18 point 9): the hotline's scorecard in two
versions (the first retired a few weeks ago, its scores still explained by it), the
centre's sampling plan, call transcripts for the scored contacts and the last days' calls
(from the rule examples, so every automatic check shows), each agent's contacts scored
through the history at the plan's pace by two inspectors, the agents' acknowledgements,
appeals decided and one waiting, the leader's coaching, a calibration session shown and
one still blind, the standard phrases in two versions, and today's draw in the
inspectors' queues. Times are relative to the load. Called by kefu/demo.py once contacts
and work orders are loaded.

Rows are written directly, as the other demo loaders do: the services stamp the present
moment, and the demo's history lies in the past.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from kefu.contacts.models import Channel, Contact
from kefu.core.models import OrgUnit, User
from kefu.quality import checks, sampling, scoring
from kefu.quality.models import (
    AgentResponse,
    Answer,
    Appeal,
    AppealState,
    CalibrationSession,
    CalibrationState,
    CoachingTask,
    Evaluation,
    EvaluationPurpose,
    PhraseBook,
    RuleSwitch,
    SampleItem,
    SampleReason,
    SampleState,
    SamplingPlan,
    Scorecard,
    ScorecardItem,
    ScorecardVersion,
    Transcript,
    VersionState,
)
from kefu.quality.phrase_defaults import default_phrases
from kefu.quality.phrasebook import PhraseSpec
from kefu.quality.queries.rules import live_rules
from kefu.quality.services.phrases import phrase_rows_write
from kefu.quality.services.sampling import samples_draw
from kefu.quality.services.scorecards import ItemSpec, version_items_write
from kefu.quality.services.transcripts import hits_value

SEED = 95598 + 18
PER_AGENT = 5
# Recent calls given a transcript beside the scored ones (the speech-recognition feed of
# the last days), at most.
RECENT_TRANSCRIPTS = 160
RECENT_DAYS = 2
# The share of transcripts that show a fault: one family's positive example.
FAULTY = 0.22
UNSCORED = timedelta(hours=30)

_V1 = [
    ItemSpec("开场", "使用规范开头语并报工号", 10, auto_check="greeting_missing"),
    ItemSpec("开场", "核实客户身份（户号、户名、地址）", 10, allow_na=True),
    ItemSpec("过程", "准确理解并复述客户诉求", 20),
    ItemSpec("过程", "答复准确、完整，符合知识库口径", 30),
    ItemSpec("过程", "保持前说“请您稍等”", 5, allow_na=True, auto_check="hold_no_ask"),
    ItemSpec("过程", "保持后说“让您久等了”", 5, allow_na=True, auto_check="hold_no_thanks"),
    ItemSpec("过程", "不抢话，语速适中", 5, auto_check="interruption"),
    ItemSpec("结束", "使用规范结束语", 15, auto_check="closing_missing"),
    ItemSpec("红线", "未使用服务禁语", 0, fatal=True, auto_check="forbidden_phrase"),
    ItemSpec("红线", "未泄露客户信息", 0, fatal=True),
]
# Version 2 asks for the apology an upset customer is owed (002 第17篇) and takes its
# points from the answer's.
DEMO_ITEMS = [
    *_V1[:3],
    ItemSpec("过程", "答复准确、完整，符合知识库口径", 20),
    *_V1[4:7],
    ItemSpec("过程", "客户不满时及时致歉或升级", 10, allow_na=True, auto_check="anger_no_apology"),
    *_V1[7:],
]
COMMENTS = {
    "准确理解并复述客户诉求": "未复述客户诉求即开始答复",
    "答复准确、完整，符合知识库口径": "停电原因答复不完整，未告知预计恢复时间",
    "核实客户身份（户号、户名、地址）": "查询前未核实户名",
    "使用规范开头语并报工号": "开头未使用规范问候语",
    "使用规范结束语": "结束时未使用规范结束语",
    "客户不满时及时致歉或升级": "客户抱怨时未致歉",
}
APPEALS = [
    ("客户第一句已说明户号和户名，录音 00:15 处我已复核，请重听。", AppealState.CHANGED),
    ("当时系统查询不到停电信息，已按知识库答复。", AppealState.UPHELD),
]
COACHING = [
    "每通电话先复述客户诉求，确认后再答复；本周跟听两通优秀录音。",
    "停电类来电务必告知预计恢复时间和抢修进度，熟悉知识库“停电答复口径”。",
    "保持前后使用规范用语：“请您稍等”“让您久等了”。",
]


def _version(card: Scorecard, number: int, items: list[ItemSpec], at: datetime) -> None:
    version = ScorecardVersion.objects.create(
        scorecard=card,
        number=number,
        state=VersionState.RETIRED if number == 1 else VersionState.PUBLISHED,
        note="" if number == 1 else "新增“客户不满时及时致歉或升级”",
        published_at=at,
    )
    version_items_write(version, items)


# What the centre added to the seeds' phrases in its second version.
PHRASES_V2 = [
    PhraseSpec(
        "progress",
        "recommended",
        "您的工单编号是×××，处理进度可以在“网上国网”App中随时查询。",
        when="告知工单编号之后",
        source="中心补充",
    ),
    PhraseSpec("complaint", "forbidden", "不归我们管", checked=True, source="中心补充"),
]


def _phrases(centre: OrgUnit, inspector: User, first: datetime, second: datetime) -> None:
    """The seeds' standard phrases as version 1, and the centre's additions in version 2,
    published by an inspector: the version in use the workbench shows and the checks read."""
    phrases = default_phrases("国网95598", "95598")
    for number, at, by, rows, note in (
        (1, first, None, phrases, "依据 002 第13/17/18篇"),
        (
            2,
            second,
            inspector,
            [*phrases, *PHRASES_V2],
            "新增禁语“不归我们管”；处理进度增加网上国网查询提示",
        ),
    ):
        book = PhraseBook.objects.create(
            centre=centre,
            number=number,
            state=VersionState.PUBLISHED if number == 2 else VersionState.RETIRED,
            note=note,
            published_at=at,
            published_by=by,
        )
        phrase_rows_write(book, rows)


def _examples() -> tuple[list[checks.Transcript], dict[str, list[checks.Transcript]]]:
    clean: list[checks.Transcript] = []
    faulty: dict[str, list[checks.Transcript]] = defaultdict(list)
    for family, kinds in checks.examples().items():
        for kind, paths in kinds.items():
            for path in paths:
                transcript = checks.read_transcript(path.read_bytes())
                (faulty[family] if kind == "positive" else clean).append(transcript)
    return clean, dict(faulty)


def _transcripts(contacts: list[Contact], rng: random.Random) -> dict[int, Transcript]:
    clean, faulty = _examples()
    rules = live_rules(contacts[0].centre_id) if contacts else checks.default_rules()
    families = sorted(faulty)
    rows = []
    now = timezone.now()
    for contact in contacts:
        if rng.random() < FAULTY:
            transcript = rng.choice(faulty[rng.choice(families)])
        else:
            transcript = rng.choice(clean)
        result = checks.check(transcript, rules)
        rows.append(
            Transcript(
                centre_id=contact.centre_id,
                contact=contact,
                sentences=transcript.as_dict(),
                source="kefu",
                imported_at=min(
                    now, (contact.ended_at or contact.started_at) + timedelta(minutes=5)
                ),
                hits=hits_value(result),
                auto_score=result.score,
            )
        )
    Transcript.objects.bulk_create(rows, batch_size=500)
    return {row.contact_id: row for row in rows}


def _answers(
    items: list[ScorecardItem], transcript: Transcript, rng: random.Random
) -> tuple[dict[int, str], set[int]]:
    """An inspector's answers, and the items pre-filled by the checks that they overruled:
    now and then a hit the inspector heard otherwise (a false hit) or a fault the check
    missed, so the checks page shows precision and recall below 100 %."""
    found = {hit["rule"] for hit in transcript.hits}
    auto = scoring.prefill({item.pk: item.auto_check for item in items}, found)
    answers: dict[int, str] = {}
    overruled: set[int] = set()
    for item in items:
        if item.pk in auto:
            answers[item.pk] = auto[item.pk]
            if answers[item.pk] == scoring.NO and rng.random() < 0.08:
                answers[item.pk] = scoring.YES  # the inspector heard it otherwise
                overruled.add(item.pk)
            elif answers[item.pk] == scoring.YES and not item.fatal and rng.random() < 0.03:
                answers[item.pk] = scoring.NO  # a fault the check did not catch
                overruled.add(item.pk)
            elif item.allow_na and answers[item.pk] == scoring.YES and rng.random() < 0.5:
                answers[item.pk] = scoring.NA  # no hold, no upset customer on this call
        elif item.fatal:
            answers[item.pk] = scoring.NO if rng.random() < 0.004 else scoring.YES
        elif item.allow_na and rng.random() < 0.1:
            answers[item.pk] = scoring.NA
        else:
            answers[item.pk] = scoring.NO if rng.random() < 0.12 else scoring.YES
    return answers, overruled


def _working_time(after: datetime, rng: random.Random) -> datetime:
    """A moment of the inspectors' day (09:00–17:30) one or two days after ``after``."""
    day = timezone.localdate(after) + timedelta(days=rng.randint(1, 2))
    start = timezone.make_aware(datetime.combine(day, time(9)))
    return start + timedelta(minutes=rng.randint(0, 510))


def _months(first: date, last: date) -> list[date]:
    months = [first.replace(day=1)]
    while months[-1] < last.replace(day=1):
        months.append((months[-1] + timedelta(days=32)).replace(day=1))
    return months


def load_quality(centre: OrgUnit, *, days: int) -> int:
    """Load the demo's quality inspection once, then today's draw; returns the scores
    written."""
    if Scorecard.objects.filter(centre=centre).exists():
        return 0
    written = _history(centre, days=days)
    samples_draw(centre_id=centre.pk)
    return written


def _history(centre: OrgUnit, *, days: int) -> int:
    rng = random.Random(SEED)  # noqa: S311 - demo data, nothing secret
    now = timezone.now()
    today = timezone.localdate(now)
    since = now - timedelta(days=days)
    people = {user.username: user for user in User.objects.filter(centre=centre)}
    inspectors = [people[name] for name in ("qa", "qa2") if name in people]
    if not inspectors:
        return 0
    card = Scorecard.objects.create(
        centre=centre,
        name="95598热线通话质检表",
        description="依据 002 第13/17/18篇 规范用语与服务禁语",
        appeal_days=5,
    )
    switched = now - timedelta(days=min(25, days // 2))
    _phrases(centre, inspectors[0], since - timedelta(days=30), now - timedelta(days=min(10, days)))
    _version(card, 1, _V1, since - timedelta(days=30))
    _version(card, 2, DEMO_ITEMS, switched)
    versions = {v.number: v for v in card.versions.all()}
    items = {
        number: list(
            ScorecardItem.objects.filter(section__version=version).order_by(
                "section__position", "position"
            )
        )
        for number, version in versions.items()
    }
    # Speaking rate is judged by ear on this hotline: its check stays off.
    RuleSwitch.objects.create(
        centre=centre,
        family="speech_rate",
        live=False,
        changed_by=inspectors[0],
        changed_at=since,
    )
    plan = SamplingPlan.objects.create(
        centre=centre, scorecard=card, per_agent=PER_AGENT, per_new_agent=10, flagged_below=95
    )

    contacts = list(
        Contact.objects.filter(
            centre=centre, channel=Channel.HOTLINE, started_at__gte=since, ended_at__isnull=False
        )
        .select_related("agent")
        .order_by("started_at")
    )
    by_agent_month: dict[tuple[int, date], list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_agent_month[
            (contact.agent_id, timezone.localdate(contact.started_at).replace(day=1))
        ].append(contact)
    chosen: list[Contact] = []
    for month in _months(timezone.localdate(since), today):
        quota = sampling.owed_by(today, PER_AGENT) if month == today.replace(day=1) else PER_AGENT
        for (_agent, key_month), pool in sorted(by_agent_month.items(), key=lambda kv: kv[0]):
            if key_month == month and pool:
                chosen.extend(rng.sample(pool, min(quota, len(pool))))
    # Drawn since yesterday: still in the inspectors' queues. The rest was scored a day or
    # two after the call.
    waiting = [c for c in chosen if c.started_at >= now - UNSCORED]
    chosen = [c for c in chosen if c.started_at < now - UNSCORED]
    # The demo agent asked for a second listen of a call three days ago (a customer praised
    # it): scored on request, the score the agent has appealed, waiting for a decision.
    agent = people.get("agent")
    requested = next(
        (
            c
            for c in reversed(contacts)
            if agent is not None
            and c.agent_id == agent.pk
            and now - timedelta(days=4) < c.started_at < now - timedelta(days=3)
            and c not in chosen
        ),
        None,
    )
    if requested is not None:
        chosen.append(requested)
    recent = [c for c in contacts if c.started_at >= now - timedelta(days=RECENT_DAYS)]
    recent = rng.sample(recent, min(RECENT_TRANSCRIPTS, len(recent)))
    transcripts = _transcripts(
        sorted({c.pk: c for c in chosen + recent + waiting}.values(), key=lambda c: c.pk), rng
    )

    scores: list[Evaluation] = []
    answer_rows: list[tuple[Evaluation, dict[int, str], set[int]]] = []
    for contact in sorted(chosen, key=lambda c: c.started_at):
        number = 1 if contact.started_at < switched else 2
        answers, overruled = _answers(items[number], transcripts[contact.pk], rng)
        if contact == requested:  # the item the agent's appeal is about
            answers[next(i.pk for i in items[number] if i.text.startswith("答复准确"))] = scoring.NO
        rules = [i.rule() for i in items[number]]
        result = scoring.score(rules, answers)
        submitted = min(now - timedelta(hours=1), _working_time(contact.started_at, rng))
        old = submitted < now - timedelta(days=5)
        acknowledged = old or rng.random() < 0.5
        evaluation = Evaluation(
            centre=centre,
            contact=contact,
            agent_id=contact.agent_id,
            inspector=inspectors[len(scores) % len(inspectors)],
            version=versions[number],
            purpose=EvaluationPurpose.SAMPLE,
            score=result.score,
            fatal=result.fatal,
            comment="；".join(
                COMMENTS[i.text]
                for i in items[number]
                if answers[i.pk] == scoring.NO and i.text in COMMENTS
            )[:500],
            submitted_at=submitted,
            contact_at=contact.started_at,
            response=AgentResponse.ACKNOWLEDGED if acknowledged else AgentResponse.PENDING,
            respond_by=submitted + timedelta(days=card.appeal_days),
            acknowledged_at=submitted + timedelta(hours=rng.randint(2, 30))
            if acknowledged
            else None,
        )
        scores.append(evaluation)
        answer_rows.append((evaluation, answers, overruled))
    Evaluation.objects.bulk_create(scores)
    automatic = {number: {i.pk for i in rows if i.auto_check} for number, rows in items.items()}
    Answer.objects.bulk_create(
        Answer(
            evaluation=evaluation,
            item_id=item,
            value=value,
            automatic=item in automatic[evaluation.version.number] and item not in overruled,
        )
        for evaluation, answers, overruled in answer_rows
        for item, value in answers.items()
    )
    SampleItem.objects.bulk_create(
        SampleItem(
            centre=centre,
            contact=evaluation.contact,
            agent_id=evaluation.agent_id,
            plan=plan,
            reason=SampleReason.CHOSEN if evaluation.contact == requested else SampleReason.RANDOM,
            inspector=evaluation.inspector,
            drawn_at=evaluation.contact_at + timedelta(hours=12),
            month=timezone.localdate(evaluation.contact_at).replace(day=1),
            state=SampleState.SCORED,
            evaluation=evaluation,
        )
        for evaluation in scores
    )
    SampleItem.objects.bulk_create(
        SampleItem(
            centre=centre,
            contact=contact,
            agent_id=contact.agent_id,
            plan=plan,
            reason=SampleReason.RANDOM,
            inspector=inspectors[index % len(inspectors)],
            drawn_at=min(now, contact.started_at + timedelta(hours=12)),
            month=timezone.localdate(contact.started_at).replace(day=1),
        )
        for index, contact in enumerate(waiting)
    )
    _appeals(scores, people, items, now, requested)
    _coaching(scores, people, now)
    _calibration(centre, versions[2], contacts, people, items[2], transcripts, rng, now)
    return len(scores)


def _appeals(
    scores: list[Evaluation],
    people: dict[str, User],
    items: dict[int, list[ScorecardItem]],
    now: datetime,
    requested: Contact | None,
) -> None:
    """Two decided appeals (one changed by the leader, one upheld by the second inspector)
    and one waiting: the demo agent's score of the call they asked to be listened to."""
    low = [s for s in scores if s.score < 90 and not s.fatal and s.version.number == 2]
    decided = [s for s in low if s.submitted_at < now - timedelta(days=6)][:2]
    for evaluation, (reason, outcome) in zip(decided, APPEALS, strict=False):
        decider = people["leader"] if outcome == AppealState.CHANGED else people.get("qa2")
        if decider is None or decider.pk == evaluation.inspector_id:
            decider = people["manager"]
        filed = evaluation.submitted_at + timedelta(days=1)
        appeal = Appeal.objects.create(
            evaluation=evaluation,
            reason=reason,
            filed_at=filed,
            state=outcome,
            decided_by=decider,
            decided_at=filed + timedelta(days=1),
            decision="重听录音确认，客户开头已报户名户号，改判为符合。"
            if outcome == AppealState.CHANGED
            else "重听录音，答复确未告知预计恢复时间，维持原判。",
        )
        evaluation.response = AgentResponse.DECIDED
        evaluation.acknowledged_at = None
        if outcome == AppealState.CHANGED:
            evaluation.current = False
            answers = dict(evaluation.answers.values_list("item_id", "value"))
            answers = {
                key: scoring.YES if value == scoring.NO else value for key, value in answers.items()
            }
            rules = [i.rule() for i in items[2]]
            review = Evaluation.objects.create(
                centre_id=evaluation.centre_id,
                contact_id=evaluation.contact_id,
                agent_id=evaluation.agent_id,
                inspector=decider,
                version=evaluation.version,
                purpose=EvaluationPurpose.REVIEW,
                score=scoring.score(rules, answers).score,
                comment=appeal.decision,
                submitted_at=filed + timedelta(days=1),
                contact_at=evaluation.contact_at,
                supersedes=evaluation,
                response=AgentResponse.DECIDED,
            )
            Answer.objects.bulk_create(
                Answer(evaluation=review, item_id=key, value=value)
                for key, value in answers.items()
            )
        evaluation.save(update_fields=["response", "acknowledged_at", "current"])
    waiting = next((s for s in scores if requested and s.contact == requested), None)
    if waiting is not None:
        Appeal.objects.create(
            evaluation=waiting,
            reason="客户来电时已表扬我的服务，本通我已按知识库口径完整答复，请复核“答复准确”一项。",
            filed_at=min(now, waiting.submitted_at + timedelta(hours=3)),
        )
        waiting.response = AgentResponse.APPEALED
        waiting.acknowledged_at = None
        waiting.save(update_fields=["response", "acknowledged_at"])


def _coaching(scores: list[Evaluation], people: dict[str, User], now: datetime) -> None:
    leader, agent = people.get("leader"), people.get("agent")
    if leader is None:
        return
    team = [s for s in scores if s.agent.team_id == leader.team_id and s.current and s.score < 85]
    for index, evaluation in enumerate(team[-3:]):
        created = min(now, evaluation.submitted_at + timedelta(days=1))
        own = agent is not None and evaluation.agent_id == agent.pk
        CoachingTask.objects.create(
            evaluation=evaluation,
            agent_id=evaluation.agent_id,
            coach=leader,
            note=COACHING[index % len(COACHING)],
            due=timezone.localdate(created) + timedelta(days=7),
            created_at=created,
            acknowledged_at=None if own else created + timedelta(hours=4),
        )


def _calibration(
    centre: OrgUnit,
    version: ScorecardVersion,
    contacts: list[Contact],
    people: dict[str, User],
    items: list[ScorecardItem],
    transcripts: dict[int, Transcript],
    rng: random.Random,
    now: datetime,
) -> None:
    """A session shown twelve days ago (three inspectors, three contacts) and this week's,
    still blind, where the first inspector has scored one contact."""
    scorers = [people[name] for name in ("qa", "qa2", "manager") if name in people]
    if len(scorers) < 2:
        return
    with_transcript = [c for c in contacts if c.pk in transcripts]
    for title, word, age, count, shown in (
        ("月度校准：停电类来电", "停电", 12, 3, True),
        ("本周校准：投诉类来电", "投诉", 1, 2, False),
    ):
        created = now - timedelta(days=age)
        pool = [c for c in with_transcript if word in c.summary and c.started_at < created]
        picked = rng.sample(pool, min(count, len(pool)))
        if not picked:
            continue
        session = CalibrationSession.objects.create(
            centre=centre,
            title=title,
            version=version,
            reference=scorers[0],
            state=CalibrationState.REVEALED if shown else CalibrationState.OPEN,
            created_by=scorers[0],
            created_at=created,
            revealed_at=created + timedelta(days=2) if shown else None,
        )
        session.contacts.set(picked)
        session.inspectors.set(scorers)
        for contact in picked:
            base, _overruled = _answers(items, transcripts[contact.pk], rng)
            for position, scorer in enumerate(scorers if shown else scorers[:1]):
                answers = dict(base)
                if position and rng.random() < 0.6:  # the others differ on an item or two
                    key = rng.choice([i.pk for i in items if not i.fatal])
                    answers[key] = scoring.NO if answers[key] != scoring.NO else scoring.YES
                rules = [i.rule() for i in items]
                result = scoring.score(rules, answers)
                evaluation = Evaluation.objects.create(
                    centre=centre,
                    contact=contact,
                    agent_id=contact.agent_id,
                    inspector=scorer,
                    version=version,
                    purpose=EvaluationPurpose.CALIBRATION,
                    score=result.score,
                    fatal=result.fatal,
                    submitted_at=created + timedelta(hours=2 + position),
                    contact_at=contact.started_at,
                    response=AgentResponse.ACKNOWLEDGED,
                    calibration=session,
                )
                Answer.objects.bulk_create(
                    Answer(evaluation=evaluation, item_id=key, value=value)
                    for key, value in answers.items()
                )
            if not shown:
                break
