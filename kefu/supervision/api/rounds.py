"""Rounds over the API at /api/v1/supervision/ (issue 20 point 1): start one, record the
items' results, findings corrected on the spot (001 4.1.4) with their photos and
rectifications, records drawn for a spot check (4.4.1.2), questions to staff (4.4.2.1),
finish it with its score out of 10. Creates answer 201 and so honour `Idempotency-Key`
(kefu.core.idempotency); every other change carries the version it was read at (409 when
stale)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from kefu.core.errors import NotFound
from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Int32, Out, StrictSchema, Version, errors
from kefu.core.validation import Instant
from kefu.supervision import queries
from kefu.supervision.api.checklists import SupervisionChecklistItemOut, items_out
from kefu.supervision.models import (
    AnswerVerdict,
    Finding,
    RecordKind,
    Rectification,
    RectificationState,
    ResultChoice,
    Round,
    RoundKind,
    RoundState,
    SampledRecord,
    Verdict,
)
from kefu.supervision.services import rounds as services
from kefu.supervision.services import spot_checks

router = Router(tags=["supervision"])


# --------------------------------------------------------------------------------- rounds


class SupervisionRoundIn(StrictSchema):
    kind: RoundKind
    checklist_id: Id
    team_id: Id | None = None
    place: str = Field("", max_length=100)
    unannounced: bool = False
    started_at: Instant | None = Field(None, description="Now when left out.")


class SupervisionResultIn(StrictSchema):
    checklist_item_id: Id
    result: ResultChoice
    note: str = Field("", max_length=300)


class SupervisionResultsIn(StrictSchema):
    version: Version
    results: list[SupervisionResultIn] = Field(min_length=1, max_length=60)


class SupervisionRectificationIn(StrictSchema):
    requirement: str = Field(min_length=1, max_length=1000)
    owner_id: Id
    deadline: date


class SupervisionFindingIn(StrictSchema):
    version: Version
    checklist_item_id: Id | None = None
    person_id: Id | None = Field(None, description="The staff member concerned.")
    description: str = Field(min_length=1, max_length=1000)
    correction: str = Field(
        min_length=1,
        max_length=1000,
        description="What was corrected and shown on the spot (001 4.1.4): required.",
    )
    rectification: SupervisionRectificationIn | None = None


class SupervisionFinishIn(StrictSchema):
    version: Version
    note: str = Field("", max_length=2000)


class SupervisionDrawIn(StrictSchema):
    version: Version
    kind: RecordKind
    count: int = Field(ge=1, le=20)
    seed: Int32 | None = Field(None, description="Repeats an earlier draw; random if left out.")


class SupervisionVerdictIn(StrictSchema):
    verdict: Verdict
    note: str = Field("", max_length=500)


class SupervisionQuestionIn(StrictSchema):
    version: Version
    person_id: Id
    question: str = Field(min_length=1, max_length=300)
    answer: str = Field("", max_length=1000)
    verdict: AnswerVerdict


class SupervisionRectificationOut(Out):
    id: int
    round_id: int
    finding_id: int
    requirement: str
    owner_id: int
    deadline: date
    state: RectificationState
    overdue: bool
    reopened: int
    closed_at: datetime | None
    version: int


class SupervisionFindingOut(Out):
    id: int
    checklist_item_id: int | None
    person_id: int | None
    description: str
    correction: str
    photos: list[str] = Field(description="The photos' file names.")
    rectification: SupervisionRectificationOut | None


class SupervisionResultOut(Out):
    checklist_item_id: int
    result: ResultChoice
    note: str


class SupervisionRecordOut(Out):
    id: int
    kind: RecordKind
    ticket_number: str | None
    contact_id: int | None
    seed: int
    verdict: Verdict
    note: str


class SupervisionQuestionOut(Out):
    id: int
    person_id: int
    question: str
    answer: str
    verdict: AnswerVerdict


class SupervisionRoundOut(Out):
    id: int
    kind: RoundKind
    inspector_id: int
    team_id: int | None
    place: str
    checklist_id: int
    checklist_version: int
    unannounced: bool
    started_at: datetime
    finished_at: datetime | None
    state: RoundState
    score: Decimal | None = Field(description="Out of 10 (000 第7篇); none until finished.")
    note: str
    version: int


class SupervisionRoundDetailOut(SupervisionRoundOut):
    items: list[SupervisionChecklistItemOut]
    results: list[SupervisionResultOut]
    findings: list[SupervisionFindingOut]
    records: list[SupervisionRecordOut]
    questions: list[SupervisionQuestionOut]


class SupervisionRoundFilter(StrictSchema):
    kind: RoundKind | None = None
    state: RoundState | None = None
    inspector_id: Id | None = None
    since: Instant | None = None
    until: Instant | None = None


def _round(round_: Round) -> dict[str, Any]:
    version = round_.checklist_version
    return {
        "id": round_.pk,
        "kind": round_.kind,
        "inspector_id": round_.inspector_id,
        "team_id": round_.team_id,
        "place": round_.place,
        "checklist_id": version.checklist_id,
        "checklist_version": version.number,
        "unannounced": round_.unannounced,
        "started_at": round_.started_at,
        "finished_at": round_.finished_at,
        "state": round_.state,
        "score": round_.score,
        "note": round_.note,
        "version": round_.version,
    }


def rectification_out(rect: Rectification) -> dict[str, Any]:
    return {
        "id": rect.pk,
        "round_id": rect.finding.round_id,
        "finding_id": rect.finding_id,
        "requirement": rect.requirement,
        "owner_id": rect.owner_id,
        "deadline": rect.deadline,
        "state": rect.state,
        "overdue": queries.overdue(rect),
        "reopened": rect.reopened,
        "closed_at": rect.closed_at,
        "version": rect.version,
    }


def _record(record: SampledRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "kind": record.kind,
        "ticket_number": record.ticket.number if record.ticket else None,
        "contact_id": record.contact_id,
        "seed": record.seed,
        "verdict": record.verdict,
        "note": record.note,
    }


def _detail(round_: Round) -> dict[str, Any]:
    round_ = queries.round_detail(round_)
    findings = []
    for finding in round_.findings.all():
        rect = getattr(finding, "rectification", None)
        findings.append(
            {
                "id": finding.pk,
                "checklist_item_id": finding.item_id,
                "person_id": finding.person_id,
                "description": finding.description,
                "correction": finding.correction,
                "photos": [photo.name for photo in finding.photos.all()],
                "rectification": rectification_out(rect) if rect else None,
            }
        )
    return {
        **_round(round_),
        "items": items_out(round_.checklist_version),
        "results": [
            {"checklist_item_id": r.item_id, "result": r.result, "note": r.note}
            for r in round_.results.all()
        ],
        "findings": findings,
        "records": [_record(record) for record in round_.records.all()],
        "questions": [
            {
                "id": q.pk,
                "person_id": q.person_id,
                "question": q.question,
                "answer": q.answer,
                "verdict": q.verdict,
            }
            for q in round_.questions.all()
        ],
    }


@router.get("/rounds", response=Page[SupervisionRoundOut])
def list_rounds(
    request: HttpRequest, filters: Query[SupervisionRoundFilter], params: Query[PageParams]
) -> dict[str, Any]:
    """The rounds the caller may see, the latest first: a team leader's own and their
    team's, everyone else's of the centre for managers and inspectors."""
    rounds = queries.rounds_of(request_user(request))
    if filters.kind is not None:
        rounds = rounds.filter(kind=filters.kind)
    if filters.state is not None:
        rounds = rounds.filter(state=filters.state)
    if filters.inspector_id is not None:
        rounds = rounds.filter(inspector_id=filters.inspector_id)
    if filters.since is not None:
        rounds = rounds.filter(started_at__gte=filters.since)
    if filters.until is not None:
        rounds = rounds.filter(started_at__lt=filters.until)
    return page(rounds.order_by("-started_at", "-pk"), params, _round)


@router.post("/rounds", response={201: SupervisionRoundDetailOut, **errors(403, 422)})
def create_round(request: HttpRequest, payload: SupervisionRoundIn) -> Status[dict[str, Any]]:
    """Start a round against the checklist's current version. Spot checks and mystery
    visits and calls need the customer-relations department's permission."""
    round_ = services.round_start(
        actor=request_user(request),
        kind=payload.kind.value,
        checklist_id=payload.checklist_id,
        team_id=payload.team_id,
        place=payload.place,
        unannounced=payload.unannounced,
        started_at=payload.started_at,
    )
    return Status(201, _detail(round_))


