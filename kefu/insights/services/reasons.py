"""Call-reason suggestions (issue 21 point 2): training a centre's model on its own
classified contacts, its threshold, suggesting on the workbench, and matching what was
suggested with the reason the agent saved."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.errors import Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.queries import require_centre
from kefu.core.services import audit_record
from kefu.insights import reasons
from kefu.insights.models import ReasonModel, ReasonSettings, ReasonSuggestion, SuggestionOutcome
from kefu.insights.queries.reasons import (
    ReasonChoice,
    may_manage,
    may_suggest,
    reason_choices,
    served_model,
    threshold_of,
)

logger = logging.getLogger(__name__)

#: The newest classified contacts a training reads: a centre's recent habits, bounded time.
MAX_TRAINING_CONTACTS = 50_000
#: A contact saved this long after the suggestions were last shown is matched with them.
MATCH_WINDOW_MINUTES = 60
THRESHOLD_MIN = Decimal("0.01")
THRESHOLD_MAX = Decimal("0.99")
SESSION_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _examples(centre_id: int, limit: int) -> list[tuple[str, int]]:
    """(summary, service content) of the centre's newest classified contacts.

    The label is the service content: the last and finest of the agent's picks, under its
    business type (contacts.models.CallReason), so it names the business type too and
    filling it fills both; contacts classified only by business type say too little to
    learn from and are left out."""
    rows = (
        Contact.objects.filter(
            centre_id=centre_id,
            service_content__isnull=False,
            service_content__active=True,
        )
        .exclude(summary="")
        .order_by("-started_at", "-id")
        .values_list("summary", "service_content_id")[:limit]
    )
    return [(summary, reason) for summary, reason in rows if reason is not None]


def reason_model_train(
    *, actor: User | None, centre_id: int | None = None, limit: int = MAX_TRAINING_CONTACTS
) -> ReasonModel:
    """Train a centre's model on its classified contacts, measured on a held-out fifth: the
    manager's own centre, or `centre_id` for the nightly task and the demo (`actor` None).
    Refused below `reasons.MIN_TRAINING_CONTACTS` contacts (or with fewer than two
    reasons). `limit`: the newest contacts read at most."""
    if actor is not None:
        if not may_manage(actor):
            raise Forbidden()
        centre_id = require_centre(actor)
    if centre_id is None:
        raise ValueError("a centre is needed without an actor")
    # Training takes seconds: outside any transaction, so no lock is held meanwhile.
    try:
        trained = reasons.train(_examples(centre_id, limit))
    except reasons.TooFew as error:
        raise Invalid(
            _(
                "Too few classified contacts to learn from: %(count)s, across %(reasons)s "
                "call reasons. The model needs at least %(minimum)s contacts with a summary "
                "and a service content, in two call reasons or more."
            )
            % {
                "count": error.count,
                "reasons": error.reasons,
                "minimum": reasons.MIN_TRAINING_CONTACTS,
            },
            code="reason_training_too_few",
            detail={"count": error.count, "minimum": reasons.MIN_TRAINING_CONTACTS},
        ) from error
    evaluation = trained.evaluation
    with transaction.atomic():
        row = ReasonModel.objects.create(
            centre_id=centre_id,
            trained_at=timezone.now(),
            trained_by=actor,
            size=trained.size,
            reasons=len(trained.model.labels),
            held_out=evaluation.held_out,
            top1=evaluation.top1,
            top3=evaluation.top3,
            per_reason=[
                {"reason": f.label, "support": f.support, "recall": f.recall}
                for f in evaluation.per_reason
            ],
            data=trained.model.to_bytes(),
        )
        audit_record(
            actor=actor,
            action="reason_model.train",
            obj=row,
            after={"size": row.size, "top1": round(row.top1, 4), "top3": round(row.top3, 4)},
        )
    return row


def reason_models_retrain() -> int:
    """Every night: each centre with enough classified contacts gets a fresh model; how
    many did."""
    done = 0
    for centre in OrgUnit.objects.filter(kind=OrgUnit.Kind.CENTRE):
        try:
            reason_model_train(actor=None, centre_id=centre.pk)
        except Invalid:
            logger.info("centre %s: too few classified contacts to train on", centre.pk)
            continue
        done += 1
    return done


@transaction.atomic
def reason_threshold_set(*, actor: User, threshold: Decimal | str | float) -> ReasonSettings:
    """Set the lowest confidence a suggestion is shown with, for the manager's centre."""
    if not may_manage(actor):
        raise Forbidden()
    centre_id = require_centre(actor)
    try:
        value = Decimal(str(threshold)).quantize(Decimal("0.01"))
    except InvalidOperation:
        value = Decimal(-1)
    if not THRESHOLD_MIN <= value <= THRESHOLD_MAX:
        raise Invalid(
            _("The threshold is a confidence between 0.01 and 0.99."),
            code="reason_threshold_invalid",
            detail={"field": "threshold"},
        )
    row, _created = ReasonSettings.objects.select_for_update().get_or_create(centre_id=centre_id)
    before = {"threshold": str(row.threshold)}
    row.threshold = value
    row.save(update_fields=["threshold", "updated_at"])
    audit_record(
        actor=actor,
        action="reason_threshold.update",
        obj=row,
        before=before,
        after={"threshold": str(value)},
    )
    return row


