"""Quality inspection over the API at /api/v1/quality/ (issue 18): the inspector's queue
and scoring, scores with the agent's acknowledgement or appeal and the decision, call
transcripts brought in from a speech-recognition service, the scorecards, the results,
the standard phrases and their draft. Creates answer 201 and so honour `Idempotency-Key`
(kefu.core.idempotency)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.forms import start_of
from kefu.core.http import request_user
from kefu.core.models import User
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.quality.models import (
    AgentResponse,
    AppealState,
    Evaluation,
    EvaluationPurpose,
    PhraseHoliday,
    PhraseKind,
    PhraseSituation,
    SampleReason,
    SampleState,
    VersionState,
)
from kefu.quality.phrasebook import PhraseSpec, exceptions_of
from kefu.quality.queries import (
    appeal_of,
    evaluation_get_for_user,
    evaluations_visible_to,
    queue_of,
    scorecard_get_for_user,
    scorecards_of,
    sees_results,
    version_with_items,
)
from kefu.quality.queries.phrases import (
    may_read_phrases,
    phrase_book_get_for_user,
    phrase_books_of,
)
from kefu.quality.queries.results import results
from kefu.quality.services import evaluations as services
from kefu.quality.services import phrases as phrase_services
from kefu.quality.services.transcripts import transcript_import
from kefu.quality.stats import Estimate

router = Router(tags=["quality"])

MAX_ANSWERS = 100
AnswerValue = Literal["yes", "no", "na"]  # kefu.quality.scoring.ANSWERS


class QualityAnswerIn(StrictSchema):
    item: int = Field(ge=1, le=2**62, description="A scorecard item's id.")
    value: AnswerValue = Field(description="yes: met; no: not met; na: not applicable.")
    comment: str = Field("", max_length=500)


class QualityScoreIn(StrictSchema):
    answers: list[QualityAnswerIn] = Field(max_length=MAX_ANSWERS)
    comment: str = Field("", max_length=2000)


class QualityAppealIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=2000)


class QualityDecisionIn(StrictSchema):
    reason: str = Field(min_length=1, max_length=2000, description="The decision and why.")
    answers: list[QualityAnswerIn] | None = Field(
        None,
        max_length=MAX_ANSWERS,
        description="The corrected answers when the score changes; absent: the score stands.",
    )


class QualityTranscriptIn(StrictSchema):
    contact: int = Field(ge=1, le=2**62)
    source: Literal["auto", "kefu", "aliyun", "tencent"] = "auto"
    transcript: dict[str, Any] = Field(
        description="kefu's format ({\"sentences\": [...]}) or the service's own result."
    )


class QualityScoreFilters(StrictSchema):
    since: date | None = None
    until: date | None = None
    agent: str | None = Field(None, max_length=150, description="The agent's username.")


class QualityPeriodIn(StrictSchema):
    since: date | None = None
    until: date | None = None


class QualityPersonOut(Out):
    username: str
    name: str


class QualityAnswerOut(Out):
    item: int
    section: str
    text: str
    points: int
    fatal: bool
    value: AnswerValue
    comment: str
    automatic: bool


class QualityAppealOut(Out):
    reason: str
    filed_at: datetime
    state: AppealState
    decided_by: QualityPersonOut | None
    decided_at: datetime | None
    decision: str


class QualityScoreOut(Out):
    id: int
    contact: int
    agent: QualityPersonOut
    inspector: QualityPersonOut
    scorecard: str
    version: int
    purpose: EvaluationPurpose
    score: Decimal
    fatal: bool
    comment: str
    submitted_at: datetime
    contact_at: datetime
    current: bool
    supersedes: int | None
    response: AgentResponse
    respond_by: datetime | None
    answers: list[QualityAnswerOut]
    appeal: QualityAppealOut | None


class QualityQueueItemOut(Out):
    id: int
    contact: int
    agent: QualityPersonOut
    reason: SampleReason
    state: SampleState
    drawn_at: datetime


class QualityScorecardItemOut(Out):
    id: int
    section: str
    text: str
    points: int
    fatal: bool
    allow_na: bool
    automatic_check: str


class QualityScorecardOut(Out):
    id: int
    name: str
    appeal_days: int
    version: int | None
    state: VersionState | None
    items: list[QualityScorecardItemOut]


class QualityTranscriptHitOut(Out):
    rule: str
    sentence: int
    start: float
    text: str


class QualityTranscriptOut(Out):
    contact: int
    sentences: int
    score: int
    hits: list[QualityTranscriptHitOut]


class QualityEstimateOut(Out):
    n: int
    mean: float | None
    low: float | None = Field(description="95 % interval (Student's t); null for n < 2.")
    high: float | None


class QualityResultRowOut(Out):
    name: str
    team: str
    estimate: QualityEstimateOut
    fatal: int
    standing: Literal["above", "below", "unclear"]


class QualityResultsOut(Out):
    since: date
    until: date
    whole: QualityEstimateOut
    agents: list[QualityResultRowOut]
    teams: list[QualityResultRowOut]


def _person(user: User | None) -> dict[str, str] | None:
    return None if user is None else {"username": user.username, "name": str(user)}


def score_out(evaluation: Evaluation) -> dict[str, Any]:
    appeal = appeal_of(evaluation)
    return {
        "id": evaluation.pk,
        "contact": evaluation.contact_id,
        "agent": _person(evaluation.agent),
        "inspector": _person(evaluation.inspector),
        "scorecard": evaluation.version.scorecard.name,
        "version": evaluation.version.number,
        "purpose": evaluation.purpose,
        "score": evaluation.score,
        "fatal": evaluation.fatal,
        "comment": evaluation.comment,
        "submitted_at": evaluation.submitted_at,
        "contact_at": evaluation.contact_at,
        "current": evaluation.current,
        "supersedes": evaluation.supersedes_id,
        "response": evaluation.response,
        "respond_by": evaluation.respond_by,
        "answers": [
            {
                "item": answer.item_id,
                "section": answer.item.section.title,
                "text": answer.item.text,
                "points": answer.item.weight,
                "fatal": answer.item.fatal,
                "value": answer.value,
                "comment": answer.comment,
                "automatic": answer.automatic,
            }
            for answer in evaluation.answers.all()
        ],
        "appeal": None
        if appeal is None
        else {
            "reason": appeal.reason,
            "filed_at": appeal.filed_at,
            "state": appeal.state,
            "decided_by": _person(appeal.decided_by),
            "decided_at": appeal.decided_at,
            "decision": appeal.decision,
        },
    }


def _answers(rows: list[QualityAnswerIn]) -> dict[int, services.AnswerSpec]:
    found: dict[int, services.AnswerSpec] = {}
    for row in rows:
        if row.item in found:
            raise Invalid(code="answer_repeated", detail={"item": row.item})
        found[row.item] = services.AnswerSpec(row.value, row.comment)
    return found


def _shown(user: User, evaluation_id: int) -> dict[str, Any]:
    return score_out(evaluation_get_for_user(user, evaluation_id))


@router.get("/queue", response=Page[QualityQueueItemOut])
def get_queue(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The contacts drawn for the signed-in inspector to score, oldest first."""

    def row(item: Any) -> dict[str, Any]:
        return {
            "id": item.pk,
            "contact": item.contact_id,
            "agent": _person(item.agent),
            "reason": item.reason,
            "state": item.state,
            "drawn_at": item.drawn_at,
        }

    return page(queue_of(request_user(request)), paging, row)


