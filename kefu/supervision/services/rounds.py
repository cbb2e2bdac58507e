"""Rounds, from start to finish (001 4.2–4.5): the items' results, findings corrected on
the spot (4.1.4) with their photos, rectifications with owner and deadline re-checked to
closure (4.1.3), records drawn for a spot check (4.4.1.2) and questions put to staff
(4.4.2.1). Every change checks the actor, runs in one transaction and guards against a
concurrent writer with the row's version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core import filetypes
from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.roles import MAKE_ROUNDS, SPOT_CHECK
from kefu.core.services.audit import audit_record
from kefu.core.validation import InvalidInstant, check_instant
from kefu.supervision import queries, scoring
from kefu.supervision.models import (
    Checklist,
    Finding,
    FindingPhoto,
    ItemResult,
    ResultChoice,
    Round,
    RoundKind,
    RoundState,
)
from kefu.supervision.services.rectifications import rectification_open

#: Kinds only the customer-relations department makes (001 4.5.3 and 暗访).
SPOT_CHECK_KINDS = frozenset(
    {RoundKind.SPOT_CHECK, RoundKind.MYSTERY_VISIT, RoundKind.MYSTERY_CALL}
)
#: The records of a spot check are drawn from this far back (a month of complaints, repairs
#: and callbacks before the round).
DRAW_WINDOW = dt.timedelta(days=31)
PHOTOS_PER_FINDING = 6
PHOTO_MAX_BYTES = 10 * 1024 * 1024
#: A round written down after the fact (on paper first) is entered within a day; older
#: ones would let a missed day be filled in afterwards.
LONGEST_BACKDATE = dt.timedelta(hours=24)


def _require(actor: User, permission: str) -> None:
    if not (actor.is_superuser or actor.has_perm(permission)):
        raise Forbidden()


def round_lock(round_: Round, version: int) -> Round:
    """Lock the round and check the caller saw its latest version."""
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.version != version:
        raise Conflict(code="stale_version", detail={"version": locked.version})
    return locked


def save_bumped(round_: Round, fields: list[str]) -> None:
    round_.version += 1
    round_.save(update_fields=[*fields, "version"])


def inspector_only(actor: User, round_: Round) -> None:
    if round_.inspector_id != actor.pk:
        raise Forbidden(_("Only the inspector of a round changes it."), code="not_inspector")


def open_only(round_: Round) -> None:
    if round_.state != RoundState.OPEN:
        raise Conflict(_("This round is finished."), code="round_finished")


@transaction.atomic
def round_start(
    *,
    actor: User,
    kind: str,
    checklist_id: int,
    team_id: int | None = None,
    place: str = "",
    unannounced: bool = False,
    started_at: dt.datetime | None = None,
) -> Round:
    """Start a round against the checklist's current version. Spot checks and mystery
    visits and calls are the customer-relations department's (001 4.5.3)."""
    _require(actor, MAKE_ROUNDS)
    if kind not in RoundKind.values:
        raise Invalid(_("There is no such kind of round."), code="round_kind_unknown")
    if kind in SPOT_CHECK_KINDS:
        _require(actor, SPOT_CHECK)
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    checklist = Checklist.objects.filter(
        pk=checklist_id, centre_id=actor.centre_id, active=True
    ).first()
    if checklist is None:
        raise Invalid(
            _("There is no such checklist in use."),
            code="checklist_unknown",
            detail={"field": "checklist"},
        )
    version = checklist.versions.order_by("-number").first()
    if version is None:
        raise Invalid(_("This checklist has no items yet."), code="checklist_empty")
    if (
        team_id is not None
        and not OrgUnit.objects.filter(
            pk=team_id, parent_id=actor.centre_id, kind=OrgUnit.Kind.TEAM
        ).exists()
    ):
        raise Invalid(
            _("There is no such team in your centre."),
            code="team_unknown",
            detail={"field": "team"},
        )
    now = timezone.now()
    if started_at is None:
        started_at = now
    else:
        try:
            check_instant(started_at)
        except InvalidInstant as error:
            raise Invalid(error.message, code=error.code) from error
        if started_at < now - LONGEST_BACKDATE:
            raise Invalid(
                _("A round is entered within a day of when it was made."),
                code="round_too_old",
                detail={"field": "started_at"},
            )
        if started_at > now + dt.timedelta(minutes=5):
            raise Invalid(
                _("A round cannot start in the future."),
                code="round_in_future",
                detail={"field": "started_at"},
            )
    if len(place) > 100:
        raise Invalid(_("The place is at most 100 characters."), code="place_too_long")
    round_ = Round.objects.create(
        centre_id=actor.centre_id,
        kind=kind,
        inspector=actor,
        team_id=team_id,
        place=place.strip(),
        checklist_version=version,
        unannounced=unannounced or kind in SPOT_CHECK_KINDS - {RoundKind.SPOT_CHECK},
        started_at=started_at,
    )
    audit_record(actor=actor, action="supervision.round_start", obj=round_)
    return round_


