"""The centre's synonyms, which widen a search to words that mean the same."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid, NotFound
from kefu.core.models import User
from kefu.core.services import audit_record
from kefu.core.validation import check_fields
from kefu.knowledge import analysis
from kefu.knowledge.models import (
    Synonym,
)
from kefu.knowledge.services.articles import editor_centre

# --- synonyms ---------------------------------------------------------------------------


@transaction.atomic
def synonym_save(*, actor: User, words: str, synonym_id: int | None = None) -> Synonym:
    """Add or change a line of the synonym table. A search finds the change at once; the
    articles already indexed keep their terms, and a rebuild re-segments them with it."""
    centre_id = editor_centre(actor)
    parsed = analysis.split_words(words)
    if len(parsed) < 2:
        raise Invalid(
            _("A synonym line needs at least two words."),
            code="synonyms_too_few",
            detail={"field": "words"},
        )
    others = Synonym.objects.filter(centre_id=centre_id).exclude(pk=synonym_id or 0)
    taken = {word for line in others for word in analysis.split_words(line.words)}
    clash = sorted(set(map(analysis.normalize, parsed)) & set(map(analysis.normalize, taken)))
    if clash:
        raise Invalid(
            _("A word can stand in one synonym line only: %(words)s.")
            % {"words": "、".join(clash)},
            code="synonym_taken",
            detail={"field": "words", "words": clash},
        )
    line = ", ".join(parsed)
    check_fields(Synonym, words=line)
    if synonym_id is None:
        synonym = Synonym.objects.create(centre_id=centre_id, words=line)
        audit_record(actor=actor, action="synonym.create", obj=synonym, after={"words": line})
        return synonym
    found = Synonym.objects.select_for_update().filter(pk=synonym_id, centre_id=centre_id).first()
    if found is None:
        raise NotFound(code="synonym_not_found")
    before = found.words
    found.words = line
    found.save(update_fields=["words", "updated_at"])
    audit_record(
        actor=actor,
        action="synonym.update",
        obj=found,
        before={"words": before},
        after={"words": line},
    )
    return found


@transaction.atomic
def synonym_delete(*, actor: User, synonym_id: int) -> None:
    centre_id = editor_centre(actor)
    synonym = Synonym.objects.filter(pk=synonym_id, centre_id=centre_id).first()
    if synonym is None:
        raise NotFound(code="synonym_not_found")
    audit_record(actor=actor, action="synonym.delete", obj=synonym, before={"words": synonym.words})
    synonym.delete()