@router.post(
    "/queue/{int:item_id}/score", response={201: QualityScoreOut, **errors(403, 404, 409, 422)}
)
def score_contact(
    request: HttpRequest, item_id: Id, payload: QualityScoreIn
) -> Status[dict[str, Any]]:
    """Score a drawn contact on its plan's scorecard in use (every item answered)."""
    user = request_user(request)
    evaluation = services.evaluation_submit(
        actor=user,
        sample_item_id=item_id,
        answers=_answers(payload.answers),
        comment=payload.comment,
    )
    return Status(201, _shown(user, evaluation.pk))


@router.get("/scores", response=Page[QualityScoreOut])
def list_scores(
    request: HttpRequest, filters: Query[QualityScoreFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """The scores the user may read (their own; a leader their team's; inspectors and
    managers their centre's), newest first; `since` and `until` select by contact date."""
    scores = evaluations_visible_to(request_user(request))
    if filters.since:
        scores = scores.filter(contact_at__gte=start_of(filters.since))
    if filters.until:
        scores = scores.filter(contact_at__lt=start_of(filters.until + timedelta(days=1)))
    if filters.agent:
        scores = scores.filter(agent__username=filters.agent)
    scores = scores.select_related(
        "agent", "inspector", "version__scorecard", "appeal__decided_by"
    ).prefetch_related("answers__item__section")
    return page(scores.order_by("-submitted_at", "-id"), paging, score_out)


@router.get("/scores/{int:evaluation_id}", response={200: QualityScoreOut, **errors(404)})
def get_score(request: HttpRequest, evaluation_id: Id) -> dict[str, Any]:
    return _shown(request_user(request), evaluation_id)


@router.post(
    "/scores/{int:evaluation_id}/acknowledge",
    response={200: QualityScoreOut, **errors(404, 409)},
)
def acknowledge_score(request: HttpRequest, evaluation_id: Id) -> dict[str, Any]:
    """The agent accepts their score."""
    user = request_user(request)
    services.evaluation_acknowledge(actor=user, evaluation_id=evaluation_id)
    return _shown(user, evaluation_id)


@router.post(
    "/scores/{int:evaluation_id}/appeal",
    response={201: QualityScoreOut, **errors(404, 409, 422)},
)
def appeal_score(
    request: HttpRequest, evaluation_id: Id, payload: QualityAppealIn
) -> Status[dict[str, Any]]:
    """The agent appeals their score with a reason, within the scorecard's days."""
    user = request_user(request)
    services.appeal_file(actor=user, evaluation_id=evaluation_id, reason=payload.reason)
    return Status(201, _shown(user, evaluation_id))


@router.post(
    "/scores/{int:evaluation_id}/decision",
    response={200: QualityScoreOut, **errors(403, 404, 409, 422)},
)
def decide_appeal(
    request: HttpRequest, evaluation_id: Id, payload: QualityDecisionIn
) -> dict[str, Any]:
    """Decide the open appeal; with `answers` the score changes: the answer is the new
    score, which supersedes the appealed one."""
    user = request_user(request)
    answers = None if payload.answers is None else _answers(payload.answers)
    services.appeal_decide(
        actor=user, evaluation_id=evaluation_id, decision=payload.reason, answers=answers
    )
    evaluation = evaluation_get_for_user(user, evaluation_id)
    if not evaluation.current:
        evaluation = evaluation_get_for_user(user, evaluation.superseded_by.pk)
    return score_out(evaluation)


@router.post("/transcripts", response={201: QualityTranscriptOut, **errors(403, 404, 422)})
def import_transcript(request: HttpRequest, payload: QualityTranscriptIn) -> Status[dict[str, Any]]:
    """Bring in a contact's call transcript and run the automatic checks on it; importing
    again replaces it."""
    row = transcript_import(
        actor=request_user(request),
        contact_id=payload.contact,
        data=json.dumps(payload.transcript, ensure_ascii=False),
        source=payload.source,
    )
    return Status(
        201,
        {
            "contact": row.contact_id,
            "sentences": len(row.sentences.get("sentences", [])),
            "score": row.auto_score,
            "hits": [
                {
                    "rule": h["rule"],
                    "sentence": h["sentence"],
                    "start": h["start"],
                    "text": h["text"],
                }
                for h in row.hits
            ],
        },
    )


@router.get("/scorecards", response=list[QualityScorecardOut])
def list_scorecards(request: HttpRequest) -> list[dict[str, Any]]:
    """The centre's scorecards with the items of the version in use."""
    user = request_user(request)
    return [_scorecard_out(card) for card in scorecards_of(user).order_by("name")[:100]]


@router.get("/scorecards/{int:scorecard_id}", response={200: QualityScorecardOut, **errors(404)})
def get_scorecard(request: HttpRequest, scorecard_id: Id) -> dict[str, Any]:
    return _scorecard_out(scorecard_get_for_user(request_user(request), scorecard_id))


def _scorecard_out(card: Any) -> dict[str, Any]:
    version = card.versions.filter(state=VersionState.PUBLISHED).first()
    full = version_with_items(version.pk) if version else None
    return {
        "id": card.pk,
        "name": card.name,
        "appeal_days": card.appeal_days,
        "version": full.number if full else None,
        "state": full.state if full else None,
        "items": []
        if full is None
        else [
            {
                "id": item.pk,
                "section": section.title,
                "text": item.text,
                "points": item.weight,
                "fatal": item.fatal,
                "allow_na": item.allow_na,
                "automatic_check": item.auto_check,
            }
            for section in full.sections.all()
            for item in section.items.all()
        ],
    }


def _estimate(found: Estimate) -> dict[str, Any]:
    return {"n": found.n, "mean": found.mean, "low": found.low, "high": found.high}


@router.get("/results", response={200: QualityResultsOut, **errors(403, 422)})
def get_results(request: HttpRequest, period: Query[QualityPeriodIn]) -> dict[str, Any]:
    """The monitoring score (002 第7篇) of the centre (a leader: their team), each team and
    each agent for contacts from `since` to `until` (default: this month), with the sample
    size and the 95 % interval, and whether each stands above or below the whole."""
    user = request_user(request)
    if not sees_results(user):
        raise Forbidden()
    today = timezone.localdate()
    since, until = period.since or today.replace(day=1), period.until or today
    if until < since or (until - since).days > 366:
        raise Invalid(code="period_invalid", detail={"field": "until"})
    found = results(
        evaluations_visible_to(user), start_of(since), start_of(until + timedelta(days=1))
    )

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "name": row.name,
                "team": row.team,
                "estimate": _estimate(row.estimate),
                "fatal": row.fatal,
                "standing": row.standing,
            }
            for row in items
        ]

    return {
        "since": since,
        "until": until,
        "whole": _estimate(found.whole),
        "agents": rows(found.agents),
        "teams": rows(found.teams),
    }