@dataclass(frozen=True)
class Suggested:
    choices: list[ReasonChoice]
    model_id: int | None  # None: the centre has no model yet
    threshold: Decimal


def reason_suggest(*, actor: User, summary: str, session: str = "") -> Suggested:
    """The top three reasons of `summary` at least as sure as the centre's threshold.

    With the workbench form's token (`session`), what was shown is kept (one row per
    form, the latest suggestions) so the reason the agent saves can be matched with it."""
    if not may_suggest(actor):
        raise Forbidden()
    centre_id = require_centre(actor)
    if session and not SESSION_PATTERN.fullmatch(session):
        raise Invalid(_("The form has expired; reload the page."), code="session_invalid")
    threshold = threshold_of(centre_id)
    summary = summary[: reasons.MAX_TEXT]
    served = served_model(centre_id) if summary.strip() else None
    if served is None:
        return Suggested(choices=[], model_id=None, threshold=threshold)
    model_id, model = served
    ranked = model.suggest(summary, threshold=float(threshold))
    choices = reason_choices(centre_id, [(s.label, s.confidence) for s in ranked])
    # A form already saved keeps what it showed then (its token is not used again).
    if (
        session
        and not ReasonSuggestion.objects.filter(
            agent=actor, session=session, contact__isnull=False
        ).exists()
    ):
        ReasonSuggestion.objects.update_or_create(
            agent=actor,
            session=session,
            defaults={
                "centre_id": centre_id,
                "model_id": model_id,
                "summary": summary,
                "shown": [{"reason": c.id, "confidence": round(c.confidence, 4)} for c in choices],
                "updated_at": timezone.now(),
            },
        )
    return Suggested(choices=choices, model_id=model_id, threshold=threshold)


def reason_suggestion_match(*, contact: Contact) -> ReasonSuggestion | None:
    """Match a newly saved contact with the suggestions its agent was last shown on the
    workbench within the hour (not matched yet): the reason saved was the first suggestion,
    another of the three, or none of them. A form whose suggestions were all below the
    threshold showed nothing and is not counted."""
    since = contact.created_at - timedelta(minutes=MATCH_WINDOW_MINUTES)
    with transaction.atomic():
        candidates = list(
            ReasonSuggestion.objects.select_for_update()
            .filter(
                agent_id=contact.agent_id,
                centre_id=contact.centre_id,
                contact__isnull=True,
                updated_at__gte=since,
                updated_at__lte=contact.created_at,
            )
            .order_by("-updated_at", "-id")[:5]
        )
        # The form whose last suggestions were for the very summary saved; else the newest.
        same = [row for row in candidates if row.summary == contact.summary[: reasons.MAX_TEXT]]
        found = same[0] if same else (candidates[0] if candidates else None)
        if found is None or not found.shown:
            return None
        shown = [row["reason"] for row in found.shown]
        if shown[:1] == [contact.service_content_id]:
            outcome = SuggestionOutcome.TOP1
        elif contact.service_content_id in shown:
            outcome = SuggestionOutcome.TOP3
        else:
            outcome = SuggestionOutcome.NONE
        found.contact = contact
        found.outcome = outcome
        found.save(update_fields=["contact", "outcome"])
    return found
