"""A contact's call transcript brought in and checked (issue 18 point 7): the sentences a
speech-recognition service delivered (kefu's format, or Aliyun's and Tencent's results)
are stored with the hits and the score the default rule set gives them; importing again
replaces them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.contacts.models import Contact
from kefu.core.errors import Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.queries import require_centre
from kefu.core.roles import MANAGE_SCORECARDS, SCORE_CONTACTS
from kefu.core.services.audit import audit_record
from kefu.quality import checks
from kefu.quality.models import RuleSwitch, Transcript
from kefu.quality.queries.rules import live_rules


def hits_value(result: checks.CheckResult) -> list[dict[str, Any]]:
    return [
        {
            "rule": hit.rule,
            "rule_id": hit.rule_id,
            "sentence": hit.sentence,
            "start": hit.start,
            "text": hit.text,
            "detail": hit.detail,
        }
        for hit in result.hits
    ]


def transcript_row(contact: Contact, transcript: checks.Transcript, source: str) -> Transcript:
    """The unsaved row for ``contact``'s transcript, checked by the centre's live rules."""
    result = checks.check(transcript, live_rules(contact.centre_id))
    return Transcript(
        centre_id=contact.centre_id,
        contact=contact,
        sentences=transcript.as_dict(),
        source=source,
        imported_at=timezone.now(),
        hits=hits_value(result),
        auto_score=result.score,
    )


@transaction.atomic(durable=True)
def transcript_import(
    *, actor: User | None, contact_id: int, data: bytes | str, source: str = checks.AUTO
) -> Transcript:
    """Store and check a contact's transcript; ``actor`` None is the telephone platform's
    feed. A malformed file is refused with the place and the problem, in Chinese."""
    if actor is not None and not (actor.is_superuser or actor.has_perm(SCORE_CONTACTS)):
        raise Forbidden()
    contacts = Contact.objects.all()
    if actor is not None and not actor.is_superuser:
        contacts = contacts.filter(centre_id=actor.centre_id)
    contact = contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(code="contact_not_found")
    if source not in (*checks.SOURCES, checks.AUTO):
        raise Invalid(code="source_invalid", detail={"field": "source"})
    try:
        transcript = checks.read_transcript(data, source=source)
    except checks.TranscriptError as error:
        raise Invalid(error.message, code="transcript_invalid") from None
    row = transcript_row(contact, transcript, source)
    Transcript.objects.filter(contact=contact).delete()
    row.save()
    audit_record(
        actor=actor,
        action="quality.transcript_import",
        obj=row,
        after={"sentences": len(transcript.sentences), "score": row.auto_score},
    )
    return row


@transaction.atomic(durable=True)
def rule_switch_set(*, actor: User, family: str, live: bool) -> RuleSwitch:
    """Put a family of the automatic checks live in the actor's centre, or take it off;
    transcripts brought in afterwards are checked accordingly (those before keep their
    hits)."""
    if not (actor.is_superuser or actor.has_perm(MANAGE_SCORECARDS)):
        raise Forbidden()
    centre_id = require_centre(actor)
    if family not in checks.FAMILIES:
        raise Invalid(_("There is no such automatic check."), code="check_unknown")
    switch, _created = RuleSwitch.objects.update_or_create(
        centre_id=centre_id,
        family=family,
        defaults={"live": live, "changed_by": actor, "changed_at": timezone.now()},
    )
    audit_record(
        actor=actor,
        action="quality.rule_switch",
        obj=switch,
        after={"family": family, "live": live},
    )
    return switch