# --------------------------------------------------------------- standard phrases (point 6)


class QualityPhraseIn(StrictSchema):
    kind: PhraseKind
    text: str = Field(min_length=1, max_length=300)
    when: str = Field("", max_length=100, description="The moment within the situation.")
    checked: bool = Field(False, description="A phrase never to say, looked for in transcripts.")
    exceptions: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Words that contain a checked phrase but are allowed (喂养 for 喂).",
    )
    holiday: PhraseHoliday | None = Field(None, description="A festival greeting's holiday.")


class QualityPhrasesIn(StrictSchema):
    phrases: list[QualityPhraseIn] = Field(max_length=phrase_services.MAX_PER_SITUATION)
    note: str | None = Field(None, max_length=200, description="What changed in the draft.")


class QualityPhraseOut(Out):
    situation: PhraseSituation
    kind: PhraseKind
    text: str
    when: str
    checked: bool
    exceptions: list[str]
    holiday: PhraseHoliday | None
    source: str


class QualityPhraseBookOut(Out):
    version: int
    state: VersionState
    note: str
    published_at: datetime | None
    phrases: list[QualityPhraseOut]


class QualityPhraseVersionOut(Out):
    version: int
    state: VersionState
    note: str
    published_at: datetime | None
    phrases: int


def _book_out(book: Any) -> dict[str, Any]:
    return {
        "version": book.number,
        "state": book.state,
        "note": book.note,
        "published_at": book.published_at,
        "phrases": [
            {
                "situation": phrase.situation,
                "kind": phrase.kind,
                "text": phrase.text,
                "when": phrase.when,
                "checked": phrase.checked,
                "exceptions": exceptions_of(phrase.exceptions),
                "holiday": phrase.holiday or None,
                "source": phrase.source,
            }
            for phrase in book.phrases.order_by("position", "id")
        ],
    }


