"""Scorecards and their versions (issue 18 point 1). A scorecard is edited as a draft
version; publishing the draft puts it in use and retires the version before it. A version
that scores were given on never changes, so an old score stays explainable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid, NotFound
from kefu.core.models import User
from kefu.core.queries import require_centre
from kefu.core.roles import MANAGE_SCORECARDS
from kefu.core.services.audit import audit_record
from kefu.core.validation import check_lengths
from kefu.quality import checks
from kefu.quality.models import (
    Scorecard,
    ScorecardItem,
    ScorecardSection,
    ScorecardVersion,
    VersionState,
)
from kefu.quality.models.scorecards import Version

MAX_ITEMS = 100
MAX_WEIGHT = 100


@dataclass(frozen=True)
class ItemSpec:
    section: str
    text: str
    weight: int
    fatal: bool = False
    allow_na: bool = False
    auto_check: str = ""
    guidance: str = ""


def _require(actor: User) -> None:
    if not (actor.is_superuser or actor.has_perm(MANAGE_SCORECARDS)):
        raise Forbidden()


def _check_items(items: Sequence[ItemSpec]) -> None:
    if not items:
        raise Invalid(_("A scorecard needs at least one item."), code="scorecard_empty")
    if len(items) > MAX_ITEMS:
        raise Invalid(
            _("A scorecard has at most %(n)d items.") % {"n": MAX_ITEMS},
            code="scorecard_too_long",
        )
    for row, item in enumerate(items, start=1):
        where = {"row": row}
        if not item.section.strip() or not item.text.strip():
            raise Invalid(
                _("Row %(row)d: give the item's section and what is judged.") % where,
                code="item_text_required",
                detail=where,
            )
        if not 0 <= item.weight <= MAX_WEIGHT or (item.weight == 0 and not item.fatal):
            raise Invalid(
                _("Row %(row)d: points are 1 to 100 (0 only for a fatal item).") % where,
                code="item_weight_invalid",
                detail=where,
            )
        if item.auto_check and item.auto_check not in checks.FAMILIES:
            raise Invalid(
                _("Row %(row)d: there is no such automatic check.") % where,
                code="item_check_unknown",
                detail=where,
            )
    if not any(item.weight for item in items):
        raise Invalid(_("At least one item must carry points."), code="scorecard_without_points")


def version_items_write(version: ScorecardVersion, items: Sequence[ItemSpec]) -> None:
    """Write a version's sections and items in order (the version's service, or the
    demo's loader, checks and records the change)."""
    version.sections.all().delete()
    sections: dict[str, ScorecardSection] = {}
    rows: list[ScorecardItem] = []
    for position, item in enumerate(items):
        title = item.section.strip()
        if title not in sections:
            sections[title] = ScorecardSection(version=version, title=title, position=len(sections))
            check_lengths(sections[title])
            sections[title].save()
        rows.append(
            ScorecardItem(
                section=sections[title],
                text=item.text.strip(),
                guidance=item.guidance.strip(),
                weight=item.weight,
                fatal=item.fatal,
                allow_na=item.allow_na,
                auto_check=item.auto_check,
                position=position,
            )
        )
    check_lengths(*rows)
    ScorecardItem.objects.bulk_create(rows)


def scorecard_items(version: ScorecardVersion) -> list[ItemSpec]:
    """A version's items as the editor shows them (a new draft starts from them)."""
    return [
        ItemSpec(
            section=item.section.title,
            text=item.text,
            weight=item.weight,
            fatal=item.fatal,
            allow_na=item.allow_na,
            auto_check=item.auto_check,
            guidance=item.guidance,
        )
        for item in ScorecardItem.objects.filter(section__version=version)
        .select_related("section")
        .order_by("section__position", "position", "id")
    ]


