"""Training sessions and the question bank (issue 20 point 2; 001 4.4.3.1: 服务礼仪、沟通
技巧、法律法规、行业知识 training by the customer-relations department): a session is
planned with the people expected, their attendance is recorded after it; questions are
written by topic, optionally from a knowledge article (the article's version is kept, so a
later change of the article marks the question for review until someone reviews it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import User
from kefu.core.roles import MANAGE_TRAINING, WRITE_QUESTIONS
from kefu.core.services.audit import audit_record
from kefu.knowledge.models import Article
from kefu.supervision.models import (
    Attendance,
    ExamQuestionKind,
    Question,
    TrainingSession,
    TrainingTopic,
)

MAX_OPTIONS = 8
MAX_PEOPLE = 500


def _require(actor: User, permission: str) -> int:
    """The actor's centre, once the actor may do this."""
    if not (actor.is_superuser or actor.has_perm(permission)):
        raise Forbidden()
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    return actor.centre_id


def _people(actor: User, person_ids: Sequence[int]) -> list[int]:
    ids = list(dict.fromkeys(person_ids))
    if len(ids) > MAX_PEOPLE:
        raise Invalid(_("Too many people."), code="training_too_many")
    found = set(
        User.objects.filter(pk__in=ids, centre_id=actor.centre_id, is_active=True).values_list(
            "pk", flat=True
        )
    )
    if len(found) != len(ids):
        raise Invalid(
            _("Some of these people are not staff of your centre."),
            code="person_unknown",
            detail={"field": "people"},
        )
    return ids


@transaction.atomic
def session_create(
    *,
    actor: User,
    topic: str,
    title: str,
    starts_at: dt.datetime,
    minutes: int,
    trainer_id: int | None = None,
    trainer_name: str = "",
    place: str = "",
    note: str = "",
    people: Sequence[int] = (),
) -> TrainingSession:
    """Plan a training session with the people expected at it (attendance recorded
    later with `attendance_record`)."""
    centre_id = _require(actor, MANAGE_TRAINING)
    if topic not in TrainingTopic.values:
        raise Invalid(_("There is no such topic."), code="topic_unknown")
    if not title.strip():
        raise Invalid(_("A session needs a title."), code="training_title")
    if not 0 < minutes <= 24 * 60:
        raise Invalid(_("A session lasts between 1 minute and a day."), code="training_minutes")
    if trainer_id is not None:
        _people(actor, [trainer_id])
    elif not trainer_name.strip():
        raise Invalid(_("Name the trainer."), code="training_trainer", detail={"field": "trainer"})
    ids = _people(actor, people)
    session = TrainingSession.objects.create(
        centre_id=centre_id,
        topic=topic,
        title=title.strip()[:100],
        starts_at=starts_at,
        minutes=minutes,
        trainer_id=trainer_id,
        trainer_name=trainer_name.strip()[:60],
        place=place[:100],
        note=note[:2000],
        created_by=actor,
    )
    Attendance.objects.bulk_create(Attendance(session=session, person_id=pid) for pid in ids)
    audit_record(actor=actor, action="training.create", obj=session, after={"people": len(ids)})
    return session


@transaction.atomic
def attendance_record(
    *, actor: User, session: TrainingSession, present: Sequence[int], added: Sequence[int] = ()
) -> TrainingSession:
    """Record who came: `present` of the people expected (others are absent), and
    `added`, people who came without being expected."""
    _require(actor, MANAGE_TRAINING)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    expected = set(session.attendance.values_list("person_id", flat=True))
    if not set(present) <= expected:
        raise Invalid(
            _("Some of these people were not expected at this session."),
            code="person_unknown",
            detail={"field": "present"},
        )
    walk_ins = [pid for pid in _people(actor, added) if pid not in expected]
    Attendance.objects.bulk_create(
        Attendance(session=session, person_id=pid, present=True) for pid in walk_ins
    )
    came = set(present) | set(walk_ins)
    session.attendance.filter(person_id__in=came).update(present=True)
    session.attendance.exclude(person_id__in=came).update(present=False)
    audit_record(
        actor=actor, action="training.attendance", obj=session, after={"present": len(came)}
    )
    return session


