"""The centre's checklists (001 4.2): set up from the seeds' defaults, edited by saving a
new version (a round keeps the version it was made against, so an old round stays
explainable)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Conflict, Forbidden, Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.roles import MANAGE_CHECKLISTS
from kefu.core.services.audit import audit_record
from kefu.supervision.defaults import DEFAULT_CHECKLISTS
from kefu.supervision.models import (
    Checklist,
    ChecklistItem,
    ChecklistKind,
    ChecklistVersion,
    Section,
)

MAX_ITEMS = 60


@dataclass(frozen=True)
class ItemIn:
    section: str
    text: str
    points: Decimal = Decimal(1)
    source: str = ""


def _write_version(
    checklist: Checklist, items: Sequence[ItemIn], actor: User | None, note: str
) -> ChecklistVersion:
    if not items:
        raise Invalid(_("A checklist needs at least one item."), code="checklist_empty")
    if len(items) > MAX_ITEMS:
        raise Invalid(_("A checklist holds at most 60 items."), code="checklist_too_long")
    for item in items:
        if item.section not in Section.values:
            raise Invalid(_("There is no such section."), code="checklist_section_unknown")
        if not item.text.strip() or len(item.text) > 300 or len(item.source) > 40:
            raise Invalid(
                _("Each item needs a text of at most 300 characters."), code="checklist_item"
            )
        if not Decimal(0) < item.points <= Decimal(100):
            raise Invalid(
                _("An item weighs more than 0 and at most 100 points."), code="checklist_points"
            )
    last = checklist.versions.aggregate(n=Max("number"))["n"] or 0
    version = ChecklistVersion.objects.create(
        checklist=checklist, number=last + 1, created_by=actor, note=note[:200]
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            version=version,
            position=index,
            section=item.section,
            text=item.text.strip(),
            points=item.points,
            source=item.source,
        )
        for index, item in enumerate(items, start=1)
    )
    return version


@transaction.atomic
def checklists_ensure(*, centre: OrgUnit) -> int:
    """Give a centre the default checklists it does not have yet (by name); returns how
    many were written. Running it again writes none."""
    written = 0
    have = set(Checklist.objects.filter(centre=centre).values_list("name", flat=True))
    for kind, name, items in DEFAULT_CHECKLISTS:
        if name in have:
            continue
        checklist = Checklist.objects.create(centre=centre, kind=kind, name=name)
        _write_version(
            checklist,
            [ItemIn(section, text, Decimal(1), source) for section, text, source in items],
            None,
            "",
        )
        written += 1
    return written


@transaction.atomic
def checklist_save(
    *,
    actor: User,
    checklist: Checklist | None = None,
    kind: str,
    name: str,
    active: bool = True,
    items: Sequence[ItemIn],
    note: str = "",
) -> Checklist:
    """Create a checklist, or save a new version of one: rounds already made keep the
    version they were made against."""
    if not (actor.is_superuser or actor.has_perm(MANAGE_CHECKLISTS)):
        raise Forbidden()
    if actor.centre_id is None:
        raise Invalid(_("Your account belongs to no centre."), code="no_centre")
    if kind not in ChecklistKind.values:
        raise Invalid(_("There is no such kind of checklist."), code="checklist_kind_unknown")
    name = name.strip()
    if not name or len(name) > 60:
        raise Invalid(_("A checklist needs a name of at most 60 characters."), code="name")
    if checklist is None:
        try:
            with transaction.atomic():
                checklist = Checklist.objects.create(
                    centre_id=actor.centre_id, kind=kind, name=name, active=active
                )
        except IntegrityError as error:
            raise Conflict(
                _("The centre already has a checklist of this name."), code="checklist_name_taken"
            ) from error
    else:
        checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
        clash = Checklist.objects.filter(centre_id=checklist.centre_id, name=name).exclude(
            pk=checklist.pk
        )
        if clash.exists():
            raise Conflict(
                _("The centre already has a checklist of this name."), code="checklist_name_taken"
            )
        checklist.kind, checklist.name, checklist.active = kind, name, active
        checklist.save(update_fields=["kind", "name", "active"])
    version = _write_version(checklist, items, actor, note)
    audit_record(
        actor=actor,
        action="supervision.checklist_save",
        obj=checklist,
        after={"version": version.number, "items": len(items)},
    )
    return checklist