@dataclass(frozen=True)
class ResultIn:
    result: str
    note: str = ""


@transaction.atomic
def round_record(
    *, actor: User, round_: Round, version: int, results: Mapping[int, ResultIn]
) -> Round:
    """Record (or correct) item results while the round is open; items not named keep
    what they had."""
    round_ = round_lock(round_, version)
    inspector_only(actor, round_)
    open_only(round_)
    items = set(round_.checklist_version.items.values_list("pk", flat=True))
    unknown = set(results) - items
    if unknown:
        raise Invalid(
            _("An item is not on this round's checklist."),
            code="item_unknown",
            detail={"item": sorted(unknown)[0]},
        )
    for item_id, value in results.items():
        if value.result not in ResultChoice.values:
            raise Invalid(_("There is no such result."), code="result_unknown")
        if len(value.note) > 300:
            raise Invalid(_("A note is at most 300 characters."), code="note_too_long")
        ItemResult.objects.update_or_create(
            round=round_, item_id=item_id, defaults={"result": value.result, "note": value.note}
        )
    save_bumped(round_, [])
    return round_


def _score(round_: Round) -> scoring.Decimal | None:
    rows = round_.results.select_related("item").all()
    return scoring.score((row.result, row.item.points) for row in rows)


@transaction.atomic
def round_finish(*, actor: User, round_: Round, version: int, note: str = "") -> Round:
    """Finish a round: every item must have a result; the score out of 10 is written
    (000 第7篇). A finished round counts towards the daily rounds (001 4.5)."""
    round_ = round_lock(round_, version)
    inspector_only(actor, round_)
    open_only(round_)
    items = set(round_.checklist_version.items.values_list("pk", flat=True))
    answered = set(round_.results.values_list("item_id", flat=True))
    if items - answered:
        raise Invalid(
            _("Give every item of the checklist a result before finishing (%(n)d left).")
            % {"n": len(items - answered)},
            code="round_items_unanswered",
            detail={"items": sorted(items - answered)},
        )
    failed = set(round_.results.filter(result=ResultChoice.FAIL).values_list("item_id", flat=True))
    found = set(round_.findings.exclude(item=None).values_list("item_id", flat=True))
    if failed - found:
        raise Invalid(
            _(
                "Each item that falls short needs a finding with what was corrected on the "
                "spot (%(n)d without one)."
            )
            % {"n": len(failed - found)},
            code="round_fail_without_finding",
            detail={"items": sorted(failed - found)},
        )
    if len(note) > 2000:
        raise Invalid(_("The note is at most 2000 characters."), code="note_too_long")
    round_.state, round_.finished_at = RoundState.DONE, timezone.now()
    round_.score, round_.note = _score(round_), note
    save_bumped(round_, ["state", "finished_at", "score", "note"])
    audit_record(
        actor=actor,
        action="supervision.round_finish",
        obj=round_,
        after={"score": str(round_.score) if round_.score is not None else None},
    )
    return round_


@dataclass(frozen=True)
class RectificationIn:
    requirement: str
    owner_id: int
    deadline: dt.date


