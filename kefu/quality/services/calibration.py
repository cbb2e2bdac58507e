"""Calibration sessions (校准, issue 18 point 5): the same contacts scored blind by several
inspectors on one scorecard version; once every inspector has scored (or the organiser
decides), the results are shown: the spread per item and each inspector's agreement with
the reference scorer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.queries import require_centre
from kefu.core.roles import MANAGE_SCORECARDS, SCORE_CONTACTS
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.quality.models import (
    CalibrationSession,
    CalibrationState,
    Evaluation,
    EvaluationPurpose,
)
from kefu.quality.services.evaluations import AnswerSpec, record_score
from kefu.quality.services.scorecards import published_version

MAX_CONTACTS = 20
MAX_INSPECTORS = 20


@transaction.atomic(durable=True)
def calibration_create(
    *,
    actor: User,
    title: str,
    scorecard_id: int,
    contact_ids: Sequence[int],
    inspector_ids: Sequence[int],
    reference_id: int,
) -> CalibrationSession:
    """A session on the scorecard's version in use; the reference scorer is one of the
    inspectors."""
    if not (actor.is_superuser or actor.has_perm(MANAGE_SCORECARDS)):
        raise Forbidden()
    centre_id = require_centre(actor)
    title = title.strip()
    if not title:
        raise Invalid(_("Give the session a title."), code="title_required")
    version = published_version(scorecard_id, centre_id)
    contacts = list(Contact.objects.filter(pk__in=set(contact_ids), centre_id=centre_id))
    if not 1 <= len(contacts) <= MAX_CONTACTS or len(contacts) != len(set(contact_ids)):
        raise Invalid(
            _("Choose 1 to 20 of the centre's contacts."),
            code="contacts_invalid",
            detail={"field": "contacts"},
        )
    people = list(
        User.objects.filter(pk__in=set(inspector_ids), centre_id=centre_id, is_active=True)
    )
    if (
        not 2 <= len(people) <= MAX_INSPECTORS
        or len(people) != len(set(inspector_ids))
        or not all(person.has_perm(SCORE_CONTACTS) for person in people)
    ):
        raise Invalid(
            _("Choose 2 to 20 of the centre's inspectors."),
            code="inspectors_invalid",
            detail={"field": "inspectors"},
        )
    if reference_id not in {person.pk for person in people}:
        raise Invalid(
            _("The reference scorer must be one of the session's inspectors."),
            code="reference_invalid",
            detail={"field": "reference"},
        )
    session = CalibrationSession(
        centre_id=centre_id,
        title=title,
        version=version,
        reference_id=reference_id,
        created_by=actor,
        created_at=timezone.now(),
    )
    check_lengths(session)
    session.save()
    session.contacts.set(contacts)
    session.inspectors.set(people)
    audit_record(
        actor=actor,
        action="calibration.create",
        obj=session,
        after={"contacts": len(contacts), "inspectors": len(people)},
    )
    return session


def _locked(actor: User, session_id: int) -> CalibrationSession:
    sessions = CalibrationSession.objects.select_for_update()
    if not actor.is_superuser:
        sessions = sessions.filter(centre_id=actor.centre_id)
    session = sessions.filter(pk=session_id).first()
    if session is None:
        raise NotFound(code="calibration_not_found")
    return session


@transaction.atomic(durable=True)
def calibration_score(
    *,
    actor: User,
    session_id: int,
    contact_id: int,
    answers: Mapping[int, AnswerSpec],
    comment: str = "",
) -> Evaluation:
    """One inspector's blind score of one of the session's contacts."""
    session = _locked(actor, session_id)
    if not session.inspectors.filter(pk=actor.pk).exists():
        raise Forbidden(_("You are not one of this session's inspectors."))
    if session.state != CalibrationState.OPEN:
        raise Conflict(_("The session's results are shown: scoring has ended."), code="revealed")
    contact = session.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(code="contact_not_found")
    evaluation = record_score(
        inspector=actor,
        contact=contact,
        version=session.version,
        answers=answers,
        comment=comment,
        purpose=EvaluationPurpose.CALIBRATION,
        calibration=session,
    )
    audit_record(
        actor=actor,
        action="calibration.score",
        obj=session,
        after={"contact": contact.pk, "score": str(evaluation.score)},
    )
    return evaluation


@transaction.atomic(durable=True)
def calibration_reveal(*, actor: User, session_id: int) -> CalibrationSession:
    """End the blind scoring and show everyone the results."""
    if not (actor.is_superuser or actor.has_perm(MANAGE_SCORECARDS)):
        raise Forbidden()
    session = _locked(actor, session_id)
    if session.state == CalibrationState.REVEALED:
        return session
    session.state = CalibrationState.REVEALED
    session.revealed_at = timezone.now()
    session.save(update_fields=["state", "revealed_at"])
    audit_record(actor=actor, action="calibration.reveal", obj=session)
    return session
