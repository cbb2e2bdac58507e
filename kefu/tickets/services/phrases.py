"""The standard phrases a centre starts with."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from kefu.core.models import User
from kefu.core.services import audit_record
from kefu.core.validation import check_lengths
from kefu.tickets.defaults import Phrase
from kefu.tickets.models import StandardPhrase


@transaction.atomic
def standard_phrases_ensure(*, actor: User | None, phrases: Sequence[Phrase]) -> int:
    """Add `phrases` for each use (reply, callback) that has none yet, so a
    centre's own wording is never mixed with the defaults; returns how many were added."""
    present = set(StandardPhrase.objects.values_list("use", flat=True).distinct())
    rows = [
        StandardPhrase(
            use=phrase.use,
            kind=phrase.kind,
            text=phrase.text,
            position=position,
        )
        for position, phrase in enumerate(phrases)
        if phrase.use not in present
    ]
    check_lengths(*rows)
    StandardPhrase.objects.bulk_create(rows)
    if rows:
        audit_record(
            actor=actor,
            action="standard_phrase.add_defaults",
            object_type=StandardPhrase._meta.label_lower,
            object_repr=str(StandardPhrase._meta.verbose_name_plural),
            after={"added": len(rows), "uses": sorted({row.use for row in rows})},
        )
    return len(rows)
