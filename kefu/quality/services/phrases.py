"""The standard phrases' versions (issue 18 point 6). A centre starts with the defaults of
`kefu.quality.phrase_defaults` as version 1; an inspector or manager edits a draft, one
situation at a time, and publishes it, which retires the version in use. The version in
use is what agents are shown and what the forbidden-phrase check looks for."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.queries import require_centre
from kefu.core.roles import MANAGE_PHRASES
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.quality.models import (
    Phrase,
    PhraseBook,
    PhraseHoliday,
    PhraseKind,
    PhraseSituation,
    VersionState,
)
from kefu.quality.phrase_defaults import default_phrases
from kefu.quality.phrasebook import PhraseSpec, exceptions_of
from kefu.quality.queries.phrases import book_phrases
from kefu.quality.services.scorecards import version_publish

#: Phrases a situation may hold (the editor shows them all at once).
MAX_PER_SITUATION = 60
#: A phrase the check looks for is a few words, not a sentence.
MAX_CHECKED_LENGTH = 20


def _require(actor: User) -> None:
    if not (actor.is_superuser or actor.has_perm(MANAGE_PHRASES)):
        raise Forbidden()


def _refuse(row: int, message: str, code: str) -> Invalid:
    return Invalid(
        _("Row %(row)d: %(problem)s") % {"row": row, "problem": message},
        code=code,
        detail={"row": row},
    )


def _check(situation: str, phrases: Sequence[PhraseSpec]) -> None:
    if situation not in PhraseSituation.values:
        raise Invalid(_("There is no such situation."), code="situation_unknown")
    if len(phrases) > MAX_PER_SITUATION:
        raise Invalid(
            _("A situation has at most %(n)d phrases.") % {"n": MAX_PER_SITUATION},
            code="situation_too_long",
        )
    for row, phrase in enumerate(phrases, start=1):
        text = phrase.text.strip()
        if phrase.situation != situation or phrase.kind not in PhraseKind.values:
            raise _refuse(row, str(_("say or never say?")), "phrase_kind_invalid")
        if not text:
            raise _refuse(row, str(_("give the wording.")), "phrase_text_required")
        forbidden = phrase.kind == PhraseKind.FORBIDDEN
        if phrase.checked and not forbidden:
            raise _refuse(
                row, str(_("only a phrase never to say is looked for.")), "phrase_check_invalid"
            )
        if phrase.checked and (len(text) > MAX_CHECKED_LENGTH or "\n" in text):
            raise _refuse(
                row,
                str(_("a phrase looked for in transcripts is at most %(n)d characters."))
                % {"n": MAX_CHECKED_LENGTH},
                "phrase_check_too_long",
            )
        if phrase.exceptions.strip():
            if not phrase.checked:
                raise _refuse(
                    row,
                    str(_("exceptions belong to a phrase looked for in transcripts.")),
                    "phrase_exceptions_invalid",
                )
            if any(text.lower() not in word.lower() for word in exceptions_of(phrase.exceptions)):
                raise _refuse(
                    row,
                    str(_("each allowed word must contain the phrase (喂 → 喂养).")),
                    "phrase_exception_unrelated",
                )
        if phrase.holiday and (situation != PhraseSituation.FESTIVAL or forbidden):
            raise _refuse(
                row, str(_("only a festival greeting is for a holiday.")), "phrase_holiday_invalid"
            )
        if phrase.holiday and phrase.holiday not in PhraseHoliday.values:
            raise _refuse(row, str(_("there is no such holiday.")), "phrase_holiday_unknown")
        if situation == PhraseSituation.FESTIVAL and forbidden:
            raise _refuse(
                row, str(_("a festival greeting is something to say.")), "phrase_kind_invalid"
            )


def phrase_rows_write(book: PhraseBook, phrases: Sequence[PhraseSpec], start: int = 0) -> None:
    """Write phrases into a version, in order from `start` (the version's service, or the
    demo's loader, checks and records the change)."""
    rows = [
        Phrase(
            book=book,
            situation=phrase.situation,
            kind=phrase.kind,
            text=phrase.text.strip(),
            when=phrase.when.strip(),
            checked=phrase.checked,
            exceptions="、".join(exceptions_of(phrase.exceptions)),
            holiday=phrase.holiday,
            source=phrase.source.strip(),
            position=start + position,
        )
        for position, phrase in enumerate(phrases)
    ]
    check_lengths(*rows)
    Phrase.objects.bulk_create(rows)


@transaction.atomic
def phrase_book_ensure(
    *, actor: User | None, centre: OrgUnit, phrases: Sequence[PhraseSpec]
) -> PhraseBook | None:
    """Give a centre without standard phrases `phrases` as version 1, in use; a centre
    that has any version keeps its own. Returns the new version, or None."""
    OrgUnit.objects.select_for_update().filter(pk=centre.pk).first()
    if PhraseBook.objects.filter(centre=centre).exists():
        return None
    for situation in PhraseSituation.values:
        _check(situation, [phrase for phrase in phrases if phrase.situation == situation])
    book = PhraseBook.objects.create(
        centre=centre,
        number=1,
        state=VersionState.PUBLISHED,
        published_at=timezone.now(),
        published_by=actor,
    )
    phrase_rows_write(book, phrases)
    audit_record(
        actor=actor, action="phrase_book.add_defaults", obj=book, after={"phrases": len(phrases)}
    )
    return book


def phrase_book_start(*, actor: User) -> PhraseBook | None:
    """An inspector or manager starts a centre without standard phrases on the seeds'
    (its own name in the greeting); a centre that has any keeps its own."""
    _require(actor)
    centre = OrgUnit.objects.get(pk=require_centre(actor))
    return phrase_book_ensure(actor=actor, centre=centre, phrases=default_phrases(centre.name))


def _draft(actor: User) -> PhraseBook:
    """The centre's draft, locked: a new one copied from the version in use if none."""
    centre_id = require_centre(actor)
    OrgUnit.objects.select_for_update().filter(pk=centre_id).first()
    draft = PhraseBook.objects.filter(centre_id=centre_id, state=VersionState.DRAFT).first()
    if draft is not None:
        return draft
    last = PhraseBook.objects.filter(centre_id=centre_id).order_by("-number").first()
    draft = PhraseBook.objects.create(centre_id=centre_id, number=(last.number if last else 0) + 1)
    in_use = PhraseBook.objects.filter(centre_id=centre_id, state=VersionState.PUBLISHED).first()
    if in_use is not None:
        phrase_rows_write(draft, book_phrases(in_use))
    return draft


@transaction.atomic(durable=True)
def phrase_draft_save(
    *, actor: User, situation: str, phrases: Sequence[PhraseSpec], note: str | None = None
) -> PhraseBook:
    """Write one situation's phrases into the centre's draft (started from the version in
    use when there is none); the other situations stay as they are."""
    _require(actor)
    _check(situation, phrases)
    draft = _draft(actor)
    before = draft.phrases.filter(situation=situation).count()
    draft.phrases.filter(situation=situation).delete()
    last = draft.phrases.order_by("-position").values_list("position", flat=True).first()
    phrase_rows_write(draft, phrases, start=(last or 0) + 1)
    if note is not None:
        draft.note = note.strip()
        check_lengths(draft)
        draft.save(update_fields=["note"])
    audit_record(
        actor=actor,
        action="phrase_book.draft_save",
        obj=draft,
        before={"situation": situation, "phrases": before},
        after={"situation": situation, "phrases": len(phrases)},
    )
    return draft


@transaction.atomic(durable=True)
def phrase_draft_publish(*, actor: User) -> PhraseBook:
    """Put the draft in use; the version in use until now is retired and kept."""
    _require(actor)
    centre_id = require_centre(actor)
    OrgUnit.objects.select_for_update().filter(pk=centre_id).first()
    draft = PhraseBook.objects.filter(centre_id=centre_id, state=VersionState.DRAFT).first()
    if draft is None:
        raise Conflict(_("There is no draft to publish."), code="no_draft")
    if not draft.phrases.exists():
        raise Invalid(_("The draft has no phrases."), code="phrase_book_empty")
    version_publish(draft, PhraseBook.objects.filter(centre_id=centre_id), actor)
    audit_record(
        actor=actor,
        action="phrase_book.publish",
        obj=draft,
        after={"version": draft.number, "phrases": draft.phrases.count()},
    )
    return draft


@transaction.atomic(durable=True)
def phrase_draft_discard(*, actor: User) -> None:
    """Throw the draft away; the version in use stays."""
    _require(actor)
    centre_id = require_centre(actor)
    draft = (
        PhraseBook.objects.select_for_update()
        .filter(centre_id=centre_id, state=VersionState.DRAFT)
        .first()
    )
    if draft is None:
        raise Conflict(_("There is no draft."), code="no_draft")
    audit_record(
        actor=actor, action="phrase_book.discard", obj=draft, before={"version": draft.number}
    )
    draft.delete()
