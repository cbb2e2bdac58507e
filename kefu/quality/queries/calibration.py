"""Reads of calibration sessions (issue 18 point 5): the sessions of the user's centre to
its inspectors and managers; each inspector sees their own blind scores until the
results are shown, then everyone's, with the spread per item and the agreement with the
reference scorer; and each inspector's agreement over past sessions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from kefu.core.errors import Forbidden, NotFound
from kefu.core.models import User
from kefu.core.roles import MANAGE_SCORECARDS, SCORE_CONTACTS
from kefu.quality import agreement
from kefu.quality.models import Answer, CalibrationSession, CalibrationState, Evaluation


def sessions_of(user: User) -> QuerySet[CalibrationSession]:
    if not (user.is_superuser or user.has_perm(SCORE_CONTACTS)):
        raise Forbidden()
    sessions = CalibrationSession.objects.select_related("version__scorecard", "reference")
    return sessions if user.is_superuser else sessions.filter(centre_id=user.centre_id)


def session_get_for_user(user: User, session_id: int) -> CalibrationSession:
    session = (
        sessions_of(user).prefetch_related("contacts", "inspectors").filter(pk=session_id).first()
    )
    if session is None:
        raise NotFound(code="calibration_not_found")
    return session


def may_run(user: User) -> bool:
    return user.is_superuser or user.has_perm(MANAGE_SCORECARDS)


def scores_in(session: CalibrationSession, user: User) -> list[Evaluation]:
    """The session's scores the user may see: their own while blind, all once shown."""
    scores = Evaluation.objects.filter(calibration=session).select_related("inspector")
    if session.state != CalibrationState.REVEALED:
        scores = scores.filter(inspector=user)
    return list(scores.prefetch_related(Prefetch("answers", queryset=Answer.objects.all())))


@dataclass(frozen=True)
class Outcome:
    compared: agreement.Calibration
    items: dict[int, str]  # item id → its text
    names: dict[int, str]  # inspector id → name


def outcome(session: CalibrationSession) -> Outcome:
    scores = Evaluation.objects.filter(calibration=session).select_related("inspector")
    answers: dict[int, dict[int, str]] = defaultdict(dict)
    texts: dict[int, str] = {}
    for evaluation_id, item_id, value, text in Answer.objects.filter(
        evaluation__calibration=session
    ).values_list("evaluation_id", "item_id", "value", "item__text"):
        answers[evaluation_id][item_id] = value
        texts[item_id] = text
    scorings = [
        agreement.Scoring(
            inspector=score.inspector_id,
            contact=score.contact_id,
            score=float(score.score),
            answers=answers[score.pk],
        )
        for score in scores
    ]
    return Outcome(
        compared=agreement.compare(scorings, session.reference_id),
        items=texts,
        names={score.inspector_id: str(score.inspector) for score in scores},
    )