@router.get("/phrases", response={200: QualityPhraseBookOut, **errors(403, 404)})
def get_phrases(
    request: HttpRequest, version: int | None = Query(None, ge=1, le=1_000_000)
) -> dict[str, Any]:
    """The centre's standard phrases: the version in use, or `version` (a draft only for
    who may edit it). 404 when the centre has none."""
    book = phrase_book_get_for_user(request_user(request), version)
    if book is None:
        raise NotFound(code="phrase_book_not_found")
    return _book_out(book)


@router.get("/phrases/versions", response={200: list[QualityPhraseVersionOut], **errors(403)})
def list_phrase_versions(request: HttpRequest) -> list[dict[str, Any]]:
    """Every version of the centre's standard phrases, newest first."""
    user = request_user(request)
    if not may_read_phrases(user):
        raise Forbidden()
    return [
        {
            "version": book.number,
            "state": book.state,
            "note": book.note,
            "published_at": book.published_at,
            "phrases": book.size,  # type: ignore[attr-defined]  # annotated
        }
        for book in phrase_books_of(user)[:200]
    ]


@router.put(
    "/phrases/draft/{situation}",
    response={200: QualityPhraseBookOut, **errors(403, 422)},
)
def put_draft_situation(
    request: HttpRequest, situation: PhraseSituation, payload: QualityPhrasesIn
) -> dict[str, Any]:
    """Replace one situation's phrases in the draft (a copy of the version in use when
    there is none); the other situations stay. Answers the whole draft."""
    draft = phrase_services.phrase_draft_save(
        actor=request_user(request),
        situation=situation,
        phrases=[
            PhraseSpec(
                situation=situation,
                kind=phrase.kind,
                text=phrase.text,
                when=phrase.when,
                checked=phrase.checked,
                exceptions="、".join(phrase.exceptions),
                holiday=phrase.holiday or "",
            )
            for phrase in payload.phrases
        ],
        note=payload.note,
    )
    return _book_out(draft)


@router.post("/phrases/publish", response={200: QualityPhraseBookOut, **errors(403, 409, 422)})
def publish_draft(request: HttpRequest) -> dict[str, Any]:
    """Put the draft in use; the version in use is retired. 409 without a draft."""
    return _book_out(phrase_services.phrase_draft_publish(actor=request_user(request)))