@router.get("/rounds/{int:round_id}", response={200: SupervisionRoundDetailOut, **errors(404)})
def get_round(request: HttpRequest, round_id: Id) -> dict[str, Any]:
    return _detail(queries.round_get_for_user(request_user(request), round_id))


@router.put(
    "/rounds/{int:round_id}/results",
    response={200: SupervisionRoundDetailOut, **errors(403, 404, 409, 422)},
)
def record_results(
    request: HttpRequest, round_id: Id, payload: SupervisionResultsIn
) -> dict[str, Any]:
    """Record or correct items' results while the round is open."""
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    round_ = services.round_record(
        actor=user,
        round_=round_,
        version=payload.version,
        results={
            r.checklist_item_id: services.ResultIn(r.result.value, r.note) for r in payload.results
        },
    )
    return _detail(round_)


@router.post(
    "/rounds/{int:round_id}/findings",
    response={201: SupervisionFindingOut, **errors(403, 404, 409, 422)},
)
def add_finding(
    request: HttpRequest, round_id: Id, payload: SupervisionFindingIn
) -> Status[dict[str, Any]]:
    """A finding with what was corrected on the spot (001 4.1.4), and its rectification
    when it needs one (owner, deadline; 4.1.3). Photos are added on the round's page."""
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    rect = payload.rectification
    finding = services.finding_add(
        actor=user,
        round_=round_,
        version=payload.version,
        item_id=payload.checklist_item_id,
        person_id=payload.person_id,
        description=payload.description,
        correction=payload.correction,
        rectification=(
            services.RectificationIn(rect.requirement, rect.owner_id, rect.deadline)
            if rect
            else None
        ),
    )
    found = next(f for f in _detail(round_)["findings"] if f["id"] == finding.pk)
    return Status(201, found)


