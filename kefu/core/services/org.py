"""The organisation: centres, their teams and departments, and the regions (GB/T 2260)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit, Region, User, WorkCalendar
from kefu.core.services.audit import audit_record, snapshot
from kefu.core.validation import check_lengths

ORG_UNIT_FIELDS = ["name", "parent", "expert_seat", "active"]


@transaction.atomic
def centre_create(*, actor: User | None, name: str, code: str, calendar: WorkCalendar) -> OrgUnit:
    """A new centre: the root of an organisation tree, counting on `calendar`."""
    name = name.strip()
    if not name:
        raise Invalid(_("Give the centre a name."), code="field_required", detail={"field": "name"})
    centre = OrgUnit(kind=OrgUnit.Kind.CENTRE, code=code, name=name, calendar=calendar)
    check_lengths(centre)
    try:
        centre.full_clean(exclude=["parent"])
    except ValidationError as error:
        field = next(iter(error.message_dict), "code")
        raise Invalid(
            " ".join(error.message_dict[field]), code="centre_invalid", detail={"field": field}
        ) from error
    centre.save()
    audit_record(
        actor=actor,
        action="centre.create",
        obj=centre,
        after={"name": name, "code": code, "calendar": calendar.name},
    )
    return centre


@transaction.atomic
def org_unit_create(
    *,
    actor: User | None,
    centre: OrgUnit,
    kind: str,
    code: str,
    name: str,
    expert_seat: bool = False,
    active: bool = True,
) -> OrgUnit:
    """A team or a department of `centre` (teams and departments sit directly under it)."""
    if kind not in (OrgUnit.Kind.TEAM, OrgUnit.Kind.DEPARTMENT):
        raise Invalid(_("Only teams and departments can be added to a centre."), code="kind")
    if OrgUnit.objects.filter(code=code).exists():
        raise Invalid(_("This code is taken."), code="code_taken", detail={"code": code})
    unit = OrgUnit(
        kind=kind,
        code=code,
        name=name,
        parent=centre,
        expert_seat=expert_seat and kind == OrgUnit.Kind.DEPARTMENT,
        active=active,
    )
    check_lengths(unit)
    unit.save()
    audit_record(
        actor=actor, action="org_unit.create", obj=unit, after=snapshot(unit, ORG_UNIT_FIELDS)
    )
    return unit


@transaction.atomic
def org_unit_update(
    *, actor: User | None, unit: OrgUnit, name: str, expert_seat: bool, active: bool
) -> dict[str, tuple[Any, Any]]:
    """Rename a team or department, make a department an expert seat or not, retire or
    revive it; what changed, as {field: (before, after)}."""
    expert_seat = expert_seat and unit.kind == OrgUnit.Kind.DEPARTMENT
    wanted = {"name": name, "expert_seat": expert_seat, "active": active}
    changes = {
        field: (getattr(unit, field), value)
        for field, value in wanted.items()
        if getattr(unit, field) != value
    }
    if changes:
        before = snapshot(unit, ORG_UNIT_FIELDS)
        for field, value in wanted.items():
            setattr(unit, field, value)
        check_lengths(unit)
        unit.save(update_fields=list(wanted))
        audit_record(
            actor=actor,
            action="org_unit.update",
            obj=unit,
            before=before,
            after=snapshot(unit, ORG_UNIT_FIELDS),
        )
    return changes


@transaction.atomic
def region_save(
    *, actor: User | None, code: str, name: str, parent: Region | None
) -> tuple[Region, dict[str, tuple[Any, Any]]]:
    """Add the region with this GB/T 2260 code, or rename it or move it under another
    parent; the region and what changed ({} for a new one or one left as it was)."""
    region = Region.objects.select_for_update().filter(code=code).first()
    if region is None:
        region = Region(code=code, name=name, parent=parent)
        check_lengths(region)
        region.save()
        audit_record(actor=actor, action="region.create", obj=region, after={"code": code})
        return region, {}
    changes: dict[str, tuple[Any, Any]] = {}
    if region.name != name:
        changes["name"] = (region.name, name)
    if region.parent_id != (parent.pk if parent else None):
        changes["parent"] = (region.parent, parent)
    if changes:
        before = snapshot(region, ["name", "parent"])
        region.name, region.parent = name, parent
        check_lengths(region)
        region.save(update_fields=["name", "parent"])
        audit_record(
            actor=actor,
            action="region.update",
            obj=region,
            before=before,
            after=snapshot(region, ["name", "parent"]),
        )
    return region, changes