@transaction.atomic
def attendees_add(*, actor: User, session: TrainingSession, people: Sequence[int]) -> int:
    """People of the centre who came without being expected (walk-ins): each is listed
    once, as attended; one already listed is marked attended, never listed twice. Safe to
    repeat. Returns how many were added to the list."""
    _require(actor, MANAGE_TRAINING)
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    ids = _people(actor, people)
    if not ids:
        raise Invalid(_("Choose who came."), code="training_nobody", detail={"field": "people"})
    listed = set(session.attendance.filter(person_id__in=ids).values_list("person_id", flat=True))
    new = [pid for pid in ids if pid not in listed]
    Attendance.objects.bulk_create(
        Attendance(session=session, person_id=pid, present=True) for pid in new
    )
    session.attendance.filter(person_id__in=listed, present=False).update(present=True)
    audit_record(actor=actor, action="training.walk_in", obj=session, after={"people": sorted(ids)})
    return len(new)


def _check_question(kind: str, topic: str, text: str, options: Sequence[str], key: Any) -> None:
    if topic not in TrainingTopic.values:
        raise Invalid(_("There is no such topic."), code="topic_unknown")
    if kind not in ExamQuestionKind.values:
        raise Invalid(_("There is no such kind of question."), code="question_kind_unknown")
    if not text.strip() or len(text) > 1000:
        raise Invalid(_("Write the question (at most 1000 characters)."), code="question_text")
    choice = kind in (ExamQuestionKind.SINGLE, ExamQuestionKind.MULTIPLE)
    if choice:
        if not 2 <= len(options) <= MAX_OPTIONS or any(
            not o.strip() or len(o) > 200 for o in options
        ):
            raise Invalid(
                _("A choice question has 2 to 8 options of at most 200 characters."),
                code="question_options",
                detail={"field": "options"},
            )
        if (
            not isinstance(key, list)
            or not key
            or len(set(key)) != len(key)
            or any(not isinstance(i, int) or not 0 <= i < len(options) for i in key)
            or (kind == ExamQuestionKind.SINGLE and len(key) != 1)
        ):
            raise Invalid(
                _("Choose the right option (one for a single choice, one or more otherwise)."),
                code="question_key",
                detail={"field": "key"},
            )
    elif options:
        raise Invalid(_("Only choice questions have options."), code="question_options")
    if kind == ExamQuestionKind.TRUE_FALSE and not isinstance(key, bool):
        raise Invalid(
            _("Say whether the statement is true or false."),
            code="question_key",
            detail={"field": "key"},
        )
    if kind == ExamQuestionKind.SHORT and (not isinstance(key, str) or not key.strip()):
        raise Invalid(
            _("Write the reference answer the marker reads."),
            code="question_key",
            detail={"field": "key"},
        )


def _article(actor: User, article_id: int | None) -> Article | None:
    if article_id is None:
        return None
    article = Article.objects.filter(pk=article_id, centre_id=actor.centre_id).first()
    if article is None:
        raise Invalid(
            _("There is no such article."), code="article_unknown", detail={"field": "article"}
        )
    return article


@transaction.atomic
def question_save(
    *,
    actor: User,
    question: Question | None = None,
    version: int | None = None,
    topic: str,
    kind: str,
    text: str,
    options: Sequence[str] = (),
    key: Any,
    article_id: int | None = None,
    active: bool = True,
) -> Question:
    """Write a question, or change one (with the version it was read at). Its source
    article's version is taken now: writing or changing the question is reviewing it."""
    centre_id = _require(actor, WRITE_QUESTIONS)
    _check_question(kind, topic, text, options, key)
    article = _article(actor, article_id)
    values = {
        "topic": topic,
        "kind": kind,
        "text": text.strip(),
        "options": [o.strip() for o in options],
        "key": sorted(key) if isinstance(key, list) else key,
        "article": article,
        "article_version": article.version if article else None,
        "active": active,
    }
    if question is None:
        question = Question.objects.create(centre_id=centre_id, created_by=actor, **values)
        audit_record(actor=actor, action="question.create", obj=question)
        return question
    changed = Question.objects.filter(pk=question.pk, version=version or 0).update(
        version=question.version + 1, **values
    )
    if not changed:
        raise Conflict(_("Someone changed this question meanwhile; reload it."), code="stale")
    audit_record(actor=actor, action="question.change", obj=question)
    return Question.objects.select_related("article").get(pk=question.pk)


@transaction.atomic
def question_reviewed(*, actor: User, question: Question) -> Question:
    """The question still holds after its article changed: take the article's version."""
    _require(actor, WRITE_QUESTIONS)
    if question.article_id is None:
        return question
    version = Article.objects.values_list("version", flat=True).get(pk=question.article_id)
    Question.objects.filter(pk=question.pk).update(article_version=version)
    audit_record(actor=actor, action="question.review", obj=question)
    return Question.objects.select_related("article").get(pk=question.pk)