@router.post(
    "/findings/{int:finding_id}/photos",
    response={201: list[str], **errors(403, 404, 422)},
)
def add_finding_photos(
    request: HttpRequest, finding_id: Id, files: File[list[UploadedFile]]
) -> Status[list[str]]:
    """A multipart upload (`files`, up to six photos to a finding, JPEG or PNG, 10 MB
    each): the finding's inspector only. Answers the finding's photos' names."""
    user = request_user(request)
    finding = (
        Finding.objects.filter(
            pk=finding_id, round__in=queries.rounds_of(user).order_by().values("pk")
        )
        .select_related("round")
        .first()
    )
    if finding is None:
        raise NotFound()
    services.finding_photos_add(actor=user, finding=finding, uploads=files)
    return Status(201, list(finding.photos.values_list("name", flat=True)))


@router.post(
    "/rounds/{int:round_id}/finish",
    response={200: SupervisionRoundDetailOut, **errors(403, 404, 409, 422)},
)
def finish_round(
    request: HttpRequest, round_id: Id, payload: SupervisionFinishIn
) -> dict[str, Any]:
    """Finish the round: every item answered, every item that fell short with its
    finding; the score out of 10 is written."""
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    round_ = services.round_finish(
        actor=user, round_=round_, version=payload.version, note=payload.note
    )
    return _detail(round_)


@router.post(
    "/rounds/{int:round_id}/records",
    response={201: list[SupervisionRecordOut], **errors(403, 404, 409, 422)},
)
def draw_records(
    request: HttpRequest, round_id: Id, payload: SupervisionDrawIn
) -> Status[list[dict[str, Any]]]:
    """Draw complaint, repair or callback records of the month before the round at
    random (001 4.4.1.2); the same seed repeats a draw."""
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    drawn = spot_checks.records_draw(
        actor=user,
        round_=round_,
        version=payload.version,
        kind=payload.kind.value,
        count=payload.count,
        seed=payload.seed,
    )
    return Status(201, [_record(record) for record in drawn])


@router.put(
    "/records/{int:record_id}",
    response={200: SupervisionRecordOut, **errors(403, 404, 409, 422)},
)
def judge_record(
    request: HttpRequest, record_id: Id, payload: SupervisionVerdictIn
) -> dict[str, Any]:
    user = request_user(request)
    record = queries.record_get_for_user(user, record_id)
    spot_checks.record_judge(
        actor=user, record=record, verdict=payload.verdict.value, note=payload.note
    )
    return _record(record)


@router.post(
    "/rounds/{int:round_id}/questions",
    response={201: SupervisionQuestionOut, **errors(403, 404, 409, 422)},
)
def add_question(
    request: HttpRequest, round_id: Id, payload: SupervisionQuestionIn
) -> Status[dict[str, Any]]:
    """A question put to a staff member (抽问, 001 4.4.2.1), the answer and the verdict."""
    user = request_user(request)
    round_ = queries.round_get_for_user(user, round_id)
    asked = spot_checks.question_add(
        actor=user,
        round_=round_,
        version=payload.version,
        person_id=payload.person_id,
        question=payload.question,
        answer=payload.answer,
        verdict=payload.verdict.value,
    )
    return Status(
        201,
        {
            "id": asked.pk,
            "person_id": asked.person_id,
            "question": asked.question,
            "answer": asked.answer,
            "verdict": asked.verdict,
        },
    )