@transaction.atomic(durable=True)
def scorecard_create(
    *,
    actor: User,
    name: str,
    items: Sequence[ItemSpec],
    description: str = "",
    appeal_days: int = 5,
) -> Scorecard:
    """A new scorecard with its first version as a draft."""
    _require(actor)
    centre_id = require_centre(actor)
    name = name.strip()
    if not name:
        raise Invalid(_("Give the scorecard a name."), code="name_required")
    if not 1 <= appeal_days <= 30:
        raise Invalid(_("Agents have 1 to 30 days to respond."), code="appeal_days_invalid")
    _check_items(items)
    scorecard = Scorecard(
        centre_id=centre_id, name=name, description=description.strip(), appeal_days=appeal_days
    )
    check_lengths(scorecard)
    try:
        with transaction.atomic():
            scorecard.save()
    except IntegrityError:
        raise Conflict(
            _("The centre has a scorecard of this name already."), code="scorecard_name_taken"
        ) from None
    version = ScorecardVersion.objects.create(scorecard=scorecard, number=1)
    version_items_write(version, items)
    audit_record(actor=actor, action="scorecard.create", obj=scorecard, after={"items": len(items)})
    return scorecard


def _locked(actor: User, scorecard_id: int) -> Scorecard:
    centre = {} if actor.is_superuser else {"centre_id": actor.centre_id}
    scorecard = Scorecard.objects.select_for_update().filter(pk=scorecard_id, **centre).first()
    if scorecard is None:
        raise NotFound(code="scorecard_not_found")
    return scorecard


@transaction.atomic(durable=True)
def scorecard_draft_save(
    *, actor: User, scorecard_id: int, items: Sequence[ItemSpec], note: str = ""
) -> ScorecardVersion:
    """Write the scorecard's draft (a new one after the version in use, if there is none)."""
    _require(actor)
    scorecard = _locked(actor, scorecard_id)
    _check_items(items)
    draft = scorecard.versions.filter(state=VersionState.DRAFT).first()
    if draft is None:
        last = scorecard.versions.order_by("-number").first()
        draft = ScorecardVersion.objects.create(
            scorecard=scorecard, number=(last.number if last else 0) + 1
        )
    draft.note = note.strip()
    check_lengths(draft)
    draft.save(update_fields=["note"])
    version_items_write(draft, items)
    audit_record(
        actor=actor,
        action="scorecard.draft_save",
        obj=scorecard,
        after={"version": draft.number, "items": len(items)},
    )
    return draft


def published_version(scorecard_id: int, centre_id: int | None) -> ScorecardVersion:
    """The version of a centre's scorecard in use, to score on; refused without one."""
    version = (
        ScorecardVersion.objects.select_related("scorecard")
        .filter(
            scorecard_id=scorecard_id,
            scorecard__centre_id=centre_id,
            state=VersionState.PUBLISHED,
        )
        .first()
    )
    if version is None:
        raise Invalid(_("This scorecard has no version in use."), code="scorecard_not_in_use")
    return version


def version_publish(draft: Version, versions: QuerySet[Any], actor: User) -> None:
    """Put `draft` in use and retire the one of `versions` (its siblings) in use: the one
    publishing step of a scorecard's versions and the standard phrases', inside the
    caller's transaction and after its checks."""
    versions.filter(state=VersionState.PUBLISHED).update(state=VersionState.RETIRED)
    draft.state = VersionState.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = actor
    draft.save(update_fields=["state", "published_at", "published_by"])


@transaction.atomic(durable=True)
def scorecard_publish(*, actor: User, scorecard_id: int) -> ScorecardVersion:
    """Put the draft in use; the version in use until now is retired (its scores stay)."""
    _require(actor)
    scorecard = _locked(actor, scorecard_id)
    draft = scorecard.versions.filter(state=VersionState.DRAFT).first()
    if draft is None:
        raise Conflict(_("There is no draft to publish."), code="no_draft")
    version_publish(draft, scorecard.versions.all(), actor)
    audit_record(
        actor=actor, action="scorecard.publish", obj=scorecard, after={"version": draft.number}
    )
    return draft