def _check_photos(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str, str]]:
    if len(uploads) > PHOTOS_PER_FINDING:
        raise Invalid(
            _("At most %(count)d photos go with one finding.") % {"count": PHOTOS_PER_FINDING},
            code="too_many_files",
            detail={"field": "photos"},
        )
    checked = []
    limit = getattr(settings, "KEFU_SUPERVISION_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES)
    for upload in uploads:
        name = PurePath(upload.name or "").name[:200]
        content_type = filetypes.upload_check(name, upload.size or 0, upload, max_bytes=limit)
        if not content_type.startswith("image/"):
            raise Invalid(
                _("“%(name)s” is not a photo.") % {"name": name},
                code="photo_type",
                detail={"field": "photos", "name": name},
            )
        checked.append((upload, name, content_type))
    return checked


def _centre_user(centre_id: int, user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    return queries.centre_person(centre_id, user_id, field)


@transaction.atomic
def finding_add(
    *,
    actor: User,
    round_: Round,
    version: int,
    description: str,
    correction: str,
    item_id: int | None = None,
    person_id: int | None = None,
    photos: Sequence[UploadedFile] = (),
    rectification: RectificationIn | None = None,
) -> Finding:
    """Record a finding with what was corrected on the spot. 001 4.1.4: a violation found
    is corrected there and then and shown how it is done (当场予以纠正,示范指导), never only
    recorded (杜绝只查不帮): without the correction the finding is refused. The item it
    concerns is marked as falling short; a rectification, when the finding needs more
    than the spot allows, is set with its owner and deadline (4.1.3)."""
    round_ = round_lock(round_, version)
    inspector_only(actor, round_)
    open_only(round_)
    if not description.strip():
        raise Invalid(
            _("Say what was found."), code="finding_empty", detail={"field": "description"}
        )
    if not correction.strip():
        raise Invalid(
            _(
                "Say what was corrected and shown on the spot: a finding is never only "
                "recorded (001 4.1.4)."
            ),
            code="finding_not_corrected",
            detail={"field": "correction"},
        )
    if len(description) > 1000 or len(correction) > 1000:
        raise Invalid(_("At most 1000 characters."), code="text_too_long")
    if item_id is not None and not round_.checklist_version.items.filter(pk=item_id).exists():
        raise Invalid(
            _("An item is not on this round's checklist."),
            code="item_unknown",
            detail={"field": "item"},
        )
    person = _centre_user(round_.centre_id, person_id, "person")
    checked = _check_photos(photos)
    finding = Finding.objects.create(
        round=round_,
        item_id=item_id,
        person=person,
        description=description.strip(),
        correction=correction.strip(),
        created_by=actor,
    )
    if item_id is not None:
        ItemResult.objects.update_or_create(
            round=round_, item_id=item_id, defaults={"result": ResultChoice.FAIL}
        )
    for upload, name, content_type in checked:
        photo = FindingPhoto(
            finding=finding,
            name=name,
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=actor,
        )
        photo.file.save(name, upload, save=False)
        photo.save()
    if rectification is not None:
        rectification_open(actor, finding, rectification)
    save_bumped(round_, [])
    audit_record(actor=actor, action="supervision.finding_add", obj=finding)
    return finding


@transaction.atomic
def finding_photos_add(
    *, actor: User, finding: Finding, uploads: Sequence[UploadedFile]
) -> list[FindingPhoto]:
    """Add photos to a finding (taken on the round, uploaded later from the phone): its
    inspector only, at most six to a finding, each checked to be a picture."""
    finding = Finding.objects.select_for_update().select_related("round").get(pk=finding.pk)
    inspector_only(actor, finding.round)
    if not uploads:
        raise Invalid(_("Choose a photo."), code="photo_missing", detail={"field": "files"})
    if finding.photos.count() + len(uploads) > PHOTOS_PER_FINDING:
        raise Invalid(
            _("At most %(count)d photos go with one finding.") % {"count": PHOTOS_PER_FINDING},
            code="too_many_files",
            detail={"field": "files"},
        )
    added = []
    for upload, name, content_type in _check_photos(uploads):
        photo = FindingPhoto(
            finding=finding,
            name=name,
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=actor,
        )
        photo.file.save(name, upload, save=False)
        photo.save()
        added.append(photo)
    audit_record(
        actor=actor, action="supervision.finding_photos_add", obj=finding, after={"n": len(added)}
    )
    return added
