"""Spot checks inside a round: records drawn at random from the complaint and repair work
orders and the callbacks (001 4.4.1.2: 抽查投诉记录、回访记录、报修记录), their verdicts, and
the questions put to staff (4.4.2.1: 随机进行抽问). The round's inspector only, while it is
open; each change bumps the round's version as the rest of the round does."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact, Direction
from kefu.core.errors import Invalid
from kefu.core.models import User
from kefu.supervision import sampling
from kefu.supervision.models import (
    AnswerVerdict,
    RecordKind,
    Round,
    SampledRecord,
    StaffQuestion,
    Verdict,
)
from kefu.supervision.queries import centre_person
from kefu.supervision.services.rounds import (
    DRAW_WINDOW,
    inspector_only,
    open_only,
    round_lock,
    save_bumped,
)
from kefu.tickets.models import Ticket, TicketKind


def _candidates(round_: Round, kind: str) -> list[int]:
    since = round_.started_at - DRAW_WINDOW
    if kind == RecordKind.CALLBACK:
        return list(
            Contact.objects.filter(
                centre_id=round_.centre_id,
                direction=Direction.OUTBOUND,
                started_at__gte=since,
                started_at__lte=round_.started_at,
            ).values_list("pk", flat=True)
        )
    ticket_kind = TicketKind.COMPLAINT if kind == RecordKind.COMPLAINT else TicketKind.FAULT
    return list(
        Ticket.objects.filter(
            centre_id=round_.centre_id,
            kind=ticket_kind,
            created_at__gte=since,
            created_at__lte=round_.started_at,
        ).values_list("pk", flat=True)
    )


@transaction.atomic
def records_draw(
    *, actor: User, round_: Round, version: int, kind: str, count: int, seed: int | None = None
) -> list[SampledRecord]:
    """Draw `count` (at most 20) complaint, repair or callback records of the month before
    the round, at random, into a spot check (001 4.4.1.2). The seed is kept, so the draw
    can be repeated and explained; records drawn already into the round are not drawn
    again."""
    round_ = round_lock(round_, version)
    inspector_only(actor, round_)
    open_only(round_)
    if kind not in RecordKind.values:
        raise Invalid(_("There is no such kind of record."), code="record_kind_unknown")
    if not 1 <= count <= sampling.MAX_DRAW:
        raise Invalid(
            _("Draw between 1 and 20 records."), code="draw_count", detail={"field": "count"}
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    field = "contact_id" if kind == RecordKind.CALLBACK else "ticket_id"
    taken = set(round_.records.exclude(**{field: None}).values_list(field, flat=True))
    pool = [pk for pk in _candidates(round_, kind) if pk not in taken]
    drawn = [
        SampledRecord(round=round_, kind=kind, seed=seed, **{field: pk})
        for pk in sampling.draw(pool, count, seed)
    ]
    SampledRecord.objects.bulk_create(drawn)
    save_bumped(round_, [])
    return list(round_.records.filter(kind=kind, seed=seed))


@transaction.atomic
def record_judge(
    *, actor: User, record: SampledRecord, verdict: str, note: str = ""
) -> SampledRecord:
    """The inspector's verdict on a drawn record (in order, or not, and why)."""
    round_ = Round.objects.select_for_update().get(pk=record.round_id)
    inspector_only(actor, round_)
    open_only(round_)
    if verdict not in Verdict.values or verdict == Verdict.PENDING:
        raise Invalid(_("There is no such verdict."), code="verdict_unknown")
    if verdict == Verdict.FAULTY and not note.strip():
        raise Invalid(
            _("Say what is not in order."), code="note_required", detail={"field": "note"}
        )
    if len(note) > 500:
        raise Invalid(_("A note is at most 500 characters."), code="note_too_long")
    record.verdict, record.note = verdict, note.strip()
    record.save(update_fields=["verdict", "note"])
    return record


@transaction.atomic
def question_add(
    *,
    actor: User,
    round_: Round,
    version: int,
    person_id: int,
    question: str,
    answer: str,
    verdict: str,
) -> StaffQuestion:
    """A question put to a staff member (抽问, 001 4.4.2.1: 检测人员对业务是否熟悉), the
    answer given and whether it was right."""
    round_ = round_lock(round_, version)
    inspector_only(actor, round_)
    open_only(round_)
    person = centre_person(round_.centre_id, person_id, "person")
    if verdict not in AnswerVerdict.values:
        raise Invalid(_("There is no such verdict."), code="verdict_unknown")
    if not question.strip() or len(question) > 300:
        raise Invalid(
            _("Write the question, in at most 300 characters."),
            code="question_empty",
            detail={"field": "question"},
        )
    if len(answer) > 1000:
        raise Invalid(_("At most 1000 characters."), code="text_too_long")
    asked = StaffQuestion.objects.create(
        round=round_,
        person=person,
        question=question.strip(),
        answer=answer.strip(),
        verdict=verdict,
    )
    save_bumped(round_, [])
    return asked
