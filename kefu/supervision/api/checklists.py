"""The centre's checklists over the API at /api/v1/supervision/checklists (issue 20 point 1;
001 4.2): list, read, create, and save a new version (rounds keep theirs)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router
from ninja.responses import Status

from kefu.core.http import request_user
from kefu.core.pagination import Page, PageParams, page
from kefu.core.schemas import Id, Out, StrictSchema, errors
from kefu.supervision import queries
from kefu.supervision.models import (
    Checklist,
    ChecklistKind,
    ChecklistVersion,
    Section,
)
from kefu.supervision.services import checklists as checklist_services

router = Router(tags=["supervision"])


# ----------------------------------------------------------------------------- checklists


class SupervisionChecklistItemIn(StrictSchema):
    section: Section
    text: str = Field(min_length=1, max_length=300)
    points: Decimal = Field(Decimal(1), gt=0, le=100, max_digits=4, decimal_places=1)
    source: str = Field("", max_length=40, description="The rule the item comes from.")


class SupervisionChecklistIn(StrictSchema):
    kind: ChecklistKind
    name: str = Field(min_length=1, max_length=60)
    active: bool = True
    items: list[SupervisionChecklistItemIn] = Field(min_length=1, max_length=60)
    note: str = Field("", max_length=200, description="What changed in this version.")


class SupervisionChecklistItemOut(Out):
    id: int
    position: int
    section: Section
    text: str
    points: Decimal
    source: str


class SupervisionChecklistOut(Out):
    id: int
    kind: ChecklistKind
    name: str
    active: bool
    version: int = Field(description="The current version; a round keeps its own.")
    items: list[SupervisionChecklistItemOut]


def items_out(version: ChecklistVersion | None) -> list[dict[str, Any]]:
    if version is None:
        return []
    return [
        {
            "id": item.pk,
            "position": item.position,
            "section": item.section,
            "text": item.text,
            "points": item.points,
            "source": item.source,
        }
        for item in version.items.all()
    ]


def _checklist(checklist: Checklist) -> dict[str, Any]:
    versions = list(checklist.versions.all())
    current = versions[0] if versions else None
    return {
        "id": checklist.pk,
        "kind": checklist.kind,
        "name": checklist.name,
        "active": checklist.active,
        "version": current.number if current else 0,
        "items": items_out(current),
    }


@router.get("/checklists", response=Page[SupervisionChecklistOut])
def list_checklists(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The centre's checklists with their current items."""
    checklists = queries.checklists_of(request_user(request)).prefetch_related("versions__items")
    return page(checklists.order_by("kind", "name", "pk"), params, _checklist)


@router.get(
    "/checklists/{int:checklist_id}", response={200: SupervisionChecklistOut, **errors(404)}
)
def get_checklist(request: HttpRequest, checklist_id: Id) -> dict[str, Any]:
    return _checklist(queries.checklist_get_for_user(request_user(request), checklist_id))


def _item_values(payload: SupervisionChecklistIn) -> list[checklist_services.ItemIn]:
    return [
        checklist_services.ItemIn(item.section.value, item.text, item.points, item.source)
        for item in payload.items
    ]


@router.post("/checklists", response={201: SupervisionChecklistOut, **errors(403, 409, 422)})
def create_checklist(
    request: HttpRequest, payload: SupervisionChecklistIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    checklist = checklist_services.checklist_save(
        actor=user,
        kind=payload.kind.value,
        name=payload.name,
        active=payload.active,
        items=_item_values(payload),
        note=payload.note,
    )
    return Status(201, _checklist(queries.checklist_get_for_user(user, checklist.pk)))


@router.put(
    "/checklists/{int:checklist_id}",
    response={200: SupervisionChecklistOut, **errors(403, 404, 409, 422)},
)
def change_checklist(
    request: HttpRequest, checklist_id: Id, payload: SupervisionChecklistIn
) -> dict[str, Any]:
    """Save a new version of the checklist; rounds made keep the version they used."""
    user = request_user(request)
    checklist = queries.checklist_get_for_user(user, checklist_id)
    checklist_services.checklist_save(
        actor=user,
        checklist=checklist,
        kind=payload.kind.value,
        name=payload.name,
        active=payload.active,
        items=_item_values(payload),
        note=payload.note,
    )
    return _checklist(queries.checklist_get_for_user(user, checklist_id))
